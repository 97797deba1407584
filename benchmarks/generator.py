"""Synthetic registers and answers at any size, deterministic for a given seed and size.

    python -m benchmarks generate --sizes 450 10000 100000

A data set of size N is one register edition with Norway's 15 counties of 2024 (names and
numbers from municipalities/data/fylker-2024.csv, so grouping by county looks as it does in
production), a fylkeskommune for every county but Oslo and kommuner for the rest, each with
one contact; populations follow a log-normal distribution close to Norway's (median about
5,000), so every size class occurs. The 2011 questionnaire is loaded into a wave of its own
(`bench-<N>`) through the questionnaire loader, and about 80 % of the organisations answer:
most of them submit, the others stop part-way.

Answers are written in bulk but row for row as the respondent services write them
(surveys/services.py `response_save_section` then `response_submit`): one AnswerSet per
organisation, one Answer per answered question (revision 1, changed by the contact), one
AnswerChange "changed" per answer and one "submitted" with the snapshot per submitted set.
tests/benchmarks/test_generator.py proves the rows equal service-created rows. Values follow
the question's conditions, `applies_to` and options, so the form engine's
`check_section_answers` accepts every submitted section (checked on a sample while generating).

A data set is generated once and reused: its edition's `source` records the generator
version, seed and size, and a data set made by another version is dropped and made again.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from municipalities.models import Contact, County, Organisation, OrganisationKind, RegisterEdition
from surveys import numbers
from surveys.conditions import condition_is_met
from surveys.definitions import load_definition, parse_definition
from surveys.form_engine import AnswerValue, Questionnaire, check_section_answers
from surveys.form_engine.kinds import (
    choices_of,
    number_bounds,
    number_decimals,
    question_option,
    rating_scale,
    rows_of,
)
from surveys.models import Answer, AnswerChange, AnswerSet, Question, Wave

GENERATOR_VERSION = 3
DEFAULT_SEED = 2011
QUESTIONNAIRE = Path(__file__).resolve().parent.parent / "surveys/questionnaires/ekommune-2011.yaml"
# Register editions of generated data sets live far from real years.
FIRST_BENCH_YEAR = 5000
BATCH_ORGANISATIONS = 1000
BULK_BATCH = 5000
STARTED_SHARE = 0.8
SUBMITTED_SHARE = 0.85

NAME_PREFIXES = ["", "", "", "Nord-", "Sør-", "Øvre ", "Nedre ", "Vestre ", "Austre ", "Indre "]
NAME_STEMS = [
    "Fjord", "Dal", "Vik", "Berg", "Heim", "Land", "Øy", "Nes", "Sund", "Stad", "Å", "Bø",
    "Li", "Mo", "Ås", "Haug", "Bakke", "Strand", "Eid", "Voll",
]  # fmt: skip
NAME_SUFFIXES = ["", "en", "dal", "fjord", "øy", "vik", "sand", "rud", "set", "by"]
WORDS = (
    "digital innbyggerdialog tjenester samarbeid kommunen har innført elektronisk "
    "sak arkiv portal løsning planlegger vurderer ønsker bedre rutiner for ansatte og "
    "innbyggere næringsliv skole helse omsorg barnehage byggesak selvbetjening"
).split()


# --- Register ------------------------------------------------------------------------------------


def _code(index: int, width: int) -> str:
    """Decimal digits while they fit, then a letter and base-36 digits: the register's number
    columns are 4 and 2 characters wide, and 100,000 organisations need letters too."""
    if index < 10**width:
        return f"{index:0{width}d}"
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    lead, rest = divmod(index - 10**width, 36 ** (width - 1))
    if lead >= 26:
        raise ValueError("register too large for the number columns")
    text = ""
    for _ in range(width - 1):
        rest, digit = divmod(rest, 36)
        text = digits[digit] + text
    return digits[10 + lead] + text


COUNTIES_FILE = Path(__file__).resolve().parent.parent / "municipalities/data/fylker-2024.csv"


def real_counties() -> list[tuple[str, str, bool]]:
    """Norway's counties (number, name, has a fylkeskommune), Oslo first."""
    with COUNTIES_FILE.open(encoding="utf-8") as handle:
        rows = [
            (row["fylkesnummer"], row["name"], row["has_county_municipality"] == "True")
            for row in csv.DictReader(handle)
        ]
    return sorted(rows, key=lambda row: (row[2], row[0]))


# Lower bounds of the six size classes: at least one kommune of each, whatever the size.
CLASS_EXAMPLES = [800, 3000, 7000, 14000, 30000, 80000]


def population(rng: random.Random) -> int:
    # Norway's kommuner: median about 5,000, a long tail up to Oslo's 600,000.
    return int(min(2_000_000, max(150, rng.lognormvariate(math.log(5000), 1.25))))


@dataclass
class Dataset:
    size: int
    seed: int
    edition: Any
    wave: Any

    @property
    def slug(self) -> str:
        return self.wave.slug


def fingerprint(size: int, seed: int) -> str:
    return f"benchmarks.generator v{GENERATOR_VERSION} seed={seed} size={size}"


def _edition_name(size: int) -> str:
    return f"Benchmark register {size}"


def find_dataset(size: int, seed: int = DEFAULT_SEED) -> Dataset | None:
    """The stored data set of this size and seed, or None (also when made by another version)."""

    edition = RegisterEdition.objects.filter(name=_edition_name(size)).first()
    if edition is None or edition.source != fingerprint(size, seed):
        return None
    wave = Wave.objects.filter(slug=f"bench-{size}", edition=edition).first()
    return Dataset(size=size, seed=seed, edition=edition, wave=wave) if wave else None


def drop_dataset(size: int) -> None:
    """Delete a generated data set of this size (fast, in SQL: millions of rows)."""

    edition = RegisterEdition.objects.filter(name=_edition_name(size)).first()
    if edition is None:
        return
    waves = list(Wave.objects.filter(edition=edition).values_list("pk", flat=True))
    table = {m: m._meta.db_table for m in [Answer, AnswerChange, AnswerSet, Contact]}
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (Answer, AnswerChange):
            cursor.execute(
                f"DELETE FROM {table[model]} WHERE answer_set_id IN "
                f"(SELECT id FROM {table[AnswerSet]} WHERE wave_id = ANY(%s))",
                [waves],
            )
        # Other tables that point at answer sets or contacts (access tokens, invitations...)
        # cascade through the ORM; the big ones are gone already.
        AnswerSet.objects.filter(wave_id__in=waves).delete()
        for wave in Wave.objects.filter(pk__in=waves):
            wave.delete()
        Contact.objects.filter(organisation__edition=edition).delete()
        Organisation.objects.filter(edition=edition).delete()
        County.objects.filter(edition=edition).delete()
        edition.delete()


def _register(size: int, seed: int) -> Any:
    """Create the edition, counties, organisations and contacts of a data set."""

    rng = random.Random(f"register-{seed}-{size}")
    year = max(
        FIRST_BENCH_YEAR - 1,
        RegisterEdition.objects.aggregate(year=Max("year"))["year"] or 0,
    )
    edition = RegisterEdition.objects.create(
        year=year + 1, name=_edition_name(size), source=fingerprint(size, seed)
    )
    counties = County.objects.bulk_create(
        [
            County(edition=edition, number=number, name=name, has_county_municipality=has_fk)
            for number, name, has_fk in real_counties()
        ]
    )
    n_counties = len(counties)
    n_kommuner = size - (n_counties - 1)
    kommuner = []
    totals = [0] * n_counties
    for i in range(n_kommuner):
        county = i if i < n_counties else rng.randrange(n_counties)
        people = CLASS_EXAMPLES[i] if i < len(CLASS_EXAMPLES) else population(rng)
        totals[county] += people
        name = rng.choice(NAME_PREFIXES) + rng.choice(NAME_STEMS) + rng.choice(NAME_SUFFIXES)
        kommuner.append(
            Organisation(
                edition=edition,
                kind=OrganisationKind.KOMMUNE,
                number=_code(i + 1, 4),
                name=name.strip(),
                county=counties[county],
                population=people,
                population_status="synthetic",
            )
        )
    fylkeskommuner = [
        Organisation(
            edition=edition,
            kind=OrganisationKind.FYLKESKOMMUNE,
            number=county.number,
            name=f"{county.name} fylkeskommune",
            county=county,
            population=totals[i],
            population_status="synthetic",
        )
        for i, county in enumerate(counties)
        if county.has_county_municipality
    ]
    for county, total in zip(counties, totals, strict=True):
        county.population = total
    County.objects.bulk_update(counties, ["population"], batch_size=BULK_BATCH)
    organisations = Organisation.objects.bulk_create(
        kommuner + fylkeskommuner, batch_size=BULK_BATCH
    )
    Contact.objects.bulk_create(
        [
            Contact(
                organisation=organisation,
                name=f"Kontakt {organisation.number}",
                email=f"postmottak-{organisation.kind[0]}{organisation.number.lower()}"
                "@bench.example.org",
                role="Rådgiver",
            )
            for organisation in organisations
        ],
        batch_size=BULK_BATCH,
    )
    return edition


def load_wave(
    *, slug: str, edition: Any, path: Path = QUESTIONNAIRE, text: str | None = None
) -> Any:
    """Load a questionnaire definition through the real loader into wave `slug` of `edition`,
    open until next year."""

    data = yaml.safe_load(text if text is not None else path.read_text(encoding="utf-8"))
    data["wave"]["slug"] = slug
    data["wave"]["register_year"] = edition.year
    data["wave"].pop("opens_at", None)
    data["wave"].pop("closes_at", None)
    definition = parse_definition(yaml.safe_dump(data, allow_unicode=True), filename=slug)
    wave = load_definition(definition).wave
    Wave.objects.filter(pk=wave.pk).update(
        status=Wave.Status.OPEN, closes_at=timezone.now() + timedelta(days=365)
    )
    wave.refresh_from_db()
    return wave


# --- Answers -------------------------------------------------------------------------------------


def _text(rng: random.Random, words: int, max_length: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."
    return text[:max_length].strip()


def answer_value(question: Any, rng: random.Random) -> tuple[Any, str]:
    """A valid value of `question` in the stored shape, with its "Annet" text ("" if none)."""

    kind = question.kind
    other = ""
    if kind == Question.Kind.SINGLE_CHOICE:
        choices = choices_of(question)
        # Earlier options are chosen more often, as in real answers ("Ja" before "Vet ikke").
        choice = choices[min(int(rng.expovariate(0.7)), len(choices) - 1)]
        if choice.is_other:
            other = _text(rng, 3, 500)
        return choice.code, other
    if kind == Question.Kind.MULTIPLE_CHOICE:
        choices = choices_of(question)
        plain = [c for c in choices if not c.exclusive]
        exclusive = [c for c in choices if c.exclusive]
        if exclusive and rng.random() < 0.08:
            return rng.choice(exclusive).code, ""
        chosen = {c.code for c in rng.sample(plain, rng.randint(1, min(4, len(plain))))}
        codes = [c.code for c in choices if c.code in chosen]
        if any(c.is_other and c.code in chosen for c in choices):
            other = _text(rng, 3, 500)
        return codes, other
    if kind == Question.Kind.MATRIX:
        scale = [c.code for c in choices_of(question)]
        return {row.code: rng.choice(scale) for row in rows_of(question)}, ""
    if kind == Question.Kind.RATING:
        return rng.choice(list(rating_scale(question))), ""
    if kind in (Question.Kind.INTEGER, Question.Kind.DECIMAL, Question.Kind.PERCENTAGE):
        low, high = number_bounds(question)
        low = Decimal(0) if low is None else low
        high = low + 5000 if high is None else high
        decimals = number_decimals(question)
        step = Decimal(1).scaleb(-decimals)
        steps = int((high - low) / step)
        number = low + step * rng.randint(0, steps)
        if kind == Question.Kind.INTEGER:
            return int(number), ""
        return numbers.to_storage(number), ""
    max_length = int(question_option(question, "max_length", 5000 if kind == "long_text" else 500))
    words = rng.randint(8, 60) if kind == Question.Kind.LONG_TEXT else rng.randint(1, 6)
    return _text(rng, words, max_length), ""


@dataclass
class PlannedAnswers:
    """What one organisation answers: per visible section, its {key: (value, other_text)}."""

    sections: list[tuple[Any, dict[str, tuple[Any, str]]]]
    submitted: bool


def plan_answers(
    questionnaire: Any, organisation_kind: str, rng: random.Random, *, complete: bool
) -> PlannedAnswers:
    """Answers in questionnaire order, honouring `applies_to` and chained conditions.

    complete: every visible section is answered (required questions always, optional ones
    mostly); otherwise the organisation stops after a random number of sections.
    """

    effective: dict[str, Any] = {}
    sections = []
    visible_sections = 0
    stop = None if complete else rng.randint(1, max(1, len(questionnaire.sections) - 1))
    for section in questionnaire.sections:
        if not section.applies_to_kind(organisation_kind) or not condition_is_met(
            section.condition, effective
        ):
            continue
        visible_sections += 1
        if stop is not None and visible_sections > stop:
            break
        answers: dict[str, tuple[Any, str]] = {}
        for question in section.question_list:
            if not question.applies_to_kind(organisation_kind):
                continue
            if not condition_is_met(question.condition, effective):
                continue
            if not question.required and rng.random() < 0.1:
                continue
            value, other = answer_value(question, rng)
            answers[question.key] = (value, other)
            effective[question.key] = value
        sections.append((section, answers))
    return PlannedAnswers(sections=sections, submitted=complete)


def submitted_snapshot(answers: dict[str, tuple[Any, str]]) -> dict[str, list]:
    """The value of the "submitted" AnswerChange, as `response_submit` stores it: every visible
    answer as [value, other] (`ResponseProgress.snapshot` in surveys.answering.selectors)."""
    return {key: [value, other] for key, (value, other) in answers.items()}


def check_planned(questionnaire: Any, organisation_kind: str, planned: PlannedAnswers) -> None:
    """Raise if the form engine does not accept a submitted organisation's sections."""

    stored_answers = {
        key: AnswerValue(value, other)
        for _section, answers in planned.sections
        for key, (value, other) in answers.items()
    }
    for section, _answers in planned.sections:
        form = check_section_answers(
            section=section,
            organisation_kind=organisation_kind,
            answers=stored_answers,
            questionnaire=questionnaire,
        )
        if not form.is_valid():
            raise AssertionError(
                f"Generated answers for section {section.key} are refused: "
                f"{[(e.question, e.message) for e in form.error_summary]}"
            )


@contextmanager
def explicit_timestamps(*models: Any) -> Iterator[None]:
    """Let bulk_create keep the timestamps we set (auto_now/auto_now_add would overwrite them)."""
    saved = []
    for model in models:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


ANSWER_FIELDS = (
    "answer_set_id",
    "question_id",
    "value",
    "other_text",
    "revision",
    "changed_at",
    "changed_by_id",
)
CHANGE_FIELDS = (
    "answer_set_id",
    "question_id",
    "action",
    "previous_value",
    "value",
    "other_text",
    "changed_at",
    "changed_by_id",
)
JSON_FIELDS = {"value", "previous_value"}


def save_times(planned: PlannedAnswers, start: datetime) -> tuple[list[datetime], datetime | None]:
    """When each section is saved (one every few minutes) and when the set is submitted."""
    times = [start + timedelta(minutes=4 * i) for i in range(len(planned.sections))]
    last = times[-1] if times else start
    return times, last + timedelta(minutes=2) if planned.submitted else None


def write_answer_sets(
    items: list[tuple[Any, Callable[[int], tuple[list, list]]]],
) -> tuple[int, int]:
    """Insert answer sets from answer_rows() and their answers and changes; returns the counts."""
    sets = [answer_set for answer_set, _maker in items]
    with transaction.atomic(), explicit_timestamps(AnswerSet):
        AnswerSet.objects.bulk_create(sets, batch_size=BULK_BATCH)
        answers, changes = [], []
        for answer_set, maker in items:
            more_answers, more_changes = maker(answer_set.pk)
            answers += more_answers
            changes += more_changes
        insert_rows(Answer, ANSWER_FIELDS, answers)
        insert_rows(AnswerChange, CHANGE_FIELDS, changes)
    return len(answers), len(changes)


def answer_rows(
    *,
    wave: Any,
    organisation: Any,
    contact_id: int | None,
    questionnaire: Any,
    planned: PlannedAnswers,
    start: datetime,
) -> tuple[Any, Callable[[int], tuple[list[tuple], list[tuple]]]]:
    """The AnswerSet of one organisation, and a function that gives its Answer and
    AnswerChange rows (tuples in ANSWER_FIELDS and CHANGE_FIELDS order) once the set has its
    primary key: what response_save_section writes per section, then response_submit."""
    times, submitted_at = save_times(planned, start)
    last = times[-1] if times else start
    answer_set = AnswerSet(
        wave=wave,
        organisation=organisation,
        status=AnswerSet.Status.SUBMITTED if planned.submitted else AnswerSet.Status.IN_PROGRESS,
        created_at=start,
        updated_at=submitted_at or last,
        submitted_at=submitted_at,
        submitted_by_id=contact_id if planned.submitted else None,
    )
    question_ids = {q.key: q.pk for q in questionnaire.questions}

    def rows(answer_set_id: int) -> tuple[list[tuple], list[tuple]]:
        answers, changes = [], []
        values: dict[str, tuple[Any, str]] = {}
        for (_section, section_answers), moment in zip(planned.sections, times, strict=True):
            for key, (value, other) in section_answers.items():
                question_id = question_ids[key]
                values[key] = (value, other)
                answers.append((answer_set_id, question_id, value, other, 1, moment, contact_id))
                changes.append(
                    (
                        answer_set_id,
                        question_id,
                        AnswerChange.Action.CHANGED.value,
                        None,
                        value,
                        other,
                        moment,
                        contact_id,
                    )
                )
        if planned.submitted:
            snapshot = submitted_snapshot(values)
            changes.append(
                (
                    answer_set_id,
                    None,
                    AnswerChange.Action.SUBMITTED.value,
                    None,
                    snapshot,
                    "",
                    submitted_at,
                    contact_id,
                )
            )
        return answers, changes

    return answer_set, rows


def insert_rows(model: Any, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rows (tuples of column values, JSON fields as Python values).

    PostgreSQL: one COPY per call, several times faster than INSERT for millions of rows.
    Elsewhere (the test suite's SQLite): bulk_create. Both store the same values.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=BULK_BATCH
        )
        return
    json_columns = [i for i, name in enumerate(fields) if name in JSON_FIELDS]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        row = list(row)
        for i in json_columns:
            # SQL NULL for None, as Django's JSONField stores it.
            row[i] = None if row[i] is None else json.dumps(row[i])
        writer.writerow(row)
    buffer.seek(0)
    columns = ", ".join(fields)
    # Unquoted empty fields are NULL, except in other_text (never NULL, often empty).
    not_null = "other_text" if "other_text" in fields else None
    options = "FORMAT csv" + (f", FORCE_NOT_NULL ({not_null})" if not_null else "")
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {model._meta.db_table} ({columns}) FROM STDIN WITH ({options})", buffer
        )


def generate_answers(
    wave: Any,
    *,
    seed: int,
    started_share: float = STARTED_SHARE,
    submitted_share: float = SUBMITTED_SHARE,
    check_sample: int = 50,
    log: Callable[[str], None] = print,
) -> dict[str, int]:
    """Answers of the wave's organisations, in batches; returns row counts."""
    questionnaire = Questionnaire.load(wave)
    organisations = (
        Organisation.objects.filter(edition_id=wave.edition_id, kind__in=wave.target_kinds)
        .order_by("id")
        .only("id", "kind", "number")
    )
    contacts = dict(
        Contact.objects.filter(organisation__edition_id=wave.edition_id)
        .order_by("organisation_id", "-id")
        .values_list("organisation_id", "id")
    )
    base = timezone.now().replace(microsecond=0) - timedelta(days=30)
    counts = {"answer_sets": 0, "submitted": 0, "answers": 0, "changes": 0}
    checked = 0
    ids = list(organisations.values_list("id", flat=True))
    for offset in range(0, len(ids), BATCH_ORGANISATIONS):
        batch = list(organisations.filter(id__in=ids[offset : offset + BATCH_ORGANISATIONS]))
        sets, makers = [], []
        for organisation in batch:
            rng = random.Random(
                f"answers-{seed}-{wave.slug}-{organisation.number}-{organisation.kind}"
            )
            if rng.random() >= started_share:
                continue
            complete = rng.random() < submitted_share
            planned = plan_answers(questionnaire, organisation.kind, rng, complete=complete)
            if complete and checked < check_sample:
                check_planned(questionnaire, organisation.kind, planned)
                checked += 1
            start = base + timedelta(minutes=rng.randrange(28 * 24 * 60))
            answer_set, maker = answer_rows(
                wave=wave,
                organisation=organisation,
                contact_id=contacts.get(organisation.id),
                questionnaire=questionnaire,
                planned=planned,
                start=start,
            )
            sets.append(answer_set)
            makers.append(maker)
        n_answers, n_changes = write_answer_sets(list(zip(sets, makers, strict=True)))
        counts["answer_sets"] += len(sets)
        counts["submitted"] += sum(1 for s in sets if s.status == AnswerSet.Status.SUBMITTED)
        counts["answers"] += n_answers
        counts["changes"] += n_changes
        if offset and offset % (BATCH_ORGANISATIONS * 10) == 0:
            log(f"  {offset + len(batch)} organisations, {counts['answers']} answers")
    return counts


def ensure_dataset(
    size: int,
    *,
    seed: int = DEFAULT_SEED,
    regenerate: bool = False,
    log: Callable[[str], None] = print,
) -> Dataset:
    """The data set of this size: reused when present, else generated (dropping an old one)."""

    if not regenerate:
        found = find_dataset(size, seed)
        if found is not None:
            return found
    drop_dataset(size)
    log(f"Generating {size} organisations (seed {seed})...")
    started = time.perf_counter()
    with transaction.atomic():
        edition = _register(size, seed)
        wave = load_wave(slug=f"bench-{size}", edition=edition)
    counts = generate_answers(wave, seed=seed, log=log)
    vacuum_analyze()
    log(
        f"Generated {size} organisations in {time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{value} {name}" for name, value in counts.items())
    )
    return Dataset(size=size, seed=seed, edition=edition, wave=wave)


def vacuum_analyze(*tables: str) -> None:
    """VACUUM ANALYZE (all tables, or these), as autovacuum keeps a real database: fresh
    statistics, no dead rows from deleted data, and visibility maps for index-only scans.
    The CI server of this project runs with autovacuum off, so the benchmarks do it."""
    if connection.vendor != "postgresql":
        return
    names = ", ".join(connection.ops.quote_name(table) for table in tables)
    with connection.cursor() as cursor:
        # VACUUM cannot run inside a transaction block (a test's): statistics only, then.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        cursor.execute(f"{command} {names}")


# --- A wave with a 7-question and a 100-question section (section page benchmark) ---------------

FORM_KINDS = [
    "single_choice",
    "multiple_choice",
    "matrix",
    "rating",
    "integer",
    "decimal",
    "percentage",
    "short_text",
    "long_text",
]
FORM_SECTIONS = {"sju": 7, "hundre": 100}


def _question_definition(key: str, kind: str, n: int) -> dict[str, Any]:
    question: dict[str, Any] = {
        "key": key,
        "type": kind,
        "text": f"Spørsmål {n}: hvordan bruker kommunen digitale løsninger på område {n}?",
        "help": "Svar for hele kommunen. Tall oppgis for siste hele år.",
        "required": n % 3 == 0,
    }
    if kind == "single_choice":
        question["choices"] = "yes_no_unsure"
    elif kind == "multiple_choice":
        question["choices"] = [
            {"code": f"valg_{i}", "label": f"Tjeneste nummer {i}"} for i in range(1, 7)
        ] + [
            {"code": "annet", "label": "Annet, spesifiser", "other": True},
            {"code": "ingen", "label": "Ingen av disse", "exclusive": True},
        ]
    elif kind == "matrix":
        question["rows"] = [{"code": f"rad_{i}", "label": f"Kanal {i}"} for i in range(1, 5)]
        question["scale"] = [
            {"code": "stor_grad", "label": "I stor grad"},
            {"code": "noen_grad", "label": "I noen grad"},
            {"code": "ikke", "label": "Ikke i det hele tatt"},
        ]
    elif kind == "rating":
        question.update({"min": 1, "max": 6})
    elif kind == "integer":
        question.update({"min": 0, "max": 100000, "unit": "ansatte"})
    elif kind == "decimal":
        question.update({"min": 0.0, "max": 1000.0, "decimals": 1, "unit": "mill. kr"})
    elif kind == "short_text":
        question["max_length"] = 200
    return question


def form_wave_definition(slug: str, register_year: int) -> dict[str, Any]:
    """A wave whose sections have 7 and 100 questions of every kind (every 10th question of
    the long one shown only after a "ja" to the question before it)."""
    sections = []
    for section_key, count in FORM_SECTIONS.items():
        questions = []
        for n in range(1, count + 1):
            kind = FORM_KINDS[(n - 1) % len(FORM_KINDS)]
            question = _question_definition(f"{section_key}_{n}", kind, n)
            previous = questions[-1] if questions else None
            if n % 10 == 0 and previous and previous["type"] == "single_choice":
                question["show_if"] = {"question": previous["key"], "equals": "ja"}
            questions.append(question)
        sections.append(
            {"key": section_key, "title": f"Del med {count} spørsmål", "questions": questions}
        )
    return {
        "format": 1,
        "wave": {
            "slug": slug,
            "title": "Ytelsestest av skjemasider",
            "year": 2011,
            "register_year": register_year,
            "target_kinds": ["kommune", "fylkeskommune"],
        },
        "sections": sections,
    }


def ensure_form_wave(dataset: Dataset) -> Any:
    """The form wave of a data set's register (created on first use)."""
    slug = f"bench-form-{dataset.size}"
    wave = Wave.objects.filter(slug=slug, edition=dataset.edition).first()
    if wave is None:
        text = yaml.safe_dump(form_wave_definition(slug, dataset.edition.year), allow_unicode=True)
        wave = load_wave(slug=slug, edition=dataset.edition, text=text)
    return wave
