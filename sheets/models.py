"""Editions of each sheet's content, and the rendered PDFs cached by what went into them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from wagtail.models import Page, Site


class SheetEdition(models.Model):
    """A numbered version of one page's sheet content (第 N 版).

    A new edition is made only when the resident-visible content changes, so
    the number printed on a board tells how many real changes happened.
    """

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="sheet_editions")
    code = models.CharField(max_length=40, db_index=True)
    number = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    snapshot = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "number"], name="unique_sheet_edition")]
        ordering = ["page_id", "-number"]
        verbose_name = "明白纸版本"
        verbose_name_plural = "明白纸版本"

    def __str__(self) -> str:
        return f"{self.code} 第{self.number}版"

    @property
    def month_label(self) -> str:
        local = timezone.localtime(self.created_at)
        return f"{local.year}年{local.month}月"

    @property
    def date_label(self) -> str:
        local = timezone.localtime(self.created_at)
        return f"{local.year}年{local.month}月{local.day}日"


class RenderedSheet(models.Model):
    """A rendered PDF, keyed by a hash of everything that went into it.

    Kept in the database rather than in media storage so a render and its
    bookkeeping are written in one transaction, and every app server sees it.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=60)  # QH-MZ-001, ZM-N, OF-V01, pack:OF-V01, poster:ZM
    source_hash = models.CharField(max_length=64)
    edition = models.ForeignKey(SheetEdition, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pdf = models.BinaryField()
    pages = models.PositiveSmallIntegerField()
    layout = models.PositiveSmallIntegerField(default=0)  # the step of the type ladder, 0 the largest
    body_pt = models.FloatField("正文字号（磅）", default=0)
    left_out = models.JSONField("未印上的内容", default=list, blank=True)  # ["3项材料", "1个步骤"]
    # render.Fit.recipe: the ladder step and CSS that fitted, so a village pack lays this sheet out once.
    recipe = models.JSONField("排版方案", default=dict, blank=True)
    render_seconds = models.FloatField(default=0)
    rendered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "key", "source_hash"], name="unique_rendered_sheet")]
        indexes = [models.Index(fields=["site", "key", "-rendered_at"], name="rendered_sheet_latest")]
        verbose_name = "已生成的明白纸"
        verbose_name_plural = "已生成的明白纸"

    def __str__(self) -> str:
        return f"{self.key} ({self.pages} 页)"
