"""Simulated respondents for demos, tests and benchmarks (`simulate_responses`).

Answers go through exactly the path a person's browser takes: the section form of the form
engine is filled with random but plausible POST data, validated, and saved with
`response_save_section`; submitting uses `response_submit`. Nothing is written around the
respondent services, so history, revisions and the submit checks are all real.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q

from municipalities.models import Contact, Organisation, OrganisationKind
from surveys.answering import selectors, services
from surveys.form_engine import (
    DRAFT,
    Questionnaire,
    SectionForm,
    answers_by_key,
    build_section_form,
    format_number,
)
from surveys.form_engine.kinds import (
    OTHER_SUFFIX,
    ROW_SEPARATOR,
    number_bounds,
    number_decimals,
    rating_scale,
)
from surveys.models import AnswerSet, Question, Section, Wave
from surveys.outreach import selectors as rates

TEXTS = [
    "Vi jobber med dette i regionalt samarbeid.",
    "Planlagt i økonomiplanperioden.",
    "Felles løsning med nabokommunene.",
    "Under vurdering.",
    "Innført for innbyggertjenester.",
]


@dataclass
class SimulationReport:
    submitted: dict[str, int] = field(default_factory=dict)
    started: int = 0
    sections_saved: int = 0
    refused: int = 0


def _text(rng: random.Random, limit: int | None) -> str:
    text = rng.choice(TEXTS)
    return text[:limit] if limit else text


def _number(question: Question, rng: random.Random) -> str:
    low, high = number_bounds(question)
    if question.kind == Question.Kind.PERCENTAGE:
        low = Decimal(0) if low is None else low
        high = Decimal(100) if high is None else high
    low = Decimal(0) if low is None else low
    high = low + Decimal(1000) if high is None else high
    decimals = 0 if question.kind == Question.Kind.INTEGER else number_decimals(question)
    step = Decimal(1).scaleb(-decimals)
    steps = int((high - low) / step)
    value = low + step * rng.randint(0, max(steps, 0))
    return format_number(question, value)


def random_section_data(form: SectionForm, rng: random.Random) -> dict[str, Any]:
    """POST data for a section form with a random, plausible answer to every question."""
    data: dict[str, Any] = {}
    for question in form.questions:
        names = form.field_names[question.key]
        kind = question.kind
        if kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE):
            choices = list(question.choice_list)
            if not choices:
                continue
            if kind == Question.Kind.SINGLE_CHOICE:
                chosen = [rng.choice(choices)]
            else:
                exclusive = [c for c in choices if c.exclusive]
                ordinary = [c for c in choices if not c.exclusive]
                if exclusive and (not ordinary or rng.random() < 0.1):
                    chosen = [rng.choice(exclusive)]
                else:
                    chosen = rng.sample(ordinary, rng.randint(1, min(3, len(ordinary))))
            codes = [c.code for c in chosen]
            data[question.key] = codes[0] if kind == Question.Kind.SINGLE_CHOICE else codes
            if any(c.is_other for c in chosen) and question.key + OTHER_SUFFIX in names:
                data[question.key + OTHER_SUFFIX] = _text(rng, 200)
        elif kind == Question.Kind.MATRIX:
            scale = [c.code for c in question.choice_list]
            for row in question.row_list:
                name = question.key + ROW_SEPARATOR + row.code
                if scale and name in names:
                    data[name] = rng.choice(scale)
        elif kind == Question.Kind.RATING:
            data[question.key] = str(rng.choice(list(rating_scale(question))))
        elif kind in (Question.Kind.INTEGER, Question.Kind.DECIMAL, Question.Kind.PERCENTAGE):
            data[question.key] = _number(question, rng)
        elif question.required or rng.random() < 0.4:
            data[question.key] = _text(rng, form.fields[question.key].max_length)
    return data


class Simulator:
    """Fills answer sets of one wave as respondents would, reproducibly with a seed."""

    def __init__(self, *, wave: Wave, rng: random.Random) -> None:
        self.wave = wave
        self.rng = rng
        self.questionnaire = Questionnaire.load(wave)
        self.report = SimulationReport()

    def _progress(self, organisation: Organisation, answer_set: AnswerSet):
        return selectors.response_progress(
            wave=self.wave,
            organisation=organisation,
            answer_set=answer_set,
            questionnaire=self.questionnaire,
        )

    def fill(
        self,
        *,
        organisation: Organisation,
        contact: Contact | None,
        at: datetime,
        sections: int | None = None,
    ) -> AnswerSet:
        """Answer `sections` sections (all unfinished ones when None), saving each one."""
        answer_set = services.response_get_or_create(wave=self.wave, organisation=organisation)
        done = 0
        # One pass fills every unfinished section in order; conditions may show more sections
        # once earlier ones are answered, so a second pass picks those up.
        for _pass in range(3):
            progress = self._progress(organisation, answer_set)
            todo = [
                entry
                for entry in progress.visible_sections
                if entry.state != selectors.SectionState.COMPLETE and entry.items
            ]
            if not todo or (sections is not None and done >= sections):
                break
            answers = progress.answers
            for entry in todo:
                if sections is not None and done >= sections:
                    break
                if self._fill_section(
                    organisation=organisation,
                    answer_set=answer_set,
                    section=entry.section,
                    answers=answers,
                    contact=contact,
                    at=at,
                ):
                    done += 1
                    answers = answers_by_key(answer_set)
        return answer_set

    def _fill_section(
        self,
        *,
        organisation: Organisation,
        answer_set: AnswerSet,
        section: Section,
        answers: dict,
        contact: Contact | None,
        at: datetime,
    ) -> bool:
        unbound = build_section_form(
            section=section,
            organisation_kind=organisation.kind,
            answers=answers,
            mode=DRAFT,
            questionnaire=self.questionnaire,
        )
        if not unbound.questions:
            return False
        form = build_section_form(
            section=section,
            organisation_kind=organisation.kind,
            answers=answers,
            data=random_section_data(unbound, self.rng),
            mode=DRAFT,
            questionnaire=self.questionnaire,
        )
        form.is_valid()
        services.response_save_section(
            answer_set=answer_set,
            section=section,
            edit=services.SectionEdit(
                answers={key: (a.value, a.other_text) for key, a in form.valid_answers.items()},
                revisions=services.answer_revisions(
                    answer_set=answer_set, questions=form.questions
                ),
                hidden=form.hidden_keys,
            ),
            contact=contact,
            now=at,
        )
        self.report.sections_saved += 1
        return True

    def submit(self, *, organisation: Organisation, contact: Contact | None, at: datetime) -> bool:
        for _attempt in range(3):
            answer_set = self.fill(organisation=organisation, contact=contact, at=at)
            try:
                services.response_submit(answer_set=answer_set, contact=contact, now=at)
            except services.ServiceError as exc:
                if exc.code != "incomplete":
                    raise
                continue
            return True
        self.report.refused += 1
        return False


def simulate_responses(
    *,
    wave: Wave,
    submitted_kommuner: int,
    submitted_fylkeskommuner: int,
    started: int = 0,
    seed: int | None = None,
    now: datetime,
    spread_days: int = 21,
) -> SimulationReport:
    """Bring the wave up to N kommuner and M fylkeskommuner submitted and K others started.

    Submissions are spread over the last `spread_days` days (not before the wave opened), so
    the dashboard's chart has a history. Counts are totals (K counts organisations that have
    started without submitting): running it again adds only what is missing.
    """
    rng = random.Random(seed)
    simulator = Simulator(wave=wave, rng=rng)
    targeted = list(rates.targeted_organisations(wave).order_by("kind", "number"))
    status = dict(AnswerSet.objects.filter(wave=wave).values_list("organisation_id", "status"))
    contacts: dict[int, Contact] = {}
    for contact in Contact.objects.filter(
        Q(organisation__in=targeted) & Q(is_active=True)
    ).order_by("organisation_id", "pk"):
        contacts.setdefault(contact.organisation_id, contact)
    start = now - timedelta(days=spread_days)
    if wave.opens_at and wave.opens_at > start:
        start = wave.opens_at
    span = max((now - start).total_seconds(), 1)

    def moment() -> datetime:
        return start + timedelta(seconds=rng.uniform(0, span))

    plans: list[tuple[datetime, Organisation, bool]] = []
    for kind, wanted in (
        (OrganisationKind.KOMMUNE, submitted_kommuner),
        (OrganisationKind.FYLKESKOMMUNE, submitted_fylkeskommuner),
    ):
        of_kind = [o for o in targeted if o.kind == kind]
        already = sum(1 for o in of_kind if status.get(o.pk) == AnswerSet.Status.SUBMITTED)
        candidates = [o for o in of_kind if status.get(o.pk) != AnswerSet.Status.SUBMITTED]
        rng.shuffle(candidates)
        for organisation in candidates[: max(0, wanted - already)]:
            plans.append((moment(), organisation, True))
    chosen = {organisation.pk for _, organisation, _ in plans}
    in_progress = sum(
        1
        for o in targeted
        if status.get(o.pk) == AnswerSet.Status.IN_PROGRESS and o.pk not in chosen
    )
    idle = [o for o in targeted if o.pk not in chosen and o.pk not in status]
    rng.shuffle(idle)
    for organisation in idle[: max(0, started - in_progress)]:
        plans.append((moment(), organisation, False))
    # In time order, as they would have happened.
    plans.sort(key=lambda plan: plan[0])
    report = simulator.report
    for at, organisation, submit in plans:
        contact = contacts.get(organisation.pk)
        if submit:
            if simulator.submit(organisation=organisation, contact=contact, at=at):
                report.submitted[organisation.kind] = report.submitted.get(organisation.kind, 0) + 1
        else:
            total = len(simulator.questionnaire.sections)
            simulator.fill(
                organisation=organisation,
                contact=contact,
                at=at,
                sections=rng.randint(1, max(1, total - 1)),
            )
            report.started += 1
    return report
