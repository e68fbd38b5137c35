"""Hot words nobody can plant (issue 13): vetted terms only, one count per client a day, proxy-aware, rate-limited."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.utils import timezone

from home.clients import client_address, client_hash, ratelimit_key
from search.editorial import computed_hot_words, vetted_terms
from search.models import HotWordCandidate, QueryLogDay, QuerySeen, Synonym

JUNK = "低保代办加微信"
VETTED = "低保"  # an everyday word of the small town's 最低生活保障申请
PHONE = "Mozilla/5.0 (Linux; Android 13) Mobile"


def search_as(town, client, query: str, address: str, agent: str = PHONE, **extra):
    return town.get(client, "/search/", data={"q": query}, REMOTE_ADDR=address, HTTP_USER_AGENT=agent, **extra)


def page_html(town, client, path: str = "/", **data) -> str:
    cache.clear()  # hot words freshly computed
    return town.get(client, path, data=data).content.decode()


def hot_words_on(town, client, path: str = "/", **data) -> list[str]:
    """The words of a page's 大家常搜 line, in order."""
    html = page_html(town, client, path, **data)
    assert "大家常搜" in html, "the page shows no hot words at all"
    line = html.split("大家常搜", 1)[1].split("</p>", 1)[0].split("</li>", 1)[0]
    return re.findall(r">([^<]+)</a>", line)


def searches(query: str) -> int:
    return sum(QueryLogDay.objects.filter(query=query).values_list("searches", flat=True))


# --- the flood ----------------------------------------------------------------------------------


def test_300_searches_from_one_client_count_once_and_plant_nothing(small_town, client):
    search_as(small_town, client, VETTED, "203.0.113.5")
    for _ in range(300):
        assert search_as(small_town, client, JUNK, "198.51.100.1").status_code == 200
    assert searches(JUNK) == 1
    assert hot_words_on(small_town, client) == [VETTED]
    assert JUNK not in page_html(small_town, client)
    assert JUNK not in hot_words_on(small_town, client, "/search/", q="qqqzzzxxx")  # the no-results help
    assert JUNK not in computed_hot_words()


def test_a_flood_from_50_clients_outnumbers_every_real_search_and_still_plants_nothing(small_town, client):
    for i in range(3):
        search_as(small_town, client, VETTED, f"203.0.113.{i + 1}")
    for i in range(50):
        for _ in range(2):
            search_as(small_town, client, JUNK, f"198.51.100.{i + 1}")
    assert searches(JUNK) == 50 and searches(VETTED) == 3
    assert hot_words_on(small_town, client) == [VETTED]
    assert JUNK not in page_html(small_town, client)
    assert JUNK not in hot_words_on(small_town, client, "/search/", q="qqqzzzxxx")
    # It waits for the editors instead, and shows only once they approve it.
    candidate = HotWordCandidate.objects.get(query=JUNK)
    assert candidate.status == HotWordCandidate.PENDING and candidate.recent_searches() == 50
    candidate.status = HotWordCandidate.APPROVED
    candidate.save()
    assert hot_words_on(small_town, client) == [JUNK, VETTED]


def test_a_spoofed_forwarded_for_header_does_not_make_new_clients(small_town, client):
    for i in range(100):
        search_as(small_town, client, JUNK, "198.51.100.1", HTTP_X_FORWARDED_FOR=f"10.9.{i}.1")
    assert searches(JUNK) == 1


# --- vetted terms -------------------------------------------------------------------------------


def test_vetted_terms_are_the_towns_names_everyday_words_synonyms_and_approved_phrases(small_town):
    Synonym.objects.create(terms="尊老金，高龄津贴，敬老钱")
    HotWordCandidate.objects.create(query="社保卡补办", status=HotWordCandidate.APPROVED)
    HotWordCandidate.objects.create(query="退休金", status=HotWordCandidate.PENDING)
    terms = vetted_terms(small_town.path)
    assert {"最低生活保障申请", "高龄津贴发放"} <= terms  # item names
    assert {"低保", "吃低保", "低保金"} <= terms  # everyday words
    assert {"家庭经济状况证明", "居(租)住证明", "居住证明"} <= terms  # certificate entries, bracket readings
    assert "东村便民服务站" in terms  # places
    assert "敬老钱" in terms and "社保卡补办" in terms
    assert "退休金" not in terms and JUNK not in terms
    assert small_town.notice.title not in terms  # notices come and go


def test_a_vetted_term_searched_by_several_clients_is_a_hot_word_in_the_normalised_form(small_town, client):
    for i, typed in enumerate(["低保", "低保", "低保", "低保金"]):
        search_as(small_town, client, typed, f"203.0.113.{i + 1}")
    search_as(small_town, client, "吃低保", "203.0.113.9")
    assert hot_words_on(small_town, client) == ["低保", "低保金", "吃低保"]


def test_a_rejected_phrase_never_shows_even_when_vetted(small_town, client):
    for i in range(3):
        search_as(small_town, client, VETTED, f"203.0.113.{i + 1}")
    HotWordCandidate.objects.create(query=VETTED, status=HotWordCandidate.REJECTED)
    cache.clear()
    assert VETTED not in computed_hot_words(root_path=small_town.path)


def test_editors_hot_words_still_win(small_town, client):
    for i in range(3):
        search_as(small_town, client, VETTED, f"203.0.113.{i + 1}")
    small_town.settings.hot_words = "社保卡、结婚登记"
    small_town.settings.save()
    assert hot_words_on(small_town, client) == ["社保卡", "结婚登记"]


def test_a_candidate_is_stored_normalised(db):
    candidate = HotWordCandidate(query="  殘疾證 ", status=HotWordCandidate.APPROVED)
    candidate.full_clean()
    assert candidate.query == "残疾证"


# --- once per client and day --------------------------------------------------------------------


def test_one_count_per_client_per_query_per_day(small_town, client, monkeypatch):
    search_as(small_town, client, VETTED, "203.0.113.1")
    search_as(small_town, client, VETTED, "203.0.113.1")
    search_as(small_town, client, "低保金", "203.0.113.1")  # another query counts
    search_as(small_town, client, VETTED, "203.0.113.1", agent="Another browser")  # another client
    search_as(small_town, client, VETTED, "203.0.113.2")
    small_town.get(client, "/api/search/", data={"q": VETTED}, REMOTE_ADDR="203.0.113.1", HTTP_USER_AGENT=PHONE)
    today = timezone.localdate()
    assert QueryLogDay.objects.get(day=today, query=VETTED).searches == 3
    assert QueryLogDay.objects.get(day=today, query="低保金").searches == 1

    tomorrow = today + dt.timedelta(days=1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: tomorrow)
    search_as(small_town, client, VETTED, "203.0.113.1")
    search_as(small_town, client, VETTED, "203.0.113.1")
    assert QueryLogDay.objects.get(day=tomorrow, query=VETTED).searches == 1
    assert not QuerySeen.objects.filter(day__lt=tomorrow).exists()  # yesterday's marks are gone


def test_the_marks_keep_no_address_and_no_client_key(small_town, client):
    search_as(small_town, client, VETTED, "203.0.113.77")
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT=PHONE)
    (mark,) = QuerySeen.objects.all()
    assert {f.name for f in QuerySeen._meta.get_fields()} == {"id", "day", "digest"}
    assert "203.0.113" not in mark.digest and client_hash(request) not in mark.digest


def test_the_log_and_the_cache_keep_no_address():
    request = RequestFactory().get("/search/", REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT=PHONE)
    key = client_hash(request)
    assert "203.0.113.77" not in key and len(key) == 32
    assert key == client_hash(RequestFactory().get("/", REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT=PHONE))
    assert key != client_hash(RequestFactory().get("/", REMOTE_ADDR="203.0.113.78", HTTP_USER_AGENT=PHONE))
    fields = {f.name for f in QueryLogDay._meta.get_fields()}
    assert fields == {"id", "day", "query", "searches", "zero_results"}


# --- the client's address -----------------------------------------------------------------------


def request_from(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/search/", REMOTE_ADDR=remote, **extra)


def test_forwarded_for_is_ignored_without_a_trusted_proxy():
    assert client_address(request_from("198.51.100.1", "1.2.3.4")) == "198.51.100.1"
    with override_settings(TRUSTED_PROXIES=["10.0.0.1"]):
        assert client_address(request_from("198.51.100.1", "1.2.3.4")) == "198.51.100.1"  # not from the proxy


@override_settings(TRUSTED_PROXIES=["10.0.0.1", "172.16.0.0/12"])
def test_behind_trusted_proxies_the_first_untrusted_hop_from_the_right_is_the_client():
    assert client_address(request_from("10.0.0.1", "203.0.113.9")) == "203.0.113.9"
    # A client writing its own header cannot choose its address: the proxy appends the real one.
    assert client_address(request_from("10.0.0.1", "1.2.3.4, 203.0.113.9")) == "203.0.113.9"
    assert client_address(request_from("10.0.0.1", "1.2.3.4, 203.0.113.9, 172.20.1.1")) == "203.0.113.9"
    assert client_address(request_from("10.0.0.1", "")) == "10.0.0.1"
    assert client_address(request_from("10.0.0.1", "garbage, 172.20.1.1")) == "172.20.1.1"
    assert client_address(request_from("10.0.0.1", "[2001:db8::7]:5555")) == "2001:db8::7"


def test_rate_limit_key_takes_an_ipv6_clients_64_as_one():
    one = ratelimit_key("g", request_from("2001:db8:1:2::1"))
    assert one == ratelimit_key("g", request_from("2001:db8:1:2:ffff::9")) == "2001:db8:1:2::"
    assert ratelimit_key("g", request_from("198.51.100.1", "1.2.3.4")) == "198.51.100.1"


# --- the rate limit -----------------------------------------------------------------------------


@pytest.fixture
def rate_limits(monkeypatch):
    """Rate limits on, in one held clock window so that a slow run cannot straddle two."""
    cache.clear()
    window = int(time.time()) + 3600
    monkeypatch.setattr("django_ratelimit.core._get_window", lambda value, period: window)
    with override_settings(RATELIMIT_ENABLE=True):
        yield


def test_the_results_page_is_rate_limited_per_client_with_a_chinese_429(small_town, client, rate_limits):
    statuses = [
        search_as(small_town, client, VETTED, "198.51.100.1", HTTP_X_FORWARDED_FOR=f"10.9.{i}.1").status_code
        for i in range(61)
    ]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
    limited = search_as(small_town, client, JUNK, "198.51.100.1")
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    assert "搜索太频繁，请稍后再试" in limited.content.decode()
    assert searches(JUNK) == 0  # a refused search is not counted
    assert search_as(small_town, client, VETTED, "198.51.100.2").status_code == 200


@override_settings(TRUSTED_PROXIES=["10.0.0.1"])
def test_behind_a_trusted_proxy_each_client_has_its_own_limit(small_town, client, rate_limits):
    for _ in range(60):
        search_as(small_town, client, VETTED, "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert search_as(small_town, client, VETTED, "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429
    assert search_as(small_town, client, VETTED, "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 200


# --- the editors' list --------------------------------------------------------------------------


def test_editors_approve_or_reject_candidates_in_the_admin(small_town, admin_client):
    from django.urls import reverse

    candidate = HotWordCandidate.objects.create(query=JUNK)
    QueryLogDay.objects.create(day=timezone.localdate(), query=JUNK, searches=50)
    listing = admin_client.get(reverse("wagtailsnippets_search_hotwordcandidate:list"))
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "热搜词候选" in html and "近30天搜索人次" in html and JUNK in html and "待审核" in html
    assert ">50<" in re.sub(r"\s", "", html)
    edit_url = reverse("wagtailsnippets_search_hotwordcandidate:edit", args=[candidate.pk])
    assert "已拒绝" in admin_client.get(edit_url).content.decode()
    response = admin_client.post(edit_url, {"query": JUNK, "status": HotWordCandidate.REJECTED})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == HotWordCandidate.REJECTED
