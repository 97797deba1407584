"""The staff roles: Django groups with fixed names and the permissions each one gives.

The names are stable on purpose: an identity provider's groups are mapped onto them. The data
migration `0008_cycle_staff_roles` creates the groups with these permissions; a test checks
that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    name: str
    description: str
    permissions: tuple[str, ...]


ROLES: tuple[Role, ...] = (
    Role(
        "Undersøkelsesansvarlig",
        _(
            "Kjører rundene: oppretter neste års runde, laster opp register og kontaktpersoner, "
            "redigerer e-posttekster, åpner, inviterer, minner på, lukker og publiserer."
        ),
        (
            "surveys.manage_waves",
            "surveys.view_dashboard",
            "surveys.send_mail",
            "surveys.view_results",
            "municipalities.manage_register",
        ),
    ),
    Role(
        "Analytiker",
        _("Ser resultater, rapport og priskandidater og eksporterer svar uten personopplysninger."),
        ("surveys.view_results", "surveys.export_responses"),
    ),
    Role(
        "Personopplysninger",
        _("Eksporterer svar og statuslister med kontaktpersoners navn og e-post."),
        (
            "surveys.export_responses",
            "surveys.export_personal_data",
            "surveys.view_exportjob",
        ),
    ),
    Role(
        "Lesetilgang",
        _("Ser svarprosent og resultater, men endrer ingenting."),
        ("surveys.view_dashboard", "surveys.view_results"),
    ),
)

ROLE_NAMES = tuple(role.name for role in ROLES)


def roles_ensure() -> list:
    """Create the role groups that are missing and give each exactly its permissions.

    The data migration does this once; this is for databases emptied since (test databases
    flushed between tests) and for repairing a group edited by hand in the admin.
    """
    from django.contrib.auth.models import Group, Permission

    groups = []
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.name)
        wanted = []
        for label in role.permissions:
            app_label, codename = label.split(".")
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)
        groups.append(group)
    return groups
