//! Monitoring: `/metrics` (Prometheus figures of requests by route, the database pool and the
//! job queue, reachable only from the allow-listed peer addresses) and the request log.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use obs_web::{AllowList, BoxFuture, QueueCount, QueueSnapshot, QueueStats};
use crate::both;
use crate::support::{self, Answer, Backend, TestSite};

/// A request as if it came from `peer` over TCP (what `serve` records for every connection).
async fn from(site: &TestSite, peer: &str, req: Request<Body>) -> Answer {
    let mut req = req;
    let addr: SocketAddr = peer.parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    site.send(req).await
}

async fn metrics_from(site: &TestSite, peer: &str) -> Answer {
    from(site, peer, Request::get("/metrics").body(Body::empty()).unwrap()).await
}

fn refused(a: &Answer) {
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let body = a.text();
    assert!(body.contains("<html lang=\"fr\"") && !body.contains("observatoire_http"), "{body:.200}");
}

/// The value of the sample line starting with `prefix` (labels included).
fn sample(text: &str, prefix: &str) -> Option<f64> {
    text.lines().find(|l| l.starts_with(prefix)).and_then(|l| l.rsplit(' ').next()).and_then(|v| v.parse().ok())
}

both!(requests_and_pool_by_route_for_loopback_only, |s| {
    for _ in 0..3 {
        assert_eq!(from(&s, "127.0.0.1:5000", Request::get("/editions/2025-decembre?q=impots").body(Body::empty()).unwrap()).await.status, StatusCode::OK);
    }
    from(&s, "127.0.0.1:5000", Request::get("/nulle/part/123").body(Body::empty()).unwrap()).await;
    let a = metrics_from(&s, "127.0.0.1:5001").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.header(header::CONTENT_TYPE).starts_with("application/openmetrics-text"));
    let text = a.text();
    let line = "observatoire_http_requests_total{method=\"GET\",route=\"/editions/{slug}\",status=\"200\"}";
    assert_eq!(sample(&text, line), Some(3.0), "{text}");
    assert!(text.contains("observatoire_http_request_duration_seconds_bucket{"), "durations by route");
    assert!(!text.contains("impots") && !text.contains("2025-decembre"), "route templates only, never raw paths or queries");
    assert!(text.contains("route=\"(aucune)\",status=\"404\""), "unmatched paths share one label");
    assert!(sample(&text, "observatoire_db_pool_connections ").is_some_and(|n| n >= 1.0), "{text}");
    assert!(text.contains("observatoire_db_pool_idle_connections "));
    assert_eq!(sample(&text, "observatoire_jobs_stats_up "), Some(0.0), "no queue wired");
    assert!(text.trim_end().ends_with("# EOF"));
    // IPv6 loopback, and IPv4 loopback seen through a dual-stack socket.
    assert_eq!(metrics_from(&s, "[::1]:5002").await.status, StatusCode::OK);
    assert_eq!(metrics_from(&s, "[::ffff:127.0.0.1]:5003").await.status, StatusCode::OK);
    // Anyone else: the ordinary 404 page, whatever headers it sends.
    refused(&metrics_from(&s, "10.0.0.1:5004").await);
    refused(&metrics_from(&s, "[2001:db8::1]:5005").await);
    let forged = Request::get("/metrics").header("x-forwarded-for", "127.0.0.1").header("x-real-ip", "127.0.0.1").body(Body::empty()).unwrap();
    refused(&from(&s, "192.0.2.10:5006", forged).await);
    // No known peer (no TCP connection info): refused too.
    refused(&s.get("/metrics").await);
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_allow_list_replaces_loopback() {
    let allow = AllowList::parse("10.1.0.0/16, 192.0.2.7").unwrap();
    let Some(s) = TestSite::builder(Backend::Sqlite, "allow").empty().state(move |st| st.with_metrics_allow(allow)).build().await else {
        return;
    };
    assert_eq!(metrics_from(&s, "10.1.200.3:1").await.status, StatusCode::OK);
    assert_eq!(metrics_from(&s, "192.0.2.7:1").await.status, StatusCode::OK);
    refused(&metrics_from(&s, "10.2.0.1:1").await);
    refused(&metrics_from(&s, "127.0.0.1:1").await);
}

/// A queue whose figures the test chooses.
struct FakeQueue(Result<QueueSnapshot, String>);

impl QueueStats for FakeQueue {
    fn snapshot(&self) -> BoxFuture<'_, Result<QueueSnapshot, String>> {
        Box::pin(async { self.0.clone() })
    }
}

async fn with_queue(q: FakeQueue) -> TestSite {
    let q: Arc<dyn QueueStats> = Arc::new(q);
    TestSite::builder(Backend::Sqlite, "queue").empty().state(move |st| st.with_queue(q)).build().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_queue_depth_and_failures() {
    let count = |kind: &str, state: &str, count| QueueCount { kind: kind.into(), state: state.into(), count };
    let s = with_queue(FakeQueue(Ok(QueueSnapshot {
        counts: vec![count("sonde", "queued", 12), count("sonde", "dead", 2), count("export", "running", 1)],
        retrying: 3,
        lag_seconds: 4.5,
    })))
    .await;
    let text = metrics_from(&s, "127.0.0.1:1").await.text();
    assert_eq!(sample(&text, "observatoire_jobs{kind=\"sonde\",state=\"queued\"}"), Some(12.0), "{text}");
    assert_eq!(sample(&text, "observatoire_jobs{kind=\"sonde\",state=\"dead\"}"), Some(2.0));
    assert_eq!(sample(&text, "observatoire_jobs{kind=\"export\",state=\"running\"}"), Some(1.0));
    assert_eq!(sample(&text, "observatoire_jobs_retrying "), Some(3.0));
    assert_eq!(sample(&text, "observatoire_jobs_lag_seconds "), Some(4.5));
    assert_eq!(sample(&text, "observatoire_jobs_stats_up "), Some(1.0));

    // A queue that cannot be read: the endpoint still answers, and says so.
    let s = with_queue(FakeQueue(Err("base injoignable".into()))).await;
    let a = metrics_from(&s, "127.0.0.1:1").await;
    assert_eq!(a.status, StatusCode::OK);
    let text = a.text();
    assert_eq!(sample(&text, "observatoire_jobs_stats_up "), Some(0.0));
    assert!(!text.contains("observatoire_jobs{"), "no stale figures");
}

/// Every log line of this test binary, as JSON (the program's `json` format). The subscriber
/// is global, since requests may be answered on any thread; tests pick their lines by request id.
fn captured() -> &'static Captured {
    static OUT: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let out = Captured::default();
        let writer = out.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter("obs_web::requete=info")
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber of the tests");
        out
    })
}

#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    /// The lines logged under request id `id`.
    fn lines_of(&self, id: &str) -> Vec<serde_json::Value> {
        let text = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|v| v["span"]["request_id"] == id)
            .collect()
    }

    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_log_line_per_request_without_secrets() {
    let out = captured();
    let s = TestSite::builder(Backend::Sqlite, "log").empty().build().await.unwrap();
    let req = Request::get("/editions/brouillon-secret?q=motdepasse&jeton=abc123")
        .header(header::COOKIE, "session=cookie-secret")
        .header(header::AUTHORIZATION, "Bearer cle-secrete")
        .body(Body::empty())
        .unwrap();
    let a = s.send(req).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let id = a.header(header::HeaderName::from_static("x-request-id")).to_string();
    assert!(id.len() >= 32, "every answer carries a generated request id: {id}");
    // A request id given by the caller (a proxy) is kept.
    let given = s.send(Request::get("/sante").header("x-request-id", "proxy-42").body(Body::empty()).unwrap()).await;
    assert_eq!(given.header(header::HeaderName::from_static("x-request-id")), "proxy-42");

    let lines = out.lines_of(&id);
    assert_eq!(lines.len(), 1, "one line per request: {}", out.text());
    let line = &lines[0];
    assert_eq!(line["fields"]["method"], "GET", "{line}");
    assert_eq!(line["fields"]["route"], "/editions/{slug}", "the route template, not the path: {line}");
    assert_eq!(line["fields"]["status"], 404);
    assert!(line["fields"]["duration_ms"].as_f64().is_some_and(|d| d >= 0.0));
    let lines = out.lines_of("proxy-42");
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["fields"]["route"], "/sante");
    let text = out.text();
    for secret in ["brouillon-secret", "motdepasse", "abc123", "cookie-secret", "cle-secrete"] {
        assert!(!text.contains(secret), "« {secret} » must not be logged: {text}");
    }
}
