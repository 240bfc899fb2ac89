//! Rate limits against abuse (governor does the counting, in memory, per instance).
//!
//! A school's staff room shares one public address, so the per-address limit on sign-ups is
//! generous; the per-email limit is tight, since one person signs up a few times at most and a
//! flood to one address is someone else's spam. Requests that carry personal tokens (confirm,
//! manage, feed) have their own per-address limit, so guessing tokens gets nowhere fast.

use std::{net::IpAddr, num::NonZeroU32, time::Duration};

use crate::metrics::{METRICS, SignUpOutcome};
use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};

/// Limits per minute / hour as configured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitSettings {
    pub sign_ups_per_ip_per_minute: u32,
    pub sign_ups_per_email_per_hour: u32,
    pub token_requests_per_ip_per_minute: u32,
}

impl Default for LimitSettings {
    fn default() -> Self {
        LimitSettings {
            sign_ups_per_ip_per_minute: 60,
            sign_ups_per_email_per_hour: 10,
            token_requests_per_ip_per_minute: 120,
        }
    }
}

pub struct Limits {
    sign_up_ip: DefaultKeyedRateLimiter<IpAddr>,
    sign_up_email: DefaultKeyedRateLimiter<String>,
    token_ip: DefaultKeyedRateLimiter<IpAddr>,
}

/// Over the limit: retry after this many seconds.
#[derive(Debug, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

fn quota(per: Duration, count: u32) -> Quota {
    let count = NonZeroU32::new(count.max(1)).expect("at least one");
    Quota::with_period(per / count.get())
        .expect("a positive period")
        .allow_burst(count)
}

impl Limits {
    pub fn new(settings: LimitSettings) -> Limits {
        Limits {
            sign_up_ip: RateLimiter::keyed(quota(
                Duration::from_secs(60),
                settings.sign_ups_per_ip_per_minute,
            )),
            sign_up_email: RateLimiter::keyed(quota(
                Duration::from_secs(3600),
                settings.sign_ups_per_email_per_hour,
            )),
            token_ip: RateLimiter::keyed(quota(
                Duration::from_secs(60),
                settings.token_requests_per_ip_per_minute,
            )),
        }
    }

    /// One sign-up from `ip` for `email` (normalised the way `Email::parse` does).
    pub fn sign_up(&self, ip: Option<IpAddr>, email: &str) -> Result<(), RetryAfter> {
        let by_ip = match ip {
            Some(ip) => check(&self.sign_up_ip, &ip),
            None => Ok(()),
        };
        let result = by_ip.and_then(|()| check(&self.sign_up_email, &email.trim().to_lowercase()));
        if result.is_err() {
            METRICS.sign_up(SignUpOutcome::RateLimited);
        }
        result
    }

    /// One request carrying a personal token from `ip`.
    pub fn token_request(&self, ip: Option<IpAddr>) -> Result<(), RetryAfter> {
        match ip {
            Some(ip) => check(&self.token_ip, &ip),
            None => Ok(()),
        }
    }
}

/// The address a request's limits are counted against: the connection's peer.
pub fn client_ip(req: &poem::Request) -> Option<IpAddr> {
    req.remote_addr().as_socket_addr().map(|a| a.ip())
}

fn check<K: std::hash::Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
) -> Result<(), RetryAfter> {
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        RetryAfter(wait.as_secs().max(1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_email_limit_bites_before_the_generous_address_limit() {
        let limits = Limits::new(LimitSettings {
            sign_ups_per_ip_per_minute: 100,
            sign_ups_per_email_per_hour: 3,
            token_requests_per_ip_per_minute: 5,
        });
        let ip = Some("192.0.2.7".parse().unwrap());
        for _ in 0..3 {
            assert!(limits.sign_up(ip, "Jana@Skola.cz").is_ok());
        }
        assert!(
            limits.sign_up(ip, "jana@skola.cz ").is_err(),
            "same address, other spelling"
        );
        // Colleagues from the same staff room still get through.
        for n in 0..20 {
            assert!(limits.sign_up(ip, &format!("kolega{n}@skola.cz")).is_ok());
        }
    }

    #[test]
    fn token_guessing_is_slowed_per_address() {
        let limits = Limits::new(LimitSettings {
            token_requests_per_ip_per_minute: 5,
            ..LimitSettings::default()
        });
        let ip = Some("192.0.2.8".parse().unwrap());
        for _ in 0..5 {
            assert!(limits.token_request(ip).is_ok());
        }
        let RetryAfter(wait) = limits.token_request(ip).unwrap_err();
        assert!((1..=60).contains(&wait));
        assert!(
            limits
                .token_request(Some("192.0.2.9".parse().unwrap()))
                .is_ok()
        );
    }
}
