//! Personal data: masking for exports, and salted hashes for matching on ad platforms.

pub mod mask;

pub use mask::{Masking, hash_id, mask_email, mask_name, mask_phone, mask_value};
