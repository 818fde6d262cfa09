//! Row expressions: the small language users write conditions and derived columns in.
//!
//! `Quantity <= 0`, `InvoiceNo starts with 'C'`, `CustomerID is missing`,
//! `Country in ('France', 'Germany') and not UnitPrice > 100`, `Quantity * UnitPrice`.
//!
//! Text is parsed into an [`Expr`] tree ([`parse`]), printed back in one canonical spelling
//! (`Display`), and compiled to a polars expression against a dataset's schema
//! ([`compile`]), which checks that every column exists, or written as SQL (`Expr::to_sql`) to run
//! in the project database or on a warehouse.

mod ast;
mod compile;
pub(crate) mod parse;
mod sql;

pub use ast::{BinOp, Expr, Func, Lit, TextOp};
pub use compile::{Compiled, Kind, compile, compile_condition};
pub use parse::{MAX_NESTING, parse};
pub use sql::Dialect;
