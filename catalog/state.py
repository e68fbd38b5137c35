"""The desired state of each page, computed from validated records alone.

Keeping this free of database access makes it cheap to fingerprint: a page is
rewritten only when the fingerprint of its desired state changes, so running
the import twice writes nothing, and admin edits to a page survive until its
source record changes.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass, field
from typing import Any

from places.hours import Period
from services.values import Level, TimeLimit

from .reader import Catalog, ItemRecord, OfficeRecord, expand_place_codes
from .schema import GuideIn

# Bump when the mapping from records to pages changes, so every page is
# refreshed once by the next import.
STATE_VERSION = 2  # 2: the clarity sheet's short forms


@dataclass
class PageState:
    """Fields, inline children and relations for one page, keyed by catalog code."""

    code: str
    title: str
    slug: str
    fields: dict[str, Any] = field(default_factory=dict)
    # Foreign keys and many-to-many relations, by natural key (name or code).
    refs: dict[str, Any] = field(default_factory=dict)
    children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def fingerprint(self) -> str:
        payload = json.dumps(
            [STATE_VERSION, self.code, self.title, self.slug, self.fields, self.refs, self.children],
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def office_state(office: OfficeRecord) -> PageState:
    return PageState(
        code=office.code,
        title=office.name,
        slug=office.code.lower(),
        fields={
            "kind": office.kind,
            "address": office.address,
            "phone": office.phone,
            "hours_note": "\n".join(office.hours.notes),
            "follows_public_holidays": True,
        },
        refs={"departments_served": sorted(office.departments)},
        children={"opening_periods": [_period_dict(p) for p in office.hours.periods]},
    )


def _period_dict(period: Period) -> dict[str, Any]:
    return {
        "first_day": period.first_day,
        "last_day": period.last_day,
        "opens": period.opens.isoformat("minutes"),
        "closes": period.closes.isoformat("minutes"),
    }


def certificate_state(cert) -> PageState:
    return PageState(
        code=cert.code,
        title=cert.name,
        slug=cert.code.lower(),
        fields={"basis": cert.basis, "alternative": cert.alternative, "notes": cert.notes},
    )


def default_places(item: ItemRecord, catalog: Catalog) -> list[dict[str, str]]:
    """Where an item without a written guide is handled, from the units each place hosts.

    Town items go to the first window hosting their unit (else a centre, else
    the hall); village items to every village point hosting it.
    """
    hosting = [o for o in sorted(catalog.offices, key=lambda o: o.code) if item.department in o.departments]
    if item.level == Level.VILLAGE:
        points = [o for o in hosting if o.kind == "village_point"]
        if points:
            return [{"place": o.code, "note": ""} for o in points]
    for kind in ("window", "centre", "hall"):
        match = next((o for o in hosting if o.kind == kind), None)
        if match:
            return [{"place": match.code, "note": ""}]
    return [{"place": catalog.town.hall, "note": ""}]


def item_state(item: ItemRecord, catalog: Catalog, certificates_by_item: dict[str, list[str]]) -> PageState:
    """The desired page for one catalog item; an item without a guide file gets an empty guide."""
    guide = item.guide or GuideIn.model_construct(code=item.code)
    places = _item_places(item, guide, catalog)
    main_office = catalog.office(places[0]["place"])
    fields = {
        "item_type": item.item_type,
        "level": item.level,
        "audience": item.audience,
        "online_mode": item.online,
        "max_trips": item.max_trips,
        "keywords": "、".join(dict.fromkeys([*item.keywords, *guide.extra_keywords])),
        **_guide_text_fields(guide),
        **_limit_fields(guide),
        **_fee_fields(guide),
        "consultation_phone": (guide.phones and guide.phones.consultation) or main_office.phone,
        "complaint_phone": (guide.phones and guide.phones.complaint) or catalog.town.complaint_phone or "",
    }
    children: dict[str, list[dict[str, Any]]] = {
        "conditions": [{"text": c.text, "sheet_text": c.sheet} for c in guide.condition_list()],
        "legal_bases": [b.model_dump() for b in guide.legal_basis],
        "materials": [{**m.model_dump(exclude={"sheet"}), "sheet_text": m.sheet} for m in guide.materials],
        "steps": [{"title": s.title, "description": s.description, "sheet_text": s.sheet} for s in guide.steps],
        "faqs": [{"question": f.q, "answer": f.a} for f in guide.faq],
        "item_places": places,
    }
    refs = {
        "category": item.category,
        "responsible_unit": item.department,
        "life_events": sorted(item.life_events),
        "related_certificates": sorted({*certificates_by_item.get(item.code, []), *guide.related_certificates}),
        "related_items": sorted(guide.related_items),
        "town_item": guide.town_item,
    }
    return PageState(item.code, item.name, item.code.lower(), fields, refs, children)


def _item_places(item: ItemRecord, guide: GuideIn, catalog: Catalog) -> list[dict[str, Any]]:
    """The guide's places (a code may stand for every village point), else the item's default places."""
    if not guide.places:
        return default_places(item, catalog)
    office_codes = [o.code for o in catalog.offices]
    return [
        {"place": code, "note": ref.note}
        for ref in guide.place_refs()
        for code in expand_place_codes(ref.code, office_codes)
    ]


def _guide_text_fields(guide: GuideIn) -> dict[str, Any]:
    online = guide.online
    return {
        "summary": guide.summary,
        "sheet_summary": guide.sheet_summary,
        "eligibility": guide.eligibility,
        "sheet_eligibility": guide.sheet_eligibility,
        "hours_note": guide.hours_note,
        "online_url": str(online.url) if online and online.url else "",
        "online_note": online.note if online else "",
        "trips_reason": guide.trips_reason,
        "result_name": guide.result,
        "result_delivery": guide.result_delivery,
        "last_reviewed": guide.last_reviewed.isoformat() if guide.last_reviewed else None,
    }


def _limit_fields(guide: GuideIn) -> dict[str, Any]:
    limits = guide.time_limit
    values: dict[str, Any] = {"time_limit_note": limits.note if limits else ""}
    for prefix in ("statutory", "promised"):
        text = getattr(limits, prefix, None) if limits else None
        parsed = TimeLimit.parse(text) if text else None
        values[f"{prefix}_limit_unit"] = parsed.unit if parsed else ""
        values[f"{prefix}_limit_value"] = parsed.value if parsed else None
    return values


def _fee_fields(guide: GuideIn) -> dict[str, Any]:
    fee = guide.fee
    if fee == "不收费":
        return {"fee_charged": False, "fee_standard": "", "fee_basis": ""}
    return {"fee_charged": True, "fee_standard": fee.standard, "fee_basis": fee.basis}


def certificates_by_item(catalog: Catalog) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for cert in catalog.certificates:
        for code in cert.item_codes:
            out.setdefault(code, []).append(cert.code)
    return out


def notice_body_html(text: str) -> str:
    """Plain paragraphs (blank-line separated) to the rich-text HTML Wagtail stores."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br/>')}</p>" for p in paragraphs)
