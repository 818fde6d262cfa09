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
