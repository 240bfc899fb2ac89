//! SQLite's writer: a connection of its own behind the gate, whose transactions are written
//! here rather than by sqlx's transaction manager, to spend fewer hand-overs.
//!
//! Every statement is a hand-over to the connection's thread and back, most of a small
//! statement's time (~0.08 ms here). sqlx spends one on BEGIN, one on COMMIT and, when a pooled
//! connection comes back, one on a ping. Here BEGIN IMMEDIATE goes in front of a transaction's
//! first statement, COMMIT may follow its last ([`SqliteTxn::commit_with`]), and the connection
//! is not pooled: the gate is the lock on it, and a local file does not go stale.

use std::{borrow::Cow, sync::Arc};

use futures_util::TryStreamExt;
use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, ExecResult, QueryResult, RuntimeErr, Statement,
    sqlx::{
        self, AssertSqlSafe, ConnectOptions, Executor as _,
        sqlite::{SqliteConnectOptions, SqliteConnection, SqliteQueryResult},
    },
};
use sea_query_sqlx::SqlxValues;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// The writer's connection; locking it is passing the gate.
#[derive(Clone)]
pub(super) struct Writer(Arc<Mutex<Connection>>);

struct Connection {
    conn: SqliteConnection,
    /// BEGIN went out and neither COMMIT nor ROLLBACK has gone through since.
    open: bool,
}

impl Writer {
    pub(super) async fn connect(options: &SqliteConnectOptions) -> Result<Self, DbErr> {
        let conn = options.connect().await.map_err(conn_err)?;
        Ok(Writer(Arc::new(Mutex::new(Connection {
            conn,
            open: false,
        }))))
    }

    /// Waits for the gate and starts a transaction; BEGIN goes out with its first statement.
    pub(super) async fn begin(&self) -> Result<SqliteTxn, DbErr> {
        let mut conn = self.0.clone().lock_owned().await;
        if conn.open {
            // Left open by a transaction dropped where nothing could roll it back.
            conn.rollback().await?;
        }
        Ok(SqliteTxn(Mutex::new(Some(conn))))
    }

    /// Waits for the transaction under way, if any.
    pub(super) async fn close(&self) {
        let mut conn = self.0.lock().await;
        if conn.open {
            let _ = conn.rollback().await;
        }
    }
}

impl Connection {
    /// `sql`, after BEGIN IMMEDIATE if this is the transaction's first statement.
    fn in_transaction<'a>(&mut self, sql: &'a str) -> Cow<'a, str> {
        if self.open {
            return sql.into();
        }
        self.open = true;
        format!("BEGIN IMMEDIATE;\n{sql}").into()
    }

    async fn execute(&mut self, sql: &str, values: SqlxValues) -> Result<ExecResult, DbErr> {
        let began = !self.open;
        let sql = self.in_transaction(sql);
        let query = sqlx::query_with(AssertSqlSafe(&*sql), values);
        let mut results = (&mut self.conn).execute_many(query);
        if began {
            // BEGIN reports the connection's last count of changed rows, from before it.
            results.try_next().await.map_err(exec_err)?;
        }
        let result: SqliteQueryResult = results.try_collect().await.map_err(exec_err)?;
        Ok(result.into())
    }

    async fn fetch_all(&mut self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        let sql = self.in_transaction(&stmt.sql);
        let rows = sqlx::query_with(AssertSqlSafe(&*sql), values(stmt.values))
            .fetch_all(&mut self.conn)
            .await
            .map_err(query_err)?;
        Ok(rows.into_iter().map(QueryResult::from).collect())
    }

    async fn fetch_optional(&mut self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        let sql = self.in_transaction(&stmt.sql);
        let row = sqlx::query_with(AssertSqlSafe(&*sql), values(stmt.values))
            .fetch_optional(&mut self.conn)
            .await
            .map_err(query_err)?;
        Ok(row.map(QueryResult::from))
    }

    async fn commit(&mut self) -> Result<(), DbErr> {
        if self.open {
            self.execute("COMMIT", values(None)).await?;
            self.open = false;
        }
        Ok(())
    }

    async fn rollback(&mut self) -> Result<(), DbErr> {
        match self.conn.execute(AssertSqlSafe("ROLLBACK")).await {
            Ok(_) => {}
            // BEGIN itself failed (the file was locked past the busy timeout): nothing to undo.
            Err(err) if err.to_string().contains("no transaction is active") => {}
            Err(err) => return Err(query_err(err)),
        }
        self.open = false;
        Ok(())
    }
}

/// A write transaction on [`Writer`]'s connection; rolled back if dropped before it commits.
pub struct SqliteTxn(Mutex<Option<OwnedMutexGuard<Connection>>>);

impl SqliteTxn {
    pub(super) async fn commit(self) -> Result<(), DbErr> {
        self.connection().await?.commit().await
    }

    /// Runs `stmt` and commits, in one hand-over: COMMIT is the query's last statement. If a
    /// statement of the query fails, those after it (COMMIT too) do not run, and the
    /// transaction is rolled back before the gate opens.
    pub(super) async fn commit_with(self, stmt: Statement) -> Result<(), DbErr> {
        let sql = format!("{};\nCOMMIT", stmt.sql);
        let mut conn = self.connection().await?;
        if let Err(err) = conn.execute(&sql, values(stmt.values)).await {
            conn.rollback().await?;
            return Err(err);
        }
        conn.open = false;
        Ok(())
    }

    async fn connection(&self) -> Result<impl std::ops::DerefMut<Target = Connection>, DbErr> {
        let guard = self.0.lock().await;
        tokio::sync::MutexGuard::try_map(guard, |conn| conn.as_deref_mut())
            .map_err(|_| DbErr::Custom("the transaction has ended".into()))
    }
}

impl Drop for SqliteTxn {
    fn drop(&mut self) {
        let Some(mut conn) = self.0.get_mut().take() else {
            return;
        };
        if !conn.open {
            return;
        }
        // The gate stays shut until the rollback is through. Without a runtime (the process is
        // ending) the next writer rolls back first (see `Writer::begin`).
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(err) = conn.rollback().await {
                    tracing::error!(error = %err, "rolling back a dropped write transaction");
                }
            });
        }
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for SqliteTxn {
    fn get_database_backend(&self) -> DbBackend {
        DbBackend::Sqlite
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        let mut conn = self.connection().await?;
        conn.execute(&stmt.sql, values(stmt.values)).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.connection().await?.execute(sql, values(None)).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.connection().await?.fetch_optional(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.connection().await?.fetch_all(stmt).await
    }
}

fn values(values: Option<sea_orm::Values>) -> SqlxValues {
    SqlxValues(values.unwrap_or(sea_orm::Values(Vec::new())))
}

fn exec_err(err: sqlx::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::SqlxError(err.into()))
}

fn query_err(err: sqlx::Error) -> DbErr {
    DbErr::Query(RuntimeErr::SqlxError(err.into()))
}

fn conn_err(err: sqlx::Error) -> DbErr {
    DbErr::Conn(RuntimeErr::SqlxError(err.into()))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    async fn writer(dir: &tempfile::TempDir) -> Writer {
        let url = format!("sqlite://{}/w.db?mode=rwc", dir.path().display());
        let options = SqliteConnectOptions::from_str(&url).unwrap();
        let writer = Writer::connect(&super::super::sqlite_settings(options))
            .await
            .unwrap();
        let txn = writer.begin().await.unwrap();
        txn.execute_unprepared(
            "CREATE TABLE t (n INTEGER NOT NULL); INSERT INTO t VALUES (1), (2), (3)",
        )
        .await
        .unwrap();
        txn.commit().await.unwrap();
        writer
    }

    async fn count(txn: &SqliteTxn) -> i64 {
        let row = txn
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT count(*) AS n FROM t",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get("", "n").unwrap()
    }

    #[tokio::test]
    async fn a_dropped_transaction_is_rolled_back_before_the_gate_opens() {
        let dir = tempfile::tempdir().unwrap();
        let writer = writer(&dir).await;
        let txn = writer.begin().await.unwrap();
        txn.execute_unprepared("INSERT INTO t VALUES (4)")
            .await
            .unwrap();
        drop(txn);
        assert!(
            !writer.0.lock().await.open,
            "rolled back once the gate opens"
        );
        assert_eq!(count(&writer.begin().await.unwrap()).await, 3);
    }

    #[tokio::test]
    async fn a_failing_statement_stops_the_query_before_its_commit() {
        let dir = tempfile::tempdir().unwrap();
        let writer = writer(&dir).await;
        let txn = writer.begin().await.unwrap();
        let query = Statement::from_string(
            DbBackend::Sqlite,
            // The second fails as it runs, as `seats::take_if_unchanged` does.
            "INSERT INTO t VALUES (4); UPDATE t SET n = NULL WHERE n = 1; INSERT INTO t VALUES (6)",
        );
        assert!(txn.commit_with(query).await.is_err());
        assert!(!writer.0.lock().await.open, "rolled back");
        assert_eq!(
            count(&writer.begin().await.unwrap()).await,
            3,
            "nothing kept"
        );
    }

    #[tokio::test]
    async fn a_statement_after_begin_counts_only_its_own_rows() {
        let dir = tempfile::tempdir().unwrap();
        let writer = writer(&dir).await;
        let txn = writer.begin().await.unwrap();
        let changed = txn
            .execute_unprepared("UPDATE t SET n = 5 WHERE n = 1")
            .await
            .unwrap();
        assert_eq!(changed.rows_affected(), 1, "not the 3 rows inserted before");
        txn.commit().await.unwrap();
    }
}
