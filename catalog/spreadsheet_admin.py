"""Spreadsheet import and export in the admin (see docs/editors.md)."""
