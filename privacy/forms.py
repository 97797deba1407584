from django import forms
from django.utils.translation import gettext_lazy as _


class AddressForm(forms.Form):
    email = forms.EmailField(
        label=_("E-postadresse"),
        max_length=254,
        help_text=_("Vi søker i kontaktpersoner, e-poster, svarhistorikk, økter og logger."),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()
