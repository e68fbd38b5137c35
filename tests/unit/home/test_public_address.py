"""The town's public address: what printed pages show for a link, never a local host."""

from __future__ import annotations

import pytest

from home.models import TownSettings, is_local_url
from tests.unit.towns import TOWN_ITEM, url_path


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost",
        "http://localhost:8000",
        "http://127.0.0.1:8123",
        "http://[::1]",
        "http://portal",
        "http://x.local",
    ],
)
def test_local_addresses_are_recognised(url):
    assert is_local_url(url)


@pytest.mark.parametrize("url", ["https://bianmin.qinghe.gov.cn", "http://qinghe.example:8080"])
def test_public_addresses_are_not_local(url):
    assert not is_local_url(url)


def test_the_configured_address_wins_and_a_local_site_prints_none(small_town):
    settings = TownSettings.for_site(small_town.site)
    settings.public_address = "https://bianmin.qinghe.gov.cn/"
    assert settings.public_base() == "https://bianmin.qinghe.gov.cn"

    settings.public_address = ""
    settings.site.hostname, settings.site.port = "localhost", 8000
    assert settings.public_base() == ""
    settings.site.hostname, settings.site.port = "qinghe.gov.cn", 443
    assert settings.public_base() == "https://qinghe.gov.cn"


def test_printed_pages_get_the_address_in_a_print_rule(client, small_town):
    settings = TownSettings.for_site(small_town.site)
    settings.public_address = 'https://qinghe.example/"x</style>'
    settings.save()
    html = small_town.get(client, small_town[TOWN_ITEM]).content.decode()
    rule = html.split('<style media="print">')[1].split("</style>")[0]
    assert 'content: " (" "https://qinghe.example/\\22 x\\3c /style\\3e " attr(href) ")"' in rule
    assert "本页网址：https://qinghe.example/" in html


def test_without_a_public_address_the_sites_host_prints_unless_local(client, small_town):
    settings = TownSettings.for_site(small_town.site)
    settings.public_address = ""
    settings.save()
    html = small_town.get(client, small_town[TOWN_ITEM]).content.decode()
    assert f"本页网址：{small_town.site.root_url}/" in html  # the site's own host, not a local one

    small_town.site.hostname, small_town.site.port = "localhost", 8765
    small_town.site.save()
    html = client.get(url_path(small_town[TOWN_ITEM]), HTTP_HOST="localhost:8765").content.decode()
    assert '<style media="print">' not in html and "本页网址" not in html
