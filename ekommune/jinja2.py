"""The Jinja2 environment of the templates under templates/jinja2/: the question fragments of
the section form, rendered a hundred times on one page, where Django's template engine was
most of the page's time (benchmarks/RESULTS.md). Autoescaping is on; Django's SafeString has
`__html__`, so text Django marked safe stays safe."""

from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.utils.translation import gettext, ngettext
from jinja2 import Environment, StrictUndefined


def environment(**options: Any) -> Environment:
    # A misspelt variable must fail in the tests, not render as an empty attribute.
    options["undefined"] = StrictUndefined
    # Byte for byte what Django's {% include %} gives: the file's last newline is kept.
    options.setdefault("keep_trailing_newline", True)
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    # {{ _("...") }} is Django's gettext in the active language; makemessages finds it
    # (templatize reads _("...") in a variable tag).
    env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True)
    env.filters["linebreaksbr"] = linebreaksbr
    return env
