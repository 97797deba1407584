"""The dashboard's forms: whom to invite, and the reminder plan."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from municipalities.models import County, OrganisationKind
from surveys.models import MailingSettings, Wave
from surveys.outreach import selectors as rates


class InvitationForm(forms.Form):
    TARGETS = [
        ("all", gettext_lazy("Alle organisasjoner i undersøkelsen")),
        ("county", gettext_lazy("Ett fylke")),
        ("kind", gettext_lazy("Én type (kommuner eller fylkeskommuner)")),
        ("organisations", gettext_lazy("Enkeltorganisasjoner")),
    ]
    target = forms.ChoiceField(
        label=gettext_lazy("Hvem skal inviteres?"),
        choices=TARGETS,
        initial="all",
        widget=forms.RadioSelect,
    )
    county = forms.ModelChoiceField(
        label=gettext_lazy("Fylke"), queryset=County.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Type"),
        choices=[("", "—"), *OrganisationKind.choices],
        required=False,
    )
    numbers = forms.CharField(
        label=gettext_lazy("Organisasjonsnumre"),
        help_text=gettext_lazy("Kommune- eller fylkesnumre, skilt med komma, f.eks. 0301, 1201."),
        required=False,
    )
    resend = forms.BooleanField(
        label=gettext_lazy("Send på nytt også til dem som allerede er invitert"),
        required=False,
    )

    def __init__(self, *args: Any, wave: Wave, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.wave = wave
        self.fields["county"].queryset = County.objects.filter(edition_id=wave.edition_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        target = data.get("target")
        if target == "county" and not data.get("county"):
            self.add_error("county", _("Velg et fylke."))
        if target == "kind" and not data.get("kind"):
            self.add_error("kind", _("Velg en type."))
        if target == "organisations":
            numbers = [n.strip() for n in (data.get("numbers") or "").split(",") if n.strip()]
            if not numbers:
                self.add_error("numbers", _("Skriv minst ett organisasjonsnummer."))
            else:
                found = rates.targeted_by_number(self.wave, numbers)
                unknown = [n for n in numbers if n not in found]
                if unknown:
                    self.add_error(
                        "numbers",
                        _("Finnes ikke i undersøkelsen: %(numbers)s")
                        % {"numbers": ", ".join(unknown)},
                    )
                data["organisation_ids"] = list(found.values())
        return data

    def organisations(self) -> list[int] | None:
        data = self.cleaned_data
        queryset = rates.targeted_organisations(self.wave)
        if data["target"] == "county":
            return list(queryset.filter(county=data["county"]).values_list("pk", flat=True))
        if data["target"] == "kind":
            return list(queryset.filter(kind=data["kind"]).values_list("pk", flat=True))
        if data["target"] == "organisations":
            return data["organisation_ids"]
        return None


def parse_reminder_days(value: str) -> list[int]:
    try:
        days = sorted({int(part) for part in value.replace(";", ",").split(",") if part.strip()})
    except ValueError as exc:
        raise ValidationError(_("Skriv hele dager skilt med komma, f.eks. 14, 7, 2.")) from exc
    if any(day < 0 or day > 365 for day in days):
        raise ValidationError(_("Dager før frist må være mellom 0 og 365."))
    return sorted(days, reverse=True)


class ScheduleForm(forms.ModelForm):
    reminder_days_text = forms.CharField(
        label=gettext_lazy("Påminnelser, dager før frist"),
        help_text=gettext_lazy("Skilt med komma, f.eks. 14, 7, 2. Tomt felt: ingen plan."),
        required=False,
    )

    class Meta:
        model = MailingSettings
        fields = ["language", "reminders_enabled", "max_reminders_per_organisation"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reminder_days_text"].initial = ", ".join(
            str(day) for day in self.instance.reminder_days
        )
        self.order_fields(
            ["reminder_days_text", "reminders_enabled", "max_reminders_per_organisation"]
        )

    def clean_reminder_days_text(self) -> list[int]:
        return parse_reminder_days(self.cleaned_data.get("reminder_days_text") or "")

    def save(self, commit: bool = True) -> MailingSettings:
        self.instance.reminder_days = self.cleaned_data["reminder_days_text"]
        return super().save(commit=commit)
