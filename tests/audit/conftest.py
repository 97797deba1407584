import pytest

from tests.privacy.traces import Traces, make_traces


@pytest.fixture
def traces(survey, mailoutbox) -> Traces:
    """A respondent's traces everywhere (contacts, mail, answers, links, sessions)."""
    return make_traces(survey)
