//! The outbox and its delivery over a real SMTP server on loopback.

use std::{collections::HashSet, sync::Arc, time::Duration};

use entity::outbox_message;
use mail_parser::{MessageParser, MimeHeaders};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use veletrh::{
    config::MailTransport,
    db::Db,
    i18n::Lang,
    mail::{
        Attachment, Delivery, MailKind, MailTemplates, MailWorker, Outbox, OutgoingMail,
        outbox::{RetryPolicy, claim_due},
        preview,
        transport::Mailer,
    },
};

use crate::helpers::{
    Backend, TestApp, fresh_database, on_both_backends,
    smtp::{SmtpServer, free_port, smtp_url},
    spawn_app_with,
};

const ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n\
UID:activity-3@veletrh\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270112T083000Z\r\n\
DTEND:20270112T100000Z\r\nSUMMARY:Jak rozvíjet wellbeing žáků?\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

fn confirmed_mail(to: &str, lang: Lang) -> OutgoingMail {
    OutgoingMail {
        kind: MailKind::RegistrationConfirmed,
        lang,
        to: to.to_owned(),
        data: preview::sample(MailKind::RegistrationConfirmed, lang),
        attachments: vec![Attachment {
            filename: "workshop.ics".into(),
            content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
            content: ICS.into(),
        }],
    }
}

/// Enqueues in a committed transaction, as a use-case does; returns the Message-ID.
async fn enqueue(app: &TestApp, mail: OutgoingMail) -> String {
    let txn = app.state.db.begin_write().await.unwrap();
    let id = app.state.outbox.enqueue(&*txn, mail).await.unwrap();
    txn.commit().await.unwrap();
    app.state.mail_wake.notify_one();
    id
}

async fn migrated_database(backend: Backend) -> (Db, tempfile::TempDir) {
    use migration::{Migrator, MigratorTrait};
    let (url, dir) = fresh_database(backend);
    let db = Db::connect(&url).await.unwrap();
    Migrator::up(db.conn(), None).await.unwrap();
    (db, dir)
}

/// A worker of its own on `db`, as another instance would run.
fn standalone_worker(db: &Db, smtp: &SmtpServer) -> MailWorker {
    MailWorker {
        db: db.clone(),
        templates: Arc::new(MailTemplates::embedded().unwrap()),
        mailer: Arc::new(Mailer::new(&MailTransport::Smtp(smtp.url())).unwrap()),
        from: "Veletrh <veletrh@test.example>".parse().unwrap(),
        reply_to: None,
        policy: RetryPolicy {
            max_attempts: 5,
            first_wait: Duration::ZERO,
        },
        lease: Duration::from_secs(120),
    }
}

async fn spawn_with_smtp(backend: Backend, smtp: url::Url) -> TestApp {
    spawn_app_with(backend, |c| {
        c.mail = MailTransport::Smtp(smtp);
        c.mail_reply_to = Some("Organizátoři <tym@veletrh.example>".parse().unwrap());
        c.mail_first_retry = Duration::from_secs(1);
        c.mail_max_attempts = 10;
    })
    .await
}

/// Waits until the outbox row with `message_id` is marked sent.
async fn wait_until_sent(app: &TestApp, message_id: &str) -> outbox_message::Model {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let row = outbox_message::Entity::find()
            .filter(outbox_message::Column::MessageId.eq(message_id))
            .one(app.state.db.conn())
            .await
            .unwrap()
            .unwrap();
        if row.sent_at.is_some() {
            return row;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{message_id} never marked sent"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn a_committed_message_arrives_whole_over_smtp(backend: Backend) {
    let smtp = SmtpServer::start();
    let app = spawn_with_smtp(backend, smtp.url()).await;
    let message_id = enqueue(&app, confirmed_mail("jana.dvorakova@skola.cz", Lang::Cs)).await;

    let got = smtp.wait_for(1).await;
    assert_eq!(got[0].recipients, ["jana.dvorakova@skola.cz"]);
    let msg = MessageParser::default().parse(&got[0].data).unwrap();
    assert_eq!(format!("<{}>", msg.message_id().unwrap()), message_id);
    assert_eq!(
        msg.from().unwrap().first().unwrap().address().unwrap(),
        "veletrh@localhost"
    );
    let to = msg.to().unwrap().first().unwrap();
    assert_eq!(to.name().unwrap(), "Jana Dvořáková");
    assert_eq!(
        msg.reply_to().unwrap().first().unwrap().address().unwrap(),
        "tym@veletrh.example",
        "replies go to the organisers"
    );
    assert_eq!(
        msg.header_raw("Auto-Submitted").map(str::trim),
        Some("auto-generated")
    );
    let subject = msg.subject().unwrap();
    assert!(
        subject.contains("Jak rozvíjet wellbeing žáků?"),
        "{subject}"
    );
    // A Czech greeting without the name, which would stand in the nominative.
    let text = msg.body_text(0).unwrap();
    assert_eq!(text.lines().next(), Some("Dobrý den,"), "{text}");
    assert!(!text.contains("Jana Dvořáková,"), "{text}");
    // multipart/mixed holding multipart/alternative (text + HTML) and the calendar file.
    assert_eq!(msg.content_type().unwrap().subtype(), Some("mixed"));
    // The attached file, not the QR code shown inline in the HTML (`cid:`).
    let ics = msg
        .attachments()
        .find(|a| a.content_id().is_none())
        .expect("the .ics is attached");
    assert_eq!(ics.attachment_name(), Some("workshop.ics"));
    let text = ics.text_contents().unwrap();
    let mut calendars = ical::IcalParser::new(text.as_bytes());
    let calendar = calendars
        .next()
        .unwrap()
        .expect("the attachment parses as iCalendar");
    assert_eq!(calendar.events.len(), 1);

    let row = wait_until_sent(&app, &message_id).await;
    assert_eq!(row.attempts, 1);
}

async fn a_rolled_back_change_sends_nothing(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    {
        let txn = app.state.db.begin_write().await.unwrap();
        app.state
            .outbox
            .enqueue(&*txn, confirmed_mail("a@skola.cz", Lang::Cs))
            .await
            .unwrap();
        // Dropped without commit: the change and its email go together.
    }
    let count = outbox_message::Entity::find()
        .count(app.state.db.conn())
        .await
        .unwrap();
    assert_eq!(count, 0);
}

async fn mail_queued_while_smtp_is_down_goes_out_once_when_it_returns(backend: Backend) {
    let port = free_port();
    let app = spawn_with_smtp(backend, smtp_url(port)).await;
    let mut ids = HashSet::new();
    for n in 0..3 {
        ids.insert(enqueue(&app, confirmed_mail(&format!("u{n}@skola.cz"), Lang::En)).await);
    }
    // Down: attempts fail and are rescheduled, nothing is lost.
    while app.worker.deliver_next().await.unwrap() == Delivery::WillRetry {}
    let pending = outbox_message::Entity::find()
        .all(app.state.db.conn())
        .await
        .unwrap();
    assert!(
        pending
            .iter()
            .all(|m| m.sent_at.is_none() && m.failed_at.is_none())
    );
    assert!(pending.iter().any(|m| m.last_error.is_some()));

    let smtp = SmtpServer::start_with(port, None);
    app.state.mail_wake.notify_one();
    smtp.wait_for(3).await;
    while app.worker.deliver_next().await.unwrap() != Delivery::Idle {}
    let received = smtp.received();
    let got: HashSet<String> = received
        .iter()
        .map(|r| {
            let msg = MessageParser::default().parse(&r.data).unwrap();
            format!("<{}>", msg.message_id().unwrap())
        })
        .collect();
    assert_eq!(received.len(), 3, "each message exactly once");
    assert_eq!(got, ids);
}

async fn a_refused_address_fails_visibly_without_blocking_the_rest(backend: Backend) {
    let smtp = SmtpServer::start_with(free_port(), Some("nobody"));
    let app = spawn_with_smtp(backend, smtp.url()).await;
    enqueue(&app, confirmed_mail("nobody@skola.cz", Lang::Cs)).await;
    enqueue(&app, confirmed_mail("jana@skola.cz", Lang::Cs)).await;
    let got = smtp.wait_for(1).await;
    assert_eq!(got[0].recipients, ["jana@skola.cz"]);
    let rows = outbox_message::Entity::find()
        .all(app.state.db.conn())
        .await
        .unwrap();
    let refused = rows
        .iter()
        .find(|m| m.recipient == "nobody@skola.cz")
        .unwrap();
    assert!(
        refused.failed_at.is_some(),
        "a 550 is permanent: failed at once"
    );
    assert_eq!(refused.attempts, 1);
    assert!(refused.last_error.as_deref().unwrap().contains("550"));
}

async fn names_with_line_breaks_cannot_add_headers(backend: Backend) {
    let smtp = SmtpServer::start();
    let app = spawn_with_smtp(backend, smtp.url()).await;
    let mut mail = confirmed_mail("jana@skola.cz", Lang::Cs);
    mail.data["person_name"] = "Jana\r\nBcc: victim@evil.example".into();
    mail.data["activities"][0]["title"] = "Wellbeing\r\nX-Injected: yes".into();
    enqueue(&app, mail).await;
    let got = smtp.wait_for(1).await;
    assert_eq!(got[0].recipients, ["jana@skola.cz"]);
    let msg = MessageParser::default().parse(&got[0].data).unwrap();
    assert!(msg.header("Bcc").is_none());
    assert!(msg.header("X-Injected").is_none());
    assert!(msg.subject().unwrap().contains("Wellbeing X-Injected: yes"));
}

async fn a_crash_after_sending_resends_with_the_same_message_id(backend: Backend) {
    // No running server here: this test is the only worker, so it decides who claims what.
    let smtp = SmtpServer::start();
    let (db, _dir) = migrated_database(backend).await;
    let outbox = Outbox::new("test.example");
    let worker = standalone_worker(&db, &smtp);
    let txn = db.begin_write().await.unwrap();
    let id = outbox
        .enqueue(&*txn, confirmed_mail("a@skola.cz", Lang::Cs))
        .await
        .unwrap();
    txn.commit().await.unwrap();

    // An instance claims the message and dies before recording the send.
    // Long enough that the second look surely falls inside it even on a busy machine.
    let lease = Duration::from_millis(1500);
    let claimed = claim_due(&db, chrono::Utc::now(), lease, 1)
        .await
        .unwrap()
        .pop()
        .expect("due");
    assert_eq!(claimed.message_id, id);
    assert_eq!(
        worker.deliver_next().await.unwrap(),
        Delivery::Idle,
        "leased to the dead one"
    );
    tokio::time::sleep(lease * 2).await;
    assert_eq!(
        worker.deliver_next().await.unwrap(),
        Delivery::Sent,
        "lease ran out"
    );
    let got = smtp.wait_for(1).await;
    let msg = MessageParser::default().parse(&got[0].data).unwrap();
    assert_eq!(
        format!("<{}>", msg.message_id().unwrap()),
        id,
        "the Message-ID of enqueue"
    );
}

async fn two_workers_on_one_database_send_each_message_once(backend: Backend) {
    const MESSAGES: usize = 40;
    let smtp = SmtpServer::start();
    let (db, _dir) = migrated_database(backend).await;
    let outbox = Outbox::new("test.example");
    let mut ids = HashSet::new();
    let txn = db.begin_write().await.unwrap();
    for n in 0..MESSAGES {
        ids.insert(
            outbox
                .enqueue(&*txn, confirmed_mail(&format!("u{n}@skola.cz"), Lang::Cs))
                .await
                .unwrap(),
        );
    }
    txn.commit().await.unwrap();
    let drain = |worker: MailWorker| async move {
        let mut sent = 0;
        while worker.deliver_next().await.unwrap() != Delivery::Idle {
            sent += 1;
        }
        sent
    };
    let (a, b) = tokio::join!(
        tokio::spawn(drain(standalone_worker(&db, &smtp))),
        tokio::spawn(drain(standalone_worker(&db, &smtp))),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a + b, MESSAGES);
    let received = smtp.wait_for(MESSAGES).await;
    let got: HashSet<String> = received
        .iter()
        .map(|r| {
            format!(
                "<{}>",
                MessageParser::default()
                    .parse(&r.data)
                    .unwrap()
                    .message_id()
                    .unwrap()
            )
        })
        .collect();
    assert_eq!(received.len(), MESSAGES, "no message twice");
    assert_eq!(got, ids);
}

async fn without_smtp_mail_lands_as_eml_files(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    enqueue(&app, confirmed_mail("jana@skola.cz", Lang::Cs)).await;
    while app.worker.deliver_next().await.unwrap() != Delivery::Idle {}
    let dir = match &app.state.config.mail {
        MailTransport::Files(dir) => dir.clone(),
        MailTransport::Smtp(_) => unreachable!(),
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let eml = loop {
        let files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .collect();
        if let Some(file) = files.first() {
            break std::fs::read(file.path()).unwrap();
        }
        assert!(std::time::Instant::now() < deadline, "no .eml file written");
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    };
    let msg = MessageParser::default().parse(&eml).unwrap();
    assert!(msg.subject().unwrap().contains("wellbeing"));
}

async fn a_bounce_marks_the_participant_unreachable(backend: Backend) {
    use sea_orm::ConnectionTrait;
    let app = spawn_app_with(backend, |_| {}).await;
    app.state
        .db
        .conn()
        .execute_unprepared(
            "INSERT INTO person (email, name, language, manage_token_hash, created_at, \
             updated_at) VALUES ('jana@skola.cz', 'Jana', 'cs', 'h', '2026-01-01 00:00:00+00:00', \
             '2026-01-01 00:00:00+00:00')",
        )
        .await
        .unwrap();
    let report = "From: MAILER-DAEMON@skola.cz\r\nSubject: failure\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\n\
        Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; skola.cz\r\n\r\n\
        Final-Recipient: rfc822; Jana@skola.cz\r\nAction: failed\r\nStatus: 5.1.1\r\n--b--\r\n";
    let bounces = veletrh::mail::bounce::parse(report.as_bytes()).unwrap();
    assert_eq!(
        veletrh::mail::bounce::record(&app.state.db, &bounces)
            .await
            .unwrap(),
        1
    );
    let person = entity::person::Entity::find()
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert!(person.bounced_at.is_some());
    assert_eq!(person.bounce_reason.as_deref(), Some("5.1.1 5.1.1"));
}

on_both_backends!(
    a_committed_message_arrives_whole_over_smtp,
    a_rolled_back_change_sends_nothing,
    mail_queued_while_smtp_is_down_goes_out_once_when_it_returns,
    a_refused_address_fails_visibly_without_blocking_the_rest,
    names_with_line_breaks_cannot_add_headers,
    a_crash_after_sending_resends_with_the_same_message_id,
    two_workers_on_one_database_send_each_message_once,
    without_smtp_mail_lands_as_eml_files,
    a_bounce_marks_the_participant_unreachable,
);
