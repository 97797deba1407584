"""Norwegian number input and output (surveys/numbers.py and the template filters)."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from surveys.numbers import (
    NumberFormatError,
    format_decimal,
    format_integer,
    format_percentage,
    parse_decimal,
    parse_integer,
    parse_percentage,
    to_storage,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,5", Decimal("1234.5")),
        ("1234,5", Decimal("1234.5")),
        ("1 234", Decimal("1234")),
        ("1234", Decimal("1234")),
        ("1\u00a0234\u00a0567,25", Decimal("1234567.25")),  # no-break spaces
        ("1\u2009234", Decimal("1234")),  # thin space
        ("1\u202f234", Decimal("1234")),  # narrow no-break space
        ("1234.5", Decimal("1234.5")),  # decimal point accepted
        ("0.125", Decimal("0.125")),
        ("  42  ", Decimal("42")),
        ("-3,5", Decimal("-3.5")),
        ("\u22123", Decimal("-3")),  # typographic minus
        (",5", Decimal("0.5")),
        ("1 234.567", Decimal("1234.567")),
    ],
)
def test_norwegian_numbers_are_parsed(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize(
    ("text", "message_part"),
    [
        ("", "Skriv inn et tall"),
        ("abc", "er ikke et tall"),
        ("1,234.5", "blander komma og punktum"),
        ("1.234,5", "blander komma og punktum"),
        ("1,2,3", "flere desimaltegn"),
        ("1.234.567", "flere desimaltegn"),
        ("2.000", "kan leses på to måter"),
        ("12 34", "grupper på tre sifre"),
        ("1  234", "grupper på tre sifre"),
        ("5,", "ikke et fullstendig tall"),
        ("1e5", "er ikke et tall"),
        ("NaN", "er ikke et tall"),
        ("- 5", "er ikke et tall"),
    ],
)
def test_malformed_or_ambiguous_numbers_are_refused_with_a_norwegian_message(text, message_part):
    with pytest.raises(NumberFormatError) as caught:
        parse_decimal(text)
    assert message_part in caught.value.message


def test_the_ambiguity_message_suggests_both_readings():
    with pytest.raises(NumberFormatError) as caught:
        parse_decimal("2.000")
    assert "2000" in caught.value.message
    assert "2,000" in caught.value.message


def test_integers_accept_grouping_and_refuse_decimals():
    assert parse_integer("12 345") == 12345
    assert parse_integer("12,0") == 12
    with pytest.raises(NumberFormatError, match="helt tall"):
        parse_integer("12,5")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45", Decimal("45")),
        ("45 %", Decimal("45")),
        ("45%", Decimal("45")),
        ("45,5", Decimal("45.5")),
        ("45,5\u00a0%", Decimal("45.5")),
    ],
)
def test_percentages_accept_an_optional_percent_sign(text, expected):
    assert parse_percentage(text) == expected


def test_a_lone_percent_sign_is_refused():
    with pytest.raises(NumberFormatError, match="prosenttegnet"):
        parse_percentage("%")


def test_numbers_are_formatted_with_decimal_comma_and_no_break_space():
    assert format_decimal(Decimal("1234.5")) == f"1{NBSP}234,5"
    assert format_decimal("1234567.25") == f"1{NBSP}234{NBSP}567,25"
    assert format_decimal(999) == "999"
    assert format_decimal("-1234") == f"-1{NBSP}234"
    assert format_decimal("12.50") == "12,5"
    assert format_decimal("2.5", decimals=2) == "2,50"
    assert format_decimal("2.345", decimals=2) == "2,35"
    assert format_integer(12345) == f"12{NBSP}345"
    assert format_percentage("45.5") == f"45,5{NBSP}%"
    assert format_decimal(None) == ""


def test_formatted_numbers_parse_back_to_the_same_value():
    for value in ["1234.5", "0.25", "1000000", "-42.125"]:
        assert parse_decimal(format_decimal(value)) == Decimal(value)


def test_stored_decimal_strings_have_no_exponent_or_trailing_zeros():
    assert to_storage(Decimal("100")) == "100"
    assert to_storage(Decimal("12.50")) == "12.5"
    assert to_storage(Decimal("1E+2")) == "100"
    assert to_storage(Decimal("0.0001")) == "0.0001"


def test_template_filters_show_numbers_the_norwegian_way():
    template = Template(
        "{% load norwegian_numbers %}"
        "{{ n|norwegian_number }}|{{ n|norwegian_number:2 }}|"
        "{{ p|norwegian_percent }}|{{ x|norwegian_number }}"
    )
    rendered = template.render(Context({"n": Decimal("1234.5"), "p": 45, "x": "ikke tall"}))
    assert rendered == f"1{NBSP}234,5|1{NBSP}234,50|45{NBSP}%|ikke tall"
