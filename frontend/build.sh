#!/usr/bin/env bash
# Build the GOV.UK Frontend assets into static/govuk/ (a git-ignored build output).
#
#   static/govuk/app.min.css                  frontend/app.scss compiled (Arial, no GDS Transport)
#   static/govuk/govuk-frontend.min.js(.map)  the ES module that static/js/app.js imports
#   static/govuk/assets/                      images and manifest.json (not the fonts)
#   static/pdfjs/pdf(.worker).min.mjs         PDF.js for the record viewer (same origin, no CDN)
#
# Installs node_modules from package-lock.json (npm ci) when it is missing or older
# than the lock file. Idempotent; prints nothing on success.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "frontend/build.sh: Node.js 20.19+ and npm are needed (apt-get install nodejs npm)." >&2
  exit 1
fi

# npm ci writes node_modules/.package-lock.json last, so it is newer than
# package-lock.json after a successful install.
if [[ ! -x node_modules/.bin/sass || ! -d node_modules/govuk-frontend/dist/govuk ||
      ! -f node_modules/pdfjs-dist/build/pdf.min.mjs ||
      package-lock.json -nt node_modules/.package-lock.json ]]; then
  # No package here needs an install script; --ignore-scripts keeps it that way.
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null
fi

src=node_modules/govuk-frontend/dist/govuk
out=static/govuk
mkdir -p "$out"

# Compile to a temporary file first so a failed build never leaves half a stylesheet.
# --quiet-deps and --silence-deprecation=import hide the warnings about
# GOV.UK Frontend 5's own Sass (it is written with @import); errors still show.
node_modules/.bin/sass --no-source-map --style=compressed --load-path=node_modules \
  --quiet-deps --silence-deprecation=import \
  frontend/app.scss "$out/app.min.css.tmp"
mv -f "$out/app.min.css.tmp" "$out/app.min.css"

cp -f "$src/govuk-frontend.min.js" "$src/govuk-frontend.min.js.map" "$out/"

# Everything under assets/ except fonts/ (GDS Transport is for GOV.UK services only).
rm -rf "$out/assets"
mkdir -p "$out/assets"
for entry in "$src/assets/"*; do
  [[ "$(basename "$entry")" == fonts ]] && continue
  cp -R "$entry" "$out/assets/"
done

# PDF.js and its worker: the worker is loaded from the same origin, as the CSP requires.
mkdir -p static/pdfjs
cp -f node_modules/pdfjs-dist/build/pdf.min.mjs node_modules/pdfjs-dist/build/pdf.worker.min.mjs \
  static/pdfjs/
