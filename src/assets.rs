//! Files built into the binary, shared by the window and the PNG renderer.

/// The bundled CJK fallback: Noto Sans SC subset to ASCII, Latin-1, CJK punctuation and GB2312.
pub const BUNDLED_CJK: &[u8] = include_bytes!("../assets/fonts/NotoSansSC-Subset.otf");
