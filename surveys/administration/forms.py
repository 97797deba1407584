"""Forms of the staff pages: they validate and convert; services write."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import RegisterEdition
from surveys.models import Wave


def end_of_day(day: dt.date) -> dt.datetime:
    """23:59 Norwegian time on `day`: a deadline "6 May" means the whole day."""
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(23, 59)), timezone.get_default_timezone()
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class EditionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: RegisterEdition) -> str:
        return f"{obj.year}: {obj.name}"


class WaveCopyForm(forms.Form):
    title = forms.CharField(label=_("Tittel"), max_length=200)
    slug = forms.SlugField(
        label=_("Kortnavn"),
        max_length=80,
        help_text=_("Brukes i adresser, f.eks. ekommune-2024. Kan ikke endres senere."),
    )
    year = forms.IntegerField(label=_("År"), min_value=1900, max_value=2100)
    edition = EditionChoiceField(
        label=_("Registerutgave"),
        queryset=RegisterEdition.objects.order_by("-year"),
        empty_label=None,
        help_text=_(
            "Kan byttes så lenge runden er utkast, f.eks. etter at nytt register er lastet opp."
        ),
    )
    opens_on = forms.DateField(label=_("Åpner"), required=False, widget=DateInput())
    closes_on = forms.DateField(
        label=_("Frist"), required=False, widget=DateInput(), help_text=_("Stenger kl. 23:59.")
    )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if Wave.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Kortnavnet er allerede i bruk."))
        return slug

    def clean(self) -> dict:
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and opens > closes:
            self.add_error("closes_on", _("Fristen må være etter åpningsdagen."))
        return data


class DeadlineForm(forms.Form):
    closes_on = forms.DateField(
        label=_("Frist"), widget=DateInput(), help_text=_("Runden stenger kl. 23:59 denne dagen.")
    )

    def clean_closes_on(self) -> dt.date:
        day = self.cleaned_data["closes_on"]
        if end_of_day(day) <= timezone.now():
            raise forms.ValidationError(_("Fristen må være fram i tid."))
        return day


class EditionForm(forms.Form):
    edition = EditionChoiceField(
        label=_("Registerutgave"),
        queryset=RegisterEdition.objects.order_by("-year"),
        empty_label=None,
    )


class RegisterUploadForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=1900, max_value=2100)
    name = forms.CharField(
        label=_("Navn"),
        max_length=200,
        required=False,
        help_text=_("F.eks. «Kommuneregister 2024»."),
    )
    counties = forms.FileField(
        label=_("Fylker"),
        help_text=_("CSV (fylkesnummer, name, has_county_municipality …) eller KLASS-uttrekk."),
    )
    municipalities = forms.FileField(
        label=_("Kommuner"),
        help_text=_("CSV (kommunenummer, name, fylkesnummer, population …) eller KLASS-uttrekk."),
    )

    def clean(self) -> dict:
        data = super().clean()
        size = sum(f.size for f in (data.get("counties"), data.get("municipalities")) if f)
        if size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("Filene er for store."))
        return data


class ContactsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fil med kontaktpersoner"),
        help_text=_("CSV eller XLSX med kolonnene nummer, navn, epost og rolle."),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("Filen er for stor."))
        return file


class CarryForm(forms.Form):
    earlier = EditionChoiceField(
        label=_("Fra registerutgave"),
        queryset=RegisterEdition.objects.order_by("-year"),
        empty_label=None,
    )


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-post"), max_length=254)
    role = forms.CharField(label=_("Rolle/tittel"), max_length=200, required=False)


class ContactEditForm(ContactForm):
    is_active = forms.BooleanField(
        label=_("Aktiv (får invitasjoner og påminnelser)"), required=False
    )
    needs_review = forms.BooleanField(label=_("Må kontrolleres"), required=False)


class MailTextForm(forms.Form):
    subject = forms.CharField(label=_("Emne"), max_length=200)
    body = forms.CharField(label=_("Tekst"), widget=forms.Textarea(attrs={"rows": 16}))


class RoleForm(forms.Form):
    role = forms.CharField(max_length=150)
    user = forms.IntegerField()
