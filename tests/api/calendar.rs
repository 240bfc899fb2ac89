//! The iCalendar feeds, read back three ways: our own reading of the bytes (RFC 5545 unfolding
//! and TEXT unescaping), the `ical` crate's parser, and `../shared/ical-check/check-ics` (the
//! parsers of real calendar clients) where it is installed.

use std::{collections::HashMap, path::PathBuf, process::Command};

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Europe::Prague;
use entity::{
    activity, district,
    enums::{ActivityKind, ActivityStatus, RegistrationStatus},
    fair, person, region, registration, speaker,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use veletrh::{calendar, demo, domain::token::NewToken, i18n::Lang};

use crate::helpers::{Backend, TestApp, on_both_backends, spawn_app, spawn_app_with};

// ---------------------------------------------------------------------------------------------
// Reading feeds

/// One content line: name, parameters, value (TEXT still escaped).
#[derive(Clone, Debug)]
struct Line {
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

/// A component as a list of lines and sub-components.
#[derive(Clone, Debug, Default)]
struct Component {
    name: String,
    lines: Vec<Line>,
    children: Vec<Component>,
}

impl Component {
    fn get(&self, name: &str) -> Option<&Line> {
        self.lines.iter().find(|l| l.name == name)
    }

    fn value(&self, name: &str) -> &str {
        self.get(name)
            .map(|l| l.value.as_str())
            .unwrap_or_else(|| panic!("{name} in {}", self.name))
    }

    /// A TEXT value, unescaped.
    fn text(&self, name: &str) -> String {
        unescape(self.value(name))
    }

    fn children(&self, name: &str) -> Vec<&Component> {
        self.children.iter().filter(|c| c.name == name).collect()
    }
}

/// The calendar as RFC 5545 describes its bytes: CRLF lines, a leading space continues a line.
fn read(body: &str) -> Component {
    assert!(body.ends_with("\r\n"), "ends with CRLF");
    let mut logical: Vec<String> = Vec::new();
    for physical in body.strip_suffix("\r\n").unwrap().split("\r\n") {
        assert!(
            physical.len() <= 75,
            "a line of {} octets: {physical:?}",
            physical.len()
        );
        assert!(!physical.contains(['\r', '\n']), "bare CR or LF");
        match physical.strip_prefix(' ') {
            Some(rest) => logical.last_mut().unwrap().push_str(rest),
            None => logical.push(physical.to_owned()),
        }
    }
    let mut stack = vec![Component::default()];
    for text in logical {
        let line = parse_line(&text);
        match line.name.as_str() {
            "BEGIN" => stack.push(Component {
                name: line.value,
                ..Component::default()
            }),
            "END" => {
                let done = stack.pop().unwrap();
                assert_eq!(done.name, line.value, "BEGIN/END match");
                stack.last_mut().unwrap().children.push(done);
            }
            _ => stack.last_mut().unwrap().lines.push(line),
        }
    }
    let mut root = stack.pop().unwrap();
    assert!(stack.is_empty());
    assert_eq!(root.children.len(), 1, "one VCALENDAR");
    root.children.pop().unwrap()
}

fn parse_line(text: &str) -> Line {
    // The name and parameters end at the first colon outside quotes.
    let mut quoted = false;
    let split = text
        .char_indices()
        .find(|&(_, c)| {
            if c == '"' {
                quoted = !quoted;
            }
            c == ':' && !quoted
        })
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("a colon in {text:?}"));
    let (head, value) = (&text[..split], &text[split + 1..]);
    let mut parts = head.split(';');
    let name = parts.next().unwrap().to_owned();
    let params = parts
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_owned(), v.trim_matches('"').to_owned())
        })
        .collect();
    Line {
        name,
        params,
        value: value.to_owned(),
    }
}

fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(c) => out.push(c),
                None => panic!("a lone backslash in {value:?}"),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn events(calendar: &Component) -> Vec<&Component> {
    calendar.children("VEVENT")
}

fn event_with_uid<'a>(calendar: &'a Component, uid: &str) -> &'a Component {
    events(calendar)
        .into_iter()
        .find(|e| e.value("UID") == uid)
        .unwrap_or_else(|| panic!("an event {uid}"))
}

/// Also read by the `ical` crate: same number of events, each with the same UID. (It does not
/// unescape TEXT and drops spaces before a fold, so the texts are compared by `read` instead.)
fn assert_ical_crate_reads(body: &str, expected_events: usize) {
    let mut parsed = ical::IcalParser::new(body.as_bytes());
    let calendar = parsed.next().expect("a calendar").expect("it parses");
    assert!(parsed.next().is_none());
    assert_eq!(calendar.events.len(), expected_events);
    let ours = read(body);
    for (theirs, ours) in calendar.events.iter().zip(events(&ours)) {
        let uid = theirs
            .properties
            .iter()
            .find(|p| p.name == "UID")
            .and_then(|p| p.value.clone());
        assert_eq!(uid.as_deref(), Some(ours.value("UID")));
    }
    assert!(!calendar.timezones.is_empty() || expected_events == 0);
}

struct Fetched {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Fetched {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("a {name} header"))
            .to_str()
            .unwrap()
    }

    fn calendar(&self) -> Component {
        assert_eq!(self.status, 200, "{}", self.body);
        read(&self.body)
    }
}

async fn fetch(app: &TestApp, path: &str) -> Fetched {
    fetch_with(app, path, &[]).await
}

async fn fetch_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Fetched {
    let mut request = app.client.get(format!("{}{path}", app.address));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request sent");
    Fetched {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

fn fair_path() -> String {
    format!("/fairs/{}/calendar.ics", demo::FAIR_SLUG)
}

// ---------------------------------------------------------------------------------------------
// Arranging data (there is no organiser API yet: rows are written as its edits would)

/// The app with feeds that see every change committed before a request (in production a stamp
/// read may be up to a second old; `the_default_window_…` tests that).
async fn exact_app(backend: Backend) -> TestApp {
    let app = spawn_app(backend).await;
    app.state.feeds.revalidate_after(std::time::Duration::ZERO);
    app
}

async fn demo_workshops(app: &TestApp) -> Vec<activity::Model> {
    let mut all = activity::Entity::find()
        .filter(activity::Column::Kind.eq(ActivityKind::Workshop))
        .all(app.state.db.conn())
        .await
        .unwrap();
    all.sort_by_key(|a| (a.starts_at, a.id));
    all
}

async fn series_meetings(app: &TestApp) -> Vec<activity::Model> {
    let mut all = activity::Entity::find()
        .filter(activity::Column::SeriesId.is_not_null())
        .all(app.state.db.conn())
        .await
        .unwrap();
    all.sort_by_key(|a| a.starts_at);
    all
}

/// Edits an activity the way the organiser's edit does: the change, `revision + 1` and a new
/// `updated_at` (at least a second later, so LAST-MODIFIED can show it).
async fn edit(app: &TestApp, id: i32, change: impl FnOnce(&mut activity::ActiveModel)) {
    let conn = app.state.db.conn();
    let old = activity::Entity::find_by_id(id)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let mut row: activity::ActiveModel = old.clone().into();
    change(&mut row);
    row.revision = Set(old.revision + 1);
    row.updated_at = Set(Utc::now().max(old.updated_at + Duration::seconds(1)));
    row.update(conn).await.unwrap();
}

fn uid_of(a: &activity::Model) -> String {
    calendar::feed::uid(a)
}

/// A person with a feed token and registrations in the given statuses; returns the token.
async fn person_with(
    app: &TestApp,
    email: &str,
    language: &str,
    registrations: &[(i32, RegistrationStatus)],
) -> (person::Model, String) {
    let conn = app.state.db.conn();
    let now = Utc::now();
    let feed = NewToken::generate();
    let person = person::ActiveModel {
        email: Set(email.into()),
        name: Set("Jana Nováková".into()),
        language: Set(language.into()),
        manage_token_hash: Set(NewToken::generate().hash),
        feed_token_hash: Set(Some(feed.hash.clone())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    for &(activity_id, status) in registrations {
        registration::ActiveModel {
            person_id: Set(person.id),
            activity_id: Set(activity_id),
            status: Set(status),
            consent_version: Set("2026-11".into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await
        .unwrap();
    }
    (person, feed.plain)
}

fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Prague
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

/// A fair in 2027 whose sessions sit around both daylight-saving changes, returned with its
/// slug. Sessions: (title, start, end) in UTC.
async fn dst_fair(app: &TestApp) -> (String, Vec<activity::Model>) {
    let conn = app.state.db.conn();
    let now = Utc::now();
    let fair = fair::ActiveModel {
        slug: Set("veletrh-2027".into()),
        name: Set("Veletrh 2027: jaro, podzim".into()),
        venue: Set("Výstaviště Brno, pavilon G2".into()),
        description: Set(String::new()),
        timezone: Set("Europe/Prague".into()),
        starts_at: Set(local(2027, 3, 27, 9, 0)),
        ends_at: Set(local(2027, 11, 1, 18, 0)),
        status: Set(ActivityStatus::Scheduled),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    // The last Sundays: 28 March and 31 October 2027.
    let sessions = [
        (
            "Sobota před jarní změnou",
            local(2027, 3, 27, 10, 0),
            local(2027, 3, 27, 11, 30),
        ),
        (
            "Pondělí po jarní změně",
            local(2027, 3, 29, 10, 0),
            local(2027, 3, 29, 11, 30),
        ),
        (
            "Sobota před podzimní změnou",
            local(2027, 10, 30, 10, 0),
            local(2027, 10, 30, 11, 30),
        ),
        (
            "Pondělí po podzimní změně",
            local(2027, 11, 1, 10, 0),
            local(2027, 11, 1, 11, 30),
        ),
        // 22:00 summer time to 06:00 winter time: nine hours.
        (
            "Noc přes změnu času",
            local(2027, 10, 30, 22, 0),
            local(2027, 10, 31, 6, 0),
        ),
        // The second 02:30 of 31 October (CET), which a TZID cannot name.
        (
            "Ve druhou půl třetí",
            Utc.with_ymd_and_hms(2027, 10, 31, 1, 30, 0).unwrap(),
            Utc.with_ymd_and_hms(2027, 10, 31, 2, 30, 0).unwrap(),
        ),
    ];
    let mut out = Vec::new();
    for (title, start, end) in sessions {
        out.push(
            activity::ActiveModel {
                kind: Set(ActivityKind::Workshop),
                fair_id: Set(Some(fair.id)),
                title: Set(title.into()),
                description: Set(String::new()),
                room: Set(Some("Sál A".into())),
                starts_at: Set(start),
                ends_at: Set(end),
                capacity: Set(10),
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
            .unwrap(),
        );
    }
    (fair.slug, out)
}

/// A workshop of the demo fair whose texts hold everything TEXT escaping and folding must
/// handle.
async fn awkward_workshop(app: &TestApp) -> activity::Model {
    let conn = app.state.db.conn();
    let fair = fair::Entity::find()
        .filter(fair::Column::Slug.eq(demo::FAIR_SLUG))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let now = Utc::now();
    let workshop = activity::ActiveModel {
        kind: Set(ActivityKind::Workshop),
        fair_id: Set(Some(fair.id)),
        title: Set("Čtení, psaní; počítání \\ a 😀 — \"úplně\" všechno: řeč, žáci, 👩‍🏫".into()),
        description: Set(
            "První řádek\r\nDruhý řádek\nTřetí; s čárkou, a zpětným lomítkem \\n (ne nový řádek)\r\
             \nDlouhý řádek: Příliš žluťoučký kůň úpěl ďábelské ódy, příliš žluťoučký kůň úpěl \
             ďábelské ódy, příliš žluťoučký kůň úpěl ďábelské ódy. 🎉🎉🎉"
                .into(),
        ),
        topic: Set(Some("Gramotnosti, čtenářská; matematická".into())),
        room: Set(Some("Učebna 3, 2. patro; vlevo".into())),
        starts_at: Set(fair.starts_at + Duration::hours(6)),
        ends_at: Set(fair.starts_at + Duration::hours(7)),
        capacity: Set(12),
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
    speaker::ActiveModel {
        activity_id: Set(workshop.id),
        position: Set(0),
        name: Set("Zdeňka Šťastná, Ph.D.".into()),
        organisation: Set(Some("Ústav; „Škola, která baví“".into())),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    workshop
}

// ---------------------------------------------------------------------------------------------
// check-ics

fn check_ics_path() -> Option<PathBuf> {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/ical-check/check-ics"
    ));
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "\n!!! {} is absent: the feeds were NOT checked against real calendar clients' \
             parsers !!!\n",
            path.display()
        );
        None
    }
}

/// Runs check-ics on feeds written to files and on feed URLs with `--http`; fails with its
/// report when any check fails.
fn check_ics(name: &str, files: &[(&str, &str)], urls: &[String]) {
    let Some(tool) = check_ics_path() else {
        return;
    };
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "calendar-{name}-{}-{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = Command::new(tool);
    for (file, body) in files {
        let path = dir.join(file);
        std::fs::write(&path, body).unwrap();
        command.arg(path);
    }
    for url in urls {
        command.arg("--http").arg(url);
    }
    let out = command.output().expect("check-ics runs");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "check-ics failed:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "check-ics on {name}: {}",
        report.lines().last().unwrap_or_default()
    );
    if report.contains("SKIP ") {
        eprintln!("!!! check-ics skipped some parsers:\n{report}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

// ---------------------------------------------------------------------------------------------
// Tests

async fn the_fair_feed_lists_every_workshop_with_what_clients_need(backend: Backend) {
    let app = exact_app(backend).await;
    let fetched = fetch(&app, &fair_path()).await;
    assert_eq!(fetched.status, 200);
    assert_eq!(
        fetched.header("content-type"),
        "text/calendar; charset=utf-8"
    );
    let calendar = fetched.calendar();
    assert_ical_crate_reads(&fetched.body, 7);

    assert_eq!(calendar.value("VERSION"), "2.0");
    assert!(calendar.value("PRODID").starts_with("-//veletrh//"));
    assert_eq!(calendar.value("CALSCALE"), "GREGORIAN");
    assert_eq!(calendar.text("X-WR-CALNAME"), "Úspěch pro každého žáka");
    assert_eq!(calendar.value("X-WR-TIMEZONE"), "Europe/Prague");
    let refresh = calendar.get("REFRESH-INTERVAL").unwrap();
    assert_eq!(
        refresh.params,
        [("VALUE".to_owned(), "DURATION".to_owned())]
    );
    assert_eq!(refresh.value, "PT1H");
    assert_eq!(calendar.value("X-PUBLISHED-TTL"), "PT1H");
    let zones = calendar.children("VTIMEZONE");
    assert_eq!(zones.len(), 1);
    assert_eq!(zones[0].value("TZID"), "Europe/Prague");
    assert_eq!(
        zones[0].children("DAYLIGHT")[0].value("RRULE"),
        "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"
    );
    assert!(zones[0].get("RDATE").is_none());

    let workshops = demo_workshops(&app).await;
    let events = events(&calendar);
    assert_eq!(events.len(), workshops.len());
    for (event, workshop) in events.iter().zip(&workshops) {
        assert_eq!(event.value("UID"), uid_of(workshop));
        for name in ["DTSTAMP", "CREATED", "LAST-MODIFIED"] {
            let v = event.value(name);
            assert!(v.ends_with('Z') && v.len() == 16, "{name}:{v} in UTC");
        }
        assert_eq!(event.value("SEQUENCE"), "0");
        assert_eq!(event.value("STATUS"), "CONFIRMED");
        let start = event.get("DTSTART").unwrap();
        assert_eq!(
            start.params,
            [("TZID".to_owned(), "Europe/Prague".to_owned())]
        );
        let local = workshop.starts_at.with_timezone(&Prague);
        assert_eq!(start.value, local.format("%Y%m%dT%H%M%S").to_string());
        assert_eq!(event.text("SUMMARY"), workshop.title);
        assert!(
            event
                .value("URL")
                .ends_with(&format!("/workshops/{}", workshop.id))
        );
        assert!(
            event
                .text("LOCATION")
                .ends_with("Kampus Hybernská, Hybernská 4, Praha 1")
        );
        assert_eq!(event.value("CATEGORIES"), "Workshop,Průřezová témata OP");
    }
    let two_speakers = event_with_uid(&calendar, &uid_of(&workshops[1]));
    let description = two_speakers.text("DESCRIPTION");
    assert!(
        description.contains(
            "Přednášející: H. Košťálová, M. Kafková (Pomáháme školám k úspěchu)\nMístnost: Sál B\n"
        ),
        "{description}"
    );
    assert!(description.contains("Veletrh: Úspěch pro každého žáka"));
}

async fn feeds_speak_english_when_asked(backend: Backend) {
    let app = exact_app(backend).await;
    let calendar = fetch(&app, &format!("{}?lang=en", fair_path()))
        .await
        .calendar();
    let event = events(&calendar)[0];
    let description = event.text("DESCRIPTION");
    assert!(
        description.contains("Speakers: L. Pospíšil (Učitel naživo)"),
        "{description}"
    );
    assert!(description.contains("Room: Sál A"));
    assert!(description.contains("Link: http://127.0.0.1:"));
    let meetings = fetch(&app, "/meetings/calendar.ics?lang=en")
        .await
        .calendar();
    assert_eq!(
        meetings.text("X-WR-CALNAME"),
        "District partnership meetings"
    );
    assert!(
        events(&meetings)[0]
            .value("CATEGORIES")
            .starts_with("Meeting")
    );
}

async fn a_fair_across_both_daylight_saving_changes_keeps_its_local_times(backend: Backend) {
    let app = exact_app(backend).await;
    let (slug, sessions) = dst_fair(&app).await;
    let fetched = fetch(&app, &format!("/fairs/{slug}/calendar.ics")).await;
    let calendar = fetched.calendar();
    let by_title: HashMap<String, &Component> = events(&calendar)
        .into_iter()
        .map(|e| (e.text("SUMMARY"), e))
        .collect();
    let zoned = |title: &str, name: &str| {
        let line = by_title[title].get(name).unwrap().clone();
        assert_eq!(
            line.params,
            [("TZID".to_owned(), "Europe/Prague".to_owned())],
            "{title}"
        );
        line.value
    };
    // The same wall-clock time on both sides of each change …
    assert_eq!(
        zoned("Sobota před jarní změnou", "DTSTART"),
        "20270327T100000"
    );
    assert_eq!(
        zoned("Pondělí po jarní změně", "DTSTART"),
        "20270329T100000"
    );
    assert_eq!(
        zoned("Sobota před podzimní změnou", "DTSTART"),
        "20271030T100000"
    );
    assert_eq!(
        zoned("Pondělí po podzimní změně", "DTSTART"),
        "20271101T100000"
    );
    // … a night across the autumn change, and the repeated hour, written in UTC.
    assert_eq!(zoned("Noc přes změnu času", "DTSTART"), "20271030T220000");
    assert_eq!(zoned("Noc přes změnu času", "DTEND"), "20271031T060000");
    let repeated = by_title["Ve druhou půl třetí"];
    assert_eq!(repeated.value("DTSTART"), "20271031T013000Z");
    assert!(repeated.get("DTSTART").unwrap().params.is_empty());
    assert_eq!(zoned("Ve druhou půl třetí", "DTEND"), "20271031T033000");
    // The instants behind them differ by the change: 09:00 UTC in winter, 08:00 in summer.
    assert_eq!(sessions[0].starts_at.format("%H:%M").to_string(), "09:00");
    assert_eq!(sessions[1].starts_at.format("%H:%M").to_string(), "08:00");
    // The VTIMEZONE says so in the yearly form, and real clients agree on every instant.
    let zone = calendar.children("VTIMEZONE")[0];
    assert_eq!(
        zone.children("STANDARD")[0].value("RRULE"),
        "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"
    );
    assert_eq!(zone.children("STANDARD")[0].value("TZOFFSETFROM"), "+0200");
    assert_eq!(zone.children("STANDARD")[0].value("TZOFFSETTO"), "+0100");
    check_ics("dst", &[("dst.ics", &fetched.body)], &[]);
}

async fn an_edit_raises_sequence_and_last_modified_and_keeps_the_uid(backend: Backend) {
    let app = exact_app(backend).await;
    let workshop = demo_workshops(&app).await[0].clone();
    let before = fetch(&app, &fair_path()).await;
    let old = event_with_uid(&before.calendar(), &uid_of(&workshop)).clone();

    edit(&app, workshop.id, |row| {
        row.title = Set("Pedagogický leadership (přesunuto)".into());
        row.starts_at = Set(workshop.starts_at + Duration::hours(1));
        row.ends_at = Set(workshop.ends_at + Duration::hours(1));
    })
    .await;

    let after = fetch(&app, &fair_path()).await;
    assert_ne!(after.header("etag"), before.header("etag"));
    let calendar = after.calendar();
    let new = event_with_uid(&calendar, &uid_of(&workshop));
    assert_eq!(new.value("SEQUENCE"), "1");
    assert!(new.value("LAST-MODIFIED") > old.value("LAST-MODIFIED"));
    assert!(new.value("DTSTAMP") > old.value("DTSTAMP"));
    assert_eq!(new.value("CREATED"), old.value("CREATED"));
    assert_eq!(new.text("SUMMARY"), "Pedagogický leadership (přesunuto)");
    let moved = (workshop.starts_at + Duration::hours(1)).with_timezone(&Prague);
    assert_eq!(
        new.value("DTSTART"),
        moved.format("%Y%m%dT%H%M%S").to_string()
    );
    assert_eq!(events(&calendar).len(), 7);
    // The single-activity feed and the email attachment say the same.
    let single = fetch(&app, &format!("/workshops/{}/calendar.ics", workshop.id)).await;
    let attachment = calendar::SeatEvent::load(app.state.db.conn(), workshop.id, Lang::Cs)
        .await
        .unwrap()
        .unwrap()
        .ics(&app.state.config.base_url, None);
    assert_eq!(single.body, attachment);
    assert_eq!(
        event_with_uid(&single.calendar(), &uid_of(&workshop)).value("SEQUENCE"),
        "1"
    );
}

async fn a_cancelled_activity_stays_in_the_feed_as_cancelled(backend: Backend) {
    let app = exact_app(backend).await;
    let workshop = demo_workshops(&app).await[2].clone();
    edit(&app, workshop.id, |row| {
        row.status = Set(ActivityStatus::Cancelled)
    })
    .await;
    let calendar = fetch(&app, &fair_path()).await.calendar();
    assert_eq!(events(&calendar).len(), 7, "nothing vanishes");
    let event = event_with_uid(&calendar, &uid_of(&workshop));
    assert_eq!(event.value("STATUS"), "CANCELLED");
    assert_eq!(event.value("SEQUENCE"), "1");
    assert_eq!(
        event.text("SUMMARY"),
        format!("ZRUŠENO: {}", workshop.title)
    );
    assert!(
        event
            .text("DESCRIPTION")
            .starts_with("Tato akce byla zrušena.")
    );
    let others = events(&calendar)
        .into_iter()
        .filter(|e| e.value("STATUS") == "CONFIRMED");
    assert_eq!(others.count(), 6);
}

async fn an_edited_occurrence_of_a_series_changes_only_its_own_event(backend: Backend) {
    let app = exact_app(backend).await;
    let series = series_meetings(&app).await;
    assert_eq!(series.len(), 6);
    let before = fetch(&app, "/meetings/calendar.ics").await.calendar();
    let third = &series[2];
    edit(&app, third.id, |row| {
        row.starts_at = Set(third.starts_at + Duration::days(1));
        row.ends_at = Set(third.ends_at + Duration::days(1));
        row.place = Set(Some("Jihlava, Masarykovo nám. 1".into()));
    })
    .await;
    let fifth = &series[4];
    edit(&app, fifth.id, |row| {
        row.status = Set(ActivityStatus::Cancelled)
    })
    .await;

    let after = fetch(&app, "/meetings/calendar.ics").await.calendar();
    assert_eq!(events(&after).len(), events(&before).len());
    for (n, occurrence) in series.iter().enumerate() {
        let old = event_with_uid(&before, &uid_of(occurrence));
        let new = event_with_uid(&after, &uid_of(occurrence));
        assert!(new.get("RRULE").is_none() && new.get("RECURRENCE-ID").is_none());
        match n {
            2 => {
                assert_eq!(new.value("SEQUENCE"), "1");
                assert_eq!(new.text("LOCATION"), "Jihlava, Masarykovo nám. 1");
                assert_ne!(new.value("DTSTART"), old.value("DTSTART"));
                assert_eq!(new.value("STATUS"), "CONFIRMED");
            }
            4 => {
                assert_eq!(new.value("SEQUENCE"), "1");
                assert_eq!(new.value("STATUS"), "CANCELLED");
                assert_eq!(new.value("DTSTART"), old.value("DTSTART"));
            }
            _ => {
                for name in ["SEQUENCE", "DTSTART", "DTEND", "LAST-MODIFIED", "LOCATION"] {
                    assert_eq!(new.value(name), old.value(name), "occurrence {n}: {name}");
                }
            }
        }
    }
    let uids: std::collections::HashSet<_> = events(&after)
        .iter()
        .map(|e| e.value("UID").to_owned())
        .collect();
    assert_eq!(uids.len(), events(&after).len(), "a UID per occurrence");
}

async fn conditional_requests_are_answered_304_without_a_body(backend: Backend) {
    let app = exact_app(backend).await;
    let path = fair_path();
    let first = fetch(&app, &path).await;
    assert_eq!(first.header("cache-control"), "public, max-age=300");
    let etag = first.header("etag").to_owned();
    let last_modified = first.header("last-modified").to_owned();
    assert!(last_modified.ends_with(" GMT"));

    let by_etag = fetch_with(&app, &path, &[("If-None-Match", &etag)]).await;
    assert_eq!(by_etag.status, 304);
    assert!(by_etag.body.is_empty());
    assert_eq!(by_etag.header("etag"), etag);
    let listed = format!("\"other\", W/{etag}");
    assert_eq!(
        fetch_with(&app, &path, &[("If-None-Match", &listed)])
            .await
            .status,
        304
    );
    let by_date = fetch_with(&app, &path, &[("If-Modified-Since", &last_modified)]).await;
    assert_eq!(by_date.status, 304);
    assert!(by_date.body.is_empty());
    let earlier = "Mon, 01 Jan 2024 00:00:00 GMT";
    assert_eq!(
        fetch_with(&app, &path, &[("If-Modified-Since", earlier)])
            .await
            .status,
        200
    );
    // An ETag that does not match decides, whatever the date says.
    let stale = fetch_with(
        &app,
        &path,
        &[
            ("If-None-Match", "\"stale\""),
            ("If-Modified-Since", &last_modified),
        ],
    )
    .await;
    assert_eq!(stale.status, 200);

    // HEAD: the headers of GET, no body.
    let head = app
        .client
        .head(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(
        head.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    assert_eq!(head.headers()["etag"].to_str().unwrap(), etag);
    assert!(head.bytes().await.unwrap().is_empty());

    // After an edit the old validators no longer match.
    let workshop = demo_workshops(&app).await[3].clone();
    edit(&app, workshop.id, |row| {
        row.room = Set(Some("Sál C".into()))
    })
    .await;
    let changed = fetch_with(&app, &path, &[("If-None-Match", &etag)]).await;
    assert_eq!(changed.status, 200);
    assert!(changed.header("last-modified") != last_modified);
    let changed = fetch_with(&app, &path, &[("If-Modified-Since", &last_modified)]).await;
    assert_eq!(changed.status, 200);
}

async fn unknown_feeds_all_answer_the_same_404(backend: Backend) {
    let app = exact_app(backend).await;
    let workshop = demo_workshops(&app).await[0].clone();
    let (person, token) = person_with(&app, "revoked@skola.cz", "cs", &[]).await;
    assert_eq!(
        fetch(&app, &format!("/me/{token}/calendar.ics"))
            .await
            .status,
        200
    );
    // The person turns the link off.
    let mut row: person::ActiveModel = person.into();
    row.feed_token_hash = Set(None);
    row.update(app.state.db.conn()).await.unwrap();

    let never = NewToken::generate().plain;
    let paths = [
        "/fairs/no-such-fair/calendar.ics".to_owned(),
        "/workshops/999999/calendar.ics".to_owned(),
        "/workshops/abc/calendar.ics".to_owned(),
        format!("/meetings/{}/calendar.ics", workshop.id), // a workshop is not a meeting
        "/meetings/calendar.ics?region=atlantida".to_owned(),
        "/meetings/calendar.ics?district=opava&region=olomoucky-kraj".to_owned(),
        format!("/me/{token}/calendar.ics"), // revoked
        format!("/me/{never}/calendar.ics"), // never existed
        "/me/garbage/calendar.ics".to_owned(),
    ];
    let mut bodies = std::collections::HashSet::new();
    for path in &paths {
        let fetched = fetch(&app, path).await;
        assert_eq!(fetched.status, 404, "{path}");
        let content_type = fetched.header("content-type").to_owned();
        bodies.insert((fetched.body, content_type));
    }
    assert_eq!(
        bodies.len(),
        1,
        "one answer for every unknown feed: {bodies:?}"
    );
}

async fn the_personal_feed_holds_confirmed_and_attended_sign_ups_and_cancelled_activities(
    backend: Backend,
) {
    let app = exact_app(backend).await;
    let workshops = demo_workshops(&app).await;
    let meetings = series_meetings(&app).await;
    let (person, token) = person_with(
        &app,
        "ucitelka@skola.cz",
        "en",
        &[
            (workshops[0].id, RegistrationStatus::Confirmed),
            (meetings[0].id, RegistrationStatus::Attended),
            (workshops[3].id, RegistrationStatus::Pending),
            (workshops[5].id, RegistrationStatus::Cancelled),
            (meetings[1].id, RegistrationStatus::Waitlisted),
        ],
    )
    .await;
    let path = format!("/me/{token}/calendar.ics");
    let fetched = fetch(&app, &path).await;
    assert_eq!(fetched.header("cache-control"), "private, max-age=300");
    let calendar = fetched.calendar();
    assert_eq!(
        calendar.text("X-WR-CALNAME"),
        "My sign-ups – Veletrh",
        "her language"
    );
    let uids: Vec<_> = events(&calendar)
        .iter()
        .map(|e| e.value("UID").to_owned())
        .collect();
    assert_eq!(
        uids,
        [uid_of(&meetings[0]), uid_of(&workshops[0])],
        "by start time"
    );
    let czech = fetch(&app, &format!("{path}?lang=cs")).await.calendar();
    assert_eq!(czech.text("X-WR-CALNAME"), "Moje přihlášky – Veletrh");
    // The demo's meetings are held online: her feed has her join link (never the meeting's
    // address), the public one neither.
    assert!(meetings[0].online_url.is_some(), "an online meeting");
    let join = app.state.links.join_url(person.id, meetings[0].id);
    let mine = event_with_uid(&calendar, &uid_of(&meetings[0])).text("DESCRIPTION");
    assert!(mine.contains(&format!("Join online: {join}")), "{mine}");
    let public = fetch(&app, &format!("/meetings/{}/calendar.ics", meetings[0].id)).await;
    assert_eq!(public.status, 200);
    let unfolded = |body: &str| body.replace("\r\n ", "");
    assert!(!unfolded(&fetched.body).contains("meet.jit.si"));
    let public = unfolded(&public.body);
    assert!(
        !public.contains("meet.jit.si") && !public.contains("/join/"),
        "{public}"
    );

    // Cancelling her sign-up takes the event out of her feed.
    let conn = app.state.db.conn();
    let row = registration::Entity::find()
        .filter(registration::Column::PersonId.eq(person.id))
        .filter(registration::Column::ActivityId.eq(workshops[0].id))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let before = fetched.header("last-modified").to_owned();
    let mut row: registration::ActiveModel = row.into();
    row.status = Set(RegistrationStatus::Cancelled);
    row.updated_at = Set(Utc::now() + Duration::seconds(1));
    row.update(conn).await.unwrap();
    let after = fetch(&app, &path).await;
    assert_eq!(events(&after.calendar()).len(), 1);
    assert!(
        fetch_with(&app, &path, &[("If-Modified-Since", &before)])
            .await
            .status
            == 200,
        "Last-Modified moves when an event leaves the feed"
    );

    // A confirmed sign-up cancelled with its activity stays in her feed, marked cancelled.
    let cancelled = &workshops[1];
    let now = Utc::now();
    registration::ActiveModel {
        person_id: Set(person.id),
        activity_id: Set(cancelled.id),
        status: Set(RegistrationStatus::Cancelled),
        confirmed_at: Set(Some(now)),
        cancelled_at: Set(Some(now)),
        consent_version: Set("2026-11".into()),
        created_at: Set(now),
        updated_at: Set(now + Duration::seconds(2)),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    edit(&app, cancelled.id, |row| {
        row.status = Set(ActivityStatus::Cancelled)
    })
    .await;
    let calendar = fetch(&app, &path).await.calendar();
    assert_eq!(events(&calendar).len(), 2);
    let event = event_with_uid(&calendar, &uid_of(cancelled));
    assert_eq!(event.value("STATUS"), "CANCELLED");
}

async fn the_meetings_feed_filters_by_region_and_district(backend: Backend) {
    let app = exact_app(backend).await;
    let titles = |calendar: &Component| -> Vec<String> {
        events(calendar).iter().map(|e| e.text("SUMMARY")).collect()
    };
    let all = fetch(&app, "/meetings/calendar.ics").await.calendar();
    assert_eq!(events(&all).len(), 9, "3 past meetings and 6 of the series");

    let msk = fetch(&app, "/meetings/calendar.ics?region=moravskoslezsky-kraj")
        .await
        .calendar();
    assert_eq!(titles(&msk), ["Společné setkání OP Opava a OP Bruntál"]);
    assert_eq!(
        msk.text("X-WR-CALNAME"),
        "Setkání Okresních Partnerství – Moravskoslezský kraj"
    );
    let jesenik = fetch(&app, "/meetings/calendar.ics?district=jesenik")
        .await
        .calendar();
    assert_eq!(
        titles(&jesenik),
        ["Krajské informační setkání k tématu SČP a OP společně s MŠMT"]
    );
    let both = fetch(
        &app,
        "/meetings/calendar.ics?region=olomoucky-kraj&district=sumperk",
    )
    .await
    .calendar();
    assert_eq!(titles(&both), titles(&jesenik));
    let none = fetch(&app, "/meetings/calendar.ics?region=kraj-vysocina").await;
    let none = none.calendar();
    assert!(events(&none).is_empty());
    assert!(none.children("VTIMEZONE").is_empty());
    assert_ical_crate_reads(
        &fetch(&app, "/meetings/calendar.ics?region=kraj-vysocina")
            .await
            .body,
        0,
    );

    // Sanity of the slugs used above.
    let conn = app.state.db.conn();
    assert!(
        region::Entity::find()
            .filter(region::Column::Slug.eq("olomoucky-kraj"))
            .one(conn)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        district::Entity::find()
            .filter(district::Column::Slug.eq("jesenik"))
            .one(conn)
            .await
            .unwrap()
            .is_some()
    );
}

async fn feeds_come_from_memory_until_something_in_them_changes(backend: Backend) {
    let app = exact_app(backend).await;
    let feeds = &app.state.feeds;
    let path = fair_path();
    let first = fetch(&app, &path).await;
    let built = feeds.builds();
    for _ in 0..3 {
        let again = fetch(&app, &path).await;
        assert_eq!(again.body, first.body);
    }
    assert_eq!(feeds.builds(), built, "served from memory");

    // A change outside the fair (a meeting) leaves the fair's feed alone …
    let meeting = series_meetings(&app).await[0].clone();
    edit(&app, meeting.id, |row| row.place = Set(Some("Brno".into()))).await;
    fetch(&app, &path).await;
    assert_eq!(feeds.builds(), built);
    // … a change inside it rebuilds it once.
    let workshop = demo_workshops(&app).await[4].clone();
    edit(&app, workshop.id, |row| row.capacity = Set(50)).await;
    fetch(&app, &path).await;
    fetch(&app, &path).await;
    assert_eq!(feeds.builds(), built + 1);
    // A speaker change comes with a revision bump of its activity, like any edit of it.
    let conn = app.state.db.conn();
    let speaker = speaker::Entity::find()
        .filter(speaker::Column::ActivityId.eq(workshop.id))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let mut row: speaker::ActiveModel = speaker.into();
    row.name = Set("Dr. V. Korbel".into());
    row.update(conn).await.unwrap();
    edit(&app, workshop.id, |_| {}).await;
    let after = fetch(&app, &path).await.calendar();
    assert!(
        event_with_uid(&after, &uid_of(&workshop))
            .text("DESCRIPTION")
            .contains("Dr. V. Korbel (PAQ Research)")
    );
    assert_eq!(feeds.builds(), built + 2);
}

async fn two_instances_on_one_database_agree_and_follow_each_others_edits(backend: Backend) {
    let one = exact_app(backend).await;
    let (url, base) = (
        one.state.config.database_url.clone(),
        one.state.config.base_url.clone(),
    );
    // Instances behind one balancer share the database and the public base URL.
    let two = spawn_app_with(backend, |config| {
        config.database_url = url;
        config.base_url = base;
    })
    .await;
    two.state.feeds.revalidate_after(std::time::Duration::ZERO);
    let path = fair_path();
    let (a, b) = (fetch(&one, &path).await, fetch(&two, &path).await);
    assert_eq!(a.body, b.body, "same bytes");
    assert_eq!(
        a.header("etag"),
        b.header("etag"),
        "so the same ETag behind a balancer"
    );
    assert_eq!(a.header("last-modified"), b.header("last-modified"));

    // An edit committed through instance one …
    let workshop = demo_workshops(&one).await[6].clone();
    edit(&one, workshop.id, |row| {
        row.status = Set(ActivityStatus::Cancelled)
    })
    .await;
    // … shows on instance two's next request, though two had the feed cached.
    let b = fetch(&two, &path).await;
    assert_eq!(
        event_with_uid(&b.calendar(), &uid_of(&workshop)).value("STATUS"),
        "CANCELLED"
    );
    let a = fetch(&one, &path).await;
    assert_eq!(a.header("etag"), b.header("etag"));
}

async fn the_default_window_brings_an_edit_to_a_cached_feed_within_about_a_second(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let path = fair_path();
    let before = fetch(&app, &path).await;
    let workshop = demo_workshops(&app).await[0].clone();
    edit(&app, workshop.id, |row| {
        row.title = Set("Nový název".into())
    })
    .await;
    let edited = std::time::Instant::now();
    loop {
        let now = fetch(&app, &path).await;
        if now.body != before.body {
            let event = event_with_uid(&now.calendar(), &uid_of(&workshop)).clone();
            assert_eq!(event.text("SUMMARY"), "Nový název");
            break;
        }
        assert!(
            edited.elapsed() < calendar::REVALIDATE_AFTER * 3,
            "the edit shows within the revalidation window"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn every_feed_passes_check_ics(backend: Backend) {
    let app = exact_app(backend).await;
    let awkward = awkward_workshop(&app).await;
    let (dst_slug, _) = dst_fair(&app).await;
    let workshops = demo_workshops(&app).await;
    let meetings = series_meetings(&app).await;
    edit(&app, workshops[1].id, |row| {
        row.status = Set(ActivityStatus::Cancelled)
    })
    .await;
    edit(&app, meetings[2].id, |row| {
        row.starts_at = Set(meetings[2].starts_at + Duration::hours(2));
        row.ends_at = Set(meetings[2].ends_at + Duration::hours(2));
    })
    .await;
    let (_, token) = person_with(
        &app,
        "reditel@skola.cz",
        "cs",
        &[
            (workshops[0].id, RegistrationStatus::Confirmed),
            (awkward.id, RegistrationStatus::Confirmed),
            (meetings[2].id, RegistrationStatus::Attended),
        ],
    )
    .await;

    let paths = [
        fair_path(),
        format!("{}?lang=en", fair_path()),
        format!("/fairs/{dst_slug}/calendar.ics"),
        format!("/workshops/{}/calendar.ics", awkward.id),
        format!("/workshops/{}/calendar.ics", workshops[1].id),
        format!("/meetings/{}/calendar.ics", meetings[2].id),
        "/meetings/calendar.ics".to_owned(),
        "/meetings/calendar.ics?region=moravskoslezsky-kraj".to_owned(),
        "/meetings/calendar.ics?district=jesenik&lang=en".to_owned(),
        "/meetings/calendar.ics?region=kraj-vysocina".to_owned(),
        format!("/me/{token}/calendar.ics"),
    ];
    let mut files = Vec::new();
    for (n, path) in paths.iter().enumerate() {
        let fetched = fetch(&app, path).await;
        assert_eq!(fetched.status, 200, "{path}");
        read(&fetched.body); // our own checks of folding and structure
        files.push((format!("feed-{n}.ics"), fetched.body));
    }
    // The awkward texts read back exactly.
    let calendar = read(&files[3].1);
    let event = events(&calendar)[0];
    assert_eq!(event.text("SUMMARY"), awkward.title);
    assert!(event.text("DESCRIPTION").starts_with(
        "První řádek\nDruhý řádek\nTřetí; s čárkou, a zpětným lomítkem \\n (ne nový řádek)\nDlouhý"
    ));
    assert!(
        event
            .text("DESCRIPTION")
            .contains("Zdeňka Šťastná, Ph.D. (Ústav; „Škola, která baví“)")
    );
    assert_eq!(
        event.text("LOCATION"),
        "Učebna 3, 2. patro; vlevo, Kampus Hybernská, Hybernská 4, Praha 1"
    );
    assert_eq!(
        event.value("CATEGORIES"),
        "Workshop,Gramotnosti\\, čtenářská\\; matematická"
    );
    // The event a cancelled or moved sign-up's email carries, as withdrawn from the person.
    let conn = app.state.db.conn();
    let withdrawn = calendar::withdrawn_ics(conn, awkward.id, Lang::En, &app.address, Utc::now())
        .await
        .unwrap()
        .expect("the activity");
    let event = events(&read(&withdrawn))[0].clone();
    let feed = read(&files[3].1);
    let given = events(&feed)[0];
    assert_eq!(event.value("UID"), given.value("UID"));
    assert_eq!(event.value("STATUS"), "CANCELLED");
    let sequence = |e: &Component| e.value("SEQUENCE").parse::<i32>().unwrap();
    assert_eq!(sequence(&event), sequence(given) + 1);
    assert_eq!(
        event.text("SUMMARY"),
        format!("SIGN-UP CANCELLED: {}", awkward.title)
    );
    files.push(("withdrawn.ics".to_owned(), withdrawn));

    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(f, b)| (f.as_str(), b.as_str()))
        .collect();
    let urls: Vec<String> = [&paths[0], &paths[3], &paths[7], &paths[10]]
        .iter()
        .map(|p| format!("{}{p}", app.address))
        .collect();
    check_ics(&format!("{backend:?}"), &files, &urls);
}

on_both_backends!(
    the_fair_feed_lists_every_workshop_with_what_clients_need,
    feeds_speak_english_when_asked,
    a_fair_across_both_daylight_saving_changes_keeps_its_local_times,
    an_edit_raises_sequence_and_last_modified_and_keeps_the_uid,
    a_cancelled_activity_stays_in_the_feed_as_cancelled,
    an_edited_occurrence_of_a_series_changes_only_its_own_event,
    conditional_requests_are_answered_304_without_a_body,
    unknown_feeds_all_answer_the_same_404,
    the_personal_feed_holds_confirmed_and_attended_sign_ups_and_cancelled_activities,
    the_meetings_feed_filters_by_region_and_district,
    feeds_come_from_memory_until_something_in_them_changes,
    two_instances_on_one_database_agree_and_follow_each_others_edits,
    the_default_window_brings_an_edit_to_a_cached_feed_within_about_a_second,
    every_feed_passes_check_ics,
);
