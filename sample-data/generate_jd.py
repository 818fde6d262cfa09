#!/usr/bin/env python3
"""Generate the sample project's second platform: a JD (京东) order export, orders_jd.csv.

Usage (from the repo root, after generate.py has written customers.csv and products.csv):

    python3 sample-data/generate_jd.py

Standard library only, Python 3.11+. All randomness comes from random.Random(SEED), and nothing
iterates an unordered set, so two runs write byte-identical files. Everything in the file is
synthetic: no real person, order or account.

The file looks like JD's merchant order export (one row per SKU, the order's totals repeated on
each row, GBK-encoded, CRLF line ends, phones often masked as 138****1234) and is imported with
the `jd-orders` preset. Its buyers overlap the sample shop's customers, so that the identity map
finds the same person on both platforms:

* LINKED sample customers buy on JD under their own JD account, with the phone of customers.csv,
  written as JD writes it or with +86, 0086, spaces or dashes (the identity rules remove those);
* TWO_ACCOUNTS of them use two JD accounts with the same phone (both accounts are one person);
* MASKED JD accounts belong to sample customers but JD masked the phone (138****0012): a masked
  phone never links, so they stay apart;
* SHARED accounts give the shop's own service number (SHOP_PHONE): a key shared by more records
  than the identity limit (5) is a conflict and links nobody;
* the rest are JD-only buyers with phones no sample customer has.

Products are sample products (商品ID is the stock code, 京东价 the sample unit price), orders fall
in the sample's period (2011-01-03 to 2011-12-08), and a few orders are cancelled (已取消, 锁定).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

SEED = 20261204
OUT_DIR = Path(__file__).resolve().parent
OUT = OUT_DIR / "orders_jd.csv"

LINKED = 120        # sample customers who also buy on JD
TWO_ACCOUNTS = 8    # ... of whom this many use a second JD account with the same phone
MASKED = 15         # JD accounts of sample customers whose phone JD masked
SHARED = 7          # JD accounts that give the shop's own phone (a conflict)
JD_ONLY = 150       # buyers found only on JD
SHOP_PHONE = "13800138000"

START = dt.datetime(2011, 1, 3)
END = dt.datetime(2011, 12, 8, 22, 0)

HEADER = [
    "订单号", "商品ID", "商品名称", "订购数量", "支付方式", "下单时间", "京东价", "订单金额",
    "结算金额", "余额支付", "应付金额", "订单状态", "订单类型", "下单帐号", "客户姓名", "客户地址",
    "联系电话", "订单备注", "发票类型", "运费金额", "付款确认时间", "订单完成时间", "订单来源",
    "订单渠道",
]

SURNAMES = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟",
         "涛", "明", "超", "秀英", "桂英", "建华", "志强", "晓东", "雪梅", "海燕"]
ADDRESSES = {
    "北京": "北京市朝阳区建国路", "上海": "上海市浦东新区张江路", "广州": "广东省广州市天河区体育西路",
    "深圳": "广东省深圳市南山区科技园", "杭州": "浙江省杭州市西湖区文三路", "成都": "四川省成都市武侯区天府大道",
    "武汉": "湖北省武汉市洪山区珞喻路", "南京": "江苏省南京市鼓楼区中山路", "西安": "陕西省西安市雁塔区小寨路",
    "重庆": "重庆市渝中区解放碑", "苏州": "江苏省苏州市工业园区星湖街", "昆明": "云南省昆明市五华区人民路",
}
SOURCES = [("京东APP", 60), ("微信小程序", 20), ("PC", 15), ("京东到家", 5)]
STATUSES = [("已完成", 88), ("等待确认收货", 5), ("已取消", 4), ("锁定", 3)]


def weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def written(rng: random.Random, phone: str) -> str:
    """A phone as a JD export may write it: plain, or with +86, 0086, spaces or dashes."""
    form = rng.randrange(6)
    if form == 0:
        return f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}"
    if form == 1:
        return f"0086{phone}"
    if form == 2:
        return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
    return phone


def masked(phone: str) -> str:
    return f"{phone[:3]}****{phone[7:]}"


def when(rng: random.Random) -> dt.datetime:
    span = int((END - START).total_seconds())
    t = START + dt.timedelta(seconds=rng.randrange(span))
    # Shops sell in the day and evening.
    return t.replace(hour=rng.choice([9, 10, 11, 12, 13, 14, 15, 16, 19, 20, 21, 22]))


def money(x: float) -> str:
    return f"{x:.2f}"


def main() -> None:
    rng = random.Random(SEED)
    with open(OUT_DIR / "customers.csv", encoding="utf-8", newline="") as f:
        customers = list(csv.DictReader(f))
    with open(OUT_DIR / "products.csv", encoding="utf-8", newline="") as f:
        products = list(csv.DictReader(f))
    sample_phones = {c["phone"] for c in customers}

    chosen = rng.sample(customers, LINKED + MASKED)
    linked, masked_ones = chosen[:LINKED], chosen[LINKED:]
    accounts: list[tuple[str, str, str]] = []  # (account, phone as written, city)
    next_account = iter(range(1, 10_000))

    def account() -> str:
        return f"jd_{rng.randrange(10**7, 10**8)}{next(next_account):04d}"

    for i, c in enumerate(linked):
        accounts.append((account(), written(rng, c["phone"]), c["city"]))
        if i < TWO_ACCOUNTS:
            accounts.append((account(), written(rng, c["phone"]), c["city"]))
    for c in masked_ones:
        accounts.append((account(), masked(c["phone"]), c["city"]))
    cities = sorted(ADDRESSES)
    for _ in range(SHARED):
        accounts.append((account(), SHOP_PHONE, rng.choice(cities)))
    for _ in range(JD_ONLY):
        while True:
            phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
            if phone not in sample_phones and phone != SHOP_PHONE and "0000" not in phone[3:8]:
                break
        shown = masked(phone) if rng.random() < 0.25 else written(rng, phone)
        accounts.append((account(), shown, rng.choice(cities)))
    rng.shuffle(accounts)

    orders = []
    for acc, phone, city in accounts:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        address = ADDRESSES.get(city, rng.choice(list(ADDRESSES.values()))) + f"{rng.randrange(1, 300)}号"
        for _ in range(rng.choices([1, 2, 3, 4, 5], weights=[40, 28, 16, 10, 6])[0]):
            orders.append((when(rng), acc, name, address, phone))
    orders.sort(key=lambda o: (o[0], o[1]))

    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(HEADER)
    for n, (t, acc, name, address, phone) in enumerate(orders):
        order_id = str(21_000_000_000 + n * 37 + rng.randrange(37))
        lines = []
        for p in rng.sample(products, rng.choices([1, 2, 3], weights=[60, 28, 12])[0]):
            qty = rng.choices([1, 2, 3, 4, 6], weights=[50, 25, 10, 10, 5])[0]
            lines.append((p, qty))
        goods = sum(float(p["unit_price"]) * q for p, q in lines)
        freight = 0.0 if goods >= 20 else 6.0
        total = goods + freight
        status = weighted(rng, STATUSES)
        source = weighted(rng, SOURCES)
        ts = t.strftime("%Y-%m-%d %H:%M:%S")
        paid = "" if status == "锁定" else ts
        done = (t + dt.timedelta(days=rng.randrange(2, 6))).strftime("%Y-%m-%d %H:%M:%S") \
            if status == "已完成" else ""
        for p, qty in lines:
            w.writerow([
                order_id, p["stock_code"], p["product_name"], qty, "在线支付", ts,
                money(float(p["unit_price"])), money(total), money(total), "0.00", money(total),
                status, "普通订单", acc, name, address, phone, "", "电子普通发票", money(freight),
                paid, done, source, "自营",
            ])
    OUT.write_bytes(out.getvalue().encode("gbk"))


if __name__ == "__main__":
    main()
