"""Reads for the staff pages of the yearly cycle. Never write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from municipalities.models import Contact, Organisation, RegisterEdition, Upload
from surveys import mail_texts
from surveys.models import (
    AnswerSet,
    MailKind,
    MailRound,
    MailTextKind,
    MailTextLanguage,
    Wave,
    WaveMailText,
)
from surveys.outreach.selectors import Figures, summary_rates, targeted_organisations
from surveys.roles import ROLES


@dataclass
class Action:
    label: str
    url_name: str
    # "wave": the URL takes the wave's slug.
    needs: str = "wave"
    primary: bool = False


@dataclass
class WaveRow:
    wave: Wave
    figures: Figures
    invited: bool
    actions: list[Action] = field(default_factory=list)


def _next_actions(wave: Wave, invited: bool) -> list[Action]:
    if wave.status == Wave.Status.DRAFT:
        return [
            Action(gettext_lazy("E-posttekster"), "surveys:staff_mail_texts"),
            Action(gettext_lazy("Forhåndsvis"), "surveys:staff_wave_preview"),
            Action(gettext_lazy("Åpne runden"), "surveys:staff_wave_open", primary=True),
        ]
    if wave.status == Wave.Status.OPEN:
        actions = [
            Action(
                gettext_lazy("Send påminnelse") if invited else gettext_lazy("Send invitasjoner"),
                "surveys:dashboard",
                primary=True,
            ),
            Action(gettext_lazy("Lukk runden"), "surveys:staff_wave_close"),
        ]
        return actions
    if wave.results_published_at is None:
        return [
            Action(
                gettext_lazy("Publiser resultatene"), "surveys:staff_wave_publish", primary=True
            ),
            Action(gettext_lazy("Gjenåpne"), "surveys:staff_wave_reopen"),
        ]
    return [Action(gettext_lazy("Resultater"), "surveys:results_index", primary=True)]


def staff_home_waves(waves: list[Wave] | None = None) -> list[WaveRow]:
    """Every wave (or those given), newest first, with response figures and next actions."""
    if waves is None:
        waves = list(Wave.objects.select_related("edition").order_by("-year", "slug"))
    invited = set(
        MailRound.objects.filter(kind=MailKind.INVITATION).values_list("wave_id", flat=True)
    )
    rows = []
    for wave in waves:
        # One aggregate query per wave; KS has one or two waves a year.
        by_kind = summary_rates(wave).by_kind
        figures = sum(by_kind.values(), Figures())
        rows.append(
            WaveRow(
                wave=wave,
                figures=figures,
                invited=wave.pk in invited,
                actions=_next_actions(wave, wave.pk in invited),
            )
        )
    return rows


@dataclass
class CloseSummary:
    never_started: list[Organisation]
    not_submitted: list[Organisation]
    submitted: int
    total: int


def close_summary(wave: Wave) -> CloseSummary:
    """Who has not submitted: never started, and started without submitting."""
    statuses = dict(AnswerSet.objects.filter(wave=wave).values_list("organisation_id", "status"))
    organisations = list(targeted_organisations(wave).order_by("kind", "number"))
    never = [org for org in organisations if org.pk not in statuses]
    started = [org for org in organisations if statuses.get(org.pk) == AnswerSet.Status.IN_PROGRESS]
    submitted = sum(1 for status in statuses.values() if status == AnswerSet.Status.SUBMITTED)
    return CloseSummary(never, started, submitted, len(organisations))


# --- Mail texts ---------------------------------------------------------------------------------


@dataclass
class MailTextRow:
    kind: str
    kind_label: str
    language: str
    language_label: str
    own: WaveMailText | None


def mail_text_overview(wave: Wave) -> list[MailTextRow]:
    """Each kind and language, with the wave's own text where it has one."""
    own = {(text.kind, text.language): text for text in wave.mail_texts.all()}
    return [
        MailTextRow(kind, kind_label, language, language_label, own.get((kind, language)))
        for kind, kind_label in MailTextKind.choices
        for language, language_label in MailTextLanguage.choices
    ]


def mail_text_current(*, wave: Wave, kind: str, language: str) -> tuple[str, str, bool]:
    """(subject, body, whether it is the wave's own text) for the editor."""
    own = mail_texts.mail_text_for(wave=wave, kind=kind, language=language)
    if own is not None:
        return own.subject, own.body, True
    subject, body = mail_texts.default_text(kind, language)
    return subject, body, False


def _example_context(wave: Wave, kind: str) -> dict[str, Any]:
    from django.conf import settings

    closes_at = wave.closes_at or (timezone.now() + dt.timedelta(days=30))
    common = {"help_contact": wave.help_contact, "support_email": settings.SUPPORT_EMAIL}
    if kind == MailTextKind.RECEIPT:
        answer_set = SimpleNamespace(
            submitted_at=timezone.now(),
            submitted_by=SimpleNamespace(name="Kari Nordmann", email="kari@example.no"),
        )
        return {
            **common,
            "wave": wave,
            "organisation": SimpleNamespace(name="Eksempel kommune"),
            "answer_set": answer_set,
            "progress": None,
        }
    return {
        **common,
        "contact_name": "Kari Nordmann",
        "organisation_name": "Eksempel kommune",
        "wave_title": wave.title,
        "link": f"{settings.SITE_URL}/i/eksempel/",
        "closes_at": closes_at,
        "sections_answered": 3,
        "sections_total": wave.sections.count(),
    }


def mail_text_preview(
    *,
    wave: Wave,
    kind: str,
    language: str,
    subject: str | None = None,
    body: str | None = None,
) -> tuple[str, str, str]:
    """(subject, text, html) with example values: the given text, or the current one."""
    if subject is None or body is None:
        subject, body, _own = mail_text_current(wave=wave, kind=kind, language=language)
    with translation.override(language):
        return mail_texts.render_text(
            subject=subject, body=body, kind=kind, context=_example_context(wave, kind)
        )


# --- Register and contacts ----------------------------------------------------------------------


def editions_overview() -> QuerySet[RegisterEdition]:
    """Register editions, newest first, with counts of organisations and contacts."""
    return RegisterEdition.objects.annotate(
        organisation_count=Count("organisations", distinct=True),
        contact_count=Count(
            "organisations__contacts",
            filter=Q(organisations__contacts__is_active=True),
            distinct=True,
        ),
        review_count=Count(
            "organisations__contacts",
            filter=Q(organisations__contacts__needs_review=True),
            distinct=True,
        ),
        wave_count=Count("waves", distinct=True),
    ).order_by("-year")


def recent_uploads(limit: int = 10) -> QuerySet[Upload]:
    return Upload.objects.select_related("created_by")[:limit]


CONTACT_FILTERS = {
    "": gettext_lazy("Alle"),
    "mangler": gettext_lazy("Uten aktive kontaktpersoner"),
    "kontroll": gettext_lazy("Må kontrolleres"),
}


def organisations_with_contacts(
    *, edition: RegisterEdition, show: str = "", query: str = ""
) -> QuerySet[Organisation]:
    """An edition's organisations with their active and to-be-checked contact counts."""
    organisations = Organisation.objects.filter(edition=edition).annotate(
        active_contacts=Count("contacts", filter=Q(contacts__is_active=True)),
        review_contacts=Count("contacts", filter=Q(contacts__needs_review=True)),
    )
    if query:
        organisations = organisations.filter(Q(name__icontains=query) | Q(number=query))
    if show == "mangler":
        organisations = organisations.filter(active_contacts=0)
    elif show == "kontroll":
        organisations = organisations.filter(review_contacts__gt=0)
    return organisations.order_by("kind", "number")


def organisation_contacts(organisation: Organisation) -> QuerySet[Contact]:
    return organisation.contacts.order_by("-is_active", "name", "email")


# --- Roles --------------------------------------------------------------------------------------


@dataclass
class RoleRow:
    name: str
    description: str
    members: list[Any]


@dataclass
class PersonRow:
    user: Any
    roles: set[str]


def roles_overview() -> tuple[list[RoleRow], list[PersonRow]]:
    """The roles with their members, and every active user with the roles they have."""
    groups = {
        group.name: group
        for group in Group.objects.filter(name__in=[role.name for role in ROLES]).prefetch_related(
            "user_set"
        )
    }
    roles = [
        RoleRow(
            role.name,
            str(role.description),
            sorted(groups[role.name].user_set.all(), key=lambda user: user.username)
            if role.name in groups
            else [],
        )
        for role in ROLES
    ]
    users = get_user_model().objects.filter(is_active=True).prefetch_related("groups")
    people = [
        PersonRow(user, {group.name for group in user.groups.all()})
        for user in users.order_by("username")
    ]
    return roles, people
