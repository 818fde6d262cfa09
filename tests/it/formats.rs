//! Every format and encoding, sniffing, type inference and role inference.

use crate::common::*;
use loupe::dataset::{ColumnType, Role};
use loupe::import::{DelimiterChoice, HeaderChoice, ImportOptions};

const CN_CSV: &str = "用户ID,下单时间,商品名称,类目,数量,实付金额,城市\n\
10001,2024-11-11 00:05:12,保温杯 500ml,家居用品,2,\"1,299.00\",北京\n\
10002,2024-11-11 00:07:45,\"茶叶, 龙井\",食品,1,88.50,上海\n\
10001,2024-11-12 10:00:00,数据线,数码,3,29.90,北京市\n";

#[test]
fn gbk_and_utf8_bom_give_identical_tables() {
    let s = Scratch::new();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(CN_CSV);
    assert!(!unmappable);
    let gbk_file = s.write("gbk.csv", &gbk);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(CN_CSV.as_bytes());
    let bom_file = s.write("bom.csv", &bom);
    let mut p = s.project();
    let a = import(&mut p, &[&gbk_file], named("gbk")).unwrap();
    let b = import(&mut p, &[&bom_file], named("bom")).unwrap();
    assert_eq!(a.encoding.as_deref(), Some("gb18030"));
    assert_eq!(b.encoding.as_deref(), Some("UTF-8 (BOM)"));
    assert_eq!(types_of(&a), types_of(&b));
    let ra = rows(&p, "SELECT * FROM gbk");
    assert_eq!(ra, rows(&p, "SELECT * FROM bom"));
    assert_eq!(ra[1][2], "茶叶, 龙井");
    assert_eq!(ra[0][6], "北京");
    assert_eq!(
        types_of(&a),
        vec![
            ("用户ID".into(), "text".into(), Some("customer_id".into())),
            (
                "下单时间".into(),
                "datetime".into(),
                Some("timestamp".into())
            ),
            ("商品名称".into(), "text".into(), Some("item_name".into())),
            ("类目".into(), "text".into(), Some("category".into())),
            ("数量".into(), "integer".into(), Some("quantity".into())),
            ("实付金额".into(), "float".into(), Some("amount".into())),
            ("城市".into(), "text".into(), None),
        ]
    );
    assert_eq!(rows(&p, "SELECT sum(实付金额) FROM gbk")[0][0], "1417.4");
    // The source files are untouched.
    assert_eq!(std::fs::read(&gbk_file).unwrap(), gbk.into_owned());
}

#[test]
fn utf16_with_bom_both_endians() {
    let s = Scratch::new();
    let text = "客户ID\t金额\n1\t2.5\n2\t3\n";
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for u in text.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
        be.extend_from_slice(&u.to_be_bytes());
    }
    let mut p = s.project();
    for (name, bytes, enc) in [("le", le, "UTF-16LE"), ("be", be, "UTF-16BE")] {
        let f = s.write(&format!("{name}.txt"), bytes);
        let r = import(&mut p, &[&f], named(name)).unwrap();
        assert_eq!(r.encoding.as_deref(), Some(enc));
        assert_eq!(r.delimiter.as_deref(), Some("tab"));
        assert_eq!(col(&r, "金额").ty, ColumnType::Float);
        assert_eq!(
            rows(&p, &format!("SELECT 客户ID, 金额 FROM {name}")),
            vec![vec!["1", "2.5"], vec!["2", "3"]]
        );
    }
}

#[test]
fn whitespace_without_header() {
    let s = Scratch::new();
    let f = s.write("w.txt", "1  2.5   abc\n2\t3.0 def\n\n3 4 ghi\n");
    let mut p = s.project();
    let r = import(
        &mut p,
        &[&f],
        ImportOptions {
            delimiter: DelimiterChoice::Whitespace,
            header: HeaderChoice::No,
            ..named("w")
        },
    )
    .unwrap();
    assert_eq!(r.rows, 3);
    assert_eq!(
        types_of(&r)
            .into_iter()
            .map(|c| (c.0, c.1))
            .collect::<Vec<_>>(),
        vec![
            ("column_1".to_string(), "integer".to_string()),
            ("column_2".to_string(), "float".to_string()),
            ("column_3".to_string(), "text".to_string())
        ]
    );
    assert_eq!(rows(&p, "SELECT column_3 FROM w")[2][0], "ghi");
}

#[test]
fn sniffs_delimiters_quotes_and_embedded_newlines() {
    let s = Scratch::new();
    let mut p = s.project();
    for (name, text, want) in [
        ("semi", "a;b\n1;x\n2;y\n", ";"),
        ("tab", "a\tb\n1\tx\n", "tab"),
        ("pipe", "a|b\n1|x\n", "|"),
        (
            "comma",
            "a,b\n1,\"x, \"\"quoted\"\"\nsecond line\"\n2,y\n",
            ",",
        ),
    ] {
        let f = s.write(&format!("{name}.csv"), text);
        let r = import(&mut p, &[&f], named(name)).unwrap();
        assert_eq!(r.delimiter.as_deref(), Some(want), "{name}");
        assert_eq!(r.columns.len(), 2, "{name}");
    }
    assert_eq!(
        rows(&p, "SELECT b FROM comma")[0][0],
        "x, \"quoted\"\nsecond line"
    );
}

#[test]
fn header_is_detected_or_absent() {
    let s = Scratch::new();
    let mut p = s.project();
    let f = s.write("nohead.csv", "1,2010-12-01,9.5\n2,2010-12-02,3\n");
    let r = import(&mut p, &[&f], named("nohead")).unwrap();
    assert!(!r.header);
    assert_eq!(r.rows, 2);
    assert_eq!(col(&r, "column_2").ty, ColumnType::Date);
    let f = s.write("head.csv", "id,day,price\n1,2010-12-01,9.5\n");
    let r = import(&mut p, &[&f], named("head")).unwrap();
    assert!(r.header);
    assert_eq!(r.rows, 1);
}

#[test]
fn dates_in_the_formats_exports_use() {
    let s = Scratch::new();
    let text = "iso,us,compact_date,slash,cn,unix_ts,unix_ms_time\n\
2010-12-01 08:26:00,12/1/2010 8:26,20101201,2010/12/01,2010年12月1日,1291191960,1291191960000\n\
2011-01-15 17:05:30,1/15/2011 17:05,20110115,2011/01/15,2011年1月15日,1295111130,1295111130000\n";
    let f = s.write("dates.csv", text);
    let mut p = s.project();
    let r = import(&mut p, &[&f], named("d")).unwrap();
    let t = |c: &str| col(&r, c).ty;
    assert_eq!(t("iso"), ColumnType::Datetime);
    assert_eq!(t("us"), ColumnType::Datetime);
    assert_eq!(t("compact_date"), ColumnType::Date);
    assert_eq!(t("slash"), ColumnType::Date);
    assert_eq!(t("cn"), ColumnType::Date);
    assert_eq!(t("unix_ts"), ColumnType::Datetime);
    assert_eq!(t("unix_ms_time"), ColumnType::Datetime);
    assert_eq!(
        rows(&p, "SELECT * FROM d")[0],
        vec![
            "2010-12-01 08:26:00",
            "2010-12-01 08:26:00",
            "2010-12-01",
            "2010-12-01",
            "2010-12-01",
            "2010-12-01 08:26:00",
            "2010-12-01 08:26:00"
        ]
    );
    // SQLite's date functions work on what is stored.
    assert_eq!(rows(&p, "SELECT strftime('%m', us) FROM d")[1][0], "01");
}

#[test]
fn identifiers_stay_text() {
    let s = Scratch::new();
    let text = "CustomerID,zip,id_card,mobile,order_no,n\n\
17850.0,010020,110101199003074578,13812345678,1001,1\n\
13047.0,200000,11010119900307457X,15900001111,1002,2\n\
,100000,110101199003074578,13900002222,1003,3\n";
    let f = s.write("ids.csv", text);
    let mut p = s.project();
    let r = import(&mut p, &[&f], named("ids")).unwrap();
    for c in ["CustomerID", "zip", "id_card", "mobile", "order_no"] {
        assert_eq!(col(&r, c).ty, ColumnType::Text, "{c}");
    }
    assert_eq!(col(&r, "n").ty, ColumnType::Integer);
    assert_eq!(col(&r, "order_no").role, Some(Role::OrderId));
    assert_eq!(
        rows(&p, "SELECT CustomerID, zip FROM ids"),
        vec![
            vec!["17850", "010020"],
            vec!["13047", "200000"],
            vec!["∅", "100000"]
        ]
    );
    assert_eq!(col(&r, "CustomerID").nulls, 1);
}

#[test]
fn a_role_given_by_the_user_steers_the_type() {
    let s = Scratch::new();
    let f = s.write("r.csv", "dt,who,v\n20101201,a,1\n20101202,b,2\n");
    let mut p = s.project();
    let plain = import(&mut p, &[&f], named("plain")).unwrap();
    assert_eq!(col(&plain, "dt").ty, ColumnType::Integer);
    let steered = import(
        &mut p,
        &[&f],
        ImportOptions {
            roles: vec![
                ("dt".into(), Role::Timestamp),
                ("who".into(), Role::CustomerId),
            ],
            ..named("steered")
        },
    )
    .unwrap();
    assert_eq!(col(&steered, "dt").ty, ColumnType::Date);
    assert_eq!(col(&steered, "dt").role, Some(Role::Timestamp));
    assert_eq!(col(&steered, "who").role, Some(Role::CustomerId));
    assert_eq!(rows(&p, "SELECT dt FROM steered")[1][0], "2010-12-02");
    // A role that cannot fit is refused with the reason.
    let err = import(
        &mut p,
        &[&f],
        ImportOptions {
            roles: vec![("who".into(), Role::Timestamp)],
            ..named("bad")
        },
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("who") && err.contains("timestamp"), "{err}");
}

#[test]
fn roles_from_content_and_event_logs() {
    let s = Scratch::new();
    let f = s.write(
        "ub.csv",
        "1,100,2,pv,1511544070\n1,101,2,cart,1511544080\n2,100,3,buy,1511544090\n3,102,2,fav,1511544095\n",
    );
    let mut p = s.project();
    let r = import(
        &mut p,
        &[&f],
        ImportOptions {
            header: HeaderChoice::No,
            ..named("ub")
        },
    )
    .unwrap();
    assert_eq!(col(&r, "column_4").role, Some(Role::EventType));
}

#[test]
fn excel_workbooks() {
    let s = Scratch::new();
    let path = s.path("book.xlsx");
    {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("订单").unwrap();
        for (j, h) in ["订单号", "客户ID", "支付时间", "实付金额", "备注"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, j as u16, *h).unwrap();
        }
        let fmt = Format::new().set_num_format("yyyy-mm-dd hh:mm");
        for i in 0..3u32 {
            ws.write_string(i + 1, 0, format!("A{:04}", i + 1)).unwrap();
            ws.write_number(i + 1, 1, 17850.0 + i as f64).unwrap();
            let dt = ExcelDateTime::from_ymd(2024, 11, 11 + i as u8)
                .unwrap()
                .and_hms(8, 26, 0)
                .unwrap();
            ws.write_datetime_with_format(i + 1, 2, &dt, &fmt).unwrap();
            ws.write_number(i + 1, 3, 99.5 + i as f64).unwrap();
            ws.write_string(i + 1, 4, "双十一").unwrap();
        }
        let other = wb.add_worksheet();
        other.set_name("Other").unwrap();
        other.write_string(0, 0, "x").unwrap();
        other.write_number(1, 0, 1).unwrap();
        wb.save(&path).unwrap();
    }
    let mut p = s.project();
    let r = import(&mut p, &[&path], named("xl")).unwrap();
    assert_eq!(r.rows, 3);
    assert_eq!(col(&r, "客户ID").ty, ColumnType::Text);
    assert_eq!(col(&r, "支付时间").ty, ColumnType::Datetime);
    assert_eq!(col(&r, "实付金额").ty, ColumnType::Float);
    assert_eq!(
        rows(&p, "SELECT * FROM xl")[0],
        vec!["A0001", "17850", "2024-11-11 08:26:00", "99.5", "双十一"]
    );
    let r = import(
        &mut p,
        &[&path],
        ImportOptions {
            sheet: Some("Other".into()),
            ..named("other")
        },
    )
    .unwrap();
    assert_eq!(r.rows, 1);
    let err = import(
        &mut p,
        &[&path],
        ImportOptions {
            sheet: Some("Nope".into()),
            ..named("nope")
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("订单") && err.contains("Other") && err.contains("Nope"),
        "{err}"
    );
}

#[test]
fn parquet_files() {
    use polars::prelude::{ParquetWriter, df};
    let s = Scratch::new();
    let path = s.path("p.parquet");
    let mut df = df!(
        "customer_id" => ["a", "b", "c"],
        "qty" => [1i64, 2, 3],
        "price" => [1.5f64, 2.25, 3.0],
        "ok" => [true, false, true],
    )
    .unwrap();
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .finish(&mut df)
        .unwrap();
    let mut p = s.project();
    let r = import(&mut p, &[&path], named("pq")).unwrap();
    assert_eq!(r.format, "parquet");
    assert_eq!(col(&r, "qty").ty, ColumnType::Integer);
    assert_eq!(col(&r, "price").ty, ColumnType::Float);
    assert_eq!(col(&r, "ok").ty, ColumnType::Boolean);
    assert_eq!(
        rows(&p, "SELECT sum(price), sum(ok) FROM pq")[0],
        vec!["6.75", "2"]
    );
}

#[test]
fn json_and_ndjson() {
    let s = Scratch::new();
    let arr = s.write(
        "a.json",
        r#"[{"user_id": 1, "event": "pv", "ts": "2024-01-01 10:00:00"},
            {"user_id": 2, "event": "buy", "ts": "2024-01-02 11:00:00", "extra": {"k": 1}}]"#,
    );
    let nd = s.write(
        "b.ndjson",
        "{\"user_id\": 1, \"amount\": 2.5}\n\n{\"user_id\": 2, \"amount\": null}\n",
    );
    let mut p = s.project();
    let r = import(&mut p, &[&arr], named("ja")).unwrap();
    assert_eq!(r.rows, 2);
    assert_eq!(col(&r, "ts").ty, ColumnType::Datetime);
    assert_eq!(col(&r, "user_id").ty, ColumnType::Text);
    assert_eq!(rows(&p, "SELECT extra FROM ja")[1][0], "{\"k\":1}");
    let r = import(&mut p, &[&nd], named("jn")).unwrap();
    assert_eq!(r.format, "ndjson");
    assert_eq!(col(&r, "amount").nulls, 1);
}

#[test]
fn several_files_append_into_one_dataset() {
    let s = Scratch::new();
    let a = s.write("2024-01.csv", "order_id,amount\n1,10\n2,20\n");
    let b = s.write("2024-02.csv", "order_id,amount\n3,30.5\n");
    let mut p = s.project();
    let r = import(&mut p, &[&a, &b], named("orders")).unwrap();
    assert_eq!(r.rows, 3);
    assert_eq!(r.files.len(), 2);
    assert_eq!(r.files[1].rows, 1);
    assert_eq!(r.files[0].sha256.len(), 64);
    assert_eq!(col(&r, "amount").ty, ColumnType::Float);
    let info = p.dataset("orders").unwrap();
    assert_eq!(info.sources.len(), 2);
    assert_eq!(info.rows, 3);
}

#[test]
fn gzip_input_is_read_transparently() {
    use std::io::Write;
    let s = Scratch::new();
    let path = s.path("g.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(b"a,b\n1,x\n2,y\n").unwrap();
    enc.finish().unwrap();
    let mut p = s.project();
    let r = import(&mut p, &[&path], ImportOptions::default()).unwrap();
    assert_eq!(r.dataset, "g");
    assert_eq!(r.rows, 2);
}

#[test]
fn a_late_value_that_changes_a_type_is_honoured() {
    // The load starts with a plan from the first 20,000 rows; values after that decide too.
    let s = Scratch::new();
    let mut text = String::from("code,day,n\n");
    for i in 0..30_000 {
        text.push_str(&format!(
            "{},{}/{}/2011,{i}\n",
            100 + i,
            1 + i % 12,
            1 + i % 12
        ));
    }
    // Row 30,001: a leading zero makes `code` an identifier; a day over 12 makes `day` day-first.
    text.push_str("0042,13/1/2011,7.5\n");
    let f = s.write("late.csv", &text);
    let mut p = s.project();
    let r = import(&mut p, &[&f], named("late")).unwrap();
    assert_eq!(r.rows, 30_001);
    assert_eq!(col(&r, "code").ty, ColumnType::Text);
    assert_eq!(col(&r, "day").ty, ColumnType::Date);
    assert_eq!(col(&r, "n").ty, ColumnType::Float);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(
        rows(&p, "SELECT code, day, n FROM late WHERE rowid = 1")[0],
        vec!["100", "2011-01-01", "0"]
    );
    assert_eq!(
        rows(&p, "SELECT code, day FROM late WHERE rowid = 3")[0],
        vec!["102", "2011-03-03"]
    );
    assert_eq!(
        rows(&p, "SELECT code, day, n FROM late WHERE rowid = 30001")[0],
        vec!["0042", "2011-01-13", "7.5"]
    );
    assert_eq!(
        rows(
            &p,
            "SELECT typeof(code), typeof(n) FROM late WHERE rowid = 2"
        )[0],
        vec!["text", "real"]
    );
}
