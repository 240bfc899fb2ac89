//! Small tables as files: a header row and rows of cells, written whole in memory, in the
//! attendee exports' formats and with the same guard against formula injection. For reports
//! (`organiser::report`), whose rows are one per activity, not one per person.

use chrono::DateTime;
use chrono_tz::Tz;
use rust_xlsxwriter::Workbook;
use serde_json::{Map, Value as Json};

use super::{ExportError, Format, cell, delimited::BOM, xlsx};

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// An instant in its activity's zone.
    Time(DateTime<Tz>),
}

/// `rows` under `header` as a file in `format`; the XLSX sheet is named `sheet`.
pub fn write(
    format: Format,
    sheet: &str,
    header: &[&str],
    rows: &[Vec<Cell>],
) -> Result<Vec<u8>, ExportError> {
    match format {
        Format::Csv => delimited(b',', '.', header, rows),
        Format::CsvExcel => delimited(b';', ',', header, rows),
        Format::Xlsx => workbook(sheet, header, rows),
        Format::Json => {
            let objects: Vec<Json> = rows
                .iter()
                .map(|row| {
                    let fields = header.iter().zip(row).map(|(name, cell)| {
                        let value = match cell {
                            Cell::Empty => Json::Null,
                            Cell::Text(text) => Json::from(text.as_str()),
                            Cell::Number(n) => Json::from(*n),
                            Cell::Time(at) => Json::from(at.to_rfc3339()),
                        };
                        ((*name).to_owned(), value)
                    });
                    Json::Object(fields.collect::<Map<_, _>>())
                })
                .collect();
            Ok(serde_json::to_vec(&objects)?)
        }
    }
}

/// A number as a CSV cell: whole numbers without a fraction, others with `decimal` (Czech
/// Excel reads `4,5`).
fn number(n: f64, decimal: char) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        n.to_string().replace('.', &decimal.to_string())
    }
}

fn delimited(
    delimiter: u8,
    decimal: char,
    header: &[&str],
    rows: &[Vec<Cell>],
) -> Result<Vec<u8>, ExportError> {
    let mut out = BOM.as_bytes().to_vec();
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(&mut out);
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(row.iter().map(|cell| match cell {
            Cell::Empty => String::new(),
            Cell::Text(text) => cell::neutralise(text).into_owned(),
            Cell::Number(n) => number(*n, decimal),
            Cell::Time(at) => cell::local_minutes(at),
        }))?;
    }
    writer.flush()?;
    drop(writer);
    Ok(out)
}

fn workbook(sheet_name: &str, header: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let time = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name)?;
    for (c, label) in (0u16..).zip(header) {
        sheet.write_string_with_format(0, c, *label, &bold)?;
        sheet.set_column_width(c, if c == 0 { 40 } else { 16 })?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (r, row) in (1u32..).zip(rows) {
        for (c, cell) in (0u16..).zip(row) {
            match cell {
                Cell::Empty => {}
                Cell::Text(text) => {
                    sheet.write_string(r, c, cell::neutralise(text))?;
                }
                Cell::Number(n) => {
                    sheet.write_number(r, c, *n)?;
                }
                Cell::Time(at) => {
                    sheet.write_datetime_with_format(r, c, xlsx::excel_time(at)?, &time)?;
                }
            }
        }
    }
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Vec<Cell>> {
        let at = "2027-03-10T08:30:00Z"
            .parse::<DateTime<chrono::Utc>>()
            .unwrap();
        vec![vec![
            Cell::Text("=HYPERLINK(\"x\")".into()),
            Cell::Time(at.with_timezone(&chrono_tz::Europe::Prague)),
            Cell::Number(4.5),
            Cell::Number(20.0),
            Cell::Empty,
        ]]
    }

    const HEADER: [&str; 5] = ["Akce", "Začátek", "Hodnocení", "Kapacita", "Účast (%)"];

    #[test]
    fn csv_neutralises_formulas_and_writes_numbers_for_its_excel() {
        let csv = write(Format::Csv, "x", &HEADER, &rows()).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert_eq!(
            csv,
            "\u{feff}Akce,Začátek,Hodnocení,Kapacita,Účast (%)\r\n\
             \"'=HYPERLINK(\"\"x\"\")\",2027-03-10 09:30,4.5,20,\r\n"
        );
        let czech = write(Format::CsvExcel, "x", &HEADER, &rows()).unwrap();
        let czech = String::from_utf8(czech).unwrap();
        assert!(czech.ends_with(";2027-03-10 09:30;4,5;20;\r\n"), "{czech}");
    }

    #[test]
    fn json_keys_each_row_by_the_header() {
        let json = write(Format::Json, "x", &HEADER, &rows()).unwrap();
        let json: Json = serde_json::from_slice(&json).unwrap();
        assert_eq!(
            json[0]["Akce"], "=HYPERLINK(\"x\")",
            "JSON is no spreadsheet"
        );
        assert_eq!(json[0]["Hodnocení"], 4.5);
        assert_eq!(json[0]["Začátek"], "2027-03-10T09:30:00+01:00");
        assert!(json[0]["Účast (%)"].is_null());
    }

    #[test]
    fn xlsx_is_a_workbook() {
        let xlsx = write(Format::Xlsx, "Výsledky", &HEADER, &rows()).unwrap();
        assert!(xlsx.starts_with(b"PK\x03\x04"), "a zip archive");
    }
}
