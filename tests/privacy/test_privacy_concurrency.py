"""Races in erasure and retention, proven with real threads and connections on PostgreSQL."""

from datetime import datetime
from zoneinfo import ZoneInfo

from privacy import services
from privacy.models import WaveRetention
from surveys.models import Wave
from tests.concurrency import postgresql_only, run_together
from tests.privacy.traces import make_traces

pytestmark = postgresql_only

DUE = datetime(2030, 1, 1, tzinfo=ZoneInfo("Europe/Oslo"))


def test_two_retention_runs_at_once_pseudonymise_the_wave_once(survey, mailoutbox):
    traces = make_traces(survey)
    Wave.objects.filter(pk=survey.wave.pk).update(
        status=Wave.Status.CLOSED, closes_at=datetime(2025, 1, 1, tzinfo=ZoneInfo("Europe/Oslo"))
    )

    def run():
        return services.retention_pseudonymise_due(now=DUE)

    results = run_together(run, run, run)

    assert sorted(len(result) for result in results) == [0, 0, 1], results
    assert WaveRetention.objects.get(wave=survey.wave).pseudonymised_at == DUE
    traces.person.refresh_from_db()
    assert traces.person.name == ""


def test_two_administrators_erasing_the_same_contact_at_once_erase_it_once(survey, mailoutbox):
    traces = make_traces(survey)

    def erase():
        return services.contact_erase(contact=traces.person)

    results = run_together(erase, erase)

    errors = [r for r in results if isinstance(r, services.PrivacyError)]
    assert len(errors) == 1 and errors[0].code == "already_erased", results
    traces.person.refresh_from_db()
    assert traces.person.name == "" and not traces.person.is_active
