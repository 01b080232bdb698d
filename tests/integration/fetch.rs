//! Fetching from ClinicalTrials.gov against a local server that serves recorded API pages
//! built from the real records in tests/fixtures/ctgov: the page-token chain and its
//! parameters, retries, broken answers, resume, refusals, and the command line's output.
//! The server runs in the test on 127.0.0.1; nothing reaches the internet, and the binary
//! runs with its data and config directories in a temporary directory.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::http::{Reply, Request, Server, closed_port_url};
use evidex::fetch::{
    self, Client, FetchError, PageSink, Phase, Progress, Query, Settings, SinkError, Status,
};

// ---------------------------------------------------------------------------------------
// Recorded pages

const FIXTURES: [&str; 5] = [
    "NCT02513394",
    "NCT04267848",
    "NCT06388018",
    "NCT02210780",
    "NCT02552212",
];

/// A fixture as the API sends it in a page: the bare study object (NCT06388018 is stored in
/// a search envelope, whose one study is taken out).
fn study(nct: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/ctgov/{nct}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    match v.get("studies") {
        Some(s) => s[0].to_string(),
        None => text.trim().to_string(),
    }
}

/// A page of the API: these studies, the next token, and the total when given.
fn page(ncts: &[&str], next: Option<&str>, total: Option<u64>) -> String {
    let studies: Vec<String> = ncts.iter().map(|n| study(n)).collect();
    let mut s = format!("{{\"studies\":[{}]", studies.join(","));
    if let Some(t) = next {
        s.push_str(&format!(",\"nextPageToken\":\"{t}\""));
    }
    if let Some(n) = total {
        s.push_str(&format!(",\"totalCount\":{n}"));
    }
    s.push('}');
    s
}

/// The three pages of the chain: 2 + 2 + 1 studies, tokens `t2` and `t3`.
fn chain() -> [String; 3] {
    [
        page(&FIXTURES[0..2], Some("t2"), Some(5)),
        page(&FIXTURES[2..4], Some("t3"), None),
        page(&FIXTURES[4..5], None, None),
    ]
}

/// Which page of the chain a request asks for, by its token.
fn chain_index(r: &Request) -> usize {
    match r.param("pageToken") {
        None => 0,
        Some("t2") => 1,
        Some("t3") => 2,
        Some(t) => panic!("unexpected token {t}"),
    }
}

/// A server answering the chain.
fn chain_server() -> Server {
    chain_server_where(|reply| reply)
}

/// A server answering the chain, with the second page's answer passed through `second`
/// (cut off, delayed, or telling the test that page 2 was asked for).
fn chain_server_where(second: impl Fn(Reply) -> Reply + Send + Sync + 'static) -> Server {
    let pages = chain();
    Server::start(move |r, _| {
        let i = chain_index(r);
        let reply = Reply::json(pages[i].clone());
        if i == 1 { second(reply) } else { reply }
    })
}

fn nct_of(raw: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(raw).unwrap();
    v["protocolSection"]["identificationModule"]["nctId"]
        .as_str()
        .unwrap()
        .to_string()
}

// ---------------------------------------------------------------------------------------
// The fetch, through the library

/// A sink that keeps everything in memory, as the library keeps it on disk: the studies,
/// and per sync key the token to resume from.
#[derive(Default)]
struct MemorySink {
    studies: Vec<String>,
    pages: Vec<(usize, Option<String>)>,
    tokens: std::collections::HashMap<String, String>,
    finished: Vec<String>,
}

impl PageSink for MemorySink {
    fn resume_token(&mut self, sync: &str) -> Result<Option<String>, SinkError> {
        Ok(self.tokens.get(sync).cloned())
    }
    fn write_page(
        &mut self,
        sync: &str,
        studies: &[&str],
        next: Option<&str>,
    ) -> Result<usize, SinkError> {
        self.studies.extend(studies.iter().map(|s| s.to_string()));
        self.pages.push((studies.len(), next.map(str::to_string)));
        match next {
            Some(t) => self.tokens.insert(sync.to_string(), t.to_string()),
            None => self.tokens.remove(sync),
        };
        Ok(studies.len())
    }
    fn finish(&mut self, sync: &str) -> Result<(), SinkError> {
        self.finished.push(sync.to_string());
        Ok(())
    }
}

/// Settings for tests: the server's address, short waits.
fn settings(url: &str, retries: u32) -> Settings {
    Settings {
        base_url: url.to_string(),
        retries,
        backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        ..Settings::default()
    }
}

fn hcc() -> Query {
    Query {
        cond: Some("hepatocellular carcinoma".into()),
        status: vec![Status::Recruiting],
        phase: vec![Phase::P3],
        ..Query::default()
    }
}

/// Runs a fetch, collecting its progress events.
fn run(
    url: &str,
    retries: u32,
    query: &Query,
    sink: &mut MemorySink,
    stop: &AtomicBool,
) -> (Result<fetch::Summary, FetchError>, Vec<Progress>) {
    let client = Client::new(settings(url, retries)).unwrap();
    let mut events = Vec::new();
    let r = fetch::fetch(&client, query, sink, stop, &mut |p| events.push(p));
    (r, events)
}

#[test]
fn a_three_page_chain_is_followed_with_the_same_parameters() {
    let server = chain_server();
    let mut sink = MemorySink::default();
    let (r, events) = run(&server.url, 0, &hcc(), &mut sink, &AtomicBool::new(false));
    let s = r.unwrap();
    assert!(s.complete);
    assert_eq!((s.pages, s.received, s.stored, s.total), (3, 5, 5, Some(5)));
    assert!(!s.resumed);

    // The studies arrive as the server's raw text, in order.
    let ncts: Vec<String> = sink.studies.iter().map(|s| nct_of(s)).collect();
    assert_eq!(ncts, FIXTURES);
    assert_eq!(sink.studies[0], study(FIXTURES[0]));
    assert_eq!(
        sink.pages,
        [
            (2, Some("t2".to_string())),
            (2, Some("t3".to_string())),
            (1, None)
        ]
    );
    assert_eq!(sink.finished, [hcc().sync_key()]);
    assert!(sink.tokens.is_empty());

    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    for (i, r) in reqs.iter().enumerate() {
        assert_eq!(r.path, "/studies");
        assert_eq!(r.param("pageSize"), Some("1000"), "request {i}");
        assert_eq!(r.param("format"), Some("json"));
        assert_eq!(r.param("query.cond"), Some("hepatocellular carcinoma"));
        assert_eq!(r.param("filter.overallStatus"), Some("RECRUITING"));
        assert_eq!(r.param("filter.advanced"), Some("AREA[Phase]PHASE3"));
        assert!(
            r.headers
                .iter()
                .any(|(k, v)| k == "user-agent" && v.starts_with("evidex/"))
        );
    }
    assert_eq!(reqs[0].param("countTotal"), Some("true"));
    assert_eq!(reqs[1].param("countTotal"), None);
    let tokens: Vec<Option<&str>> = reqs.iter().map(|r| r.param("pageToken")).collect();
    assert_eq!(tokens, [None, Some("t2"), Some("t3")]);

    assert!(events.contains(&Progress::Total(5)));
    let pages: Vec<(usize, u64)> = events
        .iter()
        .filter_map(|e| match e {
            Progress::Page {
                number, received, ..
            } => Some((*number, *received)),
            _ => None,
        })
        .collect();
    assert_eq!(pages, [(1, 2), (2, 4), (3, 5)]);
}

#[test]
fn a_429_is_retried_after_the_wait_the_server_asks() {
    let body = chain()[2].clone();
    let server = Server::start(move |_, n| match n {
        0 => Reply::status(429, "slow down").header("Retry-After", "1"),
        _ => Reply::json(body.clone()),
    });
    let mut sink = MemorySink::default();
    let started = std::time::Instant::now();
    let (r, events) = run(&server.url, 3, &hcc(), &mut sink, &AtomicBool::new(false));
    assert!(r.unwrap().complete);
    assert_eq!(sink.studies.len(), 1);
    assert_eq!(server.requests().len(), 2);
    let retry = events
        .iter()
        .find_map(|e| match e {
            Progress::Retrying(r) => Some(r.clone()),
            _ => None,
        })
        .expect("a retry was reported");
    assert_eq!(retry.wait, Duration::from_secs(1));
    assert_eq!((retry.attempt, retry.of), (1, 3));
    assert!(retry.reason.contains("429"), "{}", retry.reason);
    // The wait was honoured, not only reported (a lower bound: never a timing target).
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[test]
fn a_wait_too_long_is_reported_and_ctrl_c_ends_a_wait() {
    // A server asking for more than ten minutes: reported, not waited for.
    let server = Server::start(|_, _| Reply::status(429, "").header("Retry-After", "86400"));
    let mut sink = MemorySink::default();
    let (r, _) = run(&server.url, 3, &hcc(), &mut sink, &AtomicBool::new(false));
    let e = r.unwrap_err();
    assert!(
        matches!(e, FetchError::WaitTooLong { seconds: 86400, .. }),
        "{e:?}"
    );
    assert_eq!(server.requests().len(), 1);

    // Ctrl-C during a 30 s wait ends the fetch without waiting it out.
    let server = Server::start(|_, _| Reply::status(503, "").header("Retry-After", "30"));
    let stop = Arc::new(AtomicBool::new(false));
    let stopper = stop.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        stopper.store(true, Ordering::Relaxed);
    });
    let started = std::time::Instant::now();
    let (r, events) = run(&server.url, 3, &hcc(), &mut sink, &stop);
    let s = r.unwrap();
    assert!(!s.complete && s.received == 0);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Progress::Retrying(r) if r.wait == Duration::from_secs(30)))
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_503_with_a_date_is_retried_and_one_that_persists_is_given_up() {
    // Retry-After as an HTTP-date in the past: try again at once.
    let body = chain()[2].clone();
    let server = Server::start(move |_, n| match n {
        0 => Reply::status(503, "").header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"),
        _ => Reply::json(body.clone()),
    });
    let mut sink = MemorySink::default();
    let (r, events) = run(&server.url, 2, &hcc(), &mut sink, &AtomicBool::new(false));
    assert!(r.unwrap().complete);
    assert!(events.iter().any(
        |e| matches!(e, Progress::Retrying(r) if r.wait == Duration::ZERO && r.reason.contains("503"))
    ));

    // Always 502: three attempts (one and two retries), then a one-line error.
    let server = Server::start(|_, _| Reply::status(502, "upstream down"));
    let mut sink = MemorySink::default();
    let (r, events) = run(&server.url, 2, &hcc(), &mut sink, &AtomicBool::new(false));
    let e = r.unwrap_err();
    assert!(
        matches!(
            e,
            FetchError::GaveUp {
                status: 502,
                attempts: 3,
                ..
            }
        ),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(
        msg.contains("HTTP 502")
            && msg.contains("upstream down")
            && msg.contains("try again later"),
        "{msg}"
    );
    assert!(!msg.contains('\n'));
    assert_eq!(server.requests().len(), 3);
    // Without Retry-After, the waits grow.
    let waits: Vec<Duration> = events
        .iter()
        .filter_map(|e| match e {
            Progress::Retrying(r) => Some(r.wait),
            _ => None,
        })
        .collect();
    assert_eq!(
        waits,
        [Duration::from_millis(10), Duration::from_millis(20)]
    );
}

#[test]
fn a_page_cut_off_mid_body_is_reported_and_the_earlier_pages_kept() {
    let server = chain_server_where(|reply| {
        let half = reply.body.len() / 2;
        reply.cut_at(half)
    });
    let mut sink = MemorySink::default();
    let (r, events) = run(&server.url, 1, &hcc(), &mut sink, &AtomicBool::new(false));
    let e = r.unwrap_err();
    assert!(matches!(e, FetchError::CutOff { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("cut off after") && msg.contains(" of "),
        "{msg}"
    );
    // A broken connection is worth one more try, then it is reported.
    assert!(events.iter().any(|e| matches!(e, Progress::Retrying(_))));
    assert_eq!(server.requests().len(), 3);
    // Page 1 is stored, and the sink resumes from page 2.
    assert_eq!(sink.studies.len(), 2);
    assert_eq!(
        sink.tokens.get(&hcc().sync_key()).map(String::as_str),
        Some("t2")
    );
    assert!(sink.finished.is_empty());
}

#[test]
fn an_interrupted_fetch_stops_after_the_current_page_and_resumes_from_its_token() {
    let stop = Arc::new(AtomicBool::new(false));
    let stop_in_server = stop.clone();
    // Ctrl-C arrives while page 2 is being fetched.
    let server = chain_server_where(move |reply| {
        stop_in_server.store(true, Ordering::Relaxed);
        reply
    });
    let mut sink = MemorySink::default();
    let (r, _) = run(&server.url, 0, &hcc(), &mut sink, &stop);
    let s = r.unwrap();
    assert!(!s.complete);
    assert_eq!((s.pages, s.received), (2, 4));
    assert_eq!(server.requests().len(), 2);
    assert!(sink.finished.is_empty());

    // The next run of the same query (written differently) starts from the stored token.
    stop.store(false, Ordering::Relaxed);
    let same = Query {
        cond: Some("  hepatocellular   carcinoma".into()),
        status: vec![Status::Recruiting, Status::Recruiting],
        ..hcc()
    };
    let (r, events) = run(&server.url, 0, &same, &mut sink, &stop);
    let s = r.unwrap();
    assert!(s.complete && s.resumed);
    assert_eq!((s.pages, s.received), (1, 1));
    assert!(events.contains(&Progress::Started {
        url: format!("{}/studies", server.url),
        resumed: true
    }));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[2].param("pageToken"), Some("t3"));
    assert_eq!(
        reqs[2].param("query.cond"),
        Some("hepatocellular carcinoma")
    );
    let ncts: Vec<String> = sink.studies.iter().map(|s| nct_of(s)).collect();
    assert_eq!(ncts, FIXTURES);
    assert_eq!(sink.finished.len(), 1);

    // Another query does not pick up this one's token.
    let mut sink = MemorySink::default();
    sink.tokens.insert(hcc().sync_key(), "t3".into());
    let other = Query {
        cond: Some("breast cancer".into()),
        ..Query::default()
    };
    let (r, _) = run(&server.url, 0, &other, &mut sink, &AtomicBool::new(false));
    assert_eq!(r.unwrap().received, 5);
    assert_eq!(server.requests()[3].param("pageToken"), None);
}

#[test]
fn a_sink_that_fails_stops_the_fetch_with_its_message() {
    struct Full(usize);
    impl PageSink for Full {
        fn resume_token(&mut self, _: &str) -> Result<Option<String>, SinkError> {
            Ok(None)
        }
        fn write_page(&mut self, _: &str, s: &[&str], _: Option<&str>) -> Result<usize, SinkError> {
            self.0 += 1;
            if self.0 == 2 {
                return Err("no space left on device".into());
            }
            Ok(s.len())
        }
        fn finish(&mut self, _: &str) -> Result<(), SinkError> {
            panic!("finished after a failed page")
        }
    }
    let server = chain_server();
    let client = Client::new(settings(&server.url, 0)).unwrap();
    let e = fetch::fetch(
        &client,
        &hcc(),
        &mut Full(0),
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot store the page: no space left on device"
    );
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_stored_token_the_server_refuses_starts_over() {
    let pages = chain();
    let server = Server::start(move |r, _| match r.param("pageToken") {
        Some("expired") => Reply::status(400, "pageToken expired"),
        _ => Reply::json(pages[chain_index(r)].clone()),
    });
    let mut sink = MemorySink::default();
    sink.tokens.insert(hcc().sync_key(), "expired".into());
    let (r, events) = run(&server.url, 0, &hcc(), &mut sink, &AtomicBool::new(false));
    let s = r.unwrap();
    assert_eq!(s.received, 5);
    assert!(s.complete && !s.resumed);
    assert!(events.contains(&Progress::TokenRefused {
        message: "pageToken expired".into()
    }));
}

#[test]
fn a_4xx_is_reported_with_the_servers_message_and_not_retried() {
    let server = Server::start(|_, _| {
        Reply::status(
            400,
            "Invalid value of parameter filter.advanced:\n unexpected token",
        )
    });
    let mut sink = MemorySink::default();
    let (r, _) = run(&server.url, 5, &hcc(), &mut sink, &AtomicBool::new(false));
    let e = r.unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("HTTP 400: Invalid value of parameter filter.advanced: unexpected token"),
        "{msg}"
    );
    assert!(!msg.contains('\n'));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_refused_connection_is_one_line_saying_what_to_do() {
    let url = closed_port_url();
    let mut sink = MemorySink::default();
    let (r, _) = run(&url, 3, &hcc(), &mut sink, &AtomicBool::new(false));
    let e = r.unwrap_err();
    assert!(matches!(e, FetchError::Refused { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("refused the connection") && msg.contains("--base-url"),
        "{msg}"
    );
}

#[test]
fn a_server_that_does_not_answer_in_time_is_a_timeout() {
    let body = chain()[2].clone();
    let server =
        Server::start(move |_, _| Reply::json(body.clone()).delay(Duration::from_millis(1500)));
    let client = Client::new(Settings {
        response_timeout: Duration::from_millis(200),
        ..settings(&server.url, 0)
    })
    .unwrap();
    let r = fetch::fetch(
        &client,
        &hcc(),
        &mut MemorySink::default(),
        &AtomicBool::new(false),
        &mut |_| {},
    );
    let e = r.unwrap_err();
    assert!(matches!(e, FetchError::Timeout { .. }), "{e:?}");
    assert!(e.to_string().contains("did not answer within"), "{e}");
}

#[test]
fn a_tls_failure_is_one_line_saying_what_to_check() {
    // HTTPS to a server that speaks plain HTTP: its answer is no TLS record.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            use std::io::{Read, Write};
            let mut stream = stream;
            let _ = stream.read(&mut [0u8; 512]);
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let mut sink = MemorySink::default();
    let (r, _) = run(&url, 0, &hcc(), &mut sink, &AtomicBool::new(false));
    let e = r.unwrap_err();
    assert!(matches!(e, FetchError::Tls { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("secure connection") && msg.contains("system clock"),
        "{msg}"
    );
    assert!(!msg.contains('\n'));
}

#[test]
fn answers_that_are_not_pages_are_refused() {
    // Not JSON (a web page in front of the API, say).
    let server = Server::start(|_, _| Reply::json("<html>maintenance</html>"));
    let mut sink = MemorySink::default();
    let (r, _) = run(&server.url, 0, &hcc(), &mut sink, &AtomicBool::new(false));
    assert!(matches!(r.unwrap_err(), FetchError::BadPage { .. }));

    // A server that hands out the same token forever would loop.
    let body = page(&FIXTURES[4..5], Some("same"), None);
    let server = Server::start(move |_, _| Reply::json(body.clone()));
    let (r, _) = run(&server.url, 0, &hcc(), &mut sink, &AtomicBool::new(false));
    assert!(matches!(r.unwrap_err(), FetchError::Loop));
    assert_eq!(server.requests().len(), 2);
}

// ---------------------------------------------------------------------------------------
// The command line

/// A temporary home for the binary: its data and config directories, and its output.
fn home() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn evidex(home: &Path, args: &[&str], envs: &[(&str, &str)]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_evidex"));
    c.args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env_remove("EVIDEX_CTGOV_URL")
        .env("COLUMNS", "100");
    for (k, v) in envs {
        c.env(k, v);
    }
    c
}

fn output(mut c: Command) -> Output {
    c.output().expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn out_file(home: &Path) -> PathBuf {
    home.join("fetched.json")
}

/// `evidex fetch ctgov --cond COND OPTIONS --base-url URL -o OUT`.
fn fetch_cmd(home: &Path, cond: &str, options: &[&str], url: &str, out: &str) -> Command {
    let mut args = vec!["fetch", "ctgov", "--cond", cond];
    args.extend_from_slice(options);
    args.extend(["--base-url", url, "-o", out]);
    evidex(home, &args, &[])
}

#[test]
fn cli_fetches_the_chain_into_a_corpus_that_validates_with_plain_progress_lines() {
    let server = chain_server();
    let h = home();
    let out = out_file(h.path());
    let o = output(fetch_cmd(
        h.path(),
        "hepatocellular carcinoma",
        &[
            "--phase",
            "3",
            "--status",
            "recruiting,planned",
            "--updated-since",
            "2024-01-31",
        ],
        &server.url,
        out.to_str().unwrap(),
    ));
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    // Stderr is not a terminal here: plain lines, no bar, no escape sequences.
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], format!("fetching from {}/studies", server.url));
    assert_eq!(lines[1], "5 studies match");
    assert_eq!(lines[2], "page 1: 2 studies (2 of 5)");
    assert_eq!(lines[3], "page 2: 2 studies (4 of 5)");
    assert_eq!(lines[4], "page 3: 1 study (5 of 5)");
    assert_eq!(lines[5], "fetched 5 of 5 studies in 3 pages");
    assert!(err.contains("imported 5, updated 0, skipped 0"), "{err}");
    assert!(!err.contains('\x1b'));

    let reqs = server.requests();
    assert_eq!(
        reqs[0].param("filter.overallStatus"),
        Some("NOT_YET_RECRUITING,RECRUITING")
    );
    assert_eq!(
        reqs[0].param("filter.advanced"),
        Some("AREA[Phase]PHASE3 AND AREA[LastUpdatePostDate]RANGE[2024-01-31,MAX]")
    );

    let v = output(evidex(h.path(), &["validate", out.to_str().unwrap()], &[]));
    assert!(v.status.success(), "{}", stderr(&v));
    assert!(String::from_utf8_lossy(&v.stdout).contains("valid: 5 trials"));
    let s = output(evidex(
        h.path(),
        &["--corpus", out.to_str().unwrap(), "show", "NCT04267848"],
        &[],
    ));
    assert!(s.status.success(), "{}", stderr(&s));
}

#[test]
fn cli_takes_the_server_from_the_environment_and_ids_as_arguments() {
    let body = page(&FIXTURES[1..2], None, Some(1));
    let server = Server::start(move |_, _| Reply::json(body.clone()));
    let h = home();
    let o = output(evidex(
        h.path(),
        &["fetch", "ctgov", "nct04267848", "-o", "-"],
        &[("EVIDEX_CTGOV_URL", &server.url)],
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("NCT04267848"));
    assert_eq!(
        server.requests()[0].param("filter.ids"),
        Some("NCT04267848")
    );
}

#[test]
fn cli_rejects_bad_values_with_the_list_of_good_ones() {
    let h = home();
    let url = closed_port_url();
    for (args, expect) in [
        (
            vec!["--phase", "5"],
            "[possible values: early1, 1, 2, 3, 4, na]",
        ),
        (vec!["--status", "recruting"], "recruiting"),
        (
            vec!["--updated-since", "2024-02-30"],
            "not a day of the calendar",
        ),
        (vec!["NCT123"], "not a ClinicalTrials.gov id"),
    ] {
        let mut all = vec!["fetch", "ctgov", "--base-url", &url, "-o", "x.json"];
        all.extend(args.iter().copied());
        let o = output(evidex(h.path(), &all, &[]));
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expect), "{args:?}: {err}");
    }
    // No filter: refused unless --all.
    let o = output(evidex(h.path(), &["fetch", "ctgov", "-o", "x.json"], &[]));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--all"));
    // --merge makes a corpus file: without -o it is refused before any request.
    let o = output(evidex(
        h.path(),
        &[
            "fetch",
            "ctgov",
            "--cond",
            "x",
            "--merge",
            "bundled",
            "--base-url",
            &url,
        ],
        &[],
    ));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("add -o FILE"), "{}", stderr(&o));
    // A base URL that is not one.
    let o = output(fetch_cmd(h.path(), "x", &[], "localhost:1", "x.json"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a web address"), "{}", stderr(&o));
    assert!(!h.path().join("x.json").exists());
}

#[test]
fn cli_network_failures_are_one_line_each() {
    let h = home();
    let refused = closed_port_url();
    let o = output(fetch_cmd(h.path(), "x", &[], &refused, "x.json"));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert_eq!(
        err.lines().filter(|l| l.starts_with("evidex:")).count(),
        1,
        "{err}"
    );
    assert!(err.contains("refused the connection"), "{err}");

    let server = Server::start(|_, _| Reply::status(400, "Unknown parameter query.cnd"));
    let o = output(fetch_cmd(h.path(), "x", &[], &server.url, "x.json"));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("HTTP 400: Unknown parameter query.cnd; check the filters"),
        "{err}"
    );

    // A server's message cannot drive the terminal.
    let server = Server::start(|_, _| Reply::status(404, "gone \x1b]0;pwned\x07 away"));
    let o = output(fetch_cmd(h.path(), "x", &[], &server.url, "x.json"));
    assert!(!stderr(&o).contains('\x1b'));
    assert!(!h.path().join("x.json").exists());
}

#[test]
fn cli_writes_the_pages_before_a_cut_off_page_and_says_so() {
    let server = chain_server_where(|reply| {
        let n = reply.body.len() / 3;
        reply.cut_at(n)
    });
    let h = home();
    let out = out_file(h.path());
    let o = output(fetch_cmd(
        h.path(),
        "x",
        &["--retries", "0"],
        &server.url,
        out.to_str().unwrap(),
    ));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("was cut off after"), "{err}");
    assert!(
        err.contains("the 2 studies of the 1 page fetched before are in"),
        "{err}"
    );
    let v = output(evidex(h.path(), &["validate", out.to_str().unwrap()], &[]));
    assert!(String::from_utf8_lossy(&v.stdout).contains("valid: 2 trials"));
}

#[test]
fn cli_ctrl_c_stops_after_the_current_page_and_writes_it() {
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let tx = Mutex::new(tx);
    let server = chain_server_where(move |reply| {
        // Tell the test to press Ctrl-C, and answer a little later.
        tx.lock().unwrap().send(()).unwrap();
        reply.delay(Duration::from_millis(500))
    });
    let h = home();
    let out = out_file(h.path());
    let mut c = fetch_cmd(h.path(), "x", &[], &server.url, out.to_str().unwrap());
    let child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    rx.recv_timeout(Duration::from_secs(60))
        .expect("page 2 asked for");
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(
        err.contains("stopping after the page being fetched"),
        "{err}"
    );
    assert!(
        err.contains("stopped: fetched 4 of 5 studies in 2 pages"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 2);
    let v = output(evidex(h.path(), &["validate", out.to_str().unwrap()], &[]));
    assert!(String::from_utf8_lossy(&v.stdout).contains("valid: 4 trials"));
}

#[test]
fn cli_an_empty_result_matches_nothing() {
    let server = Server::start(|_, _| Reply::json(r#"{"studies":[],"totalCount":0}"#));
    let h = home();
    let o = output(fetch_cmd(h.path(), "nothing", &[], &server.url, "x.json"));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("no study on the registry matches"));
}

// ---------------------------------------------------------------------------------------
// The bulk download

/// A zip of the fixtures as the registry's bulk download holds them: one file per study in
/// a folder, plus a stray file that is not a study.
fn bulk_zip(path: &Path) {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let file = std::fs::File::create(path).unwrap();
    let mut w = zip::ZipWriter::new(file);
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.add_directory("ctg-studies.json/", opts).unwrap();
    for nct in FIXTURES {
        w.start_file(format!("ctg-studies.json/{nct}.json"), opts)
            .unwrap();
        w.write_all(study(nct).as_bytes()).unwrap();
    }
    w.start_file("ctg-studies.json/LICENSE.txt", opts).unwrap();
    w.write_all(b"terms").unwrap();
    w.finish().unwrap();
}

/// `evidex import ctgov ZIP -o OUT`.
fn import_cmd(home: &Path, zip: &Path, out: &Path) -> Command {
    evidex(
        home,
        &[
            "import",
            "ctgov",
            zip.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        &[],
    )
}

#[test]
fn import_reads_the_bulk_zip_without_unpacking_it() {
    let h = home();
    let zip = h.path().join("ctg-studies.json.zip");
    bulk_zip(&zip);
    let out = out_file(h.path());
    let o = output(import_cmd(h.path(), &zip, &out));
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("imported 5, updated 0, skipped 0"), "{err}");
    assert!(
        err.contains(
            "ctg-studies.json.zip:ctg-studies.json/NCT02513394.json: NCT02513394: imported"
        ),
        "{err}"
    );
    assert!(
        err.contains("1 entry not ending in .json not read"),
        "{err}"
    );
    // Nothing was unpacked next to the archive.
    let names: Vec<String> = std::fs::read_dir(h.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    let v = output(evidex(h.path(), &["validate", out.to_str().unwrap()], &[]));
    assert!(String::from_utf8_lossy(&v.stdout).contains("valid: 5 trials"));
}

/// Damages the compressed data of the bulk zip's second study's entry.
fn damage_second_entry(zip: &Path) {
    let mut bytes = std::fs::read(zip).unwrap();
    let name = b"ctg-studies.json/NCT04267848.json";
    let at = bytes.windows(name.len()).position(|w| w == name).unwrap() + name.len() + 200;
    for b in &mut bytes[at..at + 64] {
        *b ^= 0xA5;
    }
    std::fs::write(zip, &bytes).unwrap();
}

/// Without `-o` the archive's studies go to the library, as a file's do, and the browser's
/// corpus finds them; a damaged entry is named and the others are still stored.
#[test]
fn import_writes_the_bulk_zip_into_the_library() {
    let h = home();
    let zip = h.path().join("ctg-studies.json.zip");
    bulk_zip(&zip);
    let lib = h.path().join("lib.sqlite");
    let (zip_s, lib_s) = (zip.to_str().unwrap(), lib.to_str().unwrap());
    let o = output(evidex(
        h.path(),
        &["import", "ctgov", "--library", lib_s, zip_s],
        &[],
    ));
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("added 5, updated 0, unchanged 0"), "{err}");
    assert!(
        err.contains("1 entry not ending in .json not read"),
        "{err}"
    );
    let o = output(evidex(
        h.path(),
        &["search", "--library", lib_s, "source:library", "kind:trial"],
        &[],
    ));
    let found = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(found.contains("5 of 5 results"), "{found}{}", stderr(&o));
    // One entry damaged: named, exit 2, the other four stored.
    damage_second_entry(&zip);
    let lib = h.path().join("lib2.sqlite");
    let lib_s = lib.to_str().unwrap();
    let o = output(evidex(
        h.path(),
        &["import", "ctgov", "--library", lib_s, zip_s],
        &[],
    ));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("ctg-studies.json.zip:ctg-studies.json/NCT04267848.json"),
        "{err}"
    );
    assert!(err.contains("added 4"), "{err}");
}

#[test]
fn import_names_the_archive_and_entry_of_a_corrupt_zip() {
    let h = home();
    let zip = h.path().join("bulk.zip");
    bulk_zip(&zip);
    damage_second_entry(&zip);
    let out = out_file(h.path());
    let o = output(import_cmd(h.path(), &zip, &out));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("bulk.zip:ctg-studies.json/NCT04267848.json: cannot read the entry"),
        "{err}"
    );
    // The other studies are imported.
    assert!(err.contains("imported 4"), "{err}");

    // Not an archive at all, though it starts like one.
    let bad = h.path().join("cut.zip");
    let bytes = std::fs::read(&zip).unwrap();
    std::fs::write(&bad, &bytes[..bytes.len() / 2]).unwrap();
    let o = output(import_cmd(h.path(), &bad, &out));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("cut.zip: cannot read the archive"), "{err}");
}

// ---------------------------------------------------------------------------------------
// Into the library

/// A study with its overall status, enrolment and last-update date changed, as the registry
/// would send a newer version of it.
fn updated_study(nct: &str, status: &str, enrolment: u64, date: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(&study(nct)).unwrap();
    let p = &mut v["protocolSection"];
    p["statusModule"]["overallStatus"] = status.into();
    p["statusModule"]["lastUpdatePostDateStruct"]["date"] = date.into();
    p["designModule"]["enrollmentInfo"]["count"] = enrolment.into();
    v.to_string()
}

#[test]
fn cli_fetches_into_the_library_and_a_newer_version_is_a_dated_change() {
    let server = chain_server();
    let h = home();
    let lib = h.path().join("lib.sqlite");
    let lib_s = lib.to_str().unwrap();
    let fetch = |url: &str| {
        output(evidex(
            h.path(),
            &[
                "--library",
                lib_s,
                "fetch",
                "ctgov",
                "--cond",
                "hcc",
                "--base-url",
                url,
            ],
            &[],
        ))
    };
    let o = fetch(&server.url);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("5 added, 0 updated"), "{err}");
    // The fetch leaves the browser's snapshot up to date, so the browser starts at once.
    assert!(
        err.contains("snapshot of the library is up to date"),
        "{err}"
    );
    assert!(h.path().join("lib.sqlite.snapshot").is_file());
    let info = output(evidex(h.path(), &["--library", lib_s, "library"], &[]));
    assert!(
        String::from_utf8_lossy(&info.stdout).contains("(current, "),
        "{}",
        String::from_utf8_lossy(&info.stdout)
    );
    assert!(
        String::from_utf8_lossy(&info.stdout).contains('5'),
        "{}",
        String::from_utf8_lossy(&info.stdout)
    );
    // The browser's commands find a fetched study by its NCT id.
    let s = output(evidex(
        h.path(),
        &["--library", lib_s, "search", "NCT04267848", "--json"],
        &[],
    ));
    assert!(s.status.success(), "{}", stderr(&s));
    assert!(String::from_utf8_lossy(&s.stdout).contains("NCT04267848"));

    // The registry updates a study: its status and enrolment change, with a newer date.
    let newer = page(&[], None, Some(1)).replace(
        "\"studies\":[]",
        &format!(
            "\"studies\":[{}]",
            updated_study("NCT04267848", "TERMINATED", 7, "2099-01-01")
        ),
    );
    let server2 = Server::start(move |_, _| Reply::json(newer.clone()));
    let o = output(evidex(
        h.path(),
        &[
            "--library",
            lib_s,
            "fetch",
            "ctgov",
            "NCT04267848",
            "--base-url",
            &server2.url,
        ],
        &[],
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("1 updated"), "{}", stderr(&o));
    let ch = output(evidex(
        h.path(),
        &["--library", lib_s, "library", "changes", "--json"],
        &[],
    ));
    let text = String::from_utf8_lossy(&ch.stdout);
    assert!(
        text.contains("NCT04267848") && text.contains("TERMINATED"),
        "{text}"
    );
}

/// A fetch killed with SIGKILL after its first page loses nothing committed: the next run of
/// the same command asks for the second page, and the library ends whole.
#[test]
fn cli_a_fetch_killed_with_sigkill_resumes_from_the_next_page() {
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let tx = Mutex::new(tx);
    let slow = Arc::new(AtomicBool::new(true));
    let slow2 = slow.clone();
    let server = chain_server_where(move |reply| {
        if slow2.load(Ordering::SeqCst) {
            // Page 1 is stored by now: the test kills the fetch while page 2 is on its way.
            // The answer is held until then (5 s at the most), and the rerun finds the
            // server free.
            let _ = tx.lock().unwrap().send(());
            let held = std::time::Instant::now();
            while slow2.load(Ordering::SeqCst) && held.elapsed() < Duration::from_secs(5) {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        reply
    });
    let h = home();
    let lib = h.path().join("lib.sqlite");
    let lib_s = lib.to_str().unwrap().to_string();
    let args = |url: &str| {
        vec![
            "--library".to_string(),
            lib_s.clone(),
            "fetch".into(),
            "ctgov".into(),
            "--cond".into(),
            "hcc".into(),
            "--base-url".into(),
            url.to_string(),
        ]
    };
    let a = args(&server.url);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let mut child = evidex(h.path(), &a, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    rx.recv_timeout(Duration::from_secs(60))
        .expect("page 2 asked for");
    child.kill().unwrap();
    let _ = child.wait();
    slow.store(false, Ordering::SeqCst);
    let before = server.requests().len();
    let o = output(evidex(h.path(), &a, &[]));
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let reqs = server.requests();
    assert_eq!(
        reqs[before].param("pageToken"),
        Some("t2"),
        "the rerun starts at the page after the last one stored"
    );
    assert!(err.contains("(resumed)"), "{err}");
    let info = output(evidex(h.path(), &["--library", &lib_s, "library"], &[]));
    assert!(info.status.success(), "{}", stderr(&info));
    let v = output(evidex(
        h.path(),
        &["--library", &lib_s, "library", "export", "-o", "-"],
        &[],
    ));
    let corpus: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    assert_eq!(corpus["trials"].as_array().map_or(0, Vec::len), 5);
}
