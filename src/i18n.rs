//! Every user-visible string of the window, in English and Simplified Chinese.
//!
//! One table ([`T`]), one lookup: `lang.tr(T::Open)`; placeholders `{0}`, `{1}` are filled by
//! [`Lang::f`]. The language is a value (not a global), so it can change while the app runs and
//! tests in parallel do not disturb each other.

use crate::dataset::{ColumnType, Role};
use crate::progress::Stage;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A language of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// BCP-47 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language's name in itself, for the language menu.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhCn => "简体中文",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let c = code.to_ascii_lowercase().replace('_', "-");
        if c.starts_with("zh") {
            Some(Lang::ZhCn)
        } else if c.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The text of `key` in this language.
    pub fn tr(self, key: T) -> &'static str {
        match self {
            Lang::En => key.en(),
            Lang::ZhCn => key.zh(),
        }
    }

    /// The text of `key` with `{0}`, `{1}`, … replaced by `args`.
    pub fn f(self, key: T, args: &[&dyn std::fmt::Display]) -> String {
        let mut s = self.tr(key).to_string();
        for (i, a) in args.iter().enumerate() {
            s = s.replace(&format!("{{{i}}}"), &a.to_string());
        }
        s
    }

    pub fn column_type(self, ty: ColumnType) -> &'static str {
        self.tr(match ty {
            ColumnType::Integer => T::TypeInteger,
            ColumnType::Float => T::TypeFloat,
            ColumnType::Boolean => T::TypeBoolean,
            ColumnType::Date => T::TypeDate,
            ColumnType::Datetime => T::TypeDatetime,
            ColumnType::Text => T::TypeText,
        })
    }

    pub fn role(self, role: Role) -> &'static str {
        self.tr(match role {
            Role::CustomerId => T::RoleCustomerId,
            Role::OrderId => T::RoleOrderId,
            Role::Timestamp => T::RoleTimestamp,
            Role::Amount => T::RoleAmount,
            Role::Quantity => T::RoleQuantity,
            Role::UnitPrice => T::RoleUnitPrice,
            Role::ItemId => T::RoleItemId,
            Role::ItemName => T::RoleItemName,
            Role::Category => T::RoleCategory,
            Role::Channel => T::RoleChannel,
            Role::Campaign => T::RoleCampaign,
            Role::EventType => T::RoleEventType,
            Role::Cost => T::RoleCost,
            Role::CostPerContact => T::RoleCostPerContact,
            Role::Spend => T::RoleSpend,
            Role::StartDate => T::RoleStartDate,
            Role::EndDate => T::RoleEndDate,
            Role::Opened => T::RoleOpened,
            Role::Clicked => T::RoleClicked,
            Role::Arm => T::RoleArm,
            Role::Conversion => T::RoleConversion,
            Role::Visit => T::RoleVisit,
            Role::OrderStatus => T::RoleOrderStatus,
        })
    }

    /// A progress stage reported by the library, in this language.
    pub fn stage(self, stage: Stage) -> &'static str {
        self.tr(match stage {
            Stage::Reading => T::StageReading,
            Stage::Scanning => T::StageScanning,
            Stage::Loading => T::StageLoading,
            Stage::Committing => T::StageCommitting,
            Stage::Exporting => T::StageExporting,
            Stage::Sorting => T::StageSorting,
            Stage::Profiling => T::StageProfiling,
            Stage::Fitting => T::StageFitting,
            Stage::Recommending => T::StageRecommending,
            Stage::Evaluating => T::StageEvaluating,
            Stage::BackingUp => T::StageBackingUp,
            Stage::Checking => T::StageChecking,
            Stage::Copying => T::StageCopying,
            Stage::Restoring => T::StageRestoring,
            Stage::Cleaning => T::StageCleaning,
            Stage::Saving => T::StageSaving,
            Stage::Counting => T::StageCounting,
        })
    }

    /// An activity-log action (`import`, `export`, …) in this language.
    pub fn action(self, action: &str) -> String {
        let key = match action {
            "create" => Some(T::ActionCreate),
            "import" => Some(T::ActionImport),
            "export" => Some(T::ActionExport),
            "delete" => Some(T::ActionDelete),
            "rebuild" => Some(T::ActionRebuild),
            "edit" => Some(T::ActionEdit),
            "backup" => Some(T::ActionBackup),
            "restore" => Some(T::ActionRestore),
            "erase" => Some(T::ActionErase),
            "passphrase" => Some(T::ActionPassphrase),
            "reveal" => Some(T::ActionReveal),
            _ => None,
        };
        key.map_or_else(|| action.to_string(), |k| self.tr(k).to_string())
    }

    /// A tag's name for people: the default tags every project starts with (stored under their
    /// English names, which rules use) in this language; the user's own tags as they are.
    pub fn tag(self, name: &str) -> &str {
        let key = match name {
            "high value" => T::TagDefaultHighValue,
            "loyal regular" => T::TagDefaultLoyalRegular,
            "slipping VIP" => T::TagDefaultSlippingVip,
            "frequent returner" => T::TagDefaultFrequentReturner,
            "weekend shopper" => T::TagDefaultWeekendShopper,
            "bargain hunter" => T::TagDefaultBargainHunter,
            "new parent" => T::TagDefaultNewParent,
            _ => return name,
        };
        self.tr(key)
    }

    /// A count in a sentence: `one` when `n` is 1, else `many`, filled with `n` as `{0}` (and
    /// `rest` from `{1}` on). Chinese has no plural: the two keys then read the same.
    pub fn count(self, n: usize, one: T, many: T, rest: &[&dyn std::fmt::Display]) -> String {
        let shown = int(n as u64);
        let mut args: Vec<&dyn std::fmt::Display> = vec![&shown];
        args.extend_from_slice(rest);
        self.f(if n == 1 { one } else { many }, &args)
    }

    /// A duration such as an ETA: `45 s`, `3 min 05 s`, `1 h 02 min`.
    pub fn duration(self, d: Duration) -> String {
        let s = d.as_secs();
        let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
        match self {
            Lang::En if h > 0 => format!("{h} h {m:02} min"),
            Lang::En if m > 0 => format!("{m} min {s:02} s"),
            Lang::En => format!("{s} s"),
            Lang::ZhCn if h > 0 => format!("{h} 小时 {m:02} 分"),
            Lang::ZhCn if m > 0 => format!("{m} 分 {s:02} 秒"),
            Lang::ZhCn => format!("{s} 秒"),
        }
    }
}

// Integers and byte counts read the same in both languages; they live in `crate::format`.
pub use crate::format::{bytes, int};

macro_rules! strings {
    ($($key:ident => $en:expr, $zh:expr;)*) => {
        /// A user-visible string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum T { $($key),* }

        impl T {
            pub const ALL: &'static [T] = &[$(T::$key),*];
            pub fn en(self) -> &'static str { match self { $(T::$key => $en),* } }
            pub fn zh(self) -> &'static str { match self { $(T::$key => $zh),* } }
        }
    };
}

strings! {
    AppName => "Loupe", "Loupe";
    Tagline => "Local-first marketing analytics", "本地优先的营销分析工具";
    New => "New…", "新建…";
    Open => "Open…", "打开…";
    Import => "Import…", "导入…";
    Recent => "Recent", "最近";
    NoRecent => "No recent projects", "没有最近的项目";
    Language => "Language", "语言";
    Theme => "Theme", "主题";
    ThemeLight => "Light", "浅色";
    ThemeDark => "Dark", "深色";
    ThemeSystem => "System", "跟随系统";
    NoProject => "No project open", "未打开项目";
    ProjectFilter => "Loupe project", "Loupe 项目";
    DataFiles => "Data files", "数据文件";
    NewProjectTitle => "Create a project", "新建项目";
    OpenProjectTitle => "Open a project", "打开项目";
    ImportFilesTitle => "Choose files to import", "选择要导入的文件";
    ReadOnly => "read-only", "只读";

    // Navigation and page descriptions.
    NavData => "Data", "数据";
    NavClean => "Clean", "清洗";
    NavExplore => "Explore", "探索";
    NavCustomers => "Customers", "客户";
    NavSegments => "Segments", "分群";
    NavRecommendations => "Recommendations", "推荐";
    NavCampaigns => "Campaigns", "营销活动";
    NavActivity => "Activity", "活动日志";
    NavDashboard => "Dashboard", "仪表板";
    DescData => "The datasets of the project as imported: browse, filter and profile every column, and set the roles the analyses read.", "项目中导入的数据集：浏览、筛选并分析每一列，设置各项分析所用的角色。";
    DescRecommendations => "Which products each customer or segment would be offered and why, and how well each method would have worked on past purchases.", "每位客户或每个分群会被推荐哪些商品及其理由，以及各方法在历史购买上的效果。";
    DescActivity => "Everything done to the project, in an append-only log: imports, rebuilds, exports, backups and erasures.", "对项目所做的一切操作，记录在只追加的日志中：导入、重建、导出、备份和删除。";
    DescClean => "Find and fix problems in your data: duplicate rows, inconsistent spellings, missing values, outliers and mixed date formats, with every change recorded and reversible.",
        "发现并修复数据中的问题：重复行、拼写不一致、缺失值、异常值和混杂的日期格式。每一次修改都有记录，并且可以撤销。";
    DescExplore => "Ask questions of your data without writing SQL: group, filter and chart any dataset, compare periods and drill down from a total to the rows behind it.",
        "无需编写 SQL 即可分析数据：对任意数据集分组、筛选和制图，比较不同时期，并从汇总值一直下钻到明细行。";
    DescCustomers => "One view per customer built from orders and events: lifetime value, purchase frequency, recency, churn risk and the full timeline of what each customer did.",
        "基于订单和行为事件为每位客户建立画像：生命周期价值、购买频次、最近购买时间、流失风险，以及客户的完整行为时间线。";
    Browse => "Browse…", "浏览…";
    JobSegmentBase => "Loading customers for segments", "正在为分群加载客户";
    JobSegmentPreview => "Counting the segment", "正在统计分群";
    JobSegmentKmeans => "Clustering customers", "正在对客户聚类";
    JobSegmentOverlap => "Comparing segments", "正在比较分群";
    JobSegmentTable => "Writing the customer table {0}", "正在写入客户表 {0}";
    JobSegmentSave => "Saving the segment {0}", "正在保存分群 {0}";
    JobSegmentExport => "Exporting the segment to {0}", "正在导出分群到 {0}";
    SegSubtitle => "Rules over the customer table and what customers did; the list a campaign loads.", "基于客户表与客户行为的规则；营销活动所用的名单。";
    SegLoading => "Loading the customer table…", "正在加载客户表…";
    SegNoBase => "Segments need a transactions dataset", "分群需要交易数据集";
    SegSaved => "Saved segments", "已保存的分群";
    SegNew => "New segment", "新建分群";
    SegNoneSaved => "No segment saved yet.", "尚未保存分群。";
    SegTabBuilder => "Builder", "规则构建";
    SegTabGenerate => "Generate", "自动生成";
    SegTabOverlap => "Overlap", "重叠分析";
    SegName => "Name", "名称";
    SegDescription => "Description", "描述";
    SegSave => "Save", "保存";
    SegDelete => "Delete", "删除";
    SegExport => "Export…", "导出…";
    SegRuleText => "Rule", "规则";
    SegBuilder => "Conditions", "条件";
    SegPreview => "Preview", "预览";
    SegCount => "{0} of {1} customers ({2})", "{1} 位客户中的 {0} 位（{2}）";
    SegPortrait => "What stands out", "群体特征";
    SegSample => "Sample members (highest revenue first)", "成员示例（按收入降序）";
    SegCustomer => "Customer", "客户";
    SegCopySql => "Copy SQL", "复制 SQL";
    SegSqlNote => "Runs on the project (after a save writes its customer table) or on a warehouse with the same tables.", "可在本项目（保存后会写入客户表）或具有相同表的数据仓库中运行。";
    SegSavedNotice => "Segment '{0}' saved", "已保存分群“{0}”";
    SegExported => "Exported {0} customers to {1}", "已导出 {0} 位客户到 {1}";
    SegAllOf => "All of", "全部满足";
    SegAnyOf => "Any of", "任一满足";
    SegRemoveRow => "Remove this condition", "删除此条件";
    SegNot => "NOT", "非";
    SegNotHint => "Customers for whom this does not hold", "不满足此条件的客户";
    SegAddCondition => "+ Condition", "+ 条件";
    SegAddBought => "+ Bought", "+ 购买行为";
    SegAddEvent => "+ Event", "+ 事件";
    SegAddTag => "+ Tag", "+ 标签";
    SegAddSegment => "+ Segment", "+ 分群";
    SegAddGroup => "+ Group", "+ 条件组";
    SegBefore => "before", "早于";
    SegAfter => "after", "晚于";
    SegBetween => "between", "介于";
    SegAnd => "and", "和";
    SegInList => "in list", "属于";
    SegNotInList => "not in list", "不属于";
    SegContains => "contains", "包含";
    SegStartsWith => "starts with", "开头是";
    SegEndsWith => "ends with", "结尾是";
    SegIsEmpty => "is empty", "为空";
    SegIsNotEmpty => "is not empty", "不为空";
    SegWithinDays => "within the last", "在最近";
    SegDays => "days", "天内";
    SegExpression => "Expression", "表达式";
    SegBought => "bought", "购买过";
    SegAnything => "anything", "任意商品";
    SegMinTimes => "at least (orders)", "至少（单）";
    SegMaxTimes => "at most (orders)", "至多（单）";
    SegMinAmount => "amount at least", "金额至少";
    SegLastDays => "in the last (days)", "最近（天）";
    SegDid => "did event", "发生事件";
    SegHasTag => "has tag", "带有标签";
    SegInSegment => "in segment", "属于分群";
    SegGenRfm => "An RFM group", "RFM 分组";
    SegGenTop => "The top customers by a number", "按数值排名靠前的客户";
    SegTopN => "Top", "前";
    SegBy => "by", "按";
    SegUse => "Use", "使用";
    SegGenKmeans => "k-means clusters", "k 均值聚类";
    SegKmeansNote => "Choose number columns; they are standardised. Each cluster becomes an ordinary rule.", "选择数值列（会标准化）；每个簇都会成为普通规则。";
    SegChooseK => "Elbow and silhouette", "肘部图与轮廓系数";
    SegMakeClusters => "Make clusters", "生成簇";
    SegInertia => "Inertia (scaled)", "簇内平方和（缩放）";
    SegSilhouette => "Silhouette", "轮廓系数";
    SegBestK => "Best silhouette at k = {0} ({1})", "k = {0} 时轮廓系数最高（{1}）";
    SegCluster => "Cluster", "簇";
    SegSize => "Customers", "客户数";
    SegTraits => "Distinctive (standard deviations from the base)", "显著特征（与总体相差的标准差）";
    SegPrefix => "Name prefix", "名称前缀";
    SegSaveAll => "Save all as segments", "全部保存为分群";
    SegSavedClusters => "Saved {0} segments named '{1} …'", "已保存 {0} 个分群，名称以“{1}”开头";
    SegOverlapNeedTwo => "Save two or more segments to compare them.", "保存两个及以上分群后可比较。";
    SegOverlapMatrix => "Shared customers · Jaccard index", "共同客户数 · Jaccard 系数";
    SegOverlapNote => "Each cell: customers in both segments, then shared ÷ in either.", "每格：同时属于两个分群的客户数，以及交集 ÷ 并集。";
    SegVenn => "Venn diagram", "韦恩图";
    SegVennPick => "Tick two or three segments.", "请勾选两个或三个分群。";
    SegVennOutside => "{0} customers are in none of them.", "{0} 位客户不属于其中任何分群。";
    SegExportTitle => "Export segment", "导出分群";
    SegFile => "File", "文件";
    SegFormats => "The format follows the extension: .csv, .xlsx or .parquet.", "格式由扩展名决定：.csv、.xlsx 或 .parquet。";
    SegColumn => "Column", "列";
    SegInclude => "Export", "导出";
    SegMask => "Mask", "脱敏";
    SegHashIds => "Replace customer ids by SHA-256 hashes (for ad platforms)", "以 SHA-256 哈希替换客户 ID（用于广告平台匹配）";
    SegSalt => "Salt", "盐值";
    SegBom => "UTF-8 byte-order mark (for Excel)", "UTF-8 BOM（便于 Excel 打开）";
    SegExportGo => "Export", "导出";
    DescSegments => "Group customers into segments with RFM scores, cohorts or your own rules, see how segments change over time and export them for campaigns.",
        "通过 RFM 评分、同期群或自定义规则对客户分群，观察各分群随时间的变化，并导出用于营销活动。";
    DescCampaigns => "Measure campaigns: spend, reach, conversions and return on ad spend per channel, and the lift of randomised experiments with confidence intervals.",
        "衡量营销活动效果：按渠道统计花费、触达、转化和广告支出回报率，并以置信区间评估随机实验的提升效果。";

    // Welcome and project states.
    Welcome => "Welcome to Loupe", "欢迎使用 Loupe";
    WelcomeBody => "Open a project or import a file to start. Loupe keeps all data on this computer.",
        "打开一个项目或导入一个文件即可开始。Loupe 的所有数据都保存在这台电脑上。";
    PreparingSample => "Preparing the sample project…", "正在准备示例项目…";
    OpenSample => "Open the sample project", "打开示例项目";

    // Status bar and jobs.
    Ready => "Ready", "就绪";
    Cancel => "Cancel", "取消";
    Cancelled => "Cancelled", "已取消";
    JobSample => "Building the sample project", "正在构建示例项目";
    JobOpen => "Opening {0}", "正在打开 {0}";
    JobImport => "Importing {0}", "正在导入 {0}";
    JobSort => "Preparing rows of {0}", "正在准备 {0} 的数据行";
    JobProfile => "Profiling column {0}", "正在分析列 {0}";
    JobPreview => "Reading a preview of {0}", "正在读取 {0} 的预览";
    Remaining => "{0} left", "剩余 {0}";
    RowsDone => "{0} rows", "{0} 行";
    RowsOf => "{0} of {1} rows", "{0} / {1} 行";
    StageReading => "Reading", "读取中";
    StageScanning => "Scanning", "扫描中";
    StageLoading => "Loading", "写入中";
    StageCommitting => "Saving", "保存中";
    StageExporting => "Exporting", "导出中";
    StageSorting => "Sorting", "排序中";
    StageProfiling => "Profiling", "分析中";
    StageFitting => "Fitting", "拟合中";
    StageRecommending => "Recommending", "生成推荐中";
    StageEvaluating => "Evaluating", "评估中";
    StageCleaning => "Cleaning", "清理中";
    StageSaving => "Saving", "保存中";
    StageCounting => "Counting", "计数中";
    Imported => "Imported {0} rows into “{1}”", "已导入 {0} 行到“{1}”";
    BlankRowsSkipped => " ({0} empty rows skipped)", "（跳过 {0} 个空行）";
    Errors => "Problems", "问题";
    Dismiss => "Dismiss", "关闭";
    DismissAll => "Dismiss all", "全部关闭";
    Warnings => "Warnings", "警告";
    JobsRunning => "{0} jobs running", "{0} 个任务正在运行";

    // Data page.
    Datasets => "Datasets", "数据集";
    NoDatasets => "No datasets yet. Import a CSV, Excel, Parquet or JSON file to start.",
        "还没有数据集。导入 CSV、Excel、Parquet 或 JSON 文件即可开始。";
    RowsColumns => "{0} rows · {1} columns", "{0} 行 · {1} 列";
    Source => "Source", "来源";
    ImportedAt => "Imported", "导入时间";
    Filter => "Filter", "筛选";
    FilterHint => "Filter rows… (Ctrl+F)", "筛选行…（Ctrl+F）";
    AllColumns => "All columns", "所有列";
    In => "in", "范围";
    ClearFilter => "Clear", "清除";
    Loading => "Loading…", "加载中…";
    NoMatches => "No rows match the filter.", "没有符合筛选条件的行。";
    SelectDataset => "Select a dataset on the left.", "请在左侧选择一个数据集。";
    SortHint => "Click to sort", "点击排序";
    RowNumber => "#", "#";

    // Warehouses (the Data page).
    WhConnect => "Connect a warehouse…", "连接数据仓库…";
    WhConnectTitle => "Connect a warehouse", "连接数据仓库";
    WhUrlVar => "Environment variable with the URL", "保存连接地址的环境变量";
    WhUrlVarHint => "Set it to postgresql://user:password@host:port/database (or sc://host:port for Spark Connect) before starting Loupe. The project keeps the variable's name, never the URL or its password.",
        "启动 Loupe 前将其设为 postgresql://用户:密码@主机:端口/数据库（Spark Connect 则为 sc://主机:端口）。项目只保存变量名，从不保存连接地址或密码。";
    WhListTables => "List tables", "列出表";
    WhVarSet => "{0} is set.", "{0} 已设置。";
    WhSessionUrl => "URL for this session", "本次会话的连接地址";
    WhSessionUrlHint => "{0} is not set: type the URL here instead. It is kept in memory until Loupe closes, never saved.",
        "{0} 未设置：可在此输入连接地址。它只保存在内存中，直到 Loupe 关闭，从不写入文件。";
    WhTables => "Tables and views", "表和视图";
    WhNoTables => "This user may read no table in this warehouse.", "此用户在该仓库中没有可读的表。";
    WhListing => "Listing the tables…", "正在列出表…";
    WhInspecting => "Reading the table's columns and a sample…", "正在读取表的列和样本…";
    WhName => "Name in the project", "在项目中的名称";
    WhLink => "Link", "链接";
    WhLinkedTables => "Linked tables", "已链接的表";
    WhLinkedNotice => "Linked '{0}': its analyses run in the warehouse.", "已链接“{0}”：它的分析在仓库中运行。";
    WhSource => "{0} table {1}", "{0} 表 {1}";
    WhUrlFrom => "URL from ${0}", "连接地址来自 ${0}";
    WhRowsEstimate => "about {0} rows (the planner's estimate)", "约 {0} 行（查询规划器估计）";
    WhNoCopy => "Its rows stay in the warehouse: each analysis is sent there and only the results come back.",
        "数据行留在仓库中：每项分析都发送到仓库计算，只取回结果。";
    WhCountTitle => "Count a segment in the warehouse", "在仓库中统计分群";
    WhRule => "Rule", "规则";
    WhRuleWas => "Rule: {0}", "规则：{0}";
    WhCount => "Count", "统计";
    WhCounted => "{0} of {1} customers ({2})", "{1} 位客户中的 {0} 位（{2}）";
    WhTransfer => "Computed in the warehouse: {0} result rows, {1} received.", "在仓库中计算：{0} 行结果，接收 {1}。";
    WhCountFailed => "The warehouse could not count the segment", "仓库无法统计该分群";
    WhListFailed => "The warehouse could not be read", "无法读取该仓库";
    WhLinkFailed => "The table could not be linked", "无法链接该表";
    WhUnlink => "Unlink (the warehouse's table stays)", "取消链接（仓库中的表保留）";
    JobWhTables => "Listing the tables in {0}", "正在列出 {0} 中的表";
    JobWhInspect => "Reading {0}", "正在读取 {0}";
    JobWhLink => "Linking {0}", "正在链接 {0}";
    JobWhCount => "Counting a segment in {0}", "正在 {0} 中统计分群";
    JobWhUnlink => "Unlinking {0}", "正在取消链接 {0}";

    // Column profile.
    ColumnProfile => "Column profile", "列概况";
    HideProfile => "Fold the column profile away (more room for the table)", "收起列概况（给表格留出空间）";
    ShowProfile => "Show the column profile", "显示列概况";
    Column => "Column", "列";
    Type => "Type", "类型";
    Role => "Role", "角色";
    NoRole => "—", "—";
    Nulls => "Empty", "空值";
    Distinct => "Distinct", "不同值";
    Min => "Minimum", "最小值";
    Max => "Maximum", "最大值";
    TopValues => "Most common values", "最常见的值";
    Distribution => "Distribution", "分布";
    Count => "Count", "计数";
    Value => "Value", "值";
    PickColumn => "Click a column header to see its profile.", "点击列标题查看该列的概况。";

    // Column types and roles.
    TypeInteger => "Integer", "整数";
    TypeFloat => "Decimal", "小数";
    TypeBoolean => "Yes/No", "是/否";
    TypeDate => "Date", "日期";
    TypeDatetime => "Date & time", "日期时间";
    TypeText => "Text", "文本";
    RoleCustomerId => "Customer ID", "客户 ID";
    RoleOrderId => "Order ID", "订单 ID";
    RoleTimestamp => "Timestamp", "时间戳";
    RoleAmount => "Amount", "金额";
    RoleQuantity => "Quantity", "数量";
    RoleUnitPrice => "Unit price", "单价";
    RoleItemId => "Item ID", "商品 ID";
    RoleItemName => "Item name", "商品名称";
    RoleCategory => "Category", "品类";
    RoleChannel => "Channel", "渠道";
    RoleCampaign => "Campaign", "营销活动";
    RoleEventType => "Event type", "事件类型";

    // Activity page.
    ActivityTitle => "Activity log", "活动日志";
    NoActivity => "Nothing has happened in this project yet.", "此项目还没有任何操作记录。";
    Time => "Time", "时间";
    Action => "Action", "操作";
    Dataset => "Dataset", "数据集";
    Rows => "Rows", "行数";
    Details => "Details", "详情";
    ActionCreate => "Create", "创建";
    ActionImport => "Import", "导入";
    ActionExport => "Export", "导出";
    ActionDelete => "Delete", "删除";
    ActionRebuild => "Rebuild", "重建";
    ActionEdit => "Edit", "编辑";
    Refresh => "Refresh", "刷新";

    // Import dialog.
    ImportTitle => "Import data", "导入数据";
    Files => "Files", "文件";
    DatasetName => "Dataset name", "数据集名称";
    Encoding => "Encoding", "编码";
    Delimiter => "Delimiter", "分隔符";
    Header => "Header row", "标题行";
    Format => "Format", "格式";
    Auto => "Automatic", "自动";
    Detected => "detected: {0}", "检测结果：{0}";
    HeaderYes => "First row has names", "首行是列名";
    HeaderNo => "No header", "没有标题行";
    DelimComma => "Comma ,", "逗号 ,";
    DelimTab => "Tab", "制表符";
    DelimSemicolon => "Semicolon ;", "分号 ;";
    DelimPipe => "Pipe |", "竖线 |";
    DelimWhitespace => "Spaces", "空格";
    Quotes => "Quotes", "引号";
    QuotesStandard => "Standard (a quoted cell may span lines)", "标准（引号内的单元格可跨行）";
    QuotesPlain => "Treat quotes as plain characters", "把引号当作普通字符";
    QuotesLong => "Standard, cells may hold very long texts", "标准，单元格可含很长的文本";
    EncodingMixed => "Per line (UTF-8, else the legacy encoding)", "逐行判断（UTF-8，否则旧式编码）";
    Columns => "Columns", "列";
    PreviewRows => "Preview: the first {0} rows as Loupe will read them", "预览：Loupe 读取的前 {0} 行";
    PresetRecognised => "Recognised: {0}", "识别为：{0}";
    ReadingPreview => "Reading the file…", "正在读取文件…";
    ImportButton => "Import", "导入";
    Replace => "Replace a dataset of the same name", "替换同名数据集";
    DropHint => "Drop files to import them", "拖放文件即可导入";
    // The window's own file browser (ui::widgets::file_dialog).
    FdOpenTitle => "Choose a file", "选择文件";
    FdSaveTitle => "Save as", "另存为";
    FdUp => "Up", "上一级";
    FdHome => "Home", "主目录";
    FdPath => "Path", "路径";
    FdGo => "Go", "转到";
    FdRecentFolders => "Recent folders", "最近的文件夹";
    FdNoRecentFolders => "None yet", "暂无";
    FdCannotRead => "This folder cannot be read: {0}", "无法读取此文件夹：{0}";
    FdEmptyFolder => "No matching files in this folder", "此文件夹中没有符合的文件";
    FdCut => "Only the first {0} entries are listed; type a path above.", "只列出前 {0} 项；请在上方输入路径。";
    FdFileName => "File name", "文件名";
    FdWillReplace => "A file of this name exists and will be replaced.", "已有同名文件，将被替换。";
    FdShowing => "Showing folders and {0} ({1})", "显示文件夹和{0}（{1}）";
    FdShowAll => "Show all files", "显示所有文件";
    FdAlwaysWindow => "Always use this browser", "始终使用此浏览器";
    FdOpen => "Open", "打开";
    FdSave => "Save", "保存";
    FdSelected => "{0} files selected", "已选择 {0} 个文件";
    FdNoSuchPath => "There is no such file or folder.", "没有这个文件或文件夹。";
    FdChooseAFile => "Choose a file first.", "请先选择一个文件。";
    FdTypeAName => "Type a file name first.", "请先输入文件名。";
    FdNothingChosen => "No file was chosen. If no dialog appeared, this system has none: browse in the window instead.", "未选择文件。如果没有出现对话框，说明本系统没有文件对话框：请改用窗口内浏览。";
    FdBrowseInWindow => "Browse in the window…", "在窗口内浏览…";
    DropNotData => "Not a file Loupe can import or open: {0}", "Loupe 无法导入或打开此文件：{0}";
    // The Data page's role editor and dataset actions.
    RdCustomers => "Customers", "客户分析";
    RdFunnels => "Funnels", "漏斗";
    RdRecommendations => "Recommendations", "推荐";
    RdCampaigns => "Campaign contacts", "活动触达";
    RdExperiment => "Experiment (lift)", "实验（提升）";
    RdOr => " or ", "或";
    RdReady => "{0}: can be built", "{0}：可以生成";
    RdMissing => "{0}: still needs {1}", "{0}：仍需要 {1}";
    RdNowPossible => "Roles saved. Now possible: {0}", "角色已保存。现在可以：{0}";
    RdSaved => "Roles of {0} saved", "已保存 {0} 的角色";
    RdRepeatedTotal => "{0} holds the same value on every line of {1} of {2} orders with several lines: it looks like the order's total repeated on each line, and revenue would count it once per line. Give the amount role to a per-line column, or clear it (Loupe then uses quantity × unit price).", "{0} 在 {2} 个多行订单中有 {1} 个每一行的值都相同：看起来是订单总额重复写在了每一行上，按行汇总会把它重复计算。请把“金额”角色设给按行记录的金额列，或清除这个角色（Loupe 会改用数量 × 单价）。";
    RdDeleted => "Deleted {0} (a backup was made first)", "已删除 {0}（删除前已自动备份）";
    RdJobRoles => "Saving the roles of {0}", "正在保存 {0} 的角色";
    RdJobDelete => "Deleting {0}", "正在删除 {0}";
    RdRedetect => "Re-detect roles", "重新识别角色";
    RdRedetectHint => "Gives each role to the column whose name suggests it, as the import does", "按列名重新分配角色，与导入时相同";
    RdRedetectSame => "The roles of {0} already match its column names", "{0} 的角色已与列名一致";
    RdExport => "Export…", "导出…";
    RdDelete => "Delete…", "删除…";
    RdActions => "Dataset", "数据集";
    RdDeleteTitle => "Delete the dataset {0}?", "删除数据集 {0}？";
    RdDeleteBody => "Its rows leave the project. A backup of the project is made first, so it can be restored.", "其数据将从项目中移除。删除前会先备份项目，可以恢复。";
    RdDeleteNow => "Delete", "删除";
    RdRename => "Rename…", "重命名…";
    RdRenameTitle => "Rename the dataset {0}", "重命名数据集 {0}";
    RdRenameBody => "Its cleaning recipe, relationships, saved charts and segment snapshots follow the new name.", "它的清洗配方、关联关系、已保存的图表和分群快照都会随之改用新名称。";
    RdNewName => "New name", "新名称";
    RdNameRule => "A name has letters (Chinese too), digits and underscores, starts with a letter, has at most 64 characters and does not start with _loupe or sqlite_.", "名称只能包含字母（含中文）、数字和下划线，以字母开头，最多 64 个字符，且不能以 _loupe 或 sqlite_ 开头。";
    RdRenameNow => "Rename", "重命名";
    RdRenamed => "Renamed {0} to {1}", "已将 {0} 重命名为 {1}";
    RdJobRename => "Renaming {0}", "正在重命名 {0}";
    RdAddFiles => "Add files…", "追加文件…";
    RdAddFilesHint => "Adds the rows of files with the same columns: the dataset's own files are read again with them, keeping its roles and personal-data choices (a backup is made first)", "追加列相同的文件中的行：会连同该数据集原来的文件一起重新读取，保留其角色和个人数据处理方式（先自动备份）";
    RdAddFilesTitle => "Choose files to add to {0}", "选择要追加到 {0} 的文件";
    RdAdded => "Added {0} file(s) to {1}: {2} rows now", "已向 {1} 追加 {0} 个文件：现有 {2} 行";
    RdJobAddFiles => "Adding files to {0}", "正在向 {0} 追加文件";
    RdWhatPossible => "What these roles allow", "这些角色可以做什么";
    RdBehaviourOnly => "A behaviour dataset (events, no amounts): funnels and recommendations from behaviour are possible; customer value needs amounts.", "行为数据集（有事件、无金额）：可以做漏斗和基于行为的推荐；客户价值分析需要金额。";
    RdColumns => "Columns and roles", "列与角色";
    RdTypeHint => "The type the import read; convert it with a step on the Clean page.", "导入时识别的类型；可在清洗页添加转换步骤。";
    RdSaving => "Saving…", "正在保存…";
    RdFailed => "The roles could not be saved", "无法保存角色";
    RdRows => "Rows", "数据行";
    RdRolesTab => "Roles", "角色";
    RdRelationsTab => "Relationships", "关系";
    RelHint => "How the datasets join: the key columns found by name and by shared values, many side first. Confirm the ones that are right; Customers and joins follow confirmed relationships.", "数据集之间如何关联：按列名和共同取值找到的键列（多的一方在前）。请确认正确的关系；客户和连接会沿已确认的关系进行。";
    RelNone => "No key columns are shared between the datasets.", "数据集之间没有共同的键列。";
    RelFrom => "From", "从";
    RelTo => "To", "到";
    RelCardinality => "Cardinality", "对应关系";
    RelMatch => "Keys matched", "键匹配率";
    RelStatus => "Status", "状态";
    RelConfirmed => "confirmed", "已确认";
    RelCandidate => "candidate", "候选";
    RelConfirm => "Confirm", "确认";
    RelRemove => "Remove", "移除";
    RelOneToOne => "one-to-one", "一对一";
    RelManyToOne => "many-to-one", "多对一";
    RelManyToMany => "many-to-many", "多对多";
    JobRelations => "Finding relationships", "正在查找关系";
    JobRelationChange => "Saving the relationship {0}", "正在保存关系 {0}";
    // The funnel's steps (Explore).
    FnJobValues => "Reading the event values of {0}", "正在读取 {0} 的事件值";
    FnReadingValues => "Reading the event values…", "正在读取事件值…";
    FnStep => "Step {0}", "第 {0} 步";
    FnRemoveStep => "Remove this step", "删除此步骤";
    FnAddStep => "Add a step", "添加步骤";
    FnUnknownSteps => "No event is called {0}, so the funnel was not computed. The events are: {1}", "没有名为 {0} 的事件，因此未计算漏斗。现有事件：{1}";
    FnTwoSteps => "A funnel needs at least two steps.", "漏斗至少需要两个步骤。";
    Yes => "Yes", "是";
    No => "No", "否";
    Size => "Size", "大小";
    NameTaken => "A dataset with this name exists; tick “Replace” or choose another name.", "已存在同名数据集；请勾选“替换”或换一个名称。";
    NeedProject => "Open or create a project first.", "请先打开或新建一个项目。";

    // Library errors in the window's words (ui::explain).
    ErrPassphraseNeeded => "{0} is encrypted and its passphrase is not known; open the project again to enter it.", "{0} 已加密，尚不知道其密码；请重新打开项目并输入密码。";
    ErrNoSuchProject => "Project {0} does not exist; create it with “New…” or open another project.", "项目 {0} 不存在；请用“新建…”创建，或打开其他项目。";
    ErrDatasetExists => "A dataset named “{0}” already exists; choose another name, or tick “Replace a dataset of the same name”.", "已存在名为“{0}”的数据集；请换一个名称，或勾选“替换同名数据集”。";
    ErrWrongEncoding => "{0}: the bytes are not valid {1}. The file looks like {2}; choose {2} under “Encoding” and import it again.", "{0}：字节不是有效的 {1}。该文件看起来是 {2}；请在“编码”中选择 {2} 后重新导入。";
    ErrRagged => "{0}: {1} row(s) do not have the {2} fields of the header: {3}. Fix those lines in the file and import it again.", "{0}：有 {1} 行的字段数不是表头的 {2} 个：{3}。请修正文件中的这些行后重新导入。";
    ErrRaggedJoined => "{0}: {1} row(s) do not have the {2} fields of the header: {3}. Rows at lines {4} run over several lines inside quotes: a stray quote may have joined rows there. Check the quotes on those lines, or choose “{5}” under “{6}”.", "{0}：有 {1} 行的字段数不是表头的 {2} 个：{3}。第 {4} 行的内容在引号内跨越多行：可能是多余的引号把几行连成了一行。请检查这些行的引号，或在“{6}”中选择“{5}”。";
    ErrRunawayQuote => "{0}: a quote opens a field here that runs over {1} lines without closing, so the rows after it would be read as one cell. If the quote is a stray character, choose “{2}” under “{3}”, or fix that line.", "{0}：此处的引号开启了一个单元格，跨越 {1} 行仍未闭合，其后的行会被读成一个单元格。如果这个引号是多余的字符，请在“{3}”中选择“{2}”，或修正该行。";
    ErrColumnsDiffer => "{0} has different columns from {1}: {2}. Files imported together must have the same columns; import it on its own.", "{0} 的列与 {1} 不同：{2}。一起导入的文件必须有相同的列；请单独导入它。";
    ErrNoSuchColumn => "There is no column named “{0}”; the columns are: {1}", "没有名为“{0}”的列；现有的列：{1}";
    CleanTitle => "Data quality", "数据质量";
    CheckQuality => "Check quality", "检查质量";
    JobQuality => "Checking the quality of {0}", "正在检查 {0} 的数据质量";
    QualitySummary => "{0} rows · {1} exact duplicate rows", "{0} 行 · {1} 行完全重复";
    Findings => "Findings", "发现的问题";
    NoFindings => "No problems found.", "没有发现问题。";
    Problem => "Problem", "问题";
    Fixes => "Fixes that apply", "适用的修复";
    ColumnsHeading => "Columns", "各列";
    Missing => "Missing", "缺失";
    Invalid => "Invalid", "无效";
    Untrimmed => "Untrimmed", "首尾空格";
    OutliersIqr => "Outliers (IQR)", "异常值 (IQR)";
    ChooseDataset => "Choose a dataset", "选择数据集";
    RecipeNext => "Next: fix these with a reversible recipe of steps. Each finding lists the steps that will apply.", "下一步：用可撤销的步骤配方修复这些问题。每个问题都列出了适用的步骤。";
    KindExactDuplicates => "Exact duplicate rows", "完全重复的行";
    KindKeyDuplicates => "Duplicates on the key", "键重复的行";
    KindRuleFailed => "Rows failing a rule", "不满足规则的行";
    KindMissing => "Missing values", "缺失值";
    KindInvalid => "Values invalid for the type", "与类型不符的值";
    KindUntrimmed => "Leading or trailing spaces", "首尾有空格";
    KindOutliers => "Outliers (IQR)", "异常值 (IQR)";
    KindVariants => "Spelling variants of one category", "同一类别的不同写法";
    KindCancellations => "Cancellations (order id starts with C)", "取消的订单 (订单号以 C 开头)";
    KindNonPositiveQuantity => "Quantity ≤ 0", "数量 ≤ 0";
    KindNonPositivePrice => "Price ≤ 0", "价格 ≤ 0";
    KindFutureDates => "Dates in the future", "未来的日期";
    Why => "Why", "原因";
    WhyExactDuplicates => "These rows repeat an earlier row in every column; removing them keeps the first of each.", "这些行的每一列都与前面某行相同；删除后每组保留第一行。";
    WhyKeyDuplicates => "These rows repeat the key {0}; each key should appear once, so the first row of each is kept.", "这些行的键 {0} 与前面重复；每个键应只出现一次，因此每组保留第一行。";
    WhyRuleFailed => "These rows break your rule {0}.", "这些行不满足你设定的规则 {0}。";
    WhyMissingWithRole => "This column is the {0}; rows without it cannot be used by the analyses that need it, so they are dropped.", "这一列是{0}；缺少它的行无法用于需要它的分析，因此删除这些行。";
    WhyMissingNumber => "A number without a role: the median fills the gaps and keeps the rows without moving the column's middle.", "没有角色的数值列：用中位数填补空缺，保留这些行且不改变该列的中间值。";
    WhyMissingText => "Text without a role: 'unknown' fills the gaps, so the rows stay and are marked.", "没有角色的文本列：用 'unknown' 填补空缺，保留这些行并做标记。";
    WhyMissingOther => "No value can stand in for a missing date or yes/no, so these rows are dropped.", "缺失的日期或是/否值无法代替，因此删除这些行。";
    WhyInvalid => "These values could not be read as {0} and were kept as written at import; the cast reports the ones that still fail.", "这些值无法读作{0}，导入时按原样保留；转换类型时会列出仍然失败的值。";
    WhyUntrimmed => "Spaces before or after a value make equal values look different.", "值前后的空格会让相同的值看起来不同。";
    WhyOutliers => "These values lie outside {0} … {1} (1.5 interquartile ranges beyond the quartiles); they are flagged in a new column, not removed.", "这些值落在 {0} … {1} 之外（四分位数外 1.5 倍四分位距）；只在新列中标记，不删除。";
    WhyVariants => "{0} groups of values differ only in case, spacing or punctuation; each group is mapped to one spelling.", "有 {0} 组值只在大小写、空格或标点上不同；每组统一成一种写法。";
    WhyCancellations => "These ids are an uppercase C followed by digits, and {0} of the other ids are numbers: the shape of cancelled orders (as in Online Retail's invoices).", "这些订单号是大写 C 加数字，而其他订单号中 {0} 是纯数字：这是取消订单的写法（如 Online Retail 的发票号）。";
    WhyNonPositiveQuantity => "A quantity of zero or less is a return or an entry error, not a purchase.", "数量为零或负数是退货或录入错误，不是购买。";
    WhyNonPositivePrice => "A price or amount of zero or less is not a sale (a free item, an adjustment or an error).", "价格或金额为零或负数不是销售（赠品、调整或错误）。";
    WhyFutureDates => "These dates are after today ({0}), which an order cannot be.", "这些日期晚于今天（{0}），订单不可能发生在未来。";
    FixRemoveExactDuplicates => "remove exact duplicates", "删除完全重复的行";
    FixRemoveKeyDuplicates => "remove duplicates on the key", "按键去重";
    FixDropRows => "drop these rows", "删除这些行";
    FixFillMissing => "fill missing values", "填充缺失值";
    FixCastType => "cast the type", "转换类型";
    FixMapValues => "replace or map values", "替换或映射值";
    FixTrimWhitespace => "trim whitespace", "去除首尾空格";
    FixClipOutliers => "clip or flag outliers", "截断或标记异常值";
    // Customers page (customer table, cards, RFM map, group portraits)
    JobCustomers => "Building the customer table of {0}", "正在生成 {0} 的客户表";
    JobDashboard => "Reading the saved charts", "正在读取已保存的图表";
    JobActivity => "Reading the activity log", "正在读取操作记录";
    JobCatalog => "Reading the datasets and the activity log", "正在读取数据集和操作记录";
    CustSubtitle => "Who your customers are: RFM, lifecycle, lifetime value and portraits", "客户是谁：RFM、生命周期、生命周期价值与画像";
    CustOrders => "Orders", "订单";
    CustAttributes => "Attributes", "属性";
    CustProducts => "Products", "商品";
    CustNone => "(none)", "(无)";
    CustBuild => "Build", "生成";
    CustRelated => "Roles from related datasets:", "从关联数据集取角色：";
    CustPersonFrom => "Person from", "客户取自";
    CustTimeFrom => "Time from", "时间取自";
    CustAmountFrom => "Amount from", "金额取自";
    CustOwnColumn => "{0} (this dataset)", "{0} (本数据集)";
    CustRelatedHint => "Followed through the confirmed relationships (Data page, Relationships). An amount from a file with several rows per order is summed per order (a unit price times the quantity); a time is the earliest. The choice is kept in the project as {0}.", "沿已确认的关系 (数据页的关系视图) 取值。每单有多行的文件中的金额按订单求和 (单价乘数量)，时间取最早。所选保存在项目中，即数据集 {0}。";
    JobRelatedRoles => "Taking the roles of {0} from related datasets", "正在为 {0} 从关联数据集取角色";
    CustNeedDataset => "No dataset has a customer_id and a timestamp with an amount (or a quantity and a unit price). Import orders, or set the roles on the Data page.", "没有同时包含客户 ID、时间和金额 (或数量与单价) 的数据集。请导入订单，或在数据页设置列的角色。";
    CustTabList => "Customer list", "客户列表";
    CustTabMap => "RFM map", "RFM 分布";
    CustTabPortrait => "Group portrait", "群体画像";
    CustSearch => "Search customers", "搜索客户";
    CustCount => "{0} of {1} customers, as of {2}", "{0} / {1} 位客户，截至 {2}";
    ColCustomer => "Customer", "客户";
    ColRfmGroup => "RFM group", "RFM 分组";
    ColStage => "Stage", "阶段";
    ColOrders => "Orders", "订单数";
    ColRevenue => "Revenue", "收入";
    ColRecency => "Recency (days)", "距上次购买 (天)";
    CardPick => "Pick a customer in the list to see their card.", "在列表中选择一位客户以查看其卡片。";
    KeyFirstPurchase => "First purchase", "首次购买";
    KeyLastPurchase => "Last purchase", "最近购买";
    KeyAov => "Average order value", "平均订单金额";
    KeyItems => "Items", "件数";
    KeyTenure => "Tenure (days)", "客户时长 (天)";
    KeyInterval => "Mean days between orders", "平均购买间隔 (天)";
    KeyScores => "R / F / M scores", "R / F / M 得分";
    KeyFavCategory => "Favourite category", "最爱品类";
    KeyFavItem => "Favourite item", "最爱商品";
    KeyChannel => "Preferred channel", "偏好渠道";
    KeyHour => "Preferred hour", "偏好时段";
    KeyWeekday => "Preferred weekday", "偏好星期";
    KeyReturns => "Returns (orders / amount)", "退货 (订单 / 金额)";
    KeyPAlive => "Probability still active", "仍活跃的概率";
    KeyExpected => "Expected purchases, next 12 weeks", "未来 12 周预计购买次数";
    ClvUnavailable => "Lifetime value could not be fitted: {0}", "无法拟合生命周期价值：{0}";
    SecKeyMetrics => "Key metrics", "关键指标";
    SecPreferences => "Preferences", "偏好";
    SecLifetimeValue => "Lifetime value (BG/NBD)", "生命周期价值 (BG/NBD)";
    SecTimeline => "Purchase timeline", "购买时间线";
    SecCategoryMix => "Category mix", "品类构成";
    SecLastOrders => "Last orders", "最近订单";
    SecAttributes => "Attributes", "属性";
    ColDate => "Date", "日期";
    ColOrder => "Order", "订单";
    ColAmount => "Amount", "金额";
    ColChannel => "Channel", "渠道";
    Purchases => "Purchases", "购买";
    Returns => "Returns", "退货";
    HeatmapTitle => "Customers by recency (R) and frequency (F) score", "按最近购买 (R) 与购买频次 (F) 得分的客户数";
    HeatmapHint => "Click a cell to see the portrait of its RFM group.", "点击格子查看所属 RFM 分组的画像。";
    AxisR => "R score", "R 得分";
    AxisF => "F score", "F 得分";
    AxisM => "M score", "M 得分";
    SecGroups => "RFM groups", "RFM 分组";
    ColCustomers => "Customers", "客户数";
    ColShare => "Share", "占比";
    ColAvgRevenue => "Avg revenue", "平均收入";
    ColAvgRecency => "Avg recency (days)", "平均距上次购买 (天)";
    PortraitKind => "Group by", "分组方式";
    PortraitGroup => "Group", "群体";
    PortraitSize => "{0} of {1} customers ({2})", "{0} / {1} 位客户 ({2})";
    ColAttribute => "Attribute", "属性";
    ColValue => "Value", "取值";
    ColInGroup => "In group", "群体占比";
    ColInBase => "In base", "整体占比";
    ColTgi => "TGI", "TGI";
    PortraitNote => "TGI = share in the group ÷ share in the base × 100: above 100 the group has more of the value than the base. Attributes least like the base come first.", "TGI = 群体占比 ÷ 整体占比 × 100：高于 100 表示该群体中此取值比整体更多。与整体差异最大的属性排在最前。";
    PortraitEmpty => "No customer is in this group.", "此群体中没有客户。";
    RfmChampions => "Champions", "冠军客户";
    RfmLoyal => "Loyal", "忠诚客户";
    RfmPotentialLoyalist => "Potential loyalist", "潜力客户";
    RfmNew => "New", "新客户";
    RfmPromising => "Promising", "有望客户";
    RfmNeedAttention => "Need attention", "需要关注";
    RfmAboutToSleep => "About to sleep", "即将沉睡";
    RfmAtRisk => "At risk", "流失风险";
    RfmCantLoseThem => "Can't lose them", "不能失去";
    RfmHibernating => "Hibernating", "休眠客户";
    RfmLost => "Lost", "已流失";
    StageNew => "New", "新客";
    StageActive => "Active", "活跃";
    StageAtRisk => "At risk", "有风险";
    StageLapsed => "Lapsed", "沉默";
    StageChurned => "Churned", "已流失";
    Monday => "Mon", "周一";
    Tuesday => "Tue", "周二";
    Wednesday => "Wed", "周三";
    Thursday => "Thu", "周四";
    Friday => "Fri", "周五";
    Saturday => "Sat", "周六";
    Sunday => "Sun", "周日";
    DimReturnOrders => "Return orders", "退货订单数";
    CustTabTags => "Tags", "标签";
    // Customers page: one customer across platforms (identity map)
    CustUnified => "One customer across platforms", "跨平台合并客户";
    CustUnifiedHint => "Join the orders of every platform's export and count a person who buys on several platforms once, with the orders of all (linked by the identity map: phone, e-mail, member id)", "合并各平台导出的订单，在多个平台购买的同一个人只算一位客户，包含其在所有平台的订单（由身份映射按手机号、邮箱、会员 ID 关联）";
    JobUnified => "Joining the customers of {0}", "正在合并 {0} 的客户";
    JobIdentity => "Building the identity map", "正在生成身份映射";
    CustTabIdentity => "Identity", "身份映射";
    SecLinkedIds => "Linked identities", "关联身份";
    ColPlatform => "Platform", "平台";
    ColDataset => "Dataset", "数据集";
    ColIdKind => "Id", "标识类型";
    ColIdValue => "Value", "值";
    ColLinkedBy => "Linked by", "关联依据";
    IdPhone => "Phone", "手机号";
    IdHashedPhone => "Hashed phone", "手机号哈希";
    IdEmail => "E-mail", "邮箱";
    IdMemberId => "Member id", "会员 ID";
    IdSelf => "itself", "自身";
    IdentityIntro => "The identity map joins the customer ids of every dataset that share a phone, an e-mail or (within one platform) a member id into one person. Masked phones and encrypted placeholders never link; a key shared by too many ids is a conflict and links nobody.", "身份映射把各数据集中手机号、邮箱或（同一平台内）会员 ID 相同的客户 ID 合并为同一个人。打码的手机号和加密占位符从不参与关联；被过多 ID 共用的键视为冲突，不做关联。";
    IdentityNone => "No identity map yet.", "尚未生成身份映射。";
    IdentityBuild => "Build identity map", "生成身份映射";
    IdentityRebuild => "Rebuild", "重新生成";
    IdentityStale => "The datasets changed since the map was built.", "生成身份映射后数据集有变动。";
    IdentityRecords => "Customer ids (records)", "客户 ID（记录）";
    IdentityBefore => "Customers before linking", "关联前客户数";
    IdentityAfter => "Customers after linking", "关联后客户数";
    IdentityCross => "Customers on more than one platform", "跨平台客户";
    IdentityRefused => "Masked or encrypted values refused", "拒用的打码或加密值";
    SecIdentityLinks => "Links by rule", "按规则统计的关联";
    SecIdentityConflicts => "Conflicts (never linked)", "冲突（不做关联）";
    SecIdentityGroups => "Merged customers (a sample)", "合并后的客户（示例）";
    IdentityNoConflicts => "No conflicts.", "没有冲突。";
    ColKey => "Key", "键";
    ColRecords => "Ids", "ID 数";
    ColDatasets => "Datasets", "数据集";
    ColRule => "Rule", "规则";
    ColLinks => "Links", "关联数";
    TagName => "Tag name", "标签名称";
    TagRule => "Rule", "规则";
    TagCount => "{0} customers", "{0} 位客户";
    TagSave => "Save", "保存";
    TagRemove => "Remove", "删除";
    TagAdd => "Add tag", "添加标签";
    TagNewRule => "New rule", "新规则";
    TagHelp => "A tag is a condition over the customer table, e.g. m_score = 5 or preferred_weekday in ('Sat', 'Sun'). Columns you can use: {0}", "标签是对客户表的条件，例如 m_score = 5 或 preferred_weekday in ('Sat', 'Sun')。可用的列：{0}";
    TagError => "Cannot evaluate: {0}", "无法计算：{0}";
    TagSaveFailed => "Saving the tag", "保存标签";

    // Recipe steps, as the recipe list describes them.
    StepRemoveDuplicates => "Remove exact duplicate rows, keeping the {0}", "删除完全重复的行，保留{0}";
    StepRemoveKeyDuplicates => "Remove rows duplicated on {0}, keeping the {1}", "删除在 {0} 上重复的行，保留{1}";
    KeepFirst => "first", "第一条";
    KeepLast => "last", "最后一条";
    StepDropRows => "Drop rows where {0}", "删除满足条件的行：{0}";
    StepFill => "Fill missing {0} with {1}", "用{1}填充 {0} 的缺失值";
    FillMean => "the mean", "平均值";
    FillMedian => "the median", "中位数";
    FillMode => "the most common value", "众数";
    FillForward => "the value above", "上一行的值";
    StepTrim => "Trim spaces in {0}", "去除 {0} 首尾的空格";
    StepCase => "Change {0} to {1}", "将 {0} 转换为{1}";
    CaseLower => "lower case", "小写";
    CaseUpper => "upper case", "大写";
    CaseTitle => "title case", "首字母大写";
    StepMap => "Replace {0} value(s) of {1}", "替换 {1} 中的 {0} 个值";
    StepCast => "Convert {0} to {1}", "将 {0} 转换为{1}";
    StepCastFormat => "Convert {0} to {1} (format {2})", "将 {0} 按格式 {2} 转换为{1}";
    StepOutliersClip => "Clip outliers of {0} ({1})", "截断 {0} 的异常值（{1}）";
    StepOutliersFlag => "Flag outliers of {0} in {2} ({1})", "在 {2} 中标记 {0} 的异常值（{1}）";
    StepOutliersDrop => "Drop rows whose {0} is an outlier ({1})", "删除 {0} 为异常值的行（{1}）";
    FenceIqr => "beyond {0} × IQR", "超出 {0} 倍四分位距";
    FenceZ => "more than {0} standard deviations", "超过 {0} 个标准差";
    FenceBounds => "outside {0} to {1}", "{0} 至 {1} 之外";
    StepSplit => "Split {0} at “{1}” into {2}", "按“{1}”将 {0} 拆分为 {2}";
    StepRename => "Rename {0} to {1}", "将 {0} 重命名为 {1}";
    StepDropColumns => "Drop column(s) {0}", "删除列 {0}";
    StepDerive => "Add column {0} = {1}", "新增列 {0} = {1}";
    StepPhone => "Standardise phone numbers in {0} (default +{1})", "规范 {0} 中的电话号码（默认 +{1}）";
    StepEmail => "Standardise emails in {0}", "规范 {0} 中的电子邮箱";

    // Recipe editor (Clean page).
    Recipe => "Recipe", "配方";
    AddStep => "Add step", "添加步骤";
    AddSuggested => "Add all suggested fixes", "添加全部建议的修复";
    AddFix => "Add fix", "添加修复";
    Undo => "Undo", "撤销";
    Redo => "Redo", "重做";
    MoveUp => "Move up", "上移";
    MoveDown => "Move down", "下移";
    RemoveStep => "Remove this step", "删除此步骤";
    EditStep => "Edit", "编辑";
    EnableStep => "Run this step", "运行此步骤";
    EmptyRecipe => "The recipe has no steps yet. Check the quality and add the suggested fixes, or add steps one by one.",
        "配方中还没有步骤。请先检查质量并添加建议的修复，或逐个添加步骤。";
    StepRows => "{0} → {1} rows", "{0} → {1} 行";
    ReportTab => "Quality report", "质量报告";
    PreviewTab => "Step preview", "步骤预览";
    PreviewRemoved => "Removes {0} of {1} rows.", "删除 {1} 行中的 {0} 行。";
    PreviewChanged => "Changes {0} of {1} rows.", "修改 {1} 行中的 {0} 行。";
    PreviewFailed => "{0} value(s) could not be converted and are now missing; they are shown first.", "{0} 个值无法转换，现为缺失值，已排在最前。";
    PreviewColumns => "Adds {0}; removes {1}.", "新增 {0}；删除 {1}。";
    Before => "Before", "修改前";
    After => "After", "修改后";
    RemovedSample => "Rows it removes (first {0})", "被删除的行（前 {0} 行）";
    NoChange => "This step changes no rows.", "此步骤没有修改任何行。";
    SelectStep => "Select a step in the recipe to see what it does to the rows.", "在配方中选择一个步骤，查看它对数据行的影响。";
    CleanedTable => "Cleaned table “{0}”: {1} rows", "清洗后的表“{0}”：{1} 行";
    NotBuilt => "No cleaned table yet", "尚未生成清洗后的表";
    JobRebuild => "Rebuilding the cleaned table of {0}", "正在重建 {0} 的清洗表";
    JobStepPreview => "Previewing a step of {0}", "正在预览 {0} 的步骤";
    JobLoadRaw => "Loading {0} for cleaning", "正在加载 {0} 以便清洗";
    ExportRecipe => "Export recipe…", "导出配方…";
    LoadRecipe => "Load recipe…", "载入配方…";
    UseRecipeOf => "Use the recipe of", "使用以下数据集的配方";
    RecipeFiles => "Loupe recipe", "Loupe 配方";
    RowWord => "row", "行";
    OpRemoveDuplicates => "Remove duplicates", "去除重复";
    OpDropRows => "Drop rows", "删除行";
    OpFill => "Fill missing values", "填充缺失值";
    OpTrim => "Trim spaces", "去除首尾空格";
    OpCase => "Change case", "转换大小写";
    OpMap => "Replace values", "替换值";
    OpCast => "Convert type", "转换类型";
    OpOutliers => "Outliers", "异常值";
    OpSplit => "Split a column", "拆分列";
    OpRename => "Rename a column", "重命名列";
    OpDropColumns => "Drop columns", "删除列";
    OpDerive => "Add a computed column", "新增计算列";
    OpPhone => "Standardise phone numbers", "规范电话号码";
    OpEmail => "Standardise emails", "规范电子邮箱";
    FieldKeyColumns => "Key columns (none: all columns)", "键列（不选则为所有列）";
    FieldCondition => "Drop rows where", "删除满足条件的行";
    ConditionHint => "e.g. Quantity <= 0 · InvoiceNo starts with 'C' · CustomerID is missing", "例如 Quantity <= 0 · InvoiceNo starts with 'C' · CustomerID is missing";
    FieldKeep => "Keep", "保留";
    FieldFillWith => "Fill with", "填充为";
    FillValue => "this value", "指定值";
    FieldCase => "Case", "大小写";
    FieldMapping => "One group per line: old | old => new", "每行一组：旧值 | 旧值 => 新值";
    SuggestGroups => "Suggest groups", "建议分组";
    FieldToType => "Convert to", "转换为";
    FieldFormat => "Date format (optional, e.g. %d/%m/%Y)", "日期格式（可选，例如 %d/%m/%Y）";
    FieldFence => "Outliers are values", "异常值的判定";
    FenceIqrChoice => "beyond k × IQR", "超出 k 倍四分位距";
    FenceZChoice => "beyond z standard deviations", "超出 z 个标准差";
    FenceBoundsChoice => "outside fixed bounds", "超出固定范围";
    FieldLow => "Lower bound", "下限";
    FieldHigh => "Upper bound", "上限";
    FieldAction => "Then", "处理方式";
    ActionClip => "clip them to the fence", "截断到边界";
    ActionFlag => "flag them in a new column", "在新列中标记";
    ActionDrop => "drop their rows", "删除所在的行";
    FieldNewColumn => "New column", "新列名";
    FieldSeparator => "Separator", "分隔符";
    FieldInto => "Into columns (comma-separated)", "拆分为（逗号分隔）";
    KeepOriginal => "Keep the original column", "保留原列";
    FieldFrom => "Column", "原列名";
    FieldTo => "New name", "新列名";
    FieldExpression => "Expression, e.g. Quantity * UnitPrice", "表达式，例如 Quantity * UnitPrice";
    FieldCountry => "Country code for numbers without one", "无国家代码时使用的代码";
    Apply => "Apply", "应用";
    AddButton => "Add", "添加";
    ShowRows => "Show rows", "查看这些行";
    ShowingRowsOf => "Showing the rows of: {0}", "正在显示以下问题涉及的行：{0}";
    ShowAllRows => "Show all rows", "显示所有行";
    DuplicateKey => "Duplicates on", "按以下列查重";
    Rules => "Rules", "规则";
    RulesHint => "SQL conditions rows must meet, separated by ;  e.g. Quantity > 0; UnitPrice > 0", "数据行应满足的 SQL 条件，用 ; 分隔，例如 Quantity > 0; UnitPrice > 0";
    // Privacy and data safety (issue 10): add its strings right below this line.
    PvProjectMenu => "Project", "项目";
    PvClose => "Close", "关闭";
    PvBackupNow => "Back up now", "立即备份";
    PvBackupTo => "Back up to…", "备份到…";
    PvRestore => "Restore from a backup…", "从备份恢复…";
    PvChangePassphrase => "Change passphrase…", "修改口令…";
    PvEncrypt => "Encrypt with a passphrase…", "用口令加密…";
    PvSubjectMenu => "Customer data request…", "客户数据请求…";
    PvBackupsFolder => "Backups are kept in {0}", "备份保存在 {0}";
    PvJobBackup => "Backing up {0}", "正在备份 {0}";
    PvJobRestore => "Restoring {0}", "正在恢复 {0}";
    PvJobPassphrase => "Changing the passphrase of {0}", "正在修改 {0} 的口令";
    PvJobSubject => "Customer data request: {0}", "客户数据请求：{0}";
    PvBackedUp => "Backed up to {0}", "已备份到 {0}";
    PvRestored => "Restored from {0}; the project as it was is backed up", "已从 {0} 恢复；恢复前的项目已备份";
    PvPassphraseTitle => "Encrypted project", "加密的项目";
    PvPassphrasePrompt => "{0} is encrypted. Enter its passphrase to open it.", "{0} 已加密。请输入口令以打开。";
    PvPassphrase => "Passphrase", "口令";
    PvPassphraseRepeat => "Repeat the passphrase", "再次输入口令";
    PvWrongPassphrase => "Wrong passphrase, or not a Loupe project. Try again.", "口令错误，或不是 Loupe 项目。请重试。";
    PvOpenButton => "Open", "打开";
    PvNewProjectTitle => "New project", "新建项目";
    PvEncryptNew => "Encrypt with a passphrase", "用口令加密";
    PvEncryptHint => "Without the passphrase nobody can read the project, Loupe included: keep it safe, it cannot be recovered.", "没有口令谁都无法读取项目（Loupe 也不能）：请妥善保管，口令丢失后无法找回。";
    PvCreateButton => "Create", "创建";
    PvPassphrasesDiffer => "The two passphrases differ.", "两次输入的口令不一致。";
    PvPassphraseEmpty => "Enter a passphrase.", "请输入口令。";
    PvNewPassphrase => "New passphrase", "新口令";
    PvRemovePassphrase => "Remove the passphrase (store the project unencrypted)", "取消口令（项目不再加密）";
    PvChangeButton => "Change", "修改";
    PvPassphraseChanged => "The passphrase of {0} was changed", "{0} 的口令已修改";
    PvEncryptedBadge => "encrypted", "已加密";
    PvRestoreTitle => "Restore from a backup", "从备份恢复";
    PvRestoreConfirm => "Replace the project {0} with the backup {1}? The backup is checked first, and the project as it is now is backed up before it is replaced.", "用备份 {1} 替换项目 {0}？会先检查备份，替换前还会备份当前的项目。";
    PvRestoreButton => "Restore", "恢复";
    PvWaitForJobs => "Wait for the running jobs to finish first.", "请等待正在运行的任务结束。";
    PvSubjectTitle => "Customer data request", "客户数据请求";
    PvSubjectHint => "Find everything the project holds about one customer, export it, or erase it everywhere.", "查找项目中关于某位客户的全部数据，导出或彻底删除。";
    PvSubjectId => "Customer ID", "客户 ID";
    PvFind => "Find", "查找";
    PvSubjectNothing => "Nothing in the project is about this customer.", "项目中没有关于这位客户的数据。";
    PvSubjectFound => "{0} rows about customer {1}", "关于客户 {1} 的 {0} 行数据";
    PvPlace => "What", "内容";
    PvWhere => "Where", "位置";
    PvPlaceRows => "rows about them (deleted)", "关于该客户的行（删除）";
    PvPlaceCells => "cells naming them in others' rows (cleared)", "他人数据中提到该客户的单元格（清空）";
    PvPlaceSnapshot => "segment snapshots (removed from)", "分群快照（移出）";
    PvPlaceMention => "rules and charts (the id is redacted)", "规则与图表（ID 被抹去）";
    PvPlaceLog => "activity log (replaced only if you ask)", "操作日志（仅在您要求时替换）";
    PvPlaceText => "names and written text (replaced only if you ask)", "名称与文字（仅在您要求时替换）";
    PvExportJson => "Export JSON…", "导出 JSON…";
    PvExportCsv => "Export CSV…", "导出 CSV…";
    PvEraseButton => "Erase…", "删除…";
    PvEraseConfirm => "Erase everything about customer {0}? This cannot be undone. An automatic backup is made first; the activity log records the erasure without the ID.", "删除关于客户 {0} 的全部数据？此操作无法撤销。删除前会自动备份；操作日志只记录删除本身，不记录该 ID。";
    PvPurgeBackups => "Also delete the project's backups (they still hold this customer's data)", "同时删除项目的备份（备份中仍有该客户的数据）";
    PvEraseNow => "Erase", "删除";
    PvErased => "Erased customer data: {0} rows deleted, {1} cells cleared", "已删除客户数据：删除 {0} 行，清空 {1} 个单元格";
    PvBackupsLeft => "{0} backups of the project still hold this customer's data.", "项目还有 {0} 个备份含有该客户的数据。";
    PvExportedTo => "Exported to {0}", "已导出到 {0}";
    PvPersonalData => "Personal data", "个人信息";
    PvImportNote => "Personal data found in {0} columns. Choose what is stored: mask keeps a part (138****5678), hash stores a salted SHA-256 that still joins within this project, drop leaves the column out.", "在 {0} 列中发现个人信息。请选择如何保存：脱敏保留一部分（138****5678），哈希保存加盐的 SHA-256（在本项目内仍可关联），丢弃则不导入该列。";
    PvShare => "{0}% of values", "{0}% 的值";
    PvKindPhone => "phone", "电话";
    PvKindEmail => "e-mail", "邮箱";
    PvKindIdNumber => "ID number", "身份证号";
    PvKindBankCard => "bank card", "银行卡号";
    PvKindIp => "IP address", "IP 地址";
    PvKindName => "name", "姓名";
    PvKindAddress => "address", "地址";
    PvKindOther => "personal data", "个人信息";
    PvKeep => "keep", "保留";
    PvMask => "mask", "脱敏";
    PvHash => "hash", "哈希";
    PvDrop => "drop", "丢弃";
    PvKept => "kept", "保留";
    PvMasked => "masked", "已脱敏";
    PvHashed => "hashed", "已哈希";
    PvDropped => "dropped", "已丢弃";
    PvDroppedAtImport => "Not imported (personal data): {0}", "未导入（个人信息）：{0}";
    PvActionFilter => "Action", "操作";
    PvAnyAction => "Any action", "所有操作";
    PvAnyDataset => "Any dataset", "所有数据集";
    PvTextFilter => "Text", "文字";
    PvSince => "From", "从";
    PvUntil => "To", "到";
    PvDateHint => "YYYY-MM-DD", "年-月-日";
    PvClearFilters => "Clear filters", "清除筛选";
    PvEntries => "Entries: {0}", "记录：{0} 条";
    PvAppendOnly => "The log is append-only: entries cannot be changed or deleted.", "日志只能追加：记录无法修改或删除。";
    ActionBackup => "Backup", "备份";
    ActionRestore => "Restore", "恢复";
    ActionErase => "Erase", "删除客户数据";
    ActionPassphrase => "Passphrase", "口令";
    RfmEmptyScores => "{0} hold nobody: customers with the same number of orders (or the same recency) share one score, that of their average rank. {1} of customers bought once, so they all take the same F score and the scores around it stay empty.", "{0} 没有客户：订单数（或最近购买天数）相同的客户共享一个分数，即其平均排名对应的分数。{1} 的客户只购买过一次，因此他们的 F 分数相同，相邻的分数为空。";
    RfmEmptyGroups => "So these groups are empty here: {0}.", "因此以下分组在此为空：{0}。";
    RfmVsStage => "The RFM group ranks a customer against the others; the lifecycle stage counts days since the first and last purchase (new within 30 days, active within 90, at risk within 180, lapsed within 365). They can differ: a customer ranked Lost may be only at risk by days.", "RFM 分组是客户之间的相对排名；生命周期阶段按距首次和最近购买的天数划分（30 天内为新客，90 天内活跃，180 天内有风险，365 天内沉睡）。两者可能不同：排名为“流失”的客户按天数可能只是“有风险”。";
    TagDefaultHighValue => "high value", "高价值";
    TagDefaultLoyalRegular => "loyal regular", "忠实常客";
    TagDefaultSlippingVip => "slipping VIP", "流失中的 VIP";
    TagDefaultFrequentReturner => "frequent returner", "频繁退货";
    TagDefaultWeekendShopper => "weekend shopper", "周末购物者";
    TagDefaultBargainHunter => "bargain hunter", "价格敏感";
    TagDefaultNewParent => "new parent", "新手父母";
    ActionReveal => "Reveal", "查看明文";
    ActRevealed => "Showed {0} of a customer (subject {1}) in clear.", "以明文查看了一位客户（主体 {1}）的 {0}。";
    CardReveal => "Reveal", "显示";
    CardRevealHint => "Personal data is masked on screen. Showing it in clear is recorded in the activity log.", "个人数据在屏幕上已脱敏。以明文显示会记录在活动日志中。";
    JobReveal => "Recording that personal data was shown", "正在记录个人数据的查看";
    StageBackingUp => "Backing up", "备份中";
    StageChecking => "Checking", "检查中";
    StageCopying => "Copying", "复制中";
    StageRestoring => "Restoring", "恢复中";

    // Explore page
    TabBuilder => "Chart builder", "图表构建";
    TabTrend => "Sales trend", "销售趋势";
    TabCohorts => "Cohorts", "同期群";
    TabFunnel => "Funnel", "漏斗";
    TabRepeat => "Repeat purchase", "复购";
    TabPareto => "Pareto", "帕累托";
    TabForecast => "Forecast", "预测";
    FieldX => "X axis", "X 轴";
    FieldGrain => "Grain", "粒度";
    GrainNone => "none", "无";
    GrainDay => "day", "日";
    GrainWeek => "week", "周";
    GrainMonth => "month", "月";
    GrainQuarter => "quarter", "季度";
    GrainYear => "year", "年";
    FieldMeasure => "Measure", "指标";
    FieldOf => "of", "对象";
    HintOf => "column or expression", "列或表达式";
    AggCount => "count", "计数";
    AggDistinct => "distinct count", "去重计数";
    AggSum => "sum", "求和";
    AggMean => "mean", "平均值";
    AggMedian => "median", "中位数";
    AggMin => "min", "最小值";
    AggMax => "max", "最大值";
    AggShare => "share of total", "占总计比例";
    FieldSplit => "Split by", "拆分";
    NoSplit => "(none)", "（无）";
    FieldFilter => "Filter", "筛选";
    FieldChartType => "Chart", "图表";
    KindLine => "line", "折线图";
    KindBar => "bar", "柱状图";
    KindStacked => "stacked bar", "堆积柱状图";
    KindArea => "area", "面积图";
    KindScatter => "scatter", "散点图";
    KindPie => "pie", "饼图";
    KindHistogram => "histogram", "直方图";
    KindBoxPlot => "box plot", "箱线图";
    FieldValue => "Value", "数值";
    FieldBins => "Bins", "分箱";
    BinsAuto => "auto", "自动";
    RuleFreedmanDiaconis => "Freedman-Diaconis rule", "Freedman-Diaconis 规则";
    RuleSturges => "Sturges' rule", "Sturges 规则";
    RuleGiven => "set by you", "手动设置";
    HistogramNote => "{0} bins, {1} wide ({2}).", "{0} 个分箱，每箱宽 {1}（{2}）。";
    MissingLeftOut => "{0} rows without a value are left out.", "{0} 行无值，未计入。";
    HistogramTails => "{0} rows below {1} and {2} above {3} are counted in the bars at the ends.", "低于 {1} 的 {0} 行和高于 {3} 的 {2} 行计入两端的柱。";
    BoxNote => "Boxes span Q1 to Q3 with the median inside; quartiles by linear interpolation. Whiskers reach the furthest values within 1.5 × IQR; the {0} values beyond them are outliers (rings).", "箱体从 Q1 到 Q3，中线为中位数；四分位数按线性插值计算。须延伸到 1.5 × 四分位距以内最远的值；超出的 {0} 个值为异常值（圆圈）。";
    NeedNumeric => "A histogram or box plot needs a column of numbers; this dataset has none.", "直方图和箱线图需要数值列；此数据集没有数值列。";
    BinFrom => "from", "起";
    BinTo => "to", "止";
    StatQ1 => "Q1 (25%)", "下四分位数 (25%)";
    StatQ3 => "Q3 (75%)", "上四分位数 (75%)";
    StatLowerWhisker => "lower whisker", "下须";
    StatUpperWhisker => "upper whisker", "上须";
    StatOutliers => "outliers", "异常值";
    SaveChart => "Save to dashboard…", "保存到仪表板…";
    ChartTitle => "Title", "标题";
    SaveButton => "Save", "保存";
    ReplaceChart => "Replace", "替换";
    SavedChart => "Saved “{0}” to the dashboard", "已将“{0}”保存到仪表板";
    RemovedChart => "Removed “{0}” from the dashboard", "已将“{0}”从仪表板移除";
    RenamedChart => "Renamed “{0}” to “{1}”", "已将“{0}”重命名为“{1}”";
    DashboardEmpty => "No saved charts yet. Build a chart on the Explore page and save it to the dashboard.", "还没有保存的图表。请在探索页构建图表，然后保存到仪表板。";
    DashboardHint => "{0} saved charts, recomputed when their data changes.", "{0} 个已保存的图表，数据变化时自动重新计算。";
    ActCreated => "Project created.", "项目已创建。";
    ActFromFile => "From {1}.", "来自 {1}。";
    ActFromFiles => "From {0} files: {1}.", "来自 {0} 个文件：{1}。";
    ActReplaced => "The earlier rows were replaced.", "原有的行已被替换。";
    ActWarning => "{0} warning.", "{0} 条警告。";
    ActWarnings => "{0} warnings.", "{0} 条警告。";
    ActPersonalData => "Personal data: {0}.", "个人数据：{0}。";
    ActSubjectRequest => "Answered a customer data request (subject {0}) as {1}.", "已答复客户数据请求（主体 {0}），格式 {1}。";
    ActWroteColumn => "Wrote {1} ({2}, {0} column).", "已写出 {1}（{2}，{0} 列）。";
    ActWroteColumns => "Wrote {1} ({2}, {0} columns).", "已写出 {1}（{2}，{0} 列）。";
    ActSegmentRule => "Segment “{0}”: {1}.", "分群“{0}”：{1}。";
    ActRule => "Rule: {0}.", "规则：{0}。";
    ActMasked => "Personal data masked.", "个人数据已脱敏。";
    ActHashedIds => "Customer ids hashed.", "客户编号已哈希。";
    ActBom => "With a byte-order mark (for Excel).", "带字节顺序标记（供 Excel 使用）。";
    ActCustomerTable => "Built the customer table from {0}, as of {1}.", "由 {0} 生成客户表，截至 {1}。";
    ActRebuiltStep => "Rebuilt from {1} ({2} rows) with {0} cleaning step.", "由 {1}（{2} 行）经 {0} 个清洗步骤重建。";
    ActRebuiltSteps => "Rebuilt from {1} ({2} rows) with {0} cleaning steps.", "由 {1}（{2} 行）经 {0} 个清洗步骤重建。";
    ActSegmentDeleted => "Deleted the segment “{0}”.", "已删除分群“{0}”。";
    ActSegmentSaved => "Saved the segment “{0}”: {1}.", "已保存分群“{0}”：{1}。";
    ActSegmentNamed => "Segment “{0}”.", "分群“{0}”。";
    ActRoleSet => "Set the role of column {0} to {1}.", "将列 {0} 的角色设为{1}。";
    ActRoleCleared => "Cleared the role of column {0}.", "已清除列 {0} 的角色。";
    ActBackupKept => "A backup was kept at {0}.", "已在 {0} 保留备份。";
    ActBackedUp => "Backed up to {0} ({1}).", "已备份到 {0}（{1}）。";
    ActRestored => "Restored from {0}.", "已从 {0} 恢复。";
    ActPreviousKept => "The project as it was is kept at {0}.", "恢复前的项目保留在 {0}。";
    ActLogKept => "{0} log entries carried over.", "保留了 {0} 条日志。";
    ActErased => "Erased a customer's data (subject {0}): {1} rows deleted, {2} cells cleared.", "已删除一位客户的数据（主体 {0}）：删除 {1} 行，清空 {2} 个单元格。";
    ActBackupsPurged => "Older backups holding the customer were purged.", "含有该客户的旧备份已清除。";
    ActEncrypted => "The project was encrypted.", "项目已加密。";
    ActPassphraseChanged => "The passphrase was changed.", "口令已更改。";
    ActDecrypted => "The encryption was removed.", "已取消加密。";
    ActPassphraseUndone => "An interrupted passphrase change was undone.", "已撤销一次中断的口令更改。";
    DashboardHintOne => "{0} saved chart, recomputed when its data changes.", "{0} 个已保存的图表，数据变化时自动重新计算。";
    OpenInBuilder => "Open in builder", "在构建器中打开";
    RemoveChart => "Remove", "移除";
    RenameChart => "Rename", "重命名";
    JobTile => "Refreshing {0}", "正在刷新 {0}";
    ChartMenu => "Chart menu", "图表菜单";
    DescDashboard => "Saved charts side by side, kept up to date with the data.", "已保存的图表并排展示，随数据自动更新。";
    FieldOrder => "Order", "排序";
    OrderNatural => "by x", "按 X 轴";
    OrderDesc => "largest first", "从大到小";
    OrderAsc => "smallest first", "从小到大";
    FieldTop => "Top", "前";
    AllGroups => "all", "全部";
    ExportCsv => "Export CSV", "导出 CSV";
    ExportXlsx => "Export XLSX", "导出 XLSX";
    ExportPng => "Export PNG", "导出 PNG";
    Exported => "Saved {0}", "已保存 {0}";
    JobChart => "Charting {0}", "正在生成图表 {0}";
    JobAnalysis => "Analysing {0}", "正在分析 {0}";
    ChartRows => "{0} rows in, {1} groups", "输入 {0} 行，{1} 组";
    ChartFailed => "The chart could not be computed", "无法计算此图表";
    Computing => "Computing…", "计算中…";
    NoChartYet => "Pick a dataset and a measure; the chart appears here.", "选择数据集和指标后，图表将显示在这里。";
    OtherGroup => "Other", "其他";
    AllUsers => "All", "全部";
    Total => "Total", "合计";
    FieldMetric => "Show", "显示";
    MetricRevenue => "Revenue", "销售额";
    MetricOrders => "Orders", "订单数";
    MetricCustomers => "Customers", "客户数";
    FieldMovingAverage => "Moving average", "移动平均";
    MovingAverage => "{0}-period moving average", "{0} 期移动平均";
    PartialLastPeriod => "The last period ({0}) is partial: the data ends on {1}. It is drawn dashed and left out of the moving average.", "最后一期（{0}）不完整：数据截至 {1}。该期以虚线绘制，不计入移动平均。";
    PartialFirstPeriod => "The first period ({0}) is partial: the data starts on {1}. It is drawn dashed.", "第一期（{0}）不完整：数据始于 {1}。该期以虚线绘制。";
    Retention => "Retention", "留存率";
    RevenuePerCustomer => "Revenue per customer", "人均销售额";
    CohortMonth => "First purchase", "首购月份";
    CohortHint => "Each row is the customers who first bought in that month; each column, a month after it.", "每行是在该月首次购买的客户；每列是其后的第几个月。";
    MonthsSince => "Columns: months since the first purchase.", "列：距首次购买的月数。";
    FieldSteps => "Steps", "步骤";
    FieldWindowDays => "Window (days)", "时间窗口（天）";
    Step => "Step", "步骤";
    Users => "Users", "用户数";
    FromPrevious => "From previous", "较上一步";
    FromFirst => "From first", "较第一步";
    Dropped => "Dropped", "流失";
    MedianTime => "Median time", "中位时间";
    NthPurchase => "Purchase number", "第几次购买";
    ShareCustomers => "Share of customers", "客户占比";
    DaysBetween => "Days between purchases", "购买间隔天数";
    RepeatSummary => "Median {0} days between purchases; median {1} days from the first to the second.", "购买间隔中位数 {0} 天；首购到第二次购买中位数 {1} 天。";
    FieldItems => "Items", "项目";
    ParetoSummary => "The top 20% of {0} items bring {1} of revenue; {2} items bring 80%.", "{0} 个项目中前 20% 贡献了 {1} 的销售额；{2} 个项目贡献了 80%。";
    ShareItems => "Share of items", "项目占比";
    ShareRevenue => "Share of revenue", "销售额占比";
    FieldSeasonality => "Seasonality", "季节性";
    SeasonAdditive => "additive", "加法";
    SeasonMultiplicative => "multiplicative", "乘法";
    FieldHorizon => "Days ahead", "预测天数";
    Actual => "Actual", "实际值";
    ForecastLine => "Forecast", "预测值";
    HoldoutCheck => "Holdout check", "留出检验";
    Interval95 => "95% interval", "95% 区间";
    ForecastSummary => "Daily revenue, Holt-Winters with weekly seasonality. Holdout check on the last {0} days: MAPE {1}. α {2}, β {3}, γ {4}.", "每日销售额，Holt-Winters 周季节性模型。最后 {0} 天的留出检验：MAPE {1}。α {2}，β {3}，γ {4}。";
    // Campaigns (issue 9): add its strings right below this line.
    RoleCost => "Cost", "成本";
    RoleCostPerContact => "Cost per contact", "单次触达成本";
    RoleSpend => "Spend", "花费";
    RoleStartDate => "Start date", "开始日期";
    RoleEndDate => "End date", "结束日期";
    RoleOpened => "Opened", "已打开";
    RoleClicked => "Clicked", "已点击";
    RoleArm => "Experiment arm", "实验分组";
    RoleConversion => "Conversion", "转化";
    RoleVisit => "Visit", "访问";
    RoleOrderStatus => "Order status", "订单状态";
    CampTabRoi => "ROI and attribution", "投资回报与归因";
    CampTabLift => "Lift (experiment)", "增量实验";
    CampModel => "Attribution model", "归因模型";
    ModelLastTouch => "Last touch", "末次触点";
    ModelFirstTouch => "First touch", "首次触点";
    ModelLinear => "Linear", "线性";
    ModelTimeDecay => "Time decay", "时间衰减";
    ModelPosition => "Position based (40/20/40)", "位置归因（40/20/40）";
    CampHalfLife => "Half-life (days)", "半衰期（天）";
    CampCompare => "Compare models", "比较模型";
    CampSources => "Data", "数据";
    SrcOrders => "Orders", "订单";
    SrcContacts => "Contacts", "触达记录";
    SrcCampaigns => "Campaigns", "活动表";
    SrcSpend => "Spend", "花费表";
    SrcEvents => "Events", "行为日志";
    CampPerCampaign => "Per campaign", "按活动";
    CampPerChannel => "Per channel", "按渠道";
    ColCampaign => "Campaign", "活动";
    ColName => "Name", "名称";
    ColContacts => "Contacts", "触达次数";
    ColReach => "Reach", "触达人数";
    ColOpened => "Opened", "打开数";
    ColClicked => "Clicked", "点击数";
    ColOpenRate => "Open rate", "打开率";
    ColClickRate => "Click rate", "点击率";
    ColConverters => "Converters", "转化人数";
    ColConversionRate => "Conversion rate", "转化率";
    ColConversions => "Conversions", "归因订单";
    ColNewCustomers => "New customers", "新客";
    CampRevenue => "Revenue", "归因销售额";
    ColCost => "Cost", "成本";
    ColCostSource => "Cost from", "成本来源";
    ColRoi => "ROI", "投资回报率";
    ColRoas => "ROAS", "广告支出回报";
    ColCac => "CAC", "获客成本";
    ColCostPerConversion => "Cost per conversion", "单次转化成本";
    ColRevenuePerContact => "Revenue per contact", "单次触达收入";
    CostFromCampaigns => "campaigns table", "活动表";
    CostFromPerContact => "cost per contact × contacts", "单次成本 × 触达次数";
    CostFromSpend => "spend table", "花费表";
    CostMixed => "mixed", "混合";
    CostUnknown => "unknown", "未知";
    NoChannel => "(no channel)", "（无渠道）";
    CampAttributedSummary => "{0} of {1} orders attributed; {2} of revenue not attributed to any contact.", "{1} 个订单中有 {0} 个获得归因；{2} 的销售额未归因到任何触达。";
    CampCaveat => "Attribution credits orders that followed contacts; it does not say what the campaign caused. The Lift view measures that against a control group.", "归因统计的是触达之后的订单，并不代表活动带来的增量；增量请在增量实验页与对照组比较。";
    CampMultiTouch => "{0} orders had contacts by more than one campaign in the window; the models differ only on those.", "有 {0} 个订单在时间窗口内被多个活动触达；各模型只在这些订单上有差别。";
    CampNoMultiTouch => "No order had contacts by more than one campaign in the window, so every model gives the same credit. Widen the window (e.g. 30 days) to see them differ.", "时间窗口内没有订单被多个活动触达，因此各模型的归因相同。放宽时间窗口（如 30 天）即可看到差别。";
    CampCumulative => "Cumulative spend and attributed revenue", "累计花费与归因销售额";
    CampConversionNote => "The total's and the channels' conversion rates add up their campaigns: converters ÷ reach over the campaigns ({0} ÷ {1}), so they lie between the campaigns' rates. Counted once per customer, {2} of {3} reached customers bought ({4}): a customer reached by several campaigns had several chances.", "合计与各渠道的转化率按其活动累加：各活动转化人数之和 ÷ 触达人数之和（{0} ÷ {1}），因此落在各活动的转化率之间。按客户去重计，触达的 {3} 位客户中有 {2} 位购买（{4}）：被多个活动触达的客户有多次机会。";
    CampFunnelNote => "Each step counts the customers who also passed every step before it, so the funnel never goes up. In all {0} reached customers bought (the table's converters), with or without the steps before.", "每一步只计入同时完成了前面各步的客户，因此漏斗不会上升。共有 {0} 位触达客户购买（即表中的转化人数），无论是否经过前面各步。";
    CampRatiosCampaign => "ROI and ROAS per campaign", "各活动的 ROI 与 ROAS";
    CampRatiosChannel => "ROI and ROAS per channel", "各渠道的 ROI 与 ROAS";
    CampFunnel => "Funnel: {0}", "漏斗：{0}";
    CampFunnelOf => "Funnel of", "漏斗范围";
    AllCampaigns => "All campaigns", "全部活动";
    StepContacted => "Contacted", "已触达";
    StepOpened => "Opened", "已打开";
    StepClicked => "Clicked", "已点击";
    StepVisited => "Visited", "已访问";
    StepConverted => "Converted", "已转化";
    CampDay => "Day", "日期";
    CampAmount => "Cumulative amount", "累计金额";
    CampSpend => "Spend", "花费";
    CampRatio => "Ratio", "比值";
    CampExportReport => "Export report (XLSX)", "导出报告（XLSX）";
    SheetCampaigns => "Per campaign", "按活动";
    SheetChannels => "Per channel", "按渠道";
    SheetComparison => "Model comparison", "模型比较";
    SheetTimeline => "Timeline", "时间线";
    SheetFunnel => "Funnel", "漏斗";
    SheetLift => "Lift", "增量";
    CampNoContacts => "No contacts dataset: the ROI view needs one with the roles customer id, campaign and timestamp (set them on the Data page).", "没有触达记录数据集：投资回报分析需要具有客户 ID、活动和时间角色的数据集（可在数据页设置）。";
    CampNoOrders => "No orders dataset: the ROI view needs one with the roles customer id, timestamp and amount.", "没有订单数据集：投资回报分析需要具有客户 ID、时间和金额角色的数据集。";
    JobRoi => "Attributing orders ({0})", "正在归因订单（{0}）";
    JobLift => "Measuring lift ({0})", "正在计算增量（{0}）";
    LiftExperiment => "Experiment", "实验数据集";
    LiftArmColumn => "Arm column", "分组列";
    LiftControl => "Control", "对照组";
    LiftOutcome => "Outcome", "结果指标";
    LiftConversion => "Conversion", "转化列";
    LiftOutcomePositive => "(outcome > 0)", "（结果 > 0）";
    LiftCostPerContact => "Cost per contact", "单次触达成本";
    LiftArm => "Arm", "分组";
    LiftCustomers => "Customers", "客户数";
    LiftMean => "Mean {0}", "人均 {0}";
    LiftAbs => "Lift", "提升";
    LiftCi => "95% CI", "95% 置信区间";
    LiftRel => "Relative lift", "相对提升";
    LiftP => "p-value", "p 值";
    LiftConvAbs => "Conversion lift (pp)", "转化率提升（百分点）";
    LiftIncConversions => "Incremental conversions", "增量转化";
    LiftIncOutcome => "Incremental {0}", "增量 {0}";
    LiftIncRoi => "Incremental ROI", "增量 ROI";
    LiftControlRow => "control", "对照";
    LiftChartMean => "Lift in mean {0} per customer, with 95% CI", "人均 {0} 的提升及 95% 置信区间";
    LiftChartConversion => "Conversion-rate lift (pp), with 95% CI", "转化率提升（百分点）及 95% 置信区间";
    LiftMethods => "Intervals at 95%: Welch's t for means (Welch–Satterthwaite degrees of freedom, t quantile); unpooled (Wald) standard error for rates. p-values: Welch's t test for means, pooled two-proportion z test for rates. Incremental = lift × customers in the arm.", "95% 置信区间：均值用 Welch t（Welch-Satterthwaite 自由度与 t 分位数）；比率用非合并（Wald）标准误。p 值：均值用 Welch t 检验，比率用合并的两比例 z 检验。增量 = 提升 × 该组客户数。";
    LiftNoExperiment => "No experiment dataset: import one with one row per customer and an arm column that includes a control (such as No E-Mail or 对照组).", "没有实验数据集：请导入每位客户一行、且分组列包含对照组（如 No E-Mail 或 对照组）的数据。";
    LiftPickControl => "Pick the control arm.", "请选择对照组。";
    LiftSkipped => "{0} rows without an arm or an outcome were left out.", "{0} 行缺少分组或结果，未计入。";

    // Reasons of recommendations
    ReasonPopular => "popular: bought by {0} of {1} customers ({2})", "热门商品：{1} 位客户中有 {0} 位买过（{2}）";
    ReasonPopularInGroup => "popular in this group: bought by {0} of its {1} customers ({2})", "本组热门：本组 {1} 位客户中有 {0} 位买过（{2}）";
    ReasonAlsoBought => "bought {0}; {1} of its buyers also bought this; lift {2}", "买过 {0}；它的买家中有 {1} 也买了这件商品；提升度 {2}";
    ReasonAlsoBoughtMore => "; {0} more of their items point here too", "；另有 {0} 件已购商品也指向它";
    ReasonRuleOne => "bought {0}; {1} of orders with it also had this; lift {2}", "买过 {0}；含有它的订单中有 {1} 也含有这件商品；提升度 {2}";
    ReasonRuleMany => "bought {0}; {1} of orders with them all also had this; lift {2}", "买过 {0}；同时含有它们的订单中有 {1} 也含有这件商品；提升度 {2}";
    ReasonTaste => "customers with similar purchases bought this; the strongest link is {0}", "购买记录相似的客户买了这件商品；关联最强的是 {0}";
    ReasonTasteShare => "customers with similar purchases bought this; the strongest link is {0} ({1} of the score)", "购买记录相似的客户买了这件商品；关联最强的是 {0}（占得分的 {1}）";
    ListAnd => " and ", "和";
    ListComma => ", ", "、";
    NeedRoles => "This analysis needs a dataset with the roles {0}; set them on the Data page.", "此分析需要具有 {0} 角色的数据集；请在数据页设置。";

    // Recommendations page (issue 8): add its strings right below this line.
    RecSubtitle => "Which items each customer or segment would be offered, why, and how well each method would have worked.", "每位客户或每个分群会被推荐哪些商品、原因是什么，以及每种方法的效果如何。";
    RecTabPicks => "Picks", "推荐结果";
    RecTabRules => "Rules", "关联规则";
    RecTabEvaluation => "Evaluation", "离线评估";
    RecDataset => "Purchases", "购买数据";
    RecProducts => "Products", "商品";
    RecDataSummary => "{0} purchase lines · {1} customers · {2} items · {3} orders", "{0} 条购买记录 · {1} 位客户 · {2} 件商品 · {3} 个订单";
    RecNeedDataset => "This page needs a dataset of purchases with the roles customer_id, timestamp and item_id or item_name; import one or set the roles on the Data page.", "此页面需要一个购买数据集，具有 customer_id、timestamp 以及 item_id 或 item_name 角色；请导入数据或在数据页设置角色。";
    RecReading => "Reading the purchases…", "正在读取购买记录…";
    RecReadFailed => "The purchases could not be read", "无法读取购买记录";
    RecNoPurchases => "The dataset has no purchase lines (rows with a customer, an item, a date and a quantity and amount above 0).", "该数据集没有购买记录（含客户、商品、日期且数量和金额大于 0 的行）。";
    RecJobRead => "Reading purchases of {0}", "读取 {0} 的购买记录";
    RecJobFit => "Fitting {0}", "训练 {0}";
    RecJobMembers => "Members of {0}", "{0} 的成员";
    RecJobRules => "Mining rules of {0}", "挖掘 {0} 的关联规则";
    RecJobEvaluate => "Evaluating at {0}", "按 {0} 划分评估";
    RecJobExport => "Exporting {0}", "导出 {0}";
    RecJobExportRules => "Exporting {0}", "导出 {0}";
    RecJobExportChart => "Drawing {0}", "绘制 {0}";
    RecAlgoPopular => "Popular", "热门商品";
    RecAlgoGroupPopular => "Popular in segment", "分群内热门";
    RecAlgoItemKnn => "Item-to-item", "商品协同过滤";
    RecAlgoRules => "Association rules", "关联规则";
    RecAlgoAls => "Matrix factorisation", "矩阵分解";
    RecHintPopular => "Most buyers overall: the baseline.", "全体客户中买家最多的商品：基准方法。";
    RecHintGroupPopular => "Most buyers among the segment's members.", "分群成员中买家最多的商品。";
    RecHintItemKnn => "Customers who bought their items also bought these.", "买过该客户所购商品的客户也买了这些。";
    RecHintRules => "Rules from orders whose items the customer bought.", "客户已购商品所满足的订单关联规则。";
    RecHintAls => "Implicit ALS: customers with similar purchases.", "隐式反馈 ALS：购买记录相似的客户。";
    RecWhoCustomer => "Customer", "客户";
    RecWhoSegment => "Segment", "分群";
    RecSearch => "Search", "搜索";
    RecCustomersShown => "{0} of {1} customers", "{0} / {1} 位客户";
    RecColItems => "Items", "商品数";
    RecNoSegments => "No saved segments yet: save one on the Segments page.", "还没有保存的分群：请在分群页保存一个。";
    RecPickSegment => "Pick a segment", "选择分群";
    RecSavedSegment => "Saved segment", "已保存的分群";
    RecPickSegmentHint => "Pick a saved segment at the left: its members' recommendations, and what is popular among them, show here.", "请在左侧选择一个已保存的分群：这里将显示其成员的推荐以及分群内的热门商品。";
    RecPickCustomer => "Pick a customer in the list.", "请在列表中选择一位客户。";
    RecMembersFailed => "The segment's members could not be found", "无法获取该分群的成员";
    RecLoadingMembers => "Finding the segment's members…", "正在查找分群成员…";
    RecCustomerHeading => "Customer {0}", "客户 {0}";
    RecCustomerFacts => "{0} orders · {1} items bought", "{0} 个订单 · 买过 {1} 件商品";
    RecK => "Top K", "前 K 项";
    RecExcludeBought => "Leave out items already bought", "排除已购商品";
    RecFitting => "Fitting models…", "正在训练模型…";
    RecFitFailed => "A model could not be fitted", "模型训练失败";
    RecRetry => "Try again", "重试";
    RecNothing => "Nothing to recommend.", "没有可推荐的商品。";
    RecPrice => "price {0}", "单价 {0}";
    RecBuyers => "{0} buyers", "{0} 位买家";
    RecScore => "score {0}", "得分 {0}";
    RecFilled => "filled with popular items", "以热门商品补足";
    RecParams => "Parameters", "参数";
    RecParamsHint => "Used by Picks, the export and the evaluation.", "用于推荐结果、导出和离线评估。";
    RecParamsData => "Purchases", "购买数据";
    RecParamsPending => "Changes not applied yet.", "修改尚未应用。";
    RecApply => "Apply", "应用";
    RecDefaults => "Defaults", "恢复默认";
    RecWeighting => "Weighting", "权重";
    RecWeightBinary => "bought or not", "是否购买";
    RecWeightQuantity => "quantity, ln(1 + units)", "数量，ln(1 + 件数)";
    RecWeightRecency => "recency", "时间衰减";
    RecHalfLife => "Half-life", "半衰期";
    RecDaysSuffix => " days", " 天";
    RecSimilarity => "Similarity", "相似度";
    RecJaccard => "Jaccard", "Jaccard";
    RecCosine => "cosine", "余弦";
    RecNeighbours => "Neighbours", "近邻数";
    RecShrinkage => "Shrinkage", "收缩系数";
    RecFactors => "Factors", "因子数";
    RecIterations => "Iterations", "迭代次数";
    RecAlpha => "α (confidence)", "α（置信度）";
    RecRegularization => "λ (regularisation)", "λ（正则化）";
    RecMinSupport => "Min support", "最小支持度";
    RecMinConfidence => "Min confidence", "最小置信度";
    RecMinLift => "Min lift", "最小提升度";
    RecMaxLen => "Max items", "最多商品数";
    RecMine => "Mine rules", "挖掘规则";
    RecRulesStale => "The thresholds changed: mine again to apply them.", "阈值已修改：请重新挖掘以应用。";
    RecRulesFailed => "The rules could not be mined", "无法挖掘关联规则";
    RecRuleFilter => "Item contains", "商品包含";
    RecRulesShown => "{0} of {1} rules", "{0} / {1} 条规则";
    RecRulesWritten => "Wrote {0} rules to {1}", "已将 {0} 条规则写入 {1}";
    RecNoRules => "No rule reaches these thresholds; lower the minimum support or confidence.", "没有规则达到这些阈值；请降低最小支持度或置信度。";
    RecColAntecedents => "If bought", "已购商品";
    RecColConsequents => "Then", "推荐商品";
    RecColSupport => "Support", "支持度";
    RecColConfidence => "Confidence", "置信度";
    RecColLift => "Lift", "提升度";
    RecColLeverage => "Leverage", "杠杆率";
    RecColConviction => "Conviction", "确信度";
    RecColCount => "Orders", "订单数";
    RecColAntecedentCount => "Orders (if)", "前项订单";
    RecCountHint => "Orders holding every item of the rule; click to sort", "含有规则中全部商品的订单数；点击排序";
    RecAntecedentCountHint => "Orders holding the items bought (the left side); click to sort", "含有已购商品（规则左侧）的订单数；点击排序";
    RecSortHint => "Sort by this column; click again to reverse", "按此列排序；再次点击反向排序";
    RecSplitDate => "Split date", "划分日期";
    RecSplitHint => "Models learn from the purchases before this date and are scored on what customers bought from it on (YYYY-MM-DD).", "模型从此日期之前的购买中学习，并用客户从此日起的购买来评分（YYYY-MM-DD）。";
    RecBadDate => "'{0}' is not a date; write it as YYYY-MM-DD.", "“{0}”不是日期；请写成 YYYY-MM-DD。";
    RecRelevant => "Relevant", "相关商品";
    RecRelevantNew => "new items only", "仅新购商品";
    RecRelevantAll => "all items bought", "全部已购商品";
    RecRunEvaluation => "Run evaluation", "运行评估";
    RecEvalFailed => "The evaluation failed", "评估失败";
    RecEvalIntro => "Pick a split date and run the evaluation: every recommender is scored on the purchases after the date, next to popularity.", "选择划分日期并运行评估：每种推荐方法都用该日期之后的购买来评分，并与热门商品对比。";
    RecEvalSummary => "Split at {0}: {1} lines before, {2} from then on; {3} customers evaluated; catalogue of {4} items.", "在 {0} 划分：之前 {1} 条，之后 {2} 条；评估了 {3} 位客户；商品目录共 {4} 件。";
    RecColAlgorithm => "Method", "方法";
    RecColFitSeconds => "Fit (s)", "训练（秒）";
    RecBaseline => "baseline", "基准";
    RecHitRate => "hit rate", "命中率";
    RecCoverage => "coverage", "覆盖率";
    RecNovelty => "novelty (bits)", "新颖度(比特)";
    RecRatioNote => "×: the value over the popularity baseline's (above 1: better, except that novelty and coverage only say how varied the items are).", "×：该值与热门商品基准之比（大于 1 表示更好；新颖度和覆盖率只说明商品的多样性）。";
    RecChart => "Chart", "图表";
    RecChartValues => "Values", "数值";
    RecChartRatios => "Ratio to popularity", "与热门商品之比";
    RecChartValue => "Value", "数值";
    RecChartRatio => "Ratio to popularity", "与热门商品之比";
    RecChartMetric => "Metric", "指标";
    RecChartTitle => "Recommenders at a split on {0}, top {1}", "推荐方法评估：{0} 划分，前 {1} 项";
    RecExportOpen => "Export recommendations…", "导出推荐…";
    RecExportTitle => "Export recommendations", "导出推荐";
    RecExportFor => "For", "对象";
    RecExportSegment => "segment {0} ({1} customers)", "分群 {0}（{1} 位客户）";
    RecExportNoSegment => "a segment (pick one on the Picks tab)", "分群（请在推荐结果页选择）";
    RecExportEveryone => "all {0} customers", "全部 {0} 位客户";
    RecExportAlgorithm => "Method", "方法";
    RecExportFormats => "CSV or XLSX, by the file's extension: customer, rank, item, description, score, reason.", "按文件扩展名保存为 CSV 或 XLSX：客户、排名、商品、描述、得分、原因。";
    RecExportGo => "Export", "导出";
    RecExported => "Wrote {0} recommendations for {1} customers to {2}", "已将 {1} 位客户的 {0} 条推荐写入 {2}";
    // Data safety: what Loupe puts right on its own, salts, redaction on erasure.
    InterruptedPutRight => "Put right after an interrupted operation", "已处理中断操作留下的文件";
    SegSaltHint => "Leave empty to use the project's own secret salt. Give a salt only to match with an ad platform (16 characters or more).", "留空则使用本项目自己的保密盐值。仅在与广告平台匹配时填写盐值（至少 16 个字符）。";
    SegSaltShort => "This salt is short: whoever has the file could find the ids by hashing every likely id with it.", "该盐值过短：拿到文件的人可以对所有可能的 ID 做哈希，从而还原出 ID。";
    EraseRedactText => "Also replace the id in names and free text (tag and segment names, chart titles, the activity log)", "同时替换名称和自由文本中的该 ID（标签和分群名称、图表标题、活动日志）";

    // Help: the user guide (src/ui/help.rs) and the terms that explain themselves on hover.
    HelpMenu => "Help", "帮助";
    HelpGuide => "User guide", "用户指南";
    HelpThisPage => "Help for this page", "本页帮助";
    HelpGlossary => "Glossary", "术语表";
    HelpCommands => "Command reference", "命令参考";
    HelpAbout => "About Loupe", "关于 Loupe";

    // About (src/ui/about.rs) and files opened from the system (src/ui/import_where.rs).
    AboutTagline => "Local-first marketing analytics: your data stays on this computer.", "本地优先的营销分析：数据始终留在这台电脑上。";
    AboutVersion => "Version {0}", "版本 {0}";
    AboutBundled => "Bundled with Loupe", "随 Loupe 附带";
    AboutFontCjk => "Noto Sans SC (subset), © Google LLC: SIL Open Font License 1.1", "Noto Sans SC（子集），© Google LLC：SIL 开源字体许可证 1.1";
    AboutFontsEgui => "Ubuntu Light, Hack and Noto Emoji (the window library's fonts): Ubuntu Font Licence 1.0; MIT and Bitstream Vera; SIL Open Font License 1.1",
        "Ubuntu Light、Hack 和 Noto Emoji（窗口库自带字体）：Ubuntu 字体许可证 1.0；MIT 与 Bitstream Vera；SIL 开源字体许可证 1.1";
    AboutFontIcons => "emoji-icon-font (subset), © John Slegers: MIT", "emoji-icon-font（子集），© John Slegers：MIT";
    AboutSampleData => "Sample project: orders and products from UCI Online Retail (Chen, Sain & Guo 2012), CC BY 4.0; everything else in it is generated and describes no real people",
        "示例项目：订单和商品来自 UCI Online Retail 数据集（Chen、Sain 与 Guo，2012），CC BY 4.0；其余内容均为生成数据，不涉及任何真实个人";
    AboutFolders => "Loupe's own files", "Loupe 自身的文件";
    AboutSettingsFolder => "Settings and recent projects", "设置和最近的项目";
    AboutLogFolder => "Logs", "日志";
    AboutNoFolder => "(no user folder found)", "（未找到用户文件夹）";
    AboutPrivate => "The log records what Loupe did and which errors it met, never your data: values, names, paths and numbers are removed before a line is written. Nothing is ever sent anywhere.",
        "日志只记录 Loupe 做了什么、遇到了哪些错误，从不记录您的数据：写入前会去掉取值、姓名、路径和数字。任何内容都不会被发送出去。";
    AboutCopyDiagnostics => "Copy diagnostic info", "复制诊断信息";
    AboutCopied => "Copied: the version, the system, the project's schema version and the last errors. Paste it into your support request.",
        "已复制：版本、系统、项目的结构版本和最近的错误。请粘贴到您的支持请求中。";
    AboutOpenLogs => "Open the log folder", "打开日志文件夹";
    Close => "Close", "关闭";
    WhereTitle => "Import {0}", "导入 {0}";
    WhereBody => "Which project should the data go into? Loupe opens it and shows the import preview; nothing is imported before you confirm.",
        "数据要导入哪个项目？Loupe 会打开该项目并显示导入预览；在您确认之前不会导入任何内容。";
    WhereRecent => "Recent projects", "最近的项目";
    WhereOpenOther => "Another project…", "其他项目…";
    WhereNew => "New project…", "新建项目…";
    HelpPageButton => "Open the guide's chapter on this page ({0})", "打开指南中介绍本页的章节（{0}）";
    HelpOpened => "Opened the user guide in the browser: {0}", "已在浏览器中打开用户指南：{0}";
    HelpMissingTitle => "The user guide is not installed", "未安装用户指南";
    HelpMissing => "Loupe looked for the built guide in:\n{0}\nBuild and install it with scripts/build-guide.sh (it needs mdBook), or set LOUPE_GUIDE_DIR to a folder that holds en/ and zh-CN/.",
        "Loupe 在以下位置查找已生成的指南：\n{0}\n请用 scripts/build-guide.sh 生成并安装（需要 mdBook），或将 LOUPE_GUIDE_DIR 设为包含 en/ 和 zh-CN/ 的文件夹。";
    ExplainRfmGroup => "Where the customer sits on the R × F grid. R scores how recently they last bought, F how many orders they placed, each 1–5 by rank among all customers (5 = the best fifth). Champions bought recently and often; At risk bought often, but long ago; Lost bought once, long ago.",
        "客户在 R × F 方格中的位置。R 按最近一次购买距今多久评分，F 按订单数评分，都按在全部客户中的排名分为 1 至 5 分（5 分 = 最好的五分之一）。冠军客户：最近买过且常买；流失风险：常买但很久没买；已流失：很久以前只买过一次。";
    ExplainPAlive => "BG/NBD's estimate that the customer has not quietly stopped buying, from how many times they bought and how long ago the last purchase was, compared with their own rhythm.",
        "BG/NBD 模型估计该客户尚未悄悄停止购买的概率：依据其购买次数、最近一次购买距今多久，并与其自身的购买节奏相比较。";
    ExplainTgi => "Target group index: the value's share in the group ÷ its share in all customers × 100. 100 = as common as in the base; 150 = half again as common.",
        "目标群体指数（TGI）：该取值在群体中的占比 ÷ 在全部客户中的占比 × 100。100 表示与整体一样常见，150 表示比整体多一半。";
    ExplainLift => "How much more each customer in the arm spent (or converted) than in the control group: the difference of the means. With a randomised control, this is what the campaign caused.",
        "该组每位客户比对照组多花的金额（或多出的转化）：两组均值之差。对照组随机分配时，这就是活动带来的增量。";
    ExplainCi => "95% confidence interval: the range of lifts that fit the data. If it does not include 0, the lift is unlikely to be chance; a wide interval means the test was too small to say much.",
        "95% 置信区间：与数据相符的提升范围。区间不含 0，说明提升不太可能出于偶然；区间很宽，说明样本太小，结论不可靠。";
    ExplainPValue => "The chance of a lift at least this large if the campaign did nothing. Below 0.05 is the usual bar for \"not chance\".",
        "如果活动毫无作用，仍出现至少这么大提升的概率。通常以低于 0.05 作为“不是偶然”的标准。";
    ExplainConversionLift => "The arm's conversion rate minus the control's, in percentage points (2% vs 1.5% is 0.5 pp).",
        "该组转化率减去对照组转化率，单位为百分点（2% 对 1.5% 即 0.5 个百分点）。";
    ExplainRuleLift => "How many times more often the items after the arrow are bought with those before it than on their own. 1 = no link; 24 = 24 times as often.",
        "箭头后的商品与箭头前的商品一起被购买的频率，是其单独被购买频率的多少倍。1 表示没有关联；24 表示是 24 倍。";
    ExplainConfidence => "Of the orders that have the items before the arrow, the share that also have the items after it.",
        "在含有箭头前商品的订单中，同时含有箭头后商品的订单所占的比例。";
    ExplainSupport => "The share of all orders that hold every item of the rule.",
        "同时含有规则中全部商品的订单占所有订单的比例。";
    ExplainRoi => "Return on investment: (attributed revenue − cost) ÷ cost. 250% means each 1 spent brought 2.50 back on top.",
        "投资回报率：（归因收入 - 成本）÷ 成本。250% 表示每花 1 元，额外收回 2.5 元。";
    ExplainRoas => "Return on ad spend: attributed revenue ÷ cost. Above 1, the campaign's orders brought in more than it cost.",
        "广告支出回报：归因收入 ÷ 成本。大于 1 表示活动带来的订单收入超过了花费。";

    // Window, issue 20 (branch window): the Clean page's fix preview, the Dashboard's cards.
    FixPreviewTitle => "Preview of the fix: {0}", "修复预览：{0}";
    FixPreviewHint => "Nothing changes until you apply it.", "应用之前不会做任何更改。";
    FixAlreadyInRecipe => "This fix is already in the recipe.", "该修复已在配方中。";
    DashCardSize => "Card size", "卡片大小";
    DashSizeSmall => "Small", "小";
    DashSizeWide => "Wide", "宽";
    DashSizeTall => "Tall", "高";
    DashShowKpi => "Show as KPI (last period and its change)", "显示为指标卡（最近一期及其变化）";
    DashMoveLeft => "Move left", "左移";
    DashMoveRight => "Move right", "右移";
    DashCardChanged => "Card “{0}”: {1}", "卡片“{0}”：{1}";
    DashCardMoved => "Moved “{0}”", "已移动“{0}”";
    DashKpiChange => "{0} vs {1}", "{0}（对比 {1}）";
    DashKpiNoPrevious => "No earlier period to compare with", "没有可对比的上一期";
    DashKpiNoData => "No values to show", "没有可显示的值";
    DashKpiLeftOut => "{0} is left out: the data ends inside it", "{0} 未计入：数据在该期中途结束";
    DashDates => "Dates", "日期";
    DashFrom => "From", "从";
    DashTo => "to", "到";
    DashApplyRange => "Apply to all cards", "应用到所有卡片";
    DashAllDates => "All dates", "全部日期";
    DashRangeHint => "Every card counts only the rows in these dates (by its date column).", "每张卡片只统计这些日期内的行（按其日期列）。";
    DashRangeSet => "Dashboard dates: {0} to {1}", "仪表板日期：{0} 到 {1}";
    DashNotADate => "“{0}” is not a date; write it as YYYY-MM-DD", "“{0}”不是日期，请写成 YYYY-MM-DD";
    DashRangeBackwards => "The range starts after it ends", "开始日期晚于结束日期";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<String> {
        let mut v: Vec<String> = (0..4)
            .map(|i| format!("{{{i}}}"))
            .filter(|p| s.contains(p.as_str()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn every_string_is_translated_with_the_same_placeholders() {
        for &k in T::ALL {
            assert!(!k.en().is_empty() && !k.zh().is_empty(), "{k:?}");
            assert_eq!(placeholders(k.en()), placeholders(k.zh()), "{k:?}");
        }
    }

    #[test]
    fn chinese_strings_are_in_the_shipped_font() {
        // The bundled font covers GB2312 (plus ASCII and Latin-1): every Chinese string must too,
        // so that Chinese renders on machines without a CJK font.
        let check = |s: &str| {
            for ch in s.chars() {
                if (ch as u32) < 0x100 {
                    continue;
                }
                let mut buf = [0u8; 4];
                let (bytes, _, bad) = encoding_rs::GBK.encode(ch.encode_utf8(&mut buf));
                let ok = !bad
                    && bytes.len() == 2
                    && (0xA1..=0xF7).contains(&bytes[0])
                    && (0xA1..=0xFE).contains(&bytes[1]);
                assert!(ok, "'{ch}' (U+{:04X}) in {s:?} is not in GB2312", ch as u32);
            }
        };
        for &k in T::ALL {
            check(k.zh());
        }
        check(Lang::ZhCn.native_name());
    }

    #[test]
    fn switching_language() {
        assert_eq!(Lang::En.tr(T::NavData), "Data");
        assert_eq!(Lang::ZhCn.tr(T::NavData), "数据");
        assert_eq!(
            Lang::ZhCn.f(T::RowsOf, &[&int(12), &int(541_909)]),
            "12 / 541,909 行"
        );
        assert_eq!(Lang::En.stage(Stage::Scanning), "Scanning");
        assert_eq!(Lang::ZhCn.stage(Stage::Scanning), "扫描中");
        // Every stage has a Chinese name of its own (none left in English).
        for s in Stage::ALL {
            assert_ne!(Lang::ZhCn.stage(s), s.english(), "{s:?}");
        }
        assert_eq!(Lang::ZhCn.column_type(ColumnType::Date), "日期");
        assert_eq!(Lang::from_code("zh_CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_code("en-GB"), Some(Lang::En));
    }

    #[test]
    fn numbers_and_durations() {
        assert_eq!(int(0), "0");
        assert_eq!(int(999), "999");
        assert_eq!(int(541_909), "541,909");
        assert_eq!(int(1_000_000), "1,000,000");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(2_300_000), "2.3 MB");
        assert_eq!(Lang::En.duration(Duration::from_secs(185)), "3 min 05 s");
        assert_eq!(Lang::ZhCn.duration(Duration::from_secs(42)), "42 秒");
    }
}
