"""The Elasticsearch backend: exact mapping, documents and queries; fallback; live evaluation."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os

import pytest
from django.core.management import call_command
from django.test import override_settings

from search.analysis import Analyzed
from search.backends.base import Query
from search.backends.elastic import ALIAS, PortalDocument, build_search
from search.engine import search
from search.models import SearchDocument

pytestmark = pytest.mark.django_db

TOKENS = {"analyzer": "portal_tokens", "type": "text"}


def test_index_mapping_and_settings():
    body = PortalDocument._index.to_dict()
    assert body["settings"]["analysis"] == {
        "analyzer": {"portal_tokens": {"tokenizer": "whitespace", "type": "custom"}}
    }
    assert body["settings"]["number_of_shards"] == 1
    assert body["mappings"] == {
        "properties": {
            "page_id": {"type": "long"},
            "root_path": {"type": "keyword"},
            "doc_type": {"type": "keyword"},
            "code": {"type": "keyword"},
            "category": {"type": "keyword"},
            "life_events": {"type": "keyword"},
            "level": {"type": "keyword"},
            "online": {"type": "keyword"},
            "town_code": {"type": "keyword"},
            "expires_on": {"type": "date"},
            "title_terms": TOKENS,
            "keyword_terms": TOKENS,
            "body_terms": TOKENS,
            "pinyin_terms": TOKENS,
            "code_terms": TOKENS,
        }
    }


def test_document_body_matches_the_embedded_row():
    row = SearchDocument.objects.get(code="QH-MZ-802")
    body = PortalDocument.from_row(row).to_dict(include_meta=True)
    assert body["_id"] == row.pk
    assert body["_source"] == {
        "page_id": row.page_id,
        "root_path": "00010001",
        "doc_type": "guide",
        "code": "QH-MZ-802",
        "category": "社会救助",
        "life_events": ["困难救助"],
        "level": "村",
        "online": "村里代办",  # a village 代办 item is filed where the resident goes
        "town_code": "QH-MZ-001",
        "title_terms": row.title_terms,
        "keyword_terms": row.keyword_terms,
        "body_terms": row.body_terms,
        "pinyin_terms": row.pinyin_terms,
        "code_terms": row.code_terms,
    }
    assert "低保" in row.keyword_terms.split() and "dibao" in row.pinyin_terms.split()


def test_query_body():
    terms = Analyzed(words=["低保"], grams=["低保"], pinyin=["dibao", "db"])
    query = Query("低保", terms, "00010001", {"level": "村"}, limit=10, today=dt.date(2026, 11, 22))
    body = build_search(query).to_dict()
    assert body == {
        "query": {
            "bool": {
                "must": [
                    {
                        "multi_match": {
                            "query": "低保 dibao db",
                            "fields": [
                                "title_terms^10",
                                "keyword_terms^6",
                                "body_terms^1",
                                "pinyin_terms^3",
                                "code_terms^20",
                            ],
                            "type": "most_fields",
                            "operator": "or",
                        }
                    }
                ],
                "filter": [
                    {"term": {"root_path": "00010001"}},
                    {
                        "bool": {
                            "should": [
                                {"bool": {"must_not": [{"exists": {"field": "expires_on"}}]}},
                                {"range": {"expires_on": {"gte": "2026-11-22"}}},
                            ]
                        }
                    },
                    {"term": {"level": "村"}},
                ],
            }
        },
        "aggs": {
            name: {"terms": {"field": name, "size": 50}}
            for name in ("doc_type", "category", "life_events", "level", "online")
        },
        "size": 200,
        "track_total_hits": True,
        "_source": False,
    }


@override_settings(ELASTICSEARCH_URL="http://127.0.0.1:9")  # nothing listens on the discard port
def test_an_unreachable_cluster_falls_back_to_the_embedded_backend(caplog):
    with caplog.at_level(logging.WARNING, logger="search.backends"):
        response = search("低保", "00010001", log=False)
    assert response.backend == "embedded"
    assert response.results[0].document.code in {"QH-MZ-001", "QH-MZ-802"}
    assert "falling back to the embedded backend" in caplog.text


@override_settings(ELASTICSEARCH_URL="http://127.0.0.1:9")
def test_publishing_while_the_cluster_is_down_still_updates_the_embedded_index():
    from services.models import ServiceItemPage

    item = ServiceItemPage.objects.get(code="QH-WH-001")
    item.keywords += "、星空观测"
    item.save_revision().publish()
    assert search("星空观测", "00010001", log=False).results[0].document.code == "QH-WH-001"


@pytest.mark.elasticsearch
@pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="no live cluster (set ELASTICSEARCH_URL)")
def test_live_cluster_full_evaluation():
    from django.conf import settings

    with override_settings(ELASTICSEARCH_URL=os.environ["ELASTICSEARCH_URL"]):
        call_command("rebuild_search_index", stdout=io.StringIO())
        assert search("低保", "00010001", log=False).backend == "elasticsearch"
        out = io.StringIO()
        call_command("search_eval", str(settings.BASE_DIR.parent / "shared/search-eval/dev-queries.tsv"), stdout=out)
    portal = next(line for line in out.getvalue().splitlines() if line.startswith("portal") and "overall" in line)
    assert float(portal.split()[3]) >= 0.95
    assert ALIAS


def test_rebuild_fills_a_new_index_then_moves_the_alias_in_one_step(monkeypatch):
    """Without a cluster, check the order of operations with a recording client."""
    from unittest import mock

    from search.backends import elastic

    events: list[tuple] = []
    monkeypatch.setattr(
        elastic.PortalDocument, "init", classmethod(lambda cls, index, using: events.append(("create", index)))
    )
    monkeypatch.setattr(
        elastic,
        "bulk",
        lambda client, actions, **kw: events.append(("bulk", {a["_index"] for a in actions}, len(actions))),
    )
    client = mock.Mock()
    client.indices.get_alias.return_value = {"portal-search-20260101000000000000": {"aliases": {ALIAS: {}}}}
    client.indices.update_aliases.side_effect = lambda actions: events.append(("alias", actions))
    client.indices.delete.side_effect = lambda index, **kw: events.append(("delete", index))

    docs = list(SearchDocument.objects.all())
    elastic.ElasticsearchBackend("http://unused", client=client).rebuild(docs)

    (create, new_index), bulk_event, alias_event, delete_event = events
    assert (
        create == "create" and new_index.startswith(f"{ALIAS}-") and new_index != "portal-search-20260101000000000000"
    )
    assert bulk_event == ("bulk", {new_index}, len(docs))
    assert alias_event == (
        "alias",
        [
            {"remove": {"index": "portal-search-20260101000000000000", "alias": ALIAS}},
            {"add": {"index": new_index, "alias": ALIAS}},
        ],
    )
    assert delete_event == ("delete", "portal-search-20260101000000000000")


def test_a_failed_cluster_write_does_not_block_publishing(caplog):
    from unittest import mock

    from search import indexing
    from services.models import ServiceItemPage

    broken = mock.Mock(name="elasticsearch")
    broken.name = "elasticsearch"
    broken.index.side_effect = ConnectionError("cluster down")
    with mock.patch.object(indexing, "active_backend", return_value=broken), caplog.at_level(logging.WARNING):
        item = ServiceItemPage.objects.get(code="QH-WH-001")
        item.keywords += "、天文馆"
        item.save_revision().publish()
    assert "could not index" in caplog.text
    assert search("天文馆", "00010001", log=False).results[0].document.code == "QH-WH-001"
