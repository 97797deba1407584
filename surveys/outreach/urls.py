"""Staff pages of outreach: the dashboard, invitations, reminders and mail rounds."""

from django.urls import path

from surveys.outreach import views

urlpatterns = [
    path("staff/dashboard/", views.dashboard_waves, name="dashboard_waves"),
    path("staff/dashboard/<slug:slug>/", views.dashboard, name="dashboard"),
    path(
        "staff/dashboard/<slug:slug>/figures.json",
        views.dashboard_figures,
        name="dashboard_figures",
    ),
    path(
        "staff/dashboard/<slug:slug>/status.csv",
        views.dashboard_status_csv,
        name="dashboard_status_csv",
    ),
    path("staff/dashboard/<slug:slug>/remind/", views.dashboard_remind, name="dashboard_remind"),
    path("staff/dashboard/<slug:slug>/invite/", views.dashboard_invite, name="dashboard_invite"),
    path(
        "staff/dashboard/<slug:slug>/report-mail/",
        views.dashboard_report_mail,
        name="dashboard_report_mail",
    ),
    path(
        "staff/dashboard/<slug:slug>/schedule/", views.dashboard_schedule, name="dashboard_schedule"
    ),
    path(
        "staff/dashboard/<slug:slug>/rounds/<slug:kind>/<int:number>/",
        views.dashboard_round,
        name="dashboard_round",
    ),
]
