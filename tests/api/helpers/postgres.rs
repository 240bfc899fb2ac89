//! A throwaway PostgreSQL cluster for this test process, started from the installed server
//! binaries: `initdb` into a temp dir, a free loopback port, trust auth, no fsync. A watchdog
//! in its own session stops the cluster and removes the dir once this process is gone.
//!
//! Without the binaries every PostgreSQL test fails loudly, unless `VELETRH_SKIP_POSTGRES=1`
//! says to skip them knowingly (CI never sets it).

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::Command,
    sync::OnceLock,
};

struct Cluster {
    port: u16,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();

/// True when PostgreSQL tests should run; false (with a loud note) when skipped on purpose.
pub fn available() -> bool {
    if std::env::var("VELETRH_SKIP_POSTGRES").is_ok_and(|v| v == "1") {
        eprintln!("!!! VELETRH_SKIP_POSTGRES=1: the PostgreSQL half of this test is SKIPPED !!!");
        return false;
    }
    true
}

/// Creates a new, empty database in the cluster and returns its URL.
pub fn fresh_database() -> String {
    let cluster = CLUSTER
        .get_or_init(start)
        .as_ref()
        .unwrap_or_else(|e| panic!("{e}"));
    let name = format!("t_{}", rand_suffix());
    let out = Command::new(bin_dir().unwrap().join("psql"))
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &cluster.port.to_string(),
            "-U",
            "veletrh",
        ])
        .args([
            "-d",
            "postgres",
            "-q",
            "-c",
            &format!("CREATE DATABASE {name}"),
        ])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "CREATE DATABASE: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    format!("postgres://veletrh@127.0.0.1:{}/{name}", cluster.port)
}

fn rand_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{}_{n}_{t}", std::process::id())
}

/// `VELETRH_PG_BIN`, else the newest `/usr/lib/postgresql/*/bin` holding `initdb`.
fn bin_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("VELETRH_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    dirs.sort();
    dirs.pop().map(|(_, dir)| dir)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A command run as the `postgres` user when we are root (initdb refuses root).
fn as_owner(program: &Path) -> Command {
    if is_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(program);
        cmd
    } else {
        Command::new(program)
    }
}

fn start() -> Result<Cluster, String> {
    let bin = bin_dir().ok_or(
        "PostgreSQL server binaries not found (looked at $VELETRH_PG_BIN and \
         /usr/lib/postgresql/*/bin). Install the Debian package `postgresql`, or set \
         VELETRH_SKIP_POSTGRES=1 to skip the PostgreSQL half of the suite knowingly.",
    )?;
    let dir = tempfile::Builder::new()
        .prefix("veletrh-pg-")
        .tempdir()
        .map_err(|e| e.to_string())?
        .keep();
    if is_root() {
        let ok = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&dir)
            .status();
        if !ok.is_ok_and(|s| s.success()) {
            return Err("cannot chown the cluster dir to the postgres user".into());
        }
    }
    let data = dir.join("data");
    let out = as_owner(&bin.join("initdb"))
        .args(["-D"])
        .arg(&data)
        .args([
            "-U",
            "veletrh",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C.UTF-8",
        ])
        .output()
        .map_err(|e| format!("initdb: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
         -c full_page_writes=off -c max_connections=400",
        dir.display()
    );
    let out = as_owner(&bin.join("pg_ctl"))
        .arg("-D")
        .arg(&data)
        .args(["-o", &options, "-l"])
        .arg(dir.join("server.log"))
        .args(["-w", "-t", "60", "start"])
        .output()
        .map_err(|e| format!("pg_ctl: {e}"))?;
    if !out.status.success() {
        let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
        return Err(format!("PostgreSQL did not start: {log}"));
    }
    spawn_watchdog(&bin, &data, &dir);
    Ok(Cluster { port })
}

/// Stops the cluster when this test process exits, however it exits.
// The watchdog outlives this process by design, so nobody waits for it here.
#[allow(clippy::zombie_processes)]
fn spawn_watchdog(bin: &Path, data: &Path, dir: &Path) {
    let run_as = if is_root() {
        "runuser -u postgres -- "
    } else {
        ""
    };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
         {run_as}'{pg_ctl}' -D '{data}' -m immediate stop >/dev/null 2>&1; rm -rf '{dir}'",
        pid = std::process::id(),
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
    );
    Command::new("setsid")
        .args(["sh", "-c", &script])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("setsid starts the watchdog");
}
