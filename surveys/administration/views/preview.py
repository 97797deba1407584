"""Staff pages for preparing a wave: the questionnaire preview, as each respondent sees it."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from municipalities.models import OrganisationKind
from surveys.form_engine import Questionnaire, build_section_form
from surveys.models import Section, Wave
from surveys.staff_access import staff_permission_required


def _preview_kind(request: HttpRequest) -> str | None:
    """The organisation kind to preview as (?kind=), or None for every kind."""
    kind = request.GET.get("kind")
    return kind if kind in OrganisationKind.values else None


def _kind_links(wave: Wave) -> list[tuple[str, str]]:
    return [(value, label) for value, label in OrganisationKind.choices if wave.targets(value)]


@require_safe
@staff_permission_required()
def wave_preview(request: HttpRequest, slug: str) -> HttpResponse:
    wave = get_object_or_404(Wave, slug=slug)
    kind = _preview_kind(request)
    questionnaire = Questionnaire.load(wave)
    sections = [
        {
            "section": section,
            "question_count": sum(
                1
                for question in section.question_list
                if kind is None or question.applies_to_kind(kind)
            ),
            "applies": kind is None or section.applies_to_kind(kind),
        }
        for section in questionnaire.sections
    ]
    return render(
        request,
        "administration/wave_preview.html",
        {"wave": wave, "sections": sections, "kind": kind, "kinds": _kind_links(wave)},
    )


@require_safe
@staff_permission_required()
def section_preview(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    wave = get_object_or_404(Wave, slug=slug)
    kind = _preview_kind(request)
    questionnaire = Questionnaire.load(wave)
    try:
        section = questionnaire.section(key)
    except Section.DoesNotExist as exc:
        raise Http404 from exc
    form = build_section_form(
        section=section, organisation_kind=kind, answers={}, questionnaire=questionnaire
    )
    index = questionnaire.sections.index(section)
    previous_section = questionnaire.sections[index - 1] if index > 0 else None
    next_section = (
        questionnaire.sections[index + 1] if index + 1 < len(questionnaire.sections) else None
    )
    return render(
        request,
        "administration/section_preview.html",
        {
            "wave": wave,
            "section": section,
            "form": form,
            "kind": kind,
            "kinds": _kind_links(wave),
            "section_number": index + 1,
            "section_count": len(questionnaire.sections),
            "previous_section": previous_section,
            "next_section": next_section,
            "applies": kind is None or section.applies_to_kind(kind),
        },
    )
