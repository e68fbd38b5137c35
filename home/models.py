"""The site shell: the home page and the per-town settings."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page


@register_setting(icon="home")
class TownSettings(BaseSiteSetting):
    """Everything that makes one Wagtail site a particular town; no town is hard-coded."""

    town_name = models.CharField("镇（街道）名称", max_length=40, help_text="例如：清河镇")
    portal_title = models.CharField("网站名称", max_length=60, help_text="例如：清河镇便民服务网")
    service_hall = models.ForeignKey(
        "places.PlacePage",
        verbose_name="便民服务中心",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="首页和页脚显示它的地址、办公时间和电话。",
    )
    consultation_phone = models.CharField("总咨询电话", max_length=32, blank=True)
    complaint_phone = models.CharField(
        "监督投诉电话", max_length=32, blank=True, help_text="带区号，事项未单独填写时使用。"
    )
    online_service_name = models.CharField("政务服务网名称", max_length=60, blank=True)
    online_service_url = models.URLField("政务服务网地址", blank=True, help_text="事项未单独填写网办地址时使用。")
    footer_note = models.CharField("页脚说明", max_length=200, blank=True, help_text="例如主办单位、备案号。")
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
            [FieldPanel("service_hall"), FieldPanel("consultation_phone"), FieldPanel("complaint_phone")],
            heading="服务中心与电话",
        ),
        MultiFieldPanel([FieldPanel("online_service_name"), FieldPanel("online_service_url")], heading="网上办理"),
        FieldPanel("hot_words"),
        FieldPanel("footer_note"),
        FieldPanel("show_demo_notice"),
    ]

    class Meta:
        verbose_name = "本镇设置"


def hot_words_for(request, count: int = 8) -> list[str]:
    """Editor-set hot words, else the most searched queries that found something."""
    from search.service import computed_hot_words

    town = TownSettings.for_request(request)
    words = [w.strip() for w in town.hot_words.replace("，", "、").split("、") if w.strip()]
    return words[:count] or computed_hot_words(count)


class SectionPage(Page):
    """A top-level section directly below a town's home page, one of each kind."""

    intro = models.TextField("导语", blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    max_count_per_parent = 1

    class Meta:
        abstract = True


class HomePage(Page):
    """Search first, then categories, life events, notices and the hall's contacts."""

    intro = models.CharField("欢迎语", max_length=200, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = [
        "services.ServiceIndexPage",
        "services.CertificateIndexPage",
        "places.PlaceIndexPage",
        "notices.NoticeIndexPage",
    ]
    max_count = None

    class Meta:
        verbose_name = "首页"

    def section(self, model: type[Page]) -> Page | None:
        return model.objects.child_of(self).live().first()

    def get_context(self, request, *args, **kwargs):
        from notices.models import NoticeIndexPage, NoticePage
        from places.models import PlaceIndexPage
        from services.models import CertificateIndexPage, LifeEvent, ServiceCategory, ServiceIndexPage

        context = super().get_context(request, *args, **kwargs)
        services = self.section(ServiceIndexPage)
        notices = self.section(NoticeIndexPage)
        context.update(
            services_index=services,
            certificates_index=self.section(CertificateIndexPage),
            places_index=self.section(PlaceIndexPage),
            notices_index=notices,
            categories=ServiceCategory.objects.all(),
            life_events=LifeEvent.objects.all(),
            latest_notices=NoticePage.current().descendant_of(self)[:6] if notices else [],
            hot_words=hot_words_for(request),
        )
        return context
