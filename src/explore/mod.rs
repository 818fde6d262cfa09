//! Explore: charts over any dataset, and the classic e-commerce analyses.
//!
//! - [`spec`]: what a chart shows (dataset, x with a time grain, measures, split, filter, top-N);
//! - [`table`]: the aggregated table behind a chart, written as CSV, JSON or XLSX;
//! - [`downsample`]: fewer points with the same shape (LTTB, min/max per pixel column);
//! - [`forecast`]: Holt-Winters with fitted parameters, prediction intervals and a holdout check;
//! - [`aggregate`]: computes a spec's table with polars; [`partial`]: the same chunk by chunk over
//!   the columnar copy, in bounded memory;
//! - [`trend`]: complete time series and moving averages;
//! - [`cohorts`], [`funnel`], [`repeat`] (repeat purchases and Pareto): the ready-made analyses,
//!   over rows found by their roles ([`rows`]);
//! - [`histogram`], [`boxplot`]: the distribution of a numeric column (over [`values`]);
//! - [`chart`]: a chart computed for its kind, and its PNG; [`saved`]: charts kept in the project
//!   for the dashboard.

pub mod aggregate;
pub mod boxplot;
pub mod cache;
pub mod cards;
pub mod chart;
pub mod cohorts;
pub mod dashboard;
pub mod downsample;
pub mod forecast;
pub mod funnel;
pub mod histogram;
pub mod partial;
pub mod ready;
pub mod render;
pub mod render_distribution;
pub mod render_interval;
pub mod repeat;
pub mod rollup;
pub mod rows;
pub mod saved;
pub mod spec;
pub mod table;
pub mod trend;
pub mod values;

pub use spec::{Agg, ChartSpec, Dimension, Grain, Measure, Order};
pub use table::{AggRow, AggTable, Key};
