"""Redis stops: respondents and staff keep working, nothing typed is lost, mail waits as rows.

The app runs as in production (gunicorn, DEBUG off, the project's settings with REDIS_URL) against
a Redis server this test starts and stops itself; requests are real HTTP with cookies and CSRF.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from municipalities.models import Contact
from surveys.models import Answer, AnswerSet, MailKind, OutboundMessage
from tests import builders
from tests.conftest import ROOT, database_url_for_subprocess

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"

pytestmark = [
    pytest.mark.skipif(not Path(REDIS_SERVER).exists(), reason="redis-server is not installed"),
    pytest.mark.django_db(transaction=True),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, *, up: bool, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            is_up = sock.connect_ex(("127.0.0.1", port)) == 0
        if is_up == up:
            return
        time.sleep(0.1)
    raise TimeoutError(f"port {port} did not become {'open' if up else 'closed'}")


class RedisServer:
    """A throwaway redis-server on a free port, in its own directory, without persistence."""

    def __init__(self, directory: Path, *, persist: bool = False) -> None:
        self.directory = directory
        self.persist = persist
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "yes" if self.persist else "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, up=True)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None
        wait_for_port(self.port, up=False)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def app_environment(redis_url: str, tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "PYTEST_VERSION", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "ekommune.settings",
            "DATABASE_URL": database_url_for_subprocess(),
            "REDIS_URL": redis_url,
            "VAR_DIR": str(tmp_path / "var"),
            "SECRET_KEY": "redis-outage-test-" + "k" * 40,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "PLAIN_STATIC_STORAGE": "1",
            "FAST_PASSWORD_HASHER": "1",
            "EMAIL_URL": f"file://{tmp_path / 'mail'}",
            "CACHE_RETRY_SECONDS": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


@pytest.fixture
def web_server(redis_server, tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "ekommune.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"]
        + ["--timeout", "60", "--log-level", "warning"],
        cwd=ROOT,
        env=app_environment(redis_server.url, tmp_path),
    )
    try:
        wait_for_port(port, up=True, timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=15)


# --- a small browser: cookies, forms, no automatic redirects -------------------------------


class Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            self.forms.append(
                {"action": attributes.get("action", ""), "method": attributes.get("method", "")}
                | {"fields": {}, "names": set()}
            )
        elif tag in {"input", "button", "textarea", "select"} and self.forms:
            form = self.forms[-1]
            name = attributes.get("name")
            if not name:
                return
            form["names"].add(name)
            if tag == "input" and attributes.get("type") == "hidden":
                form["fields"][name] = attributes.get("value", "")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects()
        )
        self.url = base + "/"
        self.page = ""

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        url = urllib.parse.urljoin(self.url, path)
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        headers = {"Referer": self.url} if data is not None else {}
        try:
            with self.opener.open(urllib.request.Request(url, body, headers), timeout=30) as r:
                status, text, location = r.status, r.read().decode(), ""
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
            location = error.headers.get("Location", "")
        assert status < 500, (url, status, text[:2000])
        if status < 300:
            self.url, self.page = url, text
        return status, text, urllib.parse.urljoin(url, location) if location else ""

    def get(self, path: str, *, follow: bool = True) -> int:
        status, _text, location = self.request(path)
        while follow and location:
            status, _text, location = self.request(location)
        return status

    def post_form(self, containing: str, values: dict) -> tuple[int, str]:
        """Submit the form of the current page that has a field `containing`."""
        parser = Forms()
        parser.feed(self.page)
        form = next(f for f in parser.forms if containing in f["names"])
        status, _text, location = self.request(form["action"] or self.url, form["fields"] | values)
        return status, location

    def link(self, fragment: str) -> str:
        parser = Forms()
        parser.feed(self.page)
        return next(href for href in parser.links if fragment in href)


def health(base: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


# --- the outage ----------------------------------------------------------------------------


def test_with_redis_down_respondents_answer_and_submit_and_staff_keep_working(
    survey, respondent, colleague, redis_server, web_server, tmp_path
):
    # A staff member who runs the mail rounds (no personal-data permission, so no second factor).
    staff = builders.make_staff(password="riktig hest batteri stift")
    staff.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="surveys",
            codename__in=["view_dashboard", "send_mail", "view_wave", "change_wave"],
        )
    )
    # Before the outage: a respondent and an administrator have sessions (held in Redis).
    kari = Browser(web_server)
    assert kari.get(f"/i/{builders.make_access_link(contact=respondent, wave=survey.wave)}/") == 200
    overview = kari.url
    admin = Browser(web_server)
    admin.get("/admin/login/")
    status, _ = admin.post_form(
        "username", {"username": staff.username, "password": "riktig hest batteri stift"}
    )
    assert status == 302
    assert health(web_server)[1]["cache"] == "ok"

    redis_server.stop()

    status, report = health(web_server)
    assert status == 200
    assert report["status"] == "degraded"
    assert (report["database"], report["cache"], report["broker"]) == (
        "ok",
        "unavailable",
        "unavailable",
    )

    # A respondent who was already answering saves a section: nothing typed is lost.
    assert kari.get(kari.link("/del/generelt/")) == 200
    status, _ = kari.post_form("plan", {"plan": "ja", "employees": "12", "action": "save"})
    assert status in {200, 302}
    answers = Answer.objects.filter(answer_set__organisation=survey.organisation)
    assert {a.question.key: a.value for a in answers} == {"plan": "ja", "employees": 12}

    # A bad link is refused as usual, and a colleague opens a link while Redis is down.
    assert kari.request("/i/not-a-real-token/")[0] == 404
    ola = Browser(web_server)
    assert ola.get(f"/i/{builders.make_access_link(contact=colleague, wave=survey.wave)}/") == 200
    assert "Testnes kommune" in ola.page

    # Submit, then the receipt page.
    assert kari.get(overview) == 200
    assert kari.get(kari.link("/innsending/")) == 200
    status, location = kari.post_form("confirm", {"confirm": "yes"})
    assert status == 302
    assert kari.get(location) == 200
    answer_set = AnswerSet.objects.get(organisation=survey.organisation, wave=survey.wave)
    assert answer_set.status == AnswerSet.Status.SUBMITTED

    # Staff pages work, a new staff login works, and invitations wait as queued rows.
    assert admin.get(f"/staff/dashboard/{survey.wave.slug}/") == 200

    assert admin.get("/admin/surveys/wave/") == 200
    other = Browser(web_server)
    other.get("/admin/login/")
    status, _ = other.post_form(
        "username", {"username": staff.username, "password": "riktig hest batteri stift"}
    )
    assert status == 302
    assert other.get("/admin/") == 200
    builders.make_contact(organisation=survey.other_organisation, email="per@andre.example")
    assert admin.get(f"/staff/dashboard/{survey.wave.slug}/invite/") == 200
    status, _ = admin.post_form("target", {"target": "all"})
    assert status == 302
    queued = OutboundMessage.objects.filter(state=OutboundMessage.State.QUEUED)
    invitations = queued.filter(kind=MailKind.INVITATION)
    assert invitations.count() == Contact.objects.filter(is_active=True).count() == 3
    # ... and so does the receipt of the submit made while the broker was away.
    assert queued.filter(kind=MailKind.RECEIPT).count() == 1

    redis_server.start()
    time.sleep(1.2)  # CACHE_RETRY_SECONDS: the web process tries Redis again

    status, report = health(web_server)
    assert (report["cache"], report["broker"]) == ("ok", "ok")
    # The sessions started during the outage still work now that Redis is back.
    assert ola.get(ola.url) == 200 and "Testnes kommune" in ola.page
    assert admin.get(f"/staff/dashboard/{survey.wave.slug}/") == 200

    # The queued invitations and the receipt go out through the broker once it is back: the
    # sweeper (a beat task) queues the rows again and a worker sends them.
    deliver_queued_mail(redis_server.url, tmp_path)
    assert set(OutboundMessage.objects.values_list("state", flat=True)) == {
        OutboundMessage.State.SENT
    }
    assert len(list((tmp_path / "mail").iterdir())) >= 3


def deliver_queued_mail(redis_url: str, tmp_path: Path) -> None:
    env = app_environment(redis_url, tmp_path) | {"MAIL_SWEEP_QUEUED_AFTER": "0"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ekommune", "worker", "--pool=solo"]
        + ["--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        cwd=ROOT,
        env=env,
    )
    try:
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c"]
            + ["from surveys.outreach.tasks import mail_sweep; mail_sweep()"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=60,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if not OutboundMessage.objects.exclude(state=OutboundMessage.State.SENT).exists():
                return
            assert worker.poll() is None, "the worker stopped"
            time.sleep(0.3)
    finally:
        worker.terminate()
        worker.wait(timeout=15)


def test_a_key_written_while_redis_was_down_is_never_read_stale_afterwards(tmp_path, settings):
    from ekommune.cache import ResilientRedisCache, outage_of

    settings.CACHE_RETRY_SECONDS = 0
    server = RedisServer(tmp_path, persist=True)  # Redis comes back with its old data
    server.start()
    cache = ResilientRedisCache(server.url, {"OPTIONS": {"socket_connect_timeout": 1}})
    outage = outage_of([server.url])
    try:
        cache.set("session", "before the outage")
        cache.set("counter", 1)
        server.stop()

        cache.set("session", "changed during the outage")  # the database has it; Redis not
        assert cache.get("session") is None  # a miss: read from the database instead
        assert cache.add("counter", 0) is False and cache.incr("counter") == 1

        server.start()
        assert cache.get("session") is None  # not the old value Redis still held
        assert cache.get("counter") is None
        cache.set("session", "after")
        assert cache.get("session") == "after"
        assert outage.pending_deletes == set()
    finally:
        server.stop()
        outage.down_until, outage.pending_deletes = 0.0, set()
