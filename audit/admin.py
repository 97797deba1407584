"""The audit trail in the admin: read only. And a mixin that audits a model admin's edits."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from audit import actions
from audit.models import AuditEvent
from audit.services import audit_record


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "via", "action", "target_type", "target_label"]
    list_filter = ["action", "via", "target_type"]
    search_fields = ["actor_name", "target_label", "target_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedAdminMixin:
    """Every add, change and delete made through this model admin writes one audit row
    (next to the admin's own LogEntry, which the admin's history pages show)."""

    audit_added_action = actions.QUESTIONNAIRE_EDITED
    audit_changed_action = actions.QUESTIONNAIRE_EDITED
    audit_deleted_action = actions.QUESTIONNAIRE_EDITED

    def _audit(self, action: str, obj: Model, change: str, message: Any) -> None:
        audit_record(
            action=action,
            target=obj,
            details={
                "model": obj._meta.label_lower,
                "change": change,
                "message": message if isinstance(message, str | list) else str(message),
            },
        )

    def log_addition(self, request: HttpRequest, obj: Model, message: Any):
        entry = super().log_addition(request, obj, message)
        self._audit(self.audit_added_action, obj, "added", message)
        return entry

    def log_change(self, request: HttpRequest, obj: Model, message: Any):
        entry = super().log_change(request, obj, message)
        self._audit(self.audit_changed_action, obj, "changed", message)
        return entry

    def log_action_history(self, request: HttpRequest, obj: Model, message: Any):
        """The admin's history entry for an admin action whose service already wrote its own
        audit row (opening a wave, say): a LogEntry only, so the action counts once."""
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any):
        objects = list(queryset)
        entries = super().log_deletions(request, queryset)
        for obj in objects:
            self._audit(self.audit_deleted_action, obj, "deleted", "")
        return entries
