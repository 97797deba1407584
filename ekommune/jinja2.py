"""The Jinja2 environment of the templates under templates/jinja2/: the question fragments of
the section form, rendered a hundred times on one page, where Django's template engine was
most of the page's time (benchmarks/RESULTS.md). Autoescaping is on; Django's SafeString has
`__html__`, so text Django marked safe stays safe."""

import re
from typing import Any

from django.template import engines
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from jinja2 import Environment, StrictUndefined
from jinja2.ext import Extension

# `{% include "name" %}` with a literal name and no options.
STATIC_INCLUDE = re.compile(r'\{%-?\s*include\s+"([^"]+)"\s*-?%\}')


class StaticIncludes(Extension):
    """Inline every `{% include "literal name" %}` when a template is compiled.

    The question fragments include their shared parts (question text, help, errors) once
    per question: three hundred includes on a 100-question page, a third of its Jinja2
    time (benchmarks/RESULTS.md). Inlined, the output is the same, as the parts set no
    variables of their own. Includes of a computed name stay includes.
    """

    MAX_DEPTH = 10

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return self._inline(source, depth=0)

    def _inline(self, source: str, depth: int) -> str:
        if depth > self.MAX_DEPTH:
            raise RecursionError("templates include each other in a loop")

        def included(match: re.Match) -> str:
            text, _filename, _uptodate = self.environment.loader.get_source(
                self.environment, match.group(1)
            )
            return self._inline(text, depth + 1)

        return STATIC_INCLUDE.sub(included, source)


def environment(**options: Any) -> Environment:
    # A misspelt variable must fail in the tests, not render as an empty attribute.
    options["undefined"] = StrictUndefined
    # Byte for byte what Django's {% include %} gives: the file's last newline is kept.
    options.setdefault("keep_trailing_newline", True)
    env = Environment(extensions=["jinja2.ext.i18n", StaticIncludes], **options)
    # {{ _("...") }} is Django's gettext in the active language; makemessages finds it
    # (templatize reads _("...") in a variable tag).
    env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True)
    env.filters["linebreaksbr"] = linebreaksbr
    return env


def render_fragment(template_name: str, **context: Any) -> SafeString:
    """A fragment of templates/jinja2/ as HTML to put into a Django template: Jinja2 has
    escaped every value (autoescape is on), so the result is safe as it is."""
    template = engines["jinja2"].env.get_template(template_name)
    return mark_safe(template.render(**context))  # noqa: S308
