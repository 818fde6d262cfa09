//! Order statuses: what the status text of a shop export means (paid, pending, cancelled,
//! refunded), and the orders the customer table and campaign ROI leave out by default.
//!
//! A dataset's column with the role `order_status` is read value by value: each distinct value is
//! looked up in the built-in vocabulary (Chinese and English, the words of Taobao/Tmall, JD,
//! Douyin, Pinduoduo, Youzan, Shopify and WooCommerce exports) and in the status meanings of the
//! platform presets ([`crate::import::presets`]). Lines whose status means **cancelled** or
//! **refunded** are not purchases: Customers and ROI leave them out unless asked to keep them
//! (`--include-cancelled`, [`crate::customers::rfm::RfmOptions::include_cancelled`]). Values
//! that mean nothing known are kept. A dataset without a status column is read as before.

use crate::dataset::{DatasetInfo, Role};
use crate::expr::{BinOp, Expr, Lit};
use crate::store::{Project, quote_ident};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// What an order's status means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Paid (shipped, delivered, completed, awaiting shipment).
    Paid,
    /// Not paid yet (awaiting payment).
    Pending,
    Cancelled,
    Refunded,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Paid => "paid",
            OrderStatus::Pending => "pending",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Refunded => "refunded",
        }
    }

    /// Whether the analyses leave such orders out by default.
    pub fn excluded_by_default(self) -> bool {
        matches!(self, OrderStatus::Cancelled | OrderStatus::Refunded)
    }
}

impl std::fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for OrderStatus {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        [
            OrderStatus::Paid,
            OrderStatus::Pending,
            OrderStatus::Cancelled,
            OrderStatus::Refunded,
        ]
        .into_iter()
        .find(|o| o.as_str() == s.trim().to_ascii_lowercase())
        .ok_or_else(|| {
            Error::InvalidArgument(format!(
                "'{s}' is not an order status meaning; use paid, pending, cancelled or refunded"
            ))
        })
    }
}

/// Status words by meaning (compared trimmed, ASCII lower-cased, `-`/space as `_`).
const VOCABULARY: &[(OrderStatus, &[&str])] = &[
    (
        OrderStatus::Paid,
        &[
            "paid",
            "completed",
            "complete",
            "processing",
            "shipped",
            "delivered",
            "fulfilled",
            "success",
            "succeeded",
            "partially_paid",
            "partially_refunded",
            "交易成功",
            "已完成",
            "完成",
            "已付款",
            "已支付",
            "支付成功",
            "买家已付款",
            "待发货",
            "等待出库",
            "等待发货",
            "等待卖家发货",
            "卖家已发货",
            "已发货",
            "已发货，待收货",
            "已发货,待收货",
            "待收货",
            "已收货",
            "已签收",
            "确认收货",
            "已确认收货",
            "待评价",
            "未发货",
            "部分发货",
            "部分退款",
        ],
    ),
    (
        OrderStatus::Pending,
        &[
            "pending",
            "unpaid",
            "on_hold",
            "authorized",
            "awaiting_payment",
            "待付款",
            "待支付",
            "未付款",
            "未支付",
            "等待买家付款",
            "等待付款",
            "待买家付款",
        ],
    ),
    (
        OrderStatus::Cancelled,
        &[
            "cancelled",
            "canceled",
            "cancel",
            "voided",
            "void",
            "failed",
            "closed",
            "trash",
            "交易关闭",
            "已关闭",
            "关闭",
            "已取消",
            "取消",
            "订单取消",
            "交易取消",
            "已作废",
            "作废",
            "(删除)",
            "（删除）",
            "已删除",
        ],
    ),
    (
        OrderStatus::Refunded,
        &[
            "refunded",
            "refund",
            "returned",
            "退款成功",
            "已退款",
            "退款完成",
            "全额退款",
            "售后完成",
            "退货退款成功",
            "已退货",
        ],
    ),
];

fn normalise(v: &str) -> String {
    v.trim()
        .chars()
        .map(|c| match c {
            '-' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The meaning of a status value in the built-in vocabulary.
pub fn builtin_meaning(value: &str) -> Option<OrderStatus> {
    let n = normalise(value);
    if n.is_empty() {
        return None;
    }
    VOCABULARY
        .iter()
        .find(|(_, words)| words.contains(&n.as_str()))
        .map(|(m, _)| *m)
}

/// The meaning of a status value: the presets' status meanings first (`extra`, value and
/// meaning), then the built-in vocabulary.
pub fn meaning(value: &str, extra: &[(String, OrderStatus)]) -> Option<OrderStatus> {
    let n = normalise(value);
    extra
        .iter()
        .find(|(v, _)| normalise(v) == n)
        .map(|(_, m)| *m)
        .or_else(|| builtin_meaning(value))
}

/// The status meanings every preset adds to the vocabulary (embedded and user presets).
pub fn preset_meanings() -> Vec<(String, OrderStatus)> {
    crate::import::presets::all()
        .map(|ps| {
            ps.iter()
                .flat_map(|p| p.statuses.iter().map(|(v, m)| (v.clone(), *m)))
                .collect()
        })
        .unwrap_or_default()
}

/// The lines an analysis leaves out for their status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatusExclusion {
    /// The status column.
    pub column: String,
    /// The values left out (cancelled or refunded), as written.
    pub values: Vec<String>,
    /// Rows with those values.
    pub rows: u64,
}

/// The most distinct values of a status column read (a column with more is not a status).
const MAX_VALUES: usize = 10_000;

impl StatusExclusion {
    /// What leaves the lines of a dataset out: its status column's values that mean cancelled or
    /// refunded, and how many rows have them. `None` without a status column or such values.
    pub fn of(project: &Project, info: &DatasetInfo) -> Result<Option<StatusExclusion>> {
        let Some(col) = info.column_with_role(Role::OrderStatus) else {
            return Ok(None);
        };
        let extra = preset_meanings();
        let q = quote_ident(&col.name);
        let table = quote_ident(&info.name);
        let sql = format!(
            "SELECT CAST({q} AS TEXT), count(*) FROM {table} WHERE {q} IS NOT NULL GROUP BY 1 LIMIT {}",
            MAX_VALUES + 1
        );
        let mut stmt = project.conn().prepare(&sql)?;
        let rows: Vec<(String, u64)> = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })?
            .collect::<std::result::Result<_, _>>()?;
        Ok(Self::from_counts(&col.name, rows, &extra))
    }

    /// The exclusion of a status column from its values and their rows (at most
    /// [`MAX_VALUES`] + 1 of them: a column with more is not a status), with the meanings of
    /// `extra` beside the built-in ones.
    pub fn from_counts(
        column: &str,
        rows: Vec<(String, u64)>,
        extra: &[(String, OrderStatus)],
    ) -> Option<StatusExclusion> {
        if rows.len() > MAX_VALUES {
            return None;
        }
        let mut out = StatusExclusion {
            column: column.to_string(),
            ..StatusExclusion::default()
        };
        for (v, n) in rows {
            if meaning(&v, extra).is_some_and(OrderStatus::excluded_by_default) {
                out.values.push(v);
                out.rows += n;
            }
        }
        (!out.values.is_empty()).then_some(out)
    }

    /// The most distinct values a status column is read for, plus one.
    pub const READ_LIMIT: usize = MAX_VALUES + 1;

    /// The condition rows that are kept meet: `status is missing or status not in (…)`.
    pub fn keep_condition(&self) -> Expr {
        let column = Box::new(Expr::Column(self.column.clone()));
        Expr::Binary(
            BinOp::Or,
            Box::new(Expr::IsMissing {
                expr: column.clone(),
                negated: false,
            }),
            Box::new(Expr::In {
                expr: column,
                list: self.values.iter().map(|v| Lit::Text(v.clone())).collect(),
                negated: true,
            }),
        )
    }

    /// [`Self::keep_condition`] combined with a user's SQL condition.
    pub fn and_sql(&self, filter: Option<&str>) -> String {
        let keep = self.keep_condition().to_sql_condition();
        match filter.filter(|f| !f.trim().is_empty()) {
            Some(f) => format!("({f}) AND {keep}"),
            None => keep,
        }
    }

    /// [`Self::keep_condition`] combined with a user's condition in the expression language.
    pub fn and_expr(&self, filter: Option<&str>) -> String {
        let keep = self.keep_condition().to_string();
        match filter.filter(|f| !f.trim().is_empty()) {
            Some(f) => format!("({f}) and ({keep})"),
            None => keep,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary() {
        for (v, m) in [
            ("交易成功", OrderStatus::Paid),
            ("交易关闭", OrderStatus::Cancelled),
            ("已取消", OrderStatus::Cancelled),
            ("退款成功", OrderStatus::Refunded),
            ("已完成", OrderStatus::Paid),
            ("待发货", OrderStatus::Paid),
            ("等待买家付款", OrderStatus::Pending),
            ("paid", OrderStatus::Paid),
            (" Cancelled ", OrderStatus::Cancelled),
            ("refunded", OrderStatus::Refunded),
            ("on-hold", OrderStatus::Pending),
            ("partially_refunded", OrderStatus::Paid),
        ] {
            assert_eq!(builtin_meaning(v), Some(m), "{v}");
        }
        assert_eq!(builtin_meaning("whatever"), None);
        assert_eq!(builtin_meaning(""), None);
        let extra = vec![("锁定".to_string(), OrderStatus::Cancelled)];
        assert_eq!(meaning("锁定", &extra), Some(OrderStatus::Cancelled));
        assert_eq!(meaning("锁定", &[]), None);
        assert_eq!(
            "refunded".parse::<OrderStatus>().ok(),
            Some(OrderStatus::Refunded)
        );
    }

    #[test]
    fn conditions() {
        let x = StatusExclusion {
            column: "订单状态".into(),
            values: vec!["交易关闭".into(), "it's".into()],
            rows: 3,
        };
        assert_eq!(
            x.keep_condition().to_string(),
            "订单状态 is missing or 订单状态 not in ('交易关闭', 'it''s')"
        );
        assert!(x.and_sql(Some("a > 1")).starts_with("(a > 1) AND "));
    }
}
