"""The audit trail's staff page: administrators only, filters, pages, and the CSV download."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit import actions
from audit.models import AuditEvent
from audit.services import audit_record
from tests import builders

pytestmark = pytest.mark.django_db

PAGE = reverse("audit:event_list")
CSV = reverse("audit:event_csv")


@pytest.fixture
def auditor(client):
    user = builders.make_staff(username="revisor")
    user.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    client.force_login(user)
    return client


@pytest.fixture
def trail():
    wave = builders.make_wave(slug="ekommune-2011", title="eKommune 2011")
    kari = builders.make_staff(username="kari")
    ola = builders.make_staff(username="ola")
    audit_record(action=actions.WAVE_OPENED, target=wave, actor=kari)
    audit_record(action=actions.EXPORT_CREATED, target=wave, actor=ola, details={"layout": "=cmd"})
    AuditEvent.objects.create(
        at=timezone.now() - dt.timedelta(days=40),
        actor_id=kari.pk,
        actor_name="kari",
        action=actions.WAVE_CLOSED,
        target_type="surveys.wave",
        target_id=str(wave.pk),
        target_label=str(wave),
    )
    return wave


def table(response) -> str:
    return response.content.decode().split("<table")[1]


def text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8-sig")


def test_anonymous_visitors_go_to_the_login_page_and_staff_without_permission_are_refused(client):
    assert client.get(PAGE).status_code == 302
    client.force_login(builders.make_staff())
    assert client.get(PAGE).status_code == 403
    assert client.get(CSV).status_code == 403


def test_the_page_lists_every_action_newest_first(auditor, trail):
    response = auditor.get(PAGE)

    rows = table(response)
    assert response.status_code == 200
    assert rows.index("Eksport") < rows.index("Runde åpnet") < rows.index("Runde lukket")
    assert "3 hendelser" in rows


def test_filters_narrow_the_list_by_action_person_and_dates(auditor, trail):
    by_action = table(auditor.get(PAGE, {"action": actions.EXPORT_CREATED}))
    by_person = table(auditor.get(PAGE, {"actor": "KARI"}))
    recent = timezone.localdate() - dt.timedelta(days=7)
    by_date = table(auditor.get(PAGE, {"since": recent.isoformat()}))

    assert "1 hendelse" in by_action and "Runde åpnet" not in by_action
    assert "2 hendelser" in by_person and "Eksport" not in by_person
    assert "2 hendelser" in by_date and "Runde lukket" not in by_date


def test_a_bad_date_range_is_explained_and_nothing_is_hidden(auditor, trail):
    response = auditor.get(PAGE, {"since": "2026-05-01", "until": "2026-04-01"})

    page = response.content.decode()
    assert "Til-datoen er før fra-datoen." in page
    assert "3 hendelser" in page


def test_the_csv_download_has_the_filtered_rows_neutralised(auditor, trail):
    response = auditor.get(CSV, {"actor": "ola"})

    rows = list(csv.reader(io.StringIO(text(response))))
    assert response["Content-Disposition"].startswith('attachment; filename="revisjonslogg-')
    assert rows[0][:5] == ["tidspunkt", "utført av", "bruker-id", "via", "handling"]
    assert len(rows) == 2
    assert rows[1][1] == "ola" and rows[1][4] == actions.EXPORT_CREATED
    assert rows[1][8] == '{"layout": "=cmd"}'


def test_the_page_takes_the_same_number_of_queries_for_more_events(auditor, trail):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert auditor.get(PAGE).status_code == 200
        return len(captured)

    queries()  # the first request of a session also renews it
    few = queries()
    for _ in range(30):
        audit_record(action=actions.LINK_ISSUED, target=trail)
    assert queries() == few
