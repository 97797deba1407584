"""The staff dashboard: figures as KS words them, the status list, actions and permissions."""

import csv
import io
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from municipalities.models import Organisation, OrganisationKind
from surveys.models import MailKind, OutboundMessage
from surveys.outreach import selectors as rates
from surveys.outreach import services as mailing
from tests import builders
from tests.surveys.dashboard_fixtures import (  # noqa: F401
    dashboard_user_fixture,
    grant,
    mail_admin_fixture,
    national_wave_fixture,
)


def url(name, wave):
    return reverse(f"surveys:{name}", args=[wave.slug])


def page(client, user, wave):
    builders.sign_in_verified(client, user)
    response = client.get(url("dashboard", wave))
    assert response.status_code == 200
    return response.content.decode()


def test_dashboard_says_49_percent_of_kommuner_and_83_percent_of_fylkeskommuner(
    client, national_wave, dashboard_user
):
    html = page(client, dashboard_user, national_wave)

    assert "212 av 430 kommuner (49 %)" in html
    assert "15 av 18 fylkeskommuner (83 %)" in html


def test_dashboard_tables_by_county_and_size_class_match_independent_counts(
    client, national_wave, dashboard_user
):
    kommuner = Organisation.objects.filter(
        edition=national_wave.edition, kind=OrganisationKind.KOMMUNE
    ).select_related("county")
    total = Counter(o.county.number for o in kommuner)
    done = Counter(o.county.number for o in kommuner if o.pk in national_wave.submitted_ids)

    html = page(client, dashboard_user, national_wave)

    for number in ("01", "12", "20"):
        row = html.split(f'data-county="{number}"', 1)[1].split("</tr>", 1)[0]
        assert f"{done[number]} av {total[number]}" in row
    size_total = Counter(o.size_class for o in kommuner)
    size_done = Counter(o.size_class for o in kommuner if o.pk in national_wave.submitted_ids)
    for size_class in range(1, 7):
        row = html.split(f'data-size-class="{size_class}"', 1)[1].split("</tr>", 1)[0]
        assert f'<td class="text-end">{size_total[size_class]}</td>' in row
        assert f'<td class="text-end">{size_done[size_class]}</td>' in row


def test_the_status_list_names_exactly_the_organisations_that_have_not_submitted(
    client, national_wave, dashboard_user
):
    html = page(client, dashboard_user, national_wave)

    listed = {chunk.split('"', 1)[0] for chunk in html.split('data-organisation="')[1:]}
    expected = set(
        Organisation.objects.filter(edition=national_wave.edition)
        .exclude(pk__in=national_wave.submitted_ids)
        .values_list("number", flat=True)
    )
    assert listed == expected
    assert "221 organisasjoner har ikke sendt inn" in html


def test_the_figures_endpoint_gives_the_same_headline_for_the_live_refresh(
    client, national_wave, dashboard_user
):
    client.force_login(dashboard_user)

    data = client.get(url("dashboard_figures", national_wave)).json()

    assert data["kommune"]["headline"] == "212 av 430 kommuner (49 %)"
    assert data["fylkeskommune"]["submitted_percent"] == 83


def test_dashboard_has_no_inline_styles_or_scripts_and_loads_its_script(
    client, national_wave, dashboard_user
):
    html = page(client, dashboard_user, national_wave)

    assert "style=" not in html
    assert "<script>" not in html and " on" + "click=" not in html
    assert "js/dashboard.js" in html
    assert "<svg" in html and "<table" in html


def test_dashboard_query_count_does_not_grow_with_the_number_of_organisations(
    client, dashboard_user, django_assert_num_queries
):
    edition = builders.make_edition(year=2011)
    wave = builders.make_wave(edition=edition, slug="small")
    builders.make_section(wave=wave)
    county = builders.make_county(edition=edition, number="12")

    def add(n):
        organisations = [
            builders.make_organisation(county=county, number=f"{n}{i:03d}"[-4:]) for i in range(n)
        ]
        builders.make_contacts(organisations, per_organisation=2)
        builders.make_answer_sets(wave=wave, organisations=organisations[: n // 2])
        return organisations

    add(3)
    mailing.invitations_queue(wave=wave, now=timezone.now())
    client.force_login(dashboard_user)
    client.get(url("dashboard", wave))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as small:
        client.get(url("dashboard", wave))
    more = add(40)
    mailing.invitations_queue(wave=wave, organisations=more, now=timezone.now())
    OutboundMessage.objects.filter(organisation__in=more[:5]).update(
        state="failed", reason="550 No such user", failed_at=timezone.now()
    )

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url("dashboard", wave))
    assert response.content.decode().count("data-organisation=") > 20


def test_anonymous_visitors_are_sent_to_the_login_page(client, national_wave):
    response = client.get(url("dashboard", national_wave))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_logged_in_user_who_is_not_staff_is_refused(client, national_wave):
    user = grant(builders.make_staff(is_staff=False), "view_dashboard")
    client.force_login(user)

    assert client.get(url("dashboard", national_wave)).status_code == 403


def test_staff_without_the_permission_get_403_on_every_page(client, national_wave):
    client.force_login(builders.make_staff())

    for name in ("dashboard", "dashboard_figures", "dashboard_invite", "dashboard_schedule"):
        assert client.get(url(name, national_wave)).status_code == 403, name
    assert client.get(reverse("surveys:dashboard_waves")).status_code == 403


def test_viewing_the_dashboard_does_not_allow_sending_mail_or_exporting_contacts(
    client, national_wave, dashboard_user
):
    client.force_login(dashboard_user)

    assert client.post(url("dashboard_remind", national_wave), {"all": "1"}).status_code == 403
    assert client.get(url("dashboard_status_csv", national_wave)).status_code == 403
    html = client.get(url("dashboard", national_wave)).content.decode()
    assert "Send påminnelse" not in html
    assert OutboundMessage.objects.count() == 0


@pytest.fixture
def invited_wave(national_wave):
    organisations = Organisation.objects.filter(edition=national_wave.edition)
    builders.make_contacts(organisations)
    mailing.invitations_queue(wave=national_wave, now=timezone.now())
    OutboundMessage.objects.update(state="sent", sent_at=timezone.now())
    return national_wave


def test_send_reminder_to_one_organisation_queues_mail_for_its_contacts_only(
    client, invited_wave, mail_admin
):
    target = Organisation.objects.exclude(pk__in=invited_wave.submitted_ids).first()
    builders.sign_in_verified(client, mail_admin)

    response = client.post(
        url("dashboard_remind", invited_wave), {"only": target.pk, "confirm": "1"}
    )

    assert response.status_code == 302
    reminders = OutboundMessage.objects.filter(kind=MailKind.REMINDER)
    assert {m.organisation_id for m in reminders} == {target.pk}
    assert (
        "Påminnelse 1: 1 e-poster lagt i kø." in client.get(response["Location"]).content.decode()
    )


def test_send_reminder_to_all_reaches_every_non_submitter_and_nobody_else(
    client, invited_wave, mail_admin
):
    builders.sign_in_verified(client, mail_admin)

    client.post(url("dashboard_remind", invited_wave), {"all": "1", "confirm": "1"})

    reminded = set(
        OutboundMessage.objects.filter(kind=MailKind.REMINDER).values_list(
            "organisation_id", flat=True
        )
    )
    everyone = set(
        Organisation.objects.filter(edition=invited_wave.edition).values_list("pk", flat=True)
    )
    assert reminded == everyone - invited_wave.submitted_ids


def test_the_reminder_action_requires_a_csrf_token(invited_wave, mail_admin):
    client = Client(enforce_csrf_checks=True)
    builders.sign_in_verified(client, mail_admin)

    response = client.post(url("dashboard_remind", invited_wave), {"all": "1", "confirm": "1"})

    assert response.status_code == 403
    assert not OutboundMessage.objects.filter(kind=MailKind.REMINDER).exists()


def test_a_failed_address_is_shown_on_the_dashboard(client, invited_wave, mail_admin):
    message = OutboundMessage.objects.exclude(
        organisation_id__in=invited_wave.submitted_ids
    ).first()
    OutboundMessage.objects.filter(pk=message.pk).update(
        state="failed", reason="550 5.1.1 No such user", failed_at=timezone.now()
    )

    html = page(client, mail_admin, invited_wave)

    failed_section = html.split('id="failed-heading"', 1)[1].split("</section>", 1)[0]
    assert message.to_email in failed_section
    assert "550 5.1.1 No such user" in failed_section
    row = html.split(f'data-organisation="{message.organisation.number}"', 1)[1].split("</tr>")[0]
    assert "Feilet" in row


def test_status_csv_lists_non_submitters_with_contacts_and_neutralises_formulas(
    client, invited_wave, mail_admin
):
    target = Organisation.objects.exclude(pk__in=invited_wave.submitted_ids).first()
    builders.make_contact(
        organisation=target, name='=HYPERLINK("http://evil.example","x")', email="f@example.invalid"
    )
    builders.sign_in_verified(client, mail_admin)

    response = client.get(url("dashboard_status_csv", invited_wave))

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:2] == ["Nummer", "Navn"]
    numbers = {row[0] for row in rows[1:]}
    assert len(numbers) == 430 + 18 - 227
    evil = next(row for row in rows if row[11] == "f@example.invalid")
    assert evil[10].startswith("'=HYPERLINK")


def test_invitation_form_can_target_one_county(client, national_wave, mail_admin):
    organisations = Organisation.objects.filter(edition=national_wave.edition)
    builders.make_contacts(organisations)
    county = national_wave.edition.counties.get(number="12")
    builders.sign_in_verified(client, mail_admin)

    response = client.post(
        url("dashboard_invite", national_wave), {"target": "county", "county": county.pk}
    )

    assert response.status_code == 302
    invited = OutboundMessage.objects.filter(kind=MailKind.INVITATION)
    assert invited.count() == organisations.filter(county=county).count()
    assert set(invited.values_list("organisation__county__number", flat=True)) == {"12"}


def test_invitation_form_explains_unknown_organisation_numbers_and_sends_nothing(
    client, national_wave, mail_admin
):
    builders.sign_in_verified(client, mail_admin)

    response = client.post(
        url("dashboard_invite", national_wave),
        {"target": "organisations", "numbers": "0301, 9999"},
    )

    assert response.status_code == 200
    assert "Finnes ikke i undersøkelsen: 9999" in response.content.decode()
    assert OutboundMessage.objects.count() == 0


def test_reminder_schedule_can_be_edited_and_bad_input_is_explained(
    client, national_wave, mail_admin
):
    builders.sign_in_verified(client, mail_admin)
    form = {
        "reminder_days_text": "10, 3",
        "reminders_enabled": "on",
        "max_reminders_per_organisation": "2",
        "language": "nn",
    }

    bad = client.post(
        url("dashboard_schedule", national_wave), {**form, "reminder_days_text": "10, x"}
    )
    good = client.post(url("dashboard_schedule", national_wave), form)

    assert "Skriv hele dager skilt med komma" in bad.content.decode()
    assert good.status_code == 302
    settings = mailing.mailing_settings_for(national_wave)
    assert (settings.reminder_days, settings.max_reminders_per_organisation, settings.language) == (
        [10, 3],
        2,
        "nn",
    )


def test_every_round_can_be_inspected_afterwards_with_each_recipient_and_result(
    client, invited_wave, mail_admin
):
    builders.sign_in_verified(client, mail_admin)
    client.post(url("dashboard_remind", invited_wave), {"all": "1", "confirm": "1"})
    failed = OutboundMessage.objects.filter(kind=MailKind.REMINDER).first()
    OutboundMessage.objects.filter(pk=failed.pk).update(state="failed", reason="550 No such user")

    html = client.get(
        reverse("surveys:dashboard_round", args=[invited_wave.slug, "reminder", 1])
    ).content.decode()

    assert html.count("<tr data-state=") == 221
    assert failed.to_email in html and "550 No such user" in html
    assert reverse("surveys:dashboard_round", args=[invited_wave.slug, "reminder", 1]) in page(
        client, mail_admin, invited_wave
    )


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_chart_coordinates_and_bars_are_plain_numbers_in_every_language(
    client, national_wave, dashboard_user, language
):
    """Norwegian formats use a decimal comma; inside SVG and <progress> it would break them."""
    import re

    client.cookies["ekommune_language"] = language
    html = page(client, dashboard_user, national_wave)
    svg = html[html.index('<svg class="rate-chart"') : html.index("</svg>")]
    numeric = re.findall(r'\b(?:x|y|x1|x2|y1|y2)="([^"]*)"', svg)
    points = re.findall(r'points="([^"]*)"', svg)
    bars = re.findall(r'<progress[^>]*\bvalue="([^"]*)"', html)

    assert numeric and bars
    for value in numeric + bars:
        float(value)  # raises on "153,0"
    for series in points:
        for pair in series.split():
            x, y = pair.split(",")
            float(x), float(y)


# --- benchmarks: the status list in pages ------------------------------------------


def test_the_status_list_comes_in_pages_that_together_name_every_organisation(
    client, national_wave, dashboard_user, settings
):
    settings.DASHBOARD_STATUS_PAGE_SIZE = 100
    client.force_login(dashboard_user)

    listed = []
    for number in (1, 2, 3):
        html = client.get(url("dashboard", national_wave), {"side": number}).content.decode()
        assert "221 organisasjoner har ikke sendt inn" in html
        assert f"Side {number} av 3" in html
        listed += [chunk.split('"', 1)[0] for chunk in html.split('data-organisation="')[1:]]
    assert "Viser 201–221 av 221." in html
    assert "?side=2#status-heading" in html and "?side=4" not in html

    expected = set(
        Organisation.objects.filter(edition=national_wave.edition)
        .exclude(pk__in=national_wave.submitted_ids)
        .values_list("number", flat=True)
    )
    assert len(listed) == len(expected) == 221
    assert set(listed) == expected
    # A page number out of range shows the nearest page instead of failing.
    html = client.get(url("dashboard", national_wave), {"side": "99"}).content.decode()
    assert "Side 3 av 3" in html


# --- benchmarks: the table by county in pages, figures from cheaper queries ----------


def county_rows(html):
    """The county table's rows as {number: "submitted av total"}."""
    section = html.split('id="county-heading"', 1)[1].split("</section>", 1)[0]
    rows = {}
    for chunk in section.split('data-county="')[1:]:
        number, rest = chunk.split('"', 1)
        rows[number] = rest.split('<td class="text-end">', 1)[1].split("</td>", 1)[0]
    return rows


def test_ks_sees_every_fylke_in_one_table_without_page_links(client, national_wave, dashboard_user):
    html = page(client, dashboard_user, national_wave)

    expected = {
        row.number: f"{row.kommuner.submitted} av {row.kommuner.total}"
        for row in rates.wave_rates(national_wave).by_county
    }
    assert len(expected) == national_wave.edition.counties.count()
    assert county_rows(html) == expected
    assert "Sider i fylkestabellen" not in html


def test_the_county_table_comes_in_pages_that_together_show_every_county(
    client, national_wave, dashboard_user, settings
):
    settings.DASHBOARD_COUNTY_PAGE_SIZE = 5
    settings.DASHBOARD_STATUS_PAGE_SIZE = 100
    client.force_login(dashboard_user)
    expected = {
        row.number: f"{row.kommuner.submitted} av {row.kommuner.total}"
        for row in rates.wave_rates(national_wave).by_county
    }
    pages = -(-len(expected) // 5)

    shown = {}
    for number in range(1, pages + 1):
        html = client.get(
            url("dashboard", national_wave), {"fylkeside": number, "side": 2}
        ).content.decode()
        rows = county_rows(html)
        assert len(rows) == (5 if number < pages else len(expected) - 5 * (pages - 1))
        shown.update(rows)
        county_section = html.split('id="county-heading"', 1)[1].split("</section>", 1)[0]
        assert f"Side {number} av {pages}" in county_section
        # The headline still counts every county.
        assert "212 av 430 kommuner (49 %)" in html
    assert shown == expected
    assert list(shown) == sorted(shown)
    # Paging one table keeps the other table's page.
    assert f"?fylkeside={pages - 1}&amp;side=2#county-heading" in html
    assert f"?fylkeside={pages}&amp;side=1#status-heading" in html
    assert f"?fylkeside={pages}&amp;side=3#status-heading" in html


def test_the_county_table_query_count_does_not_grow_with_the_number_of_counties(
    client, dashboard_user, django_assert_num_queries, settings
):
    settings.DASHBOARD_COUNTY_PAGE_SIZE = 4
    edition = builders.make_edition(year=2011)
    wave = builders.make_wave(edition=edition, slug="many-counties")
    builders.make_section(wave=wave)

    def add_counties(first, n):
        for index in range(first, first + n):
            county = builders.make_county(edition=edition, number=f"{index:02d}")
            organisations = [
                builders.make_organisation(county=county, number=f"{index:02d}0{i}")
                for i in range(3)
            ]
            builders.make_answer_sets(wave=wave, organisations=organisations[:1])

    add_counties(10, 3)
    client.force_login(dashboard_user)
    client.get(url("dashboard", wave))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        client.get(url("dashboard", wave))
    add_counties(13, 30)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url("dashboard", wave), {"fylkeside": 2})
    html = response.content.decode()
    assert list(county_rows(html)) == ["14", "15", "16", "17"]
    assert county_rows(html)["14"] == "1 av 3"
    assert "33 fylker, 4 per side." in html


def test_the_live_figures_agree_with_the_full_rates_and_the_chart_counts_every_submission(
    client, national_wave, dashboard_user
):
    full = rates.wave_rates(national_wave)
    summary = rates.summary_rates(national_wave)

    assert summary.by_kind == full.by_kind
    assert summary.by_size_class == full.by_size_class
    series = rates.submissions_by_day(national_wave)
    assert (series[-1]["kommuner"], series[-1]["fylkeskommuner"]) == (212, 15)
    client.force_login(dashboard_user)
    figures = client.get(url("dashboard_figures", national_wave)).json()
    assert figures["overall"] == full.overall.as_dict()


# --- benchmarks: the status list drawn by Jinja2, the chart per hour ----


def test_a_status_row_shows_progress_contacts_and_the_last_reminder_with_names_escaped(
    client, mail_admin
):
    from datetime import UTC, datetime

    edition = builders.make_edition(year=2011)
    wave = builders.make_wave(edition=edition, slug="rows")
    for _ in range(3):
        builders.make_section(wave=wave)
    county = builders.make_county(edition=edition, number="12", name="Vestland")
    started = builders.make_organisation(county=county, number="1201", name="Bergen <b>&</b>")
    builders.make_organisation(county=county, number="1202", name="Stille")
    builders.make_contact(organisation=started, name="Kari", email="kari@example.invalid")
    builders.make_answer_sets(wave=wave, organisations=[started], status="in_progress")
    mailing.invitations_queue(wave=wave, organisations=[started.pk], now=timezone.now())
    OutboundMessage.objects.update(state="sent", sent_at=timezone.now())
    mail_round = mailing.reminders_queue_now(
        wave=wave, organisations=[started.pk], now=timezone.now()
    )
    sent_at = datetime(2026, 1, 14, 23, 30, tzinfo=UTC)  # 15 January, 00:30 in Oslo
    OutboundMessage.objects.filter(round=mail_round).update(state="sent", sent_at=sent_at)

    html = page(client, mail_admin, wave)

    row = html.split('data-organisation="1201"', 1)[1].split("</tr>", 1)[0]
    assert "Bergen &lt;b&gt;&amp;&lt;/b&gt;" in row and "<b>" not in row
    assert "Påbegynt: 0 av 3 deler" in row
    assert "Kari (IKT-leder) &lt;kari@example.invalid&gt;" in row
    assert "15.01.2026 kl. 00:30 (1)" in row
    assert f'name="only" value="{started.pk}"' in row
    row = html.split('data-organisation="1202"', 1)[1].split("</tr>", 1)[0]
    assert "Ikke invitert" in row and "Ingen aktiv kontaktperson" in row
    assert "<td>–</td>" in row


def test_every_submission_counts_on_its_oslo_day_in_the_chart(db):
    from datetime import UTC, date, datetime

    edition = builders.make_edition(year=2011)
    wave = builders.make_wave(edition=edition, slug="days")
    county = builders.make_county(edition=edition, number="03")
    fylke = builders.make_organisation(county=county, kind=OrganisationKind.FYLKESKOMMUNE)
    kommuner = [builders.make_organisation(county=county, number=f"03{i:02d}") for i in range(4)]
    # Winter (UTC+1): 22:59 UTC is still 14 January in Oslo, 23:00 UTC is 15 January.
    builders.make_answer_sets(
        wave=wave, organisations=[kommuner[0]], at=datetime(2026, 1, 14, 22, 59, tzinfo=UTC)
    )
    builders.make_answer_sets(
        wave=wave, organisations=[kommuner[1], fylke], at=datetime(2026, 1, 14, 23, 0, tzinfo=UTC)
    )
    # Summer (UTC+2): 22:00 UTC on 1 July is 2 July in Oslo.
    builders.make_answer_sets(
        wave=wave, organisations=[kommuner[2]], at=datetime(2026, 7, 1, 22, 0, tzinfo=UTC)
    )
    builders.make_answer_sets(wave=wave, organisations=[kommuner[3]], status="in_progress")

    assert rates.submissions_by_day(wave) == [
        {"day": date(2026, 1, 14), "kommuner": 1, "fylkeskommuner": 0},
        {"day": date(2026, 1, 15), "kommuner": 2, "fylkeskommuner": 1},
        {"day": date(2026, 7, 2), "kommuner": 3, "fylkeskommuner": 1},
    ]
