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
            "活动id",
            "活动编号",
            "活动代码",
            "营销活动id",
            "活动名称",
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
    (
        Role::Cost,
        &[
            "cost",
            "totalcost",
            "campaigncost",
            "costs",
            "mediacost",
            "成本",
            "费用",
            "总成本",
            "总费用",
            "活动成本",
            "活动费用",
            "投放成本",
            "营销费用",
            "推广费用",
        ],
    ),
    (
        Role::CostPerContact,
        &[
            "costpercontact",
            "costperrecipient",
            "costpercustomer",
            "costpersend",
            "costpermessage",
            "unitcost",
            "contactcost",
            "单次成本",
            "单条成本",
            "人均成本",
            "每人成本",
            "单位成本",
            "触达成本",
            "单人成本",
        ],
    ),
    (
        Role::Spend,
        &[
            "spend",
            "adspend",
            "mediaspend",
            "marketingspend",
            "dailyspend",
            "spent",
            "spendamount",
            "花费",
            "消耗",
            "日消耗",
            "投放花费",
            "广告花费",
            "投放金额",
            "广告费",
            "推广花费",
        ],
    ),
    (
        Role::StartDate,
        &[
            "startdate",
            "start",
            "starttime",
            "begindate",
            "begin",
            "fromdate",
            "launchdate",
            "开始日期",
            "开始时间",
            "起始日期",
            "起始时间",
            "上线日期",
            "开始",
        ],
    ),
    (
        Role::EndDate,
        &[
            "enddate",
            "end",
            "endtime",
            "todate",
            "finishdate",
            "stopdate",
            "结束日期",
            "结束时间",
            "截止日期",
            "截止时间",
            "下线日期",
            "结束",
        ],
    ),
    (
        Role::Opened,
        &[
            "opened",
            "opens",
            "isopened",
            "isopen",
            "openflag",
            "已打开",
            "是否打开",
            "打开",
            "已读",
            "是否已读",
            "阅读",
        ],
    ),
    (
        Role::Clicked,
        &[
            "clicked",
            "click",
            "clicks",
            "isclicked",
            "isclick",
            "clickflag",
            "已点击",
            "是否点击",
            "点击",
        ],
    ),
    (
        Role::Arm,
        &[
            "arm",
            "treatment",
            "variant",
            "testgroup",
            "experimentgroup",
            "abgroup",
            "testarm",
            "treatmentgroup",
            "testvariant",
            "实验组",
            "实验分组",
            "试验组",
            "分组",
            "组别",
            "实验组别",
            "ab分组",
            "ab组",
        ],
    ),
    (
        Role::Conversion,
        &[
            "conversion",
            "converted",
            "convert",
            "isconverted",
            "conversionflag",
            "purchased",
            "didpurchase",
            "bought",
            "转化",
            "是否转化",
            "已转化",
            "是否购买",
            "已购买",
            "购买转化",
        ],
    ),
    (
        Role::Visit,
        &[
            "visit",
            "visited",
            "isvisited",
            "visitflag",
            "sitevisit",
            "访问",
            "是否访问",
            "已访问",
            "到访",
            "是否到访",
            "进店",
            "是否进店",
        ],
    ),
    (
        Role::OrderStatus,
        &[
            "orderstatus",
            "status",
            "financialstatus",
            "paymentstatus",
            "tradestatus",
            "orderstate",
            "订单状态",
            "交易状态",
            "订单状态名称",
            "支付状态",
            "状态",
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
    } else if (n.starts_with("start")
        || has("startdate")
        || has("starttime")
        || has("开始")
        || has("起始"))
        && timey(&n)
    {
        Role::StartDate
    } else if (n.starts_with("end")
        || (has("enddate") || has("endtime")) && !has("send") && !has("spend")
        || has("结束")
        || has("截止"))
        && timey(&n)
    {
        Role::EndDate
    } else if ends("时间")
        || ends("日期")
        || ends("date")
        || ends("time")
        || ends("timestamp")
        || ends("at") && n.len() > 4 && AT_WORDS.iter().any(|w| has(w))
    {
        // Of several times, the purchase or creation time wins the role; approval, shipping,
        // delivery and estimated dates are later steps of the order and lose.
        return Some((
            Role::Timestamp,
            [500, 1000, 2000][time_preference(name) as usize],
        ));
    } else if ends("金额") || ends("amount") || ends("revenue") || amount_like(&n) {
        Role::Amount
    } else if (has("sku") || has("product") || has("item") || has("商品"))
        && (ends("id") || ends("code") || ends("编号") || ends("编码"))
    {
        Role::ItemId
    } else if ends("类目") || ends("category") || ends("品类") {
        Role::Category
    } else if has("cost") && (has("per") || has("unit")) {
        Role::CostPerContact
    } else if ends("cost") || ends("成本") || ends("费用") {
        Role::Cost
    } else if ends("spend") || ends("花费") || ends("消耗") {
        Role::Spend
    } else if (has("campaign") || has("活动"))
        && (ends("id") || ends("code") || ends("name") || ends("编号") || ends("名称"))
    {
        Role::Campaign
    } else {
        return None;
    };
    Some((role, 1000))
}

/// Past participles that make `…_at` a time column (`created_at`, `shipped_at`).
const AT_WORDS: &[&str] = &[
    "created",
    "paid",
    "updated",
    "ordered",
    "purchased",
    "placed",
    "approved",
    "shipped",
    "delivered",
    "cancelled",
    "canceled",
    "completed",
];

/// Words of a time column's name that say it is when the order was made or paid.
const PURCHASE_TIME_WORDS: &[&str] = &[
    "purchase",
    "order",
    "created",
    "create",
    "paid",
    "pay",
    "placed",
    "buy",
    "bought",
    "transaction",
    "invoice",
    "checkout",
    "下单",
    "付款",
    "支付",
    "创建",
    "成交",
    "交易",
    "购买",
];

/// Words of a time column's name that say it is a later step of the order (or an estimate).
const LATER_TIME_WORDS: &[&str] = &[
    "deliver", "ship", "carrier", "dispatch", "approv", "estimat", "expect", "update", "modif",
    "receiv", "arriv", "return", "refund", "cancel", "complet", "close", "发货", "签收", "送达",
    "预计", "收货", "审核", "配送", "物流", "更新", "修改", "退款", "退货", "完成", "关闭",
];

/// How well a time column's name fits the timestamp role of a transaction: 0 the purchase or
/// creation time (`order_purchase_timestamp`, `下单时间`, `付款时间`), 1 a time that says neither,
/// 2 a later step or an estimate (`order_delivered_carrier_date`, `发货时间`, `签收时间`,
/// `预计送达`). A later step wins over a purchase word: `order_approved_at` is 2.
pub fn time_preference(name: &str) -> u8 {
    let n = normalise(name);
    if LATER_TIME_WORDS.iter().any(|w| n.contains(w)) {
        2
    } else if PURCHASE_TIME_WORDS.iter().any(|w| n.contains(w)) {
        0
    } else {
        1
    }
}

/// Whether a normalised name is a payment or total of money (`payment_value`, `grand_total`,
/// `实付`, `应付款`), beyond the exact names.
fn amount_like(n: &str) -> bool {
    let ends = |s: &str| n.ends_with(s);
    let has = |s: &str| n.contains(s);
    let counts = [
        "qty", "quantity", "item", "unit", "count", "piece", "数量", "件",
    ];
    (ends("value")
        && ["pay", "order", "sales", "transaction", "total", "paid"]
            .iter()
            .any(|w| has(w)))
        || (ends("total") && !counts.iter().any(|w| has(w)))
        || (n.starts_with("total") && ["paid", "value", "sales", "due"].iter().any(|w| ends(w)))
        || [
            "实付",
            "应付",
            "实付款",
            "应付款",
            "付款额",
            "支付额",
            "实收",
        ]
        .iter()
        .any(|w| ends(w))
}

/// Whether a normalised name ends like a date or time column.
fn timey(n: &str) -> bool {
    n.ends_with("date")
        || n.ends_with("time")
        || n.ends_with("day")
        || n.ends_with("日期")
        || n.ends_with("时间")
        || n.ends_with("日")
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
        // A few labels, one of them a control: an experiment's arm (Hillstrom's `segment`).
        let distinct = sample.iter().filter(|s| !s.trim().is_empty()).count();
        if (2..=12).contains(&distinct) && sample.iter().any(|s| is_control_value(s)) {
            return Some(Role::Arm);
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
        Role::ItemName
        | Role::Category
        | Role::Channel
        | Role::Campaign
        | Role::EventType
        | Role::Arm => ty == ColumnType::Text || ty == ColumnType::Integer,
        Role::Cost | Role::CostPerContact | Role::Spend => ty.is_numeric(),
        Role::StartDate | Role::EndDate => ty.is_temporal(),
        Role::Opened | Role::Clicked | Role::Conversion | Role::Visit => {
            ty == ColumnType::Boolean || ty == ColumnType::Integer
        }
        Role::OrderStatus => ty == ColumnType::Text || ty == ColumnType::Integer,
    }
}

/// Roles whose names are everyday words (`opened`, `visit`, `start`): a column so named whose
/// values do not fit (a shop's `opened` date) simply gets no such role, without a warning.
pub fn quiet_misfit(role: Role) -> bool {
    matches!(
        role,
        Role::Opened
            | Role::Clicked
            | Role::Conversion
            | Role::Visit
            | Role::StartDate
            | Role::EndDate
    )
}

/// Values that name the control arm of an experiment (normalised as column names are).
const CONTROL_WORDS: &[&str] = &[
    "control",
    "controlgroup",
    "holdout",
    "holdoutgroup",
    "noemail",
    "nomail",
    "nosms",
    "nopush",
    "nomessage",
    "nocontact",
    "notreatment",
    "placebo",
    "baseline",
    "对照",
    "对照组",
    "空白组",
    "控制组",
    "未触达",
    "不发送",
    "未发送",
    "保留组",
];

/// Whether a value names an experiment's control arm (`No E-Mail`, `control`, `对照组`).
pub fn is_control_value(v: &str) -> bool {
    CONTROL_WORDS.contains(&normalise(v).as_str())
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

    #[test]
    fn campaign_names() {
        for (n, r) in [
            ("cost", Role::Cost),
            ("Total Cost", Role::Cost),
            ("media_cost", Role::Cost),
            ("成本", Role::Cost),
            ("活动费用", Role::Cost),
            ("投放成本", Role::Cost),
            ("cost_per_contact", Role::CostPerContact),
            ("Cost per Recipient", Role::CostPerContact),
            ("unit_cost", Role::CostPerContact),
            ("单条成本", Role::CostPerContact),
            ("人均成本", Role::CostPerContact),
            ("spend", Role::Spend),
            ("ad_spend", Role::Spend),
            ("daily spend", Role::Spend),
            ("花费", Role::Spend),
            ("日消耗", Role::Spend),
            ("投放金额", Role::Spend),
            ("start_date", Role::StartDate),
            ("Start", Role::StartDate),
            ("campaign_start_date", Role::StartDate),
            ("开始日期", Role::StartDate),
            ("活动开始时间", Role::StartDate),
            ("end_date", Role::EndDate),
            ("End", Role::EndDate),
            ("结束日期", Role::EndDate),
            ("活动结束时间", Role::EndDate),
            ("截止日期", Role::EndDate),
            ("opened", Role::Opened),
            ("is_opened", Role::Opened),
            ("是否打开", Role::Opened),
            ("已读", Role::Opened),
            ("clicked", Role::Clicked),
            ("是否点击", Role::Clicked),
            ("treatment", Role::Arm),
            ("variant", Role::Arm),
            ("实验组", Role::Arm),
            ("分组", Role::Arm),
            ("conversion", Role::Conversion),
            ("converted", Role::Conversion),
            ("是否转化", Role::Conversion),
            ("是否购买", Role::Conversion),
            ("visit", Role::Visit),
            ("是否访问", Role::Visit),
            ("到访", Role::Visit),
            ("campaign_id", Role::Campaign),
            ("活动名称", Role::Campaign),
            ("活动编号", Role::Campaign),
            ("campaign_code", Role::Campaign),
        ] {
            assert_eq!(role_from_name(n).map(|x| x.0), Some(r), "{n}");
        }
        // Times that merely contain the letters of a role stay times.
        assert_eq!(
            role_from_name("send_time").map(|x| x.0),
            Some(Role::Timestamp)
        );
        assert_eq!(
            role_from_name("发送时间").map(|x| x.0),
            Some(Role::Timestamp)
        );
        assert_eq!(
            role_from_name("contact_time").map(|x| x.0),
            Some(Role::Timestamp)
        );
        // The order amount keeps its role.
        assert_eq!(role_from_name("amount").map(|x| x.0), Some(Role::Amount));
        assert_eq!(role_from_name("消费金额").map(|x| x.0), Some(Role::Amount));
        assert_eq!(role_from_name("segment"), None);
    }

    #[test]
    fn arms_from_content() {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<String>>();
        let hillstrom = s(&["Mens E-Mail", "Womens E-Mail", "No E-Mail"]);
        assert_eq!(
            role_from_content(ColumnType::Text, &hillstrom, true),
            Some(Role::Arm)
        );
        assert_eq!(
            role_from_content(ColumnType::Text, &s(&["对照组", "短信组"]), true),
            Some(Role::Arm)
        );
        assert_eq!(
            role_from_content(ColumnType::Text, &s(&["treatment", "control"]), true),
            Some(Role::Arm)
        );
        // Labels without a control, or only a control, are not an arm.
        assert_eq!(
            role_from_content(ColumnType::Text, &s(&["gold", "silver"]), true),
            None
        );
        assert_eq!(
            role_from_content(ColumnType::Text, &s(&["control"]), true),
            None
        );
        assert!(is_control_value("No E-Mail"));
        assert!(is_control_value(" 对照组 "));
        assert!(!is_control_value("Mens E-Mail"));
    }

    #[test]
    fn campaign_roles_fit_their_types() {
        assert!(fits(Role::Cost, ColumnType::Float));
        assert!(!fits(Role::Cost, ColumnType::Text));
        assert!(fits(Role::StartDate, ColumnType::Date));
        assert!(!fits(Role::EndDate, ColumnType::Integer));
        assert!(fits(Role::Opened, ColumnType::Boolean));
        assert!(fits(Role::Conversion, ColumnType::Integer));
        assert!(!fits(Role::Visit, ColumnType::Float));
        assert!(fits(Role::Arm, ColumnType::Text));
    }
}
