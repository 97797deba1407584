"""A KS administrator runs the whole yearly cycle in the browser, with no command.

The person has only the "Undersøkelsesansvarlig" role. From last year's wave (2011, with
answers and contacts) they create the 2024 wave, upload the 2024 register and see which
kommuner were merged from which, carry the contacts forward, edit the invitation and send a
test to themselves, open the wave, invite; a respondent answers through the link in the
e-mail; they remind, close and publish, and the results compare 2024 with 2011. Every page on
the way passes axe-core at 320 and 1280 px and does not scroll sideways at 320 px.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from municipalities.models import Contact
from surveys.models import AnswerSet, Question, Wave
from surveys.roles import roles_ensure
from tests import builders

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[2] / "municipalities" / "data"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
PASSWORD = "correct horse battery staple"


def check(page) -> None:
    """axe-core at 1280 and 320 px, and no sideways scrolling at 320 px."""
    from axe_playwright_python.sync_playwright import Axe

    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        results = Axe().run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, f"{page.url} at {width}px\n" + (
            results.generate_report()
        )
    sideways = page.evaluate(
        """() => document.documentElement.scrollWidth > window.innerWidth
            ? [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .filter(e => !(e.parentElement.closest('.table-responsive')))
                .slice(0, 5).map(e => e.outerHTML.slice(0, 120))
            : null"""
    )
    assert sideways is None, f"{page.url} scrolls sideways at 320 px: {sideways}"
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def eager_celery():
    from ekommune.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def last_year():
    """The 2011 wave, closed, with answers to one question and contacts of three kommuner."""
    edition = builders.make_bundled_register(2011)
    wave = builders.make_wave(
        slug="ekommune-2011",
        title="eKommune 2011",
        year=2011,
        edition=edition,
        status=Wave.Status.CLOSED,
        opens_at=timezone.now() - dt.timedelta(days=400),
        closes_at=timezone.now() - dt.timedelta(days=300),
        help_contact="",
    )
    section = builders.make_section(wave=wave, key="strategi", title="Strategi", position=1)
    question = builders.make_question(
        section=section, key="har_strategi", text="Har kommunen en IKT-strategi?", position=1
    )
    organisations = {o.number: o for o in edition.organisations.all()}
    for number, value in (("0101", "ja"), ("0301", "nei"), ("1201", "ja")):
        answer_set = builders.make_answer_set(
            wave=wave, organisation=organisations[number], status=AnswerSet.Status.SUBMITTED
        )
        builders.make_answer(answer_set=answer_set, question=question, value=value)
    builders.make_contact(organisation=organisations["0101"], email="it@halden.kommune.no")
    builders.make_contact(organisation=organisations["1723"], email="post@mosvik.kommune.no")
    builders.make_contact(organisation=organisations["1729"], email="post@inderoy.kommune.no")
    return wave


def test_an_administrator_runs_the_yearly_cycle_in_the_browser(
    transactional_db, live_server, browser, browser_settings, eager_celery, last_year
):
    # 2011 is thirteen years before 2024: KS compares across the municipal reform.
    browser_settings.RESULTS_COMPARISON_YEARS = 15
    base = live_server.url
    user = builders.make_staff(username="anne", email="anne@ks.no", password=PASSWORD)
    roles_ensure()  # the database of a transactional test has been flushed
    user.groups.add(Group.objects.get(name="Undersøkelsesansvarlig"))
    context = browser.new_context(locale="nb-NO")
    page = context.new_page()

    # --- Log in and land on the staff home.
    page.goto(f"{base}/admin/login/?next=/staff/")
    page.get_by_label("Brukernavn").fill("anne")
    page.get_by_label("Passord").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    assert page.url == f"{base}/staff/"
    check(page)

    # --- The 2024 wave from 2011.
    page.get_by_role("link", name="Ny runde fra ekommune-2011").first.click()
    check(page)
    page.get_by_label("Tittel").fill("eKommune 2024")
    page.get_by_label("Kortnavn").fill("ekommune-2024")
    page.get_by_label("År").fill("2024")
    page.get_by_role("button", name="Opprett runden").click()
    assert "«eKommune 2024» er opprettet" in page.locator("h1").inner_text()
    assert "1 spørsmål" in page.locator("#copy-report").inner_text()
    check(page)

    # --- The 2024 register: preview with the merged kommuner named, then confirm.
    page.goto(f"{base}/staff/")
    page.get_by_role("link", name="Registerutgaver: last opp og se endringer").click()
    check(page)
    page.get_by_label("År").fill("2024")
    page.get_by_label("Fylker").set_input_files(str(DATA / "fylker-2024.csv"))
    page.get_by_label("Kommuner").set_input_files(str(DATA / "kommuner-2024.csv"))
    page.get_by_role("button", name="Last opp og kontroller").click()
    merged = page.locator("#merged-list").inner_text()
    assert "5053 Inderøy ← 1723 Mosvik, 1729 Inderøy" in merged
    assert "3118 Indre Østfold ← 0122 Trøgstad" in merged
    check(page)
    page.get_by_role("button", name="Bekreft og importer").click()
    assert "Registerutgaven 2024 er importert" in page.locator("#upload-result").inner_text()
    check(page)

    # The draft wave moves to the new register.
    page.get_by_role("link", name="Bytt registerutgave for «eKommune 2024»").click()
    page.get_by_label("Registerutgave for runden").select_option(label="2024: Kommuneregister 2024")
    page.get_by_role("button", name="Bytt registerutgave").click()
    assert "Runden går nå til registerutgaven 2024." in page.content()
    check(page)

    # --- Contacts carried forward: the merged Inderøy gets both predecessors' contacts.
    page.get_by_role("link", name="Kontaktpersoner 2024").click()
    check(page)
    page.get_by_role("link", name="Før fram kontaktpersoner fra 2011").click()
    assert "3 kontaktpersoner kopieres" in page.locator("#carry-plan").inner_text()
    check(page)
    page.get_by_role("button", name="Før fram kontaktpersonene").click()
    assert "3 kontaktpersoner ført fram til 2024; 2 må kontrolleres." in page.content()
    inderoy = Contact.objects.filter(organisation__edition__year=2024, organisation__number="5053")
    assert sorted(inderoy.values_list("needs_review", flat=True)) == [True, True]
    page.get_by_role("link", name="5053 Inderøy").click()
    check(page)

    # --- The invitation text, edited, previewed and sent to myself as a test.
    page.goto(f"{base}/staff/waves/ekommune-2024/")
    page.get_by_role("link", name="E-posttekster (invitasjon, påminnelse, kvittering)").click()
    check(page)
    page.get_by_role("link", name="Rediger Invitasjon på Norsk bokmål").click()
    body = page.get_by_role("textbox", name="Tekst")
    body.fill("Velkommen til årets runde!\n\n" + body.input_value())
    page.get_by_role("button", name="Lagre", exact=True).click()
    assert "Velkommen til årets runde!" in page.locator("#mail-preview-body").inner_text()
    check(page)
    page.get_by_role("button", name="Send en test til meg (anne@ks.no)").click()
    assert "En test er sendt til anne@ks.no." in page.content()
    test_mail = mail.outbox[-1]
    assert test_mail.to == ["anne@ks.no"] and "Velkommen til årets runde!" in test_mail.body

    # --- Open the wave.
    page.goto(f"{base}/staff/waves/ekommune-2024/")
    page.get_by_role("link", name="Åpne runden").first.click()
    check(page)
    closes = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    page.get_by_label("Frist").fill(closes)
    page.get_by_role("button", name="Åpne runden").click()
    assert page.locator("[data-wave-status=ekommune-2024]").inner_text().startswith("Åpen")
    check(page)

    # --- Invite everyone from the dashboard.
    page.get_by_role("link", name="Send invitasjoner").first.click()
    check(page)
    page.get_by_role("link", name="Send invitasjoner").click()
    page.get_by_role("button", name="Send invitasjoner").click()
    check(page)
    invitation = next(m for m in mail.outbox if "it@halden.kommune.no" in m.to[0])
    assert "Velkommen til årets runde!" in invitation.body

    # --- A respondent answers through the link in the e-mail.
    link = re.search(r"https?://\S+/i/\S+/", invitation.body).group(0)
    link = re.sub(r"^https?://[^/]+", base, link)
    respondent = browser.new_context(locale="nb-NO").new_page()
    respondent.goto(link)
    respondent.get_by_role("link", name="Strategi").click()
    respondent.get_by_label("Ja").check()
    respondent.get_by_role("button", name="Lagre", exact=True).click()
    respondent.goto(respondent.url.split("/del/")[0] + "/")
    respondent.get_by_role("link", name="Se over og send inn").click()
    respondent.get_by_label("Jeg bekrefter").check()
    respondent.get_by_role("button", name="Send inn svarene").click()
    assert "Kvittering for innsendte svar" in respondent.locator("main").inner_text()
    respondent.context.close()

    # --- Remind those who have not answered.
    page.goto(f"{base}/staff/dashboard/ekommune-2024/")
    sent_before = len(mail.outbox)
    page.get_by_role("button", name="Send påminnelse til alle som ikke har sendt inn").click()
    check(page)  # the confirmation: how many are reached, and who is skipped and why
    page.get_by_role("button", name="Send påminnelse nå").click()
    assert "Påminnelse 1:" in page.content()
    reminders = [m for m in mail.outbox[sent_before:] if m.subject.startswith("Påminnelse")]
    assert reminders and not any("it@halden.kommune.no" in m.to[0] for m in reminders)

    # --- Close, with who never answered.
    page.goto(f"{base}/staff/waves/ekommune-2024/")
    page.get_by_role("link", name="Lukk runden").first.click()
    summary = page.locator("#close-summary").inner_text()
    assert summary.startswith("1 av 371 har sendt inn.")
    check(page)
    page.get_by_role("button", name="Lukk runden nå").click()
    assert "Runden er lukket." in page.content()

    # --- Publish the results.
    page.goto(f"{base}/staff/waves/ekommune-2024/")
    page.get_by_role("link", name="Publiser resultatene").first.click()
    check(page)
    page.get_by_role("button", name="Publiser resultatene").click()
    assert "Resultatene er markert som publisert." in page.content()
    assert Wave.objects.get(slug="ekommune-2024").results_published_at is not None
    check(page)

    # --- The results compare 2024 with 2011 for the question.
    page.get_by_role("link", name="Resultater").first.click()
    check(page)
    key = Question.objects.get(wave__slug="ekommune-2024").key
    page.goto(f"{base}/staff/results/ekommune-2024/q/{key}/")
    comparison = page.locator("#comparison").inner_text()
    assert "2011" in comparison and "2024" in comparison
    check(page)
    context.close()
