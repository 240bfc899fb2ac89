//! The database handle every use-case gets.
//!
//! Reads go straight to the pool (`db.conn()`). Every change runs in a transaction from
//! [`Db::begin_write`]. On PostgreSQL that is a plain transaction, begun with its first
//! statement ([`PooledTxn`]). SQLite has one writer at a time:
//! there `begin_write` first takes an in-process gate, so writers queue in Rust rather than in
//! SQLite's busy loop, and the writer has a connection of its own ([`sqlite_writer`]). Its
//! transactions begin IMMEDIATE, taking the write lock with their first statement: a transaction
//! that read first and wrote later could not wait for the lock if another process wrote in
//! between (it fails with "database is locked" whatever the busy timeout), while BEGIN IMMEDIATE
//! waits for it. WAL mode lets the readers go on meanwhile, on the shared pool.
//!
//! WAL mode has a cost of its own: now and then the log's pages are copied into the database
//! file (a checkpoint), by default by whichever commit finds the log over 1,000 pages, which then
//! waits milliseconds for it. Here a background task checkpoints every [`CHECKPOINT_EVERY`]
//! instead, beside the writer (PASSIVE: it waits for nobody and nobody waits for it); commits
//! take it on only if the log ever grows past [`CHECKPOINT_BACKSTOP`] pages.

mod sqlite_writer;

use std::{collections::HashMap, ops::Deref, str::FromStr, sync::Arc, time::Duration};

use sea_orm::{
    ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
    DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult, Statement, TransactionTrait,
    sea_query::Expr,
    sqlx::{
        ConnectOptions as _,
        sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous},
    },
};

use sqlite_writer::{SqliteTxn, Writer};

#[derive(Clone)]
pub struct Db {
    conn: DatabaseConnection,
    /// SQLite's one writer; `None` on PostgreSQL.
    writer: Option<Writer>,
    spare_ids: Arc<SpareIds>,
}

/// How often the background task checkpoints SQLite's write-ahead log (see the module docs).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(50);

/// The log's size in pages (of 4 KiB) past which a commit checkpoints it itself: only if the
/// background task falls behind or has stopped.
const CHECKPOINT_BACKSTOP: u32 = 10_000;

/// How many ids [`WriteTxn::new_ids`] takes from a sequence at once: one round trip serves
/// this many new rows. Those not used before the process ends are never used (a gap).
const ID_BLOCK: usize = 256;

/// Ids taken from a table's sequence and not used yet, by table. Only from transactions that
/// committed: on SQLite the sequence is a row, which a rollback would put back.
#[derive(Default)]
struct SpareIds(std::sync::Mutex<HashMap<String, Vec<i32>>>);

impl SpareIds {
    /// `n` of `table`'s spare ids, if there are that many.
    fn take(&self, table: &str, n: usize) -> Option<Vec<i32>> {
        let mut spare = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let ids = spare.get_mut(table).filter(|ids| ids.len() >= n)?;
        Some(ids.split_off(ids.len() - n))
    }

    fn keep(&self, table: String, ids: Vec<i32>) {
        let mut spare = self.0.lock().unwrap_or_else(|e| e.into_inner());
        spare.entry(table).or_default().extend(ids);
    }
}

impl Db {
    /// Connects and checks the server answers. The error is one line, fit for the terminal.
    pub async fn connect(url: &str) -> Result<Self, DbErr> {
        let mut options = ConnectOptions::new(url);
        options
            .connect_timeout(Duration::from_secs(5))
            .acquire_timeout(Duration::from_secs(5))
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(sqlite_settings);
        let sqlite = url.starts_with("sqlite:");
        if sqlite {
            // A connection to a local file does not go stale: no ping on every checkout, which
            // on SQLite is one more hand-over to the connection's thread per query.
            options
                .max_connections(8)
                .min_connections(1)
                .test_before_acquire(false);
        } else {
            // Only a connection idle long enough for a server restart or a proxy to have
            // dropped it is pinged before use; a hot one goes straight to its query.
            options
                .max_connections(16)
                .test_before_acquire_if_idle_for(Duration::from_secs(10));
        }
        let conn = Database::connect(options).await?;
        conn.ping().await?;
        let writer = if sqlite {
            tokio::spawn(checkpoint_until_closed(conn.clone()));
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|err| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(err.into())))?
                .disable_statement_logging();
            Some(Writer::connect(&sqlite_settings(options)).await?)
        } else {
            None
        };
        Ok(Db {
            conn,
            writer,
            spare_ids: Arc::default(),
        })
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Starts a transaction that may write. See the module docs for why SQLite queues here.
    pub async fn begin_write(&self) -> Result<WriteTxn, DbErr> {
        let txn = match &self.writer {
            None => Transaction::Pooled(PooledTxn {
                conn: self.conn.clone(),
                txn: tokio::sync::OnceCell::new(),
            }),
            Some(writer) => Transaction::Sqlite(writer.begin().await?),
        };
        Ok(WriteTxn {
            txn,
            spare_ids: self.spare_ids.clone(),
            taken_ids: std::sync::Mutex::default(),
        })
    }

    /// True when the database answers a trivial query.
    pub async fn is_ready(&self) -> bool {
        self.conn.ping().await.is_ok()
    }

    pub async fn close(self) {
        if let Some(writer) = self.writer {
            writer.close().await;
        }
        let _ = self.conn.close().await;
    }
}

/// A write transaction; on SQLite it holds the write gate until commit or drop.
pub struct WriteTxn {
    txn: Transaction,
    spare_ids: Arc<SpareIds>,
    /// Ids this transaction took from a sequence and has not used: spare once it commits.
    taken_ids: std::sync::Mutex<Vec<(String, Vec<i32>)>>,
}

/// What a [`WriteTxn`] runs its statements on.
pub enum Transaction {
    /// A transaction on a connection from the pool (PostgreSQL).
    Pooled(PooledTxn),
    /// A transaction on SQLite's writer connection.
    Sqlite(SqliteTxn),
}

impl WriteTxn {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.commit_with(Vec::new()).await
    }

    /// Runs `statements` and commits. They are data-modifying statements that do not touch
    /// each other's rows, run as one round trip where the database allows: on SQLite as one
    /// query of several statements (sqlx binds the `?` parameters of a query's statements in
    /// turn) that ends with COMMIT, on PostgreSQL as one statement of data-modifying CTEs
    /// (`WITH w0 AS (…) …`), which all run on one snapshot, hence the rule about rows, then
    /// COMMIT. A row may refer to one an earlier statement inserts: the foreign key is checked
    /// at the end of the statement. If one fails, nothing of the transaction is kept, and it
    /// has ended when this returns. On PostgreSQL a transaction that ran nothing before is
    /// that one statement alone, a transaction by itself: one round trip.
    pub async fn commit_with(self, statements: Vec<Statement>) -> Result<(), DbErr> {
        let backend = self.txn.get_database_backend();
        let joined = join_statements(backend, statements);
        match (self.txn, joined) {
            (Transaction::Sqlite(txn), Some(joined)) => txn.commit_with(joined).await?,
            (Transaction::Sqlite(txn), None) => txn.commit().await?,
            (Transaction::Pooled(txn), joined) => txn.commit_with(joined).await?,
        }
        let taken = self
            .taken_ids
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        for (table, ids) in taken {
            self.spare_ids.keep(table, ids);
        }
        Ok(())
    }

    /// `n` ids for new rows of `table`, from its `id` sequence, which never gives one twice
    /// (not even after a delete or a rollback elsewhere), for rows written with them. Taken
    /// [`ID_BLOCK`] at a time, so most calls cost no round trip.
    pub async fn new_ids(&self, table: &str, n: usize) -> Result<Vec<i32>, DbErr> {
        {
            let mut taken = self.taken_ids.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, ids)) = taken
                .iter_mut()
                .find(|(t, ids)| t == table && ids.len() >= n)
            {
                return Ok(ids.split_off(ids.len() - n));
            }
        }
        if let Some(ids) = self.spare_ids.take(table, n) {
            return Ok(ids);
        }
        let mut ids = self.advance_sequence(table, n.max(ID_BLOCK)).await?;
        let wanted = ids.split_off(ids.len() - n);
        let mut taken = self.taken_ids.lock().unwrap_or_else(|e| e.into_inner());
        taken.push((table.to_owned(), ids));
        Ok(wanted)
    }

    /// `n` ids moved past in `table`'s sequence.
    async fn advance_sequence(&self, table: &str, n: usize) -> Result<Vec<i32>, DbErr> {
        let backend = self.txn.get_database_backend();
        let n = i32::try_from(n).map_err(|_| DbErr::Custom("too many ids at once".into()))?;
        if backend == DbBackend::Postgres {
            let take = Statement::from_sql_and_values(
                backend,
                "SELECT nextval(pg_get_serial_sequence($1, 'id'))::int4 AS id \
                 FROM generate_series(1, $2)",
                [table.into(), n.into()],
            );
            let rows = self.txn.query_all_raw(take).await?;
            return rows.iter().map(|row| row.try_get("", "id")).collect();
        }
        // AUTOINCREMENT keeps the largest id the table has had in `seq`. No row: no id given
        // yet, and one is needed now, or the first insert would set `seq` to its own id only.
        let advance = Statement::from_sql_and_values(
            backend,
            "UPDATE sqlite_sequence SET seq = seq + ? WHERE name = ? RETURNING seq",
            [n.into(), table.into()],
        );
        let last: i64 = match self.txn.query_one_raw(advance).await? {
            Some(row) => row.try_get("", "seq")?,
            None => {
                let start = Statement::from_sql_and_values(
                    backend,
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)",
                    [table.into(), n.into()],
                );
                self.txn.execute_raw(start).await?;
                i64::from(n)
            }
        };
        let first = last - i64::from(n) + 1;
        (first..=last)
            .map(|id| i32::try_from(id).map_err(|_| DbErr::Custom("ids ran out".into())))
            .collect()
    }
}

/// A transaction on a connection from the pool (PostgreSQL), begun (a connection taken, BEGIN
/// sent) with its first statement.
pub struct PooledTxn {
    conn: DatabaseConnection,
    txn: tokio::sync::OnceCell<DatabaseTransaction>,
}

impl PooledTxn {
    async fn begun(&self) -> Result<&DatabaseTransaction, DbErr> {
        self.txn.get_or_try_init(|| self.conn.begin()).await
    }

    async fn commit_with(self, joined: Option<Statement>) -> Result<(), DbErr> {
        let Some(txn) = self.txn.into_inner() else {
            if let Some(joined) = joined {
                self.conn.execute_raw(joined).await?;
            }
            return Ok(());
        };
        if let Some(joined) = joined
            && let Err(err) = txn.execute_raw(joined).await
        {
            txn.rollback().await?;
            return Err(err);
        }
        txn.commit().await
    }
}

impl Deref for WriteTxn {
    type Target = Transaction;
    fn deref(&self) -> &Transaction {
        &self.txn
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Transaction {
    fn get_database_backend(&self) -> DbBackend {
        match self {
            Transaction::Pooled(txn) => txn.conn.get_database_backend(),
            Transaction::Sqlite(txn) => txn.get_database_backend(),
        }
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        match self {
            Transaction::Pooled(txn) => txn.begun().await?.execute_raw(stmt).await,
            Transaction::Sqlite(txn) => txn.execute_raw(stmt).await,
        }
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        match self {
            Transaction::Pooled(txn) => txn.begun().await?.execute_unprepared(sql).await,
            Transaction::Sqlite(txn) => txn.execute_unprepared(sql).await,
        }
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        match self {
            Transaction::Pooled(txn) => txn.begun().await?.query_one_raw(stmt).await,
            Transaction::Sqlite(txn) => txn.query_one_raw(stmt).await,
        }
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match self {
            Transaction::Pooled(txn) => txn.begun().await?.query_all_raw(stmt).await,
            Transaction::Sqlite(txn) => txn.query_all_raw(stmt).await,
        }
    }
}

/// `statements` as one (see [`WriteTxn::commit_with`]); `None` for none.
fn join_statements(backend: DbBackend, statements: Vec<Statement>) -> Option<Statement> {
    Some(match statements.len() {
        0 => return None,
        1 => statements.into_iter().next().expect("one statement"),
        _ if backend == DbBackend::Sqlite => {
            let sql: Vec<&str> = statements.iter().map(|s| s.sql.as_str()).collect();
            Statement::from_sql_and_values(backend, sql.join(";\n"), values(&statements))
        }
        _ => {
            let mut bound = 0;
            let mut parts: Vec<String> = statements
                .iter()
                .map(|statement| {
                    let sql = renumber_parameters(&statement.sql, bound);
                    bound += statement.values.as_ref().map_or(0, |v| v.0.len());
                    sql
                })
                .collect();
            let last = parts.pop().expect("several statements");
            let ctes: Vec<String> = parts
                .iter()
                .enumerate()
                .map(|(n, sql)| format!("w{n} AS ({sql})"))
                .collect();
            let sql = format!("WITH {} {last}", ctes.join(", "));
            Statement::from_sql_and_values(backend, sql, values(&statements))
        }
    })
}

/// Settings of every SQLite connection, the pool's and the writer's.
fn sqlite_settings(options: SqliteConnectOptions) -> SqliteConnectOptions {
    options
        .journal_mode(SqliteJournalMode::Wal)
        // NORMAL is durable across process crashes in WAL mode; only an OS crash or power cut
        // can lose the last commits.
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .create_if_missing(true)
        .pragma("wal_autocheckpoint", CHECKPOINT_BACKSTOP.to_string())
}

/// Checkpoints SQLite's write-ahead log every [`CHECKPOINT_EVERY`] on a connection of `conn`'s
/// pool, until the pool is closed.
async fn checkpoint_until_closed(conn: DatabaseConnection) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if conn.get_sqlite_connection_pool().is_closed() {
            return;
        }
        if let Err(err) = conn
            .execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)")
            .await
        {
            tracing::debug!(error = %err, "checkpoint skipped");
        }
    }
}

/// Makes a driver error one line for the terminal: no cause chain, no password.
pub fn describe_connect_error(err: &DbErr) -> String {
    let text = err.to_string();
    let text = text.lines().next().unwrap_or_default();
    text.trim_start_matches("Connection Error: ")
        .trim_start_matches("Conn Error: ")
        .to_owned()
}

/// `CASE WHEN id = … THEN … END` over `arms` (row id, value): one UPDATE that sets a different
/// value on each row. `None` for no arms.
pub fn case_by_id<V: Into<Expr>>(
    id: impl ColumnTrait,
    arms: impl IntoIterator<Item = (i32, V)>,
) -> Option<Expr> {
    case_when(arms.into_iter().map(|(row, value)| (id.eq(row), value)))
}

/// `CASE WHEN … THEN … END` over `arms` (condition, value), without ELSE: NULL where no
/// condition holds. `None` for no arms.
pub fn case_when<V: Into<Expr>>(arms: impl IntoIterator<Item = (Expr, V)>) -> Option<Expr> {
    let mut arms = arms.into_iter();
    let (first, value) = arms.next()?;
    let case = arms.fold(Expr::case(first, value), |case, (when, value)| {
        case.case(when, value)
    });
    Some(case.into())
}

/// The parameters of `statements`, in order.
fn values(statements: &[Statement]) -> Vec<sea_orm::Value> {
    statements
        .iter()
        .flat_map(|s| s.values.iter().flat_map(|v| v.0.iter().cloned()))
        .collect()
}

/// PostgreSQL's `$n` placeholders of `sql` moved up by `by`, outside quoted text and names.
fn renumber_parameters(sql: &str, by: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut quote = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '$') if chars.peek().is_some_and(char::is_ascii_digit) => {
                let mut digits = String::new();
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    digits.push(d);
                }
                let n: usize = digits.parse().expect("ascii digits");
                out.push('$');
                out.push_str(&(n + by).to_string());
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::renumber_parameters;

    #[test]
    fn placeholders_move_up_but_quoted_text_and_names_stay() {
        assert_eq!(
            renumber_parameters(r#"UPDATE "a$1" SET x = $1, y = $12 WHERE z = '$2'"#, 3),
            r#"UPDATE "a$1" SET x = $4, y = $15 WHERE z = '$2'"#
        );
        assert_eq!(
            renumber_parameters("SELECT 'it''s $1', $2", 10),
            "SELECT 'it''s $1', $12"
        );
        assert_eq!(
            renumber_parameters("SELECT $ AS x, $1", 1),
            "SELECT $ AS x, $2"
        );
    }
}
