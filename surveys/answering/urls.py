"""Respondent pages: the personal link, the sections, review, receipt and colleagues."""

from django.urls import path

from surveys.answering import history, views

urlpatterns = [
    path("i/<str:token>/", views.link_open, name="link"),
    path("svar/logg-ut/", views.logout, name="respondent_logout"),
    path("svar/<slug:wave_slug>/", views.overview, name="overview"),
    path("svar/<slug:wave_slug>/del/<slug:section_key>/", views.section, name="section"),
    path(
        "svar/<slug:wave_slug>/del/<slug:section_key>/autolagre/",
        views.section_autosave,
        name="section_autosave",
    ),
    path("svar/<slug:wave_slug>/innsending/", views.review, name="review"),
    path("svar/<slug:wave_slug>/kvittering/", views.receipt, name="receipt"),
    path("svar/<slug:wave_slug>/gjenapne/", views.reopen, name="reopen"),
    path("svar/<slug:wave_slug>/kollega/", views.invite_colleague, name="invite_colleague"),
    path("svar/<slug:wave_slug>/forleng/", views.session_extend, name="session_extend"),
    path("svar/<slug:wave_slug>/historikk/", history.answer_history, name="answer_history"),
]
