"""Admin for what respondents and the mail queue leave behind: answer sets (read only, with
reopening), personal links (issue and revoke), and read-only logs of exports and mail.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit import actions as audit_actions
from audit.services import audit_record
from surveys.answering.links import invitation_link_issue, invitation_link_revoke, invitation_url
from surveys.answering.services import ServiceError, response_reopen
from surveys.models import (
    AccessToken,
    AnswerSet,
    ExportJob,
    MailRound,
    OutboundMessage,
)

# --- Answer sets (read only) ---------------------------------------------------------------


@admin.register(AnswerSet)
class AnswerSetAdmin(admin.ModelAdmin):
    """Answers are given by the organisations; the admin only lists them."""

    list_display = ["organisation", "wave", "status", "submitted_at", "updated_at", "history"]
    list_filter = ["wave", "status"]
    list_select_related = ["organisation", "wave"]
    search_fields = ["organisation__name", "organisation__number"]
    ordering = ["wave", "organisation__number"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("historikk"))
    def history(self, answer_set: AnswerSet) -> str:
        url = reverse("privacy:answer_set_history", args=[answer_set.pk])
        return format_html('<a href="{}">{}</a>', url, _("Endringshistorikk"))

    def has_change_permission(self, request: HttpRequest, obj: AnswerSet | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AnswerSet | None = None) -> bool:
        return False

    actions = ["reopen_answer_sets"]

    def has_reopen_permission(self, request: HttpRequest) -> bool:
        # Reopening changes the answer set's state, so it needs the model's change permission
        # even though the admin never edits answers directly.
        return request.user.has_perm("surveys.change_answerset")

    @admin.action(description=_("Åpne valgte svarsett for endringer"), permissions=["reopen"])
    def reopen_answer_sets(self, request: HttpRequest, queryset: QuerySet) -> None:
        reopened = 0
        for answer_set in queryset.filter(status=AnswerSet.Status.SUBMITTED):
            response_reopen(answer_set=answer_set, user=request.user)
            self.log_change(request, answer_set, _("Åpnet for endringer."))
            reopened += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d svarsett er åpnet for endringer.",
                "%(count)d svarsett er åpnet for endringer.",
                reopened,
            )
            % {"count": reopened},
            messages.SUCCESS if reopened else messages.WARNING,
        )


# --- Personal links ------------------------------------------------------------------------


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    """Personal invitation links: revoke (ends sessions at once) or issue a new one.

    Only the hash is stored, so an existing link can never be shown again; re-issuing creates
    a new link that is shown once to the administrator.
    """

    list_display = ["contact", "organisation", "wave", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["wave", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["contact__organisation", "wave"]
    search_fields = ["contact__email", "contact__name", "contact__organisation__name"]
    readonly_fields = [
        "contact",
        "wave",
        "created_at",
        "created_by",
        "invited_by",
        "last_used_at",
        "revoked_at",
    ]
    exclude = ["token_hash"]
    actions = ["revoke_links", "reissue_links"]

    @admin.display(description=_("organisasjon"), ordering="contact__organisation__number")
    def organisation(self, token: AccessToken) -> str:
        return str(token.contact.organisation)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Trekk tilbake valgte lenker"), permissions=["change"])
    def revoke_links(self, request: HttpRequest, queryset: QuerySet) -> None:
        tokens = list(queryset.filter(revoked_at__isnull=True))
        revoked = AccessToken.objects.filter(
            pk__in=[token.pk for token in tokens], revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        for token in tokens:
            self.log_change(request, token, _("Lenken er trukket tilbake."))
        if revoked:
            audit_record(
                action=audit_actions.LINK_REVOKED,
                details={"tokens": [token.pk for token in tokens]},
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d lenke er trukket tilbake.",
                "%(count)d lenker er trukket tilbake.",
                revoked,
            )
            % {"count": revoked},
        )

    @admin.action(
        description=_("Lag nye lenker (de gamle trekkes tilbake)"), permissions=["change"]
    )
    def reissue_links(self, request: HttpRequest, queryset: QuerySet) -> None:
        pairs = {
            (token.contact, token.wave) for token in queryset.select_related("contact", "wave")
        }
        for contact, wave in sorted(pairs, key=lambda pair: (pair[1].pk, pair[0].pk)):
            try:
                invitation_link_revoke(contact=contact, wave=wave)
                raw = invitation_link_issue(contact=contact, wave=wave, created_by=request.user)
            except ServiceError as error:
                self.message_user(request, f"{contact}: {error.message}", messages.ERROR)
                continue
            self.log_change(
                request, contact, _("Ny lenke laget for %(wave)s.") % {"wave": wave.slug}
            )
            self.message_user(
                request,
                _("Ny lenke for %(contact)s (%(wave)s): %(url)s")
                % {"contact": contact, "wave": wave.slug, "url": invitation_url(raw)},
            )


# --- Read-only logs ---------------------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


# --- Export log (read only) ----------------------------------------------------------------


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    """Who exported what and when: the log is evidence, so nobody edits or deletes it here."""

    list_display = [
        "created_at",
        "requested_by",
        "wave",
        "layout",
        "format",
        "include_personal_data",
        "status",
        "rows_written",
    ]
    list_filter = ["wave", "layout", "format", "include_personal_data", "status"]
    list_select_related = ["requested_by", "wave"]
    date_hierarchy = "created_at"
    exclude = ["file_path"]


# --- Mail (read only: sending happens from the dashboard and the commands) ----------------


@admin.register(MailRound)
class MailRoundAdmin(ReadOnlyAdmin):
    list_display = ["wave", "kind", "number", "trigger", "days_before_closing", "created_at"]
    list_filter = ["wave", "kind", "trigger"]
    list_select_related = ["wave"]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    """Every message with its state; failed addresses are what an operator comes here for."""

    list_display = ["to_email", "organisation", "kind", "round", "state", "attempts", "sent_at"]
    list_filter = ["wave", "kind", "state"]
    list_select_related = ["organisation", "round__wave"]
    search_fields = ["to_email", "organisation__name", "organisation__number"]
