"""Staff sign-in through OpenID Connect, end to end against a real provider process.

The provider (django-oidc-provider, tests/accounts/oidc_provider_server.py) runs as its own
Django process on 127.0.0.1; the browser's part is played by `requests` (at the provider) and
Django's test client (at our side); every token, key and claim is the provider's own.
"""

import re
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from audit import actions
from audit.models import AuditEvent
from tests import builders
from tests.accounts import oidc_provider_server as provider

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CALLBACK = "http://testserver/oidc/callback/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def provider_url(tmp_path_factory):
    port = free_port()
    database = tmp_path_factory.mktemp("oidc-provider") / "provider.sqlite3"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.accounts.oidc_provider_server",
            str(port),
            str(database),
            CALLBACK,
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.strip() == "READY", line + process.stdout.read()
        yield f"http://127.0.0.1:{port}"
    finally:
        process.stdin.close()
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso(settings, provider_url):
    settings.OIDC_RP_CLIENT_ID = provider.CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = provider.CLIENT_SECRET
    settings.OIDC_ISSUER = f"{provider_url}/openid"
    settings.OIDC_USERNAME_CLAIM = "email"
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_GROUP_MAP = (
        "ks-ekommune-analytikere=Analytiker;ks-personvern=Personopplysninger;"
        "ks-ledelse=Undersøkelsesansvarlig"
    )
    settings.OIDC_PROVIDER_NAME = "KS Entra ID"
    return provider_url


def sign_in_at_provider(authorize_url: str, *, password: str = provider.PASSWORD) -> str:
    """Play the browser at the provider: log in there; return where it sends us back."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=True, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
    response = browser.post(
        response.url,
        {
            "csrfmiddlewaretoken": token,
            "username": provider.USERNAME,
            "password": password,
            "next": parse_qs(urlsplit(response.url).query)["next"][0],
        },
        headers={"Referer": response.url},
        allow_redirects=False,
        timeout=10,
    )
    # Logged in at the provider: on to its authorize endpoint, which sends us back with a code.
    while response.status_code == 302 and not response.headers["Location"].startswith(CALLBACK):
        response = browser.get(
            requests.compat.urljoin(response.url, response.headers["Location"]),
            allow_redirects=False,
            timeout=10,
        )
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]


def sign_in(client, next_url: str = "/staff/revisjonslogg/"):
    start = client.get(reverse("accounts:oidc_start"), {"next": next_url})
    assert start.status_code == 302
    back = sign_in_at_provider(start["Location"])
    parts = urlsplit(back)
    return client.get(parts.path, parse_qs(parts.query))


def test_the_login_page_offers_single_sign_on_only_when_it_is_configured(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert "Logg inn med" not in client.get("/admin/login/").content.decode()
    assert client.get(reverse("accounts:oidc_start")).status_code == 404

    settings.OIDC_RP_CLIENT_ID = "ekommune"
    settings.OIDC_PROVIDER_NAME = "KS Entra ID"
    page = client.get("/admin/login/?next=/admin/").content.decode()
    assert "Logg inn med KS Entra ID" in page
    assert 'href="/oidc/authenticate/?next=/admin/"' in page
    assert 'name="password"' in page  # local passwords stay possible


def test_a_new_staff_member_signs_in_and_gets_the_roles_of_their_groups(client, sso):
    response = sign_in(client)

    assert response.status_code == 302
    assert response["Location"] == "/staff/revisjonslogg/"
    user = get_user_model().objects.get(username=provider.EMAIL)
    assert user.is_staff and not user.is_superuser
    assert user.email == provider.EMAIL
    assert sorted(user.groups.values_list("name", flat=True)) == [
        "Analytiker",
        "Personopplysninger",
    ]
    assert client.session["_auth_user_id"] == str(user.pk)
    granted = AuditEvent.objects.get(action=actions.ROLE_GRANTED)
    assert granted.details["groups"] == ["Analytiker", "Personopplysninger"]
    assert granted.actor_name == "single sign-on (KS Entra ID)"


def test_groups_the_provider_no_longer_lists_are_taken_away_at_the_next_sign_in(client, sso):
    user = builders.make_staff(username=provider.EMAIL, email=provider.EMAIL)
    leader, _ = Group.objects.get_or_create(name="Undersøkelsesansvarlig")
    local = Group.objects.create(name="Gitt for hånd")
    user.groups.add(leader, local)

    sign_in(client)

    assert sorted(user.groups.values_list("name", flat=True)) == [
        "Analytiker",
        "Gitt for hånd",
        "Personopplysninger",
    ]


def test_a_person_in_no_mapped_group_is_refused(client, sso, settings):
    settings.OIDC_GROUP_MAP = "ks-andre=Analytiker"

    response = sign_in(client)

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?sso=feil"
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(username=provider.EMAIL).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Innloggingen gjennom identitetsleverandøren mislyktes" in page


def test_the_providers_multi_factor_sign_in_counts_as_second_factor_only_when_trusted(
    client, sso, settings
):
    personal, _ = Group.objects.get_or_create(name="Personopplysninger")
    personal.permissions.add(
        Permission.objects.get(codename="export_personal_data"),
        Permission.objects.get(codename="view_dashboard"),
    )
    dashboard = reverse("surveys:dashboard_waves")

    settings.OIDC_TRUST_IDP_MFA = False
    sign_in(client)
    assert client.get(dashboard)["Location"].startswith(reverse("accounts:two_factor_verify"))

    client.logout()
    settings.OIDC_TRUST_IDP_MFA = True
    sign_in(client)
    assert client.get(dashboard).status_code == 200


def test_a_tampered_callback_is_refused(client, sso):
    start = client.get(reverse("accounts:oidc_start"))
    back = urlsplit(sign_in_at_provider(start["Location"]))
    query = parse_qs(back.query)
    query["state"] = ["forged"]

    response = client.get(back.path, query)

    assert "_auth_user_id" not in client.session
    assert response.status_code in {302, 400}
