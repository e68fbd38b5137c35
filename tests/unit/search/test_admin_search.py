"""The admin's search (Wagtail's search backend) understands Chinese, codes and pinyin, drafts included."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import SearchFieldError
from wagtail.search.models import IndexEntry
from wagtail.search.query import MATCH_ALL, Not, PlainText

from places.models import PlacePage
from search.backends.embedded import EmbeddedBackend
from search.backends.embedded_postgres import PostgresEmbeddedBackend
from search.matching import AllOf, AnyOf, Term, part_expression
from search.models import SearchDocument, Synonym
from search.wagtail_backend import STOCK_BACKEND
from services.models import ResponsibleUnit, ServiceItemPage
from tests.unit.towns import TOWN_ITEM, UNIT, VILLAGE_ITEM, WINDOW_ITEM

DRAFT_CODE = "UT-MZ-009"
DRAFT_TITLE = "城乡低保对象认定复核"


@pytest.fixture
def draft(small_town) -> ServiceItemPage:
    """A guide an editor has saved as a draft and never published."""
    page = ServiceItemPage(
        title=DRAFT_TITLE,
        slug="dibao-review",
        code=DRAFT_CODE,
        live=False,
        category=small_town.category,
        responsible_unit=small_town.unit,
        item_type="行政确认",
        keywords="低保复核",
    )
    small_town.sections["services"].add_child(instance=page)
    page.save_revision()
    assert not SearchDocument.objects.filter(page_id=page.pk).exists()  # residents never see it
    return page


def listed(response) -> list[int]:
    assert response.status_code == 200
    return [obj.pk for obj in response.context["object_list"]]


def autocomplete(query, model_or_queryset=Page, **kwargs) -> list:
    return list(get_search_backend().autocomplete(query, model_or_queryset, **kwargs))


@pytest.mark.parametrize("query", ["低保", "对象认定", DRAFT_CODE, DRAFT_CODE.lower(), "dibao", "db"])
def test_admin_page_search_finds_a_draft_guide(admin_client, draft, query):
    response = admin_client.get(reverse("wagtailadmin_pages:search"), {"q": query})
    assert draft.pk in listed(response)


def test_admin_page_search_lists_published_guides_by_words_in_their_names(admin_client, small_town):
    response = admin_client.get(reverse("wagtailadmin_pages:search"), {"q": "生活保障"})
    assert set(listed(response)[:2]) == {small_town[TOWN_ITEM].pk, small_town[VILLAGE_ITEM].pk}


def test_live_filter_of_the_page_search_is_kept(admin_client, small_town, draft):
    response = admin_client.get(reverse("wagtailadmin_pages:search"), {"q": "低保 live:false"})
    assert listed(response) == [draft.pk]


def test_an_unpublished_guide_is_still_found(small_town):
    page = small_town[WINDOW_ITEM]
    page.unpublish()
    assert not SearchDocument.objects.filter(page_id=page.pk).exists()
    assert page.pk in [p.pk for p in autocomplete("尊老金")]
    assert page.pk in [p.pk for p in autocomplete("gaoling")]


def test_page_chooser_finds_a_draft_by_the_start_of_its_code(admin_client, small_town, draft):
    response = admin_client.get(reverse("wagtailadmin_choose_page_search"), {"q": "ut-mz-00"})
    assert response.status_code == 200
    found = {page.pk for page in response.context["table"].data}
    assert {draft.pk, small_town[TOWN_ITEM].pk, small_town[WINDOW_ITEM].pk} <= found


def test_page_chooser_keeps_its_page_type(admin_client, small_town):
    response = admin_client.get(
        reverse("wagtailadmin_choose_page_search"), {"q": "便民服务", "page_type": "places.placepage"}
    )
    found = list(response.context["table"].data)
    assert found and all(isinstance(page, PlacePage) for page in found)


def test_search_covers_every_town_as_wagtail_does(small_town, other_town):
    """Wagtail's admin search is installation-wide (only page permissions narrow it); so is this one."""
    found = {page.pk for page in autocomplete("UT-MZ-001")}
    assert found == {small_town[TOWN_ITEM].pk, other_town[TOWN_ITEM].pk}


def test_the_queryset_is_respected(small_town, draft):
    assert draft.pk not in [p.pk for p in autocomplete("低保", Page.objects.live())]
    assert autocomplete("低保", Page.objects.type(PlacePage)) == []
    by_title = get_search_backend().search("低保", ServiceItemPage.objects.order_by("-title"), order_by_relevance=False)
    titles = [page.title for page in by_title]
    assert DRAFT_TITLE in titles and titles == sorted(titles, reverse=True)


def test_exact_name_comes_first(small_town):
    mine = Page.objects.descendant_of(small_town.home)  # other_town, once built, has the same names
    assert autocomplete("最低生活保障申请", mine)[0].pk == small_town[TOWN_ITEM].pk


def test_operator_joins_space_separated_words(small_town):
    both = {small_town[TOWN_ITEM].pk, small_town[WINDOW_ITEM].pk}
    assert both <= {p.pk for p in autocomplete("低保 高龄", operator="or")}
    assert not both & {p.pk for p in autocomplete("低保 高龄", operator="and")}


def test_fields_narrow_what_is_read(small_town, draft):
    backend = get_search_backend()
    assert draft.pk in [p.pk for p in backend.search(DRAFT_CODE, ServiceItemPage, fields=["code"])]
    assert draft.pk not in [p.pk for p in backend.search(DRAFT_CODE, ServiceItemPage, fields=["title"])]
    with pytest.raises(SearchFieldError):
        backend.search("低保", ServiceItemPage, fields=["no_such_field"])


def test_match_all_and_not(small_town, draft):
    backend = get_search_backend()
    everything = ServiceItemPage.objects.all()
    assert backend.search(MATCH_ALL, everything).count() == everything.count()
    others = {p.pk for p in backend.search(Not(PlainText("低保")), everything)}
    assert draft.pk not in others and small_town[WINDOW_ITEM].pk in others


def test_scores_and_counts(small_town, draft):
    results = get_search_backend().search("低保", ServiceItemPage).annotate_score("relevance")
    pages = list(results)
    assert results.count() == len(pages) >= 3
    assert all(page.relevance > 0 for page in pages)
    assert results[1:2].count() == 1


def test_snippet_listing_finds_a_unit_by_a_word_and_by_pinyin(admin_client, small_town):
    url = reverse("wagtailsnippets_services_responsibleunit:list")
    for query in ("民政", "minzheng"):
        assert small_town.unit.pk in listed(admin_client.get(url, {"q": query})), query
    assert [u.name for u in autocomplete("民政办", ResponsibleUnit)] == [UNIT]


def test_synonym_listing_finds_a_group_by_pinyin(admin_client, db):
    group = Synonym.objects.create(terms="社保卡，社会保障卡", note="")
    url = reverse("wagtailsnippets_search_synonym:list")
    assert listed(admin_client.get(url, {"q": "shebaoka"})) == [group.pk]
    assert listed(admin_client.get(url, {"q": "社會保障"})) == [group.pk]  # traditional characters


def test_documents_are_found_by_words_and_pinyin(db):
    document = Document.objects.create(title="低保申请表", file=ContentFile(b"%PDF-1.4", name="dibao.pdf"))
    for query in ("申请表", "dibao", "sqb"):
        assert [d.pk for d in autocomplete(query, Document)] == [document.pk], query


def test_blank_and_stopword_queries(small_town):
    assert autocomplete("   ") == []
    assert small_town[WINDOW_ITEM].pk in [p.pk for p in autocomplete("发放")]  # 高龄津贴发放, by plain substring


def test_wagtails_own_index_is_still_written(small_town):
    unit = ResponsibleUnit.objects.create(name="镇文化站")
    assert IndexEntry.objects.filter(object_id=str(unit.pk), content_type__model="responsibleunit").exists()
    stock = get_search_backend(STOCK_BACKEND)
    assert [u.pk for u in stock.search("镇文化站", ResponsibleUnit)] == [unit.pk]


def test_menu_group_is_not_called_like_the_page_search(admin_client):
    html = admin_client.get(reverse("wagtailadmin_pages:search")).content.decode()
    sidebar = json.loads(re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S).group(1))
    labels = re.findall(r'"label": "([^"]*)"', json.dumps(sidebar, ensure_ascii=False))
    assert "搜索词管理" in labels and "搜索" not in labels  # Wagtail's own search box keeps that name


def test_expressions_render_for_both_embedded_variants(db):
    expression = part_expression("医疗保险")
    assert expression == AnyOf(
        (AllOf((Term("医疗"), Term("疗保"), Term("保险"))), Term("yiliaobaoxian")),
    )
    code = part_expression("QH-MZ-00")
    assert code == Term("qhmz00", prefix=True)
    sqlite = object.__new__(EmbeddedBackend)
    postgres = object.__new__(PostgresEmbeddedBackend)
    assert sqlite.render(expression) == '(("医疗" AND "疗保" AND "保险") OR "yiliaobaoxian")'
    assert postgres.render(expression) == "(('医疗' & '疗保' & '保险') | 'yiliaobaoxian')"
    assert (sqlite.render(code), postgres.render(code)) == ('"qhmz00"*', "'qhmz00':*")
