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
    /// UTF-8 decided line by line: a line that is valid UTF-8 is read as UTF-8, any other line in
    /// `fallback` (guessed from the first such line when `None`). For files that mix encodings.
    pub per_line: bool,
    pub fallback: Option<&'static Encoding>,
}

impl TextEncoding {
    pub const UTF8: TextEncoding = TextEncoding {
        encoding: encoding_rs::UTF_8,
        bom: false,
        per_line: false,
        fallback: None,
    };

    /// A single encoding for the whole file.
    pub fn whole(encoding: &'static Encoding, bom: bool) -> Self {
        TextEncoding {
            encoding,
            bom,
            per_line: false,
            fallback: None,
        }
    }

    /// UTF-8 where a line is valid UTF-8, else `fallback` (guessed when `None`).
    pub fn per_line(bom: bool, fallback: Option<&'static Encoding>) -> Self {
        TextEncoding {
            encoding: encoding_rs::UTF_8,
            bom,
            per_line: true,
            fallback,
        }
    }

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
        if self.per_line {
            return "mixed".into();
        }
        self.encoding.name().to_ascii_lowercase()
    }
}

/// The `--encoding` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncodingChoice {
    #[default]
    Auto,
    Fixed(&'static Encoding),
    /// Each line in the encoding it is valid in: UTF-8 where valid, else the legacy guess.
    Mixed,
}

impl std::str::FromStr for EncodingChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let l = s.trim().to_ascii_lowercase();
        let enc = match l.as_str() {
            "auto" => return Ok(EncodingChoice::Auto),
            "mixed" | "per-line" => return Ok(EncodingChoice::Mixed),
            "utf-8" | "utf8" => encoding_rs::UTF_8,
            "gbk" | "cp936" => encoding_rs::GBK,
            "gb18030" => encoding_rs::GB18030,
            "utf-16le" | "utf16le" => encoding_rs::UTF_16LE,
            "utf-16be" | "utf16be" => encoding_rs::UTF_16BE,
            other => Encoding::for_label(other.as_bytes()).ok_or_else(|| {
                format!(
                    "unknown encoding '{s}'; use auto, utf-8, gbk, gb18030, utf-16le, utf-16be or mixed"
                )
            })?,
        };
        Ok(EncodingChoice::Fixed(enc))
    }
}

/// Detects the encoding of a file from its first bytes. A file whose non-ASCII lines are valid
/// UTF-8 is read as UTF-8, line by line: a later line that is not UTF-8 is read in a legacy
/// encoding on its own, and never changes how the UTF-8 lines read. A head that mixes convincing
/// UTF-8 lines with a majority of other lines is read in the legacy encoding; [`mixed_minority`]
/// tells the caller to stop there.
pub fn detect(head: &[u8], choice: EncodingChoice) -> TextEncoding {
    let (bom_enc, _) = Encoding::for_bom(head).unwrap_or((encoding_rs::UTF_8, 0));
    let has_bom = Encoding::for_bom(head).is_some();
    match choice {
        EncodingChoice::Fixed(enc) => return TextEncoding::whole(enc, has_bom && bom_enc == enc),
        EncodingChoice::Mixed => {
            let lines = classify_lines(head);
            let fallback = (!lines.legacy.is_empty()).then_some(lines.legacy_guess);
            return TextEncoding::per_line(has_bom && bom_enc == encoding_rs::UTF_8, fallback);
        }
        EncodingChoice::Auto => {}
    }
    if has_bom {
        if bom_enc == encoding_rs::UTF_8 {
            return TextEncoding::per_line(true, None);
        }
        return TextEncoding::whole(bom_enc, true);
    }
    if let Some(enc) = utf16_without_bom(head) {
        return TextEncoding::whole(enc, false);
    }
    if valid_utf8_prefix(head) {
        return TextEncoding::per_line(false, None);
    }
    let lines = classify_lines(head);
    if lines.convincing_utf8 > 0 && lines.convincing_utf8 >= lines.legacy.len() {
        return TextEncoding::per_line(false, Some(lines.legacy_guess));
    }
    TextEncoding::whole(guess_legacy(head), false)
}

/// The lines of a head, by encoding.
#[derive(Debug, Clone)]
pub struct HeadLines {
    /// 1-based lines that are valid UTF-8 with non-ASCII characters.
    pub utf8: Vec<u64>,
    /// Those of them that cannot be another encoding read by chance.
    pub convincing_utf8: usize,
    /// 1-based lines that are not valid UTF-8.
    pub legacy: Vec<u64>,
    /// The legacy encoding the non-UTF-8 lines look like.
    pub legacy_guess: &'static Encoding,
}

/// Sorts the complete lines of `head` (and a last line cut short) by encoding.
pub fn classify_lines(head: &[u8]) -> HeadLines {
    let mut utf8 = Vec::new();
    let mut legacy = Vec::new();
    let mut legacy_bytes = Vec::new();
    let mut multibyte = Vec::new();
    for (i, line) in head.split(|b| *b == b'\n').enumerate() {
        if line.is_ascii() {
            continue;
        }
        if valid_utf8_prefix(line) {
            utf8.push(i as u64 + 1);
            // A character of three or four bytes: GBK pairs rarely line up into those.
            let s = match std::str::from_utf8(line) {
                Ok(s) => s,
                Err(e) => std::str::from_utf8(&line[..e.valid_up_to()]).unwrap_or(""),
            };
            multibyte.push(s.chars().any(|c| c.len_utf8() >= 3));
        } else {
            legacy.push(i as u64 + 1);
            legacy_bytes.extend_from_slice(line);
            legacy_bytes.push(b'\n');
        }
    }
    let legacy_guess = if legacy.is_empty() {
        encoding_rs::GB18030
    } else {
        guess_legacy(&legacy_bytes)
    };
    // In a double-byte encoding (GBK, Big5, Shift_JIS, EUC) a line of two-byte characters is
    // valid UTF-8 by chance often enough (GBK 女 is UTF-8 Ů); elsewhere it is not.
    let whole_guess = (!legacy.is_empty()).then(|| guess_legacy(head));
    let double_byte = [
        encoding_rs::GB18030,
        encoding_rs::GBK,
        encoding_rs::BIG5,
        encoding_rs::SHIFT_JIS,
        encoding_rs::EUC_KR,
        encoding_rs::EUC_JP,
    ]
    .iter()
    .any(|e| *e == legacy_guess || Some(*e) == whole_guess);
    let convincing_utf8 = if double_byte && !legacy.is_empty() {
        multibyte.iter().filter(|m| **m).count()
    } else {
        utf8.len()
    };
    HeadLines {
        utf8,
        convincing_utf8,
        legacy,
        legacy_guess,
    }
}

/// For an automatic detection that chose a legacy encoding: the head's lines when convincing
/// UTF-8 lines are among them, which that encoding would garble.
pub fn mixed_minority(head: &[u8], chosen: TextEncoding) -> Option<HeadLines> {
    if chosen.is_utf8() || chosen.bom || valid_utf8_prefix(head) {
        return None;
    }
    let lines = classify_lines(head);
    (lines.convincing_utf8 > 0).then_some(lines)
}

/// For bytes that are not valid in the encoding asked for: what the file looks like, and the
/// `--encoding` value to give. A file with UTF-8 lines gets `auto` (each line in its own
/// encoding), since one legacy encoding for all would garble those lines.
pub fn advice(head: &[u8]) -> (String, String) {
    let lines = classify_lines(head);
    if lines.utf8.is_empty() {
        let g = TextEncoding::whole(guess_legacy(head), false);
        (g.name(), g.flag())
    } else {
        (
            format!("UTF-8 with some lines in {}", lines.legacy_guess.name()),
            "auto".into(),
        )
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

/// Wraps a byte reader so that it yields UTF-8 text: skips a UTF-8 BOM, or transcodes (line by
/// line for [`TextEncoding::per_line`], noting in `log` the lines read in the fallback).
pub fn utf8_reader<R: Read + Send + 'static>(
    inner: R,
    enc: TextEncoding,
    log: &MixedLog,
) -> Box<dyn Read + Send> {
    if enc.is_utf8() {
        let text: Box<dyn Read + Send> = if enc.bom {
            Box::new(SkipBom {
                inner,
                skipped: false,
            })
        } else {
            Box::new(inner)
        };
        if enc.per_line {
            Box::new(PerLine {
                inner: std::io::BufReader::with_capacity(1 << 16, text),
                fallback: enc.fallback,
                out: Vec::new(),
                pos: 0,
                line: 1,
                log: log.clone(),
            })
        } else {
            text
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

/// The lines a per-line read took in the fallback encoding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MixedLines {
    pub encoding: Option<&'static Encoding>,
    pub count: u64,
    /// The first ten of them (1-based).
    pub first: Vec<u64>,
}

/// Shared between a per-line reader and the source that reports on it.
#[derive(Debug, Clone, Default)]
pub struct MixedLog(std::sync::Arc<std::sync::Mutex<MixedLines>>);

impl MixedLog {
    pub fn get(&self) -> MixedLines {
        self.0.lock().map(|m| m.clone()).unwrap_or_default()
    }
    fn note(&self, line: u64, enc: &'static Encoding) {
        if let Ok(mut m) = self.0.lock() {
            m.encoding = Some(enc);
            m.count += 1;
            if m.first.len() < 10 {
                m.first.push(line);
            }
        }
    }
}

/// A line that is neither UTF-8 nor valid in the fallback encoding (carried in an `io::Error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndecodableLine {
    pub line: u64,
    pub fallback: &'static Encoding,
}

impl std::fmt::Display for UndecodableLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {} is neither UTF-8 nor {}",
            self.line,
            self.fallback.name()
        )
    }
}

impl std::error::Error for UndecodableLine {}

/// UTF-8 decided per line: whole runs of valid UTF-8 pass through as they are; only a line that
/// is not UTF-8 is decoded, in the fallback encoding.
struct PerLine<R> {
    inner: std::io::BufReader<R>,
    fallback: Option<&'static Encoding>,
    out: Vec<u8>,
    pos: usize,
    /// The line the next byte of `out` to be filled belongs to.
    line: u64,
    log: MixedLog,
}

impl<R: Read> PerLine<R> {
    /// Reads whole lines into `out`; false at the end.
    fn refill(&mut self) -> std::io::Result<bool> {
        use std::io::BufRead;
        self.out.clear();
        self.pos = 0;
        loop {
            let chunk = self.inner.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            let n = chunk.len();
            if let Some(i) = chunk.iter().rposition(|b| *b == b'\n') {
                self.out.extend_from_slice(&chunk[..=i]);
                self.inner.consume(i + 1);
                break;
            }
            self.out.extend_from_slice(chunk);
            self.inner.consume(n);
        }
        if self.out.is_empty() {
            return Ok(false);
        }
        if std::str::from_utf8(&self.out).is_ok() {
            self.line += self.out.iter().filter(|b| **b == b'\n').count() as u64;
            return Ok(true);
        }
        let raw = std::mem::take(&mut self.out);
        for piece in raw.split_inclusive(|b| *b == b'\n') {
            if std::str::from_utf8(piece).is_ok() {
                self.out.extend_from_slice(piece);
            } else {
                let enc = *self.fallback.get_or_insert_with(|| guess_legacy(piece));
                let (text, had_errors) = enc.decode_without_bom_handling(piece);
                if had_errors {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        UndecodableLine {
                            line: self.line,
                            fallback: enc,
                        },
                    ));
                }
                self.out.extend_from_slice(text.as_bytes());
                self.log.note(self.line, enc);
            }
            if piece.ends_with(b"\n") {
                self.line += 1;
            }
        }
        Ok(true)
    }
}

impl<R: Read> Read for PerLine<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pos >= self.out.len() {
            if !self.refill()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
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
            TextEncoding::whole(encoding_rs::GBK, false),
            &MixedLog::default(),
        )
        .read_to_string(&mut out)
        .unwrap();
        assert_eq!(out, "城市\n北京\n");
        let mut out = String::new();
        utf8_reader(
            std::io::Cursor::new(b"\xEF\xBB\xBFa,b\n".to_vec()),
            TextEncoding::whole(encoding_rs::UTF_8, true),
            &MixedLog::default(),
        )
        .read_to_string(&mut out)
        .unwrap();
        assert_eq!(out, "a,b\n");
    }

    #[test]
    fn per_line_reads_each_line_in_its_encoding() {
        let mut bytes = "城市,人数\n上海,1\n".as_bytes().to_vec();
        bytes.extend(encoding_rs::GBK.encode("北京,2\n").0.iter());
        bytes.extend("广州,3".as_bytes());
        let log = MixedLog::default();
        let mut out = String::new();
        utf8_reader(
            std::io::Cursor::new(bytes),
            TextEncoding::per_line(false, Some(encoding_rs::GB18030)),
            &log,
        )
        .read_to_string(&mut out)
        .unwrap();
        assert_eq!(out, "城市,人数\n上海,1\n北京,2\n广州,3");
        let m = log.get();
        assert_eq!((m.count, m.first.clone()), (1, vec![3]));
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
