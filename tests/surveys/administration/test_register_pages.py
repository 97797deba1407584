"""Register editions and contacts uploaded in the browser: preview, every problem by line,
nothing written until confirmed; contacts carried forward through the correspondence."""

import io

import pytest
from django.urls import reverse

from municipalities.models import (
    Contact,
    Correspondence,
    County,
    Organisation,
    RegisterEdition,
    Upload,
)
from municipalities.selectors import predecessors, successors
from tests import builders
from tests.surveys.administration.cycle_fixtures import bundled, make_role_user, upload_file

pytestmark = pytest.mark.django_db

ROLE = "Undersøkelsesansvarlig"


@pytest.fixture
def admin_client(client):
    client.force_login(make_role_user(ROLE))
    return client


@pytest.fixture
def register_2011():
    return builders.make_bundled_register(2011)


def upload_register(client, counties, municipalities, year=2024):
    return client.post(
        reverse("surveys:staff_register"),
        {"year": year, "name": "", "counties": counties, "municipalities": municipalities},
        follow=True,
    )


def test_the_2024_register_preview_names_each_merged_kommune_and_its_2011_predecessors(
    admin_client, register_2011
):
    response = upload_register(
        admin_client, bundled("fylker-2024.csv"), bundled("kommuner-2024.csv")
    )

    page = response.content.decode()
    assert "357 kommuner, 14 fylkeskommuner og 15 fylker." in page
    assert "3118 Indre Østfold</strong> ← 0122 Trøgstad, 0123 Spydeberg, 0124 Askim" in page
    assert "5053 Inderøy</strong> ← 1723 Mosvik, 1729 Inderøy" in page
    assert "3322 Nesbyen ← 0616 Nes" in page
    assert "Endringer mot 2011" in page
    assert not RegisterEdition.objects.filter(year=2024).exists()


def test_confirming_imports_the_edition_and_links_it_to_2011(admin_client, register_2011):
    response = upload_register(
        admin_client, bundled("fylker-2024.csv"), bundled("kommuner-2024.csv")
    )
    upload = Upload.objects.get()

    response = admin_client.post(
        reverse("surveys:staff_upload_confirm", args=[upload.pk]), follow=True
    )

    assert "Registerutgaven 2024 er importert: 357 nye kommuner" in response.content.decode()
    edition = RegisterEdition.objects.get(year=2024)
    assert Correspondence.objects.filter(earlier=register_2011, later=edition).exists()
    indre_ostfold = Organisation.objects.get(edition=edition, number="3118")
    assert [
        lineage.organisation.number
        for lineage in predecessors(organisation=indre_ostfold, edition=register_2011)
    ] == ["0122", "0123", "0124", "0125", "0138"]
    stokke = Organisation.objects.get(edition=register_2011, number="0720")
    assert {
        (x.organisation.number, str(x.share))
        for x in successors(organisation=stokke, edition=edition)
    } == {("3907", "0.80"), ("3905", "0.20")}


def test_a_malformed_register_shows_every_problem_by_line_and_changes_nothing(
    admin_client, register_2011
):
    counties = (
        "fylkesnummer,name,has_county_municipality,population\n"
        "03,Oslo,False,717710\n"
        "3X,Østfold,True,\n"
    )
    municipalities = (
        "kommunenummer,name,fylkesnummer,population\n"
        "0301,Oslo,03,717710\n"
        "0301,Oslo igjen,03,5\n"
        "3101,Halden,31,mange\n"
    )
    before = (RegisterEdition.objects.count(), Organisation.objects.count(), County.objects.count())

    response = upload_register(
        admin_client,
        upload_file("fylker.csv", counties),
        upload_file("kommuner.csv", municipalities),
    )

    page = response.content.decode()
    assert "Ingenting er lagret." in page
    assert "fylker.csv, linje 3:" in page
    assert "kommuner.csv, linje 3:" in page
    assert "kommuner.csv, linje 4:" in page
    assert "Bekreft og importer" not in page
    after = (RegisterEdition.objects.count(), Organisation.objects.count(), County.objects.count())
    assert after == before
    upload = Upload.objects.get()
    assert upload.state == Upload.State.REJECTED
    assert upload.problem_total >= 3
    # The rejected upload cannot be imported afterwards either.
    admin_client.post(reverse("surveys:staff_upload_confirm", args=[upload.pk]))
    assert RegisterEdition.objects.count() == before[0]


def test_a_large_upload_is_checked_and_imported_by_the_worker_with_a_progress_page(
    admin_client, register_2011, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from municipalities import tasks
    from surveys import queue

    settings.UPLOAD_SYNC_MAX_BYTES = 10
    queued = []

    class Task:
        def __init__(self, name):
            self.name = name

        def delay(self, *args):
            queued.append((self.name, args))

    monkeypatch.setattr(queue, "task", Task)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_register(
            admin_client, bundled("fylker-2024.csv"), bundled("kommuner-2024.csv")
        )
    upload = Upload.objects.get()
    assert queued == [("municipalities.upload_check", (upload.pk,))]
    assert 'id="upload-progress"' in response.content.decode()
    status = admin_client.get(reverse("surveys:staff_upload_status", args=[upload.pk])).json()
    assert status == {"state": "received", "progress": 0, "busy": True}

    tasks.upload_check(upload.pk)
    tasks.upload_check(upload.pk)  # a second delivery of the task does nothing

    upload.refresh_from_db()
    assert (upload.state, upload.progress) == (Upload.State.CHECKED, 100)
    page = admin_client.get(reverse("surveys:staff_upload", args=[upload.pk])).content.decode()
    assert "Bekreft og importer" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("surveys:staff_upload_confirm", args=[upload.pk]), follow=True
        )
    assert queued[-1] == ("municipalities.upload_import", (upload.pk,))
    assert 'id="upload-progress"' in response.content.decode()
    assert "Bekreft og importer" not in response.content.decode()
    assert not RegisterEdition.objects.filter(year=2024).exists()

    tasks.upload_import(upload.pk)
    tasks.upload_import(upload.pk)

    upload.refresh_from_db()
    assert upload.state == Upload.State.DONE
    assert RegisterEdition.objects.get(year=2024).organisations.count() == 357 + 14


def test_register_pages_need_the_register_permission(client, register_2011):
    client.force_login(make_role_user("Lesetilgang"))
    assert client.get(reverse("surveys:staff_register")).status_code == 403
    assert client.get(reverse("surveys:staff_contacts", args=[2011])).status_code == 403


# --- Contacts ----------------------------------------------------------------------------------


def test_a_contacts_file_is_previewed_then_imported(admin_client, register_2011):
    content = (
        "nummer;navn;epost;rolle\n"
        "0301;Kari;KARI@oslo.kommune.no;IKT-leder\n"
        "1201;Ola;ola@bergen.kommune.no;\n"
    )
    response = admin_client.post(
        reverse("surveys:staff_contacts", args=[2011]),
        {"file": upload_file("kontakter.csv", content)},
        follow=True,
    )

    page = response.content.decode()
    assert "2 kontaktpersoner i 2 organisasjoner: 2 nye, 0 endres, 0 uendret." in page
    assert "kari@oslo.kommune.no" in page
    assert not Contact.objects.exists()

    upload = Upload.objects.get()
    admin_client.post(reverse("surveys:staff_upload_confirm", args=[upload.pk]))

    assert sorted(Contact.objects.values_list("email", flat=True)) == [
        "kari@oslo.kommune.no",
        "ola@bergen.kommune.no",
    ]


def xlsx(rows) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_malformed_contacts_file_shows_every_problem_by_line_and_changes_nothing(
    admin_client, register_2011, fmt
):
    existing = builders.make_contact(
        organisation=Organisation.objects.get(edition=register_2011, number="0301"),
        email="kari@oslo.kommune.no",
        name="Kari",
    )
    rows = [
        ["nummer", "navn", "epost", "rolle"],
        ["0301", "Kari Endret", "kari@oslo.kommune.no", ""],
        ["9999", "Ukjent", "x@example.no", ""],
        ["1201", "Ola", "ikke-en-adresse", ""],
        ["12", "Fylke", "f@example.no", ""],
        ["abc", "Feil", "feil@example.no", ""],
    ]
    content = xlsx(rows) if fmt == "xlsx" else "\n".join(";".join(row) for row in rows).encode()

    response = admin_client.post(
        reverse("surveys:staff_contacts", args=[2011]),
        {"file": upload_file(f"kontakter.{fmt}", content)},
        follow=True,
    )

    page = response.content.decode()
    assert "Ingenting er lagret." in page
    for line in (3, 4, 6):
        assert f"kontakter.{fmt}, linje {line}:" in page
    assert "linje 2:" not in page
    assert "linje 5:" not in page
    existing.refresh_from_db()
    assert existing.name == "Kari"
    assert Contact.objects.count() == 1


def test_carrying_contacts_gives_a_merged_kommune_every_predecessors_contacts_for_review(
    admin_client, register_2011
):
    edition_2024 = builders.make_bundled_register(2024)
    by_number = {o.number: o for o in register_2011.organisations.all()}
    builders.make_contact(organisation=by_number["0122"], email="a@trogstad.kommune.no")
    builders.make_contact(organisation=by_number["0124"], email="b@askim.kommune.no")
    builders.make_contact(organisation=by_number["0101"], email="c@halden.kommune.no")
    builders.make_contact(
        organisation=by_number["0301"], email="old@oslo.kommune.no", is_active=False
    )

    page = admin_client.get(reverse("surveys:staff_contacts_carry", args=[2024])).content.decode()
    assert "3 kontaktpersoner kopieres" in page
    assert "3118 Indre Østfold</strong> ← 0122 Trøgstad" in page
    assert not Contact.objects.filter(organisation__edition=edition_2024).exists()

    response = admin_client.post(
        reverse("surveys:staff_contacts_carry", args=[2024]),
        {"earlier": register_2011.pk},
        follow=True,
    )

    assert "3 kontaktpersoner ført fram til 2024; 2 må kontrolleres." in response.content.decode()
    carried = {c.email: c for c in Contact.objects.filter(organisation__edition=edition_2024)}
    assert set(carried) == {"a@trogstad.kommune.no", "b@askim.kommune.no", "c@halden.kommune.no"}
    assert carried["a@trogstad.kommune.no"].organisation.number == "3118"
    assert carried["a@trogstad.kommune.no"].needs_review
    assert "0122 Trøgstad" in carried["a@trogstad.kommune.no"].review_note
    assert not carried["c@halden.kommune.no"].needs_review
    assert carried["c@halden.kommune.no"].organisation.number == "3101"

    admin_client.post(
        reverse("surveys:staff_contacts_carry", args=[2024]), {"earlier": register_2011.pk}
    )
    assert Contact.objects.filter(organisation__edition=edition_2024).count() == 3


def test_staff_add_edit_and_deactivate_contacts_of_an_organisation(admin_client, register_2011):
    url = reverse("surveys:staff_organisation", args=[2011, "0301"])
    admin_client.post(url, {"ny-name": "Kari", "ny-email": "KARI@oslo.kommune.no", "ny-role": ""})
    contact = Contact.objects.get()
    assert contact.email == "kari@oslo.kommune.no"

    admin_client.post(
        reverse("surveys:staff_contact_edit", args=[contact.pk]),
        {
            f"k{contact.pk}-name": "Kari N.",
            f"k{contact.pk}-email": "kari@oslo.kommune.no",
            f"k{contact.pk}-role": "IKT-sjef",
        },
    )

    contact.refresh_from_db()
    assert (contact.name, contact.role, contact.is_active) == ("Kari N.", "IKT-sjef", False)
    response = admin_client.post(
        url, {"ny-name": "", "ny-email": "kari@oslo.kommune.no", "ny-role": ""}
    )
    assert "er allerede kontaktperson" in response.content.decode()
    assert Contact.objects.count() == 1


def test_import_contacts_from_edition_carries_contacts_on_the_command_line(register_2011):
    from django.core.management import call_command

    builders.make_bundled_register(2024)
    organisation = Organisation.objects.get(edition=register_2011, number="1723")
    builders.make_contact(organisation=organisation, email="m@mosvik.kommune.no")
    out = io.StringIO()

    call_command("import_contacts", "--year", "2024", "--from-edition", "2011", stdout=out)

    assert "1 kopiert, 1 merket for kontroll" in out.getvalue()
    contact = Contact.objects.get(organisation__edition__year=2024)
    assert contact.organisation.number == "5053"
