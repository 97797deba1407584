"""The export form: layout, format, CSV dialect and which organisations to include."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from municipalities.models import County, OrganisationKind, SizeClass
from surveys.analysis.codebook import NOT_STARTED
from surveys.analysis.exports import ExportFilters, ExportOptions
from surveys.models import AnswerSet, ExportJob


class ExportForm(forms.Form):
    layout = forms.ChoiceField(
        label=gettext_lazy("Oppsett"),
        choices=ExportJob.Layout.choices,
        initial=ExportJob.Layout.WIDE,
        widget=forms.RadioSelect,
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=ExportJob.Format.choices,
        initial=ExportJob.Format.CSV,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Excel-filen har ett ark per oppsett og kodeboken."),
    )
    delimiter = forms.ChoiceField(
        label=gettext_lazy("Skilletegn i CSV"),
        choices=[
            (";", gettext_lazy("Semikolon (norsk Excel, desimalkomma)")),
            (",", gettext_lazy("Komma (standard CSV, desimalpunktum)")),
        ],
        initial=";",
        widget=forms.RadioSelect,
    )
    bom = forms.BooleanField(
        label=gettext_lazy("UTF-8 med BOM (for at Excel skal vise æ, ø og å riktig)"),
        required=False,
        initial=True,
    )
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Organisasjonstype"),
        choices=OrganisationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    size_classes = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Kommunestørrelse"),
        choices=SizeClass.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    statuses = forms.MultipleChoiceField(
        label=gettext_lazy("Svarstatus"),
        choices=[(NOT_STARTED, gettext_lazy("Ikke påbegynt")), *AnswerSet.Status.choices],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    counties = forms.MultipleChoiceField(
        label=gettext_lazy("Fylke"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    include_personal_data = forms.BooleanField(
        label=gettext_lazy("Ta med kontaktpersoners navn og e-post (personopplysninger)"),
        required=False,
    )
    in_background = forms.BooleanField(
        label=gettext_lazy("Lag filen i bakgrunnen og last den ned når den er klar"),
        required=False,
    )

    language = forms.ChoiceField(
        label=gettext_lazy("Språk for spørsmålstekstene"),
        choices=[
            ("nb", gettext_lazy("Bokmål")),
            ("nn", gettext_lazy("Nynorsk")),
            ("en", gettext_lazy("Engelsk")),
        ],
        initial="nb",
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Gjelder lang tabell og kodebok; tekster uten oversettelse står på bokmål."
        ),
    )

    def __init__(self, *args: Any, counties: list[County], personal_data: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["counties"].choices = [(c.number, f"{c.number} {c.name}") for c in counties]
        if not personal_data:
            del self.fields["include_personal_data"]

    def options(self) -> ExportOptions:
        data = self.cleaned_data
        return ExportOptions(
            layout=data["layout"],
            format=data["format"],
            delimiter=data["delimiter"],
            bom=data["bom"],
            include_personal_data=data.get("include_personal_data", False),
            language=data.get("language") or "nb",
            filters=ExportFilters(
                kinds=tuple(data["kinds"]),
                county_numbers=tuple(data["counties"]),
                size_classes=tuple(data["size_classes"]),
                statuses=tuple(data["statuses"]),
            ),
        )
