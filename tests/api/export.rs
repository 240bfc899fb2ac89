//! Attendee exports, read back with real parsers: the csv crate for both CSV flavours, calamine
//! for XLSX, serde_json for JSON. The data has Czech diacritics, a comma inside a cell and names
//! that a spreadsheet would run as formulas.

use std::io::Cursor;

use calamine::{Data, Reader};
use chrono::{DateTime, TimeZone, Utc};
use entity::{
    activity, district,
    enums::{ActivityKind, ActivityStatus, RegistrationStatus},
    fair, person, region, registration,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};
use veletrh::{
    domain::token::NewToken,
    export::{self, AttendeeQuery, Column, ExportRequest, Format, Scope, attendees},
    i18n::Lang,
};

use crate::helpers::{Backend, TestApp, on_both_backends, spawn_app_with};

const HYPERLINK: &str = "=HYPERLINK(\"http://evil.example/?x=1\",\"Klikni\")";

/// The rows a test arranges, by what it is.
struct Seeded {
    fair_id: i32,
    fair_slug: String,
    workshop: i32,
    second_workshop: i32,
    meeting: i32,
}

async fn app_with_attendees(backend: Backend) -> (TestApp, Seeded) {
    let app = spawn_app_with(backend, |c| c.load_demo = false).await;
    let seeded = seed(app.state.db.conn()).await;
    (app, seeded)
}

/// 12 May 2026, 07:30 UTC = 9:30 in Prague (summer time).
fn workshop_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 12, 7, 30, 0).unwrap()
}

async fn seed(conn: &DatabaseConnection) -> Seeded {
    let now = Utc::now();
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
        slug: Set("veletrh-zlute-kone".into()),
        name: Set("Příliš žluťoučký kůň".into()),
        venue: Set("Šumperk".into()),
        description: Set(String::new()),
        timezone: Set("Europe/Prague".into()),
        starts_at: Set(workshop_start()),
        ends_at: Set(workshop_start() + chrono::Duration::hours(8)),
        status: Set(ActivityStatus::Scheduled),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    let new_activity = |kind, fair_id, title: &str, hours: i64| activity::ActiveModel {
        kind: Set(kind),
        fair_id: Set(fair_id),
        title: Set(title.into()),
        description: Set(String::new()),
        starts_at: Set(workshop_start() + chrono::Duration::hours(hours)),
        ends_at: Set(workshop_start() + chrono::Duration::hours(hours + 1)),
        capacity: Set(100),
        taken: Set(0),
        waitlist_enabled: Set(true),
        status: Set(ActivityStatus::Scheduled),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let workshop = new_activity(
        ActivityKind::Workshop,
        Some(fair.id),
        "Čtenářská gramotnost",
        0,
    )
    .insert(conn)
    .await
    .unwrap();
    let second = new_activity(
        ActivityKind::Workshop,
        Some(fair.id),
        "Wellbeing ve škole",
        2,
    )
    .insert(conn)
    .await
    .unwrap();
    let meeting = new_activity(ActivityKind::Meeting, None, "Setkání partnerství", 24)
        .insert(conn)
        .await
        .unwrap();

    // Who signed up for what; the last one asked to be forgotten (anonymised, as `forget_me`).
    let people = [
        Someone {
            name: "Jana Nováková",
            email: "jana@zs-sumperk.cz",
            organisation: Some("ZŠ Šumperk, Žerotínova"),
            role: Some("teacher"),
            in_district: true,
            registration: (workshop.id, RegistrationStatus::Confirmed),
        },
        Someone {
            name: HYPERLINK,
            email: "evil@example.cz",
            organisation: Some("+1"),
            role: Some("other"),
            in_district: false,
            registration: (workshop.id, RegistrationStatus::Pending),
        },
        Someone {
            name: "@cmd",
            email: "at@example.cz",
            organisation: Some("-2+3"),
            role: None,
            in_district: false,
            registration: (second.id, RegistrationStatus::Waitlisted),
        },
        Someone {
            name: "Petr Dvořák",
            email: "petr@example.cz",
            organisation: None,
            role: Some("principal"),
            in_district: true,
            registration: (workshop.id, RegistrationStatus::Cancelled),
        },
        Someone {
            name: "Žofie Štěpánková",
            email: "zofie@example.cz",
            organisation: Some("Gymnázium Šumperk"),
            role: Some("counsellor"),
            in_district: true,
            registration: (meeting.id, RegistrationStatus::Confirmed),
        },
        Someone {
            name: "",
            email: "anonymised-0@invalid",
            organisation: None,
            role: None,
            in_district: false,
            registration: (workshop.id, RegistrationStatus::Confirmed),
        },
    ];
    for Someone {
        name,
        email,
        organisation,
        role,
        in_district,
        registration: (activity_id, status),
    } in people
    {
        let anonymised = email.ends_with("@invalid");
        let person = person::ActiveModel {
            email: Set(email.into()),
            name: Set(name.into()),
            organisation: Set(organisation.map(Into::into)),
            role: Set(role.map(Into::into)),
            district_id: Set(in_district.then_some(district.id)),
            language: Set("cs".into()),
            manage_token_hash: Set(NewToken::generate().hash),
            anonymised_at: Set(anonymised.then_some(now)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await
        .unwrap();
        {
            let confirmed = matches!(status, RegistrationStatus::Confirmed);
            registration::ActiveModel {
                person_id: Set(person.id),
                activity_id: Set(activity_id),
                status: Set(status),
                consent_version: Set("2026-11".into()),
                created_at: Set(now),
                updated_at: Set(now),
                confirmed_at: Set(confirmed.then_some(workshop_start())),
                ..Default::default()
            }
            .insert(conn)
            .await
            .unwrap();
        }
    }
    Seeded {
        fair_id: fair.id,
        fair_slug: fair.slug,
        workshop: workshop.id,
        second_workshop: second.id,
        meeting: meeting.id,
    }
}

struct Someone {
    name: &'static str,
    email: &'static str,
    organisation: Option<&'static str>,
    role: Option<&'static str>,
    in_district: bool,
    registration: (i32, RegistrationStatus),
}

fn request(scope: Scope, columns: &[Column], format: Format, lang: Lang) -> ExportRequest {
    ExportRequest {
        query: AttendeeQuery::all_in(scope),
        columns: columns.to_vec(),
        format,
        lang,
    }
}

async fn export_bytes(app: &TestApp, request: &ExportRequest) -> Vec<u8> {
    let mut out = Vec::new();
    export::write(app.state.db.conn(), request, &mut out, |_| {})
        .await
        .expect("the export is written");
    out
}

/// Checks the BOM and CRLF line ends and parses the rest with the csv crate.
fn parse_csv(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    let body = bytes
        .strip_prefix("\u{feff}".as_bytes())
        .expect("UTF-8 byte-order mark first");
    let text = std::str::from_utf8(body).expect("UTF-8");
    assert!(text.ends_with("\r\n"), "CRLF line ends: {text:?}");
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "no bare LF: {text:?}"
    );
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect()
}

fn column_of(records: &[Vec<String>], label: &str) -> Vec<String> {
    let i = records[0]
        .iter()
        .position(|h| h == label)
        .unwrap_or_else(|| panic!("no {label} in {:?}", records[0]));
    records[1..].iter().map(|r| r[i].clone()).collect()
}

// ---------------------------------------------------------------------------------------------

on_both_backends!(
    a_csv_export_has_a_bom_commas_diacritics_and_neutralised_cells,
    the_excel_csv_is_semicolon_separated_with_a_bom_and_crlf,
    an_xlsx_export_opens_in_a_spreadsheet_reader_with_text_and_times,
    a_json_export_is_an_array_of_objects_with_codes_and_raw_text,
    only_the_chosen_columns_are_exported_in_their_order,
    the_status_filter_and_the_scope_choose_the_rows,
    search_matches_name_email_and_organisation,
    keyset_pages_cover_the_list_once_in_registration_order,
    the_http_body_streams_the_same_bytes,
    the_command_line_writes_a_file_and_standard_output,
);

async fn a_csv_export_has_a_bom_commas_diacritics_and_neutralised_cells(backend: Backend) {
    let (app, s) = app_with_attendees(backend).await;
    let bytes = export_bytes(
        &app,
        &request(Scope::Fair(s.fair_id), &Column::ALL, Format::Csv, Lang::Cs),
    )
    .await;
    let records = parse_csv(&bytes, b',');

    assert_eq!(records[0].len(), Column::ALL.len(), "{:?}", records[0]);
    assert_eq!(&records[0][..3], ["Jméno", "E-mail", "Organizace"]);
    assert_eq!(
        records.len(),
        1 + 4,
        "four people at the fair; the anonymised one is not"
    );
    assert!(records.iter().all(|r| r.len() == Column::ALL.len()));
    let names = column_of(&records, "Jméno");
    assert_eq!(
        names,
        [
            "Jana Nováková".to_owned(),
            format!("'{HYPERLINK}"),
            "'@cmd".to_owned(),
            "Petr Dvořák".to_owned(),
        ]
    );
    assert_eq!(
        column_of(&records, "Organizace"),
        ["ZŠ Šumperk, Žerotínova", "'+1", "'-2+3", ""]
    );
    assert_eq!(
        column_of(&records, "Akce")[0],
        "Čtenářská gramotnost",
        "diacritics survive"
    );
    assert_eq!(column_of(&records, "Okres")[0], "Šumperk");
    assert_eq!(column_of(&records, "Kraj")[0], "Olomoucký kraj");
    assert_eq!(column_of(&records, "Role")[..2], ["učitel/ka", "jiná role"]);
    assert_eq!(
        column_of(&records, "Stav"),
        [
            "potvrzeno",
            "čeká na potvrzení",
            "čekací listina",
            "zrušeno"
        ]
    );
    assert_eq!(
        column_of(&records, "Začátek")[..2],
        ["2026-05-12 09:30", "2026-05-12 09:30"],
        "local time in Prague (UTC+2 in May)"
    );
    assert_eq!(column_of(&records, "Potvrzeno")[0], "2026-05-12 09:30");
    assert_eq!(column_of(&records, "Příchod")[0], "");
    // The raw bytes: the cell with a comma is quoted, nothing starts a cell with `=`.
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("\"ZŠ Šumperk, Žerotínova\""), "{text}");
    assert!(!text.contains(",=") && !text.contains("\n="), "{text}");
}

async fn the_excel_csv_is_semicolon_separated_with_a_bom_and_crlf(backend: Backend) {
    let (app, s) = app_with_attendees(backend).await;
    let columns = [Column::Name, Column::Organisation, Column::Status];
    let bytes = export_bytes(
        &app,
        &request(Scope::Fair(s.fair_id), &columns, Format::CsvExcel, Lang::Cs),
    )
    .await;
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(
        text.starts_with("\u{feff}Jméno;Organizace;Stav\r\n"),
        "{text:?}"
    );

    let records = parse_csv(&bytes, b';');
    assert_eq!(records.len(), 5);
    assert!(records.iter().all(|r| r.len() == 3), "{records:?}");
    assert_eq!(
        records[1],
        ["Jana Nováková", "ZŠ Šumperk, Žerotínova", "potvrzeno"]
    );
    assert_eq!(records[2][0], format!("'{HYPERLINK}"));
    assert_eq!(records[2][1], "'+1");
    assert_eq!(records[3][..2], ["'@cmd", "'-2+3"]);
    // The comma is no separator here: the organisation stays one cell, unquoted.
    assert!(text.contains(";ZŠ Šumperk, Žerotínova;"), "{text}");
}

async fn an_xlsx_export_opens_in_a_spreadsheet_reader_with_text_and_times(backend: Backend) {
    let (app, s) = app_with_attendees(backend).await;
    let columns = [
        Column::Name,
        Column::Organisation,
        Column::Activity,
        Column::StartsAt,
        Column::Status,
        Column::CheckedInAt,
    ];
    for (lang, sheet, header) in [
        (
            Lang::Cs,
            "Účastníci",
            ["Jméno", "Organizace", "Akce", "Začátek", "Stav", "Příchod"],
        ),
        (
            Lang::En,
            "Attendees",
            [
                "Name",
                "Organisation",
                "Activity",
                "Starts at",
                "Status",
                "Checked in",
            ],
        ),
    ] {
        let bytes = export_bytes(
            &app,
            &request(Scope::Fair(s.fair_id), &columns, Format::Xlsx, lang),
        )
        .await;
        let mut workbook: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(Cursor::new(bytes)).expect("a valid XLSX file");
        assert_eq!(workbook.sheet_names(), [sheet]);
        let range = workbook.worksheet_range(sheet).unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        assert_eq!(rows.len(), 5, "{lang:?}");
        let text = |row: usize, col: usize| match &rows[row][col] {
            Data::String(s) => s.clone(),
            Data::Empty => String::new(),
            other => panic!("text expected at {row},{col}: {other:?}"),
        };
        assert_eq!((0..6).map(|c| text(0, c)).collect::<Vec<_>>(), header);
        assert_eq!(text(1, 0), "Jana Nováková");
        assert_eq!(text(1, 1), "ZŠ Šumperk, Žerotínova");
        assert_eq!(text(1, 2), "Čtenářská gramotnost");
        assert_eq!(
            text(2, 0),
            format!("'{HYPERLINK}"),
            "stored as text, neutralised"
        );
        assert_eq!(text(2, 1), "'+1");
        assert_eq!(text(3, 0), "'@cmd");
        assert_eq!(text(3, 1), "'-2+3");
        assert_eq!(text(4, 1), "", "no organisation: an empty cell");
        assert_eq!(text(1, 5), "", "not checked in: an empty cell");
        let status = if lang == Lang::Cs {
            "potvrzeno"
        } else {
            "confirmed"
        };
        assert_eq!(text(1, 4), status);
        match &rows[1][3] {
            Data::DateTime(at) => assert_eq!(
                at.as_datetime().unwrap().to_string(),
                "2026-05-12 09:30:00",
                "a real date cell in Prague time"
            ),
            other => panic!("a date cell expected: {other:?}"),
        }
    }
}

async fn a_json_export_is_an_array_of_objects_with_codes_and_raw_text(backend: Backend) {
    let (app, s) = app_with_attendees(backend).await;
    let columns = [
        Column::Name,
        Column::Organisation,
        Column::Role,
        Column::Status,
        Column::StartsAt,
        Column::ConfirmedAt,
    ];
    let bytes = export_bytes(
        &app,
        &request(Scope::Fair(s.fair_id), &columns, Format::Json, Lang::Cs),
    )
    .await;
    let rows: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_slice(&bytes).expect("a JSON array of objects");
    assert_eq!(rows.len(), 4);
    let jana = &rows[0];
    assert_eq!(jana["name"], "Jana Nováková");
    assert_eq!(jana["organisation"], "ZŠ Šumperk, Žerotínova");
    assert_eq!(jana["role"], "teacher");
    assert_eq!(jana["status"], "confirmed");
    assert_eq!(jana["starts_at"], "2026-05-12T09:30:00+02:00");
    assert_eq!(jana["confirmed_at"], "2026-05-12T09:30:00+02:00");
    assert_eq!(rows[1]["name"], HYPERLINK, "JSON keeps the text as typed");
    assert_eq!(rows[1]["status"], "pending");
    assert_eq!(rows[1]["confirmed_at"], serde_json::Value::Null);
    assert_eq!(rows[3]["organisation"], serde_json::Value::Null);
    // Keys come in the chosen order (checked on the raw text: serde's Map sorts them).
    let text = std::str::from_utf8(&bytes).unwrap();
    let first = text.lines().nth(1).unwrap();
    let keys: Vec<_> = columns
        .iter()
        .map(|c| first.find(&format!("\"{}\":", c.id())).unwrap())
        .collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "{first}");

    // An empty list is an empty array.
    let mut empty = request(Scope::Activity(s.meeting), &columns, Format::Json, Lang::Cs);
    empty.query.search = Some("nobody".into());
    let bytes = export_bytes(&app, &empty).await;
    assert_eq!(
        serde_json::from_slice::<Vec<serde_json::Value>>(&bytes)
            .unwrap()
            .len(),
        0
    );
}

async fn only_the_chosen_columns_are_exported_in_their_order(backend: Backend) {
    let (app, s) = app_with_attendees(backend).await;
    let columns = Column::parse_list("status,email").unwrap();
    let csv = export_bytes(
        &app,
        &request(Scope::Fair(s.fair_id), &columns, Format::Csv, Lang::En),
    )
    .await;
    let records = parse_csv(&csv, b',');
    assert_eq!(records[0], ["Status", "Email"]);
    assert_eq!(records[1], ["confirmed", "jana@zs-sumperk.cz"]);
    let text = String::from_utf8(csv).unwrap();
    assert!(!text.contains("Nováková"), "no name when not asked for");

    let json = export_bytes(
        &app,
        &request(Scope::Fair(s.fair_id), &columns, Format::Json, Lang::En),
    )
    .await;
    let rows: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_slice(&json).unwrap();
    for row in &rows {
        let mut keys: Vec<_> = row.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["email", "status"]);
    }
}

async fn the_status_filter_and_the_scope_choose_the_rows(backend: Backend) {
    let (app, s) = app_with_attendees(backend).await;
    let conn = app.state.db.conn();
    let emails = |query: AttendeeQuery| async move {
        attendees::page(conn, &query, None, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.email)
            .collect::<Vec<_>>()
    };
    let confirmed = AttendeeQuery {
        statuses: vec![RegistrationStatus::Confirmed],
        ..AttendeeQuery::all_in(Scope::Fair(s.fair_id))
    };
    assert_eq!(emails(confirmed.clone()).await, ["jana@zs-sumperk.cz"]);
    let live_or_cancelled = AttendeeQuery {
        statuses: vec![RegistrationStatus::Pending, RegistrationStatus::Cancelled],
        ..AttendeeQuery::all_in(Scope::Fair(s.fair_id))
    };
    assert_eq!(
        emails(live_or_cancelled).await,
        ["evil@example.cz", "petr@example.cz"]
    );
    assert_eq!(
        emails(AttendeeQuery::all_in(Scope::Activity(s.second_workshop))).await,
        ["at@example.cz"]
    );
    assert_eq!(
        emails(AttendeeQuery::all_in(Scope::Activity(s.meeting))).await,
        ["zofie@example.cz"],
        "a meeting is not part of the fair but can be exported on its own"
    );
    assert_eq!(
        emails(AttendeeQuery::all_in(Scope::Activity(s.workshop)))
            .await
            .len(),
        3,
        "the anonymised person is never listed"
    );
    assert_eq!(attendees::count(conn, &confirmed).await.unwrap(), 1);
    assert_eq!(
        attendees::count(conn, &AttendeeQuery::all_in(Scope::Fair(s.fair_id)))
            .await
            .unwrap(),
        4
    );

    // The same filter in an export.
    let mut export = request(
        Scope::Fair(s.fair_id),
        &[Column::Email],
        Format::Csv,
        Lang::Cs,
    );
    export.query = confirmed;
    let records = parse_csv(&export_bytes(&app, &export).await, b',');
    assert_eq!(records, [["E-mail"], ["jana@zs-sumperk.cz"]]);
}

async fn search_matches_name_email_and_organisation(backend: Backend) {
    let (app, s) = app_with_attendees(backend).await;
    let conn = app.state.db.conn();
    for (search, expected) in [
        ("novák", &["jana@zs-sumperk.cz"][..]),
        ("NOVÁK", &["jana@zs-sumperk.cz"][..]), // the search itself is lower-cased
        ("  Jana ", &["jana@zs-sumperk.cz"][..]),
        ("EVIL@", &["evil@example.cz"][..]),
        ("žerotín", &["jana@zs-sumperk.cz"][..]), // `Ž` in the data
        ("ZŠ ŠUMPERK", &["jana@zs-sumperk.cz"][..]),
        ("dvorak", &[][..]), // accents count
        ("dvořák", &["petr@example.cz"][..]),
        (
            "example.cz",
            &["evil@example.cz", "at@example.cz", "petr@example.cz"][..],
        ),
        ("%", &[][..]),
        ("_", &[][..]),
        (
            "",
            &[
                "jana@zs-sumperk.cz",
                "evil@example.cz",
                "at@example.cz",
                "petr@example.cz",
            ][..],
        ),
    ] {
        let query = AttendeeQuery {
            search: Some(search.into()),
            ..AttendeeQuery::all_in(Scope::Fair(s.fair_id))
        };
        let found: Vec<String> = attendees::page(conn, &query, None, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.email)
            .collect();
        assert_eq!(found, expected, "search {search:?}");
    }
}

async fn keyset_pages_cover_the_list_once_in_registration_order(backend: Backend) {
    let (app, s) = app_with_attendees(backend).await;
    let conn = app.state.db.conn();
    let query = AttendeeQuery::all_in(Scope::Fair(s.fair_id));
    let all = attendees::page(conn, &query, None, 100).await.unwrap();
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = attendees::page(conn, &query, after, 3).await.unwrap();
        paged.extend(page.iter().cloned());
        match page.last() {
            Some(last) if page.len() == 3 => after = Some(last.registration_id),
            _ => break,
        }
    }
    assert_eq!(paged, all);
    assert_eq!(all.len(), 4);
    assert!(
        all.windows(2)
            .all(|w| w[0].registration_id < w[1].registration_id)
    );
}

async fn the_http_body_streams_the_same_bytes(backend: Backend) {
    let (app, s) = app_with_attendees(backend).await;
    for format in Format::ALL {
        let request = request(Scope::Fair(s.fair_id), &Column::ALL, format, Lang::Cs);
        let streamed = export::body(app.state.db.conn().clone(), request.clone())
            .into_bytes()
            .await
            .expect("the body streams to its end");
        if format == Format::Xlsx {
            // Zip entries carry timestamps: compare what a reader sees.
            let mut workbook: calamine::Xlsx<_> =
                calamine::open_workbook_from_rs(Cursor::new(streamed.to_vec())).unwrap();
            let range = workbook.worksheet_range("Účastníci").unwrap();
            assert_eq!(range.rows().count(), 5);
        } else {
            assert_eq!(streamed, export_bytes(&app, &request).await, "{format}");
        }
    }
    assert_eq!(
        export::file_name(&s.fair_slug, Format::CsvExcel, Lang::Cs),
        "ucastnici-veletrh-zlute-kone.csv"
    );
    assert!(Format::Xlsx.content_type().contains("spreadsheetml"));
}

async fn the_command_line_writes_a_file_and_standard_output(backend: Backend) {
    let (app, s) = app_with_attendees(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("seznam.csv");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_veletrh"))
            .current_dir(dir.path())
            .env("DATABASE_URL", &app.state.config.database_url)
            .env("VELETRH_DEMO", "false")
            .env_remove("SMTP_URL")
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&[
        "export",
        "--fair",
        &s.fair_slug,
        "--status",
        "confirmed,pending",
        "--columns",
        "name,email,status",
        "--format",
        "csv-excel",
        "--output",
        output.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("2 row(s)"), "{stderr}");
    let records = parse_csv(&std::fs::read(&output).unwrap(), b';');
    assert_eq!(records[0], ["Jméno", "E-mail", "Stav"]);
    assert_eq!(
        records[1],
        ["Jana Nováková", "jana@zs-sumperk.cz", "potvrzeno"]
    );
    assert_eq!(records[2][0], format!("'{HYPERLINK}"));
    assert_eq!(records.len(), 3);

    let activity = s.meeting.to_string();
    let out = run(&[
        "export",
        "--activity",
        &activity,
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["name"], "Žofie Štěpánková");

    let out = run(&["export", "--fair", "no-such-fair"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("no fair with the slug `no-such-fair`"),
        "{stderr}"
    );
    let out = run(&["export", "--fair", &s.fair_slug, "--columns", "name,phone"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown column `phone`"));
}
