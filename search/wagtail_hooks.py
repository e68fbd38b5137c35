"""Admin: synonyms, best bets and hot-word candidates that editors keep, grouped under 搜索词管理."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import BestBet, HotWordCandidate, Synonym
from .reports import REPORTS


class SynonymViewSet(SnippetViewSet):
    model = Synonym
    icon = "list-ul"
    list_display = ["terms", "note", "active", "updated_at"]
    list_filter = ["active"]


class BestBetViewSet(SnippetViewSet):
    model = BestBet
    icon = "pick"
    list_display = ["query", "page", "starts_at", "expires_at"]


class HotWordCandidateViewSet(SnippetViewSet):
    """热搜词候选: popular searches that are no name, everyday word or synonym; approve or reject each."""

    model = HotWordCandidate
    icon = "tag"
    menu_label = "热搜词候选"
    list_display = ["query", "status", "recent_searches", "created_at"]
    list_filter = ["status"]
    copy_view_enabled = False


class SearchGroup(SnippetViewSetGroup):
    # Not 搜索: Wagtail's own page search is called that in the same menu.
    menu_label = "搜索词管理"
    menu_icon = "search"
    menu_order = 310
    items = (SynonymViewSet, BestBetViewSet, HotWordCandidateViewSet)


register_snippet(SearchGroup)


@hooks.register("register_admin_urls")
def register_search_report_urls():
    urls = []
    for view in REPORTS:
        slug = view.index_url_name.replace("_", "-")
        urls.append(path(f"reports/{slug}/", view.as_view(), name=view.index_url_name))
        urls.append(path(f"reports/{slug}/results/", view.as_view(results_only=True), name=view.index_results_url_name))
    return urls


@hooks.register("register_reports_menu_item")
def register_daily_searches_menu_item():
    return MenuItem("每日搜索量", reverse("search_daily"), icon_name="date", order=60)


@hooks.register("register_reports_menu_item")
def register_top_queries_menu_item():
    return MenuItem("热门搜索词", reverse("search_top_queries"), icon_name="search", order=61)


@hooks.register("register_reports_menu_item")
def register_zero_results_menu_item():
    return MenuItem("无结果搜索词", reverse("search_zero_results"), icon_name="warning", order=62)
