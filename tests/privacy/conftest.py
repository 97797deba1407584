import pytest

from tests.privacy.traces import Traces, make_traces


@pytest.fixture
def traces(survey, mailoutbox) -> Traces:
    return make_traces(survey)
