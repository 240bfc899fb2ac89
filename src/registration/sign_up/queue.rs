//! Group commit: sign-ups wait here for the writer, which takes everything waiting into one
//! transaction.
//!
//! On SQLite there is one writer, and each statement is a hand-over to the connection's thread
//! (~0.1 ms here, more under load): written alone, a sign-up holds the writer for two of
//! them. Written together, a batch costs about what one sign-up did. Nobody waits for a batch
//! to fill: a sign-up arriving at a quiet moment is written at once, as a batch of one, by the
//! same code.

use std::{
    collections::{HashSet, VecDeque},
    sync::Arc,
};

use sea_orm::DbErr;
use tokio::sync::{mpsc, oneshot};

use super::{
    Accepted,
    write::{self, FreeSeats, Written},
};
use crate::{metrics::METRICS, startup::AppState};

/// At most this many sign-ups in one transaction: even with 20 activities each, the bound
/// parameters of its writes stay under SQLite's limit (32,766).
const MAX_BATCH: usize = 64;

/// The way to this instance's sign-up writer, a task on the runtime that creates it. The writer
/// ends when the last handle is dropped.
#[derive(Clone)]
pub struct SignUpQueue(mpsc::UnboundedSender<Job>);

struct Job {
    /// What the writer works with; every job of one queue carries the same.
    state: AppState,
    accepted: Accepted,
    answer: oneshot::Sender<Written>,
}

impl Default for SignUpQueue {
    fn default() -> Self {
        let (queue, jobs) = mpsc::unbounded_channel();
        // On the server's own runtime: a request hands its sign-up over and gets the answer back
        // on the same threads, and the writer's database replies arrive on the I/O driver they
        // already poll. (A runtime of its own for the writer cost every sign-up two wake-ups of
        // another thread: c=1 ran at 35 % of the raw loop instead of 45 %.)
        tokio::spawn(writer(jobs));
        SignUpQueue(queue)
    }
}

impl SignUpQueue {
    /// Queues `accepted` and answers once it is written (or not).
    pub(super) async fn write(&self, state: &AppState, accepted: Accepted) -> Written {
        let (answer, answered) = oneshot::channel();
        let job = Job {
            state: state.clone(),
            accepted,
            answer,
        };
        let lost = || {
            Written::Done(Err(
                DbErr::Custom("the sign-up was not written".into()).into()
            ))
        };
        if self.0.send(job).is_err() {
            return lost();
        }
        answered.await.unwrap_or_else(|_| lost())
    }
}

/// Takes everything waiting (up to [`MAX_BATCH`]), writes it, and again, until the queue is
/// dropped. Each round runs as a task of its own, so a panic fails one batch, not the writer.
async fn writer(mut queue: mpsc::UnboundedReceiver<Job>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    let free = Arc::new(FreeSeats::default());
    while queue.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let round = std::mem::take(&mut jobs).into();
        let _ = tokio::spawn(write_all(round, free.clone())).await;
    }
}

/// Writes `jobs` in batches and answers each.
async fn write_all(mut jobs: VecDeque<Job>, free: Arc<FreeSeats>) {
    while !jobs.is_empty() {
        let batch = next_batch(&mut jobs);
        let state = batch[0].state.clone();
        let accepted: Vec<&Accepted> = batch.iter().map(|job| &job.accepted).collect();
        match write::batch(&state, &accepted, &free).await {
            Ok(outcomes) => {
                METRICS.sign_up_batch(batch.len());
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = job.answer.send(outcome);
                }
            }
            Err(err) if batch.len() == 1 => {
                let job = batch.into_iter().next().expect("one job");
                let _ = job.answer.send(Written::Done(Err(err.into())));
            }
            // One row refused by the database (a twin written by another instance) must not
            // fail the others: each again on its own.
            Err(_) => {
                for job in batch {
                    let outcome = match write::batch(&state, &[&job.accepted], &free).await {
                        Ok(mut outcomes) => {
                            METRICS.sign_up_batch(1);
                            outcomes.pop().expect("one answer for one sign-up")
                        }
                        Err(err) => Written::Done(Err(err.into())),
                    };
                    let _ = job.answer.send(outcome);
                }
            }
        }
    }
}

/// Takes the next jobs that can be written together, in arrival order; the others stay for
/// the next batch. Two sign-ups from one address never share a batch (the second must see the
/// first's registrations), and one for an activity with a per-school limit is written alone
/// (the limit counts rows already written).
fn next_batch(jobs: &mut VecDeque<Job>) -> Vec<Job> {
    let alone = |job: &Job| {
        job.accepted
            .activities
            .iter()
            .any(|b| b.activity.model.per_school_limit.is_some())
    };
    let first = jobs.pop_front().expect("a job to write");
    if alone(&first) {
        return vec![first];
    }
    let mut emails = HashSet::from([first.accepted.new.email.as_ref().to_owned()]);
    let mut batch = vec![first];
    let mut later = VecDeque::new();
    while let Some(job) = jobs.pop_front() {
        if !alone(&job) && emails.insert(job.accepted.new.email.as_ref().to_owned()) {
            batch.push(job);
        } else {
            later.push_back(job);
        }
    }
    *jobs = later;
    batch
}
