//! XLSX through rust_xlsxwriter in its constant-memory mode: each finished row goes to a temp
//! file at once and strings are written inline instead of into a shared-strings table, so memory
//! stays flat however many rows there are. An XLSX file is a zip archive whose sheet can only be
//! packed once the last row is known, so the bytes come out at the end ([`Xlsx::finish`]), not
//! page by page; they then stream through a small channel rather than one buffer.

use std::io::{self, Write};

use chrono::{DateTime, Datelike, Timelike};
use chrono_tz::Tz;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::{
    ExportError,
    attendees::AttendeeRow,
    cell::{self, Value, Wording},
    column::Column,
};
use crate::i18n::Lang;

pub struct Xlsx {
    workbook: Workbook,
    columns: Vec<Column>,
    lang: Lang,
    next_row: u32,
    time: Format,
}

impl Xlsx {
    /// A workbook with one constant-memory sheet holding the header row.
    pub fn new(columns: Vec<Column>, lang: Lang) -> Result<Self, XlsxError> {
        let mut workbook = Workbook::new();
        let header = Format::new().set_bold();
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(lang.text("export.sheet"))?;
        for (i, column) in columns.iter().enumerate() {
            let i = i as u16;
            sheet.write_string_with_format(0, i, column.label(lang), &header)?;
            sheet.set_column_width(i, if column.is_time() { 17 } else { 24 })?;
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(Xlsx {
            workbook,
            columns,
            lang,
            next_row: 1,
            time: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
        })
    }

    pub fn rows(&mut self, rows: &[AttendeeRow]) -> Result<(), XlsxError> {
        let sheet = self.workbook.worksheet_from_index(0)?;
        for row in rows {
            let r = self.next_row;
            for (c, &column) in self.columns.iter().enumerate() {
                let c = c as u16;
                match cell::value(row, column, Wording::Labels(self.lang)) {
                    Value::Empty => {}
                    // A string cell is never evaluated as it stands, but Excel turns it into a
                    // formula once someone edits it and presses Enter: neutralise here too.
                    Value::Text(text) => {
                        sheet.write_string(r, c, cell::neutralise(&text))?;
                    }
                    Value::Time(at) => {
                        sheet.write_datetime_with_format(r, c, excel_time(&at)?, &self.time)?;
                    }
                }
            }
            self.next_row += 1;
        }
        Ok(())
    }

    /// Packs the workbook on a blocking thread and copies its bytes to `out` as they come.
    pub async fn finish<W: AsyncWrite + Unpin>(self, out: &mut W) -> Result<(), ExportError> {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
        let mut workbook = self.workbook;
        let pack = tokio::task::spawn_blocking(move || -> Result<(), XlsxError> {
            let mut writer = io::BufWriter::with_capacity(64 * 1024, ChunkSender(tx));
            workbook.save_to_writer(&mut writer)?;
            writer.flush()?;
            Ok(())
        });
        while let Some(chunk) = rx.recv().await {
            // On an error here `rx` is dropped, the packing thread's next send fails and it ends.
            out.write_all(&chunk).await?;
        }
        pack.await
            .map_err(|err| ExportError::Io(io::Error::other(err)))??;
        Ok(())
    }
}

/// Excel has no time zones: a cell holds the wall-clock time, here the activity's local time.
pub(super) fn excel_time(at: &DateTime<Tz>) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(at.year() as u16, at.month() as u8, at.day() as u8)?.and_hms(
        at.hour() as u16,
        at.minute() as u8,
        at.second(),
    )
}

/// The sync end of the channel: `save_to_writer` writes here from the blocking thread.
struct ChunkSender(tokio::sync::mpsc::Sender<Vec<u8>>);

impl Write for ChunkSender {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.blocking_send(buf.to_vec()).map_err(|_| {
            io::Error::new(io::ErrorKind::BrokenPipe, "the export's reader is gone")
        })?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
