"""A coded page's imported values in one comparable form, from a PageState or from the page itself.

An import compares, field by field, three versions of a page: what the page
holds now (perhaps edited in the admin), what it was last imported with (the
``import_snapshot``) and what the file says. All three are put in the same
form here: a flat mapping from a state key (``title``, a field, a reference or
an inline child relation, as ``catalog.state.PageState`` names them) to a
JSON value, the way ``_apply`` in the loader would write it:

- plain fields go through the model field's ``to_python`` (a date becomes
  ``"2026-10-15"``, a time ``"08:30"``);
- references are natural keys: a taxonomy by name, a page by code, a
  many-to-many relation as a sorted list;
- inline children are lists of rows with every editable column of the child
  model; a place by code, an attached document by the hash of its content
  (``sha1:…``), so a guide's ``forms/x.pdf``, a spreadsheet's ``#12`` and the
  document on the page compare equal when they are the same file.

``digest`` gives each value a short stable hash: spreadsheets carry these for
the values they were exported with (see ``catalog.workbook``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.documents import get_document_model
from wagtail.models import Page

from .state import PageState

SECTIONS = ("fields", "refs", "children")
# A document named in a spreadsheet: "#12" (a title may follow: "#12 申请书").
DOCUMENT_REF_RE = re.compile(r"^#(\d+)\b")
# Labels for keys that are not a model field of their own.
TITLE_LABEL = "名称"


def flat(state: PageState) -> dict[str, Any]:
    """The state's values keyed by field, reference or child relation name."""
    return {"title": state.title, **state.fields, **state.refs, **state.children}


def snapshot_values(snapshot: dict[str, Any]) -> dict[str, Any]:
    """An ``import_snapshot`` (title, fields, refs, children) as one flat mapping."""
    out: dict[str, Any] = {}
    if "title" in snapshot:
        out["title"] = snapshot["title"]
    for section in SECTIONS:
        out.update(snapshot.get(section) or {})
    return out


def as_snapshot(model: type[Page], values: dict[str, Any]) -> dict[str, Any]:
    """Flat values back into the snapshot's shape, grouped as the state groups them."""
    out: dict[str, Any] = {"fields": {}, "refs": {}, "children": {}}
    for key, value in values.items():
        if key == "title":
            out["title"] = value
        else:
            out[section_of(model, key)][key] = value
    return out


def section_of(model: type[Page], key: str) -> str:
    field = model._meta.get_field(key)
    if field.one_to_many:
        return "children"
    if field.is_relation:
        return "refs"
    return "fields"


def digest(value: Any) -> str:
    """A short stable hash of a comparable value."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def label(model: type[Page], key: str) -> str:
    """The field's label as editors see it in the admin."""
    if key == "title":
        return TITLE_LABEL
    field = model._meta.get_field(key)
    if field.one_to_many:
        return str(field.related_model._meta.verbose_name)
    return str(field.verbose_name)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat("minutes")
    if isinstance(value, Decimal):
        return str(value)
    return value


def _natural_key(obj: models.Model | None) -> str | None:
    if obj is None:
        return None
    return getattr(obj, "code", None) or str(obj) if isinstance(obj, Page) else obj.name


def child_columns(model: type[models.Model]) -> list[models.Field]:
    """The columns of an inline child that carry content (not its id, order or parent)."""
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name != "sort_order" and not isinstance(f, ParentalKey)
    ]


class Documents:
    """Document references as content hashes: a content-folder path, ``#<id>``, or a Document."""

    def __init__(self, content_dir: Path | None = None):
        self.content_dir = content_dir
        self._cache: dict[Any, str | None] = {}

    def token(self, value: Any) -> str | None:
        if value in (None, ""):
            return None
        if isinstance(value, str) and value.startswith("sha1:"):
            return value
        key = value.pk if isinstance(value, models.Model) else value
        if key not in self._cache:
            self._cache[key] = self._token(value)
        return self._cache[key]

    def _token(self, value: Any) -> str | None:
        document = value if isinstance(value, models.Model) else None
        if document is None:
            match = DOCUMENT_REF_RE.match(str(value)) if not isinstance(value, int) else None
            pk = value if isinstance(value, int) else int(match.group(1)) if match else None
            if pk is None:
                path = (self.content_dir or Path(".")) / str(value)
                data = path.read_bytes() if path.is_file() else str(value).encode("utf-8")
                return "sha1:" + hashlib.sha1(data).hexdigest()
            document = get_document_model().objects.filter(pk=pk).first()
            if document is None:
                return f"missing:{pk}"
        return "sha1:" + document.get_file_hash()


class Values:
    """Comparable values of pages of one site, read from states, snapshots and pages."""

    def __init__(self, documents: Documents):
        self.documents = documents

    # -- from a state (a file or a spreadsheet) ------------------------------------

    def of_state(self, model: type[Page], state: PageState, keys: Iterable[str] | None = None) -> dict[str, Any]:
        values = flat(state)
        wanted = list(values) if keys is None else [k for k in values if k in set(keys)]
        return {key: self.incoming(model, key, values[key]) for key in wanted}

    def incoming(self, model: type[Page], key: str, value: Any) -> Any:
        if key == "title":
            return value
        field = model._meta.get_field(key)
        if field.one_to_many:
            return [self._row(field.related_model, row) for row in value or []]
        if field.many_to_many:
            return sorted(value or [])
        if field.is_relation:
            return value or None
        return _plain(field.to_python(value))

    def _row(self, model: type[models.Model], row: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for column in child_columns(model):
            value = row.get(column.name, column.get_default())
            if column.is_relation:
                out[column.name] = self._related_in_row(column, value)
            else:
                out[column.name] = _plain(column.to_python(value))
        return out

    def _related_in_row(self, column: models.Field, value: Any) -> Any:
        if issubclass(column.related_model, get_document_model()):
            return self.documents.token(value)
        if isinstance(value, models.Model):
            return _natural_key(value)
        return value or None

    # -- from an import snapshot ---------------------------------------------------

    def of_snapshot(self, model: type[Page], snapshot: dict[str, Any]) -> dict[str, Any]:
        """The snapshot's values; inline rows recorded before a column existed get its default.

        A column added to an inline part (a condition's short form for the
        clarity sheet) is then no admin edit to every list imported before it.
        """
        values = snapshot_values(snapshot)
        for key, value in values.items():
            if key == "title" or not isinstance(value, list):
                continue
            try:
                field = model._meta.get_field(key)
            except FieldDoesNotExist:
                continue
            if field.one_to_many:
                defaults = {c.name: _plain(c.get_default()) for c in child_columns(field.related_model)}
                values[key] = [{**defaults, **row} if isinstance(row, dict) else row for row in value]
        return values

    # -- from the page as it is now --------------------------------------------------

    def of_page(self, page: Page, keys: Iterable[str]) -> dict[str, Any]:
        return {key: self.current(page, key) for key in keys}

    def current(self, page: Page, key: str) -> Any:
        if key == "title":
            return page.title
        field = page._meta.get_field(key)
        if field.one_to_many:
            return [self._page_row(child) for child in getattr(page, key).all()]
        if field.many_to_many:
            return sorted(_natural_key(obj) for obj in getattr(page, key).all())
        if field.is_relation:
            return _natural_key(getattr(page, key))
        return _plain(getattr(page, key))

    def _page_row(self, child: models.Model) -> dict[str, Any]:
        out = {}
        for column in child_columns(type(child)):
            if column.is_relation:
                related = getattr(child, column.name)
                if related is not None and issubclass(column.related_model, get_document_model()):
                    out[column.name] = self.documents.token(related)
                else:
                    out[column.name] = _natural_key(related)
            else:
                out[column.name] = _plain(getattr(child, column.name))
        return out


def display(value: Any, limit: int | None = 80) -> str:
    """A value as a short line of text for reports and the admin."""
    if value is None or value == "" or value == []:
        text = "（空）"
    elif isinstance(value, bool):
        text = "是" if value else "否"
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        text = f"{len(value)} 项：" + "；".join(_row_text(row) for row in value)
    elif isinstance(value, list):
        text = "、".join(str(v) for v in value)
    else:
        text = str(value)
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def display_pair(current: Any, incoming: Any, limit: int | None = 80) -> tuple[str, str]:
    """Two versions of a value as text; for inline lists, only the rows that differ."""
    if not (_is_rows(current) and _is_rows(incoming)):
        return display(current, limit), display(incoming, limit)
    differing = [
        i
        for i in range(max(len(current), len(incoming)))
        if i >= len(current) or i >= len(incoming) or current[i] != incoming[i]
    ]

    def side(rows: list[dict[str, Any]]) -> str:
        parts = [f"第{i + 1}项 {_row_text(rows[i])}" for i in differing if i < len(rows)]
        text = f"{len(rows)} 项" + ("：" + "；".join(parts) if parts else "")
        return text if not limit or len(text) <= limit else text[: limit - 1] + "…"

    return side(current), side(incoming)


def _is_rows(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(row, dict) for row in value)


def _row_text(row: dict[str, Any]) -> str:
    parts = []
    for key, value in row.items():
        if key == "on_sheet":
            if value is False:
                parts.append("不列在明白纸上")
            continue
        if value in (None, "") or (isinstance(value, bool) and key != "required"):
            continue
        if key == "sheet_text":
            parts.append(f"（明白纸：{value}）")
        elif key == "copies":
            parts.append(f"{value}份")
        elif key == "required":
            parts.append("必须提交" if value else "非必须")
        elif isinstance(value, str) and value.startswith("sha1:"):
            parts.append("附件")
        else:
            parts.append(str(value))
    return " ".join(parts)
