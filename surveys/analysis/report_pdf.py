"""The survey report as a PDF: made by the worker, kept per data version, with progress.

WeasyPrint lays out a whole document in memory and takes seconds even for KS's 448
organisations, so it never runs in a web request. A request for the PDF of the current data
version either finds the file (made before, under EXPORT_DIR) or queues the task once and
shows a progress page; the task's stage and percentage live in the shared cache. The report
itself is bounded (the first free texts of each question, not all of them), so the PDF's
size and memory do not grow with the number of organisations.
"""

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from surveys import queue
from surveys.analysis import cache as results_cache
from surveys.analysis.export_jobs import export_dir
from surveys.analysis.report import report_context
from surveys.models import Wave

logger = logging.getLogger(__name__)

TASK = "surveys.build_report_pdf"
# A queued or running PDF whose state has not moved for this long is queued again (a worker
# that died, a broker that lost the message).
STALE_SECONDS = 15 * 60


@dataclass(frozen=True)
class PdfState:
    status: str  # queued | running | done | failed
    percent: int
    stage: str = ""
    path: Path | None = None

    @property
    def label(self) -> str:
        labels = {
            "queued": _("I kø"),
            "running": _("Lages"),
            "done": _("Ferdig"),
            "failed": _("Feilet"),
        }
        return f"{labels.get(self.status, self.status)}{f': {self.stage}' if self.stage else ''}"


def pdf_available() -> bool:
    """WeasyPrint needs the system library pango; without it PDF downloads are unavailable."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def _file(wave: Wave, version: str, language: str) -> Path:
    safe = "".join(char if char.isalnum() else "-" for char in version)
    return export_dir() / f"report-{wave.pk}-{language}-{safe}.pdf"


def _key(wave: Wave, version: str, language: str) -> str:
    return f"analysis:report-pdf:{wave.pk}:{language}:{version}"


def _set(key: str, status: str, percent: int, stage: str = "") -> None:
    cache.set(key, {"status": status, "percent": percent, "stage": stage}, STALE_SECONDS)


def report_pdf_status(*, wave: Wave, language: str, version: str = "") -> PdfState:
    """Where the PDF of the wave's current data stands (one query for the data version)."""
    version = version or results_cache.data_version(wave)
    path = _file(wave, version, language)
    if path.exists():
        return PdfState("done", 100, path=path)
    state = cache.get(_key(wave, version, language))
    if state is None:
        return PdfState("queued", 0)
    return PdfState(state["status"], state["percent"], state["stage"])


def report_pdf_request(*, wave: Wave, language: str) -> PdfState:
    """The PDF if it is made; else queue it (once per data version) and say how far it is."""
    version = results_cache.data_version(wave)
    state = report_pdf_status(wave=wave, language=language, version=version)
    if state.path is not None:
        return state
    key = _key(wave, version, language)
    queued = {"status": "queued", "percent": 0, "stage": ""}
    if cache.add(key, queued, STALE_SECONDS) or state.status == "failed":
        cache.set(key, queued, STALE_SECONDS)
        transaction.on_commit(lambda: queue.task(TASK).delay(wave.pk, language, version))
        return PdfState("queued", 0)
    return state


def report_pdf_build(*, wave_id: int, language: str, version: str = "") -> Path:
    """Make the report PDF of the wave's data (the worker's task); a second delivery finds
    the file and returns it."""
    import weasyprint

    wave = Wave.objects.get(pk=wave_id)
    version = version or results_cache.data_version(wave)
    path = _file(wave, version, language)
    if path.exists():
        return path
    key = _key(wave, version, language)
    try:
        with translation.override(language):
            _set(key, "running", 10, _("teller resultatene"))
            context = report_context(wave, version=version)
            _set(key, "running", 30, _("lager rapporten"))
            html = render_to_string("analysis/report_pdf.html", context)
            _set(key, "running", 50, _("setter opp sidene"))
            stylesheet = weasyprint.CSS(filename=finders.find("css/report.css"))
            document = weasyprint.HTML(string=html, base_url=settings.SITE_URL + "/").render(
                stylesheets=[stylesheet]
            )
            _set(key, "running", 85, _("skriver PDF-filen"))
            partial = path.with_suffix(f".{os.getpid()}.part")
            document.write_pdf(partial)
            # Atomic: a reader sees no file or the whole file, never half of one.
            partial.replace(path)
        for older in path.parent.glob(f"report-{wave.pk}-{language}-*.pdf"):
            if older != path:  # earlier data versions: superseded
                older.unlink(missing_ok=True)
    except Exception:
        logger.exception("Report PDF of wave %s failed", wave_id)
        _set(key, "failed", 100)
        raise
    _set(key, "done", 100)
    return path
