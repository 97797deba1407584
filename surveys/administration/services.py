"""Every staff action of the yearly cycle, one keyword-only function each.

The views call exactly one of these per action; each raises AdministrationError (or the
lifecycle's WaveStatusError, the register's ImportFailed/ContactError) with a message for the
person, in their language.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils.translation import gettext as _

from audit import actions
from audit.services import audit_record
from municipalities import correspondence, uploads
from municipalities import services as register_services
from municipalities.models import Contact, Organisation, RegisterEdition, Upload
from surveys import mail_texts, queue, waves
from surveys.administration.selectors import mail_text_preview
from surveys.definitions import DefinitionError, export_definition, load_definition
from surveys.definitions.validation import parse_definition
from surveys.models import MailingSettings, Wave, WaveMailText
from surveys.roles import ROLE_NAMES, roles_ensure


class AdministrationError(Exception):
    """A staff action that cannot be done; the message says why."""


# --- Next year's wave from last year's ----------------------------------------------------------


@dataclass
class CopyReport:
    wave: Wave
    source: Wave
    counts: Counter = field(default_factory=Counter)


@transaction.atomic
def wave_copy(
    *,
    source: Wave,
    slug: str,
    year: int,
    title: str,
    edition: RegisterEdition,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
) -> CopyReport:
    """A new draft wave with the source's questionnaire, question keys and mail texts.

    Goes through the questionnaire file format, so the copy is checked by the same rules as a
    loaded file and keeps every key that year-over-year comparison joins on.
    """
    if Wave.objects.filter(slug=slug).exists():
        raise AdministrationError(_("Kortnavnet «%(slug)s» er allerede i bruk.") % {"slug": slug})
    if opens_at and closes_at and opens_at >= closes_at:
        raise AdministrationError(_("Runden må åpne før den stenger."))
    document = yaml.safe_load(export_definition(source))
    header = document["wave"]
    header.update({"slug": slug, "year": year, "title": title, "register_year": edition.year})
    for name, value in (("opens_at", opens_at), ("closes_at", closes_at)):
        header.pop(name, None)
        if value is not None:
            header[name] = value.isoformat()
    try:
        definition = parse_definition(
            yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
            filename=f"{source.slug} → {slug}",
        )
        # The copy is one action in the audit trail (wave.copied), not a questionnaire load.
        report = load_definition(definition, record=False)
    except DefinitionError as exc:
        raise AdministrationError("; ".join(exc.problems)) from exc
    wave = report.wave
    wave.copied_from = source
    wave.save(update_fields=["copied_from"])
    result = CopyReport(wave=wave, source=source)
    result.counts["sections"] = wave.sections.count()
    result.counts["questions"] = wave.questions.count()
    result.counts["choices"] = sum(q.choices.count() for q in wave.questions.all())
    result.counts["rows"] = sum(q.rows.count() for q in wave.questions.all())
    result.counts["conditions"] = (
        wave.sections.filter(condition__isnull=False).count()
        + wave.questions.filter(condition__isnull=False).count()
    )
    result.counts["keys"] = len(
        set(wave.questions.values_list("key", flat=True))
        & set(source.questions.values_list("key", flat=True))
    )
    texts = [
        WaveMailText(
            wave=wave, kind=text.kind, language=text.language, subject=text.subject, body=text.body
        )
        for text in source.mail_texts.all()
    ]
    WaveMailText.objects.bulk_create(texts)
    result.counts["mail_texts"] = len(texts)
    previous_settings = MailingSettings.objects.filter(wave=source).first()
    if previous_settings is not None:
        MailingSettings.objects.create(
            wave=wave,
            language=previous_settings.language,
            reminders_enabled=previous_settings.reminders_enabled,
            reminder_days=previous_settings.reminder_days,
            max_reminders_per_organisation=previous_settings.max_reminders_per_organisation,
        )
    audit_record(
        action=actions.WAVE_COPIED,
        target=wave,
        details={"from": source.slug, **result.counts},
    )
    return result


# --- Lifecycle ----------------------------------------------------------------------------------


def wave_open(*, wave: Wave, closes_at: dt.datetime, now: dt.datetime) -> Wave:
    """Open a draft wave (or reopen a closed one) until `closes_at`."""
    return waves.wave_set_status(wave=wave, status=Wave.Status.OPEN, closes_at=closes_at, now=now)


def wave_close(*, wave: Wave, now: dt.datetime) -> Wave:
    """Close a wave now: answering stops."""
    if wave.status != Wave.Status.OPEN:
        raise AdministrationError(_("Bare en åpen runde kan lukkes."))
    return waves.wave_set_status(wave=wave, status=Wave.Status.CLOSED, now=now)


def wave_reopen(*, wave: Wave, closes_at: dt.datetime, now: dt.datetime) -> Wave:
    """Reopen a closed wave with a new deadline; saved answers are kept."""
    if wave.status != Wave.Status.CLOSED:
        raise AdministrationError(_("Bare en lukket runde kan gjenåpnes."))
    return waves.wave_set_status(wave=wave, status=Wave.Status.OPEN, closes_at=closes_at, now=now)


def wave_results_publish(*, wave: Wave, now: dt.datetime) -> Wave:
    """Mark the closed wave's results as published."""
    return waves.wave_publish_results(wave=wave, now=now)


def wave_results_withdraw(*, wave: Wave) -> Wave:
    """Take back the publication of the wave's results."""
    return waves.wave_withdraw_results(wave=wave)


def wave_change_edition(*, wave: Wave, edition: RegisterEdition) -> Wave:
    """Send a draft wave to another register edition."""
    return waves.wave_set_edition(wave=wave, edition=edition)


# --- Mail texts ---------------------------------------------------------------------------------


def mail_text_save(
    *, wave: Wave, kind: str, language: str, subject: str, body: str, user: Any
) -> WaveMailText:
    """Store the wave's own text for one kind of e-mail in one language."""
    unknown = mail_texts.unknown_placeholders(kind, subject + "\n" + body)
    if unknown:
        raise AdministrationError(
            _("Ukjente felt: %(names)s.") % {"names": ", ".join("{" + n + "}" for n in unknown)}
        )
    text, _created = WaveMailText.objects.update_or_create(
        wave=wave,
        kind=kind,
        language=language,
        defaults={"subject": subject, "body": body, "updated_by": user},
    )
    return text


def mail_text_reset(*, wave: Wave, kind: str, language: str) -> None:
    """Go back to the built-in text."""
    WaveMailText.objects.filter(wave=wave, kind=kind, language=language).delete()


def mail_text_send_test(*, wave: Wave, kind: str, language: str, user: Any) -> str:
    """Send the e-mail, filled in with example values, to the staff member themselves."""
    if not user.email:
        raise AdministrationError(
            _("Brukeren din har ingen e-postadresse. Legg den inn først (i administrasjonen).")
        )
    subject, text, html = mail_text_preview(wave=wave, kind=kind, language=language)
    message = EmailMultiAlternatives(
        subject=_("[Test] %(subject)s") % {"subject": subject},
        body=text,
        to=[user.email],
        reply_to=[settings.SUPPORT_EMAIL],
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return user.email


# --- Register and contacts ----------------------------------------------------------------------


def _in_worker(upload: Upload) -> bool:
    return uploads.upload_size(upload) > settings.UPLOAD_SYNC_MAX_BYTES


def _check(upload: Upload) -> Upload:
    """Check now when small, else in the worker after commit."""
    if _in_worker(upload):
        transaction.on_commit(lambda: queue.task("municipalities.upload_check").delay(upload.pk))
    else:
        uploads.upload_check(upload_id=upload.pk)
    upload.refresh_from_db()
    return upload


def register_upload_start(
    *,
    year: int,
    name: str,
    counties: UploadedFile,
    municipalities: UploadedFile,
    user: Any,
) -> Upload:
    """Receive a register edition's files and check them (nothing is imported yet)."""
    upload = uploads.upload_receive(
        kind=Upload.Kind.REGISTER,
        year=year,
        name=name,
        files={"counties": counties, "municipalities": municipalities},
        created_by=user,
    )
    return _check(upload)


def contacts_upload_start(*, edition: RegisterEdition, file: UploadedFile, user: Any) -> Upload:
    """Receive a contacts file (CSV or XLSX) and check it (nothing is imported yet)."""
    upload = uploads.upload_receive(
        kind=Upload.Kind.CONTACTS, year=edition.year, files={"contacts": file}, created_by=user
    )
    return _check(upload)


def upload_confirm(*, upload: Upload) -> Upload:
    """Import a checked upload the person has seen the preview of."""
    if upload.state != Upload.State.CHECKED:
        raise AdministrationError(
            _("Denne opplastingen kan ikke importeres (status: %(state)s).")
            % {"state": upload.get_state_display()}
        )
    if not _in_worker(upload):
        uploads.upload_import(upload_id=upload.pk)
    elif uploads.upload_import_request(upload_id=upload.pk):
        transaction.on_commit(lambda: queue.task("municipalities.upload_import").delay(upload.pk))
    upload.refresh_from_db()
    return upload


def contacts_carry_forward(
    *, earlier: RegisterEdition, later: RegisterEdition
) -> register_services.CarryPlan:
    """Copy contacts into the next edition through the correspondence (linked first if needed)."""
    if earlier.year >= later.year:
        raise AdministrationError(_("Kontaktpersoner føres bare fram til en senere utgave."))
    with transaction.atomic():
        if not later.correspondences_from_earlier.filter(earlier=earlier).exists():
            correspondence.correspondence_link_editions(earlier=earlier, later=later)
        plan = register_services.contacts_carry_forward(earlier=earlier, later=later)
        audit_record(
            action=actions.CONTACTS_IMPORTED,
            target=later,
            details={"carried_from": earlier.year},
        )
    return plan


def contact_add(*, organisation: Organisation, email: str, name: str, role: str) -> Contact:
    """Add a contact person to an organisation."""
    return register_services.contact_create(
        organisation=organisation, email=email, name=name, role=role
    )


def contact_change(
    *,
    contact: Contact,
    email: str,
    name: str,
    role: str,
    is_active: bool,
    needs_review: bool,
) -> Contact:
    """Edit, deactivate or reactivate a contact person, or mark it as checked."""
    return register_services.contact_update(
        contact=contact,
        email=email,
        name=name,
        role=role,
        is_active=is_active,
        needs_review=needs_review,
    )


# --- Roles --------------------------------------------------------------------------------------


def _role(name: str) -> Group:
    if name not in ROLE_NAMES:
        raise AdministrationError(_("Ukjent rolle «%(name)s».") % {"name": name})
    group = Group.objects.filter(name=name).first()
    if group is None:
        roles_ensure()
        group = Group.objects.get(name=name)
    return group


@transaction.atomic
def role_grant(*, user: Any, role: str) -> None:
    """Give a person a staff role (and access to the staff pages)."""
    user.groups.add(_role(role))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


@transaction.atomic
def role_revoke(*, user: Any, role: str) -> None:
    """Take a staff role away; the person keeps any other role."""
    user.groups.remove(_role(role))
