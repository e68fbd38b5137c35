"""Resident pages render every field, in Chinese, without JavaScript."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from notices.models import NoticeIndexPage, NoticePage
from places.models import PlacePage
from services.models import GUIDE_SECTIONS, CertificateEntryPage, ServiceItemPage

pytestmark = pytest.mark.django_db


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def text_of(html: str) -> str:
    """Visible text, roughly: tags removed, whitespace folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def full_item(catalog_copy, full_guide_content) -> ServiceItemPage:
    call_command("load_catalog", str(catalog_copy), content=str(full_guide_content), stdout=io.StringIO())
    return ServiceItemPage.objects.get(code="QH-MZ-001")


def test_service_item_page_shows_every_field_in_order(client, full_item):
    html = get(client, full_item.url)
    text = text_of(html)
    assert '<html lang="zh-Hans">' in html
    expected = [
        "最低生活保障申请",
        "QH-MZ-001",
        "社会救助",
        "行政给付",
        "镇级办理",
        "家庭收入低于低保标准的本镇户籍家庭",
        "共同生活的家庭成员中至少一人持有本镇户籍的家庭",
        "镇社会事务办公室（民政）",
        "吃低保",
        "困难救助",
        "家庭月人均收入低于当地最低生活保障标准",
        "最低生活保障申请书",
        "原件1份，纸质",
        "镇便民服务中心提供",
        "可在窗口现场填写",
        "下载空白表格",
        "残疾人证",
        "原件和复印件2份，纸质或电子",
        "家庭成员中有残疾人的时提交",
        "申请",
        "镇社会事务办公室入户调查",
        "在村（社区）公示栏公示7天",
        "30个工作日",
        "20个工作日",
        "公示期不计入办理时限",
        "不收费",
        "1号窗口 综合受理（社会事务类）",
        "清河镇人民路88号便民服务中心一楼1号窗口",
        "0517-86810001",
        "周一至周五 8:30-12:00，13:30-17:30",
        "村民可在本村便民服务站代为申请",
        "每月25日后受理的申请顺延到次月审核",
        "全程网办",
        "https://zwfw.example.cn/qinghe/dibao",
        "在政务服务网搜索“最低生活保障”",
        "0 次",
        "低保金按月打入社会保障卡",
        "直接打卡发放",
        "0517-86810099",
        "《社会救助暂行办法》 第九条至第十三条",
        "《最低生活保障审核确认办法》",
        "有房有车还能申请低保吗？",
        "每月10日前打入社会保障卡。",
        "居民财产证明",
        "临时救助申请",
        "2026年10月15日",
    ]
    positions = []
    for value in expected:
        assert value in text, value
        positions.append(text.index(value))
    # Sections follow the standard order of a service guide.
    section_positions = [html.index(f'id="{anchor}"') for anchor, _ in GUIDE_SECTIONS]
    assert section_positions == sorted(section_positions)
    for anchor, label in GUIDE_SECTIONS:
        assert f'<a href="#{anchor}">{label}</a>' in html
    assert 'href="tel:051786810001"' in html
    # The page needs no JavaScript: the only script is the deferred, optional search suggestions.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/suggest.js" defer>']


def test_trips_and_fees_show_their_reasons(client):
    item = ServiceItemPage.objects.get(code="QH-MZ-005")
    item.trips_reason = "需本人到养老机构实地查看并签订入住协议"
    item.fee_charged, item.fee_standard, item.fee_basis = True, "工本费10元", "县发改委收费文件（示例）"
    item.save_revision().publish()
    text = text_of(get(client, item.url))
    assert "1 次（需本人到养老机构实地查看并签订入住协议）" in text
    assert "工本费10元" in text and "县发改委收费文件（示例）" in text
    assert "不收费" not in text.split("收费标准", 1)[1].split("办理地点和时间")[0]


def test_a_guide_with_empty_sections_tells_residents_whom_to_call(client):
    item = ServiceItemPage.objects.get(code="QH-GA-001")
    item.conditions, item.materials, item.steps = [], [], []
    item.save_revision().publish()
    text = text_of(get(client, item.url))
    assert "暂未公布，请拨打咨询电话 0517-86810008" in text
    assert "8号窗口 户籍（清河派出所入驻）" in text


def test_village_item_links_to_its_town_item(client):
    village = ServiceItemPage.objects.get(code="QH-MZ-802")
    town = ServiceItemPage.objects.get(code="QH-MZ-001")
    village.town_item = town
    village.save_revision().publish()
    assert "最低生活保障申请" in text_of(get(client, village.url))
    assert "最低生活保障申请代办" in text_of(get(client, town.url))


def test_home_page(client, site):
    html = get(client, "/")
    text = text_of(html)
    assert 'type="search" name="q"' in html and 'action="/search/"' in html
    for word in ("清河镇便民服务", "社会救助", "户籍证照", "身后事", "生育收养"):
        assert word in text
    assert "关于做好2027年度城乡居民医疗保险集中缴费工作的通知" in text
    assert "2026年第三季度最低生活保障新增对象公示" not in text  # expired
    assert "清河镇人民路88号（镇政府东侧）一楼" in text and "0517-86810000" in text
    assert "周一至周五 8:30-12:00，13:30-17:30" in text
    assert 'href="/services/category/social-assistance/"' in html
    assert 'href="/services/life-event/bereavement/"' in html


def test_category_and_life_event_lists(client):
    text = text_of(get(client, "/services/category/marriage/"))
    assert "内地居民结婚登记" in text and "共 4 项" in text
    text = text_of(get(client, "/services/life-event/bereavement/"))
    assert "身后“一件事”联办" in text and "城乡居民基本养老保险注销登记" in text
    get(client, "/services/category/no-such-category/", status=404)
    text = text_of(get(client, "/services/level/村/"))
    assert "共 20 项" in text


def test_service_directory_lists_every_item(client):
    html = get(client, "/services/")
    assert len(re.findall(r'class="badge">(?:最多跑|跑村里)\d+次', html)) == 147  # every item says its trips


def test_certificate_pages(client):
    text = text_of(get(client, "/certificates/"))
    assert "不应由村（社区）出具的证明事项 （20项）" in text
    assert "村（社区）可以出具的证明事项 （8项）" in text
    assert "同一户口簿内的亲属关系凭户口簿证明" in text
    entry = CertificateEntryPage.objects.get(code="ZM-N-11")
    text = text_of(get(client, entry.url))
    assert "死亡证明" in text and "不再开证明，改为这样办" in text and "死亡注销户口登记" in text
    may = CertificateEntryPage.objects.get(code="ZM-Y-06")
    assert "用途和出具程序" in text_of(get(client, may.url))


def test_place_pages_show_hours_open_now_and_items(client):
    hall = PlacePage.objects.get(code="OF-H01")
    text = text_of(get(client, hall.url))
    assert "5号窗口 民政（含婚姻登记服务点，结婚登记可预约）" in text
    assert "周六：延时服务（社保、医保、户籍、帮办代办窗口）" in text
    assert ("正在办公" in text) or ("现在不办公" in text) or ("今日休息" in text)
    window = PlacePage.objects.get(code="OF-W05")
    text = text_of(get(client, window.url))
    assert "内地居民结婚登记" in text and "婚姻登记法定节假日不办理" in text
    point = PlacePage.objects.get(code="OF-V04")
    text = text_of(get(client, point.url))
    assert "夏收夏种、秋收秋种期间可预约上门代办" in text
    for village_item in ServiceItemPage.objects.filter(level="村"):
        assert village_item.title in text
    text = text_of(get(client, "/places/"))
    assert "村（社区）便民服务站" in text and "东风村便民服务站" in text


def test_open_now_uses_shanghai_time(client, monkeypatch):
    monday_9am_shanghai = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: monday_9am_shanghai)
    assert "正在办公，今天 12:00 结束本时段" in text_of(get(client, "/places/of-h01/"))


def test_notices_listing_pins_first_and_drops_expired(client):
    index = NoticeIndexPage.objects.get()
    html = get(client, index.url)
    text = text_of(html)
    titles = [n.title for n in NoticePage.current()]
    assert titles[0] == "关于做好2027年度城乡居民医疗保险集中缴费工作的通知"
    assert "2026年第三季度最低生活保障新增对象公示" not in text
    expired = NoticePage.objects.get(slug="2026-q3-minimum-living-allowance-publicity")
    text = text_of(get(client, expired.url))
    assert "此通知已于 2026年9月17日 到期" in text
    filtered = text_of(get(client, index.url + "?category=公告"))
    assert "镇便民服务中心周六延时服务的公告" in filtered
    assert "元旦假期办公安排" not in filtered


def test_scheduled_notice_is_not_shown_before_it_goes_live(client):
    index = NoticeIndexPage.objects.get()
    notice = NoticePage(title="定时发布的通知", slug="scheduled", body="<p>内容</p>")
    index.add_child(instance=notice)
    notice.go_live_at = timezone.now() + dt.timedelta(days=2)
    notice.save_revision().publish()
    notice.refresh_from_db()
    assert not notice.live
    assert "定时发布的通知" not in text_of(get(client, index.url))


def test_unknown_page_is_a_chinese_404(client):
    assert "页面不存在" in get(client, "/no-such-page/", status=404)


def test_search_page_without_javascript(client):
    text = text_of(get(client, "/search/?q=结婚登记"))
    assert "内地居民结婚登记" in text
    get(client, "/search/?q=" + "低" * 10_000)


def test_place_extra_phones_and_directions_are_shown(client):
    point = PlacePage.objects.get(code="OF-V05")
    point.extra_phones = "13800000000、0517-86820199"
    point.directions = "村部东侧，公交3路河东站下车"
    point.save_revision().publish()
    text = text_of(get(client, point.url))
    assert "0517-86820105 、 13800000000 、 0517-86820199" in text
    assert "村部东侧，公交3路河东站下车" in text


def test_notice_attachments_are_listed(client):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    from notices.models import NoticeAttachment

    document = Document(title="缴费标准表")
    document.file.save("fees.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    notice = NoticePage.objects.get(slug="2027-resident-medical-insurance-payment")
    notice.attachments = [NoticeAttachment(document=document, title="2027年度缴费标准表")]
    notice.save_revision().publish()
    html = get(client, notice.url)
    assert "2027年度缴费标准表" in html and "（PDF）" in html and document.url in html
