//! The delivery worker: claims due outbox rows, renders and sends them, records the outcome.
//! [`MailWorker::deliver_next`] is public so tests can drain the queue deterministically.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use entity::outbox_message;
use lettre::{
    Message,
    message::{
        Attachment as LettreAttachment, Mailbox, MultiPart, SinglePart,
        header::{ContentType, Header, HeaderName, HeaderValue},
    },
};
use sea_orm::DbErr;
use tokio::sync::{Notify, watch};

use super::{
    MailKind,
    outbox::{self, Payload, RetryPolicy},
    templates::{MailTemplates, one_line},
    transport::Mailer,
};
use crate::{db::Db, i18n::Lang};

/// What one call of [`MailWorker::deliver_next`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// The attempt failed and the message will be tried again later.
    WillRetry,
    /// The message failed for good (refused address, or out of attempts); see `last_error`.
    Failed,
    /// Nothing was due.
    Idle,
}

#[derive(Clone)]
pub struct MailWorker {
    pub db: Db,
    pub templates: Arc<MailTemplates>,
    pub mailer: Arc<Mailer>,
    pub from: Mailbox,
    /// `Reply-To` of every message (`VELETRH_MAIL_REPLY_TO`), if replies go elsewhere.
    pub reply_to: Option<Mailbox>,
    pub policy: RetryPolicy,
    /// How long a claimed message stays invisible to other workers; longer than any send.
    pub lease: Duration,
}

/// Why a stored message could not even be built (nothing to do with the SMTP server).
#[derive(Debug, thiserror::Error)]
enum BuildError {
    #[error("bad stored message: {0}")]
    Corrupt(String),
    #[error("recipient {0:?} is not a valid address")]
    Recipient(String),
    #[error("rendering failed: {0}")]
    Render(String),
}

/// `Auto-Submitted: auto-generated` (RFC 3834) on every message.
#[derive(Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// The QR codes of the message's check-in links as PNGs with the Content-IDs the templates'
/// `<img src="cid:…">` refer to: `checkin-qr` for the `checkin_url` of a message about one
/// activity, `checkin-qr-{i}` for that of its `activities[i]`. Made at send time, so the
/// outbox stores only the links.
fn checkin_qrs(data: &serde_json::Value) -> Vec<(String, Vec<u8>)> {
    // 5 pixels a module: about 200 px wide, what the templates show them at.
    let png = |url: &serde_json::Value| crate::checkin::qr::png(url.as_str()?, 5);
    let one = data
        .get("checkin_url")
        .and_then(png)
        .map(|png| ("checkin-qr".to_owned(), png));
    let each = data
        .get("activities")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, a)| Some((format!("checkin-qr-{i}"), png(a.get("checkin_url")?)?)));
    one.into_iter().chain(each).collect()
}

impl MailWorker {
    /// Claims, sends and records one message.
    pub async fn deliver_next(&self) -> Result<Delivery, DbErr> {
        Ok(self.deliver(1).await?.pop().unwrap_or(Delivery::Idle))
    }

    /// Claims up to `limit` due messages, sends them one by one and records the outcomes; an
    /// empty answer when nothing was due. The sends of a batch are recorded in one write at the
    /// end: under a burst the writer's time goes to sign-ups, not to bookkeeping. A crash in
    /// between resends that batch once its lease runs out, with the same Message-IDs.
    pub async fn deliver(&self, limit: u64) -> Result<Vec<Delivery>, DbErr> {
        let claimed = outbox::claim_due(&self.db, Utc::now(), self.lease, limit).await?;
        let mut outcomes = Vec::with_capacity(claimed.len());
        let mut sent = Vec::new();
        for (n, message) in claimed.iter().enumerate() {
            let mut server_failed = false;
            let (error, permanent) = match self.build(message) {
                Err(err) => {
                    // A template error can be fixed by a deploy, so it is retried; the rest
                    // cannot.
                    let permanent = !matches!(err, BuildError::Render(_));
                    (err.to_string(), permanent)
                }
                Ok(email) => match self.mailer.send(email).await {
                    Ok(()) => {
                        tracing::info!(id = message.id, kind = %message.kind, "mail sent");
                        sent.push(message.id);
                        outcomes.push(Delivery::Sent);
                        continue;
                    }
                    Err(err) => {
                        server_failed = true;
                        (err.message, err.permanent)
                    }
                },
            };
            let failed = outbox::mark_attempt_failed(
                &self.db,
                message,
                &error,
                permanent,
                self.policy,
                Utc::now(),
            )
            .await?;
            if failed {
                tracing::error!(id = message.id, kind = %message.kind, error, "mail failed for good");
                outcomes.push(Delivery::Failed);
            } else {
                tracing::warn!(
                    id = message.id,
                    attempt = message.attempts,
                    error,
                    "mail will be retried"
                );
                outcomes.push(Delivery::WillRetry);
                // The server is down or busy: the rest of the batch would only wait for the same
                // answer (and count attempts it never had), so it goes back to the queue.
                if server_failed {
                    let untried: Vec<i32> = claimed[n + 1..].iter().map(|m| m.id).collect();
                    outbox::release(&self.db, &untried).await?;
                    break;
                }
            }
        }
        outbox::mark_sent(&self.db, &sent, Utc::now()).await?;
        Ok(outcomes)
    }

    fn build(&self, row: &outbox_message::Model) -> Result<Message, BuildError> {
        let kind = MailKind::parse(&row.kind)
            .ok_or_else(|| BuildError::Corrupt(format!("unknown kind {}", row.kind)))?;
        let lang = Lang::parse(&row.language).unwrap_or_default();
        let payload: Payload =
            serde_json::from_str(&row.payload).map_err(|e| BuildError::Corrupt(e.to_string()))?;
        let address = row
            .recipient
            .parse()
            .map_err(|_| BuildError::Recipient(row.recipient.clone()))?;
        let name = payload.data["person_name"]
            .as_str()
            .map(one_line)
            .filter(|n| !n.is_empty());
        let rendered = self
            .templates
            .render(kind, lang, &payload.data)
            .map_err(|e| BuildError::Render(e.to_string()))?;

        let html = SinglePart::html(rendered.html);
        let alternative = MultiPart::alternative().singlepart(SinglePart::plain(rendered.text));
        let codes = checkin_qrs(&payload.data);
        let alternative = if codes.is_empty() {
            alternative.singlepart(html)
        } else {
            // The HTML part shows the QR codes as `cid:…`: multipart/related keeps the images
            // with the HTML that refers to them, and clients show them without fetching.
            let png = ContentType::parse("image/png").expect("a constant media type");
            let related = codes.into_iter().fold(
                MultiPart::related().singlepart(html),
                |related, (cid, image)| {
                    related.singlepart(LettreAttachment::new_inline(cid).body(image, png.clone()))
                },
            );
            alternative.multipart(related)
        };
        let body = if payload.attachments.is_empty() {
            alternative
        } else {
            let mut mixed = MultiPart::mixed().multipart(alternative);
            for file in payload.attachments {
                let content_type = ContentType::parse(&file.content_type)
                    .map_err(|e| BuildError::Corrupt(e.to_string()))?;
                mixed = mixed.singlepart(
                    LettreAttachment::new(file.filename).body(file.content, content_type),
                );
            }
            mixed
        };
        let mut message = Message::builder()
            .from(self.from.clone())
            // RFC 3834: made by a program, so out-of-office replies stay away.
            .header(AutoSubmitted);
        if let Some(reply_to) = &self.reply_to {
            message = message.reply_to(reply_to.clone());
        }
        message
            .to(Mailbox::new(name, address))
            .subject(rendered.subject)
            .message_id(Some(row.message_id.clone()))
            .multipart(body)
            .map_err(|e| BuildError::Corrupt(e.to_string()))
    }

    /// Delivers until `stop` turns true: at once when woken, otherwise polling (other instances
    /// may have enqueued). A panic in one delivery is logged and the loop goes on.
    pub async fn run(self, wake: Arc<Notify>, mut stop: watch::Receiver<bool>) {
        const POLL: Duration = Duration::from_secs(2);
        const AFTER_ERROR: Duration = Duration::from_secs(5);
        // Messages claimed at once: small enough that a batch is sent well within its lease.
        const BATCH: u64 = 64;
        // After a short batch more sign-ups are usually on their way: waiting this long for them
        // makes one claim and one record serve many messages instead of one each.
        const GATHER: Duration = Duration::from_millis(20);
        loop {
            if *stop.borrow() {
                return;
            }
            let worker = self.clone();
            let (pause, wakeable) =
                match tokio::spawn(async move { worker.deliver(BATCH).await }).await {
                    Ok(Ok(outcomes)) if outcomes.is_empty() => (POLL, true),
                    Ok(Ok(outcomes)) if (outcomes.len() as u64) < BATCH => (GATHER, false),
                    Ok(Ok(_)) => continue,
                    Ok(Err(err)) => {
                        tracing::warn!(error = %err, "outbox unavailable");
                        (AFTER_ERROR, true)
                    }
                    Err(panic) => {
                        tracing::error!(error = %panic, "mail delivery panicked");
                        (AFTER_ERROR, true)
                    }
                };
            tokio::select! {
                _ = wake.notified(), if wakeable => {},
                _ = tokio::time::sleep(pause) => {},
                _ = stop.changed() => {},
            }
        }
    }
}
