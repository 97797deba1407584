"""Project middleware."""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Bokmål unless the person has chosen nynorsk or English with the language switch.

    The browser's Accept-Language is ignored on purpose: many municipal employees have an
    English operating system, and the survey's working language is Norwegian. The choice is
    remembered in the language cookie that Django's set_language view writes.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SessionRenewalMiddleware:
    """Renew the expiry of a session in use, but write it at most once a minute.

    Like SESSION_SAVE_EVERY_REQUEST (a session lives SESSION_COOKIE_AGE after its last
    use, give or take SESSION_RENEW_SECONDS) without a database write on every request.
    Goes right after SessionMiddleware, which saves the session this marks as modified.
    """

    RENEWED_KEY = "_renewed"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        interval = min(settings.SESSION_RENEW_SECONDS, settings.SESSION_COOKIE_AGE // 10)
        now = int(time.time())
        renewed = session.get(self.RENEWED_KEY)
        if not isinstance(renewed, int) or now - renewed >= interval:
            session[self.RENEWED_KEY] = now
        return response


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on staff pages, the admin and every file download.

    Staff pages show answers with free text, names and e-mail addresses, and files (exports,
    the report, the status list) hold the same: no browser or proxy cache may keep a copy.
    One place instead of a decorator per view, so a new staff page cannot forget it; it also
    covers the admin, login redirects and error pages under those paths. Goes near the top of
    MIDDLEWARE so that it sees the final response.
    """

    PRIVATE_PATH_PREFIXES = ("/staff/", "/admin/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(self.PRIVATE_PATH_PREFIXES) or is_download(response):
            make_private(response)
        return response


def is_download(response: HttpResponse) -> bool:
    return response.has_header("Content-Disposition")


def make_private(response: HttpResponse) -> None:
    """Forbid every cache from storing the response (and drop any shared-cache lifetime)."""
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    directives = [
        part.strip()
        for part in response["Cache-Control"].split(",")
        if not part.strip().lower().startswith("s-maxage")
    ]
    response["Cache-Control"] = ", ".join(directives)
