"""Certificate lists (证明事项清单): what village/community committees may issue
and what they must not, with how a resident gets it instead."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index

from home.coded import CodedPage, CodedPageForm
from home.models import SectionPage


class CertificateListKind(models.TextChoices):
    MAY_ISSUE = "可以出具", "可以出具"
    MUST_NOT_ISSUE = "不应出具", "不应出具"


LIST_CODES = {CertificateListKind.MAY_ISSUE: "ZM-Y", CertificateListKind.MUST_NOT_ISSUE: "ZM-N"}
# What each list's entries explain, as headed on the web page and the printed sheet.
ALTERNATIVE_HEADINGS = {
    CertificateListKind.MAY_ISSUE: "用途和出具程序",
    CertificateListKind.MUST_NOT_ISSUE: "不再开证明，改为这样办",
}


class CertificateIndexPage(SectionPage):
    """证明事项清单: both lists on one scannable page."""

    section_key = "certificates"
    subpage_types = ["services.CertificateListPage"]

    class Meta:
        verbose_name = "证明事项清单目录"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lists"] = CertificateListPage.objects.live().child_of(self).order_by("path")
        return context


class CertificateListPage(CodedPage, Page):
    """One list: 可以出具 (ZM-Y) or 不应出具 (ZM-N)."""

    code_pattern = r"^ZM-[YN]$"
    code_example = "ZM-N、ZM-Y"

    list_kind = models.CharField("清单类型", max_length=8, choices=CertificateListKind.choices)
    intro = models.TextField("说明", blank=True, help_text="这份清单的来源和使用说明。")
    basis = models.CharField("依据文件", max_length=300, blank=True)

    base_form_class = CodedPageForm
    parent_page_types = ["services.CertificateIndexPage"]
    subpage_types = ["services.CertificateEntryPage"]

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("code"), FieldPanel("list_kind")]),
        FieldPanel("basis"),
        FieldPanel("intro"),
    ]

    class Meta:
        verbose_name = "证明事项清单"
        verbose_name_plural = "证明事项清单"

    def entries(self):
        return CertificateEntryPage.objects.live().child_of(self).order_by("path")

    @property
    def alternative_heading(self) -> str:
        return ALTERNATIVE_HEADINGS.get(self.list_kind, ALTERNATIVE_HEADINGS[CertificateListKind.MUST_NOT_ISSUE])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["entries"] = self.entries()
        return context

    def clean(self) -> None:
        super().clean()
        expected = LIST_CODES.get(self.list_kind)
        if expected and self.code and self.code != expected:
            raise ValidationError({"code": f"“{self.list_kind}”清单的编码应为 {expected}"})


class CertificateEntryPage(CodedPage, Page):
    """One certificate on a list, with its basis and the way to get it instead."""

    code_pattern = r"^ZM-[YN]-\d{2}$"
    code_example = "ZM-N-01"

    basis = models.TextField("依据")
    alternative = models.TextField(
        "替代办法或办理程序",
        help_text="不应出具：居民改从哪里、怎么取得；可以出具：用途和出具程序。",
    )
    notes = models.TextField("备注", blank=True)

    base_form_class = CodedPageForm
    parent_page_types = ["services.CertificateListPage"]
    subpage_types: list[str] = []

    content_panels = [
        *Page.content_panels,
        FieldPanel("code"),
        MultiFieldPanel([FieldPanel("basis"), FieldPanel("alternative"), FieldPanel("notes")], heading="内容"),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("code"),
        index.SearchField("alternative"),
        index.SearchField("basis"),
    ]

    class Meta:
        verbose_name = "证明事项"
        verbose_name_plural = "证明事项"

    @property
    def certificate_list(self) -> CertificateListPage | None:
        parent = self.get_parent()
        return parent.specific if parent else None

    @property
    def may_issue(self) -> bool:
        return self.code.startswith("ZM-Y")

    @property
    def alternative_heading(self) -> str:
        kind = CertificateListKind.MAY_ISSUE if self.may_issue else CertificateListKind.MUST_NOT_ISSUE
        return ALTERNATIVE_HEADINGS[kind]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = self.related_items.live().order_by("path")
        return context
