"""What an organisation answers: its shared answer set, the answers, their history, and the
personal links that give access to it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from municipalities.models import Contact, Organisation
from surveys.models.questionnaire import Question, Wave


class AnswerSet(models.Model):
    """The one shared set of answers of an organisation in a wave."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("Påbegynt")
        SUBMITTED = "submitted", _("Sendt inn")

    wave = models.ForeignKey(
        Wave, verbose_name=_("runde"), on_delete=models.PROTECT, related_name="answer_sets"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        on_delete=models.PROTECT,
        related_name="answer_sets",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    created_at = models.DateTimeField(_("påbegynt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)
    submitted_at = models.DateTimeField(_("sendt inn"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        Contact,
        verbose_name=_("sendt inn av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set once an answer of the set has been cleared. Until then a question without a
    # stored answer has never been answered (revision 0), and pages and saves need not
    # count its changes (surveys.answering.conflicts.answer_revisions).
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

    answer_set = models.ForeignKey(
        AnswerSet, verbose_name=_("svarsett"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("spørsmål"), on_delete=models.PROTECT, related_name="answers"
    )
    value = models.JSONField(_("svar"), null=True)
    other_text = models.TextField(_("annet"), blank=True)
    # Incremented on every change: a save carries the revision it started from, so a
    # colleague's newer change is detected instead of silently overwritten.
    revision = models.PositiveIntegerField(default=1)
    changed_at = models.DateTimeField(_("endret"))
    changed_by = models.ForeignKey(
        Contact,
        verbose_name=_("endret av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("endret av (ansatt)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
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

    answer_set = models.ForeignKey(
        AnswerSet, verbose_name=_("svarsett"), on_delete=models.CASCADE, related_name="changes"
    )
    question = models.ForeignKey(
        Question,
        verbose_name=_("spørsmål"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    previous_value = models.JSONField(null=True)
    value = models.JSONField(null=True)
    other_text = models.TextField(blank=True)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        Contact,
        verbose_name=_("endret av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("endret av (ansatt)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["answer_set", "changed_at", "id"]
        verbose_name = _("endring")
        verbose_name_plural = _("endringer")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.changed_at:%Y-%m-%d %H:%M}"


class AccessTokenQuerySet(models.QuerySet):
    def usable(self) -> "AccessTokenQuerySet":
        # The respondent pages read the same conditions in one written-out statement
        # (surveys.answering.selectors.access_token_usable): change both together.
        return self.filter(revoked_at__isnull=True, contact__is_active=True)


class AccessToken(models.Model):
    """A personal invitation link: bound to one contact and one wave, stored only as a hash.

    The raw token (32 random bytes, URL-safe) exists only in the link we mail out; the database
    keeps its SHA-256, so a leaked database dump cannot be turned into working links.
    """

    contact = models.ForeignKey(
        Contact,
        verbose_name=_("kontaktperson"),
        on_delete=models.CASCADE,
        related_name="access_tokens",
    )
    wave = models.ForeignKey(
        Wave, verbose_name=_("runde"), on_delete=models.CASCADE, related_name="access_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("opprettet"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opprettet av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A colleague invitation records who invited.
    invited_by = models.ForeignKey(
        Contact,
        verbose_name=_("invitert av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
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
