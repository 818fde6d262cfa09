#!/usr/bin/env python3
"""Generate Loupe's sample project (a small Chinese-flavoured e-commerce shop) from UCI Online Retail.

Usage (from the repo root):

    python3 sample-data/generate.py [path/to/online_retail.csv.gz]

The path defaults to ../shared/data/online_retail.csv.gz resolved from the repo root (the parent
of this folder). The CSV files are written next to this script. Standard library only, Python 3.11+;
all randomness comes from one random.Random(20261123) (which seeds one generator per output, so
changing one part does not reshuffle the others), nothing iterates an unordered set, so two runs
give byte-identical files (independent of PYTHONHASHSEED).

Real (from Online Retail, only filtered and reformatted):
    products.csv   stock_code, product_name (Description, trimmed), unit_price (median real price)
    orders.csv     order_id, order_time, customer_id, stock_code, product_name, quantity, unit_price
                   (amount is computed; channel is synthetic)
Synthetic:
    products.category (keyword rules below), customers.csv attributes, orders.channel, events.csv,
    campaigns.csv, campaign_spend.csv, contacts.csv, experiment.csv.

Selection:
    * exact duplicate source rows are dropped first;
    * products: the 600 StockCodes on the most distinct (non-cancelled, Quantity > 0, UnitPrice > 0)
      invoices, leaving out non-products (POST, D, M, DOT, BANK CHARGES, AMAZONFEE, C2, CRUK, PADS,
      S, B, gift_*) and codes without a description;
    * customers: real CustomerIDs with at least 2 purchase invoices that contain chosen products and
      at most MAX_LINES_PER_CUSTOMER lines of chosen products, no line over MAX_QUANTITY units and
      no line priced over PRICE_OUTLIER x the product's median (this leaves out wholesale-sized
      accounts and price errors such as a 649.50 picnic basket, which would otherwise dominate the
      sample); N_CUSTOMERS of them drawn at random;
    * orders: every line of those customers for chosen products, cancellations ('C' invoices,
      negative quantity) included.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import gzip
import math
import random
import re
import statistics
import sys
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

SEED = 20261123
N_PRODUCTS = 600
N_CUSTOMERS = 1000
MAX_LINES_PER_CUSTOMER = 50
MAX_QUANTITY = 1000   # customers with a line of more units than this are wholesale, left out
PRICE_OUTLIER = 10    # ... as are those with a line priced over 10x the product's median (price errors)
N_EXPERIMENT = 6000
SYNTHETIC_ID_START = 900001

OUT_DIR = Path(__file__).resolve().parent
REPO_ROOT = OUT_DIR.parent
DEFAULT_SOURCE = "../shared/data/online_retail.csv.gz"

NON_PRODUCTS = {"POST", "D", "M", "DOT", "BANK CHARGES", "AMAZONFEE", "C2", "CRUK", "PADS", "S", "B"}

DATA_START = dt.datetime(2010, 12, 1)
DATA_END = dt.datetime(2011, 12, 9, 21, 0)
TIME_FMT = "%Y-%m-%d %H:%M:%S"

CHANNELS = ["微信小程序", "淘宝", "抖音", "官网", "线下门店"]
CHANNEL_WEIGHTS = [30, 25, 18, 15, 12]
ONLINE_CHANNELS = ["微信小程序", "淘宝", "抖音", "官网"]

# ---------------------------------------------------------------------------------------------
# Category rules. A description is upper-cased and matched against whole words (a trailing S/ES
# is allowed, so MUG also matches MUGS). Rules are tried top to bottom and the first hit wins;
# the order settles the ambiguous cases:
#   1. a few home-goods phrases that contain kitchen words (T-LIGHT / TEA LIGHT holders, hot-water
#      bottles, doormats) go to 家居用品 first;
#   2. 节日装饰 (seasonal) before everything else, so CHRISTMAS CARD and EASTER BAG are seasonal;
#   3. 箱包配饰 (bags & accessories), so LUNCH BAG and JUMBO BAG are bags, not kitchen;
#   4. 玩具 (toys), 5. 厨房餐具 (kitchen), 6. 文具礼品 (stationery & gifts), 7. 家居用品 (home);
#   8. anything else is 其他.
# ---------------------------------------------------------------------------------------------
CATEGORY_RULES: list[tuple[str, list[str]]] = [
    ("家居用品", ["T-LIGHT", "T LIGHT", "TEA LIGHT", "TEALIGHT", "HOT WATER BOTTLE", "DOORMAT",
              "DOOR MAT", "LIGHT HOLDER", "CANDLE HOLDER", "CHALKBOARD", "CLOCK", "METAL SIGN",
              "KNEELING PAD", "CHOCOLATECANDLE"]),
    ("节日装饰", ["CHRISTMAS", "XMAS", "EASTER", "ADVENT", "BUNTING", "HEART DECORATION", "DECORATION",
              "BAUBLE", "SNOWFLAKE", "REINDEER", "SANTA", "HALLOWEEN", "PAPER CHAIN", "GARLAND",
              "WREATH", "PARTY", "VALENTINE", "CRACKER", "FAIRY LIGHT", "STAR",
              "ANGEL", "NATIVITY", "HANGING EGG", "CHICK"]),
    ("箱包配饰", ["BAG", "PURSE", "NECKLACE", "NECKL", "BRACELET", "UMBRELLA", "EARRINGS", "RING",
              "KEYRING", "KEY RING", "WALLET", "CHARM", "BROOCH", "HAIR", "HAIRCLIP", "SLIDE",
              "SHOPPER", "TOTE", "BACKPACK", "RUCKSACK", "GLOVE", "SCARF", "HANDBAG", "BANGLE",
              "PARASOL", "HAND WARMER", "WARMER", "SUNGLASSES", "GLASSES CASE", "MIRROR COMPACT",
              "PASSPORT COVER", "LUGGAGE TAG", "BEAD", "DIAMANTE", "JEWEL", "HAT", "PONCHO", "FAN",
              "LIP GLOSS"]),
    ("玩具", ["TOY", "GAME", "DOLLY", "SPACEBOY", "SOLDIER", "PUZZLE", "DOLL", "JIGSAW", "SKITTLE",
            "DOMINO", "PLAYHOUSE", "TEDDY", "BLOCK", "SPINNING TOP", "KITE", "BINGO",
            "PLAYING CARDS", "SKIPPING ROPE", "FELTCRAFT", "KNITTING", "SEWING KIT", "MAGIC",
            "WATER PISTOL", "BALLOON", "CHILDRENS", "CHILDREN'S", "KIDS", "PIRATE", "NINJA",
            "MONSTER", "DINOSAUR", "FLYING", "RABBIT", "CIRCUS", "SPACE", "COLOURING", "CRAYON",
            "STENCIL", "DRAWING", "BUBBLE", "MARBLE", "YOYO", "RATTLE", "ROCKET", "CREATURE",
            "BALL", "BABUSHKA", "HELICOPTER", "CLOWN", "PAINT SET", "SNAKES & LADDER",
            "NAUGHTS & CROSSES", "MODELLING CLAY", "GLIDER"]),
    ("厨房餐具", ["MUG", "CUP", "PLATE", "BOWL", "TEA", "CAKE", "LUNCH BOX", "LUNCHBOX", "JAR", "BAKING",
              "TEAPOT", "TEACUP", "SAUCER", "SPOON", "NAPKIN", "CAKESTAND", "CAKE CASE", "TIN",
              "BOTTLE", "KITCHEN", "APRON", "OVEN", "TRAY", "JUG", "GLASS", "CUTLERY", "SCALES",
              "STRAW", "COFFEE", "BREAD", "BISCUIT", "PANTRY", "RECIPE", "MOULD", "TUMBLER",
              "BEAKER", "CHOPSTICK", "EGG", "JAM", "SUGAR", "MILK", "POPCORN", "PICNIC", "DINER",
              "COASTER", "CUPCAKE", "TEATIME", "TEA TOWEL", "DISH", "CHOPPING", "FORK", "KNIFE",
              "PLACEMAT", "PLACE MAT", "COOKIE", "CUTTER", "SPATULA", "TOAST", "LADLE", "PAN",
              "BAKE", "ICING", "CANDY", "SWEETHEART CAKE", "FOOD", "LOLLY", "ICE LOLLY",
              "CHOCOLATE", "WINE", "COCKTAIL", "DRINK", "PIZZA", "BUTTER", "HONEY", "SALT",
              "PEPPER", "TRIFLE", "SNACK", "BEAKERS", "CONTAINER"]),
    ("文具礼品", ["CARD", "PAPER", "NOTEBOOK", "PEN", "PENCIL", "WRAP", "TAG", "STICKER", "ENVELOPE",
              "RIBBON", "TISSUE", "ERASER", "RUBBER", "NOTE", "NOTEPAD", "JOURNAL", "DIARY",
              "CALENDAR", "BOOK", "STAMP", "CHALK", "GIFT", "LETTER", "POSTCARD", "TAPE",
              "SCISSORS", "MEMO", "RULER", "SHARPENER", "ALBUM", "BOOKMARK", "CONFETTI",
              "GIFTWRAP", "WRAPPING", "LABEL", "CRAFT", "ORIGAMI", "SKETCHBOOK", "STATIONERY",
              "WRITING SET"]),
    ("家居用品", ["HOLDER", "LANTERN", "CUSHION", "FRAME", "CLOCK", "HOOK", "SIGN", "CANDLE", "VASE",
              "MIRROR", "DRAWER", "BOX", "BASKET", "HANGER", "WICKER", "LIGHT", "LAMP", "CHIME",
              "DOORSTOP", "STORAGE", "CABINET", "SHELF", "PLANT", "POT", "PLANTER",
              "WATERING CAN", "GARDEN", "BATH", "SOAP", "TOWEL", "BLANKET", "THROW", "QUILT",
              "HEART", "ORNAMENT", "WALL", "ART", "PICTURE", "PHOTO", "KEY", "RACK", "TRINKET",
              "DOOR", "CHANDELIER", "BIRDHOUSE", "BIRD", "HANGING", "WASHBAG", "STOOL", "TABLE",
              "CHAIR", "LIGHTS", "DECORATIVE", "CLOTHES PEGS", "PEG", "LAUNDRY", "BIN", "PEGS",
              "CADDY", "THERMOMETER", "INCENSE", "OIL BURNER", "DOILY", "DOILIES", "FLOWER",
              "ROSE", "FEATHER", "BELL", "WINDMILL", "PARASOL", "HOT WATER", "SLATE", "PLAQUE",
              "CURTAIN", "MAT", "BED", "BEDROOM", "BATHROOM", "LOVEBIRD", "BUNNY", "HEN HOUSE",
              "DRAWER KNOB", "KNOB", "ENAMEL", "BUCKET", "CHEST", "WARDROBE", "MOBILE", "PIGGY BANK",
              "MAGNET", "BLACK BOARD"]),
]
DEFAULT_CATEGORY = "其他"
CATEGORIES = ["家居用品", "厨房餐具", "玩具", "文具礼品", "节日装饰", "箱包配饰", DEFAULT_CATEGORY]

_COMPILED_RULES = [
    (cat, [re.compile(r"(?<![A-Z0-9])" + re.escape(kw) + r"(?:S|ES)?(?![A-Z0-9])") for kw in kws])
    for cat, kws in CATEGORY_RULES
]


def categorise(description: str) -> str:
    text = description.upper()
    for cat, patterns in _COMPILED_RULES:
        if any(p.search(text) for p in patterns):
            return cat
    return DEFAULT_CATEGORY


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

def write_csv(name: str, header: list[str], rows: list[list]) -> None:
    """UTF-8 without BOM, comma-separated, header line, minimal RFC 4180 quoting, LF line ends."""
    with open(OUT_DIR / name, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def money(x: float | Decimal) -> str:
    return str(Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def fmt_time(t: dt.datetime) -> str:
    return t.strftime(TIME_FMT)


def weighted_sample(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """k items without replacement, probability proportional to weight (Efraimidis-Spirakis)."""
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)), reverse=True)
    return [items[i] for _, i in keyed[:k]]


def geometric(rng: random.Random, p: float) -> int:
    """Number of failures before the first success (0, 1, 2, ...)."""
    n = 0
    while rng.random() > p:
        n += 1
    return n


def read_source(path: Path) -> list[list[str]]:
    """All source rows (without the header), exact duplicates dropped, in file order."""
    rows, seen = [], set()
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        assert header[:7] == ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate",
                              "UnitPrice", "CustomerID"], header
        for row in reader:
            key = tuple(row)
            if key in seen:
                continue
            seen.add(key)
            rows.append(row)
    return rows


def clean_customer_id(raw: str) -> str:
    """'17850.0' -> '17850'; '' stays ''."""
    raw = raw.strip()
    if not raw:
        return ""
    return str(int(float(raw)))


def is_product(code: str) -> bool:
    return code not in NON_PRODUCTS and not code.lower().startswith("gift_")


# ---------------------------------------------------------------------------------------------
# 1. products.csv
# ---------------------------------------------------------------------------------------------

def build_products(rows: list[list[str]]) -> dict[str, dict]:
    invoices: dict[str, set] = defaultdict(set)
    descriptions: dict[str, Counter] = defaultdict(Counter)
    prices: dict[str, list[float]] = defaultdict(list)
    for inv, code, desc, qty, _when, price, _cust, _country in rows:
        if inv.startswith("C") or float(qty) <= 0 or float(price) <= 0:
            continue
        if not is_product(code) or not desc.strip():
            continue
        invoices[code].add(inv)
        descriptions[code][desc.strip()] += 1
        prices[code].append(float(price))
    ranked = sorted(invoices, key=lambda c: (-len(invoices[c]), c))[:N_PRODUCTS]
    products = {}
    for code in sorted(ranked):
        # most frequent description; ties broken alphabetically
        name = min(descriptions[code].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        products[code] = {
            "stock_code": code,
            "product_name": name,
            "category": categorise(name),
            "unit_price": money(statistics.median(prices[code])),
            "popularity": len(invoices[code]),
        }
    return products


def write_products(products: dict[str, dict]) -> None:
    write_csv("products.csv", ["stock_code", "product_name", "category", "unit_price"],
              [[p["stock_code"], p["product_name"], p["category"], p["unit_price"]]
               for p in products.values()])


# ---------------------------------------------------------------------------------------------
# 2./3. customers.csv and orders.csv
# ---------------------------------------------------------------------------------------------

def choose_customers(rng: random.Random, rows: list[list[str]], products: dict) -> list[str]:
    purchase_invoices: dict[str, set] = defaultdict(set)
    lines: Counter = Counter()
    odd: set = set()  # customers with bulk or mispriced lines
    for inv, code, _desc, qty, _when, price, cust, _country in rows:
        cust = clean_customer_id(cust)
        if not cust or code not in products:
            continue
        lines[cust] += 1
        if abs(int(qty)) > MAX_QUANTITY or float(price) > PRICE_OUTLIER * float(products[code]["unit_price"]):
            odd.add(cust)
        if not inv.startswith("C") and float(qty) > 0:
            purchase_invoices[cust].add(inv)
    eligible = sorted((c for c in purchase_invoices
                       if len(purchase_invoices[c]) >= 2 and lines[c] <= MAX_LINES_PER_CUSTOMER
                       and c not in odd),
                      key=int)
    return sorted(rng.sample(eligible, N_CUSTOMERS), key=int)


def build_orders(rng: random.Random, rows: list[list[str]], products: dict, customers: dict) -> list[dict]:
    orders = []
    for seq, (inv, code, _desc, qty, when, price, cust, _country) in enumerate(rows):
        cust = clean_customer_id(cust)
        if cust not in customers or code not in products:
            continue
        q = int(qty)
        # purchases (positive) and cancellations ('C' invoice, negative); skip other adjustments
        if (q < 0) != inv.startswith("C") or q == 0 or float(price) <= 0:
            continue
        orders.append({
            "order_id": inv,
            "order_time": dt.datetime.strptime(when, TIME_FMT),
            "customer_id": cust,
            "stock_code": code,
            "product_name": products[code]["product_name"],
            "quantity": q,
            "unit_price": price,
            "amount": money(Decimal(q) * Decimal(price)),
            "seq": seq,
        })
    orders.sort(key=lambda o: (o["order_time"], o["order_id"], o["seq"]))
    # channel: one per invoice; mostly the customer's signup channel
    channel_of: dict[str, str] = {}
    for o in orders:
        inv = o["order_id"]
        if inv not in channel_of:
            home = customers[o["customer_id"]]["signup_channel"]
            channel_of[inv] = home if rng.random() < 0.75 else rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
        o["channel"] = channel_of[inv]
    return orders


CITIES = [("上海", 14), ("北京", 13), ("深圳", 10), ("广州", 10), ("杭州", 8), ("成都", 7), ("南京", 5),
          ("武汉", 5), ("重庆", 5), ("西安", 4), ("苏州", 4), ("天津", 3), ("长沙", 3), ("郑州", 2),
          ("青岛", 2), ("厦门", 2), ("宁波", 2), ("合肥", 1), ("昆明", 1), ("沈阳", 1)]
PHONE_PREFIXES = ["138", "139", "136", "150", "158", "186", "188", "177", "135", "159"]


def build_customers(rng: random.Random, ids: list[str], rows: list[list[str]]) -> dict[str, dict]:
    first_seen: dict[str, dt.datetime] = {}
    spend: Counter = Counter()
    wanted = set(ids)
    for inv, _code, _desc, qty, when, price, cust, _country in rows:
        cust = clean_customer_id(cust)
        if cust not in wanted:
            continue
        t = dt.datetime.strptime(when, TIME_FMT)
        if cust not in first_seen or t < first_seen[cust]:
            first_seen[cust] = t
        if not inv.startswith("C"):
            spend[cust] += max(0.0, float(qty) * float(price))
    # member level from the real yearly spend rank: top 5% 钻石, next 15% 金卡, next 30% 银卡
    by_spend = sorted(ids, key=lambda c: (-spend[c], int(c)))
    level = {}
    for rank, c in enumerate(by_spend):
        share = rank / len(ids)
        level[c] = "钻石" if share < 0.05 else "金卡" if share < 0.20 else "银卡" if share < 0.50 else "普通"
    cities, city_w = zip(*CITIES)
    customers = {}
    for n, c in enumerate(ids):
        gender = rng.choices(["女", "男", "未知"], [62, 30, 8])[0]
        age = "" if rng.random() < 0.06 else str(min(70, max(18, round(rng.gauss(34, 9.5)))))
        first = first_seen[c].date()
        if rng.random() < 0.3:
            gap = rng.randint(1, 14)  # signed up just before buying
        else:
            gap = 15 + int(rng.expovariate(1 / 220))
        signup = first - dt.timedelta(days=gap)
        if signup < dt.date(2009, 1, 1):  # the shop opened in 2009; spread early sign-ups over that year
            signup = dt.date(2009, 1, 1) + dt.timedelta(days=rng.randrange(365))
        if signup >= first:
            signup = first - dt.timedelta(days=1)
        phone = f"{PHONE_PREFIXES[n % len(PHONE_PREFIXES)]}0000{n:04d}"
        email = "" if rng.random() < 0.35 else f"user{c}@example.com"
        customers[c] = {
            "customer_id": c,
            "gender": gender,
            "age": age,
            "city": rng.choices(cities, city_w)[0],
            "member_level": level[c],
            "signup_date": signup,
            "signup_channel": rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0],
            "phone": phone,
            "email": email,
        }
    return customers


def write_customers(customers: dict[str, dict]) -> None:
    cols = ["customer_id", "gender", "age", "city", "member_level", "signup_date", "signup_channel",
            "phone", "email"]
    write_csv("customers.csv", cols,
              [[c[k].isoformat() if k == "signup_date" else c[k] for k in cols] for c in customers.values()])


def write_orders(orders: list[dict]) -> None:
    cols = ["order_id", "order_time", "customer_id", "stock_code", "product_name", "quantity",
            "unit_price", "amount", "channel"]
    write_csv("orders.csv", cols,
              [[fmt_time(o[k]) if k == "order_time" else o[k] for k in cols] for o in orders])


# ---------------------------------------------------------------------------------------------
# 4. events.csv
# ---------------------------------------------------------------------------------------------

P_VIEW_BEFORE_ORDER = 0.92       # an online order is preceded by a browsing session
P_CART_IN_ORDER_SESSION = 0.38   # ... which logs add_to_cart (otherwise "buy now" / reorder)
P_RESEARCH_SESSION = 0.15        # an extra look at the products 1-5 days before the order
P_CART_IN_BROWSE = 0.20          # a browse-only session leaves something in the cart
P_FAVORITE = 0.06                # per session, one viewed product is saved
BROWSE_SESSIONS_PER_ORDER = 2.4  # browse-only sessions per online order, on average


def build_events(rng: random.Random, orders: list[dict], customers: dict, products: dict) -> list[tuple]:
    by_category: dict[str, list[str]] = defaultdict(list)
    for code, p in products.items():
        by_category[p["category"]].append(code)
    all_codes = list(products)
    all_weights = [products[c]["popularity"] for c in all_codes]
    cum_weights = []
    total = 0
    for w in all_weights:
        total += w
        cum_weights.append(total)

    def popular_code() -> str:
        return all_codes[bisect.bisect_right(cum_weights, rng.random() * total)]

    def similar(code: str) -> str:
        return rng.choice(by_category[products[code]["category"]])

    def online_channel(cust: str) -> str:
        home = customers[cust]["signup_channel"]
        if home == "线下门店":
            return "微信小程序" if rng.random() < 0.7 else "官网"
        return home if rng.random() < 0.8 else rng.choice(ONLINE_CHANNELS)

    events: list[tuple] = []  # (time, customer, type, code, channel, seq)

    def add(t: dt.datetime, cust: str, kind: str, code: str, channel: str) -> None:
        events.append((t, cust, kind, code, channel, len(events)))

    invoices: dict[str, list[dict]] = defaultdict(list)
    for o in orders:
        if not o["order_id"].startswith("C"):
            invoices[o["order_id"]].append(o)
    bought: dict[str, list[str]] = defaultdict(list)
    online_orders: Counter = Counter()

    for inv, lines in invoices.items():
        cust, t_order, channel = lines[0]["customer_id"], lines[0]["order_time"], lines[0]["channel"]
        codes = [o["stock_code"] for o in lines]
        bought[cust].extend(codes)
        if channel != "线下门店":
            online_orders[cust] += 1
            start = t_order - dt.timedelta(days=rng.uniform(1, 5))
            if rng.random() < P_RESEARCH_SESSION and start.date() > customers[cust]["signup_date"]:
                looked = rng.sample(codes, min(len(codes), 1 + geometric(rng, 0.6)))
                for i, code in enumerate(looked + [similar(looked[0])]):
                    add(start + dt.timedelta(seconds=40 * i + rng.randint(5, 90)), cust, "page_view", code,
                        channel)
            if rng.random() < P_VIEW_BEFORE_ORDER:
                minutes = rng.uniform(4, 45)
                start = t_order - dt.timedelta(minutes=minutes)
                viewed = rng.sample(codes, min(len(codes), 1 + geometric(rng, 0.45)))
                viewed += [similar(rng.choice(codes)) for _ in range(geometric(rng, 0.6))]
                span = (minutes - 1) * 60
                view_times = sorted(start + dt.timedelta(seconds=rng.uniform(0, span * 0.7))
                                    for _ in viewed)
                for tv, code in zip(view_times, viewed):
                    add(tv, cust, "page_view", code, channel)
                if rng.random() < P_CART_IN_ORDER_SESSION:
                    carted = [c for c in viewed if c in codes][: 1 + geometric(rng, 0.5)]
                    for code in carted:
                        add(start + dt.timedelta(seconds=rng.uniform(span * 0.7, span)), cust, "add_to_cart",
                            code, channel)
                if rng.random() < P_FAVORITE:
                    add(view_times[0] + dt.timedelta(seconds=rng.randint(3, 30)), cust, "favorite", viewed[0],
                        channel)
            # the behaviour log only covers the digital channels: in-store orders have no events
            for code in codes:
                add(t_order, cust, "purchase", code, channel)

    # browse-only sessions (no purchase), some of them abandoning a cart
    for cust, c in customers.items():
        start_window = max(DATA_START - dt.timedelta(days=7),
                           dt.datetime.combine(c["signup_date"], dt.time(0)) + dt.timedelta(days=1))
        window_s = (DATA_END - start_window).total_seconds()
        expected = 1.0 + BROWSE_SESSIONS_PER_ORDER * online_orders[cust]
        n_sessions = max(0, round(rng.gauss(expected, math.sqrt(expected))))
        history = bought.get(cust, [])
        for _ in range(n_sessions):
            day = start_window + dt.timedelta(seconds=rng.uniform(0, window_s))
            # people browse in the daytime and evening
            start = dt.datetime.combine(day.date(), dt.time(0)) + dt.timedelta(
                hours=rng.choices(range(24), [1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 7, 6, 6, 6, 6, 6, 6, 7, 9,
                                              10, 8, 4])[0],
                minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
            if start > DATA_END:
                continue
            channel = online_channel(cust)
            seed = rng.choice(history) if history and rng.random() < 0.4 else popular_code()
            viewed = [seed] + [similar(seed) for _ in range(geometric(rng, 0.55))]
            t = start
            for code in viewed:
                add(t, cust, "page_view", code, channel)
                t += dt.timedelta(seconds=rng.randint(15, 150))
            if rng.random() < P_CART_IN_BROWSE:
                add(t, cust, "add_to_cart", rng.choice(viewed), channel)
                t += dt.timedelta(seconds=rng.randint(10, 60))
            if rng.random() < P_FAVORITE:
                add(t, cust, "favorite", rng.choice(viewed), channel)

    events.sort(key=lambda e: (e[0], int(e[1]), e[5]))
    return events


def write_events(events: list[tuple]) -> None:
    write_csv("events.csv", ["event_time", "customer_id", "event_type", "stock_code", "channel"],
              [[fmt_time(e[0]), e[1], e[2], e[3], e[4]] for e in events])


# ---------------------------------------------------------------------------------------------
# 5.-7. campaigns.csv, campaign_spend.csv, contacts.csv
# ---------------------------------------------------------------------------------------------

# id, name, channel, start, end, audience size, per-contact cost, fixed (creative/set-up) cost
CAMPAIGNS = [
    ("CMP01", "新春会员短信", "短信", dt.date(2011, 1, 24), dt.date(2011, 2, 6), 320, 0.06, 150),
    ("CMP02", "情人节微信推送", "微信", dt.date(2011, 2, 7), dt.date(2011, 2, 14), 300, 0.10, 3000),
    ("CMP03", "母亲节邮件", "邮件", dt.date(2011, 4, 25), dt.date(2011, 5, 8), 420, 0.02, 400),
    ("CMP04", "618年中大促抖音广告", "抖音广告", dt.date(2011, 6, 1), dt.date(2011, 6, 18), 450, 6.00, 8000),
    ("CMP05", "会员日微信推送", "微信", dt.date(2011, 8, 8), dt.date(2011, 8, 10), 280, 0.10, 300),
    ("CMP06", "开学季抖音广告", "抖音广告", dt.date(2011, 8, 25), dt.date(2011, 9, 7), 350, 6.00, 6000),
    ("CMP07", "双11预热短信", "短信", dt.date(2011, 10, 28), dt.date(2011, 11, 11), 480, 0.06, 200),
    ("CMP08", "圣诞邮件", "邮件", dt.date(2011, 11, 21), dt.date(2011, 12, 7), 520, 0.02, 500),
]
OPEN_RATE = {"短信": 0.92, "邮件": 0.24, "微信": 0.48, "抖音广告": 0.65}
CLICK_RATE = {"短信": 0.06, "邮件": 0.18, "微信": 0.14, "抖音广告": 0.05}
TARGETING_BOOST = 2.2  # how much likelier a customer who buys within 7 days is to be targeted


def build_campaigns(rng: random.Random, customers: dict, orders: list[dict]):
    order_times: dict[str, list[dt.datetime]] = defaultdict(list)
    for o in orders:
        if not o["order_id"].startswith("C"):
            order_times[o["customer_id"]].append(o["order_time"])
    for ts in order_times.values():
        ts.sort()

    def buys_within_week(cust: str, t: dt.datetime) -> bool:
        ts = order_times.get(cust, [])
        i = bisect.bisect_right(ts, t)
        return i < len(ts) and ts[i] <= t + dt.timedelta(days=7)

    campaigns, spend_rows, contacts = [], [], []
    for cid, name, channel, start, end, size, per_contact, fixed in CAMPAIGNS:
        days = (end - start).days + 1
        eligible = [c for c in customers if customers[c]["signup_date"] < start]
        times, weights = {}, []
        for c in eligible:
            if channel == "抖音广告":  # ads reach people throughout the flight
                day = start + dt.timedelta(days=rng.randrange(days))
                t = dt.datetime.combine(day, dt.time(rng.randint(8, 23), rng.randint(0, 59), rng.randint(0, 59)))
            else:  # pushes go out in a first wave on day one and a reminder wave later
                day = start if rng.random() < 0.7 else start + dt.timedelta(days=min(days - 1, 2 + rng.randrange(3)))
                t = dt.datetime.combine(day, dt.time(10, 0)) + dt.timedelta(seconds=rng.randint(0, 5400))
            times[c] = t
            weights.append(TARGETING_BOOST if buys_within_week(c, t) else 1.0)
        chosen = sorted(weighted_sample(rng, eligible, weights, min(size, len(eligible))), key=int)
        for c in chosen:
            t = times[c]
            converts = buys_within_week(c, t)
            opened = rng.random() < min(0.98, OPEN_RATE[channel] * (1.5 if converts else 1.0))
            clicked = opened and rng.random() < min(0.9, CLICK_RATE[channel] / OPEN_RATE[channel]
                                                    * (3.0 if converts else 1.0))
            contacts.append((t, int(c), cid, int(opened), int(clicked)))
        cost = Decimal(str(fixed)) + Decimal(str(per_contact)) * len(chosen)
        cost = cost.quantize(Decimal("0.01"))
        campaigns.append([cid, name, channel, start.isoformat(), end.isoformat(), str(cost),
                          str((cost / len(chosen)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))])
        # daily spend: front-loaded for pushes, flatter for ads; exact cents summing to the cost
        w = [rng.uniform(0.6, 1.4) * (1.0 if channel == "抖音广告" else 1.0 / (1 + 1.5 * i)) for i in range(days)]
        cents = int(cost * 100)
        parts = [int(cents * x / sum(w)) for x in w]
        parts[0] += cents - sum(parts)
        for i, p in enumerate(parts):
            spend_rows.append([(start + dt.timedelta(days=i)).isoformat(), cid, f"{p // 100}.{p % 100:02d}"])
    contacts.sort()
    contact_rows = [[str(c), cid, fmt_time(t), o, k] for t, c, cid, o, k in contacts]
    return campaigns, spend_rows, contact_rows


def write_campaigns(campaigns, spend_rows, contact_rows) -> None:
    write_csv("campaigns.csv", ["campaign_id", "campaign_name", "channel", "start_date", "end_date", "cost",
                                "cost_per_contact"], campaigns)
    write_csv("campaign_spend.csv", ["date", "campaign_id", "spend"], spend_rows)
    write_csv("contacts.csv", ["customer_id", "campaign_id", "contact_time", "opened", "clicked"], contact_rows)


# ---------------------------------------------------------------------------------------------
# 8. experiment.csv (Hillstrom-style email experiment, synthetic outcomes with known effects)
# ---------------------------------------------------------------------------------------------

ARMS = ["Mens E-Mail", "Womens E-Mail", "No E-Mail"]
VISIT_RATE = {"No E-Mail": 0.106, "Mens E-Mail": 0.183, "Womens E-Mail": 0.151}
CONVERSION_RATE = {"No E-Mail": 0.0057, "Mens E-Mail": 0.0125, "Womens E-Mail": 0.0088}
SPEND_SIGMA = 0.6
SPEND_MU = math.log(110) - SPEND_SIGMA ** 2 / 2  # lognormal with mean 110


def build_experiment(rng: random.Random, customers: dict) -> list[list]:
    """Complete randomisation: the arms are a shuffled list with a third each. Within an arm, exactly
    round(n * rate) randomly chosen people visit, and exactly round(n * rate) of the visitors convert
    (conversion implies a visit, as in Hillstrom), so observed rates equal the true ones to rounding;
    only spend (lognormal) is left to chance."""
    ids = list(customers) + [str(SYNTHETIC_ID_START + i) for i in range(N_EXPERIMENT - len(customers))]
    arms = [ARMS[i % 3] for i in range(len(ids))]
    rng.shuffle(arms)
    spend_dist = statistics.NormalDist(SPEND_MU, SPEND_SIGMA)
    visits, spend = set(), {}
    for arm in ARMS:
        members = [i for i, a in enumerate(arms) if a == arm]
        visitors = rng.sample(members, round(len(members) * VISIT_RATE[arm]))
        visits.update(visitors)
        buyers = rng.sample(visitors, round(len(members) * CONVERSION_RATE[arm]))
        # stratified lognormal draws (one per 1/m quantile band): the sample mean stays near 110
        m = len(buyers)
        for k, i in enumerate(buyers):
            spend[i] = round(math.exp(spend_dist.inv_cdf((k + rng.random()) / m)), 2)
    rows = []
    for i, cid in enumerate(ids):
        recency = rng.choices(range(1, 13), [14, 13, 12, 11, 10, 10, 9, 9, 8, 8, 7, 7])[0]
        history = max(29.99, round(rng.lognormvariate(math.log(158), 0.92), 2))
        rows.append([cid, arms[i], recency, f"{history:.2f}", int(i in visits), int(i in spend),
                     f"{spend.get(i, 0.0):.2f}"])
    return rows


def write_experiment(rows: list[list]) -> None:
    write_csv("experiment.csv", ["customer_id", "segment", "recency", "history", "visit", "conversion", "spend"],
              rows)


# ---------------------------------------------------------------------------------------------

def main(argv: list[str]) -> None:
    source = Path(argv[1]) if len(argv) > 1 else REPO_ROOT / DEFAULT_SOURCE
    master = random.Random(SEED)
    rng = {part: random.Random(master.getrandbits(64))
           for part in ["sample", "customers", "orders", "events", "campaigns", "experiment"]}
    rows = read_source(source)
    products = build_products(rows)
    ids = choose_customers(rng["sample"], rows, products)
    customers = build_customers(rng["customers"], ids, rows)
    orders = build_orders(rng["orders"], rows, products, customers)
    events = build_events(rng["events"], orders, customers, products)
    campaigns, spend_rows, contact_rows = build_campaigns(rng["campaigns"], customers, orders)
    experiment = build_experiment(rng["experiment"], customers)

    write_products(products)
    write_customers(customers)
    write_orders(orders)
    write_events(events)
    write_campaigns(campaigns, spend_rows, contact_rows)
    write_experiment(experiment)
    for name in ["products.csv", "customers.csv", "orders.csv", "events.csv", "campaigns.csv",
                 "campaign_spend.csv", "contacts.csv", "experiment.csv"]:
        path = OUT_DIR / name
        with open(path, encoding="utf-8") as f:
            n = sum(1 for _ in f) - 1
        print(f"{name:20s} {n:7d} rows {path.stat().st_size:10,d} bytes")


if __name__ == "__main__":
    main(sys.argv)
