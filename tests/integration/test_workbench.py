"""The guide workbench over the whole demo catalog: every guide, unit filter, a bounded query count."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.models import ResponsibleUnit, ServiceItemPage

pytestmark = pytest.mark.django_db

WORKBENCH = "/admin/guides/workbench/"
ROW_CODE = re.compile(r"<td[^>]*>\s*(QH-[A-Z]{2,4}-\d{3})\s*</td>")
MAX_QUERIES = 20  # session, user, permissions, menus, counts, the page of rows: not one per row


def listed(response) -> list[str]:
    assert response.status_code == 200
    return ROW_CODE.findall(response.content.decode())


def exported(response) -> list[dict]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_the_workbench_lists_all_147_guides(admin_client):
    rows = exported(admin_client.get(WORKBENCH, {"export": "csv"}))
    assert len(rows) == ServiceItemPage.objects.count() == 147
    assert {row["编码"] for row in rows} == set(ServiceItemPage.objects.values_list("code", flat=True))
    assert all(row["状态"] == "已发布" for row in rows)

    pages = [listed(admin_client.get(WORKBENCH, {"p": number})) for number in (1, 2, 3)]
    assert [len(page) for page in pages] == [50, 50, 47]
    assert [code for page in pages for code in page] == sorted(row["编码"] for row in rows)


def test_filter_by_unit(admin_client):
    unit = ResponsibleUnit.objects.get(items__code="QH-MZ-001")
    expected = set(ServiceItemPage.objects.filter(responsible_unit=unit).values_list("code", flat=True))
    assert 1 < len(expected) < 147
    assert set(listed(admin_client.get(WORKBENCH, {"responsible_unit": unit.pk}))) == expected
    rows = exported(admin_client.get(WORKBENCH, {"responsible_unit": unit.pk, "export": "csv"}))
    assert {row["编码"] for row in rows} == expected
    assert {row["责任单位"] for row in rows} == {unit.name}


def test_the_listing_query_count_does_not_grow_with_rows(admin_client):
    unit = ResponsibleUnit.objects.get(items__code="QH-MZ-001")
    admin_client.get(WORKBENCH)  # quality problem counts cached
    counts = {}
    for label, params in {
        "50 rows": {},
        "47 rows": {"p": 3},
        "one unit": {"responsible_unit": unit.pk},
        "by problems": {"ordering": "-problem_count"},
    }.items():
        with CaptureQueriesContext(connection) as queries:
            assert listed(admin_client.get(WORKBENCH, params))
        counts[label] = len(queries)
    assert counts["50 rows"] == counts["47 rows"] == counts["by problems"] <= MAX_QUERIES, counts
    assert counts["one unit"] == counts["50 rows"] + 1, "the filter reads the chosen unit once, not per row"


def test_counting_quality_problems_afresh_costs_a_fixed_number_of_queries(admin_client):
    with CaptureQueriesContext(connection) as cold:
        assert len(listed(admin_client.get(WORKBENCH))) == 50  # nothing cached: all 147 guides checked
    assert len(cold) <= MAX_QUERIES + 10, len(cold)
