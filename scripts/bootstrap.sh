#!/usr/bin/env bash
# Install everything the portal and its tests need on a fresh Debian machine:
# the Debian packages listed in scripts/apt-packages.txt (only those missing),
# a pinned uv, and the locked Python dependencies in .venv; then compile the
# project's translations (locale/*/LC_MESSAGES/*.po -> .mo, kept out of git).
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.9
PYTHON=${PYTHON:-python3.11}

missing=()
while read -r pkg; do
  [[ -z "$pkg" || "$pkg" == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done < scripts/apt-packages.txt
if ((${#missing[@]})); then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v "$PYTHON" >/dev/null; then
  echo "bootstrap: $PYTHON not found; the portal needs Python 3.11" >&2
  exit 1
fi
if ! "$PYTHON" -m uv --version 2>/dev/null | grep -q "uv $UV_VERSION"; then
  echo "bootstrap: installing uv $UV_VERSION"
  "$PYTHON" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi

export UV_PYTHON_DOWNLOADS=never
"$PYTHON" -m uv sync --frozen --python "$PYTHON" --quiet
echo "bootstrap: Python dependencies installed in .venv"

# The admin's Chinese (locale/README.md): Django reads compiled .mo files, which
# are built here from the .po files in git by GNU gettext's msgfmt (Debian
# package gettext). .venv is skipped: Wagtail's and Django's come compiled.
DJANGO_SETTINGS_MODULE=portal.settings.dev \
  .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=var --ignore=node_modules -v 0
echo "bootstrap: translations compiled"
