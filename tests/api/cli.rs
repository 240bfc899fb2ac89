//! The binary itself: bad settings end with one line and a non-zero exit, never a panic; the
//! server stops cleanly on SIGTERM.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::Duration,
};

fn veletrh(env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_veletrh"))
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("SMTP_URL")
        .envs(env.iter().copied())
        .args(args)
        .output()
        .unwrap()
}

fn assert_one_line_failure(out: &std::process::Output, mentions: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "must fail: {stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(mentions), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_bad_database_url_is_one_line_naming_the_setting() {
    let out = veletrh(
        &[("DATABASE_URL", "mysql://root@localhost/x")],
        &["migrate"],
    );
    assert_one_line_failure(&out, "DATABASE_URL");
}

#[test]
fn an_unreachable_postgres_is_one_line() {
    // Port 1 on loopback: nothing listens there.
    let out = veletrh(
        &[("DATABASE_URL", "postgres://veletrh@127.0.0.1:1/veletrh")],
        &["migrate"],
    );
    assert_one_line_failure(
        &out,
        "cannot open the database postgres://veletrh@127.0.0.1:1/veletrh",
    );
}

#[test]
fn a_bad_bind_address_is_one_line_naming_the_setting() {
    let out = veletrh(&[("VELETRH_BIND", "everywhere")], &[]);
    assert_one_line_failure(&out, "VELETRH_BIND");
}

#[test]
fn the_server_prints_its_banner_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_veletrh"))
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("SMTP_URL")
        .env("VELETRH_BIND", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let banner: Vec<String> = (0..5).map_while(|_| lines.next()?.ok()).collect();
    let banner = banner.join("\n");
    assert!(banner.contains("veletrh is running"), "{banner}");
    assert!(banner.contains("sqlite://veletrh.db"), "{banner}");
    assert!(banner.contains("(demo programme loaded)"), "{banner}");
    assert!(banner.contains(".eml files in mail-outbox"), "{banner}");
    assert!(
        dir.path().join("veletrh.db").exists(),
        "the embedded default is a file in the cwd"
    );

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "clean exit after SIGTERM: {status}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still running 20 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
