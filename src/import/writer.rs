//! Bulk loading into SQLite: batches of converted cells, bound with multi-row INSERT statements.

use crate::dataset::ColumnType;
use crate::error::Result;
use crate::store::quote_ident;
use rusqlite::{Connection, Statement};

/// One converted cell; text lives in the batch's buffer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(u32, u32),
}

/// A batch of rows, cells row by row.
#[derive(Debug, Default)]
pub struct Batch {
    pub rows: usize,
    pub cells: Vec<Cell>,
    pub text: String,
    /// Bytes of the source read when the batch was cut, for progress.
    pub bytes_done: u64,
}

impl Batch {
    pub fn with_capacity(rows: usize, cols: usize) -> Self {
        Batch {
            rows: 0,
            cells: Vec::with_capacity(rows * cols),
            text: String::with_capacity(rows * cols * 8),
            bytes_done: 0,
        }
    }

    pub fn push_text(&mut self, s: &str) {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        self.cells.push(Cell::Text(start, self.text.len() as u32));
    }
}

/// Creates the table of a dataset.
pub fn create_table(
    conn: &Connection,
    table: &str,
    columns: &[(String, ColumnType)],
) -> Result<()> {
    let cols: Vec<String> = columns
        .iter()
        .map(|(n, t)| format!("{} {}", quote_ident(n), t.sql_decl()))
        .collect();
    conn.execute_batch(&format!(
        "CREATE TABLE {} ({})",
        quote_ident(table),
        cols.join(", ")
    ))?;
    Ok(())
}

/// Inserts batches into a table through prepared multi-row statements.
pub struct TableWriter<'c> {
    many: Statement<'c>,
    one: Statement<'c>,
    rows_per_stmt: usize,
    cols: usize,
}

impl<'c> TableWriter<'c> {
    pub fn new(conn: &'c Connection, table: &str, cols: usize) -> Result<Self> {
        // SQLite allows 32,766 parameters a statement; ~100 rows a statement is the sweet spot.
        let rows_per_stmt = (30_000 / cols.max(1)).clamp(1, 100);
        let row = format!("({})", vec!["?"; cols].join(","));
        let sql = |n: usize| {
            format!(
                "INSERT INTO {} VALUES {}",
                quote_ident(table),
                vec![row.as_str(); n].join(",")
            )
        };
        Ok(TableWriter {
            many: conn.prepare(&sql(rows_per_stmt))?,
            one: conn.prepare(&sql(1))?,
            rows_per_stmt,
            cols,
        })
    }

    pub fn write(&mut self, batch: &Batch) -> Result<()> {
        let cols = self.cols;
        let mut row = 0;
        while row < batch.rows {
            let n = if batch.rows - row >= self.rows_per_stmt {
                self.rows_per_stmt
            } else {
                1
            };
            let stmt = if n == 1 {
                &mut self.one
            } else {
                &mut self.many
            };
            let cells = &batch.cells[row * cols..(row + n) * cols];
            for (i, c) in cells.iter().enumerate() {
                let idx = i + 1;
                match *c {
                    Cell::Null => stmt.raw_bind_parameter(idx, rusqlite::types::Null)?,
                    Cell::Int(v) => stmt.raw_bind_parameter(idx, v)?,
                    Cell::Real(v) => stmt.raw_bind_parameter(idx, v)?,
                    Cell::Text(a, b) => {
                        stmt.raw_bind_parameter(idx, &batch.text[a as usize..b as usize])?
                    }
                }
            }
            stmt.raw_execute()?;
            row += n;
        }
        Ok(())
    }
}
