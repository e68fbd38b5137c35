"""Admin panel showing a guide's quality problems on its own edit form."""

from __future__ import annotations

from wagtail.admin.panels import Panel

from .quality import check_item, must_not_issue_names


class GuideQualityPanel(Panel):
    """Lists what ``check_guides`` would report for the revision being edited."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "services/admin/guide_quality_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            item = self.instance
            context["problems"] = check_item(item, must_not_issue_names()) if item.pk else None
            return context
