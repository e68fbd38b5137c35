"""Search index rows, editor-kept synonyms, best bets and the anonymous query log."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Page
from wagtail.search import index

DOC_TYPES = {"guide": "办事指南", "certificate": "证明", "place": "场所", "notice": "通知"}


class SearchDocument(models.Model):
    """One searchable page, with the facet fields and the analyzed token strings.

    The embedded backend keeps a full-text table (SQLite FTS5) over the token
    columns, keyed by this row's id; Elasticsearch indexes the same fields.
    """

    page = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="+")
    root_path = models.CharField(max_length=255, db_index=True)  # the site's home page path
    doc_type = models.CharField(max_length=16, db_index=True)
    code = models.CharField(max_length=32, blank=True, db_index=True)
    title = models.CharField(max_length=255)
    url = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    category = models.CharField(max_length=64, blank=True)
    life_events = models.CharField(max_length=255, blank=True)  # '|'-separated
    level = models.CharField(max_length=8, blank=True)
    online = models.CharField(max_length=8, blank=True)
    town_code = models.CharField(max_length=32, blank=True)
    expires_on = models.DateField(null=True, blank=True)  # notices leave results after their expiry date
    keywords = models.CharField(max_length=400, blank=True)  # normalized, '|'-separated, for exact-intent matching
    title_terms = models.TextField(blank=True)
    keyword_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    pinyin_terms = models.TextField(blank=True)
    code_terms = models.TextField(blank=True)

    class Meta:
        verbose_name = "搜索索引条目"

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.code or self.page_id} {self.title}"

    @property
    def type_label(self) -> str:
        return DOC_TYPES.get(self.doc_type, self.doc_type)

    def keyword_set(self) -> set[str]:
        return {k for k in self.keywords.split("|") if k}

    def life_event_list(self) -> list[str]:
        return [e for e in self.life_events.split("|") if e]


class Synonym(index.Indexed, models.Model):
    """Words residents use for the same thing: 低保, 最低生活保障, 吃低保."""

    terms = models.CharField(
        "同义词组",
        max_length=300,
        unique=True,
        help_text="用逗号或顿号分隔，例如：尊老金，高龄津贴，高龄补贴。搜索其中任何一个词，都会同时查找其他词。",
    )
    note = models.CharField("说明", max_length=200, blank=True)
    active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldPanel("terms"), FieldPanel("note"), FieldPanel("active")]
    # The admin's listing searches these with the portal's analysis (search.wagtail_backend).
    search_fields = [
        index.SearchField("terms"),
        index.AutocompleteField("terms"),
        index.SearchField("note"),
        index.FilterField("active"),
    ]

    class Meta:
        ordering = ["terms"]
        verbose_name = "同义词"
        verbose_name_plural = "同义词"

    def __str__(self) -> str:
        return self.terms

    def term_list(self) -> list[str]:
        text = self.terms
        for sep in "，、;；|\n":
            text = text.replace(sep, ",")
        return [t.strip() for t in text.split(",") if t.strip()]

    def clean(self) -> None:
        if len(self.term_list()) < 2:
            raise ValidationError({"terms": "同义词组至少要有两个词"})


class BestBet(index.Indexed, models.Model):
    """A page promoted to the top for a query, for a limited time."""

    query = models.CharField("搜索词", max_length=100, help_text="居民输入这个词时置顶，不区分繁简和大小写。")
    page = models.ForeignKey(Page, verbose_name="置顶页面", on_delete=models.CASCADE, related_name="+")
    note = models.CharField(
        "置顶说明", max_length=120, blank=True, help_text="显示在结果上方，例如：医保缴费期内优先显示。"
    )
    starts_at = models.DateTimeField("开始时间", default=timezone.now)
    expires_at = models.DateTimeField("结束时间", null=True, blank=True, help_text="不填则一直有效。")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    panels = [
        FieldPanel("query"),
        FieldPanel("page"),
        FieldPanel("note"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("expires_at")]),
        FieldPanel("sort_order"),
    ]
    search_fields = [
        index.SearchField("query"),
        index.AutocompleteField("query"),
        index.SearchField("note"),
        index.RelatedFields("page", [index.SearchField("title")]),
    ]

    class Meta:
        ordering = ["query", "sort_order"]
        verbose_name = "置顶结果"
        verbose_name_plural = "置顶结果"

    def __str__(self) -> str:
        return f"{self.query} → {self.page.title}"

    def clean(self) -> None:
        if self.expires_at and self.starts_at and self.expires_at <= self.starts_at:
            raise ValidationError({"expires_at": "结束时间必须晚于开始时间"})


class QueryLogDay(models.Model):
    """How often a normalized query was searched on a day; no IP, no user, no session."""

    day = models.DateField(db_index=True)
    query = models.CharField(max_length=100)
    searches = models.PositiveIntegerField(default=0)
    zero_results = models.PositiveIntegerField(default=0)

    class Meta:
        unique_together = [("day", "query")]
        verbose_name = "搜索记录"
        verbose_name_plural = "搜索记录"

    def __str__(self) -> str:
        return f"{self.day} {self.query} ×{self.searches}"


class HotWordCandidate(index.Indexed, models.Model):
    """A searched phrase that is not a vetted term (a name, everyday word or synonym), waiting for an editor.

    Only vetted terms and approved candidates can become computed hot words
    (``search.editorial``); a rejected phrase never does, even a vetted one.
    Popular unvetted queries are added here as pending by the hot-word
    computation; editors may also add a phrase themselves.
    """

    PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
    STATUS_CHOICES = [(PENDING, "待审核"), (APPROVED, "已批准"), (REJECTED, "已拒绝")]

    query = models.CharField(
        "搜索词", max_length=100, unique=True, help_text="居民搜索的词，保存时统一为简体、半角、小写。"
    )
    status = models.CharField(
        "审核结果",
        max_length=10,
        choices=STATUS_CHOICES,
        default=PENDING,
        db_index=True,
        help_text="批准后才可能出现在首页“大家常搜”；拒绝后即使是事项名称也不再出现。",
    )
    created_at = models.DateTimeField("加入时间", auto_now_add=True)
    updated_at = models.DateTimeField("审核时间", auto_now=True)

    panels = [FieldPanel("query"), FieldPanel("status")]
    search_fields = [index.SearchField("query"), index.AutocompleteField("query"), index.FilterField("status")]

    class Meta:
        ordering = ["status", "-created_at"]
        verbose_name = "热搜词候选"
        verbose_name_plural = "热搜词候选"

    def __str__(self) -> str:
        return self.query

    def clean(self) -> None:
        from .analysis import MAX_QUERY_CHARS, normalize

        self.query = normalize(self.query)[:MAX_QUERY_CHARS]
        if not self.query:
            raise ValidationError({"query": "请填写搜索词"})

    def recent_searches(self) -> int:
        """Searches of the last 30 days (each client once a day)."""
        since = timezone.localdate() - timezone.timedelta(days=30)
        total = QueryLogDay.objects.filter(query=self.query, day__gte=since).aggregate(n=models.Sum("searches"))["n"]
        return total or 0

    recent_searches.short_description = "近30天搜索人次"


class QuerySeen(models.Model):
    """Today's "already counted" marks of the query log (``search.querylog``): one per client and query.

    ``digest`` is a hash of the client key (itself a keyed hash of address and
    user agent) and the query: it cannot be traced back to an address, and two
    marks of one client cannot be linked. Marks of past days are deleted.
    """

    day = models.DateField(db_index=True)
    digest = models.CharField(max_length=32)

    class Meta:
        unique_together = [("day", "digest")]
        verbose_name = "搜索计数标记"
        verbose_name_plural = "搜索计数标记"

    def __str__(self) -> str:
        return f"{self.day} {self.digest[:8]}"
