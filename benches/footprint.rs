//! `cargo bench --bench footprint`: start-up time and resident memory of the real binary.
//!
//! Runs the release binary (`veletrh`, embedded default: SQLite file, demo programme, mail to a
//! folder) in a temp dir and measures:
//! - **first start**: spawn → `/readyz` answers 200 on a new database (migrations + demo);
//! - **idle RSS**: resident memory a second after that;
//! - **loaded RSS**: the peak (`VmHWM`) while `BENCH_CONCURRENCY` clients (default 32) spend
//!   `BENCH_SECONDS` (default 5) mixing the fair page, the fair feed and sign-ups (each a new
//!   person) over loopback;
//! - **restart**: spawn → ready on the existing database that load left behind, median of 5.
//!
//! The table is printed and written to `target/bench-footprint.txt`.

use std::{
    net::TcpListener,
    path::Path,
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The running binary; stopped with SIGTERM (and waited for) when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

/// The binary on `dir`'s database, listening on `port`.
fn spawn(dir: &Path, port: u16) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_veletrh"))
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("SMTP_URL")
        .env("VELETRH_BIND", format!("127.0.0.1:{port}"))
        .env("VELETRH_RATE_SIGNUPS_PER_IP", "1000000")
        .env("VELETRH_RATE_SIGNUPS_PER_EMAIL", "1000")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        // Warnings and a refused setting show; the start-up banner does not.
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the veletrh binary starts");
    Server(child)
}

/// Time from spawning until `/readyz` answers 200.
async fn start(client: &reqwest::Client, dir: &Path, port: u16) -> (Server, Duration) {
    let begun = Instant::now();
    let mut server = spawn(dir, port);
    let url = format!("http://127.0.0.1:{port}/readyz");
    loop {
        if let Ok(r) = client.get(&url).send().await
            && r.status() == 200
        {
            return (server, begun.elapsed());
        }
        if let Ok(Some(status)) = server.0.try_wait() {
            panic!("the server exited: {status}");
        }
        assert!(begun.elapsed() < Duration::from_secs(60), "never ready");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// `VmRSS` or `VmHWM` of a process, in MiB.
fn memory(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("procfs");
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("the field is there");
    kib / 1024.0
}

#[tokio::main]
async fn main() {
    let seconds = Duration::from_secs(setting("BENCH_SECONDS", 5));
    let concurrency = setting("BENCH_CONCURRENCY", 32);
    let dir = tempfile::tempdir().expect("a temp dir");
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a client");
    let port = free_port();

    let (server, first_start) = start(&client, dir.path(), port).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = memory(server.0.id(), "VmRSS");

    let base = format!("http://127.0.0.1:{port}");
    let done = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + seconds;
    let clients: Vec<_> = (0..concurrency)
        .map(|c| {
            let (client, base, done) = (client.clone(), base.clone(), done.clone());
            tokio::spawn(async move {
                let mut n = 0u64;
                while Instant::now() < until {
                    let response = match n % 3 {
                        0 => client.get(format!("{base}/fairs/uspech-pro-kazdeho-zaka")),
                        1 => {
                            client.get(format!("{base}/fairs/uspech-pro-kazdeho-zaka/calendar.ics"))
                        }
                        _ => client.post(format!("{base}/api/registrations")).json(
                            &serde_json::json!({
                                "name": "Zátěž", "email": format!("c{c}n{n}@skola.cz"),
                                "activity_ids": [1], "consent": true,
                            }),
                        ),
                    }
                    .send()
                    .await
                    .expect("an answer");
                    assert!(response.status().is_success(), "{}", response.status());
                    response.bytes().await.expect("a body");
                    n += 1;
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for c in clients {
        c.await.expect("a client finishes");
    }
    let requests = done.load(Ordering::Relaxed);
    let loaded_peak = memory(server.0.id(), "VmHWM");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = memory(server.0.id(), "VmRSS");
    drop(server);

    let mut restarts = Vec::new();
    for _ in 0..5 {
        let (_server, took) = start(&client, dir.path(), port).await;
        restarts.push(took);
    }
    restarts.sort();

    let table = format!(
        "measure                                   value\n\
         first start (new database, demo)     {:>8.0} ms\n\
         restart (existing database, median)  {:>8.0} ms\n\
         RSS idle                             {:>8.1} MiB\n\
         RSS peak under load                  {:>8.1} MiB\n\
         RSS a second after load              {:>8.1} MiB\n\
         load: {requests} requests ({:.0}/s) from {concurrency} clients in {} s \
         (page, feed, sign-up in turn)\n",
        first_start.as_secs_f64() * 1000.0,
        restarts[restarts.len() / 2].as_secs_f64() * 1000.0,
        idle,
        loaded_peak,
        after,
        requests as f64 / seconds.as_secs_f64(),
        seconds.as_secs(),
    );
    print!("{table}");
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-footprint.txt");
    std::fs::write(&out, &table).expect("the results file");
    println!("(written to {})", out.display());
}
