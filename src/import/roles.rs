//! Semantic roles from column names (English and Chinese) and from content.

use crate::dataset::{ColumnType, Role};

/// Lower-cases ASCII and drops separators: `Customer ID` and `customer_id` both give `customerid`.
pub fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Exact names (normalised) per role, strongest first.
const EXACT: &[(Role, &[&str])] = &[
    (
        Role::CustomerId,
        &[
            "customerid",
            "custid",
            "customer",
            "customerno",
            "customernumber",
            "customercode",
            "userid",
            "uid",
            "user",
            "memberid",
            "memberno",
            "member",
            "buyerid",
            "buyer",
            "clientid",
            "accountid",
            "visitorid",
            "openid",
            "unionid",
            "用户id",
            "客户id",
            "会员id",
            "买家id",
            "顾客id",
            "用户编号",
            "客户编号",
            "会员编号",
            "会员号",
            "用户",
            "客户",
            "会员",
            "买家",
            "买家昵称",
            "买家会员名",
        ],
    ),
    (
        Role::OrderId,
        &[
            "orderid",
            "orderno",
            "ordernumber",
            "ordercode",
            "invoiceno",
            "invoice",
            "invoiceid",
            "invoicenumber",
            "transactionid",
            "txnid",
            "tradeid",
            "tradeno",
            "receiptno",
            "basketid",
            "order",
            "订单号",
            "订单编号",
            "订单id",
            "交易号",
            "交易单号",
            "交易编号",
            "流水号",
            "子订单号",
            "主订单号",
            "订单",
        ],
    ),
    (
        Role::Timestamp,
        &[
            "invoicedate",
            "orderdate",
            "ordertime",
            "orderdatetime",
            "purchasedate",
            "purchasetime",
            "transactiondate",
            "transactiontime",
            "paidat",
            "paytime",
            "paymenttime",
            "paymentdate",
            "createdat",
            "createtime",
            "createdtime",
            "eventtime",
            "eventdate",
            "timestamp",
            "ts",
            "datetime",
            "date",
            "time",
            "day",
            "下单时间",
            "支付时间",
            "付款时间",
            "时间戳",
            "创建时间",
            "订单创建时间",
            "成交时间",
            "交易时间",
            "行为时间",
            "日期",
            "时间",
            "下单日期",
            "支付日期",
            "订单日期",
        ],
    ),
    (
        Role::Amount,
        &[
            "amount",
            "revenue",
            "sales",
            "salesamount",
            "total",
            "totalamount",
            "totalprice",
            "ordertotal",
            "orderamount",
            "payment",
            "paymentamount",
            "paidamount",
            "payamount",
            "gmv",
            "spend",
            "lineamount",
            "linetotal",
            "value",
            "实付金额",
            "支付金额",
            "销售额",
            "金额",
            "订单金额",
            "付款金额",
            "交易金额",
            "实收金额",
            "应付金额",
            "商品总价",
            "总价",
            "总金额",
            "成交金额",
            "消费金额",
        ],
    ),
    (
        Role::Quantity,
        &[
            "quantity",
            "qty",
            "units",
            "unitssold",
            "itemcount",
            "count",
            "数量",
            "购买数量",
            "商品数量",
            "件数",
            "销量",
        ],
    ),
    (
        Role::UnitPrice,
        &[
            "unitprice",
            "price",
            "itemprice",
            "productprice",
            "saleprice",
            "单价",
            "价格",
            "商品单价",
            "商品价格",
            "售价",
            "成交单价",
        ],
    ),
    (
        Role::ItemId,
        &[
            "stockcode",
            "sku",
            "skuid",
            "itemid",
            "productid",
            "productcode",
            "goodsid",
            "itemcode",
            "articleid",
            "asin",
            "upc",
            "ean",
            "商品id",
            "商品编号",
            "商品编码",
            "货号",
            "sku编码",
            "商品代码",
            "宝贝id",
        ],
    ),
    (
        Role::ItemName,
        &[
            "description",
            "productname",
            "itemname",
            "goodsname",
            "title",
            "producttitle",
            "product",
            "item",
            "商品名称",
            "商品名",
            "品名",
            "商品标题",
            "宝贝标题",
            "商品",
        ],
    ),
    (
        Role::Category,
        &[
            "category",
            "categoryname",
            "productcategory",
            "cat",
            "cate",
            "categoryid",
            "dept",
            "department",
            "类目",
            "品类",
            "商品类别",
            "分类",
            "类别",
            "商品分类",
            "一级类目",
            "二级类目",
            "类目id",
        ],
    ),
    (
        Role::Channel,
        &[
            "channel",
            "saleschannel",
            "source",
            "medium",
            "utmsource",
            "utmmedium",
            "platform",
            "渠道",
            "来源",
            "平台",
            "销售渠道",
            "订单来源",
            "渠道来源",
        ],
    ),
    (
        Role::Campaign,
        &[
            "campaign",
            "campaignid",
            "campaignname",
            "utmcampaign",
            "promotion",
            "promo",
            "活动",
            "营销活动",
            "活动名称",
            "活动id",
            "推广活动",
        ],
    ),
    (
        Role::EventType,
        &[
            "eventtype",
            "event",
            "action",
            "actiontype",
            "behavior",
            "behaviour",
            "behaviortype",
            "behaviourtype",
            "eventname",
            "行为类型",
            "行为",
            "事件",
            "事件类型",
            "事件名称",
        ],
    ),
];

/// The role a column's name gives, if any. The rank orders matches: lower is stronger.
pub fn role_from_name(name: &str) -> Option<(Role, usize)> {
    let n = normalise(name);
    if n.is_empty() {
        return None;
    }
    for (role, names) in EXACT {
        if let Some(rank) = names.iter().position(|x| *x == n) {
            return Some((*role, rank));
        }
    }
    // Looser: `customer_id_hash`, `buyer_user_id`, `订单支付时间`.
    let ends = |s: &str| n.ends_with(s);
    let has = |s: &str| n.contains(s);
    let role = if (has("customer")
        || has("member")
        || has("user")
        || has("buyer")
        || has("客户")
        || has("用户")
        || has("会员"))
        && (ends("id") || ends("no") || ends("编号") || ends("号"))
    {
        Role::CustomerId
    } else if (has("order") || has("invoice") || has("订单"))
        && (ends("id") || ends("no") || ends("号") || ends("编号"))
    {
        Role::OrderId
    } else if ends("时间")
        || ends("日期")
        || ends("date")
        || ends("time")
        || ends("at") && n.len() > 4 && (has("created") || has("paid") || has("updated"))
    {
        Role::Timestamp
    } else if ends("金额") || ends("amount") || ends("revenue") {
        Role::Amount
    } else if (has("sku") || has("product") || has("item") || has("商品"))
        && (ends("id") || ends("code") || ends("编号") || ends("编码"))
    {
        Role::ItemId
    } else if ends("类目") || ends("category") || ends("品类") {
        Role::Category
    } else {
        return None;
    };
    Some((role, 1000))
}

/// Whether a column's name says it holds times, so that numbers in it may be read as times.
pub fn timey_name(name: &str) -> bool {
    let n = normalise(name);
    matches!(role_from_name(name), Some((Role::Timestamp, _)))
        || n.contains("time")
        || n.contains("date")
        || n.ends_with("ts")
        || n.contains("时间")
        || n.contains("日期")
}

/// Event type vocabulary seen in behaviour logs.
const EVENT_WORDS: &[&str] = &[
    "pv",
    "view",
    "page_view",
    "pageview",
    "click",
    "cart",
    "add_to_cart",
    "addtocart",
    "buy",
    "purchase",
    "order",
    "fav",
    "favorite",
    "favourite",
    "collect",
    "search",
    "浏览",
    "点击",
    "加购",
    "加入购物车",
    "购买",
    "下单",
    "支付",
    "收藏",
    "搜索",
];

/// A role read from a column's content, for columns whose names said nothing.
pub fn role_from_content(ty: ColumnType, sample: &[String], sample_is_all: bool) -> Option<Role> {
    if ty.is_temporal() {
        return Some(Role::Timestamp);
    }
    if ty == ColumnType::Text && sample_is_all && !sample.is_empty() {
        let known = sample
            .iter()
            .filter(|s| EVENT_WORDS.contains(&s.to_lowercase().as_str()))
            .count();
        if known * 2 > sample.len() && known >= 2 {
            return Some(Role::EventType);
        }
    }
    None
}

/// Whether a column of this type can play the role.
pub fn fits(role: Role, ty: ColumnType) -> bool {
    match role {
        Role::Timestamp => ty.is_temporal(),
        Role::Amount | Role::Quantity | Role::UnitPrice => ty.is_numeric(),
        Role::CustomerId | Role::OrderId | Role::ItemId => {
            ty == ColumnType::Text || ty == ColumnType::Integer
        }
        Role::ItemName | Role::Category | Role::Channel | Role::Campaign | Role::EventType => {
            ty == ColumnType::Text || ty == ColumnType::Integer
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn online_retail_names() {
        let got: Vec<Option<Role>> = [
            "InvoiceNo",
            "StockCode",
            "Description",
            "Quantity",
            "InvoiceDate",
            "UnitPrice",
            "CustomerID",
            "Country",
        ]
        .iter()
        .map(|n| role_from_name(n).map(|r| r.0))
        .collect();
        assert_eq!(
            got,
            vec![
                Some(Role::OrderId),
                Some(Role::ItemId),
                Some(Role::ItemName),
                Some(Role::Quantity),
                Some(Role::Timestamp),
                Some(Role::UnitPrice),
                Some(Role::CustomerId),
                None
            ]
        );
    }

    #[test]
    fn chinese_names() {
        for (n, r) in [
            ("用户ID", Role::CustomerId),
            ("客户ID", Role::CustomerId),
            ("会员ID", Role::CustomerId),
            ("订单号", Role::OrderId),
            ("订单编号", Role::OrderId),
            ("下单时间", Role::Timestamp),
            ("支付时间", Role::Timestamp),
            ("时间戳", Role::Timestamp),
            ("实付金额", Role::Amount),
            ("支付金额", Role::Amount),
            ("销售额", Role::Amount),
            ("数量", Role::Quantity),
            ("单价", Role::UnitPrice),
            ("商品ID", Role::ItemId),
            ("SKU", Role::ItemId),
            ("商品名称", Role::ItemName),
            ("类目", Role::Category),
            ("品类", Role::Category),
            ("商品类别", Role::Category),
            ("渠道", Role::Channel),
            ("行为类型", Role::EventType),
            ("订单支付时间", Role::Timestamp),
        ] {
            assert_eq!(role_from_name(n).map(|x| x.0), Some(r), "{n}");
        }
        assert_eq!(role_from_name("城市"), None);
    }

    #[test]
    fn content_roles() {
        let s: Vec<String> = ["pv", "cart", "buy", "fav"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            role_from_content(ColumnType::Text, &s, true),
            Some(Role::EventType)
        );
        assert_eq!(role_from_content(ColumnType::Text, &s, false), None);
        assert_eq!(
            role_from_content(ColumnType::Date, &[], true),
            Some(Role::Timestamp)
        );
        assert!(timey_name("created_ts"));
        assert!(timey_name("支付时间"));
        assert!(!timey_name("amount"));
    }
}
