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
    /// The link an activity held online is joined by.
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

    /// How the holder of the seat `registration_id` on `activity` gets in.
    pub fn way_in(&self, activity: &activity::Model, registration_id: i32) -> WayIn {
        match &activity.online_url {
            Some(url) => WayIn::Online(url.clone()),
            None => WayIn::Door(self.checkin_url(registration_id)),
        }
    }

    /// The registration a check-in token was made for, or `None` for anything we did not make.
    pub fn checkin_registration(&self, plain: &str) -> Option<i32> {
        let (id, mac) = plain.split_once('.')?;
        let id: i32 = id.parse().ok().filter(|id| *id > 0)?;
        // Compared as hashes, so the time taken says nothing about how much of the MAC matched.
        let expected = self.key.derive(LinkPurpose::CheckIn, id, 0);
        (token::is_well_formed(mac) && token::hash(mac) == token::hash(&expected)).then_some(id)
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
}
