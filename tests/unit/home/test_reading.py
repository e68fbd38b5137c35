"""Reading modes: the 关怀版 and 繁體 cookies, their toggle links, and pages converted on the server."""

from __future__ import annotations

import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.http import HttpResponse
from django.urls import path

from home import reading
from tests.unit.towns import TOWN_ITEM, url_path

ONE_YEAR = 365 * 24 * 60 * 60


def html_view(request, name: str):
    """Stands in for an HTML page served under a path the middleware must leave alone."""
    return HttpResponse('<!DOCTYPE html><html lang="zh-Hans"><body>办理申请</body></html>')


urlpatterns = [  # for the test that marks itself @pytest.mark.urls(__name__)
    path("documents/<str:name>", html_view),
    path("sheets/<str:name>", html_view),
    path("guides/<str:name>", html_view),
]


class ConversionSpy:
    """Counts conversions while delegating to the real OpenCC converter."""

    def __init__(self):
        self.real = reading._converter()
        self.calls = 0

    def convert(self, text: str) -> str:
        self.calls += 1
        return self.real.convert(text)


@pytest.fixture
def spy(monkeypatch) -> ConversionSpy:
    found = ConversionSpy()
    monkeypatch.setattr(reading, "_converter", lambda: found)
    return found


@pytest.fixture
def traditional(client):
    client.cookies[reading.SCRIPT_COOKIE] = reading.SCRIPT_TRADITIONAL
    return client


def guide_path(town) -> str:
    return url_path(town[TOWN_ITEM])


# The toggle view


@pytest.mark.parametrize(("mode", "cookie"), [("care", "care"), ("traditional", "script")])
def test_choosing_a_mode_sets_its_cookie_for_a_year_and_returns_to_the_page(client, small_town, mode, cookie):
    back = guide_path(small_town) + "?tab=1"
    response = small_town.get(client, f"/reading/{mode}/", data={"next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    morsel = response.cookies[cookie]
    assert morsel.value == {"care": "1", "script": "hant"}[cookie]
    assert morsel["max-age"] == ONE_YEAR
    assert morsel["path"] == "/"
    assert morsel["samesite"] == "Lax"
    assert morsel["httponly"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(("mode", "cookie"), [("standard", "care"), ("simplified", "script")])
def test_going_back_clears_the_cookie(client, small_town, mode, cookie):
    client.cookies[cookie] = "1" if cookie == "care" else "hant"
    response = small_town.get(client, f"/reading/{mode}/", data={"next": "/"})
    assert response.status_code == 302
    morsel = response.cookies[cookie]
    assert morsel.value == ""
    assert morsel["max-age"] == 0
    assert morsel["path"] == "/"
    assert client.cookies[cookie].value == ""


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "///evil.example",
        "http://unit.test/services/",
        "javascript:alert(1)",
        "services/",
        "",
        None,
    ],
)
def test_only_a_local_path_is_followed_else_home(client, small_town, target):
    data = {} if target is None else {"next": target}
    response = small_town.get(client, "/reading/care/", data=data)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["care"].value == "1"


def test_an_unknown_mode_is_not_found_and_only_get_is_allowed(client, small_town):
    assert small_town.get(client, "/reading/large/", data={"next": "/"}).status_code == 404
    response = client.post("/reading/care/?next=/", HTTP_HOST=small_town.hostname)
    assert response.status_code == 405
    assert "care" not in response.cookies


# What templates see


def test_templates_get_the_modes_and_a_link_back_to_this_very_page(client, small_town):
    page = guide_path(small_town)
    here = f"{page}?{urlencode({'q': '低保 申请'})}"
    modes = small_town.get(client, here).context["reading"]
    assert (modes.care, modes.traditional) == (False, False)
    for mode in ("care", "standard", "traditional", "simplified"):
        url = urlsplit(getattr(modes, f"{mode}_url"))
        assert url.path == f"/reading/{mode}/"
        assert parse_qs(url.query) == {"next": [here]}
    assert small_town.get(client, modes.care_url)["Location"] == here


def test_following_the_links_turns_each_mode_on_and_off(client, small_town):
    page = guide_path(small_town)
    modes = small_town.get(client, page).context["reading"]
    assert small_town.get(client, modes.care_url)["Location"] == page
    assert small_town.get(client, modes.traditional_url)["Location"] == page
    modes = small_town.get(client, page).context["reading"]
    assert (modes.care, modes.traditional) == (True, True)
    small_town.get(client, modes.standard_url)
    small_town.get(client, modes.simplified_url)
    modes = small_town.get(client, page).context["reading"]
    assert (modes.care, modes.traditional) == (False, False)


# 繁體 on the server


def test_a_guide_is_served_in_traditional_characters_with_the_cookie(traditional, small_town):
    response = small_town.get(traditional, guide_path(small_town))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hant"' in html
    for simplified, converted in (("办理", "辦理"), ("申请", "申請"), ("社会救助", "社會救助")):
        assert converted in html
        assert simplified not in html
    assert "最低生活保障申請" in html  # the guide's own title, not only the template's labels
    assert "0517-86812345" in html  # digits, URLs and markup are left as they are
    assert 'href="/static/css/portal.css"' in html
    assert response["Content-Language"] == "zh-Hant"
    assert int(response["Content-Length"]) == len(response.content)


def test_without_the_cookie_the_guide_stays_simplified(client, small_town):
    response = small_town.get(client, guide_path(small_town))
    html = response.content.decode()
    assert '<html lang="zh-Hans"' in html
    assert "最低生活保障申请" in html
    assert "申請" not in html


def test_public_pages_vary_on_the_cookie_in_both_views(client, small_town):
    for cookie in (None, "hant"):
        if cookie:
            client.cookies[reading.SCRIPT_COOKIE] = cookie
        for where in ("/", guide_path(small_town), url_path(small_town.notice), "/search/?q=低保", "/no-such-page/"):
            response = small_town.get(client, where)
            vary = [part.strip().lower() for part in response["Vary"].split(",")]
            assert "cookie" in vary, (where, cookie)


def test_a_repeat_view_comes_from_the_cache(traditional, small_town, spy):
    first = small_town.get(traditional, guide_path(small_town))
    converted = spy.calls
    assert converted > 0
    second = small_town.get(traditional, guide_path(small_town))
    assert spy.calls == converted  # the converter was not called again
    assert second.content == first.content
    assert "社會救助" in second.content.decode()


def test_an_edited_page_is_converted_afresh(traditional, small_town, spy):
    small_town.get(traditional, guide_path(small_town))
    converted = spy.calls
    guide = small_town[TOWN_ITEM]
    guide.summary = "家庭收入低于当地低保标准的居民，可以申请每月领取低保金和临时救助。"
    guide.save_revision().publish()
    html = small_town.get(traditional, guide_path(small_town)).content.decode()
    assert spy.calls > converted
    assert "臨時救助" in html


def test_the_not_found_page_is_converted_too(traditional, small_town):
    response = small_town.get(traditional, "/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'lang="zh-Hant"' in html and "<h1>頁面不存在" in html


def test_search_works_in_the_traditional_view_and_keeps_the_query(traditional, small_town):
    for query in ("低保", "低保申請", "最低生活保障申請"):
        response = small_town.get(traditional, "/search/", data={"q": query})
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="zh-Hant"' in html
        assert "最低生活保障申請" in html, query
        assert f'value="{query}"' in html  # the search box still holds what the resident typed


def test_a_query_with_no_match_is_shown_back_as_typed(traditional, small_town):
    response = small_town.get(traditional, "/search/", data={"q": "醫療保險"})
    assert response.status_code == 200
    assert 'value="醫療保險"' in response.content.decode()


def test_a_simplified_query_in_the_box_is_shown_in_traditional(traditional, small_town):
    html = small_town.get(traditional, "/search/", data={"q": "低保申请"}).content.decode()
    assert 'value="低保申請"' in html
    assert "最低生活保障申請" in html


def test_admin_pages_are_never_converted(admin_client, small_town, spy):
    admin_client.cookies[reading.SCRIPT_COOKIE] = reading.SCRIPT_TRADITIONAL
    guide = small_town[TOWN_ITEM]
    for where in ("/admin/", f"/admin/pages/{guide.pk}/edit/", "/django-admin/"):
        response = admin_client.get(where, HTTP_HOST=small_town.hostname)
        assert response.status_code == 200, where
        assert 'lang="zh-Hant"' not in response.content.decode(), where
    edit = admin_client.get(f"/admin/pages/{guide.pk}/edit/", HTTP_HOST=small_town.hostname).content.decode()
    assert 'value="最低生活保障申请"' in edit  # an editor edits the real, simplified text
    assert spy.calls == 0


def test_sheet_pdfs_are_never_converted(client, small_town, spy):
    sheet = f"/sheets/{TOWN_ITEM}.pdf"
    plain = small_town.get(client, sheet)
    assert plain.status_code == 200
    client.cookies[reading.SCRIPT_COOKIE] = reading.SCRIPT_TRADITIONAL
    with_cookie = small_town.get(client, sheet)
    assert with_cookie["Content-Type"] == "application/pdf"
    assert with_cookie.content == plain.content
    assert with_cookie["ETag"] == plain["ETag"]
    assert spy.calls == 0


@pytest.mark.urls(__name__)
def test_html_under_documents_and_sheets_is_left_alone(traditional, spy):
    for where in ("/documents/a.html", "/sheets/unavailable"):
        response = traditional.get(where)
        assert response.content.decode() == '<!DOCTYPE html><html lang="zh-Hans"><body>办理申请</body></html>'
    assert spy.calls == 0
    converted = traditional.get("/guides/a").content.decode()  # the same page elsewhere is converted
    assert converted == '<!DOCTYPE html><html lang="zh-Hant"><body>辦理申請</body></html>'


def test_only_the_html_element_changes_its_language_and_text_marked_simplified_stays(spy):
    html = (
        '<html class="care" lang="zh-Hans"><body><a lang="zh-Hans" href="/x">简体</a> 办理'
        "<p>申请<span lang=zh-Hans>简体中文</span>社会救助</p></body></html>"
    )
    assert reading.to_traditional(html) == (
        '<html class="care" lang="zh-Hant"><body><a lang="zh-Hans" href="/x">简体</a> 辦理'
        "<p>申請<span lang=zh-Hans>简体中文</span>社會救助</p></body></html>"
    )


def test_one_converter_is_loaded_per_process_however_many_threads_ask(monkeypatch):
    built = []

    class SlowOpenCC:
        def __init__(self, config):
            time.sleep(0.05)  # long enough for every thread to arrive while the first is loading
            built.append(config)

    import opencc

    monkeypatch.setattr(opencc, "OpenCC", SlowOpenCC)
    monkeypatch.setattr(reading, "_converter_instance", None)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(reading._converter())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert built == ["s2t"]
    assert len({id(converter) for converter in seen}) == 1
