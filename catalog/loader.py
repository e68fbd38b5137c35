"""Apply a validated catalog to one site, in one transaction.

Pages are matched by catalog code within the site. A page is looked at only
when the fingerprint of its desired state differs from the one stored at its
last import, so a second run writes nothing. Such a page is then compared
field by field (``catalog.merge``): the page now, the values it was last
imported with (``import_snapshot``) and the file. Fields changed in the file
and not edited in the admin are updated, as one new published revision; admin
edits are kept; a field changed in both is a conflict, reported and kept as the
admin has it unless ``take_file``. ``force`` rewrites every page from the file.

The same comparison serves spreadsheet imports from the admin
(``update_items``), with the values the spreadsheet was exported with as the
base; those imports count as admin edits and leave the snapshot alone.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex, Site
from wagtail.signal_handlers import disable_reference_index_auto_update

from home.coded import coded_models
from home.models import HomePage, TownSettings
from home.outputs import registry as outputs
from notices.models import NoticeIndexPage, NoticePage, end_of_day
from places.models import PlaceIndexPage, PlacePage, SpecialDay
from search.models import Synonym
from services.models import (
    CertificateEntryPage,
    CertificateIndexPage,
    CertificateListPage,
    LifeEvent,
    ResponsibleUnit,
    ServiceCategory,
    ServiceIndexPage,
    ServiceItemPage,
)

from .fieldvalues import DOCUMENT_REF_RE, Documents, Values, as_snapshot, label, snapshot_values
from .merge import FieldChange, PageMerge, base_digests, compare
from .problems import CatalogError, Problem, ProblemList
from .reader import Catalog, _read_yaml_model
from .schema import HolidaysIn
from .state import (
    PageState,
    certificate_state,
    certificates_by_item,
    item_state,
    notice_body_html,
    office_state,
)

logger = logging.getLogger(__name__)


class DryRunRollback(Exception):
    """Raised at the end of a dry run to roll the transaction back."""


@dataclass
class LoadReport:
    counts: dict[str, Counter] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    take_file: bool = False
    # Pages created, updated, or with admin edits kept or in conflict, in load order.
    pages: list[PageMerge] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    @property
    def conflicts(self) -> list[tuple[PageMerge, FieldChange]]:
        return [(page, change) for page in self.pages for change in page.conflicts]

    def lines(self, details: bool | None = None, counts: bool = True) -> list[str]:
        """The report; ``details`` (default: in a dry run) adds what changes, field by field.

        ``counts=False`` leaves out the line per kind (a command that prints them as a table)."""
        out = [
            f"{kind}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            for kind, c in self.counts.items()
            if counts
        ]
        out += self.conflict_lines()
        if details if details is not None else self.dry_run:
            out += self.change_lines()
        out += [f"warning: {w}" for w in self.warnings]
        if self.dry_run:
            out.append("dry run: nothing was written")
        return out

    def conflict_lines(self) -> list[str]:
        conflicts = self.conflicts
        if not conflicts:
            return []
        if self.take_file:
            head = (
                f"conflicts: {len(conflicts)} field(s) edited in the admin and changed in the file; "
                "took the file's value"
            )
        else:
            head = (
                f"conflicts: {len(conflicts)} field(s) edited in the admin and changed in the file; "
                "kept the admin's value (--take-file takes the file's)"
            )
        lines = [head]
        for page, change in conflicts:
            lines.append(
                f"  {page.code} {change.label}: admin “{change.current_text(60)}” | file “{change.incoming_text(60)}”"
            )
        return lines

    def change_lines(self) -> list[str]:
        lines = []
        for page in self.pages:
            if page.created:
                lines.append(f"+ {page.code} {page.title} (new {page.kind})")
                continue
            lines.append(f"~ {page.code} {page.title}")
            for change in page.changes:
                if change.writes:
                    lines.append(f"    {change.label}: “{change.current_text()}” → “{change.incoming_text()}”")
                elif change.is_conflict:
                    lines.append(f"    {change.label}: conflict, kept as edited in the admin")
                else:
                    lines.append(f"    {change.label}: kept as edited in the admin (unchanged in the file)")
        return lines

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())


class CatalogLoader:
    def __init__(
        self,
        site: Site,
        catalog: Catalog,
        *,
        force: bool = False,
        take_file: bool = False,
        on_page: Callable[[], None] | None = None,
        on_outputs: Callable[[], None] | None = None,
    ):
        self.site = site
        self.on_page = on_page or (lambda: None)  # called once per page of ``page_total``, for progress
        self.on_outputs = on_outputs or (lambda: None)  # called before the search index and sheets are rebuilt
        self.catalog = catalog
        self.force = force
        self.take_file = take_file
        self.report = LoadReport(take_file=take_file)
        self.values = Values(Documents(catalog.content_dir))
        self._pages: dict[str, Page] = {}
        self._touched: list[Page] = []
        self._problems: list[Problem] = []
        self._dry_run = False

    # -- entry points -------------------------------------------------------

    @property
    def page_total(self) -> int:
        """The pages a load goes through: places, certificate lists and entries, guides, notices."""
        catalog = self.catalog
        return (
            len(catalog.offices)
            + len(catalog.town.certificate_lists)
            + len(catalog.certificates)
            + len(catalog.items)
            + len(catalog.notices.notices)
        )

    def run(self, dry_run: bool = False) -> LoadReport:
        """Load the whole catalog."""
        return self._transaction(self._load, dry_run)

    def update_items(
        self,
        states: list[PageState],
        keys: dict[str, set[str]],
        bases: dict[str, dict[str, str] | None],
        dry_run: bool = False,
    ) -> LoadReport:
        """Update existing service items from a spreadsheet: only ``keys`` of each, merged against ``bases``.

        A base maps each key to the digest of the value the spreadsheet was
        exported with; without one, the page's import snapshot is the base.
        The snapshot and fingerprint stay as they are: to the next catalog
        import, these changes are admin edits.
        """

        def work() -> None:
            self._index_existing()
            for state in states:
                page = self._pages[state.code]
                base = bases.get(state.code)
                if base is None and page.import_snapshot:
                    base = base_digests(self.values.of_snapshot(type(page), page.import_snapshot))
                self._merge("service items", page, state, base=base, keys=keys[state.code], record=False)

        return self._transaction(work, dry_run)

    def _transaction(self, work, dry_run: bool) -> LoadReport:
        self.report.dry_run = self._dry_run = dry_run
        try:
            # Each page is saved several times while loading; index its
            # references once at the end instead of after every save.
            with transaction.atomic(), disable_reference_index_auto_update(), outputs.paused():
                work()
                if self._problems:
                    raise CatalogError(self._problems)
                if dry_run:
                    raise DryRunRollback
                for page in {p.pk: p for p in self._touched}.values():
                    ReferenceIndex.create_or_update_for_object(page)
                if self.report.changed:
                    self.on_outputs()
                    # One consistent pass of every output (the search index with the
                    # vocabulary of the whole new catalog, new sheet editions).
                    outputs.rebuild(self.site)
        except DryRunRollback:
            pass
        except ValidationError as exc:
            raise CatalogError([Problem(self._current, None, _validation_text(exc))]) from exc
        return self.report

    def _load(self) -> None:
        self._current = "site"
        home = self.site.root_page.specific
        if not isinstance(home, HomePage):
            raise CatalogError([Problem("site", None, f"站点根页面“{home.title}”不是首页类型 HomePage")])
        self._home(home)
        self._taxonomies()
        sections = self._sections(home)
        self._index_existing()
        self._places(sections["places"])
        self._certificates(sections["certificates"])
        self._items(sections["services"])
        self._town_settings()
        self._notices(sections["notices"])
        self._synonyms()
        self._holidays()
        self._warn_missing()

    # -- taxonomies and settings ------------------------------------------------

    def _home(self, home: HomePage) -> None:
        town = self.catalog.town
        if home.get_latest_revision() is None:
            home.title = home.draft_title = town.home_title
            home.intro = town.home_intro
            home.save_revision().publish()

    def _taxonomies(self) -> None:
        tax = self.catalog.taxonomies
        for model, entries, kind in (
            (ServiceCategory, tax.categories, "categories"),
            (LifeEvent, tax.life_events, "life events"),
        ):
            for order, entry in enumerate(entries, start=1):
                values = {"slug": entry.slug, "description": entry.description, "sort_order": order * 10}
                self._upsert(model, {"name": entry.name}, values, kind)
        units = {u.name: u for u in tax.units}
        names = {i.department for i in self.catalog.items} | {d for o in self.catalog.offices for d in o.departments}
        for name in sorted(names | set(units)):
            unit = units.get(name)
            values = {"short_name": unit.short_name, "phone": unit.phone or ""} if unit else {}
            self._upsert(ResponsibleUnit, {"name": name}, values, "units")

    def _upsert(self, model, key: dict, values: dict, kind: str) -> models.Model:
        obj = model.objects.filter(**key).first()
        if obj is None:
            obj = model.objects.create(**key, **values)
            self.report.count(kind, "created")
        elif any(getattr(obj, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(obj, k, v)
            obj.save()
            self.report.count(kind, "updated")
        else:
            self.report.count(kind, "unchanged")
        return obj

    def _town_settings(self) -> None:
        town = self.catalog.town
        settings = TownSettings.for_site(self.site)
        values = {
            "town_name": town.town_name,
            "portal_title": town.portal_title,
            "service_hall_id": self._pages[town.hall].pk,
            "consultation_phone": town.consultation_phone or "",
            "complaint_phone": town.complaint_phone or "",
            "online_service_name": town.online_service_name,
            "online_service_url": str(town.online_service_url or ""),
            "footer_note": town.footer_note,
            "public_address": str(town.public_address or ""),
            "show_demo_notice": town.demo_notice,
        }
        if any(getattr(settings, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(settings, k, v)
            settings.save()
            self.report.count("town settings", "updated")
        else:
            self.report.count("town settings", "unchanged")

    # -- sections ------------------------------------------------------------------

    def _sections(self, home: HomePage) -> dict[str, Page]:
        spec = self.catalog.town.sections
        models_by_key = {
            "services": ServiceIndexPage,
            "certificates": CertificateIndexPage,
            "places": PlaceIndexPage,
            "notices": NoticeIndexPage,
        }
        found = {}
        for key, model in models_by_key.items():
            page = model.objects.child_of(home).first()
            if page is None:
                section = spec[key]
                page = model(title=section.title, slug=section.slug, intro=section.intro)
                home.add_child(instance=page)
                page.save_revision().publish()
                home.refresh_from_db()
                self.report.count("sections", "created")
            else:
                self.report.count("sections", "unchanged")
            found[key] = page
        return found

    # -- coded pages -----------------------------------------------------------------

    def _index_existing(self) -> None:
        root = self.site.root_page
        for model in coded_models():
            for page in model.objects.descendant_of(root):
                self._pages[page.code] = page

    def _sync(self, kind: str, model: type[Page], state: PageState, parent: Page, refs: bool = True) -> Page:
        """Create or update one coded page; publish a revision only when a field is written."""
        self._current = state.code
        page = self._pages.get(state.code)
        if page is None:
            page = model(slug=state.slug)
            self._apply(page, state, refs=refs)
            if refs:
                self._record(page, state)
            parent.add_child(instance=page)
            self._pages[state.code] = page
            if refs:
                page.save_revision().publish()
            self.report.count(kind, "created")
            self.report.pages.append(PageMerge(state.code, state.title, kind, created=True))
            self._touched.append(page)
            page._created_by_import = True
            return page
        fingerprint = state.fingerprint()
        if not self.force and page.import_fingerprint == fingerprint:
            self.report.count(kind, "unchanged")
            if not page.import_snapshot:
                # Imported before snapshots existed, with exactly these values: record them.
                self._record(page, state)
                type(page).objects.filter(pk=page.pk).update(import_snapshot=page.import_snapshot)
            return page
        # Without a snapshot (or with --force) every field is rewritten from the file, as before.
        base = None
        if page.import_snapshot and not self.force:
            base = base_digests(self.values.of_snapshot(type(page), page.import_snapshot))
        self._merge(kind, page, state, base=base)
        return page

    def _merge(
        self,
        kind: str,
        page: Page,
        state: PageState,
        *,
        base: dict[str, str] | None,
        keys: set[str] | None = None,
        record: bool = True,
    ) -> PageMerge:
        """Compare one existing page with its state field by field; write what the rule allows."""
        self._current = state.code
        model = type(page)
        incoming = self.values.of_state(model, state, keys)
        current = self.values.of_page(page, incoming)
        changes = compare(current, incoming, base, take_file=self.take_file, label=lambda key: label(model, key))
        merge = PageMerge(state.code, page.title, kind, page_id=page.pk, changes=changes)
        writes = {c.key for c in merge.writes}
        if writes:
            self._apply(page, state, refs=True, only=writes)
        if record:
            kept = {c.key for c in merge.changes if c.outcome == "conflict"}
            self._record(page, state, incoming, keep_base_for=kept)
        if writes:
            if page.has_unpublished_changes:
                self.report.warnings.append(
                    f"{state.code} had unpublished changes (a draft); the import published a new revision "
                    "on top of the live page and the draft stays in its history"
                )
            self._save(page, state.code)
            self.report.count(kind, "updated")
            self._touched.append(page)
        else:
            self.report.count(kind, "unchanged")
            if record and not self._dry_run:
                type(page).objects.filter(pk=page.pk).update(
                    import_snapshot=page.import_snapshot, import_fingerprint=page.import_fingerprint
                )
        if changes:
            self.report.pages.append(merge)
        return merge

    def _save(self, page: Page, code: str) -> None:
        """Publish the page as a new revision; in a dry run only validate it. Collect validation problems."""
        try:
            if self._dry_run:
                page.full_clean()
            else:
                page.save_revision().publish()
        except ValidationError as exc:
            self._problems.append(Problem(code, None, _validation_text(exc, type(page))))

    def _record(
        self, page: Page, state: PageState, values: dict[str, Any] | None = None, keep_base_for: set[str] = frozenset()
    ) -> None:
        """Remember what the page was imported with. A conflict kept as the admin has it keeps its old
        base, and the page's fingerprint is cleared, so the next import reports it again."""
        model = type(page)
        values = dict(values if values is not None else self.values.of_state(model, state))
        if keep_base_for:
            old = snapshot_values(page.import_snapshot or {})
            for key in keep_base_for:
                if key in old:
                    values[key] = old[key]
                else:
                    values.pop(key, None)
        page.import_snapshot = as_snapshot(model, values)
        page.import_fingerprint = "" if keep_base_for else state.fingerprint()

    def _apply(self, page: Page, state: PageState, refs: bool, only: set[str] | None = None) -> None:
        """Set the page's values from the state: all of them, or only the keys in ``only``."""

        def wanted(name: str) -> bool:
            return only is None or name in only

        if wanted("title"):
            page.title = page.draft_title = state.title
        page.code = state.code
        for name, value in state.fields.items():
            if wanted(name):
                setattr(page, name, page._meta.get_field(name).to_python(value))
        for name, rows in state.children.items():
            if wanted(name):
                related = page._meta.get_field(name).related_model
                children = [self._child(related, row) for row in rows]
                # In the file's order; left unset, the order would be up to the database.
                for number, child in enumerate(children):
                    if hasattr(child, "sort_order"):
                        child.sort_order = number
                setattr(page, name, children)
        for name, value in state.refs.items():
            if wanted(name) and (refs or not self._is_page_ref(page, name)):
                self._set_ref(page, name, value)
        if only is None:
            page.import_fingerprint = state.fingerprint() if refs else ""

    def _child(self, model: type[models.Model], row: dict[str, Any]) -> models.Model:
        values = {}
        for name, value in row.items():
            field_obj = model._meta.get_field(name)
            if name == "place":
                values[name] = self._pages[value]
            elif name in ("blank_form", "sample"):
                values[name] = self._document(value) if value else None
            else:
                values[name] = field_obj.to_python(value)
        return model(**values)

    @staticmethod
    def _is_page_ref(page: Page, name: str) -> bool:
        target = page._meta.get_field(name).related_model
        return issubclass(target, Page)

    def _set_ref(self, page: Page, name: str, value: Any) -> None:
        target = page._meta.get_field(name).related_model

        def resolve(key: str):
            return self._pages[key] if issubclass(target, Page) else target.objects.get(name=key)

        if isinstance(value, list):
            setattr(page, name, [resolve(v) for v in value])
        else:
            setattr(page, name, resolve(value) if value else None)

    def _document(self, relative: str):
        """A document from the content folder (saved once per distinct file), or ``#<id>`` from a spreadsheet."""
        match = DOCUMENT_REF_RE.match(relative)
        if match:
            return get_document_model().objects.get(pk=int(match.group(1)))
        path = self.catalog.content_dir / relative
        data = path.read_bytes()
        digest = hashlib.sha1(data).hexdigest()
        document_model = get_document_model()
        existing = document_model.objects.filter(file_hash=digest).first()
        if existing:
            return existing
        document = document_model(title=Path(relative).stem)
        document.file.save(Path(relative).name, ContentFile(data), save=False)
        document._set_document_file_metadata()
        document.save()
        return document

    def _places(self, index: Page) -> None:
        by_name = {o.name: o.code for o in self.catalog.offices}
        # Parents before children: the hall before its windows.
        for office in sorted(self.catalog.offices, key=lambda o: o.kind == "window"):
            parent = index
            if office.kind == "window":
                parent = self._pages[by_name[office.parent]]
            self._sync("places", PlacePage, office_state(office), parent)
            self.on_page()

    def _certificates(self, index: Page) -> None:
        for spec in self.catalog.town.certificate_lists:
            kind = "可以出具" if spec.code == "ZM-Y" else "不应出具"
            state = PageState(
                spec.code,
                spec.title,
                spec.code.lower(),
                fields={"list_kind": kind, "intro": spec.intro, "basis": spec.basis},
            )
            self._sync("certificate lists", CertificateListPage, state, index)
            self.on_page()
        for cert in self.catalog.certificates:
            parent = self._pages["ZM-Y" if cert.code.startswith("ZM-Y") else "ZM-N"]
            self._sync("certificates", CertificateEntryPage, certificate_state(cert), parent)
            self.on_page()

    def _items(self, index: Page) -> None:
        by_item = certificates_by_item(self.catalog)
        states = [item_state(item, self.catalog, by_item) for item in self.catalog.items]
        # First pass: make sure every item exists, so items can refer to each other.
        for state in states:
            if state.code not in self._pages:
                self._sync("service items", ServiceItemPage, state, index, refs=False)
        for state in states:
            page = self._pages[state.code]
            if getattr(page, "_created_by_import", False):
                self._current = state.code
                self._apply(page, state, refs=True)
                self._record(page, state)
                page.save_revision().publish()
            else:
                self._sync("service items", ServiceItemPage, state, index)
            self.on_page()

    def _notices(self, index: Page) -> None:
        existing = set(NoticePage.objects.child_of(index).values_list("slug", flat=True))
        for notice in self.catalog.notices.notices:
            self.on_page()
            if notice.slug in existing:
                self.report.count("notices", "unchanged")
                continue
            page = NoticePage(
                title=notice.title,
                slug=notice.slug,
                date=notice.date,
                category=notice.category,
                pinned=notice.pinned,
                # 下架日期 -> 下架时间: the notice leaves the site at the end of that day. One
                # already past it is published anyway and the scheduler takes it down.
                expire_at=end_of_day(notice.expiry_date) if notice.expiry_date else None,
                issuer=notice.issuer,
                summary=notice.summary,
                body=notice_body_html(notice.body),
            )
            index.add_child(instance=page)
            page.save_revision().publish()
            index.refresh_from_db()
            self.report.count("notices", "created")

    def _synonyms(self) -> None:
        """Seed synonym groups once; afterwards they belong to the editors."""
        existing = set(Synonym.objects.values_list("terms", flat=True))
        for terms in self.catalog.synonyms.synonyms:
            if terms in existing:
                self.report.count("synonyms", "unchanged")
                continue
            synonym = Synonym(terms=terms, note="演示数据初始同义词")
            synonym.full_clean()
            synonym.save()
            self.report.count("synonyms", "created")

    def _holidays(self) -> None:
        """The 节假日安排 of content/holidays.yaml: the file decides the days it lists, editors the rest."""
        path = self.catalog.content_dir / "holidays.yaml"
        if not path.exists():
            return
        self._current = path.name
        problems = ProblemList()
        calendar = _read_yaml_model(path, HolidaysIn, problems)
        problems.raise_if_any()  # inside the load's transaction: nothing is written
        for year in calendar.years:
            for festival in year.festivals:
                for day in festival.days_off():
                    values = {"name": festival.name, "closed": True, "follows_weekday": None}
                    self._upsert(SpecialDay, {"date": day}, values, "holidays")
                for day in festival.workdays:
                    follows = 4 if day.weekday() == 5 else 0  # Saturday keeps Friday's hours, Sunday Monday's
                    values = {"name": f"{festival.name}调休上班", "closed": False, "follows_weekday": follows}
                    self._upsert(SpecialDay, {"date": day}, values, "holidays")

    def _warn_missing(self) -> None:
        known = (
            {i.code for i in self.catalog.items}
            | {c.code for c in self.catalog.certificates}
            | {o.code for o in self.catalog.offices}
            | {"ZM-N", "ZM-Y"}
        )
        for code, page in sorted(self._pages.items()):
            if code not in known:
                self.report.warnings.append(
                    f"{code} “{page.title}” is on the site but not in the catalog; left as it is"
                )


def _validation_text(exc: ValidationError, model: type[Page] | None = None) -> str:
    def name(key: str) -> str:
        if model is None or key == "__all__":
            return key
        try:
            return label(model, key)
        except Exception:  # not a field of the model (a form-level key): show it as it is
            return key

    if hasattr(exc, "message_dict"):
        return "；".join(f"{name(key)}: {'，'.join(msgs)}" for key, msgs in exc.message_dict.items())
    return "；".join(exc.messages)
