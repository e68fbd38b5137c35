"""Admin: synonyms and best bets that editors keep, grouped under 搜索."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import BestBet, Synonym


class SynonymViewSet(SnippetViewSet):
    model = Synonym
    icon = "list-ul"
    list_display = ["terms", "note", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["terms", "note"]


class BestBetViewSet(SnippetViewSet):
    model = BestBet
    icon = "pick"
    list_display = ["query", "page", "starts_at", "expires_at"]
    search_fields = ["query"]


class SearchGroup(SnippetViewSetGroup):
    menu_label = "搜索"
    menu_icon = "search"
    menu_order = 310
    items = (SynonymViewSet, BestBetViewSet)


register_snippet(SearchGroup)
