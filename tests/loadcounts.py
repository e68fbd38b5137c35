"""Read the summary table ``load_catalog`` ends with, for tests that check what a load did."""

from __future__ import annotations

import re

ROW = re.compile(r"^\s*(\S.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s*$")


def load_counts(output: str) -> dict[str, tuple[int, int, int]]:
    """{"service items": (created, updated, unchanged), …} from the table after its header row."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if re.search(r"created\s+updated\s+unchanged", line))
    counts = {}
    for line in lines[start + 1 :]:
        match = ROW.match(line)
        if not match:
            break
        counts[match[1]] = (int(match[2]), int(match[3]), int(match[4]))
    return counts


def items(output: str) -> tuple[int, int, int]:
    """(created, updated, unchanged) of the service items."""
    return load_counts(output)["service items"]
