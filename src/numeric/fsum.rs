//! Exact floating-point sums: the correctly rounded sum of the values, whatever their order and
//! however they are split into parts.
//!
//! A plain `+=` loop rounds after every addition, so the same values added in another order
//! (row by row, chunk by chunk, day by day) can differ in their last bits. [`ExactSum`] keeps
//! the running sum exactly, as a short list of non-overlapping partials (Shewchuk's algorithm, as
//! in Python's `math.fsum`), and rounds once at the end, to nearest with ties to even. Two sums
//! merge exactly, so a sum combined from parts equals the sum of the whole, value for value.
//!
//! - Money and counts keep one to three partials, so a sum costs a few additions per value.
//! - A non-finite value (infinity, NaN), or a sum too large for a float, makes the result the
//!   plain sum of the non-finite values (infinity, or NaN for `inf + -inf`).

/// A running exact sum. See the module's documentation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExactSum {
    /// Non-overlapping, increasing in magnitude; their exact sum is the sum so far.
    partials: Vec<f64>,
    /// The plain sum of the non-finite values met (and of overflows), when there were any.
    special: Option<f64>,
}

impl ExactSum {
    pub fn new() -> ExactSum {
        ExactSum::default()
    }

    /// The exact sum of `values`.
    pub fn of(values: impl IntoIterator<Item = f64>) -> ExactSum {
        let mut s = ExactSum::new();
        for v in values {
            s.add(v);
        }
        s
    }

    pub fn add(&mut self, value: f64) {
        if !value.is_finite() {
            self.special = Some(self.special.unwrap_or(0.0) + value);
            return;
        }
        let mut x = value;
        let mut kept = 0;
        for j in 0..self.partials.len() {
            let mut y = self.partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                self.partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        if !x.is_finite() {
            // The sum overflows a float: it is infinite, with the sign of the overflow.
            self.special = Some(self.special.unwrap_or(0.0) + x);
            self.partials.clear();
            return;
        }
        self.partials.truncate(kept);
        self.partials.push(x);
    }

    /// Adds `other` exactly.
    pub fn merge(&mut self, other: &ExactSum) {
        for &p in &other.partials {
            self.add(p);
        }
        if let Some(s) = other.special {
            self.special = Some(self.special.unwrap_or(0.0) + s);
        }
    }

    /// What to store to merge later: the partials, or the non-finite sum alone.
    /// [`ExactSum::of`] of these gives this sum back.
    pub fn parts(&self) -> Vec<f64> {
        match self.special {
            Some(s) => vec![s],
            None => self.partials.clone(),
        }
    }

    /// The sum, correctly rounded (0.0 for no values).
    pub fn value(&self) -> f64 {
        if let Some(s) = self.special {
            return s;
        }
        let p = &self.partials;
        let Some(&last) = p.last() else {
            return 0.0;
        };
        let mut hi = last;
        let mut lo = 0.0;
        let mut n = p.len() - 1;
        while n > 0 {
            let x = hi;
            let y = p[n - 1];
            n -= 1;
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        // Round half to even: when the rest below `lo` has the sign of `lo`, the exact sum lies
        // past the halfway point that `hi + lo` would round away from.
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            if y == x - hi {
                hi = x;
            }
        }
        hi
    }
}

#[cfg(test)]
mod tests {
    use super::ExactSum;

    #[test]
    fn sums_that_plain_addition_gets_wrong() {
        assert_eq!(ExactSum::of([0.1; 10]).value(), 1.0);
        assert_eq!(ExactSum::of([1e100, 1.0, -1e100]).value(), 1.0);
        assert_eq!(ExactSum::of([1.0, 1e-16, 1e-16]).value(), 1.0 + 2e-16);
        // 2^53 + 1 + 2^-30: the exact sum lies just past the tie, so it rounds up.
        let big = 9_007_199_254_740_992.0;
        assert_eq!(ExactSum::of([big, 1.0, 2f64.powi(-30)]).value(), big + 2.0);
        // A tie without the tail goes to even.
        assert_eq!(ExactSum::of([big, 1.0]).value(), big);
        assert_eq!(ExactSum::new().value(), 0.0);
    }

    #[test]
    fn any_order_and_any_split_give_the_correctly_rounded_sum() {
        let mut rng = crate::rng::SplitMix64(7);
        let values: Vec<f64> = (0..5000)
            .map(|i| {
                let q = (rng.uniform() * 40.0).floor() - 5.0;
                let p = (rng.uniform() * 2000.0).round() / 100.0;
                if i % 97 == 0 { q * 1e9 } else { q * p }
            })
            .collect();
        // The reference, in integers: every value here is a whole number of 2^-60.
        let scale = 2f64.powi(60);
        let exact: i128 = values
            .iter()
            .map(|v| {
                let scaled = v * scale;
                assert_eq!(scaled.fract(), 0.0);
                scaled as i128
            })
            .sum();
        let reference = exact as f64 / scale;
        let whole = ExactSum::of(values.iter().copied()).value();
        assert_eq!(whole, reference);
        let mut reversed = values.clone();
        reversed.reverse();
        assert_eq!(ExactSum::of(reversed).value(), whole);
        for size in [1, 7, 333, 4999] {
            let mut total = ExactSum::new();
            for part in values.chunks(size).rev() {
                let kept = ExactSum::of(part.iter().copied()).parts();
                total.merge(&ExactSum::of(kept));
            }
            assert_eq!(total.value(), whole, "parts of {size}");
        }
    }

    #[test]
    fn non_finite_values_and_overflow() {
        assert_eq!(ExactSum::of([1.0, f64::INFINITY]).value(), f64::INFINITY);
        assert!(
            ExactSum::of([f64::INFINITY, f64::NEG_INFINITY])
                .value()
                .is_nan()
        );
        assert!(ExactSum::of([1.0, f64::NAN]).value().is_nan());
        assert_eq!(ExactSum::of([f64::MAX, f64::MAX]).value(), f64::INFINITY);
        let mut a = ExactSum::of([2.0]);
        a.merge(&ExactSum::of(ExactSum::of([f64::NEG_INFINITY]).parts()));
        assert_eq!(a.value(), f64::NEG_INFINITY);
    }
}
