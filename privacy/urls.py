"""Privacy pages (namespace `privacy`): public statements and the staff pages."""

from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("personvern/", views.privacy_statement, name="privacy_statement"),
    path("tilgjengelighet/", views.accessibility_statement, name="accessibility_statement"),
    path("staff/personvern/", views.personal_data, name="personal_data"),
    path("staff/personvern/kontakter/<int:pk>/slett/", views.contact_erase, name="contact_erase"),
    path("staff/personvern/lagringstid/", views.retention, name="retention"),
    path(
        "staff/personvern/svarsett/<int:pk>/historikk/",
        views.answer_set_history_staff,
        name="answer_set_history",
    ),
]
