"""Every audited action is a constant, written by exactly one place in the code."""

import re
from pathlib import Path

from core.models import AuditAction

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "scoring", "reviews", "coaching", "demo")


def test_each_audit_action_is_written_in_exactly_one_place():
    sources = [p for app in APPS for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]
    text = {p: p.read_text(encoding="utf-8") for p in sources}
    for action in AuditAction:
        places = [
            f"{p.relative_to(ROOT)}:{n}"
            for p, t in text.items()
            for n, line in enumerate(t.splitlines(), 1)
            if re.search(rf"\bAuditAction\.{action.name}\b", line)
        ]
        assert len(places) == 1, (action.value, places)
    # And no action is spelled out as a string literal where an audit event is written.
    literal = re.compile(r"action\s*=\s*[\"'][a-z_]+\.[a-z_]+[\"']")
    assert not [p for p, t in text.items() if literal.search(t)]
