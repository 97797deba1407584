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
