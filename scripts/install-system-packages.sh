#!/usr/bin/env bash
# Install the Debian packages the test suite needs, if they are missing:
#   chromium, chromium-driver  the browser tests drive /usr/bin/chromium (never a downloaded browser)
#   poppler-utils              pdftotext/pdftoppm, to read the PDF profiles the app renders
#   libpango-1.0-0, libpangoft2-1.0-0, fonts-dejavu-core
#                              the text libraries and fonts WeasyPrint prints the profiles with
#   postgresql-client          pg_dump/pg_restore, for `lantern backup` and `lantern restore` on PostgreSQL
#   nginx                      the reverse proxy of the production set-up (tests/deploy follows
#                              docs/deployment.md with a real nginx)
#   default-jre-headless       a Java runtime (Spark), only when no `java` is on PATH
#
#   scripts/install-system-packages.sh          (run by `make system-packages` and `make test`)
#
# Returns at once when everything is there. Otherwise runs apt-get as root, or through sudo when
# not root; without either it prints what to install and fails.
set -euo pipefail

missing=()
need() {  # need PACKAGE COMMAND: want PACKAGE unless COMMAND is on PATH and PACKAGE is installed
  local pkg="$1" cmd="$2"
  if command -v "$cmd" >/dev/null 2>&1 && dpkg -s "$pkg" >/dev/null 2>&1; then
    return 0
  fi
  missing+=("$pkg")
}
need_lib() {  # need_lib PACKAGE: a library or data package, wanted unless installed
  dpkg -s "$1" >/dev/null 2>&1 || missing+=("$1")
}

if ! command -v dpkg >/dev/null 2>&1; then
  echo "system-packages: this script knows Debian/Ubuntu only (no dpkg here)." >&2
  echo "Install by hand: Chromium and its ChromeDriver, poppler-utils, Pango, postgresql-client, nginx, a Java runtime (17+)." >&2
  exit 1
fi

if [[ "${1:-}" == "node" ]]; then
  # `make assets` (demo and tests) needs npm; most machines have it, a bare Debian does not.
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
else
  need chromium chromium
  need chromium-driver chromedriver
  need poppler-utils pdftoppm
  need_lib libpango-1.0-0
  need_lib libpangoft2-1.0-0
  need_lib fonts-dejavu-core
  need postgresql-client pg_dump
  need_lib nginx  # /usr/sbin/nginx: not on PATH for every user, so by package only
  # Any Java will do (Spark 4 needs 17+); only install Debian's default when there is none at all.
  command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
fi

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "system-packages: all present (${1:-chromium, chromedriver, poppler-utils, pango, fonts, pg_dump, nginx, java})"
  exit 0
fi

echo "system-packages: installing ${missing[*]}"

advice() {
  {
    echo "system-packages: $1, so cannot install. As root, run:"
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  } >&2
  exit 1
}

if [[ "$(id -u)" -eq 0 ]]; then
  run=()
elif command -v sudo >/dev/null 2>&1; then
  run=(sudo)
else
  advice "not root and no sudo"
fi

"${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update \
  || advice "'apt-get update' failed"
"${run[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}" \
  || advice "'apt-get install' failed"

# Check what the tests will look for.
for cmd in chromium chromedriver pdftoppm pg_dump java; do
  command -v "$cmd" >/dev/null 2>&1 || { echo "system-packages: '$cmd' still not on PATH" >&2; exit 1; }
done
[[ "${1:-}" == "node" ]] || [[ -x /usr/sbin/nginx ]] || { echo "system-packages: nginx still missing" >&2; exit 1; }
echo "system-packages: done ($(chromium --version 2>/dev/null | head -n1))"
