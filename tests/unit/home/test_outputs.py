"""The output registry: what each page type gives search and sheets, found by class and subclass."""

from __future__ import annotations

import threading

from wagtail.models import Page

from home.models import HomePage, SectionPage
from home.outputs import SEARCH, SHEET, OutputRegistry, registry
from notices.models import NoticeIndexPage, NoticePage
from places.models import PlacePage
from services.models import (
    CertificateEntryPage,
    CertificateListPage,
    ServiceIndexPage,
    ServiceItemPage,
)
from tests.unit.towns import HALL, MUST_NOT_ISSUE, MUST_NOT_ISSUE_ENTRY, TOWN_ITEM, WINDOW

OUT = "test-output"


def build_section(page):
    return f"section {page.title}"


def build_services(page):
    return f"services {page.title}"


def test_a_registration_on_a_base_class_serves_its_subclasses():
    outputs = OutputRegistry()
    outputs.register(OUT, SectionPage, build_section)  # abstract base of every section
    assert outputs.has(OUT, ServiceIndexPage)
    assert outputs.has(OUT, NoticeIndexPage)
    assert not outputs.has(OUT, HomePage)
    assert not outputs.has(SHEET, ServiceIndexPage)  # another output knows nothing of it
    assert outputs.models(OUT) == [SectionPage]


def test_the_nearest_registration_wins(small_town):
    outputs = OutputRegistry()
    outputs.register(OUT, SectionPage, build_section)
    outputs.register(OUT, ServiceIndexPage, build_services)
    assert outputs.builder(OUT, small_town.sections["services"]) is build_services
    assert outputs.builder(OUT, small_town.sections["notices"]) is build_section
    assert outputs.builder(OUT, small_town.home) is None


def test_a_plain_page_is_looked_up_by_its_specific_type(small_town):
    outputs = OutputRegistry()
    outputs.register(OUT, ServiceIndexPage, build_services)
    plain = Page.objects.get(pk=small_town.sections["services"].pk)
    assert type(plain) is Page
    assert outputs.has(OUT, plain)
    assert outputs.affected(OUT, plain) == [small_town.sections["services"]]
    assert type(outputs.affected(OUT, plain)[0]) is ServiceIndexPage


def test_affects_only_types_are_sources_without_an_output_of_their_own(small_town):
    outputs = OutputRegistry()
    outputs.register(OUT, ServiceItemPage, build_services)
    outputs.register(OUT, CertificateEntryPage, affects=lambda entry: [entry.get_parent().specific])
    assert outputs.models(OUT) == [ServiceItemPage]
    assert outputs.sources(OUT) == [ServiceItemPage, CertificateEntryPage]
    assert not outputs.has(OUT, CertificateEntryPage)
    entry = small_town[MUST_NOT_ISSUE_ENTRY]
    assert [p.pk for p in outputs.affected(OUT, entry)] == [small_town[MUST_NOT_ISSUE].pk]
    assert [p.pk for p in outputs.affected(OUT, small_town[TOWN_ITEM])] == [small_town[TOWN_ITEM].pk]
    assert outputs.affected(OUT, small_town[HALL]) == []  # places are not registered here


def test_paused_is_nested_and_per_thread():
    outputs = OutputRegistry()
    seen_elsewhere = []
    assert not outputs.is_paused()
    with outputs.paused():
        assert outputs.is_paused()
        with outputs.paused():
            assert outputs.is_paused()
        assert outputs.is_paused()  # leaving the inner block keeps the outer pause
        worker = threading.Thread(target=lambda: seen_elsewhere.append(outputs.is_paused()))
        worker.start()
        worker.join()
    assert not outputs.is_paused()
    assert seen_elsewhere == [False]


def test_paused_is_lifted_when_the_job_fails():
    outputs = OutputRegistry()
    try:
        with outputs.paused():
            raise RuntimeError("bulk job failed")
    except RuntimeError:
        pass
    assert not outputs.is_paused()


def test_rebuild_runs_each_registered_rebuild_for_the_site(small_town):
    outputs = OutputRegistry()
    calls = []
    outputs.register_rebuild(OUT, lambda site: calls.append(("out", site)) or 3)
    outputs.register_rebuild("other", lambda site: calls.append(("other", site)) or 5)
    assert outputs.rebuild(small_town.site) == {OUT: 3, "other": 5}
    assert calls == [("out", small_town.site), ("other", small_town.site)]
    calls.clear()
    assert outputs.rebuild(small_town.site, outputs=["other", "unknown"]) == {"other": 5}
    assert calls == [("other", small_town.site)]


def test_the_portal_registry_lists_what_search_and_sheets_serve():
    assert set(registry.models(SEARCH)) == {ServiceItemPage, CertificateEntryPage, PlacePage, NoticePage}
    assert registry.models(SHEET) == [ServiceItemPage, CertificateListPage, PlacePage]
    assert set(registry.sources(SHEET)) == {ServiceItemPage, CertificateListPage, CertificateEntryPage, PlacePage}
    assert not registry.has(SHEET, NoticePage)
    assert not registry.has(SHEET, CertificateEntryPage)


def test_the_portal_registry_names_what_a_window_affects(small_town):
    affected = {page.pk for page in registry.affected(SHEET, small_town[WINDOW])}
    assert small_town[WINDOW].pk in affected
    assert small_town[HALL].pk in affected  # the hall's sheet lists its windows
