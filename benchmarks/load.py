"""Saving sections and submitting under load: 8 clients against gunicorn with 2 workers.

Each client is a thread with its own HTTP connection and session (a personal link opened as a
respondent would). It takes organisations in turn; for each it reads the first section page
once (session and CSRF cookies), then POSTs every visible section of the 2011 questionnaire
with valid answers (the form fields the page has, filled from the generator's plan) and
finally submits on the review page. Only the POSTs are timed. The run stops after a time
limit or a number of requests, whichever comes first; loopback only.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn with `workers` sync workers on a free loopback port, DEBUG off."""

    def __init__(self, workers: int = 2) -> None:
        self.port = free_port()
        from benchmarks.__main__ import BENCH_ENVIRONMENT

        env = {**os.environ, **BENCH_ENVIRONMENT, "DEBUG": "0", "EMAIL_URL": "locmem:"}
        env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "ekommune.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start within 30 s")

    def worker_cpu_seconds(self) -> float:
        """CPU seconds (user + system) used so far by the master's worker processes."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            pids = children.read_text().split()
        except OSError:
            return 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # Fields 14 and 15 of /proc/PID/stat (utime, stime), counted after the ")".
            total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Browser:
    """One respondent: a keep-alive connection and the cookies the server set."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str, str]:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            # The server closed the keep-alive connection: open a new one and retry once.
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", text


@dataclass
class Work:
    """What one client does for one organisation: its link and the POSTs of its sections."""

    link: str
    first_page: str
    sections: list[tuple[str, dict[str, Any]]]
    review: str
    organisation: str


@dataclass
class Outcome:
    saves: list[float] = field(default_factory=list)
    submits: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    # Every request the clients made (link opens and page reads too), and the CPU seconds
    # the gunicorn workers used meanwhile.
    requests: int = 0
    worker_cpu: float = 0.0


def post_data(questionnaire: Any, answers: dict[str, tuple[Any, str]]) -> dict[str, Any]:
    """The form fields a browser posts for these answers (the section page's field names)."""
    from surveys.form_engine import KINDS

    questions = {question.key: question for question in questionnaire.questions}
    data: dict[str, Any] = {}
    for key, (value, other) in answers.items():
        question = questions[key]
        for name, field_value in KINDS[question.kind].initial(question, value, other).items():
            if field_value not in (None, "", []):
                data[name] = field_value
    return data


def prepare(wave: Any, seed: int) -> list[Work]:
    """Reset the wave's answers and give every organisation a fresh link and its answers."""
    from django.urls import reverse

    from benchmarks import generator
    from municipalities.models import Contact
    from surveys.answering.links import invitation_link_issue
    from surveys.form_engine import Questionnaire
    from surveys.models import AccessToken, Answer, AnswerChange, AnswerSet

    AnswerChange.objects.filter(answer_set__wave=wave).delete()
    Answer.objects.filter(answer_set__wave=wave).delete()
    AnswerSet.objects.filter(wave=wave).delete()
    AccessToken.objects.filter(wave=wave).delete()
    # The rows of the previous run are dead now; autovacuum would clear them in production.
    generator.vacuum_analyze(
        AnswerChange._meta.db_table,
        Answer._meta.db_table,
        AnswerSet._meta.db_table,
        AccessToken._meta.db_table,
    )
    questionnaire = Questionnaire.load(wave)
    contacts = (
        Contact.objects.filter(
            organisation__edition_id=wave.edition_id, organisation__kind__in=wave.target_kinds
        )
        .select_related("organisation")
        .order_by("organisation__kind", "organisation__number", "id")
    )
    work = []
    seen = set()
    for contact in contacts:
        organisation = contact.organisation
        if organisation.pk in seen:
            continue
        seen.add(organisation.pk)
        rng = random.Random(f"load-{seed}-{organisation.kind}-{organisation.number}")
        planned = generator.plan_answers(questionnaire, organisation.kind, rng, complete=True)
        sections = [
            (
                reverse("surveys:section", args=[wave.slug, organisation.number, section.key]),
                {
                    **post_data(questionnaire, answers),
                    "action": "save",
                    "revisions": "{}",
                    "organisation": organisation.number,
                },
            )
            for section, answers in planned.sections
        ]
        raw = invitation_link_issue(contact=contact, wave=wave)
        work.append(
            Work(
                link=reverse("surveys:link", args=[raw]),
                first_page=sections[0][0],
                sections=sections,
                review=reverse("surveys:review", args=[wave.slug, organisation.number]),
                organisation=organisation.number,
            )
        )
    return work


def client_loop(
    port: int,
    queue: list[Work],
    lock: threading.Lock,
    outcome: Outcome,
    stop_at: float,
    budget: list[int],
    start: threading.Barrier,
) -> None:
    start.wait()
    while time.monotonic() < stop_at:
        with lock:
            if not queue or budget[0] <= 0:
                return
            work = queue.pop(0)
        browser = Browser(port)
        with lock:
            outcome.requests += 3 + len(work.sections)
        status, _location, _text = browser.request("GET", work.link)
        if status != 302:
            outcome.failures.append(f"link {status}")
            continue
        status, _location, text = browser.request("GET", work.first_page)
        match = CSRF_RE.search(text)
        if status != 200 or not match:
            outcome.failures.append(f"section page {status}")
            continue
        token = match.group(1)
        for path, data in work.sections:
            if time.monotonic() >= stop_at:
                return
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            started = time.perf_counter()
            status, location, _text = browser.request(
                "POST", path, {**data, "csrfmiddlewaretoken": token}
            )
            elapsed = (time.perf_counter() - started) * 1000
            if status == 302:
                outcome.saves.append(elapsed)
            else:
                outcome.failures.append(f"save {path} {status}")
        started = time.perf_counter()
        status, location, _text = browser.request(
            "POST",
            work.review,
            {"confirm": "yes", "organisation": work.organisation, "csrfmiddlewaretoken": token},
        )
        elapsed = (time.perf_counter() - started) * 1000
        if status == 302 and "kvittering" in location:
            outcome.submits.append(elapsed)
        else:
            outcome.failures.append(f"submit {status}")
        browser.connection.close()


def run_load(
    wave: Any, *, seed: int, clients: int, seconds: float, max_requests: int
) -> tuple[Outcome, float]:
    """Run the clients against a fresh gunicorn; returns the outcome and the elapsed seconds."""
    from django.db import connection

    work = prepare(wave, seed)
    connection.close()  # the server's workers and our clients must not share it
    server = Gunicorn(workers=2)
    try:
        # Warm the workers up (imports, URL resolver, templates) outside the measurement.
        warm = Browser(server.port)
        for _ in range(4):
            warm.request("GET", "/healthz")
        outcome = Outcome()
        lock = threading.Lock()
        budget = [max_requests]
        barrier = threading.Barrier(clients + 1)
        stop_at = time.monotonic() + seconds
        threads = [
            threading.Thread(
                target=client_loop,
                args=(server.port, work, lock, outcome, stop_at, budget, barrier),
                daemon=True,
            )
            for _ in range(clients)
        ]
        for thread in threads:
            thread.start()
        cpu_before = server.worker_cpu_seconds()
        barrier.wait()
        started = time.monotonic()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        outcome.worker_cpu = server.worker_cpu_seconds() - cpu_before
    finally:
        server.stop()
    return outcome, elapsed
