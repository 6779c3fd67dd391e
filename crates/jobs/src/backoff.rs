//! How long a failed job waits before its next attempt: exponential, capped, with jitter so
//! that jobs failing together (a remote service down) do not all retry at the same instant.

use std::time::Duration;

/// Exponential backoff: `base × 2^(attempt − 1)`, at most `max`, plus up to `jitter` of itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// Delay after the first failed attempt.
    pub base: Duration,
    /// Longest delay.
    pub max: Duration,
    /// Random extra, as a fraction of the delay (0.0 – 1.0).
    pub jitter: f64,
}

impl Default for Backoff {
    /// 10 s, 20 s, 40 s… up to one hour, plus up to 25 %.
    fn default() -> Backoff {
        Backoff { base: Duration::from_secs(10), max: Duration::from_secs(3600), jitter: 0.25 }
    }
}

impl Backoff {
    /// The delay before the attempt following failed attempt number `attempt` (1-based), without
    /// jitter.
    pub fn nominal(&self, attempt: i32) -> Duration {
        let exp = u32::try_from(attempt.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        self.base.saturating_mul(1u32 << exp).min(self.max)
    }

    /// The delay with its random extra.
    pub fn delay(&self, attempt: i32) -> Duration {
        let d = self.nominal(attempt);
        let extra = d.mul_f64(self.jitter.clamp(0.0, 1.0) * fastrand::f64());
        d + extra
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_then_caps() {
        let b = Backoff { base: Duration::from_secs(10), max: Duration::from_secs(60), jitter: 0.0 };
        let got: Vec<u64> = (1..=6).map(|a| b.nominal(a).as_secs()).collect();
        assert_eq!(got, [10, 20, 40, 60, 60, 60]);
        assert_eq!(b.nominal(1000), Duration::from_secs(60));
        assert_eq!(b.delay(2), Duration::from_secs(20));
    }

    #[test]
    fn jitter_stays_within_its_fraction() {
        let b = Backoff { base: Duration::from_millis(1000), max: Duration::from_secs(60), jitter: 0.25 };
        let delays: Vec<Duration> = (0..200).map(|_| b.delay(1)).collect();
        assert!(delays.iter().all(|d| *d >= Duration::from_millis(1000) && *d <= Duration::from_millis(1250)));
        assert!(delays.iter().any(|d| *d != delays[0]), "jitter must vary");
    }
}
