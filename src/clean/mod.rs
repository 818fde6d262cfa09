//! Data cleaning. So far: the quality report, which finds what needs cleaning.

mod report;

pub use report::{
    ColumnQuality, Finding, FindingKind, Fix, QualityReport, ReportOptions, fingerprint,
    quality_report,
};
