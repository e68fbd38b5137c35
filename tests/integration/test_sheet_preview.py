"""The 明白纸 panel previews the sheet a saved draft would print, made in the background per revision."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from services.models import ServiceItemPage
from sheets import preview as sheet_preview
from tests.adminforms import read_form

pytestmark = pytest.mark.django_db

BODY = re.compile(r"正文 (\d+(?:\.\d+)?) 磅")
PNG_URL = re.compile(r'<img src="(/admin/sheets/preview/\d+/\d+/\d+\.\d+\.png)"')
CODE = "QH-MZ-011"


def edit_page(client, page) -> tuple[str, str]:
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, response.content.decode()


def preview_block(html: str) -> str:
    start = html.index("data-sheet-preview")
    return html[start : html.index("</div>\n</div>", start)]


def save_draft(client, page, captured, materials: int = 0) -> str:
    """Post the edit form as 保存草稿, with ``materials`` more materials; the queued preview runs inline."""
    url, html = edit_page(client, page)
    data = read_form(html, "page-edit-form")
    total = int(data["materials-TOTAL_FORMS"][0])
    for extra in range(materials):  # long names, so 15 cannot all fit
        index = total + extra
        fields = {
            "name": f"第{extra + 1}份补充证明材料：村（居）民委员会出具的家庭成员关系及居住情况证明（加盖公章）",
            "form": "原件",
            "copies": "1",
            "medium": "纸质",
        }
        for key, value in {**fields, "required": "on", "on_sheet": "on", "ORDER": str(index + 1), "id": ""}.items():
            data[f"materials-{index}-{key}"] = [value]
    data["materials-TOTAL_FORMS"] = [str(total + materials)]
    with captured(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return edit_page(client, page)[1]


def test_the_panel_previews_the_draft_and_follows_a_long_material_list(
    admin_client, django_capture_on_commit_callbacks
):
    page = ServiceItemPage.objects.get(code=CODE)
    html = save_draft(admin_client, page, django_capture_on_commit_callbacks)
    block = preview_block(html)
    assert "预览生成中" not in block
    short_pt = float(BODY.search(block)[1])
    assert 14 <= short_pt <= 18
    assert "明白纸放不下" not in block

    png_url = PNG_URL.search(block)[1]
    response = admin_client.get(png_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG") and len(response.content) > 2000

    html = save_draft(admin_client, page, django_capture_on_commit_callbacks, materials=15)
    block = preview_block(html)
    long_pt = float(BODY.search(block)[1])
    assert long_pt < short_pt or "明白纸放不下" in block
    assert re.search(r"明白纸放不下：</strong>另有\d+项材料（扫码查看全部）", block), block
    assert "明白纸上的简写" in block and "列在明白纸上" in block
    assert PNG_URL.search(block)[1] != png_url  # the new revision's picture
    # The live sheet is untouched: only the draft changed.
    page.refresh_from_db()
    assert page.has_unpublished_changes


def test_until_the_preview_is_made_the_panel_says_so_and_shows_the_last_one(
    admin_client, django_capture_on_commit_callbacks, settings
):
    page = ServiceItemPage.objects.get(code="QH-MZ-012")
    save_draft(admin_client, page, django_capture_on_commit_callbacks)
    settings.TASKS = settings.TASKS | {"sheets": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    html = save_draft(admin_client, page, django_capture_on_commit_callbacks, materials=2)
    block = preview_block(html)
    assert "预览生成中…" in block and "上次保存的预览" in block
    assert PNG_URL.search(block)  # the earlier revision's picture meanwhile


def test_the_picture_is_only_for_users_who_may_edit_the_page(client, admin_client, django_user_model):
    page = ServiceItemPage.objects.get(code=CODE)
    revision = page.save_revision()
    made = sheet_preview.make_preview(page.pk, revision.pk)
    url = made.png_url
    assert admin_client.get(url).status_code == 200
    nobody = django_user_model.objects.create_user("nobody", password="pw-nobody-1", is_staff=True)
    client.force_login(nobody)
    assert client.get(url).status_code in (302, 403, 404)


def test_a_revision_saved_over_by_autosave_gets_a_new_picture_at_a_new_address(monkeypatch):
    """Wagtail's autosave saves over the editor's draft revision: same id, new content and time."""
    page = ServiceItemPage.objects.get(code=CODE)
    revision = page.save_revision()
    first = sheet_preview.make_preview(page.pk, revision.pk)
    assert sheet_preview.png(page.pk, revision.pk, sheet_preview.saved_stamp(first.key))

    builds = []
    real_build = sheet_preview.build
    monkeypatch.setattr(sheet_preview, "build", lambda page: builds.append(page) or real_build(page))
    assert sheet_preview.make_preview(page.pk, revision.pk) == first  # queued again, nothing changed: no render
    assert builds == []

    draft = revision.as_object()
    draft.summary = "自动保存改写的简介。"
    again = draft.save_revision(overwrite_revision=revision)
    assert again.pk == revision.pk
    second = sheet_preview.make_preview(page.pk, revision.pk)
    assert len(builds) == 1
    assert second.key != first.key and second.png_url != first.png_url
    assert sheet_preview.png(page.pk, revision.pk, sheet_preview.saved_stamp(second.key))


def test_a_draft_that_cannot_make_a_sheet_says_so_instead_of_waiting():
    page = ServiceItemPage.objects.get(code=CODE)
    revision = page.save_revision()
    revision.content["category"] = None
    revision.save(update_fields=["content"])
    made = sheet_preview.make_preview(page.pk, revision.pk)
    assert made is not None and made.error and not made.body_pt


def test_the_workbench_shows_the_body_size_and_what_the_draft_leaves_out(
    admin_client, django_capture_on_commit_callbacks
):
    page = ServiceItemPage.objects.get(code=CODE)
    save_draft(admin_client, page, django_capture_on_commit_callbacks, materials=15)
    html = admin_client.get("/admin/guides/workbench/", {"q": CODE}).content.decode()
    assert "明白纸字号" in html and "明白纸放不下" in html
    row = html[html.index(f">{CODE}<") if f">{CODE}<" in html else html.index(CODE) :]
    assert re.search(r"另有\d+项材料", row) and "14 磅" in row
