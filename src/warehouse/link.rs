//! Linking a warehouse table: its columns' types from the catalog, roles from the names and a
//! sample of the values (as import infers them), and the link kept in the project
//! (`_loupe_links`): the engine, the environment variable's name, the table and the columns.
//! The URL itself is never stored.

use super::conn::Conn;
use super::postgres::PgColumn;
use super::secret::ConnUrl;
use super::{Engine, TableRef};
use crate::dataset::{ColumnInfo, ColumnType, Role, RoleSource};
use crate::import::roles;
use crate::store::{self, Action, Project};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// Rows read to infer roles.
pub const SAMPLE_ROWS: u32 = 1000;

/// A linked dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub name: String,
    pub engine: Engine,
    /// The environment variable that holds the URL.
    pub url_env: String,
    pub table: TableRef,
    pub columns: Vec<ColumnInfo>,
    /// The planner's estimate when linked, when it has one.
    pub rows_estimate: Option<u64>,
    pub linked_at: String,
}

impl Link {
    /// The link as a dataset's description (for what parses dimensions and measures against
    /// a dataset's columns); its rows are the planner's estimate, or 0.
    pub fn info(&self) -> crate::dataset::DatasetInfo {
        crate::dataset::DatasetInfo {
            name: self.name.clone(),
            format: self.engine.as_str().to_string(),
            encoding: None,
            delimiter: None,
            has_header: true,
            imported_at: self.linked_at.clone(),
            rows: self.rows_estimate.unwrap_or(0),
            sources: Vec::new(),
            columns: self.columns.clone(),
        }
    }
}

impl Link {
    /// What errors about this link name: `dataset 'orders' (public.orders)`.
    pub fn context(&self) -> String {
        format!("dataset '{}' ({})", self.name, self.table.text())
    }

    /// Runs one query of an analysis in the warehouse, with progress (rows received) and
    /// cancel, and what it cost on the wire.
    pub fn run(
        &self,
        url: &ConnUrl,
        sql: &str,
        rep: &crate::progress::Reporter,
    ) -> Result<(super::postgres::TextRows, super::chart::Transfer)> {
        use crate::progress::{Stage, Unit};
        rep.report(Stage::Reading, 0, None, Unit::Rows, 0, true);
        let mut conn = Conn::connect_to(self.engine, url, &self.context())?;
        let result = conn.query_text(sql, rep)?;
        let transfer = super::chart::Transfer {
            rows: result.rows.len() as u64,
            bytes: result.bytes,
        };
        rep.report(
            Stage::Reading,
            transfer.rows,
            Some(transfer.rows),
            Unit::Rows,
            0,
            true,
        );
        Ok((result, transfer))
    }
}

/// The link `name` when it names no imported dataset: what an analysis given `--dataset name`
/// runs in the warehouse.
pub fn linked(project: &Project, name: &str) -> Result<Option<Link>> {
    if project.has_dataset(name)? {
        return Ok(None);
    }
    find(project, name)
}

/// A dataset's description, or a linked dataset's ([`Link::info`]).
pub fn dataset_or_link(project: &Project, name: &str) -> Result<crate::dataset::DatasetInfo> {
    match linked(project, name)? {
        Some(l) => Ok(l.info()),
        None => project.dataset(name),
    }
}

/// What `loupe link` asks for.
#[derive(Debug, Clone, Default)]
pub struct LinkOptions {
    pub name: String,
    pub url_env: String,
    pub table: String,
    /// Roles the user gives: (column, role), or no role.
    pub roles: Vec<(String, Option<Role>)>,
    /// Types the user gives (the queries then cast the column).
    pub types: Vec<(String, ColumnType)>,
    pub replace: bool,
}

/// The type Loupe reads a PostgreSQL type as, and a note when it is read as text for want of a
/// better one.
pub fn column_type(udt: &str) -> (ColumnType, Option<String>) {
    let t = match udt {
        "int2" | "int4" | "int8" => ColumnType::Integer,
        "float4" | "float8" | "numeric" => ColumnType::Float,
        "bool" => ColumnType::Boolean,
        "date" => ColumnType::Date,
        "timestamp" | "timestamptz" => ColumnType::Datetime,
        "text" | "varchar" | "bpchar" | "char" | "name" | "uuid" | "citext" => ColumnType::Text,
        // Spark's names.
        "tinyint" | "smallint" | "int" | "bigint" => ColumnType::Integer,
        "float" | "double" => ColumnType::Float,
        d if d.starts_with("decimal") => ColumnType::Float,
        "boolean" => ColumnType::Boolean,
        "timestamp_ntz" | "timestamp_ltz" => ColumnType::Datetime,
        "string" => ColumnType::Text,
        v if v.starts_with("varchar(") || v.starts_with("char(") => ColumnType::Text,
        other => {
            return (
                ColumnType::Text,
                Some(format!("{other} in the warehouse, read as text")),
            );
        }
    };
    (t, None)
}

/// Infers the columns of a table from its catalog entry and a sample of its rows.
pub fn infer_columns(
    columns: &[PgColumn],
    sample: &[Vec<Option<String>>],
    opts: &LinkOptions,
) -> Result<Vec<ColumnInfo>> {
    let find = |name: &str| {
        columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "{}: there is no column '{name}'; the columns are: {}",
                    opts.table,
                    columns
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
    };
    let mut out: Vec<ColumnInfo> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (ty, note) = column_type(&c.udt);
            let nulls = sample.iter().filter(|r| r[i].is_none()).count() as u64;
            ColumnInfo {
                name: c.name.clone(),
                ty,
                role: None,
                role_source: None,
                nulls,
                note,
            }
        })
        .collect();
    for (col, ty) in &opts.types {
        let i = find(col)?;
        out[i].ty = *ty;
        out[i].note = Some(format!("{} in the warehouse, read as {ty}", columns[i].udt));
    }
    let mut fixed = vec![false; out.len()];
    for (col, role) in &opts.roles {
        let i = find(col)?;
        fixed[i] = true;
        if let Some(r) = role {
            if !roles::fits(*r, out[i].ty) {
                return Err(Error::InvalidArgument(format!(
                    "--role {col}={r}: '{col}' is {}, which cannot be a {r}; give the role to another column, or give its type with --type",
                    out[i].ty
                )));
            }
            out[i].role = Some(*r);
            out[i].role_source = Some(RoleSource::User);
        }
    }
    let taken = |out: &[ColumnInfo], r: Role| out.iter().any(|c| c.role == Some(r));
    // Name roles: each role to its best-named column that fits.
    let mut best: Vec<(Role, usize, usize)> = Vec::new();
    for (i, c) in out.iter().enumerate() {
        if fixed[i] {
            continue;
        }
        if let Some((role, rank)) = roles::role_from_name(&c.name)
            && roles::fits(role, c.ty)
            && !taken(&out, role)
        {
            match best.iter_mut().find(|b| b.0 == role) {
                Some(b) if rank < b.2 => *b = (role, i, rank),
                Some(_) => {}
                None => best.push((role, i, rank)),
            }
        }
    }
    for (role, i, _) in best {
        out[i].role = Some(role);
        out[i].role_source = Some(RoleSource::Name);
        fixed[i] = true;
    }
    // Content roles, time columns in order of how well their names fit a purchase time.
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by_key(|&i| {
        if out[i].ty.is_temporal() {
            roles::time_preference(&out[i].name)
        } else {
            1
        }
    });
    for i in order {
        if fixed[i] {
            continue;
        }
        let values: Vec<String> = sample
            .iter()
            .filter_map(|r| r[i].clone())
            .take(32)
            .collect();
        if let Some(role) = roles::role_from_content(out[i].ty, &values, values.len() < 32)
            && !taken(&out, role)
        {
            out[i].role = Some(role);
            out[i].role_source = Some(RoleSource::Content);
        }
    }
    Ok(out)
}

/// Links a table: reads its definition and a sample, infers the columns and keeps the link.
pub fn link(project: &Project, url: &ConnUrl, opts: &LinkOptions) -> Result<Link> {
    check_name(project, &opts.name, opts.replace)?;
    let link = inspect(url, opts)?;
    keep(project, &link)?;
    Ok(link)
}

/// Whether `name` may be given to a new link: a dataset's name, and (unless `replace`) a
/// link's, are refused with what to do.
pub fn check_name(project: &Project, name: &str, replace: bool) -> Result<()> {
    store::validate_dataset_name(name)?;
    if project.has_dataset(name)? {
        return Err(Error::DatasetExists {
            name: name.to_string(),
        });
    }
    if !replace && find(project, name)?.is_some() {
        return Err(Error::InvalidArgument(format!(
            "a linked dataset named '{name}' already exists; choose another name with --name, or pass --replace to link it again"
        )));
    }
    Ok(())
}

/// The link [`link`] would keep: the table's definition and a sample read, the columns and
/// roles inferred; nothing is kept (the window shows it before the user links it).
pub fn inspect(url: &ConnUrl, opts: &LinkOptions) -> Result<Link> {
    let engine = url.engine()?;
    let table = TableRef::parse(&opts.table)?;
    let context = format!("dataset '{}' ({})", opts.name, table.text());
    let mut conn = Conn::connect(url, &context)?;
    let cols = conn.columns(&table)?;
    let sample = conn.sample(
        &table,
        &cols,
        SAMPLE_ROWS,
        &crate::progress::Reporter::silent(),
    )?;
    let columns = infer_columns(&cols, &sample, opts)?;
    Ok(Link {
        name: opts.name.clone(),
        engine,
        url_env: url.var().to_string(),
        table: table.clone(),
        columns,
        rows_estimate: conn.rows_estimate(&table)?,
        linked_at: store::now(),
    })
}

/// The tables and views of the warehouse at `url` that its user may read, by schema and name
/// (PostgreSQL's own schemas left out).
pub fn tables(url: &ConnUrl) -> Result<Vec<TableRef>> {
    let mut conn = Conn::connect(url, &format!("the warehouse in {}", url.var()))?;
    conn.tables(&crate::progress::Reporter::silent())
}

/// Keeps `link` (replacing one of its name) and logs it. The log names the table and the
/// variable, never the URL.
pub fn keep(project: &Project, link: &Link) -> Result<()> {
    let json = serde_json::to_string(link).map_err(|e| Error::InvalidArgument(e.to_string()))?;
    let tx = project.conn().unchecked_transaction()?;
    tx.execute(
        "INSERT OR REPLACE INTO _loupe_links(name, link) VALUES (?1, ?2)",
        (&link.name, &json),
    )?;
    store::append_activity(
        &tx,
        Action::Link,
        Some(&link.name),
        None,
        &serde_json::json!({
            "engine": link.engine.as_str(),
            "table": link.table.text(),
            "url_env": link.url_env,
        }),
    )?;
    tx.commit()?;
    Ok(())
}

/// The linked dataset `name`, when there is one.
pub fn find(project: &Project, name: &str) -> Result<Option<Link>> {
    let json: Option<String> = match project.conn().query_row(
        "SELECT link FROM _loupe_links WHERE name = ?1",
        [name],
        |r| r.get(0),
    ) {
        Ok(j) => Some(j),
        Err(rusqlite::Error::QueryReturnedNoRows) => None,
        Err(e) => return Err(e.into()),
    };
    json.map(|j| parse(name, &j)).transpose()
}

/// Every linked dataset, by name.
pub fn list(project: &Project) -> Result<Vec<Link>> {
    let mut st = project
        .conn()
        .prepare("SELECT name, link FROM _loupe_links ORDER BY name")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (name, json) = row?;
        out.push(parse(&name, &json)?);
    }
    Ok(out)
}

/// Removes the link `name`; false when there was none.
pub fn unlink(project: &Project, name: &str) -> Result<bool> {
    let tx = project.conn().unchecked_transaction()?;
    let n = tx.execute("DELETE FROM _loupe_links WHERE name = ?1", [name])?;
    if n > 0 {
        store::append_activity(
            &tx,
            Action::Unlink,
            Some(name),
            None,
            &serde_json::json!({}),
        )?;
    }
    tx.commit()?;
    Ok(n > 0)
}

fn parse(name: &str, json: &str) -> Result<Link> {
    serde_json::from_str(json).map_err(|e| {
        Error::InvalidArgument(format!(
            "the link '{name}' in this project cannot be read ({e}); link the table again with loupe link --replace"
        ))
    })
}
