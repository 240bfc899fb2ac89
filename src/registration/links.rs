//! The URLs that go into pages and emails, built in one place.

use crate::{
    calendar,
    domain::token::{LinkKey, LinkPurpose},
};

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

    pub fn manage_url(&self, person_id: i32) -> String {
        format!("{}/me/{}", self.base, self.manage_token(person_id))
    }

    pub fn feed_url(&self, person_id: i32, generation: i32) -> String {
        calendar::links::personal_feed(&self.base, &self.feed_token(person_id, generation))
    }

    pub fn confirm_url(&self, token: &str) -> String {
        format!("{}/confirm/{token}", self.base)
    }

    pub fn activity_url(&self, kind: entity::enums::ActivityKind, id: i32) -> String {
        calendar::links::activity_page(&self.base, kind, id)
    }
}
