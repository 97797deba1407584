"""The editor's forms. They only shape input into a definition document's question or section;
every rule is the definition file's, checked when the document is saved."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.administration.editor.documents import text_parts, text_value
from surveys.definitions.schema import CONDITION_OPERATORS
from surveys.models import Question

LANGUAGE_LABELS = (("nb", _("bokmål")), ("nn", _("nynorsk")), ("en", _("engelsk")))
# Settings of a question's type that the form edits as plain values.
NUMBER_SETTINGS = ("min", "max", "decimals", "max_length")
CHOICE_FLAGS = {"utelukkende": "exclusive", "annet": "other"}


def _textarea(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def text_fields(prefix: str, label: str, *, rows: int = 2, required: bool = False) -> dict:
    """One field per language: `<prefix>_nb`, `<prefix>_nn`, `<prefix>_en`."""
    return {
        f"{prefix}_{language}": forms.CharField(
            label=f"{label} ({name})",
            required=required and language == "nb",
            widget=_textarea(rows),
        )
        for language, name in LANGUAGE_LABELS
    }


def item_lines(items: Any) -> str:
    """Choices or rows as the form's lines: `code | bokmål | nynorsk | engelsk | flags`."""
    if isinstance(items, str):  # the yes_no_unsure shorthand
        return items
    lines = []
    for item in items or []:
        parts = text_parts(item.get("label"))
        flags = [word for word, name in CHOICE_FLAGS.items() if item.get(name)]
        if item.get("weight") is not None:
            flags.append(f"vekt={item['weight']}")
        cells = [str(item.get("code", "")), parts["nb"], parts["nn"], parts["en"], " ".join(flags)]
        while cells and not cells[-1]:
            cells.pop()
        lines.append(" | ".join(cells))
    return "\n".join(lines)


def parse_item_lines(text: str, *, flags: bool) -> list[dict] | str:
    """The inverse of `item_lines`; raises ValidationError naming the line."""
    text = text.strip()
    if "\n" not in text and "|" not in text and text == "yes_no_unsure":
        return text
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) < 2 or len(cells) > (5 if flags else 4):
            raise forms.ValidationError(
                _("Linje %(number)s: skriv «kode | tekst på bokmål | nynorsk | engelsk%(flags)s».")
                % {"number": number, "flags": " | utelukkende/annet/vekt=1" if flags else ""}
            )
        code, nb, nn, en, rest = (*cells, "", "", "")[:5]
        item: dict[str, Any] = {"code": code, "label": text_value({"nb": nb, "nn": nn, "en": en})}
        for word in rest.split():
            if word in CHOICE_FLAGS:
                item[CHOICE_FLAGS[word]] = True
            elif word.startswith("vekt="):
                item["weight"] = _number(word[5:])
            else:
                raise forms.ValidationError(
                    _("Linje %(number)s: ukjent merke «%(word)s» (utelukkende, annet, vekt=1)")
                    % {"number": number, "word": word}
                )
        items.append(item)
    return items


def _number(text: str) -> Any:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return text  # the validation names it
    return int(value) if value.is_integer() else value


class QuestionForm(forms.Form):
    key = forms.CharField(
        label=_("Nøkkel"),
        max_length=80,
        help_text=_("Små bokstaver a-z, sifre og understrek; stabil fra år til år."),
    )
    type = forms.ChoiceField(label=_("Type"), choices=Question.Kind.choices)
    required = forms.BooleanField(label=_("Obligatorisk"), required=False)
    show_if_question = forms.CharField(
        label=_("Vis bare hvis spørsmålet"), required=False, widget=forms.Select
    )
    show_if_operator = forms.ChoiceField(
        label=_("Vilkår"),
        required=False,
        choices=[
            ("equals", _("er lik")),
            ("in", _("er en av")),
            ("includes", _("inneholder")),
            ("answered", _("er besvart")),
        ],
    )
    show_if_value = forms.CharField(
        label=_("Svarkode(r)"),
        required=False,
        help_text=_("Koden det skal være lik; flere koder skilt med komma for «er en av»."),
    )
    choices = forms.CharField(
        label=_("Svaralternativer (skala for matrise)"),
        required=False,
        widget=_textarea(6),
        help_text=_(
            "Ett per linje: kode | tekst på bokmål | nynorsk | engelsk | merker "
            "(utelukkende, annet, vekt=1). Eller yes_no_unsure."
        ),
    )
    rows = forms.CharField(
        label=_("Matriserader"),
        required=False,
        widget=_textarea(4),
        help_text=_("Én per linje: kode | tekst på bokmål | nynorsk | engelsk."),
    )
    min = forms.CharField(label=_("Minste verdi"), required=False)
    max = forms.CharField(label=_("Største verdi"), required=False)
    decimals = forms.CharField(label=_("Desimaler"), required=False)
    max_length = forms.CharField(label=_("Største antall tegn"), required=False)

    def __init__(self, *args: Any, earlier_keys: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for prefix, label, rows, required in (
            ("text", _("Spørsmål"), 2, True),
            ("help", _("Hjelpetekst"), 2, False),
            ("unit", _("Enhet"), 1, False),
            ("min_label", _("Tekst ved laveste verdi"), 1, False),
            ("max_label", _("Tekst ved høyeste verdi"), 1, False),
        ):
            self.fields.update(text_fields(prefix, label, rows=rows, required=required))
        self.fields["show_if_question"].widget.choices = [("", _("– alltid vis –"))] + [
            (key, key) for key in earlier_keys
        ]

    @classmethod
    def initial_from(cls, question: dict) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "key": question.get("key"),
            "type": question.get("type"),
            "required": bool(question.get("required")),
        }
        labels = question.get("labels") or {}
        for prefix in ("text", "help", "unit", "min_label", "max_label"):
            value = labels.get(prefix) if prefix.endswith("_label") else question.get(prefix)
            for language, part in text_parts(value).items():
                initial[f"{prefix}_{language}"] = part
        condition = question.get("show_if") or {}
        if condition:
            initial["show_if_question"] = condition.get("question")
            for operator in CONDITION_OPERATORS:
                if operator in condition:
                    initial["show_if_operator"] = operator
                    value = condition[operator]
                    if isinstance(value, list):
                        value = ", ".join(map(str, value))
                    initial["show_if_value"] = "" if value is True else value
        initial["choices"] = item_lines(question.get("scale") or question.get("choices"))
        initial["rows"] = item_lines(question.get("rows"))
        for name in NUMBER_SETTINGS:
            if name in question:
                initial[name] = question[name]
        return initial

    def clean_choices(self) -> Any:
        return parse_item_lines(self.cleaned_data["choices"], flags=True)

    def clean_rows(self) -> Any:
        return parse_item_lines(self.cleaned_data["rows"], flags=False)

    def question(self, existing: dict | None) -> dict[str, Any]:
        """The question as a definition document writes it, on top of what the form does not
        show (rating labels, applies_to)."""
        data = self.cleaned_data
        kind = data["type"]
        question: dict[str, Any] = {"key": data["key"].strip(), "type": kind}
        for prefix in ("text", "help"):
            value = text_value({lang: data[f"{prefix}_{lang}"] for lang in ("nb", "nn", "en")})
            if value:
                question[prefix] = value
        if data["required"]:
            question["required"] = True
        kept = existing or {}
        if kept.get("applies_to"):
            question["applies_to"] = kept["applies_to"]
        condition = self._condition()
        if condition:
            question["show_if"] = condition
        if kind == Question.Kind.MATRIX:
            question["rows"] = data["rows"]
            question["scale"] = data["choices"]
        elif kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE):
            question["choices"] = data["choices"]
        for name in NUMBER_SETTINGS:
            if str(data[name]).strip():
                question[name] = _number(str(data[name]).strip())
        unit = text_value({lang: data[f"unit_{lang}"] for lang in ("nb", "nn", "en")})
        if unit:
            question["unit"] = unit
        labels = {
            name: text_value({lang: data[f"{name}_{lang}"] for lang in ("nb", "nn", "en")})
            for name in ("min_label", "max_label")
        }
        labels = {name: value for name, value in labels.items() if value}
        if labels:
            question["labels"] = labels
        return question

    def _condition(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        key = (data.get("show_if_question") or "").strip()
        if not key:
            return None
        operator = data.get("show_if_operator") or "equals"
        raw = (data.get("show_if_value") or "").strip()
        if operator == "answered":
            return {"question": key, "answered": True}
        if operator == "in":
            return {"question": key, "in": [v.strip() for v in raw.split(",") if v.strip()]}
        return {"question": key, operator: raw}


class SectionForm(forms.Form):
    key = forms.CharField(label=_("Nøkkel"), max_length=80)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(text_fields("title", _("Tittel"), rows=1, required=True))
        self.fields.update(text_fields("intro", _("Innledning"), rows=3))

    @classmethod
    def initial_from(cls, section: dict) -> dict[str, Any]:
        initial: dict[str, Any] = {"key": section.get("key")}
        for prefix in ("title", "intro"):
            for language, value in text_parts(section.get(prefix)).items():
                initial[f"{prefix}_{language}"] = value
        return initial

    def texts(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            prefix: text_value({lang: data[f"{prefix}_{lang}"] for lang in ("nb", "nn", "en")})
            for prefix in ("title", "intro")
        }


class NewSectionForm(SectionForm):
    """A new section with its first question (a section cannot be empty)."""

    question_key = forms.CharField(label=_("Nøkkel for det første spørsmålet"), max_length=80)
    question_type = forms.ChoiceField(
        label=_("Type for det første spørsmålet"), choices=Question.Kind.choices
    )
    question_text = forms.CharField(label=_("Det første spørsmålet (bokmål)"), widget=_textarea())

    def section(self) -> dict[str, Any]:
        data = self.cleaned_data
        texts = {name: value for name, value in self.texts().items() if value}
        question = {
            "key": data["question_key"].strip(),
            "type": data["question_type"],
            "text": data["question_text"].strip(),
        }
        return {"key": data["key"].strip(), **texts, "questions": [question]}


class WaveTextsForm(forms.Form):
    """The texts of the wave's header, in the three languages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(text_fields("title", _("Tittel"), rows=1, required=True))
        self.fields.update(text_fields("intro", _("Bakgrunn"), rows=4))
        self.fields.update(text_fields("vision", _("Visjon"), rows=2))
        self.fields.update(text_fields("help_contact", _("Kontakt for hjelp"), rows=1))

    @classmethod
    def initial_from(cls, wave: dict) -> dict[str, Any]:
        return {
            f"{prefix}_{language}": part
            for prefix in WAVE_FIELDS
            for language, part in text_parts(wave.get(prefix)).items()
        }

    def texts(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            prefix: text_value({lang: data[f"{prefix}_{lang}"] for lang in ("nb", "nn", "en")})
            for prefix in WAVE_FIELDS
        }


WAVE_FIELDS = ("title", "intro", "vision", "help_contact")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Definisjonsfil (YAML)"), required=False)
    text = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            try:
                data["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(_("Filen er ikke UTF-8-tekst.")) from exc
        if not data.get("text"):
            raise forms.ValidationError(_("Velg en fil."))
        return data
