"""Search documents for the small town's pages, and keeping the index in step with publishing."""

from __future__ import annotations

import datetime as dt

import pytest

from home.outputs import SEARCH, registry
from notices.models import NoticePage
from search import indexing
from search.documents import build_document
from search.engine import search
from search.models import SearchDocument
from services.models import ServiceItemPage
from tests.unit.towns import (
    HALL,
    MAY_ISSUE,
    MUST_NOT_ISSUE_ENTRY,
    TOWN_ITEM,
    VILLAGE_ITEM,
    WINDOW,
    publish,
    url_path,
)


def terms(text: str) -> set[str]:
    return set(text.split())


def new_item(town, code: str = "UT-MZ-005", title: str = "困难残疾人生活补贴申请") -> ServiceItemPage:
    return publish(
        town.sections["services"],
        ServiceItemPage(
            title=title,
            slug=code.lower(),
            code=code,
            category=town.category,
            responsible_unit=town.unit,
            item_type="行政给付",
            keywords="残补、两项补贴",
        ),
    )


def found(text: str, town) -> list[int]:
    return [result.document.page_id for result in search(text, town.path, log=False).results]


def test_every_searchable_page_type_of_the_town_has_a_document(small_town):
    pages = {
        "guide": small_town[TOWN_ITEM],
        "certificate": small_town[MUST_NOT_ISSUE_ENTRY],
        "place": small_town[HALL],
        "notice": small_town.notice,
    }
    assert {type(page) for page in pages.values()} == set(registry.models(SEARCH))
    for doc_type, page in pages.items():
        doc = build_document(page)
        assert doc is not None, doc_type
        assert doc.doc_type == doc_type
        assert doc.page_id == page.pk
        assert doc.root_path == small_town.path
        assert doc.title == page.title
        assert doc.url.endswith(url_path(page))


def test_a_guides_document_carries_its_terms_facets_and_code(small_town):
    doc = build_document(small_town[TOWN_ITEM])
    assert {"最低", "生活", "保障", "申请"} <= terms(doc.title_terms)
    assert {"低保", "低保金", "吃低"} <= terms(doc.keyword_terms)  # the keywords residents use
    assert {"单元测试", "年老", "退休"} <= terms(doc.keyword_terms)  # life event and category names
    assert {"ut-mz-001", "utmz001"} <= terms(doc.code_terms)
    assert {"zuidi", "dibao"} <= terms(doc.pinyin_terms)
    assert doc.category == small_town.category.name
    assert doc.life_events == small_town.life_event.name
    assert (doc.level, doc.online, doc.town_code) == ("镇", "网上预审", "")
    village = build_document(small_town[VILLAGE_ITEM])
    assert (village.town_code, village.online) == (TOWN_ITEM, "村里代办")  # filed where the resident goes


def test_certificate_place_and_notice_documents(small_town):
    entry = build_document(small_town[MUST_NOT_ISSUE_ENTRY])
    assert entry.category == "村（社区）不应出具"
    assert {"居住", "证明"} <= terms(entry.title_terms)  # the title read without the bracketed 租
    place = build_document(small_town[HALL])
    assert place.category == "便民服务中心"
    assert small_town[HALL].phone in place.summary and "周一至周五" in place.summary
    notice = build_document(small_town.notice)
    assert notice.category == "服务调整"
    assert notice.summary == small_town.notice.summary


def test_pages_without_a_document(small_town):
    assert build_document(small_town.home) is None
    assert build_document(small_town[MAY_ISSUE]) is None  # a list: its entries are searched
    small_town[WINDOW].unpublish()
    assert build_document(small_town[WINDOW]) is None
    gone = publish(
        small_town.sections["notices"],
        NoticePage(title="过期通知", slug="gone", expiry_date=dt.date.today() - dt.timedelta(days=1), body="<p>旧</p>"),
    )
    assert build_document(gone) is None


def test_update_page_indexes_a_page_and_search_finds_it_in_its_own_town_only(small_town, other_town):
    with registry.paused():  # publish without indexing, so update_page does the work
        item = new_item(small_town)
    assert not SearchDocument.objects.filter(page_id=item.pk).exists()
    assert item.pk not in found("困难残疾人生活补贴", small_town)

    indexing.update_page(item)

    document = SearchDocument.objects.get(page_id=item.pk)
    assert document.root_path == small_town.path
    assert found("困难残疾人生活补贴", small_town)[0] == item.pk
    assert item.pk not in found("困难残疾人生活补贴", other_town)


def test_search_keeps_each_town_to_its_own_pages(small_town, other_town):
    """Both towns have an item of the same name; each town's search finds its own."""
    mine, theirs = found("最低生活保障申请", small_town), found("最低生活保障申请", other_town)
    assert mine[0] == small_town[TOWN_ITEM].pk
    assert theirs[0] == other_town[TOWN_ITEM].pk
    assert other_town[TOWN_ITEM].pk not in mine
    assert small_town[TOWN_ITEM].pk not in theirs
    roots = {result.document.root_path for result in search("最低生活保障申请", small_town.path, log=False).results}
    assert roots == {small_town.path}


def test_the_search_page_answers_for_the_town_of_the_hostname(client, small_town, other_town):
    response = small_town.get(client, "/search/", data={"q": "低保"})
    assert response.status_code == 200
    ids = [result.document.page_id for result in response.context["response"].results]
    assert small_town[TOWN_ITEM].pk in ids
    assert other_town[TOWN_ITEM].pk not in ids


def test_update_page_drops_a_page_that_is_no_longer_searchable(small_town):
    item = small_town[TOWN_ITEM]
    assert SearchDocument.objects.filter(page_id=item.pk).exists()
    ServiceItemPage.objects.filter(pk=item.pk).update(live=False)
    indexing.update_page(ServiceItemPage.objects.get(pk=item.pk))
    assert not SearchDocument.objects.filter(page_id=item.pk).exists()
    assert item.pk not in found("最低生活保障申请", small_town)


def test_publishing_indexes_and_unpublishing_removes(small_town):
    item = new_item(small_town)
    assert SearchDocument.objects.filter(page_id=item.pk, root_path=small_town.path).exists()
    assert found("困难残疾人生活补贴", small_town)[0] == item.pk
    item.unpublish()
    assert not SearchDocument.objects.filter(page_id=item.pk).exists()


def test_a_paused_registry_skips_indexing_on_publish(small_town):
    with registry.paused():
        item = new_item(small_town)
        revised = ServiceItemPage.objects.get(pk=small_town[TOWN_ITEM].pk)
        revised.title = "最低生活保障待遇申请"
        revised.save_revision().publish()
    assert not SearchDocument.objects.filter(page_id=item.pk).exists()
    assert SearchDocument.objects.get(page_id=revised.pk).title == "最低生活保障申请"  # still the old one
    item.save_revision().publish()  # outside the bulk job, publishing indexes again
    assert SearchDocument.objects.filter(page_id=item.pk).exists()


@pytest.mark.parametrize("code", [TOWN_ITEM, HALL])
def test_a_code_finds_its_page(small_town, code):
    assert found(code, small_town)[0] == small_town[code].pk
