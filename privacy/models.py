"""Privacy by design: retention per wave and the published statements.

Erasure and pseudonymisation change rows of other apps in place (privacy.services); the only
state of their own is when each wave was pseudonymised, a wave's own retention period, and the
editable texts of the privacy and accessibility statements.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from surveys.models import Wave


class WaveRetention(models.Model):
    """A wave's retention: its own period (else the setting) and when it was pseudonymised."""

    wave = models.OneToOneField(
        Wave, on_delete=models.CASCADE, related_name="retention", verbose_name=_("runde")
    )
    # Null: PRIVACY_RETENTION_MONTHS applies.
    months = models.PositiveSmallIntegerField(
        _("lagringstid i måneder etter stenging"),
        null=True,
        blank=True,
        help_text=_("Tomt: standard lagringstid fra innstillingene."),
    )
    # Set once, by the one run that pseudonymised the wave (a conditional update claims it).
    pseudonymised_at = models.DateTimeField(_("pseudonymisert"), null=True, blank=True)
    # What that run changed, as counts per kind of row (no personal data).
    pseudonymised_counts = models.JSONField(_("endret"), default=dict, blank=True)

    class Meta:
        verbose_name = _("lagringstid")
        verbose_name_plural = _("lagringstider")
        permissions = [
            ("view_personal_data", _("Kan se hva som er lagret om en person (innsyn)")),
            ("erase_personal_data", _("Kan slette kontaktpersoner og deres personopplysninger")),
        ]

    def __str__(self) -> str:
        return str(self.wave)


class Statement(models.Model):
    """The text of a published statement per language; blank uses the bundled default text."""

    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Personvernerklæring")
        ACCESSIBILITY = "accessibility", _("Tilgjengelighetserklæring")

    kind = models.CharField(_("erklæring"), max_length=20, choices=Kind.choices, unique=True)
    body_nb = models.TextField(_("tekst (bokmål)"), blank=True)
    body_nn = models.TextField(_("tekst (nynorsk)"), blank=True)
    body_en = models.TextField(_("tekst (engelsk)"), blank=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("endret av"),
    )

    class Meta:
        ordering = ["kind"]
        verbose_name = _("erklæring")
        verbose_name_plural = _("erklæringer")

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def body(self, language: str) -> str:
        return getattr(self, f"body_{language}", "") or ""
