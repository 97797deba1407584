"""Two-factor authentication (django-otp, TOTP) for staff who may see personal data.

The rule lives here and is applied to every staff page by `surveys.staff_access`: a user who
holds one of `TWO_FACTOR_PERMISSIONS`, or any permission of the apps in `TWO_FACTOR_APPS`,
must have confirmed a TOTP code in this session.
"""

from __future__ import annotations

import base64
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import actions
from audit.services import audit_record

DEVICE_NAME = "TOTP"


def needs_second_factor(user: Any) -> bool:
    """Whether this user may see personal data and so must confirm a second factor."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    permissions = user.get_all_permissions()
    if any(permission in permissions for permission in settings.TWO_FACTOR_PERMISSIONS):
        return True
    apps = tuple(f"{app}." for app in settings.TWO_FACTOR_APPS)
    return bool(apps) and any(permission.startswith(apps) for permission in permissions)


IDP_MFA_SESSION_KEY = "accounts_idp_mfa"


def remember_idp_mfa(request: HttpRequest, *, claims: dict) -> None:
    """At single sign-on: when trusted (`OIDC_TRUST_IDP_MFA`), a provider that says it used
    multi-factor authentication (`amr` holds "mfa") counts as the second factor."""
    methods = claims.get("amr") or []
    if settings.OIDC_TRUST_IDP_MFA and "mfa" in methods:
        request.session[IDP_MFA_SESSION_KEY] = True


def is_verified(request: HttpRequest) -> bool:
    if request.session.get(IDP_MFA_SESSION_KEY):
        return True
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_device(user: Any) -> TOTPDevice:
    """The user's unconfirmed device, made on first visit; its key stays until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key as an authenticator app asks for it when typed in (base32, in groups of 4)."""
    text = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as inline SVG, made on the server (no external service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def seconds_to_wait(device: TOTPDevice | None) -> int:
    """How long django-otp's throttling refuses codes after wrong ones (0: try now)."""
    if device is None:
        return 0
    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return 0
    return max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)


@transaction.atomic
def device_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Confirm an enrolment with the first code; the session counts as verified."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    otp_login(request, device)
    audit_record(
        action=actions.TWO_FACTOR_ENROLLED,
        target=device.user,
        target_label=device.user.get_username(),
    )
    return True


def session_verify(*, request: HttpRequest, token: str) -> bool:
    """Check a code against the user's device; the session counts as verified when it fits."""
    device = confirmed_device(request.user)
    if device is None or not device.verify_token(token):
        return False
    otp_login(request, device)
    return True
