"""The one registry of what each page type contributes to the portal's outputs.

Content apps (``services``, ``places``, ``notices``) define page types and
know nothing of the outputs built from them. Each output app registers, in
its ``AppConfig.ready``, the page types it serves and how:

- ``search`` registers a search-document builder per searchable page type;
- ``sheets`` registers a sheet builder per page type that prints, and for
  page types shown on other pages' sheets, which sheets they affect.

Signals, background tasks, batch builds, the catalog import and index
rebuilds all ask this registry, so adding a page type with a sheet or a search
document is one ``register`` call. Wagtail's hook registry keys callables by
name only; this one is keyed by model and output, and answers "does this page
have a sheet" by class, including subclasses.

Bulk jobs pause per-page output work with ``paused()`` and then call
``rebuild(site)``, which runs each output's registered whole-site rebuild.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from wagtail.models import Page, Site

SEARCH = "search"
SHEET = "sheet"


@dataclass(frozen=True)
class Contribution:
    """What one page type gives one output."""

    model: type[Page]
    output: str
    build: Callable[[Page], Any] | None = None
    # Pages whose output shows something of this page (itself included when it has a builder).
    affects: Callable[[Page], Iterable[Page]] | None = None


class OutputRegistry:
    def __init__(self) -> None:
        self._entries: dict[tuple[str, type[Page]], Contribution] = {}
        self._rebuilders: dict[str, Callable[[Site], Any]] = {}
        self._state = threading.local()

    # -- registration -------------------------------------------------------

    def register(
        self,
        output: str,
        model: type[Page],
        build: Callable[[Page], Any] | None = None,
        *,
        affects: Callable[[Page], Iterable[Page]] | None = None,
    ) -> None:
        self._entries[(output, model)] = Contribution(model, output, build, affects)

    def register_rebuild(self, output: str, rebuild: Callable[[Site], Any]) -> None:
        self._rebuilders[output] = rebuild

    # -- questions ----------------------------------------------------------

    def contribution(self, output: str, page_or_model: Page | type[Page]) -> Contribution | None:
        model = page_or_model if isinstance(page_or_model, type) else type(page_or_model.specific_deferred)
        for klass in model.__mro__:
            entry = self._entries.get((output, klass))
            if entry is not None:
                return entry
        return None

    def builder(self, output: str, page: Page) -> Callable[[Page], Any] | None:
        entry = self.contribution(output, page)
        return entry.build if entry else None

    def has(self, output: str, page_or_model: Page | type[Page]) -> bool:
        """Whether the page (type) has this output of its own."""
        entry = self.contribution(output, page_or_model)
        return entry is not None and entry.build is not None

    def models(self, output: str) -> list[type[Page]]:
        """Page types with this output of their own, in registration order."""
        return [entry.model for (name, _m), entry in self._entries.items() if name == output and entry.build]

    def sources(self, output: str) -> list[type[Page]]:
        """Page types whose publishing changes this output: their own or other pages'."""
        return [entry.model for (name, _m), entry in self._entries.items() if name == output]

    def affected(self, output: str, page: Page) -> list[Page]:
        """Pages whose output shows ``page``: its own, plus what its ``affects`` names."""
        entry = self.contribution(output, page)
        if entry is None:
            return []
        if entry.affects is not None:
            return list(entry.affects(page.specific))
        return [page.specific] if entry.build else []

    # -- bulk jobs ----------------------------------------------------------

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Skip per-page output work (indexing, sheet renewals) inside a bulk job on this thread."""
        previous = self.is_paused()
        self._state.paused = True
        try:
            yield
        finally:
            self._state.paused = previous

    def is_paused(self) -> bool:
        return getattr(self._state, "paused", False)

    def rebuild(self, site: Site, outputs: Iterable[str] | None = None) -> dict[str, Any]:
        """Run each output's whole-site rebuild (after a bulk job); returns what each reported."""
        names = list(outputs) if outputs is not None else list(self._rebuilders)
        return {name: self._rebuilders[name](site) for name in names if name in self._rebuilders}


registry = OutputRegistry()
