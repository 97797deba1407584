"""Audit rows that no service call can write: group membership (roles) of users changes in the
admin, in the shell and at single sign-on alike; and Celery tasks act as themselves."""

from __future__ import annotations

from typing import Any

from celery import signals as celery_signals
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from audit import actions
from audit.models import AuditEvent
from audit.services import Acting, _acting, audit_record

User = get_user_model()


def _record_roles(action: str, user: Any, group_names: list[str]) -> None:
    if group_names:
        audit_record(
            action=action,
            target=user,
            target_label=user.get_username(),
            details={"groups": sorted(group_names)},
        )


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit_role_changes")
def audit_role_changes(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set | None, **kwargs: Any
) -> None:
    """One row per user and change: groups granted, or groups revoked."""
    if action == "pre_clear":
        # post_clear does not say what was removed: remember it now.
        instance._audit_cleared = (
            list(instance.user_set.all()) if reverse else list(instance.groups.all())
        )
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    verb = actions.ROLE_GRANTED if action == "post_add" else actions.ROLE_REVOKED
    if action == "post_clear":
        cleared = getattr(instance, "_audit_cleared", [])
        pairs = (
            [(user, [instance.name]) for user in cleared]
            if reverse
            else [(instance, [group.name for group in cleared])]
        )
    elif reverse:
        # group.user_set.add(...): instance is the group, pk_set the users.
        pairs = [(user, [instance.name]) for user in User.objects.filter(pk__in=pk_set or ())]
    else:
        names = list(Group.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
        pairs = [(instance, names)]
    for user, names in pairs:
        _record_roles(verb, user, names)


_task_tokens: dict[str, Any] = {}


@celery_signals.task_prerun.connect(dispatch_uid="audit_task_prerun")
def audit_task_starts(task_id: str, task: Any, **kwargs: Any) -> None:
    _task_tokens[task_id] = _acting.set(
        Acting(via=AuditEvent.Via.TASK, name=f"task {getattr(task, 'name', '?')}")
    )


@celery_signals.task_postrun.connect(dispatch_uid="audit_task_postrun")
def audit_task_ends(task_id: str, **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            _acting.reset(token)
        except ValueError:  # finished in another context (thread pools)
            _acting.set(None)
