"""The mail queue, reminder schedule and response-rate snapshots.

Every e-mail to send is a database row created before any task is queued, so a lost broker
message loses nothing: the sweeper re-queues what is left behind.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from municipalities.models import Contact, Organisation
from surveys.models.questionnaire import Wave


class MailKind(models.TextChoices):
    INVITATION = "invitation", _("Invitasjon")
    REMINDER = "reminder", _("Påminnelse")
    RECEIPT = "receipt", _("Kvittering")
    REPORT = "report", _("Rapport klar")


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
    # Invitations and reminders belong to a round; a receipt belongs to its submit instead.
    round = models.ForeignKey(
        MailRound, on_delete=models.CASCADE, related_name="messages", null=True, blank=True
    )
    kind = models.CharField(_("type"), max_length=12, choices=MailKind.choices)
    # A receipt names the contact who submitted (none when staff did) and goes to every active
    # contact of the organisation as they are when it is sent.
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="messages", null=True, blank=True
    )
    # The submit a receipt confirms: one receipt per submit, whatever retries or sweeps do.
    submission = models.OneToOneField(
        "surveys.AnswerChange",
        on_delete=models.CASCADE,
        related_name="receipt",
        null=True,
        blank=True,
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="outbound_messages"
    )
    # The address and language as they were when the message was queued.
    to_email = models.EmailField(_("til"), blank=True)
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
        # defined with the export jobs (surveys.models.exports).
        permissions = [
            ("view_dashboard", _("Kan se svarprosent og utsendingsstatus")),
            ("send_mail", _("Kan sende invitasjoner og påminnelser")),
        ]

    def __str__(self) -> str:
        return f"{self.wave} {self.taken_at:%Y-%m-%d %H:%M}"
