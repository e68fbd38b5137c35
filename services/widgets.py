"""Edit-form widgets and fields for guides.

Django's select renders every option through its own template include, and
Wagtail renders each widget twice (the form and its client-side copy). With 147
guides in 相关事项 and the town's places in each of a guide's 办理地点 rows, that
was about 130 ms and 26 queries of every guide edit view. The selects here write
their options inline, and the place field reads its options once per form.
Wagtail's choosers pick one page through a modal; for a town's couple of dozen
places a grouped select is quicker to use, and Wagtail has no chooser for many
pages on a many-to-many field.
"""

from __future__ import annotations

from django import forms

TEMPLATE = "services/widgets/grouped_select.html"


class GroupedSelect(forms.Select):
    template_name = TEMPLATE


class GroupedSelectMultiple(forms.SelectMultiple):
    template_name = TEMPLATE

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs={"size": 10, **(attrs or {})})


class OptionsReadOnceField(forms.ModelChoiceField):
    """A model choice field whose copies (one per inline row) share the options list
    it was given, instead of each asking the database for them again."""

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.choices = self.widget.choices
        return result


def grouped_options(queryset, group_field: str, label_fields: tuple[str, ...], blank: str | None = None) -> list:
    """[(group label, [(pk, label), ...]), ...] from one query, groups in their choices' order.

    ``group_field`` is a field with choices or a relation path like ``category__name``."""
    model = queryset.model
    field = model._meta.get_field(group_field) if "__" not in group_field else None
    names = dict(field.choices) if field is not None and field.choices else {}
    groups: dict[str, list] = {str(label): [] for label in names.values()}
    for pk, group, *parts in queryset.values_list("pk", group_field, *label_fields):
        groups.setdefault(str(names.get(group, group or "未分类")), []).append((pk, " ".join(p for p in parts if p)))
    options = [(label, rows) for label, rows in groups.items() if rows]
    return [("", [("", blank)]), *options] if blank is not None else options
