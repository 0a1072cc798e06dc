#!/usr/bin/env bash
# Copy the front-end libraries that `npm ci` put in node_modules/ into the Django static folder
# src/lantern/web/static/vendor/ (git-ignored), so Django/whitenoise serve them locally: no CDN.
#
#   scripts/vendor-assets.sh [DEST]        (run by `make assets`, after `npm ci`)
#
# The copy is built in a temporary folder and swapped in whole, so a failed run never leaves a
# half-filled vendor folder behind. Each library's licence travels with it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
nm="$root/node_modules"
dest="${1:-$root/src/lantern/web/static/vendor}"

[[ -d "$nm" ]] || { echo "vendor-assets: $nm is missing; run 'npm ci' first (make assets does)" >&2; exit 1; }

mkdir -p "$(dirname "$dest")"
tmp="$(mktemp -d "$(dirname "$dest")/.vendor.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# put SRC DEST_DIR: copy one file, failing loudly if the package no longer ships it.
put() {
  local src="$nm/$1" dir="$tmp/$2"
  [[ -f "$src" ]] || { echo "vendor-assets: expected file not found: node_modules/$1" >&2; exit 1; }
  mkdir -p "$dir"
  cp "$src" "$dir/"
}

# Leaflet (maps). leaflet.js names leaflet.js.map in a sourceMappingURL comment, and Django's
# ManifestStaticFilesStorage fails on a missing source map, so the map is copied too.
put leaflet/dist/leaflet.js leaflet
put leaflet/dist/leaflet.js.map leaflet
put leaflet/dist/leaflet.css leaflet
put leaflet/LICENSE leaflet
for img in "$nm"/leaflet/dist/images/*; do
  put "leaflet/dist/images/$(basename "$img")" leaflet/images
done

# htmx (partial page updates)
put htmx.org/dist/htmx.min.js htmx
put htmx.org/LICENSE htmx

# Cytoscape.js (link charts)
put cytoscape/dist/cytoscape.min.js cytoscape
put cytoscape/LICENSE cytoscape

# axe-core (accessibility checks in the browser tests only; never loaded by the app's pages)
put axe-core/axe.min.js axe-core
put axe-core/LICENSE axe-core

# A record of what was vendored, for people and for the tests.
{
  echo "# Written by scripts/vendor-assets.sh from package-lock.json; do not edit."
  for pkg in leaflet htmx.org cytoscape axe-core; do
    ver="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$nm/$pkg/package.json" | head -n1)"
    echo "$pkg $ver"
  done
} > "$tmp/VERSIONS.txt"

chmod -R u=rwX,go=rX "$tmp"
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "vendor-assets: copied into ${dest#"$root"/}"
