"""URLs of the surveys app (namespace `surveys`): respondent pages first, then staff pages."""

from django.urls import path  # noqa: F401 - used as pages are added

from surveys.views import staff

app_name = "surveys"

urlpatterns: list = [
    # --- respondent pages (surveys/views/respondent.py) ---
    # --- staff pages (surveys/views/staff.py) ---
    # -- form engine: section preview --
    path("staff/waves/<slug:slug>/preview/", staff.wave_preview, name="staff_wave_preview"),
    path(
        "staff/waves/<slug:slug>/sections/<slug:key>/preview/",
        staff.section_preview,
        name="staff_section_preview",
    ),
    # -- end form engine --
]
