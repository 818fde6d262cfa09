#!/usr/bin/env bash
# Builds the user guide (docs/en, docs/zh-CN) with mdBook and installs it beside the loupe binary,
# where the window's Help menu finds it offline (src/guide.rs lists the places it looks).
#
#   scripts/build-guide.sh [DEST]     DEST default: the folder of target/release/loupe, else of
#                                     target/debug/loupe (in $CARGO_TARGET_DIR when set)
#
# Needs mdBook: cargo install mdbook --locked
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v mdbook >/dev/null 2>&1; then
  echo "mdbook is not installed: cargo install mdbook --locked"
  exit 1
fi
TARGET=${CARGO_TARGET_DIR:-target}
DEST=${1:-}
if [ -z "$DEST" ]; then
  if [ -x "$TARGET/release/loupe" ]; then DEST="$TARGET/release"; else DEST="$TARGET/debug"; fi
fi
for lang in en zh-CN; do
  mdbook build "docs/$lang"
  rm -rf "$DEST/guide/$lang"
  mkdir -p "$DEST/guide"
  cp -r "docs/$lang/book" "$DEST/guide/$lang"
done
echo "guide installed in $DEST/guide (en, zh-CN)"
