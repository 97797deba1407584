"""Personal links: issuing, revoking and opening them.

A link carries 32 random bytes (256 bits) and is stored only as its SHA-256, so the database
never holds a working link; the raw token is shown once, in the e-mail or to the operator.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import actions
from audit.services import audit_record
from municipalities.models import Contact, Organisation
from surveys.answering.errors import ServiceError
from surveys.models import AccessToken, Wave

TOKEN_BYTES = 32


def token_hash(raw_token: str) -> str:
    """The SHA-256 (hex) under which a raw link token is stored."""
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def invitation_url(raw_token: str) -> str:
    """The absolute address of a personal link (SITE_URL + /i/<token>/)."""
    return f"{settings.SITE_URL}{reverse('surveys:link', args=[raw_token])}"


def check_wave_targets(*, wave: Wave, organisation: Organisation) -> None:
    """Refuse an organisation of another register edition or of a kind the wave skips."""
    if organisation.edition_id != wave.edition_id or not wave.targets(organisation.kind):
        raise ServiceError(
            _("Denne organisasjonen er ikke med i undersøkelsen."), code="not_targeted"
        )


def invitation_link_issue(
    *,
    contact: Contact,
    wave: Wave,
    created_by: Any = None,
    invited_by: Contact | None = None,
    now: datetime | None = None,
) -> str:
    """Create a personal link for this contact and wave; returns the raw token (shown once)."""
    check_wave_targets(wave=wave, organisation=contact.organisation)
    if not contact.is_active:
        raise ServiceError(_("Kontaktpersonen er deaktivert."), code="inactive_contact")
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    AccessToken.objects.create(
        contact=contact,
        wave=wave,
        token_hash=token_hash(raw),
        created_at=now or timezone.now(),
        created_by=created_by,
        invited_by=invited_by,
    )
    audit_record(
        action=actions.LINK_ISSUED, target=contact, actor=created_by, details={"wave": wave.slug}
    )
    return raw


def invitation_link_revoke(*, contact: Contact, wave: Wave, now: datetime | None = None) -> int:
    """Revoke every link of this contact in this wave; their sessions end on the next request."""
    revoked = AccessToken.objects.filter(
        contact=contact, wave=wave, revoked_at__isnull=True
    ).update(revoked_at=now or timezone.now())
    audit_record(
        action=actions.LINK_REVOKED, target=contact, details={"wave": wave.slug, "links": revoked}
    )
    return revoked


def access_token_use(*, raw_token: str, now: datetime | None = None) -> AccessToken:
    """Resolve an opened link; raises ServiceError(code='invalid'|'closed')."""
    now = now or timezone.now()
    token = (
        AccessToken.objects.usable()
        .select_related("contact__organisation", "wave")
        .filter(token_hash=token_hash(raw_token))
        # One row at most: without order_by() the model's ordering would join and sort
        # four more tables for nothing.
        .order_by()
        .first()
    )
    if token is None:
        raise ServiceError(
            _("Lenken er ugyldig eller trukket tilbake. Be om en ny lenke fra KS."),
            code="invalid",
        )
    if not token.wave.is_open(now):
        raise ServiceError(
            _("Undersøkelsen er ikke åpen for svar nå. Lenken virker bare mens den er åpen."),
            code="closed",
        )
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    return token
