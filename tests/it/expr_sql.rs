//! One expression, two engines: the polars compilation and the SQL translation select the same
//! rows of the same table.

use crate::common::*;
use loupe::expr::{compile_condition, parse};
use polars::prelude::*;

#[test]
fn polars_and_sql_agree() {
    let sc = Scratch::new();
    let f = sc.write(
        "t.csv",
        "InvoiceNo,Quantity,UnitPrice,CustomerID,Country,InvoiceDate\n\
536365,6,2.55,17850,United Kingdom,2010-12-01 08:26:00\n\
C536379,-1,27.5,14527,United Kingdom,2010-12-01 09:41:00\n\
536366,0,,,France,2010-12-05 10:00:00\n\
536367,3,1.25,12346,EIRE,2011-01-18 10:01:00\n\
536368,12,0,  ,Germany,2011-06-30 23:59:00\n\
536369,7,4,13047,France,2011-12-09 12:50:00\n",
    );
    let mut p = sc.project();
    import(&mut p, &[&f], named("t")).unwrap();
    let info = p.dataset("t").unwrap();
    let df = loupe::frame::load_frame(p.conn(), &info, None)
        .unwrap()
        .lazy()
        .with_row_index("i", Some(1))
        .collect()
        .unwrap();
    let cases = [
        "Quantity <= 0",
        "InvoiceNo starts with 'C'",
        "InvoiceNo not starts with 'C' and Quantity > 0",
        "CustomerID is missing",
        "CustomerID is not missing",
        "CustomerID = 17850",
        "UnitPrice < 2 or UnitPrice is missing",
        "not UnitPrice < 2",
        "Quantity * UnitPrice > 10",
        "Quantity / UnitPrice > 2",
        "Country in ('France', 'EIRE')",
        "Country not in ('France')",
        "Quantity between 1 and 6",
        "Country ends with 'ance'",
        "Country contains 'King'",
        "lower(Country) = 'france'",
        "length(Country) > 6",
        "round(UnitPrice) = 28",
        "abs(Quantity) = 1",
        "coalesce(UnitPrice, 0) = 0",
        "InvoiceDate >= '2011-01-01'",
        "year(InvoiceDate) = 2010 and month(InvoiceDate) = 12",
        "day(InvoiceDate) = 9 or hour(InvoiceDate) = 23",
        "weekday(InvoiceDate) = 3",
        "Quantity % 2 = 1",
        "-Quantity < -5",
    ];
    for text in cases {
        let e = parse(text).unwrap();
        let cond = compile_condition(&e, df.schema()).unwrap_or_else(|err| panic!("{text}: {err}"));
        let picked = df
            .clone()
            .lazy()
            .filter(cond)
            .select([polars::prelude::col("i")])
            .collect()
            .unwrap();
        let from_polars: Vec<String> = picked
            .column("i")
            .unwrap()
            .cast(&DataType::String)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or_default().to_string())
            .collect();
        let sql = format!(
            "SELECT rowid FROM t WHERE {} ORDER BY rowid",
            e.to_sql_condition()
        );
        let from_sql: Vec<String> = rows(&p, &sql).into_iter().map(|r| r[0].clone()).collect();
        assert_eq!(from_polars, from_sql, "{text}\n  SQL: {sql}");
    }
}
