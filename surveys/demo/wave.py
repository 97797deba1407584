"""Demo data: the 2011 wave in progress, so a newcomer sees a living dashboard (`make run`).

Opens the bundled 2011 wave with a closing date ahead, gives (almost) every organisation a
demo contact and invites them (at once). Then a Celery task (run by the worker that `make run`
starts) lets simulated respondents start and submit through the real respondent services,
sends one reminder round and takes a response-rate snapshot, so the dashboard fills up live.
The e-mails go to the configured backend (files under var/mail/ by default).

Idempotent: once the wave has invitations, running it again changes nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import Organisation, OrganisationKind
from municipalities.services import ContactEntry, contacts_upsert
from surveys import queue
from surveys.demo.simulation import simulate_responses
from surveys.models import MailKind, MailRound, OutboundMessage, Wave
from surveys.outreach import selectors as rates
from surveys.outreach import services as mailing
from surveys.waves import wave_set_status

DEMO_SEED = 2011
# Share of organisations with a contact person on file (the rest show "no contact").
CONTACT_SHARE = 0.96
# Of all targeted organisations: ~55 % started (of which ~45 % points submitted).
SUBMITTED_SHARE = 0.45
STARTED_SHARE = 0.55

_TRANSLITERATION = str.maketrans({"æ": "ae", "ø": "o", "å": "a", " ": "-"})


def _domain(organisation: Organisation) -> str:
    base = organisation.name.lower().removesuffix(" fylkeskommune").translate(_TRANSLITERATION)
    base = "".join(ch for ch in base if ch.isalnum() or ch == "-")
    return f"{base}.{organisation.kind}.example"


def _demo_wave() -> Wave | None:
    return Wave.objects.filter(year=2011).order_by("pk").first()


def _ensure_contacts(wave: Wave, rng: random.Random) -> int:
    organisations = list(rates.targeted_organisations(wave).order_by("kind", "number"))
    with_contact = [o for o in organisations if rng.random() < CONTACT_SHARE]
    entries = [
        ContactEntry(
            organisation=organisation,
            email=f"postmottak@{_domain(organisation)}",
            name=_("Postmottak %(name)s") % {"name": organisation.name},
            role=_("Postmottak"),
        )
        for organisation in with_contact
    ]
    contacts_upsert(entries=entries)
    return len(entries)


def load_demo_wave_in_progress(stdout: TextIO) -> None:
    """The 2011 wave open and invited; the worker then answers, reminds and snapshots."""
    wave = _demo_wave()
    if wave is None or not wave.questions.exists():
        stdout.write(_("Hopper over demo av pågående undersøkelse: 2011-runden er ikke lastet.\n"))
        return
    if MailRound.objects.filter(wave=wave, kind=MailKind.INVITATION).exists():
        stdout.write(
            _("Pågående undersøkelse «%(slug)s»: allerede på plass.\n") % {"slug": wave.slug}
        )
        return
    now = timezone.now()
    rng = random.Random(DEMO_SEED)
    with transaction.atomic():
        if not wave.is_open(now):
            wave.opens_at = (now - timedelta(days=21)).replace(microsecond=0)
            wave.save(update_fields=["opens_at", "updated_at"])
            wave = wave_set_status(
                wave=wave,
                status=Wave.Status.OPEN,
                # 23:59 Oslo time, twelve days ahead.
                closes_at=timezone.localtime(now + timedelta(days=12), rates.OSLO).replace(
                    hour=23, minute=59, second=0, microsecond=0
                ),
                now=now,
            )
        contacts = _ensure_contacts(wave, rng)
    ids = mailing.invitations_queue(wave=wave, now=now, trigger=MailRound.Trigger.COMMAND)
    mailing.messages_send_now(ids)
    wave_id = wave.pk
    # Answering 250 organisations through the respondent services takes minutes: the worker
    # started by `make run` does it, and the dashboard fills up while the newcomer watches.
    transaction.on_commit(lambda: _queue_progress(wave_id), robust=True)
    stdout.write(
        _(
            "Pågående undersøkelse «%(slug)s»: %(contacts)s kontaktpersoner invitert. Svar, "
            "påminnelser og svarprosent simuleres av Celery-arbeideren de neste minuttene "
            "(se /staff/dashboard/%(slug)s/).\n"
        )
        % {"slug": wave.slug, "contacts": contacts}
    )


def _queue_progress(wave_id: int) -> None:
    queue.task("surveys.demo_wave_progress").delay(wave_id)


def demo_wave_progress(
    *,
    wave: Wave,
    submitted_share: float = SUBMITTED_SHARE,
    started_share: float = STARTED_SHARE,
) -> str:
    """Simulated respondents, one reminder round and a snapshot; safe to run again."""
    targeted = rates.targeted_organisations(wave)
    kommuner = targeted.filter(kind=OrganisationKind.KOMMUNE).count()
    fylkeskommuner = targeted.filter(kind=OrganisationKind.FYLKESKOMMUNE).count()
    simulate_responses(
        wave=wave,
        submitted_kommuner=round(kommuner * submitted_share),
        submitted_fylkeskommuner=round(fylkeskommuner * submitted_share),
        started=round((kommuner + fylkeskommuner) * (started_share - submitted_share)),
        seed=DEMO_SEED,
        now=timezone.now(),
    )
    if not MailRound.objects.filter(wave=wave, kind=MailKind.REMINDER).exists():
        reminder = mailing.reminders_queue_now(
            wave=wave, organisations=None, now=timezone.now(), trigger=MailRound.Trigger.COMMAND
        )
        if reminder is not None:
            mailing.messages_send_now(list(reminder.messages.values_list("pk", flat=True)))
    mailing.rate_snapshot_take(wave=wave, now=timezone.now(), force=True)
    result = rates.wave_rates(wave)
    sent = OutboundMessage.objects.filter(wave=wave, state=OutboundMessage.State.SENT).count()
    return (
        f"{wave.slug}: {sent} e-poster sendt; "
        f"{rates.headline(OrganisationKind.KOMMUNE, result.kommuner)}; "
        f"{rates.headline(OrganisationKind.FYLKESKOMMUNE, result.fylkeskommuner)}"
    )
