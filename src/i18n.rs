//! Languages and the user-facing strings of pages and errors.
//!
//! Every string is one row holding both languages, so neither can be missing. Czech is the default.

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Cs,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Cs => "cs",
            Lang::En => "en",
        }
    }

    /// `cs` or `en` (any case, with or without a region); anything else is `None`.
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "cs" | "cz" => Some(Lang::Cs),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header, in the client's order.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut tags: Vec<(f32, usize, &str)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                Some((q, i, tag))
            })
            .collect();
        tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        tags.into_iter()
            .find_map(|(q, _, tag)| (q > 0.0).then(|| Lang::parse(tag)).flatten())
    }

    /// The text of `key` in this language; an unknown key shows itself, so it is noticed.
    pub fn text(self, key: &str) -> &'static str {
        match TEXTS.binary_search_by(|row| row.0.cmp(key)) {
            Ok(i) => match self {
                Lang::Cs => TEXTS[i].1,
                Lang::En => TEXTS[i].2,
            },
            Err(_) => "??",
        }
    }

    /// "út 12. 5. 2026 9:30–11:00" / "Tue 12 May 2026, 9:30–11:00" in the activity's zone.
    pub fn when(self, start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz) -> String {
        let (s, e) = (start.with_timezone(&tz), end.with_timezone(&tz));
        let day = self.date(start, tz);
        let (sh, sm, eh, em) = (s.hour(), s.minute(), e.hour(), e.minute());
        if s.date_naive() == e.date_naive() {
            match self {
                Lang::Cs => format!("{day} {sh}:{sm:02}–{eh}:{em:02}"),
                Lang::En => format!("{day}, {sh}:{sm:02}–{eh}:{em:02}"),
            }
        } else {
            let end_day = self.date(end, tz);
            match self {
                Lang::Cs => format!("{day} {sh}:{sm:02} – {end_day} {eh}:{em:02}"),
                Lang::En => format!("{day}, {sh}:{sm:02} – {end_day}, {eh}:{em:02}"),
            }
        }
    }

    /// "út 12. 5. 2026" / "Tue 12 May 2026".
    pub fn date(self, at: DateTime<Utc>, tz: Tz) -> String {
        let t = at.with_timezone(&tz);
        let wd = t.weekday().num_days_from_monday() as usize;
        match self {
            Lang::Cs => {
                const DAYS: [&str; 7] = ["po", "út", "st", "čt", "pá", "so", "ne"];
                format!("{} {}. {}. {}", DAYS[wd], t.day(), t.month(), t.year())
            }
            Lang::En => {
                const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
                const MONTHS: [&str; 12] = [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec",
                ];
                let month = MONTHS[t.month0() as usize];
                format!("{} {} {month} {}", DAYS[wd], t.day(), t.year())
            }
        }
    }
}

/// (key, Czech, English), sorted by key (a unit test checks the order).
const TEXTS: &[(&str, &str, &str)] = &[
    ("app.name", "Veletrh", "Veletrh"),
    ("home.fairs", "Veletrhy", "Fairs"),
    (
        "home.meetings",
        "Setkání Okresních Partnerství",
        "District partnership meetings",
    ),
    (
        "home.no_fairs",
        "Zatím není vypsán žádný veletrh.",
        "No fair has been announced yet.",
    ),
    (
        "home.no_meetings",
        "Žádné nadcházející setkání.",
        "No upcoming meetings.",
    ),
    ("home.programme", "Program", "Programme"),
    (
        "home.title",
        "Přihlášky na veletrhy a setkání",
        "Sign-up for fairs and meetings",
    ),
    ("lang.switch", "English", "Česky"),
    ("seats.free", "volná místa", "seats left"),
    ("seats.full", "obsazeno", "full"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Europe::Prague;

    #[test]
    fn texts_are_sorted_unique_and_filled_in_both_languages() {
        for pair in TEXTS.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
        }
        for (key, cs, en) in TEXTS {
            assert!(!cs.is_empty() && !en.is_empty(), "{key}");
        }
    }

    #[test]
    fn accept_language_picks_the_clients_best_supported_language() {
        assert_eq!(
            Lang::from_accept_language("en-GB,en;q=0.9,cs;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("de;q=1, cs;q=0.5, en;q=0.4"),
            Some(Lang::Cs)
        );
        assert_eq!(Lang::from_accept_language("de, fr"), None);
        assert_eq!(Lang::from_accept_language("en;q=0"), None);
    }

    #[test]
    fn times_read_as_people_write_them_in_each_language() {
        let start = Utc.with_ymd_and_hms(2026, 5, 12, 7, 30, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2026, 5, 12, 9, 0, 0).unwrap();
        assert_eq!(
            Lang::Cs.when(start, end, Prague),
            "út 12. 5. 2026 9:30–11:00"
        );
        assert_eq!(
            Lang::En.when(start, end, Prague),
            "Tue 12 May 2026, 9:30–11:00"
        );
    }
}
