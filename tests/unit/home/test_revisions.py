"""Opening a revision checks its references in one query per model, with modelcluster's rules."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from modelcluster.models import ClusterableModel
from wagtail.documents import get_document_model

from places.models import PlaceKind, PlacePage
from services.models import ItemPlace, Material, ServiceItemPage
from tests.unit.towns import HALL, POINT_1, TOWN_ITEM, publish


def draft_of(small_town) -> ServiceItemPage:
    """The town item's latest revision, opened the way the edit view opens it."""
    return ServiceItemPage.objects.get(pk=small_town[TOWN_ITEM].pk).get_latest_revision_as_object()


def opened_by_modelcluster(page: ServiceItemPage) -> ServiceItemPage:
    """The same revision opened with modelcluster's own check, one query per reference."""
    data = page.get_latest_revision().content
    return ClusterableModel.from_serializable_data.__func__(ServiceItemPage, data, check_fks=True)


def test_a_row_whose_place_is_gone_is_dropped_and_the_others_stay(small_town):
    extra = publish(
        small_town.sections["places"],
        PlacePage(
            title="临时代办点", code="OF-V09", kind=PlaceKind.VILLAGE_POINT, address="东村", phone="0517-86810099"
        ),
    )
    guide = ServiceItemPage.objects.get(pk=small_town[TOWN_ITEM].pk)
    guide.item_places = [
        ItemPlace(place=small_town[HALL]),
        ItemPlace(place=extra),
        ItemPlace(place=small_town[POINT_1]),
    ]
    guide.save_revision()
    extra.delete()

    ours = [row.place_id for row in draft_of(small_town).item_places.all()]
    theirs = [row.place_id for row in opened_by_modelcluster(guide).item_places.all()]
    assert ours == theirs == [small_town[HALL].pk, small_town[POINT_1].pk]


def test_a_material_whose_blank_form_is_gone_keeps_the_row_without_it(small_town):
    document = get_document_model().objects.create(title="申请表", file=ContentFile(b"form", name="form.pdf"))
    guide = ServiceItemPage.objects.get(pk=small_town[TOWN_ITEM].pk)
    guide.materials = [Material(name="申请表", blank_form=document), *guide.materials.all()]
    guide.save_revision()
    document.delete()

    materials = draft_of(small_town).materials.all()
    assert materials[0].name == "申请表" and materials[0].blank_form_id is None
    assert [m.name for m in materials] == [m.name for m in opened_by_modelcluster(guide).materials.all()]


def test_references_are_checked_once_per_model_however_many_rows(small_town):
    guide = ServiceItemPage.objects.get(pk=small_town[TOWN_ITEM].pk)
    guide.item_places = [ItemPlace(place=small_town[HALL])]
    guide.save_revision()
    with CaptureQueriesContext(connection) as one_row:
        draft_of(small_town)

    guide.item_places = [ItemPlace(place=small_town[p]) for p in (HALL, POINT_1) * 6]
    guide.save_revision()
    with CaptureQueriesContext(connection) as twelve_rows:
        draft_of(small_town)
    with CaptureQueriesContext(connection) as per_reference:
        opened_by_modelcluster(guide)

    assert len(twelve_rows) == len(one_row)
    assert len(per_reference) >= len(twelve_rows) + 11
