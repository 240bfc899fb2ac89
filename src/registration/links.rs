//! The URLs that go into pages and emails, built in one place.

use entity::activity;

use crate::{
    calendar,
    domain::token::{self, LinkKey, LinkPurpose},
    i18n::{Lang, with_lang},
};

/// How the holder of a confirmed seat gets in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WayIn {
    /// Their personal join link of an activity held online ([`Links::join_url`]).
    Online(String),
    /// The entry link the door scans, which emails and the manage page also show as a QR code.
    Door(String),
}

#[derive(Clone, Debug)]
pub struct Links {
    /// Public base URL without a trailing slash.
    pub base: String,
    pub key: LinkKey,
}

impl Links {
    pub fn manage_token(&self, person_id: i32) -> String {
        self.key.derive(LinkPurpose::Manage, person_id, 0)
    }

    pub fn feed_token(&self, person_id: i32, generation: i32) -> String {
        self.key.derive(LinkPurpose::Feed, person_id, generation)
    }

    /// The person's own page, as their emails link it.
    pub fn manage_url(&self, person_id: i32, lang: Lang) -> String {
        self.own_page(person_id, "", lang)
    }

    /// A page under the person's own (`rest`: `""` or `/…`), in `lang`.
    fn own_page(&self, person_id: i32, rest: &str, lang: Lang) -> String {
        let url = format!("{}/me/{}{rest}", self.base, self.manage_token(person_id));
        with_lang(&url, lang)
    }

    /// The person's certificate of attendance (`registration::attendance`).
    pub fn attendance_url(&self, person_id: i32, lang: Lang) -> String {
        self.own_page(person_id, "/attendance", lang)
    }

    pub fn feed_url(&self, person_id: i32, generation: i32) -> String {
        calendar::links::personal_feed(&self.base, &self.feed_token(person_id, generation))
    }

    /// The check-in token of a registration: `{id}.{mac}`. The id travels in the clear (the
    /// registration has no stored hash to look it up by); the MAC makes it unguessable.
    pub fn checkin_token(&self, registration_id: i32) -> String {
        let mac = self.key.derive(LinkPurpose::CheckIn, registration_id, 0);
        format!("{registration_id}.{mac}")
    }

    /// What the QR code of a registration opens: `/checkin/{token}`.
    pub fn checkin_url(&self, registration_id: i32) -> String {
        format!(
            "{}/checkin/{}",
            self.base,
            self.checkin_token(registration_id)
        )
    }

    /// How `person_id`, holding the seat `registration_id` on `activity`, gets in.
    pub fn way_in(
        &self,
        activity: &activity::Model,
        person_id: i32,
        registration_id: i32,
    ) -> WayIn {
        match self.join_url_of(activity, person_id) {
            Some(url) => WayIn::Online(url),
            None => WayIn::Door(self.checkin_url(registration_id)),
        }
    }

    /// `person_id`'s [`join_url`](Self::join_url) of `activity` if it is held online.
    pub fn join_url_of(&self, activity: &activity::Model, person_id: i32) -> Option<String> {
        (activity.online_url.is_some()).then(|| self.join_url(person_id, activity.id))
    }

    /// The registration a check-in token was made for, or `None` for anything we did not make.
    pub fn checkin_registration(&self, plain: &str) -> Option<i32> {
        let (id, mac) = plain.split_once('.')?;
        let id = positive(id)?;
        self.made(LinkPurpose::CheckIn, (id, 0), mac).then_some(id)
    }

    /// The personal link by which `person_id` joins the activity `activity_id` held online:
    /// `/join/{person}.{activity}.{mac}`. It leads to the activity's own address, and records
    /// their attendance when followed while the activity is on (`checkin::online`). Emails, the
    /// manage page, the attached `.ics` and the personal feed carry it instead of the address.
    pub fn join_url(&self, person_id: i32, activity_id: i32) -> String {
        let mac = self.key.derive(LinkPurpose::Join, person_id, activity_id);
        format!("{}/join/{person_id}.{activity_id}.{mac}", self.base)
    }

    /// The person and activity a join token was made for, or `None` for anything we did not
    /// make.
    pub fn join_of(&self, plain: &str) -> Option<(i32, i32)> {
        let (ids, mac) = plain.rsplit_once('.')?;
        let (person, activity) = ids.split_once('.')?;
        let ids = (positive(person)?, positive(activity)?);
        self.made(LinkPurpose::Join, ids, mac).then_some(ids)
    }

    /// Whether `mac` is the one this instance derives for `purpose` and `ids`. Compared as
    /// hashes, so the time taken says nothing about how much of it matched.
    fn made(&self, purpose: LinkPurpose, (id, generation): (i32, i32), mac: &str) -> bool {
        let expected = self.key.derive(purpose, id, generation);
        token::is_well_formed(mac) && token::hash(mac) == token::hash(&expected)
    }

    /// The confirmation link of an email.
    pub fn confirm_url(&self, token: &str, lang: Lang) -> String {
        with_lang(&format!("{}/confirm/{token}", self.base), lang)
    }

    /// An activity's public page (as the API gives it).
    pub fn activity_url(&self, kind: entity::enums::ActivityKind, id: i32) -> String {
        calendar::links::activity_page(&self.base, kind, id)
    }

    /// An activity's public page, as an email in `lang` links it.
    pub fn activity_url_in(
        &self,
        kind: entity::enums::ActivityKind,
        id: i32,
        lang: Lang,
    ) -> String {
        with_lang(&self.activity_url(kind, id), lang)
    }
}

/// A record id as a link carries it: digits, above zero.
fn positive(text: &str) -> Option<i32> {
    text.parse().ok().filter(|id| *id > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some_links() -> Links {
        Links {
            base: "https://veletrh.example.cz".into(),
            key: LinkKey::generate(),
        }
    }

    #[test]
    fn a_checkin_link_opens_its_registration_and_nothing_else() {
        let links = some_links();
        let token = links.checkin_token(42);
        assert!(token.starts_with("42."));
        assert_eq!(links.checkin_registration(&token), Some(42));
        assert_eq!(
            links.checkin_url(42),
            format!("https://veletrh.example.cz/checkin/{token}")
        );
        let mac = token.split_once('.').unwrap().1;
        assert_eq!(
            links.checkin_registration(&format!("43.{mac}")),
            None,
            "another id"
        );
        assert_eq!(links.checkin_registration(mac), None, "no id");
        assert_eq!(
            links.checkin_registration(&format!("42.{}", links.manage_token(42))),
            None,
            "a manage token is not a check-in token"
        );
        assert_eq!(
            some_links().checkin_registration(&token),
            None,
            "another key"
        );
        for garbage in ["", ".", "42.", "-1.x", "x.y", "42.../etc/passwd"] {
            assert_eq!(links.checkin_registration(garbage), None, "{garbage:?}");
        }
    }

    #[test]
    fn a_join_link_opens_its_person_and_activity_and_nothing_else() {
        let links = some_links();
        let url = links.join_url(7, 42);
        let token = url
            .strip_prefix("https://veletrh.example.cz/join/7.42.")
            .map(|mac| format!("7.42.{mac}"))
            .expect(&url);
        assert_eq!(links.join_of(&token), Some((7, 42)));
        let mac = token.rsplit_once('.').unwrap().1;
        for (other, why) in [
            (format!("7.43.{mac}"), "another activity"),
            (format!("8.42.{mac}"), "another person"),
            (format!("42.7.{mac}"), "swapped"),
            (format!("42.{mac}"), "no person"),
            (links.checkin_token(42), "a check-in token"),
            (format!("7.42.{}", links.manage_token(7)), "a manage token"),
        ] {
            assert_eq!(links.join_of(&other), None, "{why}");
        }
        assert_eq!(some_links().join_of(&token), None, "another key");
        for garbage in ["", "..", "7.42.", "0.42.x", "7.-1.x", "7.42.../x"] {
            assert_eq!(links.join_of(garbage), None, "{garbage:?}");
        }
    }
}
