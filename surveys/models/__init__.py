"""Survey waves, their questionnaire (sections, questions, choices, matrix rows) and answers.

The questionnaire is data: it is loaded from a YAML definition file (see
docs/questionnaire-format.md). Question keys are stable across waves; comparisons across years
join on them.
"""

import secrets
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from municipalities.models import Contact, Organisation, OrganisationKind, RegisterEdition


def new_definition_token() -> str:
    return secrets.token_hex(16)


class Wave(models.Model):
    """One yearly round of a survey, sent to the organisations of one register edition."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        OPEN = "open", _("Åpen")
        CLOSED = "closed", _("Lukket")

    slug = models.SlugField(_("kortnavn"), max_length=80, unique=True)
    title = models.CharField(_("tittel"), max_length=200)
    year = models.PositiveSmallIntegerField(_("år"))
    edition = models.ForeignKey(
        RegisterEdition,
        on_delete=models.PROTECT,
        related_name="waves",
        verbose_name=_("registerutgave"),
    )
    # Which organisation kinds the wave goes to: a list of OrganisationKind values.
    target_kinds = models.JSONField(_("målgruppe"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opens_at = models.DateTimeField(_("åpner"), null=True, blank=True)
    closes_at = models.DateTimeField(_("stenger"), null=True, blank=True)
    intro = models.TextField(_("bakgrunn"), blank=True)
    vision = models.TextField(_("visjon"), blank=True)
    help_contact = models.CharField(_("kontakt for hjelp"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A new random value whenever a section, question, choice or matrix row of the wave
    # changes (surveys.signals): it keys each process's cache of the loaded questionnaire.
    # Random rather than a counter, so a wave deleted and recreated never reuses a key.
    definition_token = models.CharField(max_length=32, default=new_definition_token, editable=False)

    class Meta:
        ordering = ["-year", "slug"]
        verbose_name = _("undersøkelsesrunde")
        verbose_name_plural = _("undersøkelsesrunder")

    def __str__(self) -> str:
        return self.title

    def is_open(self, now: datetime) -> bool:
        """Answers are accepted only while the wave is open and before its closing time."""
        if self.status != self.Status.OPEN:
            return False
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)

    def targets(self, kind: str) -> bool:
        return kind in self.target_kinds


class Section(models.Model):
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(_("nøkkel"), max_length=80)
    position = models.PositiveIntegerField(_("rekkefølge"))
    title = models.CharField(_("tittel"), max_length=300)
    intro = models.TextField(_("innledning"), blank=True)
    # Organisation kinds the whole section applies to; empty means all kinds.
    applies_to = models.JSONField(_("gjelder"), default=list, blank=True)
    # Show only when an earlier answer matches; see docs/questionnaire-format.md.
    condition = models.JSONField(_("vilkår"), null=True, blank=True)

    class Meta:
        ordering = ["wave", "position"]
        verbose_name = _("del")
        verbose_name_plural = _("deler")
        constraints = [
            models.UniqueConstraint(fields=["wave", "key"], name="section_unique_key"),
        ]

    def __str__(self) -> str:
        return self.title

    def applies_to_kind(self, kind: str) -> bool:
        return not self.applies_to or kind in self.applies_to


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE_CHOICE = "single_choice", _("Ett valg")
        MULTIPLE_CHOICE = "multiple_choice", _("Flere valg")
        MATRIX = "matrix", _("Matrise")
        RATING = "rating", _("Vurdering (stjerner)")
        INTEGER = "integer", _("Heltall")
        DECIMAL = "decimal", _("Desimaltall")
        PERCENTAGE = "percentage", _("Prosent")
        SHORT_TEXT = "short_text", _("Kort tekst")
        LONG_TEXT = "long_text", _("Lang tekst")

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    # Stable across waves: comparisons across years join on it.
    key = models.SlugField(_("nøkkel"), max_length=80)
    position = models.PositiveIntegerField(_("rekkefølge"))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("spørsmål"))
    help_text = models.TextField(_("hjelpetekst"), blank=True)
    required = models.BooleanField(_("obligatorisk"), default=False)
    # Organisation kinds the question applies to; empty means all kinds.
    applies_to = models.JSONField(_("gjelder"), default=list, blank=True)
    condition = models.JSONField(_("vilkår"), null=True, blank=True)
    # Kind-specific settings: min/max/decimals for numbers, scale for ratings, max_length...
    options = models.JSONField(_("innstillinger"), default=dict, blank=True)

    class Meta:
        ordering = ["wave", "section__position", "position"]
        verbose_name = _("spørsmål")
        verbose_name_plural = pgettext_lazy("plural", "spørsmål")
        constraints = [
            models.UniqueConstraint(fields=["wave", "key"], name="question_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.text[:60]}"

    def applies_to_kind(self, kind: str) -> bool:
        return not self.applies_to or kind in self.applies_to

    @property
    def has_choices(self) -> bool:
        return self.kind in {
            self.Kind.SINGLE_CHOICE,
            self.Kind.MULTIPLE_CHOICE,
            self.Kind.MATRIX,
        }


class Choice(models.Model):
    """An answer option; for a matrix question, a step of the scale shared by all rows."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    code = models.SlugField(_("kode"), max_length=80)
    position = models.PositiveIntegerField(_("rekkefølge"))
    label = models.CharField(_("tekst"), max_length=300)
    # Multiple choice: choosing this option clears all others ("Vet ikke", "Ingen av disse").
    exclusive = models.BooleanField(_("utelukkende"), default=False)
    # "Annet, spesifiser": choosing it asks for a text.
    is_other = models.BooleanField(_("annet, spesifiser"), default=False)
    # Contribution to the eKommune prize maturity score.
    weight = models.DecimalField(_("vekt"), max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["question", "position"]
        verbose_name = _("svaralternativ")
        verbose_name_plural = _("svaralternativer")
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="choice_unique_code"),
        ]

    def __str__(self) -> str:
        return self.label


class MatrixRow(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="rows")
    code = models.SlugField(_("kode"), max_length=80)
    position = models.PositiveIntegerField(_("rekkefølge"))
    label = models.CharField(_("tekst"), max_length=300)

    class Meta:
        ordering = ["question", "position"]
        verbose_name = _("matriserad")
        verbose_name_plural = _("matriserader")
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="matrixrow_unique_code"),
        ]

    def __str__(self) -> str:
        return self.label


class AnswerSet(models.Model):
    """The one shared set of answers of an organisation in a wave."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("Påbegynt")
        SUBMITTED = "submitted", _("Sendt inn")

    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="answer_sets")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="answer_sets"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    created_at = models.DateTimeField(_("påbegynt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)
    submitted_at = models.DateTimeField(_("sendt inn"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set once an answer of the set has been cleared. Until then a question without a
    # stored answer has never been answered (revision 0), and pages and saves need not
    # count its changes (surveys.answering.services.answer_revisions).
    answers_cleared = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("svarsett")
        verbose_name_plural = pgettext_lazy("plural", "svarsett")
        constraints = [
            # Two colleagues opening the wave at once must end up with one shared answer set.
            models.UniqueConstraint(
                fields=["wave", "organisation"], name="answerset_unique_organisation"
            ),
        ]
        indexes = [models.Index(fields=["wave", "status"])]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.wave}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Answer(models.Model):
    """The current answer to one question.

    `value` holds, by question kind: single_choice a code; multiple_choice a list of codes;
    matrix a {row_code: scale_code} dict; rating and integer an int; decimal and percentage a
    decimal string ("12.5"); text kinds a string. `other_text` is the "Annet, spesifiser" text.
    """

    answer_set = models.ForeignKey(AnswerSet, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField(_("svar"), null=True)
    other_text = models.TextField(_("annet"), blank=True)
    # Incremented on every change: a save carries the revision it started from, so a
    # colleague's newer change is detected instead of silently overwritten.
    revision = models.PositiveIntegerField(default=1)
    changed_at = models.DateTimeField(_("endret"))
    changed_by = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        constraints = [
            models.UniqueConstraint(
                fields=["answer_set", "question"], name="answer_unique_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.key}={self.value!r}"


class AnswerChange(models.Model):
    """History: every change of an answer, and every submit/reopen of the answer set."""

    class Action(models.TextChoices):
        CHANGED = "changed", _("Endret")
        CLEARED = "cleared", _("Fjernet")
        SUBMITTED = "submitted", _("Sendt inn")
        REOPENED = "reopened", _("Åpnet igjen")

    answer_set = models.ForeignKey(AnswerSet, on_delete=models.CASCADE, related_name="changes")
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    previous_value = models.JSONField(null=True)
    value = models.JSONField(null=True)
    other_text = models.TextField(blank=True)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["answer_set", "changed_at", "id"]
        verbose_name = _("endring")
        verbose_name_plural = _("endringer")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.changed_at:%Y-%m-%d %H:%M}"


# --- Respondent access (issue 5) ----------------------------------------------------------------


class AccessTokenQuerySet(models.QuerySet):
    def usable(self) -> "AccessTokenQuerySet":
        return self.filter(revoked_at__isnull=True, contact__is_active=True)


class AccessToken(models.Model):
    """A personal invitation link: bound to one contact and one wave, stored only as a hash.

    The raw token (32 random bytes, URL-safe) exists only in the link we mail out; the database
    keeps its SHA-256, so a leaked database dump cannot be turned into working links.
    """

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="access_tokens")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="access_tokens")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("opprettet"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A colleague invitation records who invited.
    invited_by = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("sist brukt"), null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        ordering = ["wave", "contact", "-created_at"]
        verbose_name = _("tilgangslenke")
        verbose_name_plural = _("tilgangslenker")
        indexes = [models.Index(fields=["wave", "contact"])]

    def __str__(self) -> str:
        return f"{self.contact} – {self.wave}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


# ================================================================================================
# Mail queue, reminder schedule and response-rate snapshots (issue 6: invitations, reminders and
# the staff dashboard). Every e-mail to send is a database row created before any task is queued,
# so a lost broker message loses nothing: the sweeper re-queues what is left behind.
# ================================================================================================


class MailKind(models.TextChoices):
    INVITATION = "invitation", _("Invitasjon")
    REMINDER = "reminder", _("Påminnelse")


class MailRound(models.Model):
    """One sending round of a wave: an invitation round or a reminder round, kept as history."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Etter plan")
        MANUAL = "manual", _("Sendt av administrator")
        COMMAND = "command", _("Fra kommandolinjen")

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="mail_rounds")
    kind = models.CharField(_("type"), max_length=12, choices=MailKind.choices)
    # 1, 2, 3... per wave and kind. Invitation round 1 is "the" invitation; later invitation
    # rounds are explicit re-sends.
    number = models.PositiveSmallIntegerField(_("runde"))
    trigger = models.CharField(_("utløst av"), max_length=10, choices=Trigger.choices)
    # Set for scheduled reminders: the schedule point this round fulfils (at most one round each).
    days_before_closing = models.PositiveSmallIntegerField(
        _("dager før frist"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("opprettet"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["wave", "kind", "number"]
        verbose_name = _("utsendingsrunde")
        verbose_name_plural = _("utsendingsrunder")
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "kind", "number"], name="mailround_unique_number"
            ),
            # Two beat runs deciding at once can create each scheduled reminder only once.
            models.UniqueConstraint(
                fields=["wave", "kind", "days_before_closing"],
                condition=models.Q(days_before_closing__isnull=False),
                name="mailround_unique_schedule_point",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} – {self.wave}"


class OutboundMessageQuerySet(models.QuerySet):
    def stale(self, *, queued_before: datetime, sending_before: datetime):
        """Rows whose task was lost (queued too long) or whose worker died (sending too long)."""
        return self.filter(
            models.Q(state=OutboundMessage.State.QUEUED, queued_at__lt=queued_before)
            | models.Q(state=OutboundMessage.State.SENDING, claimed_at__lt=sending_before)
        )


class OutboundMessage(models.Model):
    """One e-mail to one contact: the unit of sending, claimed with a conditional update."""

    class State(models.TextChoices):
        QUEUED = "queued", _("I kø")
        SENDING = "sending", _("Sendes")
        SENT = "sent", _("Sendt")
        FAILED = "failed", _("Feilet")
        # Not sent because it no longer applied (e.g. a reminder after the organisation submitted).
        CANCELLED = "cancelled", _("Ikke sendt")

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="outbound_messages")
    round = models.ForeignKey(MailRound, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("type"), max_length=12, choices=MailKind.choices)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="messages")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="outbound_messages"
    )
    # The address and language as they were when the message was queued.
    to_email = models.EmailField(_("til"))
    language = models.CharField(_("språk"), max_length=8, default="nb")
    state = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("forsøk"), default=0)
    reason = models.TextField(_("årsak"), blank=True)
    created_at = models.DateTimeField(_("opprettet"))
    queued_at = models.DateTimeField(_("lagt i kø"))
    claimed_at = models.DateTimeField(_("hentet av arbeider"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    failed_at = models.DateTimeField(_("feilet"), null=True, blank=True)

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        ordering = ["wave", "round", "organisation", "contact"]
        verbose_name = _("utgående e-post")
        verbose_name_plural = _("utgående e-poster")
        constraints = [
            # Created before any task is queued: a contact can get each round's message once.
            models.UniqueConstraint(
                fields=["contact", "wave", "kind", "round"], name="outboundmessage_unique_key"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "queued_at"]),
            models.Index(fields=["wave", "kind", "organisation"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to_email} ({self.get_state_display()})"


def default_reminder_days() -> list[int]:
    return [14, 7, 2]


class MailingSettings(models.Model):
    """Per wave: the language of its e-mails and the reminder schedule with a cap."""

    class Language(models.TextChoices):
        NB = "nb", _("Norsk bokmål")
        NN = "nn", _("Norsk nynorsk")
        EN = "en", _("English")

    wave = models.OneToOneField(Wave, on_delete=models.CASCADE, related_name="mailing_settings")
    language = models.CharField(
        _("språk i e-poster"), max_length=8, choices=Language.choices, default=Language.NB
    )
    reminders_enabled = models.BooleanField(_("send påminnelser etter plan"), default=True)
    # Days before the closing date (Oslo time) on which a reminder round goes out.
    reminder_days = models.JSONField(
        _("påminnelser, dager før frist"), default=default_reminder_days
    )
    max_reminders_per_organisation = models.PositiveSmallIntegerField(
        _("maks påminnelser per organisasjon"), default=3
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("utsendingsinnstillinger")
        verbose_name_plural = _("utsendingsinnstillinger")

    def __str__(self) -> str:
        return str(self.wave)


class ResponseRateSnapshot(models.Model):
    """Response rates of a wave at one moment: overall, by kind, county and size class."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="rate_snapshots")
    taken_at = models.DateTimeField(_("tidspunkt"))
    # {"overall": {...}, "by_kind": [...], "by_county": [...], "by_size_class": [...]}, each
    # figure with total, invited, started, submitted (see surveys/rates.py).
    counts = models.JSONField(_("tall"))
    # The number of submitted answer sets, to see cheaply whether anything changed.
    submitted = models.PositiveIntegerField(_("sendt inn"))

    class Meta:
        ordering = ["wave", "-taken_at"]
        get_latest_by = "taken_at"
        verbose_name = _("svarprosent-øyeblikksbilde")
        verbose_name_plural = _("svarprosent-øyeblikksbilder")
        indexes = [models.Index(fields=["wave", "taken_at"])]
        # Staff permissions that separate what an administrator may do. Viewing results and
        # exporting personal data (surveys.view_results, surveys.export_personal_data) are
        # defined with the results and exports (issue 7).
        permissions = [
            ("view_dashboard", _("Kan se svarprosent og utsendingsstatus")),
            ("send_mail", _("Kan sende invitasjoner og påminnelser")),
        ]

    def __str__(self) -> str:
        return f"{self.wave} {self.taken_at:%Y-%m-%d %H:%M}"


# ======================================== end of issue 6 ========================================


__all__ = [
    "AccessToken",
    "Answer",
    "AnswerChange",
    "AnswerSet",
    "Choice",
    "MatrixRow",
    "OrganisationKind",
    "Question",
    "Section",
    "Wave",
]


# --- Results and exports (issue 7): the export log and background export jobs. ---------------


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


# --- end results and exports -----------------------------------------------------------------
