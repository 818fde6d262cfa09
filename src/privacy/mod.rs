//! Personal data: found at import ([`detect`]), decided on per column ([`decide`]: keep, mask,
//! hash, drop), masked for exports ([`mask`]), and the subject requests of one customer
//! ([`subject`]: find, export, erase).

pub mod decide;
pub mod detect;
pub mod mask;
pub mod patterns;
pub mod redact;
pub mod scan;
pub mod subject;

pub use decide::{FlagSource, PiiAction, PiiColumn};
pub use detect::{Detection, PiiKind, detect_column};
pub use mask::{Masking, hash_id, mask_email, mask_name, mask_phone, mask_value};

/// Records that `column` of customer `customer_id` (from `dataset`) was shown in clear on a
/// screen that masks it: the activity log gets the column and a salted hash of the id.
pub fn log_reveal(
    project: &crate::store::Project,
    dataset: &str,
    customer_id: &str,
    column: &str,
) -> crate::Result<()> {
    let subject = hash_id(customer_id, &project.pii_salt()?);
    project.log(
        crate::store::Action::Reveal,
        Some(dataset),
        None,
        &serde_json::json!({"subject": subject, "column": column}),
    )
}
