//! CSV in both flavours: a UTF-8 byte-order mark, a header row, then one record per row, every
//! text cell [neutralised](super::cell::neutralise). Each page gets a fresh `csv::Writer` over
//! the page buffer, so nothing outlives a page.

use super::{
    attendees::AttendeeRow,
    cell::{self, Value, Wording},
    column::Column,
};

/// The byte-order mark: without it Excel reads UTF-8 as the local code page (cp1250 in Czech)
/// and mangles every diacritic.
pub const BOM: &str = "\u{feff}";

pub struct Delimited {
    delimiter: u8,
    columns: Vec<Column>,
    wording: Wording,
}

impl Delimited {
    pub fn new(delimiter: u8, columns: Vec<Column>, wording: Wording) -> Self {
        Delimited {
            delimiter,
            columns,
            wording,
        }
    }

    fn writer<'a>(&self, out: &'a mut Vec<u8>) -> csv::Writer<&'a mut Vec<u8>> {
        csv::WriterBuilder::new()
            .delimiter(self.delimiter)
            .terminator(csv::Terminator::CRLF)
            .from_writer(out)
    }

    pub fn begin(&self, out: &mut Vec<u8>) -> csv::Result<()> {
        out.extend_from_slice(BOM.as_bytes());
        let lang = match self.wording {
            Wording::Labels(lang) => lang,
            Wording::Codes => crate::i18n::Lang::En,
        };
        let mut writer = self.writer(out);
        writer.write_record(self.columns.iter().map(|c| c.label(lang)))?;
        writer.flush()?;
        Ok(())
    }

    pub fn rows(&self, rows: &[AttendeeRow], out: &mut Vec<u8>) -> csv::Result<()> {
        let mut writer = self.writer(out);
        let mut record = csv::ByteRecord::with_capacity(256, self.columns.len());
        for row in rows {
            record.clear();
            for &column in &self.columns {
                match cell::value(row, column, self.wording) {
                    Value::Empty => record.push_field(b""),
                    Value::Text(text) => record.push_field(cell::neutralise(&text).as_bytes()),
                    Value::Time(at) => record.push_field(cell::local_minutes(&at).as_bytes()),
                }
            }
            writer.write_byte_record(&record)?;
        }
        writer.flush()?;
        Ok(())
    }
}
