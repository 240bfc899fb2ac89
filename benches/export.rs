//! `cargo bench --bench export`: 100,000 registrations of one fair exported to CSV and to XLSX
//! on SQLite; time and peak memory above idle for each.
//!
//! Method. The benchmark fills a SQLite file in a temp dir (one fair, 20 workshops, 100,000
//! people with Czech names, every hundredth a formula-injection attempt, one registration each),
//! then measures each format in a **fresh child process** (this same binary, re-run with
//! `measure FORMAT DB`), so that the seeding's memory and the previous format's allocations do
//! not count. The child connects, migrates and runs a one-row export to warm up, reads `VmRSS`
//! from `/proc/self/status` (the idle resident set), then exports every row to a file in the
//! temp dir with `veletrh::export::write`, exactly as `veletrh export --output` does, and reads
//! `VmHWM` (the peak resident set of its whole life). Peak above idle = `VmHWM − idle VmRSS`:
//! everything the export itself kept resident at its worst, including SQLite's page cache
//! growing and rust_xlsxwriter's buffers; the temp file of XLSX's constant-memory mode is on
//! disk and counts only through the kernel's page cache, which is not in RSS.
//!
//! Targets: CSV under 2 s and under 64 MiB above idle. XLSX has no target; it shows what
//! constant-memory mode costs. `BENCH_ROWS` changes the number of registrations. The table is
//! printed and written to `target/bench-export.txt`.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

use chrono::{Duration, TimeZone, Utc};
use entity::{
    activity, district,
    enums::{ActivityKind, ActivityStatus, RegistrationStatus},
    fair, person, region, registration,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, TransactionTrait};
use veletrh::{
    config::Config,
    export::{self, AttendeeQuery, Column, ExportRequest, Format, Scope},
    i18n::Lang,
    startup,
};

const DEFAULT_ROWS: usize = 100_000;
const BATCH: usize = 1_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("measure") {
        let format: Format = args[2].parse().expect("a format");
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(measure(format, Path::new(&args[3])));
        return;
    }
    let rows: usize = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_ROWS);
    let dir = tempfile::tempdir().expect("a temp dir");
    let db_path = dir.path().join("bench.db");
    let started = Instant::now();
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(seed(&db_path, rows));
    println!(
        "seeded {rows} registrations in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let mut table = format!(
        "export of {rows} registrations (all 12 columns), SQLite, {} rows a page\n\
         format  seconds   rows/s   file MiB   idle MiB   peak MiB   above idle MiB   target\n",
        export::PAGE_SIZE
    );
    for (format, target) in [(Format::Csv, "< 2 s, < 64 MiB"), (Format::Xlsx, "(none)")] {
        let out = Command::new(std::env::current_exe().unwrap())
            .args(["measure", format.id(), db_path.to_str().unwrap()])
            .output()
            .expect("the measuring child runs");
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let line = String::from_utf8(out.stdout).unwrap();
        let m: Vec<f64> = line
            .split_whitespace()
            .map(|v| v.parse().unwrap())
            .collect();
        let (seconds, written, bytes, idle_kib, peak_kib) = (m[0], m[1], m[2], m[3], m[4]);
        assert_eq!(written as usize, rows, "{format}: every row exported");
        let above = (peak_kib - idle_kib) / 1024.0;
        let verdict = match format {
            Format::Csv if seconds < 2.0 && above < 64.0 => format!("{target}: met"),
            Format::Csv => format!("{target}: MISSED"),
            _ => target.to_owned(),
        };
        table.push_str(&format!(
            "{:<6} {:>8.2} {:>8.0} {:>10.1} {:>10.1} {:>10.1} {:>16.1}   {verdict}\n",
            format.id(),
            seconds,
            written / seconds,
            bytes / 1024.0 / 1024.0,
            idle_kib / 1024.0,
            peak_kib / 1024.0,
            above,
        ));
    }
    println!("\n{table}");
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-export.txt");
    std::fs::write(&out, &table).expect("write the results");
    println!("written to {}", out.display());
}

/// In the child: one warm-up export, idle RSS, the measured export, peak RSS; prints
/// `seconds rows bytes idle_kib peak_kib`.
async fn measure(format: Format, db_path: &Path) {
    let config = Config {
        database_url: format!("sqlite://{}?mode=rwc", db_path.display()),
        ..Config::default()
    };
    let db = startup::open_database(&config)
        .await
        .expect("the database opens");
    let fair = veletrh::programme::fair_by_slug(db.conn(), "bench")
        .await
        .unwrap()
        .expect("the seeded fair");
    let request = ExportRequest {
        query: AttendeeQuery::all_in(Scope::Fair(fair.id)),
        columns: Column::ALL.to_vec(),
        format,
        lang: Lang::Cs,
    };
    // Warm-up: the code paths, the pool's connections, the XLSX temp dir.
    let mut warm_up = request.clone();
    warm_up.query.search = Some("=cmd100 ".into());
    export::write(db.conn(), &warm_up, tokio::io::sink(), |_| {})
        .await
        .unwrap();
    let idle = status_kib("VmRSS");

    let path = db_path.with_file_name(format!("export.{}", format.extension()));
    let file = tokio::fs::File::create(&path).await.unwrap();
    let started = Instant::now();
    let written = export::write(
        db.conn(),
        &request,
        tokio::io::BufWriter::with_capacity(256 * 1024, file),
        |_| {},
    )
    .await
    .expect("the export runs");
    let seconds = started.elapsed().as_secs_f64();
    let peak = status_kib("VmHWM");
    let bytes = std::fs::metadata(&path).unwrap().len();
    println!("{seconds} {written} {bytes} {idle} {peak}");
}

/// A `kB` line of `/proc/self/status`.
fn status_kib(key: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{key} in /proc/self/status"))
}

async fn seed(db_path: &Path, rows: usize) {
    let config = Config {
        database_url: format!("sqlite://{}?mode=rwc", db_path.display()),
        ..Config::default()
    };
    let db = startup::open_database(&config)
        .await
        .expect("the database opens");
    let conn = db.conn();
    let now = Utc::now();
    let start = Utc.with_ymd_and_hms(2026, 5, 12, 7, 30, 0).unwrap();
    let region = region::ActiveModel {
        slug: Set("olomoucky-kraj".into()),
        name: Set("Olomoucký kraj".into()),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    let district = district::ActiveModel {
        region_id: Set(region.id),
        slug: Set("sumperk".into()),
        name: Set("Šumperk".into()),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    let fair = fair::ActiveModel {
        slug: Set("bench".into()),
        name: Set("Úspěch pro každého žáka".into()),
        venue: Set("Olomouc".into()),
        description: Set(String::new()),
        timezone: Set("Europe/Prague".into()),
        starts_at: Set(start),
        ends_at: Set(start + Duration::hours(8)),
        status: Set(ActivityStatus::Scheduled),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    let mut workshops = Vec::new();
    for i in 0..20 {
        let workshop = activity::ActiveModel {
            kind: Set(ActivityKind::Workshop),
            fair_id: Set(Some(fair.id)),
            title: Set(format!("Čtenářská gramotnost a wellbeing, dílna č. {i}")),
            description: Set(String::new()),
            starts_at: Set(start + Duration::minutes(30 * (i % 12))),
            ends_at: Set(start + Duration::minutes(30 * (i % 12) + 90)),
            capacity: Set(100_000),
            taken: Set(0),
            waitlist_enabled: Set(true),
            status: Set(ActivityStatus::Scheduled),
            revision: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await
        .unwrap();
        workshops.push(workshop.id);
    }
    let statuses = [
        RegistrationStatus::Confirmed,
        RegistrationStatus::Confirmed,
        RegistrationStatus::Attended,
        RegistrationStatus::Pending,
        RegistrationStatus::Waitlisted,
    ];
    let txn = conn.begin().await.unwrap();
    for batch in (0..rows).collect::<Vec<_>>().chunks(BATCH) {
        let people = batch.iter().map(|&i| person::ActiveModel {
            email: Set(format!("ucitel.{i}@zs-sumperk.cz")),
            name: Set(if i % 100 == 0 {
                format!("=cmd{i}")
            } else {
                format!("Jana Nováková-Štěpánková {i}")
            }),
            organisation: Set(Some(format!("ZŠ a MŠ Šumperk, Žerotínova {}", i % 500))),
            role: Set(Some("teacher".into())),
            district_id: Set(Some(district.id)),
            language: Set("cs".into()),
            manage_token_hash: Set(format!("bench-manage-{i}")),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        person::Entity::insert_many(people)
            .exec_without_returning(&txn)
            .await
            .unwrap();
        // A fresh table: the people's ids are 1, 2, … in insertion order (checked below).
        let registrations = batch.iter().map(|&i| {
            let status = statuses[i % statuses.len()];
            registration::ActiveModel {
                person_id: Set(i as i32 + 1),
                activity_id: Set(workshops[i % workshops.len()]),
                status: Set(status),
                consent_version: Set("2026-11".into()),
                created_at: Set(now),
                updated_at: Set(now),
                confirmed_at: Set((status != RegistrationStatus::Pending).then_some(now)),
                checked_in_at: Set((status == RegistrationStatus::Attended).then_some(start)),
                ..Default::default()
            }
        });
        registration::Entity::insert_many(registrations)
            .exec_without_returning(&txn)
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();
    let last = person::Entity::find_by_id(rows as i32)
        .one(conn)
        .await
        .unwrap()
        .expect("the last person");
    assert_eq!(last.email, format!("ucitel.{}@zs-sumperk.cz", rows - 1));
}
