"""Project middleware."""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)


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


class RetryDroppedConnectionMiddleware:
    """Run a GET or HEAD view once more when its database connection was dropped under it.

    A connection terminated by the server (restart, failover, pg_terminate_backend, a pooler
    recycling it) fails the request that was using it; Django's health checks only help the
    next request. Reads are safe to repeat, so a GET or HEAD whose connection is gone gets one
    more try on a fresh connection. Writes are never repeated: a POST may have committed before
    the connection dropped, and repeating it could save or send twice; it fails as before, and
    the respondent pages keep what was typed.
    """

    RETRIED = "_ekommune_db_retried"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.method not in {"GET", "HEAD"} or getattr(request, self.RETRIED, False):
            return None
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        dropped = [alias for alias in connections if _connection_dropped(connections[alias])]
        if not dropped:
            return None  # a query error, a lock timeout: not ours to retry
        for alias in dropped:
            connections[alias].close()
        setattr(request, self.RETRIED, True)
        logger.warning("Database connection dropped during %s; retrying once", request.path)
        match = request.resolver_match
        return match.func(request, *match.args, **match.kwargs)


def _connection_dropped(connection) -> bool:
    if connection.connection is None or connection.in_atomic_block:
        return False
    try:
        return not connection.is_usable()
    except Exception:  # noqa: BLE001 - a connection that cannot even be asked is gone
        return True
