"""The transcript rules' engine alone, in memory: no database (bench/autoqa.py measures the job).

    python bench/autoqa_engine.py [--interactions 100000] [--lines 20]

Baseline, in the same run: a bare scan of the same texts with the same compiled patterns (each
pattern of each rule searched once over each whole text). The engine also splits each transcript
into turns, finds the speakers and applies each rule's window, which the scan does not.
"""

import argparse
import os
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_project.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django

django.setup()

from autoqa_data import RULES, transcripts  # noqa: E402

from reviews.autoqa import evaluate  # noqa: E402
from reviews.transcripts import transcript_lines  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--interactions", type=int, default=100_000)
parser.add_argument("--lines", type=int, default=20)
args = parser.parse_args()

texts = transcripts(args.interactions, args.lines)
patterns = [
    p for rule in RULES for p in (rule.pattern(), rule.pattern("until"), rule.pattern("trigger")) if p
]
print(f"{len(texts):,} transcripts of {args.lines} lines, {sum(map(len, texts)) / 1e6:.1f} M characters; "
      f"{len(RULES)} rules, {len(patterns)} patterns")  # fmt: skip


def scan():
    hits = 0
    for text in texts:
        for pattern in patterns:
            hits += pattern.search(text) is not None
    return hits


def engine():
    outcomes = 0
    for text in texts:
        lines = transcript_lines(text)
        for rule in RULES:
            outcomes += evaluate(rule, lines).outcome == "fail"
    return outcomes


def best_of(fn, runs=3):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


base, hits = best_of(scan)
ours, failed = best_of(engine)
tracemalloc.start()
engine()
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(f"bare scan: {base:.2f} s ({hits:,} pattern hits)")
print(f"engine:    {ours:.2f} s ({failed:,} failed verdicts); peak extra memory {peak / 1e6:.1f} MB")
print(f"ratio engine / bare scan: {ours / base:.2f}x")
