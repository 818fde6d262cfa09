//! The customer table with RFM, on a hand-checked case.

use crate::common::*;
use loupe::customers::rfm::{Lifecycle, RfmGroup, RfmOptions, rfm_table, write_table};

#[test]
fn rfm_on_a_hand_checked_case() {
    let s = Scratch::new();
    let f = s.write(
        "orders.csv",
        "order_id,customer_id,order_time,quantity,unit_price\n\
A1,a,2024-01-01 09:00:00,2,10\n\
A2,a,2024-03-01 09:00:00,1,5\n\
B1,b,2024-02-15 12:00:00,1,100\n\
C1,c,2024-03-09 10:00:00,3,1\n\
C2,c,2024-03-09 18:00:00,1,1\n\
D1,d,2023-01-01 08:00:00,1,50\n\
E1,e,2024-03-10 20:00:00,1,20\n\
X1,,2024-03-10 20:00:00,1,20\n",
    );
    let mut p = s.project();
    import(&mut p, &[&f], named("orders")).unwrap();
    let t = rfm_table(&p, "orders", &RfmOptions::default()).unwrap();
    assert_eq!(t.as_of.to_string(), "2024-03-11");
    assert_eq!(t.skipped_rows, 1);
    type Row<'a> = (&'a str, i64, u64, f64, u8, u8, u8, RfmGroup, Lifecycle);
    let got: Vec<Row> = t
        .customers
        .iter()
        .map(|c| {
            (
                c.customer_id.as_str(),
                c.recency_days,
                c.frequency,
                c.monetary,
                c.r_score.get(),
                c.f_score.get(),
                c.m_score.get(),
                c.rfm_group,
                c.lifecycle_stage,
            )
        })
        .collect();
    use Lifecycle::{Active, Churned};
    use RfmGroup::*;
    assert_eq!(
        got,
        vec![
            ("a", 10, 2, 25.0, 3, 4, 3, Loyal, Active),
            ("b", 25, 1, 100.0, 2, 2, 5, Hibernating, Lifecycle::New),
            ("c", 2, 2, 4.0, 4, 4, 1, Champions, Lifecycle::New),
            ("d", 435, 1, 50.0, 1, 2, 4, Lost, Churned),
            ("e", 1, 1, 20.0, 5, 2, 2, PotentialLoyalist, Lifecycle::New),
        ]
    );
    let a = &t.customers[0];
    assert_eq!(a.tenure_days, 60);
    assert_eq!(a.mean_interval_days, Some(60.0));
    assert_eq!(a.average_order_value, 12.5);
    assert_eq!(t.customers[1].mean_interval_days, None);

    // A filter and an as-of date.
    let t = rfm_table(
        &p,
        "orders",
        &RfmOptions {
            filter: Some("quantity > 1".into()),
            as_of: chrono::NaiveDate::from_ymd_opt(2024, 3, 10),
            ..RfmOptions::default()
        },
    )
    .unwrap();
    let ids: Vec<&str> = t.customers.iter().map(|c| c.customer_id.as_str()).collect();
    assert_eq!(ids, vec!["a", "c"]);
    assert_eq!(t.customers[1].recency_days, 1);

    // Written out and read back.
    let out = s.path("customers.csv");
    let t = rfm_table(&p, "orders", &RfmOptions::default()).unwrap();
    write_table(&t, &out).unwrap();
    let back = import(&mut p, &[&out], named("back")).unwrap();
    assert_eq!(back.rows, 5);
    assert_eq!(
        rows(
            &p,
            "SELECT customer_id, recency_days, rfm_group, lifecycle_stage FROM back WHERE customer_id = 'e'"
        )[0],
        vec!["e", "1", "Potential loyalist", "new"]
    );
    let e = write_table(&t, &s.path("x.txt")).unwrap_err().to_string();
    assert!(e.contains(".csv or .parquet"), "{e}");
    let plain = s.write("plain.csv", "x,y\n1,2\n");
    import(&mut p, &[&plain], named("plain")).unwrap();
    let e = rfm_table(&p, "plain", &RfmOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("customer_id") && e.contains("set-role"), "{e}");
}
