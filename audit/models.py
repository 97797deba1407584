from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import actions


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit row."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events are append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit events are append-only")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events are append-only")


class AuditEvent(models.Model):
    """One staff action. Written once, never changed (PostgreSQL enforces it with a trigger).

    The actor is kept as an id and a name, not a foreign key: the row must outlive the user
    and never be touched by a cascade. Rows hold no contact names or addresses (contacts are
    named by id), so erasing a person never needs to change the trail.
    """

    class Via(models.TextChoices):
        WEB = "web", _("nettleser")
        COMMAND = "command", _("kommandolinjen")
        TASK = "task", _("bakgrunnsjobb")
        SYSTEM = "system", _("systemet")

    at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    actor_id = models.IntegerField(_("bruker-id"), null=True, blank=True, db_index=True)
    actor_name = models.CharField(_("utført av"), max_length=150, blank=True)
    via = models.CharField(_("via"), max_length=10, choices=Via.choices, default=Via.SYSTEM)
    action = models.CharField(_("handling"), max_length=64, db_index=True)
    target_type = models.CharField(_("objekttype"), max_length=100, blank=True)
    target_id = models.CharField(_("objekt-id"), max_length=64, blank=True)
    target_label = models.CharField(_("objekt"), max_length=300, blank=True)
    details = models.JSONField(_("detaljer"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("hendelse i revisjonsloggen")
        verbose_name_plural = _("revisjonslogg")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events are append-only")

    @property
    def action_label(self) -> str:
        return actions.label(self.action)
