"""Catalog codes: the stable identifiers that content, imports, search results
and printed sheets use to refer to a page.

Codes are unique within one town (one Wagtail site), not across the whole
installation: two towns may both have a certificate list entry ``ZM-N-01``.
A database constraint cannot express "unique below this site root", so the
check lives here and runs from the admin form and from the importer.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page, Site

from .panels import HookedPanelsMixin
from .towns import town_root


class CodedPage(HookedPanelsMixin, models.Model):
    """Abstract base for pages that carry a catalog code.

    Coded pages are the ones other apps build outputs from (sheets, search
    documents), so their edit forms also take panels registered by hook.
    """

    #: Regular expression the code must match; set by each subclass.
    code_pattern: str = r"^[A-Z0-9-]+$"
    #: Human description of the pattern, for error messages.
    code_example: str = ""

    code = models.CharField(
        "编码",
        max_length=32,
        db_index=True,
        help_text="目录编码，全镇唯一，打印的明白纸和搜索都用它引用本页；创建后请勿随意修改。",
    )
    # Hash of the catalog record this page was last imported from; lets
    # load_catalog touch only pages whose source changed (and keep admin edits).
    import_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # The field values this page was last imported with, so an import can tell
    # a field edited in the admin since (a conflict to report) from one it may update.
    import_snapshot = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def code_is_valid(cls, code: str) -> bool:
        return bool(re.fullmatch(cls.code_pattern, code or ""))

    def clean(self) -> None:
        super().clean()
        if not self.code_is_valid(self.code):
            raise ValidationError({"code": f"编码格式不正确：{self.code!r}，应形如 {self.code_example}"})


def coded_models() -> list[type[Page]]:
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, CodedPage) and issubclass(m, Page)]


def find_code_clash(code: str, parent: Page, exclude_pk: int | None = None) -> Page | None:
    """Another page in the same town that already uses ``code``, if any."""
    root = town_root(parent)
    for model in coded_models():
        qs = model.objects.descendant_of(root, inclusive=True).filter(code=code)
        if exclude_pk is not None:
            qs = qs.exclude(pk=exclude_pk)
        clash = qs.first()
        if clash is not None:
            return clash
    return None


def find_by_code(site: Site, code: str, live_only: bool = True) -> Page | None:
    """Resolve a catalog code to its page within one site."""
    for model in coded_models():
        qs = model.objects.descendant_of(site.root_page, inclusive=True).filter(code=code)
        if live_only:
            qs = qs.live()
        page = qs.first()
        if page is not None:
            return page
    return None


class CodedPageForm(WagtailAdminPageForm):
    """Admin form that refuses a code already used elsewhere in the same town.

    The page's slug is its code in lower case (``/services/qh-mz-001/``), so a
    guide created in the admin gets the same short, stable address as an
    imported one, and its QR code stays small. Changing the code changes the
    slug; Wagtail's redirects app then records a redirect from the old address
    (WAGTAILREDIRECTS_AUTO_CREATE), so printed QR codes keep working.
    """

    def clean_slug(self) -> str:
        code = (self.data.get(self.add_prefix("code")) or "").strip()
        if code and self.instance.code_is_valid(code):
            return code.lower()
        return self.cleaned_data.get("slug", "")

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code")
        if code:
            parent = self.parent_page if self.instance.pk is None else self.instance.get_parent()
            clash = find_code_clash(code, parent, exclude_pk=self.instance.pk)
            if clash is not None:
                self.add_error("code", f"编码 {code} 已被“{clash.title}”使用，请换一个。")
        return cleaned
