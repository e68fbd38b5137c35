"""The field-by-field rule that keeps an import from silently overwriting admin edits.

For each field of a page whose source changed, three versions are compared:
the page's current value, the *base* (what the page was last imported with,
or what a spreadsheet was exported with) and the incoming value (the file's):

=====================  ==========================  ==========================
                       unchanged in the file       changed in the file
=====================  ==========================  ==========================
not edited in admin    nothing to do               **update** from the file
edited in the admin    **keep** the admin's value  **conflict**: keep the admin's
                                                   value, or **take** the file's
                                                   when asked to
=====================  ==========================  ==========================

A field changed in both to the same value is no conflict. Without a base (a
page imported before snapshots existed, or ``--force``) every field that
differs is updated from the file, as imports always did.

Values are compared by ``fieldvalues.digest``; a base may be given as digests
(spreadsheets carry those) or taken from a snapshot's values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .fieldvalues import digest, display_pair

UPDATE = "update"
KEEP = "keep"
CONFLICT = "conflict"
TAKE = "take"

OUTCOME_TEXT = {
    UPDATE: "将更新",
    KEEP: "保留后台的修改（文件中未改）",
    CONFLICT: "冲突：保留后台的值",
    TAKE: "冲突：采用文件的值",
}


@dataclass(frozen=True)
class FieldChange:
    """One field of one page that an import updates, keeps or finds in conflict."""

    key: str
    label: str
    current: Any  # on the page now
    incoming: Any  # in the file or spreadsheet
    outcome: str

    @property
    def writes(self) -> bool:
        return self.outcome in (UPDATE, TAKE)

    @property
    def is_conflict(self) -> bool:
        return self.outcome in (CONFLICT, TAKE)

    @property
    def outcome_text(self) -> str:
        return OUTCOME_TEXT[self.outcome]

    def current_text(self, limit: int | None = 80) -> str:
        return display_pair(self.current, self.incoming, limit)[0]

    def incoming_text(self, limit: int | None = 80) -> str:
        return display_pair(self.current, self.incoming, limit)[1]


@dataclass
class PageMerge:
    """What an import does to one page: created, or field by field."""

    code: str
    title: str
    kind: str = ""
    page_id: int | None = None
    created: bool = False
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def writes(self) -> list[FieldChange]:
        return [c for c in self.changes if c.writes]

    @property
    def conflicts(self) -> list[FieldChange]:
        return [c for c in self.changes if c.is_conflict]

    @property
    def kept(self) -> list[FieldChange]:
        return [c for c in self.changes if c.outcome == KEEP]

    @property
    def updated(self) -> bool:
        return self.created or bool(self.writes)


def compare(
    current: Mapping[str, Any],
    incoming: Mapping[str, Any],
    base: Mapping[str, str] | None,
    *,
    take_file: bool = False,
    label: Callable[[str], str] = str,
) -> list[FieldChange]:
    """The changes for the keys of ``incoming``; ``base`` maps a key to the digest of its base value."""
    changes = []
    for key, new in incoming.items():
        base_digest = base.get(key) if base is not None else None
        outcome = _outcome(digest(current.get(key)), digest(new), base_digest, take_file)
        if outcome:
            changes.append(FieldChange(key, label(key), current.get(key), new, outcome))
    return changes


def _outcome(now: str, new: str, base: str | None, take_file: bool) -> str | None:
    if base is None:
        return UPDATE if now != new else None
    edited = now != base
    if new == base:
        return KEEP if edited else None
    if not edited:
        return UPDATE
    if now == new:
        return None
    return TAKE if take_file else CONFLICT


def base_digests(values: Mapping[str, Any]) -> dict[str, str]:
    return {key: digest(value) for key, value in values.items()}
