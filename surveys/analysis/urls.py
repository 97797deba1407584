"""Staff pages of analysis: results, report, prize and exports."""

from django.urls import path

from surveys.analysis import views

urlpatterns = [
    path("staff/results/", views.results_waves, name="results_waves"),
    path("staff/results/<slug:slug>/", views.results_index, name="results_index"),
    path(
        "staff/results/<slug:slug>/q/<slug:key>/", views.results_question, name="results_question"
    ),
    path(
        "staff/results/<slug:slug>/q/<slug:key>/chart/<slug:chart>.<str:fmt>",
        views.results_chart,
        name="results_chart",
    ),
    path("staff/results/<slug:slug>/report/", views.results_report, name="results_report"),
    path(
        "staff/results/<slug:slug>/report.pdf", views.results_report_pdf, name="results_report_pdf"
    ),
    path(
        "staff/results/<slug:slug>/report.pdf.json",
        views.results_report_pdf_status,
        name="results_report_pdf_status",
    ),
    path(
        "staff/results/<slug:slug>/organisations/",
        views.organisation_reports,
        name="organisation_reports",
    ),
    path(
        "staff/results/<slug:slug>/organisations/<str:number>/",
        views.organisation_report_staff,
        name="organisation_report_staff",
    ),
    path(
        "staff/results/<slug:slug>/organisations/<str:number>/rapport.pdf",
        views.organisation_report_staff,
        name="organisation_report_staff_pdf",
    ),
    path(
        "svar/<slug:wave_slug>/<organisation:organisation_number>/rapport/",
        views.organisation_report_respondent,
        name="organisation_report",
    ),
    path(
        "svar/<slug:wave_slug>/<organisation:organisation_number>/rapport.pdf",
        views.organisation_report_respondent,
        name="organisation_report_pdf",
    ),
    path("staff/results/<slug:slug>/prize/", views.results_prize, name="results_prize"),
    path("staff/results/<slug:slug>/export/", views.export_form, name="export"),
    path("staff/exports/", views.export_log, name="export_log"),
    path("staff/exports/<int:pk>/", views.export_job, name="export_job"),
    path("staff/exports/<int:pk>/status.json", views.export_job_status, name="export_job_status"),
    path("staff/exports/<int:pk>/download/", views.export_job_download, name="export_job_download"),
]
