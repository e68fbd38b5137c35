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

from ..values import Level, TimeLimit
from .reader import Catalog, ItemRecord, OfficeRecord, expand_place_codes

# Bump when the mapping from records to pages changes, so every page is
# refreshed once by the next import.
STATE_VERSION = 1


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
    guide = item.guide
    office_codes = [o.code for o in catalog.offices]
    if guide and guide.places:
        places = [
            {"place": code, "note": ref.note}
            for ref in guide.place_refs()
            for code in expand_place_codes(ref.code, office_codes)
        ]
    else:
        places = default_places(item, catalog)
    main_office = catalog.office(places[0]["place"])
    limits = guide.time_limit if guide and guide.time_limit else None
    statutory = TimeLimit.parse(limits.statutory) if limits and limits.statutory else None
    promised = TimeLimit.parse(limits.promised) if limits and limits.promised else None
    fee = guide.fee if guide else "不收费"
    phones = guide.phones if guide and guide.phones else None
    keywords = list(dict.fromkeys([*item.keywords, *(guide.extra_keywords if guide else [])]))
    related_certs = sorted({*certificates_by_item.get(item.code, []), *(guide.related_certificates if guide else [])})

    fields: dict[str, Any] = {
        "item_type": item.item_type,
        "level": item.level,
        "audience": item.audience,
        "online_mode": item.online,
        "max_trips": item.max_trips,
        "keywords": "、".join(keywords),
        "summary": guide.summary if guide else "",
        "eligibility": guide.eligibility if guide else "",
        "statutory_limit_unit": statutory.unit if statutory else "",
        "statutory_limit_value": statutory.value if statutory else None,
        "promised_limit_unit": promised.unit if promised else "",
        "promised_limit_value": promised.value if promised else None,
        "time_limit_note": limits.note if limits else "",
        "fee_charged": fee != "不收费",
        "fee_standard": "" if fee == "不收费" else fee.standard,
        "fee_basis": "" if fee == "不收费" else fee.basis,
        "hours_note": guide.hours_note if guide else "",
        "online_url": str(guide.online.url) if guide and guide.online and guide.online.url else "",
        "online_note": guide.online.note if guide and guide.online else "",
        "trips_reason": guide.trips_reason if guide else "",
        "result_name": guide.result if guide else "",
        "result_delivery": guide.result_delivery if guide else "",
        "consultation_phone": (phones.consultation if phones else None) or main_office.phone,
        "complaint_phone": (phones.complaint if phones else None) or catalog.town.complaint_phone or "",
        "last_reviewed": guide.last_reviewed.isoformat() if guide and guide.last_reviewed else None,
    }
    children: dict[str, list[dict[str, Any]]] = {
        "conditions": [{"text": text} for text in (guide.conditions if guide else [])],
        "legal_bases": [b.model_dump() for b in guide.legal_basis] if guide else [],
        "materials": [m.model_dump() for m in guide.materials] if guide else [],
        "steps": [s.model_dump() for s in guide.steps] if guide else [],
        "faqs": [{"question": f.q, "answer": f.a} for f in guide.faq] if guide else [],
        "item_places": places,
    }
    refs = {
        "category": item.category,
        "responsible_unit": item.department,
        "life_events": sorted(item.life_events),
        "related_certificates": related_certs,
        "related_items": sorted(guide.related_items) if guide else [],
        "town_item": guide.town_item if guide else None,
    }
    return PageState(item.code, item.name, item.code.lower(), fields, refs, children)


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
