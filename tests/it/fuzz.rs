//! Fuzzing of every parser of user input, on the stable toolchain with proptest: the expression
//! language, the segment rule language, the sniffing of delimited text files and the recipe JSON.
//!
//! The generators know each grammar (tokens, nesting, quoting, unicode, encodings) and also
//! mutate what they built and the seed corpus in `tests/fuzz-corpus/<parser>/`, which each test
//! also runs as it is. Properties: nothing panics; what parses prints back to the same thing
//! (expressions, rules, recipes); what parses also compiles, evaluates or runs without a panic.
//!
//! A short run is part of the normal test suite. A long one:
//! `LOUPE_FUZZ_SECONDS=600 cargo test --release --test it fuzz::expressions -- --nocapture`
//! (`LOUPE_FUZZ_CASES` sets the cases per round). Failures are kept in
//! `tests/fuzz-corpus/regressions/` and replayed first.

use crate::common::*;
use loupe::expr::{Expr, parse};
use loupe::import::QuoteMode;
use loupe::segments::parse_rule;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Cases per round: `LOUPE_FUZZ_CASES`, else a short run.
fn cases() -> u32 {
    std::env::var("LOUPE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

/// How long to keep going, round after round: `LOUPE_FUZZ_SECONDS`, else one round.
fn budget() -> Option<Duration> {
    std::env::var("LOUPE_FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_secs)
}

/// Runs `test` on values of `strategy`, round after round until the budget is spent; failures
/// persist in `regressions` (relative to the repository).
/// `test` says whether the input parsed (for the summary: a generator whose inputs never parse
/// tests little beyond the first error).
fn fuzz<S: Strategy>(
    name: &str,
    regressions: &'static str,
    strategy: S,
    test: impl Fn(S::Value) -> Result<bool, TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let started = Instant::now();
    let mut rounds = 0u64;
    let parsed = std::sync::atomic::AtomicU64::new(0);
    let test = |v: S::Value| {
        if test(v)? {
            parsed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    };
    loop {
        let config = Config {
            cases: cases(),
            failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions))),
            max_shrink_iters: 4096,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        if let Err(e) = runner.run(&strategy, test) {
            panic!("{name}: {e}");
        }
        rounds += 1;
        match budget() {
            Some(b) if started.elapsed() < b => continue,
            _ => break,
        }
    }
    eprintln!(
        "fuzz {name}: {} cases in {rounds} round(s), {:.0} s, {} of the inputs run (with shrinking) parsed, no failure",
        rounds * u64::from(cases()),
        started.elapsed().as_secs_f64(),
        parsed.into_inner()
    );
}

fn corpus_dir(parser: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-corpus")
        .join(parser)
}

/// The seed inputs of a parser, as bytes.
fn corpus(parser: &str) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir(parser))
        .unwrap_or_else(|e| panic!("tests/fuzz-corpus/{parser}: {e}"))
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let seeds: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert!(
        seeds.len() >= 5,
        "too few seeds in tests/fuzz-corpus/{parser}"
    );
    seeds
}

fn corpus_text(parser: &str) -> Vec<String> {
    corpus(parser)
        .into_iter()
        .map(|b| {
            String::from_utf8_lossy(&b)
                .trim_end_matches('\n')
                .to_string()
        })
        .collect()
}

/// Edits that break text in the ways people and tools do.
#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, String),
    Delete(usize, usize),
    Duplicate(usize, usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), piece()).prop_map(|(i, s)| Edit::Insert(i, s)),
        (any::<usize>(), 0usize..8).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<usize>(), 1usize..12).prop_map(|(i, n)| Edit::Duplicate(i, n)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let n = chars.len();
        match e {
            Edit::Insert(i, s) => {
                let at = i % (n + 1);
                chars.splice(at..at, s.chars());
            }
            Edit::Delete(i, k) if n > 0 => {
                let at = i % n;
                chars.drain(at..(at + k).min(n));
            }
            Edit::Duplicate(i, k) if n > 0 => {
                let at = i % n;
                let piece: Vec<char> = chars[at..(at + k).min(n)].to_vec();
                chars.splice(at..at, piece);
            }
            Edit::Truncate(i) => chars.truncate(i % (n + 1)),
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// `base` texts with a few random edits.
fn mutated(base: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    (base, prop::collection::vec(edit(), 0..4)).prop_map(|(t, e)| apply(&t, &e))
}

/// Any one token or odd character of the languages, and some that are none.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "(",
            ")",
            ",",
            "'",
            "\"",
            "`",
            "''",
            "=",
            "!=",
            "<>",
            "<",
            "<=",
            ">",
            ">=",
            "+",
            "-",
            "*",
            "/",
            "%",
            " and ",
            " or ",
            " not ",
            " is ",
            " in ",
            " between ",
            " starts with ",
            " ends with ",
            " contains ",
            " missing ",
            " null ",
            " within ",
            " days ",
            " last ",
            "everyone",
            "bought(",
            "did(",
            "has_tag(",
            "in_segment(",
            "abs(",
            "round(",
            "year(",
            "coalesce(",
            "\u{0}",
            "\u{202e}",
            "\u{feff}",
            "😀",
            "金额",
            "\n",
            "\t",
            "1e999",
            "-9223372036854775808",
            "9223372036854775808",
            ".5",
            "0x10",
            "NaN",
        ])
        .prop_map(str::to_string),
        any::<char>().prop_map(|c| c.to_string()),
        "[a-z_]{1,6}",
    ]
}

fn column() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "monetary", "recency_days", "orders", "country", "last_purchase", "customer_id",
            "金额", "城市", "m_score", "favourite_category",
        ])
        .prop_map(str::to_string),
        1 => "[a-zA-Z_][a-zA-Z0-9_]{0,8}",
        1 => "[^\"]{0,6}".prop_map(|s| format!("\"{s}\"")),
        1 => "[a-z 中文]{0,5}".prop_map(|s| format!("`{s}`")),
    ]
}

fn literal() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|x| x.to_string()),
        (0u32..100_000).prop_map(|i| i.to_string()),
        "[^']{0,8}".prop_map(|s| format!("'{s}'")),
        "[a-z']{0,8}".prop_map(|s| format!("'{}'", s.replace('\'', "''"))),
        prop::sample::select(vec!["true", "false", "null", "'2024-01-31'", "''", "1e308"])
            .prop_map(str::to_string),
    ]
}

const FUNCTIONS: [&str; 12] = [
    "abs", "round", "year", "month", "lower", "upper", "length", "coalesce", "trim", "day",
    "floor", "substr",
];

/// Expression text built from the grammar.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![3 => column(), 2 => literal(), 1 => piece()];
    leaf.prop_recursive(6, 48, 4, |inner| {
        let op = prop::sample::select(vec![
            "+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "and", "or", "AND", "Or",
        ]);
        prop_oneof![
            (inner.clone(), op, inner.clone()).prop_map(|(a, o, b)| format!("{a} {o} {b}")),
            inner.clone().prop_map(|a| format!("not {a}")),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.clone().prop_map(|a| format!("({a})")),
            (
                prop::sample::select(FUNCTIONS.to_vec()),
                prop::collection::vec(inner.clone(), 0..4)
            )
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
            (inner.clone(), any::<bool>())
                .prop_map(|(a, n)| format!("{a} is {}missing", if n { "not " } else { "" })),
            (inner.clone(), prop::collection::vec(literal(), 0..4))
                .prop_map(|(a, l)| format!("{a} in ({})", l.join(", "))),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(a, b, c)| format!("{a} not between {b} and {c}")),
            (
                inner.clone(),
                prop::sample::select(vec!["starts with", "ends with", "contains", "not contains"]),
                literal()
            )
                .prop_map(|(a, o, l)| format!("{a} {o} {l}")),
        ]
    })
}

fn expression_input() -> impl Strategy<Value = String> {
    let seeds = corpus_text("expr");
    prop_oneof![
        4 => mutated(expression()),
        2 => mutated(prop::sample::select(seeds)),
        1 => prop::collection::vec(piece(), 0..24).prop_map(|v| v.concat()),
    ]
}

/// A polars schema with the columns the generators name.
fn schema() -> polars::prelude::Schema {
    use polars::prelude::*;
    let mut s = Schema::default();
    for (name, ty) in [
        ("monetary", DataType::Float64),
        ("recency_days", DataType::Int64),
        ("orders", DataType::Int64),
        ("country", DataType::String),
        ("last_purchase", DataType::Date),
        ("customer_id", DataType::String),
        ("金额", DataType::Float64),
        ("城市", DataType::String),
        ("m_score", DataType::Int64),
        ("favourite_category", DataType::String),
    ] {
        s.insert(name.into(), ty);
    }
    s
}

fn check_expression(text: &str, schema: &polars::prelude::Schema) -> Result<bool, TestCaseError> {
    let Ok(e) = parse(text) else {
        return Ok(false);
    };
    let printed = e.to_string();
    let again: Expr = parse(&printed)
        .map_err(|err| TestCaseError::fail(format!("{text:?} printed as {printed:?}: {err}")))?;
    prop_assert_eq!(&again, &e, "{:?} printed as {:?}", text, printed);
    let _ = e.to_sql();
    let _ = loupe::expr::compile(&e, schema);
    let _ = loupe::expr::compile_condition(&e, schema);
    Ok(true)
}

#[test]
fn expressions() {
    let schema = schema();
    for seed in corpus_text("expr") {
        check_expression(&seed, &schema).unwrap();
    }
    fuzz(
        "expressions",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fuzz-corpus/regressions/expr.txt"
        ),
        expression_input(),
        |text| check_expression(&text, &schema),
    );
}

/// Segment rule text built from the grammar.
fn rule() -> impl Strategy<Value = String> {
    let arg = prop_oneof![
        (
            prop::sample::select(vec!["item_id", "item", "category", "event"]),
            literal()
        )
            .prop_map(|(n, v)| format!("{n} = {v}")),
        (
            prop::sample::select(vec!["min_times", "max_times", "within_days", "min_amount"]),
            any::<i32>()
        )
            .prop_map(|(n, v)| format!("{n} = {v}")),
        prop::sample::select(vec!["after", "before"]).prop_map(|n| format!("{n} = '2024-02-30'")),
        (
            prop::sample::select(vec!["category", "item"]),
            prop::collection::vec(literal(), 0..3)
        )
            .prop_map(|(n, l)| format!("{n} in ({})", l.join(", "))),
    ];
    let leaf = prop_oneof![
        4 => expression(),
        2 => (prop::sample::select(vec!["bought", "did"]), prop::collection::vec(arg, 0..4))
            .prop_map(|(f, a)| format!("{f}({})", a.join(", "))),
        1 => (prop::sample::select(vec!["has_tag", "in_segment"]), literal())
            .prop_map(|(f, n)| format!("{f}({n})")),
        1 => Just("everyone".to_string()),
        1 => (column(), any::<bool>(), any::<i64>())
            .prop_map(|(c, l, n)| format!("{c} within {}{n} days", if l { "last " } else { "" })),
    ];
    leaf.prop_recursive(5, 32, 4, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec!["and", "or", "AND", "OR"]),
                inner.clone()
            )
                .prop_map(|(a, o, b)| format!("{a} {o} {b}")),
            inner.clone().prop_map(|a| format!("not {a}")),
            inner.clone().prop_map(|a| format!("({a})")),
        ]
    })
}

fn rule_input() -> impl Strategy<Value = String> {
    let seeds = corpus_text("rules");
    prop_oneof![
        4 => mutated(rule()),
        2 => mutated(prop::sample::select(seeds)),
    ]
}

fn check_rule(text: &str, base: &loupe::segments::SegmentBase) -> Result<bool, TestCaseError> {
    let Ok(r) = parse_rule(text) else {
        return Ok(false);
    };
    let printed = r.to_string();
    let again = parse_rule(&printed)
        .map_err(|err| TestCaseError::fail(format!("{text:?} printed as {printed:?}: {err}")))?;
    prop_assert_eq!(&again, &r, "{:?} printed as {:?}", text, printed);
    // The stored form (saved segments): JSON. serde_json reads some floats 1 ulp off
    // (-2.245983780510852e-39 comes back as …8517e-39) unless its `float_roundtrip` feature is
    // on, which would rebuild polars: compared up to that.
    let json = serde_json::to_value(&r).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let text = json.to_string();
    let from_json: loupe::segments::Rule =
        serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
    let back = serde_json::to_value(&from_json).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(same_json(&back, &json), "{} read back as {}", text, back);
    let _ = loupe::segments::members(base, &r, &Default::default());
    Ok(true)
}

/// Equal JSON, numbers up to a relative 1e-15 (and, below the normal range, where a float has
/// fewer digits, up to a few of its smallest steps).
fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) if x != y => {
                (x - y).abs() <= (1e-15 * x.abs().max(y.abs())).max(4.0 * f64::from_bits(1))
            }
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn segment_rules() {
    let s = Scratch::new();
    let p = crate::segments::shop(&s);
    let base = loupe::segments::SegmentBase::load(
        &p,
        &loupe::segments::BaseOptions {
            dataset: Some("orders".into()),
            attributes: Some("customers".into()),
            products: Some("products".into()),
            events: Some("events".into()),
            ..Default::default()
        },
    )
    .unwrap();
    for seed in corpus_text("rules") {
        check_rule(&seed, &base).unwrap();
    }
    fuzz(
        "segment rules",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fuzz-corpus/regressions/rules.txt"
        ),
        rule_input(),
        |text| check_rule(&text, &base),
    );
}

/// One cell of a delimited file, as people and programs write them.
fn cell() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => "[a-zA-Z0-9 ._-]{0,10}".prop_map(String::into_bytes),
        2 => literal().prop_map(String::into_bytes),
        1 => "[^\"]{0,8}".prop_map(|s| format!("\"{s}\"").into_bytes()),
        1 => "[a-z,;\t\n\"]{0,8}".prop_map(|s| format!("\"{}\"", s.replace('"', "\"\"")).into_bytes()),
        1 => Just(b"\"unterminated".to_vec()),
        1 => "[北京上海城市金额订单]{1,4}".prop_map(String::into_bytes),
        1 => "[北京上海城市金额订单]{1,4}".prop_map(|s| encoding_rs::GBK.encode(&s).0.into_owned()),
        1 => prop::collection::vec(any::<u8>(), 0..6),
        1 => Just(b"2024-01-31 10:00:00".to_vec()),
        1 => Just(b"13812345678".to_vec()),
    ]
}

/// The bytes of a delimited text file.
fn delimited() -> impl Strategy<Value = Vec<u8>> {
    let delim = prop::sample::select(vec![",", ";", "\t", "|", " ", ",,"]);
    let eol = prop::sample::select(vec!["\n", "\r\n", "\r"]);
    let bom: BoxedStrategy<&[u8]> = prop::sample::select(vec![
        &b""[..],
        &b""[..],
        &b"\xEF\xBB\xBF"[..],
        &b"\xFF\xFE"[..],
        &b"\xFE\xFF"[..],
    ])
    .boxed();
    (
        bom,
        delim,
        eol,
        prop::collection::vec(prop::collection::vec(cell(), 0..6), 0..12),
        any::<bool>(),
    )
        .prop_map(|(bom, d, eol, rows, final_eol)| {
            let mut out = bom.to_vec();
            for (i, row) in rows.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(eol.as_bytes());
                }
                out.extend_from_slice(&row.join(d.as_bytes()));
            }
            if final_eol {
                out.extend_from_slice(eol.as_bytes());
            }
            out
        })
}

fn mutated_bytes(base: impl Strategy<Value = Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    (
        base,
        prop::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 0..4),
    )
        .prop_map(|(mut b, edits)| {
            for (i, byte, kind) in edits {
                let n = b.len();
                match kind {
                    0 => b.insert(i % (n + 1), byte),
                    1 if n > 0 => {
                        b.remove(i % n);
                    }
                    _ if n > 0 => b[i % n] = byte,
                    _ => {}
                }
            }
            b
        })
}

fn csv_input() -> impl Strategy<Value = (Vec<u8>, &'static str)> {
    let seeds = corpus("csv");
    (
        prop_oneof![
            4 => mutated_bytes(delimited()),
            2 => mutated_bytes(prop::sample::select(seeds)),
        ],
        prop::sample::select(vec!["csv", "tsv", "txt"]),
    )
}

fn check_csv(bytes: &[u8], ext: &str, dir: &Path) -> Result<bool, TestCaseError> {
    let path = dir.join(format!("fuzz.{ext}"));
    std::fs::write(&path, bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let opts = loupe::import::ImportOptions::default();
    let sniffed = loupe::import::sniff::sniff(&path, &opts);
    if let Ok(f) = &sniffed {
        let _ = loupe::import::sniff::unique_names(&f.header);
    }
    let _ = loupe::import::preview(&path, &opts, 20);
    let text = String::from_utf8_lossy(bytes);
    for d in [b',', b'\t', b';'] {
        for quotes in [QuoteMode::Standard, QuoteMode::Plain] {
            let sample = loupe::import::sniff::sample_records(
                &text,
                loupe::import::source::Delimiter::Byte(d),
                20,
                quotes,
            );
            let _ = loupe::import::sniff::looks_like_header(&sample);
        }
    }
    Ok(sniffed.is_ok())
}

#[test]
fn csv_sniffing() {
    let s = Scratch::new();
    for (i, seed) in corpus("csv").iter().enumerate() {
        check_csv(seed, if i % 2 == 0 { "csv" } else { "txt" }, s.dir.path()).unwrap();
    }
    fuzz(
        "csv sniffing",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fuzz-corpus/regressions/csv.txt"
        ),
        csv_input(),
        |(bytes, ext)| check_csv(&bytes, ext, s.dir.path()),
    );
}

/// A JSON value of any shape, small.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|x| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)),
        column().prop_map(Value::String),
        expression().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((field(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec![
            "columns", "keep", "where", "column", "with", "case", "map", "from", "to", "format",
            "fence", "method", "k", "z", "low", "high", "action", "separator", "into",
            "keep_original", "name", "expr", "country_code", "enabled", "constant", "flag",
        ])
        .prop_map(str::to_string),
        1 => "[a-z_]{1,8}",
    ]
}

/// A recipe's JSON: steps of the known operations with fields of any shape.
fn recipe_json() -> impl Strategy<Value = String> {
    use serde_json::{Map, Value};
    let op = prop_oneof![
        8 => prop::sample::select(vec![
            "remove_duplicates", "drop_rows", "fill_missing", "trim", "change_case",
            "map_values", "cast", "outliers", "split", "rename", "drop_columns", "derive",
            "standardize_phone", "standardize_email",
        ])
        .prop_map(str::to_string),
        1 => "[a-z_]{1,10}",
    ];
    let step = (op, prop::collection::vec((field(), json_value()), 0..5)).prop_map(|(op, kv)| {
        let mut m: Map<String, Value> = kv.into_iter().collect();
        m.insert("op".into(), Value::String(op));
        Value::Object(m)
    });
    (prop::option::of(0u32..3), prop::collection::vec(step, 0..5)).prop_map(|(version, steps)| {
        let mut m = Map::new();
        if let Some(v) = version {
            m.insert("version".into(), Value::from(v));
        }
        m.insert("steps".into(), Value::Array(steps));
        Value::Object(m).to_string()
    })
}

/// A column of the fuzzed frame, or another name.
fn frame_column() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        5 => prop::sample::select(vec!["customer_id", "country", "monetary", "orders", "phone"])
            .prop_map(serde_json::Value::from),
        1 => column().prop_map(serde_json::Value::from),
    ]
}

fn columns() -> impl Strategy<Value = serde_json::Value> {
    prop::collection::vec(frame_column(), 0..3).prop_map(serde_json::Value::Array)
}

fn text_value() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![literal(), "[a-zA-Z 中]{0,6}", piece()].prop_map(serde_json::Value::from)
}

fn number_value() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        any::<f64>().prop_map(|x| serde_json::json!(x)),
        (-5.0f64..5.0).prop_map(|x| serde_json::json!(x)),
        Just(serde_json::Value::Null),
    ]
}

/// One step that reads as a recipe step: each operation with fields of the right shape.
fn valid_step() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::json;
    prop_oneof![
        (columns(), prop::sample::select(vec!["first", "last"]))
            .prop_map(|(c, k)| json!({"op": "remove_duplicates", "columns": c, "keep": k})),
        expression().prop_map(|e| json!({"op": "drop_rows", "where": e})),
        (
            frame_column(),
            prop_oneof![
                text_value().prop_map(|v| json!({ "constant": v })),
                prop::sample::select(vec!["mean", "median", "mode", "forward"])
                    .prop_map(serde_json::Value::from),
            ]
        )
            .prop_map(|(c, w)| json!({"op": "fill_missing", "column": c, "with": w})),
        columns().prop_map(|c| json!({"op": "trim", "columns": c})),
        (
            columns(),
            prop::sample::select(vec!["lower", "upper", "title"])
        )
            .prop_map(|(c, k)| json!({"op": "change_case", "columns": c, "case": k})),
        (
            frame_column(),
            prop::collection::vec(
                (prop::collection::vec(text_value(), 0..3), text_value()),
                0..3
            )
        )
            .prop_map(|(c, m)| {
                let map: Vec<_> = m
                    .into_iter()
                    .map(|(f, t)| json!({"from": f, "to": t}))
                    .collect();
                json!({"op": "map_values", "column": c, "map": map})
            }),
        (
            frame_column(),
            prop::sample::select(vec![
                "integer", "float", "boolean", "date", "datetime", "text"
            ]),
            prop::option::of(prop::sample::select(vec!["%d/%m/%Y", "%Y", "%", "%Q", "x"]))
        )
            .prop_map(|(c, t, f)| match f {
                Some(f) => json!({"op": "cast", "column": c, "to": t, "format": f}),
                None => json!({"op": "cast", "column": c, "to": t}),
            }),
        (
            frame_column(),
            prop_oneof![
                number_value().prop_map(|k| json!({"method": "iqr", "k": k})),
                number_value().prop_map(|z| json!({"method": "z_score", "z": z})),
                (number_value(), number_value())
                    .prop_map(|(l, h)| json!({"method": "bounds", "low": l, "high": h})),
            ],
            prop_oneof![
                Just(json!("clip")),
                Just(json!("drop")),
                frame_column().prop_map(|f| json!({ "flag": f })),
            ]
        )
            .prop_map(|(c, f, a)| json!({"op": "outliers", "column": c, "fence": f, "action": a})),
        (frame_column(), text_value(), columns(), any::<bool>()).prop_map(|(c, s, i, k)| {
            json!({"op": "split", "column": c, "separator": s, "into": i, "keep_original": k})
        }),
        (frame_column(), frame_column())
            .prop_map(|(f, t)| json!({"op": "rename", "from": f, "to": t})),
        columns().prop_map(|c| json!({"op": "drop_columns", "columns": c})),
        (frame_column(), expression())
            .prop_map(|(n, e)| json!({"op": "derive", "name": n, "expr": e})),
        (frame_column(), "[0-9+]{0,4}").prop_map(|(c, cc)| {
            json!({"op": "standardize_phone", "column": c, "country_code": cc})
        }),
        frame_column().prop_map(|c| json!({"op": "standardize_email", "column": c})),
    ]
}

fn valid_recipe() -> impl Strategy<Value = String> {
    prop::collection::vec((valid_step(), any::<bool>()), 0..6).prop_map(|steps| {
        let steps: Vec<_> = steps
            .into_iter()
            .map(|(mut s, on)| {
                if !on {
                    s["enabled"] = serde_json::Value::Bool(false);
                }
                s
            })
            .collect();
        serde_json::json!({ "steps": steps }).to_string()
    })
}

fn recipe_input() -> impl Strategy<Value = String> {
    let seeds = corpus_text("recipe");
    prop_oneof![
        4 => valid_recipe(),
        2 => recipe_json(),
        2 => mutated(valid_recipe()),
        1 => mutated(prop::sample::select(seeds)),
    ]
}

fn check_recipe(text: &str, raw: &polars::prelude::DataFrame) -> Result<bool, TestCaseError> {
    use loupe::clean::Recipe;
    let Ok(r) = Recipe::from_json(text, "fuzz") else {
        return Ok(false);
    };
    let again = Recipe::from_json(&r.to_json(), "again")
        .map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
    // Up to serde_json's last-ulp reading of some floats (see `check_rule`).
    let json = |r: &Recipe| serde_json::to_value(r).unwrap_or_default();
    prop_assert!(
        same_json(&json(&again), &json(&r)),
        "{} read back as {:?}",
        text,
        again
    );
    for s in &r.steps {
        let _ = s.step.describe(loupe::i18n::Lang::En);
        let _ = s.step.describe(loupe::i18n::Lang::ZhCn);
        let _ = s.step.reads();
    }
    let names: Vec<String> = raw
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let _ = r.columns_at(&names, r.steps.len());
    let _ = loupe::clean::recipe::run(raw, &r, &loupe::progress::Reporter::silent());
    Ok(true)
}

fn small_frame() -> polars::prelude::DataFrame {
    use polars::prelude::*;
    df! {
        "customer_id" => ["a", "b", "b", "c"],
        "country" => [Some(" France "), None, Some("UK"), Some("中国")],
        "monetary" => [Some(1.5), Some(-2.0), None, Some(1e9)],
        "orders" => [1i64, 2, 2, 40],
        "phone" => ["13812345678", "+86 139 1234 5678", "x", ""],
    }
    .unwrap()
}

#[test]
fn recipes() {
    let raw = small_frame();
    for seed in corpus_text("recipe") {
        check_recipe(&seed, &raw).unwrap();
    }
    fuzz(
        "recipe JSON",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fuzz-corpus/regressions/recipe.txt"
        ),
        recipe_input(),
        |text| check_recipe(&text, &raw),
    );
}
