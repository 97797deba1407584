from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from audit.selectors import AuditFilter, audit_action_choices


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Handling"), required=False)
    actor = forms.CharField(label=_("Utført av"), required=False, max_length=150)
    target = forms.CharField(
        label=_("Objekt"),
        required=False,
        max_length=300,
        help_text=_("Del av navnet, eller id-en"),
    )
    via = forms.ChoiceField(
        label=_("Via"), required=False, choices=[("", _("Alle"))] + AuditEvent.Via.choices
    )
    since = forms.DateField(
        label=_("Fra og med dato"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        label=_("Til og med dato"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Alle"))] + audit_action_choices()

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("Til-datoen er før fra-datoen."))
        return cleaned

    def filters(self) -> AuditFilter:
        """The filters asked for; none while the form has errors (the page says why)."""
        if not self.is_valid():
            return AuditFilter()
        data = self.cleaned_data
        return AuditFilter(
            action=data["action"],
            actor=data["actor"],
            target=data["target"],
            via=data["via"],
            since=data["since"],
            until=data["until"],
        )
