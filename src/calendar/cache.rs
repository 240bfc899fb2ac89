//! Feeds served from memory, rebuilt only when something they contain changed.
//!
//! A request reads the feed's stamp (one aggregate query, see [`super::source`]) and gets the
//! cached bytes when the stamp is the one they were built from. Otherwise one request per feed
//! rebuilds (the others wait for it rather than building the same thing), and the result
//! replaces the old one. No instance tells another anything: the stamp comes from the shared
//! database, so several instances stay right on their own.
//!
//! **Reading the stamp** of a 1,000-event fair touches 1,000 rows (about 0.4 ms on SQLite),
//! more than sending the cached megabyte. So requests for the same public feed share stamp
//! reads: a request uses the last read if it started at most [`REVALIDATE_AFTER`] (one second)
//! before the request arrived, and otherwise waits for a new read (one at a time per feed; the
//! requests that queue meanwhile all take its result). Every answer therefore reflects the
//! database as it was at most a second before the request came, on every instance: a bound far
//! inside the five minutes `Cache-Control` already lets any cache serve a feed, and invisible to
//! calendar apps that poll hourly. Personal feeds are read exactly (each has one subscriber, so
//! there is nothing to share, and a revoked link stops at once). [`Feeds::revalidate_after`]
//! with zero makes every request see every change committed before it arrived (tests).
//!
//! The cache holds at most [`MAX_BYTES`] of feeds; beyond that the least recently used go.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex, RwLock,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use bytes::Bytes;
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use sha2::{Digest, Sha256};

use super::{
    feed,
    source::{self, Feed, FeedRequest, Probe, Stamp},
};
use crate::{i18n::Lang, metrics::METRICS, registration::Links};

/// Memory for cached feeds (a 1,000-event feed is about 1 MB).
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// How old a stamp read may be for a request to use it (see the module docs).
pub const REVALIDATE_AFTER: Duration = Duration::from_secs(1);

/// Requests remembered for shared stamp reads; beyond that the memory is cleared (anyone can
/// ask for any slug, so it must not grow without bound).
const MAX_PROBED: usize = 10_000;

/// One built feed, as it is sent.
#[derive(Debug)]
pub struct Built {
    pub feed: Feed,
    pub stamp: Stamp,
    pub body: Bytes,
    /// A strong ETag: a hash of the body, so every instance gives the same one for the same
    /// bytes.
    pub etag: String,
    /// The newest change among the rows the feed is built from, to the second.
    pub last_modified: DateTime<Utc>,
    /// The same as an HTTP date, for the `Last-Modified` header.
    pub last_modified_header: String,
}

type Key = (Feed, Lang);

struct Slot {
    built: Option<Arc<Built>>,
    /// Held while this feed is being built, so only one request builds it.
    building: Arc<tokio::sync::Mutex<()>>,
    last_used: AtomicU64,
}

/// The last stamp read for one request (a slug, an id, a region and district).
type LastProbe = Option<(Instant, Option<Probe>)>;

struct Inner {
    slots: RwLock<HashMap<Key, Slot>>,
    probes: Mutex<HashMap<String, Arc<tokio::sync::Mutex<LastProbe>>>>,
    /// [`REVALIDATE_AFTER`] in microseconds.
    revalidate_after: AtomicU64,
    /// [`MAX_BYTES`], smaller in tests.
    limit: u64,
    /// A logical clock for least-recently-used eviction.
    clock: AtomicU64,
    builds: AtomicU64,
}

/// The feed cache of one instance. Cheap to clone; clones share the cache.
#[derive(Clone)]
pub struct Feeds {
    inner: Arc<Inner>,
}

impl Default for Feeds {
    fn default() -> Self {
        Feeds::with_limit(MAX_BYTES)
    }
}

impl Feeds {
    fn with_limit(limit: u64) -> Feeds {
        Feeds {
            inner: Arc::new(Inner {
                slots: RwLock::default(),
                probes: Mutex::default(),
                revalidate_after: AtomicU64::new(REVALIDATE_AFTER.as_micros() as u64),
                limit,
                clock: AtomicU64::default(),
                builds: AtomicU64::default(),
            }),
        }
    }

    /// The feed `request` names, in `lang` (else its owner's language, else Czech), from memory
    /// when nothing in it changed. `Ok(None)`: no such feed.
    pub async fn get<C: ConnectionTrait>(
        &self,
        conn: &C,
        request: FeedRequest<'_>,
        lang: Option<Lang>,
        links: &Links,
    ) -> Result<Option<Arc<Built>>, DbErr> {
        let Some(probe) = self.probe(conn, request).await? else {
            return Ok(None);
        };
        let lang = lang.or(probe.lang).unwrap_or_default();
        let key = (probe.feed, lang);
        if let Some(hit) = self.fresh(&key, &probe.stamp) {
            METRICS.feed_cache(true);
            return Ok(Some(hit));
        }
        let building = {
            let mut slots = self.inner.slots.write().expect("feed cache lock");
            slots
                .entry(key.clone())
                .or_insert_with(|| Slot {
                    built: None,
                    building: Arc::default(),
                    last_used: AtomicU64::new(0),
                })
                .building
                .clone()
        };
        let _building = building.lock().await;
        // Someone may have built it while this request waited.
        if let Some(hit) = self.fresh(&key, &probe.stamp) {
            METRICS.feed_cache(true);
            return Ok(Some(hit));
        }
        let Some(mut programme) = source::load(conn, &key.0, lang).await? else {
            return Ok(None);
        };
        if let Feed::Person(person) = key.0 {
            let join_url = |activity| links.join_url(person, activity);
            source::with_join_links(conn, &mut programme.activities, join_url).await?;
        }
        let base_url = links.base.clone();
        // Writing 10,000 events takes tens of milliseconds: off the async workers.
        let text = tokio::task::spawn_blocking(move || feed::write(&programme, lang, &base_url))
            .await
            .map_err(|err| DbErr::Custom(format!("building a feed failed: {err}")))?;
        let last_modified = to_second(probe.stamp.newest.unwrap_or(DateTime::UNIX_EPOCH));
        let built = Arc::new(Built {
            etag: etag(text.as_bytes()),
            last_modified,
            last_modified_header: last_modified
                .format("%a, %d %b %Y %H:%M:%S GMT")
                .to_string(),
            body: Bytes::from(text),
            feed: key.0.clone(),
            stamp: probe.stamp,
        });
        self.inner.builds.fetch_add(1, Ordering::Relaxed);
        METRICS.feed_cache(false);
        self.store(key, built.clone());
        Ok(Some(built))
    }

    /// Sets how old a stamp read may be for a request to use it; zero: only a read that started
    /// after the request arrived.
    pub fn revalidate_after(&self, window: Duration) {
        let micros = u64::try_from(window.as_micros()).unwrap_or(u64::MAX);
        self.inner.revalidate_after.store(micros, Ordering::Relaxed);
    }

    /// The stamp of `request`, shared with other requests for the same public feed.
    async fn probe<C: ConnectionTrait>(
        &self,
        conn: &C,
        request: FeedRequest<'_>,
    ) -> Result<Option<Probe>, DbErr> {
        let arrived = Instant::now();
        let key = match request {
            FeedRequest::Person(_) => return source::probe(conn, request).await,
            FeedRequest::Fair(slug) => format!("fair {slug}"),
            FeedRequest::Activity(kind, id) => format!("{kind} {id}"),
            FeedRequest::Meetings { region, district } => {
                format!("meetings {region:?} {district:?}")
            }
        };
        let last = {
            let mut probes = self.inner.probes.lock().expect("probe lock");
            if probes.len() >= MAX_PROBED {
                probes.clear();
            }
            probes.entry(key).or_default().clone()
        };
        let window = Duration::from_micros(self.inner.revalidate_after.load(Ordering::Relaxed));
        // One read at a time per request; those waiting here take the next one's result.
        let mut last = last.lock().await;
        if let Some((started, probe)) = &*last
            && *started + window >= arrived
        {
            return Ok(probe.clone());
        }
        let started = Instant::now();
        let probe = source::probe(conn, request).await?;
        *last = Some((started, probe.clone()));
        Ok(probe)
    }

    /// How many feeds this instance has built (tests and the benchmark check it).
    pub fn builds(&self) -> u64 {
        self.inner.builds.load(Ordering::Relaxed)
    }

    fn fresh(&self, key: &Key, stamp: &Stamp) -> Option<Arc<Built>> {
        let slots = self.inner.slots.read().expect("feed cache lock");
        let slot = slots.get(key)?;
        let built = slot.built.as_ref().filter(|b| b.stamp == *stamp)?;
        slot.last_used.store(self.tick(), Ordering::Relaxed);
        Some(built.clone())
    }

    fn tick(&self) -> u64 {
        self.inner.clock.fetch_add(1, Ordering::Relaxed)
    }

    fn store(&self, key: Key, built: Arc<Built>) {
        let now = self.tick();
        let limit = self.inner.limit;
        let mut slots = self.inner.slots.write().expect("feed cache lock");
        let slot = slots.entry(key.clone()).or_insert_with(|| Slot {
            built: None,
            building: Arc::default(),
            last_used: AtomicU64::new(0),
        });
        slot.built = Some(built);
        slot.last_used.store(now, Ordering::Relaxed);
        let size = |s: &Slot| s.built.as_ref().map_or(0, |b| b.body.len() as u64);
        let mut total: u64 = slots.values().map(size).sum();
        if total <= limit {
            return;
        }
        let mut by_age: Vec<(u64, Key)> = slots
            .iter()
            .filter(|(k, s)| **k != key && s.built.is_some())
            .map(|(k, s)| (s.last_used.load(Ordering::Relaxed), k.clone()))
            .collect();
        by_age.sort_by_key(|(used, _)| *used);
        for (_, old) in by_age {
            if total <= limit / 4 * 3 {
                break;
            }
            if let Some(slot) = slots.remove(&old) {
                total -= size(&slot);
            }
        }
    }
}

fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", URL_SAFE_NO_PAD.encode(&digest[..18]))
}

/// HTTP dates have whole seconds; a Last-Modified rounded up could be later than a change it
/// does not include, so it is rounded down.
fn to_second(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(TimeDelta::seconds(1)).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(feed: Feed, size: usize) -> Arc<Built> {
        Arc::new(Built {
            feed,
            stamp: Stamp {
                counts: [0; 4],
                newest: None,
                names: String::new(),
            },
            body: Bytes::from(vec![b'x'; size]),
            etag: etag(b""),
            last_modified: DateTime::UNIX_EPOCH,
            last_modified_header: String::new(),
        })
    }

    #[test]
    fn beyond_its_limit_the_cache_drops_the_least_recently_used_feeds() {
        let feeds = Feeds::with_limit(1000);
        let key = |id| (Feed::Fair(id), Lang::Cs);
        for id in 1..=3 {
            feeds.store(key(id), built(Feed::Fair(id), 300));
        }
        let stamp = built(Feed::Fair(0), 0).stamp.clone();
        assert!(feeds.fresh(&key(1), &stamp).is_some(), "1 is used again");
        // 1,200 bytes: over the limit, so the oldest go until at most 750 are left.
        feeds.store(key(4), built(Feed::Fair(4), 300));
        let kept: Vec<bool> = (1..=4)
            .map(|id| feeds.fresh(&key(id), &stamp).is_some())
            .collect();
        assert_eq!(
            kept,
            [true, false, false, true],
            "2 and 3 were used least recently"
        );
    }

    #[test]
    fn etags_are_quoted_hashes_of_the_bytes() {
        assert_eq!(etag(b"a"), etag(b"a"));
        assert_ne!(etag(b"a"), etag(b"b"));
        assert!(etag(b"a").starts_with('"') && etag(b"a").ends_with('"'));
        assert_eq!(etag(b"a").len(), 26);
    }
}
