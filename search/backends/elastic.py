"""Elasticsearch backend, written with the elasticsearch-dsl API (``elasticsearch.dsl``).

Documents carry the same pre-analyzed token strings as the embedded index,
so a plain whitespace analyzer is enough: no Chinese plugin on the cluster,
and both backends rank with the same terms and field weights. A rebuild
fills a new index and then switches the alias in one step, so searches never
see an empty index.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from django.utils import timezone
from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.dsl import Date, Document, Keyword, Long, Q, Search, Text, analyzer
from elasticsearch.helpers import bulk

from ..models import SearchDocument
from .base import FACET_FIELDS, TOKEN_SOURCE, WEIGHTS, BackendResult, Hit, Query, SearchBackend

ALIAS = os.environ.get("ELASTICSEARCH_INDEX", "portal-search")
FETCH = 200  # hits fetched for the shared re-ranking; the page is cut from these
TOKENS = analyzer("portal_tokens", tokenizer="whitespace")


class PortalDocument(Document):
    page_id = Long()
    root_path = Keyword()
    doc_type = Keyword()
    code = Keyword()
    category = Keyword()
    life_events = Keyword(multi=True)
    level = Keyword()
    online = Keyword()
    town_code = Keyword()
    expires_on = Date()
    title_terms = Text(analyzer=TOKENS)
    keyword_terms = Text(analyzer=TOKENS)
    body_terms = Text(analyzer=TOKENS)
    pinyin_terms = Text(analyzer=TOKENS)
    code_terms = Text(analyzer=TOKENS)

    class Index:
        name = ALIAS
        settings = {"number_of_shards": 1, "number_of_replicas": int(os.environ.get("ELASTICSEARCH_REPLICAS", "1"))}

    @classmethod
    def from_row(cls, doc: SearchDocument) -> PortalDocument:
        return cls(
            meta={"id": doc.pk},
            page_id=doc.page_id,
            root_path=doc.root_path,
            doc_type=doc.doc_type,
            code=doc.code,
            category=doc.category,
            life_events=doc.life_event_list(),
            level=doc.level,
            online=doc.online,
            town_code=doc.town_code,
            expires_on=doc.expires_on,
            **{field: getattr(doc, field) for field in TOKEN_SOURCE.values()},
        )


def build_search(query: Query, index: str = ALIAS) -> Search:
    """The request body for a query: weighted match on the token fields, filters, facets."""
    fields = [f"{TOKEN_SOURCE[name]}^{weight:g}" for name, weight in WEIGHTS.items()]
    search = Search(index=index).query(
        Q("multi_match", query=" ".join(query.match_terms()), fields=fields, type="most_fields", operator="or")
    )
    search = search.filter("term", root_path=query.root_path)
    if query.today is not None:
        not_expired = Q("bool", must_not=[Q("exists", field="expires_on")]) | Q(
            "range", expires_on={"gte": query.today.isoformat()}
        )
        search = search.filter(not_expired)
    for name, value in sorted(query.filters.items()):
        search = search.filter("term", **{name: value})
    for name in FACET_FIELDS:
        search.aggs.bucket(name, "terms", field=name, size=50)
    return search.extra(size=FETCH, track_total_hits=True).source(False)


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, url: str, client: Elasticsearch | None = None):
        self.client = client or Elasticsearch(url, request_timeout=2, max_retries=0, retry_on_timeout=False)

    def search(self, query: Query) -> BackendResult:
        terms = query.match_terms()
        if not terms:
            return BackendResult([], 0, {})
        response = build_search(query).using(self.client).execute()
        hits = [Hit(int(hit.meta.id), float(hit.meta.score)) for hit in response]
        facets = {
            name: {bucket.key: bucket.doc_count for bucket in getattr(response.aggregations, name).buckets}
            for name in FACET_FIELDS
        }
        return BackendResult(hits, response.hits.total.value, facets)

    def index(self, documents: Iterable[SearchDocument]) -> None:
        actions = [PortalDocument.from_row(d).to_dict(include_meta=True) for d in documents]
        for action in actions:
            action["_index"] = ALIAS
        if actions:
            bulk(self.client, actions, refresh="wait_for")

    def delete(self, doc_ids: Iterable[int]) -> None:
        actions = [{"_op_type": "delete", "_index": ALIAS, "_id": i} for i in doc_ids]
        if actions:
            bulk(self.client, actions, raise_on_error=False, refresh="wait_for")

    def rebuild(self, documents: Iterable[SearchDocument]) -> None:
        """Fill a fresh index, then point the alias at it in one atomic step."""
        new_index = f"{ALIAS}-{timezone.now():%Y%m%d%H%M%S%f}"
        PortalDocument.init(index=new_index, using=self.client)
        actions = []
        for doc in documents:
            action = PortalDocument.from_row(doc).to_dict(include_meta=True)
            action["_index"] = new_index
            actions.append(action)
        bulk(self.client, actions, refresh=True)
        try:
            old = list(self.client.indices.get_alias(name=ALIAS))
        except NotFoundError:
            old = []
        steps = [{"remove": {"index": name, "alias": ALIAS}} for name in old]
        steps.append({"add": {"index": new_index, "alias": ALIAS}})
        self.client.indices.update_aliases(actions=steps)
        for name in old:
            self.client.indices.delete(index=name, ignore_unavailable=True)
