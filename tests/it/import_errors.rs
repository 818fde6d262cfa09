//! Bad input gets a clear error and loses nothing; a failed or cancelled import leaves the project
//! exactly as it was.

use crate::common::*;
use loupe::error::Error;
use loupe::import::{EncodingChoice, ImportOptions, RaggedPolicy, import_files};
use loupe::progress::{CancelToken, Progress, Reporter};
use loupe::store::Project;

fn err_of(p: &mut Project, f: &std::path::Path, opts: ImportOptions) -> String {
    let before = snapshot(p);
    let e = import(p, &[f], opts).expect_err("import should fail");
    assert_eq!(snapshot(p), before, "a failed import changed the project");
    e.to_string()
}

#[test]
fn empty_file() {
    let s = Scratch::new();
    let mut p = s.project();
    let f = s.write("empty.csv", "");
    let e = err_of(&mut p, &f, named("e"));
    assert!(e.contains("empty.csv") && e.contains("empty"), "{e}");
    let f = s.write("blank.csv", "\n\n  \n");
    let e = err_of(&mut p, &f, named("e"));
    assert!(e.contains("blank.csv") && e.contains("empty"), "{e}");
    let f = s.write("header_only.csv", "a,b\n");
    let e = err_of(&mut p, &f, named("e"));
    assert!(
        e.contains("header_only.csv") && e.contains("no data rows"),
        "{e}"
    );
}

#[test]
fn binary_file() {
    let s = Scratch::new();
    let mut p = s.project();
    let mut bytes = b"\x7fELF\x02\x01\x01\x00".to_vec();
    bytes.extend((0..2000).map(|i| (i * 7 % 256) as u8));
    let f = s.write("program.csv", &bytes);
    let e = err_of(&mut p, &f, named("b"));
    assert!(e.contains("program.csv") && e.contains("binary"), "{e}");
    let f = s.write("data.csv", b"PK\x03\x04rest of a zip");
    let e = err_of(&mut p, &f, named("b"));
    assert!(e.contains("ZIP") && e.contains(".xlsx"), "{e}");
}

#[test]
fn truncated_xlsx() {
    let s = Scratch::new();
    let full = s.path("full.xlsx");
    {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for i in 0..200u32 {
            ws.write_string(i, 0, format!("row {i}")).unwrap();
            ws.write_number(i, 1, i as f64).unwrap();
        }
        wb.save(&full).unwrap();
    }
    let bytes = std::fs::read(&full).unwrap();
    let cut = s.write("cut.xlsx", &bytes[..bytes.len() / 2]);
    let mut p = s.project();
    let e = err_of(&mut p, &cut, named("x"));
    assert!(e.contains("cut.xlsx") && e.contains("spreadsheet"), "{e}");
    assert!(e.contains("re-save"), "says what to do: {e}");
}

#[test]
fn ragged_rows_are_listed_by_line() {
    let s = Scratch::new();
    let mut p = s.project();
    // Line numbers count the physical lines, including a quoted field's embedded newline.
    let f = s.write(
        "ragged.csv",
        "a,b,c\n1,\"two\nlines\",3\n4,5\n6,7,8\n9,10,11,12\n",
    );
    let e = err_of(&mut p, &f, named("r"));
    assert!(e.contains("ragged.csv"), "{e}");
    assert!(
        e.contains("line 4 has 2") && e.contains("line 6 has 4"),
        "{e}"
    );
    // The library says what to do without naming a flag; the command line adds `--ragged pad`
    // (cli::explain, and `ragged_rows_name_the_flag_in_the_terminal` in cli.rs).
    assert!(
        e.contains("padded with empty cells") && !e.contains("--"),
        "{e}"
    );
    // With pad, nothing is dropped.
    let r = import(
        &mut p,
        &[&f],
        ImportOptions {
            ragged: RaggedPolicy::Pad,
            ..named("r")
        },
    )
    .unwrap();
    assert_eq!(r.rows, 4);
    assert_eq!(r.columns.len(), 4);
    assert_eq!(rows(&p, "SELECT c, column_4 FROM r")[1], vec!["∅", "∅"]);
    assert_eq!(rows(&p, "SELECT column_4 FROM r")[3], vec!["12"]);
    assert!(!r.warnings.is_empty());
}

#[test]
fn wrong_encoding_names_the_line_and_the_fix() {
    let s = Scratch::new();
    let mut text = String::from("城市,人数\n");
    for i in 0..50 {
        text.push_str(&format!("北京{i},{i}\n"));
    }
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let f = s.write("gbk.csv", &gbk);
    let mut p = s.project();
    let e = err_of(
        &mut p,
        &f,
        ImportOptions {
            encoding: EncodingChoice::Fixed(encoding_rs::UTF_8),
            ..named("g")
        },
    );
    assert!(e.contains("gbk.csv") && e.contains("line 1"), "{e}");
    // The fix, without the command line's flag (cli::explain adds `--encoding gb18030`).
    assert!(
        e.to_lowercase().contains("import it again as gb18030") && !e.contains("--"),
        "{e}"
    );
}

#[test]
fn files_with_different_columns_are_named() {
    let s = Scratch::new();
    let a = s.write("jan.csv", "id,amount\n1,2\n");
    let b = s.write("feb.csv", "id,total\n1,2\n");
    let mut p = s.project();
    let before = snapshot(&p);
    let e = import(&mut p, &[&a, &b], named("m"))
        .unwrap_err()
        .to_string();
    assert_eq!(snapshot(&p), before);
    assert!(
        e.contains("feb.csv")
            && e.contains("jan.csv")
            && e.contains("amount")
            && e.contains("total"),
        "{e}"
    );
}

#[test]
fn a_failure_half_way_leaves_nothing_behind() {
    let s = Scratch::new();
    let mut p = s.project();
    let ok = s.write("ok.csv", "a,b\n1,2\n");
    import(&mut p, &[&ok], named("keep")).unwrap();
    // A second file whose last line is broken: the first file is fully loaded before it fails.
    let mut big = String::from("a,b\n");
    for i in 0..50_000 {
        big.push_str(&format!("{i},{i}\n"));
    }
    let good = s.write("good.csv", &big);
    big.push_str("1,2,3\n");
    let bad = s.write("bad.csv", &big);
    let before = snapshot(&p);
    let e = import(&mut p, &[&good, &bad], named("half")).unwrap_err();
    assert!(matches!(e, Error::Import(_)), "{e}");
    assert_eq!(snapshot(&p), before);
    assert!(!p.has_dataset("half").unwrap());
    assert_eq!(rows(&p, "SELECT count(*) FROM keep")[0][0], "1");
    // The same name imports fine afterwards.
    import(&mut p, &[&good], named("half")).unwrap();
}

#[test]
fn a_cancelled_import_leaves_nothing_behind() {
    let s = Scratch::new();
    let mut big = String::from("id,v\n");
    for i in 0..200_000 {
        big.push_str(&format!("{i},{}.5\n", i % 97));
    }
    let f = s.write("big.csv", &big);
    let mut p = s.project();
    let before = snapshot(&p);
    let cancel = CancelToken::new();
    let c2 = cancel.clone();
    // Cancel as soon as the load pass reports.
    let sink = move |pr: &Progress| {
        if pr.stage == loupe::progress::Stage::Loading {
            c2.cancel();
        }
    };
    let rep = Reporter::new(cancel, &sink);
    let e = import_files(&mut p, &[f], &named("big"), &rep).unwrap_err();
    assert!(matches!(e, Error::Cancelled), "{e}");
    assert_eq!(snapshot(&p), before);
}

#[test]
fn a_dataset_name_is_never_silently_overwritten() {
    let s = Scratch::new();
    let f = s.write("x.csv", "a\n1\n");
    let mut p = s.project();
    import(&mut p, &[&f], named("x")).unwrap();
    let e = import(&mut p, &[&f], named("x")).unwrap_err().to_string();
    assert!(
        e.contains("already exists") && e.contains("or replace it") && !e.contains("--"),
        "{e}"
    );
    let g = s.write("y.csv", "a\n1\n2\n");
    let r = import(
        &mut p,
        &[&g],
        ImportOptions {
            replace: true,
            ..named("x")
        },
    )
    .unwrap();
    assert_eq!(r.rows, 2);
    assert_eq!(p.datasets().unwrap().len(), 1);
}

#[test]
fn values_the_type_cannot_read_are_kept_and_reported() {
    let s = Scratch::new();
    let f = s.write("k.csv", "n\n1\n2\nthree\n");
    let mut p = s.project();
    let r = import(
        &mut p,
        &[&f],
        ImportOptions {
            types: vec![("n".into(), loupe::dataset::ColumnType::Integer)],
            ..named("k")
        },
    )
    .unwrap();
    assert_eq!(rows(&p, "SELECT n FROM k")[2][0], "three");
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("line 4") && w.contains("three")),
        "{:?}",
        r.warnings
    );
}
