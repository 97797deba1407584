"""The privacy and accessibility statements: editable text with bundled defaults per language.

Text is plain, with a tiny markup: a line starting with "## " is a heading, lines starting with
"- " form a list, blank lines separate paragraphs, and a few placeholders ({support_email},
{retention_months}, {export_keep_days}) are filled in from the settings. Everything is escaped.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import get_template
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from privacy.models import Statement

LANGUAGES = ("nb", "nn", "en")


def default_text(kind: str, language: str) -> str:
    """The bundled default text (templates/privacy/statements/<kind>.<language>.txt)."""
    return get_template(f"privacy/statements/{kind}.{language}.txt").template.source


def _placeholders() -> dict[str, str]:
    return {
        "{support_email}": settings.SUPPORT_EMAIL,
        "{retention_months}": str(settings.PRIVACY_RETENTION_MONTHS),
        "{export_keep_days}": str(settings.EXPORT_KEEP_DAYS),
    }


def statement_text(kind: str, language: str | None = None) -> str:
    """The text to publish: the administrators' text in this language, else the default."""
    language = (language or get_language() or "nb")[:2]
    language = language if language in LANGUAGES else "nb"
    statement = Statement.objects.filter(kind=kind).first()
    text = (statement.body(language) if statement else "") or default_text(kind, language)
    for placeholder, value in _placeholders().items():
        text = text.replace(placeholder, value)
    return text


def render_text(text: str) -> SafeString:
    """Headings, lists and paragraphs as HTML; the text itself is escaped."""
    html: list[str] = []
    for block in text.replace("\r\n", "\n").strip().split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## "):
            html.append(f"<h2>{escape(lines[0][3:])}</h2>")
            lines = lines[1:]
        items = [line[2:] for line in lines if line.startswith("- ")]
        if lines and len(items) == len(lines):
            html.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
        elif lines:
            html.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return mark_safe("\n".join(html))  # noqa: S308 - every piece is escaped above


def _inline(text: str) -> str:
    # urlize escapes the text (autoescape) and links addresses and URLs.
    return urlize(text, autoescape=True)
