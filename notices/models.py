"""Notices (通知公告) that editors publish, schedule and expire.

A notice has one end: Wagtail's ``expire_at``, shown to editors as 下架时间 in
the main panel. At that time the scheduler (``manage.py run_scheduler``)
unpublishes it, so it leaves the listings, the home page, search and its own
address. Until the scheduler's next run ``current()`` and ``is_expired()``
already treat it as gone.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PublishingPanel
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.models import SectionPage
from home.revisions import BatchedRevisionMixin


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

    def current_notices(self, now: dt.datetime | None = None):
        return NoticePage.current(now).child_of(self)

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


EXPIRY_LABEL = "下架时间"
EXPIRY_HELP = (
    "到了这个时间，通知自动从网站撤下（取消发布）：列表、首页和搜索中不再出现，原链接也打不开。"
    "不填则一直保留。到时间后一分钟内生效。"
)


def end_of_day(day: dt.date) -> dt.datetime:
    """23:59:59 of ``day`` in the site's time zone (Asia/Shanghai): a 下架日期 as a 下架时间."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def _publishing_panel_without_expiry() -> PublishingPanel:
    """Wagtail's schedule dialog with only 上线时间: 下架时间 sits in the main panel instead."""
    widget = AdminDateTimeInput(
        js_overlay_parent_selector="#schedule-publishing-dialog",
        attrs={
            "data-controller": "w-action",
            "data-action": "w-dialog:hidden->w-action#reset",
            "data-w-dialog-target": "notify",
        },
    )
    return PublishingPanel(children=[FieldPanel("go_live_at", widget=widget)])


class NoticePage(BatchedRevisionMixin, Page):
    date = models.DateField("发布日期", default=dt.date.today, help_text="显示在列表和正文上方的日期。")
    category = models.CharField("类别", max_length=12, choices=NoticeCategory.choices, default=NoticeCategory.NOTICE)
    pinned = models.BooleanField("置顶", default=False)
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
                FieldRowPanel(
                    [FieldPanel("expire_at", heading=EXPIRY_LABEL, help_text=EXPIRY_HELP), FieldPanel("issuer")]
                ),
            ],
            heading="发布信息",
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("attachments", heading="附件", label="附件"),
    ]
    # The side panel's schedule keeps 上线时间 only; one field cannot sit in two panels.
    settings_panels = [
        _publishing_panel_without_expiry(),
        *(
            panel
            for panel in Page.settings_panels
            if getattr(panel, "path", "") != "wagtail.admin.panels.PublishingPanel"
        ),
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
    def current(cls, now: dt.datetime | None = None):
        """Live notices not yet past their 下架时间, pinned first, newest next."""
        now = now or timezone.now()
        return (
            cls.objects.live()
            .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
            .order_by("-pinned", "-date", "-pk")
        )

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        """Taken down by its 下架时间 (or due to be, at the scheduler's next run)."""
        now = now or timezone.now()
        return self.expired or (self.expire_at is not None and self.expire_at <= now)

    @property
    def expiry_date(self) -> dt.date | None:
        """The last day the notice is on the site (the local date of its 下架时间); a view, not a field.

        Setting it sets ``expire_at`` to that day's 23:59:59 Asia/Shanghai, as the
        catalog's ``expiry_date`` key does.
        """
        if self.expire_at is None:
            return None
        return timezone.localtime(self.expire_at - dt.timedelta(microseconds=1)).date()

    @expiry_date.setter
    def expiry_date(self, day: dt.date | None) -> None:
        self.expire_at = None if day is None else end_of_day(day)


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
