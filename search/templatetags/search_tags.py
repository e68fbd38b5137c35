"""Template tags for search: ``{% load search_tags %}{% hot_words as words %}``."""

from __future__ import annotations

from django import template

from ..editorial import computed_hot_words, hot_words_for

register = template.Library()


@register.simple_tag(takes_context=True)
def hot_words(context, count: int = 8) -> list[str]:
    """The hot words for the request's town: the editors' list, else the most searched vetted terms."""
    request = context.get("request")
    if request is None:  # rendered outside a request: no town settings to read
        return computed_hot_words(count)
    return hot_words_for(request, count)
