"""The form engine: one section of a questionnaire as a Django form, built from data.

Public API (used by the respondent pages and the staff preview)::

    questionnaire = Questionnaire.load(wave)               # 4 queries, whatever the size
    questionnaire = Questionnaire.for_wave(wave)           # the same from this process's cache
                                                           #   while wave.definition_token holds
    answers = answers_by_key(answer_set, questionnaire)    # 1 query: {question key: Answer}
    form = build_section_form(
        section=section,                                   # a Section of that wave
        organisation_kind=organisation.kind,               # "kommune" / "fylkeskommune" / None
        answers=answers,                                   # {key: Answer or stored value}
        data=request.POST,                                 # None for an unbound (GET) form
        mode=DRAFT,                                        # DRAFT (save) or SUBMIT
        questionnaire=questionnaire,                       # optional: loaded if omitted
    )
    if form.is_bound:
        form.is_valid()            # False while any visible question has an error
        form.valid_answers         # {key: AnswerValue(value, other_text)} to write; value None
                                   #   means "no answer" (delete the stored one)
        form.hidden_keys           # keys of the section's questions hidden for this
                                   #   organisation/answers: delete their stored answers
        form.invalid_keys          # visible questions with errors: leave stored answers alone
        form.changed_keys          # keys of valid_answers that differ from `answers`
        form.visibility            # wave-wide Visibility after this POST: an answer here can
                                   #   hide questions of later sections (hidden_questions)
        form.error_summary         # [ErrorLink(anchor, question, message)] for the summary
    form.questions                 # the Questions rendered, in order; form.section_visible

    check_section_answers(section=..., organisation_kind=..., answers=..., questionnaire=...)
        -> a SectionForm bound to the *stored* answers in SUBMIT mode: is_valid() tells
           whether the section is complete; error_summary lists what is missing.

    format_answer(question, value, other_text) -> str   # a stored answer as readable text

Templates (a page that shows a section form)::

    {% block head %}{% include "form_engine/head.html" %}{% endblock %}       form.css
    {% include "form_engine/error_summary.html" with form=form %}          top of the page
    <form method="post" novalidate>{% csrf_token %}
      {% include "form_engine/section_form.html" with form=form %}        every question
      ... the page's own buttons ...
    </form>
    {% block scripts %}{% include "form_engine/scripts.html" %}{% endblock %}  section_form.js

A bound form reads every rendered question from `data`: a question missing from the POST
counts as cleared (browsers send nothing for an empty radio group or checkbox group, and
section_form.js disables the inputs of questions it hides). Post the whole section.

Field names derive from question keys, never from primary keys: `<key>` for the answer,
`<key>__<row_code>` for each matrix row and `<key>__other` for the "Annet, spesifiser" text.
Element ids are Django's (`id_<field name>`, `id_<key>_<n>` for the n-th option); each question
is wrapped in an element with id `q-<key>`.

Stored values have the `Answer.value` shape: single choice a code; multiple choice a list of
codes in questionnaire order; matrix {row_code: scale_code}; rating and integer an int; decimal
and percentage a decimal string ("12.5"); text a string.

Modes. DRAFT: every question is optional; `valid_answers` holds the questions that validated,
the others keep what was typed, with a message, and `invalid_keys` names them (a half-filled
section can always be saved). SUBMIT: in addition, every visible required question must be
answered (every row of a required matrix).

Conditions. The server is the authority. Questions whose condition depends on a question on
the same page are always rendered (without JavaScript the respondent sees them, with a hint
saying when to answer them; `static/js/section_form.js` hides them live); a bound form
evaluates every condition on the submitted answers merged with the stored ones, does not
validate hidden questions and reports them in `hidden_keys`. Questions hidden by an answer in
another section, or not applying to the organisation kind, are not rendered at all.

Package layout: `loading` (Questionnaire, answers_by_key), `kinds` (the KINDS table: one
small builder per Question.Kind), `rendering` (what the question templates get; they are
Jinja2, templates/jinja2/form_engine/), `section_form` (SectionForm, build_section_form,
check_section_answers).

Question options (`Question.options`, from the definition file): rating `min` (1), `max` (6),
`labels` {min_label, max_label}; integer `min`, `max`, `unit`; decimal `min`, `max`,
`decimals` (2), `unit`; percentage `decimals` (0), bounds 0-100 (narrowed by `min`/`max`);
short_text `max_length` (500); long_text `max_length` (5000).
"""

from surveys.form_engine.kinds import KINDS, KindSpec, NorwegianNumberField, format_number
from surveys.form_engine.loading import AnswerValue, Questionnaire, answers_by_key
from surveys.form_engine.rendering import ErrorLink, QuestionView, format_answer
from surveys.form_engine.section_form import (
    DRAFT,
    SUBMIT,
    Mode,
    SectionForm,
    answers_as_data,
    build_section_form,
    check_section_answers,
)

__all__ = [
    "DRAFT",
    "KINDS",
    "SUBMIT",
    "AnswerValue",
    "ErrorLink",
    "KindSpec",
    "Mode",
    "NorwegianNumberField",
    "QuestionView",
    "Questionnaire",
    "SectionForm",
    "answers_as_data",
    "answers_by_key",
    "build_section_form",
    "check_section_answers",
    "format_answer",
    "format_number",
]
