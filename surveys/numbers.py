"""Numbers entered and shown the Norwegian way.

Input: decimal comma (or point), and a space, a non-breaking space, a narrow/thin space or
nothing between groups of three digits: "1 234,5", "1234,5", "1 234", "1234.5". Percentages
may end with "%" ("45", "45 %", "45,5 %"). Input that could be read two ways is refused rather
than guessed: "1.234" may be 1234 written with a point as thousands separator (common in
Norway, e.g. "2.000-4.999") or 1,234; "1,234.5" mixes both conventions.

Output: decimal comma and a non-breaking space as thousands separator ("1 234,5"), so that a
number is never broken across lines; percentages as "45 %".

Every parse error is a `NumberFormatError` (a `ValueError`) whose message is a complete
sentence in the user's language.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

NBSP = "\u00a0"
# Characters accepted between digit groups: space, no-break space, thin space, narrow no-break
# space, figure space.
GROUP_SEPARATORS = " \u00a0\u2009\u202f\u2007"
# Hyphen-minus, the typographic minus sign and the en dash all mean "negative".
MINUS_SIGNS = "-\u2212\u2013"
MAX_INPUT_LENGTH = 40

_SEPARATOR_CLASS = re.escape(GROUP_SEPARATORS)
# Digits grouped by single separators in groups of three: "1 234 567".
_GROUPED = re.compile(rf"^\d{{1,3}}(?:[{_SEPARATOR_CLASS}]\d{{3}})+$")
_PLAIN = re.compile(r"^\d+$")
_FRACTION = re.compile(r"^\d+$")


class NumberFormatError(ValueError):
    """Input that is not a number written the Norwegian way; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_decimal(text: str) -> Decimal:
    """Parse a Norwegian number ("1 234,5", "1234.5", "-3") to a Decimal."""
    raw = (text or "").strip()
    if not raw:
        raise NumberFormatError(_("Skriv inn et tall."))
    if len(raw) > MAX_INPUT_LENGTH:
        raise NumberFormatError(_("Tallet er for langt."))
    negative = raw[0] in MINUS_SIGNS
    body = raw[1:] if negative or raw[0] == "+" else raw
    example = _("for eksempel 1 234,5")
    if not body or not (body[0].isdigit() or body[0] in ",."):
        raise NumberFormatError(
            _("«%(text)s» er ikke et tall. Skriv bare sifre, %(example)s.")
            % {"text": raw, "example": example}
        )

    if "," in body and "." in body:
        raise NumberFormatError(
            _(
                "«%(text)s» blander komma og punktum. Bruk komma som desimaltegn og mellomrom "
                "(eller ingenting) mellom tusener, %(example)s."
            )
            % {"text": raw, "example": example}
        )
    separator = "," if "," in body else "." if "." in body else None
    if separator and body.count(separator) > 1:
        raise NumberFormatError(
            _(
                "«%(text)s» har flere desimaltegn. Bruk mellomrom (eller ingenting) mellom "
                "tusener, %(example)s."
            )
            % {"text": raw, "example": example}
        )
    whole, _sep, fraction = body.partition(separator) if separator else (body, "", "")

    if separator and (not fraction or not _FRACTION.match(fraction)):
        raise NumberFormatError(
            _("«%(text)s» er ikke et fullstendig tall. Skriv sifre etter desimaltegnet.")
            % {"text": raw}
        )
    if (
        separator == "."
        and len(fraction) == 3
        and _PLAIN.match(whole)
        and len(whole) <= 3
        and not whole.startswith("0")
    ):
        # "2.000": a thousands point or a decimal point? Refuse rather than guess.
        raise NumberFormatError(
            _(
                "«%(text)s» kan leses på to måter. Skriv %(thousands)s hvis du mener et helt "
                "tall, eller %(decimal)s hvis du mener desimaler."
            )
            % {
                "text": raw,
                "thousands": whole + fraction,
                "decimal": f"{whole},{fraction}",
            }
        )
    if whole == "":
        whole = "0"
    elif not (_PLAIN.match(whole) or _GROUPED.match(whole)):
        raise NumberFormatError(
            _(
                "«%(text)s» er ikke et tall. Mellomrom kan bare skille grupper på tre sifre, "
                "%(example)s."
            )
            % {"text": raw, "example": example}
        )
    digits = "".join(ch for ch in whole if ch.isdigit())
    try:
        value = Decimal(f"{'-' if negative else ''}{digits}.{fraction or '0'}")
    except InvalidOperation as exc:  # pragma: no cover - the patterns above exclude this
        raise NumberFormatError(_("«%(text)s» er ikke et tall.") % {"text": raw}) from exc
    if not fraction:
        value = value.quantize(Decimal(1))
    return value


def parse_integer(text: str) -> int:
    """Parse a Norwegian whole number ("1 234", "1234"); "12,0" is accepted as 12."""
    value = parse_decimal(text)
    if value != value.to_integral_value():
        raise NumberFormatError(
            _("Skriv et helt tall, uten desimaler (du skrev «%(text)s»).") % {"text": text.strip()}
        )
    return int(value)


def parse_percentage(text: str) -> Decimal:
    """Parse a percentage: "45", "45 %", "45,5", "45,5%"."""
    raw = (text or "").strip()
    if raw.endswith("%"):
        raw = raw[:-1].rstrip(GROUP_SEPARATORS)
        if not raw:
            raise NumberFormatError(_("Skriv inn et tall foran prosenttegnet."))
    return parse_decimal(raw)


def decimal_places(value: Decimal) -> int:
    """How many digits a number has after the decimal sign ("12.50" has 2, "12" has 0)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def to_decimal(value: object) -> Decimal | None:
    """A stored or computed number as a Decimal; None for empty or non-numeric values."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def to_storage(value: Decimal) -> str:
    """A Decimal as the plain string we store ("12.5", "100", "-0.25"): no exponent."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def format_decimal(value: object, *, decimals: int | None = None) -> str:
    """Format a number the Norwegian way: "1 234,5" (non-breaking space, decimal comma).

    `decimals` fixes the number of decimals (rounded half up); None keeps the value's own,
    without trailing zeros. Non-numeric input is returned as text unchanged.
    """
    number = to_decimal(value)
    if number is None:
        return "" if value is None else str(value)
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    elif number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    sign = "-" if number < 0 else ""
    text = format(abs(number), "f")
    whole, _sep, fraction = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = sign + NBSP.join(groups)
    if fraction:
        result += "," + fraction
    return result


def format_integer(value: object) -> str:
    """Format a whole number: "12 345"."""
    return format_decimal(value, decimals=0)


def format_percentage(value: object, *, decimals: int | None = None) -> str:
    """Format a percentage: "45 %", "45,5 %" (non-breaking space before the sign)."""
    text = format_decimal(value, decimals=decimals)
    return f"{text}{NBSP}%" if to_decimal(value) is not None else text
