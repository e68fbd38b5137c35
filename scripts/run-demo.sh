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
echo "Portal: http://127.0.0.1:8000/"
exec $PY manage.py runserver 127.0.0.1:8000
