"""Write a validated definition to the database, creating the wave or updating it in place.

A reload is keyed by section key, question key, choice code and row code. Answers are never
lost or re-mapped: before anything is written, every change that would touch an answer
(removing an answered question, a choice or row code some answer uses, changing the type of an
answered question, moving the wave to another register edition) is collected and the whole
load is refused.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from audit import actions
from audit.services import audit_record
from surveys.definitions.schema import ChoiceDef, Definition, DefinitionError, QuestionDef, RowDef
from surveys.form_engine.loading import definition_changed
from surveys.models import Answer, AnswerChange, Choice, MatrixRow, Question, Section, Wave

Kind = Question.Kind


@dataclass
class LoadReport:
    """What a load did, for the command's summary."""

    wave: Wave
    created_wave: bool
    counts: Counter = field(default_factory=Counter)
    # The file's opens_at/closes_at differ from those of an opened wave and were not applied.
    dates_kept: bool = False

    @property
    def changed(self) -> bool:
        return self.created_wave or any(self.counts.values())


def used_codes(kind: str, values: Iterable[Any]) -> tuple[Counter, Counter]:
    """How many answers use each choice code and each matrix row code, from Answer.value."""
    choices: Counter = Counter()
    rows: Counter = Counter()
    for value in values:
        if kind == Kind.SINGLE_CHOICE and isinstance(value, str):
            choices[value] += 1
        elif kind == Kind.MULTIPLE_CHOICE and isinstance(value, list):
            choices.update(code for code in set(value) if isinstance(code, str))
        elif kind == Kind.MATRIX and isinstance(value, dict):
            rows.update(value.keys())
            choices.update(code for code in set(value.values()) if isinstance(code, str))
    return choices, rows


def answer_counts(questions: Iterable[Question]) -> dict[int, int]:
    """Answers plus history entries per question id (both protect the question)."""
    ids = [question.pk for question in questions]
    counts: Counter = Counter()
    for model in (Answer, AnswerChange):
        rows = (
            model.objects.filter(question_id__in=ids)
            .values("question_id")
            .annotate(n=Count("pk"))
            .values_list("question_id", "n")
        )
        for question_id, n in rows:
            counts[question_id] += n
    return dict(counts)


def load_definition(definition: Definition, *, record: bool = True) -> LoadReport:
    """Create or update the wave of a validated definition; all or nothing.

    `record=False` leaves the audit row to the caller whose action this load is part of."""
    with transaction.atomic():
        wave = Wave.objects.select_for_update().filter(slug=definition.wave.slug).first()
        if wave is not None:
            problems = reload_problems(wave, definition)
            if problems:
                raise DefinitionError(problems)
        report = LoadReport(wave=wave or Wave(slug=definition.wave.slug), created_wave=wave is None)
        _write(definition, report)
        if record:
            audit_record(
                action=actions.QUESTIONNAIRE_LOADED,
                target=report.wave,
                details={
                    "file": str(definition.filename),
                    "created": report.created_wave,
                    "changes": {name: n for name, n in report.counts.items() if n},
                },
            )
    return report


def reload_problems(wave: Wave, definition: Definition) -> list[str]:
    """Every change the definition would make that touches an existing answer."""
    filename = definition.filename
    problems: list[str] = []
    existing = {
        question.key: question
        for question in wave.questions.prefetch_related("choices", "rows").order_by("pk")
    }
    counts = answer_counts(existing.values())
    if definition.wave.edition.pk != wave.edition_id and wave.answer_sets.exists():
        problems.append(
            f"{filename}: wave.register_year: "
            + _(
                "runden '%(slug)s' har svar fra organisasjonene i registerutgaven %(old)s og "
                "kan ikke flyttes til %(new)s"
            )
            % {"slug": wave.slug, "old": wave.edition.year, "new": definition.wave.edition.year}
        )
    new_questions = {question.key: question for question in definition.questions()}
    for key, question in existing.items():
        if key not in new_questions and counts.get(question.pk):
            problems.append(
                f"{filename}: sections (key '{key}'): "
                + _(
                    "spørsmålet «%(text)s» mangler i filen, men har %(count)s svar i runden "
                    "'%(slug)s' og kan ikke fjernes"
                )
                % {"text": _short(question.text), "count": counts[question.pk], "slug": wave.slug}
            )
    for key, new in new_questions.items():
        old = existing.get(key)
        if old is None or not counts.get(old.pk):
            continue
        if new.kind != old.kind:
            problems.append(
                f"{filename}: {new.path}.type (key '{key}'): "
                + _("typen kan ikke endres fra %(old)s til %(new)s: spørsmålet har %(count)s svar")
                % {"old": old.kind, "new": new.kind, "count": counts[old.pk]}
            )
            continue
        problems.extend(_removed_codes_problems(filename, old, new))
    return problems


def _removed_codes_problems(filename: str, old: Question, new: QuestionDef) -> list[str]:
    removed_choices = {c.code for c in old.choices.all()} - {c.code for c in new.choices}
    removed_rows = {r.code for r in old.rows.all()} - {r.code for r in new.rows}
    if not removed_choices and not removed_rows:
        return []
    values = Answer.objects.filter(question=old).values_list("value", flat=True)
    used_choices, used_rows = used_codes(old.kind, values)
    problems = []
    field_name = "scale" if old.kind == Kind.MATRIX else "choices"
    for code in sorted(removed_choices):
        if used_choices[code]:
            problems.append(
                f"{filename}: {new.path}.{field_name} (key '{new.key}'): "
                + _("svaralternativet '%(code)s' er brukt i %(count)s svar og kan ikke fjernes")
                % {"code": code, "count": used_choices[code]}
            )
    for code in sorted(removed_rows):
        if used_rows[code]:
            problems.append(
                f"{filename}: {new.path}.rows (key '{new.key}'): "
                + _("raden '%(code)s' er brukt i %(count)s svar og kan ikke fjernes")
                % {"code": code, "count": used_rows[code]}
            )
    return problems


def _short(text: str, length: int = 70) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _assign(instance: Any, values: dict[str, Any]) -> bool:
    """Set the fields that differ; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _write(definition: Definition, report: LoadReport) -> None:
    wave = report.wave
    spec = definition.wave
    values = {
        "title": spec.title,
        "year": spec.year,
        "edition_id": spec.edition.pk,
        "target_kinds": spec.target_kinds,
        "help_contact": spec.help_contact,
        "intro": spec.intro,
        "vision": spec.vision,
        "translations": spec.translations,
    }
    dates = {"opens_at": spec.opens_at, "closes_at": spec.closes_at}
    if report.created_wave or wave.status == Wave.Status.DRAFT:
        values.update(dates)
    elif any(getattr(wave, name) != value for name, value in dates.items()):
        # Once a wave has been opened, its dates belong to `wave_status` and the admin:
        # reloading an old file must not silently close (or reopen) it.
        report.dates_kept = True
    changed = _assign(wave, values)
    if report.created_wave or changed:
        wave.save()
        if not report.created_wave:
            report.counts["wave_updated"] += 1

    sections = {section.key: section for section in wave.sections.all()}
    questions = {
        question.key: question
        for question in wave.questions.prefetch_related("choices", "rows").order_by("pk")
    }
    section_position = 0
    question_position = 0
    for section_def in definition.sections:
        section_position += 1
        section = sections.get(section_def.key)
        values = {
            "position": section_position,
            "title": section_def.title,
            "intro": section_def.intro,
            "applies_to": section_def.applies_to,
            "condition": section_def.condition,
            "translations": section_def.translations,
        }
        if section is None:
            section = Section.objects.create(wave=wave, key=section_def.key, **values)
            sections[section.key] = section
            report.counts["sections_created"] += 1
        elif _assign(section, values):
            section.save()
            report.counts["sections_updated"] += 1
        for question_def in section_def.questions:
            # Positions run through the whole wave: sections are ordered first anyway.
            question_position += 1
            _write_question(wave, section, question_def, question_position, questions, report)

    for key, question in questions.items():
        if key not in {q.key for q in definition.questions()}:
            # reload_problems() made sure nobody answered it.
            question.delete()
            report.counts["questions_removed"] += 1
    keep = {section_def.key for section_def in definition.sections}
    for key, section in sections.items():
        if key not in keep:
            section.delete()
            report.counts["sections_removed"] += 1
    # One new token for the whole reload; the choices and rows of new questions go in with
    # bulk_create, which sends no signals.
    wave.definition_token = definition_changed(wave_id=wave.pk)


def _write_question(
    wave: Wave,
    section: Section,
    spec: QuestionDef,
    position: int,
    questions: dict[str, Question],
    report: LoadReport,
) -> None:
    values = {
        "section_id": section.pk,
        "position": position,
        "kind": spec.kind,
        "text": spec.text,
        "help_text": spec.help_text,
        "required": spec.required,
        "applies_to": spec.applies_to,
        "condition": spec.condition,
        "options": spec.options,
        "translations": spec.translations,
    }
    question = questions.get(spec.key)
    if question is None:
        question = Question.objects.create(wave=wave, key=spec.key, **values)
        report.counts["questions_created"] += 1
        Choice.objects.bulk_create(
            Choice(question=question, position=position, **_choice_values(choice))
            for position, choice in enumerate(spec.choices, start=1)
        )
        MatrixRow.objects.bulk_create(
            MatrixRow(question=question, position=position, **_row_values(row))
            for position, row in enumerate(spec.rows, start=1)
        )
        report.counts["choices_created"] += len(spec.choices) + len(spec.rows)
        return
    if _assign(question, values):
        question.save()
        report.counts["questions_updated"] += 1
    _sync_options(question, Choice, question.choices.all(), spec.choices, report)
    _sync_options(question, MatrixRow, question.rows.all(), spec.rows, report)


def _choice_values(choice: ChoiceDef) -> dict[str, Any]:
    return {
        "code": choice.code,
        "label": choice.label,
        "exclusive": choice.exclusive,
        "is_other": choice.is_other,
        "weight": choice.weight,
        "translations": choice.translations,
    }


def _row_values(row: RowDef) -> dict[str, Any]:
    return {"code": row.code, "label": row.label, "translations": row.translations}


def _sync_options(
    question: Question,
    model: type[Choice] | type[MatrixRow],
    existing_items: Iterable[Choice | MatrixRow],
    specs: list[ChoiceDef] | list[RowDef],
    report: LoadReport,
) -> None:
    existing = {item.code: item for item in existing_items}
    wanted = set()
    for position, spec in enumerate(specs, start=1):
        values: dict[str, Any] = (
            _choice_values(spec) if isinstance(spec, ChoiceDef) else _row_values(spec)
        )
        values["position"] = position
        wanted.add(spec.code)
        item = existing.get(spec.code)
        if item is None:
            model.objects.create(question=question, **values)
            report.counts["choices_created"] += 1
        elif _assign(item, values):
            item.save()
            report.counts["choices_updated"] += 1
    removed = [item.pk for code, item in existing.items() if code not in wanted]
    if removed:
        model.objects.filter(pk__in=removed).delete()
        report.counts["choices_removed"] += len(removed)


__all__ = ["LoadReport", "answer_counts", "load_definition", "reload_problems", "used_codes"]
