"""Operators' commands: send_invitations and send_reminders, with --dry-run."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from surveys.models import MailKind, OutboundMessage
from tests import builders


@pytest.fixture
def wave(db):
    wave = builders.make_wave(slug="ekommune-2011")
    county = builders.make_county(edition=wave.edition, number="12")
    organisations = [
        builders.make_organisation(county=county, number=f"12{n:02d}") for n in range(1, 4)
    ]
    builders.make_contacts(organisations, per_organisation=2)
    wave.organisations = organisations
    return wave


def test_dry_run_lists_the_recipients_and_queues_nothing(wave, capsys):
    call_command("send_invitations", "ekommune-2011", "--dry-run")

    out = capsys.readouterr().out
    assert "6 invitasjoner til 3 organisasjoner" in out
    assert "kontakt1@kommune1201.example.invalid" in out
    assert OutboundMessage.objects.count() == 0


def test_send_invitations_twice_invites_each_contact_once(wave, capsys):
    call_command("send_invitations", "ekommune-2011", "--send-now")
    call_command("send_invitations", "ekommune-2011", "--send-now")

    out = capsys.readouterr().out
    assert "6 invitasjoner lagt i kø." in out
    assert "0 invitasjoner lagt i kø." in out
    assert len(mail.outbox) == 6


def test_send_invitations_can_target_organisation_numbers(wave):
    call_command("send_invitations", "ekommune-2011", "--organisations", "1202")

    assert set(OutboundMessage.objects.values_list("organisation__number", flat=True)) == {"1202"}
    with pytest.raises(CommandError, match="9999"):
        call_command("send_invitations", "ekommune-2011", "--organisations", "9999")


def test_send_reminders_reaches_only_non_submitters(wave, capsys):
    call_command("send_invitations", "ekommune-2011", "--send-now")
    builders.make_answer_sets(wave=wave, organisations=wave.organisations[:1])
    mail.outbox.clear()

    call_command("send_reminders", "ekommune-2011", "--dry-run")
    assert "4 påminnelser til 2 organisasjoner" in capsys.readouterr().out
    assert not OutboundMessage.objects.filter(kind=MailKind.REMINDER).exists()

    call_command("send_reminders", "ekommune-2011", "--send-now")

    assert len(mail.outbox) == 4
    assert all("1201" not in message.to[0] for message in mail.outbox)


def test_send_reminders_due_does_nothing_when_no_schedule_point_has_come(wave, capsys):
    call_command("send_invitations", "ekommune-2011")

    call_command("send_reminders", "ekommune-2011", "--due")

    assert "Ingen påminnelse sendt" in capsys.readouterr().out
