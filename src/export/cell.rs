//! What goes into one cell: the value of a column for a row, and the guard against formula
//! injection for files that spreadsheets open.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{attendees::AttendeeRow, column::Column};
use crate::i18n::Lang;

/// A spreadsheet reads a cell that starts with one of these as a formula (`=`, `+`, `-`, `@`)
/// or strips them and then does (tab, carriage return).
const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The text a spreadsheet shows as text: a cell starting with a formula trigger (`= + - @`, tab,
/// carriage return) gets a leading `'`, so `=HYPERLINK(…)` typed as a name shows as typed and
/// never runs (OWASP "CSV injection"). Everything else is returned untouched, so dropping one
/// leading `'` from a changed cell gives back the original.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_TRIGGERS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A cell before it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    Empty,
    /// Raw text, not yet neutralised (JSON writes it as it is).
    Text(Cow<'a, str>),
    /// An instant in the activity's zone.
    Time(DateTime<Tz>),
}

/// Whether codes (`confirmed`, `teacher`) or labels in a language (`potvrzeno`, `učitel/ka`)
/// go into the status and role cells: labels for people (CSV, XLSX), codes for programs (JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wording {
    Labels(Lang),
    Codes,
}

/// The value of `column` in `row`.
pub fn value(row: &AttendeeRow, column: Column, wording: Wording) -> Value<'_> {
    let text = |s: &'static str| Value::Text(Cow::Borrowed(s));
    let time = |at: DateTime<Utc>| Value::Time(at.with_timezone(&row.zone()));
    match column {
        Column::Name => Value::Text(Cow::Borrowed(&row.name)),
        Column::Email => Value::Text(Cow::Borrowed(&row.email)),
        Column::Organisation => optional(&row.organisation),
        Column::Role => match (wording, row.role.as_deref()) {
            (Wording::Labels(lang), Some(role)) if crate::registration::ROLES.contains(&role) => {
                text(lang.text(&format!("role.{role}")))
            }
            _ => optional(&row.role),
        },
        Column::District => optional(&row.district),
        Column::Region => optional(&row.region),
        Column::Activity => Value::Text(Cow::Borrowed(&row.activity)),
        Column::StartsAt => time(row.starts_at),
        Column::Status => match wording {
            Wording::Labels(lang) => text(lang.text(&format!("export.status.{}", row.status))),
            Wording::Codes => text(row.status.as_str()),
        },
        Column::RegisteredAt => time(row.registered_at),
        Column::ConfirmedAt => row.confirmed_at.map_or(Value::Empty, time),
        Column::CheckedInAt => row.checked_in_at.map_or(Value::Empty, time),
    }
}

/// An optional text: nothing and the empty string are both an empty cell.
fn optional(text: &Option<String>) -> Value<'_> {
    match text.as_deref() {
        None | Some("") => Value::Empty,
        Some(text) => Value::Text(Cow::Borrowed(text)),
    }
}

/// `2026-05-12 09:30`: local time as a spreadsheet in any language reads it, and sorts as text.
pub fn local_minutes(at: &DateTime<Tz>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_known_attacks_are_neutralised_and_ordinary_text_is_not() {
        assert_eq!(
            neutralise("=HYPERLINK(\"http://x\",\"y\")"),
            "'=HYPERLINK(\"http://x\",\"y\")"
        );
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("@cmd"), "'@cmd");
        assert_eq!(neutralise("\t=1"), "'\t=1");
        assert_eq!(neutralise("\r=1"), "'\r=1");
        assert!(matches!(neutralise("Jana Nováková"), Cow::Borrowed(_)));
        assert_eq!(neutralise(""), "");
        assert_eq!(neutralise("a=1"), "a=1");
    }

    proptest! {
        #[test]
        fn no_neutralised_cell_starts_with_a_trigger(text in any::<String>()) {
            let out = neutralise(&text);
            prop_assert!(!out.starts_with(FORMULA_TRIGGERS), "{:?}", out);
        }

        #[test]
        fn neutralising_changes_only_cells_that_start_with_a_trigger_and_is_lossless(
            text in any::<String>(),
        ) {
            let out = neutralise(&text);
            if text.starts_with(FORMULA_TRIGGERS) {
                prop_assert_eq!(out.strip_prefix('\'').unwrap(), text.as_str());
            } else {
                prop_assert_eq!(out.as_ref(), text.as_str());
            }
        }

        #[test]
        fn attacks_are_caught_whatever_follows(
            trigger in prop::sample::select(FORMULA_TRIGGERS.to_vec()),
            rest in "\\PC*",
        ) {
            let text = format!("{trigger}{rest}");
            prop_assert_eq!(neutralise(&text).into_owned(), format!("'{text}"));
        }
    }
}
