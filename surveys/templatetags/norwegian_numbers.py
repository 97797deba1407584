"""Template filters that show numbers the Norwegian way.

{% load norwegian_numbers %}
{{ value|norwegian_number }}      -> "1 234,5"
{{ value|norwegian_number:1 }}    -> "1 234,5" with exactly one decimal
{{ value|norwegian_percent }}     -> "45 %"
"""

from django import template

from surveys.numbers import format_decimal, format_percentage

register = template.Library()


def _decimals(arg: object) -> int | None:
    if arg is None or arg == "":
        return None
    try:
        return int(arg)
    except (TypeError, ValueError):
        return None


@register.filter
def norwegian_number(value: object, decimals: object = None) -> str:
    """A number with decimal comma and non-breaking spaces between thousands."""
    return format_decimal(value, decimals=_decimals(decimals))


@register.filter
def norwegian_percent(value: object, decimals: object = None) -> str:
    """A percentage: "45 %" (non-breaking space before the sign)."""
    return format_percentage(value, decimals=_decimals(decimals))
