"""Register and contacts files uploaded in the browser: receive, check and preview, import.

An upload is checked completely before anything is written: every problem is kept with its
file and line and shown, and the register is untouched until a person has seen the preview
and confirmed. Large files are checked and imported by the worker (`tasks.py`), which stores
its progress on the row; the page polls it.
"""

from __future__ import annotations

import shutil
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from audit import actions
from audit.services import audit_record

from . import importers
from .correspondence import bundled_change_list, correspondence_link_editions, read_change_list
from .models import Contact, OrganisationKind, RegisterEdition, SizeClass, Upload, size_class_for
from .services import contacts_read, contacts_upsert, register_import
from .tabular import ImportFailed, Issues

REGISTER_FILES = ("counties", "municipalities")
CONTACT_FILES = ("contacts",)
PREVIEW_ROWS = 200


def upload_receive(
    *,
    kind: str,
    year: int,
    files: dict[str, UploadedFile],
    name: str = "",
    created_by: Any = None,
) -> Upload:
    """Store uploaded files on disk and record the upload; checks nothing yet."""
    directory = Path(settings.UPLOAD_DIR) / uuid.uuid4().hex
    directory.mkdir(parents=True, exist_ok=True)
    stored = {}
    for role, uploaded in files.items():
        # One folder per role: two files with the same name must not overwrite each other,
        # and problems name the file as the person uploaded it.
        filename = get_valid_filename(Path(uploaded.name or role).name) or role
        (directory / role).mkdir()
        with open(directory / role / filename, "wb") as out:
            for chunk in uploaded.chunks():
                out.write(chunk)
        stored[role] = f"{role}/{filename}"
    return Upload.objects.create(
        kind=kind,
        year=year,
        name=name,
        files=stored,
        directory=str(directory),
        created_by=created_by,
    )


def upload_size(upload: Upload) -> int:
    return sum(path.stat().st_size for path in _paths(upload).values() if path.exists())


def _paths(upload: Upload) -> dict[str, Path]:
    return {role: Path(upload.directory) / name for role, name in upload.files.items()}


def _progress(upload: Upload, percent: int) -> None:
    Upload.objects.filter(pk=upload.pk).update(progress=percent)


def _problems(failed: ImportFailed) -> list[dict[str, Any]]:
    # Show the name the person uploaded, never the path on the server.
    return [
        {"file": Path(issue.file).name, "line": issue.line, "message": issue.message}
        for issue in failed.issues
    ]


def upload_check(*, upload_id: int) -> Upload | None:
    """Check an upload and store its preview or its problems; safe to run twice."""
    claimed = Upload.objects.filter(pk=upload_id, state=Upload.State.RECEIVED).update(
        state=Upload.State.CHECKING, progress=5
    )
    if not claimed:
        return None
    upload = Upload.objects.get(pk=upload_id)
    try:
        if upload.kind == Upload.Kind.REGISTER:
            preview = _register_preview(upload)
        else:
            preview = _contacts_preview(upload)
    except ImportFailed as failed:
        upload.state = Upload.State.REJECTED
        upload.problems = _problems(failed)
        upload.problem_total = failed.total
        _discard_files(upload)
    else:
        upload.state = Upload.State.CHECKED
        upload.preview = preview
    upload.progress = 100
    upload.save(update_fields=["state", "problems", "problem_total", "preview", "progress"])
    return upload


def upload_import_request(*, upload_id: int) -> bool:
    """Mark a checked upload for import by the worker; False if it was not waiting for it."""
    return bool(
        Upload.objects.filter(pk=upload_id, state=Upload.State.CHECKED).update(
            state=Upload.State.IMPORTING, progress=0
        )
    )


def upload_import(*, upload_id: int) -> Upload | None:
    """Import a checked upload (after the person confirmed it); safe to run twice."""
    # Directly after the confirmation, or requested for the worker (progress still 0).
    waiting = Q(state=Upload.State.CHECKED) | Q(state=Upload.State.IMPORTING, progress=0)
    claimed = Upload.objects.filter(waiting, pk=upload_id).update(
        state=Upload.State.IMPORTING, progress=5
    )
    if not claimed:
        return None
    upload = Upload.objects.get(pk=upload_id)
    paths = _paths(upload)
    try:
        with transaction.atomic():
            if upload.kind == Upload.Kind.REGISTER:
                result = _register_import(upload, paths)
            else:
                read = contacts_read(year=upload.year, path=paths["contacts"])
                _progress(upload, 50)
                imported = contacts_upsert(entries=read.entries)
                result = {
                    "created": imported.created,
                    "updated": imported.updated,
                    "unchanged": imported.unchanged,
                }
                audit_record(
                    action=actions.CONTACTS_IMPORTED,
                    target=read.edition,
                    actor=upload.created_by,
                    details={"upload": upload.pk, **result},
                )
    except ImportFailed as failed:
        # The files changed under us or the register changed since the check.
        upload.state = Upload.State.FAILED
        upload.problems = _problems(failed)
        upload.problem_total = failed.total
    else:
        upload.state = Upload.State.DONE
        upload.result = result
    upload.progress = 100
    upload.save(update_fields=["state", "problems", "problem_total", "result", "progress"])
    _discard_files(upload)
    return upload


def _discard_files(upload: Upload) -> None:
    shutil.rmtree(upload.directory, ignore_errors=True)


# --- Register ----------------------------------------------------------------------------------


def _register_import(upload: Upload, paths: dict[str, Path]) -> dict[str, Any]:
    imported = register_import(
        year=upload.year,
        counties_path=paths["counties"],
        municipalities_path=paths["municipalities"],
        name=upload.name or None,
    )
    _progress(upload, 70)
    edition = imported.edition
    result: dict[str, Any] = {
        "edition_id": edition.pk,
        "kommuner_created": imported.kommuner.created,
        "kommuner_updated": imported.kommuner.updated,
        "fylkeskommuner_created": imported.fylkeskommuner.created,
        "counties_created": imported.counties.created,
        "linked_to": None,
    }
    previous = RegisterEdition.objects.filter(year__lt=edition.year).order_by("-year").first()
    if previous is not None:
        correspondence = correspondence_link_editions(earlier=previous, later=edition)
        result["linked_to"] = previous.year
        result["links"] = correspondence.links.count()
    return result


def _register_preview(upload: Upload) -> dict[str, Any]:
    paths = _paths(upload)
    data = importers.read_register(
        counties_path=paths["counties"], municipalities_path=paths["municipalities"]
    )
    _progress(upload, 50)
    counties = {county.number: county for county in data.counties}
    per_county: Counter[str] = Counter(m.county_number for m in data.municipalities)
    sizes = Counter(size_class_for(m.population) for m in data.municipalities)
    preview: dict[str, Any] = {
        "year": upload.year,
        "replaces": RegisterEdition.objects.filter(year=upload.year).exists(),
        "kommuner": len(data.municipalities),
        "fylkeskommuner": sum(1 for c in data.counties if c.has_county_municipality),
        "counties": [
            {
                "number": county.number,
                "name": county.name,
                "kommuner": per_county[county.number],
                "population": county.population,
            }
            for county in data.counties
        ],
        "size_classes": [
            {"label": str(size_class.label), "count": sizes.get(size_class, 0)}
            for size_class in SizeClass
        ],
        "population": sum(m.population for m in data.municipalities),
    }
    preview["changes"] = _changes_against_previous(upload, data, counties)
    return preview


def _label(number: str, name: str) -> str:
    return f"{number} {name}"


def _changes_against_previous(
    upload: Upload, data: importers.RegisterData, counties: dict
) -> dict[str, Any] | None:
    previous = RegisterEdition.objects.filter(year__lt=upload.year).order_by("-year").first()
    if previous is None:
        return None
    earlier = {
        org.number: org.name for org in previous.organisations.filter(kind=OrganisationKind.KOMMUNE)
    }
    later = {m.number: m.name for m in data.municipalities}
    bundled = bundled_change_list(previous.year, upload.year)
    changes: dict[str, Any] = {
        "previous_year": previous.year,
        "method": "change_list" if bundled else "number",
        "new": [],
        "merged": [],
        "renamed": [],
        "renumbered": [],
        "gone": [],
    }
    if bundled:
        issues = Issues()
        rows = read_change_list(
            bundled[0],
            kind=OrganisationKind.KOMMUNE,
            earlier_year=previous.year,
            later_year=upload.year,
            issues=issues,
        )
        sources: dict[str, list[str]] = defaultdict(list)
        for row in rows:
            if row.later_number not in later or row.earlier_number not in earlier:
                continue
            earlier_label = _label(row.earlier_number, earlier[row.earlier_number])
            sources[row.later_number].append(earlier_label)
            later_label = _label(row.later_number, later[row.later_number])
            tokens = row.change.split("+")
            if "renamed" in tokens:
                changes["renamed"].append({"later": later_label, "earlier": earlier_label})
            elif tokens == ["renumbered"]:
                changes["renumbered"].append({"later": later_label, "earlier": earlier_label})
        for number in sorted(later):
            found = sources.get(number, [])
            if not found:
                changes["new"].append(_label(number, later[number]))
            elif len(found) > 1:
                changes["merged"].append(
                    {"later": _label(number, later[number]), "earlier": sorted(found)}
                )
    else:
        for number in sorted(later):
            if number not in earlier:
                changes["new"].append(_label(number, later[number]))
            elif earlier[number] != later[number]:
                changes["renamed"].append(
                    {
                        "later": _label(number, later[number]),
                        "earlier": _label(number, earlier[number]),
                    }
                )
        changes["gone"] = [_label(n, earlier[n]) for n in sorted(earlier) if n not in later]
    return changes


# --- Contacts ----------------------------------------------------------------------------------


def _contacts_preview(upload: Upload) -> dict[str, Any]:
    read = contacts_read(year=upload.year, path=_paths(upload)["contacts"])
    _progress(upload, 60)
    existing = {
        (contact.organisation_id, contact.email): contact
        for contact in Contact.objects.filter(organisation__edition=read.edition)
    }
    counts: Counter[str] = Counter()
    rows = []
    for entry in read.entries:
        contact = existing.get((entry.organisation.pk, entry.email))
        if contact is None:
            action = "create"
        elif (entry.name or contact.name, entry.role or contact.role) != (
            contact.name,
            contact.role,
        ):
            action = "update"
        else:
            action = "unchanged"
        counts[action] += 1
        if len(rows) < PREVIEW_ROWS:
            rows.append(
                {
                    "organisation": _label(entry.organisation.number, entry.organisation.name),
                    "name": entry.name,
                    "email": entry.email,
                    "role": entry.role,
                    "action": action,
                }
            )
    return {
        "year": upload.year,
        "contacts": len(read.entries),
        "organisations": len({entry.organisation.pk for entry in read.entries}),
        "create": counts["create"],
        "update": counts["update"],
        "unchanged": counts["unchanged"],
        "merged_in_file": read.merged_in_file,
        "rows": rows,
        "notes": [_("Bare de første %(count)s linjene vises.") % {"count": PREVIEW_ROWS}]
        if len(read.entries) > PREVIEW_ROWS
        else [],
    }
