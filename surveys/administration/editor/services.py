"""Saving a changed questionnaire: validated as a definition file, loaded by the loader's rules,
recorded as a version."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from surveys.administration.editor.changes import document_changes
from surveys.administration.editor.documents import Document, read_document
from surveys.definitions import (
    DefinitionError,
    definition_from_data,
    export_definition,
    load_definition,
)
from surveys.models import QuestionnaireVersion, Wave


def _record(
    *, wave: Wave, user: AbstractBaseUser | None, action: str, text: str, changes: list
) -> QuestionnaireVersion:
    number = (wave.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return QuestionnaireVersion.objects.create(
        wave=wave,
        number=number,
        created_by=user if user is not None and user.is_authenticated else None,
        action=action[:300],
        changes=changes,
        definition=text,
    )


def questionnaire_save(
    *, wave: Wave, document: Document, user: AbstractBaseUser | None, action: str
) -> QuestionnaireVersion | None:
    """Validate `document` as a definition file of this wave and load it with the loader's
    rules (answers are never lost or re-mapped); record a version. All or nothing: a
    refusal raises DefinitionError with the loader's messages and changes nothing.
    Returns None when the document is the wave as it is.
    """
    if wave.status == Wave.Status.CLOSED:
        raise DefinitionError(
            [_("Runden «%(slug)s» er lukket; skjemaet kan ikke endres.") % {"slug": wave.slug}]
        )
    definition = definition_from_data(document, filename=wave.slug)
    if definition.wave.slug != wave.slug:
        raise DefinitionError(
            [
                _("%(file)s: wave.slug: skjemaet gjelder runden «%(other)s», ikke «%(slug)s»")
                % {"file": wave.slug, "other": definition.wave.slug, "slug": wave.slug}
            ]
        )
    with transaction.atomic():
        wave = Wave.objects.select_for_update().get(pk=wave.pk)
        before = export_definition(wave)
        if not wave.versions.exists():
            _record(
                wave=wave,
                user=None,
                action=_("Skjemaet før første endring"),
                text=before,
                changes=[],
            )
        load_definition(definition)
        after = export_definition(wave)
        if after == before:
            return None
        changes = document_changes(read_document(before), read_document(after))
        return _record(
            wave=wave,
            user=user,
            action=action,
            text=after,
            changes=[change.to_json() for change in changes],
        )
