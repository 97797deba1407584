"""Staff preview of a wave's sections, rendered exactly as respondents see them."""

import json
import re

import pytest
from django.urls import reverse

from municipalities.models import OrganisationKind
from surveys.models import Question
from tests.builders import make_question, make_section, make_staff, make_wave
from tests.surveys.htmltools import attr, find, find_all, has_attr, parse, text


@pytest.fixture
def wave(db):
    """The eKommune 2011 wave's "Strategisk IKT-ledelse" section, as in the bundled file."""
    wave = make_wave(slug="ekommune-2011", title="eKommune 2012 – lokal digital agenda", year=2011)
    make_section(wave=wave, key="lokaldemokrati", position=1, title="Lokaldemokrati og deltakelse")
    section = make_section(
        wave=wave, key="strategisk_ikt_ledelse", position=15, title="Strategisk IKT-ledelse"
    )
    make_question(
        section=section,
        key="ekommuneplan",
        position=1,
        text="Har kommunen utarbeidet en eKommuneplan?",
        help_text="En eKommuneplan er kommunens plan for digitalisering.",
        required=True,
    )
    make_question(
        section=section,
        key="ekommuneplan_planer",
        position=2,
        text="Hvis ikke, er det planer om det?",
        condition={"question": "ekommuneplan", "equals": "nei"},
    )
    make_question(
        section=section,
        key="gevinster_dokumentasjon",
        position=3,
        text="Bruker kommunen systematiske metoder for å dokumentere gevinster?",
    )
    make_question(
        section=section,
        key="hjemmetjeneste_plan",
        position=4,
        kind=Question.Kind.SHORT_TEXT,
        text="Gjelder planen også hjemmetjenesten?",
        applies_to=[OrganisationKind.KOMMUNE],
    )
    make_section(wave=wave, key="kompetanseutvikling", position=16, title="Kompetanseutvikling")
    return wave


def preview_url(key="strategisk_ikt_ledelse", slug="ekommune-2011"):
    return reverse("surveys:staff_section_preview", args=[slug, key])


def test_staff_see_the_section_as_a_respondent_would_with_a_preview_banner(staff_client, wave):
    response = staff_client.get(preview_url())
    assert response.status_code == 200
    html = response.content.decode()
    page = parse(html.split("<body>", 1)[1].rsplit("</body>", 1)[0])
    assert "Forhåndsvisning" in text(find(page, "div", role="note"))
    assert text(find(page, "h1")) == "Strategisk IKT-ledelse"
    legends = [text(legend) for legend in find_all(page, "legend")]
    assert legends == [
        "Har kommunen utarbeidet en eKommuneplan? * (obligatorisk)",
        "Hvis ikke, er det planer om det?",
        "Bruker kommunen systematiske metoder for å dokumentere gevinster?",
    ]
    assert "Gjelder planen også hjemmetjenesten?" in html  # no kind chosen: every question
    follow_up = find(page, id="q-ekommuneplan_planer")
    assert json.loads(attr(follow_up, "data-condition")) == {
        "question": "ekommuneplan",
        "equals": "nei",
    }
    form = find(page, "form", novalidate="")
    buttons = find_all(form, "button", type="submit")
    assert buttons and all(has_attr(button, "disabled") for button in buttons)
    assert "css/form.css" in html and "js/section_form.js" in html
    # Neighbouring sections are one click away.
    assert (
        reverse("surveys:staff_section_preview", args=["ekommune-2011", "kompetanseutvikling"])
        in html
    )


def test_the_preview_respects_the_strict_content_security_policy(staff_client, wave):
    html = staff_client.get(preview_url()).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
    assert not re.search(r"\sstyle=", html), "inline style"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_the_preview_can_show_what_a_fylkeskommune_sees(staff_client, wave):
    response = staff_client.get(preview_url() + "?kind=fylkeskommune")
    assert response.status_code == 200
    assert "Gjelder planen også hjemmetjenesten?" not in response.content.decode()
    response = staff_client.get(preview_url() + "?kind=kommune")
    assert "Gjelder planen også hjemmetjenesten?" in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_admin_login(client, wave):
    response = client.get(preview_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    response = client.get(reverse("surveys:staff_wave_preview", args=["ekommune-2011"]))
    assert response.status_code == 302


def test_logged_in_users_who_are_not_staff_are_refused(client, wave):
    client.force_login(make_staff(is_staff=False))
    assert client.get(preview_url()).status_code == 403
    url = reverse("surveys:staff_wave_preview", args=["ekommune-2011"])
    assert client.get(url).status_code == 403


def test_an_unknown_section_or_wave_is_not_found(staff_client, wave):
    assert staff_client.get(preview_url(key="finnes_ikke")).status_code == 404
    assert staff_client.get(preview_url(slug="finnes-ikke")).status_code == 404


def test_the_preview_cannot_be_submitted(staff_client, wave):
    assert staff_client.post(preview_url(), {"ekommuneplan": "ja"}).status_code == 405


def test_the_wave_preview_lists_every_section_with_a_preview_link(staff_client, wave):
    response = staff_client.get(reverse("surveys:staff_wave_preview", args=["ekommune-2011"]))
    assert response.status_code == 200
    html = response.content.decode()
    page = parse(html.split("<body>", 1)[1].rsplit("</body>", 1)[0])
    links = find_all(find(page, "ol"), "a")
    assert [text(link) for link in links] == [
        "Lokaldemokrati og deltakelse",
        "Strategisk IKT-ledelse",
        "Kompetanseutvikling",
    ]
    assert attr(links[1], "href") == preview_url()
