"""Opening a page revision with one existence query per referenced model, not per reference.

Wagtail turns a revision's JSON back into a page through modelcluster's
``from_serializable_data``, which checks that every foreign key of the page and
of every inline row still exists with its own query: about 50 queries for one
guide, whose rows all point at the guide itself and at a few places. modelcluster
offers no batched check, so this mixin does the same check with one query per
target model, applies modelcluster's rules for what it finds missing, and then
lets modelcluster build the page without checking again.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from modelcluster.models import get_all_child_relations

Refs = dict[tuple[type[models.Model], str], set[Any]]


class BatchedRevisionMixin:
    """For a ClusterableModel page: revisions open with one query per referenced model."""

    @classmethod
    def from_serializable_data(cls, data: dict, check_fks: bool = True, strict_fks: bool = False):
        if check_fks:
            data = _without_dangling(cls, data, _existing(cls, data), strict_fks)
            if data is None:
                return None
        return super().from_serializable_data(data, check_fks=False, strict_fks=strict_fks)


def _rows(model, data: dict):
    """(model, data) of the object and of every inline row in it, at any depth."""
    yield model, data
    for rel in get_all_child_relations(model):
        for row in data.get(rel.get_accessor_name()) or []:
            yield from _rows(rel.related_model, row)


def _foreign_keys(model, row: dict):
    """(field, cleaned value) for each non-empty many-to-one reference in a row."""
    for name, value in row.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if value is None or isinstance(field, models.ForeignObjectRel):
            continue
        if isinstance(field.remote_field, models.ManyToOneRel):
            target = field.remote_field.model._meta.get_field(field.remote_field.field_name)
            yield field, target.to_python(value)


def _existing(model, data: dict) -> Refs:
    """For each (target model, key field), the referenced keys that exist: one query each."""
    wanted: Refs = defaultdict(set)
    for row_model, row in _rows(model, data):
        for field, value in _foreign_keys(row_model, row):
            wanted[field.remote_field.model, field.remote_field.field_name].add(value)
    return {
        (target, key): set(target._default_manager.filter(**{f"{key}__in": values}).values_list(key, flat=True))
        for (target, key), values in wanted.items()
    }


def _without_dangling(model, data: dict, existing: Refs, strict: bool) -> dict | None:
    """The data with modelcluster's rules for missing references: an object whose
    CASCADE reference is gone is dropped when ``strict`` (always for inline rows),
    otherwise the reference empties, as SET_NULL ones do; DO_NOTHING ones stay."""
    row = _cleaned(model, data, existing, strict)
    if row is None:
        return None
    for rel in get_all_child_relations(model):
        name = rel.get_accessor_name()
        if name in row:
            children = (_without_dangling(rel.related_model, child, existing, True) for child in row[name] or [])
            row[name] = [child for child in children if child is not None]
    return row


def _cleaned(model, data: dict, existing: Refs, strict: bool) -> dict | None:
    row = {**data}
    for field, value in _foreign_keys(model, data):
        if value in existing[field.remote_field.model, field.remote_field.field_name]:
            continue
        on_delete = field.remote_field.on_delete
        if on_delete is models.DO_NOTHING:
            continue
        if on_delete is models.CASCADE and strict:
            return None
        if on_delete in (models.CASCADE, models.SET_NULL):
            row[field.name] = None
        else:
            raise ValueError(f"{model.__name__}.{field.name}: on_delete {on_delete.__name__} is not handled")
    return row
