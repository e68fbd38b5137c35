"""Turn pages into search documents: facet fields plus analyzed token strings."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.html import strip_tags
from wagtail.models import Page

from home.outputs import SEARCH, registry
from home.towns import town_path

from .analysis import analyze_document, join, normalize
from .models import SearchDocument

BRACKETED = re.compile(r"[（(]([^）)]{1,4})[）)]")


def title_variants(title: str) -> list[str]:
    """A title and its readings without and with a short bracketed insertion.

    居（租）住证明 reads as 居住证明 and 居租住证明; 高龄津贴（尊老金）发放 as
    高龄津贴发放 and 高龄津贴尊老金发放.
    """
    if not BRACKETED.search(title):
        return [title]
    return [title, BRACKETED.sub("", title), BRACKETED.sub(r"\1", title)]


def _terms(texts: Iterable[str], with_pinyin: bool = False) -> tuple[str, str]:
    words, pinyin = [], []
    for text in texts:
        if text:
            analyzed = analyze_document(text, with_pinyin=with_pinyin)
            words.extend(analyzed.words + analyzed.grams)
            pinyin.extend(analyzed.pinyin)
    return join(words), join(pinyin)


def _code_terms(code: str) -> str:
    norm = normalize(code)
    return join([norm, norm.replace("-", ""), *re.split(r"-", norm)]) if norm else ""


def register_documents() -> None:
    """Register a document builder per searchable page type: the one list of what search finds."""
    from notices.models import NoticePage
    from places.models import PlacePage
    from services.models import CertificateEntryPage, ServiceItemPage

    registry.register(SEARCH, ServiceItemPage, _item_fields)
    registry.register(SEARCH, CertificateEntryPage, _certificate_fields)
    registry.register(SEARCH, PlacePage, _place_fields)
    registry.register(SEARCH, NoticePage, _notice_fields)


def build_document(page: Page) -> SearchDocument | None:
    """The search document for a live page, or None for pages that are not searchable (now)."""
    page = page.specific
    builder = registry.builder(SEARCH, page)
    if builder is None or not page.live or page.depth < 3:
        return None
    fields = builder(page)
    if fields is None:
        return None
    titles, keywords, body = fields.pop("title_texts"), fields.pop("keyword_texts"), fields.pop("body_texts")
    title_terms, title_pinyin = _terms([v for t in titles for v in title_variants(t)], with_pinyin=True)
    keyword_terms, keyword_pinyin = _terms(keywords, with_pinyin=True)
    body_terms, _ = _terms(body)
    return SearchDocument(
        page_id=page.pk,
        root_path=town_path(page),
        title=page.title,
        url=page.url or "",
        title_terms=title_terms,
        keyword_terms=keyword_terms,
        body_terms=body_terms,
        pinyin_terms=join([title_pinyin, keyword_pinyin]),
        code_terms=_code_terms(getattr(page, "code", "")),
        code=getattr(page, "code", ""),
        keywords="|".join(dict.fromkeys(normalize(k) for k in keywords if k))[:400],
        **fields,
    )


def _item_fields(item) -> dict:
    conditions = [c.text for c in item.conditions.all()]
    materials = [m.name for m in item.materials.all()]
    steps = [f"{s.title} {s.description}" for s in item.steps.all()]
    faqs = [f"{f.question} {f.answer}" for f in item.faqs.all()]
    events = [e.name for e in item.life_events.all()]
    return {
        "doc_type": "guide",
        "summary": item.summary,
        "category": item.category.name,
        "life_events": "|".join(events),
        "level": item.level,
        "online": item.trips().mode,  # a village 代办 item files under 村里代办, not 全程网办
        "town_code": item.town_item.code if item.town_item_id else "",
        "title_texts": [item.title],
        "keyword_texts": [*item.keyword_list(), *events, item.category.name],
        "body_texts": [
            item.summary,
            item.eligibility,
            *conditions,
            *materials,
            *steps,
            *faqs,
            item.result_name,
            item.responsible_unit.name,
        ],
    }


def _certificate_fields(entry) -> dict:
    kind = "村（社区）可以出具" if entry.may_issue else "村（社区）不应出具"
    return {
        "doc_type": "certificate",
        "summary": entry.alternative[:200],
        "category": kind,
        "title_texts": [entry.title],
        "keyword_texts": ["证明", kind],
        "body_texts": [entry.alternative, entry.basis],
    }


def _place_fields(place) -> dict:
    weekly = "；".join(f"{days} {times}" for days, times in place.weekly_hours())
    return {
        "doc_type": "place",
        "summary": f"{place.address}　电话 {place.phone}　{weekly}",
        "category": place.get_kind_display(),
        "title_texts": [place.title],
        "keyword_texts": [place.get_kind_display(), "办公时间 上班时间 地址 电话"],
        "body_texts": [place.address, place.hours_note, *(u.name for u in place.departments_served.all())],
    }


def _notice_fields(notice) -> dict | None:
    if notice.is_expired():  # past its 下架时间: leaves the index (and the scheduler unpublishes it)
        return None
    return {
        "doc_type": "notice",
        # The last day it is on the site (local date of expire_at): results leave it out from the next
        # day on, even if the scheduler has not run.
        "expires_on": notice.expiry_date,
        "summary": notice.summary or strip_tags(notice.body)[:120],
        "category": notice.category,
        "title_texts": [notice.title],
        "keyword_texts": [notice.category],
        "body_texts": [notice.summary, strip_tags(notice.body)],
    }
