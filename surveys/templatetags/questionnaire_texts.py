"""The questionnaire's own texts (wave title, intro...) in the interface language."""

from django import template

from surveys.form_engine.loading import questionnaire_language

register = template.Library()


@register.filter
def in_language(item, name: str) -> str:
    """`{{ wave|in_language:"title" }}`: the active language's text, else the bokmål one."""
    return item.translated(name, questionnaire_language())
