"""The site shell: the home page and the per-town settings."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page

# The page type a town's service hall is chosen from, named (not imported) so
# that ``home`` stays at the bottom of the dependency graph.
SERVICE_HALL_PAGE_TYPE = "places.PlacePage"


LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1"}


def is_local_url(url: str) -> bool:
    """True for an address only this machine or its network can reach (localhost, *.local, a bare name)."""
    host = (urlsplit(url).hostname or "").lower()
    if not host or host in LOCAL_HOSTS or host.startswith("127."):
        return True
    return "." not in host or host.endswith((".local", ".localhost"))


@register_setting(icon="home")
class TownSettings(BaseSiteSetting):
    """Everything that makes one Wagtail site a particular town; no town is hard-coded."""

    town_name = models.CharField("镇（街道）名称", max_length=40, help_text="例如：清河镇")
    portal_title = models.CharField("网站名称", max_length=60, help_text="例如：清河镇便民服务网")
    # A plain page reference keeps ``home`` below the content apps; the page
    # chooser offers only place pages (see ``panels``).
    service_hall = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="便民服务中心",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="选择便民服务中心的办事地点页面；首页和页脚显示它的地址、办公时间和电话。",
    )
    consultation_phone = models.CharField("总咨询电话", max_length=32, blank=True)
    complaint_phone = models.CharField(
        "监督投诉电话", max_length=32, blank=True, help_text="带区号，事项未单独填写时使用。"
    )
    online_service_name = models.CharField("政务服务网名称", max_length=60, blank=True)
    online_service_url = models.URLField("政务服务网地址", blank=True, help_text="事项未单独填写网办地址时使用。")
    footer_note = models.CharField("页脚说明", max_length=200, blank=True, help_text="例如主办单位、备案号。")
    public_address = models.URLField(
        "对外网址",
        blank=True,
        help_text="居民访问本站用的网址，例如 https://bianmin.qinghe.gov.cn。打印网页时的链接地址用它；"
        "不填时用站点的主机名，本机地址（如 localhost）不打印。",
    )
    hot_words = models.CharField(
        "热搜词",
        max_length=200,
        blank=True,
        help_text="首页搜索框下显示的热搜词，用顿号分隔；不填则按近30天的搜索记录自动生成。",
    )
    show_demo_notice = models.BooleanField(
        "显示“演示数据”提示",
        default=False,
        help_text="勾选后每个页面和明白纸都显示“本站为演示数据”。正式上线前请取消。",
    )

    panels = [
        MultiFieldPanel([FieldPanel("town_name"), FieldPanel("portal_title")], heading="名称"),
        MultiFieldPanel(
            [
                PageChooserPanel("service_hall", page_type=SERVICE_HALL_PAGE_TYPE),
                FieldPanel("consultation_phone"),
                FieldPanel("complaint_phone"),
            ],
            heading="服务中心与电话",
        ),
        MultiFieldPanel([FieldPanel("online_service_name"), FieldPanel("online_service_url")], heading="网上办理"),
        FieldPanel("public_address"),
        FieldPanel("hot_words"),
        FieldPanel("footer_note"),
        FieldPanel("show_demo_notice"),
    ]

    class Meta:
        verbose_name = "本镇设置"

    def public_base(self) -> str:
        """The address residents reach this town at, without a trailing slash: the
        configured public address, else the site's own unless it is a local one ('')."""
        if self.public_address:
            return self.public_address.rstrip("/")
        root = self.site.root_url if self.site_id else ""
        return "" if is_local_url(root) else root


class SectionPage(Page):
    """A top-level section directly below a town's home page, one of each kind.

    ``section_key`` names the section for the home page and the site header
    ("services", "certificates", "places", "notices"), so they can find it
    without importing the app that defines it.
    """

    section_key: str = ""

    intro = models.TextField("导语", blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    max_count_per_parent = 1

    class Meta:
        abstract = True


class HomePage(Page):
    """Search first, then categories, life events, notices and the hall's contacts.

    The sections below it are found by their ``section_key``; what each shows
    on the home page (categories, latest notices) comes from the section page's
    own methods, so this model imports no content app. Its subpage types are
    the sections that name it as their parent.
    """

    intro = models.CharField("欢迎语", max_length=200, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = None

    class Meta:
        verbose_name = "首页"

    def sections(self) -> dict[str, Page]:
        """The live sections below this home page, by key."""
        children = self.get_children().live().specific()
        return {child.section_key: child for child in children if getattr(child, "section_key", "")}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update({f"{key}_index": section for key, section in self.sections().items()})
        return context
