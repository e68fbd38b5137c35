"""Numbering sheet editions and telling residents what changed since theirs."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from wagtail.models import Page

from .content import SNAPSHOT_FORMAT, SheetContent, build, changed_sections
from .models import SheetEdition


def current_edition(page: Page) -> SheetEdition | None:
    return SheetEdition.objects.filter(page=page).order_by("-number").first()


def refresh_edition(page: Page, content: SheetContent | None = None) -> SheetEdition:
    """The page's current edition, made anew if its live content differs from the last one.

    A new edition is marked ``created = True`` so batch jobs can count them without another query.
    """
    content = content or build(page)
    for _attempt in range(3):
        latest = current_edition(page)
        if latest is not None and latest.content_hash == content.content_hash:
            latest.created = False
            return latest
        snapshot = content.snapshot() | {"url": content.page_url, "kind": content.kind}
        try:
            with transaction.atomic():
                edition = SheetEdition.objects.create(
                    page=page,
                    code=content.code,
                    number=(latest.number + 1) if latest else 1,
                    content_hash=content.content_hash,
                    snapshot=snapshot,
                )
            edition.created = True
            return edition
        except IntegrityError:  # a concurrent publish took the number; look again
            continue
    raise RuntimeError(f"could not number a new sheet edition for {content.code}")


def ensure_edition(page: Page) -> SheetEdition:
    """The current edition; made (or re-made, after a snapshot format change) if needed."""
    edition = current_edition(page)
    if edition is None or edition.snapshot.get("format") != SNAPSHOT_FORMAT:
        edition = refresh_edition(page)
    return edition


@dataclass
class StaleNotice:
    scanned: SheetEdition
    current: SheetEdition
    changes: list[str]

    @property
    def message(self) -> str:
        return (
            f"您扫描的明白纸是第 {self.scanned.number} 版（{self.scanned.month_label}），"
            f"当前为第 {self.current.number} 版（{self.current.month_label}）"
        )


def stale_notice(page: Page, scanned_value: str | None) -> StaleNotice | None:
    """The notice for a resident who scanned edition ``scanned_value`` of this page's sheet, if it is old."""
    if not scanned_value or not scanned_value.isdigit():
        return None
    number = int(scanned_value)
    current = current_edition(page)
    if current is None or number >= current.number:
        return None
    scanned = SheetEdition.objects.filter(page=page, number=number).first()
    if scanned is None:
        return None
    return StaleNotice(scanned=scanned, current=current, changes=changed_sections(scanned.snapshot, current.snapshot))
