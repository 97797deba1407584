"""The skeleton a newcomer relies on: health, base page, languages and security headers."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse

from ekommune.logging import redact
from ekommune.settings import email_settings, env_bool

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    from django.core.cache import cache

    cache.clear()  # no heartbeat: no worker has answered
    response = client.get("/healthz")

    # A missing worker is a component down: degraded, never "ok", and still 200 for the load
    # balancer (the web tier serves).
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["broker"] == "ok"
    assert body["worker"] == "stale"
    assert body["worker_heartbeat_age_seconds"] is None
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_says_ok_only_when_every_component_is_ok(client, monkeypatch):
    from ekommune import health
    from ekommune.tasks import heartbeat

    heartbeat()
    assert client.get("/healthz").json()["status"] == "ok"

    monkeypatch.setattr(health, "cache_ok", lambda: False)
    body = client.get("/healthz").json()
    assert (body["status"], body["cache"]) == ("degraded", "unavailable")

    monkeypatch.setattr(health, "broker_ok", lambda: False)
    response = client.get("/healthz")
    assert (response.status_code, response.json()["status"]) == (200, "degraded")


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert response.json()["status"] == "error"


@pytest.mark.django_db
def test_home_page_is_bokmal_with_skip_link_and_landmarks(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nb">' in html
    assert 'href="#main"' in html and "Hopp til hovedinnholdet" in html
    assert '<main id="main"' in html and "<header" in html and "<footer" in html
    assert '<nav class="navbar' in html


@pytest.mark.django_db
def test_pages_load_bootstrap_from_our_own_static_files(client):
    html = client.get("/").content.decode()

    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    # Nothing is loaded from a third-party host.
    assert not re.search(r'(src|href)="(https?:)?//', html)


@pytest.mark.django_db
def test_bootstrap_is_served_by_us(client, settings):
    settings.WHITENOISE_USE_FINDERS = True
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/bootstrap/css/bootstrap.min.css")
    assert finders.find("vendor/bootstrap/js/bootstrap.bundle.min.js")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected_lang", "expected_text"),
    [("nn", "nn", "Hopp til hovudinnhaldet"), ("en", "en", "Skip to main content")],
)
def test_language_switch_is_remembered(client, language, expected_lang, expected_text):
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302

    html = client.get("/").content.decode()

    assert f'<html lang="{expected_lang}">' in html
    assert expected_text in html


@pytest.mark.django_db
def test_language_switch_requires_csrf_token(settings):
    from django.test import Client

    strict_client = Client(enforce_csrf_checks=True)
    response = strict_client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 403


@pytest.mark.django_db
def test_security_headers_are_sent(client):
    response = client.get("/")

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_admin_requires_staff_login(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECURE_SSL_REDIRECT", "SECURE_COOKIES", "SECURE_HSTS_SECONDS"}
    }
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "x" * 20 + "-deploy-check-" + "y" * 30,
            "ALLOWED_HOSTS": "ekommune.example.no",
            "VAR_DIR": str(tmp_path),
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_secret_key_is_generated_once_per_install_and_kept(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    env["VAR_DIR"] = str(tmp_path)
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    command = [sys.executable, "-c", f"import django, os; django.setup(); {code}"]
    env["DJANGO_SETTINGS_MODULE"] = "ekommune.settings"

    first = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)

    assert len(first.stdout.strip()) >= 50
    assert first.stdout == second.stdout
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_email_url_configures_smtp_with_tls():
    config = email_settings("smtp://user%40ks.no:s%C3%A6cret@mail.example.no:587?tls=1")

    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert config["EMAIL_HOST"] == "mail.example.no"
    assert config["EMAIL_PORT"] == 587
    assert config["EMAIL_HOST_USER"] == "user@ks.no"
    assert config["EMAIL_HOST_PASSWORD"] == "sæcret"
    assert config["EMAIL_USE_TLS"] is True


def test_default_email_goes_to_files_under_var(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "EMAIL_URL"}
    env.update({"VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "ekommune.settings"})
    code = "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_FILE_PATH)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.split() == [
        "django.core.mail.backends.filebased.EmailBackend",
        str(tmp_path / "mail"),
    ]


def test_bad_boolean_in_environment_fails_loudly(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG")


def test_log_lines_never_carry_tokens_or_addresses():
    line = "GET /i/Zx9_abcdefghijklmnopqrstuvwxyz0123/ from ola.nordmann@kommune.no"

    cleaned = redact(line)

    assert "Zx9_abcdef" not in cleaned and "ola.nordmann" not in cleaned
    assert "/i/<token>" in cleaned


def test_sqlite_runs_with_wal_and_a_busy_timeout(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_postgresql_connections_are_health_checked():
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_healthz_json_is_machine_readable(client, db):
    body = json.loads(client.get("/healthz").content)
    assert set(body) >= {"database", "broker", "worker", "status"}


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # header ignored without trusted proxies
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # the left entry is client-forged
        (2, "198.51.100.7, 203.0.113.9", "198.51.100.7"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer entries than proxies: fall back
    ],
)
def test_client_address_trusts_only_the_configured_proxies(settings, rf, hops, forwarded, expected):
    from ekommune.http import client_address

    settings.TRUSTED_PROXY_HOPS = hops
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.1")

    assert client_address(request) == expected


@pytest.mark.django_db
def test_an_english_browser_still_gets_bokmal_until_the_person_chooses(client):
    first = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    chosen = client.get("/", HTTP_ACCEPT_LANGUAGE="nb-NO,nb;q=0.9")

    assert '<html lang="nb">' in first.content.decode()
    assert "Hopp til hovedinnholdet" in first.content.decode()
    assert '<html lang="en">' in chosen.content.decode()


@pytest.mark.parametrize(
    ("tuning", "expected"), [("1", "(50000, 20, 100)"), ("0", "(700, 10, 10)")]
)
def test_web_workers_collect_garbage_in_larger_batches(tmp_path, tuning, expected):
    """gunicorn loads ekommune.wsgi in every worker; GC_TUNING=0 keeps CPython's defaults."""
    env = {**os.environ, "VAR_DIR": str(tmp_path), "GC_TUNING": tuning}
    code = "import gc, ekommune.wsgi; print(gc.get_threshold(), gc.get_freeze_count() > 0)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    assert result.stdout.split("\n")[0] == f"{expected} {tuning == '1'}"
