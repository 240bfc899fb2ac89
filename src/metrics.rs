//! Prometheus metrics at `/metrics`: requests and latency per route, sign-ups by outcome and
//! how many are written per transaction, the outbox (waiting, failed), feed cache hits. A small
//! middleware over the `prometheus` crate (poem's own `prometheus` feature pulls an
//! OpenTelemetry stack this service does not need).
//!
//! The counters are process-wide, so one scrape per instance; the outbox gauges are read from
//! the shared database at scrape time, so every instance reports the same queue.

use std::{sync::LazyLock, time::Instant};

use poem::{Endpoint, IntoResponse, Request, Response, handler, web::Data};
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

use crate::{mail, startup::AppState};

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    sign_ups: IntCounterVec,
    sign_up_batches: Histogram,
    outbox: IntGaugeVec,
    feed_cache: IntCounterVec,
}

pub static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let registry = Registry::new();
    let requests = IntCounterVec::new(
        Opts::new(
            "veletrh_http_requests_total",
            "HTTP requests by route, method and status",
        ),
        &["route", "method", "status"],
    )
    .expect("valid metric");
    let latency = HistogramVec::new(
        HistogramOpts::new(
            "veletrh_http_request_duration_seconds",
            "HTTP request latency by route",
        )
        .buckets(vec![
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
        ]),
        &["route"],
    )
    .expect("valid metric");
    let sign_ups = IntCounterVec::new(
        Opts::new("veletrh_sign_ups_total", "Sign-up requests by outcome"),
        &["outcome"],
    )
    .expect("valid metric");
    let sign_up_batches = Histogram::with_opts(
        HistogramOpts::new(
            "veletrh_sign_up_batch_size",
            "Sign-ups written together in one transaction",
        )
        .buckets(vec![1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0]),
    )
    .expect("valid metric");
    let outbox = IntGaugeVec::new(
        Opts::new(
            "veletrh_outbox_messages",
            "Outbox messages waiting or failed for good",
        ),
        &["state"],
    )
    .expect("valid metric");
    let feed_cache = IntCounterVec::new(
        Opts::new(
            "veletrh_feed_cache_total",
            "Calendar feed requests served from memory or rebuilt",
        ),
        &["result"],
    )
    .expect("valid metric");
    for metric in [
        Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
        Box::new(latency.clone()),
        Box::new(sign_ups.clone()),
        Box::new(sign_up_batches.clone()),
        Box::new(outbox.clone()),
        Box::new(feed_cache.clone()),
    ] {
        registry.register(metric).expect("registered once");
    }
    Metrics {
        registry,
        requests,
        latency,
        sign_ups,
        sign_up_batches,
        outbox,
        feed_cache,
    }
});

/// What became of a sign-up request.
#[derive(Clone, Copy, Debug)]
pub enum SignUpOutcome {
    Accepted,
    Invalid,
    RateLimited,
    Failed,
}

impl Metrics {
    pub fn sign_up(&self, outcome: SignUpOutcome) {
        let label = match outcome {
            SignUpOutcome::Accepted => "accepted",
            SignUpOutcome::Invalid => "invalid",
            SignUpOutcome::RateLimited => "rate_limited",
            SignUpOutcome::Failed => "failed",
        };
        self.sign_ups.with_label_values(&[label]).inc();
    }

    /// `size` sign-ups written in one transaction.
    pub fn sign_up_batch(&self, size: usize) {
        self.sign_up_batches.observe(size as f64);
    }

    /// A feed request answered from memory (`hit`) or after a rebuild.
    pub fn feed_cache(&self, hit: bool) {
        self.feed_cache
            .with_label_values(&[if hit { "hit" } else { "rebuild" }])
            .inc();
    }
}

/// The middleware: counts and times every request under a route label of bounded cardinality.
pub async fn track<E: Endpoint>(ep: E, req: Request) -> poem::Result<Response> {
    let route = route_label(req.uri().path());
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let result = ep.call(req).await.map(IntoResponse::into_response);
    let status = match &result {
        Ok(response) => response.status(),
        Err(err) => err.status(),
    };
    let m = &*METRICS;
    m.requests
        .with_label_values(&[route.as_str(), method.as_str(), status.as_str()])
        .inc();
    m.latency
        .with_label_values(&[route.as_str()])
        .observe(started.elapsed().as_secs_f64());
    result
}

/// `/workshops/12/calendar.ics` → `/workshops/{id}/calendar.ics`, `/me/<token>` → `/me/{token}`.
/// Unknown first segments become `other`, so scanners cannot blow up the label set.
pub fn route_label(path: &str) -> String {
    const KNOWN: &[&str] = &[
        "",
        "api",
        "fairs",
        "workshops",
        "meetings",
        "me",
        "confirm",
        "check-email",
        "deleted",
        "static",
        "healthz",
        "readyz",
        "metrics",
        "admin",
        "organiser",
    ];
    let mut segments = path.trim_start_matches('/').split('/');
    let first = segments.next().unwrap_or_default();
    if !KNOWN.contains(&first) {
        return "other".to_owned();
    }
    let mut label = format!("/{first}");
    for (i, segment) in segments.enumerate() {
        if i >= 5 {
            label.push_str("/…");
            break;
        }
        let generic = if segment.chars().all(|c| c.is_ascii_digit()) && !segment.is_empty() {
            "{id}"
        } else if segment.len() >= 20
            || (first == "fairs" && i == 0)
            || (first == "static" && i == 0)
        {
            "{key}"
        } else {
            segment
        };
        label.push('/');
        label.push_str(generic);
    }
    label
}

#[handler]
pub async fn metrics(Data(state): Data<&AppState>) -> Response {
    if let Ok(report) = mail::report::counts(&state.db).await {
        METRICS
            .outbox
            .with_label_values(&["waiting"])
            .set(report.waiting as i64);
        METRICS
            .outbox
            .with_label_values(&["failed"])
            .set(report.failed as i64);
    }
    let mut body = Vec::new();
    let encoder = TextEncoder::new();
    if encoder
        .encode(&METRICS.registry.gather(), &mut body)
        .is_err()
    {
        return poem::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    Response::builder()
        .content_type(encoder.format_type())
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::route_label;

    #[test]
    fn labels_hide_ids_and_tokens_and_bound_the_rest() {
        assert_eq!(
            route_label("/workshops/12/calendar.ics"),
            "/workshops/{id}/calendar.ics"
        );
        assert_eq!(
            route_label("/me/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"),
            "/me/{key}"
        );
        assert_eq!(
            route_label("/fairs/uspech-pro-kazdeho-zaka/sign-up"),
            "/fairs/{key}/sign-up"
        );
        assert_eq!(route_label("/wp-admin/setup.php"), "other");
        assert_eq!(route_label("/"), "/");
        assert_eq!(route_label("/api/registrations"), "/api/registrations");
    }
}
