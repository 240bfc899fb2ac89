//! The columns an organiser can pick for an export: only what they ask for leaves the database
//! (data minimisation), in the order they ask for it.

use std::fmt;

use crate::i18n::Lang;

/// One column of an attendee export. The `id` is the stable English name used on the command
/// line, in query strings and as the JSON key; the header label follows the export's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Name,
    Email,
    Organisation,
    Role,
    District,
    Region,
    Activity,
    /// When the activity starts, in its local time (Europe/Prague for everything so far).
    StartsAt,
    Status,
    RegisteredAt,
    ConfirmedAt,
    CheckedInAt,
}

/// The columns picked when the organiser picks none: enough to run the door, nothing more.
pub const DEFAULT_COLUMNS: &[Column] = &[
    Column::Name,
    Column::Email,
    Column::Organisation,
    Column::Activity,
    Column::StartsAt,
    Column::Status,
];

/// A column list that does not parse; the message names the offending item and the choices.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnListError {
    #[error("unknown column `{0}` (choose from: {choices})", choices = Column::choices())]
    Unknown(String),
    #[error("no columns chosen (choose from: {choices})", choices = Column::choices())]
    Empty,
}

impl Column {
    pub const ALL: [Column; 12] = [
        Column::Name,
        Column::Email,
        Column::Organisation,
        Column::Role,
        Column::District,
        Column::Region,
        Column::Activity,
        Column::StartsAt,
        Column::Status,
        Column::RegisteredAt,
        Column::ConfirmedAt,
        Column::CheckedInAt,
    ];

    pub const fn id(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::Email => "email",
            Column::Organisation => "organisation",
            Column::Role => "role",
            Column::District => "district",
            Column::Region => "region",
            Column::Activity => "activity",
            Column::StartsAt => "starts_at",
            Column::Status => "status",
            Column::RegisteredAt => "registered_at",
            Column::ConfirmedAt => "confirmed_at",
            Column::CheckedInAt => "checked_in_at",
        }
    }

    /// One id, any case, with `-` for `_` allowed (`starts-at`).
    pub fn parse(id: &str) -> Option<Column> {
        let id = id.trim().to_ascii_lowercase().replace('-', "_");
        Column::ALL.into_iter().find(|c| c.id() == id)
    }

    /// A comma-separated list such as `name,email,status`. Repeats are dropped (the first one
    /// keeps its place); an unknown name or an empty list is an error.
    pub fn parse_list(list: &str) -> Result<Vec<Column>, ColumnListError> {
        let mut columns = Vec::new();
        for item in list.split(',').filter(|item| !item.trim().is_empty()) {
            let column =
                Column::parse(item).ok_or_else(|| ColumnListError::Unknown(item.trim().into()))?;
            if !columns.contains(&column) {
                columns.push(column);
            }
        }
        if columns.is_empty() {
            return Err(ColumnListError::Empty);
        }
        Ok(columns)
    }

    /// The header of this column in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        lang.text(&format!("export.column.{}", self.id()))
    }

    /// True for the columns holding an instant (written as a date and time, not text).
    pub const fn is_time(self) -> bool {
        matches!(
            self,
            Column::StartsAt | Column::RegisteredAt | Column::ConfirmedAt | Column::CheckedInAt
        )
    }

    fn choices() -> String {
        Column::ALL.map(Column::id).join(", ")
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_parses_in_order_without_repeats() {
        assert_eq!(
            Column::parse_list(" email, Name ,starts-at,email,"),
            Ok(vec![Column::Email, Column::Name, Column::StartsAt])
        );
    }

    #[test]
    fn an_unknown_column_or_an_empty_list_is_refused() {
        assert_eq!(
            Column::parse_list("name,phone"),
            Err(ColumnListError::Unknown("phone".into()))
        );
        assert_eq!(Column::parse_list(" , "), Err(ColumnListError::Empty));
        let message = Column::parse_list("phone").unwrap_err().to_string();
        assert!(message.contains("checked_in_at"), "{message}");
    }

    #[test]
    fn every_column_round_trips_and_has_a_label_in_both_languages() {
        for column in Column::ALL {
            assert_eq!(Column::parse(column.id()), Some(column));
            for lang in [Lang::Cs, Lang::En] {
                assert_ne!(column.label(lang), "??", "{column} in {lang:?}");
            }
        }
    }
}
