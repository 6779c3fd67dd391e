#!/bin/sh
# Copy the parts of the DSFR (Système de Design de l'État) that a server-rendered
# site needs from node_modules/@gouvfr/dsfr/dist into crates/web/assets/dsfr/,
# and axe-core's axe.min.js into tests/browser/vendor/.
#
# Used only to upgrade: the copies are committed, so `cargo build` never needs npm.
#
#   npm ci --no-audit --no-fund      # needs .dsfr.yml (DSFR licence/CGU acceptance)
#   sh scripts/update-dsfr.sh
#
# Layout (mirrors dist/ so every url() in the CSS resolves unchanged):
#   dsfr.min.css                  url(fonts/...) and url(icons/<folder>/...)
#   dsfr.module.min.js, dsfr.nomodule.min.js
#   utility/icons/icons.min.css   url(../../icons/<folder>/...)
#   icons/<folder>/*.svg          only the folders referenced by the two CSS files
#   fonts/*.woff2                 Marianne + Spectral (the .woff fallbacks are not
#                                 copied: every browser that can run the DSFR JS
#                                 picks the woff2 source listed first)
#   favicon/*
#   LICENSE.md, cgu.md, VERSION
set -eu

cd "$(dirname "$0")/.."

PKG=node_modules/@gouvfr/dsfr
SRC=$PKG/dist
DEST=crates/web/assets/dsfr
AXE=node_modules/axe-core
AXE_DEST=tests/browser/vendor

if [ ! -f "$SRC/dsfr.min.css" ] || [ ! -f "$AXE/axe.min.js" ]; then
  echo "update-dsfr: $SRC or $AXE missing; run 'npm ci --no-audit --no-fund' first" >&2
  exit 1
fi

VERSION=$(node -p "require('./$PKG/package.json').version")
AXE_VERSION=$(node -p "require('./$AXE/package.json').version")

# url(...) targets of a CSS file, without quotes, data: URIs, query or fragment.
css_urls() {
  grep -o 'url([^)]*)' "$1" \
    | sed -e 's/^url(//' -e 's/)$//' -e "s/^[\"']//" -e "s/[\"']\$//" -e 's/[?#].*$//' \
    | grep -v '^data:' | sort -u
}

# Start from an empty folder so files dropped upstream disappear here too.
rm -rf "$DEST"
mkdir -p "$DEST/utility/icons" "$DEST/fonts" "$DEST/favicon" "$DEST/icons"

cp "$SRC/dsfr.min.css" "$SRC/dsfr.module.min.js" "$SRC/dsfr.nomodule.min.js" "$DEST/"
cp "$SRC/utility/icons/icons.min.css" "$DEST/utility/icons/"
cp "$SRC"/fonts/*.woff2 "$DEST/fonts/"
cp "$SRC"/favicon/* "$DEST/favicon/"
cp "$PKG/LICENSE.md" "$DEST/LICENSE.md"
cp "$PKG/doc/legal/cgu.md" "$DEST/cgu.md"
printf '%s\n' "$VERSION" > "$DEST/VERSION"

# Icon folders referenced by the CSS, as paths relative to dist/ (icons/<folder>).
folders=$(
  { css_urls "$SRC/dsfr.min.css"
    css_urls "$SRC/utility/icons/icons.min.css" | sed 's#^\.\./\.\./##'
  } | grep '^icons/' | cut -d/ -f1-2 | sort -u
)
for f in $folders; do
  cp -R "$SRC/$f" "$DEST/icons/"
done

# Check that every url() of the copied CSS resolves inside $DEST.
missing=0
for css in "$DEST/dsfr.min.css" "$DEST/utility/icons/icons.min.css"; do
  dir=$(dirname "$css")
  for u in $(css_urls "$css"); do
    case "$u" in
      *.woff) continue ;;  # fallback font format, deliberately not vendored
    esac
    if [ ! -f "$dir/$u" ]; then
      echo "update-dsfr: $css refers to missing $u" >&2
      missing=$((missing + 1))
    fi
  done
done
if [ "$missing" -ne 0 ]; then
  echo "update-dsfr: $missing unresolved url() references" >&2
  exit 1
fi

# axe-core for the browser tests (tests/browser/run.mjs), so they don't need node_modules.
mkdir -p "$AXE_DEST"
cp "$AXE/axe.min.js" "$AXE_DEST/axe.min.js"
cp "$AXE/LICENSE" "$AXE_DEST/axe-core.LICENSE"
cp "$AXE/LICENSE-3RD-PARTY.txt" "$AXE_DEST/axe-core.LICENSE-3RD-PARTY.txt"
printf 'axe-core %s\n' "$AXE_VERSION" > "$AXE_DEST/VERSION"

echo "DSFR $VERSION -> $DEST ($(find "$DEST" -type f | wc -l) files, $(du -sh "$DEST" | cut -f1), $(du -sb "$DEST" | cut -f1) bytes)"
echo "  icon folders: $(echo $folders | sed 's#icons/##g')"
echo "axe-core $AXE_VERSION -> $AXE_DEST ($(du -sh "$AXE_DEST" | cut -f1))"
