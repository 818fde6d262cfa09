#!/usr/bin/env bash
# Regenerates the user guide's screenshots: the real workbench window on the sample project, in
# the light theme at 1280×800 with the bundled fonts, one PNG per view and language, written to
# docs/<lang>/src/images/<view>.png. Run it after a change to the window. The chinook-* views
# show the public Chinook tables (sample-data/public/chinook) instead: imported, their
# relationships confirmed, and the customer table's person and amount taken through them. The
# walk-* views are README.md's walkthrough: a GBK-encoded export with Chinese headers (门店订单.csv,
# the sample's order lines) found with the window's own file browser from a new, empty project,
# imported, its customer id role set on the Data page, and the customer table built.
#
#   scripts/screenshots.sh [VIEW ...]        (default: every view the guide uses)
#
# It builds the `loupe` binary and the `screenshot_pages` example (debug, in $CARGO_TARGET_DIR),
# builds the sample project, starts a virtual X display, and for each view starts the window,
# waits until the example says the view's work is done, and captures the screen.
# Needs: apt-get install -y xvfb libgl1-mesa-dri imagemagick xdotool (it says so and exits 0 without
# Xvfb or ImageMagick; xdotool moves the pointer out of the way).
# The data-warehouse and data-connect views (a table linked from PostgreSQL and a segment counted
# there; the "Connect a warehouse" dialog on it) are taken only
# when LOUPE_SHOT_PG_URL holds a PostgreSQL URL whose user may create a table: the script loads
# the sample's orders into public.loupe_sample_orders with psql and links it.
# Env: DISPLAY_NUM (default 98), TIMEOUT (seconds per view, default 120); for checking the
# window rather than the guide: THEME (light, the default, or dark), SIZE (WIDTHxHEIGHT, default
# 1280x800), OUT (a folder: the PNGs go to OUT/<lang>/<view>.png instead of the guide's),
# LANGS (default "en zh-CN"), e.g.
#   THEME=dark SIZE=1000x700 OUT=/tmp/shots scripts/screenshots.sh campaigns-roi
set -uo pipefail
cd "$(dirname "$0")/.."

VIEWS=("$@")
if [ ${#VIEWS[@]} -eq 0 ]; then
  VIEWS=(data data-relations ${LOUPE_SHOT_PG_URL:+data-warehouse data-connect} import clean explore-trend explore-cohorts dashboard customers-list customers-map
         customers-portrait customers-linked customers-identity segments recs-rules campaigns-roi
         campaigns-lift activity chinook-relations chinook-customers chinook-export
         walk-browse walk-import walk-roles walk-customers)
fi
NUM=${DISPLAY_NUM:-98}
TIMEOUT=${TIMEOUT:-120}

for tool in Xvfb import; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "screenshots: skipped, '$tool' is not installed (apt-get install -y xvfb libgl1-mesa-dri imagemagick)"
    exit 0
  fi
done

TARGET=${CARGO_TARGET_DIR:-target}
echo "screenshots: building loupe and the screenshot_pages example"
cargo build --locked --bin loupe --example screenshot_pages || exit 1
BIN="$TARGET/debug/loupe"
SHOT="$TARGET/debug/examples/screenshot_pages"

WORK=$(mktemp -d)
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config"
XVFB=""
APP=""
cleanup() {
  [ -n "$APP" ] && kill "$APP" 2>/dev/null
  [ -n "$XVFB" ] && kill "$XVFB" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN" demo --project "$WORK/sample.loupe" >/dev/null || { echo "screenshots: the sample project failed"; exit 1; }
# Three saved charts, so the Dashboard shows what it is for (screenshot_pages makes the monthly
# chart wide and the second a KPI tile).
"$BIN" chart --project "$WORK/sample.loupe" --dataset orders --x order_time:month --y 'sum(amount)' \
  --type bar --save "Monthly revenue · 月度销售额" >/dev/null || exit 1
"$BIN" chart --project "$WORK/sample.loupe" --dataset orders --x order_time:month --y 'sum(amount)' \
  --type bar --save "Revenue this month · 本月销售额" >/dev/null || exit 1
"$BIN" chart --project "$WORK/sample.loupe" --dataset orders --x channel --y 'sum(amount)' \
  --type pie --save "Revenue by channel · 各渠道销售额" >/dev/null || exit 1
# The guide's win-back segment, saved (the Segments view edits a narrower rule of it).
"$BIN" segment save --project "$WORK/sample.loupe" --name "Slipping VIP" \
  --rule "rfm_group IN ('At risk', 'Can''t lose them') AND revenue >= 500" >/dev/null || exit 1
# For the import dialog: the sample's customer list with the personal data in the first columns,
# so the dialog shows its decisions without scrolling.
awk -F, -v OFS=, '{print $1, $8, $9, $4, $5, $3, $2}' sample-data/customers.csv > "$WORK/members.csv"
# The public multi-table example, as README.md takes it from import to customers.
for t in customers invoices invoice_lines; do
  "$BIN" import "sample-data/public/chinook/$t.csv" --project "$WORK/chinook.loupe" --name "$t" >/dev/null || exit 1
done
"$BIN" relationships --project "$WORK/chinook.loupe" --confirm invoices.CustomerId=customers.CustomerId \
  --confirm invoice_lines.InvoiceId=invoices.InvoiceId >/dev/null || exit 1
"$BIN" customers --project "$WORK/chinook.loupe" --dataset invoices --person customers.Email \
  --amount invoice_lines.UnitPrice --out "$WORK/chinook-customers.csv" >/dev/null 2>&1 || exit 1

# The walkthrough: the user's own export, GBK-encoded with Chinese headers (the sample's order
# lines), in a folder of its own where the browser opens; the same file imported (for the role
# editor) and with its customer id set (for the customer table).
mkdir -p "$WORK/walk"
WALK_FILE="$WORK/walk/门店订单.csv"
{ echo "单号,成交时间,卡号,商品编码,商品名称,数量,单价,实付金额,渠道"; tail -n +2 sample-data/orders.csv; } \
  | iconv -f UTF-8 -t GBK > "$WALK_FILE" || { echo "screenshots: iconv could not write GBK"; exit 1; }
"$BIN" import "$WALK_FILE" --project "$WORK/walk-imported.loupe" >/dev/null || exit 1
cp "$WORK/walk-imported.loupe" "$WORK/walk-customer.loupe"
"$BIN" set-role --project "$WORK/walk-customer.loupe" --dataset 门店订单 卡号=customer_id >/dev/null || exit 1

# A table in PostgreSQL, linked (the URL stays in the environment; the project keeps its name).
if [[ " ${VIEWS[*]} " == *" data-warehouse "* || " ${VIEWS[*]} " == *" data-connect "* ]]; then
  if [ -z "${LOUPE_SHOT_PG_URL:-}" ] || ! command -v psql >/dev/null 2>&1; then
    echo "screenshots: data-warehouse needs LOUPE_SHOT_PG_URL and psql"; exit 1
  fi
  psql -q "$LOUPE_SHOT_PG_URL" -v ON_ERROR_STOP=1 \
    -c "DROP TABLE IF EXISTS public.loupe_sample_orders" \
    -c "CREATE TABLE public.loupe_sample_orders (order_id text, order_time timestamp, customer_id text, stock_code text, product_name text, quantity integer, unit_price numeric, amount numeric, channel text)" \
    -c "\copy public.loupe_sample_orders FROM 'sample-data/orders.csv' WITH (FORMAT csv, HEADER true)" \
    -c "ANALYZE public.loupe_sample_orders" >/dev/null || exit 1
  cp "$WORK/sample.loupe" "$WORK/warehouse.loupe"
  LOUPE_SHOT_PG_URL="$LOUPE_SHOT_PG_URL" "$BIN" link --project "$WORK/warehouse.loupe" --name orders_pg \
    --url-env LOUPE_SHOT_PG_URL --table public.loupe_sample_orders >/dev/null || exit 1
fi

SIZE=${SIZE:-1280x800}
THEME=${THEME:-light}
LANGS=${LANGS:-en zh-CN}
HEIGHT=${SIZE#*x}
Xvfb ":$NUM" -screen 0 "${SIZE}x24" -nolisten tcp >/dev/null 2>&1 &
XVFB=$!
sleep 1
if ! kill -0 "$XVFB" 2>/dev/null; then
  echo "screenshots: Xvfb did not start on :$NUM"
  exit 1
fi

failed=0
for lang in $LANGS; do
  if [ -n "${OUT:-}" ]; then out="$OUT/$lang"; else out="docs/$lang/src/images"; fi
  mkdir -p "$out"
  for view in "${VIEWS[@]}"; do
    ready="$WORK/ready-$lang-$view"
    project="$WORK/sample.loupe"
    file="$WORK/members.csv"
    home="$HOME"
    case "$view" in
      chinook-*) project="$WORK/chinook.loupe" ;;
      data-warehouse | data-connect) project="$WORK/warehouse.loupe" ;;
      # A new project each time, beside the export; the browser starts in the home folder.
      walk-browse | walk-import)
        project="$WORK/walk/shop-$lang.loupe"; rm -f "$project"
        file="$WALK_FILE"; home="$WORK/walk" ;;
      walk-roles) project="$WORK/walk-roles-$lang.loupe"; cp "$WORK/walk-imported.loupe" "$project" ;;
      walk-customers) project="$WORK/walk-customer.loupe" ;;
    esac
    DISPLAY=":$NUM" LOUPE_LANG="$lang" LOUPE_NO_SYSTEM_FONTS=1 LIBGL_ALWAYS_SOFTWARE=1 \
      LOUPE_SHOT_THEME="$THEME" LOUPE_SHOT_SIZE="$SIZE" LOUPE_FILE_DIALOG=window HOME="$home" \
      "$SHOT" "$project" "$view" "$ready" "$file" >"$WORK/log-$lang-$view" 2>&1 &
    APP=$!
    waited=0
    while [ ! -e "$ready" ] && kill -0 "$APP" 2>/dev/null && [ "$waited" -lt $((TIMEOUT * 10)) ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if [ -e "$ready" ]; then
      # The pointer rests in the bottom-left corner, away from anything with a tooltip.
      command -v xdotool >/dev/null 2>&1 && DISPLAY=":$NUM" xdotool mousemove 4 $((HEIGHT - 4))
      sleep 0.7   # a few more frames on screen
      DISPLAY=":$NUM" import -window root "$out/$view.png"
      echo "screenshots: $out/$view.png"
    else
      echo "screenshots: $lang $view: the window did not get ready (log below)"
      tail -20 "$WORK/log-$lang-$view"
      failed=1
    fi
    kill "$APP" 2>/dev/null
    wait "$APP" 2>/dev/null
    APP=""
  done
done
exit $failed
