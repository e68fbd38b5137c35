"""Admin screens of the catalog app: the guide workbench and spreadsheet import/export.

Each lives in its own module; importing them here registers their hooks.
"""

from . import spreadsheet_admin, workbench_admin  # noqa: F401
