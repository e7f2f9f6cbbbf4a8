//! The analyst's day in a real Chromium, driven over WebDriver by chromedriver: sign in,
//! filter the list, open a commitment, mark it fulfilled with a note and an evidence cable,
//! link a follow-up cable (with the cable-ID suggestions the page's script fetches), and
//! read the history. A screenshot of every page goes to a folder the test prints.
//!
//! Needs `chromium` and `chromedriver` (Debian's `chromium` and `chromium-driver`); skips
//! with a notice where they are absent, unless `CTRACK_REQUIRE_BROWSER=1` (set by CI, which
//! installs them).

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// chromedriver and the browser, or `None` (with a notice) where this machine lacks them.
fn browser() -> Option<(PathBuf, PathBuf)> {
    let driver = find_program(&["chromedriver"]);
    let chrome = std::env::var_os("CTRACK_CHROME")
        .map(PathBuf::from)
        .or_else(|| find_program(&["chromium", "chromium-browser", "google-chrome"]));
    match (driver, chrome) {
        (Some(d), Some(c)) => Some((d, c)),
        _ if std::env::var_os("CTRACK_REQUIRE_BROWSER").is_some_and(|v| v == "1") => {
            panic!("CTRACK_REQUIRE_BROWSER=1 but chromedriver or chromium is not on PATH")
        }
        _ => {
            eprintln!(
                "NOTICE: skipping the browser test: chromedriver and chromium are not on PATH \
                 (apt-get install chromium chromium-driver)"
            );
            None
        }
    }
}

/// One HTTP/1.1 exchange with chromedriver on loopback (the WebDriver wire protocol is JSON
/// over HTTP; a client library would be the largest dependency of the test suite).
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> std::io::Result<Value> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    // chromedriver keeps the connection open whatever the request says, so the answer
    // ends where its Content-Length (or its last chunk) says, not at end of stream.
    let mut raw = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    let mut body_start = None;
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        if body_start.is_none() {
            body_start = raw.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4);
        }
        let Some(start) = body_start else { continue };
        let head = String::from_utf8_lossy(&raw[..start]).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok());
        match length {
            Some(len) if raw.len() >= start + len => break,
            None if raw.ends_with(b"0\r\n\r\n") => break,
            _ => {}
        }
    }
    let start = body_start
        .ok_or_else(|| std::io::Error::other("no header end in chromedriver's answer"))?;
    let head = String::from_utf8_lossy(&raw[..start]).to_ascii_lowercase();
    let mut payload = raw[start..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        payload = dechunk(&payload);
    }
    serde_json::from_slice(&payload).map_err(std::io::Error::other)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&data[..eol])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap().trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 || data.len() < eol + 2 + size {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[(eol + 4 + size).min(data.len())..];
    }
    out
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    child: Child,
    addr: SocketAddr,
    session: String,
    base: String,
    shots: PathBuf,
    shot_no: usize,
}

impl Driver {
    fn start(driver: &Path, chrome: &Path, base: String, shots: PathBuf) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", driver.display()));
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match http(addr, "GET", "/status", None) {
                Ok(v) if v["value"]["ready"] == json!(true) => break,
                _ if Instant::now() > deadline => panic!("chromedriver did not become ready"),
                _ => std::thread::sleep(Duration::from_millis(100)),
            }
        }
        let profile = std::env::temp_dir().join(format!("ctrack-chrome-{}", std::process::id()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chrome,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-quic", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                         format!("--user-data-dir={}", profile.display())]
            }
        }}});
        let mut me = Driver { child, addr, session: String::new(), base, shots, shot_no: 0 };
        let v = me.call("POST", "/session", Some(caps));
        me.session = v["sessionId"].as_str().expect("a WebDriver session id").to_string();
        me
    }

    /// A WebDriver command; panics with the driver's message on error.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = if self.session.is_empty() {
            path.to_string()
        } else {
            format!("/session/{}{path}", self.session)
        };
        let body = body.or_else(|| (method == "POST").then(|| json!({})));
        let v = http(self.addr, method, &path, body.as_ref())
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        if let Some(err) = v["value"]["error"].as_str() {
            panic!("WebDriver {method} {path}: {err}: {}", v["value"]["message"]);
        }
        v["value"].clone()
    }

    fn go(&self, path: &str) {
        self.call("POST", "/url", Some(json!({"url": format!("{}{path}", self.base)})));
    }

    fn url(&self) -> String {
        self.call("GET", "/url", None).as_str().unwrap_or_default().to_string()
    }

    fn find(&self, css: &str) -> String {
        let v = self.call("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        v[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}: {v}")).to_string()
    }

    fn text(&self, css: &str) -> String {
        let el = self.find(css);
        self.call("GET", &format!("/element/{el}/text"), None).as_str().unwrap().to_string()
    }

    fn count(&self, css: &str) -> usize {
        let v =
            self.call("POST", "/elements", Some(json!({"using": "css selector", "value": css})));
        v.as_array().map_or(0, Vec::len)
    }

    fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.call("POST", &format!("/element/{el}/clear"), None);
        self.call("POST", &format!("/element/{el}/value"), Some(json!({"text": text})));
    }

    fn click(&self, css: &str) {
        let el = self.find(css);
        self.call("POST", &format!("/element/{el}/click"), None);
    }

    /// Clicks something that loads a new page (a submit button, a link) and waits until the
    /// new page has loaded: a form's navigation starts after the click returns, so reading
    /// the page straight away could still see the old one.
    fn click_to_next_page(&self, css: &str) {
        self.script("window.__ctrackOldPage = true; return null");
        self.click(css);
        self.wait_for(
            &format!("the page after clicking {css}"),
            "return !window.__ctrackOldPage && document.readyState === 'complete'",
        );
    }

    /// Chooses an `<option>` by its value, by clicking it as a user would.
    fn select(&self, select_css: &str, value: &str) {
        self.click(&format!("{select_css} option[value=\"{value}\"]"));
    }

    fn script(&self, js: &str) -> Value {
        self.call("POST", "/execute/sync", Some(json!({"script": js, "args": []})))
    }

    /// Waits (up to 10 s) until `js` returns true. An error counts as not yet: the script
    /// may run while one page gives way to the next.
    fn wait_for(&self, what: &str, js: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let path = format!("/session/{}/execute/sync", self.session);
        let body = json!({"script": js, "args": []});
        while http(self.addr, "POST", &path, Some(&body)).ok().map(|v| v["value"].clone())
            != Some(json!(true))
        {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn screenshot(&mut self, name: &str) {
        let png = self.call("GET", "/screenshot", None);
        self.shot_no += 1;
        let file = self.shots.join(format!("{:02}-{name}.png", self.shot_no));
        std::fs::write(&file, base64_decode(png.as_str().unwrap())).unwrap();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if std::thread::panicking() && !self.session.is_empty() {
            // What the browser showed when the test failed.
            let png =
                http(self.addr, "GET", &format!("/session/{}/screenshot", self.session), None);
            if let Some(data) = png.ok().as_ref().and_then(|v| v["value"].as_str()) {
                let file = self.shots.join("failure.png");
                let _ = std::fs::write(&file, base64_decode(data));
                eprintln!("the page at the failure: {}", file.display());
            }
        }
        if !self.session.is_empty() {
            let _ = http(self.addr, "DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn an_analyst_works_a_commitment_in_chromium() {
    let Some((driver, chrome)) = browser() else { return };

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (db, addr, password) = rt.block_on(async {
        let db = common::db::TestDb::new().await;
        let (_, password) = ctrack::demo::load(&db.pool).await.expect("demo data loads");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(ctrack::web::serve_on(db.pool.clone(), listener));
        (db, addr, password)
    });

    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots");
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();
    println!("screenshots: {}", shots.display());
    eprintln!("browser test screenshots go to {}", shots.display());
    let mut b = Driver::start(&driver, &chrome, format!("http://{addr}"), shots.clone());

    // Anonymous: any page sends you to sign in, and back afterwards.
    b.go("/commitments?country=TI");
    assert!(b.url().contains("/login"), "anonymous visit should land on the login page");
    b.screenshot("login");
    b.type_into("input[name=username]", "demo");
    b.type_into("input[name=password]", &password);
    b.click_to_next_page("form button[type=submit]");
    b.screenshot("signed-in");
    assert!(b.url().ends_with("/commitments?country=TI"), "back where we started: {}", b.url());

    // The dashboard: the chart is server-rendered SVG, one bar group per country.
    b.go("/");
    assert!(b.count("svg rect") > 0, "the dashboard chart has bars");
    assert!(b.text("main").contains("Recent status changes"));
    b.screenshot("dashboard");

    // Filter: Tajikistan, open, free text. The filters land in the URL.
    b.go("/commitments");
    b.type_into("form.filters input[name=country]", "TI");
    b.select("form.filters select[name=status]", "open");
    b.type_into("form.filters input[name=q]", "action plan");
    b.click_to_next_page("form.filters button[type=submit]");
    let url = b.url();
    assert!(
        url.contains("country=TI") && url.contains("status=open") && url.contains("q=action"),
        "filters live in the URL: {url}"
    );
    assert_eq!(b.count("table.list tbody tr"), 1, "one open Tajik commitment about an action plan");
    b.screenshot("filtered-list");

    // Open it: the sentence is highlighted inside its paragraph.
    b.click_to_next_page("table.list tbody tr td:nth-child(4) a");
    assert!(b.url().contains("/commitments/"));
    let highlighted = b.text("blockquote.paragraph mark.current");
    assert!(highlighted.contains("action plan"), "highlighted sentence: {highlighted}");
    assert_eq!(b.text("#current-status").to_lowercase(), "open");
    b.screenshot("commitment");

    // Link a follow-up cable, finding it through the suggestions the page's script fetches.
    b.type_into("#link-form input[name=cable]", "08DUSH");
    b.wait_for(
        "cable suggestions",
        "return document.querySelectorAll('#cable-ids option').length > 0",
    );
    let suggested = b.script(
        "return Array.from(document.querySelectorAll('#cable-ids option')).map(o => o.value)",
    );
    assert!(
        suggested.as_array().unwrap().iter().any(|v| v == "08DUSHANBE655"),
        "suggestions include the cable itself: {suggested}"
    );
    b.type_into("#link-form input[name=cable]", "07DUSHANBE1402");
    b.select("#link-form select[name=kind]", "follow_up");
    b.type_into("#link-form textarea[name=note]", "Shelter figures reported in November");
    b.click_to_next_page("#link-form button[type=submit]");
    assert!(b.text("ul.links").contains("07DUSHANBE1402"), "the link is listed");
    b.screenshot("linked");

    // Mark it fulfilled with a note and the evidence cable.
    b.select("#status-form select[name=status]", "fulfilled");
    b.type_into("#status-form textarea[name=note]", "Plan adopted; see the follow-up cable");
    b.type_into("#status-form input[name=evidence]", "07DUSHANBE1402");
    b.click_to_next_page("#status-form button[type=submit]");
    assert_eq!(b.text("#current-status").to_lowercase(), "fulfilled");
    let history = b.text("table.history");
    assert!(history.contains("Plan adopted; see the follow-up cable"), "history: {history}");
    assert!(history.contains("demo") && history.contains("open") && history.contains("fulfilled"));
    b.screenshot("history");

    // The list now shows it fulfilled; the cable page highlights its commitments.
    b.go("/commitments?country=TI&status=fulfilled&q=action+plan");
    assert_eq!(b.count("table.list tbody tr"), 1);
    b.go("/cables/08DUSHANBE655");
    assert!(b.count("pre.cable a.commitment") > 0, "the cable's commitments are highlighted");
    b.screenshot("cable");

    let taken = b.shot_no;
    drop(b);
    let pngs = std::fs::read_dir(&shots).unwrap().count();
    assert_eq!(pngs, taken, "a screenshot per step in {}", shots.display());
    rt.block_on(db.drop_db());
}
