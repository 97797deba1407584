"""The export log and background export jobs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from surveys.models.questionnaire import Wave


class ExportJob(models.Model):
    """One export of a wave's answers: the log entry of who exported what, and for large
    exports the background job with its progress and the file to download."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("I kø")
        RUNNING = "running", _("Pågår")
        DONE = "done", _("Ferdig")
        FAILED = "failed", _("Feilet")

    class Layout(models.TextChoices):
        WIDE = "wide", _("Bred (én rad per organisasjon)")
        LONG = "long", _("Lang (én rad per svar)")
        CODEBOOK = "codebook", _("Kodebok")

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel (XLSX)")

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="export_jobs")
    # Null when the export ran from the command line.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bestilt av"),
    )
    created_at = models.DateTimeField(_("bestilt"), auto_now_add=True)
    layout = models.CharField(_("oppsett"), max_length=10, choices=Layout.choices)
    format = models.CharField(_("format"), max_length=5, choices=Format.choices)
    # Filters and CSV options exactly as applied (see surveys.analysis.exports.ExportOptions).
    options = models.JSONField(_("filtre og valg"), default=dict, blank=True)
    include_personal_data = models.BooleanField(_("med personopplysninger"), default=False)
    # Runs in the background (Celery) or was streamed straight to the browser/command.
    in_background = models.BooleanField(_("i bakgrunnen"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("antall rader totalt"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("rader skrevet"), default=0)
    started_at = models.DateTimeField(_("startet"), null=True, blank=True)
    finished_at = models.DateTimeField(_("ferdig"), null=True, blank=True)
    # Relative to settings.EXPORT_DIR; never served by the web server directly.
    file_path = models.CharField(_("fil"), max_length=300, blank=True)
    file_name = models.CharField(_("filnavn"), max_length=200, blank=True)
    error = models.TextField(_("feil"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("eksport")
        verbose_name_plural = _("eksporter")
        permissions = [
            ("view_results", _("Kan se resultater, rapport og priskandidater")),
            ("export_responses", _("Kan eksportere svar (organisasjonsnivå)")),
            ("export_personal_data", _("Kan eksportere kontaktpersoners navn og e-post")),
        ]

    def __str__(self) -> str:
        return f"{self.wave} – {self.layout}/{self.format} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.rows_written * 100 // self.total_rows)

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
