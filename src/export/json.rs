//! JSON: one array of objects, written an object at a time. Keys are the column ids in the
//! chosen order, status and role are codes, times are RFC 3339 with the local offset, missing
//! values are `null`. Text is not neutralised: a JSON reader is a program, not a spreadsheet.

use chrono::SecondsFormat;

use super::{
    attendees::AttendeeRow,
    cell::{self, Value, Wording},
    column::Column,
};

pub struct Json {
    columns: Vec<Column>,
    first: bool,
}

impl Json {
    pub fn new(columns: Vec<Column>) -> Self {
        Json {
            columns,
            first: true,
        }
    }

    pub fn begin(&self, out: &mut Vec<u8>) {
        out.push(b'[');
    }

    pub fn rows(&mut self, rows: &[AttendeeRow], out: &mut Vec<u8>) -> serde_json::Result<()> {
        for row in rows {
            out.extend_from_slice(if self.first { b"\n{" } else { b",\n{" });
            self.first = false;
            for (i, &column) in self.columns.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, column.id())?;
                out.push(b':');
                match cell::value(row, column, Wording::Codes) {
                    Value::Empty => out.extend_from_slice(b"null"),
                    Value::Text(text) => serde_json::to_writer(&mut *out, text.as_ref())?,
                    Value::Time(at) => serde_json::to_writer(
                        &mut *out,
                        &at.to_rfc3339_opts(SecondsFormat::Secs, true),
                    )?,
                }
            }
            out.push(b'}');
        }
        Ok(())
    }

    pub fn end(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if self.first { b"]\n" } else { b"\n]\n" });
    }
}
