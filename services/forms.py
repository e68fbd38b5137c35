"""The guide edit form: department rights on the unit field, and the quality gate on publishing."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from home.coded import CodedPageForm
from home.towns import town_root

from .widgets import GroupedSelect, OptionsReadOnceField, grouped_options

# Buttons of Wagtail's edit view that publish a page or send it on its way to publishing.
PUBLISHING_ACTIONS = ("action-publish", "action-submit", "action-restart-workflow")


class ServiceItemPageForm(CodedPageForm):
    """Department staff may choose only their own units; a guide with a blocking quality
    problem saves as a draft but cannot be published, submitted or approved."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from .models import ResponsibleUnit
        from .permissions import limited_to_units, user_unit_ids

        user = self.for_user
        if user is not None and limited_to_units(user) and "responsible_unit" in self.fields:
            self.fields["responsible_unit"].queryset = ResponsibleUnit.objects.filter(pk__in=user_unit_ids(user))
        town = town_root(self.instance if self.instance.pk else self.parent_page)
        if "related_items" in self.fields:
            self._offer_town_guides(self.fields["related_items"], town)
        if "item_places" in self.formsets:
            self._offer_town_places(self.formsets["item_places"], town)

    def _offer_town_guides(self, field, town) -> None:
        """相关事项: the town's other guides by category, read once for the form and
        for Wagtail's client-side copy of the widget."""
        guides = field.queryset.descendant_of(town).exclude(pk=self.instance.pk or 0)
        field.queryset = guides
        field.widget.choices = grouped_options(
            guides.order_by("category__sort_order", "category__name", "code"), "category__name", ("code", "title")
        )

    def _offer_town_places(self, formset, town) -> None:
        """办理地点: each row picks from the town's places by kind, read once for all rows."""
        row_form = formset.form
        base = row_form.base_fields["place"]
        places = base.queryset.descendant_of(town).order_by("path")
        field = OptionsReadOnceField(queryset=places, label=base.label, widget=GroupedSelect)
        field.widget.choices = grouped_options(places, "kind", ("title",), blank="请选择地点")
        formset.form = type(row_form.__name__, (row_form,), {"place": field})

    def clean(self):
        cleaned = super().clean()
        from .permissions import limited_to_units, user_unit_ids

        unit = cleaned.get("responsible_unit")
        user = self.for_user
        if unit is not None and user is not None and limited_to_units(user) and unit.pk not in user_unit_ids(user):
            self.add_error("responsible_unit", "只能选择您所在的单位，其他单位的事项请联系该单位编辑")
        return cleaned

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if valid and self._publishing():
            problems = self._blocking_problems()
            for problem in problems:
                self._attach(problem)
            valid = not problems
        return valid

    def _attach(self, problem) -> None:
        """Show a blocking problem at the top, and at its field or inline panel, so its tab is marked too."""
        self.add_error(None, ValidationError(_problem_message(problem)))
        field = INLINE_FIELDS.get(problem.field.split("[")[0], problem.field)
        if field in self.fields:
            self.add_error(field, ValidationError(problem.rule))
        elif field in self.formsets:
            formset = self.formsets[field]
            formset._non_form_errors = formset.error_class([*formset.non_form_errors(), problem.rule])

    def _publishing(self) -> bool:
        approving = self.data.get("action-workflow-action") and self.data.get("workflow-action-name") == "approve"
        return bool(approving or any(self.data.get(name) for name in PUBLISHING_ACTIONS))

    def _blocking_problems(self) -> list:
        from home.models import TownSettings
        from home.towns import town_of

        from .quality import blocking_problems, must_not_issue_names

        draft = self.save(commit=False)  # the page as it would be saved, inline rows included, in memory
        site = town_of(self.parent_page if self.instance.pk is None else self.instance)
        town = TownSettings.for_site(site) if site is not None else None
        return blocking_problems(draft, must_not_issue_names(), town)


# Quality-rule field names that are inline panels (formsets) on the form.
INLINE_FIELDS = {"legal_basis": "legal_bases", "faq": "faqs"}


def _problem_message(problem) -> str:
    """'必须修改后才能发布：设定依据：至少需要一条设定依据（在“咨询、依据与问答”页签）'."""
    where = f"（在“{problem.tab}”页签）" if problem.tab else ""
    return f"必须修改后才能发布：{problem.label}：{problem.rule}{where}"
