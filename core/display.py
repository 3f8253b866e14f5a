"""Cheap rendering for long lists: what a row shows, worked out once per page, not once per row.

On the lists people open all day (the review queue, the reviews list, the dashboards) the
template tags that are cheap once cost most of the page when repeated per row: ``{% url %}`` is
about 90 µs here, ``|date`` 20 µs, ``{% translate %}`` and ``get_FOO_display`` 5 µs each. These
helpers do that work once per page and leave the rows plain strings (bench/pages_http.py).
"""

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from django.utils import timezone

_KEY = 2147483646  # a key no row has: reversed once, then replaced by each row's key


def url_maker(name: str) -> Callable[[object], str]:
    """``url(pk)`` for a URL name with one key argument, reversing it once."""
    head, _, tail = reverse(name, args=[_KEY]).partition(str(_KEY))
    return lambda key: f"{head}{key}{tail}"


def labels(choices) -> dict:
    """A choices' labels as plain strings in the current language, for lookups per row."""
    return {value: str(label) for value, label in choices}


def person(first: str, last: str, username: str) -> str:
    """A user's name as ``User.__str__`` gives it, from values() columns."""
    return f"{first} {last}".strip() or username


def local_minute(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def half_up(value, places: int = 2) -> str:
    """The one display rule for every number the app shows (pages, report, API, messages):
    `places` decimals, halves away from zero (31.25 -> 31.3 at one place, -0.125 -> -0.13).
    Python's own format rounds halves to even (f"{Decimal('31.25'):.1f}" is "31.2")."""
    number = Decimal(str(value))
    exponent = Decimal(1).scaleb(-int(places))
    return str(number.quantize(exponent, rounding=ROUND_HALF_UP))


def plain(value) -> str:
    """A decimal as ``|floatformat:"-2"`` shows it: "90" for 90.00, "87.50" for 87.5."""
    number = Decimal(str(value))
    return half_up(number, 0) if number == number.to_integral_value() else half_up(number, 2)


def _anchor(text: str) -> str:
    import re

    return re.sub(r"[^\w]+", "-", text.lower()).strip("-")


def _wide(ch: str) -> bool:
    """A character of a script written without spaces between words (Chinese, Japanese) or a
    full-width punctuation mark."""
    return bool(ch) and (
        "\u2e80" <= ch <= "\u9fff"
        or "\uf900" <= ch <= "\ufaff"
        or "\uff00" <= ch <= "\uffef"
        or ch in "“”‘’…—"
    )


def _join_wide_lines(children) -> None:
    """A line break inside a paragraph is a space in English and nothing in Chinese: a wrapped
    Chinese sentence must not show a space where its source line ended."""
    for i, child in enumerate(children):
        if child.type != "softbreak":
            continue
        before = next((c.content for c in reversed(children[:i]) if c.content), "")
        after = next((c.content for c in children[i + 1 :] if c.content), "")
        if _wide(before[-1:]) or _wide(after[:1]):
            child.type, child.content = "text", ""


def markdown_page(text: str, *, pages) -> tuple[str, str]:
    """A documentation page as (title, HTML): Markdown with tables, raw HTML off (escaped),
    headings with anchors, links between the documents turned into the app's help pages."""
    import re

    from django.urls import reverse
    from django.utils.html import escape
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(text)
    title = ""
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            # "## 综合得分（KPI 方案） {#the-composite-score-kpi-schemes}": a translated heading
            # keeps the English heading's anchor, so that the pages' links find it.
            inline = tokens[i + 1]
            explicit = re.search(r"\s*\{#([\w-]+)\}\s*$", inline.content)
            if explicit:
                inline.content = inline.content[: explicit.start()]
                inline.children = md.parseInline(inline.content)[0].children
            token.attrSet("id", explicit[1] if explicit else _anchor(inline.content))
            inline = inline.content
            if token.tag == "h1" and not title:
                title = inline
        if token.type == "inline" and token.children:
            _join_wide_lines(token.children)
            for child in token.children:
                href = child.attrGet("href") if child.type == "link_open" else None
                found = re.fullmatch(r"(?:\.\./)?(?:docs/)?([a-z]+)\.md(#[\w-]+)?", href or "")
                if found and found[1] in pages:
                    child.attrSet("href", reverse("help", args=[found[1]]) + (found[2] or ""))
    return escape(title), md.renderer.render(tokens, md.options, {})
