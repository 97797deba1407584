"""A wave's own e-mail texts: placeholders, built-in defaults, rendering.

KS edits the invitation, reminder and receipt of each wave per language as plain text with
placeholders in braces ("Hei {navn}" is written `{hilsen}`). The senders ask
`wave_mail_render`, which returns None when the wave has no text of its own for that kind and
language; they then render the built-in templates of templates/emails/ as before. Values are
escaped in the HTML part and the subject is one line, so nothing a respondent typed (a name)
can inject markup or mail headers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from surveys.models import MailTextKind, Wave, WaveMailText

PLACEHOLDER = re.compile(r"\{([^{}\s]+)\}")
LINK = "lenke"


@dataclass(frozen=True)
class Placeholder:
    name: str
    description: str
    kinds: tuple[str, ...]


ALL = tuple(MailTextKind.values)
OUTREACH = (MailTextKind.INVITATION, MailTextKind.REMINDER)

PLACEHOLDERS: tuple[Placeholder, ...] = (
    Placeholder("hilsen", gettext_lazy("«Hei Kari,» (eller «Hei,» uten navn)"), OUTREACH),
    Placeholder("navn", gettext_lazy("kontaktpersonens navn"), OUTREACH),
    Placeholder("organisasjon", gettext_lazy("kommunens eller fylkeskommunens navn"), ALL),
    Placeholder("undersøkelse", gettext_lazy("rundens tittel"), ALL),
    Placeholder("lenke", gettext_lazy("den personlige lenken"), OUTREACH),
    Placeholder("frist", gettext_lazy("fristen, f.eks. «6. mai 2011 kl. 23:59»"), OUTREACH),
    Placeholder("hjelp", gettext_lazy("hvem som svarer på spørsmål, med e-postadresse"), ALL),
    Placeholder(
        "fremdrift",
        gettext_lazy("hvor mange deler de har svart på («Dere har svart på noe i 3 av 16 deler.»)"),
        (MailTextKind.REMINDER,),
    ),
    Placeholder("innsendt", gettext_lazy("når og av hvem svarene ble sendt inn"), ("receipt",)),
    Placeholder("svar", gettext_lazy("alle innsendte svar, del for del"), ("receipt",)),
)


def placeholders_for(kind: str) -> list[Placeholder]:
    return [placeholder for placeholder in PLACEHOLDERS if kind in placeholder.kinds]


def unknown_placeholders(kind: str, text: str) -> list[str]:
    """Placeholders in `text` that this kind of e-mail does not fill in."""
    known = {placeholder.name for placeholder in placeholders_for(kind)}
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in known})


def default_text(kind: str, language: str) -> tuple[str, str]:
    """(subject, body) of the built-in text in a language, written with placeholders."""
    with translation.override(language):
        signature = _("Med vennlig hilsen") + "\nKS – Kommunesektorens organisasjon"
        if kind == MailTextKind.INVITATION:
            return _("Invitasjon: {undersøkelse}"), "\n\n".join(
                [
                    "{hilsen}",
                    _("{organisasjon} er invitert til å svare på {undersøkelse}."),
                    _(
                        "Svaret gjelder hele organisasjonen. Dere kan lagre underveis, "
                        "fortsette senere og dele arbeidet med kolleger."
                    ),
                    _("Din personlige lenke (ikke del den med andre enn kolleger som skal svare):")
                    + "\n{lenke}",
                    _("Frist:") + " {frist}",
                    "{hjelp}",
                    signature,
                ]
            )
        if kind == MailTextKind.REMINDER:
            return _("Påminnelse: {undersøkelse}"), "\n\n".join(
                [
                    "{hilsen}",
                    _("Vi har ennå ikke mottatt svaret fra {organisasjon} på {undersøkelse}."),
                    "{fremdrift}",
                    _("Din personlige lenke:") + "\n{lenke}",
                    _("Frist:") + " {frist}",
                    "{hjelp}",
                    signature,
                ]
            )
        return _("Kvittering: {organisasjon} har sendt inn svar på {undersøkelse}"), "\n\n".join(
            [
                _("Takk! {organisasjon} har sendt inn svarene på «{undersøkelse}»."),
                "{innsendt}",
                "{svar}",
                "{hjelp}",
            ]
        )


def mail_text_for(*, wave: Wave, kind: str, language: str) -> WaveMailText | None:
    """The wave's own text for this kind of e-mail in this language, if KS wrote one."""
    return WaveMailText.objects.filter(wave=wave, kind=kind, language=language).first()


def _deadline(closes_at: Any) -> str:
    if not closes_at:
        return ""
    local = timezone.localtime(closes_at)
    return _("%(date)s kl. %(time)s") % {
        "date": formats.date_format(local, "DATE_FORMAT"),
        "time": local.strftime("%H:%M"),
    }


def _help(context: Mapping[str, Any]) -> str:
    support = context.get("support_email", "")
    if context.get("help_contact"):
        return _("Spørsmål om undersøkelsen? Kontakt %(contact)s eller skriv til %(email)s.") % {
            "contact": context["help_contact"],
            "email": support,
        }
    return _("Spørsmål om undersøkelsen? Skriv til %(email)s.") % {"email": support}


def _answers(progress: Any) -> str:
    lines = []
    for section in getattr(progress, "visible_sections", []):
        lines.append(f"== {section.position}. {section.section.title} ==")
        for item in section.visible_items:
            lines.append(f"- {item.question.text}")
            lines.append("  " + (str(item.display) if item.answered else _("(ikke besvart)")))
        lines.append("")
    return "\n".join(lines).strip()


def placeholder_values(kind: str, context: Mapping[str, Any]) -> dict[str, str]:
    """The placeholders' values from the context the built-in templates get."""
    if kind == MailTextKind.RECEIPT:
        answer_set = context["answer_set"]
        submitted = ""
        if answer_set.submitted_at:
            submitted = (
                _("Sendt inn")
                + ": "
                + formats.date_format(
                    timezone.localtime(answer_set.submitted_at), "DATETIME_FORMAT"
                )
            )
            if answer_set.submitted_by:
                by = answer_set.submitted_by
                submitted += " " + _("av") + " " + (by.name or by.email)
        return {
            "organisasjon": context["organisation"].name,
            "undersøkelse": context["wave"].title,
            "hjelp": _help(context),
            "innsendt": submitted,
            "svar": _answers(context.get("progress")),
        }
    name = str(context.get("contact_name") or "")
    values = {
        "hilsen": (_("Hei %(name)s,") % {"name": name}) if name else _("Hei,"),
        "navn": name,
        "organisasjon": str(context.get("organisation_name", "")),
        "undersøkelse": str(context.get("wave_title", "")),
        "lenke": str(context.get("link", "")),
        "frist": _deadline(context.get("closes_at")),
        "hjelp": _help(context),
        "fremdrift": "",
    }
    if kind == MailTextKind.REMINDER:
        answered = context.get("sections_answered") or 0
        total = context.get("sections_total") or 0
        values["fremdrift"] = (
            ngettext(
                "Dere har svart på noe i %(done)s av %(total)s del.",
                "Dere har svart på noe i %(done)s av %(total)s deler.",
                total,
            )
            % {"done": answered, "total": total}
            + " "
            + _("Svarene er lagret, og dere kan fortsette der dere slapp.")
            if answered
            else _("Dere har ikke begynt på svaret ennå.")
        )
    return values


def _one_line(text: str) -> str:
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())[:200]


def _fill(text: str, values: Mapping[str, str]) -> str:
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def _value_html(name: str, values: Mapping[str, str]) -> str:
    if name not in values:
        return escape("{" + name + "}")
    if name == LINK and values[name]:
        return format_html('<a href="{}">{}</a>', values[name], values[name])
    return escape(values[name]).replace("\n", "<br>")


def _html_paragraphs(body: str, values: Mapping[str, str]) -> list[SafeString]:
    paragraphs = []
    for block in re.split(r"\n\s*\n", body.strip()):
        # split() alternates text and placeholder names: escape the text, fill in the names.
        pieces = PLACEHOLDER.split(block)
        html = [
            _value_html(piece, values) if index % 2 else escape(piece).replace("\n", "<br>")
            for index, piece in enumerate(pieces)
        ]
        if any(piece.strip() for piece in html):
            paragraphs.append(mark_safe("".join(html)))  # every piece was escaped above
    return paragraphs


def render_text(
    *, subject: str, body: str, kind: str, context: Mapping[str, Any]
) -> tuple[str, str, str]:
    """(subject, text body, html body) of a text with placeholders, in the active language."""
    values = placeholder_values(kind, context)
    filled_subject = _one_line(_fill(subject, values))
    text = re.sub(r"\n{3,}", "\n\n", _fill(body, values)).strip() + "\n"
    html = render_to_string(
        "emails/wave_text.html",
        {"subject": filled_subject, "paragraphs": _html_paragraphs(body, values)},
    )
    return filled_subject, text, html


def wave_mail_render(
    *, wave: Wave, kind: str, language: str, context: Mapping[str, Any]
) -> tuple[str, str, str] | None:
    """The wave's own text rendered for one e-mail, or None to use the built-in templates."""
    own = mail_text_for(wave=wave, kind=kind, language=language)
    if own is None:
        return None
    with translation.override(language):
        return render_text(subject=own.subject, body=own.body, kind=kind, context=context)
