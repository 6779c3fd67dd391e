#!/usr/bin/env bash
# The whole test suite: unit, integration (SQLite always; PostgreSQL when TEST_DATABASE_URL is
# set), CLI end-to-end, web, then browser tests (axe-core, keyboard, 375 px layout) in headless
# Chromium against a demo server started on 127.0.0.1.
#
#   ./scripts/test.sh
#
# Environment:
#   TEST_DATABASE_URL  postgres://user@127.0.0.1:5432/test — runs every integration test on
#                      PostgreSQL too (each test creates and uses its own database).
#   REQUIRE_BROWSER=1  fail instead of skipping when Chromium or node_modules are missing (CI).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "== PostgreSQL : tests d'intégration aussi sur ${TEST_DATABASE_URL%%\?*}"
else
  echo "!!! =================================================================="
  echo "!!! TEST_DATABASE_URL n'est pas défini : les tests PostgreSQL sont IGNORÉS"
  echo "!!! (exemple : TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test)"
  echo "!!! =================================================================="
fi

cargo test --workspace --locked

if [ -x /usr/bin/chromium ] && [ -d node_modules/playwright-core ]; then
  bash scripts/browser-test.sh
elif [ "${REQUIRE_BROWSER:-0}" = "1" ]; then
  echo "tests navigateur impossibles : chromium ou node_modules absent (lancez scripts/ci-browser-setup.sh)" >&2
  exit 1
else
  echo "!!! Tests navigateur IGNORÉS : installez-les avec « sh scripts/ci-browser-setup.sh »"
fi
