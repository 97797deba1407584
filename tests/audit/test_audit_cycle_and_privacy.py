"""The yearly cycle's and privacy work's staff actions each leave exactly one audit row."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit import actions
from audit.models import AuditEvent
from privacy import services as privacy
from surveys.administration import services as administration
from surveys.models import Wave
from surveys.waves import wave_publish_results, wave_withdraw_results
from tests import builders
from tests.audit.test_audit_trail import exactly_one_row
from tests.privacy.traces import EMAIL, grant_privacy
from tests.surveys.administration.cycle_fixtures import upload_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_wave():
    wave = builders.make_wave(slug="ekommune-test", status=Wave.Status.CLOSED)
    section = builders.make_section(wave=wave, key="strategi", position=1)
    builders.make_question(section=section, key="plan", position=1, text="Har dere en plan?")
    return wave


def test_copying_a_wave_writes_one_row_not_a_questionnaire_load_as_well(closed_wave):
    with exactly_one_row(actions.WAVE_COPIED) as rows:
        report = administration.wave_copy(
            source=closed_wave,
            slug="ekommune-neste",
            year=closed_wave.year + 1,
            title="Neste runde",
            edition=closed_wave.edition,
        )

    assert rows[0].details["from"] == "ekommune-test"
    assert rows[0].details["questions"] == 1
    assert rows[0].target_id == str(report.wave.pk)


def test_publishing_and_withdrawing_results_write_one_row_each_and_a_repeat_writes_none(
    closed_wave,
):
    now = timezone.now()
    with exactly_one_row(actions.WAVE_PUBLISHED):
        wave_publish_results(wave=closed_wave, now=now)
    before = AuditEvent.objects.count()
    wave_publish_results(wave=closed_wave, now=now + dt.timedelta(minutes=1))
    assert AuditEvent.objects.count() == before

    with exactly_one_row(actions.WAVE_UNPUBLISHED):
        wave_withdraw_results(wave=closed_wave)


def test_contacts_imported_by_upload_write_one_row(closed_wave):
    organisation = builders.make_organisation(edition=closed_wave.edition, number="3101")
    staff = builders.make_staff(username="kari.register")
    upload = administration.contacts_upload_start(
        edition=closed_wave.edition,
        file=upload_file("kontakter.csv", "nummer;navn;epost;rolle\n3101;Kari;kari@x.no;IT\n"),
        user=staff,
    )

    with exactly_one_row(actions.CONTACTS_IMPORTED) as rows:
        administration.upload_confirm(upload=upload)

    assert rows[0].details["created"] == 1
    assert rows[0].actor_name == "kari.register"
    assert organisation.contacts.get().email == "kari@x.no"


def test_carrying_contacts_forward_writes_one_row():
    earlier = builders.make_bundled_register(2011)
    later = builders.make_bundled_register(2024)
    halden = earlier.organisations.get(number="0101")
    builders.make_contact(organisation=halden, email="c@halden.kommune.no")

    with exactly_one_row(actions.CONTACTS_IMPORTED) as rows:
        administration.contacts_carry_forward(earlier=earlier, later=later)

    assert rows[0].details == {"carried_from": 2011}


def test_erasing_a_contact_writes_one_row_that_names_no_person(traces):
    staff = builders.make_staff(username="personvernombud")

    with exactly_one_row(actions.CONTACT_ERASED) as rows:
        privacy.contact_erase(contact=traces.person, user=staff)

    row = rows[0]
    assert row.actor_name == "personvernombud"
    assert EMAIL not in str(row.details) and EMAIL not in row.target_label


def test_pseudonymising_a_wave_twice_writes_one_row(traces):
    wave = traces.survey.wave
    later = timezone.now() + dt.timedelta(days=365 * 3)

    with exactly_one_row(actions.RETENTION_PSEUDONYMISED):
        privacy.wave_pseudonymise(wave=wave, now=later)
        privacy.wave_pseudonymise(wave=wave, now=later)


def test_an_access_report_writes_one_row_without_the_address(client, traces):
    user = grant_privacy(builders.make_staff(), "view_personal_data")
    builders.sign_in_verified(client, user)

    with exactly_one_row(actions.ACCESS_REPORT_CREATED) as rows:
        response = client.post(reverse("privacy:personal_data"), {"email": EMAIL})

    assert response.status_code == 200
    assert rows[0].details == {"contacts": 1, "download": False}
    assert EMAIL not in str(rows[0].details)
