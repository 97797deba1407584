"""URLs of the surveys app (namespace `surveys`): respondent pages first, then staff pages."""

from django.urls import path  # noqa: F401 - used as pages are added

from surveys.views import respondent, staff

from .views import dashboard  # dashboard, invitations and reminders (issue 6)

app_name = "surveys"

urlpatterns: list = [
    # --- respondent pages (surveys/views/respondent.py) ---
    path("i/<str:token>/", respondent.link_open, name="link"),
    path("svar/logg-ut/", respondent.logout, name="respondent_logout"),
    path("svar/<slug:wave_slug>/", respondent.overview, name="overview"),
    path("svar/<slug:wave_slug>/del/<slug:section_key>/", respondent.section, name="section"),
    path(
        "svar/<slug:wave_slug>/del/<slug:section_key>/autolagre/",
        respondent.section_autosave,
        name="section_autosave",
    ),
    path("svar/<slug:wave_slug>/innsending/", respondent.review, name="review"),
    path("svar/<slug:wave_slug>/kvittering/", respondent.receipt, name="receipt"),
    path("svar/<slug:wave_slug>/gjenapne/", respondent.reopen, name="reopen"),
    path("svar/<slug:wave_slug>/kollega/", respondent.invite_colleague, name="invite_colleague"),
    path("svar/<slug:wave_slug>/forleng/", respondent.session_extend, name="session_extend"),
    # --- end respondent pages ---
    # --- staff pages (surveys/views/staff.py) ---
    # -- form engine: section preview --
    path("staff/waves/<slug:slug>/preview/", staff.wave_preview, name="staff_wave_preview"),
    path(
        "staff/waves/<slug:slug>/sections/<slug:key>/preview/",
        staff.section_preview,
        name="staff_section_preview",
    ),
    # -- end form engine --
    # --- dashboard: response rates, invitations, reminders (surveys/views/dashboard.py) ---
    path("staff/dashboard/", dashboard.dashboard_waves, name="dashboard_waves"),
    path("staff/dashboard/<slug:slug>/", dashboard.dashboard, name="dashboard"),
    path(
        "staff/dashboard/<slug:slug>/figures.json",
        dashboard.dashboard_figures,
        name="dashboard_figures",
    ),
    path(
        "staff/dashboard/<slug:slug>/status.csv",
        dashboard.dashboard_status_csv,
        name="dashboard_status_csv",
    ),
    path(
        "staff/dashboard/<slug:slug>/remind/", dashboard.dashboard_remind, name="dashboard_remind"
    ),
    path(
        "staff/dashboard/<slug:slug>/invite/", dashboard.dashboard_invite, name="dashboard_invite"
    ),
    path(
        "staff/dashboard/<slug:slug>/schedule/",
        dashboard.dashboard_schedule,
        name="dashboard_schedule",
    ),
    path(
        "staff/dashboard/<slug:slug>/rounds/<slug:kind>/<int:number>/",
        dashboard.dashboard_round,
        name="dashboard_round",
    ),
    # --- end dashboard ---
]
