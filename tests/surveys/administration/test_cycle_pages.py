"""The staff home and a wave's year: copy from last year, open, close, reopen, publish; mail
texts per wave and language; the staff roles."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from municipalities.models import OrganisationKind
from surveys.definitions import load_questionnaire_file
from surveys.models import MailTextKind, OutboundMessage, Wave, WaveMailText
from surveys.outreach import services as outreach
from surveys.roles import ROLES, roles_ensure
from tests import builders
from tests.surveys.administration.cycle_fixtures import make_role_user

pytestmark = pytest.mark.django_db

ROLE = "Undersøkelsesansvarlig"
QUESTIONNAIRE = (
    Path(__file__).resolve().parents[3] / "surveys" / "questionnaires" / "ekommune-2011.yaml"
)


@pytest.fixture
def manager_client(client):
    client.force_login(make_role_user(ROLE))
    return client


@pytest.fixture
def wave_2011():
    builders.make_bundled_register(2011)
    return load_questionnaire_file(QUESTIONNAIRE).wave


def test_the_staff_home_lists_waves_with_state_and_next_action_and_links_every_area(
    manager_client, wave_2011
):
    page = manager_client.get(reverse("surveys:staff_home")).content.decode()

    assert wave_2011.title in page
    assert "Utkast" in page
    assert reverse("surveys:staff_wave_open", args=[wave_2011.slug]) in page
    assert "Ny runde fra ekommune-2011" in page
    for name in ("staff_register", "dashboard_waves", "results_waves"):
        assert reverse(f"surveys:{name}") in page
    assert reverse("surveys:staff_contacts", args=[2011]) in page


def test_every_staff_page_of_a_wave_is_linked_from_its_page(manager_client, wave_2011):
    page = manager_client.get(reverse("surveys:staff_wave", args=[wave_2011.slug])).content.decode()

    for name in (
        "staff_mail_texts",
        "staff_wave_copy",
        "staff_wave_preview",
        "dashboard",
        "results_index",
        "results_report",
        "results_prize",
    ):
        assert reverse(f"surveys:{name}", args=[wave_2011.slug]) in page


def test_the_home_page_and_the_admin_link_to_the_staff_home(client):
    client.force_login(builders.make_staff(is_superuser=True))
    staff_home = reverse("surveys:staff_home")
    assert staff_home in client.get("/").content.decode()
    assert staff_home in client.get(reverse("admin:index")).content.decode()


def test_the_staff_home_reads_a_fixed_number_of_queries_plus_one_per_wave(
    manager_client, django_assert_max_num_queries
):
    edition = builders.make_edition(year=2011)
    builders.make_wave(edition=edition)
    with django_assert_max_num_queries(20) as one:
        manager_client.get(reverse("surveys:staff_home"))
    for _ in range(3):
        builders.make_wave(edition=edition)
    # One aggregate per wave for its response figures: KS has a wave or two a year.
    with django_assert_max_num_queries(len(one.captured_queries) + 3):
        manager_client.get(reverse("surveys:staff_home"))


def test_staff_pages_refuse_people_without_staff_access(client, wave_2011):
    assert client.get(reverse("surveys:staff_home")).status_code == 302
    client.force_login(make_role_user("Lesetilgang"))
    assert client.get(reverse("surveys:staff_home")).status_code == 200
    assert client.get(reverse("surveys:staff_wave_copy", args=[wave_2011.slug])).status_code == 403
    assert client.post(reverse("surveys:staff_wave_open", args=[wave_2011.slug])).status_code == 403


def test_a_new_wave_from_last_year_copies_the_questionnaire_keys_and_mail_texts(
    manager_client, wave_2011
):
    WaveMailText.objects.create(
        wave=wave_2011, kind="invitation", language="nb", subject="Hei", body="{lenke}"
    )
    source_keys = set(wave_2011.questions.values_list("key", flat=True))

    response = manager_client.post(
        reverse("surveys:staff_wave_copy", args=[wave_2011.slug]),
        {
            "title": "eKommune 2024",
            "slug": "ekommune-2024",
            "year": 2024,
            "edition": wave_2011.edition_id,
            "opens_on": "",
            "closes_on": "",
        },
        follow=True,
    )

    page = response.content.decode()
    wave = Wave.objects.get(slug="ekommune-2024")
    assert wave.status == Wave.Status.DRAFT
    assert wave.copied_from == wave_2011
    assert set(wave.questions.values_list("key", flat=True)) == source_keys
    assert f"{len(source_keys)} spørsmål" in page
    assert f"{wave.sections.count()} deler" in page
    assert "1 egen e-posttekst" in page
    assert wave.mail_texts.get().body == "{lenke}"
    conditions = wave_2011.questions.filter(condition__isnull=False).count()
    assert conditions and wave.questions.filter(condition__isnull=False).count() == conditions


def test_a_copy_with_a_slug_in_use_is_refused_and_creates_nothing(manager_client, wave_2011):
    response = manager_client.post(
        reverse("surveys:staff_wave_copy", args=[wave_2011.slug]),
        {"title": "X", "slug": wave_2011.slug, "year": 2024, "edition": wave_2011.edition_id},
    )
    assert "Kortnavnet er allerede i bruk." in response.content.decode()
    assert Wave.objects.count() == 1


def test_copy_wave_command_creates_the_draft(wave_2011):
    out = io.StringIO()
    call_command(
        "copy_wave",
        "ekommune-2011",
        "ekommune-2012",
        "--year",
        "2012",
        "--title",
        "eKommune 2012",
        "--closes",
        "2031-05-06",
        stdout=out,
    )
    wave = Wave.objects.get(slug="ekommune-2012")
    assert "Opprettet ekommune-2012 (utkast)" in out.getvalue()
    assert timezone.localtime(wave.closes_at).strftime("%Y-%m-%d %H:%M") == "2031-05-06 23:59"


def test_open_close_with_a_summary_reopen_and_publish(manager_client, wave_2011):
    slug = wave_2011.slug
    organisations = list(wave_2011.edition.organisations.filter(kind=OrganisationKind.KOMMUNE))
    builders.make_answer_sets(wave=wave_2011, organisations=organisations[:2])
    closes = (timezone.localdate() + dt.timedelta(days=30)).isoformat()

    manager_client.post(reverse("surveys:staff_wave_open", args=[slug]), {"closes_on": closes})
    wave_2011.refresh_from_db()
    assert wave_2011.status == Wave.Status.OPEN

    page = manager_client.get(reverse("surveys:staff_wave_close", args=[slug])).content.decode()
    assert "2 av 448 har sendt inn. 446 har aldri begynt" in page
    assert f"{organisations[5].number} {organisations[5].name}" in page
    manager_client.post(reverse("surveys:staff_wave_close", args=[slug]))
    wave_2011.refresh_from_db()
    assert wave_2011.status == Wave.Status.CLOSED

    manager_client.post(reverse("surveys:staff_wave_reopen", args=[slug]), {"closes_on": closes})
    wave_2011.refresh_from_db()
    assert wave_2011.status == Wave.Status.OPEN
    response = manager_client.post(reverse("surveys:staff_wave_publish", args=[slug]), follow=True)
    assert "kan bare publiseres når runden er lukket" in response.content.decode()
    manager_client.post(reverse("surveys:staff_wave_close", args=[slug]))
    manager_client.post(reverse("surveys:staff_wave_publish", args=[slug]))
    wave_2011.refresh_from_db()
    assert wave_2011.results_published_at is not None


def test_a_deadline_in_the_past_is_refused(manager_client, wave_2011):
    response = manager_client.post(
        reverse("surveys:staff_wave_open", args=[wave_2011.slug]), {"closes_on": "2011-05-06"}
    )
    assert "Fristen må være fram i tid." in response.content.decode()
    wave_2011.refresh_from_db()
    assert wave_2011.status == Wave.Status.DRAFT


# --- Mail texts ---------------------------------------------------------------------------------


def test_the_editor_starts_from_the_built_in_text_in_each_language(manager_client, wave_2011):
    url = reverse("surveys:staff_mail_text", args=[wave_2011.slug, "invitation", "nn"])
    page = manager_client.get(url).content.decode()
    assert "{lenke}" in page
    assert "Standardtekst" not in page  # the editor, not the list
    assert "Runden bruker standardteksten" in page
    assert "{fremdrift}" not in page  # a reminder's placeholder is not offered here


def test_saving_a_text_with_an_unknown_placeholder_is_refused(manager_client, wave_2011):
    url = reverse("surveys:staff_mail_text", args=[wave_2011.slug, "invitation", "nb"])
    response = manager_client.post(url, {"subject": "Hei", "body": "Gå til {lenk}"})
    assert "Ukjente felt: {lenk}." in response.content.decode()
    assert not WaveMailText.objects.exists()


def test_a_saved_invitation_text_is_what_respondents_get_and_a_test_goes_to_me(client, wave_2011):
    user = make_role_user(ROLE, email="anne@ks.no")
    client.force_login(user)
    url = reverse("surveys:staff_mail_text", args=[wave_2011.slug, "invitation", "nb"])
    body = "{hilsen}\n\n{organisasjon} <b>inviteres</b>.\n\nLenke: {lenke}\n\nFrist: {frist}"

    client.post(url, {"subject": "Svar for {organisasjon}", "body": body, "action": "save"})
    client.post(url, {"action": "test"})

    assert len(mail.outbox) == 1
    test = mail.outbox[0]
    assert test.to == ["anne@ks.no"]
    assert test.subject == "[Test] Svar for Eksempel kommune"
    assert "Hei Kari Nordmann," in test.body
    html = test.alternatives[0][0]
    assert "&lt;b&gt;inviteres&lt;/b&gt;" in html

    organisation = wave_2011.edition.organisations.get(number="0301")
    contact = builders.make_contact(organisation=organisation, name="Per", email="per@oslo.no")
    builders.make_section(wave=wave_2011)
    wave_2011.status = Wave.Status.OPEN
    wave_2011.closes_at = timezone.now() + dt.timedelta(days=3)
    wave_2011.save()
    ids = outreach.invitations_queue(
        wave=wave_2011, organisations=[organisation], now=timezone.now()
    )
    message = OutboundMessage.objects.get(pk=ids[0])
    email = outreach.message_render(message, link="https://example.no/i/abc/")
    assert email.subject == "Svar for Oslo"
    assert "Hei Per," in email.body
    assert "Lenke: https://example.no/i/abc/" in email.body
    assert '<a href="https://example.no/i/abc/">' in email.alternatives[0][0]
    assert contact.email in email.to[0]


def test_without_an_own_text_the_built_in_templates_are_used(wave_2011):
    organisation = wave_2011.edition.organisations.get(number="0301")
    builders.make_contact(organisation=organisation, name="Per", email="per@oslo.no")
    wave_2011.status = Wave.Status.OPEN
    wave_2011.closes_at = timezone.now() + dt.timedelta(days=3)
    wave_2011.save()
    ids = outreach.invitations_queue(
        wave=wave_2011, organisations=[organisation], now=timezone.now()
    )
    email = outreach.message_render(OutboundMessage.objects.get(pk=ids[0]), link="https://x/i/a/")
    assert email.subject == f"Invitasjon: {wave_2011.title}"


def test_a_receipt_text_of_the_wave_is_used_for_the_receipt(wave_2011):
    from surveys.answering.emails import receipt_message

    organisation = wave_2011.edition.organisations.get(number="0301")
    builders.make_contact(organisation=organisation, email="per@oslo.no")
    WaveMailText.objects.create(
        wave=wave_2011,
        kind=MailTextKind.RECEIPT,
        language="nb",
        subject="Takk, {organisasjon}",
        body="Mottatt.\n\n{svar}",
    )
    answer_set = builders.make_answer_sets(wave=wave_2011, organisations=[organisation])[0]

    # The receipt the mail worker renders for the submission's mail row.
    message = receipt_message(answer_set_id=answer_set.pk)

    assert message.subject == "Takk, Oslo"
    assert message.body.startswith("Mottatt.")


# --- Roles --------------------------------------------------------------------------------------


def test_the_migration_creates_the_roles_with_exactly_their_permissions():
    import importlib

    migration = importlib.import_module("surveys.migrations.0008_cycle_staff_roles")
    assert migration.ROLES == {role.name: list(role.permissions) for role in ROLES}
    roles_ensure()
    for role in ROLES:
        group = Group.objects.get(name=role.name)
        found = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert found == set(role.permissions), role.name


def test_an_administrator_grants_and_removes_roles_and_sees_who_has_what(client):
    admin = builders.make_staff(is_superuser=True)
    person = builders.make_staff(username="kari", is_staff=False)
    builders.sign_in_verified(client, admin)
    url = reverse("surveys:staff_roles")

    client.post(url, {"user": person.pk, "role": "Analytiker", "action": "grant"})

    person.refresh_from_db()
    assert person.is_staff
    assert person.has_perm("surveys.export_responses")
    page = client.get(url).content.decode()
    assert "Har rollen: kari" in page
    client.post(url, {"user": person.pk, "role": "Analytiker", "action": "revoke"})
    assert not person.groups.exists()


def test_the_roles_page_needs_the_roles_permission(client):
    client.force_login(make_role_user(ROLE))
    assert client.get(reverse("surveys:staff_roles")).status_code == 403
