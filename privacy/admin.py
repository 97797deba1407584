"""Admin: the statements' texts and each wave's retention period."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from privacy.models import Statement, WaveRetention
from privacy.statements import LANGUAGES, default_text


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    """Administrators edit the published text; a new one starts from the bundled default."""

    list_display = ["kind", "updated_at", "updated_by"]
    fields = ["kind", "body_nb", "body_nn", "body_en", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, str]:
        initial = super().get_changeform_initial_data(request)
        kind = initial.get("kind") or Statement.Kind.PRIVACY
        initial["kind"] = kind
        for language in LANGUAGES:
            initial[f"body_{language}"] = default_text(kind, language)
        return initial

    def save_model(self, request: HttpRequest, obj: Statement, form, change: bool) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(WaveRetention)
class WaveRetentionAdmin(admin.ModelAdmin):
    list_display = ["wave", "months", "pseudonymised_at"]
    list_select_related = ["wave"]
    fields = ["wave", "months", "pseudonymised_at", "pseudonymised_counts"]
    readonly_fields = ["pseudonymised_at", "pseudonymised_counts"]

    def get_readonly_fields(self, request: HttpRequest, obj: WaveRetention | None = None):
        # Once pseudonymised, the period no longer matters: keep the record as it is.
        if obj is not None and obj.pseudonymised_at:
            return ["wave", "months", *self.readonly_fields]
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: WaveRetention | None = None):
        return False
