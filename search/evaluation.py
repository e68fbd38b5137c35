"""Search quality on a file of resident queries: hit@3 and MRR@10, overall and per kind."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TOP = 10


@dataclass(frozen=True)
class Case:
    query: str
    expected: frozenset[str]
    kind: str


def read_cases(path: Path) -> list[Case]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    missing = {"query", "expected", "kind"} - set(rows[0] if rows else {})
    if missing:
        raise ValueError(f"{path.name}: missing columns {', '.join(sorted(missing))}")
    return [Case(r["query"], frozenset(c for c in r["expected"].split("|") if c), r["kind"]) for r in rows]


@dataclass
class Scores:
    cases: int = 0
    hits_at_3: int = 0
    reciprocal_ranks: float = 0.0

    def add(self, rank: int | None) -> None:
        self.cases += 1
        if rank is not None:
            self.hits_at_3 += rank <= 3
            self.reciprocal_ranks += 1 / rank

    @property
    def hit_at_3(self) -> float:
        return self.hits_at_3 / self.cases if self.cases else 0.0

    @property
    def mrr(self) -> float:
        return self.reciprocal_ranks / self.cases if self.cases else 0.0


def first_right_rank(codes: list[str], expected: frozenset[str]) -> int | None:
    for rank, code in enumerate(codes[:TOP], start=1):
        if code in expected:
            return rank
    return None


def evaluate(cases: list[Case], ranker: Callable[[str], list[str]]) -> tuple[Scores, dict[str, Scores], list]:
    overall, by_kind, misses = Scores(), defaultdict(Scores), []
    for case in cases:
        codes = ranker(case.query)
        rank = first_right_rank(codes, case.expected)
        overall.add(rank)
        by_kind[case.kind].add(rank)
        if rank is None or rank > 3:
            misses.append((case, rank, codes[:3]))
    return overall, dict(by_kind), misses
