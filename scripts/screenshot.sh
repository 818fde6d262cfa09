#!/usr/bin/env bash
# Takes a screenshot of the workbench window under a virtual X display.
#
#   scripts/screenshot.sh [OUT.png] [LANG]      e.g. scripts/screenshot.sh shot-zh.png zh-CN
#
# Uses target/release/loupe if built, else target/debug/loupe. A fresh data dir (XDG_DATA_HOME)
# is used unless one is set, so the window opens the sample project as a new user sees it.
# Env: WAIT (seconds before the shot, default 15), DISPLAY_NUM (default 99).
# Needs: apt-get install -y xvfb libgl1-mesa-dri xdotool imagemagick
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-shot.png}
LANG_CODE=${2:-en}
WAIT=${WAIT:-15}
NUM=${DISPLAY_NUM:-99}

if ! command -v Xvfb >/dev/null 2>&1; then
  echo "Xvfb is not installed: no screenshot taken (apt-get install -y xvfb libgl1-mesa-dri xdotool imagemagick)"
  exit 0
fi
if ! command -v import >/dev/null 2>&1; then
  echo "ImageMagick 'import' is not installed: no screenshot taken (apt-get install -y imagemagick)"
  exit 0
fi
BIN=target/release/loupe
[ -x "$BIN" ] || BIN=target/debug/loupe
if [ ! -x "$BIN" ]; then
  echo "no loupe binary: run cargo build first"
  exit 1
fi

export XDG_DATA_HOME=${XDG_DATA_HOME:-$(mktemp -d)}
Xvfb ":$NUM" -screen 0 1400x900x24 >/dev/null 2>&1 &
XVFB=$!
trap 'kill $APP 2>/dev/null; kill $XVFB 2>/dev/null' EXIT
sleep 1
DISPLAY=":$NUM" LOUPE_LANG="$LANG_CODE" LIBGL_ALWAYS_SOFTWARE=1 "$BIN" &
APP=$!
sleep "$WAIT"
if ! kill -0 "$APP" 2>/dev/null; then
  echo "loupe exited before the screenshot"
  exit 1
fi
DISPLAY=":$NUM" import -window root "$OUT"
echo "screenshot: $OUT (data dir $XDG_DATA_HOME)"
