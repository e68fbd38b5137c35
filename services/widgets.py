"""Edit-form widgets for guides."""

from __future__ import annotations

from django import forms


class GroupedSelectMultiple(forms.SelectMultiple):
    """A multiple select whose options come grouped (by category) and render in one template.

    Django's select renders every option through its own template include; with
    147 guides, rendered twice (the form and Wagtail's client-side copy), that was
    about 100 ms of every guide edit view. The template here writes the options
    inline. Wagtail offers a chooser for one page but none for many pages on a
    many-to-many field, hence a select.
    """

    template_name = "services/widgets/grouped_select_multiple.html"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs={"size": 10, **(attrs or {})})
