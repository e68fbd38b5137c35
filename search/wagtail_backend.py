"""A Wagtail search backend that understands Chinese, for the admin and every ``.search()``.

Set as ``WAGTAILSEARCH_BACKENDS["default"]``, it answers the admin's page
search, every page, snippet, document and image chooser and snippet listing,
and any ``Model.objects.search()`` / ``.autocomplete()``, with the analysis
residents' search uses (``search.analysis``): 低保, 医疗保险, QH-MZ-001 in any
case, pinyin (dibao) and initials (db). Wagtail's stock database search
cannot split Chinese and finds only whole titles.

Where the answers come from:

- **Pages in the portal's index** (live pages of the types registered for
  search in ``home.outputs.registry``): the embedded index
  (``SearchDocument`` and its FTS5 / tsvector table), queried with a
  yes-or-no expression (``search.matching``) in every town, as Wagtail's
  admin is installation-wide.
- **Everything else**: pages not in that index (drafts, never-published or
  expired pages, home and section pages), snippets, documents, images. Their
  own ``search_fields`` are read and analysed on the fly, each value once per
  process (``search.matching.text_tokens``), and the same expression is
  evaluated on the tokens. This reads every candidate row, so it suits
  thousands of objects, not millions.
- **Plain substrings** of the searchable text columns (``icontains``, as
  Wagtail's fallback backend does) also match, so a single character or a
  question word (证, 办理) still finds titles that contain it.

The queryset passed in is kept: its filters, permissions, annotations,
``specific()`` and, when relevance is not asked for, its ordering. Filters
and ordering are applied by the database, so unlike the stock backends no
``FilterField`` is needed for them. ``operator`` joins the words an editor
separated with spaces (default "and"); ``fields`` narrows the fields read
(pages then skip the portal's index, which has no per-field columns);
``autocomplete()`` also matches a latin word still being typed as a prefix
(qh-mz-00, diba) and, unlike the stock autocomplete, reads every searchable
field, not only ``AutocompleteField`` ones, so that the page chooser finds a
guide by its code and everyday words.

Wagtail's own index tables are still written (by the stock database
backend, to which indexing is delegated), so ``update_index`` works and the
stock search stays available as a baseline:
``Page.objects.search(q, backend=STOCK_BACKEND)``.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Count, Q
from django.utils.html import strip_tags
from modelsearch.backends.base import (
    BaseSearchBackend,
    BaseSearchQueryCompiler,
    BaseSearchResults,
    SearchFieldError,
)
from modelsearch.index import AutocompleteField, RelatedFields, SearchField
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText
from wagtail.models import Page

from home.outputs import SEARCH, registry

from .analysis import normalize
from .matching import BODY, CODE, KEYWORDS, TITLE, Expression, Tokens, flatten, part_expression
from .models import SearchDocument
from .ranking import EXACT_KEYWORD_BONUS, EXACT_TITLE_BONUS, TITLE_CONTAINS_BONUS
from .vocabulary import load_vocabulary, synonyms_in

logger = logging.getLogger(__name__)

STOCK_BACKEND = "wagtail.search.backends.database"
INDEX_DEPTH = 5000  # most pages taken from the portal's index for one query part
TITLE_NAMES = ("title", "name")
SUBSTRING_SCORE = 1.0
KEYWORD_SEPARATORS = re.compile(r"[、|,，;；\s]+")
SHORT_TEXT = (models.CharField,)  # names and everyday words: analysed with pinyin, as in the portal's index


# -- the query ---------------------------------------------------------------------------


@dataclass
class Part:
    """One word (or quoted phrase) an editor typed."""

    text: str
    phrase: bool = False
    prefix: bool = False  # autocomplete: the last word may still be being typed

    @cached_property
    def expression(self) -> Expression | None:
        return part_expression(self.text, prefix=self.prefix)

    @cached_property
    def norms(self) -> list[str]:
        """The part and its synonyms, normalized and without spaces, for the name bonuses."""
        norm = normalize(self.text)
        return [n.replace(" ", "") for n in [norm, *synonyms_in(norm)] if n]


def _compact(text: str) -> str:
    return normalize(text).replace(" ", "")


@dataclass
class Facts:
    """What the name bonuses look at: normalized title and code, and the everyday words an editor listed."""

    title: str = ""
    code: str = ""
    keywords: frozenset[str] = frozenset()

    def bonus(self, norms: list[str]) -> float:
        """The shared ranking rules (``search.ranking``): exact name or code, exact everyday word, name containing."""
        if any(n in (self.title, self.code) for n in norms):
            return EXACT_TITLE_BONUS
        if any(n in self.keywords for n in norms):
            return EXACT_KEYWORD_BONUS
        if self.title and any(n in self.title for n in norms):
            return TITLE_CONTAINS_BONUS
        return 0.0


@dataclass
class Node:
    op: str  # "and", "or", "not"
    children: list = field(default_factory=list)


MATCH_EVERYTHING = object()


def query_tree(query, default_operator: str):
    """Wagtail's query objects as parts joined by and/or/not; MATCH_EVERYTHING for MatchAll."""
    if isinstance(query, MatchAll):
        return MATCH_EVERYTHING
    if isinstance(query, (PlainText, Fuzzy)):
        words = query.query_string.split()
        operator = (getattr(query, "operator", None) or default_operator).lower()
        if not words:
            return Node("or")  # matches nothing
        if len(words) == 1:
            return Part(words[0])
        return Node("or" if operator == "or" else "and", [Part(w) for w in words])
    if isinstance(query, Phrase):
        return Part(query.query_string, phrase=True)
    if isinstance(query, Boost):
        return query_tree(query.subquery, default_operator)
    if isinstance(query, (And, Or)):
        children = [query_tree(q, default_operator) for q in query.subqueries]
        return Node("and" if isinstance(query, And) else "or", children)
    if isinstance(query, Not):
        return Node("not", [query_tree(query.subquery, default_operator)])
    raise NotImplementedError(f"`{query.__class__.__name__}` is not supported by the portal search backend.")


def parts_of(tree) -> list[Part]:
    if isinstance(tree, Part):
        return [tree]
    if isinstance(tree, Node):
        return [p for child in tree.children for p in parts_of(child)]
    return []


# -- the objects -------------------------------------------------------------------------


def _column(name: str, model_field, related: bool) -> str:
    """The index column a search field's text counts as, with that column's weight."""
    if name == "code":
        return CODE
    if name in TITLE_NAMES and not related:
        return TITLE
    return KEYWORDS if isinstance(model_field, SHORT_TEXT) else BODY


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _texts(value) -> list[str]:
    return [strip_tags(t) if "<" in t else t for t in flatten(value)]


def _searchable(search_fields, names: set[str] | None) -> list:
    """SearchField, AutocompleteField and RelatedFields entries, one per name, narrowed to ``names``."""
    seen, out = set(), []
    for entry in search_fields:
        if not isinstance(entry, (SearchField, AutocompleteField, RelatedFields)):
            continue
        if names is not None and entry.field_name not in names:
            continue
        key = (type(entry) is RelatedFields, entry.field_name)
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out


def object_tokens(obj, names: set[str] | None) -> tuple[Tokens, Facts]:
    """The analysed tokens of one object's search fields, and the facts for the name bonuses."""
    tokens, facts = Tokens(), Facts()
    model = type(obj)
    for entry in _searchable(model.get_search_fields(), names):
        if isinstance(entry, RelatedFields):
            _add_related(tokens, obj, entry)
            continue
        model_field = _model_field(model, entry.field_name)
        texts = _texts(entry.get_value(obj))
        column = _column(entry.field_name, model_field, related=False)
        for text in texts:
            tokens.add(text, column)
        joined = " ".join(texts)
        if column == TITLE and not facts.title:
            facts.title = _compact(joined)
        elif column == CODE:
            facts.code = _compact(joined)
        elif entry.field_name == "keywords":
            facts.keywords = frozenset(_compact(k) for k in KEYWORD_SEPARATORS.split(joined) if k)
    return tokens, facts


def _add_related(tokens: Tokens, obj, entry: RelatedFields) -> None:
    value = entry.get_value(obj)
    if value is None:
        return
    related = list(value.all()) if isinstance(value, models.Manager) else [value() if callable(value) else value]
    for item in related:
        if isinstance(item, str):  # e.g. a method returning text
            tokens.add(item, KEYWORDS)
            continue
        for sub in _searchable(entry.fields, None):
            if isinstance(sub, RelatedFields):
                _add_related(tokens, item, sub)
                continue
            column = _column(sub.field_name, _model_field(type(item), sub.field_name), related=True)
            for text in _texts(sub.get_value(item)):
                tokens.add(text, column)


def _signature(model, names: set[str] | None) -> tuple:
    return tuple((type(e), e.field_name) for e in _searchable(model.get_search_fields(), names))


def _with_related(queryset, search_fields):
    for entry in search_fields:
        if isinstance(entry, RelatedFields):
            queryset = entry.select_on_queryset(queryset)
    return queryset


@dataclass
class Candidate:
    pk: object
    tokens: Tokens
    facts: Facts


# -- the compiler ------------------------------------------------------------------------


class PortalQueryCompiler(BaseSearchQueryCompiler):
    """Works out the ranked primary keys of the matching objects of the queryset, once."""

    DEFAULT_OPERATOR = "and"
    HANDLES_ORDER_BY_EXPRESSIONS = True
    PREFIX = False

    def check(self):
        """Only ``fields`` is checked: filters and ordering are applied by the database, not translated."""
        if not self.fields:
            return
        allowed = {e.field_name for e in _searchable(self.queryset.model.get_search_fields(), None)}
        for name in self.fields:
            if name not in allowed:
                raise SearchFieldError(
                    f'Cannot search with field "{name}". Please add index.SearchField("{name}") '
                    f"to {self.queryset.model.__name__}.search_fields.",
                    field_name=name,
                )

    # What to read -------------------------------------------------------------

    @cached_property
    def model(self):
        return self.queryset.model

    @cached_property
    def names(self) -> set[str] | None:
        return set(self.fields) if self.fields else None

    @cached_property
    def is_page(self) -> bool:
        return issubclass(self.model, Page)

    @cached_property
    def portal_index(self):
        """The embedded backend when the portal's index can answer for this queryset, else None."""
        if not self.is_page or self.names is not None:
            return None
        if not any(issubclass(m, self.model) or issubclass(self.model, m) for m in registry.models(SEARCH)):
            return None
        try:
            from .backends import embedded_backend

            return embedded_backend()
        except Exception:  # another database, or PostgreSQL without a UTF-8 ctype: read the fields instead
            logger.info("portal index unavailable for the admin search; reading search fields", exc_info=True)
            return None

    @cached_property
    def candidates(self) -> list[Candidate]:
        """Objects of the queryset not answered by the portal's index, with their analysed tokens."""
        queryset = self.queryset
        if self.portal_index is not None:
            queryset = queryset.exclude(pk__in=SearchDocument.objects.values("page_id"))
        if self.is_page:
            return self._page_candidates(queryset)
        search_fields = self.model.get_search_fields()
        rows = _with_related(queryset.order_by(), search_fields)
        return [Candidate(obj.pk, *object_tokens(obj, self.names)) for obj in rows]

    def _page_candidates(self, queryset) -> list[Candidate]:
        """Pages read as their specific type, whose search fields hold the code, keywords and the rest.

        Types that search no more than ``Page`` does (home, section and list
        pages) are read together as plain pages: one query instead of one per type.
        """
        by_type: dict[int, list] = defaultdict(list)
        for pk, content_type_id in queryset.order_by().values_list("pk", "content_type_id"):
            by_type[content_type_id].append(pk)
        plain, found = [], []
        for content_type_id, pks in by_type.items():
            model = ContentType.objects.get_for_id(content_type_id).model_class() or Page
            if _signature(model, self.names) == _signature(Page, self.names):
                plain.extend(pks)
                continue
            rows = _with_related(model._default_manager.filter(pk__in=pks), model.get_search_fields())
            found.extend(Candidate(obj.pk, *object_tokens(obj, self.names)) for obj in rows)
        if plain:
            found.extend(
                Candidate(obj.pk, *object_tokens(obj, self.names)) for obj in Page.objects.filter(pk__in=plain)
            )
        return found

    @cached_property
    def text_columns(self) -> list[str]:
        """The model's own searchable text columns, for plain substring matches."""
        columns = []
        for entry in _searchable(self.model.get_search_fields(), self.names):
            model_field = _model_field(self.model, entry.field_name)
            if isinstance(entry, RelatedFields) or model_field is None or model_field.is_relation:
                continue
            if isinstance(model_field, (models.CharField, models.TextField)):
                columns.append(entry.field_name)
        return columns

    @cached_property
    def title_column(self) -> str | None:
        return next((c for c in self.text_columns if c in TITLE_NAMES), None)

    # Matching -----------------------------------------------------------------

    def part_hits(self, part: Part) -> dict:
        """Primary key -> score of the objects matching one part (index hits not yet checked against the queryset)."""
        hits: dict = {}
        facts: dict = {}
        expression = part.expression
        if expression is not None:
            if self.portal_index is not None:
                for page_id, score, title, code, keywords in self.portal_index.matching_pages(expression, INDEX_DEPTH):
                    hits[page_id] = score
                    facts[page_id] = Facts(_compact(title), _compact(code), frozenset(keywords.split("|")) - {""})
                    self.from_index.add(page_id)
            for candidate in self.candidates:
                if candidate.tokens.matches(expression):
                    hits[candidate.pk] = candidate.tokens.score(expression)
                    facts[candidate.pk] = candidate.facts
        for pk, title in self.substring_hits(part):
            hits[pk] = hits.get(pk, 0.0) + SUBSTRING_SCORE
            if pk not in facts and title is not None:
                facts[pk] = Facts(_compact(title))
            self.from_index.discard(pk)  # read from the queryset itself
        for pk, known in facts.items():
            hits[pk] += known.bonus(part.norms)
        return hits

    def substring_hits(self, part: Part) -> list[tuple]:
        text = part.text.strip()
        if not text or not self.text_columns:
            return []
        variants = dict.fromkeys([text, normalize(text)])
        condition = Q()
        for column in self.text_columns:
            for variant in variants:
                condition |= Q(**{f"{column}__icontains": variant})
        columns = ["pk", self.title_column] if self.title_column else ["pk"]
        rows = self.queryset.order_by().filter(condition).values_list(*columns)
        return [(row[0], row[1] if len(row) > 1 else None) for row in rows]

    @cached_property
    def from_index(self) -> set:
        return set()

    def evaluate(self, tree) -> dict:
        if isinstance(tree, Part):
            return self.part_hits(tree)
        if tree.op == "not":
            excluded = self.evaluate(tree.children[0])
            return {pk: 0.0 for pk in self.universe if pk not in excluded}
        results = [self.evaluate(child) for child in tree.children]
        if not results:
            return {}
        keys = set(results[0]).intersection(*results[1:]) if tree.op == "and" else set().union(*results)
        return {pk: sum(r.get(pk, 0.0) for r in results) for pk in keys}

    @cached_property
    def universe(self) -> list:
        return list(self.queryset.order_by().values_list("pk", flat=True))

    @cached_property
    def ranked(self) -> list[tuple] | None:
        """(pk, score) of every matching object of the queryset, best first; None when the query matches all."""
        tree = query_tree(self.query, self.DEFAULT_OPERATOR)
        if tree is MATCH_EVERYTHING:
            return None
        load_vocabulary()
        parts = parts_of(tree)
        if self.PREFIX and parts and not parts[-1].phrase:
            parts[-1].prefix = True
        hits = self.evaluate(tree)
        unchecked = [pk for pk in hits if pk in self.from_index]
        if unchecked:  # the portal's index covers every page; keep those of this queryset
            allowed = set(self.queryset.order_by().filter(pk__in=unchecked).values_list("pk", flat=True))
            hits = {pk: s for pk, s in hits.items() if pk not in self.from_index or pk in allowed}
        return sorted(hits.items(), key=lambda item: (-item[1], _sort_key(item[0])))


def _sort_key(pk):
    return -pk if isinstance(pk, int) else 0


class PortalAutocompleteCompiler(PortalQueryCompiler):
    PREFIX = True


# -- the results -------------------------------------------------------------------------


class PortalSearchResults(BaseSearchResults):
    supports_facet = True

    def _matching_queryset(self):
        compiler = self.query_compiler
        queryset = compiler.queryset
        if compiler.ranked is not None:
            queryset = queryset.filter(pk__in=[pk for pk, _ in compiler.ranked])
        return queryset

    def _do_search(self):
        compiler = self.query_compiler
        ranked = compiler.ranked
        if ranked is not None and compiler.order_by_relevance:
            window = ranked[self.start : self.stop]
            found = {obj.pk: obj for obj in compiler.queryset.filter(pk__in=[pk for pk, _ in window])}
            results = [(found[pk], score) for pk, score in window if pk in found]
        else:
            queryset = self._matching_queryset()
            if not compiler.order_by_relevance and not queryset.query.order_by:
                queryset = queryset.order_by("-pk")  # stable pages, as Wagtail's backends do
            scores = dict(ranked or [])
            results = [(obj, scores.get(obj.pk)) for obj in queryset[self.start : self.stop]]
        if self._score_field:
            for obj, score in results:
                setattr(obj, self._score_field, score)
        return [obj for obj, _ in results]

    def _do_count(self):
        compiler = self.query_compiler
        if compiler.ranked is None:
            return compiler.queryset.count()
        total = len(compiler.ranked)
        return max(0, min(total, self.stop if self.stop is not None else total) - self.start)

    def facet(self, field_name):
        rows = self._matching_queryset().order_by().values(field_name).annotate(count=Count("pk")).order_by("-count")
        return OrderedDict((row[field_name], row["count"]) for row in rows)


# -- the backend -------------------------------------------------------------------------


class PortalSearchBackend(BaseSearchBackend):
    query_compiler_class = PortalQueryCompiler
    autocomplete_query_compiler_class = PortalAutocompleteCompiler
    results_class = PortalSearchResults

    def __init__(self, params):
        super().__init__(params)
        self.params = dict(params)

    @cached_property
    def stock(self):
        """Wagtail's database backend, which keeps Wagtail's own index tables."""
        from wagtail.search.backends import get_search_backend

        return get_search_backend(STOCK_BACKEND, **self.params)

    def get_index_for_model(self, model):
        return self.stock.get_index_for_model(model)

    @property
    def rebuilder_class(self):
        return self.stock.rebuilder_class


SearchBackend = PortalSearchBackend
