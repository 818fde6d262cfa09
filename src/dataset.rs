//! What a dataset is: its columns, their types and semantic roles, and where it came from.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The storage type of a column, as inferred at import or set by the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    Integer,
    Float,
    Boolean,
    /// Calendar date, stored as `YYYY-MM-DD` text.
    Date,
    /// Date and time, stored as `YYYY-MM-DD HH:MM:SS[.ffffff]` text.
    Datetime,
    Text,
}

impl ColumnType {
    pub const ALL: [ColumnType; 6] = [
        ColumnType::Integer,
        ColumnType::Float,
        ColumnType::Boolean,
        ColumnType::Date,
        ColumnType::Datetime,
        ColumnType::Text,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ColumnType::Integer => "integer",
            ColumnType::Float => "float",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
            ColumnType::Datetime => "datetime",
            ColumnType::Text => "text",
        }
    }

    /// The declared type of the SQLite column.
    pub fn sql_decl(self) -> &'static str {
        match self {
            ColumnType::Integer | ColumnType::Boolean => "INTEGER",
            ColumnType::Float => "REAL",
            ColumnType::Date | ColumnType::Datetime | ColumnType::Text => "TEXT",
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, ColumnType::Integer | ColumnType::Float)
    }

    pub fn is_temporal(self) -> bool {
        matches!(self, ColumnType::Date | ColumnType::Datetime)
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ColumnType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ColumnType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("unknown column type '{s}'"))
    }
}

/// What a column means to a marketer. Later analyses find their inputs by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    CustomerId,
    OrderId,
    Timestamp,
    Amount,
    Quantity,
    UnitPrice,
    ItemId,
    ItemName,
    Category,
    Channel,
    Campaign,
    EventType,
    /// A campaign's total cost (campaigns table).
    Cost,
    /// A campaign's cost per contact (campaigns table).
    CostPerContact,
    /// Money spent: marketing spend per day in a spend table, a customer's spend in an experiment.
    Spend,
    /// The first day of a campaign.
    StartDate,
    /// The last day of a campaign.
    EndDate,
    /// Whether a contact was opened (contacts table, 0/1 or true/false).
    Opened,
    /// Whether a contact was clicked.
    Clicked,
    /// The experiment arm (treatment or control) of a customer.
    Arm,
    /// Whether a customer converted (experiment outcome, 0/1).
    Conversion,
    /// Whether a customer visited (experiment outcome, 0/1).
    Visit,
    /// The status of an order (paid, cancelled, refunded…), see [`crate::status`].
    OrderStatus,
}

impl Role {
    pub const ALL: [Role; 23] = [
        Role::CustomerId,
        Role::OrderId,
        Role::Timestamp,
        Role::Amount,
        Role::Quantity,
        Role::UnitPrice,
        Role::ItemId,
        Role::ItemName,
        Role::Category,
        Role::Channel,
        Role::Campaign,
        Role::EventType,
        Role::Cost,
        Role::CostPerContact,
        Role::Spend,
        Role::StartDate,
        Role::EndDate,
        Role::Opened,
        Role::Clicked,
        Role::Arm,
        Role::Conversion,
        Role::Visit,
        Role::OrderStatus,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::CustomerId => "customer_id",
            Role::OrderId => "order_id",
            Role::Timestamp => "timestamp",
            Role::Amount => "amount",
            Role::Quantity => "quantity",
            Role::UnitPrice => "unit_price",
            Role::ItemId => "item_id",
            Role::ItemName => "item_name",
            Role::Category => "category",
            Role::Channel => "channel",
            Role::Campaign => "campaign",
            Role::EventType => "event_type",
            Role::Cost => "cost",
            Role::CostPerContact => "cost_per_contact",
            Role::Spend => "spend",
            Role::StartDate => "start_date",
            Role::EndDate => "end_date",
            Role::Opened => "opened",
            Role::Clicked => "clicked",
            Role::Arm => "arm",
            Role::Conversion => "conversion",
            Role::Visit => "visit",
            Role::OrderStatus => "order_status",
        }
    }

    /// Identifier roles keep their values as text, whatever they look like.
    pub fn is_identifier(self) -> bool {
        matches!(self, Role::CustomerId | Role::OrderId | Role::ItemId)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = crate::error::ImportError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == norm)
            .ok_or_else(|| crate::error::ImportError::UnknownRole(s.to_string()))
    }
}

/// Whether a role was inferred by Loupe or set by the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleSource {
    Name,
    Content,
    User,
}

impl RoleSource {
    pub fn as_str(self) -> &'static str {
        match self {
            RoleSource::Name => "name",
            RoleSource::Content => "content",
            RoleSource::User => "user",
        }
    }
}

impl FromStr for RoleSource {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "name" => Ok(RoleSource::Name),
            "content" => Ok(RoleSource::Content),
            "user" => Ok(RoleSource::User),
            _ => Err(format!("unknown role source '{s}'")),
        }
    }
}

/// One column of a dataset, as the catalog records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_source: Option<RoleSource>,
    pub nulls: u64,
    /// How the import read the values, for people (e.g. "dates as month/day/year").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One source file of a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceFile {
    pub path: String,
    pub size: u64,
    /// Modification time of the file, RFC 3339, when the file system tells it.
    pub modified: Option<String>,
    pub sha256: String,
    pub rows: u64,
}

/// A dataset in the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetInfo {
    pub name: String,
    pub format: String,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub has_header: bool,
    pub imported_at: String,
    pub rows: u64,
    pub sources: Vec<SourceFile>,
    pub columns: Vec<ColumnInfo>,
}

impl ColumnInfo {
    /// A column as a fixture or a derived table describes it: no nulls counted, no note.
    pub fn new(name: impl Into<String>, ty: ColumnType, role: Option<Role>) -> ColumnInfo {
        ColumnInfo {
            name: name.into(),
            ty,
            role,
            role_source: None,
            nulls: 0,
            note: None,
        }
    }
}

impl DatasetInfo {
    /// A dataset of these columns with nothing recorded of its import (no source, no rows
    /// counted): for fixtures and tables built in memory.
    pub fn with_columns(name: impl Into<String>, columns: Vec<ColumnInfo>) -> DatasetInfo {
        DatasetInfo {
            name: name.into(),
            format: "csv".into(),
            encoding: None,
            delimiter: None,
            has_header: true,
            imported_at: String::new(),
            rows: 0,
            sources: vec![],
            columns,
        }
    }

    /// The error for a column this dataset does not have, listing the ones it has.
    pub fn missing_column(&self, column: &str) -> crate::Error {
        crate::Error::NoSuchColumn {
            context: format!("dataset '{}'", self.name),
            column: column.to_string(),
            available: (self.columns.iter())
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    pub fn column_with_role(&self, role: Role) -> Option<&ColumnInfo> {
        self.columns.iter().find(|c| c.role == Some(role))
    }

    pub fn column(&self, name: &str) -> Option<&ColumnInfo> {
        self.columns.iter().find(|c| c.name == name)
    }
}
