"""The register in the Django admin: search, filters, contact inline, no N+1, staff only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from municipalities.models import Contact, Organisation, OrganisationKind, SizeClass
from tests.builders import make_contact, make_county, make_edition, make_organisation, make_staff

ORGANISATIONS = reverse("admin:municipalities_organisation_changelist")
CONTACTS = reverse("admin:municipalities_contact_changelist")


@pytest.fixture
def register(db):
    edition_2011 = make_edition(year=2011)
    ostfold = make_county(edition=edition_2011, number="01", name="Østfold")
    oslo_county = make_county(
        edition=edition_2011, number="03", name="Oslo", has_county_municipality=False
    )
    edition_2024 = make_edition(year=2024)
    troms = make_county(edition=edition_2024, number="55", name="Troms")
    return {
        "2011": edition_2011,
        "2024": edition_2024,
        "ostfold": ostfold,
        "halden": make_organisation(county=ostfold, number="0101", name="Halden", population=29220),
        "hvaler": make_organisation(county=ostfold, number="0111", name="Hvaler", population=4168),
        "ostfold_fk": make_organisation(
            county=ostfold,
            number="01",
            name="Østfold fylkeskommune",
            kind=OrganisationKind.FYLKESKOMMUNE,
            population=274827,
        ),
        "oslo": make_organisation(
            county=oslo_county, number="0301", name="Oslo", population=599230
        ),
        "tromso": make_organisation(county=troms, number="5501", name="Tromsø", population=78745),
    }


def listed_numbers(response) -> set[str]:
    return {org.number for org in response.context["cl"].result_list}


def test_anonymous_user_is_sent_to_the_login_page(client, register):
    for url in [
        ORGANISATIONS,
        CONTACTS,
        reverse("admin:municipalities_organisation_change", args=[register["halden"].pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_register_permissions_is_refused(client, register):
    client.force_login(make_staff())

    assert client.get(ORGANISATIONS).status_code == 403


def test_organisation_list_shows_size_class_labels_and_filters(admin_client, register):
    response = admin_client.get(ORGANISATIONS)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Halden" in html and "Tromsø" in html
    assert "20 000–49 999" in html
    for value, label in SizeClass.choices:
        assert f"?size_class={value}" in html
        assert str(label) in html
    assert "01 Østfold (2011)" in html


def test_edition_list_searches_by_name_or_year(admin_client, register):
    url = reverse("admin:municipalities_registeredition_changelist")

    by_name = admin_client.get(url, {"q": "Kommuneregister"}).context["cl"].result_list
    by_year = admin_client.get(url, {"q": "2024"}).context["cl"].result_list

    assert {edition.year for edition in by_name} == {2011, 2024}
    assert [edition.year for edition in by_year] == [2024]


def test_search_finds_by_number_and_by_name(admin_client, register):
    assert listed_numbers(admin_client.get(ORGANISATIONS, {"q": "0101"})) == {"0101"}
    assert listed_numbers(admin_client.get(ORGANISATIONS, {"q": "hval"})) == {"0111"}


def test_filters_by_edition_county_kind_and_size_class(admin_client, register):
    assert listed_numbers(
        admin_client.get(ORGANISATIONS, {"edition__id__exact": register["2024"].pk})
    ) == {"5501"}
    assert listed_numbers(admin_client.get(ORGANISATIONS, {"county": register["ostfold"].pk})) == {
        "0101",
        "0111",
        "01",
    }
    assert listed_numbers(admin_client.get(ORGANISATIONS, {"kind__exact": "fylkeskommune"})) == {
        "01"
    }
    assert listed_numbers(
        admin_client.get(ORGANISATIONS, {"size_class": SizeClass.FROM_2000.value})
    ) == {"0111"}


def test_county_filter_offers_only_the_chosen_editions_counties(admin_client, register):
    html = admin_client.get(
        ORGANISATIONS, {"edition__id__exact": register["2024"].pk}
    ).content.decode()

    assert "55 Troms (2024)" in html
    assert "01 Østfold (2011)" not in html


def test_organisation_page_lists_its_contacts_inline(admin_client, register):
    make_contact(organisation=register["halden"], name="Kari Nordmann", email="kari@halden.example")
    make_contact(organisation=register["hvaler"], name="Ola Hvaler", email="ola@hvaler.example")

    response = admin_client.get(
        reverse("admin:municipalities_organisation_change", args=[register["halden"].pk])
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "kari@halden.example" in html
    assert "ola@hvaler.example" not in html
    assert "20 000–49 999" in html


def test_contact_added_in_the_admin_is_normalised_and_not_doubled(admin_client, register):
    url = reverse("admin:municipalities_contact_add")
    data = {
        "organisation": register["halden"].pk,
        "name": "Kari Nordmann",
        "email": "  Kari@Halden.EXAMPLE ",
        "role": "IKT-leder",
        "is_active": "on",
    }

    assert admin_client.post(url, data).status_code == 302
    again = admin_client.post(url, {**data, "email": "kari@halden.example"})

    assert again.status_code == 200
    assert Contact.objects.get().email == "kari@halden.example"


def test_contact_admin_searches_organisations_by_autocomplete(admin_client, register):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "municipalities",
            "model_name": "contact",
            "field_name": "organisation",
            "term": "Halden",
        },
    )

    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["0101 Halden"]


def test_organisation_search_narrows_to_a_year(admin_client, register):
    halden_2024 = make_organisation(
        county=make_county(edition=register["2024"], number="31"), number="3101", name="Halden"
    )

    assert listed_numbers(admin_client.get(ORGANISATIONS, {"q": "halden"})) == {"0101", "3101"}
    found = admin_client.get(ORGANISATIONS, {"q": "2024 halden"}).context["cl"].result_list
    assert list(found) == [halden_2024]


def test_contact_list_searches_by_organisation_and_filters_by_county(admin_client, register):
    make_contact(organisation=register["halden"], email="kari@halden.example")
    make_contact(organisation=register["tromso"], email="per@tromso.example")

    found = admin_client.get(CONTACTS, {"q": "Tromsø"}).context["cl"].result_list
    filtered = admin_client.get(CONTACTS, {"county": register["ostfold"].pk}).context["cl"]

    assert [contact.email for contact in found] == ["per@tromso.example"]
    assert [contact.email for contact in filtered.result_list] == ["kari@halden.example"]


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("url", [ORGANISATIONS, CONTACTS])
def test_list_pages_do_not_query_per_row(admin_client, register, url):
    for number in range(3):
        organisation = make_organisation(county=register["ostfold"], number=f"012{number}")
        make_contact(organisation=organisation)
    count_queries(admin_client, url)  # the first page after login renews the session
    few = count_queries(admin_client, url)

    for number in range(30):
        county = make_county(edition=register["2024"], number=f"{60 + number}")
        organisation = make_organisation(county=county, number=f"{60 + number}01")
        make_contact(organisation=organisation)
    many = count_queries(admin_client, url)

    assert Organisation.objects.count() > 30
    assert many == few


def test_contact_added_inline_on_the_organisation_page_is_normalised(admin_client, register):
    halden = register["halden"]
    url = reverse("admin:municipalities_organisation_change", args=[halden.pk])
    data = {
        "edition": halden.edition_id,
        "kind": "kommune",
        "number": "0101",
        "name": "Halden",
        "name_alt": "",
        "county": halden.county_id,
        "population": "29220",
        "population_date": "",
        "population_status": "",
        "source": "",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        "contacts-0-name": "Kari Nordmann",
        "contacts-0-email": " Kari@Halden.EXAMPLE ",
        "contacts-0-role": "IKT-leder",
        "contacts-0-is_active": "on",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert list(halden.contacts.values_list("email", "role")) == [
        ("kari@halden.example", "IKT-leder")
    ]
