//! Writes the platform fixture exports of `tests/fixtures/platforms/`: one small order export per
//! platform preset, in the platform's encoding and with its quirks, of fake people only (names
//! from a short list, phones at random, e-mails at example.com). Seeded: every run writes the same
//! bytes. The same people buy on several platforms (the same phone), for the identity tests.
//!
//! `cargo run --example platform_fixtures [-- FOLDER]` (default: tests/fixtures/platforms).

use loupe::rng::SplitMix64;
use std::path::PathBuf;

struct Person {
    name: String,
    phone: String,
    email: String,
    nick: String,
    jd: String,
}

const SURNAMES: [&str; 12] = [
    "张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙",
];
const GIVEN: [&str; 12] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军",
];
const CITIES: [&str; 6] = [
    "上海市浦东新区张江路",
    "北京市海淀区中关村大街",
    "广东省深圳市南山区科技园",
    "浙江省杭州市西湖区文三路",
    "四川省成都市武侯区天府大道",
    "江苏省南京市鼓楼区中山路",
];
const PRODUCTS: [(&str, &str, f64); 8] = [
    ("A1001", "保温杯 500ml", 59.0),
    ("A1002", "蓝牙耳机 降噪款", 299.0),
    ("A1003", "儿童积木 200粒", 128.0),
    ("A1004", "面霜 50g", 189.5),
    ("A1005", "运动袜 5双装", 39.9),
    ("A1006", "咖啡豆 1kg", 1288.0),
    ("A1007", "帆布包", 79.0),
    ("A1008", "数据线 2m", 25.8),
];

fn people(rng: &mut SplitMix64, n: usize) -> Vec<Person> {
    (0..n)
        .map(|i| {
            let name = format!(
                "{}{}",
                SURNAMES[rng.below(12) as usize],
                GIVEN[rng.below(12) as usize]
            );
            let phone = format!("1{}{:09}", 3 + rng.below(7), rng.below(1_000_000_000));
            Person {
                name,
                phone,
                email: format!("buyer{i:03}@example.com"),
                nick: format!("tb_buyer_{i:03}"),
                jd: format!("jd_{:06}", 100_000 + i * 37),
            }
        })
        .collect()
}

/// A CSV line: fields with a comma, quote or line break are quoted.
fn line(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\n']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
        + "\r\n"
}

fn when(rng: &mut SplitMix64) -> String {
    let day = rng.below(28) + 1;
    let month = rng.below(6) + 1;
    format!(
        "2024-{month:02}-{day:02} {:02}:{:02}:{:02}",
        8 + rng.below(14),
        rng.below(60),
        rng.below(60)
    )
}

fn pick<'a, T>(rng: &mut SplitMix64, xs: &'a [T]) -> &'a T {
    &xs[rng.below(xs.len() as u64) as usize]
}

fn masked_phone(p: &str) -> String {
    format!("{}****{}", &p[..3], &p[7..])
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, bad) = encoding_rs::GBK.encode(text);
    assert!(!bad, "GBK cannot write the fixture");
    bytes.into_owned()
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("tests/fixtures/platforms"));
    std::fs::create_dir_all(&dir).expect("fixture folder");
    let mut rng = SplitMix64(20_240_601);
    let folk = people(&mut rng, 40);
    let s = |x: &str| x.to_string();

    // Taobao/Tmall orders and items (GBK, ids as ="…", masked phones and names).
    let mut orders = line(
        &[
            "订单编号",
            "买家会员名",
            "买家应付货款",
            "买家应付邮费",
            "总金额",
            "买家实际支付金额",
            "订单状态",
            "收货人姓名",
            "收货地址",
            "联系手机",
            "订单创建时间",
            "订单付款时间",
            "宝贝标题",
            "宝贝种类",
            "宝贝总数量",
            "店铺名称",
            "订单关闭原因",
        ]
        .map(s),
    );
    let mut items = line(
        &[
            "订单编号",
            "标题",
            "价格",
            "购买数量",
            "外部系统编号",
            "商品属性",
            "套餐信息",
            "备注",
            "订单状态",
            "商家编码",
        ]
        .map(s),
    );
    for k in 0..60 {
        let p = &folk[rng.below(30) as usize];
        let id = format!("{}", 3_800_000_000_000_000_000u64 + k * 7_919);
        let status = *pick(
            &mut rng,
            &[
                "交易成功",
                "交易成功",
                "交易成功",
                "交易关闭",
                "卖家已发货，等待买家确认",
            ],
        );
        let n_items = 1 + rng.below(2) as usize;
        let mut total = 0.0;
        let mut qty = 0;
        let mut title = String::new();
        for j in 0..n_items {
            let (code, name, price) = PRODUCTS[rng.below(8) as usize];
            let q = 1 + rng.below(3);
            total += price * q as f64;
            qty += q;
            if j == 0 {
                title = name.to_string();
            }
            items.push_str(&line(&[
                format!("=\"{id}\""),
                s(name),
                format!("{price:.2}"),
                q.to_string(),
                String::new(),
                s("颜色分类:默认"),
                String::new(),
                String::new(),
                s(status),
                s(code),
            ]));
        }
        let created = when(&mut rng);
        let closed = status == "交易关闭";
        orders.push_str(&line(&[
            format!("=\"{id}\""),
            p.nick.clone(),
            format!("{total:.2}"),
            s("0.00"),
            format!("{total:.2}"),
            if closed {
                s("0.00")
            } else {
                format!("{total:.2}")
            },
            s(status),
            if k % 3 == 0 {
                format!("{}**", &p.name[..3])
            } else {
                p.name.clone()
            },
            format!("{} {}号", pick(&mut rng, &CITIES), 1 + rng.below(300)),
            if k % 4 == 0 {
                masked_phone(&p.phone)
            } else {
                format!("'{}", p.phone)
            },
            created.clone(),
            if closed { String::new() } else { created },
            title,
            n_items.to_string(),
            qty.to_string(),
            s("好物小店"),
            if closed {
                s("买家不想买了")
            } else {
                String::new()
            },
        ]));
    }
    std::fs::write(dir.join("taobao_orders.csv"), gbk(&orders)).expect("write");
    std::fs::write(dir.join("taobao_items.csv"), gbk(&items)).expect("write");

    // JD: one row per SKU, the order repeated (GBK).
    let mut jd = line(
        &[
            "订单号",
            "商品ID",
            "商品名称",
            "订购数量",
            "支付方式",
            "下单时间",
            "京东价",
            "订单金额",
            "结算金额",
            "余额支付",
            "应付金额",
            "订单状态",
            "订单类型",
            "下单帐号",
            "客户姓名",
            "客户地址",
            "联系电话",
            "订单备注",
            "发票类型",
            "运费金额",
            "付款确认时间",
            "订单完成时间",
            "订单来源",
            "订单渠道",
        ]
        .map(s),
    );
    for k in 0..50 {
        // Half of JD's buyers also buy on Taobao (the first 30 people).
        let p = &folk[10 + rng.below(30) as usize];
        let id = format!("{}", 280_000_000_000u64 + k * 113);
        let status = *pick(
            &mut rng,
            &["已完成", "已完成", "等待出库", "已取消", "锁定"],
        );
        let when = when(&mut rng);
        let skus: Vec<_> = (0..1 + rng.below(3))
            .map(|_| (PRODUCTS[rng.below(8) as usize], 1 + rng.below(2)))
            .collect();
        let total: f64 = skus.iter().map(|((_, _, pr), q)| pr * *q as f64).sum();
        for ((code, name, price), q) in &skus {
            jd.push_str(&line(&[
                id.clone(),
                format!("1000{}", &code[1..]),
                s(name),
                q.to_string(),
                s("在线支付"),
                when.clone(),
                format!("{price:.2}"),
                format!("{total:.2}"),
                format!("{total:.2}"),
                s("0.00"),
                format!("{total:.2}"),
                s(status),
                s("普通订单"),
                p.jd.clone(),
                p.name.clone(),
                pick(&mut rng, &CITIES).to_string(),
                if k % 5 == 0 {
                    masked_phone(&p.phone)
                } else {
                    p.phone.clone()
                },
                String::new(),
                s("电子普通发票"),
                s("0.00"),
                when.clone(),
                if status == "已完成" {
                    when.clone()
                } else {
                    String::new()
                },
                pick(&mut rng, &["京东APP", "微信小程序", "PC"]).to_string(),
                s("自营"),
            ]));
        }
    }
    std::fs::write(dir.join("jd_orders.csv"), gbk(&jd)).expect("write");

    // Douyin: UTF-8 with a BOM, ids after a tab, encrypted personal data (##…, $$…).
    let mut dy = String::from("\u{feff}");
    dy.push_str(&line(
        &[
            "主订单编号",
            "子订单编号",
            "选购商品",
            "商品规格",
            "商品数量",
            "商品ID",
            "商家编码",
            "商品金额",
            "订单应付金额",
            "运费",
            "收件人",
            "收件人手机号",
            "详细地址",
            "订单提交时间",
            "支付完成时间",
            "订单完成时间",
            "订单状态",
            "售后状态",
            "达人ID",
            "达人昵称",
            "流量来源",
            "流量渠道",
        ]
        .map(s),
    ));
    for k in 0..60u64 {
        let p = &folk[rng.below(40) as usize];
        let main = 6_920_000_000_000_000_000u64 + k * 10_007;
        let status = *pick(
            &mut rng,
            &["已完成", "已完成", "已发货", "待发货", "已关闭"],
        );
        let after = if k % 9 == 0 { "退款成功" } else { "-" };
        let when = when(&mut rng);
        let encrypted = k % 4 == 1;
        for j in 0..1 + rng.below(2) {
            let (code, name, price) = PRODUCTS[rng.below(8) as usize];
            let q = 1 + rng.below(2);
            dy.push_str(&line(&[
                format!("\t{main}"),
                format!("\t{}", main + j + 1),
                s(name),
                s("默认"),
                q.to_string(),
                format!(
                    "\t{}",
                    3_600_000_000_000_000u64 + code[1..].parse::<u64>().unwrap_or(0)
                ),
                s(code),
                format!("{price:.2}"),
                format!("{:.2}", price * q as f64),
                s("0.00"),
                if encrypted {
                    format!("$$B{:x}$$", rng.next_u64())
                } else {
                    p.name.clone()
                },
                if encrypted {
                    format!("##{:X}##", rng.next_u64())
                } else {
                    p.phone.clone()
                },
                if encrypted {
                    format!("##{:X}##", rng.next_u64())
                } else {
                    pick(&mut rng, &CITIES).to_string()
                },
                when.clone(),
                if status == "已关闭" {
                    String::new()
                } else {
                    when.clone()
                },
                if status == "已完成" {
                    when.clone()
                } else {
                    String::new()
                },
                s(status),
                s(after),
                format!("\t{}", 70_000_000 + rng.below(5)),
                pick(&mut rng, &["小美好物", "老王测评", "-"]).to_string(),
                pick(&mut rng, &["直播", "短视频", "商品卡"]).to_string(),
                pick(&mut rng, &["精选联盟", "自营"]).to_string(),
            ]));
        }
    }
    std::fs::write(dir.join("douyin_orders.csv"), dy.as_bytes()).expect("write");

    // Pinduoduo (UTF-8, masked phones, amounts in 元).
    let mut pdd = line(
        &[
            "商品",
            "订单号",
            "订单状态",
            "商品总价(元)",
            "店铺优惠折扣(元)",
            "平台优惠折扣(元)",
            "邮费(元)",
            "用户实付金额(元)",
            "商家实收金额(元)",
            "商品数量(件)",
            "收货人",
            "手机",
            "省",
            "市",
            "区",
            "街道",
            "支付时间",
            "拼单成功时间",
            "商品id",
            "商品规格",
            "商家编码-SKU维度",
            "快递单号",
            "快递公司",
            "售后状态",
        ]
        .map(s),
    );
    for k in 0..50u64 {
        let p = &folk[rng.below(40) as usize];
        let (code, name, price) = PRODUCTS[rng.below(8) as usize];
        let q = 1 + rng.below(2);
        let total = price * q as f64;
        let status = *pick(
            &mut rng,
            &[
                "已签收",
                "已签收",
                "已发货，待收货",
                "已取消",
                "未发货，退款成功",
            ],
        );
        let when = when(&mut rng);
        pdd.push_str(&line(&[
            s(name),
            format!("240{:03}-{:015}", 101 + k % 200, 600_000_000_000 + k * 31),
            s(status),
            format!("{total:.2}"),
            s("0.00"),
            s("2.00"),
            s("0.00"),
            format!("{:.2}", total - 2.0),
            format!("{total:.2}"),
            q.to_string(),
            if k % 2 == 0 {
                format!("{}*", &p.name[..3])
            } else {
                p.name.clone()
            },
            if k % 3 == 0 {
                masked_phone(&p.phone)
            } else {
                p.phone.clone()
            },
            s("浙江省"),
            s("杭州市"),
            s("西湖区"),
            s("文三路"),
            when.clone(),
            when,
            format!("{}", 500_000 + code[1..].parse::<u64>().unwrap_or(0)),
            s("默认"),
            s(code),
            format!("YT{}", 9_000_000_000u64 + k),
            s("圆通快递"),
            s("无售后或售后取消"),
        ]));
    }
    std::fs::write(dir.join("pinduoduo_orders.csv"), pdd.as_bytes()).expect("write");

    // Youzan (UTF-8), one row per item.
    let mut yz = line(
        &[
            "订单号",
            "订单状态",
            "订单类型",
            "订单创建时间",
            "买家付款时间",
            "商品名称",
            "商品编码",
            "商品规格",
            "商品单价",
            "商品数量",
            "商品实际成交金额",
            "订单实付金额",
            "运费",
            "买家手机号",
            "粉丝昵称",
            "收货人/提货人",
            "收货人手机号/提货人手机号",
            "详细收货地址/提货地址",
            "订单来源",
        ]
        .map(s),
    );
    for k in 0..50u64 {
        let p = &folk[rng.below(40) as usize];
        let (code, name, price) = PRODUCTS[rng.below(8) as usize];
        let q = 1 + rng.below(3);
        let status = *pick(
            &mut rng,
            &["交易成功", "交易成功", "待发货", "交易关闭", "已退款"],
        );
        let when = when(&mut rng);
        yz.push_str(&line(&[
            format!("E2024{:016}", 4_000_000 + k * 97),
            s(status),
            s("普通订单"),
            when.clone(),
            when,
            s(name),
            s(code),
            s("默认"),
            format!("{price:.2}"),
            q.to_string(),
            format!("{:.2}", price * q as f64),
            format!("{:.2}", price * q as f64),
            s("0.00"),
            format!("+86 {}", p.phone),
            format!("粉丝{}", k),
            p.name.clone(),
            masked_phone(&p.phone),
            pick(&mut rng, &CITIES).to_string(),
            pick(&mut rng, &["微商城", "小程序"]).to_string(),
        ]));
    }
    std::fs::write(dir.join("youzan_orders.csv"), yz.as_bytes()).expect("write");

    // Shopify (UTF-8), one row per line item.
    let mut shop = line(
        &[
            "Name",
            "Email",
            "Financial Status",
            "Paid at",
            "Fulfillment Status",
            "Currency",
            "Subtotal",
            "Shipping",
            "Total",
            "Created at",
            "Lineitem quantity",
            "Lineitem name",
            "Lineitem price",
            "Lineitem sku",
            "Billing Name",
            "Billing Phone",
            "Source",
            "Id",
        ]
        .map(s),
    );
    for k in 0..50u64 {
        let p = &folk[rng.below(40) as usize];
        let status = *pick(
            &mut rng,
            &["paid", "paid", "paid", "refunded", "voided", "pending"],
        );
        let when = when(&mut rng);
        let (code, _, price) = PRODUCTS[rng.below(8) as usize];
        let q = 1 + rng.below(2);
        shop.push_str(&line(&[
            format!("#{}", 1001 + k),
            p.email.clone(),
            s(status),
            if status == "paid" {
                format!("{when} +0800")
            } else {
                String::new()
            },
            s("fulfilled"),
            s("CNY"),
            format!("{:.2}", price * q as f64),
            s("0.00"),
            format!("{:.2}", price * q as f64),
            format!("{when} +0800"),
            q.to_string(),
            format!("Item {code}"),
            format!("{price:.2}"),
            s(code),
            s("Test Buyer"),
            format!("+86{}", p.phone),
            s("web"),
            format!("{}", 5_000_000_000u64 + k),
        ]));
    }
    std::fs::write(dir.join("shopify_orders.csv"), shop.as_bytes()).expect("write");

    // WooCommerce (UTF-8), one row per item.
    let mut woo = line(
        &[
            "Order ID",
            "Order Date",
            "Order Status",
            "Billing First Name",
            "Billing Last Name",
            "Billing Email",
            "Billing Phone",
            "Payment Method Title",
            "Order Total",
            "Item Name",
            "Item SKU",
            "Quantity",
            "Item Cost",
        ]
        .map(s),
    );
    for k in 0..50u64 {
        let p = &folk[rng.below(40) as usize];
        let status = *pick(
            &mut rng,
            &[
                "Completed",
                "Completed",
                "Processing",
                "Cancelled",
                "Refunded",
                "wc-completed",
            ],
        );
        let (code, _, price) = PRODUCTS[rng.below(8) as usize];
        let q = 1 + rng.below(2);
        woo.push_str(&line(&[
            format!("{}", 2001 + k),
            when(&mut rng),
            s(status),
            s("Test"),
            format!("Buyer{k}"),
            p.email.to_uppercase(),
            p.phone.clone(),
            s("Alipay"),
            format!("{:.2}", price * q as f64),
            format!("Item {code}"),
            s(code),
            q.to_string(),
            format!("{price:.2}"),
        ]));
    }
    std::fs::write(dir.join("woocommerce_orders.csv"), woo.as_bytes()).expect("write");
    println!("wrote the platform fixtures to {}", dir.display());
}
