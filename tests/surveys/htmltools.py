"""A few helpers to look into rendered HTML in tests (Django's own parser, no extra library)."""

from collections.abc import Iterator

from django.test.html import Element, parse_html


def parse(html: str) -> Element:
    """The document as an element tree (raises on badly nested markup)."""
    return parse_html(f"<div>{html}</div>")


def walk(element: Element) -> Iterator[Element]:
    for child in element.children:
        if isinstance(child, Element):
            yield child
            yield from walk(child)


def attr(element: Element, name: str) -> str | None:
    for key, value in element.attributes:
        if key == name:
            return "" if value is None else value
    return None


def has_attr(element: Element, name: str) -> bool:
    return any(key == name for key, _ in element.attributes)


def find_all(root: Element, tag: str | None = None, **attrs: str) -> list[Element]:
    """Elements by tag and exact attribute values (`class_` for class, `data_x` for data-x)."""
    wanted = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
    return [
        element
        for element in walk(root)
        if (tag is None or element.name == tag)
        and all(attr(element, key) == value for key, value in wanted.items())
    ]


def find(root: Element, tag: str | None = None, **attrs: str) -> Element:
    found = find_all(root, tag, **attrs)
    assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
    return found[0]


def by_id(root: Element, element_id: str) -> Element:
    return find(root, id=element_id)


def text(element: Element) -> str:
    parts = []
    for child in element.children:
        parts.append(text(child) if isinstance(child, Element) else str(child))
    return " ".join(" ".join(parts).split())
