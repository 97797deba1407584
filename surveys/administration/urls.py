"""Staff pages for running waves: the questionnaire preview."""

from django.urls import include, path

from surveys.administration import views

urlpatterns = [
    path("", include("surveys.administration.editor.urls")),
    path("staff/waves/<slug:slug>/preview/", views.wave_preview, name="staff_wave_preview"),
    path(
        "staff/waves/<slug:slug>/sections/<slug:key>/preview/",
        views.section_preview,
        name="staff_section_preview",
    ),
]
