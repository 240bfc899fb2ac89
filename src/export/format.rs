//! The file formats of an export and what an HTTP answer says about each.

use std::{fmt, str::FromStr};

/// One file format of an attendee export.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Format {
    /// RFC 4180: comma-separated, CRLF line ends, UTF-8 with a byte-order mark (so Excel reads
    /// the diacritics).
    #[default]
    Csv,
    /// The same with `;` between cells: Czech Excel uses the comma as its decimal separator
    /// and splits an opened `.csv` into columns only at semicolons.
    CsvExcel,
    /// An Excel workbook with one sheet, written in rust_xlsxwriter's constant-memory mode.
    Xlsx,
    /// An array of objects keyed by column id; status and role as codes, times in RFC 3339.
    Json,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Csv, Format::CsvExcel, Format::Xlsx, Format::Json];

    pub const fn id(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::CsvExcel => "csv-excel",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
        }
    }

    /// The `Content-Type` of an HTTP answer carrying this format.
    pub const fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8; header=present",
            Format::CsvExcel => "text/csv; charset=utf-8; header=present",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Json => "application/json",
        }
    }

    /// The file name extension, without the dot.
    pub const fn extension(self) -> &'static str {
        match self {
            Format::Csv | Format::CsvExcel => "csv",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
        }
    }
}

/// A format name that is none of `csv`, `csv-excel`, `xlsx`, `json`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format `{0}` (choose from: csv, csv-excel, xlsx, json)")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let id = s.trim().to_ascii_lowercase().replace('_', "-");
        Format::ALL
            .into_iter()
            .find(|f| f.id() == id)
            .ok_or_else(|| UnknownFormat(s.trim().to_owned()))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_parses_from_its_id() {
        for format in Format::ALL {
            assert_eq!(format.id().parse(), Ok(format));
        }
        assert_eq!("CSV_Excel".parse(), Ok(Format::CsvExcel));
        assert!("ods".parse::<Format>().is_err());
    }
}
