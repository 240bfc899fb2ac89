//! The one place that turns iCalendar data into bytes, around the `ical` crate's generator.
//!
//! Feeds are built as `ical` component trees (`IcalCalendar`, `IcalEvent`, …) of properties
//! made only by the functions here, and written by [`write`], which runs the crate's `Emitter`
//! and then repairs what `ical` 0.11 gets wrong (events, the bulk of a feed, are written by
//! [`write_event_into`] to the same bytes without the detour):
//!
//! - it folds at 75 *characters*, so a Czech line can exceed the 75 octets RFC 5545 allows:
//!   [`write`] unfolds its output and folds again at 75 octets, never inside a UTF-8 character,
//!   with CRLF line ends;
//! - it writes property values as given: TEXT values are escaped by [`text`] and
//!   [`text_list`] (`\` `;` `,` and line breaks); other values go through [`raw`], which only
//!   drops control characters;
//! - it escapes parameter values with backslashes (RFC 5545 has no escapes there), and it mixes
//!   up byte and character positions doing it: a quoted value with a non-ASCII character gets a
//!   stray backslash (`"Úter\ý"`) or panics. So [`with_param`] writes the parameter, quoted by
//!   [`param_value`] where needed, into the property's name, which the generator writes as it
//!   is, and leaves the crate's parameter list empty;
//! - its event builder writes DTSTAMP with a TZID: [`utc`] writes UTC times as UTC.
//!
//! A value never contains a raw CR or LF once it has passed through this module, which is what
//! lets [`write`] tell the crate's folds from line ends.

use std::{borrow::Cow, fmt::Write};

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDateTime, Offset, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;
use ical::{
    generator::{Emitter, IcalEvent},
    property::Property,
};

/// The longest physical line RFC 5545 allows, in octets, without its CRLF.
pub const MAX_LINE_OCTETS: usize = 75;

/// A calendar (or any component) as RFC 5545 bytes: CRLF line ends, lines folded at 75 octets.
pub fn write(component: &impl Emitter) -> String {
    let mut out = String::new();
    write_into(component, &mut out);
    out
}

/// [`write`], appending to `out`.
pub fn write_into(component: &impl Emitter, out: &mut String) {
    let generated = component.generate();
    out.reserve(generated.len() + generated.len() / 32);
    // The generator ends every line with CRLF and folds with CRLF + space; no value carries a CR
    // or LF of its own (see the module docs), so a piece that starts with a space continues the
    // line before it.
    let mut line: Option<Cow<str>> = None;
    for piece in generated.split('\n') {
        let piece = piece.strip_suffix('\r').unwrap_or(piece);
        if let Some(continued) = piece.strip_prefix(' ') {
            line.get_or_insert_default().to_mut().push_str(continued);
            continue;
        }
        if let Some(done) = line.replace(Cow::Borrowed(piece)) {
            fold_into(&done, out);
        }
    }
    if let Some(done) = line.filter(|l| !l.is_empty()) {
        fold_into(&done, out);
    }
}

/// An event as [`write_into`] writes it, straight from its properties: the generator's text for
/// an event is only `BEGIN`, each property's `name:value` and `END`, so this skips making its
/// 75-character folds and undoing them — most of the time of a large feed.
pub fn write_event_into(event: &IcalEvent, out: &mut String) {
    out.push_str("BEGIN:VEVENT\r\n");
    let mut line = String::with_capacity(256);
    for property in &event.properties {
        // Parameters travel in the name (see [`with_param`]).
        debug_assert!(property.params.is_none());
        line.clear();
        line.push_str(&property.name);
        line.push(':');
        line.push_str(property.value.as_deref().unwrap_or_default());
        fold_into(&line, out);
    }
    for alarm in &event.alarms {
        write_into(alarm, out);
    }
    out.push_str("END:VEVENT\r\n");
}

/// Appends one content line to `out`, folded so that no physical line exceeds 75 octets and no
/// fold splits a character, each physical line ending in CRLF.
pub fn fold_into(line: &str, out: &mut String) {
    let mut rest = line;
    let mut room = MAX_LINE_OCTETS;
    while rest.len() > room {
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        // A continuation line starts with the space of the fold.
        room = MAX_LINE_OCTETS - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

/// A TEXT value (RFC 5545 3.3.11): `\` `;` `,` escaped, every line break (CRLF, CR, LF, NEL,
/// U+2028, U+2029) written as `\n`, other control characters but TAB dropped (TEXT cannot carry
/// them).
pub fn escape_text(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = String::with_capacity(value.len() + 8);
    // Copies runs of ordinary text at once; every character that needs care is ASCII or starts
    // with 0xC2 (C1 controls, NEL) or 0xE2 (U+2028, U+2029), so the scan is by byte.
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !NOTICE[usize::from(bytes[i])] {
            i += 1;
            continue;
        }
        let next = |n: usize| bytes.get(i + n).copied();
        let (replacement, width) = match bytes[i] {
            b'\\' => ("\\\\", 1),
            b';' => ("\\;", 1),
            b',' => ("\\,", 1),
            b'\r' if next(1) == Some(b'\n') => ("\\n", 2),
            b'\r' | b'\n' => ("\\n", 1),
            0x00..=0x1f | 0x7f => ("", 1),
            0xc2 if next(1) == Some(0x85) => ("\\n", 2),
            0xc2 if next(1).is_some_and(|b| (0x80..=0x9f).contains(&b)) => ("", 2),
            0xe2 if next(1) == Some(0x80) && matches!(next(2), Some(0xa8 | 0xa9)) => ("\\n", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&value[copied..i]);
        out.push_str(replacement);
        i += width;
        copied = i;
    }
    out.push_str(&value[copied..]);
    out
}

/// The bytes [`escape_text`] looks at: `\` `;` `,`, controls but TAB, and the lead bytes of
/// the non-ASCII line breaks and controls.
const NOTICE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b != b'\t' as usize;
        b += 1;
    }
    table[0x7f] = true;
    table[b'\\' as usize] = true;
    table[b';' as usize] = true;
    table[b',' as usize] = true;
    table[0xc2] = true;
    table[0xe2] = true;
    table
};

/// A TEXT property. Trailing white space (and line breaks) are dropped: libical (Evolution)
/// drops them when reading, so keeping them would make clients disagree about the value.
pub fn text(name: &str, value: &str) -> Property {
    let kept = value.trim_end_matches(|c: char| c.is_whitespace() || c.is_control());
    raw_unchecked(name, escape_text(kept))
}

/// A property whose value is a list of TEXT items (CATEGORIES); empty items are left out.
pub fn text_list<'a>(name: &str, items: impl IntoIterator<Item = &'a str>) -> Property {
    let items: Vec<String> = items
        .into_iter()
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(escape_text)
        .collect();
    raw_unchecked(name, items.join(","))
}

/// A property whose value is not TEXT (URI, INTEGER, DURATION, a fixed keyword): written as
/// given, minus control characters, which no value type allows.
pub fn raw(name: &str, value: impl Into<String>) -> Property {
    let mut value = value.into();
    value.retain(|c| !c.is_control());
    raw_unchecked(name, value)
}

fn raw_unchecked(name: &str, value: String) -> Property {
    Property {
        name: name.to_owned(),
        params: None,
        value: Some(value),
    }
}

/// Adds the parameter `name=value` to `property`, quoting the value where needed. It goes into
/// the property's name, past the generator's parameter code (see the module docs); the crate's
/// parser reads it back as a parameter.
pub fn with_param(mut property: Property, name: &str, value: &str) -> Property {
    property.name.push(';');
    property.name.push_str(name);
    property.name.push('=');
    property.name.push_str(&param_value(value));
    property
}

/// A parameter value as RFC 5545 3.1 writes it: control characters and DQUOTE (which a
/// parameter value cannot hold in any form) dropped, and the value DQUOTE-quoted unless it is
/// plain ASCII (letters, digits, `-_./+`), which covers `:` `;` `,`.
pub fn param_value(value: &str) -> String {
    let clean: String = value
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .collect();
    let plain = !clean.is_empty()
        && clean
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./+".contains(&b));
    if plain { clean } else { format!("\"{clean}\"") }
}

/// `name:YYYYMMDDTHHMMSSZ`, a UTC time (DTSTAMP, CREATED, LAST-MODIFIED and the like).
pub fn utc(name: &str, at: DateTime<Utc>) -> Property {
    raw_unchecked(name, utc_value(at))
}

pub fn utc_value(at: DateTime<Utc>) -> String {
    let mut out = date_time(at.naive_utc());
    out.push('Z');
    out
}

/// `YYYYMMDDTHHMMSS`, digit by digit (chrono's `format` parses its pattern on every call, and
/// a feed writes tens of thousands of these).
pub fn date_time(t: NaiveDateTime) -> String {
    let mut out = String::with_capacity(16);
    let year = t.year();
    if (0..=9999).contains(&year) {
        push_digits(&mut out, year as u32, 4);
    } else {
        let _ = write!(out, "{year:04}");
    }
    push_digits(&mut out, t.month(), 2);
    push_digits(&mut out, t.day(), 2);
    out.push('T');
    push_digits(&mut out, t.hour(), 2);
    push_digits(&mut out, t.minute(), 2);
    push_digits(&mut out, t.second(), 2);
    out
}

fn push_digits(out: &mut String, value: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = value / 10u32.pow(place) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

/// `name;TZID=zone:YYYYMMDDTHHMMSS`, the wall-clock time of `at` in `tz` (which the calendar
/// must define in a VTIMEZONE).
///
/// One local time cannot be written that way: the second of the two 02:30s of an autumn night,
/// because RFC 5545 reads a repeated local time as its first occurrence. That instant is written
/// in UTC instead, which every client reads exactly.
pub fn zoned(name: &str, at: DateTime<Utc>, tz: Tz) -> Property {
    let utc_time = at.naive_utc();
    let offset = tz.offset_from_utc_datetime(&utc_time).fix();
    let local = utc_time + offset;
    // A wall-clock time repeats only shortly after the offset went down (by an hour, rarely
    // two), so the slower check runs only then.
    let before = tz
        .offset_from_utc_datetime(&(utc_time - Duration::hours(3)))
        .fix();
    if before.local_minus_utc() > offset.local_minus_utc()
        && let LocalResult::Ambiguous(first, _) = tz.from_local_datetime(&local)
        && first.with_timezone(&Utc) != at
    {
        return utc(name, at);
    }
    with_param(raw_unchecked(name, date_time(local)), "TZID", tz.name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Europe::Prague;
    use ical::generator::{IcalCalendarBuilder, IcalEvent};
    use proptest::prelude::*;

    /// Our own reading of the bytes (RFC 5545 3.1): the `ical` parser trims trailing spaces of
    /// physical lines and does not unescape TEXT, so tests read with these instead.
    fn unfold(data: &str) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        for physical in data.split("\r\n") {
            match physical.strip_prefix(' ') {
                Some(rest) => lines.last_mut().expect("a line to continue").push_str(rest),
                None if physical.is_empty() => {}
                None => lines.push(physical.to_owned()),
            }
        }
        lines
    }

    fn unescape(value: &str) -> String {
        let mut out = String::new();
        let mut chars = value.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n' | 'N') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    /// What a TEXT value can carry: line breaks become LF, other controls but TAB vanish.
    fn representable(value: &str) -> String {
        let value = value
            .replace("\r\n", "\n")
            .replace(['\r', '\u{85}', '\u{2028}', '\u{2029}'], "\n");
        value
            .chars()
            .filter(|c| *c == '\n' || *c == '\t' || !c.is_control())
            .collect()
    }

    fn calendar_with(properties: Vec<Property>) -> String {
        let mut event = IcalEvent::new();
        event.properties = properties;
        let calendar = IcalCalendarBuilder::version("2.0")
            .gregorian()
            .prodid("-//veletrh//test//CS")
            .add_event(event)
            .build();
        write(&calendar)
    }

    fn assert_well_folded(data: &str) {
        assert!(data.ends_with("\r\n"), "ends with CRLF");
        for line in data.split("\r\n") {
            assert!(
                line.len() <= MAX_LINE_OCTETS,
                "{} octets: {line:?}",
                line.len()
            );
            assert!(!line.contains(['\r', '\n']), "bare CR or LF in {line:?}");
        }
    }

    #[test]
    fn the_crate_alone_folds_czech_past_75_octets_and_does_not_escape() {
        let summary = "Jak se společně s učiteli a řediteli učíme být ještě lepšími učiteli; a, ř";
        let mut event = IcalEvent::new();
        event.properties.push(Property {
            name: "SUMMARY".into(),
            params: None,
            value: Some(summary.into()),
        });
        let generated = event.generate();
        assert!(generated.split("\r\n").any(|l| l.len() > MAX_LINE_OCTETS));
        let unfolded = generated.replace("\r\n ", "");
        assert!(
            unfolded.contains("učiteli; a, ř"),
            "not escaped by the crate"
        );
        // … which is what this module is for:
        let ours = calendar_with(vec![text("SUMMARY", summary)]);
        assert_well_folded(&ours);
        let line = unfold(&ours)
            .into_iter()
            .find(|l| l.starts_with("SUMMARY:"))
            .unwrap();
        assert!(line.ends_with("učiteli\\; a\\, ř"));
        assert_eq!(unescape(&line["SUMMARY:".len()..]), summary);
    }

    #[test]
    fn text_escaping_covers_backslash_semicolon_comma_and_line_breaks() {
        assert_eq!(escape_text(r"a\b;c,d"), r"a\\b\;c\,d");
        assert_eq!(
            escape_text("one\r\ntwo\nthree\rfour"),
            r"one\ntwo\nthree\nfour"
        );
        assert_eq!(escape_text("bell\u{7}tab\t"), "belltab\t");
        assert_eq!(escape_text("Praha: 10. 5."), "Praha: 10. 5.", "colons stay");
    }

    #[test]
    fn parameter_values_are_quoted_unless_plain_ascii() {
        assert_eq!(param_value("Europe/Prague"), "Europe/Prague");
        assert_eq!(param_value("DURATION"), "DURATION");
        assert_eq!(param_value("a:b;c,d"), "\"a:b;c,d\"");
        assert_eq!(param_value("Úterý"), "\"Úterý\"");
        assert_eq!(param_value("say \"hi\"\n"), "\"say hi\"");
        assert_eq!(param_value(""), "\"\"");
        let written = calendar_with(vec![with_param(
            raw("X-TEST", "v"),
            "X-NAME",
            "Sál A: 2. patro; křídlo B, vlevo",
        )]);
        assert!(
            unfold(&written)
                .contains(&"X-TEST;X-NAME=\"Sál A: 2. patro; křídlo B, vlevo\":v".to_owned())
        );
        // The crate alone would have written `vl\evo` here, or panicked on `"ř"`.
        let written = calendar_with(vec![with_param(raw("X-TEST", "v"), "X-NAME", "ř")]);
        assert!(unfold(&written).contains(&"X-TEST;X-NAME=\"ř\":v".to_owned()));
        let parsed = ical::IcalParser::new(written.as_bytes())
            .next()
            .unwrap()
            .unwrap();
        let property = &parsed.events[0].properties[0];
        assert_eq!(property.name, "X-TEST");
        assert_eq!(
            property.params,
            Some(vec![("X-NAME".to_owned(), vec!["ř".to_owned()])])
        );
    }

    #[test]
    fn utc_times_are_written_as_utc_and_local_times_with_their_zone() {
        let at = Utc.with_ymd_and_hms(2027, 3, 27, 9, 0, 0).unwrap();
        let written = calendar_with(vec![utc("DTSTAMP", at), zoned("DTSTART", at, Prague)]);
        let lines = unfold(&written);
        assert!(lines.contains(&"DTSTAMP:20270327T090000Z".to_owned()));
        assert!(lines.contains(&"DTSTART;TZID=Europe/Prague:20270327T100000".to_owned()));
        assert!(!written.contains("DTSTAMP;"), "no TZID on a UTC time");
        // Across the spring change the wall clock jumps, the instant stays exact.
        let after = Utc.with_ymd_and_hms(2027, 3, 29, 8, 0, 0).unwrap();
        let p = zoned("DTSTART", after, Prague);
        assert_eq!(p.value.as_deref(), Some("20270329T100000"));
    }

    #[test]
    fn the_second_of_two_repeated_local_times_is_written_in_utc() {
        // 31 October 2027, 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
        let first = Utc.with_ymd_and_hms(2027, 10, 31, 0, 30, 0).unwrap();
        let second = Utc.with_ymd_and_hms(2027, 10, 31, 1, 30, 0).unwrap();
        let p = zoned("DTSTART", first, Prague);
        assert_eq!(p.name, "DTSTART;TZID=Europe/Prague");
        assert_eq!(p.value.as_deref(), Some("20271031T023000"));
        let p = zoned("DTSTART", second, Prague);
        assert_eq!(p.name, "DTSTART");
        assert_eq!(p.value.as_deref(), Some("20271031T013000Z"));
    }

    #[test]
    fn a_line_of_two_octet_characters_never_breaks_inside_one() {
        let mut out = String::new();
        fold_into(&format!("X:{}", "ř".repeat(200)), &mut out);
        assert_well_folded(&out);
        assert_eq!(
            out.split("\r\n").next().unwrap().len(),
            74,
            "75 would split an ř"
        );
    }

    fn czech_and_more() -> impl Strategy<Value = String> {
        // Arbitrary Unicode, with the characters that matter weighted in.
        let special = prop_oneof![
            Just("ř".to_owned()),
            Just("Ž".to_owned()),
            Just("😀".to_owned()),
            Just("👩‍🏫".to_owned()),
            Just("\r\n".to_owned()),
            Just("\r".to_owned()),
            Just("\n".to_owned()),
            Just(",".to_owned()),
            Just(";".to_owned()),
            Just("\\".to_owned()),
            Just(":".to_owned()),
            Just("\"".to_owned()),
            Just(" ".to_owned()),
            Just("\u{2028}".to_owned()),
        ];
        prop::collection::vec(
            prop_oneof![any::<char>().prop_map(String::from), special],
            0..300,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn escaping_round_trips_every_representable_text(value in czech_and_more()) {
            let escaped = escape_text(&value);
            prop_assert!(!escaped.contains(['\r', '\n']));
            prop_assert_eq!(unescape(&escaped), representable(&value));
        }

        #[test]
        fn folding_keeps_lines_short_whole_and_reversible(value in czech_and_more()) {
            let line = format!("DESCRIPTION:{}", escape_text(&value));
            let mut out = String::new();
            fold_into(&line, &mut out);
            assert_well_folded(&out);
            prop_assert_eq!(unfold(&out), vec![line]);
        }

        #[test]
        fn written_calendars_read_back_to_the_same_text(
            summary in czech_and_more(),
            location in czech_and_more(),
        ) {
            let written = calendar_with(vec![
                raw("UID", "x@veletrh"),
                text("SUMMARY", &summary),
                text("LOCATION", &location),
            ]);
            assert_well_folded(&written);
            let lines = unfold(&written);
            let value = |name: &str| {
                lines.iter().find_map(|l| l.strip_prefix(name)).map(unescape)
            };
            let expected = |text: &str| Some(representable(text).trim_end().to_owned());
            prop_assert_eq!(value("SUMMARY:"), expected(&summary));
            prop_assert_eq!(value("LOCATION:"), expected(&location));
            // The crate's parser reads the same structure (it does not unescape TEXT and drops
            // spaces before a fold, so only the names and the count are compared here).
            let parsed: Vec<_> = ical::IcalParser::new(written.as_bytes()).collect();
            prop_assert_eq!(parsed.len(), 1);
            let calendar = parsed.into_iter().next().unwrap().unwrap();
            let names: Vec<_> =
                calendar.events[0].properties.iter().map(|p| p.name.clone()).collect();
            prop_assert_eq!(names, vec!["UID", "SUMMARY", "LOCATION"]);
        }
    }
}
