//! Confidence intervals, so that small classes are not over-read.
//!
//! - A **rate** (completion, pass) gets the 95 % **Wilson score interval**: it stays inside
//!   0–100 % and is honest for small n and for rates near 0 or 1, where the plain normal
//!   interval is not.
//! - A **mean normalised gain** gets the 95 % **Student t interval** `mean ± t(0.975, n−1) · s/√n`
//!   (s the sample standard deviation of the learners' g): with a class of 8 the t factor is
//!   2.36, not 1.96. No interval below n = 2.

/// z for a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A two-sided 95 % interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// Wilson score interval of `successes` out of `n` (None when n is 0).
pub fn wilson(successes: usize, n: usize) -> Option<Interval> {
    if n == 0 {
        return None;
    }
    let n_f = n as f64;
    let p = successes as f64 / n_f;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denom;
    let half = Z95 / denom * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt();
    Some(Interval {
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    })
}

/// t(0.975, df) for df 1–30 (the usual table).
const T975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// The 0.975 quantile of Student's t with `df` degrees of freedom: the table up to 30, then
/// the Cornish-Fisher expansion around z (error below 0.001 there).
pub fn t975(df: usize) -> f64 {
    match df {
        0 => f64::INFINITY,
        1..=30 => T975[df - 1],
        _ => {
            let v = df as f64;
            let z = Z95;
            let g1 = (z.powi(3) + z) / 4.0;
            let g2 = (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / 96.0;
            let g3 = (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / 384.0;
            z + g1 / v + g2 / (v * v) + g3 / (v * v * v)
        }
    }
}

/// Running sums of a sample: mean, standard deviation and the t interval of the mean.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sample {
    pub n: usize,
    sum: f64,
    sum_sq: f64,
}

impl Sample {
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        self.sum += x;
        self.sum_sq += x * x;
    }

    pub fn merge(&mut self, other: &Sample) {
        self.n += other.n;
        self.sum += other.sum;
        self.sum_sq += other.sum_sq;
    }

    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }

    /// Sample standard deviation (n − 1); None below n = 2.
    pub fn sd(&self) -> Option<f64> {
        if self.n < 2 {
            return None;
        }
        let n = self.n as f64;
        let var = (self.sum_sq - self.sum * self.sum / n) / (n - 1.0);
        Some(var.max(0.0).sqrt())
    }

    /// 95 % Student t interval of the mean; None below n = 2.
    pub fn t_interval(&self) -> Option<Interval> {
        let (mean, sd) = (self.mean()?, self.sd()?);
        let half = t975(self.n - 1) * sd / (self.n as f64).sqrt();
        Some(Interval {
            low: mean - half,
            high: mean + half,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, eps: f64) -> bool {
        (a - b).abs() < eps
    }

    // Guards the Wilson interval against values worked out by hand:
    // 8 of 10: centre (0.8 + 0.19208) / 1.38415 = 0.71674, half 1.41601 · √(0.016 + 0.0096)
    // = 0.22658 → 0.4902 – 0.9433; and its edges (0 of n stays at 0, n of n at 1).
    #[test]
    fn wilson_by_hand() {
        let i = wilson(8, 10).expect("n > 0");
        assert!(close(i.low, 0.4902, 5e-4), "{i:?}");
        assert!(close(i.high, 0.9433, 5e-4), "{i:?}");
        let zero = wilson(0, 5).expect("n > 0");
        assert_eq!(zero.low, 0.0);
        assert!(close(zero.high, 0.4345, 5e-4), "{zero:?}");
        assert_eq!(wilson(5, 5).expect("n > 0").high, 1.0);
        assert_eq!(wilson(0, 0), None);
    }

    // Guards the t interval: g = 0.2, 0.4, 0.6 → mean 0.4, s 0.2, t(2) 4.303,
    // half 4.303 · 0.2 / √3 = 0.49687; none for one learner; the expansion meets the table.
    #[test]
    fn t_interval_by_hand() {
        let mut s = Sample::default();
        for g in [0.2, 0.4, 0.6] {
            s.push(g);
        }
        let i = s.t_interval().expect("n = 3");
        assert!(close(i.low, 0.4 - 0.49687, 1e-4), "{i:?}");
        assert!(close(i.high, 0.4 + 0.49687, 1e-4), "{i:?}");
        let mut one = Sample::default();
        one.push(0.5);
        assert_eq!(one.t_interval(), None);
        assert_eq!(one.mean(), Some(0.5));
        assert!(close(t975(31), 2.0395, 1e-3), "{}", t975(31));
        assert!(close(t975(120), 1.9799, 1e-3), "{}", t975(120));
    }
}
