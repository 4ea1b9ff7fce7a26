//! What a hostile or careless client meets: the same security headers on every answer (errors
//! and refusals included), header and host checks, forms that are not text, invisible
//! characters in names, the scheme in the same-origin check, connection limits and responses
//! that leave at once (TCP_NODELAY).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::{Page, TestApp, seeded_database};
use forum_portal::config::SessionArgs;
use forum_portal::state::{AppState, WebConfig};

/// A server with these session settings and public URL.
async fn spawn_configured(sessions: SessionArgs, public_url: Option<&str>) -> TestApp {
    TestApp::spawn_configured(sessions, public_url).await
}

/// The headers every answer must carry, whatever its status.
fn assert_security_headers(response: &reqwest::Response, what: &str, https: bool) {
    let headers = response.headers();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{what}: no {name} header"))
            .to_owned()
    };
    let csp = header("content-security-policy");
    assert!(csp.starts_with("default-src 'none';"), "{what}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe"), "{what}: {csp}");
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("x-frame-options"), "DENY", "{what}");
    assert_eq!(
        header("referrer-policy"),
        "strict-origin-when-cross-origin",
        "{what}"
    );
    assert_eq!(
        header("cross-origin-opener-policy"),
        "same-origin",
        "{what}"
    );
    assert_eq!(
        header("cross-origin-resource-policy"),
        "same-origin",
        "{what}"
    );
    assert!(header("permissions-policy").contains("camera=()"), "{what}");
    match headers.get("strict-transport-security") {
        Some(hsts) if https => {
            let hsts = hsts.to_str().unwrap();
            let max_age: u64 = hsts
                .split(';')
                .find_map(|part| part.trim().strip_prefix("max-age="))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{what}: {hsts}"));
            assert!(max_age >= 31_536_000, "{what}: {hsts}");
        }
        None if !https => {}
        other => panic!("{what}: HSTS {other:?} (https: {https})"),
    }
    if let Some(content_type) = headers.get("content-type") {
        let content_type = content_type.to_str().unwrap();
        if content_type.starts_with("text/") || content_type.starts_with("image/svg") {
            assert!(
                content_type.to_ascii_lowercase().contains("charset=utf-8"),
                "{what}: {content_type}"
            );
        }
    }
}

/// The portal's localized error page, with this status.
async fn assert_error_page(response: reqwest::Response, status: StatusCode, what: &str) -> Page {
    assert_eq!(response.status(), status, "{what}");
    let content_type = crate::helpers::content_type(&response);
    assert!(
        content_type.starts_with("text/html"),
        "{what}: {content_type}"
    );
    let page = Page::parse(&response.text().await.unwrap());
    assert!(!page.text("main h1").is_empty(), "{what}");
    page
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_errors_included() {
    for https in [false, true] {
        let sessions = SessionArgs {
            secure_cookies: https,
            ..SessionArgs::default()
        };
        let app = spawn_configured(sessions, None).await;
        let client = &app.client;
        let mut answers = vec![
            ("a page", app.get("/").await, StatusCode::OK),
            (
                "a stylesheet",
                app.get("/static/css/site.css").await,
                StatusCode::OK,
            ),
            (
                "an icon",
                app.get("/static/favicon.svg").await,
                StatusCode::OK,
            ),
            (
                "a missing page",
                app.get("/speakers/nobody").await,
                StatusCode::NOT_FOUND,
            ),
            (
                "a missing file",
                app.get("/static/nothing.css").await,
                StatusCode::NOT_FOUND,
            ),
            (
                "the login form",
                app.get("/admin/login").await,
                StatusCode::OK,
            ),
            ("a probe", app.get("/healthz").await, StatusCode::OK),
        ];
        let wrong_method = client.delete(app.url("/")).send().await.unwrap();
        answers.push((
            "a wrong method",
            wrong_method,
            StatusCode::METHOD_NOT_ALLOWED,
        ));
        let too_large = client
            .post(app.url("/admin/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", format!("http://{}", app.addr))
            .body(format!("email={}", "x".repeat(100 * 1024)))
            .send()
            .await
            .unwrap();
        answers.push(("a body too large", too_large, StatusCode::PAYLOAD_TOO_LARGE));
        let big_header = client
            .get(app.url("/"))
            .header("x-padding", "x".repeat(20 * 1024))
            .send()
            .await
            .unwrap();
        answers.push((
            "headers too large",
            big_header,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        ));
        for (what, response, status) in answers {
            assert_eq!(response.status(), status, "{what}");
            assert_security_headers(&response, what, https);
        }

        // The language cookie is Secure when the portal is served over HTTPS.
        let zh = app.get("/lang/zh").await;
        let cookie = zh
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .expect("choosing Chinese in the switcher remembers the language")
            .to_owned();
        assert_eq!(cookie.contains("; Secure"), https, "{cookie}");
    }
}

#[tokio::test]
async fn a_request_that_takes_too_long_gets_the_timeout_page_with_the_headers() {
    let (database, db) = seeded_database().await;
    let mut state = AppState::new(db);
    let mut web = WebConfig::new(
        WebConfig::source_tree_static_dir(),
        SessionArgs::default(),
        None,
    );
    web.request_timeout = Duration::from_millis(500);
    state.web = Arc::new(web);
    let app = TestApp::spawn_with_state(database, state).await;
    // A form whose body never finishes arriving: the handler waits for it until the timeout.
    let addr = app.addr;
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        write!(
            stream,
            "POST /admin/login HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail="
        )
        .unwrap();
        let mut answer = Vec::new();
        let mut buffer = [0; 4096];
        // Read until the page is in (or the server closes the connection).
        loop {
            let read = stream.read(&mut buffer).unwrap_or(0);
            answer.extend_from_slice(&buffer[..read]);
            if read == 0 || String::from_utf8_lossy(&answer).contains("</html>") {
                break answer;
            }
        }
    })
    .await
    .unwrap();
    let answer = String::from_utf8_lossy(&answer).to_lowercase();
    assert!(answer.starts_with("http/1.1 408"), "{answer}");
    assert!(
        answer.contains("content-security-policy: default-src 'none'"),
        "{answer}"
    );
    assert!(answer.contains("cross-origin-opener-policy"), "{answer}");
    assert!(answer.contains("<html"), "{answer}");
}

#[tokio::test]
async fn headers_beyond_the_limit_get_the_431_page() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/zh/speakers"))
        .header("cookie", format!("padding={}", "x".repeat(20 * 1024)))
        .send()
        .await
        .unwrap();
    let page = assert_error_page(
        response,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        "20 KB cookie",
    )
    .await;
    assert_eq!(page.attrs("html", "lang"), ["zh-Hans"]);
    // A single 200 KB header never reaches the router: hyper refuses it as it reads.
    let response = app
        .client
        .get(app.url("/"))
        .header("x-padding", "x".repeat(200 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
    );
}

#[tokio::test]
async fn with_a_public_url_requests_for_another_host_are_refused() {
    let app = spawn_configured(SessionArgs::default(), Some("http://forum.test")).await;
    let request =
        |host: &'static str, path: &str| app.client.get(app.url(path)).header("host", host).send();
    let page = request("forum.test", "/").await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let body = page.text().await.unwrap();
    assert!(body.contains("href=\"http://forum.test/zh\""), "{body}");
    for host in ["evil.example", "forum.test.evil.example", "forum.test:8080"] {
        let response = request(host, "/").await.unwrap();
        assert_security_headers(&response, host, false);
        let page = assert_error_page(response, StatusCode::BAD_REQUEST, host).await;
        assert!(!page.html.html().contains("evil.example"));
    }
    // Load balancers probe by address.
    let probe = request("10.0.0.7:3000", "/healthz").await.unwrap();
    assert_eq!(probe.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_form_that_is_not_text_is_refused_and_nothing_is_saved() {
    let app = TestApp::spawn_logged_in().await;
    let id = app.id_of("people", "ghulam-qadir").await;
    let path = format!("/admin/people/{id}");
    let form = app.form_values(&path).await;
    let before: String = sqlx::query_scalar("SELECT name->>'en' FROM people WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    // Every field as the form has it, then a name whose bytes are not UTF-8.
    let mut body = crate::helpers::encode_form(
        &form
            .iter()
            .filter(|(name, _)| name != "name")
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect::<Vec<_>>(),
    );
    body.push_str("&name=Ghulam%FF%FEQadir");
    let response = app
        .client
        .post(app.url(&path))
        .header("origin", format!("http://{}", app.addr))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let page = assert_error_page(response, StatusCode::BAD_REQUEST, "not UTF-8").await;
    assert!(page.text("main").contains("UTF-8"), "{}", page.text("main"));
    let after: String = sqlx::query_scalar("SELECT name->>'en' FROM people WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(after, before);
    assert!(!after.contains('\u{FFFD}'));
}

#[tokio::test]
async fn invisible_characters_in_names_are_refused_with_the_input_kept() {
    let app = TestApp::spawn_logged_in().await;
    let id = app.id_of("people", "ghulam-qadir").await;
    let path = format!("/admin/people/{id}");
    let form = app.form_values(&path).await;
    for (hidden, code) in [
        ("\u{202E}", "U+202E"),
        ("\u{2067}", "U+2067"),
        ("\u{200B}", "U+200B"),
        ("\u{FEFF}", "U+FEFF"),
    ] {
        let name = format!("Ghulam{hidden} Qadir");
        let response = app.post_changed(&path, &form, &[("name", &name)]).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{code}"
        );
        let page = Page::parse(&response.text().await.unwrap());
        assert!(
            page.text(".error-summary").contains(code),
            "{code}: {}",
            page.text(".error-summary")
        );
        assert_eq!(
            page.attrs("input[name=name]", "value"),
            std::slice::from_ref(&name)
        );
    }
    // Urdu's zero-width non-joiner is a letter-shaping need, not a trick: it is kept.
    let urdu = "غلام\u{200C} قادر";
    let response = app.post_changed(&path, &form, &[("name.ur", urdu)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let saved: String = sqlx::query_scalar("SELECT name->>'ur' FROM people WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(saved, urdu);
}

#[tokio::test]
async fn an_origin_with_another_scheme_is_cross_site() {
    let app = TestApp::spawn_logged_in().await;
    let id = app.id_of("people", "ghulam-qadir").await;
    let path = format!("/admin/people/{id}");
    let form = app.form_values(&path).await;
    let pairs: Vec<(&str, &str)> = form.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let response = app
        .client
        .post(app.url(&path))
        .header("origin", format!("https://{}", app.addr))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(crate::helpers::encode_form(&pairs))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // The same form from the right origin is saved.
    let response = app.post_changed(&path, &form, &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

/// Send `GET path` on `stream` and read the whole answer (its length from Content-Length).
fn round_trip(stream: &mut TcpStream, host: &str, path: &str) -> String {
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: identity\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0; 8192];
    loop {
        let read = stream.read(&mut buffer).unwrap();
        assert!(read > 0, "the connection closed");
        answer.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&answer);
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|line| {
                    line.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            if answer.len() >= end + 4 + length {
                return text.into_owned();
            }
        }
    }
}

#[tokio::test]
async fn responses_on_a_kept_alive_connection_leave_at_once() {
    let app = TestApp::spawn().await;
    let addr = app.addr;
    let times = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_nodelay(true).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let host = addr.to_string();
        // The first request warms the file cache and the connection.
        round_trip(&mut stream, &host, "/static/favicon.svg");
        (0..21)
            .map(|_| {
                let started = Instant::now();
                let answer = round_trip(&mut stream, &host, "/static/favicon.svg");
                assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
                started.elapsed()
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    let mut sorted = times.clone();
    sorted.sort();
    // Without TCP_NODELAY the body waits for the client's delayed ACK: ~40 ms on every request.
    // The median is robust to a loaded machine's occasional stall.
    assert!(
        sorted[sorted.len() / 2] < Duration::from_millis(20),
        "round trips on one connection: {times:?}"
    );
}

#[tokio::test]
async fn connections_beyond_the_per_client_limit_get_a_503_page() {
    let (database, db) = seeded_database().await;
    let limits = forum_portal::server::ConnectionLimits {
        total: 100,
        per_client: Some(2),
    };
    let app = TestApp::spawn_with_limits(database, AppState::new(db), limits).await;
    let addr = app.addr;
    tokio::task::spawn_blocking(move || {
        let host = addr.to_string();
        let open = |path: &str| {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(30)))
                .unwrap();
            let answer = round_trip(&mut stream, &host, path);
            (stream, answer)
        };
        let (first, answer) = open("/");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        let (_second, answer) = open("/");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        // Both stay open (kept alive): a third is one too many.
        let (_third, answer) = open("/ur");
        assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
        let lower = answer.to_lowercase();
        assert!(lower.contains("retry-after:"), "{answer}");
        assert!(lower.contains("content-security-policy:"), "{answer}");
        assert!(
            answer.contains("dir=\"rtl\""),
            "the page is in Urdu: {answer}"
        );
        // Closing one gives its place back (once the server has seen it close).
        drop(first);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            assert!(
                Instant::now() < deadline,
                "the closed connection's place never came back"
            );
            let (_stream, answer) = open("/");
            if answer.starts_with("HTTP/1.1 200") {
                break;
            }
            assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
            std::thread::yield_now();
        }
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn behind_a_tls_proxy_plain_http_is_sent_to_https() {
    let sessions = SessionArgs {
        secure_cookies: true,
        trust_forwarded_for: true,
        ..SessionArgs::default()
    };
    let app = spawn_configured(sessions, Some("https://forum.test")).await;
    let request = |proto: &'static str| {
        app.client
            .get(app.url("/zh/speakers?page=2"))
            .header("host", "forum.test")
            .header("x-forwarded-proto", proto)
            .send()
    };
    let plain = request("http").await.unwrap();
    assert_eq!(plain.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        crate::helpers::location(&plain),
        "https://forum.test/zh/speakers?page=2"
    );
    assert_security_headers(&plain, "the redirect", true);
    let secure = request("https").await.unwrap();
    assert_eq!(secure.status(), StatusCode::OK);
    assert_security_headers(&secure, "the page", true);
}
