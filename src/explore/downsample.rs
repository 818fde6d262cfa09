//! Fewer points with the same shape, for plots with more points than pixels.
//!
//! * [`lttb`]: Largest-Triangle-Three-Buckets (Steinarsson, 2013): keeps the first and last
//!   point and, from each of `n − 2` equal buckets between, the point that spans the largest
//!   triangle with the point kept before it and the mean of the next bucket. Peaks and dips
//!   survive; the count is exactly `n`.
//! * [`min_max`]: per pixel column, the first, lowest, highest and last point, in x order: a
//!   line through them covers exactly the pixels the full line covers.
//!
//! Both expect points sorted by x.

/// Downsamples sorted points to `n` points (all points when there are no more than `n`, or
/// when `n < 3`).
pub fn lttb(points: &[[f64; 2]], n: usize) -> Vec<[f64; 2]> {
    let len = points.len();
    if n >= len || n < 3 {
        return points.to_vec();
    }
    let mut out = Vec::with_capacity(n);
    out.push(points[0]);
    // The buckets split points[1..len-1] into n-2 parts.
    let every = (len - 2) as f64 / (n - 2) as f64;
    let bucket = |i: usize| -> (usize, usize) {
        let start = (i as f64 * every).floor() as usize + 1;
        let end = (((i + 1) as f64 * every).floor() as usize + 1).min(len - 1);
        (start, end.max(start + 1).min(len - 1))
    };
    let mut a = 0usize;
    for i in 0..n - 2 {
        let (start, end) = bucket(i);
        // The mean of the next bucket (the last point for the last bucket).
        let (ns, ne) = if i + 1 < n - 2 {
            bucket(i + 1)
        } else {
            (len - 1, len)
        };
        let count = (ne - ns) as f64;
        let (mut cx, mut cy) = (0.0, 0.0);
        for p in &points[ns..ne] {
            cx += p[0];
            cy += p[1];
        }
        cx /= count;
        cy /= count;
        let [ax, ay] = points[a];
        let mut best = start;
        let mut best_area = -1.0;
        for (j, p) in points.iter().enumerate().take(end).skip(start) {
            let area = ((ax - cx) * (p[1] - ay) - (ax - p[0]) * (cy - ay)).abs();
            if area > best_area {
                best_area = area;
                best = j;
            }
        }
        out.push(points[best]);
        a = best;
    }
    out.push(points[len - 1]);
    out
}

/// Keeps, per pixel column of `width` columns spanning `[x_min, x_max]`, the first, lowest,
/// highest and last point (each once, in x order). Points outside the span are dropped.
pub fn min_max(points: &[[f64; 2]], x_min: f64, x_max: f64, width: usize) -> Vec<[f64; 2]> {
    if width == 0 || x_max <= x_min || points.len() <= 4 * width {
        return points
            .iter()
            .copied()
            .filter(|p| p[0] >= x_min && p[0] <= x_max)
            .collect();
    }
    let scale = width as f64 / (x_max - x_min);
    let column = |x: f64| (((x - x_min) * scale) as usize).min(width - 1);
    let mut out = Vec::with_capacity(4 * width);
    let mut i = points.partition_point(|p| p[0] < x_min);
    while i < points.len() && points[i][0] <= x_max {
        let col = column(points[i][0]);
        let start = i;
        let (mut lo, mut hi) = (i, i);
        while i < points.len() && points[i][0] <= x_max && column(points[i][0]) == col {
            if points[i][1] < points[lo][1] {
                lo = i;
            }
            if points[i][1] > points[hi][1] {
                hi = i;
            }
            i += 1;
        }
        let mut keep = [start, lo, hi, i - 1];
        keep.sort_unstable();
        let mut last = usize::MAX;
        for k in keep {
            if k != last {
                out.push(points[k]);
                last = k;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(n: usize) -> Vec<[f64; 2]> {
        (0..n)
            .map(|i| [i as f64, ((i as f64) * 0.05).sin() * 10.0])
            .collect()
    }

    #[test]
    fn lttb_keeps_ends_count_and_peaks() {
        let mut pts = series(10_000);
        pts[4321][1] = 500.0; // a spike
        pts[8765][1] = -400.0; // a dip
        let out = lttb(&pts, 300);
        assert_eq!(out.len(), 300);
        assert_eq!(out[0], pts[0]);
        assert_eq!(out[299], pts[9_999]);
        assert!(out.contains(&pts[4321]));
        assert!(out.contains(&pts[8765]));
        assert!(out.windows(2).all(|w| w[0][0] < w[1][0]), "x order kept");
        // Few points: unchanged.
        assert_eq!(lttb(&pts[..10], 300), pts[..10].to_vec());
    }

    #[test]
    fn lttb_on_a_hand_checked_case() {
        // 5 points to 3: the middle bucket is points 1..4; next "bucket" is the last point
        // (4, 0). From (0, 0), the triangle with (4, 0) is largest for the highest point.
        let pts = [[0.0, 0.0], [1.0, 1.0], [2.0, 5.0], [3.0, 2.0], [4.0, 0.0]];
        assert_eq!(lttb(&pts, 3), vec![[0.0, 0.0], [2.0, 5.0], [4.0, 0.0]]);
    }

    #[test]
    fn min_max_keeps_every_column_extreme() {
        let pts = series(100_000);
        let width = 500;
        let out = min_max(&pts, 0.0, 99_999.0, width);
        assert!(out.len() <= 4 * width && out.len() >= 2 * width);
        assert!(out.windows(2).all(|w| w[0][0] < w[1][0]));
        // Every column's min and max of the full data is in the output.
        let scale = width as f64 / 99_999.0;
        let col = |x: f64| ((x * scale) as usize).min(width - 1);
        let mut lo = vec![f64::INFINITY; width];
        let mut hi = vec![f64::NEG_INFINITY; width];
        for p in &pts {
            lo[col(p[0])] = lo[col(p[0])].min(p[1]);
            hi[col(p[0])] = hi[col(p[0])].max(p[1]);
        }
        let mut olo = vec![f64::INFINITY; width];
        let mut ohi = vec![f64::NEG_INFINITY; width];
        for p in &out {
            olo[col(p[0])] = olo[col(p[0])].min(p[1]);
            ohi[col(p[0])] = ohi[col(p[0])].max(p[1]);
        }
        assert_eq!(lo, olo);
        assert_eq!(hi, ohi);
        // A zoomed span keeps only what is inside.
        let zoom = min_max(&pts, 1000.0, 1999.0, 100);
        assert!(zoom.iter().all(|p| (1000.0..=1999.0).contains(&p[0])));
        assert_eq!(zoom.first().map(|p| p[0]), Some(1000.0));
        assert_eq!(zoom.last().map(|p| p[0]), Some(1999.0));
    }
}
