"""URLs of the surveys app (namespace `surveys`): respondent pages first, then staff pages."""

from django.urls import path  # noqa: F401 - used as pages are added

app_name = "surveys"

urlpatterns: list = [
    # --- respondent pages (surveys/views/respondent.py) ---
    # --- staff pages (surveys/views/staff.py) ---
]
