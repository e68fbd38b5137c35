"""Taxonomies editors keep: service categories, life events, responsible units.

They are snippets rather than choices so a town can rename, reorder or add
entries in the admin without a release.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import RevisionMixin
from wagtail.search import index


class OrderedTaxonomy(RevisionMixin, index.Indexed, models.Model):
    name = models.CharField("名称", max_length=64, unique=True)
    slug = models.SlugField(
        "网址标识",
        max_length=64,
        unique=True,
        allow_unicode=False,
        help_text="用于网址，只能用英文字母、数字和连字符，例如 social-assistance。",
    )
    description = models.TextField("说明", blank=True, help_text="一两句话说明包含哪些事项，会显示在分类页。")
    sort_order = models.PositiveSmallIntegerField("排序", default=100, help_text="数字越小越靠前。")

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description"), FieldPanel("sort_order")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def revisions(self):
        return self._revisions


class ServiceCategory(OrderedTaxonomy):
    """One of the service categories residents browse by (社会救助, 户籍证照 …)."""

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="service_category")

    class Meta(OrderedTaxonomy.Meta):
        verbose_name = "服务分类"
        verbose_name_plural = "服务分类"


class LifeEvent(OrderedTaxonomy):
    """A moment in life that brings residents to several items at once (生育收养 …)."""

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="life_event")

    class Meta(OrderedTaxonomy.Meta):
        verbose_name = "人生事件"
        verbose_name_plural = "人生事件"


class ResponsibleUnit(RevisionMixin, index.Indexed, models.Model):
    """The unit answerable for an item (责任单位), and the anchor of department rights."""

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="responsible_unit")

    name = models.CharField("单位名称", max_length=80, unique=True)
    short_name = models.CharField("简称", max_length=32, blank=True, help_text="窗口牌和明白纸上用的简称，可不填。")
    phone = models.CharField("单位电话", max_length=32, blank=True)
    # The unit's editors (create, edit, submit its guides) and reviewers (approve
    # or reject them); kept in step with the unit by services.permissions.
    editors_group = models.OneToOneField(
        "auth.Group",
        verbose_name="编辑组",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="edited_unit",
    )
    reviewers_group = models.OneToOneField(
        "auth.Group",
        verbose_name="审核组",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="reviewed_unit",
    )

    panels = [FieldPanel("name"), FieldPanel("short_name"), FieldPanel("phone")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = "责任单位"
        verbose_name_plural = "责任单位"

    def __str__(self) -> str:
        return self.name

    @property
    def revisions(self):
        return self._revisions
