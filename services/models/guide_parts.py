"""The repeatable parts of a service guide, edited inline on the item page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Orderable

from ..values import MaterialForm, MaterialMedium

ITEM = "services.ServiceItemPage"


class Condition(Orderable):
    """One concrete acceptance criterion (受理条件)."""

    item = ParentalKey(ITEM, on_delete=models.CASCADE, related_name="conditions")
    text = models.CharField("条件", max_length=300)
    sheet_text = models.CharField(
        "明白纸上的简写",
        max_length=60,
        blank=True,
        help_text="只用于明白纸：条件太长时写一句简短的说法，建议不超过30字；不填则印全文。",
    )

    panels = [FieldRowPanel([FieldPanel("text"), FieldPanel("sheet_text")])]

    class Meta(Orderable.Meta):
        verbose_name = "受理条件"


class LegalBasis(Orderable):
    """A law, regulation or policy document the item rests on (设定依据)."""

    item = ParentalKey(ITEM, on_delete=models.CASCADE, related_name="legal_bases")
    document = models.CharField("文件名称", max_length=200, help_text="带书名号，例如：《社会救助暂行办法》")
    article = models.CharField("条款", max_length=200, blank=True, help_text="例如：第九条、第十一条")

    panels = [FieldRowPanel([FieldPanel("document"), FieldPanel("article")])]

    class Meta(Orderable.Meta):
        verbose_name = "设定依据"

    def __str__(self) -> str:
        return f"{self.document}{self.article}"


class Material(Orderable):
    """One thing the resident brings or uploads (申请材料)."""

    item = ParentalKey(ITEM, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField("材料名称", max_length=200)
    form = models.CharField("原件/复印件", max_length=12, choices=MaterialForm.choices, default=MaterialForm.ORIGINAL)
    copies = models.PositiveSmallIntegerField("份数", default=1)
    medium = models.CharField("载体", max_length=12, choices=MaterialMedium.choices, default=MaterialMedium.PAPER)
    source = models.CharField("来源", max_length=120, blank=True, help_text="例如：申请人自备、公安机关、医疗机构出具")
    required = models.BooleanField(
        "必须提交", default=True, help_text="不勾选表示只在特定情形下提交，请在“提交情形”写明。"
    )
    condition = models.CharField("提交情形", max_length=200, blank=True, help_text="例如：委托他人代办的")
    notes = models.CharField("备注", max_length=300, blank=True)
    sheet_text = models.CharField(
        "明白纸上的简写",
        max_length=60,
        blank=True,
        help_text="只用于明白纸：这项材料写成一行（含提交情形、份数），建议不超过24字；"
        "不填则印材料名称、原件/复印件和份数，非必须的另起一行写提交情形。",
    )
    on_sheet = models.BooleanField(
        "列在明白纸上",
        default=True,
        help_text="只用于明白纸：不勾选则明白纸上不列这项材料，只写“另有N项材料，扫码查看全部”；网页上照常显示。",
    )
    blank_form = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="空白表格",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sample = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="填写样例",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("sheet_text")]),
        FieldRowPanel([FieldPanel("form"), FieldPanel("copies"), FieldPanel("medium")]),
        FieldRowPanel([FieldPanel("source"), FieldPanel("required"), FieldPanel("condition")]),
        FieldRowPanel([FieldPanel("notes"), FieldPanel("on_sheet")]),
        MultiFieldPanel([FieldRowPanel([FieldPanel("blank_form"), FieldPanel("sample")])], heading="表格下载"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "申请材料"

    def clean(self) -> None:
        errors = {}
        if not self.required and not self.condition.strip():
            errors["condition"] = "非必须提交的材料请写明在什么情形下提交"
        if self.copies is not None and self.copies < 1:
            errors["copies"] = "份数至少为 1"
        if errors:
            raise ValidationError(errors)

    def describe(self) -> str:
        """'原件1份，纸质' as guides print it."""
        return f"{self.form}{self.copies}份，{self.medium}"


class Step(Orderable):
    """One step of the procedure (办理流程), in order."""

    item = ParentalKey(ITEM, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField("环节", max_length=40, help_text="例如：申请、受理、审核、决定、送达")
    description = models.TextField("说明")
    sheet_text = models.CharField(
        "明白纸上的一句话",
        max_length=40,
        blank=True,
        help_text="只用于明白纸：这一步用一行话说清，建议不超过20字；不填则印环节名称。",
    )

    panels = [FieldRowPanel([FieldPanel("title"), FieldPanel("sheet_text")]), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = "办理环节"


class FAQ(Orderable):
    """A question residents really ask, with its answer (常见问题)."""

    item = ParentalKey(ITEM, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField("问题", max_length=200)
    answer = models.TextField("回答")

    panels = [FieldPanel("question"), FieldPanel("answer")]

    class Meta(Orderable.Meta):
        verbose_name = "常见问题"


class ItemPlace(Orderable):
    """Where the item is handled; the first place is the main one (办理地点)."""

    item = ParentalKey(ITEM, on_delete=models.CASCADE, related_name="item_places")
    place = models.ForeignKey("places.PlacePage", verbose_name="地点", on_delete=models.CASCADE, related_name="+")
    note = models.CharField("说明", max_length=200, blank=True, help_text="例如：村民可就近在本村便民服务站代办")

    panels = [FieldRowPanel([FieldPanel("place"), FieldPanel("note")])]

    class Meta(Orderable.Meta):
        verbose_name = "办理地点"
