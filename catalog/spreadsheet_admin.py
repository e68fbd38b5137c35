"""Spreadsheet import and export in the admin: 报告 → 导入导出 (see docs/content-format.md, "Spreadsheets").

- Export: the whole catalog (or, for a department's editors and reviewers,
  their unit's items) as XLSX or a zip of CSVs, via ``export_items``.
- Import (superusers and the town reviewers, group 镇级审核): upload, see a dry
  run (every change field by field, every problem with sheet and row, every
  conflict with an admin edit), then apply it in one transaction.

Between the dry run and applying, the upload waits in a private temporary
folder under a random token kept in the editor's session; applying checks that
the changes are still the ones previewed.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views import View
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Site

from services.models import ServiceItemPage
from services.permissions import is_town_reviewer, user_unit_ids

from .spreadsheet_export import FORMATS, export_items
from .spreadsheet_import import ImportResult, import_spreadsheet

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
UPLOAD_DIR = Path(tempfile.gettempdir()) / "portal-spreadsheet-imports"
UPLOAD_LIFETIME = 24 * 3600  # seconds an upload waits for its confirmation
SESSION_KEY = "catalog_spreadsheet_uploads"


# -- who may do what ------------------------------------------------------------------


def can_import(user) -> bool:
    """Importing changes guides of every unit: superusers and the town reviewers (镇级审核) only."""
    return bool(user.is_authenticated and user.is_active and is_town_reviewer(user))


def exportable_items(user, site: Site) -> QuerySet | None:
    """The items the user may export: all for importers, their units' for department staff; None: none."""
    items = ServiceItemPage.objects.descendant_of(site.root_page).order_by("path")
    if can_import(user):
        return items
    if not (user.is_authenticated and user.is_active):
        return None
    units = user_unit_ids(user)
    return items.filter(responsible_unit_id__in=units) if units else None


def _site(request: HttpRequest) -> Site:
    return Site.find_for_request(request) or Site.objects.get(is_default_site=True)


# -- uploads waiting for confirmation -----------------------------------------------------


def _store(request: HttpRequest, name: str, data: bytes) -> str:
    UPLOAD_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = time.time()
    for old in UPLOAD_DIR.iterdir():
        if now - old.stat().st_mtime > UPLOAD_LIFETIME:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (UPLOAD_DIR / token).write_bytes(data)
    uploads = request.session.get(SESSION_KEY, {})
    uploads[token] = name
    request.session[SESSION_KEY] = uploads
    return token


def _stored(request: HttpRequest, token: str) -> tuple[str, bytes]:
    name = request.session.get(SESSION_KEY, {}).get(token)
    file = UPLOAD_DIR / token
    if name is None or not token.isalnum() or not file.is_file():
        raise Http404("上传的文件已过期，请重新上传")
    return name, file.read_bytes()


def _forget(request: HttpRequest, token: str) -> None:
    (UPLOAD_DIR / token).unlink(missing_ok=True)
    uploads = request.session.get(SESSION_KEY, {})
    uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads


# -- views ------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label="表格文件",
        help_text="从这里导出的 .xlsx，或 .zip（每个工作表一个 CSV），或单个 .csv（只有“事项”工作表）。"
        "上传后先预览，确认后才写入。",
    )


class SpreadsheetView(WagtailAdminTemplateMixin, View):
    page_title = "导入导出"
    header_icon = "table"
    _site_cache: Site | None = None

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": reverse("catalog_spreadsheets"), "label": "导入导出"}]

    def site(self) -> Site:
        if self._site_cache is None:
            self._site_cache = _site(self.request)
        return self._site_cache

    def items(self) -> QuerySet:
        items = exportable_items(self.request.user, self.site())
        if items is None:
            raise PermissionDenied
        return items

    def require_import(self) -> None:
        if not can_import(self.request.user):
            raise PermissionDenied


class IndexView(SpreadsheetView):
    template_name = "catalog/spreadsheets/index.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(form=UploadForm())

    def render(self, **context) -> HttpResponse:
        items = self.items()
        context.update(
            item_count=items.count(),
            all_items=can_import(self.request.user),
            can_import=can_import(self.request.user),
        )
        return self.render_to_response(self.get_context_data(**context))


class ExportView(SpreadsheetView):
    def get(self, request: HttpRequest, format: str) -> HttpResponse:
        if format not in FORMATS:
            raise Http404
        return export_items(self.items(), format)


class ImportView(IndexView):
    """Upload: check everything and show what would change; nothing is written."""

    template_name = "catalog/spreadsheets/preview.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return redirect("catalog_spreadsheets")

    def post(self, request: HttpRequest) -> HttpResponse:
        self.require_import()
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            self.template_name = IndexView.template_name
            return self.render(form=form)
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", f"文件太大（超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB）")
            self.template_name = IndexView.template_name
            return self.render(form=form)
        data = upload.read()
        result = import_spreadsheet(self.site(), upload.name, data, dry_run=True)
        token = _store(request, upload.name, data) if result.ok else ""
        return self.preview(result, upload.name, token)

    def preview(self, result: ImportResult, name: str, token: str, message: str = "") -> HttpResponse:
        return self.render(
            result=result,
            filename=name,
            token=token,
            plan=result.plan_digest() if result.ok else "",
            message=message,
            form=UploadForm(),
            outcome_text=OUTCOME_TEXT,
        )


class ApplyView(ImportView):
    """Confirm: apply the previewed upload in one transaction, then show a summary."""

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        self.require_import()
        name, data = _stored(request, token)
        take_file = request.POST.get("take_file") == "on"
        with transaction.atomic():
            result = import_spreadsheet(self.site(), name, data, dry_run=False, take_file=take_file)
            applied = result.ok and result.plan_digest() == request.POST.get("plan")
            if not applied:
                transaction.set_rollback(True)
        if not applied:
            # Something changed since the preview (or a problem appeared): nothing was written; preview again.
            again = import_spreadsheet(self.site(), name, data, dry_run=True)
            message = "预览之后，后台或表格中的内容有了变化，没有写入任何内容。请核对下面的新预览后再确认。"
            return self.preview(again, name, token if again.ok else "", message=message if again.ok else "")
        _forget(request, token)
        self.template_name = "catalog/spreadsheets/done.html"
        return self.render(result=result, filename=name, take_file=take_file, outcome_text=OUTCOME_TEXT)


# How each outcome reads to an editor importing a spreadsheet.
OUTCOME_TEXT = {
    "update": "更新为表格中的值",
    "keep": "保留后台的修改（表格中未改）",
    "conflict": "冲突：保留后台的值",
    "take": "冲突：采用表格中的值",
}


# -- hooks ------------------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_spreadsheet_urls():
    return [
        path("catalog/spreadsheets/", IndexView.as_view(), name="catalog_spreadsheets"),
        path("catalog/spreadsheets/export/<str:format>/", ExportView.as_view(), name="catalog_spreadsheets_export"),
        path("catalog/spreadsheets/import/", ImportView.as_view(), name="catalog_spreadsheets_import"),
        path("catalog/spreadsheets/import/<str:token>/", ApplyView.as_view(), name="catalog_spreadsheets_apply"),
    ]


class SpreadsheetMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return exportable_items(request.user, _site(request)) is not None


@hooks.register("register_reports_menu_item")
def register_spreadsheet_menu_item():
    return SpreadsheetMenuItem("导入导出", reverse("catalog_spreadsheets"), icon_name="table", order=60)
