#!/usr/bin/env bash
# Start the portal with the demo catalog on the embedded defaults (SQLite,
# embedded search, local-memory cache) at http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-portal.settings.dev}
$PY manage.py migrate --no-input -v 0
$PY manage.py load_catalog
$PY manage.py ensure_demo_admin
# Clarity sheets render on demand; warming every sheet and village pack takes a
# few minutes, so it runs in the background while the portal starts.
mkdir -p var
nohup $PY manage.py build_sheets --all --jobs 1 > var/build_sheets.log 2>&1 &
echo "Portal: http://127.0.0.1:8000/"
exec $PY manage.py runserver 127.0.0.1:8000
