//! Sane ranges for the numeric options: clap refuses a value outside before anything runs, and
//! says which values are allowed (`recommend --iterations 4294967295` once tried to allocate
//! 34 GB).
//!
//! Every numeric option of the command line reads through one of these parsers; the test below
//! walks the whole command tree to keep it so. The only exceptions are a random seed and record
//! ids, where every number is a valid choice.

/// A whole number from `LO` to `HI`.
pub fn whole<T: TryFrom<u64>, const LO: u64, const HI: u64>(s: &str) -> Result<T, String> {
    let refuse = || format!("use a whole number from {} to {}", group(LO), group(HI));
    let n: u64 = s.trim().parse().map_err(|_| refuse())?;
    if !(LO..=HI).contains(&n) {
        return Err(refuse());
    }
    T::try_from(n).map_err(|_| refuse())
}

/// A number from `LO` to `HI`, both included.
pub fn number<const LO: i64, const HI: i64>(s: &str) -> Result<f64, String> {
    let refuse = || format!("use a number from {} to {}", group(LO), group(HI));
    let x: f64 = s.trim().parse().map_err(|_| refuse())?;
    if !(x.is_finite() && (LO as f64..=HI as f64).contains(&x)) {
        return Err(refuse());
    }
    Ok(x)
}

/// A number above 0, up to `HI`.
pub fn above_zero<const HI: i64>(s: &str) -> Result<f64, String> {
    let refuse = || format!("use a number above 0, up to {}", group(HI));
    let x: f64 = s.trim().parse().map_err(|_| refuse())?;
    if !(x.is_finite() && x > 0.0 && x <= HI as f64) {
        return Err(refuse());
    }
    Ok(x)
}

/// The side of a picture in pixels ([`loupe::explore::render::PICTURE_SIDE`]).
pub fn picture_side(s: &str) -> Result<u32, String> {
    let range = loupe::explore::render::PICTURE_SIDE;
    let refuse = || {
        format!(
            "use a whole number of pixels from {} to {} (the largest picture is {} × {})",
            range.start(),
            group(*range.end()),
            group(*range.end()),
            group(*range.end())
        )
    };
    let n: u32 = s.trim().parse().map_err(|_| refuse())?;
    if !range.contains(&n) {
        return Err(refuse());
    }
    Ok(n)
}

/// `n` with thousands separators.
fn group(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use clap::error::ErrorKind;
    use std::any::TypeId;

    /// Options where any number is a valid choice: nothing is sized by a seed or an id (the ids
    /// are still checked to be whole and positive).
    const ANY_NUMBER: [&str; 2] = ["seed", "snapshots"];

    fn numeric(parser: &clap::builder::ValueParser) -> bool {
        let id = parser.type_id();
        [
            TypeId::of::<u8>(),
            TypeId::of::<u16>(),
            TypeId::of::<u32>(),
            TypeId::of::<u64>(),
            TypeId::of::<usize>(),
            TypeId::of::<i8>(),
            TypeId::of::<i16>(),
            TypeId::of::<i32>(),
            TypeId::of::<i64>(),
            TypeId::of::<isize>(),
            TypeId::of::<f32>(),
            TypeId::of::<f64>(),
        ]
        .into_iter()
        .any(|t| id == t)
    }

    /// Whether the command line `loupe path… --long=value` gets past the value's check.
    fn accepts(root: &clap::Command, path: &[String], long: &str, value: &str) -> bool {
        let mut argv = vec!["loupe".to_string()];
        argv.extend_from_slice(path);
        argv.push(format!("--{long}={value}"));
        match root.clone().try_get_matches_from(argv) {
            Err(e) => !matches!(
                e.kind(),
                ErrorKind::ValueValidation | ErrorKind::InvalidValue
            ),
            Ok(_) => true,
        }
    }

    fn walk(root: &clap::Command, cmd: &clap::Command, path: &[String], out: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if !numeric(arg.get_value_parser()) || ANY_NUMBER.contains(&long) {
                continue;
            }
            let name = format!("loupe {} --{long}", path.join(" "));
            // Beyond every sane range, and not a number at all.
            for bad in ["4294967295", "1e300", "-1", "NaN", "inf"] {
                if accepts(root, path, long, bad) {
                    out.push(format!("{name} accepts {bad}"));
                }
            }
            // The default must pass its own check.
            for d in arg.get_default_values() {
                let d = d.to_string_lossy();
                if !accepts(root, path, long, &d) {
                    out.push(format!("{name}: the default {d} is refused"));
                }
            }
        }
        for sub in cmd.get_subcommands() {
            let mut p = path.to_vec();
            p.push(sub.get_name().to_string());
            walk(root, sub, &p, out);
        }
    }

    #[test]
    fn every_numeric_option_has_a_range() {
        let root = super::super::Cli::command();
        let mut problems = Vec::new();
        walk(&root, &root, &[], &mut problems);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn parsers_say_the_range() {
        assert_eq!(whole::<usize, 1, 1000>("15"), Ok(15));
        assert_eq!(
            whole::<usize, 1, 1000>("4294967295"),
            Err("use a whole number from 1 to 1,000".to_string())
        );
        assert!(whole::<u32, 0, 10>("-1").is_err());
        assert_eq!(number::<0, 1>("0.5"), Ok(0.5));
        assert!(number::<0, 1>("1.5").is_err());
        assert!(number::<0, 1>("NaN").is_err());
        assert_eq!(above_zero::<1>("1"), Ok(1.0));
        assert!(above_zero::<1>("0").is_err());
        assert_eq!(picture_side("1200"), Ok(1200));
        let e = picture_side("100000").unwrap_err();
        assert!(e.contains("8,000 × 8,000"), "{e}");
        assert_eq!(group(-1234567), "-1,234,567");
    }
}
