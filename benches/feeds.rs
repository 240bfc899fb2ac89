//! `cargo bench --bench feeds`: how fast the calendar feeds are served and built.
//!
//! Starts the real server (the production routes, on SQLite in a temp dir) with generated
//! fairs of 1,000 and 10,000 workshops, then, in one run:
//!
//! 1. drives `GET /fairs/bench-1000/calendar.ics` and a bench-only route that returns the same
//!    bytes from a static buffer, each with a fixed number of concurrent requests over loopback
//!    for a fixed time (alternating, twice each), and prints requests per second of both and
//!    their ratio (target: the feed at ≥ 80 % of the static buffer);
//! 2. builds the 10,000-event feed from the database several times, bypassing the cache, and
//!    prints the time (target: < 100 ms).
//!
//! `BENCH_SECONDS` (default 4) sets the time per measured round, `BENCH_CONCURRENCY` (default
//! 16) the requests in flight. The static route exists only in this process.

use std::{
    env,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use bytes::Bytes;
use chrono::{Duration as Days, TimeZone, Utc};
use chrono_tz::Europe::Prague;
use entity::{activity, enums::*, fair, speaker};
use poem::{
    EndpointExt, Response, Server, get, handler,
    listener::{Acceptor, Listener, TcpListener},
    web::Data,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use veletrh::{
    calendar::{self, FeedRequest},
    config::{Config, MailTransport},
    i18n::Lang,
    startup::{self, AppState, Application},
};

const BASE_URL: &str = "https://veletrh.example.cz";
const STATIC_PATH: &str = "/bench-only/static.ics";

#[derive(Clone)]
struct StaticFeed(Bytes);

#[handler]
fn static_feed(Data(feed): Data<&StaticFeed>) -> Response {
    Response::builder()
        .content_type("text/calendar; charset=utf-8")
        .body(feed.0.clone())
}

fn setting(name: &str, default: u64) -> u64 {
    env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let seconds = setting("BENCH_SECONDS", 4);
    let concurrency = setting("BENCH_CONCURRENCY", 16) as usize;
    let dir = tempfile::tempdir().expect("a temp dir");
    let config = Config {
        database_url: format!("sqlite://{}/bench.db?mode=rwc", dir.path().display()),
        bind: ([127, 0, 0, 1], 0).into(),
        base_url: BASE_URL.into(),
        mail: MailTransport::Files(dir.path().join("mail")),
        load_demo: false,
        ..Config::default()
    };
    let app = Application::build(config).await.expect("the app builds");
    let state = app.state().clone();
    // Only the state is kept: the server below serves the production routes plus the static
    // one, which production never has.
    drop(app);

    let started = Instant::now();
    generate_fair(&state, "bench-1000", 1_000).await;
    generate_fair(&state, "bench-10000", 10_000).await;
    // A running database is checkpointed now and then; one just bulk-loaded reads every page
    // through its write-ahead log, which is not what the feeds meet in production.
    state
        .db
        .conn()
        .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .expect("a checkpoint");
    println!(
        "generated fairs of 1,000 and 10,000 workshops in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // The bytes the feed route serves, for the static route.
    let conn = state.db.conn();
    let feed_path = "/fairs/bench-1000/calendar.ics";
    let acceptor = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .expect("a port");
    let address = acceptor.local_addr()[0]
        .as_socket_addr()
        .copied()
        .expect("a TCP address");
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(concurrency)
        .build()
        .expect("a client");
    let body = calendar::fair_ics(conn, "bench-1000", Lang::Cs, BASE_URL)
        .await
        .expect("the database answers")
        .expect("the fair exists");
    let routes = startup::routes(BASE_URL)
        .at(
            STATIC_PATH,
            get(static_feed).data(StaticFeed(Bytes::from(body.clone()))),
        )
        .data(state.clone());
    tokio::spawn(Server::new_with_acceptor(acceptor).run(routes));

    let base = format!("http://{address}");
    let served = client
        .get(format!("{base}{feed_path}"))
        .send()
        .await
        .expect("the feed answers")
        .bytes()
        .await
        .expect("a body");
    assert_eq!(
        served,
        body.as_bytes(),
        "the static route serves the feed's bytes"
    );
    let builds_before = state.feeds.builds();

    println!(
        "\nthroughput: {concurrency} concurrent GETs over loopback, {seconds} s per round, \
         2 rounds per route, response {} bytes\n",
        body.len()
    );
    let mut totals = [(0u64, 0f64); 2];
    let routes = [STATIC_PATH, feed_path];
    for round in 0..2 {
        // Static first in the first round, feed first in the second: neither gains from going
        // second (a warmer machine) in both.
        let order = if round == 0 { [0, 1] } else { [1, 0] };
        for i in order {
            let path = routes[i];
            let url = format!("{base}{path}");
            // Warm-up, not counted.
            drive(&client, &url, concurrency, Duration::from_millis(500)).await;
            let (done, elapsed) =
                drive(&client, &url, concurrency, Duration::from_secs(seconds)).await;
            println!(
                "  round {}: {path:<32} {:>9.0} req/s",
                round + 1,
                done as f64 / elapsed
            );
            totals[i].0 += done;
            totals[i].1 += elapsed;
        }
    }
    let rate = |(done, elapsed): (u64, f64)| done as f64 / elapsed;
    let (static_rate, feed_rate) = (rate(totals[0]), rate(totals[1]));
    let rebuilt = state.feeds.builds() - builds_before;

    // Build time of the 10,000-event feed, from the database, no cache.
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..7 {
        let t = Instant::now();
        let text = calendar::fair_ics(conn, "bench-10000", Lang::Cs, BASE_URL)
            .await
            .expect("the database answers")
            .expect("the fair exists");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        size = text.len();
    }
    times.sort_by(f64::total_cmp);
    // Where the time goes: loading from the database, and writing the text.
    let (mut load, mut write) = (Vec::new(), Vec::new());
    let probe = calendar::source::probe(conn, FeedRequest::Fair("bench-10000"))
        .await
        .expect("the database answers")
        .expect("the fair exists");
    for _ in 0..5 {
        let t = Instant::now();
        let programme = calendar::source::load(conn, &probe.feed, Lang::Cs)
            .await
            .expect("the database answers")
            .expect("the fair exists");
        load.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        calendar::feed::write(&programme, Lang::Cs, BASE_URL);
        write.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    load.sort_by(f64::total_cmp);
    write.sort_by(f64::total_cmp);
    // The per-request cost of a cached feed: reading its stamp.
    let t = Instant::now();
    let probes = 500;
    for _ in 0..probes {
        calendar::source::probe(conn, FeedRequest::Fair("bench-1000"))
            .await
            .expect("the database answers");
    }
    let probe_us = t.elapsed().as_secs_f64() * 1e6 / f64::from(probes);

    println!("\n| route | req/s |");
    println!("|---|---:|");
    println!("| `{STATIC_PATH}` (static buffer) | {static_rate:.0} |");
    println!("| `{feed_path}` (1,000 events) | {feed_rate:.0} |");
    println!(
        "\nfeed / static: {:.1} % (target ≥ 80 %; over 100 % is noise); feed rebuilt {rebuilt} \
         times during the runs",
        100.0 * feed_rate / static_rate
    );
    println!(
        "building the 10,000-event feed from the database ({:.1} MB): median {:.1} ms, \
         min {:.1} ms, max {:.1} ms over {} builds (target < 100 ms)",
        size as f64 / 1e6,
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        times.len()
    );
    println!(
        "  of which loading from the database: median {:.1} ms; writing the text: median {:.1} ms",
        load[load.len() / 2],
        write[write.len() / 2]
    );
    println!("reading the stamp of the 1,000-event feed (one query): {probe_us:.0} µs");
}

/// GETs `url` with `concurrency` requests in flight for `duration`; returns the completed
/// requests and the seconds they took.
async fn drive(
    client: &reqwest::Client,
    url: &str,
    concurrency: usize,
    duration: Duration,
) -> (u64, f64) {
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, url) = (client.clone(), url.to_owned());
            let (done, stop) = (done.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let response = client.get(&url).send().await.expect("an answer");
                    assert_eq!(response.status(), 200);
                    response.bytes().await.expect("a body");
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await.expect("a worker ends");
    }
    (
        done.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64(),
    )
}

/// A fair of `count` workshops over a year (so across both daylight-saving changes), each with
/// a Czech title and description, a room and two speakers.
async fn generate_fair(state: &AppState, slug: &str, count: usize) {
    let now = Utc::now();
    let first_day = Prague.with_ymd_and_hms(2027, 1, 11, 8, 0, 0).unwrap();
    let txn = state.db.begin_write().await.expect("a transaction");
    let fair = fair::ActiveModel {
        slug: Set(slug.into()),
        name: Set(format!("Veletrh {slug}: Úspěch pro každého žáka")),
        venue: Set("Výstaviště Brno, pavilon G2, Výstaviště 405/1".into()),
        description: Set("Generovaný veletrh pro měření rychlosti kalendářů.".into()),
        timezone: Set("Europe/Prague".into()),
        starts_at: Set(first_day.with_timezone(&Utc)),
        ends_at: Set((first_day + Days::days(365)).with_timezone(&Utc)),
        status: Set(ActivityStatus::Scheduled),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await
    .expect("a fair");
    let rows: Vec<activity::ActiveModel> = (0..count)
        .map(|n| {
            let day = first_day + Days::days((n % 365) as i64);
            let start = day + Days::minutes(30 * (n / 365 % 16) as i64);
            activity::ActiveModel {
                kind: Set(ActivityKind::Workshop),
                fair_id: Set(Some(fair.id)),
                title: Set(format!(
                    "Workshop č. {n}: Jak rozvíjet čtenářskou gramotnost, wellbeing a \
                     spolupráci žáků; praxe škol"
                )),
                description: Set(
                    "Ukážeme, jak sdílené vedení pomáhá učitelům i žákům: plánování rozvoje \
                     školy, práce s daty o výsledcích žáků a podpora začínajících učitelů.\n\
                     Přineste si vlastní notebook."
                        .into(),
                ),
                topic: Set(Some("Průřezová témata OP".into())),
                room: Set(Some(format!("Sál {}", n % 7 + 1))),
                starts_at: Set(start.with_timezone(&Utc)),
                ends_at: Set((start + Days::minutes(90)).with_timezone(&Utc)),
                capacity: Set(30),
                taken: Set(0),
                waitlist_enabled: Set(true),
                status: Set(if n % 50 == 0 {
                    ActivityStatus::Cancelled
                } else {
                    ActivityStatus::Scheduled
                }),
                revision: Set(1 + (n % 3) as i32),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        })
        .collect();
    for chunk in rows.chunks(500) {
        activity::Entity::insert_many(chunk.to_vec())
            .exec(&*txn)
            .await
            .expect("workshops");
    }
    let ids: Vec<i32> = activity::Entity::find()
        .select_only()
        .column(activity::Column::Id)
        .filter(activity::Column::FairId.eq(fair.id))
        .order_by_asc(activity::Column::Id)
        .into_tuple()
        .all(&*txn)
        .await
        .expect("workshop ids");
    let speakers: Vec<speaker::ActiveModel> = ids
        .iter()
        .flat_map(|&id| {
            [
                ("H. Košťálová", "Pomáháme školám k úspěchu"),
                ("M. Kafková", "Pomáháme školám k úspěchu"),
            ]
            .into_iter()
            .enumerate()
            .map(
                move |(position, (name, organisation))| speaker::ActiveModel {
                    activity_id: Set(id),
                    position: Set(position as i32),
                    name: Set(name.into()),
                    organisation: Set(Some(organisation.into())),
                    ..Default::default()
                },
            )
        })
        .collect();
    for chunk in speakers.chunks(1000) {
        speaker::Entity::insert_many(chunk.to_vec())
            .exec(&*txn)
            .await
            .expect("speakers");
    }
    txn.commit().await.expect("commit");
}
