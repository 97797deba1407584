"""Writing the audit trail: `audit_record(...)`, and who is acting in this request or process."""

from __future__ import annotations

import contextlib
import contextvars
import getpass
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models

from audit.models import AuditEvent


@dataclass(frozen=True)
class Acting:
    """Who acts in the current request, task or command (set by the middleware and signals)."""

    via: str
    user: Any = None
    name: str = ""


_acting: contextvars.ContextVar[Acting | None] = contextvars.ContextVar(
    "audit_acting", default=None
)


@contextlib.contextmanager
def acting(*, via: str, user: Any = None, name: str = "") -> Iterator[None]:
    """Attribute the audit rows written inside the block to this user or process."""
    token = _acting.set(Acting(via=via, user=user, name=name))
    try:
        yield
    finally:
        _acting.reset(token)


def _process_acting() -> Acting:
    """Outside a request or task: a management command (by its name and the OS user) or the
    system itself."""
    argv = sys.argv
    if argv and argv[0].endswith(("manage.py", "django-admin")) and len(argv) > 1:
        try:
            os_user = getpass.getuser()
        except (KeyError, OSError):
            os_user = "?"
        return Acting(via=AuditEvent.Via.COMMAND, name=f"manage.py {argv[1]} ({os_user})")
    return Acting(via=AuditEvent.Via.SYSTEM, name="system")


def _label(target: models.Model) -> str:
    # Models that hold personal data name themselves without it (`audit_label`).
    return str(getattr(target, "audit_label", None) or target)


def _target_fields(target: models.Model | None, label: str | None) -> dict[str, str]:
    if target is None:
        return {"target_type": "", "target_id": "", "target_label": label or ""}
    return {
        "target_type": target._meta.label_lower,
        "target_id": str(target.pk),
        "target_label": (label if label is not None else _label(target))[:300],
    }


def audit_record(
    *,
    action: str,
    target: models.Model | None = None,
    target_label: str | None = None,
    details: dict[str, Any] | None = None,
    actor: Any = None,
) -> AuditEvent:
    """Append one row to the audit trail; the actor defaults to whoever acts in this context.

    `actor` is a user or a user id; without it, the user of the current request.
    Call it inside the transaction of the action, so that a rolled-back action leaves no row.
    Never pass contact names or e-mail addresses (name contacts by id): the trail cannot be
    erased. `target_label` replaces `str(target)` where that would hold personal data.
    """
    context = _acting.get() or _process_acting()
    user = actor if actor is not None else context.user
    if isinstance(user, int):
        user = get_user_model().objects.filter(pk=user).first()
    if user is not None and getattr(user, "is_authenticated", False):
        actor_id, actor_name = user.pk, user.get_username()
    else:
        actor_id, actor_name = None, context.name or "system"
    return AuditEvent.objects.create(
        actor_id=actor_id,
        actor_name=actor_name[:150],
        via=context.via,
        action=action,
        details=details or {},
        **_target_fields(target, target_label),
    )
