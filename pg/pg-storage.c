/*
 * libpartnerws-pg: the PostgreSQL storage adapter, written only against the
 * public storage vtable (include/partnerws/storage.h, version 2), as a host
 * would.
 *
 * One connection carries the change sets and the loads: begin = BEGIN,
 * append = INSERT (never ON CONFLICT: a unique violation is the conflict),
 * commit = COMMIT. The append also calls pg_notify() in the same
 * statement, so PostgreSQL delivers the notice exactly when (and only if)
 * the change set commits. A second connection, owned by wait() under its
 * own mutex, LISTENs for those notices: wait() is called without the
 * policy's lock, concurrently with the other methods, so it must never
 * touch the first connection.
 *
 * A connection the server dropped is reset at the next change set or
 * load, never inside a change set (whose first statements died with the
 * old session).
 * SPDX-License-Identifier: MIT
 */
#include <partnerws-pg.h>

#include <libpq-fe.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ERRMSG_SIZE 512
/* PostgreSQL's identifier limit (NAMEDATALEN - 1) */
#define CHANNEL_MAX 63
/* Longest key sent as a notice's payload (the limit is 8000 bytes). */
#define PAYLOAD_KEY_MAX 256
/* How long wait() sleeps when the listening connection cannot be made:
 * the policy then polls at this pace instead of spinning. */
#define RELISTEN_PAUSE_MS 50

/* A marker telling our tables from others (pws_pg_storage_errmsg). */
static const char adapter_tag[] = "partnerws-pg";

/* Why the last open on this thread failed (the table is reset then). */
static _Thread_local char open_errmsg[ERRMSG_SIZE];

typedef struct pg_store {
	const char *tag; /* adapter_tag */
	unsigned int flags;
	PGconn *db;  /* change sets and loads */
	int in_txn;  /* a BEGIN succeeded and was not ended yet */
	char channel[CHANNEL_MAX + 1];
	char errmsg[ERRMSG_SIZE];

	/* wait() only, under wait_lock */
	pthread_mutex_t wait_lock;
	PGconn *ldb;    /* the listening connection; NULL with PWS_PG_NO_LISTEN */
	int listening;  /* LISTEN succeeded on ldb's current session */
} pg_store;

/* ------------------------------------------------------------------ */
/* helpers                                                             */

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void fmt_err(char *buf, size_t size, const char *fmt, ...);

static void fmt_err(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	/* libpq's messages end with a newline */
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
}

/* Records why step failed: the server's message and SQLSTATE for a server
 * error, else libpq's (a lost connection, a bad connection string). */
static int pg_fail(pg_store *s, const char *step, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : NULL;

	if (!msg || !*msg)
		msg = s->db ? PQerrorMessage(s->db) : "out of memory";
	if (state)
		fmt_err(s->errmsg, sizeof s->errmsg, "%s: %s (SQLSTATE %s)", step, msg, state);
	else
		fmt_err(s->errmsg, sizeof s->errmsg, "%s: %s", step, msg);
	return PWS_ESTORAGE;
}

static pg_store *store_of(void *ctx)
{
	pg_store *s = ctx;

	return s && s->tag == adapter_tag && s->db ? s : NULL;
}

static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* "relation already exists, skipping" and the like */
}

static int sqlstate_is(const PGresult *res, const char *state)
{
	const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	return st && strcmp(st, state) == 0;
}

/*
 * Makes the main connection usable before a change set or a load: a
 * session the server dropped (a restart, a network cut) is reset. Never
 * called inside a change set.
 */
static int ensure_conn(pg_store *s, const char *step)
{
	if (PQstatus(s->db) == CONNECTION_OK)
		return PWS_OK;
	PQreset(s->db);
	if (PQstatus(s->db) != CONNECTION_OK)
		return pg_fail(s, step, NULL);
	return PWS_OK;
}

/* Whether a failed statement failed because the session is gone (so that
 * a fresh one may run it again, when nothing else depended on it). */
static int conn_lost(const pg_store *s)
{
	return PQstatus(s->db) != CONNECTION_OK;
}

/* Runs a statement returning no row; expect_tag, if set, must be the
 * command tag (COMMIT answers "ROLLBACK" for an aborted transaction). */
static int run_cmd(pg_store *s, const char *sql, const char *step, const char *expect_tag)
{
	PGresult *res = PQexec(s->db, sql);
	int rc = PWS_OK;

	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_fail(s, step, res);
	else if (expect_tag && strcmp(PQcmdStatus(res), expect_tag) != 0) {
		fmt_err(s->errmsg, sizeof s->errmsg, "%s: the server answered %s", step,
		        PQcmdStatus(res));
		rc = PWS_ESTORAGE;
	}
	PQclear(res);
	return rc;
}

/* ------------------------------------------------------------------ */
/* change sets                                                         */

static int pg_begin(void *ctx)
{
	pg_store *s = store_of(ctx);
	int rc;

	if (!s)
		return PWS_EINVALID;
	if (s->in_txn) {
		/* a change set the caller never ended: discard it */
		PQclear(PQexec(s->db, "ROLLBACK"));
		s->in_txn = 0;
	}
	rc = ensure_conn(s, "begin");
	if (rc != PWS_OK)
		return rc;
	rc = run_cmd(s, "BEGIN", "begin", NULL);
	if (rc != PWS_OK && conn_lost(s)) {
		/* the session died since the last call (a server restart):
		 * nothing was sent in it, so a fresh one may begin instead */
		rc = ensure_conn(s, "begin");
		if (rc == PWS_OK)
			rc = run_cmd(s, "BEGIN", "begin", NULL);
	}
	if (rc == PWS_OK)
		s->in_txn = 1;
	return rc;
}

/* The notice's payload: the key itself when it is short printable ASCII
 * (the core's keys are 16 hex digits), else nothing. */
static void key_payload(const char *key, size_t key_len, char *out)
{
	size_t i;

	out[0] = 0;
	if (key_len > PAYLOAD_KEY_MAX)
		return;
	for (i = 0; i < key_len; i++)
		if (key[i] < 0x20 || key[i] > 0x7e)
			return;
	memcpy(out, key, key_len);
	out[key_len] = 0;
}

/*
 * A plain INSERT (a unique violation is reported, never resolved by
 * overwriting) and, in the same statement, the notice, which PostgreSQL
 * queues until COMMIT and drops on ROLLBACK.
 */
static int insert(pg_store *s, const char *step, uint32_t kind, const char *key, size_t key_len,
                  const void *data, size_t data_len)
{
	static const char sql[] =
	        "WITH ins AS (INSERT INTO pws_log(kind, key, data) VALUES ($1, $2, $3)"
	        " RETURNING 1) SELECT pg_notify($4, $5) FROM ins";
	static const char empty[1] = "";
	char kind_s[16], payload[PAYLOAD_KEY_MAX + 1];
	const char *vals[5];
	int lens[5] = {0, 0, 0, 0, 0}, fmts[5] = {0, 1, 1, 0, 0};
	PGresult *res;
	int rc = PWS_OK;

	if (!s || (!key && key_len) || (!data && data_len))
		return PWS_EINVALID;
	if (key_len > INT32_MAX || data_len > INT32_MAX)
		return PWS_EINVALID;
	snprintf(kind_s, sizeof kind_s, "%lu", (unsigned long)kind);
	key_payload(key, key_len, payload);
	vals[0] = kind_s;
	vals[1] = key_len ? key : empty;
	lens[1] = (int)key_len;
	vals[2] = data_len ? (const char *)data : empty;
	lens[2] = (int)data_len;
	vals[3] = s->channel;
	vals[4] = payload;
	res = PQexecParams(s->db, sql, 5, NULL, vals, lens, fmts, 0);
	if (res && PQresultStatus(res) == PGRES_TUPLES_OK) {
		PQclear(res);
		return PWS_OK;
	}
	if (sqlstate_is(res, "23505")) {
		/* unique_violation: another writer holds this key (it may have
		 * committed while we waited on its row lock) */
		fmt_err(s->errmsg, sizeof s->errmsg,
		        "%s: a record of kind %lu already exists under this key", step,
		        (unsigned long)kind);
		rc = PWS_ECONFLICT;
	} else {
		rc = pg_fail(s, step, res);
	}
	PQclear(res);
	return rc;
}

static int pg_append(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                     size_t data_len)
{
	return insert(store_of(ctx), "append", kind, key, key_len, data, data_len);
}

/* Version-1 callers get the same never-overwriting insert. */
static int pg_put(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                  size_t data_len)
{
	return insert(store_of(ctx), "put", kind, key, key_len, data, data_len);
}

static int pg_del(void *ctx, uint32_t kind, const char *key, size_t key_len)
{
	static const char sql[] = "DELETE FROM pws_log WHERE kind = $1 AND key = $2";
	static const char empty[1] = "";
	pg_store *s = store_of(ctx);
	char kind_s[16];
	const char *vals[2];
	int lens[2] = {0, 0}, fmts[2] = {0, 1};
	PGresult *res;
	int rc = PWS_OK;

	if (!s || (!key && key_len) || key_len > INT32_MAX)
		return PWS_EINVALID;
	snprintf(kind_s, sizeof kind_s, "%lu", (unsigned long)kind);
	vals[0] = kind_s;
	vals[1] = key_len ? key : empty;
	lens[1] = (int)key_len;
	res = PQexecParams(s->db, sql, 2, NULL, vals, lens, fmts, 0);
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_fail(s, "del", res);
	PQclear(res);
	return rc;
}

static int pg_commit(void *ctx)
{
	pg_store *s = store_of(ctx);
	int rc;

	if (!s)
		return PWS_EINVALID;
	rc = run_cmd(s, "COMMIT", "commit", "COMMIT");
	s->in_txn = 0;
	if (rc != PWS_OK && conn_lost(s)) {
		/* the server may or may not have committed before the session
		 * died; the log says which, and the policy reads it at its next
		 * sync */
		size_t n = strlen(s->errmsg);

		snprintf(s->errmsg + n, sizeof s->errmsg - n,
		         " (the connection was lost during COMMIT: the change may have"
		         " committed)");
	}
	return rc;
}

/* Idempotent: a change set the server already discarded (an error inside
 * it, or a lost session: PostgreSQL rolls back what a dead session left
 * open) needs nothing more. */
static int pg_rollback(void *ctx)
{
	pg_store *s = store_of(ctx);
	int rc;

	if (!s)
		return PWS_EINVALID;
	if (!s->in_txn)
		return PWS_OK;
	s->in_txn = 0;
	if (conn_lost(s))
		return PWS_OK;
	rc = run_cmd(s, "ROLLBACK", "rollback", NULL);
	return rc != PWS_OK && conn_lost(s) ? PWS_OK : rc;
}

/* ------------------------------------------------------------------ */
/* loads                                                               */

/* A bigint column in binary format: 8 bytes, big-endian. */
static int read_kind(const PGresult *res, uint32_t *kind)
{
	const unsigned char *b = (const unsigned char *)PQgetvalue(res, 0, 0);
	uint64_t v = 0;
	int i;

	if (PQgetlength(res, 0, 0) != 8)
		return -1;
	for (i = 0; i < 8; i++)
		v = (v << 8) | b[i];
	if (v > UINT32_MAX)
		return -1;
	*kind = (uint32_t)v;
	return 0;
}

static int stream_once(pg_store *s, const char *step, const char *sql, int nparams,
                       const char *const *vals, const int *lens, const int *fmts,
                       pws_storage_sink sink, void *sink_ctx, long *rows)
{
	PGresult *res;
	int rc = PWS_OK;

	*rows = 0;
	if (!s->in_txn) {
		rc = ensure_conn(s, step);
		if (rc != PWS_OK)
			return rc;
	}
	if (!PQsendQueryParams(s->db, sql, nparams, NULL, vals, lens, fmts, 1))
		return pg_fail(s, step, NULL);
	if (!PQsetSingleRowMode(s->db))
		rc = pg_fail(s, step, NULL);
	while ((res = PQgetResult(s->db)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_SINGLE_TUPLE && rc == PWS_OK) {
			uint32_t kind;

			if (PQnfields(res) != 3 || read_kind(res, &kind) != 0) {
				fmt_err(s->errmsg, sizeof s->errmsg,
				        "%s: a record has an invalid kind", step);
				rc = PWS_ESTORAGE;
			} else {
				(*rows)++;
				rc = sink(sink_ctx, kind, PQgetvalue(res, 0, 1),
				          (size_t)PQgetlength(res, 0, 1), PQgetvalue(res, 0, 2),
				          (size_t)PQgetlength(res, 0, 2));
			}
			/* after a stop, the rest is read and dropped: libpq
			 * takes no other query before */
		} else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && rc == PWS_OK) {
			rc = pg_fail(s, step, res);
		}
		PQclear(res);
	}
	return rc;
}

/*
 * Runs one SELECT kind, key, data and streams its rows to the sink (single
 * row mode: a catch-up of many records never sits whole in memory). One
 * statement is one snapshot, so the sink sees one consistent state.
 * Returns the sink's code unchanged if it stops.
 */
static int stream(pg_store *s, const char *step, const char *sql, int nparams,
                  const char *const *vals, const int *lens, const int *fmts,
                  pws_storage_sink sink, void *sink_ctx)
{
	long rows;
	int rc = stream_once(s, step, sql, nparams, vals, lens, fmts, sink, sink_ctx, &rows);

	/* a session the server dropped since the last call fails the first
	 * statement sent in it: nothing was read, one fresh try */
	if (rc == PWS_ESTORAGE && rows == 0 && !s->in_txn && conn_lost(s))
		rc = stream_once(s, step, sql, nparams, vals, lens, fmts, sink, sink_ctx, &rows);
	return rc;
}

static int pg_load(void *ctx, pws_storage_sink sink, void *sink_ctx)
{
	pg_store *s = store_of(ctx);

	if (!s || !sink)
		return PWS_EINVALID;
	return stream(s, "load", "SELECT kind, key, data FROM pws_log ORDER BY key, kind", 0, NULL,
	              NULL, NULL, sink, sink_ctx);
}

static int pg_load_after(void *ctx, const char *key, size_t key_len, pws_storage_sink sink,
                         void *sink_ctx)
{
	pg_store *s = store_of(ctx);
	char kind_s[16];
	const char *vals[2];
	int lens[2] = {0, 0}, fmts[2] = {0, 1};

	if (!s || !sink || (!key && key_len) || key_len > INT32_MAX)
		return PWS_EINVALID;
	snprintf(kind_s, sizeof kind_s, "%d", PWS_RECORD_OP);
	vals[0] = kind_s;
	if (key_len == 0)
		return stream(s, "load_after",
		              "SELECT kind, key, data FROM pws_log WHERE kind = $1 ORDER BY key", 1,
		              vals, lens, fmts, sink, sink_ctx);
	vals[1] = key;
	lens[1] = (int)key_len;
	/* a range walk of the primary key (kind, key): no sort */
	return stream(s, "load_after",
	              "SELECT kind, key, data FROM pws_log WHERE kind = $1 AND key > $2"
	              " ORDER BY key",
	              2, vals, lens, fmts, sink, sink_ctx);
}

/* ------------------------------------------------------------------ */
/* the change feed                                                     */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Drops every queued notice; returns how many there were. */
static int drain_notices(PGconn *c)
{
	PGnotify *n;
	int count = 0;

	while ((n = PQnotifies(c)) != NULL) {
		PQfreemem(n);
		count++;
	}
	return count;
}

/* (Re)starts the listening session. Returns 0 when listening. */
static int listen_start(pg_store *s, PGconn *c)
{
	char *ident, *sql;
	PGresult *res;
	int ok;

	ident = PQescapeIdentifier(c, s->channel, strlen(s->channel));
	if (!ident)
		return -1;
	sql = malloc(strlen(ident) + 8);
	if (!sql) {
		PQfreemem(ident);
		return -1;
	}
	sprintf(sql, "LISTEN %s", ident);
	PQfreemem(ident);
	res = PQexec(c, sql);
	free(sql);
	ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	return ok ? 0 : -1;
}

static void pause_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int wait_locked(pg_store *s, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;

	if (!s->listening || PQstatus(s->ldb) != CONNECTION_OK) {
		/* a session lost (a restart): notices sent meanwhile are lost
		 * too, so once listening again the caller must look (an early
		 * return); until the server is back, its reads fail anyway */
		s->listening = 0;
		PQreset(s->ldb);
		if (PQstatus(s->ldb) != CONNECTION_OK || listen_start(s, s->ldb) != 0) {
			pause_ms(timeout_ms < RELISTEN_PAUSE_MS ? timeout_ms : RELISTEN_PAUSE_MS);
			return PWS_OK;
		}
		s->listening = 1;
		return PWS_OK;
	}
	for (;;) {
		struct pollfd pfd;
		int64_t left;
		int r;

		if (!PQconsumeInput(s->ldb)) {
			s->listening = 0;
			return PWS_OK;
		}
		if (drain_notices(s->ldb) > 0)
			return PWS_OK;
		left = deadline - now_ms();
		if (left <= 0)
			return PWS_ETIMEOUT;
		pfd.fd = PQsocket(s->ldb);
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (pfd.fd < 0) {
			s->listening = 0;
			return PWS_OK;
		}
		r = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (r < 0 && errno != EINTR)
			return PWS_ESTORAGE;
	}
}

static int pg_wait(void *ctx, int timeout_ms)
{
	pg_store *s = store_of(ctx);
	int rc;

	if (!s || !s->ldb || timeout_ms < 0)
		return PWS_EINVALID;
	if (pthread_mutex_lock(&s->wait_lock) != 0)
		return PWS_ERROR;
	rc = wait_locked(s, timeout_ms);
	pthread_mutex_unlock(&s->wait_lock);
	return rc;
}

/* ------------------------------------------------------------------ */
/* opening and closing                                                 */

static void store_free(pg_store *s)
{
	if (!s)
		return;
	/* an open transaction is rolled back by the server when the session
	 * ends */
	if (s->db)
		PQfinish(s->db);
	if (s->ldb) {
		PQfinish(s->ldb);
		pthread_mutex_destroy(&s->wait_lock);
	}
	s->tag = NULL;
	free(s);
}

static void pg_close(void *ctx)
{
	pg_store *s = ctx;

	if (s && s->tag == adapter_tag)
		store_free(s);
}

static PGconn *connect_quiet(pg_store *s, const char *conninfo, const char *what)
{
	PGconn *c = PQconnectdb(conninfo);

	if (!c) {
		fmt_err(s->errmsg, sizeof s->errmsg, "%s: out of memory", what);
		return NULL;
	}
	if (PQstatus(c) != CONNECTION_OK) {
		fmt_err(s->errmsg, sizeof s->errmsg, "%s: %s", what, PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, quiet_notices, NULL);
	return c;
}

/* Runs a query returning one text value (out[0] = 0 for none or NULL). */
static int query_text(pg_store *s, const char *sql, char *out, size_t out_size)
{
	PGresult *res = PQexec(s->db, sql);

	out[0] = 0;
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_fail(s, sql, res);
		PQclear(res);
		return PWS_ESTORAGE;
	}
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		snprintf(out, out_size, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return PWS_OK;
}

/* Creates what is missing, under an advisory lock: two processes starting
 * on an empty database must not race in CREATE TABLE IF NOT EXISTS. */
static int setup_schema(pg_store *s)
{
	static const char sql[] =
	        "BEGIN;"
	        "SELECT pg_advisory_xact_lock(hashtext('partnerws-pg schema'));"
	        /* the first schema of search_path, when it does not exist yet
	         * (one log per schema: options='-c search_path=tenant1') */
	        "DO $$ DECLARE s text := trim(split_part(current_setting('search_path'), ',', 1));"
	        " BEGIN IF current_schema() IS NULL AND s <> '' THEN"
	        "  IF s = '\"$user\"' OR s = '$user' THEN s := current_user;"
	        "  ELSIF left(s, 1) = '\"' THEN s := replace(btrim(s, '\"'), '\"\"', '\"');"
	        "  ELSE s := lower(s); END IF;"
	        "  EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', s);"
	        " END IF; END $$;"
	        "CREATE TABLE IF NOT EXISTS pws_log("
	        " kind bigint NOT NULL, key bytea NOT NULL, data bytea NOT NULL,"
	        " PRIMARY KEY(kind, key));"
	        "CREATE TABLE IF NOT EXISTS pws_meta(name text PRIMARY KEY, value text NOT NULL);"
	        "INSERT INTO pws_meta(name, value) VALUES ('schema_version', '1')"
	        " ON CONFLICT (name) DO NOTHING;"
	        "COMMIT";
	PGresult *res = PQexec(s->db, sql);
	char v[32], schema[CHANNEL_MAX + 1];
	long ver;
	int rc;

	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_fail(s, "creating the tables", res);
		PQclear(res);
		PQclear(PQexec(s->db, "ROLLBACK"));
		return PWS_ESTORAGE;
	}
	PQclear(res);
	rc = query_text(s, "SELECT value FROM pws_meta WHERE name = 'schema_version'", v, sizeof v);
	if (rc != PWS_OK)
		return rc;
	ver = strtol(v, NULL, 10);
	if (ver < 1 || ver > PWS_PG_SCHEMA_VERSION) {
		fmt_err(s->errmsg, sizeof s->errmsg,
		        "schema version '%s' is not supported (this adapter reads %d)", v,
		        PWS_PG_SCHEMA_VERSION);
		return PWS_ESTORAGE;
	}
	/* one channel per schema holding a log, so logs sharing a database
	 * do not wake each other's followers */
	rc = query_text(s, "SELECT current_schema()", schema, sizeof schema);
	if (rc != PWS_OK)
		return rc;
	if (strcmp(schema, "public") == 0 || !schema[0])
		snprintf(s->channel, sizeof s->channel, "pws_log");
	else
		snprintf(s->channel, sizeof s->channel, "pws_log.%.*s", CHANNEL_MAX - 8, schema);
	return PWS_OK;
}

PWS_EXTERN int pws_pg_storage_open(pws_storage_ops *ops, const char *conninfo,
                                   unsigned int flags)
{
	const unsigned int known = PWS_PG_NO_LISTEN;
	pg_store *s;
	int rc;

	open_errmsg[0] = 0;
	if (ops) {
		memset(ops, 0, sizeof *ops);
		ops->version = PWS_STORAGE_OPS_VERSION;
	}
	if (!ops || !conninfo || (flags & ~known)) {
		snprintf(open_errmsg, sizeof open_errmsg, "open: invalid argument");
		return PWS_EINVALID;
	}
	s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(open_errmsg, sizeof open_errmsg, "open: out of memory");
		return PWS_ENOMEM;
	}
	s->tag = adapter_tag;
	s->flags = flags;
	s->db = connect_quiet(s, conninfo, "connect");
	rc = s->db ? setup_schema(s) : PWS_ESTORAGE;
	if (rc == PWS_OK && !(flags & PWS_PG_NO_LISTEN)) {
		/* listening from the start: a commit made between the policy's
		 * first load and its first wait still wakes it */
		s->ldb = connect_quiet(s, conninfo, "connect (listening)");
		if (!s->ldb) {
			rc = PWS_ESTORAGE;
		} else if (pthread_mutex_init(&s->wait_lock, NULL) != 0) {
			PQfinish(s->ldb);
			s->ldb = NULL;
			fmt_err(s->errmsg, sizeof s->errmsg, "open: cannot create a mutex");
			rc = PWS_ESTORAGE;
		} else if (listen_start(s, s->ldb) != 0) {
			fmt_err(s->errmsg, sizeof s->errmsg, "LISTEN: %s", PQerrorMessage(s->ldb));
			rc = PWS_ESTORAGE;
		} else {
			s->listening = 1;
		}
	}
	if (rc != PWS_OK) {
		snprintf(open_errmsg, sizeof open_errmsg, "%s", s->errmsg);
		store_free(s);
		return rc;
	}
	s->errmsg[0] = 0;
	ops->ctx = s;
	ops->load = pg_load;
	ops->begin = pg_begin;
	ops->put = pg_put;
	ops->del = pg_del;
	ops->commit = pg_commit;
	ops->rollback = pg_rollback;
	ops->close = pg_close;
	ops->append = pg_append;
	ops->load_after = pg_load_after;
	ops->wait = s->ldb ? pg_wait : NULL;
	return PWS_OK;
}

PWS_EXTERN const char *pws_pg_storage_errmsg(const pws_storage_ops *ops)
{
	const pg_store *s;

	if (!ops)
		return "invalid argument";
	if (!ops->close && !ops->ctx && open_errmsg[0])
		return open_errmsg; /* the table a failed open reset */
	if (ops->close != pg_close || !ops->ctx)
		return "not a table of the PostgreSQL storage adapter";
	s = ops->ctx;
	return s->errmsg;
}
