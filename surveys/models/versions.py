"""Saved versions of a wave's questionnaire: who changed what, when, and the whole text."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from surveys.models.questionnaire import Wave


class QuestionnaireVersion(models.Model):
    """The questionnaire as a definition file after one saved change (or a load), with a
    readable summary of what changed compared with the version before."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versjon"))
    created_at = models.DateTimeField(_("lagret"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lagret av"),
    )
    # What the person did, in a few words ("Endret spørsmålet «x»").
    action = models.CharField(_("endring"), max_length=300)
    # One line per change: [{"key": ..., "lines": [...]}], per question or section.
    changes = models.JSONField(_("endringer"), default=list)
    definition = models.TextField(_("definisjon (YAML)"))

    class Meta:
        ordering = ["wave", "-number"]
        verbose_name = _("skjemaversjon")
        verbose_name_plural = _("skjemaversjoner")
        constraints = [
            models.UniqueConstraint(fields=["wave", "number"], name="version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.wave.slug} v{self.number}"
