"""Forms of the respondent pages other than the section forms (those come from the form engine)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy


class ColleagueForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Navn"), max_length=200, required=False)
    email = forms.EmailField(label=gettext_lazy("E-postadresse"), max_length=254)
