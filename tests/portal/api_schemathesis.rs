//! schemathesis (PyPI; `.ci/run` installs a pinned version) against the running portal: it
//! reads `/api/openapi.json`, generates requests from it — valid ones, invalid ones (wrong
//! types, values out of range, missing parts), methods the API does not take, and sequences
//! that follow the links between answers — and runs every one of its checks on each answer
//! (no server error, status codes, content types, headers and bodies as documented, invalid
//! data refused, valid data accepted, `405` with `Allow` for other methods, ...). It must find
//! no failure.
//!
//! Like the gates, it says "skipped" when schemathesis is not installed, except under CI (`CI`
//! set), where that fails. Bounded to stay well under two minutes on two busy cores: a fixed
//! seed (`SCHEMATHESIS_SEED` picks another) and `SCHEMATHESIS_MAX_EXAMPLES` examples per
//! operation and phase (30 by default).

use std::path::PathBuf;
use std::time::Duration;

use crate::helpers::TestApp;

/// The seed of the run, so a failure in CI can be replayed.
const SEED: &str = "20230905";

/// Longest the run may take before the test fails.
const TIME_LIMIT: Duration = Duration::from_secs(300);

/// The `schemathesis` program on `PATH`.
fn schemathesis() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("schemathesis"))
        .find(|program| {
            std::process::Command::new(program)
                .arg("--version")
                .output()
                .is_ok_and(|output| output.status.success())
        })
}

#[tokio::test]
async fn schemathesis_finds_no_failure_in_the_api() {
    let Some(program) = schemathesis() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "schemathesis must run under CI: python3 -m pip install schemathesis (see .ci/run)"
        );
        eprintln!("skipped: no schemathesis (python3 -m pip install schemathesis)");
        return;
    };
    let app = TestApp::spawn().await;
    let folder = tempfile::tempdir().unwrap();
    let report = folder.path().join("junit.xml");
    let seed = std::env::var("SCHEMATHESIS_SEED").unwrap_or_else(|_| SEED.to_owned());
    let examples = std::env::var("SCHEMATHESIS_MAX_EXAMPLES").unwrap_or_else(|_| "30".to_owned());
    let run = tokio::process::Command::new(&program)
        .current_dir(folder.path())
        .args(["run", &app.url("/api/openapi.json")])
        .args(["--checks", "all"])
        .args(["--phases", "examples,coverage,fuzzing,stateful"])
        .args(["--max-examples", &examples])
        .args(["--seed", &seed])
        .args(["--workers", "2"])
        .args(["--request-timeout", "30"])
        .args(["--generation-database", "none"])
        .args(["--report", "junit", "--report-junit-path"])
        .arg(&report)
        .arg("--no-color")
        .env("NO_COLOR", "1")
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(TIME_LIMIT, run)
        .await
        .expect("schemathesis took longer than its time limit")
        .expect("cannot run schemathesis");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // What it checked, for the record (`cargo test -- --nocapture` shows it).
    eprintln!("{stdout}");
    assert!(
        output.status.success(),
        "schemathesis found failures ({}):\n{stdout}\n{stderr}",
        output.status
    );
    // It tested every operation of the document but the one serving the document itself,
    // which schemathesis leaves out (it loaded the document from there).
    let junit = std::fs::read_to_string(&report).expect("the JUnit report");
    assert!(!junit.contains("<failure"), "{junit}");
    let document: serde_json::Value = app.get("/api/openapi.json").await.json_value().await;
    for path in document["paths"].as_object().unwrap().keys() {
        let tested = junit.contains(&format!("testcase name=\"GET {path}\""));
        assert_eq!(
            tested,
            path != "/api/openapi.json",
            "GET {path}: tested by schemathesis? {junit}"
        );
    }
    let cases = stdout
        .split("Test cases:")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse::<u32>().ok())
        .unwrap_or(0);
    assert!(cases > 100, "only {cases} test cases ran:\n{stdout}");
}

/// The JSON body of a response.
trait JsonBody {
    async fn json_value(self) -> serde_json::Value;
}

impl JsonBody for reqwest::Response {
    async fn json_value(self) -> serde_json::Value {
        serde_json::from_slice(&self.bytes().await.unwrap()).expect("a JSON body")
    }
}
