from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Engangskode"),
        help_text=_("Seks sifre fra autentiseringsappen."),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError(_("Skriv de seks sifrene fra appen."))
        return token

    def wrong_code(self, *, wait: int = 0) -> None:
        if wait:
            self.add_error(
                "token",
                _("For mange feil koder på rad: vent %(seconds)s sekunder og prøv igjen.")
                % {"seconds": wait},
            )
        else:
            self.add_error("token", _("Koden stemmer ikke. Prøv den neste koden appen viser."))
