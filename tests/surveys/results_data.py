"""Synthetic answers for a 2011-style wave, shared by the results, export and scoring tests."""

from dataclasses import dataclass, field
from decimal import Decimal

from municipalities.models import Organisation, OrganisationKind
from surveys.models import AnswerSet, Choice, Question, Wave
from tests import builders

FORMULA = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert('x')</script>"

# (population, answer to the yes/no question) per kommune: answers differ across size classes.
KOMMUNER = [
    (1200, "ja"),
    (1500, "nei"),
    (1900, "vet_ikke"),
    (3000, "ja"),
    (4000, "ja"),
    (4500, "nei"),
    (7000, "ja"),
    (15000, "ja"),
    (16000, "nei"),
    (30000, "ja"),
    (60000, "ja"),
    (70000, "ja"),
    (80000, "vet_ikke"),
]


@dataclass
class WaveData:
    wave: Wave
    yes_no: Question
    services: Question
    channels: Question
    stars: Question
    staff_count: Question
    share_digital: Question
    comments: Question
    organisations: list[Organisation] = field(default_factory=list)
    answer_sets: list[AnswerSet] = field(default_factory=list)
    not_started: Organisation | None = None
    in_progress: Organisation | None = None


def build_wave(*, year: int = 2011, slug: str = "ekommune-2011") -> WaveData:
    """A wave with every question kind the report shows, and answers from 13 kommuner and one
    fylkeskommune (submitted), one kommune in progress and one that has not started."""
    edition = builders.make_edition(year=year)
    wave = builders.make_wave(
        edition=edition,
        slug=slug,
        year=year,
        title=f"eKommune {year + 1} – lokal digital agenda: statusundersøkelse {year}",
    )
    east = builders.make_county(edition=edition, number="01", name="Østfold")
    west = builders.make_county(edition=edition, number="12", name="Hordaland")
    first = builders.make_section(wave=wave, key="lokaldemokrati", title="Lokaldemokrati")
    second = builders.make_section(wave=wave, key="tjenester", title="Tjenester på nett")
    yes_no = builders.make_question(
        section=first,
        key="geodata_uthenting",
        text="Har kommunen lagt til rette for uthenting av geografisk informasjon?",
    )
    Choice.objects.filter(question=yes_no, code="ja").update(weight=Decimal(1))
    stars = builders.make_question(
        section=first,
        key="norge_no_stjerner_2010",
        kind=Question.Kind.RATING,
        text="Antall stjerner i norge.no sin kvalitetsvurdering: 2010",
        options={"min": 1, "max": 6},
    )
    channels = builders.make_question(
        section=first,
        key="digitale_kanaler_dialog",
        kind=Question.Kind.MATRIX,
        text="I hvilken grad brukes digitale kanaler til dialog med innbyggerne?",
        choices=[("stor_grad", "I stor grad"), ("noen_grad", "I noen grad"), ("ikke", "Ikke")],
        rows=[("e_post", "E-post"), ("sms", "SMS")],
        options={"weight": 2},
    )
    for code, weight in [("stor_grad", 2), ("noen_grad", 1), ("ikke", 0)]:
        Choice.objects.filter(question=channels, code=code).update(weight=weight)
    services = builders.make_question(
        section=second,
        key="elektroniske_tjenester",
        kind=Question.Kind.MULTIPLE_CHOICE,
        text="Hvilke elektroniske tjenester tilbys på nett?",
        choices=[
            ("barnehageplass", "Søknad om barnehageplass"),
            ("byggesak", "Byggesøknad"),
            ("annet", "Annet, spesifiser"),
            ("ingen", "Ingen av disse"),
        ],
    )
    Choice.objects.filter(question=services, code="annet").update(is_other=True, weight=1)
    Choice.objects.filter(question=services, code="ingen").update(exclusive=True, weight=0)
    Choice.objects.filter(question=services, code__in=["barnehageplass", "byggesak"]).update(
        weight=1
    )
    staff_count = builders.make_question(
        section=second, key="antall_ansatte", kind=Question.Kind.INTEGER, text="Antall ansatte?"
    )
    share_digital = builders.make_question(
        section=second,
        key="andel_digitalt",
        kind=Question.Kind.DECIMAL,
        text="Andel digitale søknader (prosent)?",
    )
    comments = builders.make_question(
        section=second,
        key="andre_utfordringer",
        kind=Question.Kind.LONG_TEXT,
        text="Andre utfordringer:",
    )
    data = WaveData(wave, yes_no, services, channels, stars, staff_count, share_digital, comments)

    for index, (population, yes_no_answer) in enumerate(KOMMUNER):
        organisation = builders.make_organisation(
            edition=edition,
            county=east if index % 2 else west,
            number=f"{(1 if index % 2 else 12):02d}{index + 1:02d}",
            name=f"Kommune {index + 1:02d}" if index else "=Formelkommune",
            population=population,
        )
        answer_set = builders.make_answer_set(
            wave=wave, organisation=organisation, status=AnswerSet.Status.SUBMITTED
        )
        data.organisations.append(organisation)
        data.answer_sets.append(answer_set)
        builders.make_answer(answer_set=answer_set, question=yes_no, value=yes_no_answer)
        builders.make_answer(answer_set=answer_set, question=stars, value=index % 6 + 1)
        builders.make_answer(
            answer_set=answer_set,
            question=channels,
            value={"e_post": "stor_grad", "sms": ["noen_grad", "ikke"][index % 2]},
        )
        chosen = [["barnehageplass"], ["barnehageplass", "byggesak"], ["annet"], ["ingen"]][
            index % 4
        ]
        builders.make_answer(
            answer_set=answer_set,
            question=services,
            value=chosen,
            other_text="-3 kommuner samarbeider" if chosen == ["annet"] else "",
        )
        builders.make_answer(answer_set=answer_set, question=staff_count, value=10 * (index + 1))
        builders.make_answer(
            answer_set=answer_set, question=share_digital, value=f"{index * 2.5 - 5:.1f}"
        )
        if index == 0:
            builders.make_answer(answer_set=answer_set, question=comments, value=FORMULA)
        elif index == 1:
            builders.make_answer(answer_set=answer_set, question=comments, value=SCRIPT)

    county_org = builders.make_organisation(
        edition=edition,
        county=west,
        kind=OrganisationKind.FYLKESKOMMUNE,
        number="12",
        name="Hordaland fylkeskommune",
        population=490000,
    )
    answer_set = builders.make_answer_set(
        wave=wave, organisation=county_org, status=AnswerSet.Status.SUBMITTED
    )
    data.organisations.append(county_org)
    data.answer_sets.append(answer_set)
    builders.make_answer(answer_set=answer_set, question=yes_no, value="ja")

    data.in_progress = builders.make_organisation(
        edition=edition, county=east, number="0150", name="Påbegynt kommune", population=2500
    )
    answer_set = builders.make_answer_set(wave=wave, organisation=data.in_progress)
    builders.make_answer(answer_set=answer_set, question=yes_no, value="nei")
    data.not_started = builders.make_organisation(
        edition=edition, county=east, number="0160", name="Ikke startet", population=2500
    )
    return data


def grant(user, *codenames: str):
    """Give a user surveys permissions by codename (view_results, export_responses, ...)."""
    from django.contrib.auth.models import Permission

    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="surveys", codename__in=codenames)
    )
    # Drop Django's per-user permission cache.
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(attr, None)
    return user


def analyst(*codenames: str):
    """A staff user holding these surveys permissions."""
    return grant(builders.make_staff(), *codenames)


# --- The bundled 2011 questionnaire with synthetic answers ------------------------------------

QUESTIONNAIRE_2011 = "surveys/questionnaires/ekommune-2011.yaml"


def _bokmal(value):
    """The document with every translated text ({nb, nn, en}) reduced to its bokmål text."""
    if isinstance(value, dict):
        if "nb" in value and set(value) <= {"nb", "nn", "en"}:
            return value["nb"]
        return {key: _bokmal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_bokmal(item) for item in value]
    return value


def load_2011_structure(edition):
    """Sections, questions, choices and rows of the bundled 2011 file, written directly.

    A minimal reading of docs/questionnaire-format.md for test setup only: the real loader
    (load_questionnaire) validates and lives elsewhere.
    """
    from pathlib import Path

    import yaml
    from django.conf import settings

    from surveys.models import MatrixRow, Section

    document = _bokmal(
        yaml.safe_load((Path(settings.BASE_DIR) / QUESTIONNAIRE_2011).read_text("utf-8"))
    )
    meta = document["wave"]
    wave = builders.make_wave(
        edition=edition,
        slug=meta["slug"],
        title=meta["title"],
        year=meta["year"],
        target_kinds=meta["target_kinds"],
        intro=meta.get("intro", ""),
        vision=meta.get("vision", ""),
    )
    for section_position, item in enumerate(document["sections"], start=1):
        section = Section.objects.create(
            wave=wave,
            key=item["key"],
            position=section_position,
            title=item["title"],
            intro=item.get("intro", ""),
            applies_to=item.get("applies_to", []),
            condition=item.get("show_if"),
        )
        for position, spec in enumerate(item["questions"], start=1):
            question = Question.objects.create(
                wave=wave,
                section=section,
                key=spec["key"],
                position=position,
                kind=spec["type"],
                text=spec["text"],
                help_text=spec.get("help", ""),
                applies_to=spec.get("applies_to", []),
                condition=spec.get("show_if"),
                options={
                    key: spec[key]
                    for key in ("min", "max", "unit", "decimals", "max_length", "labels", "weight")
                    if key in spec
                },
            )
            choices = spec.get("choices") or spec.get("scale") or []
            if choices == "yes_no_unsure":
                choices = [{"code": code, "label": label} for code, label in builders.YES_NO_UNSURE]
            Choice.objects.bulk_create(
                Choice(
                    question=question,
                    code=choice["code"],
                    label=choice["label"],
                    position=index,
                    exclusive=choice.get("exclusive", False),
                    is_other=choice.get("other", False),
                    weight=choice.get("weight"),
                )
                for index, choice in enumerate(choices, start=1)
            )
            MatrixRow.objects.bulk_create(
                MatrixRow(question=question, code=row["code"], label=row["label"], position=index)
                for index, row in enumerate(spec.get("rows", []), start=1)
            )
    return wave


def synthetic_value(question: Question, rng) -> object:
    """A valid random answer in the shape of Answer's docstring."""
    codes = [choice.code for choice in question.choices.all()]
    if question.kind == Question.Kind.SINGLE_CHOICE:
        return rng.choice(codes)
    if question.kind == Question.Kind.MULTIPLE_CHOICE:
        exclusive = {choice.code for choice in question.choices.all() if choice.exclusive}
        if exclusive and rng.random() < 0.1:
            return [rng.choice(sorted(exclusive))]
        pool = [code for code in codes if code not in exclusive]
        return sorted(rng.sample(pool, rng.randint(1, min(4, len(pool)))))
    if question.kind == Question.Kind.MATRIX:
        return {row.code: rng.choice(codes) for row in question.rows.all()}
    if question.kind == Question.Kind.RATING:
        return rng.randint(question.options.get("min", 1), question.options.get("max", 6))
    if question.kind == Question.Kind.INTEGER:
        return rng.randint(0, 500)
    if question.kind in {Question.Kind.DECIMAL, Question.Kind.PERCENTAGE}:
        return f"{rng.uniform(0, 100):.1f}"
    return rng.choice(["Bedre samhandling", FORMULA, SCRIPT, "-3 kommuner", "Ressurser"])


def build_2011_wave(*, kommuner: int = 60, seed: int = 2011):
    """The bundled 2011 questionnaire answered by `kommuner` kommuner of every size class and
    four fylkeskommuner; a fifth of the kommuner have not submitted."""
    import random

    from surveys.models import Answer

    rng = random.Random(seed)
    edition = builders.make_edition(year=2011)
    wave = load_2011_structure(edition)
    questions = list(
        Question.objects.filter(wave=wave)
        .select_related("section")
        .prefetch_related("choices", "rows")
    )
    counties = [
        builders.make_county(edition=edition, number=number, name=name)
        for number, name in [("01", "Østfold"), ("12", "Hordaland"), ("18", "Nordland")]
    ]
    populations = [800, 1500, 3000, 4500, 6000, 9000, 12000, 18000, 25000, 40000, 60000, 600000]
    organisations = [
        builders.make_organisation(
            edition=edition,
            county=counties[i % 3],
            number=f"{counties[i % 3].number}{i:02d}",
            name=f"Syntetisk kommune {i}",
            population=populations[i % len(populations)],
        )
        for i in range(kommuner)
    ] + [
        builders.make_organisation(
            edition=edition,
            county=county,
            kind=OrganisationKind.FYLKESKOMMUNE,
            number=county.number,
            name=f"{county.name} fylkeskommune",
            population=250000,
        )
        for county in counties
    ]
    for index, organisation in enumerate(organisations):
        submitted = index % 5 != 4
        answer_set = builders.make_answer_set(
            wave=wave,
            organisation=organisation,
            status=AnswerSet.Status.SUBMITTED if submitted else AnswerSet.Status.IN_PROGRESS,
        )
        Answer.objects.bulk_create(
            Answer(
                answer_set=answer_set,
                question=question,
                value=synthetic_value(question, rng),
                changed_at=answer_set.created_at,
            )
            for question in questions
            if question.applies_to_kind(organisation.kind)
            and question.section.applies_to_kind(organisation.kind)
        )
    return wave, organisations
