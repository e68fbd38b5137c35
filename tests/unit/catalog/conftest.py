"""A mini catalog (two offices, two items, two certificates, one guide) loaded into a site of its own.

The unit tests of load_catalog's conflict rules edit its files and its pages;
each test starts from a fresh load (a few seconds), never the demo catalog.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from home.models import HomePage

OFFICES = """\
code,kind,name,parent,address,phone,hours,departments_served
OF-H01,hall,小镇便民服务中心,小镇人民政府,小镇人民路1号,0517-86810000,"周一至周五 8:30-12:00, 13:30-17:30",小镇民政办
OF-W01,window,1号窗口,小镇便民服务中心,小镇人民路1号一楼,0517-86810001,周一至周五 8:30-12:00,小镇民政办
"""
ITEMS = """\
code,name,category,department,item_type,level,online,max_trips,life_events,audience,keywords
XZ-MZ-001,小镇低保申请,小镇社会救助,小镇民政办,行政给付,镇,网上预审,1,小镇年老,个人,低保|吃低保
XZ-MZ-002,小镇高龄津贴,小镇社会救助,小镇民政办,行政给付,镇,窗口办理,1,小镇年老,个人,尊老金
"""
CERTIFICATES = """\
code,list,name,basis,alternative,notes
ZM-N-01,不应出具,居住证明,《居住证暂行条例》,到派出所办理居住登记,
ZM-Y-01,可以出具,家庭经济状况证明,《社会救助暂行办法》,村委会入户核实后出具,本镇关联事项：XZ-MZ-001
"""
TOWN = """\
town_name: 小镇
portal_title: 小镇便民服务网
home_title: 小镇便民服务
hall: OF-H01
complaint_phone: 0517-86810099
sections:
  services: {title: 为民服务事项, slug: services}
  certificates: {title: 证明事项清单, slug: certificates}
  places: {title: 办事地点, slug: places}
  notices: {title: 通知公告, slug: notices}
certificate_lists:
  - {code: ZM-N, title: 不应出具的证明事项清单}
  - {code: ZM-Y, title: 可以出具的证明事项清单}
"""
TAXONOMIES = """\
categories:
  - {name: 小镇社会救助, slug: xz-social-assistance}
life_events:
  - {name: 小镇年老, slug: xz-old-age}
"""
GUIDE = """\
code: XZ-MZ-001
summary: 家庭收入低于低保标准的小镇居民，可申请低保。
eligibility: 小镇户籍的困难家庭
conditions:
  - 家庭月人均收入低于低保标准
steps:
  - {title: 申请, description: 到便民服务中心申请}
  - {title: 审核, description: 入户调查}
time_limit: {statutory: 30个工作日, promised: 20个工作日}
places: [OF-W01]
result: 低保金按月发放
"""


@dataclass
class MiniCatalog:
    catalog: Path
    content: Path
    site: Site

    def load(self, *flags: str) -> str:
        """Run load_catalog on the mini catalog with ``flags`` (``--dry-run`` …); its output."""
        out = io.StringIO()
        options = [str(self.catalog), "--content", str(self.content), "--site", self.site.hostname, *flags]
        call_command("load_catalog", *options, stdout=out, stderr=io.StringIO())
        return out.getvalue()

    def edit(self, name: str, old: str, new: str) -> None:
        """Change one file of the catalog or content folder (``guides/XZ-MZ-001.yaml``, ``service-items.csv``)."""
        path = self.catalog / name if name.endswith(".csv") else self.content / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def mini_catalog(db, tmp_path) -> MiniCatalog:
    catalog, content = tmp_path / "catalog", tmp_path / "content"
    (content / "guides").mkdir(parents=True)
    catalog.mkdir()
    for folder, name, text in (
        (catalog, "offices.csv", OFFICES),
        (catalog, "service-items.csv", ITEMS),
        (catalog, "certificates.csv", CERTIFICATES),
        (content, "town.yaml", TOWN),
        (content, "taxonomies.yaml", TAXONOMIES),
        (content / "guides", "XZ-MZ-001.yaml", GUIDE),
    ):
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    home = Page.get_first_root_node().add_child(instance=HomePage(title="小镇", slug="mini-town"))
    site = Site.objects.create(hostname="mini.test", port=80, root_page=home)
    mini = MiniCatalog(catalog, content, site)
    mini.load()
    return mini
