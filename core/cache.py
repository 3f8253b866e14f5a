"""Parts of pages that many people read and few things change, kept rendered.

A dashboard's body (a team's month, an agent's record, the programme) is the same for everyone
who may see it, and it changes only when its records are rebuilt or someone's name or team
changes. ``cached_html`` keeps it rendered under a key made of:

- what the page shows (which team, month, sort…) and the language;
- a *version* of the data it is built from, read by the caller with one cheap query (for records:
  the latest ``built_at`` and the row count), so a rebuild shows at once, in every process;
- the generation of people and teams (``PEOPLE``), moved on whenever a user or team is saved or
  deleted (``core.apps``), since names and memberships are shown beside the figures;
- the templates' own stamp, so a deployment with new templates never serves old markup.

Nothing personal goes into a cached part: the CSRF token, the month picker and the menu stay
outside it. With the development default (process memory) the people generation is per process;
production shares one Redis, so every worker sees it move.
"""

import hashlib
import time
from collections.abc import Callable
from functools import cache as once
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

PEOPLE = "people"
KEEP_SECONDS = 6 * 3600  # an entry no version points at any more simply ages out


def generation(name: str) -> int:
    """The current generation of `name`: a number that changes whenever `bump(name)` runs."""
    key = f"generation:{name}"
    value = cache.get(key)
    if value is None:
        cache.add(key, time.time_ns(), None)
        value = cache.get(key)
    return value


def bump(name: str) -> None:
    cache.set(f"generation:{name}", time.time_ns(), None)


@once
def templates_stamp() -> float:
    """The newest template file's modification time, read once per process."""
    stamps = [
        path.stat().st_mtime
        for folder in settings.TEMPLATES[0]["DIRS"]
        for path in Path(folder).rglob("*.html")
    ]
    return max(stamps, default=0.0)


def _kept(kind: str, name: str, parts: tuple, compute: Callable):
    digest = hashlib.blake2b(repr((*parts, generation(PEOPLE), get_language())).encode(), digest_size=16)
    full = f"{kind}:{name}:{digest.hexdigest()}"
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value, KEEP_SECONDS)
    return value


def cached_html(name: str, *, key: tuple, version: tuple, render: Callable[[], str]) -> SafeString:
    """`render()`'s HTML, kept under `name` + `key` + `version` + people + language + templates."""
    html = _kept("html", name, (key, version, templates_stamp()), lambda: str(render()))
    return mark_safe(html)  # rendered by our own templates, which escape


def cached_choices(name: str, *, key: tuple, choices) -> list[tuple[str, str]]:
    """A select's (value, label) list of people or teams, kept until someone or a team changes:
    the filter bars list them on every load, and on PostgreSQL each list is a cursor's round trips."""
    return _kept("choices", name, (key,), lambda: [(str(value), str(label)) for value, label in choices])
