//! Text encodings found in the wild: UTF-8 with or without BOM, GBK/GB18030 (Excel on Chinese
//! Windows), UTF-16 with BOM. Detected from the first bytes, reported, and overridable.

use encoding_rs::Encoding;
use std::io::Read;

/// How a text file is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextEncoding {
    pub encoding: &'static Encoding,
    /// The file starts with a byte-order mark, which is skipped.
    pub bom: bool,
}

impl TextEncoding {
    pub const UTF8: TextEncoding = TextEncoding {
        encoding: encoding_rs::UTF_8,
        bom: false,
    };

    pub fn is_utf8(self) -> bool {
        self.encoding == encoding_rs::UTF_8
    }

    /// The name shown to people and in `--json`: `UTF-8`, `UTF-8 (BOM)`, `GBK`, `GB18030`, `UTF-16LE`.
    pub fn name(self) -> String {
        let base = self.encoding.name();
        if self.bom && self.is_utf8() {
            format!("{base} (BOM)")
        } else {
            base.to_string()
        }
    }

    /// The `--encoding` value that selects this encoding.
    pub fn flag(self) -> String {
        self.encoding.name().to_ascii_lowercase()
    }
}

/// The `--encoding` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncodingChoice {
    #[default]
    Auto,
    Fixed(&'static Encoding),
}

impl std::str::FromStr for EncodingChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let l = s.trim().to_ascii_lowercase();
        let enc = match l.as_str() {
            "auto" => return Ok(EncodingChoice::Auto),
            "utf-8" | "utf8" => encoding_rs::UTF_8,
            "gbk" | "cp936" => encoding_rs::GBK,
            "gb18030" => encoding_rs::GB18030,
            "utf-16le" | "utf16le" => encoding_rs::UTF_16LE,
            "utf-16be" | "utf16be" => encoding_rs::UTF_16BE,
            other => Encoding::for_label(other.as_bytes()).ok_or_else(|| {
                format!(
                    "unknown encoding '{s}'; use auto, utf-8, gbk, gb18030, utf-16le or utf-16be"
                )
            })?,
        };
        Ok(EncodingChoice::Fixed(enc))
    }
}

/// Detects the encoding of a file from its first bytes.
pub fn detect(head: &[u8], choice: EncodingChoice) -> TextEncoding {
    let (bom_enc, _) = Encoding::for_bom(head).unwrap_or((encoding_rs::UTF_8, 0));
    let has_bom = Encoding::for_bom(head).is_some();
    if let EncodingChoice::Fixed(enc) = choice {
        return TextEncoding {
            encoding: enc,
            bom: has_bom && bom_enc == enc,
        };
    }
    if has_bom {
        return TextEncoding {
            encoding: bom_enc,
            bom: true,
        };
    }
    if let Some(enc) = utf16_without_bom(head) {
        return TextEncoding {
            encoding: enc,
            bom: false,
        };
    }
    if valid_utf8_prefix(head) {
        return TextEncoding::UTF8;
    }
    TextEncoding {
        encoding: guess_legacy(head),
        bom: false,
    }
}

/// The encoding chardetng guesses for bytes that are not UTF-8. GBK is read as GB18030, its superset.
pub fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    let mut det = chardetng::EncodingDetector::new();
    det.feed(bytes, true);
    let enc = det.guess(Some(b"cn"), true);
    if enc == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        enc
    }
}

/// True when `b` is UTF-8, allowing a character cut at the end.
pub fn valid_utf8_prefix(b: &[u8]) -> bool {
    match std::str::from_utf8(b) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && b.len() - e.valid_up_to() < 4,
    }
}

fn utf16_without_bom(head: &[u8]) -> Option<&'static Encoding> {
    let n = head.len().min(4096) & !1;
    if n < 8 {
        return None;
    }
    let (mut even0, mut odd0) = (0, 0);
    for pair in head[..n].chunks_exact(2) {
        even0 += (pair[0] == 0) as usize;
        odd0 += (pair[1] == 0) as usize;
    }
    let half = n / 2;
    if odd0 * 10 > half * 6 && even0 * 10 < half {
        Some(encoding_rs::UTF_16LE)
    } else if even0 * 10 > half * 6 && odd0 * 10 < half {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Wraps a byte reader so that it yields UTF-8 text: skips a UTF-8 BOM, or transcodes.
pub fn utf8_reader<R: Read + Send + 'static>(inner: R, enc: TextEncoding) -> Box<dyn Read + Send> {
    if enc.is_utf8() {
        if enc.bom {
            Box::new(SkipBom {
                inner,
                skipped: false,
            })
        } else {
            Box::new(inner)
        }
    } else {
        Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(enc.encoding))
                .bom_sniffing(true)
                .build(inner),
        )
    }
}

struct SkipBom<R> {
    inner: R,
    skipped: bool,
}

impl<R: Read> Read for SkipBom<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.skipped {
            self.skipped = true;
            let mut bom = [0u8; 3];
            let mut n = 0;
            while n < 3 {
                match self.inner.read(&mut bom[n..])? {
                    0 => break,
                    k => n += k,
                }
            }
            if !(n == 3 && bom == [0xEF, 0xBB, 0xBF]) {
                let k = n.min(buf.len());
                buf[..k].copy_from_slice(&bom[..k]);
                // A caller's buffer smaller than 3 bytes never happens with our buffered readers.
                return Ok(k);
            }
        }
        self.inner.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_boms_and_gbk() {
        assert_eq!(
            detect(b"\xEF\xBB\xBFa,b\n", EncodingChoice::Auto).name(),
            "UTF-8 (BOM)"
        );
        assert_eq!(
            detect(b"\xFF\xFEa\0,\0", EncodingChoice::Auto).name(),
            "UTF-16LE"
        );
        assert_eq!(
            detect(b"\xFE\xFF\0a\0,", EncodingChoice::Auto).name(),
            "UTF-16BE"
        );
        assert_eq!(
            detect("用户ID,城市\n1,北京\n".as_bytes(), EncodingChoice::Auto).name(),
            "UTF-8"
        );
        let (gbk, _, _) =
            encoding_rs::GBK.encode("用户ID,城市,商品名称\n1,北京,保温杯\n2,上海,茶叶\n");
        let enc = detect(&gbk, EncodingChoice::Auto);
        assert_eq!(enc.name(), "gb18030");
        let forced = detect(&gbk, "gbk".parse().unwrap());
        assert_eq!(forced.name(), "GBK");
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let mut le = Vec::new();
        for u in "id,name\n1,ab\n2,cd\n".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(detect(&le, EncodingChoice::Auto).name(), "UTF-16LE");
    }

    #[test]
    fn readers_give_utf8() {
        let (gbk, _, _) = encoding_rs::GBK.encode("城市\n北京\n");
        let mut out = String::new();
        utf8_reader(
            std::io::Cursor::new(gbk.into_owned()),
            TextEncoding {
                encoding: encoding_rs::GBK,
                bom: false,
            },
        )
        .read_to_string(&mut out)
        .unwrap();
        assert_eq!(out, "城市\n北京\n");
        let mut out = String::new();
        utf8_reader(
            std::io::Cursor::new(b"\xEF\xBB\xBFa,b\n".to_vec()),
            TextEncoding {
                encoding: encoding_rs::UTF_8,
                bom: true,
            },
        )
        .read_to_string(&mut out)
        .unwrap();
        assert_eq!(out, "a,b\n");
    }

    #[test]
    fn encoding_flags_parse() {
        assert_eq!(
            "auto".parse::<EncodingChoice>().unwrap(),
            EncodingChoice::Auto
        );
        assert!("klingon".parse::<EncodingChoice>().is_err());
        assert_eq!(
            "UTF-16LE".parse::<EncodingChoice>().unwrap(),
            EncodingChoice::Fixed(encoding_rs::UTF_16LE)
        );
    }
}
