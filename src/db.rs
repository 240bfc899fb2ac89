//! The database handle every use-case gets.
//!
//! Reads go straight to the pool (`db.conn()`). Every change runs in a transaction from
//! [`Db::begin_write`]. On PostgreSQL that is a plain transaction. SQLite has one writer at a time,
//! and a transaction that reads first and writes later cannot wait for the lock: it fails with
//! "database is locked" whatever the busy timeout. So on SQLite `begin_write` first takes an
//! in-process gate, and writers queue in Rust instead of failing in SQLite; the writer then has
//! a connection of its own. WAL mode lets the readers go on meanwhile, on the shared pool. (One
//! process per SQLite file; several instances need PostgreSQL.)

use std::{ops::Deref, sync::Arc, time::Duration};

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, Statement, TransactionTrait,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};
use tokio::sync::{Mutex, OwnedMutexGuard};

#[derive(Clone)]
pub struct Db {
    conn: DatabaseConnection,
    write_gate: Option<WriteGate>,
}

/// SQLite's writer: the gate, and a connection of its own, so that whoever passes the gate
/// does not then queue behind readers for a connection from the shared pool.
#[derive(Clone)]
struct WriteGate {
    gate: Arc<Mutex<()>>,
    conn: DatabaseConnection,
}

impl Db {
    /// Connects and checks the server answers. The error is one line, fit for the terminal.
    pub async fn connect(url: &str) -> Result<Self, DbErr> {
        let mut options = ConnectOptions::new(url);
        options
            .connect_timeout(Duration::from_secs(5))
            .acquire_timeout(Duration::from_secs(5))
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(|opts| {
                opts.journal_mode(SqliteJournalMode::Wal)
                    // NORMAL is durable across process crashes in WAL mode; only an OS crash or
                    // power cut can lose the last commits.
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .create_if_missing(true)
            });
        let sqlite = url.starts_with("sqlite:");
        let writer = options.clone();
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
        let write_gate = if sqlite {
            let mut writer = writer;
            writer
                .max_connections(1)
                .min_connections(1)
                .test_before_acquire(false);
            Some(WriteGate {
                gate: Arc::new(Mutex::new(())),
                conn: Database::connect(writer).await?,
            })
        } else {
            None
        };
        Ok(Db { conn, write_gate })
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Starts a transaction that may write. See the module docs for why SQLite queues here.
    pub async fn begin_write(&self) -> Result<WriteTxn, DbErr> {
        let Some(writer) = &self.write_gate else {
            return Ok(WriteTxn {
                txn: self.conn.begin().await?,
                _gate: None,
            });
        };
        let gate = writer.gate.clone().lock_owned().await;
        Ok(WriteTxn {
            txn: writer.conn.begin().await?,
            _gate: Some(gate),
        })
    }

    /// True when the database answers a trivial query.
    pub async fn is_ready(&self) -> bool {
        self.conn.ping().await.is_ok()
    }

    pub async fn close(self) {
        if let Some(writer) = self.write_gate {
            let _ = writer.conn.close().await;
        }
        let _ = self.conn.close().await;
    }
}

/// A write transaction; on SQLite it holds the write gate until commit or drop.
pub struct WriteTxn {
    // Field order matters: the transaction ends (commit or rollback on drop) before the gate opens.
    txn: DatabaseTransaction,
    _gate: Option<OwnedMutexGuard<()>>,
}

impl WriteTxn {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    /// Runs `statements` in order. On SQLite they go as one query: one hand-over to the
    /// connection's thread instead of one each (sqlx binds the `?` parameters of a query's
    /// statements in turn). PostgreSQL's extended protocol takes one statement at a time.
    pub async fn execute_all(&self, statements: Vec<Statement>) -> Result<(), DbErr> {
        if self.txn.get_database_backend() == DbBackend::Sqlite && statements.len() > 1 {
            let sql: Vec<&str> = statements.iter().map(|s| s.sql.as_str()).collect();
            let sql = sql.join(";\n");
            let values = statements
                .iter()
                .flat_map(|s| s.values.iter().flat_map(|v| v.0.iter().cloned()));
            let joined = Statement::from_sql_and_values(DbBackend::Sqlite, sql, values);
            self.txn.execute_raw(joined).await?;
            return Ok(());
        }
        for statement in statements {
            self.txn.execute_raw(statement).await?;
        }
        Ok(())
    }
}

impl Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
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
