"""A wave's lifecycle: open, close, reopen, publish results, change register edition.

Used by the `wave_status` command, the admin and the staff pages (surveys.administration).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from audit import actions
from audit.services import audit_record
from surveys.models import Wave

STATUS_ACTIONS = {
    Wave.Status.OPEN: actions.WAVE_OPENED,
    Wave.Status.CLOSED: actions.WAVE_CLOSED,
    Wave.Status.DRAFT: actions.WAVE_DRAFTED,
}


class WaveStatusError(Exception):
    """A status change that makes no sense; the message says why, in the operator's language."""


def closing_time_from_text(text: str) -> dt.datetime:
    """`YYYY-MM-DD` (closes 23:59 Norwegian time that day) or `YYYY-MM-DD HH:MM` (local)."""
    text = text.strip()
    try:
        if len(text) == len("2011-05-06"):
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(23, 59))
        else:
            day, _sep, clock = text.replace("T", " ").partition(" ")
            moment = dt.datetime.combine(
                dt.date.fromisoformat(day), dt.time.fromisoformat(clock.strip())
            )
    except ValueError as exc:
        raise WaveStatusError(
            _("Ugyldig stengetid «%(text)s»: skriv ÅÅÅÅ-MM-DD eller «ÅÅÅÅ-MM-DD TT:MM».")
            % {"text": text}
        ) from exc
    return timezone.make_aware(moment, timezone.get_default_timezone())


def format_moment(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@transaction.atomic
def wave_set_status(
    *, wave: Wave, status: str, closes_at: dt.datetime | None = None, now: dt.datetime
) -> Wave:
    """Open, close or return a wave to draft; raise WaveStatusError for nonsense."""
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if status not in Wave.Status.values:
        raise WaveStatusError(
            _("Ukjent status «%(status)s» (bruk %(known)s).")
            % {"status": status, "known": ", ".join(Wave.Status.values)}
        )
    if closes_at is not None and status != Wave.Status.OPEN:
        raise WaveStatusError(_("Stengetid kan bare angis når runden åpnes."))

    if status == Wave.Status.OPEN:
        closes_at = closes_at or wave.closes_at
        if closes_at is None:
            raise WaveStatusError(
                _("Runden «%(wave)s» har ingen stengetid: oppgi når den skal stenge.")
                % {"wave": wave.slug}
            )
        if closes_at <= now:
            raise WaveStatusError(
                _("Stengetiden %(closes)s er passert: velg en stengetid fram i tid.")
                % {"closes": format_moment(closes_at)}
            )
        if wave.opens_at is not None and wave.opens_at >= closes_at:
            raise WaveStatusError(
                _("Runden åpner %(opens)s, etter stengetiden %(closes)s.")
                % {"opens": format_moment(wave.opens_at), "closes": format_moment(closes_at)}
            )
        if not wave.questions.exists():
            raise WaveStatusError(
                _("Runden «%(wave)s» har ingen spørsmål og kan ikke åpnes.") % {"wave": wave.slug}
            )
        wave.closes_at = closes_at
        if wave.opens_at is None:
            wave.opens_at = now.replace(microsecond=0)
    elif status == Wave.Status.CLOSED:
        # Record when answering actually stopped.
        if wave.closes_at is None or wave.closes_at > now:
            wave.closes_at = now.replace(microsecond=0)
    elif status == Wave.Status.DRAFT and wave.status != Wave.Status.DRAFT:
        if wave.answer_sets.exists():
            raise WaveStatusError(
                _("Runden «%(wave)s» har svar og kan ikke bli utkast igjen; lukk den i stedet.")
                % {"wave": wave.slug}
            )
    previous = wave.status
    wave.status = status
    wave.save(update_fields=["status", "opens_at", "closes_at", "updated_at"])
    audit_record(
        action=STATUS_ACTIONS[status],
        target=wave,
        details={
            "previous_status": previous,
            "closes_at": wave.closes_at.isoformat() if wave.closes_at else None,
        },
    )
    return wave


@transaction.atomic
def wave_publish_results(*, wave: Wave, now: dt.datetime) -> Wave:
    """Mark a closed wave's results as published; later pages key off the moment."""
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.status != Wave.Status.CLOSED:
        raise WaveStatusError(_("Resultatene kan bare publiseres når runden er lukket."))
    if wave.results_published_at is None:
        wave.results_published_at = now.replace(microsecond=0)
        wave.save(update_fields=["results_published_at", "updated_at"])
        audit_record(action=actions.WAVE_PUBLISHED, target=wave, details={})
    return wave


@transaction.atomic
def wave_withdraw_results(*, wave: Wave) -> Wave:
    """Take back a publication (e.g. published by mistake)."""
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.results_published_at is not None:
        wave.results_published_at = None
        wave.save(update_fields=["results_published_at", "updated_at"])
        audit_record(action=actions.WAVE_UNPUBLISHED, target=wave, details={})
    return wave


@transaction.atomic
def wave_set_edition(*, wave: Wave, edition) -> Wave:
    """Send a draft wave to another register edition (before anyone was invited)."""
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.status != Wave.Status.DRAFT or wave.answer_sets.exists() or wave.mail_rounds.exists():
        raise WaveStatusError(
            _("Registerutgaven kan bare byttes mens runden er utkast og ingen er invitert.")
        )
    wave.edition = edition
    wave.save(update_fields=["edition", "updated_at"])
    return wave
