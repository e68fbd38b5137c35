"""Which town a page belongs to, for pages in two towns on two sites."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError
from django.test import RequestFactory
from wagtail.models import Page, Site

from home.models import HomePage
from home.towns import resolve_site, town_for_request, town_of, town_path, town_root
from services.models import ServiceIndexPage
from tests.unit.towns import HALL, MUST_NOT_ISSUE_ENTRY, TOWN_ITEM, VILLAGE_ITEM, WINDOW

CODES = (TOWN_ITEM, VILLAGE_ITEM, HALL, WINDOW, MUST_NOT_ISSUE_ENTRY)


def test_town_of_is_the_site_of_each_towns_pages(small_town, other_town):
    for town, elsewhere in ((small_town, other_town), (other_town, small_town)):
        assert town_of(town.home) == town.site
        for code in CODES:
            assert town_of(town[code]) == town.site, code
            assert town_of(town[code]) != elsewhere.site


def test_town_path_is_the_home_page_path_from_a_site_or_any_page(small_town, other_town):
    assert small_town.path != other_town.path
    for town in (small_town, other_town):
        assert town_path(town.site) == town.home.path
        for code in CODES:
            assert town_path(town[code]) == town.home.path
            assert town[code].path.startswith(town_path(town[code]))


def test_town_root_is_the_home_page_of_the_town(small_town, other_town):
    assert town_root(small_town[WINDOW]).pk == small_town.home.pk  # a window below the hall, depth 5
    assert town_root(other_town[WINDOW]).pk == other_town.home.pk
    assert town_root(small_town.sections["services"]).pk == small_town.home.pk


def test_a_tree_without_a_site_has_no_town_but_its_top_page_as_root(small_town):
    home = Page.get_first_root_node().add_child(instance=HomePage(title="未建站点的镇", slug="no-site-yet"))
    services = home.add_child(instance=ServiceIndexPage(title="办事指南", slug="services"))
    assert town_of(services) is None
    assert town_root(services).pk == home.pk
    assert town_path(services) == home.path


def test_town_for_request_follows_the_hostname(small_town, other_town):
    factory = RequestFactory()
    assert town_for_request(factory.get("/", HTTP_HOST="unit.test")) == small_town.site
    assert town_for_request(factory.get("/", HTTP_HOST="other.test")) == other_town.site
    default = Site.objects.get(is_default_site=True)
    assert town_for_request(None) == default


def test_resolve_site_by_hostname_port_or_id(small_town, other_town):
    assert resolve_site("unit.test") == small_town.site
    assert resolve_site("other.test:80") == other_town.site
    assert resolve_site(str(other_town.site.pk)) == other_town.site
    assert resolve_site(None) == Site.objects.get(is_default_site=True)
    with pytest.raises(CommandError, match="找不到站点"):
        resolve_site("nowhere.test")
