"""The privacy and accessibility statements: public, linked from every page, editable."""

import pytest
from django.test import Client

from privacy.models import Statement
from tests import builders


@pytest.mark.parametrize("url", ["/", "/personvern/", "/tilgjengelighet/", "/admin/login/"])
def test_every_page_links_both_statements_in_its_footer(db, url):
    page = Client().get(url).content.decode()
    footer = page[page.index("<footer") :]

    assert 'href="/personvern/"' in footer
    assert 'href="/tilgjengelighet/"' in footer


def test_the_privacy_statement_says_what_why_how_long_and_whom_to_contact(db, settings):
    settings.PRIVACY_RETENTION_MONTHS = 18
    settings.SUPPORT_EMAIL = "personvern@ks.example"

    page = Client().get("/personvern/").content.decode()

    for heading in ("Hva vi samler inn", "Hvorfor", "Hvor lenge", "Dine rettigheter", "Kontakt"):
        assert f"<h2>{heading}</h2>" in page
    assert "pseudonymiseres 18 måneder etter" in page
    assert 'href="mailto:personvern@ks.example"' in page


def test_the_accessibility_statement_has_the_content_the_regulation_requires(db):
    page = Client().get("/tilgjengelighet/").content.decode()

    assert "<h1>Tilgjengelighetserklæring</h1>" in page
    for part in ("Status", "Innhold som ikke er tilgjengelig", "Tilbakemelding og kontakt"):
        assert f"<h2>{part}</h2>" in page
    assert "uutilsynet.no" in page and "WCAG 2.1" in page


@pytest.mark.parametrize(
    "language, heading",
    [("nn", "Kva vi samlar inn"), ("en", "What we collect")],
)
def test_the_statements_come_in_nynorsk_and_english(db, language, heading):
    client = Client()
    client.post("/i18n/setlang/", {"language": language, "next": "/"})

    page = client.get("/personvern/").content.decode()

    assert f"<h2>{heading}</h2>" in page


def test_administrators_edit_the_text_and_it_is_escaped(db):
    admin = builders.make_staff(is_superuser=True)
    client = Client()
    builders.sign_in_verified(client, admin)
    form = client.get("/admin/privacy/statement/add/?kind=accessibility").content.decode()
    assert "Tilsynet for universell utforming av ikt" in form  # starts from the default

    client.post(
        "/admin/privacy/statement/add/",
        {
            "kind": "privacy",
            "body_nb": "## Ny overskrift\n\nVi lagrer <b>lite</b>.\n\n- én\n- to",
            "body_nn": "",
            "body_en": "",
        },
    )

    statement = Statement.objects.get(kind="privacy")
    assert statement.updated_by == admin
    page = Client().get("/personvern/").content.decode()
    assert "<h2>Ny overskrift</h2>" in page
    assert "Vi lagrer &lt;b&gt;lite&lt;/b&gt;." in page
    assert "<ul><li>én</li><li>to</li></ul>" in page
    # A language left empty keeps the default text.
    english = Client()
    english.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "What we collect" in english.get("/personvern/").content.decode()
