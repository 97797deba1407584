"""Erasure of a contact and pseudonymisation of a wave after its retention period.

Both keep what the organisations answered and everything the figures are computed from (answer
sets, answers and mail rows stay; only names, addresses, roles and per-person links go), so
response rates and results are the same before and after. Each is one service function and runs
in one transaction.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from audit import actions
from audit.services import audit_record
from ekommune.logging import redact
from municipalities.models import Contact
from privacy import selectors
from privacy.models import WaveRetention
from surveys.analysis.export_jobs import export_dir
from surveys.models import (
    AccessToken,
    Answer,
    AnswerChange,
    AnswerSet,
    ExportJob,
    OutboundMessage,
    Wave,
)

UNSENT = [OutboundMessage.State.QUEUED, OutboundMessage.State.SENDING]
ERASED_REASON = "Ikke sendt: kontaktpersonen er slettet."


class PrivacyError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _scrub(text: str, texts: list[str], replacement: str) -> str:
    # Whole words only: erasing "Ola" must not turn "Olav" into "<pseudonym>v".
    for needle in texts:
        if needle:
            pattern = rf"(?<!\w){re.escape(needle)}(?!\w)"
            text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
    return text


def _session_store() -> type[SessionBase]:
    from django.conf import settings

    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")


def _end_sessions(**which: object) -> int:
    store = _session_store()
    keys = [key for key, _expires in selectors.respondent_sessions(**which)]
    for key in keys:
        # Through the session engine, so a cached copy goes too.
        store(session_key=key).delete()
    return len(keys)


def _scrub_log_entries(texts: list[str], replacement: str) -> int:
    changed = 0
    for entry in selectors.log_entries_mentioning(texts):
        object_repr = _scrub(entry.object_repr, texts, replacement)[:200]
        change_message = _scrub(entry.change_message, texts, replacement)
        if (object_repr, change_message) != (entry.object_repr, entry.change_message):
            entry.object_repr, entry.change_message = object_repr, change_message
            entry.save(update_fields=["object_repr", "change_message"])
            changed += 1
    return changed


def _delete_export_files(jobs: object) -> int:
    """Delete the files of exports that held personal data (the log entries stay)."""
    base = export_dir().resolve()
    deleted = 0
    for job in jobs.filter(include_personal_data=True).exclude(file_path=""):
        path = (base / job.file_path).resolve()
        if base in path.parents:
            path.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(file_path="")
        deleted += 1
    return deleted


def _contact_scrub(contact: Contact) -> dict[str, int]:
    """Remove a contact's name, address and role from every row that holds them."""
    texts = [contact.email, contact.name]
    replacement = selectors.pseudonym_email(contact.pk)
    messages = OutboundMessage.objects.filter(contact=contact)
    counts = {
        "cancelled_messages": messages.filter(state__in=UNSENT).update(
            state=OutboundMessage.State.CANCELLED, reason=ERASED_REASON
        )
    }
    for message in messages.exclude(reason=""):
        reason = _scrub(message.reason, texts, replacement)
        if reason != message.reason:
            OutboundMessage.objects.filter(pk=message.pk).update(reason=reason)
    counts["messages"] = messages.update(to_email=replacement)
    AccessToken.objects.filter(invited_by=contact).update(invited_by=None)
    counts["links"] = AccessToken.objects.filter(contact=contact).delete()[0]
    counts["sessions"] = _end_sessions(contact_ids={contact.pk})
    counts["log_entries"] = _scrub_log_entries(texts, replacement)
    counts["export_files"] = _delete_export_files(
        ExportJob.objects.filter(wave__edition_id=contact.organisation.edition_id)
    )
    contact.name, contact.role, contact.email, contact.is_active = "", "", replacement, False
    contact.save(update_fields=["name", "role", "email", "is_active", "updated_at"])
    return counts


def contact_erase(*, contact: Contact, user: object = None, now: datetime | None = None) -> dict:
    """Erase a contact: name, address and role go everywhere; answers and rates stay.

    The row stays as "slettet kontaktperson" because the organisation's mail rows and answer
    history point to it. Returns what was changed, counted per kind of row.
    """
    with transaction.atomic():
        locked = (
            Contact.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=contact.pk)
        )
        if selectors.is_pseudonymised(locked):
            raise PrivacyError("Kontaktpersonen er allerede slettet.", code="already_erased")
        counts = _contact_scrub(locked)
        audit_record(action=actions.CONTACT_ERASED, target=locked, actor=user, details=counts)
    contact.refresh_from_db()
    return counts


def _claim_wave(wave: Wave, now: datetime) -> bool:
    try:
        with transaction.atomic():
            WaveRetention.objects.get_or_create(wave=wave)
    except IntegrityError:
        pass  # created by a concurrent run: the claim below decides
    return bool(
        WaveRetention.objects.filter(wave=wave, pseudonymised_at__isnull=True).update(
            pseudonymised_at=now
        )
    )


def wave_pseudonymise(*, wave: Wave, now: datetime | None = None) -> dict[str, int] | None:
    """Pseudonymise a wave's contact data and per-person authorship, once.

    Returns what was changed, or None when the wave was pseudonymised before. Contacts of the
    wave's register edition are pseudonymised when every wave of that edition is.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if not _claim_wave(wave, now):
            return None
        has_author = Q(changed_by__isnull=False) | Q(changed_by_user__isnull=False)
        counts = {
            "answers": Answer.objects.filter(answer_set__wave=wave)
            .filter(has_author)
            .update(changed_by=None, changed_by_user=None),
            "answer_changes": AnswerChange.objects.filter(answer_set__wave=wave)
            .filter(has_author)
            .update(changed_by=None, changed_by_user=None),
            "answer_sets": AnswerSet.objects.filter(wave=wave, submitted_by__isnull=False).update(
                submitted_by=None
            ),
            "links": AccessToken.objects.filter(wave=wave).delete()[0],
            "sessions": _end_sessions(wave_id=wave.pk),
            "export_files": _delete_export_files(ExportJob.objects.filter(wave=wave)),
        }
        messages = OutboundMessage.objects.filter(wave=wave).exclude(
            to_email__endswith="@" + selectors.PSEUDONYM_DOMAIN
        )
        for message in messages.exclude(reason=""):
            OutboundMessage.objects.filter(pk=message.pk).update(reason=redact(message.reason))
        counts["messages"] = messages.update(
            to_email=f"pseudonymisert@{selectors.PSEUDONYM_DOMAIN}"
        )
        counts["contacts"] = 0
        if selectors.edition_fully_pseudonymised(edition_id=wave.edition_id):
            contacts = Contact.objects.filter(organisation__edition_id=wave.edition_id).exclude(
                email__endswith="@" + selectors.PSEUDONYM_DOMAIN
            )
            for contact in contacts.select_related("organisation").select_for_update(of=("self",)):
                _contact_scrub(contact)
                counts["contacts"] += 1
        WaveRetention.objects.filter(wave=wave).update(pseudonymised_counts=counts)
        audit_record(action=actions.RETENTION_PSEUDONYMISED, target=wave, details=counts)
    return counts


def retention_pseudonymise_due(*, now: datetime | None = None) -> dict[str, dict[str, int]]:
    """Pseudonymise every wave whose retention period has run out; safe to run any time."""
    now = now or timezone.now()
    done = {}
    for wave in selectors.waves_due(now=now):
        counts = wave_pseudonymise(wave=wave, now=now)
        if counts is not None:
            done[wave.slug] = counts
    return done


def access_report_create(
    *, email: str, user: object, download: bool = False
) -> selectors.PersonalDataReport:
    """What we store about an address (GDPR Art. 15), recorded in the audit trail.

    The trail cannot be erased, so it records that a report was made and how much it found,
    never the address itself.
    """
    report = selectors.personal_data_report(email=email)
    audit_record(
        action=actions.ACCESS_REPORT_CREATED,
        actor=user,
        details={"contacts": len(report.contacts), "download": download},
    )
    return report
