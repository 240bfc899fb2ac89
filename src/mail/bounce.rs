//! Bounces: `veletrh mail bounce < message.eml` reads a delivery status notification
//! (RFC 3464), marks each address whose delivery *failed* as bouncing with the reason, so
//! organisers can see which participants cannot be reached. Delayed deliveries are ignored.

use chrono::Utc;
use entity::person;
use mail_parser::{MessageParser, MimeHeaders};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};

use crate::db::Db;

/// One failed recipient of a report.
#[derive(Debug, PartialEq, Eq)]
pub struct Bounce {
    pub address: String,
    pub status: String,
    pub reason: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BounceError {
    #[error("not an email message")]
    NotAMessage,
    #[error("not a delivery status notification (no message/delivery-status part)")]
    NotAReport,
}

/// The failed recipients of a delivery status notification.
pub fn parse(raw: &[u8]) -> Result<Vec<Bounce>, BounceError> {
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(BounceError::NotAMessage)?;
    let status = message
        .parts
        .iter()
        .find(|part| {
            part.content_type().is_some_and(|ct| {
                ct.ctype().eq_ignore_ascii_case("message")
                    && ct
                        .subtype()
                        .is_some_and(|s| s.eq_ignore_ascii_case("delivery-status"))
            })
        })
        .ok_or(BounceError::NotAReport)?;
    let text = String::from_utf8_lossy(status.contents());
    Ok(recipient_blocks(&text)
        .into_iter()
        .filter_map(|fields| {
            let get = |name: &str| {
                fields
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.as_str())
            };
            if !get("Action")?.trim().eq_ignore_ascii_case("failed") {
                return None;
            }
            let address = get("Final-Recipient").or(get("Original-Recipient"))?;
            // "rfc822; jana@skola.cz" → the address after the type.
            let address = address.rsplit(';').next()?.trim().trim_matches(['<', '>']);
            if !address.contains('@') {
                return None;
            }
            let status = get("Status").unwrap_or("5.0.0").trim().to_owned();
            let diagnostic = get("Diagnostic-Code").map(|d| {
                d.split_once(';')
                    .map_or(d, |(_, text)| text)
                    .trim()
                    .to_owned()
            });
            Some(Bounce {
                address: address.to_lowercase(),
                reason: diagnostic.unwrap_or_else(|| status.clone()),
                status,
            })
        })
        .collect())
}

/// Header-style blocks separated by blank lines, folded lines joined.
fn recipient_blocks(text: &str) -> Vec<Vec<(String, String)>> {
    let mut blocks: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for line in text.lines() {
        if line.trim().is_empty() {
            blocks.push(Vec::new());
        } else if line.starts_with([' ', '\t']) {
            let block = blocks.last_mut().expect("one block always exists");
            if let Some((_, value)) = block.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            let block = blocks.last_mut().expect("one block always exists");
            block.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    blocks.retain(|b| !b.is_empty());
    blocks
}

/// Marks the people behind `bounces` as unreachable. Returns how many were known.
pub async fn record(db: &Db, bounces: &[Bounce]) -> Result<u64, DbErr> {
    let txn = db.begin_write().await?;
    let mut known = 0;
    for bounce in bounces {
        let reason = format!("{} {}", bounce.status, bounce.reason);
        let result = person::Entity::update_many()
            .col_expr(person::Column::BouncedAt, Expr::val(Utc::now()))
            .col_expr(person::Column::BounceReason, Expr::val(reason))
            .filter(person::Column::Email.eq(&bounce.address))
            .exec(&*txn)
            .await?;
        known += result.rows_affected;
    }
    txn.commit().await?;
    Ok(known)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "From: MAILER-DAEMON@mail.skola.cz\r
To: veletrh@example.cz\r
Subject: Undelivered Mail Returned to Sender\r
MIME-Version: 1.0\r
Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r
\r
--B\r
Content-Type: text/plain; charset=utf-8\r
\r
Your message could not be delivered.\r
--B\r
Content-Type: message/delivery-status\r
\r
Reporting-MTA: dns; mail.skola.cz\r
\r
Final-Recipient: rfc822; Jana.Novakova@skola.cz\r
Action: failed\r
Status: 5.1.1\r
Diagnostic-Code: smtp; 550 5.1.1 <jana.novakova@skola.cz>:\r
  Recipient address rejected: User unknown\r
\r
Final-Recipient: rfc822; petr@skola.cz\r
Action: delayed\r
Status: 4.4.1\r
--B\r
Content-Type: text/rfc822-headers\r
\r
Message-ID: <abc@example.cz>\r
--B--\r
";

    #[test]
    fn a_failed_recipient_is_read_and_a_delayed_one_ignored() {
        let bounces = parse(REPORT.as_bytes()).unwrap();
        assert_eq!(
            bounces,
            vec![Bounce {
                address: "jana.novakova@skola.cz".into(),
                status: "5.1.1".into(),
                reason: "550 5.1.1 <jana.novakova@skola.cz>: Recipient address rejected: User \
                         unknown"
                    .into(),
            }]
        );
    }

    #[test]
    fn an_ordinary_message_is_not_a_report() {
        let plain = "From: a@b.cz\r\nSubject: hi\r\n\r\nhello\r\n";
        assert_eq!(parse(plain.as_bytes()), Err(BounceError::NotAReport));
    }
}
