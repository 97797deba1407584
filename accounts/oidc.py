"""Staff single sign-on through OpenID Connect (mozilla-django-oidc), configured from settings.

Off unless `OIDC_RP_CLIENT_ID` is set. The endpoints come from the issuer's discovery document
(`OIDC_ISSUER`) unless configured one by one. The user is found by one claim
(`OIDC_USERNAME_CLAIM`, its value is the user name), and the identity provider's groups
(`OIDC_GROUPS_CLAIM`) give the user our groups by `OIDC_GROUP_MAP` at every sign-in. Only a
person in at least one mapped group (or an existing superuser) may sign in.
"""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts import two_factor
from audit.models import AuditEvent
from audit.services import acting

# Our setting -> the discovery document's key.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
DISCOVERY_CACHE_SECONDS = 3600


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def group_map() -> dict[str, str]:
    """`OIDC_GROUP_MAP` ("idp=ours;idp2=ours2") as a dict; fails loudly on a malformed pair."""
    mapping: dict[str, str] = {}
    for pair in (settings.OIDC_GROUP_MAP or "").split(";"):
        if not pair.strip():
            continue
        idp_name, sep, ours = pair.partition("=")
        if not sep or not idp_name.strip() or not ours.strip():
            raise ImproperlyConfigured(
                f"OIDC_GROUP_MAP: {pair!r} is not 'identity provider group=our group'."
            )
        mapping[idp_name.strip()] = ours.strip()
    return mapping


def discovery() -> dict[str, Any]:
    """The issuer's OpenID configuration, fetched once an hour per cache."""
    issuer = settings.OIDC_ISSUER
    key = f"oidc-discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration",
            timeout=settings.OIDC_TIMEOUT,
            verify=settings.OIDC_VERIFY_SSL,
        )
        response.raise_for_status()
        document = response.json()
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def oidc_setting(attr: str, *args: Any) -> Any:
    """A mozilla-django-oidc setting, with endpoints from discovery when not configured."""
    if attr in DISCOVERED and not getattr(settings, attr, "") and settings.OIDC_ISSUER:
        return discovery()[DISCOVERED[attr]]
    return import_from_settings(attr, *args)


def _claim_values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """Signs staff in with the identity provider's code flow; nothing when OIDC is off."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if oidc_enabled():
            super().__init__(*args, **kwargs)
        else:
            from django.contrib.auth import get_user_model

            self.UserModel = get_user_model()

    get_settings = staticmethod(oidc_setting)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any):
        if not oidc_enabled():
            return None
        return super().authenticate(request, **kwargs)

    def get_userinfo(self, access_token: str, id_token: str, payload: dict) -> dict:
        # Entra ID puts groups in the ID token only: merge its claims under the userinfo's.
        return {**payload, **super().get_userinfo(access_token, id_token, payload)}

    def _username(self, claims: dict) -> str:
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or "").strip()

    def describe_user_by_claims(self, claims: dict) -> str:
        return f"{settings.OIDC_USERNAME_CLAIM} {self._username(claims)}"

    def verify_claims(self, claims: dict) -> bool:
        return bool(self._username(claims))

    def filter_users_by_claims(self, claims: dict):
        return self.UserModel.objects.filter(username__iexact=self._username(claims))

    def create_user(self, claims: dict):
        groups = self._mapped_groups(claims)
        if not groups:
            raise SuspiciousOperation("no mapped group: not a staff member of this service")
        user = self.UserModel.objects.create_user(
            self._username(claims)[:150], email=claims.get("email", "")
        )
        return self._sync(user, claims, groups)

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None:
            two_factor.remember_idp_mfa(self.request, claims=payload)
        return user

    def update_user(self, user, claims: dict):
        groups = self._mapped_groups(claims)
        if not groups and not user.is_superuser:
            raise SuspiciousOperation("no mapped group: not a staff member of this service")
        return self._sync(user, claims, groups)

    def _mapped_groups(self, claims: dict) -> list[Group]:
        mapping = group_map()
        names = {
            mapping[g]
            for g in _claim_values(claims.get(settings.OIDC_GROUPS_CLAIM))
            if g in mapping
        }
        groups = []
        for name in sorted(names):
            # Roles are normally created by a data migration; a missing one is made here.
            group, _created = Group.objects.get_or_create(name=name)
            groups.append(group)
        return groups

    @transaction.atomic
    def _sync(self, user, claims: dict, groups: list[Group]):
        """Give the mapped groups and take away mapped groups the provider no longer lists;
        groups given by hand outside the mapping stay."""
        managed = set(group_map().values())
        current = {group.name: group for group in user.groups.all()}
        wanted = {group.name: group for group in groups}
        to_remove = [g for name, g in current.items() if name in managed and name not in wanted]
        to_add = [g for name, g in wanted.items() if name not in current]
        # The audit trail names the sign-in, not the person, as the one who changed the roles.
        with acting(via=AuditEvent.Via.WEB, name=f"single sign-on ({settings.OIDC_PROVIDER_NAME})"):
            if to_remove:
                user.groups.remove(*to_remove)
            if to_add:
                user.groups.add(*to_add)
        changed = []
        if not user.is_staff:
            user.is_staff = True
            changed.append("is_staff")
        email = claims.get("email", "")
        if email and user.email != email:
            user.email = email
            changed.append("email")
        if changed:
            user.save(update_fields=changed)
        return user


class SignInStart(OIDCAuthenticationRequestView):
    """Sends the browser to the identity provider; 404 while single sign-on is off."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if oidc_enabled():
            super().__init__(*args, **kwargs)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class SignInCallback(OIDCAuthenticationCallbackView):
    """Where the identity provider sends the browser back; 404 while single sign-on is off."""

    get_settings = staticmethod(oidc_setting)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)
