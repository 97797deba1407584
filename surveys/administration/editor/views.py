"""The questionnaire editor's pages. Each change: read the wave's document, change it, save it
through `questionnaire_save` (the definition file's validation and the loader's rules)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from municipalities.models import OrganisationKind
from surveys.administration.editor import documents, selectors
from surveys.administration.editor.changes import document_changes
from surveys.administration.editor.forms import (
    NewSectionForm,
    QuestionForm,
    SectionForm,
    UploadForm,
    WaveTextsForm,
)
from surveys.administration.editor.services import questionnaire_save
from surveys.definitions import DefinitionError, answer_counts, parse_definition
from surveys.form_engine import Questionnaire, build_section_form
from surveys.form_engine.loading import questionnaire_language
from surveys.models import Section, Wave
from surveys.staff_access import staff_permission_required, staff_wave

PERMISSION = "surveys.change_question"
LANGUAGES = (("nb", "Bokmål"), ("nn", "Nynorsk"), ("en", "English"))


def _home(wave: Wave, anchor: str = "") -> HttpResponse:
    url = reverse("surveys:editor", args=[wave.slug])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _save(request: HttpRequest, wave: Wave, document: dict, action: str) -> list[str]:
    """Save; [] when saved, else the problems (nothing changed)."""
    try:
        version = questionnaire_save(wave=wave, document=document, user=request.user, action=action)
    except DefinitionError as exc:
        return exc.problems
    if version is None:
        messages.info(request, _("Ingenting å lagre: skjemaet er uendret."))
    else:
        messages.success(request, _("Lagret som versjon %(number)s.") % {"number": version.number})
    return []


@require_safe
@staff_permission_required(PERMISSION)
def editor(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    document = documents.wave_document(wave)
    counts = answer_counts(wave.questions.all())
    answered = {key for key, pk in wave.questions.values_list("key", "pk") if counts.get(pk)}
    sections = []
    for section in document["sections"]:
        items = []
        for question in section.get("questions") or []:
            parts = documents.text_parts(question.get("text"))
            items.append(
                {
                    "key": question["key"],
                    "type": question["type"],
                    "text": parts["nb"],
                    "translated": bool(parts["nn"] and parts["en"]),
                    "condition": question.get("show_if"),
                    "required": question.get("required", False),
                    "answered": question["key"] in answered,
                }
            )
        sections.append(
            {
                "key": section["key"],
                "title": documents.text_parts(section.get("title"))["nb"],
                "questions": items,
            }
        )
    return render(
        request,
        "administration/editor/editor.html",
        {"wave": wave, "sections": sections, "editable": wave.status != Wave.Status.CLOSED},
    )


def _question_page(
    request: HttpRequest, wave: Wave, form: QuestionForm, problems: list[str], **context: Any
) -> HttpResponse:
    return render(
        request,
        "administration/editor/question_form.html",
        {"wave": wave, "form": form, "problems": problems, **context},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required(PERMISSION)
def question_edit(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    wave = staff_wave(slug)
    document = documents.wave_document(wave)
    try:
        section, question = documents.find_question(document, key)
    except DefinitionError as exc:
        raise Http404 from exc
    earlier = documents.earlier_question_keys(document, key, section["key"])
    form = QuestionForm(
        request.POST or None, earlier_keys=earlier, initial=QuestionForm.initial_from(question)
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        new = form.question(question)
        changed = documents.with_question(
            document, section_key=section["key"], old_key=key, question=new
        )
        problems = _save(request, wave, changed, _("Endret spørsmålet «%(key)s»") % {"key": key})
        if not problems:
            return _home(wave, f"q-{new['key']}")
    return _question_page(
        request, wave, form, problems, question_key=key, section_key=section["key"]
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required(PERMISSION)
def question_add(request: HttpRequest, slug: str, section_key: str) -> HttpResponse:
    wave = staff_wave(slug)
    document = documents.wave_document(wave)
    try:
        documents.find_section(document, section_key)
    except DefinitionError as exc:
        raise Http404 from exc
    earlier = documents.earlier_question_keys(document, None, section_key)
    form = QuestionForm(
        request.POST or None, earlier_keys=earlier, initial={"type": "single_choice"}
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        new = form.question(None)
        changed = documents.with_question(
            document, section_key=section_key, old_key=None, question=new
        )
        problems = _save(request, wave, changed, _("Nytt spørsmål «%(key)s»") % {"key": new["key"]})
        if not problems:
            return _home(wave, f"q-{new['key']}")
    return _question_page(request, wave, form, problems, question_key=None, section_key=section_key)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required(PERMISSION)
def question_remove(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    wave = staff_wave(slug)
    document = documents.wave_document(wave)
    try:
        _section, question = documents.find_question(document, key)
    except DefinitionError as exc:
        raise Http404 from exc
    return _remove_page(
        request,
        wave,
        key,
        text=question.get("text"),
        remove=lambda: documents.without_question(document, key),
        message=_("Fjernet spørsmålet «%(key)s»") % {"key": key},
    )


def _remove_page(
    request: HttpRequest,
    wave: Wave,
    key: str,
    *,
    text: object,
    remove: Callable[[], dict],
    message: str,
    section: bool = False,
) -> HttpResponse:
    """The confirmation page for removing a question or a section, and the removal on POST."""
    problems: list[str] = []
    if request.method == "POST":
        problems = _save(request, wave, remove(), message)
        if not problems:
            return _home(wave)
    return render(
        request,
        "administration/editor/question_remove.html",
        {
            "wave": wave,
            "key": key,
            "section": section,
            "text": documents.text_parts(text)["nb"],
            "problems": problems,
        },
    )


def _step(request: HttpRequest) -> int:
    return -1 if request.POST.get("direction") == "up" else 1


def _move(
    request: HttpRequest,
    slug: str,
    moved: Callable[[dict, str, int], dict],
    key: str,
    *,
    message: str,
    anchor: str,
) -> HttpResponse:
    """Move a question or a section one place up or down, back to the editor at its place."""
    wave = staff_wave(slug)
    try:
        changed = moved(documents.wave_document(wave), key, _step(request))
    except DefinitionError as exc:
        raise Http404 from exc
    for problem in _save(request, wave, changed, message):
        messages.error(request, problem)
    return _home(wave, anchor)


@require_POST
@staff_permission_required(PERMISSION)
def question_move(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    return _move(
        request,
        slug,
        documents.with_question_moved,
        key,
        message=_("Flyttet spørsmålet «%(key)s»") % {"key": key},
        anchor=f"q-{key}",
    )


@require_POST
@staff_permission_required(PERMISSION)
def section_move(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    return _move(
        request,
        slug,
        documents.with_section_moved,
        key,
        message=_("Flyttet delen «%(key)s»") % {"key": key},
        anchor=f"s-{key}",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required(PERMISSION)
def section_edit(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    wave = staff_wave(slug)
    document = documents.wave_document(wave)
    try:
        section = documents.find_section(document, key)
    except DefinitionError as exc:
        raise Http404 from exc
    form = SectionForm(request.POST or None, initial=SectionForm.initial_from(section))
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        new_key = form.cleaned_data["key"].strip()
        changed = documents.with_section_texts(
            document, key=key, new_key=new_key, texts=form.texts()
        )
        problems = _save(request, wave, changed, _("Endret delen «%(key)s»") % {"key": key})
        if not problems:
            return _home(wave, f"s-{new_key}")
    return render(
        request,
        "administration/editor/section_form.html",
        {"wave": wave, "form": form, "problems": problems, "section_key": key},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required(PERMISSION)
def section_add(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    document = documents.wave_document(wave)
    form = NewSectionForm(request.POST or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        section = form.section()
        changed = documents.with_new_section(document, section)
        problems = _save(request, wave, changed, _("Ny del «%(key)s»") % {"key": section["key"]})
        if not problems:
            return redirect(
                reverse("surveys:editor_question", args=[wave.slug, section["questions"][0]["key"]])
            )
    return render(
        request,
        "administration/editor/section_form.html",
        {"wave": wave, "form": form, "problems": problems, "section_key": None},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required(PERMISSION)
def section_remove(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    wave = staff_wave(slug)
    document = documents.wave_document(wave)
    try:
        section = documents.find_section(document, key)
    except DefinitionError as exc:
        raise Http404 from exc
    return _remove_page(
        request,
        wave,
        key,
        text=section.get("title"),
        remove=lambda: documents.without_section(document, key),
        message=_("Fjernet delen «%(key)s»") % {"key": key},
        section=True,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required(PERMISSION)
def wave_texts(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    document = documents.wave_document(wave)
    form = WaveTextsForm(request.POST or None, initial=WaveTextsForm.initial_from(document["wave"]))
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        changed = documents.with_wave_texts(document, form.texts())
        problems = _save(request, wave, changed, _("Endret rundens tekster"))
        if not problems:
            return _home(wave)
    return render(
        request,
        "administration/editor/wave_form.html",
        {"wave": wave, "form": form, "problems": problems},
    )


@require_safe
@staff_permission_required(PERMISSION)
def section_preview(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The section exactly as a respondent sees it, in the chosen language."""
    wave = staff_wave(slug)
    language = questionnaire_language(request.GET.get("lang") or "nb")
    kind = request.GET.get("kind")
    kind = kind if kind in OrganisationKind.values else None
    questionnaire = Questionnaire.load(wave, language=language)
    try:
        section = questionnaire.section(key)
    except Section.DoesNotExist as exc:
        raise Http404 from exc
    form = build_section_form(
        section=section, organisation_kind=kind, answers={}, questionnaire=questionnaire
    )
    index = questionnaire.sections.index(section)
    return render(
        request,
        "administration/editor/section_preview.html",
        {
            "wave": wave,
            "section": section,
            "form": form,
            "language": language,
            "preview_languages": LANGUAGES,
            "section_number": index + 1,
            "section_count": len(questionnaire.sections),
            "wave_title": wave.translated("title", language),
        },
    )


@require_safe
@staff_permission_required(PERMISSION)
def translations(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    document = documents.wave_document(wave)
    missing = selectors.untranslated_texts(document)
    total = selectors.text_count(document)
    languages = [
        {"code": code, "name": name, "missing": missing[code], "done": total - len(missing[code])}
        for code, name in LANGUAGES
        if code in missing
    ]
    return render(
        request,
        "administration/editor/translations.html",
        {"wave": wave, "language_rows": languages, "total": total},
    )


@require_safe
@staff_permission_required(PERMISSION)
def versions(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    return render(
        request,
        "administration/editor/versions.html",
        {"wave": wave, "versions": selectors.wave_versions(wave)},
    )


@require_safe
@staff_permission_required(PERMISSION)
def version_yaml(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    wave = staff_wave(slug)
    version = wave.versions.filter(number=number).first()
    if version is None:
        raise Http404
    response = HttpResponse(version.definition, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{wave.slug}-v{number}.yaml"'
    return response


@require_safe
@staff_permission_required(PERMISSION)
def current_yaml(request: HttpRequest, slug: str) -> HttpResponse:
    from surveys.definitions import export_definition

    wave = staff_wave(slug)
    response = HttpResponse(export_definition(wave), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{wave.slug}.yaml"'
    return response


@require_safe
@staff_permission_required(PERMISSION)
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    others = selectors.comparable_waves(wave)
    other_slug = request.GET.get("with")
    other = (
        others.filter(slug=other_slug).first() if other_slug else selectors.last_years_wave(wave)
    )
    comparison = None
    if other is not None:
        comparison = selectors.compare_documents(
            documents.wave_document(other), documents.wave_document(wave)
        )
    return render(
        request,
        "administration/editor/compare.html",
        {"wave": wave, "other": other, "others": others, "comparison": comparison},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required(PERMISSION)
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a definition file: validate, show what it changes, apply on confirmation."""
    wave = staff_wave(slug)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    changes = None
    text = ""
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        filename = getattr(form.cleaned_data.get("file"), "name", "") or f"{wave.slug}.yaml"
        try:
            parse_definition(text, filename=filename)
            document = documents.read_document(text)
        except DefinitionError as exc:
            problems = exc.problems
        else:
            if request.POST.get("confirm"):
                problems = _save(
                    request, wave, document, _("Lastet opp %(file)s") % {"file": filename}
                )
                if not problems:
                    return _home(wave)
            else:
                changes = document_changes(documents.wave_document(wave), document)
    return render(
        request,
        "administration/editor/upload.html",
        {"wave": wave, "form": form, "problems": problems, "changes": changes, "text": text},
    )
