"""Writes to the register: importing a year's register and contact persons.

Both imports read and check the whole input first (`importers.py`) and write nothing when any
line is wrong; the writes run in one transaction and touch only rows whose values differ, so a
second run of the same files reports nothing created and nothing changed.
"""

from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import actions
from audit.services import audit_record

from . import contacts_importer, importers
from .models import Contact, County, Organisation, OrganisationKind, RegisterEdition
from .tabular import ImportFailed, Issues, read_table

__all__ = [
    "ContactEntry",
    "ContactsImportResult",
    "EntityCounts",
    "ImportFailed",
    "RegisterImportResult",
    "contacts_import",
    "contacts_read",
    "contacts_upsert",
    "register_import",
]


@dataclass
class EntityCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows of the edition that the file no longer lists: kept (they may have answers and
    # contacts), reported so that an operator can remove them in the admin if they are wrong.
    not_in_file: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated


@dataclass
class RegisterImportResult:
    edition: RegisterEdition
    edition_created: bool
    edition_updated: bool
    counties: EntityCounts
    kommuner: EntityCounts
    fylkeskommuner: EntityCounts
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return (
            self.counties.changed
            + self.kommuner.changed
            + self.fylkeskommuner.changed
            + int(self.edition_created or self.edition_updated)
        )


def _sync(
    model: type[models.Model],
    existing: dict[Any, models.Model],
    desired: dict[Any, dict[str, Any]],
) -> EntityCounts:
    """Create missing rows and update differing ones in bulk; leave equal rows untouched."""
    counts = EntityCounts()
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    changed_fields: set[str] = set()
    now = timezone.now()
    for key, values in desired.items():
        obj = existing.get(key)
        if obj is None:
            to_create.append(model(**values))
            continue
        differing = [name for name, value in values.items() if getattr(obj, name) != value]
        if not differing:
            counts.unchanged += 1
            continue
        for name in differing:
            setattr(obj, name, values[name])
        # bulk_update() does not apply auto_now.
        obj.updated_at = now
        changed_fields.update(differing)
        to_update.append(obj)
    model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields | {"updated_at"}))
    counts.created = len(to_create)
    counts.updated = len(to_update)
    counts.not_in_file = len(set(existing) - set(desired))
    return counts


# Years a register edition can have; anything else is a typo in --year.
YEARS = range(1900, 2101)


def _check_year(year: int, file: str) -> None:
    if year not in YEARS:
        issues = Issues()
        issues.add(
            file,
            None,
            _("ugyldig år %(year)s: skal være mellom %(first)s og %(last)s")
            % {"year": year, "first": YEARS[0], "last": YEARS[-1]},
        )
        issues.raise_if_any()


def register_import(
    *,
    year: int,
    counties_path: Path,
    municipalities_path: Path,
    population_path: Path | None = None,
    name: str | None = None,
    source: str | None = None,
    encoding: str | None = None,
) -> RegisterImportResult:
    """Import (or refresh) one year's counties, kommuner and fylkeskommuner from files.

    Raises ImportFailed, with every problem found, before anything is written.
    """
    _check_year(year, str(municipalities_path))
    if name and len(name) > 200:
        issues = Issues()
        issues.add("--name", None, _("navnet er for langt (høyst 200 tegn)"))
        issues.raise_if_any()
    data = importers.read_register(
        counties_path=counties_path,
        municipalities_path=municipalities_path,
        population_path=population_path,
        encoding=encoding,
    )
    with transaction.atomic():
        result = _write_register(data, year=year, name=name, source=source)
        audit_record(
            action=actions.REGISTER_IMPORTED,
            target=result.edition,
            details={
                "files": [
                    str(p) for p in (counties_path, municipalities_path, population_path) if p
                ],
                "edition_created": result.edition_created,
                "counties": asdict(result.counties),
                "kommuner": asdict(result.kommuner),
                "fylkeskommuner": asdict(result.fylkeskommuner),
            },
        )
    result.notes = data.notes
    return result


def _write_register(
    data: importers.RegisterData, *, year: int, name: str | None, source: str | None
) -> RegisterImportResult:
    edition, edition_created, edition_updated = _edition_write(
        year=year,
        name=name,
        source=source,
        population_date=importers.register_population_date(data),
    )
    county_counts = _sync(
        County,
        {county.number: county for county in edition.counties.all()},
        {row.number: _county_values(edition, row) for row in data.counties},
    )
    counties = {county.number: county for county in edition.counties.all()}
    existing = {(org.kind, org.number): org for org in edition.organisations.all()}
    kommuner = {
        (OrganisationKind.KOMMUNE, row.number): _organisation_values(
            edition,
            OrganisationKind.KOMMUNE,
            row,
            counties[row.county_number],
            name=row.name,
            name_alt=row.name_alt,
            population_status=row.population_status,
        )
        for row in data.municipalities
    }
    fylkeskommuner = {
        (OrganisationKind.FYLKESKOMMUNE, row.number): _organisation_values(
            edition,
            OrganisationKind.FYLKESKOMMUNE,
            row,
            counties[row.number],
            name=_("%(county)s fylkeskommune") % {"county": row.name},
        )
        for row in data.counties
        if row.has_county_municipality
    }
    kommune_counts = _sync(
        Organisation,
        {key: org for key, org in existing.items() if key[0] == OrganisationKind.KOMMUNE},
        kommuner,
    )
    fylkeskommune_counts = _sync(
        Organisation,
        {key: org for key, org in existing.items() if key[0] == OrganisationKind.FYLKESKOMMUNE},
        fylkeskommuner,
    )
    return RegisterImportResult(
        edition=edition,
        edition_created=edition_created,
        edition_updated=edition_updated,
        counties=county_counts,
        kommuner=kommune_counts,
        fylkeskommuner=fylkeskommune_counts,
    )


def _edition_write(
    *, year: int, name: str | None, source: str | None, population_date: date | None
) -> tuple[RegisterEdition, bool, bool]:
    """The year's edition, locked, created or brought up to date: (edition, created, updated)."""
    edition = RegisterEdition.objects.select_for_update().filter(year=year).first()
    if edition is None:
        edition = RegisterEdition.objects.create(
            year=year,
            name=name or _("Kommuneregister %(year)s") % {"year": year},
            population_date=population_date,
            source=source or "",
        )
        return edition, True, False
    wanted = {"population_date": population_date}
    if name:
        wanted["name"] = name
    if source is not None:
        wanted["source"] = source
    differing = [key for key, value in wanted.items() if getattr(edition, key) != value]
    if not differing:
        return edition, False, False
    for key in differing:
        setattr(edition, key, wanted[key])
    edition.save(update_fields=[*differing, "updated_at"])
    return edition, False, True


def _county_values(edition: RegisterEdition, row: importers.CountyRow) -> dict[str, Any]:
    return {
        "edition_id": edition.pk,
        "number": row.number,
        "name": row.name,
        "has_county_municipality": row.has_county_municipality,
        "population": row.population,
        "population_date": row.population_date,
        "source": row.source,
    }


def _organisation_values(
    edition: RegisterEdition,
    kind: str,
    row: importers.CountyRow | importers.MunicipalityRow,
    county: County,
    *,
    name: str,
    name_alt: str = "",
    population_status: str = "",
) -> dict[str, Any]:
    """A kommune from its row, or a fylkeskommune from its county's row (same number,
    population and source)."""
    # Foreign keys by id: comparing related objects would load one per row.
    return {
        "edition_id": edition.pk,
        "kind": kind,
        "number": row.number,
        "county_id": county.pk,
        "name": name,
        "name_alt": name_alt,
        "population": row.population,
        "population_date": row.population_date,
        "population_status": population_status,
        "source": row.source,
    }


# --- Contacts ----------------------------------------------------------------------------------


@dataclass
class ContactEntry:
    """One contact person to create or update; e-mail already normalised."""

    organisation: Organisation
    email: str
    name: str = ""
    role: str = ""


@dataclass
class ContactsImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows of the file that repeated an organisation + e-mail of an earlier row.
    merged_in_file: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.created + self.updated


@dataclass
class ContactsRead:
    """A contacts file read and checked against the register: what an import would write."""

    edition: RegisterEdition
    entries: list[ContactEntry]
    merged_in_file: int
    notes: list[str]


def contacts_read(*, year: int, path: Path, encoding: str | None = None) -> ContactsRead:
    """Read and check a contacts file (CSV or XLSX) of one register year; write nothing.

    Raises ImportFailed with every problem found.
    """
    _check_year(year, str(path))
    issues = Issues()
    edition = RegisterEdition.objects.filter(year=year).first()
    if edition is None:
        issues.add(
            str(path),
            None,
            _("det finnes ingen registerutgave for %(year)s: importer registeret først")
            % {"year": year},
        )
        issues.raise_if_any()
    table = read_table(path, encoding=encoding, issues=issues)
    rows = contacts_importer.parse_contacts(table, issues) if table else []
    organisations = {org.number: org for org in Organisation.objects.filter(edition=edition)}
    entries: dict[tuple[int, str], ContactEntry] = {}
    merged = 0
    for row in rows:
        organisation = organisations.get(row.number)
        if organisation is None:
            issues.add(
                str(path),
                row.line,
                _("ukjent organisasjon «%(number)s»: den står ikke i registeret for %(year)s")
                % {"number": row.number, "year": year},
            )
            continue
        key = (organisation.pk, row.email)
        if key in entries:
            # The same person twice in the file: later non-empty values win.
            merged += 1
            earlier = entries[key]
            earlier.name = row.name or earlier.name
            earlier.role = row.role or earlier.role
            continue
        entries[key] = ContactEntry(organisation, row.email, row.name, row.role)
    issues.raise_if_any()
    notes = []
    if table and table.encoding not in ("utf-8", "xlsx"):
        notes.append(
            _("Leste %(file)s som %(encoding)s.") % {"file": path, "encoding": table.encoding}
        )
    return ContactsRead(edition, list(entries.values()), merged, notes)


def contacts_import(*, year: int, path: Path, encoding: str | None = None) -> ContactsImportResult:
    """Import contact persons of one register year from a CSV or XLSX file; merge, never double.

    Raises ImportFailed, with every problem found, before anything is written.
    """
    read = contacts_read(year=year, path=path, encoding=encoding)
    with transaction.atomic():
        result = contacts_upsert(entries=read.entries)
        audit_record(
            action=actions.CONTACTS_IMPORTED,
            target=read.edition,
            details={
                "file": str(path),
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
    result.merged_in_file = read.merged_in_file
    result.notes.extend(read.notes)
    return result


@transaction.atomic
def contacts_upsert(*, entries: list[ContactEntry]) -> ContactsImportResult:
    """Create or update contacts by (organisation, e-mail); empty names/roles erase nothing."""
    result = ContactsImportResult()
    organisation_ids = {entry.organisation.pk for entry in entries}
    existing = {
        (contact.organisation_id, contacts_importer.normalise_email(contact.email)): contact
        for contact in Contact.objects.filter(organisation_id__in=organisation_ids)
    }
    to_create: list[Contact] = []
    to_update: list[Contact] = []
    now = timezone.now()
    for entry in entries:
        email = contacts_importer.normalise_email(entry.email)
        contact = existing.get((entry.organisation.pk, email))
        if contact is None:
            to_create.append(
                Contact(
                    organisation=entry.organisation, email=email, name=entry.name, role=entry.role
                )
            )
            continue
        wanted = {
            "email": email,
            "name": entry.name or contact.name,
            "role": entry.role or contact.role,
        }
        if all(getattr(contact, key) == value for key, value in wanted.items()):
            result.unchanged += 1
            continue
        for key, value in wanted.items():
            setattr(contact, key, value)
        contact.updated_at = now
        to_update.append(contact)
    Contact.objects.bulk_create(to_create)
    if to_update:
        Contact.objects.bulk_update(to_update, ["email", "name", "role", "updated_at"])
    result.created = len(to_create)
    result.updated = len(to_update)
    return result


# --- Carrying contacts into a new edition ------------------------------------------------------


@dataclass
class CarryPlan:
    """What carrying contacts from one edition into the next would do (or did)."""

    earlier: RegisterEdition
    later: RegisterEdition
    to_copy: int = 0
    already_there: int = 0
    flagged: int = 0
    organisations_receiving: int = 0
    organisations_without_contacts: int = 0
    # [(later organisation, [earlier organisations])] for merged organisations.
    merged: list[tuple[Organisation, list[Organisation]]] = field(default_factory=list)
    linked: bool = True


def _carry(earlier: RegisterEdition, later: RegisterEdition) -> tuple[CarryPlan, list[Contact]]:
    from .selectors import main_successors

    plan = CarryPlan(earlier=earlier, later=later)
    successors = main_successors(earlier=earlier, later=later)
    plan.linked = bool(successors)
    later_orgs = {org.pk: org for org in later.organisations.all()}
    earlier_orgs = {org.pk: org for org in earlier.organisations.all()}
    predecessors: dict[int, list[Organisation]] = {}
    for earlier_id, (later_id, _changes) in successors.items():
        predecessors.setdefault(later_id, []).append(earlier_orgs[earlier_id])
    existing = set(
        Contact.objects.filter(organisation__edition=later).values_list("organisation_id", "email")
    )
    contacts_by_org: dict[int, list[Contact]] = {}
    for contact in Contact.objects.filter(organisation__edition=earlier, is_active=True):
        contacts_by_org.setdefault(contact.organisation_id, []).append(contact)
    new: list[Contact] = []
    for later_id, sources in sorted(
        predecessors.items(), key=lambda item: later_orgs[item[0]].number
    ):
        organisation = later_orgs[later_id]
        merged = len(sources) > 1
        if merged:
            plan.merged.append((organisation, sorted(sources, key=lambda org: org.number)))
        received = False
        for source in sorted(sources, key=lambda org: org.number):
            for contact in contacts_by_org.get(source.pk, []):
                key = (later_id, contact.email)
                if key in existing:
                    plan.already_there += 1
                    continue
                existing.add(key)
                received = True
                note = ""
                if merged:
                    note = _(
                        "Overført fra %(number)s %(name)s (%(year)s), som ble slått sammen"
                    ) % {
                        "number": source.number,
                        "name": source.name,
                        "year": earlier.year,
                    }
                    plan.flagged += 1
                new.append(
                    Contact(
                        organisation=organisation,
                        email=contact.email,
                        name=contact.name,
                        role=contact.role,
                        needs_review=merged,
                        review_note=note,
                    )
                )
        plan.organisations_receiving += int(received)
    plan.to_copy = len(new)
    with_contacts = {org_id for org_id, _email in existing}
    plan.organisations_without_contacts = sum(1 for pk in later_orgs if pk not in with_contacts)
    return plan, new


def contacts_carry_plan(*, earlier: RegisterEdition, later: RegisterEdition) -> CarryPlan:
    """What `contacts_carry_forward` would do; leaves the database as it was.

    Editions not linked yet are linked inside a savepoint that is rolled back, so the plan
    shows what linking and carrying together will do.
    """
    from .correspondence import correspondence_link_editions

    if later.correspondences_from_earlier.filter(earlier=earlier).exists():
        return _carry(earlier, later)[0]
    with transaction.atomic():
        correspondence_link_editions(earlier=earlier, later=later)
        plan = _carry(earlier, later)[0]
        plan.linked = False
        transaction.set_rollback(True)
    return plan


@transaction.atomic
def contacts_carry_forward(*, earlier: RegisterEdition, later: RegisterEdition) -> CarryPlan:
    """Copy the active contacts of `earlier` to the organisations that succeed theirs in `later`.

    Each earlier organisation's contacts go to its main successor (the correspondence);
    contacts that land in a merged organisation are flagged for review. Contacts already in
    the later edition are left as they are, so running it twice copies nothing twice.
    """
    plan, new = _carry(earlier, later)
    Contact.objects.bulk_create(new)
    return plan


class ContactError(Exception):
    """A contact edit that cannot be made; the message says why."""


def _check_free_email(organisation: Organisation, email: str, exclude: int | None) -> None:
    clash = Contact.objects.filter(organisation=organisation, email=email)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ContactError(
            _("%(email)s er allerede kontaktperson for %(organisation)s.")
            % {"email": email, "organisation": organisation.name}
        )


@transaction.atomic
def contact_create(
    *, organisation: Organisation, email: str, name: str = "", role: str = ""
) -> Contact:
    """Add a contact person to an organisation."""
    email = contacts_importer.normalise_email(email)
    _check_free_email(organisation, email, None)
    return Contact.objects.create(organisation=organisation, email=email, name=name, role=role)


@transaction.atomic
def contact_update(
    *,
    contact: Contact,
    email: str,
    name: str,
    role: str,
    is_active: bool,
    needs_review: bool,
) -> Contact:
    """Change a contact person; deactivating keeps the row (and its history), sends nothing."""
    email = contacts_importer.normalise_email(email)
    _check_free_email(contact.organisation, email, contact.pk)
    contact.email = email
    contact.name = name
    contact.role = role
    contact.is_active = is_active
    contact.needs_review = needs_review
    if not needs_review:
        contact.review_note = ""
    contact.save()
    return contact
