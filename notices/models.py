"""Notices (通知公告) that editors publish, schedule and expire."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.models import SectionPage


class NoticeCategory(models.TextChoices):
    NOTICE = "通知", "通知"
    ANNOUNCEMENT = "公告", "公告"
    PUBLICITY = "公示", "公示"
    POLICY = "政策解读", "政策解读"
    SERVICE_CHANGE = "服务调整", "服务调整"


class NoticeIndexPage(SectionPage):
    """通知公告 listing: pinned first, newest next, expired ones left out."""

    per_page = 20

    section_key = "notices"
    subpage_types = ["notices.NoticePage"]

    class Meta:
        verbose_name = "通知公告栏目"

    def current_notices(self, today: dt.date | None = None):
        return NoticePage.current(today).child_of(self)

    def latest(self, count: int = 6):
        """The newest current notices, for the home page."""
        return self.current_notices()[:count]

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        category = request.GET.get("category", "")
        notices = self.current_notices()
        if category in NoticeCategory.values:
            notices = notices.filter(category=category)
        else:
            category = ""
        context["notices"] = Paginator(notices, self.per_page).get_page(request.GET.get("page"))
        context["categories"] = NoticeCategory.choices
        context["active_category"] = category
        return context


class NoticePage(Page):
    date = models.DateField("发布日期", default=dt.date.today, help_text="显示在列表和正文上方的日期。")
    category = models.CharField("类别", max_length=12, choices=NoticeCategory.choices, default=NoticeCategory.NOTICE)
    pinned = models.BooleanField("置顶", default=False)
    expiry_date = models.DateField(
        "截止日期",
        null=True,
        blank=True,
        help_text="过了这一天，通知不再出现在列表和首页，但原链接仍可打开并提示已过期。",
    )
    summary = models.CharField("摘要", max_length=200, blank=True, help_text="列表中显示，不填则取正文开头。")
    body = RichTextField("正文", features=["h2", "h3", "bold", "ol", "ul", "link", "document-link"])
    issuer = models.CharField("发布单位", max_length=80, blank=True)

    parent_page_types = ["notices.NoticeIndexPage"]
    subpage_types: list[str] = []

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("date"), FieldPanel("category"), FieldPanel("pinned")]),
                FieldRowPanel([FieldPanel("expiry_date"), FieldPanel("issuer")]),
            ],
            heading="发布信息",
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("attachments", heading="附件", label="附件"),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("category"),
        index.FilterField("date"),
    ]

    class Meta:
        verbose_name = "通知公告"
        verbose_name_plural = "通知公告"
        ordering = ["-pinned", "-date"]

    @classmethod
    def current(cls, today: dt.date | None = None):
        """Live notices still within their listing period, pinned first, newest next."""
        today = today or timezone.localdate()
        return (
            cls.objects.live()
            .filter(Q(expiry_date__isnull=True) | Q(expiry_date__gte=today))
            .order_by("-pinned", "-date", "-pk")
        )

    def is_expired(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.expiry_date is not None and self.expiry_date < today


class NoticeAttachment(Orderable):
    notice = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="文件", on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField("显示名称", max_length=120, blank=True, help_text="不填则用文件标题。")

    panels = [FieldRowPanel([FieldPanel("document"), FieldPanel("title")])]

    class Meta(Orderable.Meta):
        verbose_name = "附件"

    @property
    def label(self) -> str:
        return self.title or self.document.title
