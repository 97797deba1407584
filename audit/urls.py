from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("staff/revisjonslogg/", views.event_list, name="event_list"),
    path("staff/revisjonslogg/csv/", views.event_csv, name="event_csv"),
]
