"""Yes-or-no match expressions over analysed tokens, for the admin's search.

Residents' search ranks every document that shares a term with the query and
shows the best ten. An admin listing shows every hit with a count, so it
needs a yes-or-no answer per object. One word an editor typed (a query part)
matches an object that has

- all of its pieces: the bigrams of its meaningful Chinese runs and its latin
  words (医疗保险 -> 医疗 · 疗保 · 保险; qh-mz-001 -> qh · mz · 001), or
- the full pinyin of its Chinese runs (a homophone typo meets the right word), or
- all pieces of one of its synonyms (低保 -> 最低生活保障).

A part shaped like a code (qh-mz-001, QH-MZ) matches codes that start with
it, in their joined form (qhmz001): its pieces alone would also meet
unrelated documents holding 清河's initials qh, 民政's mz and a 001 somewhere.

Latin input meets the pinyin terms of the index (dibao, and initials such as
db), which the same analysis (``search.analysis``) writes. An expression is
rendered for the embedded index (FTS5 or tsquery, ``search.backends``) and
evaluated here, in Python, against the tokens of objects that are not in
that index (drafts, snippets, documents, images).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from .analysis import (
    CJK_RUN,
    LATIN_RUN,
    TOKEN_RE,
    analyze_document,
    analyze_query,
    meaningful_runs,
    normalize,
    pinyin_of,
)
from .backends.base import WEIGHTS
from .vocabulary import synonyms_in

CODE_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False  # autocomplete: the word is still being typed


@dataclass(frozen=True)
class AllOf:
    items: tuple[Expression, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Expression, ...]


Expression = Term | AllOf | AnyOf


def _all(terms: list[Term]) -> Expression | None:
    terms = list(dict.fromkeys(terms))
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else AllOf(tuple(terms))


def _pieces(norm: str, prefix: bool = False) -> list[Term]:
    """Bigrams of the meaningful Chinese runs and the latin words; the last latin word a prefix if asked."""
    analysed = analyze_query(norm)
    latin = [w for w in analysed.words if LATIN_RUN.fullmatch(w)]
    last = TOKEN_RE.findall(norm)[-1:] if prefix else []
    open_word = last[0] if last and LATIN_RUN.fullmatch(last[0]) else None
    terms = [Term(g) for g in analysed.grams]
    terms += [Term(w, prefix=w == open_word) for w in latin]
    return terms


def part_expression(text: str, prefix: bool = False) -> Expression | None:
    """What one query part must match, or None when nothing in it can be matched on tokens."""
    norm = normalize(text)
    if not norm:
        return None
    if CODE_RE.fullmatch(norm):
        return Term(norm.replace("-", ""), prefix=True)
    alternatives: list[Expression | None] = [_all(_pieces(norm, prefix))]
    runs = [r for r in meaningful_runs(norm) if CJK_RUN.fullmatch(r)]
    if runs and all(len(r) >= 2 for r in runs):
        alternatives.append(_all([Term(pinyin_of(r)[0]) for r in runs]))
    for synonym in synonyms_in(norm):
        alternatives.append(_all(_pieces(synonym)))
    found = list(dict.fromkeys(a for a in alternatives if a is not None))
    if not found:
        return None
    return found[0] if len(found) == 1 else AnyOf(tuple(found))


def terms_of(expression: Expression) -> Iterator[Term]:
    if isinstance(expression, Term):
        yield expression
    else:
        for item in expression.items:
            yield from terms_of(item)


def _has(term: Term, tokens: set[str] | frozenset[str]) -> bool:
    if term.prefix:
        return any(token.startswith(term.text) for token in tokens)
    return term.text in tokens


def matches(expression: Expression, tokens: set[str] | frozenset[str]) -> bool:
    if isinstance(expression, Term):
        return _has(expression, tokens)
    if isinstance(expression, AllOf):
        return all(matches(item, tokens) for item in expression.items)
    return any(matches(item, tokens) for item in expression.items)


# -- the object side -------------------------------------------------------------

TITLE, KEYWORDS, BODY, CODE = "title", "keywords", "body", "code"
WITH_PINYIN = (TITLE, KEYWORDS)  # as in the index: names and everyday words, never long text


@lru_cache(maxsize=8192)
def text_tokens(text: str, kind: str) -> tuple[frozenset[str], frozenset[str]]:
    """Words, bigrams and joined codes of one field value, and its pinyin for names and short words."""
    analysed = analyze_document(text, with_pinyin=kind in WITH_PINYIN)
    codes = [c.replace("-", "") for c in CODE_RE.findall(normalize(text))] if kind == CODE else []
    return frozenset([*analysed.words, *analysed.grams, *codes]), frozenset(analysed.pinyin)


@dataclass
class Tokens:
    """The analysed tokens of one object, by index column, as the embedded index would hold them."""

    by_column: dict[str, set[str]] = field(default_factory=dict)
    every: set[str] = field(default_factory=set)

    def add(self, text: str, kind: str) -> None:
        if not text.strip():
            return
        words, pinyin = text_tokens(text, kind)
        self.by_column.setdefault(kind, set()).update(words)
        self.every.update(words)
        if pinyin:
            self.by_column.setdefault("pinyin", set()).update(pinyin)
            self.every.update(pinyin)

    def matches(self, expression: Expression) -> bool:
        return matches(expression, self.every)

    def score(self, expression: Expression) -> float:
        """The shared field weights of every column holding one of the expression's terms."""
        total = 0.0
        for term in dict.fromkeys(terms_of(expression)):
            total += sum(WEIGHTS[column] for column, tokens in self.by_column.items() if _has(term, tokens))
        return total


def flatten(value) -> Iterable[str]:
    """The strings in a search field's value (lists, dicts, rich text and model values included)."""
    if value is None:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from flatten(item)
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            yield from flatten(item)
    else:
        yield str(value)
