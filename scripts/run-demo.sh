#!/usr/bin/env bash
# Start the portal with the demo catalog on the embedded defaults (SQLite,
# embedded search, local-memory cache, the task queue in the same database) at
# http://127.0.0.1:8000, with its two background processes: the task worker
# (clarity sheets after a publish) and the scheduler (scheduled go-live and
# expiry). Both stop when the server stops.
#
# What a person needs is printed last, once the site answers: its address, the
# admin login, how far the background sheet build is, where the logs are and
# how to stop. Request logs go to var/server.log, not the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-portal.settings.dev}
PORT=${PORT:-8000}
mkdir -p var

started=$(date +%s)
$PY manage.py migrate --no-input -v 0
echo "database: migrated in $(( $(date +%s) - started )) s"
$PY manage.py load_catalog
admin=$($PY manage.py ensure_demo_admin)

warming=()     # build_sheets: stopped at once
background=()  # the server, the worker and the scheduler
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
trap 'interrupted=1; echo; echo "Stopping…"; exit 130' INT
trap 'exit 143' TERM

# Clarity sheets render on demand; warming every sheet and village pack takes a
# few minutes, so it runs in the background (progress lines in its log).
$PY manage.py build_sheets --all --jobs 1 > var/build_sheets.log 2>&1 &
warming+=($!)
# The worker takes the sheet tasks queued by publishing (no autoreload, so it stops cleanly).
$PY manage.py db_worker --backend sheets --queue-name '*' --no-reload > var/worker.log 2>&1 &
background+=($!)
$PY manage.py run_scheduler > var/scheduler.log 2>&1 &
background+=($!)
$PY manage.py runserver --noreload "127.0.0.1:$PORT" > var/server.log 2>&1 &
server=$!
background+=("$server")

for _ in $(seq 120); do  # the server answers within a few seconds
  $PY -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/', timeout=5)" 2>/dev/null && break
  if ! kill -0 "$server" 2>/dev/null; then
    echo "The server did not start; the end of var/server.log:" >&2
    tail -n 20 var/server.log >&2
    exit 1
  fi
  sleep 0.5
done

sheets_progress() {  # the last progress line of the sheet build, or a note that it has not reported yet
  local line
  line=$(grep -E '^build_sheets: [0-9]+/' var/build_sheets.log 2>/dev/null | tail -n 1 || true)
  echo "${line:-build_sheets: starting}"
}

progress=$(sheets_progress)
cat <<EOF

The demo portal is running (ready $(( $(date +%s) - started )) s after install).
  Site:      http://127.0.0.1:$PORT/
  Admin:     ${admin#Admin: }
  Sheets:    building every clarity sheet in the background: ${progress#build_sheets: }
             progress in var/build_sheets.log (tail -f var/build_sheets.log)
  Worker:    renders sheets after each publish (var/worker.log)
  Scheduler: scheduled go-live and 下架 every ${SCHEDULER_INTERVAL:-30} s (var/scheduler.log)
  Requests:  var/server.log
Stop with Ctrl+C (the worker and the scheduler stop with the server).
EOF

# Say once when the background sheet build is done, then stay with the server.
if wait "${warming[0]}"; then
  took=$(sed -nE 's/^build_sheets \((.*)\) *$/\1/p' var/build_sheets.log | tail -n 1)
  echo "Sheets: all built${took:+ in $took}; the table is in var/build_sheets.log"
else
  echo "Sheets: the background build stopped early; see var/build_sheets.log"
fi
warming=()
wait "$server"
