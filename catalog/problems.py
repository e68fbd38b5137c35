"""Problems found in catalog files, reported as ``file:line: reason``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


class CatalogError(Exception):
    """One or more problems; nothing has been written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ProblemList(list):
    """Collects problems while reading so the editor sees them all at once."""

    def add(self, file: str | Path, line: int | None, reason: str) -> None:
        self.append(Problem(Path(file).name if isinstance(file, Path) else file, line, reason))

    def raise_if_any(self) -> None:
        if self:
            raise CatalogError(list(self))
