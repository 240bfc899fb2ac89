//! Sample data for every kind of message: `veletrh mail preview KIND --lang cs|en` shows an
//! organiser what a template produces, and loading the templates renders each with it.

use serde_json::{Value, json};

use super::MailKind;
use crate::i18n::Lang;

const BASE: &str = "https://veletrh.example.cz";

/// Template data as the real senders build it, with made-up values.
pub fn sample(kind: MailKind, lang: Lang) -> Value {
    // Dates in the reader's words, as the senders write them.
    let at = |utc: &str| utc.parse().expect("a sample date");
    let moment = |utc: &str| lang.moment(at(utc), crate::timezone::DEFAULT);
    let when = |start: &str, end: &str| lang.when(at(start), at(end), crate::timezone::DEFAULT);
    let activity = json!({
        "title": "Jak rozvíjet wellbeing žáků?",
        "kind": "workshop",
        "when": when("2027-01-12T08:30:00Z", "2027-01-12T10:00:00Z"),
        "place": "Učebna 1",
        "speakers": "F. Halada (Asociace ředitelů základních škol)",
        "url": format!("{BASE}/workshops/3"),
    });
    let participant = json!({
        "person_name": "Jana Dvořáková",
        "base_url": BASE,
        "manage_url": format!("{BASE}/me/ukazkovy-token-pro-spravu"),
    });
    let specific = match kind {
        MailKind::ConfirmRequest => json!({
            "activities": [activity],
            "confirm_url": format!("{BASE}/confirm/ukazkovy-token"),
            "expires_at": moment("2027-01-11T07:30:00Z"),
        }),
        MailKind::RegistrationConfirmed => {
            let mut seat = activity.clone();
            seat["checkin_url"] = format!("{BASE}/checkin/ukazkovy-token").into();
            json!({
                "activities": [seat],
                "feed_url": format!("{BASE}/me/ukazkovy-token/calendar.ics"),
            })
        }
        MailKind::Waitlisted => json!({ "activity": activity, "position": 3 }),
        MailKind::SeatOffered => json!({
            "activity": activity,
            "confirm_url": format!("{BASE}/confirm/ukazkovy-token"),
            "deadline": moment("2027-01-07T17:00:00Z"),
        }),
        MailKind::CancelledByAttendee => json!({ "activity": activity, "calendar_update": true }),
        MailKind::Reminder => {
            let mut seat = activity.clone();
            seat["today"] = false.into();
            seat["checkin_url"] = format!("{BASE}/checkin/ukazkovy-token").into();
            json!({ "activities": [seat] })
        }
        MailKind::CancelledByOrganiser => json!({
            "activity": activity,
            "reason": "Lektor onemocněl.",
            "calendar_update": true,
        }),
        MailKind::RemovedByOrganiser => json!({
            "activity": activity,
            "reason": "Workshop je určen jen pro ředitele škol.",
            "calendar_update": true,
        }),
        MailKind::MovedByOrganiser => json!({
            "activity": activity,
            "from": {
                "title": "Čtenářská gramotnost v praxi",
                "kind": "workshop",
                "when": when("2027-01-12T08:30:00Z", "2027-01-12T10:00:00Z"),
                "place": "Sál B",
                "speakers": "",
                "url": format!("{BASE}/workshops/2"),
            },
            "feed_url": format!("{BASE}/me/ukazkovy-token/calendar.ics"),
            "checkin_url": format!("{BASE}/checkin/ukazkovy-token"),
            "calendar_update": true,
        }),
        MailKind::ActivityChanged => json!({
            "activity": activity,
            "old_when": when("2027-01-12T08:00:00Z", "2027-01-12T09:30:00Z"),
            "old_place": "Sál A",
            "hold_until": null,
            "join_url": null,
            "join_changed": false,
            "calendar_update": true,
        }),
        MailKind::AlreadySignedUp => {
            let mut waiting = activity.clone();
            waiting["title"] = "Čtenářská gramotnost v praxi".into();
            waiting["status"] = "waitlisted".into();
            let mut confirmed = activity.clone();
            confirmed["status"] = "confirmed".into();
            json!({ "activities": [confirmed, waiting] })
        }
        MailKind::OrganiserMessage => json!({
            "activity": activity,
            "subject": "Vezměte si s sebou notebook",
            "lines": ["Na workshopu budeme pracovat s daty vaší školy.", "", "Děkujeme!"],
            "from": "Petra Organizátorka",
        }),
        MailKind::Attended => json!({
            "activities": [activity],
            "certificate_url": format!("{BASE}/me/ukazkovy-token-pro-spravu/attendance"),
        }),
        MailKind::ExhibitorReceived => exhibitor(json!({})),
        MailKind::ExhibitorApproved => exhibitor(json!({ "stand": "12" })),
        MailKind::ExhibitorRejected => {
            exhibitor(json!({ "reason": "Kapacita stánků je naplněna." }))
        }
        MailKind::OrganiserInvitation => {
            return json!({
                "person_name": "Petr Novák",
                "base_url": BASE,
                "inviter_name": "Jana Dvořáková",
                "accept_url": format!("{BASE}/admin/invitations/ukazkovy-token"),
                "expires_at": moment("2027-01-08T11:00:00Z"),
                "role": "organiser",
                "scope": "Úspěch pro každého žáka",
            });
        }
    };
    let mut data = participant;
    merge(&mut data, specific);
    if matches!(
        kind,
        MailKind::ExhibitorReceived | MailKind::ExhibitorApproved | MailKind::ExhibitorRejected
    ) {
        // Exhibitor contacts have no registrations to manage.
        data.as_object_mut().map(|o| o.remove("manage_url"));
    }
    data
}

fn exhibitor(extra: Value) -> Value {
    let mut data = json!({
        "exhibitor_name": "Nová škola, o.p.s.",
        "fair_name": "Úspěch pro každého žáka",
    });
    merge(&mut data, extra);
    data
}

fn merge(into: &mut Value, from: Value) {
    if let (Some(into), Value::Object(from)) = (into.as_object_mut(), from) {
        into.extend(from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_gives_dates_in_the_readers_language() {
        for kind in MailKind::ALL {
            let en = sample(kind, Lang::En).to_string();
            assert!(!en.contains(". 1. 2027"), "{kind:?} has a Czech date: {en}");
            let cs = sample(kind, Lang::Cs).to_string();
            assert!(
                !cs.contains("Jan 2027"),
                "{kind:?} has an English date: {cs}"
            );
        }
    }
}
