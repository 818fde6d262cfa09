#!/usr/bin/env bash
# The Windows build under Wine, checked against the Linux build of the same commit:
#
#   scripts/wine-smoke.sh LINUX_LOUPE WINDOWS_LOUPE_EXE [SCREENSHOT.png]
#
# - `demo`, `import` of a GBK-encoded Taobao export, `customers` and `segment export` run on both;
#   their CSV outputs must be equal byte for byte (and the import reports equal, but for timings
#   and paths). The one allowance: a segment export's lifetime-value columns, fitted iteratively
#   over the C runtime's exp/ln/lgamma, may differ by 1e-6 relative at most (under a cent on any
#   amount below 10,000).
# - Windows paths: the file sits in C:\users\名字\Desktop\订单.csv (a Chinese user folder) and is
#   also imported through a verbatim path (\\?\C:\…) and from a file share by its UNC path
#   (\\fileserver\share\…, which Wine serves from dosdevices/unc/), where a project is kept too.
# - The user data folders: the log lands in %LOCALAPPDATA%\Loupe\logs, and the window keeps its
#   settings and recent projects in %APPDATA%\loupe\data.
# - The window opens under Xvfb on a project and renders Chinese with the bundled font (Wine has
#   no Chinese system fonts); SCREENSHOT.png keeps a picture of it.
#
# Needs wine (wine64), xvfb-run and ImageMagick. Runs in a throw-away Wine prefix.
set -euo pipefail
cd "$(dirname "$0")/.."
LIN=$(realpath "$1")
EXE=$(realpath "$2")
SHOT=${3:-}

export WINEPREFIX
WINEPREFIX=$(mktemp -d /tmp/loupe-wine.XXXXXX)
LINDIR=$(mktemp -d /tmp/loupe-lin.XXXXXX)
cleanup() {
  wineserver -k >/dev/null 2>&1 || true
  rm -rf "$WINEPREFIX" "$LINDIR" "${SHARE:-}"
}
trap cleanup EXIT

fail() { echo "FAILED: $*" >&2; exit 1; }
step() { echo "-- $*"; }

step "a fresh Wine prefix"
# shellcheck source=scripts/wine/prefix.sh
. scripts/wine/prefix.sh
wine_prefix
DESK="$WINEPREFIX/drive_c/users/名字/Desktop"
mkdir -p "$DESK"
WDESK='C:\users\名字\Desktop'
cp "$EXE" "$WINEPREFIX/drive_c/loupe.exe"
win() { wine 'C:\loupe.exe' "$@"; }
lin() { "$LIN" "$@"; }

# A Taobao order export as Taobao writes it: GBK.
cp tests/fixtures/platforms/taobao_orders.csv "$DESK/订单.csv"
cp "$DESK/订单.csv" "$LINDIR/订单.csv"

same() { # same FILE_A FILE_B WHAT: byte for byte
  cmp -s "$1" "$2" || { diff <(head -5 "$1") <(head -5 "$2") || true; fail "$3 differs between Linux and Windows"; }
  echo "   same bytes: $3 ($(wc -c < "$1") bytes)"
}

# close FILE_A FILE_B WHAT: byte for byte, or else every cell equal but for decimals that agree to
# 1e-6 relative. The lifetime-value columns (BG/NBD, Gamma-Gamma) come from an iterative fit over
# exp, ln and lgamma, which the C runtimes of Linux (glibc) and Windows (mingw) round differently
# in the last bits; everything else must be equal.
close() {
  if cmp -s "$1" "$2"; then
    echo "   same bytes: $3 ($(wc -c < "$1") bytes)"
    return
  fi
  python3 - "$1" "$2" "$3" <<'PY' || fail "$3 differs between Linux and Windows"
import csv, sys
a, b, what = sys.argv[1], sys.argv[2], sys.argv[3]
ra, rb = list(csv.reader(open(a, encoding="utf-8"))), list(csv.reader(open(b, encoding="utf-8")))
if len(ra) != len(rb) or ra[0] != rb[0]:
    sys.exit(f"{what}: {len(ra)} vs {len(rb)} rows, or other columns")
worst, cols = 0.0, set()
for x, y in zip(ra[1:], rb[1:]):
    if len(x) != len(y):
        sys.exit(f"{what}: a row has other cells: {x[:3]}")
    for name, u, v in zip(ra[0], x, y):
        if u == v:
            continue
        try:
            fu, fv = float(u), float(v)
        except ValueError:
            sys.exit(f"{what}: column {name}: {u!r} vs {v!r}")
        rel = abs(fu - fv) / max(abs(fu), abs(fv), 1e-300)
        if rel > 1e-6:
            sys.exit(f"{what}: column {name}: {u} vs {v} (relative {rel:.1e})")
        worst, cols = max(worst, rel), cols | {name}
print(f"   same: {what} ({len(ra) - 1} rows); {', '.join(sorted(cols))} agree to {worst:.1e} relative (the C runtimes' exp/ln/lgamma)")
PY
}

step "version"
win --version | tr -d '\r' | tee "$LINDIR/win-version.txt"
[ "$(tr -d '\r' < "$LINDIR/win-version.txt")" = "$(lin --version)" ] || fail "the versions differ"

step "demo"
lin demo --project "$LINDIR/demo.loupe" >/dev/null
win demo --project "$WDESK\\demo.loupe" >/dev/null
[ -s "$DESK/demo.loupe" ] || fail "demo wrote no project"

step "customers"
lin customers --project "$LINDIR/demo.loupe" --dataset orders --out "$LINDIR/customers.csv" >/dev/null
win customers --project "$WDESK\\demo.loupe" --dataset orders --out "$WDESK\\customers.csv" >/dev/null
same "$LINDIR/customers.csv" "$DESK/customers.csv" "customers --out customers.csv"

step "segment export"
RULE="frequency >= 2 AND recency_days <= 120"
lin segment export --project "$LINDIR/demo.loupe" --dataset orders --rule "$RULE" --out "$LINDIR/segment.csv" >/dev/null
win segment export --project "$WDESK\\demo.loupe" --dataset orders --rule "$RULE" --out "$WDESK\\segment.csv" >/dev/null
close "$LINDIR/segment.csv" "$DESK/segment.csv" "segment export"
lin segment export --project "$LINDIR/demo.loupe" --dataset orders --rule "$RULE" --mask phone --hash-ids --salt loupe-smoke-test-salt --out "$LINDIR/segment-masked.csv" >/dev/null
win segment export --project "$WDESK\\demo.loupe" --dataset orders --rule "$RULE" --mask phone --hash-ids --salt loupe-smoke-test-salt --out "$WDESK\\segment-masked.csv" >/dev/null
close "$LINDIR/segment-masked.csv" "$DESK/segment-masked.csv" "segment export --mask --hash-ids"

step "import of a GBK file from C:\\users\\名字\\Desktop\\订单.csv"
lin import "$LINDIR/订单.csv" --project "$LINDIR/shop.loupe" --json > "$LINDIR/import-lin.json"
win import "$WDESK\\订单.csv" --project "$WDESK\\shop.loupe" --json | tr -d '\r' > "$LINDIR/import-win.json"
python3 - "$LINDIR/import-lin.json" "$LINDIR/import-win.json" <<'EOF'
import json, sys
def norm(x):
    if isinstance(x, dict):
        return {k: norm(v) for k, v in x.items() if k not in ("seconds", "elapsed_ms", "path", "paths", "files", "sources", "source")}
    if isinstance(x, list):
        return [norm(v) for v in x]
    return x
a, b = (norm(json.load(open(p))) for p in sys.argv[1:3])
if a != b:
    print(json.dumps(a, ensure_ascii=False)[:600]); print(json.dumps(b, ensure_ascii=False)[:600])
    sys.exit("the import reports differ")
if str(a.get("encoding", "")).lower() not in ("gbk", "gb18030"):
    sys.exit(f"the file was not read as GBK: {a.get('encoding')}")
print("   same import report:", a.get("dataset"), a.get("rows"), "rows,", a.get("encoding"))
EOF
lin export --project "$LINDIR/shop.loupe" --dataset 订单 --out "$LINDIR/orders.csv" >/dev/null
win export --project "$WDESK\\shop.loupe" --dataset 订单 --out "$WDESK\\orders.csv" >/dev/null
same "$LINDIR/orders.csv" "$DESK/orders.csv" "the imported GBK file, exported"

step "verbatim and UNC paths"
# A file share, \\fileserver\share, as Wine serves UNC paths: from dosdevices/unc/<server>/<share>.
SHARE=$(mktemp -d /tmp/loupe-share.XXXXXX)
mkdir -p "$WINEPREFIX/dosdevices/unc/fileserver"
ln -s "$SHARE" "$WINEPREFIX/dosdevices/unc/fileserver/share"
cp "$DESK/订单.csv" "$SHARE/订单.csv"
win import "\\\\?\\C:\\users\\名字\\Desktop\\订单.csv" --project "$WDESK\\shop.loupe" --name via_verbatim >/dev/null
win import "\\\\fileserver\\share\\订单.csv" --project "$WDESK\\shop.loupe" --name via_unc >/dev/null
win query --project "$WDESK\\shop.loupe" "SELECT (SELECT count(*) FROM via_verbatim) || ',' || (SELECT count(*) FROM via_unc) || ',' || (SELECT count(*) FROM 订单)" | tr -d '\r"' > "$LINDIR/counts.txt"
rows=$(tail -1 "$LINDIR/counts.txt")
echo "   rows (\\\\?\\C:\\…, \\\\fileserver\\share\\…, C:\\…): $rows"
IFS=, read -r a b c <<< "$rows"
[ "$a" = "$c" ] && [ "$b" = "$c" ] && [ "$c" -gt 0 ] || fail "the three paths imported different rows: $rows"
# A project on the share, and a customer table written to it.
win import "\\\\fileserver\\share\\订单.csv" --project "\\\\fileserver\\share\\共享.loupe" >/dev/null
win customers --project "\\\\fileserver\\share\\共享.loupe" --dataset 订单 --out "\\\\fileserver\\share\\customers.csv" >/dev/null 2>&1
lin customers --project "$LINDIR/shop.loupe" --dataset 订单 --out "$LINDIR/tb-customers.csv" >/dev/null 2>&1
same "$LINDIR/tb-customers.csv" "$SHARE/customers.csv" "customers of a project on \\\\fileserver\\share"
rm -rf "$SHARE"

step "the log in %LOCALAPPDATA%\\Loupe\\logs"
LOG="$WINEPREFIX/drive_c/users/$WUSER/AppData/Local/Loupe/logs/loupe.log"
[ -f "$LOG" ] || fail "no log at $LOG"
grep -q "import: done" "$LOG" || fail "the log does not record the import"
if grep -q "名字\|订单" "$LOG"; then fail "the log holds a path or file name"; fi
echo "   $(wc -l < "$LOG") lines, no paths"

if [ -n "$SHOT" ]; then
  step "the window under Xvfb"
  command -v xvfb-run >/dev/null && command -v import >/dev/null || fail "xvfb-run or ImageMagick missing"
  export LOUPE_LANG=zh-CN
  # This Wine has no Vulkan, and its Direct3D 12 (vkd3d) aborts without it; wgpu's OpenGL backend
  # draws through Wine's OpenGL on Mesa instead. Windows itself has Direct3D 12.
  export WGPU_BACKEND=gl
  # Wine's desktop process started without a display: stop it, so the window's starts on Xvfb's.
  wineserver -k >/dev/null 2>&1 || true
  wineserver -w || true
  xvfb-run -a -s '-screen 0 1400x900x24' bash -c '
    wine "C:\\loupe.exe" "'"$WDESK"'\\demo.loupe" >"'"$LINDIR"'/window.log" 2>&1 &
    # The window saves its settings every 30 s while it draws: the pointer moves, so it draws.
    for i in $(seq 1 90); do
      sleep 1
      xdotool mousemove $((300 + i % 7)) 300 2>/dev/null || true
      if [ "$i" -ge 20 ] && [ -f "'"$WINEPREFIX"'/drive_c/users/'"$WUSER"'/AppData/Roaming/loupe/data/app.ron" ]; then break; fi
    done
    sleep 3
    import -window root "'"$SHOT"'"
    wineserver -k
  ' || true
  [ -s "$SHOT" ] || fail "no screenshot"
  sd=$(convert "$SHOT" -colorspace Gray -format '%[fx:standard_deviation]' info:)
  echo "   screenshot $SHOT (grey-level spread $sd)"
  if ! python3 -c "import sys; sys.exit(0 if float('$sd') > 0.05 else 1)"; then
    grep -v fixme "$LINDIR/window.log" | tail -20 || true
    fail "the screenshot is blank: the window did not draw"
  fi
  SETTINGS="$WINEPREFIX/drive_c/users/$WUSER/AppData/Roaming/loupe/data/app.ron"
  [ -f "$SETTINGS" ] || fail "the window kept no settings in %APPDATA%\\loupe\\data"
  grep -q "demo.loupe" "$SETTINGS" || fail "the recent projects are not in $SETTINGS"
  echo "   settings and recent projects in %APPDATA%\\loupe\\data\\app.ron"
fi
echo "wine smoke tests: passed"
