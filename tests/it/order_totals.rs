//! An order's total repeated on each of its lines, given the amount role: said, on real exports.

use crate::common::*;

fn set_role(project: &std::path::Path, dataset: &str, assignment: &str) -> String {
    let out = run_loupe(&[
        "set-role",
        "--project",
        project.to_str().unwrap(),
        "--dataset",
        dataset,
        assignment,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn an_order_total_given_the_amount_role_is_said_and_a_line_amount_is_not() {
    let s = Scratch::new();
    let p = sample_copy(&s);
    // JD's export repeats the order's payable total on each SKU line (253 orders of several lines).
    let said = set_role(&p, "orders_jd", "应付金额=amount");
    assert!(
        said.contains("warning: column '应付金额' of 'orders_jd' holds the same value on every line of 253 of 253 orders"),
        "{said}"
    );
    // The per-item price is not a total.
    assert_eq!(set_role(&p, "orders_jd", "京东价=amount"), "");
    // The sample shop's per-line amount.
    assert_eq!(set_role(&p, "orders", "amount=amount"), "");
}

#[test]
fn one_price_repeated_within_an_invoice_is_a_line_amount() {
    // Chinook (public, MIT): one track per line, nearly all at 0.99, so an invoice's lines share
    // their price; it is the lines' amount, not a total.
    let s = Scratch::new();
    let p = s.path("chinook.loupe");
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sample-data/public/chinook/invoice_lines.csv"
    );
    let out = run_loupe(&[
        "import",
        file,
        "--project",
        p.to_str().unwrap(),
        "--name",
        "lines",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    set_role(&p, "lines", "InvoiceId=order_id");
    assert_eq!(set_role(&p, "lines", "UnitPrice=amount"), "");
}
