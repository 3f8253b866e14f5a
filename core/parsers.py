"""The API's JSON parser: a body the database could not store, or nested deeper than any request
of this API, is a 400 that says where, not a 500 while writing it."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

MAX_DEPTH = 32  # the deepest request of this API nests 5 levels


def _problem(text: str) -> str | None:
    if "\x00" in text:
        return _("it contains a NUL character (\\u0000), which cannot be stored")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return _("it contains an unpaired surrogate (\\ud800–\\udfff), which is not a character")
    return None


def json_problems(data) -> dict[str, list[str]]:
    """Where the parsed body holds text that cannot be stored, or nests too deep: {path: [why]}."""
    problems: dict[str, list[str]] = {}
    stack = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            problems[path or "$"] = [_("nested more than %(n)s levels deep") % {"n": MAX_DEPTH}]
            continue
        if isinstance(value, str):
            why = _problem(value)
            if why:
                problems[path or "$"] = [why]
        elif isinstance(value, dict):
            for key, inner in value.items():
                why = _problem(str(key))
                if why:  # the path names the object; the bad name itself cannot be shown
                    problems[path or "$"] = [_("a name in it %(why)s") % {"why": why}]
                    continue
                stack.append((inner, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(value, list):
            stack.extend((inner, f"{path}[{i}]", depth + 1) for i, inner in enumerate(value))
    return problems


class UnstorableJSON(ValidationError):
    """A body with text the database cannot hold: `problems` {path: [why]}, e.g.
    {"interactions[3].transcript": ["it contains an unpaired surrogate …"]}."""

    def __init__(self, problems: dict[str, list[str]]):
        self.problems = problems
        super().__init__(problems)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(
                _("JSON parse error - nested more than %(n)s levels deep.") % {"n": MAX_DEPTH}
            ) from None
        problems = json_problems(data)
        if problems:
            raise UnstorableJSON(dict(sorted(problems.items())[:20]))
        return data
