"""Shared fixtures: personas and a real Celery worker process."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests import builders

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _test_process_settings() -> None:
    """Settings for the whole test process, set before any live server builds its middleware."""
    django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client and the live server speak plain HTTP; production redirects to HTTPS
    # (checked by the deploy-check test, which runs with production settings).
    django_settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in bokmål: a request in another language must not leak into the next."""
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings) -> None:
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def staff_user(db):
    return builders.make_staff()


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def database_url_for_subprocess() -> str:
    """The URL of the database the tests use, for processes started by a test."""
    from django.db import connection

    params = connection.settings_dict
    if params["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{params['NAME']}"
    user = params.get("USER") or ""
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{params['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db) -> Iterator[subprocess.Popen]:
    """A real `celery worker` on the configured broker (embedded or Redis), using the test DB."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_subprocess(),
        "VAR_DIR": str(django_settings.VAR_DIR),
        "PYTHONUNBUFFERED": "1",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ekommune",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
            f"--hostname=test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for_worker(worker)
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


def wait_for_worker(worker: subprocess.Popen, timeout: float = 60) -> None:
    from ekommune.tasks import ping

    deadline = time.monotonic() + timeout
    result = ping.delay("ready")
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"Celery worker exited with {worker.returncode}")
        if result.ready():
            return
        time.sleep(0.2)
    raise TimeoutError(f"Celery worker did not answer within {timeout} s")


# --- respondent personas ------------------------------------------------------------


class Survey:
    """A small open wave: three sections, every question kind the respondent pages meet."""

    def __init__(self) -> None:
        from surveys.models import Question

        self.wave = builders.make_wave(slug="ekommune-test", title="eKommune testrunde")
        self.organisation = builders.make_organisation(
            edition=self.wave.edition, name="Testnes kommune", number="3101"
        )
        self.other_organisation = builders.make_organisation(
            edition=self.wave.edition, name="Andre kommune", number="3102"
        )
        self.general = builders.make_section(
            wave=self.wave, key="generelt", position=1, title="Generelt"
        )
        self.plan = builders.make_question(
            section=self.general,
            key="plan",
            position=1,
            text="Har kommunen en plan?",
            required=True,
        )
        self.plan_note = builders.make_question(
            section=self.general,
            key="plan_note",
            position=2,
            kind=Question.Kind.LONG_TEXT,
            text="Beskriv planen",
            condition={"question": "plan", "equals": "ja"},
        )
        self.employees = builders.make_question(
            section=self.general,
            key="employees",
            position=3,
            kind=Question.Kind.INTEGER,
            text="Antall IKT-ansatte",
            options={"min": 0, "max": 10000},
        )
        self.services = builders.make_section(
            wave=self.wave, key="tjenester", position=2, title="Tjenester"
        )
        self.channels = builders.make_question(
            section=self.services,
            key="channels",
            position=1,
            kind=Question.Kind.MULTIPLE_CHOICE,
            text="Hvilke kanaler?",
            choices=[("web", "Nettside"), ("app", "App"), ("sms", "SMS")],
        )
        self.maturity = builders.make_question(
            section=self.services,
            key="maturity",
            position=2,
            kind=Question.Kind.MATRIX,
            text="Modenhet",
            rows=[("byggesak", "Byggesak"), ("skole", "Skole")],
        )
        self.comments = builders.make_section(
            wave=self.wave, key="kommentarer", position=3, title="Kommentarer"
        )
        self.comment = builders.make_question(
            section=self.comments,
            key="comment",
            position=1,
            kind=Question.Kind.SHORT_TEXT,
            text="Kommentar",
        )


@pytest.fixture
def survey(db) -> Survey:
    from django.core.cache import cache

    # Rate-limit counters live in the shared cache (files or Redis): start each test clean.
    cache.clear()
    return Survey()


def login_respondent(client, contact, wave):
    """Open a real personal link in this client; returns the client."""
    token = builders.make_access_link(contact=contact, wave=wave)
    response = client.get(f"/i/{token}/")
    assert response.status_code == 302, response.status_code
    return client


@pytest.fixture
def respondent(survey):
    return builders.make_contact(organisation=survey.organisation, name="Kari Nordmann")


@pytest.fixture
def respondent_client(client, survey, respondent):
    return login_respondent(client, respondent, survey.wave)


@pytest.fixture
def colleague(survey):
    return builders.make_contact(organisation=survey.organisation, name="Ola Kollega")


@pytest.fixture
def colleague_client(survey, colleague):
    from django.test import Client

    return login_respondent(Client(), colleague, survey.wave)


@pytest.fixture
def other_respondent(survey):
    return builders.make_contact(organisation=survey.other_organisation, name="Per Annen")


@pytest.fixture
def other_respondent_client(survey, other_respondent):
    from django.test import Client

    return login_respondent(Client(), other_respondent, survey.wave)


@pytest.fixture
def anonymous_client(db):
    from django.test import Client

    return Client()
