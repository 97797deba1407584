"""Every management command of the project explains itself: `manage.py help <command>` works."""

import io
from contextlib import redirect_stdout

import pytest
from django.core.management import ManagementUtility, get_commands

PROJECT_APPS = {"ekommune", "municipalities", "surveys"}
PROJECT_COMMANDS = sorted(name for name, app in get_commands().items() if app in PROJECT_APPS)


def test_the_project_has_commands_to_check():
    assert {"wave_status", "load_questionnaire", "export_questionnaire"} <= set(PROJECT_COMMANDS)


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("command", PROJECT_COMMANDS)
def test_help_of_every_project_command_prints_its_usage(command, language):
    from django.utils import translation

    output = io.StringIO()
    with translation.override(language), redirect_stdout(output):
        ManagementUtility(["manage.py", "help", command]).execute()

    assert f"usage: manage.py {command}" in output.getvalue()
