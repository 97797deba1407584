"""Every staff action leaves exactly one row in the append-only audit trail."""

import datetime as dt
import io
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit import actions
from audit.models import AppendOnlyError, AuditEvent
from audit.services import audit_record
from surveys.analysis.export_jobs import export_log_create
from surveys.analysis.exports import ExportOptions
from surveys.answering.links import invitation_link_issue, invitation_link_revoke
from surveys.models import AccessToken, AnswerSet, Wave
from surveys.outreach.services import invitations_queue, reminders_queue_now
from tests import builders
from tests.surveys.test_admin import question_form_data

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "municipalities" / "data"
QUESTIONNAIRE = ROOT / "surveys" / "questionnaires" / "ekommune-2011.yaml"


@contextmanager
def exactly_one_row(action: str):
    """The block writes one audit row, of this action; the row is handed back in a list."""
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    written: list[AuditEvent] = []
    yield written
    new = list(AuditEvent.objects.filter(id__gt=before).order_by("id"))
    assert [event.action for event in new] == [action]
    written.append(new[0])


def administrator(client, *app_labels: str):
    user = builders.make_staff(username="kari.admin")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=app_labels))
    client.force_login(user)
    return user


@pytest.fixture
def wave():
    wave = builders.make_wave(slug="ekommune-test", status=Wave.Status.DRAFT)
    section = builders.make_section(wave=wave, key="strategi", position=1)
    builders.make_question(section=section, key="plan", position=1, text="Har dere en plan?")
    return wave


# --- waves -----------------------------------------------------------------------------------


def test_opening_and_closing_a_wave_with_the_command_writes_one_row_each(wave):
    closes = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    with exactly_one_row(actions.WAVE_OPENED) as opened:
        call_command("wave_status", wave.slug, "open", "--closes", closes, stdout=io.StringIO())
    with exactly_one_row(actions.WAVE_CLOSED) as closed:
        call_command("wave_status", wave.slug, "closed", stdout=io.StringIO())

    assert opened[0].target_type == "surveys.wave"
    assert opened[0].target_id == str(wave.pk)
    assert opened[0].details["previous_status"] == "draft"
    assert closed[0].details["previous_status"] == "open"


def test_a_refused_status_change_writes_nothing(wave):
    Wave.objects.filter(pk=wave.pk).update(closes_at=timezone.now() - dt.timedelta(days=1))
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="passert"):
        call_command("wave_status", wave.slug, "open", stdout=io.StringIO())
    assert AuditEvent.objects.count() == before


def test_opening_a_wave_in_the_admin_names_the_administrator(client, wave):
    user = administrator(client, "surveys")
    Wave.objects.filter(pk=wave.pk).update(closes_at=timezone.now() + dt.timedelta(days=30))

    with exactly_one_row(actions.WAVE_OPENED) as rows:
        client.post(
            reverse("admin:surveys_wave_changelist"),
            {"action": "open_waves", "_selected_action": [wave.pk]},
        )

    assert (rows[0].actor_id, rows[0].actor_name, rows[0].via) == (user.pk, "kari.admin", "web")


def test_a_command_is_named_with_its_name_and_the_operating_system_user(wave, monkeypatch):
    monkeypatch.setattr("sys.argv", ["manage.py", "wave_status", wave.slug, "closed"])
    with exactly_one_row(actions.WAVE_CLOSED) as rows:
        call_command("wave_status", wave.slug, "closed", stdout=io.StringIO())

    assert rows[0].via == "command"
    assert rows[0].actor_name.startswith("manage.py wave_status (")


# --- questionnaires --------------------------------------------------------------------------


def test_loading_a_questionnaire_file_writes_one_row():
    builders.make_bundled_register(2011)

    with exactly_one_row(actions.QUESTIONNAIRE_LOADED) as rows:
        call_command("load_questionnaire", str(QUESTIONNAIRE), stdout=io.StringIO())

    assert rows[0].details["created"] is True
    assert rows[0].details["changes"]["questions_created"] == 42
    assert rows[0].target_label == str(Wave.objects.get())


def test_editing_a_question_in_the_admin_writes_one_row(client, wave):
    administrator(client, "surveys")
    question = wave.questions.get()

    with exactly_one_row(actions.QUESTIONNAIRE_EDITED) as rows:
        response = client.post(
            reverse("admin:surveys_question_change", args=[question.pk]),
            question_form_data(question, text="Har kommunen en plan?"),
        )

    assert response.status_code == 302
    assert rows[0].target_type == "surveys.question"
    assert rows[0].details["change"] == "changed"


def test_creating_a_wave_in_the_admin_writes_one_row(client, wave):
    administrator(client, "surveys", "municipalities")
    form = {
        "slug": "ny-runde",
        "title": "Ny runde",
        "year": wave.year,
        "edition": wave.edition_id,
        "target_kinds": ["kommune"],
        "sections-TOTAL_FORMS": 0,
        "sections-INITIAL_FORMS": 0,
        "sections-MIN_NUM_FORMS": 0,
        "sections-MAX_NUM_FORMS": 1000,
        "_save": "Lagre",
    }
    with exactly_one_row(actions.WAVE_CREATED) as rows:
        response = client.post(reverse("admin:surveys_wave_add"), form)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert rows[0].target_label == str(Wave.objects.get(slug="ny-runde"))


# --- register and contacts -------------------------------------------------------------------


def test_importing_a_register_and_its_contacts_writes_one_row_each(tmp_path):
    with exactly_one_row(actions.REGISTER_IMPORTED) as register:
        call_command(
            "import_register",
            "--year",
            "2011",
            "--counties",
            str(DATA / "fylker-2011.csv"),
            "--municipalities",
            str(DATA / "kommuner-2011.csv"),
            stdout=io.StringIO(),
        )
    contacts = tmp_path / "kontakter.csv"
    contacts.write_text(
        "nummer;navn;epost;rolle\n0301;Kari Nordmann;kari@oslo.kommune.no;IKT-sjef\n",
        encoding="utf-8",
    )
    with exactly_one_row(actions.CONTACTS_IMPORTED) as imported:
        call_command("import_contacts", "--year", "2011", str(contacts), stdout=io.StringIO())

    assert register[0].details["kommuner"]["created"] > 400
    assert imported[0].details["created"] == 1
    # The trail names no person: it can never be erased.
    assert "Kari" not in str(imported[0].details) + imported[0].target_label


# --- mail, links, answers, exports ------------------------------------------------------------


@pytest.fixture
def open_wave(wave):
    Wave.objects.filter(pk=wave.pk).update(
        status=Wave.Status.OPEN, closes_at=timezone.now() + dt.timedelta(days=30)
    )
    wave.refresh_from_db()
    county = builders.make_county(edition=wave.edition, number="12")
    organisations = [
        builders.make_organisation(county=county, number=f"12{n:02d}") for n in range(1, 3)
    ]
    builders.make_contacts(organisations)
    return wave


def test_an_invitation_round_and_a_reminder_round_write_one_row_each(open_wave, staff_user):
    with exactly_one_row(actions.INVITATIONS_QUEUED) as invited:
        ids = invitations_queue(wave=open_wave, now=timezone.now(), user=staff_user)
    with exactly_one_row(actions.REMINDERS_QUEUED) as reminded:
        reminders_queue_now(wave=open_wave, organisations=None, now=timezone.now(), user=staff_user)

    assert invited[0].details["messages"] == len(ids) == 2
    assert invited[0].actor_name == staff_user.username
    assert reminded[0].details["round"] == 1


def test_a_reminder_round_from_the_dashboard_names_the_staff_member(client, open_wave):
    user = builders.make_staff(username="kari.utsending")
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_dashboard", "send_mail"])
    )
    client.force_login(user)
    invitations_queue(wave=open_wave, now=timezone.now())

    with exactly_one_row(actions.REMINDERS_QUEUED) as rows:
        response = client.post(
            reverse("surveys:dashboard_remind", args=[open_wave.slug]), {"all": "1", "confirm": "1"}
        )

    assert response.status_code == 302
    assert (rows[0].actor_name, rows[0].via, rows[0].details["messages"]) == (
        "kari.utsending",
        "web",
        2,
    )


def test_issuing_and_revoking_a_link_write_one_row_each(open_wave, staff_user):
    contact = builders.make_contact(
        organisation=builders.make_organisation(edition=open_wave.edition)
    )
    with exactly_one_row(actions.LINK_ISSUED) as issued:
        invitation_link_issue(contact=contact, wave=open_wave, created_by=staff_user)
    with exactly_one_row(actions.LINK_REVOKED) as revoked:
        invitation_link_revoke(contact=contact, wave=open_wave)

    assert issued[0].target_label == f"#{contact.pk}"
    assert contact.email not in issued[0].target_label + str(issued[0].details)
    assert revoked[0].details["links"] == 1


def test_revoking_links_in_the_admin_writes_one_row(client, open_wave):
    administrator(client, "surveys")
    contact = builders.make_contact(
        organisation=builders.make_organisation(edition=open_wave.edition)
    )
    invitation_link_issue(contact=contact, wave=open_wave)
    token = AccessToken.objects.get(contact=contact)
    with exactly_one_row(actions.LINK_REVOKED) as rows:
        client.post(
            reverse("admin:surveys_accesstoken_changelist"),
            {"action": "revoke_links", "_selected_action": [token.pk]},
        )

    assert rows[0].details["tokens"] == [token.pk]


def test_reopening_a_submitted_answer_set_in_the_admin_writes_one_row(client, open_wave):
    user = administrator(client, "surveys")
    answer_set = builders.make_answer_set(wave=open_wave, status=AnswerSet.Status.SUBMITTED)

    with exactly_one_row(actions.ANSWERS_REOPENED) as rows:
        client.post(
            reverse("admin:surveys_answerset_changelist"),
            {"action": "reopen_answer_sets", "_selected_action": [answer_set.pk]},
        )

    assert rows[0].target_id == str(answer_set.pk)
    assert rows[0].actor_id == user.pk


def test_an_export_writes_one_row_saying_whether_it_held_personal_data(open_wave, staff_user):
    options = ExportOptions(layout="wide", format="csv", include_personal_data=True)
    with exactly_one_row(actions.EXPORT_CREATED) as rows:
        job = export_log_create(
            wave=open_wave, user_id=staff_user.pk, options=options, total_rows=2
        )

    assert rows[0].details["personal_data"] is True
    assert rows[0].details["export"] == job.pk
    assert rows[0].actor_name == staff_user.username


# --- roles -----------------------------------------------------------------------------------


def test_each_change_of_a_users_groups_writes_one_row(staff_user):
    analysts = Group.objects.create(name="Analytiker-test")
    readers = Group.objects.create(name="Lesetilgang-test")

    with exactly_one_row(actions.ROLE_GRANTED) as granted:
        staff_user.groups.add(analysts, readers)
    with exactly_one_row(actions.ROLE_REVOKED) as revoked:
        staff_user.groups.remove(readers)
    with exactly_one_row(actions.ROLE_GRANTED):
        readers.user_set.add(staff_user)
    with exactly_one_row(actions.ROLE_REVOKED) as cleared:
        staff_user.groups.clear()

    assert granted[0].details["groups"] == ["Analytiker-test", "Lesetilgang-test"]
    assert revoked[0].details["groups"] == ["Lesetilgang-test"]
    assert cleared[0].details["groups"] == ["Analytiker-test", "Lesetilgang-test"]
    assert granted[0].target_label == staff_user.username


def test_changing_groups_on_the_user_page_of_the_admin_writes_one_row_per_change(client):
    superuser = builders.make_staff(username="root", is_superuser=True)
    client.force_login(superuser)
    user = builders.make_staff(username="ola")
    group = Group.objects.create(name="Analytiker-test")
    form = {
        "username": "ola",
        "is_active": "on",
        "is_staff": "on",
        "groups": [group.pk],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "12:00:00",
        "_save": "Lagre",
    }
    with exactly_one_row(actions.ROLE_GRANTED) as rows:
        response = client.post(reverse("admin:auth_user_change", args=[user.pk]), form)

    assert response.status_code == 302
    assert rows[0].actor_name == "root"


# --- hooks for other actions, and append-only ---------------------------------------------------


def test_other_actions_are_recorded_through_the_same_service(wave, staff_user):
    with exactly_one_row(actions.WAVE_PUBLISHED) as rows:
        audit_record(action=actions.WAVE_PUBLISHED, target=wave, actor=staff_user)

    assert rows[0].action_label == "Resultater publisert"


def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm(wave):
    event = audit_record(action=actions.WAVE_COPIED, target=wave)

    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        event.delete()
    event.action = "x"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == actions.WAVE_COPIED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_to_change_or_delete_audit_rows_even_in_raw_sql(wave):
    from django.db import DatabaseError

    event = audit_record(action=actions.WAVE_COPIED, target=wave)
    for sql in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == actions.WAVE_COPIED


def test_the_admin_shows_the_trail_but_offers_no_way_to_change_it(client, wave):
    superuser = builders.make_staff(is_superuser=True)
    client.force_login(superuser)
    event = audit_record(action=actions.WAVE_COPIED, target=wave)

    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
