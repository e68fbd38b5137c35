"""The guide workbench: every guide with its state, filters and export (see docs/editors.md)."""
