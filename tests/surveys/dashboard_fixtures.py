"""Fixtures shared by the response-rate and dashboard tests (imported by those modules)."""

import random

import pytest
from django.contrib.auth.models import Permission

from municipalities.models import Organisation, OrganisationKind
from surveys.models import AnswerSet
from tests import builders


def grant(user, *codenames: str):
    """Give a user surveys permissions by codename (created if the app does not define it)."""
    from django.contrib.contenttypes.models import ContentType

    from surveys.models import ResponseRateSnapshot

    for codename in codenames:
        permission = Permission.objects.filter(
            content_type__app_label="surveys", codename=codename
        ).first()
        if permission is None:
            # export_personal_data is defined with the export jobs.
            permission = Permission.objects.create(
                codename=codename,
                name=codename,
                content_type=ContentType.objects.get_for_model(ResponseRateSnapshot),
            )
        user.user_permissions.add(permission)
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture(name="national_wave")
def national_wave_fixture(db):
    """The 2011 register with 212 kommuner and 15 fylkeskommuner submitted, 40 more started."""
    edition = builders.make_bundled_register(2011)
    wave = builders.make_wave(edition=edition, slug="ekommune-2011", title="eKommune 2011")
    rng = random.Random(2011)
    kommuner = list(Organisation.objects.filter(edition=edition, kind=OrganisationKind.KOMMUNE))
    fylkeskommuner = list(
        Organisation.objects.filter(edition=edition, kind=OrganisationKind.FYLKESKOMMUNE)
    )
    rng.shuffle(kommuner)
    rng.shuffle(fylkeskommuner)
    submitted = kommuner[:212] + fylkeskommuner[:15]
    started = kommuner[212:252]
    builders.make_answer_sets(wave=wave, organisations=submitted)
    builders.make_answer_sets(wave=wave, organisations=started, status=AnswerSet.Status.IN_PROGRESS)
    wave.submitted_ids = {o.pk for o in submitted}
    wave.started_ids = {o.pk for o in submitted + started}
    return wave


@pytest.fixture(name="dashboard_user")
def dashboard_user_fixture(db):
    return grant(builders.make_staff(), "view_dashboard")


@pytest.fixture(name="mail_admin")
def mail_admin_fixture(db):
    return grant(builders.make_staff(), "view_dashboard", "send_mail", "export_personal_data")
