//! One page over HTTP: the request, its timeouts, and the retries.
//!
//! Requests go through ureq with rustls and its bundled root certificates, so no system TLS
//! library is needed. A `429 Too Many Requests` or a `5xx` answer, and a connection that fails
//! or is cut off mid-answer, are retried a bounded number of times, waiting as the server's
//! `Retry-After` asks (seconds or an HTTP-date) or else an exponentially growing delay. Other
//! answers are final: a `4xx` is reported with the message the server sent with it. Every
//! failure becomes a [`FetchError`] that reads as one line saying what to do.
//!
//! Waiting between attempts watches the stop flag, so Ctrl-C is not held up by a back-off.

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use super::FetchError;

/// The address of the API, to which `/studies` is appended.
pub const DEFAULT_BASE_URL: &str = "https://clinicaltrials.gov/api/v2";

/// The largest page accepted: 1000 full records are typically 20–100 MB.
pub const MAX_PAGE_BYTES: u64 = 1 << 30;

/// How patient the client is.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The API's address, without `/studies`.
    pub base_url: String,
    /// How many times one page is tried again after a retryable failure.
    pub retries: u32,
    /// The first wait without `Retry-After`; it doubles with each attempt.
    pub backoff: Duration,
    /// The longest wait without `Retry-After`.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured; a server asking for more is reported instead.
    pub max_retry_after: Duration,
    /// Connecting (DNS and TCP, then TLS).
    pub connect_timeout: Duration,
    /// From the request sent to the answer's headers.
    pub response_timeout: Duration,
    /// Any one read of the answer's body: a stalled connection fails after this long.
    pub read_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            base_url: DEFAULT_BASE_URL.to_string(),
            retries: 5,
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(600),
            connect_timeout: Duration::from_secs(20),
            response_timeout: Duration::from_secs(120),
            read_timeout: Duration::from_secs(60),
        }
    }
}

/// Why an attempt will be made again, for the progress report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retry {
    /// The attempt that failed, from 1.
    pub attempt: u32,
    /// How many retries are allowed in all.
    pub of: u32,
    /// How long the client waits first.
    pub wait: Duration,
    /// What went wrong (`HTTP 429`, `the connection was cut off`).
    pub reason: String,
}

/// A blocking client for the `/studies` endpoint.
pub struct Client {
    agent: ureq::Agent,
    settings: Settings,
    url: String,
    host: String,
}

/// One failed attempt: to be retried (after `wait`, when the server said), or final.
enum Failure {
    Retry {
        reason: String,
        wait: Option<Duration>,
        last: FetchError,
    },
    Final(FetchError),
}

impl Client {
    /// A client for the API at `settings.base_url`.
    pub fn new(settings: Settings) -> Result<Client, FetchError> {
        let base = settings.base_url.trim_end_matches('/');
        let host = host_of(base).ok_or_else(|| FetchError::BadUrl {
            url: settings.base_url.clone(),
        })?;
        let config = ureq::Agent::config_builder()
            // Status codes are read here, with the body that explains them.
            .http_status_as_error(false)
            .user_agent(concat!("evidex/", env!("CARGO_PKG_VERSION")))
            .timeout_resolve(Some(settings.connect_timeout))
            .timeout_connect(Some(settings.connect_timeout))
            .timeout_send_request(Some(settings.connect_timeout))
            .timeout_recv_response(Some(settings.response_timeout))
            .timeout_per_read(Some(settings.read_timeout))
            .build();
        Ok(Client {
            agent: config.into(),
            url: format!("{base}/studies"),
            host,
            settings,
        })
    }

    /// The URL pages are requested from.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Gets one page's body, retrying as the settings allow. `on_retry` hears of each wait;
    /// a set `stop` ends a wait early with [`FetchError::Interrupted`].
    pub fn get(
        &self,
        params: &[(&str, String)],
        stop: &AtomicBool,
        on_retry: &mut dyn FnMut(&Retry),
    ) -> Result<String, FetchError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (reason, wait, last) = match self.attempt(params) {
                Ok(body) => return Ok(body),
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Retry { reason, wait, last }) => (reason, wait, last),
            };
            if attempt > self.settings.retries {
                return Err(match last {
                    FetchError::Status {
                        status, message, ..
                    } => FetchError::GaveUp {
                        host: self.host.clone(),
                        status,
                        message,
                        attempts: attempt,
                    },
                    e => e,
                });
            }
            let wait = match wait {
                Some(w) if w > self.settings.max_retry_after => {
                    return Err(FetchError::WaitTooLong {
                        host: self.host.clone(),
                        seconds: w.as_secs(),
                    });
                }
                Some(w) => w,
                None => backoff(&self.settings, attempt),
            };
            on_retry(&Retry {
                attempt,
                of: self.settings.retries,
                wait,
                reason,
            });
            if !sleep_unless_stopped(wait, stop) {
                return Err(FetchError::Interrupted);
            }
        }
    }

    fn attempt(&self, params: &[(&str, String)]) -> Result<String, Failure> {
        let mut req = self.agent.get(&self.url);
        for (k, v) in params {
            req = req.query(*k, v);
        }
        let mut resp = req.call().map_err(|e| self.transport(e))?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        // The length of a compressed answer is not that of the text read from it.
        let compressed = resp.headers().contains_key("content-encoding");
        let expected = resp
            .headers()
            .get("content-length")
            .filter(|_| !compressed)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let mut bytes = Vec::new();
        let read = resp
            .body_mut()
            .with_config()
            .limit(MAX_PAGE_BYTES)
            .reader()
            .read_to_end(&mut bytes);
        if (200..300).contains(&status) {
            if let Err(e) = read {
                return Err(self.body_error(e, bytes.len() as u64, expected));
            }
            return String::from_utf8(bytes).map_err(|_| {
                Failure::Final(FetchError::BadPage {
                    message: "the answer is not UTF-8 text".into(),
                })
            });
        }
        // A failure's body is read for its message only; a short one is enough.
        let message = server_message(&bytes);
        let e = FetchError::Status {
            host: self.host.clone(),
            status,
            message,
        };
        if status == 429 || (500..600).contains(&status) {
            Err(Failure::Retry {
                reason: format!("HTTP {status}{}", status_word(status)),
                wait: retry_after,
                last: e,
            })
        } else {
            Err(Failure::Final(e))
        }
    }

    /// A body that failed part-way: cut off or stalled (both retried), or too large.
    fn body_error(&self, e: std::io::Error, got: u64, expected: Option<u64>) -> Failure {
        match ureq::Error::from(e) {
            ureq::Error::BodyExceedsLimit(limit) => Failure::Final(FetchError::TooLarge { limit }),
            ureq::Error::Timeout(_) => Failure::Retry {
                reason: "the answer stalled".into(),
                wait: None,
                last: FetchError::Timeout {
                    host: self.host.clone(),
                    seconds: self.settings.read_timeout.as_secs(),
                },
            },
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => Failure::Retry {
                reason: "the answer stalled".into(),
                wait: None,
                last: FetchError::Timeout {
                    host: self.host.clone(),
                    seconds: self.settings.read_timeout.as_secs(),
                },
            },
            _ => Failure::Retry {
                reason: format!("the answer was cut off after {got} bytes"),
                wait: None,
                last: FetchError::CutOff {
                    host: self.host.clone(),
                    got,
                    expected,
                },
            },
        }
    }

    /// Classifies a failure to get an answer at all.
    fn transport(&self, e: ureq::Error) -> Failure {
        let host = self.host.clone();
        let tls = |detail: String| {
            Failure::Final(FetchError::Tls {
                host: host.clone(),
                detail,
            })
        };
        match e {
            ureq::Error::HostNotFound => Failure::Final(FetchError::Dns { host }),
            ureq::Error::Timeout(which) => self.no_answer_in_time(match which {
                ureq::Timeout::PerRead | ureq::Timeout::PerWrite => self.settings.read_timeout,
                ureq::Timeout::Resolve | ureq::Timeout::Connect | ureq::Timeout::SendRequest => {
                    self.settings.connect_timeout
                }
                _ => self.settings.response_timeout,
            }),
            ureq::Error::Io(io) => self.io_failure(io),
            ureq::Error::ConnectionFailed => retry(
                "the connection failed",
                FetchError::Connection {
                    host,
                    detail: "no connection could be made".into(),
                },
            ),
            ureq::Error::Tls(detail) => tls(detail.to_string()),
            ureq::Error::Rustls(r) => tls(r.to_string()),
            ureq::Error::Pem(p) => tls(p.to_string()),
            ureq::Error::BadUri(_) | ureq::Error::Http(_) => Failure::Final(FetchError::BadUrl {
                url: self.settings.base_url.clone(),
            }),
            ureq::Error::Protocol(p) => retry(
                "the server's answer was not HTTP",
                FetchError::Connection {
                    host,
                    detail: format!("the answer is not valid HTTP ({p})"),
                },
            ),
            other => retry(
                "the request failed",
                FetchError::Connection {
                    host,
                    detail: other.to_string(),
                },
            ),
        }
    }

    /// No answer within `limit` (the timeout that ran out): worth another try.
    fn no_answer_in_time(&self, limit: Duration) -> Failure {
        retry(
            &format!("no answer within {} s", limit.as_secs()),
            FetchError::Timeout {
                host: self.host.clone(),
                seconds: limit.as_secs(),
            },
        )
    }

    /// Classifies a failure of the connection's input or output.
    fn io_failure(&self, io: std::io::Error) -> Failure {
        let host = self.host.clone();
        match io.kind() {
            std::io::ErrorKind::ConnectionRefused => Failure::Final(FetchError::Refused { host }),
            std::io::ErrorKind::TimedOut => self.no_answer_in_time(self.settings.read_timeout),
            // rustls reports a failed handshake or certificate check as invalid data from the
            // stream.
            std::io::ErrorKind::InvalidData if self.url.starts_with("https://") => {
                Failure::Final(FetchError::Tls {
                    host,
                    detail: io.to_string(),
                })
            }
            std::io::ErrorKind::HostUnreachable | std::io::ErrorKind::NetworkUnreachable => {
                Failure::Final(FetchError::Unreachable {
                    host,
                    detail: io.to_string(),
                })
            }
            // The system resolver's failure, as the standard library reports it.
            _ if is_lookup_failure(&io) => Failure::Final(FetchError::Dns { host }),
            _ => retry(
                &format!("the connection failed ({io})"),
                FetchError::Connection {
                    host,
                    detail: io.to_string(),
                },
            ),
        }
    }
}

/// Whether an I/O error says the name does not exist (`failed to lookup address information:
/// Name or service not known`, and the like on other systems): no retry finds it. A resolver
/// that did not answer ("Temporary failure in name resolution") is tried again.
fn is_lookup_failure(io: &std::io::Error) -> bool {
    let text = io.to_string().to_ascii_lowercase();
    [
        "name or service not known",
        "nodename nor servname",
        "no such host",
    ]
    .iter()
    .any(|s| text.contains(s))
}

/// A failure worth another try: its reason, and the error to report if no try succeeds.
fn retry(reason: &str, last: FetchError) -> Failure {
    Failure::Retry {
        reason: reason.to_string(),
        wait: None,
        last,
    }
}

/// ` (too many requests)` and such, for the common statuses.
fn status_word(status: u16) -> &'static str {
    match status {
        429 => " (too many requests)",
        500 => " (server error)",
        502 => " (bad gateway)",
        503 => " (service unavailable)",
        504 => " (gateway timeout)",
        _ => "",
    }
}

/// The wait before retry `attempt` (from 1) without `Retry-After`: `backoff`, doubling each
/// time, at most `max_backoff`.
fn backoff(s: &Settings, attempt: u32) -> Duration {
    let factor = 1u32 << (attempt - 1).min(16);
    s.backoff.saturating_mul(factor).min(s.max_backoff)
}

/// Sleeps `wait` in short steps; false when `stop` was set meanwhile.
fn sleep_unless_stopped(wait: Duration, stop: &AtomicBool) -> bool {
    let step = Duration::from_millis(50);
    let mut left = wait;
    while !left.is_zero() {
        if stop.load(Ordering::Relaxed) {
            return false;
        }
        let d = left.min(step);
        std::thread::sleep(d);
        left -= d;
    }
    !stop.load(Ordering::Relaxed)
}

/// `Retry-After` as a wait: whole seconds (`120`), or an HTTP-date (`Wed, 21 Oct 2015
/// 07:28:00 GMT`) counted from `now` (a date in the past means at once). `None` for
/// anything else.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(v.parse().unwrap_or(u64::MAX)));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The message a failed answer carries: the API sends plain text; a JSON body's `message`
/// or `error` is taken when there is one. One line, at most 300 characters.
fn server_message(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    let from_json = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| {
            ["message", "error", "detail"]
                .iter()
                .find_map(|k| v.get(k).and_then(|m| m.as_str()).map(str::to_string))
        });
    let text = from_json.unwrap_or_else(|| text.to_string());
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line,
    }
}

/// The host (and port) of an `http://` or `https://` URL; `None` for anything else.
fn host_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty() && !host.contains(char::is_whitespace)).then(|| host.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        // A date already past: at once.
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("", now), None);
    }

    #[test]
    fn backoff_doubles_up_to_its_ceiling() {
        let s = Settings::default();
        let waits: Vec<u64> = (1..=8).map(|a| backoff(&s, a).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(backoff(&s, 1000).as_secs(), 60);
    }

    #[test]
    fn server_messages_are_one_short_line() {
        assert_eq!(
            server_message(b"unknown parameter\n  filter.foo\n"),
            "unknown parameter filter.foo"
        );
        assert_eq!(
            server_message(br#"{"message": "bad pageToken"}"#),
            "bad pageToken"
        );
        assert_eq!(server_message(&[b'x'; 1000]).chars().count(), 301);
    }

    #[test]
    fn only_web_addresses_are_accepted() {
        assert_eq!(
            host_of("https://clinicaltrials.gov/api/v2").as_deref(),
            Some("clinicaltrials.gov")
        );
        assert_eq!(
            host_of("http://127.0.0.1:8080").as_deref(),
            Some("127.0.0.1:8080")
        );
        assert_eq!(host_of("ftp://x"), None);
        assert_eq!(host_of("clinicaltrials.gov"), None);
        assert_eq!(host_of("http://"), None);
    }
}

#[cfg(test)]
mod advice {
    use super::*;

    #[test]
    fn a_name_that_does_not_resolve_is_not_retried_and_a_404_points_at_the_address() {
        let io = |s: &str| std::io::Error::other(s.to_string());
        assert!(is_lookup_failure(&io(
            "failed to lookup address information: Name or service not known"
        )));
        assert!(is_lookup_failure(&io(
            "nodename nor servname provided, or not known"
        )));
        // A resolver that did not answer this time may next time: retried.
        assert!(!is_lookup_failure(&io(
            "failed to lookup address information: Temporary failure in name resolution"
        )));
        assert!(!is_lookup_failure(&io("connection reset by peer")));
        let status = |status| {
            FetchError::Status {
                host: "h".into(),
                status,
                message: "Not Found".into(),
            }
            .to_string()
        };
        assert!(status(404).contains("--base-url"), "{}", status(404));
        assert!(
            status(400).ends_with("check the filters"),
            "{}",
            status(400)
        );
        let gave_up = |attempts| {
            FetchError::GaveUp {
                host: "h".into(),
                status: 503,
                message: String::new(),
                attempts,
            }
            .to_string()
        };
        assert!(gave_up(1).contains("after 1 attempt;"), "{}", gave_up(1));
        assert!(gave_up(6).contains("after 6 attempts;"), "{}", gave_up(6));
    }
}
