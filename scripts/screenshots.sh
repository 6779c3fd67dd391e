#!/bin/sh
# Full-page screenshots of the pages in tests/browser/pages.json at 375 px and 1280 px,
# written to screenshots/{name}-375.png and screenshots/{name}-1280.png (git-ignored).
# The browser checks run too; their failures are reported but screenshots are still taken.
#
#   sh scripts/screenshots.sh [BASE_URL]      # default http://127.0.0.1:8080
#
# Needs /usr/bin/chromium and node_modules/playwright-core (scripts/ci-browser-setup.sh).
set -eu

cd "$(dirname "$0")/.."

BASE=${1:-http://127.0.0.1:8080}
OUT=screenshots
PAGES=${PAGES:-tests/browser/pages.json}

mkdir -p "$OUT"
status=0
node tests/browser/run.mjs --base "$BASE" --pages "$PAGES" --screenshots "$OUT" || status=$?
echo "screenshots in $OUT/:"
ls -1 "$OUT"/*.png 2>/dev/null | sed 's/^/  /' || echo "  (none)"
exit "$status"
