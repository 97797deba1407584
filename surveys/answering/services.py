"""Every respondent write: the shared answer set, saving, submitting, reopening, colleagues.

Concurrency rules, enforced here and proven on PostgreSQL in tests/surveys:
- one answer set per organisation and wave: the unique constraint decides, a loser of the
  insert race reads the winner's row;
- every save, submit and reopen first locks the answer set row (a save with the conditional
  UPDATE of its time of change, falling back to `select_for_update`; submit and reopen with
  `select_for_update`), so a save racing a submit either lands before the submitted snapshot
  or sees "submitted" and is refused;
- a save writes only the questions this person changed; a question a colleague changed since
  the page was loaded is returned as a conflict with both values, never silently overwritten.
  The protocol lives in `surveys.answering.conflicts`; callers reach it through this module.

Personal links are issued and opened in `surveys.answering.links`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from audit import actions
from audit.services import audit_record
from municipalities.models import Contact, Organisation
from surveys import queue
from surveys.answering import emails, selectors
from surveys.answering.conflicts import (
    AnswerValue,
    Conflict,
    SectionEdit,
    Write,
    answer_revisions,
    normalise_answer,
    resolve,
)
from surveys.answering.errors import ServiceError
from surveys.answering.links import check_wave_targets, invitation_link_issue, invitation_url
from surveys.models import (
    Answer,
    AnswerChange,
    AnswerSet,
    MailKind,
    OutboundMessage,
    Question,
    Section,
    Wave,
)

# Callers of the save use these from the conflict protocol without reaching into it.
__all__ = [
    "AnswerValue",
    "Conflict",
    "SectionEdit",
    "SectionSaveResult",
    "ServiceError",
    "SubmitResult",
    "answer_revisions",
    "colleague_invite",
    "normalise_answer",
    "rate_snapshot_queue_soon",
    "response_get_or_create",
    "response_reopen",
    "response_save_section",
    "response_submit",
]

logger = logging.getLogger(__name__)


# --- Colleagues ------------------------------------------------------------------------------


def colleague_invite(
    *,
    inviter: Contact,
    wave: Wave,
    email: str,
    name: str = "",
    now: datetime | None = None,
) -> Contact:
    """Add a colleague as a contact of the inviter's organisation and e-mail them a link."""
    now = now or timezone.now()
    email = email.strip().lower()
    name = " ".join(name.split())[:200]
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ServiceError(_("Skriv en gyldig e-postadresse."), code="invalid_email") from exc
    if not wave.is_open(now):
        raise ServiceError(_("Undersøkelsen er stengt."), code="closed")
    organisation = inviter.organisation
    with transaction.atomic():
        try:
            with transaction.atomic():
                colleague, created = Contact.objects.get_or_create(
                    organisation=organisation,
                    email=email,
                    defaults={"name": name, "role": ""},
                )
        except IntegrityError:
            colleague, created = Contact.objects.get(organisation=organisation, email=email), False
        if not colleague.is_active:
            raise ServiceError(
                _("Denne personen er deaktivert som kontaktperson. Kontakt KS."),
                code="inactive_contact",
            )
        if not created and name and not colleague.name:
            colleague.name = name
            colleague.save(update_fields=["name", "updated_at"])
        raw = invitation_link_issue(contact=colleague, wave=wave, invited_by=inviter, now=now)
        url = invitation_url(raw)
        language = get_language()
        # The raw link goes straight to the mail backend after commit; it is never queued or
        # logged, so it cannot leak through the broker.
        transaction.on_commit(
            lambda: emails.send_colleague_invitation(
                colleague_id=colleague.pk,
                inviter_id=inviter.pk,
                wave_id=wave.pk,
                url=url,
                language=language,
            ),
            robust=True,
        )
    return colleague


# --- The shared answer set ---------------------------------------------------------------------


def response_get_or_create(*, wave: Wave, organisation: Organisation) -> AnswerSet:
    """The organisation's one answer set in this wave, created on first use (race-safe)."""
    check_wave_targets(wave=wave, organisation=organisation)
    answer_set = AnswerSet.objects.filter(wave=wave, organisation=organisation).first()
    if answer_set is None:
        try:
            # The savepoint keeps an outer transaction usable when we lose the insert race.
            with transaction.atomic():
                answer_set = AnswerSet.objects.create(wave=wave, organisation=organisation)
        except IntegrityError:
            answer_set = AnswerSet.objects.get(wave=wave, organisation=organisation)
    # Carried along, so later reads of the set (such as the save's lock) need not join them.
    answer_set.wave, answer_set.organisation = wave, organisation
    return answer_set


# --- Saving a section ----------------------------------------------------------------------------


@dataclass
class SectionSaveResult:
    saved: list[str] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    # The current revision of every question the save touched.
    revisions: dict[str, int] = field(default_factory=dict)
    # What the page carries next: conflicting questions keep the revision the person loaded.
    page_revisions: dict[str, int] = field(default_factory=dict)
    saved_at: datetime | None = None

    @property
    def changed(self) -> bool:
        return bool(self.saved or self.cleared)


def _locked_answer_set(answer_set: AnswerSet) -> AnswerSet:
    """The answer set with its wave and organisation, its own row locked for this transaction.

    `of=("self",)`: a plain FOR UPDATE would lock the joined wave row as well, and every
    save of every organisation in the wave would wait for the one before it. When the
    caller's copy carries its wave and organisation, read in the same request (as the
    respondent pages' does), only the row itself is read again.
    """
    if AnswerSet.wave.is_cached(answer_set) and AnswerSet.organisation.is_cached(answer_set):
        locked = AnswerSet.objects.select_for_update().get(pk=answer_set.pk)
        locked.wave, locked.organisation = answer_set.wave, answer_set.organisation
        return locked
    return (
        AnswerSet.objects.select_for_update(of=("self",))
        .select_related("wave", "organisation")
        .get(pk=answer_set.pk)
    )


def _lock_for_writing(answer_set: AnswerSet, now: datetime) -> tuple[AnswerSet, bool]:
    """The answer set locked for this transaction, and whether the lock moved `updated_at`.

    The common save takes the lock with the write it needs anyway: one UPDATE that moves
    `updated_at` only while the set is in progress and unchanged since the caller read it
    (every write to a set's answers moves `updated_at`). When it matches nothing, somebody
    wrote in between or the set was submitted: the row is locked and read again, and checked.
    """
    if (
        AnswerSet.wave.is_cached(answer_set)
        and AnswerSet.organisation.is_cached(answer_set)
        and not answer_set.is_submitted
        and answer_set.wave.is_open(now)
    ):
        claimed = AnswerSet.objects.filter(
            pk=answer_set.pk,
            status=AnswerSet.Status.IN_PROGRESS,
            updated_at=answer_set.updated_at,
        ).update(updated_at=now)
        if claimed:
            # The caller's copy is the locked row now (its answers read after it are current).
            answer_set.updated_at = now
            return answer_set, True
    locked = _locked_answer_set(answer_set)
    if locked.is_submitted:
        raise ServiceError(
            _(
                "Svarene er allerede sendt inn og kan ikke endres. "
                "Åpne svarene for endring først hvis noe må rettes."
            ),
            code="submitted",
        )
    if not locked.wave.is_open(now):
        raise ServiceError(
            _("Fristen er ute: undersøkelsen er stengt, og svar kan ikke lenger lagres."),
            code="closed",
        )
    return locked, False


def _section_questions(section: Section, locked: AnswerSet) -> dict[str, Question]:
    """The section's questions that apply to the organisation, by key."""
    kind = locked.organisation.kind
    if section.wave_id != locked.wave_id or not section.applies_to_kind(kind):
        raise ServiceError(_("Denne delen finnes ikke i undersøkelsen."), code="not_found")
    # The questionnaire's questions when the section comes from it (cached, with choices).
    questions = getattr(section, "question_list", None)
    if questions is None:
        questions = Question.objects.filter(section=section)
    return {q.key: q for q in questions if q.applies_to_kind(kind)}


@transaction.atomic
def response_save_section(
    *,
    answer_set: AnswerSet,
    section: Section,
    edit: SectionEdit,
    contact: Contact | None = None,
    user: Any = None,
    now: datetime | None = None,
    stored: Iterable[Answer] | None = None,
) -> SectionSaveResult:
    """Save the answers of one section that this person changed; report conflicts.

    `stored`: the set's answers as the caller read them *after* reading `answer_set`. Every
    write to a set's answers moves its `updated_at`, so when the locked row still has the
    caller's `updated_at`, those answers are current and are not read again.
    """
    now = now or timezone.now()
    locked, touched = _lock_for_writing(answer_set, now)
    questions = _section_questions(section, locked)
    ids = {q.pk for key, q in questions.items() if key in edit.answers or key in edit.hidden}
    if stored is None or locked.updated_at != answer_set.updated_at:
        stored = Answer.objects.filter(answer_set=locked, question_id__in=ids)
    current = {answer.question_id: answer for answer in stored if answer.question_id in ids}
    resolution = resolve(
        answer_set=locked, questions=questions, edit=edit, stored=current, editor=contact
    )
    result = SectionSaveResult(
        saved_at=now, conflicts=resolution.conflicts, revisions=resolution.revisions
    )
    _write(
        locked,
        resolution.writes,
        current,
        result,
        contact=contact,
        user=user,
        touched=touched,
    )
    result.page_revisions = resolution.page_revisions(edit, result.revisions)
    if result.cleared:
        answer_set.answers_cleared = True  # the caller's copy counts changes from now on
    return result


def _write(
    locked: AnswerSet,
    writes: list[Write],
    current: Mapping[int, Answer],
    result: SectionSaveResult,
    *,
    contact: Contact | None,
    user: Any,
    touched: bool,
) -> None:
    """Write the answers with one history row each, and note them in `result`.

    `touched`: the lock already moved the set's `updated_at` to this save's time.
    """
    now = result.saved_at
    history: list[AnswerChange] = []
    upserts: list[Answer] = []
    cleared: list[int] = []
    for write in writes:
        question, (value, other_text) = write.question, write.value
        answer = current.get(question.pk)
        previous = answer.value if answer else None
        if value is None:
            if answer is None:
                continue
            cleared.append(answer.pk)
            result.cleared.append(question.key)
            action = AnswerChange.Action.CLEARED
        else:
            fields = {
                "value": value,
                "other_text": other_text,
                "revision": write.revision + 1,
                "changed_at": now,
                "changed_by": contact,
                "changed_by_user": user,
            }
            # New and changed answers alike: one INSERT ... ON CONFLICT for all of them.
            upserts.append(Answer(answer_set=locked, question=question, **fields))
            result.saved.append(question.key)
            action = AnswerChange.Action.CHANGED
        history.append(
            AnswerChange(
                answer_set=locked,
                question=question,
                action=action,
                previous_value=previous,
                value=value,
                other_text=other_text,
                changed_at=now,
                changed_by=contact,
                changed_by_user=user,
            )
        )
        result.revisions[question.key] = write.revision + 1
    if cleared:
        Answer.objects.filter(pk__in=cleared).delete()
    if upserts:
        Answer.objects.bulk_create(
            upserts,
            update_conflicts=True,
            unique_fields=["answer_set", "question"],
            update_fields=[
                "value",
                "other_text",
                "revision",
                "changed_at",
                "changed_by",
                "changed_by_user",
            ],
        )
    if history:
        AnswerChange.objects.bulk_create(history)
    touched_set: dict[str, Any] = {}
    if history and not touched:
        touched_set["updated_at"] = now
    if result.cleared and not locked.answers_cleared:
        touched_set["answers_cleared"] = True
    if touched_set:
        AnswerSet.objects.filter(pk=locked.pk).update(**touched_set)


# --- Submit and reopen -------------------------------------------------------------------------


@dataclass
class SubmitResult:
    answer_set: AnswerSet
    newly_submitted: bool


def response_submit(
    *,
    answer_set: AnswerSet,
    contact: Contact | None = None,
    user: Any = None,
    now: datetime | None = None,
) -> SubmitResult:
    """Submit once: a repeated submit is a no-op; incomplete answers raise 'incomplete'."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_answer_set(answer_set)
        if locked.is_submitted:
            return SubmitResult(answer_set=locked, newly_submitted=False)
        if not locked.wave.is_open(now):
            raise ServiceError(
                _("Fristen er ute: undersøkelsen er stengt, og svarene kan ikke sendes inn."),
                code="closed",
            )
        progress = selectors.response_progress(
            wave=locked.wave, organisation=locked.organisation, answer_set=locked
        )
        if progress.problems:
            raise ServiceError(_("Noen obligatoriske spørsmål er ikke besvart."), code="incomplete")
        locked.status = AnswerSet.Status.SUBMITTED
        locked.submitted_at = now
        locked.submitted_by = contact
        locked.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        submission = AnswerChange.objects.create(
            answer_set=locked,
            action=AnswerChange.Action.SUBMITTED,
            # The submitted snapshot: what the receipt and KS see for this submit.
            value=progress.snapshot(),
            changed_at=now,
            changed_by=contact,
            changed_by_user=user,
        )
        _receipt_queue(locked, submission, contact=contact, now=now)
        wave_id = locked.wave_id
        transaction.on_commit(lambda: rate_snapshot_queue_soon(wave_id=wave_id), robust=True)
    return SubmitResult(answer_set=locked, newly_submitted=True)


def _receipt_queue(
    locked: AnswerSet, submission: AnswerChange, *, contact: Contact | None, now: datetime
) -> None:
    """The receipt as a mail row of this submit, sent by the mail worker after commit.

    Rendering and sending stay out of the request. The row is the promise: when the broker
    is down it stays queued and the mail sweeper queues it again; the worker claims it with
    a conditional update, so it is sent once.
    """
    receipt = OutboundMessage.objects.create(
        wave_id=locked.wave_id,
        kind=MailKind.RECEIPT,
        contact=contact,
        organisation_id=locked.organisation_id,
        to_email=contact.email if contact is not None else "",
        language=get_language() or settings.LANGUAGE_CODE,
        submission=submission,
        created_at=now,
        queued_at=now,
    )
    receipt_id = receipt.pk
    transaction.on_commit(lambda: _send_messages_queue([receipt_id]), robust=True)


def _send_messages_queue(message_ids: list[int]) -> None:
    try:
        queue.task("surveys.send_messages").apply_async((message_ids,), retry=False)
    except Exception:  # noqa: BLE001 - broker down: the mail sweeper queues the row later
        logger.warning("Could not queue mail rows %s; the sweeper will retry", message_ids)


# At most one queued snapshot per wave in this many seconds; the beat task catches up the rest.
RATE_SNAPSHOT_DEBOUNCE_SECONDS = 30


def rate_snapshot_queue_soon(*, wave_id: int) -> bool:
    """Ask a worker for a fresh response-rate snapshot after a submission.

    Never blocks or fails a submission: when the broker is down the error is logged and the
    periodic `surveys.rate_snapshots_take` catches up; a burst of submissions queues one task.
    """
    if not cache.add(f"surveys:rate-snapshot-queued:{wave_id}", 1, RATE_SNAPSHOT_DEBOUNCE_SECONDS):
        return False
    try:
        queue.task("surveys.rate_snapshot_take").apply_async((wave_id,), retry=False)
    except Exception:  # noqa: BLE001 - broker down: the beat task catches up later
        cache.delete(f"surveys:rate-snapshot-queued:{wave_id}")
        logger.warning(
            "Could not queue a rate snapshot for wave %s; the beat will catch up", wave_id
        )
        return False
    return True


def response_reopen(
    *,
    answer_set: AnswerSet,
    contact: Contact | None = None,
    user: Any = None,
    now: datetime | None = None,
) -> AnswerSet:
    """Reopen a submitted answer set for changes: a contact while the wave is open, or staff."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_answer_set(answer_set)
        if contact is not None:
            if contact.organisation_id != locked.organisation_id:
                raise ServiceError(_("Ingen tilgang."), code="forbidden")
            if not locked.wave.is_open(now):
                raise ServiceError(
                    _("Fristen er ute: svarene kan ikke lenger åpnes for endring."), code="closed"
                )
        elif user is None or not getattr(user, "is_staff", False):
            raise ServiceError(_("Ingen tilgang."), code="forbidden")
        if not locked.is_submitted:
            return locked
        locked.status = AnswerSet.Status.IN_PROGRESS
        locked.submitted_at = None
        locked.submitted_by = None
        locked.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        AnswerChange.objects.create(
            answer_set=locked,
            action=AnswerChange.Action.REOPENED,
            changed_at=now,
            changed_by=contact,
            changed_by_user=user,
        )
        if contact is None:
            audit_record(
                action=actions.ANSWERS_REOPENED,
                target=locked,
                actor=user,
                details={"wave": locked.wave.slug},
            )
        logger.info("answer set %s reopened", locked.pk)
    return locked
