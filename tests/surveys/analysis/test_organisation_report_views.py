"""The organisation report pages: staff for any organisation, contacts through their link
once the wave's results are published."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.models import Wave
from tests import builders
from tests.conftest import login_respondent
from tests.surveys.analysis.test_organisation_report import Setup
from tests.surveys.results_data import analyst

pytestmark = pytest.mark.django_db


def staff_client(*codenames):
    client = Client()
    client.force_login(analyst(*codenames))
    return client


def publish(wave: Wave) -> None:
    wave.results_published_at = timezone.now()
    wave.save(update_fields=["results_published_at"])


def test_staff_find_an_organisation_from_the_results_index_and_open_its_report():
    setup = Setup(county_others=4)
    client = staff_client("view_results")

    index = client.get(reverse("surveys:results_index", args=[setup.wave.slug]))
    listing = client.get(
        reverse("surveys:organisation_reports", args=[setup.wave.slug]), {"q": "hald"}
    )
    page = client.get(
        reverse("surveys:organisation_report_staff", args=[setup.wave.slug, setup.halden.number])
    )

    assert reverse("surveys:organisation_reports", args=[setup.wave.slug]) in index.content.decode()
    assert "Halden kommune" in listing.content.decode()
    assert "Vestland 0" not in listing.content.decode()
    html = page.content.decode()
    assert (
        "Halden kommune sammenlignet med kommuner i samme størrelsesklasse, i Østfold og i landet"
        in html
    )
    # Four other kommuner in Østfold: their share is withheld; the size class is shown.
    assert "for få svar" in html
    assert "Modenhetspoeng i eKommune" in html
    assert "plass 1 av 8" in html


def test_staff_without_the_results_permission_are_refused():
    setup = Setup()
    client = staff_client()

    response = client.get(
        reverse("surveys:organisation_report_staff", args=[setup.wave.slug, setup.halden.number])
    )

    assert response.status_code == 403


def test_a_contact_sees_the_report_through_the_link_only_once_results_are_published():
    setup = Setup()
    contact = builders.make_contact(organisation=setup.halden)
    client = login_respondent(Client(), contact, setup.wave)
    address = reverse("surveys:organisation_report", args=[setup.wave.slug, setup.halden.number])
    overview = reverse("surveys:overview", args=[setup.wave.slug, setup.halden.number])

    before = client.get(address)
    assert before.status_code == 404
    assert address not in client.get(overview).content.decode()

    publish(setup.wave)

    assert address in client.get(overview).content.decode()
    after = client.get(address)
    assert after.status_code == 200
    assert "Halden kommune sammenlignet med" in after.content.decode()


def test_a_contact_never_sees_another_organisations_report():
    setup = Setup()
    publish(setup.wave)
    other = setup.answers[2][0]
    client = login_respondent(
        Client(), builders.make_contact(organisation=setup.halden), setup.wave
    )

    response = client.get(
        reverse("surveys:organisation_report", args=[setup.wave.slug, other.number])
    )

    assert response.status_code == 404
    assert (
        Client()
        .get(reverse("surveys:organisation_report", args=[setup.wave.slug, setup.halden.number]))
        .status_code
        == 404
    )


def test_a_revoked_link_no_longer_opens_the_report():
    from surveys.answering.links import invitation_link_revoke

    setup = Setup()
    publish(setup.wave)
    contact = builders.make_contact(organisation=setup.halden)
    client = login_respondent(Client(), contact, setup.wave)
    invitation_link_revoke(contact=contact, wave=setup.wave)

    response = client.get(
        reverse("surveys:organisation_report", args=[setup.wave.slug, setup.halden.number])
    )

    assert response.status_code == 404


def test_the_report_downloads_as_a_pdf_for_staff_and_for_the_contact():
    from surveys.analysis.report_pdf import pdf_available

    if not pdf_available():
        pytest.skip("WeasyPrint needs pango")
    setup = Setup()
    publish(setup.wave)
    contact_client = login_respondent(
        Client(), builders.make_contact(organisation=setup.halden), setup.wave
    )
    args = [setup.wave.slug, setup.halden.number]

    page = contact_client.get(reverse("surveys:organisation_report", args=args))
    download = contact_client.get(reverse("surveys:organisation_report_pdf", args=args))
    staff = staff_client("view_results").get(
        reverse("surveys:organisation_report_staff_pdf", args=args)
    )

    assert reverse("surveys:organisation_report_pdf", args=args) in page.content.decode()
    for response in (download, staff):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert f"rapport-{setup.halden.number}-" in response["Content-Disposition"]
    other = setup.answers[2][0].number
    assert (
        contact_client.get(
            reverse("surveys:organisation_report_pdf", args=[setup.wave.slug, other])
        ).status_code
        == 404
    )
