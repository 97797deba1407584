"""URLs of the surveys app (namespace `surveys`): respondent pages first, then staff pages."""

from django.urls import path

from surveys.views import respondent, results, staff

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
    # --- results and exports (surveys/views/results.py) ---
    path("staff/results/", results.results_waves, name="results_waves"),
    path("staff/results/<slug:slug>/", results.results_index, name="results_index"),
    path(
        "staff/results/<slug:slug>/q/<slug:key>/",
        results.results_question,
        name="results_question",
    ),
    path(
        "staff/results/<slug:slug>/q/<slug:key>/chart/<slug:chart>.<str:fmt>",
        results.results_chart,
        name="results_chart",
    ),
    path("staff/results/<slug:slug>/report/", results.results_report, name="results_report"),
    path(
        "staff/results/<slug:slug>/report.pdf",
        results.results_report_pdf,
        name="results_report_pdf",
    ),
    path("staff/results/<slug:slug>/prize/", results.results_prize, name="results_prize"),
    path("staff/results/<slug:slug>/export/", results.export_form, name="export"),
    path("staff/exports/", results.export_log, name="export_log"),
    path("staff/exports/<int:pk>/", results.export_job, name="export_job"),
    path("staff/exports/<int:pk>/status.json", results.export_job_status, name="export_job_status"),
    path(
        "staff/exports/<int:pk>/download/",
        results.export_job_download,
        name="export_job_download",
    ),
    # --- end results and exports ---
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
