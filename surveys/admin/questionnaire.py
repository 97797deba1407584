"""Admin for the questionnaire: waves, sections, questions, choices and matrix rows.

Editing here follows the same rules as reloading a definition file: nothing that would lose or
re-map an answer is accepted (deleting an answered question, deleting or renaming a choice or
row code that answers use, changing the type of an answered question).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from audit import actions as audit_actions
from audit.admin import AuditedAdminMixin
from municipalities.models import OrganisationKind
from surveys.definitions.loader import answer_counts, used_codes
from surveys.definitions.schema import QUESTION_KEY_RE
from surveys.definitions.validation import check_settings
from surveys.models import (
    Answer,
    AnswerSet,
    Choice,
    MatrixRow,
    Question,
    Section,
    Wave,
)
from surveys.waves import WaveStatusError, wave_set_status


def _kinds_field(label: str, *, required: bool) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=OrganisationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=required,
        help_text=None if required else _("Ingen avkrysning betyr alle."),
    )


def _count(model: type, field_name: str) -> Coalesce:
    """A per-row count as a subquery (no join fan-out, one query for the whole list)."""
    counts = (
        model.objects.filter(**{field_name: OuterRef("pk")})
        .order_by()
        .values(field_name)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


# --- Waves ---------------------------------------------------------------------------------


class WaveForm(forms.ModelForm):
    target_kinds = _kinds_field(_("målgruppe"), required=True)

    class Meta:
        model = Wave
        fields = [
            "slug",
            "title",
            "year",
            "edition",
            "target_kinds",
            "opens_at",
            "closes_at",
            "help_contact",
            "intro",
            "vision",
        ]

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("Runden må stenge etter at den åpner."))
        edition = cleaned.get("edition")
        if (
            self.instance.pk
            and edition
            and edition.pk != self.instance.edition_id
            and self.instance.answer_sets.exists()
        ):
            self.add_error(
                "edition",
                _("Runden har svar fra organisasjonene i registerutgaven og kan ikke flyttes."),
            )
        return cleaned


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["position", "key", "title"]
    extra = 0
    show_change_link = True
    ordering = ["position"]


@admin.register(Wave)
class WaveAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_added_action = audit_actions.WAVE_CREATED
    form = WaveForm
    list_display = [
        "title",
        "slug",
        "year",
        "status",
        "opens_at",
        "closes_at",
        "section_count",
        "question_count",
        "answer_set_count",
        "preview_link",
    ]
    list_filter = ["status", "year"]
    search_fields = ["slug", "title"]
    readonly_fields = ["status"]
    inlines = [SectionInline]
    actions = ["open_waves", "close_waves"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_sections=_count(Section, "wave"),
                n_questions=_count(Question, "wave"),
                n_answer_sets=_count(AnswerSet, "wave"),
            )
        )

    @admin.display(description=_("deler"), ordering="n_sections")
    def section_count(self, wave: Wave) -> int:
        return wave.n_sections

    @admin.display(description=pgettext_lazy("plural", "spørsmål"), ordering="n_questions")
    def question_count(self, wave: Wave) -> int:
        return wave.n_questions

    @admin.display(description=pgettext_lazy("plural", "svarsett"), ordering="n_answer_sets")
    def answer_set_count(self, wave: Wave) -> int:
        return wave.n_answer_sets

    @admin.display(description=_("forhåndsvisning"))
    def preview_link(self, wave: Wave) -> str:
        url = reverse("surveys:staff_wave_preview", args=[wave.slug])
        return format_html('<a href="{}">{}</a>', url, _("Forhåndsvis"))

    def has_delete_permission(self, request: HttpRequest, obj: Wave | None = None) -> bool:
        if obj is not None and obj.answer_sets.exists():
            return False
        return super().has_delete_permission(request, obj)

    def _set_status(self, request: HttpRequest, queryset: QuerySet, status: str) -> None:
        done = 0
        for wave in queryset:
            try:
                wave_set_status(wave=wave, status=status, now=timezone.now())
            except WaveStatusError as exc:
                self.message_user(request, f"«{wave.slug}»: {exc}", messages.ERROR)
            else:
                label = Wave.Status(status).label.lower()
                self.log_action_history(
                    request, wave, _("Status satt til %(status)s.") % {"status": label}
                )
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d runde har nå status %(status)s.",
                    "%(count)d runder har nå status %(status)s.",
                    done,
                )
                % {"count": done, "status": Wave.Status(status).label.lower()},
                messages.SUCCESS,
            )

    @admin.action(description=_("Åpne valgte runder (til stengetiden)"), permissions=["change"])
    def open_waves(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, Wave.Status.OPEN)

    @admin.action(description=_("Lukk valgte runder"), permissions=["change"])
    def close_waves(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, Wave.Status.CLOSED)


# --- Questions -----------------------------------------------------------------------------


class QuestionForm(forms.ModelForm):
    """Shared by the question page and the questions inline of a section."""

    applies_to = _kinds_field(_("gjelder"), required=False)

    class Meta:
        model = Question
        fields = [
            "section",
            "key",
            "position",
            "kind",
            "text",
            "help_text",
            "required",
            "applies_to",
            "condition",
            "options",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "section" in self.fields:
            # Moving a question to another wave would move its answers along.
            self.fields["section"].queryset = Section.objects.filter(
                wave_id=self.instance.wave_id
            ).select_related("wave")

    def _answer_count(self) -> int:
        if not self.instance.pk:
            return 0
        if not hasattr(self, "_answers"):
            self._answers = answer_counts([self.instance]).get(self.instance.pk, 0)
        return self._answers

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if not QUESTION_KEY_RE.match(key):
            raise forms.ValidationError(
                _("Bruk små bokstaver a-z, sifre og understrek, og start med en bokstav.")
            )
        if self.instance.pk and "key" in self.changed_data:
            if self._answer_count():
                raise forms.ValidationError(
                    _(
                        "Spørsmålet har svar: nøkkelen brukes til å sammenligne år og kan "
                        "ikke endres."
                    )
                )
            referring = Question.objects.filter(
                wave_id=self.instance.wave_id, condition__question=self.initial.get("key")
            ).values_list("key", flat=True)
            if referring:
                raise forms.ValidationError(
                    _("Vilkårene til %(keys)s viser til denne nøkkelen.")
                    % {"keys": ", ".join(referring)}
                )
        return key

    def clean(self):
        cleaned = super().clean()
        section = cleaned.get("section") or getattr(self.instance, "section", None)
        if section is None:
            return cleaned
        self.instance.wave_id = section.wave_id
        key = cleaned.get("key")
        if key and (
            Question.objects.filter(wave_id=section.wave_id, key=key)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("key", _("Runden har allerede et spørsmål med denne nøkkelen."))
        if self.instance.pk and "kind" in self.changed_data and self._answer_count():
            self.add_error(
                "kind",
                _("Spørsmålet har %(count)s svar: typen kan ikke endres.")
                % {"count": self._answer_count()},
            )
        kind = cleaned.get("kind")
        if not kind:
            return cleaned
        if "options" in self.fields:
            self._check_settings(section, cleaned)
        elif self.instance._state.adding or "kind" in self.changed_data:
            # The section page's inline has no settings fields: use the kind's defaults.
            self.instance.options = check_settings(
                kind=kind, options={}, condition=None, earlier=[]
            ).options
        return cleaned

    def _check_settings(self, section: Section, cleaned: dict) -> None:
        """Options and condition follow the rules of the definition file format."""
        if "options" not in cleaned or "condition" not in cleaned:
            return  # not valid JSON: the field already says so
        in_wave = Question.objects.filter(wave_id=section.wave_id).exclude(pk=self.instance.pk)
        earlier = in_wave.filter(
            Q(section__position__lt=section.position)
            | Q(section_id=section.pk, position__lt=cleaned.get("position") or 0)
        ).prefetch_related("choices")
        result = check_settings(
            kind=cleaned["kind"],
            options=cleaned["options"],
            condition=cleaned["condition"],
            earlier=earlier,
            later_keys=in_wave.exclude(pk__in=earlier).values_list("key", flat=True),
            own_key=cleaned.get("key"),
        )
        for problem in result.problems:
            self.add_error("condition" if problem.startswith("condition") else "options", problem)
        if not result.problems:
            cleaned["options"] = result.options
            cleaned["condition"] = result.condition


class CodeInlineFormSet(forms.BaseInlineFormSet):
    """Refuses deleting or renaming a choice or row code that answers use."""

    def clean(self) -> None:
        super().clean()
        question = self.instance
        if not question.pk:
            return
        values = Answer.objects.filter(question=question).values_list("value", flat=True)
        used_choices, used_rows = used_codes(question.kind, values)
        used = used_rows if self.model is MatrixRow else used_choices
        refused = []
        for form in self.forms:
            original = form.initial.get("code")
            if not form.instance.pk or not used[original]:
                continue
            if self.can_delete and self._should_delete_form(form):
                refused.append(
                    _("«%(label)s» (%(code)s) er brukt i %(count)s svar og kan ikke slettes.")
                    % {
                        "label": form.initial.get("label"),
                        "code": original,
                        "count": used[original],
                    }
                )
            elif form.cleaned_data.get("code", original) != original:
                form.add_error(
                    "code",
                    _("Koden er brukt i %(count)s svar og kan ikke endres.")
                    % {"count": used[original]},
                )
        if refused:
            raise forms.ValidationError(refused)


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = CodeInlineFormSet
    fields = ["position", "code", "label", "exclusive", "is_other", "weight"]
    extra = 0
    ordering = ["position"]


class MatrixRowInline(admin.TabularInline):
    model = MatrixRow
    formset = CodeInlineFormSet
    fields = ["position", "code", "label"]
    extra = 0
    ordering = ["position"]


@admin.register(Question)
class QuestionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = QuestionForm
    list_display = ["key", "short_text", "section", "wave", "kind", "required"]
    list_filter = ["wave", "section", "kind"]
    list_select_related = ["section", "wave"]
    search_fields = ["key", "text"]
    inlines = [ChoiceInline, MatrixRowInline]
    ordering = ["wave", "section__position", "position"]

    @admin.display(description=_("spørsmål"), ordering="text")
    def short_text(self, question: Question) -> str:
        return question.text if len(question.text) <= 80 else question.text[:79] + "…"

    def has_delete_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        if obj is not None and answer_counts([obj]).get(obj.pk):
            return False
        return super().has_delete_permission(request, obj)


# --- Sections ------------------------------------------------------------------------------


class SectionForm(forms.ModelForm):
    applies_to = _kinds_field(_("gjelder"), required=False)

    class Meta:
        model = Section
        fields = ["wave", "key", "position", "title", "intro", "applies_to", "condition"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The questions (and their answers) belong to the wave: a section stays in it.
            self.fields["wave"].disabled = True

    def clean(self):
        cleaned = super().clean()
        wave, position = cleaned.get("wave"), cleaned.get("position")
        if wave is None or position is None or "condition" not in cleaned:
            return cleaned
        # A section's condition looks at questions of earlier sections only.
        in_wave = Question.objects.filter(wave=wave)
        earlier = in_wave.filter(section__position__lt=position)
        if self.instance.pk:
            earlier = earlier.exclude(section_id=self.instance.pk)
        result = check_settings(
            kind="",
            options=None,
            condition=cleaned["condition"],
            earlier=earlier.prefetch_related("choices"),
            later_keys=in_wave.exclude(pk__in=earlier).values_list("key", flat=True),
        )
        for problem in result.problems:
            self.add_error("condition", problem)
        if not result.problems:
            cleaned["condition"] = result.condition
        return cleaned


class QuestionInline(admin.TabularInline):
    model = Question
    form = QuestionForm
    fields = ["position", "key", "kind", "text", "required"]
    extra = 0
    show_change_link = True
    ordering = ["position"]


@admin.register(Section)
class SectionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = SectionForm
    list_display = ["title", "wave", "key", "position", "question_count", "preview_link"]
    list_filter = ["wave"]
    list_select_related = ["wave"]
    search_fields = ["key", "title"]
    inlines = [QuestionInline]
    ordering = ["wave", "position"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(n_questions=_count(Question, "section"))

    @admin.display(description=pgettext_lazy("plural", "spørsmål"), ordering="n_questions")
    def question_count(self, section: Section) -> int:
        return section.n_questions

    @admin.display(description=_("forhåndsvisning"))
    def preview_link(self, section: Section) -> str:
        url = reverse("surveys:staff_section_preview", args=[section.wave.slug, section.key])
        return format_html('<a href="{}">{}</a>', url, _("Forhåndsvis som respondent"))

    def has_delete_permission(self, request: HttpRequest, obj: Section | None = None) -> bool:
        if obj is not None and answer_counts(obj.questions.all()):
            return False
        return super().has_delete_permission(request, obj)
