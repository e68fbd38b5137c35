"""The admin's search over the whole demo catalog: page search, page chooser, snippet listings."""

from __future__ import annotations

import pytest
from django.urls import reverse

from services.models import ResponsibleUnit, ServiceItemPage

pytestmark = pytest.mark.django_db


def codes(pages) -> list[str]:
    return [getattr(page.specific, "code", "") for page in pages]


def page_search(client, query: str) -> list[str]:
    response = client.get(reverse("wagtailadmin_pages:search"), {"q": query})
    assert response.status_code == 200
    return codes(response.context["object_list"])


@pytest.mark.parametrize("query", ["低保", "QH-MZ-001", "qh-mz-001", "dibao"])
def test_page_search_lists_the_minimum_living_allowance(admin_client, query):
    found = page_search(admin_client, query)
    assert "QH-MZ-001" in found[:3], found[:5]


def test_page_search_by_code_lists_that_item_first(admin_client):
    assert page_search(admin_client, "qh-mz-001")[0] == "QH-MZ-001"


def test_page_search_counts_every_match(admin_client):
    response = admin_client.get(reverse("wagtailadmin_pages:search"), {"q": "医疗保险"})
    total = response.context["page_obj"].paginator.count
    medical = ServiceItemPage.objects.filter(title__contains="医疗保险").count()
    assert total >= medical >= 6
    facets = dict((ct.model, n) for ct, n in response.context["content_types"])
    assert facets["serviceitempage"] >= medical


def test_page_chooser_finds_medical_insurance_guides(admin_client):
    response = admin_client.get(reverse("wagtailadmin_choose_page_search"), {"q": "医疗保险"})
    assert response.status_code == 200
    titles = [page.title for page in response.context["table"].data]
    assert "城乡居民基本医疗保险参保登记" in titles[:5], titles[:5]
    assert "城乡居民医保参保登记代办" in titles  # named 医保; its guide text says 医疗保险


def test_snippet_search_finds_a_unit_by_a_word_in_its_name(admin_client):
    url = reverse("wagtailsnippets_services_responsibleunit:list")
    response = admin_client.get(url, {"q": "医保"})
    assert response.status_code == 200
    names = [unit.name for unit in response.context["object_list"]]
    assert names == [ResponsibleUnit.objects.get(name="镇医保服务站").name]
    names = [unit.name for unit in admin_client.get(url, {"q": "民政"}).context["object_list"]]
    assert "镇社会事务办公室（民政）" in names
