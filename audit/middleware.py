from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.models import AuditEvent
from audit.services import acting


class AuditActorMiddleware:
    """Audit rows written while handling a request name the signed-in user as the actor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting(via=AuditEvent.Via.WEB, user=_RequestUser(request), name="anonym"):
            return self.get_response(request)


class _RequestUser:
    """request.user, read only when a row is written (most requests write none)."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    @property
    def _user(self):
        return getattr(self._request, "user", None)

    @property
    def is_authenticated(self) -> bool:
        user = self._user
        return bool(user is not None and user.is_authenticated)

    @property
    def pk(self):
        return self._user.pk

    def get_username(self) -> str:
        return self._user.get_username()
