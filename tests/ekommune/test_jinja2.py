"""The Jinja2 environment of the form fragments: static includes are inlined, output unchanged."""

import pytest
from jinja2 import DictLoader

from ekommune.jinja2 import environment

TEMPLATES = {
    "page.html": '{% for q in items %}<p>{% include "part.html" %}</p>{% endfor %}'
    "{% include computed %}",
    "part.html": "{{ q }}{% include 'inner.html' %}",
    "inner.html": "!",
    "dynamic.html": "[dynamic]",
    "loop_a.html": '{% include "loop_b.html" %}',
    "loop_b.html": '{% include "loop_a.html" %}',
}


def render(template, **context):
    env = environment(loader=DictLoader(TEMPLATES), autoescape=True)
    return env.get_template(template).render(**context)


def test_literal_includes_are_inlined_and_give_the_same_output():
    env = environment(loader=DictLoader(TEMPLATES), autoescape=True)
    original = env.loader.get_source(env, "page.html")[0]

    assert render("page.html", items=["<a>", "b"], computed="dynamic.html") == (
        "<p>&lt;a&gt;!</p><p>b!</p>[dynamic]"
    )
    # The inlined source no longer names part.html; the computed include stays.
    source = env.preprocess(original, "page.html")
    assert "part.html" not in source and "{{ q }}" in source
    assert "{% include computed %}" in source


def test_templates_that_include_each_other_are_refused():
    with pytest.raises(RecursionError):
        render("loop_a.html")
