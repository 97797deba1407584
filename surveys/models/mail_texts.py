"""A wave's own texts for its e-mails (invitation, reminder, receipt), per language."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from surveys.models.questionnaire import Wave


class MailTextKind(models.TextChoices):
    INVITATION = "invitation", _("Invitasjon")
    REMINDER = "reminder", _("Påminnelse")
    RECEIPT = "receipt", _("Kvittering")


class MailTextLanguage(models.TextChoices):
    NB = "nb", _("Norsk bokmål")
    NN = "nn", _("Norsk nynorsk")
    EN = "en", _("English")


class WaveMailText(models.Model):
    """Subject and body that replace the built-in text of one kind of e-mail in one language.

    Plain text with placeholders in braces (`{organisasjon}`, `{lenke}`: surveys.mail_texts);
    without a row, the built-in templates of templates/emails/ are used.
    """

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="mail_texts")
    kind = models.CharField(_("type"), max_length=12, choices=MailTextKind.choices)
    language = models.CharField(_("språk"), max_length=8, choices=MailTextLanguage.choices)
    subject = models.CharField(_("emne"), max_length=200)
    body = models.TextField(_("tekst"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["wave", "kind", "language"]
        verbose_name = _("e-posttekst")
        verbose_name_plural = _("e-posttekster")
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "kind", "language"], name="wavemailtext_unique_kind_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.wave.slug}: {self.get_kind_display()} ({self.language})"
