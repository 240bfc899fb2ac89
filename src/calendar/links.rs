//! Addresses of the feeds, and the links pages offer for them: `webcal://` (Apple Calendar,
//! Thunderbird, Outlook desktop subscribe on a click), "add to Google Calendar" and "add to
//! Outlook.com". Every function takes the public base URL (`Config::base_url`, no trailing
//! slash).
//!
//! Google and Outlook.com fetch a feed from their own servers, so their links only work for a
//! base URL the internet can reach (over HTTPS, for Google).

use entity::enums::ActivityKind;
use url::form_urlencoded::byte_serialize;

fn encode(value: &str) -> String {
    byte_serialize(value.as_bytes()).collect()
}

/// `/fairs/{slug}/calendar.ics`: the fair's whole programme.
pub fn fair_feed(base_url: &str, slug: &str) -> String {
    format!("{base_url}/fairs/{}/calendar.ics", encode(slug))
}

/// `/workshops/{id}/calendar.ics` or `/meetings/{id}/calendar.ics`: one activity.
pub fn activity_feed(base_url: &str, kind: ActivityKind, id: i32) -> String {
    format!("{}/calendar.ics", activity_page(base_url, kind, id))
}

/// `/meetings/calendar.ics`, optionally for one region and/or district (by slug).
pub fn meetings_feed(base_url: &str, region: Option<&str>, district: Option<&str>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(region) = region {
        query.append_pair("region", region);
    }
    if let Some(district) = district {
        query.append_pair("district", district);
    }
    let query = query.finish();
    if query.is_empty() {
        format!("{base_url}/meetings/calendar.ics")
    } else {
        format!("{base_url}/meetings/calendar.ics?{query}")
    }
}

/// `/me/{token}/calendar.ics`: a person's confirmed sign-ups. `token` is the plain feed token,
/// whose hash is `person.feed_token_hash`.
pub fn personal_feed(base_url: &str, token: &str) -> String {
    format!("{base_url}/me/{}/calendar.ics", encode(token))
}

/// The activity's page, which its events link to (URL, and the last line of DESCRIPTION).
pub fn activity_page(base_url: &str, kind: ActivityKind, id: i32) -> String {
    match kind {
        ActivityKind::Workshop => format!("{base_url}/workshops/{id}"),
        ActivityKind::Meeting => format!("{base_url}/meetings/{id}"),
    }
}

/// The feed as a `webcal://` link, which calendar apps open as a subscription.
pub fn webcal_url(feed_url: &str) -> String {
    let rest = feed_url
        .strip_prefix("https://")
        .or_else(|| feed_url.strip_prefix("http://"))
        .unwrap_or(feed_url);
    format!("webcal://{rest}")
}

/// "Add to Google Calendar": opens Google Calendar asking to subscribe to the feed.
pub fn google_url(feed_url: &str) -> String {
    format!(
        "https://calendar.google.com/calendar/render?cid={}",
        encode(&webcal_url(feed_url))
    )
}

/// "Add to Outlook.com": opens Outlook on the web asking to subscribe to the feed, named `name`.
pub fn outlook_url(feed_url: &str, name: &str) -> String {
    format!(
        "https://outlook.live.com/calendar/0/addfromweb?url={}&name={}",
        encode(feed_url),
        encode(name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://veletrh.example.cz";

    #[test]
    fn feed_addresses_follow_the_routes() {
        assert_eq!(
            fair_feed(BASE, "uspech-pro-kazdeho-zaka"),
            "https://veletrh.example.cz/fairs/uspech-pro-kazdeho-zaka/calendar.ics"
        );
        assert_eq!(
            activity_feed(BASE, ActivityKind::Meeting, 7),
            "https://veletrh.example.cz/meetings/7/calendar.ics"
        );
        assert_eq!(
            meetings_feed(BASE, Some("olomoucky-kraj"), Some("jesenik")),
            "https://veletrh.example.cz/meetings/calendar.ics?region=olomoucky-kraj&district=jesenik"
        );
        assert_eq!(
            meetings_feed(BASE, None, None),
            "https://veletrh.example.cz/meetings/calendar.ics"
        );
        assert_eq!(
            personal_feed(BASE, "abc-_DEF"),
            "https://veletrh.example.cz/me/abc-_DEF/calendar.ics"
        );
    }

    #[test]
    fn subscription_links_carry_the_feed_encoded() {
        let feed = meetings_feed(BASE, Some("olomoucky-kraj"), None);
        assert_eq!(
            webcal_url(&feed),
            "webcal://veletrh.example.cz/meetings/calendar.ics?region=olomoucky-kraj"
        );
        assert_eq!(
            webcal_url("http://127.0.0.1:8080/x.ics"),
            "webcal://127.0.0.1:8080/x.ics"
        );
        assert_eq!(
            google_url(&feed),
            "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Fveletrh.example.cz\
             %2Fmeetings%2Fcalendar.ics%3Fregion%3Dolomoucky-kraj"
        );
        assert_eq!(
            outlook_url(&feed, "Setkání OP"),
            "https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2Fveletrh.example.cz\
             %2Fmeetings%2Fcalendar.ics%3Fregion%3Dolomoucky-kraj&name=Setk%C3%A1n%C3%AD+OP"
        );
    }
}
