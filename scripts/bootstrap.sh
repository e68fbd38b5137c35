#!/usr/bin/env bash
# Install everything the portal and its tests need on a fresh Debian machine:
# the Debian packages listed in scripts/apt-packages.txt (only those missing),
# a pinned uv, and the locked Python dependencies in .venv; then compile the
# project's translations (locale/*/LC_MESSAGES/*.po -> .mo, kept out of git).
# Prints one line when done (what it installed, how long it took); the
# installers' own output goes to var/bootstrap.log, shown if a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.9
PYTHON=${PYTHON:-python3.11}
started=$(date +%s)
mkdir -p var
log=var/bootstrap.log
: > "$log"
installed=()
quietly() {  # quietly COMMAND...: run with output to the log; on failure show its end and stop
  if ! "$@" >> "$log" 2>&1; then
    echo "bootstrap: failed: $*" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
}

missing=()
while read -r pkg; do
  [[ -z "$pkg" || "$pkg" == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done < scripts/apt-packages.txt
if ((${#missing[@]})); then
  echo "bootstrap: installing Debian packages: ${missing[*]} (a few minutes on a fresh machine)"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  quietly $SUDO apt-get update -qq
  quietly env DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  installed+=("Debian packages ${missing[*]}")
fi

if ! command -v "$PYTHON" >/dev/null; then
  echo "bootstrap: $PYTHON not found; the portal needs Python 3.11" >&2
  exit 1
fi
if ! "$PYTHON" -m uv --version 2>/dev/null | grep -q "uv $UV_VERSION"; then
  quietly "$PYTHON" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
  installed+=("uv $UV_VERSION")
fi

export UV_PYTHON_DOWNLOADS=never
quietly "$PYTHON" -m uv sync --frozen --python "$PYTHON" --quiet

# The admin's Chinese (locale/README.md): Django reads compiled .mo files, which
# are built here from the .po files in git by GNU gettext's msgfmt (Debian
# package gettext). .venv is skipped: Wagtail's and Django's come compiled.
quietly env DJANGO_SETTINGS_MODULE=portal.settings.dev \
  .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=var --ignore=node_modules -v 0

installed+=("Python packages from uv.lock in .venv" "translations")
joined=$(printf '%s, ' "${installed[@]}")
echo "bootstrap: ${joined%, } ready in $(( $(date +%s) - started )) s (details: $log)"
