#!/usr/bin/env bash
# Start the portal with the demo catalog on the embedded defaults (SQLite,
# embedded search, local-memory cache, the task queue in the same database) at
# http://127.0.0.1:8000, with its two background processes: the task worker
# (clarity sheets after a publish) and the scheduler (scheduled go-live and
# expiry). Both stop when the server stops.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-portal.settings.dev}
$PY manage.py migrate --no-input -v 0
$PY manage.py load_catalog
$PY manage.py ensure_demo_admin
mkdir -p var

warming=()     # build_sheets: stopped at once
background=()  # the worker and the scheduler
interrupted=0
stop_background() {
  kill -TERM "${warming[@]}" 2>/dev/null || true
  if ((interrupted)); then
    # Ctrl+C reached the worker and the scheduler too: let a sheet being rendered finish (up to a minute).
    for _ in $(seq 120); do
      kill -0 "${background[@]}" 2>/dev/null || break
      sleep 0.5
    done
  fi
  kill -TERM "${background[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_background EXIT
trap 'interrupted=1; exit 130' INT
trap 'exit 143' TERM

# Clarity sheets render on demand; warming every sheet and village pack takes a
# few minutes, so it runs in the background while the portal starts.
$PY manage.py build_sheets --all --jobs 1 > var/build_sheets.log 2>&1 &
warming+=($!)
# The worker takes the sheet tasks queued by publishing (no autoreload, so it stops cleanly).
$PY manage.py db_worker --backend sheets --queue-name '*' --no-reload > var/worker.log 2>&1 &
background+=($!)
echo "Task worker: renders sheets after each publish (pid $!, log var/worker.log); stops with the server"
$PY manage.py run_scheduler > var/scheduler.log 2>&1 &
background+=($!)
echo "Scheduler: scheduled go-live and 下架 every ${SCHEDULER_INTERVAL:-30} s (pid $!, log var/scheduler.log); stops with the server"
echo "Portal: http://127.0.0.1:8000/"
$PY manage.py runserver 127.0.0.1:8000
