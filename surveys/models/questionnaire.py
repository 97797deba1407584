"""A survey wave and its questionnaire: sections, questions, choices and matrix rows.

The questionnaire is data: it is loaded from a YAML definition file (see
docs/questionnaire-format.md). Question keys are stable across waves; comparisons across years
join on them.
"""

import secrets
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from municipalities.models import RegisterEdition


def new_definition_token() -> str:
    return secrets.token_hex(16)


class Translatable(models.Model):
    """A row whose texts may have nynorsk and English versions next to the bokmål ones.

    `translations` is {"nn": {"title": ...}, "en": {...}}, keyed by field name (for a
    question also "unit", "min_label" and "max_label" of its options). A missing text falls
    back to bokmål, text by text.
    """

    translations = models.JSONField(_("oversettelser"), default=dict, blank=True)

    class Meta:
        abstract = True

    def translated(self, name: str, language: str | None) -> str:
        text = (self.translations or {}).get(language or "", {}).get(name)
        if text:
            return text
        if name in ("unit", "min_label", "max_label"):
            options = getattr(self, "options", None) or {}
            return options.get(name) or (options.get("labels") or {}).get(name) or ""
        return getattr(self, name)


class Wave(Translatable):
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
    # When KS marked the results as published; the per-organisation report and open data
    # show a wave's results only from then on.
    results_published_at = models.DateTimeField(_("resultater publisert"), null=True, blank=True)
    # The wave this one was copied from ("Ny runde fra ..."), for the staff pages' history.
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("kopiert fra"),
    )

    class Meta:
        ordering = ["-year", "slug"]
        verbose_name = _("undersøkelsesrunde")
        verbose_name_plural = _("undersøkelsesrunder")
        permissions = [
            (
                "manage_waves",
                _("Kan opprette, åpne, lukke og publisere runder og redigere e-posttekster"),
            ),
            ("manage_roles", _("Kan tildele og fjerne roller for KS-ansatte")),
        ]

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

    @property
    def results_published(self) -> bool:
        return self.results_published_at is not None


class Section(Translatable):
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


class Question(Translatable):
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


class Choice(Translatable):
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


class MatrixRow(Translatable):
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
