"""The demo content: complete, linked, consistent, and free of copy-paste filler."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from home.models import TownSettings
from places.models import PlacePage
from services.models import CertificateEntryPage, ServiceItemPage

pytestmark = pytest.mark.django_db

PLACEHOLDER = re.compile(r"TODO|TBD|XXX|待补充|待完善|占位|lorem|示例文本|此处填写", re.IGNORECASE)


def items():
    return (
        ServiceItemPage.objects.live()
        .prefetch_related(
            "conditions",
            "materials",
            "steps",
            "faqs",
            "legal_bases",
            "item_places",
            "related_items",
            "related_certificates",
        )
        .select_related("town_item", "responsible_unit", "category")
    )


def texts(item) -> list[str]:
    return [
        item.summary,
        item.eligibility,
        item.trips_reason,
        item.result_name,
        item.time_limit_note,
        *(c.text for c in item.conditions.all()),
        *(f"{m.name} {m.source} {m.notes} {m.condition}" for m in item.materials.all()),
        *(s.description for s in item.steps.all()),
        *(f"{f.question} {f.answer}" for f in item.faqs.all()),
    ]


def test_every_reference_resolves_to_a_live_page():
    for item in items():
        assert item.item_places.exists(), f"{item.code} is handled nowhere"
        for row in item.item_places.all():
            assert row.place.live, f"{item.code} points to unpublished place {row.place}"
        for related in item.related_items.all():
            assert related.live, f"{item.code} relates to unpublished {related.code}"
        for cert in item.related_certificates.all():
            assert cert.live, f"{item.code} relates to unpublished {cert.code}"
        if item.town_item:
            assert item.town_item.live and item.town_item.level == "镇", item.code
    for entry in CertificateEntryPage.objects.all():
        assert entry.get_parent().specific.code == entry.code[:4]


def test_village_items_are_handled_at_village_points_and_feed_a_town_item():
    points = set(PlacePage.objects.filter(kind="village_point").values_list("pk", flat=True))
    village = list(items().filter(level="村"))
    assert len(village) == 20
    for item in village:
        assert {row.place_id for row in item.item_places.all()} == points, item.code
    fed = [item for item in village if item.town_item_id]
    # Every 代办 item names the town item it feeds, except where the catalog has none
    # (e.g. policy agricultural insurance, which goes to the insurer).
    assert len(fed) >= len(village) - 2
    for item in village:
        notes = [row.note for row in item.item_places.all() if row.note]
        described = " ".join([*notes, item.summary, *(s.description for s in item.steps.all())])
        assert notes, f"{item.code} does not say what the village point does for the resident"
        assert re.search(r"便民服务站|村（社区）|工作人员", described), item.code


def test_items_go_to_the_window_of_their_category():
    expected = {
        "婚姻家庭": "OF-W05",
        "户籍证照": "OF-W08",
        "社会保险": "OF-W03",
        "医疗保障": "OF-W04",
        "市场经营": "OF-W09",
    }
    for item in items().filter(level="镇", category__name__in=expected):
        first = item.item_places.first().place.specific
        if item.code == "QH-ZF-001":  # outdoor advertising sits with law enforcement, not market regulation
            continue
        assert first.code == expected[item.category.name], f"{item.code} goes to {first.code}"


def test_every_window_handles_something():
    for window in PlacePage.objects.filter(kind="window"):
        assert window.handled_items().exists(), f"{window.code} {window.title} handles no item"


def test_no_placeholder_text():
    for item in items():
        for text in texts(item):
            assert not PLACEHOLDER.search(text or ""), f"{item.code}: {text}"


def test_no_boilerplate_shared_by_unrelated_departments():
    """The same condition, step or FAQ text may recur only within one responsible unit."""
    owners: dict[str, set[str]] = defaultdict(set)
    for item in items():
        pieces = [c.text for c in item.conditions.all()]
        pieces += [s.description for s in item.steps.all()]
        pieces += [f.answer for f in item.faqs.all()]
        for piece in pieces:
            if len(piece) >= 15:
                owners[piece].add(item.responsible_unit.name)
    shared = {text: units for text, units in owners.items() if len(units) > 1}
    assert not shared, shared


def test_every_item_cites_a_law_with_title_marks():
    for item in items():
        documents = [b.document for b in item.legal_bases.all()]
        assert documents and all(d.startswith("《") for d in documents), item.code


def test_demo_notice_on_every_page(client, site):
    for url in ("/", "/services/", "/services/qh-mz-001/", "/places/of-h01/", "/certificates/", "/notices/"):
        assert "本站为演示数据" in client.get(url).content.decode(), url
    town = TownSettings.for_site(site)
    town.show_demo_notice = False
    town.save()
    assert "本站为演示数据" not in client.get("/").content.decode()
