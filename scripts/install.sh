#!/usr/bin/env bash
# Create or update .venv from the committed lock. Rasa 3.6 declares Python <3.11, so every
# package is installed exactly as pinned with --no-deps --ignore-requires-python
# (../shared/notes/rasa-on-python-3.11.md explains why this is the tested way).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
LOCK=requirements/lock.txt
PYTHON=${PYTHON:-python3}

if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
  echo "install: Python 3.11 is required (found $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi
# The browser test drives Debian's Chromium; install it where we may (root with apt), and
# otherwise say so once: that test then skips, naming the reason.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install: installing Debian's chromium and chromium-driver for the browser test..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) \
      >/dev/null 2>&1 || echo "install: could not install chromium; the browser test will be skipped." >&2
  else
    echo "install: chromium not found (needs root and apt); the browser test will be skipped." >&2
  fi
fi
# The reverse-proxy example (docs/deploy/nginx.conf) is tested with Debian's nginx, likewise.
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install: installing Debian's nginx for the reverse-proxy test..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx) \
      >/dev/null 2>&1 || echo "install: could not install nginx; the reverse-proxy test will be skipped." >&2
  else
    echo "install: nginx not found (needs root and apt); the reverse-proxy test will be skipped." >&2
  fi
fi
stamp="$VENV/.lock-$(sha256sum "$LOCK" | cut -c1-16)"
if [ -f "$stamp" ]; then
  exit 0
fi
echo "install: setting up $VENV from $LOCK (first time: about 3 minutes, 2.8 GB)..."
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --no-deps --ignore-requires-python --prefer-binary -r "$LOCK"
rm -f "$VENV"/.lock-*
touch "$stamp"
echo "install: done."
