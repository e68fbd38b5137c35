"""Build a small town as its own Wagtail site: the page tree unit tests run on.

A town here is what ``load_catalog`` makes of a whole catalog, cut down to one
of each thing: a new home page under the tree root with its own hostname and
``TownSettings``, the four sections, a hall with one window, two village
points, three service items (a town item with every guide part, a second town
item handled at the window, and a village 代办 item pointing at the first),
both certificate lists with an entry each, and a notice. Every page is
published with ``save_revision().publish()``, as editors and the importer do.

Nothing here assumes an empty database: the home page gets a slug of its own,
taxonomies are looked up by slug before they are made, and codes only have to
be unique within the new town. Build two towns to test what must stay within
one of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wagtail.models import Page, Site

from home.models import HomePage, TownSettings
from notices.models import NoticeIndexPage, NoticePage
from places.models import OpeningPeriod, PlaceIndexPage, PlaceKind, PlacePage
from services.models import (
    CertificateEntryPage,
    CertificateIndexPage,
    CertificateListPage,
    Condition,
    ItemPlace,
    LegalBasis,
    LifeEvent,
    Material,
    ResponsibleUnit,
    ServiceCategory,
    ServiceIndexPage,
    ServiceItemPage,
    Step,
)
from services.values import ItemType, Level, LimitUnit, OnlineMode

TOWN_ITEM = "UT-MZ-001"  # town-level, at the hall, every guide part filled
WINDOW_ITEM = "UT-MZ-002"  # town-level, at the hall's window, its own phones
VILLAGE_ITEM = "UT-CJ-001"  # village 代办 at the first point, forwarded to TOWN_ITEM
HALL, WINDOW, POINT_1, POINT_2 = "OF-H01", "OF-W01", "OF-V01", "OF-V02"
MAY_ISSUE, MUST_NOT_ISSUE = "ZM-Y", "ZM-N"
MAY_ISSUE_ENTRY, MUST_NOT_ISSUE_ENTRY = "ZM-Y-01", "ZM-N-01"

HALL_PHONE = "0517-86810001"
WINDOW_PHONE = "0517-86810005"
TOWN_PHONE = "0517-86819999"
TOWN_COMPLAINT_PHONE = "0517-86812345"
WINDOW_ITEM_PHONE = "0517-86817777"

CATEGORY = ("单元测试社会救助", "unit-social-assistance")
LIFE_EVENT = ("单元测试年老退休", "unit-old-age")
UNIT = "单元测试民政办"

WEEKDAYS = (0, 4)  # 周一至周五
MORNING = (dt.time(8, 30), dt.time(12, 0))
AFTERNOON = (dt.time(13, 30), dt.time(17, 30))


@dataclass
class SmallTown:
    """One town built by ``build_small_town``: its site, settings, sections and pages by code."""

    site: Site
    home: HomePage
    settings: TownSettings
    sections: dict[str, Page]
    pages: dict[str, Page]
    category: ServiceCategory
    life_event: LifeEvent
    unit: ResponsibleUnit
    notice: NoticePage

    def __getitem__(self, code: str) -> Page:
        return self.pages[code]

    @property
    def hostname(self) -> str:
        return self.site.hostname

    @property
    def name(self) -> str:
        return self.settings.town_name

    @property
    def path(self) -> str:
        """The tree path every page of the town starts with."""
        return self.home.path

    def reloaded(self) -> SmallTown:
        """The same town read afresh from the database: objects no earlier test has touched."""
        pages = {code: page.specific for code, page in _by_pk(self.pages).items()}
        return SmallTown(
            site=Site.objects.select_related("root_page").get(pk=self.site.pk),
            home=HomePage.objects.get(pk=self.home.pk),
            settings=TownSettings.objects.get(pk=self.settings.pk),
            sections={key: page.specific for key, page in _by_pk(self.sections).items()},
            pages=pages,
            category=ServiceCategory.objects.get(pk=self.category.pk),
            life_event=LifeEvent.objects.get(pk=self.life_event.pk),
            unit=ResponsibleUnit.objects.get(pk=self.unit.pk),
            notice=NoticePage.objects.get(pk=self.notice.pk),
        )

    def get(self, client, page_or_path, **extra):
        """GET a page (or a path) of this town with the Django test client, on the town's hostname."""
        path = page_or_path if isinstance(page_or_path, str) else url_path(page_or_path)
        return client.get(path, HTTP_HOST=self.hostname, **extra)


def _by_pk(pages: dict[str, Page]) -> dict[str, Page]:
    found = Page.objects.in_bulk([page.pk for page in pages.values()])
    return {key: found[page.pk] for key, page in pages.items()}


def url_path(page: Page) -> str:
    """The path of a page within its own site (``page.url`` is absolute once there are several sites)."""
    _site_id, _root_url, path = page.specific.get_url_parts()
    return path


def publish(parent: Page, page: Page) -> Page:
    """Add ``page`` below ``parent`` and publish it as an editor would."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _taxonomy(model, name: str, slug: str, **values):
    found = model.objects.filter(slug=slug).first()
    return found or model.objects.create(name=name, slug=slug, **values)


def _periods() -> list[OpeningPeriod]:
    first, last = WEEKDAYS
    return [
        OpeningPeriod(first_day=first, last_day=last, opens=opens, closes=closes)
        for opens, closes in (MORNING, AFTERNOON)
    ]


def _place(code: str, title: str, kind: str, phone: str, slug: str) -> PlacePage:
    return PlacePage(
        title=title,
        slug=slug,
        code=code,
        kind=kind,
        address=f"{title}地址1号",
        phone=phone,
        opening_periods=_periods(),
    )


def build_small_town(hostname: str = "unit.test", town_name: str = "单元镇") -> SmallTown:
    """A published small town on ``hostname``; see the module docstring for what it holds."""
    root = Page.get_first_root_node()
    slug = hostname.replace(".", "-")
    home = HomePage(title=f"{town_name}便民服务网", slug=slug, intro=f"欢迎来到{town_name}")
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.create(hostname=hostname, port=80, root_page=home, site_name=f"{town_name}便民服务网")

    sections: dict[str, Page] = {}
    for key, model, title, section_slug in (
        ("services", ServiceIndexPage, "办事指南", "services"),
        ("certificates", CertificateIndexPage, "证明事项清单", "certificates"),
        ("places", PlaceIndexPage, "办事地点", "places"),
        ("notices", NoticeIndexPage, "通知公告", "notices"),
    ):
        sections[key] = publish(home, model(title=title, slug=section_slug, intro=f"{town_name}{title}"))

    category = _taxonomy(ServiceCategory, *CATEGORY, description="低保、特困、临时救助")
    life_event = _taxonomy(LifeEvent, *LIFE_EVENT, description="老了以后要办的事")
    unit = ResponsibleUnit.objects.filter(name=UNIT).first() or ResponsibleUnit.objects.create(
        name=UNIT, short_name="民政办", phone="0517-86810002"
    )

    pages: dict[str, Page] = {}
    places = sections["places"]
    pages[HALL] = publish(places, _place(HALL, f"{town_name}便民服务中心", PlaceKind.HALL, HALL_PHONE, "hall"))
    pages[WINDOW] = publish(
        pages[HALL], _place(WINDOW, "1号窗口（社会事务）", PlaceKind.WINDOW, WINDOW_PHONE, "window-1")
    )
    pages[POINT_1] = publish(
        places, _place(POINT_1, "东村便民服务站", PlaceKind.VILLAGE_POINT, "0517-86820001", "east-village")
    )
    pages[POINT_2] = publish(
        places, _place(POINT_2, "西村便民服务站", PlaceKind.VILLAGE_POINT, "0517-86820002", "west-village")
    )

    certificates = sections["certificates"]
    pages[MAY_ISSUE] = publish(
        certificates,
        CertificateListPage(
            title="村（社区）可以出具的证明事项清单",
            slug="zm-y",
            code=MAY_ISSUE,
            list_kind="可以出具",
            intro="村（居）委会可以出具的证明。",
            basis="《关于做好村级组织证明事项工作的通知》",
        ),
    )
    pages[MUST_NOT_ISSUE] = publish(
        certificates,
        CertificateListPage(
            title="村（社区）不应出具的证明事项清单",
            slug="zm-n",
            code=MUST_NOT_ISSUE,
            list_kind="不应出具",
            intro="这些证明不再由村（居）委会出具。",
        ),
    )
    pages[MAY_ISSUE_ENTRY] = publish(
        pages[MAY_ISSUE],
        CertificateEntryPage(
            title="家庭经济状况证明",
            slug="zm-y-01",
            code=MAY_ISSUE_ENTRY,
            basis="《社会救助暂行办法》",
            alternative="本人持身份证到村委会申请，村委会入户核实后出具。",
        ),
    )
    pages[MUST_NOT_ISSUE_ENTRY] = publish(
        pages[MUST_NOT_ISSUE],
        CertificateEntryPage(
            title="居（租）住证明",
            slug="zm-n-01",
            code=MUST_NOT_ISSUE_ENTRY,
            basis="《居住证暂行条例》",
            alternative="到派出所办理居住登记，凭居住证明材料即可，不再找村委会开证明。",
        ),
    )

    services = sections["services"]
    town_item = ServiceItemPage(
        title="最低生活保障申请",
        slug="dibao",
        code=TOWN_ITEM,
        category=category,
        responsible_unit=unit,
        item_type=ItemType.PAYMENT,
        level=Level.TOWN,
        summary="家庭收入低于当地低保标准的居民，可以申请每月领取低保金。",
        keywords="低保、吃低保、低保金",
        eligibility="本镇户籍、家庭人均收入低于低保标准的居民",
        statutory_limit_unit=LimitUnit.WORKING_DAYS,
        statutory_limit_value=30,
        promised_limit_unit=LimitUnit.WORKING_DAYS,
        promised_limit_value=20,
        online_mode=OnlineMode.PRE_REVIEW,
        online_url="https://zwfw.example.cn/dibao",
        max_trips=1,
        trips_reason="签字确认家庭经济状况核对授权书",
        result_name="低保金按月发放到社保卡",
        result_delivery="直接打卡发放",
        life_events=[life_event],
        related_certificates=[pages[MAY_ISSUE_ENTRY]],
        conditions=[Condition(text="家庭人均月收入低于本镇低保标准"), Condition(text="家庭财产符合规定")],
        materials=[
            Material(name="居民身份证", form="原件", copies=1),
            Material(name="委托书", required=False, condition="委托他人代办的"),
        ],
        steps=[
            Step(title="申请", description="到镇便民服务中心或村便民服务站提出申请"),
            Step(title="审核", description="入户调查、民主评议、公示"),
        ],
        legal_bases=[LegalBasis(document="《社会救助暂行办法》", article="第九条")],
        item_places=[ItemPlace(place=pages[HALL])],
    )
    pages[TOWN_ITEM] = publish(services, town_item)
    pages[WINDOW_ITEM] = publish(
        services,
        ServiceItemPage(
            title="高龄津贴发放",
            slug="gaoling",
            code=WINDOW_ITEM,
            category=category,
            responsible_unit=unit,
            item_type=ItemType.PAYMENT,
            level=Level.TOWN,
            summary="年满80周岁的老年人按月领取高龄津贴。",
            keywords="尊老金、高龄补贴",
            promised_limit_unit=LimitUnit.IMMEDIATE,
            consultation_phone=WINDOW_ITEM_PHONE,
            life_events=[life_event],
            item_places=[ItemPlace(place=pages[WINDOW])],
        ),
    )
    pages[VILLAGE_ITEM] = publish(
        services,
        ServiceItemPage(
            title="最低生活保障申请（村级代办）",
            slug="dibao-village",
            code=VILLAGE_ITEM,
            category=category,
            responsible_unit=unit,
            item_type=ItemType.PAYMENT,
            level=Level.VILLAGE,
            summary="村便民服务站代收低保申请材料，转镇里办理。",
            promised_limit_unit=LimitUnit.IMMEDIATE,
            town_item=pages[TOWN_ITEM],
            item_places=[ItemPlace(place=pages[POINT_1], note="东村村民就近代办")],
        ),
    )

    notice = publish(
        sections["notices"],
        NoticePage(
            title=f"{town_name}关于调整办公时间的通知",
            slug="office-hours",
            date=dt.date.today(),
            category="服务调整",
            summary="夏季办公时间调整。",
            body="<p>自下周一起，下午办公时间调整为14:00-18:00。</p>",
            issuer=f"{town_name}便民服务中心",
        ),
    )

    settings = TownSettings.for_site(site)
    settings.town_name = town_name
    settings.portal_title = f"{town_name}便民服务网"
    settings.service_hall = pages[HALL]
    settings.consultation_phone = TOWN_PHONE
    settings.complaint_phone = TOWN_COMPLAINT_PHONE
    settings.online_service_name = "政务服务网"
    settings.online_service_url = "https://zwfw.example.cn/"
    settings.save()

    home.refresh_from_db()
    return SmallTown(
        site=site,
        home=home,
        settings=settings,
        sections={key: page.specific for key, page in sections.items()},
        pages={code: page.specific for code, page in pages.items()},
        category=category,
        life_event=life_event,
        unit=unit,
        notice=notice.specific,
    )
