#!/bin/sh
# Installs what the browser tests (tests/browser/run.mjs) need on a fresh Debian
# machine, idempotently: Debian's Chromium and the npm devDependencies from
# package-lock.json. Never downloads a browser through npm/playwright.
#
#   sh scripts/ci-browser-setup.sh
set -eu

cd "$(dirname "$0")/.."

# playwright-core has no install hook, but make sure nothing fetches a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PUPPETEER_SKIP_DOWNLOAD=1

if [ ! -x /usr/bin/chromium ]; then
  echo "ci-browser-setup: installing Debian chromium"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
else
  echo "ci-browser-setup: chromium present"
fi
/usr/bin/chromium --version 2>/dev/null

if [ ! -d node_modules/playwright-core ]; then
  # The @gouvfr/dsfr preinstall script reads .dsfr.yml (CGU acceptance, committed).
  echo "ci-browser-setup: npm ci"
  npm ci --no-audit --no-fund
else
  echo "ci-browser-setup: node_modules/playwright-core present"
fi
node -e "console.log('playwright-core ' + require('playwright-core/package.json').version)"

if [ ! -f tests/browser/vendor/axe.min.js ]; then
  echo "ci-browser-setup: tests/browser/vendor/axe.min.js missing (run scripts/update-dsfr.sh)" >&2
  exit 1
fi
