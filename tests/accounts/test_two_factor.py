"""Staff who may see personal data confirm a second factor (TOTP) before any staff page."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import actions
from audit.models import AuditEvent
from tests import builders
from tests.surveys.results_data import build_wave

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")


def staff_with(*codenames: str):
    user = builders.make_staff(username="kari")
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="surveys", codename__in=codenames)
    )
    return user


def code_for(device: TOTPDevice) -> str:
    """The code the person's authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def export_url():
    return reverse("surveys:export", args=[build_wave().wave.slug])


def test_staff_with_personal_data_permission_cannot_reach_exports_without_a_second_factor(
    client, export_url
):
    client.force_login(staff_with("export_responses", "export_personal_data"))

    response = client.get(export_url)

    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next={export_url.replace('/', '%2F')}"
    assert client.post(export_url, {"layout": "wide", "format": "csv"}).status_code == 302


def test_enrolment_shows_a_qr_code_and_a_confirmed_code_opens_the_export(client, export_url):
    user = staff_with("export_responses", "export_personal_data")
    client.force_login(user)

    sent_on = client.get(f"{VERIFY}?next={export_url}")
    assert sent_on["Location"].startswith(SETUP)
    page = client.get(f"{SETUP}?next={export_url}").content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    assert "<svg" in page and 'role="img"' in page
    assert device.config_url.split("secret=")[1][:4] in page.replace(" ", "")
    confirmed = client.post(SETUP, {"token": code_for(device), "next": export_url})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == export_url
    assert client.get(export_url).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action=actions.TWO_FACTOR_ENROLLED).count() == 1


def test_an_enrolled_user_confirms_each_new_session_with_a_code(client, export_url):
    user = staff_with("export_responses", "export_personal_data")
    device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    client.force_login(user)

    assert client.get(export_url)["Location"].startswith(VERIFY)
    refused = client.post(VERIFY, {"token": "12345", "next": export_url})
    assert "Skriv de seks sifrene fra appen." in refused.content.decode()
    accepted = client.post(VERIFY, {"token": code_for(device), "next": export_url})

    assert accepted["Location"] == export_url
    assert client.get(export_url).status_code == 200


def test_a_wrong_code_is_explained_and_guessing_is_slowed_down(client):
    user = staff_with("export_personal_data")
    device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    client.force_login(user)

    wrong = client.post(VERIFY, {"token": "000000"}).content.decode()
    right_too_soon = client.post(VERIFY, {"token": code_for(device)}).content.decode()

    assert "Koden stemmer ikke" in wrong
    assert "For mange feil koder på rad: vent" in right_too_soon
    assert "otp_device_id" not in client.session


def test_staff_without_personal_data_permission_are_not_asked(client, export_url):
    client.force_login(staff_with("export_responses"))

    assert client.get(export_url).status_code == 200


def test_permissions_of_the_privacy_apps_count_as_personal_data_too(client, settings, export_url):
    settings.TWO_FACTOR_APPS = ["surveys"]
    client.force_login(staff_with("export_responses"))

    assert client.get(export_url)["Location"].startswith(VERIFY)


def test_the_pages_send_nobody_to_another_site_afterwards(client):
    user = staff_with("export_personal_data")
    device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    client.force_login(user)

    response = client.post(VERIFY, {"token": code_for(device), "next": "https://evil.example/"})

    assert response["Location"] == reverse("admin:index")


def test_the_second_factor_pages_need_a_signed_in_staff_member(client):
    assert client.get(SETUP)["Location"].startswith(reverse("admin:login"))
    client.force_login(builders.make_staff(is_staff=False))
    assert client.get(VERIFY)["Location"].startswith(reverse("admin:login"))
