#!/usr/bin/env bash
# Install everything, then lint and run the whole test suite: everything on
# SQLite (the embedded default), then the database-dependent parts again on
# PostgreSQL (the production database).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/pytest "$@"
echo "== the same search, import and sheet tests on PostgreSQL"
scripts/with-postgres.sh .venv/bin/pytest -q \
  tests/test_search.py tests/test_search_elastic.py tests/test_catalog_import.py tests/test_content.py \
  tests/test_sheets.py
