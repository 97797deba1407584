"""No cache keeps staff pages or files with answers: `Cache-Control: private, no-store`.

The test walks every URL pattern under /staff/ and /admin/, so a new staff page is checked the
day it is added.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from surveys.analysis.export_jobs import export_job_run
from surveys.models import ExportJob, MailRound
from surveys.outreach import services as outreach
from tests import builders
from tests.surveys.results_data import build_wave

pytestmark = pytest.mark.django_db

PRIVATE_PREFIXES = ("staff/", "admin/")


def _patterns(resolvers=None, prefix="", namespace=""):
    """(route as text, full name or None, converter names) of every pattern."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield route.lstrip("^"), name, list(entry.pattern.regex.groupindex)


def private_routes():
    return [
        (route, name, params)
        for route, name, params in _patterns()
        if route.startswith(PRIVATE_PREFIXES)
    ]


@pytest.fixture
def world(client, tmp_path, settings):
    settings.EXPORT_DIR = tmp_path / "exports"
    settings.EXPORT_SYNC_MAX_ROWS = 0  # every export is a job with a download page
    data = build_wave()
    admin = builders.make_staff(is_superuser=True)
    contact = builders.make_contact(organisation=data.wave.edition.organisations.first())
    outreach.invitations_queue(wave=data.wave, now=timezone.now(), user=admin)
    builders.sign_in_verified(client, admin)
    client.post(
        reverse("surveys:export", args=[data.wave.slug]),
        {"layout": "wide", "format": "csv", "delimiter": ",", "bom": ""},
    )
    return data, admin, contact, ExportJob.objects.get()


def _value(param: str, data, admin, contact, job) -> str:
    values = {
        "slug": data.wave.slug,
        "key": data.yes_no.key,
        "chart": "size_class",
        "fmt": "svg",
        "pk": str(job.pk),
        "kind": MailRound.objects.first().kind,
        "number": str(MailRound.objects.first().number),
        "app_label": "surveys",
        "object_id": str(data.wave.pk),
        "content_type_id": "1",
        "id": str(admin.pk),
        "url": "no-such-page/",
        "language": "nb",
        "section_key": data.wave.sections.first().key,
        "year": str(data.wave.edition.year),
    }
    return values[param]


def test_the_walk_finds_the_staff_pages_and_the_admin():
    names = {name for _route, name, _params in private_routes()}

    assert {
        "surveys:dashboard_status_csv",
        "surveys:results_report_pdf",
        "surveys:export_job_download",
        "surveys:results_prize",
        "admin:index",
        "admin:surveys_wave_changelist",
    } <= names


def test_every_staff_and_admin_response_is_private_and_never_stored(client, world):
    data, admin, contact, job = world
    builders.sign_in_verified(client, admin)
    device = TOTPDevice.objects.get(user=admin)
    checked = 0
    for route, name, params in private_routes():
        kwargs = {param: _value(param, data, admin, contact, job) for param in params}
        if name in ("surveys:staff_organisation", "surveys:organisation_report_staff"):
            kwargs["number"] = contact.organisation.number
        if "otp_totp" in route:
            # django-otp's admin pages for a device's QR code expect a device that exists.
            kwargs.update({key: str(device.pk) for key in ("pk", "object_id") if key in kwargs})
        if name:
            url = reverse(name, kwargs=kwargs)
        else:  # the admin's catch-all
            url = "/" + re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m, kw=kwargs: kw[m.group(1)], route)
            url = url.rstrip("$")
        for method in (client.get, client.head):
            response = method(url)
            directives = {
                part.strip() for part in response.get("Cache-Control", "").lower().split(",")
            }
            assert {"private", "no-store"} <= directives, (url, response.status_code)
            assert "public" not in directives, url
        checked += 1
    assert checked == len(private_routes()) > 40


def test_file_downloads_are_private_too(client, world):
    data, admin, contact, job = world
    builders.sign_in_verified(client, admin)
    export_job_run(job_id=job.pk)
    downloads = [
        reverse("surveys:dashboard_status_csv", args=[data.wave.slug]),
        reverse("surveys:export_job_download", args=[job.pk]),
        reverse(
            "surveys:results_chart", args=[data.wave.slug, data.yes_no.key, "size_class", "csv"]
        ),
    ]
    for url in downloads:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.has_header("Content-Disposition"), url
        assert {"private", "no-store"} <= {
            part.strip() for part in response["Cache-Control"].split(",")
        }, url


def test_a_download_elsewhere_is_private_and_public_pages_keep_their_caching():
    from django.http import HttpResponse

    from ekommune.middleware import PrivateCacheMiddleware

    def download(request):
        response = HttpResponse("a;b", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="a.csv"'
        response["Cache-Control"] = "public, max-age=600, s-maxage=600"
        return response

    from django.test import RequestFactory

    response = PrivateCacheMiddleware(download)(RequestFactory().get("/filer/a.csv"))
    page = PrivateCacheMiddleware(lambda request: HttpResponse("hei"))(RequestFactory().get("/"))

    assert response["Cache-Control"] == "max-age=0, private, no-store"
    assert not page.has_header("Cache-Control")
