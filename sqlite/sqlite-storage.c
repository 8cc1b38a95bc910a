/*
 * libpartnerws-sqlite: the SQLite storage adapter, written only against the
 * public storage vtable (include/partnerws/storage.h), as a host would.
 *
 * One SQLite connection per adapter for the core's methods; the change
 * sets of the core map to SQLite transactions one to one (begin = BEGIN
 * IMMEDIATE, append/put = a plain INSERT, commit = COMMIT), so SQLite's WAL
 * gives atomicity and crash consistency. A record is never overwritten:
 * the primary key (kind, key) makes a second INSERT of a revision fail,
 * which is how several processes writing one file learn that another took
 * that revision first (PWS_ECONFLICT). A second connection, used only by
 * @c wait, polls PRAGMA data_version, which changes whenever another
 * connection commits. The hot statements are prepared once and cached in
 * the adapter's state.
 * SPDX-License-Identifier: MIT
 */
#include <partnerws-sqlite.h>

#include <sqlite3.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

/* How long a writer waits for another connection's lock before failing. */
#define BUSY_TIMEOUT_MS 5000

/*
 * How a connection waits for a lock another process holds. SQLite's own
 * busy_timeout sleeps 1, 2, 5 ... then 100 ms between tries, so a process
 * waiting behind a writer that commits back to back almost never finds the
 * lock free and times out although the store is healthy (seen: an open, or a
 * write, starved for 5 s by one busy writer). Trying again after a short
 * random sleep (50 us to 1 ms) gives every waiter a fair chance at the
 * moment between two transactions; the deadline is the same 5 s.
 */
static int busy_wait(void *arg, int tries)
{
	const struct timespec *start = arg;
	struct timespec now, nap;
	long long elapsed_us;
	unsigned r;

	clock_gettime(CLOCK_MONOTONIC, &now);
	elapsed_us = (long long)(now.tv_sec - start->tv_sec) * 1000000 +
	             (now.tv_nsec - start->tv_nsec) / 1000;
	if (tries == 0) {
		/* a new wait: its deadline counts from now */
		*(struct timespec *)arg = now;
		elapsed_us = 0;
	}
	if (elapsed_us >= (long long)BUSY_TIMEOUT_MS * 1000)
		return 0; /* give up: SQLITE_BUSY */
	r = (unsigned)now.tv_nsec ^ (unsigned)tries * 2654435761u;
	nap.tv_sec = 0;
	nap.tv_nsec = 50000 + (long)(r % 950000u);
	nanosleep(&nap, NULL);
	return 1;
}
#define ERRMSG_SIZE 256
/* How often wait() looks at PRAGMA data_version. */
#define WAIT_POLL_NS 1000000L

/* A marker telling our tables from others (pws_sqlite_storage_errmsg). */
static const char adapter_tag[] = "partnerws-sqlite";

enum stmt_id {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_PUT,
	ST_DEL,
	ST_NEXT_KIND,
	ST_LOAD_KIND,
	ST_LOAD_AFTER,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	"BEGIN IMMEDIATE",
	"COMMIT",
	"ROLLBACK",
	/* never OR REPLACE: an existing (kind, key) is a conflict */
	"INSERT INTO pws_records(kind, key, data) VALUES (?1, ?2, ?3)",
	"DELETE FROM pws_records WHERE kind = ?1 AND key = ?2",
	/* The kinds present, by index seeks (no full scan). */
	"SELECT kind FROM pws_records WHERE kind > ?1 ORDER BY kind LIMIT 1",
	/* One kind in key order: a walk of the primary key, no sort. */
	"SELECT key, data FROM pws_records WHERE kind = ?1 ORDER BY key",
	/* The operations after a revision, in key order (a range seek). */
	"SELECT key, data FROM pws_records WHERE kind = 1 AND key > ?1 ORDER BY key",
};

typedef struct sqlite_store {
	const char *tag; /* adapter_tag */
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	unsigned int flags;
	char errmsg[ERRMSG_SIZE];
	struct timespec busy_since;      /* busy_wait(): when db began waiting */
	struct timespec wait_busy_since; /* the same for wait_db */
	/* wait(): its own connection, called from another thread than the
	 * core's methods, so it never touches db or errmsg */
	pthread_mutex_t wait_lock;
	int wait_lock_ok;
	sqlite3 *wait_db;
	sqlite3_stmt *wait_q;      /* PRAGMA data_version */
	sqlite3_int64 wait_seen;   /* the last data_version wait() saw */
} sqlite_store;

/* ------------------------------------------------------------------ */
/* helpers                                                             */

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void set_err(sqlite_store *s, const char *fmt, ...);

static void set_err(sqlite_store *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
	va_end(ap);
}

/* Records SQLite's message for a failed step and returns PWS_ESTORAGE. */
static int db_fail(sqlite_store *s, const char *step)
{
	set_err(s, "%s: %s (%d)", step, sqlite3_errmsg(s->db), sqlite3_extended_errcode(s->db));
	return PWS_ESTORAGE;
}

static sqlite_store *store_of(void *ctx)
{
	sqlite_store *s = ctx;

	return s && s->tag == adapter_tag && s->db ? s : NULL;
}

/* The prepared statement id, reset and ready (prepared on first use). */
static sqlite3_stmt *stmt(sqlite_store *s, enum stmt_id id)
{
	if (!s->st[id]) {
		if (sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
		                       &s->st[id], NULL) != SQLITE_OK) {
			db_fail(s, "prepare");
			s->st[id] = NULL;
			return NULL;
		}
	}
	return s->st[id];
}

/* Steps a statement that returns no row, then resets it. */
static int run(sqlite_store *s, enum stmt_id id, const char *step)
{
	sqlite3_stmt *q = stmt(s, id);
	int rc;

	if (!q)
		return PWS_ESTORAGE;
	rc = sqlite3_step(q);
	if (rc != SQLITE_DONE) {
		db_fail(s, step);
		sqlite3_reset(q);
		sqlite3_clear_bindings(q);
		return PWS_ESTORAGE;
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return PWS_OK;
}

/* Binds a byte string as a BLOB, never as NULL (an empty one included). */
static int bind_bytes(sqlite3_stmt *q, int col, const void *p, size_t n)
{
	if (n == 0)
		return sqlite3_bind_zeroblob(q, col, 0);
	return sqlite3_bind_blob64(q, col, p, (sqlite3_uint64)n, SQLITE_STATIC);
}

static int read_only(sqlite_store *s, const char *step)
{
	if (!(s->flags & PWS_SQLITE_READONLY))
		return 0;
	set_err(s, "%s: the database was opened read-only", step);
	return 1;
}

/* ------------------------------------------------------------------ */
/* the vtable                                                          */

/* A cursor over the records of one kind, during load. */
typedef struct kind_cursor {
	sqlite3_stmt *q;
	uint32_t kind;
	int live; /* a row is loaded */
} kind_cursor;

static int cursor_step(sqlite_store *s, kind_cursor *c)
{
	int rc = sqlite3_step(c->q);

	if (rc == SQLITE_ROW) {
		c->live = 1;
		return PWS_OK;
	}
	c->live = 0;
	if (rc == SQLITE_DONE)
		return PWS_OK;
	return db_fail(s, "load");
}

static int cursor_less(const kind_cursor *a, const kind_cursor *b)
{
	int na = sqlite3_column_bytes(a->q, 0), nb = sqlite3_column_bytes(b->q, 0);
	const void *ka = sqlite3_column_blob(a->q, 0), *kb = sqlite3_column_blob(b->q, 0);
	int n = na < nb ? na : nb, c = n > 0 ? memcmp(ka, kb, (size_t)n) : 0;

	if (c != 0)
		return c < 0;
	if (na != nb)
		return na < nb;
	return a->kind < b->kind;
}

/* Lists the kinds present (few: one in format 1), by index seeks. */
static int list_kinds(sqlite_store *s, uint32_t **kinds, size_t *n)
{
	sqlite3_stmt *q = stmt(s, ST_NEXT_KIND);
	sqlite3_int64 after = -1;
	size_t cap = 0;
	int rc = PWS_OK;

	*kinds = NULL;
	*n = 0;
	if (!q)
		return PWS_ESTORAGE;
	for (;;) {
		int step;

		sqlite3_bind_int64(q, 1, after);
		step = sqlite3_step(q);
		if (step == SQLITE_DONE)
			break;
		if (step != SQLITE_ROW) {
			rc = db_fail(s, "load");
			break;
		}
		after = sqlite3_column_int64(q, 0);
		sqlite3_reset(q);
		if (after < 0 || after > (sqlite3_int64)UINT32_MAX) {
			set_err(s, "load: a record has the invalid kind %lld", (long long)after);
			rc = PWS_ESTORAGE;
			break;
		}
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			uint32_t *nk = realloc(*kinds, ncap * sizeof **kinds);

			if (!nk) {
				rc = PWS_ENOMEM;
				break;
			}
			*kinds = nk;
			cap = ncap;
		}
		(*kinds)[(*n)++] = (uint32_t)after;
	}
	sqlite3_reset(q);
	if (rc != PWS_OK) {
		free(*kinds);
		*kinds = NULL;
		*n = 0;
	}
	return rc;
}

/* Hands every record to the sink in ascending (key, kind) order: one
 * ordered cursor per kind, merged (with one kind, a plain walk). */
static int st_load(void *ctx, pws_storage_sink sink, void *sink_ctx)
{
	static const char empty[1] = "";
	sqlite_store *s = store_of(ctx);
	uint32_t *kinds = NULL;
	size_t nk = 0, i;
	kind_cursor one = {NULL, 0, 0}, *cur = &one;
	int rc, own_txn = 0;

	if (!s || !sink)
		return PWS_EINVALID;
	/* One read transaction, so every cursor sees the same snapshot. */
	if (sqlite3_get_autocommit(s->db)) {
		if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
			return db_fail(s, "load: begin");
		own_txn = 1;
	}
	rc = list_kinds(s, &kinds, &nk);
	if (rc == PWS_OK && nk > 1) {
		cur = calloc(nk, sizeof *cur);
		if (!cur)
			rc = PWS_ENOMEM;
	}
	for (i = 0; rc == PWS_OK && i < nk; i++) {
		cur[i].kind = kinds[i];
		if (i == 0) {
			cur[i].q = stmt(s, ST_LOAD_KIND);
		} else if (sqlite3_prepare_v2(s->db, stmt_sql[ST_LOAD_KIND], -1, &cur[i].q,
		                              NULL) != SQLITE_OK) {
			cur[i].q = NULL;
			db_fail(s, "load: prepare");
		}
		if (!cur[i].q) {
			rc = PWS_ESTORAGE;
			break;
		}
		sqlite3_bind_int64(cur[i].q, 1, (sqlite3_int64)kinds[i]);
		rc = cursor_step(s, &cur[i]);
	}
	while (rc == PWS_OK) {
		kind_cursor *best = NULL;
		const void *key, *data;
		int klen, dlen;

		for (i = 0; i < nk; i++)
			if (cur[i].live && (!best || cursor_less(&cur[i], best)))
				best = &cur[i];
		if (!best)
			break;
		key = sqlite3_column_blob(best->q, 0);
		klen = sqlite3_column_bytes(best->q, 0);
		data = sqlite3_column_blob(best->q, 1);
		dlen = sqlite3_column_bytes(best->q, 1);
		rc = sink(sink_ctx, best->kind, key ? (const char *)key : empty, (size_t)klen,
		          data ? data : (const void *)empty, (size_t)dlen);
		if (rc != PWS_OK)
			break; /* the sink's code, unchanged */
		rc = cursor_step(s, best);
	}
	for (i = 0; i < nk && cur[i].q; i++) {
		if (i == 0) {
			sqlite3_reset(cur[i].q);
			sqlite3_clear_bindings(cur[i].q);
		} else {
			sqlite3_finalize(cur[i].q);
		}
	}
	if (cur != &one)
		free(cur);
	free(kinds);
	if (own_txn && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		int frc = db_fail(s, "load: end");

		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		if (rc == PWS_OK)
			rc = frc;
	}
	return rc;
}

static int st_begin(void *ctx)
{
	sqlite_store *s = store_of(ctx);

	if (!s)
		return PWS_EINVALID;
	if (read_only(s, "begin"))
		return PWS_ESTORAGE;
	return run(s, ST_BEGIN, "begin");
}

/* One plain INSERT: a record already stored under (kind, key) is never
 * overwritten; the insert then fails and the caller hears PWS_ECONFLICT. */
static int insert(sqlite_store *s, uint32_t kind, const char *key, size_t key_len,
                  const void *data, size_t data_len, const char *step)
{
	sqlite3_stmt *q;
	int rc;

	if (!s || (!key && key_len) || (!data && data_len))
		return PWS_EINVALID;
	if (read_only(s, step))
		return PWS_ESTORAGE;
	q = stmt(s, ST_PUT);
	if (!q)
		return PWS_ESTORAGE;
	if (sqlite3_bind_int64(q, 1, (sqlite3_int64)kind) != SQLITE_OK ||
	    bind_bytes(q, 2, key, key_len) != SQLITE_OK ||
	    bind_bytes(q, 3, data, data_len) != SQLITE_OK) {
		db_fail(s, step);
		sqlite3_clear_bindings(q);
		return PWS_ESTORAGE;
	}
	rc = sqlite3_step(q);
	if (rc == SQLITE_DONE) {
		rc = PWS_OK;
	} else if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
		set_err(s, "%s: a record is already stored under this key", step);
		rc = PWS_ECONFLICT;
	} else {
		rc = db_fail(s, step);
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc;
}

static int st_put(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                  size_t data_len)
{
	return insert(store_of(ctx), kind, key, key_len, data, data_len, "put");
}

static int st_append(void *ctx, uint32_t kind, const char *key, size_t key_len,
                     const void *data, size_t data_len)
{
	return insert(store_of(ctx), kind, key, key_len, data, data_len, "append");
}

/* The operations after key, in key order, inside one read transaction so a
 * compaction committed meanwhile is seen whole or not at all. */
static int st_load_after(void *ctx, const char *key, size_t key_len, pws_storage_sink sink,
                         void *sink_ctx)
{
	static const char empty[1] = "";
	sqlite_store *s = store_of(ctx);
	sqlite3_stmt *q;
	int rc = PWS_OK, step, own_txn = 0;

	if (!s || !sink || (!key && key_len))
		return PWS_EINVALID;
	if (sqlite3_get_autocommit(s->db)) {
		if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
			return db_fail(s, "load_after: begin");
		own_txn = 1;
	}
	q = stmt(s, ST_LOAD_AFTER);
	if (!q) {
		rc = PWS_ESTORAGE;
	} else if (bind_bytes(q, 1, key, key_len) != SQLITE_OK) {
		rc = db_fail(s, "load_after: bind");
	} else {
		while ((step = sqlite3_step(q)) == SQLITE_ROW) {
			const void *k = sqlite3_column_blob(q, 0), *d = sqlite3_column_blob(q, 1);
			int kl = sqlite3_column_bytes(q, 0), dl = sqlite3_column_bytes(q, 1);

			rc = sink(sink_ctx, PWS_RECORD_OP, k ? (const char *)k : empty, (size_t)kl,
			          d ? d : (const void *)empty, (size_t)dl);
			if (rc != PWS_OK)
				break; /* the sink's code, unchanged */
		}
		if (rc == PWS_OK && step != SQLITE_DONE)
			rc = db_fail(s, "load_after");
	}
	if (q) {
		sqlite3_reset(q);
		sqlite3_clear_bindings(q);
	}
	if (own_txn && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		int frc = db_fail(s, "load_after: end");

		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		if (rc == PWS_OK)
			rc = frc;
	}
	return rc;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* PRAGMA data_version on the wait connection: it changes when any other
 * connection (another process, or this adapter's own) commits. */
static int data_version(sqlite_store *s, sqlite3_int64 *v)
{
	int rc = sqlite3_step(s->wait_q);

	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(s->wait_q, 0);
	sqlite3_reset(s->wait_q);
	return rc == SQLITE_ROW ? PWS_OK : PWS_ESTORAGE;
}

/*
 * Blocks until data_version differs from the last value seen, polling
 * every millisecond. The value seen is kept across calls (and first read
 * at open), so a commit made between the core's catch-up and this call is
 * never missed: it shows as a change at once (an early return the
 * contract allows, never a late one).
 */
static int st_wait(void *ctx, int timeout_ms)
{
	sqlite_store *s = ctx;
	int64_t deadline;
	sqlite3_int64 v;
	int rc;

	if (!s || s->tag != adapter_tag || !s->wait_q || timeout_ms < 0)
		return PWS_EINVALID;
	deadline = now_ms() + timeout_ms;
	if (pthread_mutex_lock(&s->wait_lock) != 0)
		return PWS_ESTORAGE;
	for (;;) {
		struct timespec ts = {0, WAIT_POLL_NS};

		rc = data_version(s, &v);
		if (rc != PWS_OK)
			break;
		if (v != s->wait_seen) {
			s->wait_seen = v;
			break;
		}
		if (now_ms() >= deadline) {
			rc = PWS_ETIMEOUT;
			break;
		}
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
	pthread_mutex_unlock(&s->wait_lock);
	return rc;
}

static int st_del(void *ctx, uint32_t kind, const char *key, size_t key_len)
{
	sqlite_store *s = store_of(ctx);
	sqlite3_stmt *q;

	if (!s || (!key && key_len))
		return PWS_EINVALID;
	if (read_only(s, "del"))
		return PWS_ESTORAGE;
	q = stmt(s, ST_DEL);
	if (!q)
		return PWS_ESTORAGE;
	if (sqlite3_bind_int64(q, 1, (sqlite3_int64)kind) != SQLITE_OK ||
	    bind_bytes(q, 2, key, key_len) != SQLITE_OK) {
		db_fail(s, "del: bind");
		sqlite3_clear_bindings(q);
		return PWS_ESTORAGE;
	}
	return run(s, ST_DEL, "del");
}

static int st_commit(void *ctx)
{
	sqlite_store *s = store_of(ctx);

	if (!s)
		return PWS_EINVALID;
	if (read_only(s, "commit"))
		return PWS_ESTORAGE;
	return run(s, ST_COMMIT, "commit");
}

/* Idempotent: without an open transaction (SQLite may already have rolled
 * it back after an I/O error) there is nothing to discard. */
static int st_rollback(void *ctx)
{
	sqlite_store *s = store_of(ctx);

	if (!s)
		return PWS_EINVALID;
	if (sqlite3_get_autocommit(s->db))
		return PWS_OK;
	return run(s, ST_ROLLBACK, "rollback");
}

static void store_free(sqlite_store *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_finalize(s->wait_q);
	sqlite3_close_v2(s->wait_db);
	if (s->wait_lock_ok)
		pthread_mutex_destroy(&s->wait_lock);
	/* An open transaction is rolled back by the close. sqlite3_close_v2
	 * never fails with SQLITE_BUSY: nothing is leaked even if a
	 * statement were still alive. */
	sqlite3_close_v2(s->db);
	s->tag = NULL;
	free(s);
}

static void st_close(void *ctx)
{
	sqlite_store *s = ctx;

	if (s && s->tag == adapter_tag)
		store_free(s);
}

/* ------------------------------------------------------------------ */
/* opening                                                             */

/* Runs one statement and reads its first column as text (NULL if none). */
static int query_text(sqlite_store *s, const char *sql, char *out, size_t out_size)
{
	sqlite3_stmt *q;
	int rc;

	out[0] = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
		return db_fail(s, sql);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(q, 0);

		snprintf(out, out_size, "%s", t ? (const char *)t : "");
	} else if (rc != SQLITE_DONE) {
		db_fail(s, sql);
		sqlite3_finalize(q);
		return PWS_ESTORAGE;
	}
	sqlite3_finalize(q);
	return PWS_OK;
}

static int exec(sqlite_store *s, const char *sql)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, sql);
	return PWS_OK;
}

/* Checks the schema version; a newer store is refused rather than
 * misread. */
static int check_schema(sqlite_store *s)
{
	char v[32];
	int rc = query_text(s, "SELECT value FROM pws_meta WHERE name = 'schema_version'", v,
	                    sizeof v);
	long ver;

	if (rc != PWS_OK)
		return rc;
	ver = strtol(v, NULL, 10);
	if (ver < 1 || ver > PWS_SQLITE_SCHEMA_VERSION) {
		set_err(s, "schema version '%s' is not supported (this adapter reads %d)", v,
		        PWS_SQLITE_SCHEMA_VERSION);
		return PWS_ESTORAGE;
	}
	return PWS_OK;
}

static int setup_rw(sqlite_store *s)
{
	char mode[16];
	int rc;

	/*
	 * WAL: a commit is one append to the log, readers never block the
	 * writer, and a crash at any instant leaves either the whole last
	 * transaction or none of it (recovery ignores an unfinished frame
	 * sequence, verified by checksums).
	 */
	rc = query_text(s, "PRAGMA journal_mode=WAL", mode, sizeof mode);
	if (rc != PWS_OK)
		return rc;
	if (strcmp(mode, "wal") != 0) {
		set_err(s, "cannot use WAL mode (journal_mode is '%s')", mode);
		return PWS_ESTORAGE;
	}
	/*
	 * synchronous=FULL: in WAL mode the log is fsync'd at every commit, so
	 * a commit the core has seen succeed survives power loss too, as the
	 * storage contract ("commit makes the change set durable") asks; and
	 * since the core changes memory only after commit, memory never gets
	 * ahead of the file. NORMAL syncs only at checkpoints: equally atomic
	 * and corruption-free, and durable across a process crash (the log
	 * is written to the OS before COMMIT returns), but the last commits
	 * may roll back on power loss; offered as PWS_SQLITE_SYNC_NORMAL.
	 */
	rc = exec(s, (s->flags & PWS_SQLITE_SYNC_NORMAL) ? "PRAGMA synchronous=NORMAL"
	                                                   : "PRAGMA synchronous=FULL");
	if (rc != PWS_OK)
		return rc;
	/*
	 * Opening a store that exists takes no write lock: a process opening
	 * while others write must not queue behind them (nor they behind it).
	 */
	rc = query_text(s,
	                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND"
	                " name IN ('pws_records', 'pws_meta')",
	                mode, sizeof mode);
	if (rc != PWS_OK)
		return rc;
	if (strcmp(mode, "2") == 0)
		return check_schema(s);
	rc = exec(s, "BEGIN IMMEDIATE;"
	             "CREATE TABLE IF NOT EXISTS pws_records("
	             " kind INTEGER NOT NULL, key BLOB NOT NULL, data BLOB NOT NULL,"
	             " PRIMARY KEY(kind, key)) WITHOUT ROWID;"
	             "CREATE TABLE IF NOT EXISTS pws_meta("
	             " name TEXT NOT NULL PRIMARY KEY, value NOT NULL);"
	             "INSERT OR IGNORE INTO pws_meta(name, value) VALUES ('schema_version', 1);"
	             "COMMIT");
	if (rc != PWS_OK) {
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	return check_schema(s);
}

static int setup_ro(sqlite_store *s)
{
	char n[16];
	int rc = query_text(s,
	                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND"
	                    " name IN ('pws_records', 'pws_meta')",
	                    n, sizeof n);

	if (rc != PWS_OK)
		return rc;
	if (strcmp(n, "2") != 0) {
		set_err(s, "not a libpartnerws store (tables missing)");
		return PWS_ESTORAGE;
	}
	return check_schema(s);
}

/* The connection wait() polls, with the first data_version it compares to. */
static int open_wait(sqlite_store *s, const char *path, int oflags)
{
	oflags &= ~SQLITE_OPEN_CREATE; /* the main connection made the file */
	if (sqlite3_open_v2(path, &s->wait_db, oflags, NULL) != SQLITE_OK) {
		set_err(s, "wait connection: %s",
		        s->wait_db ? sqlite3_errmsg(s->wait_db) : "out of memory");
		return PWS_ESTORAGE;
	}
	sqlite3_busy_handler(s->wait_db, busy_wait, &s->wait_busy_since);
	if (sqlite3_prepare_v2(s->wait_db, "PRAGMA data_version", -1, &s->wait_q, NULL) !=
	            SQLITE_OK ||
	    data_version(s, &s->wait_seen) != PWS_OK) {
		set_err(s, "wait connection: %s", sqlite3_errmsg(s->wait_db));
		return PWS_ESTORAGE;
	}
	if (pthread_mutex_init(&s->wait_lock, NULL) != 0)
		return PWS_ESTORAGE;
	s->wait_lock_ok = 1;
	return PWS_OK;
}

PWS_EXTERN int pws_sqlite_storage_open(pws_storage_ops *ops, const char *path,
                                       unsigned int flags)
{
	const unsigned int known = PWS_SQLITE_READONLY | PWS_SQLITE_SYNC_NORMAL;
	sqlite_store *s;
	int oflags, rc;

	if (ops) {
		memset(ops, 0, sizeof *ops);
		ops->version = PWS_STORAGE_OPS_VERSION;
	}
	if (!ops || !path || (flags & ~known))
		return PWS_EINVALID;
	s = calloc(1, sizeof *s);
	if (!s)
		return PWS_ENOMEM;
	s->tag = adapter_tag;
	s->flags = flags;
	oflags = (flags & PWS_SQLITE_READONLY) ? SQLITE_OPEN_READONLY
	                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &s->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		rc = (rc == SQLITE_NOMEM && !s->db) ? PWS_ENOMEM : PWS_ESTORAGE;
		store_free(s); /* closes the half-open handle, if any */
		return rc;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_handler(s->db, busy_wait, &s->busy_since);
	rc = (flags & PWS_SQLITE_READONLY) ? setup_ro(s) : setup_rw(s);
	if (rc == PWS_OK)
		rc = open_wait(s, path, oflags);
	if (rc != PWS_OK) {
		store_free(s);
		return rc;
	}
	s->errmsg[0] = 0;
	ops->ctx = s;
	ops->load = st_load;
	ops->begin = st_begin;
	ops->put = st_put;
	ops->del = st_del;
	ops->commit = st_commit;
	ops->rollback = st_rollback;
	ops->close = st_close;
	ops->append = st_append;
	ops->load_after = st_load_after;
	ops->wait = st_wait;
	return PWS_OK;
}

PWS_EXTERN const char *pws_sqlite_storage_errmsg(const pws_storage_ops *ops)
{
	const sqlite_store *s;

	if (!ops)
		return "invalid argument";
	if (ops->close != st_close || !ops->ctx)
		return "not a table of the SQLite storage adapter";
	s = ops->ctx;
	return s->errmsg;
}
