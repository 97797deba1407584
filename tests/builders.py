"""Builders for test data: `make_*` functions with keyword overrides (no fixture dumps)."""

import itertools
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from municipalities.models import (
    Contact,
    County,
    Organisation,
    OrganisationKind,
    RegisterEdition,
)
from surveys.models import Answer, AnswerSet, Choice, MatrixRow, Question, Section, Wave

_seq = itertools.count(1)


def _next() -> int:
    return next(_seq)


def make_edition(**overrides: Any) -> RegisterEdition:
    year = overrides.pop("year", 2011)
    edition, _ = RegisterEdition.objects.get_or_create(
        year=year, defaults={"name": f"Kommuneregister {year}", **overrides}
    )
    return edition


def make_county(**overrides: Any) -> County:
    edition = overrides.pop("edition", None) or make_edition()
    number = overrides.pop("number", f"{_next() % 90 + 10:02d}")
    county, _ = County.objects.get_or_create(
        edition=edition,
        number=number,
        defaults={"name": overrides.pop("name", f"Fylke {number}"), **overrides},
    )
    return county


def make_organisation(**overrides: Any) -> Organisation:
    county = overrides.pop("county", None)
    edition = overrides.pop("edition", None) or (county.edition if county else make_edition())
    county = county or make_county(edition=edition)
    kind = overrides.pop("kind", OrganisationKind.KOMMUNE)
    default_number = (
        f"{county.number}{_next() % 100:02d}" if kind == OrganisationKind.KOMMUNE else county.number
    )
    values = {
        "edition": edition,
        "county": county,
        "kind": kind,
        "number": default_number,
        "name": f"Testkommune {_next()}",
        "population": 5000,
    }
    values.update(overrides)
    return Organisation.objects.create(**values)


def make_contact(**overrides: Any) -> Contact:
    organisation = overrides.pop("organisation", None) or make_organisation()
    n = _next()
    values = {
        "organisation": organisation,
        "name": f"Kontakt {n}",
        "email": f"kontakt{n}@example.invalid",
        "role": "IKT-leder",
    }
    values.update(overrides)
    return Contact.objects.create(**values)


# --- register: begin ---------------------------------------------------------------------------


def make_bundled_register(year: int = 2011) -> RegisterEdition:
    """The real bundled register of `year` (2011 or 2024), imported as `make run` does."""
    from municipalities.demo import bundled_register_paths
    from municipalities.services import register_import

    counties_path, municipalities_path = bundled_register_paths(year)
    return register_import(
        year=year, counties_path=counties_path, municipalities_path=municipalities_path
    ).edition


# --- register: end -----------------------------------------------------------------------------


def make_staff(**overrides: Any):
    n = _next()
    values = {"username": f"staff{n}", "email": f"staff{n}@ks.example", "is_staff": True}
    values.update(overrides)
    password = values.pop("password", "correct horse battery staple")
    user = get_user_model().objects.create_user(password=password, **values)
    return user


def make_wave(**overrides: Any) -> Wave:
    edition = overrides.pop("edition", None) or make_edition()
    now = timezone.now()
    values = {
        "slug": f"wave-{_next()}",
        "title": "eKommune testrunde",
        "year": edition.year,
        "edition": edition,
        "target_kinds": [OrganisationKind.KOMMUNE, OrganisationKind.FYLKESKOMMUNE],
        "status": Wave.Status.OPEN,
        "opens_at": now - timedelta(days=7),
        "closes_at": now + timedelta(days=30),
        "intro": "Bakgrunn for kartleggingen",
    }
    values.update(overrides)
    return Wave.objects.create(**values)


def make_section(**overrides: Any) -> Section:
    wave = overrides.pop("wave", None) or make_wave()
    n = _next()
    values = {"wave": wave, "key": f"section_{n}", "position": n, "title": f"Del {n}"}
    values.update(overrides)
    return Section.objects.create(**values)


YES_NO_UNSURE = [("ja", "Ja"), ("nei", "Nei"), ("vet_ikke", "Usikker/Vet ikke")]


def make_question(**overrides: Any) -> Question:
    """A question; `choices=[(code, label), ...]` and `rows=[...]` create its options."""
    section = overrides.pop("section", None) or make_section()
    choices = overrides.pop("choices", None)
    rows = overrides.pop("rows", None)
    n = _next()
    values = {
        "wave": section.wave,
        "section": section,
        "key": f"q_{n}",
        "position": n,
        "kind": Question.Kind.SINGLE_CHOICE,
        "text": f"Spørsmål {n}?",
    }
    values.update(overrides)
    question = Question.objects.create(**values)
    if choices is None and question.kind in {Question.Kind.SINGLE_CHOICE, Question.Kind.MATRIX}:
        choices = YES_NO_UNSURE
    for position, (code, label) in enumerate(choices or [], start=1):
        Choice.objects.create(question=question, code=code, label=label, position=position)
    for position, (code, label) in enumerate(rows or [], start=1):
        MatrixRow.objects.create(question=question, code=code, label=label, position=position)
    return question


# --- respondent ---


def make_access_link(**overrides: Any) -> str:
    """A personal link token for a contact and wave (issued through the real service)."""
    from surveys.answering.links import invitation_link_issue

    wave = overrides.pop("wave", None) or make_wave()
    contact = overrides.pop("contact", None) or make_contact(
        organisation=make_organisation(edition=wave.edition)
    )
    return invitation_link_issue(contact=contact, wave=wave, **overrides)


def make_saved_answer(**overrides: Any):
    """An answer saved through `response_save_section`, so its history and revision exist."""
    from surveys.answering.services import (
        SectionEdit,
        answer_revisions,
        response_get_or_create,
        response_save_section,
    )

    question = overrides.pop("question")
    organisation = overrides.pop("organisation", None)
    answer_set = overrides.pop("answer_set", None) or response_get_or_create(
        wave=question.wave, organisation=organisation
    )
    revisions = answer_revisions(answer_set=answer_set, questions=[question])
    response_save_section(
        answer_set=answer_set,
        section=question.section,
        edit=SectionEdit(
            answers={question.key: (overrides.pop("value"), overrides.pop("other_text", ""))},
            revisions=revisions,
        ),
        contact=overrides.pop("contact", None),
        now=overrides.pop("now", None),
    )
    return answer_set.answers.get(question=question)


# --- answers: rows written directly, for test setup ------------------------


def make_answer_set(**overrides: Any) -> AnswerSet:
    """An organisation's answer set in a wave; `status="submitted"` sets submitted_at too."""
    wave = overrides.pop("wave", None) or make_wave()
    organisation = overrides.pop("organisation", None) or make_organisation(edition=wave.edition)
    values = {"wave": wave, "organisation": organisation, "status": AnswerSet.Status.IN_PROGRESS}
    values.update(overrides)
    if values["status"] == AnswerSet.Status.SUBMITTED:
        values.setdefault("submitted_at", timezone.now())
    return AnswerSet.objects.create(**values)


def make_answer(**overrides: Any) -> Answer:
    """One answer; `value` in the shape of Answer's docstring (code, [codes], {row: code}...)."""
    question = overrides.pop("question", None) or make_question()
    answer_set = overrides.pop("answer_set", None) or make_answer_set(wave=question.wave)
    values = {
        "answer_set": answer_set,
        "question": question,
        "value": "ja",
        "changed_at": timezone.now(),
    }
    values.update(overrides)
    return Answer.objects.create(**values)


# --- answer sets and contacts in bulk for response rates and mailing ---------------


def make_answer_sets(*, wave: Wave, organisations, status: str = "submitted", at=None) -> list:
    """Answer sets in bulk for rate tests (the respondent flow itself is tested elsewhere)."""
    from surveys.models import AnswerSet

    at = at or timezone.now()
    submitted = status == AnswerSet.Status.SUBMITTED
    return AnswerSet.objects.bulk_create(
        [
            AnswerSet(
                wave=wave,
                organisation=organisation,
                status=status,
                submitted_at=at if submitted else None,
            )
            for organisation in organisations
        ]
    )


def make_contacts(organisations, per_organisation: int = 1) -> list[Contact]:
    """Active contacts in bulk: kontakt<n>@<number>.example.invalid."""
    return Contact.objects.bulk_create(
        [
            Contact(
                organisation=organisation,
                name=f"Kontakt {i} {organisation.name}",
                email=f"kontakt{i}@{organisation.kind}{organisation.number}.example.invalid",
                role="Rådmann",
            )
            for organisation in organisations
            for i in range(1, per_organisation + 1)
        ]
    )


def sign_in_verified(client, user) -> None:
    """Log a staff user in with a confirmed second factor (TOTP), as staff who may see
    personal data must be (accounts.two_factor)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
