"""`load_demo_register`: the bundled registers and demo contacts for `make run`, idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from municipalities.demo import demo_slug, load_demo_register
from municipalities.models import Contact, Organisation, RegisterEdition


@pytest.mark.django_db
def test_demo_register_loads_both_years_with_contacts_and_attribution():
    out = StringIO()

    load_demo_register(out)

    assert Organisation.objects.of_year(2011).count() == 430 + 18
    assert Organisation.objects.of_year(2024).count() == 357 + 14
    assert "Kilde: Statistisk sentralbyrå" in RegisterEdition.objects.get(year=2024).source
    assert Contact.objects.filter(organisation__edition__year=2011).count() >= 5
    assert Contact.objects.filter(email="postmottak@tromso.kommune.example").exists()
    assert out.getvalue().count("\n") == 1
    assert "2011 med 448 organisasjoner, 2024 med 371 organisasjoner" in out.getvalue()


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_nothing():
    load_demo_register(StringIO())
    contacts = Contact.objects.count()
    out = StringIO()

    load_demo_register(out)

    assert "0 endringer" in out.getvalue()
    assert Contact.objects.count() == contacts


@pytest.mark.django_db
def test_load_demo_data_command_includes_the_register(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = StringIO()

    call_command("load_demo_data", stdout=out)

    assert "Register: 2011 med 448 organisasjoner" in out.getvalue()


def test_demo_addresses_spell_out_norwegian_letters():
    assert demo_slug("Tromsø") == "tromso"
    assert demo_slug("Ås") == "as"
    assert demo_slug("Bærum") == "baerum"
    assert demo_slug("Nord-Odal") == "nord-odal"
