//! Recommendations read their purchases and baskets from the columnar copy: what the copy gives
//! equals what the SQLite rows give (the old path), number for number, on hand-built data
//! (padding, blanks, integer ids, dates without an order id, text moments, returns, filters),
//! on the shop, on the sample project and on Online Retail; and a column the copy cannot answer
//! for certain sends the read back to SQLite with the same result.

use crate::common::*;
use loupe::dataset::{ColumnType, Role};
use loupe::import::ImportOptions;
use loupe::kept::copy;
use loupe::progress::Reporter;
use loupe::recommend::details::ItemDetails;
use loupe::recommend::{
    ReadOptions, from_copy, read_baskets, read_baskets_sqlite, read_interactions,
    read_interactions_sqlite, read_item_details, read_item_details_sqlite,
};
use loupe::store::Project;

/// Purchases from the copy equal purchases from SQLite; `true` when the copy answered.
fn assert_interactions_equal(p: &Project, dataset: &str, filter: Option<&str>) -> bool {
    let opts = ReadOptions {
        filter: filter.map(str::to_string),
    };
    let rep = Reporter::silent();
    let old = read_interactions_sqlite(p, dataset, &opts, &rep).unwrap();
    let new = read_interactions(p, dataset, &opts, &rep).unwrap();
    let what = format!("{dataset} where {filter:?}");
    assert_eq!(format!("{new:?}"), format!("{old:?}"), "{what}");
    assert!(!old.lines.is_empty(), "{what}: no purchases to compare");
    let info = p.dataset(dataset).unwrap();
    match from_copy::interactions(p, &info, &opts, &rep).unwrap() {
        Some(c) => {
            assert_eq!(format!("{c:?}"), format!("{old:?}"), "{what}");
            true
        }
        None => false,
    }
}

/// Item details (category, median price, buyers) from the copy equal those from SQLite.
fn assert_details_equal(p: &Project, dataset: &str, products: Option<&str>) -> ItemDetails {
    let inter =
        read_interactions(p, dataset, &ReadOptions::default(), &Reporter::silent()).unwrap();
    let old = read_item_details_sqlite(p, dataset, products, &inter).unwrap();
    let new = read_item_details(p, dataset, products, &inter).unwrap();
    assert_eq!(new, old, "{dataset} with {products:?}");
    new
}

/// Baskets from the copy equal baskets from SQLite; `true` when the copy answered.
fn assert_baskets_equal(p: &Project, dataset: &str, basket: &str, item: &str) -> bool {
    let old = read_baskets_sqlite(p, dataset, basket, item).unwrap();
    let new = read_baskets(p, dataset, basket, item).unwrap();
    assert_eq!(new.items, old.items, "{dataset} {basket} {item}");
    assert_eq!(new.baskets, old.baskets, "{dataset} {basket} {item}");
    assert!(!old.baskets.is_empty());
    let info = p.dataset(dataset).unwrap();
    match from_copy::baskets(p, &info, basket, item).unwrap() {
        Some(c) => {
            assert_eq!((c.items, c.baskets), (old.items, old.baskets));
            true
        }
        None => false,
    }
}

fn roles(p: &mut Project, dataset: &str, roles: &[(&str, Role)]) {
    for (c, r) in roles {
        p.set_role(dataset, c, Some(*r)).unwrap();
    }
}

/// Integer customer ids, padded texts, a blank customer and item, a return, a free line, a
/// description that varies, a line of another order on the same moment.
const LINES: &str = "order_id,customer_id,order_time,stock,name,quantity,unit_price,country\n\
536361,17850,2024-01-01 10:00:00, 85123A ,WHITE HEART,6,2.55,UK\n\
536361,17850,2024-01-01 10:00:00,71053,  LANTERN ,6,3.39,UK\n\
536362,17850,2024-01-01 10:00:00,85123A,white heart,2,2.55,UK\n\
C536363,17850,2024-01-02 09:00:00,85123A,WHITE HEART,-1,2.55,UK\n\
536364,,2024-01-03 09:00:00,22633,HAND WARMER,6,1.85,France\n\
536365,13047,2024-01-03 09:00:00.5,22633,HAND WARMER,6,0,France\n\
536366,13047,2024-01-04 11:30:00,   ,NOTHING,1,1,France\n\
536367,13047,2024-01-05 11:30:00,22633,Hand Warmer,3,1.85,France\n\
536368,12583,2024-02-29 23:59:59,71053,LANTERN,12,3.39,中国\n\
536368,12583,2024-02-29 23:59:59,84406B,奶油 CUPID HEARTS,8,2.75,中国\n\
536369,12583,2024-03-01 00:00:00,84406B,,1,2.75,中国\n";

/// No order id: a customer's lines on the same day form one order. Amounts, not prices.
const DAYS: &str = "customer,day,product,amount\n\
 a ,2024-01-01,X,10\n\
a,2024-01-01,Y,5\n\
a,2024-01-02,X,10\n\
b,2024-01-02,Z,0\n\
b,2024-01-03,Z,7.5\n\
c,2024-01-03,X,-10\n\
c,2024-01-04,Y,3\n";

#[test]
fn purchases_and_baskets_from_the_copy_equal_sqlite_on_hand_built_data() {
    let s = Scratch::new();
    let mut p = s.project();
    let f = s.write("lines.csv", LINES);
    import(
        &mut p,
        &[&f],
        ImportOptions {
            types: vec![("customer_id".into(), ColumnType::Integer)],
            ..named("lines")
        },
    )
    .unwrap();
    let items = [
        ("order_id", Role::OrderId),
        ("customer_id", Role::CustomerId),
        ("order_time", Role::Timestamp),
        ("stock", Role::ItemId),
        ("name", Role::ItemName),
        ("quantity", Role::Quantity),
        ("unit_price", Role::UnitPrice),
    ];
    roles(&mut p, "lines", &items);
    let info = p.dataset("lines").unwrap();
    assert_eq!(info.column("customer_id").unwrap().ty, ColumnType::Integer);
    assert_eq!(info.column("order_time").unwrap().ty, ColumnType::Datetime);
    assert!(assert_interactions_equal(&p, "lines", None));
    assert!(assert_interactions_equal(
        &p,
        "lines",
        Some("country = 'UK' OR country = '中国'")
    ));
    assert!(assert_interactions_equal(
        &p,
        "lines",
        Some("quantity >= 6")
    ));
    // A condition only SQLite can apply: the same answer, read from SQLite.
    assert!(!assert_interactions_equal(
        &p,
        "lines",
        Some("substr(country, 1, 1) = 'U'")
    ));
    assert!(assert_baskets_equal(&p, "lines", "order_id", "stock"));
    let details = assert_details_equal(&p, "lines", None);
    // 85123A at 2.55 three times; 22633 at 1.85 twice (the line priced 0 is not a price).
    assert_eq!(details.price[0], Some(2.55));
    assert_eq!(details.price[2], Some(1.85));
    assert!(assert_baskets_equal(&p, "lines", "order_id", "name"));
    assert!(assert_baskets_equal(&p, "lines", "customer_id", "stock"));
    // A float read as text is SQLite's own text: read from SQLite.
    assert!(!assert_baskets_equal(&p, "lines", "order_id", "unit_price"));
    let inter =
        read_interactions(&p, "lines", &ReadOptions::default(), &Reporter::silent()).unwrap();
    assert_eq!(inter.customers, ["17850", "13047", "12583"]);
    assert_eq!(inter.items, ["85123A", "71053", "22633", "84406B"]);
    assert_eq!(inter.orders, 5);
    assert_eq!((inter.skipped_rows, inter.not_purchases), (2, 2));

    // Dates without an order id; the item by its name; an amount column.
    let g = s.write("days.csv", DAYS);
    import(&mut p, &[&g], named("days")).unwrap();
    roles(
        &mut p,
        "days",
        &[
            ("customer", Role::CustomerId),
            ("day", Role::Timestamp),
            ("product", Role::ItemName),
            ("amount", Role::Amount),
        ],
    );
    assert_eq!(
        p.dataset("days").unwrap().column("day").unwrap().ty,
        ColumnType::Date
    );
    assert!(assert_interactions_equal(&p, "days", None));
    assert_details_equal(&p, "days", None);
    let inter =
        read_interactions(&p, "days", &ReadOptions::default(), &Reporter::silent()).unwrap();
    assert_eq!(inter.customers, ["a", "b", "c"]);
    assert_eq!(inter.orders, 4);
    assert_eq!(inter.not_purchases, 2);

    // The same lines with the moment kept as text (a column typed text).
    import(
        &mut p,
        &[&g],
        ImportOptions {
            types: vec![("day".into(), ColumnType::Text)],
            ..named("days_text")
        },
    )
    .unwrap();
    roles(
        &mut p,
        "days_text",
        &[
            ("customer", Role::CustomerId),
            ("day", Role::Timestamp),
            ("product", Role::ItemName),
            ("amount", Role::Amount),
        ],
    );
    assert!(assert_interactions_equal(&p, "days_text", None));
    let old =
        read_interactions_sqlite(&p, "days", &ReadOptions::default(), &Reporter::silent()).unwrap();
    let new = read_interactions(
        &p,
        "days_text",
        &ReadOptions::default(),
        &Reporter::silent(),
    )
    .unwrap();
    assert_eq!(format!("{new:?}"), format!("{old:?}"));
}

#[test]
fn purchases_from_the_copy_equal_sqlite_on_the_shop_and_the_sample() {
    let s = Scratch::new();
    let p = crate::segments::shop(&s);
    assert!(assert_interactions_equal(&p, "orders", None));
    assert!(assert_baskets_equal(&p, "orders", "order_id", "item_id"));
    assert_details_equal(&p, "orders", Some("products"));
    let sample = Project::open(sample_copy(&s)).unwrap();
    assert!(assert_interactions_equal(&sample, "orders", None));
    assert!(assert_interactions_equal(
        &sample,
        "orders",
        Some("quantity >= 2")
    ));
    assert!(assert_baskets_equal(
        &sample,
        "orders",
        "order_id",
        "product_name"
    ));
    assert_details_equal(&sample, "orders", Some("products"));
    let info = sample.dataset("orders").unwrap();
    assert!(copy::find(&sample, &info).unwrap().is_some());
}

#[test]
fn purchases_from_the_copy_equal_sqlite_on_online_retail() {
    let Some(path) = online_retail() else { return };
    let s = Scratch::new();
    let mut p = s.project();
    import(&mut p, &[&path], named("online_retail")).unwrap();
    roles(
        &mut p,
        "online_retail",
        &[
            ("InvoiceNo", Role::OrderId),
            ("CustomerID", Role::CustomerId),
            ("InvoiceDate", Role::Timestamp),
            ("StockCode", Role::ItemId),
            ("Description", Role::ItemName),
            ("Quantity", Role::Quantity),
            ("UnitPrice", Role::UnitPrice),
        ],
    );
    assert!(assert_interactions_equal(&p, "online_retail", None));
    assert!(assert_interactions_equal(
        &p,
        "online_retail",
        Some("Country = 'United Kingdom'")
    ));
    assert!(assert_baskets_equal(
        &p,
        "online_retail",
        "InvoiceNo",
        "StockCode"
    ));
    assert_details_equal(&p, "online_retail", None);
    // The figures of the recs tests: 397,884 purchase lines of 4,338 customers.
    let inter = read_interactions(
        &p,
        "online_retail",
        &ReadOptions::default(),
        &Reporter::silent(),
    )
    .unwrap();
    assert_eq!(inter.lines.len(), 397_884);
    assert_eq!(inter.customers.len(), 4_338);
}
