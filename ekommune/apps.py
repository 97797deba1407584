from django.apps import AppConfig


class EkommuneConfig(AppConfig):
    """The project package doubles as an app for project-wide templates, commands and tasks."""

    name = "ekommune"
    verbose_name = "eKommune"
