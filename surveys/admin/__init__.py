"""Django admin of the surveys app, for low-level edits; ordinary work uses the staff pages."""

from surveys.admin import questionnaire, records  # noqa: F401  (registers the model admins)
