"""Every respondent write: invitation links, the shared answer set, saving, submitting, reopening.

Concurrency rules, enforced here and proven on PostgreSQL in tests/surveys:
- one answer set per organisation and wave: the unique constraint decides, a loser of the
  insert race reads the winner's row;
- every save, submit and reopen first locks the answer set row (`select_for_update`), so a save
  racing a submit either lands before the submitted snapshot or sees "submitted" and is refused;
- a save writes only the questions this person changed; a question a colleague changed since
  the page was loaded is returned as a conflict with both values, never silently overwritten.

Revisions: the revision of a question's answer is the number of recorded changes to it
(AnswerChange rows), so it keeps increasing even when an answer is cleared and given again.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from audit import actions
from audit.services import audit_record
from municipalities.models import Contact, Organisation
from surveys import queue
from surveys.models import AccessToken, Answer, AnswerChange, AnswerSet, Question, Section, Wave

logger = logging.getLogger(__name__)

# 32 random bytes = 256 bits, well above the 128 bits the issue asks for.
TOKEN_BYTES = 32

# (value, other_text): the shape of one answer as the form engine cleans it.
AnswerValue = tuple[Any, str]


class ServiceError(Exception):
    """The one domain error of the respondent side; `message` is shown to the person."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


# --- Invitation links ------------------------------------------------------------------------


def token_hash(raw_token: str) -> str:
    """The SHA-256 (hex) under which a raw link token is stored."""
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def invitation_url(raw_token: str) -> str:
    """The absolute address of a personal link (SITE_URL + /i/<token>/)."""
    return f"{settings.SITE_URL}{reverse('surveys:link', args=[raw_token])}"


def _check_wave_targets(*, wave: Wave, organisation: Organisation) -> None:
    if organisation.edition_id != wave.edition_id or not wave.targets(organisation.kind):
        raise ServiceError(
            _("Denne organisasjonen er ikke med i undersøkelsen."), code="not_targeted"
        )


def invitation_link_issue(
    *,
    contact: Contact,
    wave: Wave,
    created_by: Any = None,
    invited_by: Contact | None = None,
    now: datetime | None = None,
) -> str:
    """Create a personal link for this contact and wave; returns the raw token (shown once)."""
    _check_wave_targets(wave=wave, organisation=contact.organisation)
    if not contact.is_active:
        raise ServiceError(_("Kontaktpersonen er deaktivert."), code="inactive_contact")
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    AccessToken.objects.create(
        contact=contact,
        wave=wave,
        token_hash=token_hash(raw),
        created_at=now or timezone.now(),
        created_by=created_by,
        invited_by=invited_by,
    )
    audit_record(
        action=actions.LINK_ISSUED, target=contact, actor=created_by, details={"wave": wave.slug}
    )
    return raw


def invitation_link_revoke(*, contact: Contact, wave: Wave, now: datetime | None = None) -> int:
    """Revoke every link of this contact in this wave; their sessions end on the next request."""
    revoked = AccessToken.objects.filter(
        contact=contact, wave=wave, revoked_at__isnull=True
    ).update(revoked_at=now or timezone.now())
    audit_record(
        action=actions.LINK_REVOKED, target=contact, details={"wave": wave.slug, "links": revoked}
    )
    return revoked


def access_token_use(*, raw_token: str, now: datetime | None = None) -> AccessToken:
    """Resolve an opened link; raises ServiceError(code='invalid'|'closed')."""
    now = now or timezone.now()
    token = (
        AccessToken.objects.usable()
        .select_related("contact__organisation", "wave")
        .filter(token_hash=token_hash(raw_token))
        # One row at most: without order_by() the model's ordering would join and sort
        # four more tables for nothing.
        .order_by()
        .first()
    )
    if token is None:
        raise ServiceError(
            _("Lenken er ugyldig eller trukket tilbake. Be om en ny lenke fra KS."),
            code="invalid",
        )
    if not token.wave.is_open(now):
        raise ServiceError(
            _("Undersøkelsen er ikke åpen for svar nå. Lenken virker bare mens den er åpen."),
            code="closed",
        )
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    return token


def colleague_invite(
    *,
    inviter: Contact,
    wave: Wave,
    email: str,
    name: str = "",
    now: datetime | None = None,
) -> Contact:
    """Add a colleague as a contact of the inviter's organisation and e-mail them a link."""
    from surveys.answering import emails

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
    _check_wave_targets(wave=wave, organisation=organisation)
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


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def normalise_answer(value: Any, other_text: str = "") -> AnswerValue:
    """Empty answers become (None, ""); the other-text is kept only with a value."""
    if isinstance(value, str):
        value = value.strip()
    if _empty(value):
        return (None, "")
    return (value, (other_text or "").strip())


def _same(a: AnswerValue, b: AnswerValue) -> bool:
    def canonical(value: Any) -> Any:
        # Multiple choice: the order of ticked codes carries no meaning.
        if isinstance(value, list):
            return sorted(str(item) for item in value)
        return value

    return canonical(a[0]) == canonical(b[0]) and (a[1] or "") == (b[1] or "")


@dataclass
class Conflict:
    """A question a colleague changed after this person loaded the page."""

    question: Question
    mine: AnswerValue
    theirs: AnswerValue
    theirs_revision: int
    changed_by: str
    changed_at: datetime | None


@dataclass
class SectionSaveResult:
    saved: list[str] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    revisions: dict[str, int] = field(default_factory=dict)
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


def _lock_for_writing(answer_set: AnswerSet, now: datetime) -> AnswerSet:
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
    return locked


def _contact_name(contact: Contact | None, user: Any) -> str:
    if contact is not None:
        return contact.name or contact.email
    if user is not None:
        return str(_("KS-administrator"))
    return ""


def _value_at_revision(history: list[AnswerChange], revision: int) -> AnswerValue | None:
    """The answer as it was after its `revision`-th change; None when history is missing."""
    if revision <= 0:
        return (None, "")
    if revision > len(history):
        return None
    change = history[revision - 1]
    if change.action == AnswerChange.Action.CLEARED:
        return (None, "")
    return (change.value, change.other_text)


def answer_revisions(
    *,
    answer_set: AnswerSet,
    questions: Iterable[Question],
    answers: Iterable[Answer] | None = None,
) -> dict[str, int]:
    """Current revision per question key; the page carries it to detect conflicts.

    A stored answer's revision is its count of changes (each save sets it to that count
    plus one, next to its change row). A question without a stored answer was never
    answered (0) unless the set has had an answer cleared; only then are its changes
    counted. Queries: the stored answers unless `answers` (the set's stored answers of
    these questions or more) are given, and that count.
    """
    from django.db.models import Count

    questions = list(questions)
    by_id = {q.pk: q.key for q in questions}
    if answers is not None:
        stored = {answer.question_id: answer.revision for answer in answers}
    else:
        stored = dict(
            Answer.objects.filter(answer_set=answer_set, question_id__in=by_id).values_list(
                "question_id", "revision"
            )
        )
    unanswered = [pk for pk in by_id if pk not in stored]
    counts = {}
    if unanswered and answer_set.answers_cleared:
        counts = dict(
            AnswerChange.objects.filter(
                answer_set=answer_set,
                question_id__in=unanswered,
                action__in=[AnswerChange.Action.CHANGED, AnswerChange.Action.CLEARED],
            )
            .values_list("question_id")
            .annotate(n=Count("id"))
            .values_list("question_id", "n")
        )
    return {key: stored.get(pk) or counts.get(pk, 0) for pk, key in by_id.items()}


@transaction.atomic
def response_save_section(
    *,
    answer_set: AnswerSet,
    section: Section,
    answers: Mapping[str, AnswerValue],
    revisions: Mapping[str, int],
    hidden: Iterable[str] = (),
    contact: Contact | None = None,
    user: Any = None,
    now: datetime | None = None,
    stored: Iterable[Answer] | None = None,
) -> SectionSaveResult:
    """Save the valid answers of one section that this person changed; report conflicts.

    `answers` maps question keys to (value, other_text) as cleaned by the form engine (only
    the questions that validated); `revisions` the revision per key when the page was loaded;
    `hidden` the keys whose condition is not met, whose stored answers are removed.

    `stored`: the set's answers as the caller read them *after* reading `answer_set`. Every
    write to a set's answers moves its `updated_at`, so when the locked row still has the
    caller's `updated_at`, those answers are current and are not read again.
    """
    now = now or timezone.now()
    locked = _lock_for_writing(answer_set, now)
    organisation = locked.organisation
    if section.wave_id != locked.wave_id or not section.applies_to_kind(organisation.kind):
        raise ServiceError(_("Denne delen finnes ikke i undersøkelsen."), code="not_found")

    # The questionnaire's questions when the section comes from it (cached, with choices).
    section_questions = getattr(section, "question_list", None)
    if section_questions is None:
        section_questions = Question.objects.filter(section=section)
    questions = {q.key: q for q in section_questions if q.applies_to_kind(organisation.kind)}
    hidden = {key for key in hidden if key in questions}
    wanted = {
        key: normalise_answer(*value)
        for key, value in answers.items()
        if key in questions and key not in hidden
    }
    touched = [questions[key] for key in set(wanted) | hidden]
    touched_ids = {question.pk for question in touched}
    if stored is not None and locked.updated_at == answer_set.updated_at:
        existing = {a.question_id: a for a in stored if a.question_id in touched_ids}
    else:
        existing = {
            a.question_id: a
            for a in Answer.objects.filter(answer_set=locked, question_id__in=touched_ids)
        }
    current_revisions = answer_revisions(
        answer_set=locked, questions=touched, answers=existing.values()
    )
    result = SectionSaveResult(saved_at=now)
    histories: dict[int, list[AnswerChange]] | None = None

    def history_of(question: Question) -> list[AnswerChange]:
        nonlocal histories
        if histories is None:
            histories = {}
            for change in (
                AnswerChange.objects.filter(
                    answer_set=locked,
                    question__in=touched,
                    action__in=[AnswerChange.Action.CHANGED, AnswerChange.Action.CLEARED],
                )
                .select_related("changed_by")
                .order_by("changed_at", "id")
            ):
                histories.setdefault(change.question_id, []).append(change)
        return histories.get(question.pk, [])

    changes: list[tuple[Question, AnswerValue, int]] = []
    for key, mine in wanted.items():
        question = questions[key]
        answer = existing.get(question.pk)
        current: AnswerValue = (answer.value, answer.other_text) if answer else (None, "")
        current_revision = current_revisions[key]
        if _same(mine, current):
            continue
        loaded_revision = int(revisions.get(key, 0) or 0)
        if current_revision != loaded_revision:
            loaded = _value_at_revision(history_of(question), loaded_revision)
            if loaded is not None and _same(mine, loaded):
                # This person did not touch it: keep the colleague's newer answer.
                continue
            since = history_of(question)[loaded_revision:]
            if (
                loaded is not None
                and contact is not None
                and since
                and all(change.changed_by_id == contact.pk for change in since)
            ):
                # Only this person changed it since (an autosave still in flight when they
                # pressed Save, a second tab): their newest text wins, nobody is overwritten.
                changes.append((question, mine, current_revision))
                continue
            last = history_of(question)[-1] if history_of(question) else None
            result.conflicts.append(
                Conflict(
                    question=question,
                    mine=mine,
                    theirs=current,
                    theirs_revision=current_revision,
                    changed_by=(
                        _contact_name(last.changed_by, last.changed_by_user) if last else ""
                    ),
                    changed_at=last.changed_at if last else None,
                )
            )
            continue
        changes.append((question, mine, current_revision))

    # A hidden question's answer is not kept; with open conflicts we wait, because the
    # conflicting answer may be the one that decides the condition.
    if not result.conflicts:
        for key in hidden:
            question = questions[key]
            if question.pk in existing:
                changes.append((question, (None, ""), current_revisions[key]))

    history: list[AnswerChange] = []
    new_answers: list[Answer] = []
    for question, (value, other_text), current_revision in changes:
        answer = existing.get(question.pk)
        previous = answer.value if answer else None
        if value is None:
            if answer is None:
                continue
            answer.delete()
            result.cleared.append(question.key)
            action = AnswerChange.Action.CLEARED
        else:
            fields = {
                "value": value,
                "other_text": other_text,
                "revision": current_revision + 1,
                "changed_at": now,
                "changed_by": contact,
                "changed_by_user": user,
            }
            if answer is None:
                # First answers to a section are the common save: one INSERT for all.
                new_answers.append(Answer(answer_set=locked, question=question, **fields))
            else:
                for name, field_value in fields.items():
                    setattr(answer, name, field_value)
                answer.save()
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
        current_revisions[question.key] = current_revision + 1
    if new_answers:
        Answer.objects.bulk_create(new_answers)
    if history:
        AnswerChange.objects.bulk_create(history)
        touched_set = {"updated_at": now}
        if result.cleared:
            touched_set["answers_cleared"] = True
            answer_set.answers_cleared = True  # the caller's copy counts changes from now on
        AnswerSet.objects.filter(pk=locked.pk).update(**touched_set)
    result.revisions = current_revisions
    return result


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
    from surveys.answering import emails, selectors

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
        AnswerChange.objects.create(
            answer_set=locked,
            action=AnswerChange.Action.SUBMITTED,
            # The submitted snapshot: what the receipt and KS see for this submit.
            value=progress.snapshot(),
            changed_at=now,
            changed_by=contact,
            changed_by_user=user,
        )
        language = get_language()
        answer_set_id = locked.pk
        transaction.on_commit(
            lambda: emails.send_receipt(answer_set_id=answer_set_id, language=language),
            robust=True,
        )
        wave_id = locked.wave_id
        transaction.on_commit(lambda: rate_snapshot_queue_soon(wave_id=wave_id), robust=True)
    return SubmitResult(answer_set=locked, newly_submitted=True)


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
