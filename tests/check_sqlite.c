/*
 * Tests of the SQLite storage adapter (sqlite/sqlite-storage.c):
 *  a) the adapter's vtable called directly on a temporary file;
 *  b) a policy persisted through it and reopened (replay);
 *  c) crash consistency: a child mutating a policy is SIGKILLed at random
 *     points (120 times, PWS_SQLITE_KILLS) and the reopened store must hold
 *     exactly the committed calls.
 * Its own main; returns 77 (skip) when it cannot run.
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L

#include <partnerws-sqlite.h>

#include <check.h>
#include <sqlite3.h>

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* temporary directory                                                 */

static char tmp_dir[512];
static char db_path[600];

static void rm_store(const char *path)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	char f[700];
	size_t i;

	for (i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(f, sizeof f, "%s%s", path, suffix[i]);
		unlink(f);
	}
}

static void rm_all(void)
{
	char other[700];

	rm_store(db_path);
	snprintf(other, sizeof other, "%s/other.db", tmp_dir);
	rm_store(other);
	snprintf(other, sizeof other, "%s/garbage.db", tmp_dir);
	unlink(other);
}

/* Unchecked (runs in the runner process): the directory is removed even
 * when a test fails, which ends its forked process at once. */
static void dir_setup(void)
{
	const char *base = getenv("TMPDIR");

	if (!base || !*base)
		base = "/tmp";
	snprintf(tmp_dir, sizeof tmp_dir, "%s/pws-sqlite-XXXXXX", base);
	ck_assert_msg(mkdtemp(tmp_dir) != NULL, "mkdtemp(%s): %s", tmp_dir, strerror(errno));
	snprintf(db_path, sizeof db_path, "%s/policy.db", tmp_dir);
}

static void dir_teardown(void)
{
	rm_all();
	rmdir(tmp_dir);
}

/* Checked (before each test): fresh files. */
static void files_reset(void)
{
	rm_all();
}

static void add_fixtures(TCase *tc)
{
	tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_checked_fixture(tc, files_reset, NULL);
}

/* ------------------------------------------------------------------ */
/* a sink collecting records                                           */

#define MAX_RECS 64

typedef struct rec {
	uint32_t kind;
	char key[64];
	size_t key_len;
	char data[64];
	size_t data_len;
	int data_null;
} rec;

typedef struct collect {
	rec r[MAX_RECS];
	size_t n;
	size_t stop_after; /* 0: never */
	int stop_code;
} collect;

static int collect_sink(void *ctx, uint32_t kind, const char *key, size_t key_len,
                        const void *data, size_t data_len)
{
	collect *c = ctx;
	rec *r;

	if (c->stop_after && c->n == c->stop_after)
		return c->stop_code;
	ck_assert_uint_lt(c->n, MAX_RECS);
	ck_assert_uint_le(key_len, sizeof r->key);
	ck_assert_uint_le(data_len, sizeof r->data);
	r = &c->r[c->n++];
	r->kind = kind;
	r->key_len = key_len;
	memcpy(r->key, key, key_len);
	r->data_len = data_len;
	r->data_null = data == NULL;
	if (data_len)
		memcpy(r->data, data, data_len);
	return PWS_OK;
}

static void load_all(const pws_storage_ops *ops, collect *c)
{
	memset(c, 0, sizeof *c);
	ck_assert_int_eq(ops->load(ops->ctx, collect_sink, c), PWS_OK);
}

static int put_str(const pws_storage_ops *ops, uint32_t kind, const char *key, const char *data)
{
	return ops->put(ops->ctx, kind, key, strlen(key), data, strlen(data));
}

static int has_key(const collect *c, uint32_t kind, const char *key)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->r[i].kind == kind && c->r[i].key_len == strlen(key) &&
		    memcmp(c->r[i].key, key, c->r[i].key_len) == 0)
			return 1;
	return 0;
}

static void open_ok(pws_storage_ops *ops, const char *path, unsigned int flags)
{
	int rc = pws_sqlite_storage_open(ops, path, flags);

	ck_assert_msg(rc == PWS_OK, "open %s: %s", path, pws_strerror(rc));
	ck_assert_ptr_nonnull(ops->ctx);
	ck_assert_str_eq(pws_sqlite_storage_errmsg(ops), "");
}

/* A one-row query through SQLite itself, as text. */
static void sql_text(const char *path, const char *sql, char *out, size_t n)
{
	sqlite3 *db;
	sqlite3_stmt *q;

	out[0] = 0;
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK, "%s: %s", sql,
	              sqlite3_errmsg(db));
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(db);
}

static void sql_exec(const char *path, const char *sql)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK, "%s: %s", sql,
	              sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* ------------------------------------------------------------------ */
/* a) the adapter alone                                                */

START_TEST(test_bad_args)
{
	pws_storage_ops ops, other = PWS_STORAGE_OPS_INIT;
	char path[700];
	FILE *f;
	collect c;

	ck_assert_int_eq(pws_sqlite_storage_open(NULL, db_path, 0), PWS_EINVALID);
	ck_assert_int_eq(pws_sqlite_storage_open(&ops, NULL, 0), PWS_EINVALID);
	/* a failed open leaves an empty table that no policy accepts */
	ck_assert_ptr_null(ops.ctx);
	ck_assert(ops.close == NULL && ops.put == NULL && ops.load == NULL);
	ck_assert_uint_eq(ops.version, PWS_STORAGE_OPS_VERSION);
	ck_assert_int_eq(pws_sqlite_storage_open(&ops, db_path, 0x80u), PWS_EINVALID);
	/* no such directory */
	snprintf(path, sizeof path, "%s/no/such/dir.db", tmp_dir);
	ck_assert_int_eq(pws_sqlite_storage_open(&ops, path, 0), PWS_ESTORAGE);
	ck_assert_ptr_null(ops.ctx);
	/* read-only needs an existing store */
	ck_assert_int_eq(pws_sqlite_storage_open(&ops, db_path, PWS_SQLITE_READONLY),
	                 PWS_ESTORAGE);
	/* an in-memory database cannot be in WAL mode */
	ck_assert_int_eq(pws_sqlite_storage_open(&ops, ":memory:", 0), PWS_ESTORAGE);
	/* not a database */
	snprintf(path, sizeof path, "%s/garbage.db", tmp_dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("this is not a SQLite database, not at all; just some text.\n", f);
	fclose(f);
	ck_assert_int_eq(pws_sqlite_storage_open(&ops, path, 0), PWS_ESTORAGE);
	ck_assert_ptr_null(ops.ctx);

	ck_assert_ptr_nonnull(pws_sqlite_storage_errmsg(NULL));
	ck_assert_str_ne(pws_sqlite_storage_errmsg(&other), "");

	/* the methods refuse bad arguments */
	open_ok(&ops, db_path, 0);
	ck_assert_int_eq(ops.load(NULL, collect_sink, &c), PWS_EINVALID);
	ck_assert_int_eq(ops.load(ops.ctx, NULL, &c), PWS_EINVALID);
	ck_assert_int_eq(ops.begin(NULL), PWS_EINVALID);
	ck_assert_int_eq(ops.put(NULL, 1, "k", 1, "d", 1), PWS_EINVALID);
	ck_assert_int_eq(ops.put(ops.ctx, 1, NULL, 1, "d", 1), PWS_EINVALID);
	ck_assert_int_eq(ops.put(ops.ctx, 1, "k", 1, NULL, 1), PWS_EINVALID);
	ck_assert_int_eq(ops.del(NULL, 1, "k", 1), PWS_EINVALID);
	ck_assert_int_eq(ops.del(ops.ctx, 1, NULL, 1), PWS_EINVALID);
	ck_assert_int_eq(ops.commit(NULL), PWS_EINVALID);
	ck_assert_int_eq(ops.rollback(NULL), PWS_EINVALID);
	ops.close(NULL); /* harmless */
	/* SQLite errors come back as PWS_ESTORAGE with a message */
	ck_assert_int_eq(ops.commit(ops.ctx), PWS_ESTORAGE);
	ck_assert_str_ne(pws_sqlite_storage_errmsg(&ops), "");
	ck_assert_int_eq(ops.begin(ops.ctx), PWS_OK);
	ck_assert_int_eq(ops.begin(ops.ctx), PWS_ESTORAGE); /* nested */
	ck_assert_int_eq(ops.rollback(ops.ctx), PWS_OK);
	ck_assert_int_eq(ops.rollback(ops.ctx), PWS_OK); /* nothing open: a no-op */
	ops.close(ops.ctx);
}
END_TEST

START_TEST(test_put_commit_load_order)
{
	pws_storage_ops ops;
	collect c;
	/* inserted out of order; bytewise order is the expected one */
	static const char *const keys[] = {"0000000000000003", "b", "0000000000000001", "ab",
	                                   "\xff", "abc", "0000000000000002", "a"};
	static const char *const sorted[] = {"0000000000000001", "0000000000000002",
	                                     "0000000000000003", "a", "ab", "abc", "ac", "b",
	                                     "\xff"};
	size_t i;

	open_ok(&ops, db_path, 0);
	load_all(&ops, &c);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_int_eq(ops.begin(ops.ctx), PWS_OK);
	for (i = 0; i < 8; i++)
		ck_assert_int_eq(put_str(&ops, PWS_RECORD_OP, keys[i], keys[i]), PWS_OK);
	/* a stored record is never overwritten, by put or append: a conflict,
	 * and the change set goes on */
	ck_assert_int_eq(ops.put(ops.ctx, PWS_RECORD_OP, "ab", 2, NULL, 0), PWS_ECONFLICT);
	ck_assert_str_ne(pws_sqlite_storage_errmsg(&ops), "");
	ck_assert_int_eq(ops.append(ops.ctx, PWS_RECORD_OP, "abc", 3, "second", 6),
	                 PWS_ECONFLICT);
	/* an empty data */
	ck_assert_int_eq(ops.append(ops.ctx, PWS_RECORD_OP, "ac", 2, NULL, 0), PWS_OK);
	ck_assert_int_eq(ops.commit(ops.ctx), PWS_OK);

	load_all(&ops, &c);
	ck_assert_uint_eq(c.n, 9);
	for (i = 0; i < 9; i++) {
		ck_assert_uint_eq(c.r[i].kind, PWS_RECORD_OP);
		ck_assert_uint_eq(c.r[i].key_len, strlen(sorted[i]));
		ck_assert(memcmp(c.r[i].key, sorted[i], c.r[i].key_len) == 0);
		ck_assert(!c.r[i].data_null);
	}
	ck_assert_uint_eq(c.r[4].data_len, 2); /* kept: "ab" */
	ck_assert_uint_eq(c.r[5].data_len, 3);
	ck_assert(memcmp(c.r[5].data, "abc", 3) == 0);
	ck_assert_uint_eq(c.r[6].data_len, 0);
	ck_assert(memcmp(c.r[0].data, sorted[0], 16) == 0);

	/* records of another kind merge in by key (then kind) */
	ck_assert_int_eq(put_str(&ops, 7, "0000000000000002", "seven"), PWS_OK); /* autocommit */
	ck_assert_int_eq(put_str(&ops, 7, "aa", "seven"), PWS_OK);
	load_all(&ops, &c);
	ck_assert_uint_eq(c.n, 11);
	ck_assert(c.r[1].kind == PWS_RECORD_OP && memcmp(c.r[1].key, "0000000000000002", 16) == 0);
	ck_assert(c.r[2].kind == 7 && memcmp(c.r[2].key, "0000000000000002", 16) == 0);
	ck_assert(c.r[5].kind == 7 && c.r[5].key_len == 2 && memcmp(c.r[5].key, "aa", 2) == 0);
	ck_assert(c.r[10].kind == PWS_RECORD_OP && c.r[10].key[0] == '\xff');

	/* del */
	ck_assert_int_eq(ops.begin(ops.ctx), PWS_OK);
	ck_assert_int_eq(ops.del(ops.ctx, 7, "aa", 2), PWS_OK);
	ck_assert_int_eq(ops.del(ops.ctx, 7, "nope", 4), PWS_OK); /* absent: fine */
	ck_assert_int_eq(ops.commit(ops.ctx), PWS_OK);
	load_all(&ops, &c);
	ck_assert_uint_eq(c.n, 10);
	ck_assert(!has_key(&c, 7, "aa") && has_key(&c, 7, "0000000000000002"));
	ops.close(ops.ctx);
}
END_TEST

START_TEST(test_rollback_discards)
{
	pws_storage_ops ops;
	collect c;

	open_ok(&ops, db_path, 0);
	ck_assert_int_eq(ops.begin(ops.ctx), PWS_OK);
	ck_assert_int_eq(put_str(&ops, 1, "0000000000000001", "kept"), PWS_OK);
	ck_assert_int_eq(ops.commit(ops.ctx), PWS_OK);
	ck_assert_int_eq(ops.begin(ops.ctx), PWS_OK);
	ck_assert_int_eq(put_str(&ops, 1, "0000000000000002", "dropped"), PWS_OK);
	ck_assert_int_eq(put_str(&ops, 1, "0000000000000001", "overwritten"), PWS_ECONFLICT);
	ck_assert_int_eq(ops.del(ops.ctx, 1, "0000000000000001", 16), PWS_OK);
	ck_assert_int_eq(ops.rollback(ops.ctx), PWS_OK);
	load_all(&ops, &c);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_uint_eq(c.r[0].data_len, 4);
	ck_assert(memcmp(c.r[0].data, "kept", 4) == 0);
	/* usable after a rollback */
	ck_assert_int_eq(ops.begin(ops.ctx), PWS_OK);
	ck_assert_int_eq(put_str(&ops, 1, "0000000000000002", "two"), PWS_OK);
	ck_assert_int_eq(ops.commit(ops.ctx), PWS_OK);
	load_all(&ops, &c);
	ck_assert_uint_eq(c.n, 2);
	ops.close(ops.ctx);
}
END_TEST

START_TEST(test_reopen_committed_only)
{
	pws_storage_ops ops;
	collect c;

	open_ok(&ops, db_path, 0);
	ck_assert_int_eq(ops.begin(ops.ctx), PWS_OK);
	ck_assert_int_eq(put_str(&ops, 1, "0000000000000001", "one"), PWS_OK);
	ck_assert_int_eq(put_str(&ops, 1, "0000000000000002", "two"), PWS_OK);
	ck_assert_int_eq(ops.commit(ops.ctx), PWS_OK);
	/* left open at close: discarded */
	ck_assert_int_eq(ops.begin(ops.ctx), PWS_OK);
	ck_assert_int_eq(put_str(&ops, 1, "0000000000000003", "three"), PWS_OK);
	ops.close(ops.ctx);

	open_ok(&ops, db_path, 0);
	load_all(&ops, &c);
	ck_assert_uint_eq(c.n, 2);
	ck_assert(has_key(&c, 1, "0000000000000001") && has_key(&c, 1, "0000000000000002"));
	ck_assert(!has_key(&c, 1, "0000000000000003"));
	ops.close(ops.ctx);
}
END_TEST

START_TEST(test_sink_stops_load)
{
	pws_storage_ops ops;
	collect c;
	char key[17];
	int i;

	open_ok(&ops, db_path, 0);
	ck_assert_int_eq(ops.begin(ops.ctx), PWS_OK);
	for (i = 1; i <= 5; i++) {
		snprintf(key, sizeof key, "%016x", i);
		ck_assert_int_eq(put_str(&ops, 1, key, "x"), PWS_OK);
	}
	ck_assert_int_eq(ops.commit(ops.ctx), PWS_OK);
	memset(&c, 0, sizeof c);
	c.stop_after = 2;
	c.stop_code = PWS_EUSER;
	ck_assert_int_eq(ops.load(ops.ctx, collect_sink, &c), PWS_EUSER);
	ck_assert_uint_eq(c.n, 2);
	c.n = 0;
	c.stop_after = 3;
	c.stop_code = 42; /* any non-zero value comes back unchanged */
	ck_assert_int_eq(ops.load(ops.ctx, collect_sink, &c), 42);
	/* the read transaction ended: writes work */
	ck_assert_int_eq(ops.begin(ops.ctx), PWS_OK);
	ck_assert_int_eq(put_str(&ops, 1, "0000000000000006", "x"), PWS_OK);
	ck_assert_int_eq(ops.commit(ops.ctx), PWS_OK);
	load_all(&ops, &c);
	ck_assert_uint_eq(c.n, 6);
	ops.close(ops.ctx);
}
END_TEST

START_TEST(test_second_handle)
{
	pws_storage_ops a, b, ro;
	collect c;

	open_ok(&a, db_path, 0);
	ck_assert_int_eq(a.begin(a.ctx), PWS_OK);
	ck_assert_int_eq(put_str(&a, 1, "0000000000000001", "one"), PWS_OK);
	ck_assert_int_eq(a.commit(a.ctx), PWS_OK);

	open_ok(&b, db_path, PWS_SQLITE_SYNC_NORMAL);
	open_ok(&ro, db_path, PWS_SQLITE_READONLY);
	load_all(&b, &c);
	ck_assert_uint_eq(c.n, 1);
	/* an open change set of A is invisible to the others */
	ck_assert_int_eq(a.begin(a.ctx), PWS_OK);
	ck_assert_int_eq(put_str(&a, 1, "0000000000000002", "two"), PWS_OK);
	load_all(&b, &c);
	ck_assert_uint_eq(c.n, 1);
	load_all(&ro, &c);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_int_eq(a.commit(a.ctx), PWS_OK);
	load_all(&b, &c);
	ck_assert_uint_eq(c.n, 2);
	load_all(&ro, &c);
	ck_assert_uint_eq(c.n, 2);

	/* the read-only handle refuses writes, with a message */
	ck_assert_int_eq(ro.begin(ro.ctx), PWS_ESTORAGE);
	ck_assert_str_ne(pws_sqlite_storage_errmsg(&ro), "");
	ck_assert_int_eq(put_str(&ro, 1, "0000000000000009", "x"), PWS_ESTORAGE);
	ck_assert_int_eq(ro.del(ro.ctx, 1, "0000000000000001", 16), PWS_ESTORAGE);
	ck_assert_int_eq(ro.commit(ro.ctx), PWS_ESTORAGE);
	ck_assert_int_eq(ro.rollback(ro.ctx), PWS_OK);

	/* B writes once A is done */
	ck_assert_int_eq(b.begin(b.ctx), PWS_OK);
	ck_assert_int_eq(put_str(&b, 1, "0000000000000003", "three"), PWS_OK);
	ck_assert_int_eq(b.commit(b.ctx), PWS_OK);
	load_all(&a, &c);
	ck_assert_uint_eq(c.n, 3);
	a.close(a.ctx);
	b.close(b.ctx);
	ro.close(ro.ctx);
}
END_TEST

/* Version 2: append never overwrites (a second writer of a revision gets
 * PWS_ECONFLICT), load_after reads the operations after a key in order,
 * wait wakes when another connection commits and times out otherwise. */
START_TEST(test_append_load_after_wait)
{
	pws_storage_ops a, b;
	collect c;

	open_ok(&a, db_path, 0);
	open_ok(&b, db_path, 0);
	ck_assert_uint_eq(a.version, 2);
	ck_assert(a.append && a.load_after && a.wait);
	ck_assert_int_eq(a.begin(a.ctx), PWS_OK);
	ck_assert_int_eq(a.append(a.ctx, 1, "0000000000000001", 16, "one", 3), PWS_OK);
	ck_assert_int_eq(a.append(a.ctx, 1, "0000000000000002", 16, "two", 3), PWS_OK);
	ck_assert_int_eq(a.commit(a.ctx), PWS_OK);
	/* B raced for revision 2: refused, nothing overwritten */
	ck_assert_int_eq(b.begin(b.ctx), PWS_OK);
	ck_assert_int_eq(b.append(b.ctx, 1, "0000000000000002", 16, "TWO", 3), PWS_ECONFLICT);
	ck_assert_int_eq(b.rollback(b.ctx), PWS_OK);
	ck_assert_int_eq(b.append(b.ctx, 7, "0000000000000003", 16, "other", 5), PWS_OK);
	ck_assert_int_eq(b.append(b.ctx, 1, "0000000000000003", 16, "three", 5), PWS_OK);

	memset(&c, 0, sizeof c);
	ck_assert_int_eq(a.load_after(a.ctx, "", 0, collect_sink, &c), PWS_OK);
	ck_assert_uint_eq(c.n, 3); /* kind 1 only */
	ck_assert(memcmp(c.r[1].data, "two", 3) == 0);
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(a.load_after(a.ctx, "0000000000000001", 16, collect_sink, &c), PWS_OK);
	ck_assert_uint_eq(c.n, 2);
	ck_assert(c.r[0].kind == 1 && memcmp(c.r[0].key, "0000000000000002", 16) == 0);
	ck_assert(memcmp(c.r[1].key, "0000000000000003", 16) == 0);
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(a.load_after(a.ctx, "0000000000000003", 16, collect_sink, &c), PWS_OK);
	ck_assert_uint_eq(c.n, 0);
	memset(&c, 0, sizeof c);
	c.stop_after = 1;
	c.stop_code = PWS_ENOMEM;
	ck_assert_int_eq(a.load_after(a.ctx, "", 0, collect_sink, &c), PWS_ENOMEM);
	ck_assert_int_eq(a.load_after(NULL, "", 0, collect_sink, &c), PWS_EINVALID);
	ck_assert_int_eq(a.load_after(a.ctx, "", 0, NULL, &c), PWS_EINVALID);

	/* B's commits since A's wait connection last looked: a change at once */
	ck_assert_int_eq(a.wait(a.ctx, 0), PWS_OK);
	/* nothing new: a timeout, after about the time asked */
	ck_assert_int_eq(a.wait(a.ctx, 0), PWS_ETIMEOUT);
	ck_assert_int_eq(a.wait(a.ctx, 20), PWS_ETIMEOUT);
	ck_assert_int_eq(b.append(b.ctx, 1, "0000000000000004", 16, "four", 4), PWS_OK);
	ck_assert_int_eq(a.wait(a.ctx, 5000), PWS_OK);
	ck_assert_int_eq(a.wait(a.ctx, 0), PWS_ETIMEOUT);
	ck_assert_int_eq(a.wait(NULL, 0), PWS_EINVALID);
	ck_assert_int_eq(a.wait(a.ctx, -1), PWS_EINVALID);
	a.close(a.ctx);
	b.close(b.ctx);
}
END_TEST

START_TEST(test_wal_and_schema)
{
	pws_storage_ops ops;
	char v[64];

	open_ok(&ops, db_path, 0);
	sql_text(db_path, "PRAGMA journal_mode", v, sizeof v);
	ck_assert_str_eq(v, "wal");
	sql_text(db_path, "SELECT value FROM pws_meta WHERE name = 'schema_version'", v, sizeof v);
	ck_assert_str_eq(v, "1");
	sql_text(db_path,
	         "SELECT group_concat(name || ':' || type || ':' || \"notnull\" || ':' || pk, ',')"
	         " FROM pragma_table_info('pws_records')",
	         v, sizeof v);
	ck_assert_str_eq(v, "kind:INTEGER:1:1,key:BLOB:1:2,data:BLOB:1:0");
	ck_assert_int_eq(put_str(&ops, 1, "0000000000000001", "x"), PWS_OK);
	sql_text(db_path, "SELECT typeof(key) || typeof(data) FROM pws_records", v, sizeof v);
	ck_assert_str_eq(v, "blobblob");
	ops.close(ops.ctx);

	/* reopening keeps everything; a newer schema is refused */
	open_ok(&ops, db_path, 0);
	ops.close(ops.ctx);
	sql_exec(db_path, "UPDATE pws_meta SET value = 2 WHERE name = 'schema_version'");
	ck_assert_int_eq(pws_sqlite_storage_open(&ops, db_path, 0), PWS_ESTORAGE);
	ck_assert_int_eq(pws_sqlite_storage_open(&ops, db_path, PWS_SQLITE_READONLY),
	                 PWS_ESTORAGE);
	sql_exec(db_path, "UPDATE pws_meta SET value = 1 WHERE name = 'schema_version'");
	open_ok(&ops, db_path, PWS_SQLITE_READONLY);
	ops.close(ops.ctx);
}
END_TEST

static Suite *adapter_suite(void)
{
	Suite *s = suite_create("sqlite-adapter");
	TCase *tc = tcase_create("vtable");

	add_fixtures(tc);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_bad_args);
	tcase_add_test(tc, test_put_commit_load_order);
	tcase_add_test(tc, test_rollback_discards);
	tcase_add_test(tc, test_reopen_committed_only);
	tcase_add_test(tc, test_sink_stops_load);
	tcase_add_test(tc, test_second_handle);
	tcase_add_test(tc, test_append_load_after_wait);
	tcase_add_test(tc, test_wal_and_schema);
	suite_add_tcase(s, tc);
	return s;
}

/* ------------------------------------------------------------------ */
/* b) a policy through the adapter                                     */

#define OK(call) ck_assert_msg((call) == PWS_OK, "%s failed", #call)

/* Opens a policy on the file; *ops_out keeps the table (for errmsg). */
static int policy_open(pws_policy **p, pws_storage_ops *ops_out, const char *path,
                       unsigned int flags)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops ops;
	int rc = pws_sqlite_storage_open(&ops, path, flags);

	*p = NULL;
	if (rc != PWS_OK)
		return rc;
	o.storage = &ops;
	rc = pws_policy_new(p, &o);
	if (rc != PWS_OK)
		ops.close(ops.ctx); /* not taken by the policy */
	else if (ops_out)
		*ops_out = ops;
	return rc;
}

static pws_policy *policy_open_ok(const char *path, unsigned int flags)
{
	pws_policy *p;
	pws_storage_ops ops;
	int rc = policy_open(&p, &ops, path, flags);

	ck_assert_msg(rc == PWS_OK, "opening the policy on %s: %s", path, pws_strerror(rc));
	return p;
}

static uint64_t digest_of(const pws_policy *p)
{
	uint64_t d = 0;

	OK(pws_policy_digest(p, &d));
	return d;
}

static long sql_count(const char *path)
{
	char v[32];

	sql_text(path, "SELECT count(*) FROM pws_records", v, sizeof v);
	return strtol(v, NULL, 10);
}

/* Counts the successful mutations of the scenario. */
static long n_ok;

#define MUT(call)                                                                  \
	do {                                                                       \
		int mut_rc_ = (call);                                              \
		ck_assert_msg(mut_rc_ == PWS_OK, "%s: %s", #call,                 \
		              pws_strerror(mut_rc_));                              \
		n_ok++;                                                            \
	} while (0)

static void scenario(pws_policy *p)
{
	char id[32], email[64];
	int i;

	MUT(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, NULL));
	MUT(pws_team_add_domain(p, "pub", "pub.com", NULL));
	MUT(pws_team_add(p, "acme", "Acme", PWS_PLAN_PROFESSIONAL, 1, NULL));
	MUT(pws_team_add_domain(p, "acme", "acme.example", NULL));
	MUT(pws_team_add(p, "globex", "Globex", PWS_PLAN_PROFESSIONAL, 0, NULL));
	MUT(pws_team_add_domain(p, "globex", "globex.example", NULL));
	MUT(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_ADMIN, 1, NULL));
	MUT(pws_user_add(p, "sa", "sa@pub.com", "pub", PWS_TEAM_SUPER_ADMIN, 0, NULL));
	for (i = 0; i < 6; i++) {
		snprintf(id, sizeof id, "u%d", i);
		snprintf(email, sizeof email, "u%d@pub.com", i);
		MUT(pws_user_add(p, id, email, "pub", PWS_TEAM_MEMBER, 0, NULL));
		snprintf(id, sizeof id, "a%d", i);
		snprintf(email, sizeof email, "a%d@acme.example", i);
		MUT(pws_user_add(p, id, email, "acme", PWS_TEAM_MEMBER, 0, NULL));
		snprintf(id, sizeof id, "g%d", i);
		snprintf(email, sizeof email, "g%d@globex.example", i);
		MUT(pws_user_add(p, id, email, "globex", PWS_TEAM_MEMBER, 0, NULL));
	}
	MUT(pws_workspace_create(p, "pm", "ws1", "Partner one", PWS_VIS_PARTNER, NULL, NULL));
	MUT(pws_workspace_create(p, "pm", "ws2", "Partner two", PWS_VIS_PARTNER, NULL, NULL));
	MUT(pws_workspace_create(p, "u0", "team1", "Team", PWS_VIS_TEAM, NULL, NULL));
	MUT(pws_workspace_set_details(p, "pm", "ws1", NULL, "summary", "# Desc", NULL));
	for (i = 0; i < 4; i++) {
		snprintf(email, sizeof email, "u%d@pub.com", i);
		snprintf(id, sizeof id, "u%d", i);
		MUT(pws_invite(p, "pm", "ws1", email, PWS_INVITE_MEMBER,
		               i == 0 ? PWS_ROLE_EDITOR : PWS_ROLE_VIEWER, 0, NULL));
		MUT(pws_invite_accept(p, id, "ws1", NULL, NULL));
	}
	for (i = 0; i < 3; i++) {
		snprintf(email, sizeof email, "a%d@acme.example", i);
		snprintf(id, sizeof id, "a%d", i);
		MUT(pws_invite(p, "pm", "ws1", email, PWS_INVITE_PARTNER,
		               i == 0 ? PWS_ROLE_EDITOR : PWS_ROLE_VIEWER, i == 0, NULL));
		MUT(pws_invite_accept(p, id, "ws1", NULL, NULL));
		snprintf(email, sizeof email, "g%d@globex.example", i);
		snprintf(id, sizeof id, "g%d", i);
		MUT(pws_invite(p, "pm", "ws2", email, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
		               NULL));
		MUT(pws_invite_accept(p, id, "ws2", NULL, NULL));
	}
	/* an open invite, never accepted */
	MUT(pws_invite(p, "pm", "ws1", "a5@acme.example", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
	               NULL));
	MUT(pws_member_set_role(p, "pm", "ws1", "u1", PWS_ROLE_EDITOR, NULL));
	MUT(pws_member_set_role(p, "pm", "ws1", "a1", PWS_ROLE_EDITOR, NULL));
	MUT(pws_element_add(p, "pm", "ws1", "col1", PWS_EL_COLLECTION, 1000, NULL, NULL));
	MUT(pws_element_add(p, "u0", "ws1", "env1", PWS_EL_ENVIRONMENT, 10, NULL, NULL));
	MUT(pws_element_add(p, "pm", "ws1", "mon1", PWS_EL_MONITOR, 0, "col1", NULL));
	MUT(pws_element_add(p, "pm", "ws2", "api2", PWS_EL_API, 0, NULL, NULL));
	MUT(pws_update_post(p, "pm", "ws1", "up1", "Hello partners", 1700000000, NULL));
	MUT(pws_update_reply(p, "a0", "up1", "re1", "Hi", 1700000100, NULL));
	MUT(pws_workspace_visit(p, "a1", "ws1", NULL));
	MUT(pws_workspace_enable_multi_partner(p, "pm", "ws2", NULL));
	MUT(pws_member_remove(p, "pm", "ws2", "g2", NULL));
}

typedef struct probe {
	const char *actor;
	int action;
	const char *ws, *el;
} probe;

static const probe probes[] = {
	{"a0", PWS_ACT_VIEW, "ws1", NULL},          {"a0", PWS_ACT_EDIT, "ws1", "col1"},
	{"a2", PWS_ACT_EDIT, "ws1", "col1"},        {"a0", PWS_ACT_INVITE_PARTNER, "ws1", NULL},
	{"g0", PWS_ACT_VIEW, "ws1", NULL},          {"g0", PWS_ACT_VIEW, "ws2", NULL},
	{"g2", PWS_ACT_VIEW, "ws2", NULL},          {"u1", PWS_ACT_EDIT, "ws1", "env1"},
	{"u3", PWS_ACT_EDIT, "ws1", "env1"},        {"pm", PWS_ACT_DELETE_WORKSPACE, "ws1", NULL},
	{"u0", PWS_ACT_INTEGRATION, "team1", NULL}, {"a1", PWS_ACT_COMMENT, "ws1", "col1"},
	{"g1", PWS_ACT_COMMENT, "ws2", "api2"},     {"u2", PWS_ACT_POST_UPDATE, "ws1", NULL},
	{"u5", PWS_ACT_VIEW, "ws1", NULL},          {"a5", PWS_ACT_VIEW, "ws1", NULL},
};
#define N_PROBES (sizeof probes / sizeof probes[0])

typedef struct decision {
	int rc, allowed, rule;
} decision;

static void decide_all(const pws_policy *p, decision *d)
{
	size_t i;

	for (i = 0; i < N_PROBES; i++) {
		d[i].allowed = -1;
		d[i].rule = -1;
		d[i].rc = pws_check(p, &d[i].allowed, &d[i].rule, probes[i].actor, probes[i].action,
		                    probes[i].ws, probes[i].el);
	}
}

/* The same answer to every probe, rule included. */
static void same_decisions(const decision *before, const decision *after)
{
	size_t i;

	for (i = 0; i < N_PROBES; i++) {
		ck_assert_int_eq(after[i].rc, before[i].rc);
		ck_assert_int_eq(after[i].allowed, before[i].allowed);
		ck_assert_int_eq(after[i].rule, before[i].rule);
	}
}

/* Every record is a PWS_RECORD_OP with a 16-hex-digit key, numbered
 * without a gap, and format byte 2 (a CRC-32C trailer). */
static void check_record_shape(const char *path, long expected)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	long n = 0;
	unsigned long long prev = 0;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT kind, key, data FROM pws_records"
	                                        " ORDER BY key", -1, &q, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *k = sqlite3_column_blob(q, 1);
		const unsigned char *d = sqlite3_column_blob(q, 2);
		char key[17];
		unsigned long long seq;
		int i;

		ck_assert_int_eq(sqlite3_column_int(q, 0), PWS_RECORD_OP);
		ck_assert_int_eq(sqlite3_column_bytes(q, 1), 16);
		memcpy(key, k, 16);
		key[16] = 0;
		for (i = 0; i < 16; i++)
			ck_assert_msg((key[i] >= '0' && key[i] <= '9') || (key[i] >= 'a' && key[i] <= 'f'),
			              "key %s is not lowercase hex", key);
		seq = strtoull(key, NULL, 16);
		if (n > 0)
			ck_assert_msg(seq == prev + 1, "sequence gap: %llu after %llu", seq, prev);
		prev = seq;
		ck_assert_int_ge(sqlite3_column_bytes(q, 2), 6 + 4);
		ck_assert_int_eq(d[0], 2);
		n++;
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	ck_assert_int_eq(n, expected);
}

START_TEST(test_policy_roundtrip)
{
	pws_policy *p;
	uint64_t d1, d2, d3;
	decision before[N_PROBES], after[N_PROBES];
	size_t i;
	int allowed_seen = 0, denied_seen = 0;

	n_ok = 0;
	p = policy_open_ok(db_path, 0);
	ck_assert_uint_eq(digest_of(p), digest_of(p));
	scenario(p);
	d1 = digest_of(p);
	decide_all(p, before);
	for (i = 0; i < N_PROBES; i++) {
		ck_assert_msg(before[i].rc == PWS_OK, "probe %zu: %s", i, pws_strerror(before[i].rc));
		allowed_seen |= before[i].allowed == 1;
		denied_seen |= before[i].allowed == 0;
	}
	ck_assert(allowed_seen && denied_seen);
	pws_policy_free(p); /* closes the adapter */

	ck_assert_int_eq(sql_count(db_path), n_ok);
	check_record_shape(db_path, n_ok);

	p = policy_open_ok(db_path, 0);
	d2 = digest_of(p);
	ck_assert_msg(d1 == d2, "digest %016" PRIx64 " after reopening, %016" PRIx64 " before",
	              d2, d1);
	decide_all(p, after);
	same_decisions(before, after);

	/* more calls after a replay continue the sequence: nothing is
	 * overwritten */
	MUT(pws_team_add(p, "initech", "Initech", PWS_PLAN_BASIC, 0, NULL));
	MUT(pws_element_add(p, "pm", "ws1", "col2", PWS_EL_COLLECTION, 5, NULL, NULL));
	d3 = digest_of(p);
	ck_assert_uint_ne(d3, d2);
	pws_policy_free(p);
	ck_assert_int_eq(sql_count(db_path), n_ok);
	check_record_shape(db_path, n_ok);
	p = policy_open_ok(db_path, PWS_SQLITE_SYNC_NORMAL);
	ck_assert_uint_eq(digest_of(p), d3);
	pws_policy_free(p);
}
END_TEST

/* pws_compact through the adapter: one transaction puts the image and
 * deletes the log; the file then holds one record and reopens to the
 * same state and decisions; calls after it continue the sequence. */
START_TEST(test_policy_compact)
{
	pws_policy *p;
	uint64_t d1, d2;
	decision before[N_PROBES], after[N_PROBES];

	n_ok = 0;
	p = policy_open_ok(db_path, 0);
	scenario(p);
	d1 = digest_of(p);
	decide_all(p, before);
	ck_assert_int_gt(sql_count(db_path), 1);
	ck_assert_int_eq(pws_compact(p, NULL), PWS_OK);
	ck_assert_int_eq(sql_count(db_path), 1);
	ck_assert_uint_eq(digest_of(p), d1);
	pws_policy_free(p);

	p = policy_open_ok(db_path, 0);
	d2 = digest_of(p);
	ck_assert_msg(d1 == d2, "digest %016" PRIx64 " after compacting, %016" PRIx64 " before",
	              d2, d1);
	decide_all(p, after);
	same_decisions(before, after);
	ck_assert_int_eq(pws_team_add(p, "initech", "Initech", PWS_PLAN_BASIC, 0, NULL), PWS_OK);
	d1 = digest_of(p);
	pws_policy_free(p);
	ck_assert_int_eq(sql_count(db_path), 2);
	p = policy_open_ok(db_path, PWS_SQLITE_SYNC_NORMAL);
	ck_assert_uint_eq(digest_of(p), d1);
	pws_policy_free(p);
}
END_TEST

START_TEST(test_policy_failed_calls_write_nothing)
{
	pws_policy *p;
	pws_result res = PWS_RESULT_INIT;
	uint64_t d;
	long n;

	n_ok = 0;
	p = policy_open_ok(db_path, 0);
	scenario(p);
	d = digest_of(p);
	n = sql_count(db_path);
	ck_assert_int_eq(n, n_ok);
	/* refused, unknown, duplicate */
	ck_assert_int_eq(pws_invite(p, "a2", "ws1", "a4@acme.example", PWS_INVITE_PARTNER,
	                            PWS_ROLE_VIEWER, 0, &res),
	                 PWS_EDENIED);
	ck_assert_int_eq(pws_team_add(p, "pub", "again", PWS_PLAN_FREE, 0, NULL), PWS_EEXISTS);
	ck_assert_int_eq(pws_member_set_role(p, "pm", "nope", "u1", PWS_ROLE_ADMIN, NULL),
	                 PWS_ENOTFOUND);
	ck_assert_int_eq(pws_user_add(p, "bad", "not-an-email", "pub", 1, 0, NULL), PWS_EINVALID);
	ck_assert_uint_eq(digest_of(p), d);
	ck_assert_int_eq(sql_count(db_path), n);
	pws_policy_free(p);

	/* a read-only store loads, and every mutation fails with
	 * PWS_ESTORAGE, changing nothing */
	{
		pws_storage_ops ops;

		ck_assert_int_eq(policy_open(&p, &ops, db_path, PWS_SQLITE_READONLY), PWS_OK);
		ck_assert_uint_eq(digest_of(p), d);
		ck_assert_int_eq(pws_team_add(p, "initech", "Initech", PWS_PLAN_BASIC, 0, &res),
		                 PWS_ESTORAGE);
		ck_assert_int_eq(res.code, PWS_ESTORAGE);
		ck_assert_str_ne(pws_sqlite_storage_errmsg(&ops), "");
		ck_assert_int_eq(pws_element_add(p, "pm", "ws1", "colX", PWS_EL_COLLECTION, 5, NULL,
		                                 NULL),
		                 PWS_ESTORAGE);
		ck_assert_uint_eq(digest_of(p), d);
		pws_policy_free(p);
	}
	ck_assert_int_eq(sql_count(db_path), n);
	p = policy_open_ok(db_path, 0);
	ck_assert_uint_eq(digest_of(p), d);
	pws_policy_free(p);
}
END_TEST

/* A host wrapper around the adapter counting close calls. */
static pws_storage_ops inner;
static int closes;

static void counting_close(void *ctx)
{
	closes++;
	inner.close(ctx);
}

/* Two handles on one file: B is behind when A compacts. pws_compact()
 * deletes the records before its image, so B's next revision is absent
 * again; B's call must still see the conflict, catch up through the
 * image and be decided again, never take a revision that was taken. */
START_TEST(test_policy_stale_writer_after_compaction)
{
	pws_policy *a = policy_open_ok(db_path, 0), *b = policy_open_ok(db_path, 0), *c;
	uint64_t ra, rb;

	ck_assert_int_eq(pws_team_add(a, "t", "T", PWS_PLAN_ENTERPRISE, 0, NULL), PWS_OK);
	ck_assert_int_eq(pws_team_add(a, "u", "U", PWS_PLAN_ENTERPRISE, 0, NULL), PWS_OK);
	ck_assert_int_eq(pws_compact(a, NULL), PWS_OK); /* deletes revisions 1 and 2 */
	ck_assert_int_eq(pws_policy_revision(a, &ra), PWS_OK);
	ck_assert_uint_eq(ra, 3);
	/* B is at revision 0: it decides on the empty state, appends 1 (free
	 * again), finds the image after it, catches up and decides again */
	ck_assert_int_eq(pws_team_add(b, "t", "T", PWS_PLAN_ENTERPRISE, 0, NULL), PWS_EEXISTS);
	ck_assert_int_eq(pws_team_add(b, "v", "V", PWS_PLAN_ENTERPRISE, 0, NULL), PWS_OK);
	ck_assert_int_eq(pws_policy_revision(b, &rb), PWS_OK);
	ck_assert_uint_eq(rb, 4);
	ck_assert_int_eq(pws_policy_sync(a, &ra), PWS_OK);
	ck_assert_uint_eq(ra, 4);
	c = policy_open_ok(db_path, 0);
	ck_assert_uint_eq(digest_of(a), digest_of(c));
	ck_assert_uint_eq(digest_of(b), digest_of(c));
	pws_policy_free(a);
	pws_policy_free(b);
	pws_policy_free(c);
}
END_TEST

START_TEST(test_policy_bad_store)
{
	pws_policy *p = NULL;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops ops;
	uint64_t d;
	int rc;

	n_ok = 0;
	p = policy_open_ok(db_path, 0);
	scenario(p);
	d = digest_of(p);
	pws_policy_free(p);

	/* a record the core cannot decode */
	sql_exec(db_path, "INSERT INTO pws_records VALUES (1, CAST('ffffffffffffff00' AS BLOB),"
	                  " x'01ff00')");
	ck_assert_int_eq(pws_sqlite_storage_open(&inner, db_path, 0), PWS_OK);
	ops = inner;
	ops.close = counting_close;
	o.storage = &ops;
	closes = 0;
	rc = pws_policy_new(&p, &o);
	ck_assert_msg(rc != PWS_OK, "a store with a corrupt record was accepted");
	ck_assert_ptr_null(p);
	/* storage.h: ctx stays the caller's until the library calls close;
	 * a failed pws_policy_new does not call it */
	ck_assert_int_eq(closes, 0);
	inner.close(inner.ctx);

	sql_exec(db_path, "DELETE FROM pws_records WHERE key = CAST('ffffffffffffff00' AS BLOB)");
	p = policy_open_ok(db_path, 0);
	ck_assert_uint_eq(digest_of(p), d);
	pws_policy_free(p);
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("sqlite-policy");
	TCase *tc = tcase_create("roundtrip");

	add_fixtures(tc);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_policy_roundtrip);
	tcase_add_test(tc, test_policy_compact);
	tcase_add_test(tc, test_policy_failed_calls_write_nothing);
	tcase_add_test(tc, test_policy_bad_store);
	tcase_add_test(tc, test_policy_stale_writer_after_compaction);
	suite_add_tcase(s, tc);
	return s;
}

/* ------------------------------------------------------------------ */
/* c) crash consistency                                                */

/* Longer than any kill point: the child never reaches the end. */
#define STREAM_MAX 100000
#define KILL_ROUNDS 120
#define N_WS 3
#define POOL 12

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

/* Call i of the stream: a pure function of i (and of the state it acts
 * on), so the parent can replay it in memory. Many calls fail (denied,
 * unknown, duplicate); they must leave no trace. */
static int stream_call(pws_policy *p, int i)
{
	static const char *const ws[N_WS] = {"w0", "w1", "w2"};
	static const char *const orgs[3] = {"pub", "acme", "globex"};
	static const char *const doms[3] = {"pub.com", "acme.example", "globex.example"};
	uint64_t r = mix((uint64_t)i * 0x9E3779B97F4A7C15ull + 12345);
	int org = (int)((r >> 8) % 3), u = (int)((r >> 16) % POOL), w = (int)((r >> 24) % N_WS);
	int role = 1 + (int)((r >> 32) % 3), k = (int)((r >> 40) % (unsigned)(i + 1));
	char uid[32], email[64], eid[32];

	snprintf(uid, sizeof uid, "%c%d", orgs[org][0], u);
	snprintf(email, sizeof email, "%s@%s", uid, doms[org]);
	switch (i) {
	case 0: return pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, NULL);
	case 1: return pws_team_add_domain(p, "pub", "pub.com", NULL);
	case 2: return pws_team_add(p, "acme", "Acme", PWS_PLAN_PROFESSIONAL, 0, NULL);
	case 3: return pws_team_add_domain(p, "acme", "acme.example", NULL);
	case 4: return pws_team_add(p, "globex", "Globex", PWS_PLAN_ENTERPRISE, 0, NULL);
	case 5: return pws_team_add_domain(p, "globex", "globex.example", NULL);
	case 6: return pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_ADMIN, 1, NULL);
	case 7: return pws_workspace_create(p, "pm", "w0", "W0", PWS_VIS_PARTNER, NULL, NULL);
	case 8: return pws_workspace_create(p, "pm", "w1", "W1", PWS_VIS_PARTNER, NULL, NULL);
	case 9: return pws_workspace_create(p, "pm", "w2", "W2", PWS_VIS_TEAM, NULL, NULL);
	default: break;
	}
	switch ((r >> 48) % 12) {
	case 0:
	case 1:
		return pws_user_add(p, uid, email, orgs[org], PWS_TEAM_MEMBER, 0, NULL);
	case 2:
	case 3:
		return pws_invite(p, "pm", ws[w], email, org == 0 ? PWS_INVITE_MEMBER : PWS_INVITE_PARTNER,
		                  role == PWS_ROLE_ADMIN ? PWS_ROLE_VIEWER : role, 0, NULL);
	case 4:
	case 5:
		return pws_invite_accept(p, uid, ws[w], NULL, NULL);
	case 6:
		return pws_member_set_role(p, "pm", ws[w], uid, role, NULL);
	case 7:
		snprintf(eid, sizeof eid, "e%d", i);
		return pws_element_add(p, (r & 1) ? "pm" : uid, ws[w], eid, PWS_EL_COLLECTION,
		                       (uint64_t)(r & 0xffff), NULL, NULL);
	case 8:
		snprintf(eid, sizeof eid, "up%d", i);
		return pws_update_post(p, (r & 1) ? "pm" : uid, ws[w], eid, "news", 1700000000 + i,
		                       NULL);
	case 9:
		snprintf(eid, sizeof eid, "e%d", k);
		return pws_element_delete(p, "pm", eid, 1700000000 + i, NULL);
	case 10:
		return pws_member_remove(p, "pm", ws[w], uid, NULL);
	default:
		return pws_workspace_visit(p, uid, ws[w], NULL);
	}
}

/* The same stream in memory, advanced as the child reports, so the
 * parent knows the state after every call without storing it. */
typedef struct reference {
	pws_policy *p;
	int applied;    /* calls 0 .. applied - 1 are applied */
	int last_ok;    /* whether call applied - 1 succeeded */
	uint64_t digest; /* after them */
} reference;

static void ref_init(reference *r)
{
	OK(pws_policy_new(&r->p, NULL));
	r->applied = 0;
	r->last_ok = 0;
	r->digest = digest_of(r->p);
}

static void ref_advance(reference *r, int n)
{
	while (r->applied < n) {
		uint64_t before = r->digest;

		r->last_ok = stream_call(r->p, r->applied++) == PWS_OK;
		r->digest = digest_of(r->p);
		if (!r->last_ok)
			ck_assert_msg(r->digest == before, "failed call %d changed the state",
			              r->applied - 1);
	}
}

/* Whether call i would succeed on the reference's state (tried on a copy). */
static int stream_would_change(const reference *r, int i)
{
	pws_policy *q;
	char *json = NULL;
	size_t len = 0;
	int rc;

	OK(pws_snapshot_export(r->p, &json, &len));
	OK(pws_policy_new(&q, NULL));
	OK(pws_snapshot_import(q, json, len, NULL));
	pws_snapshot_free(r->p, json);
	rc = stream_call(q, i);
	pws_policy_free(q);
	return rc == PWS_OK;
}

/* The stream is worth the name: both outcomes, plenty of each. */
static void check_stream_mix(void)
{
	reference r;
	int i, n = 0;

	ref_init(&r);
	for (i = 1; i <= 400; i++) {
		ref_advance(&r, i);
		n += r.last_ok;
	}
	pws_policy_free(r.p);
	ck_assert_int_gt(n, 400 / 5);
	ck_assert_int_lt(n, 400 - 400 / 10);
}

static void say(int fd, const char *line)
{
	size_t len = strlen(line), off = 0;

	while (off < len) {
		ssize_t w = write(fd, line + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(3);
		off += (size_t)w;
	}
}

static void child_run(int fd, const char *path, int first)
{
	pws_policy *p;
	char line[64];
	int i, rc = policy_open(&p, NULL, path, 0);

	if (rc != PWS_OK) {
		snprintf(line, sizeof line, "error open %d\n", rc);
		say(fd, line);
		_exit(2);
	}
	say(fd, "open\n");
	for (i = first; i < STREAM_MAX; i++) {
		uint64_t d = 0;

		snprintf(line, sizeof line, "begin %d\n", i);
		say(fd, line);
		rc = stream_call(p, i);
		if (rc == PWS_OK) {
			pws_policy_digest(p, &d);
			snprintf(line, sizeof line, "%d %016" PRIx64 "\n", i, d);
			say(fd, line);
		}
	}
	pws_policy_free(p);
	say(fd, "done\n");
	_exit(0);
}

/* Reads one line (unbuffered, so nothing is read past it); 0 at EOF. */
static int read_line(int fd, char *buf, size_t n)
{
	size_t len = 0;

	for (;;) {
		char ch;
		ssize_t r = read(fd, &ch, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			buf[len] = 0;
			return len > 0;
		}
		if (ch == '\n') {
			buf[len] = 0;
			return 1;
		}
		if (len + 1 < n)
			buf[len++] = ch;
	}
}

typedef struct progress {
	int last_begin, last_done, done, opened;
	reference *ref;
} progress;

static void account(progress *pr, const char *line)
{
	int i;
	uint64_t d;

	if (strncmp(line, "error", 5) == 0)
		ck_abort_msg("child: %s", line);
	if (strcmp(line, "open") == 0) {
		pr->opened = 1;
		return;
	}
	if (strcmp(line, "done") == 0) {
		pr->done = 1;
		return;
	}
	if (sscanf(line, "begin %d", &i) == 1) {
		ck_assert_int_eq(i, pr->last_begin + 1);
		pr->last_begin = i;
		return;
	}
	ck_assert_msg(sscanf(line, "%d %" SCNx64, &i, &d) == 2, "bad line '%s'", line);
	ck_assert_int_eq(i, pr->last_begin);
	ref_advance(pr->ref, i + 1);
	ck_assert_msg(pr->ref->last_ok, "call %d succeeded in the child, failed in memory", i);
	ck_assert_msg(d == pr->ref->digest,
	              "call %d: child digest %016" PRIx64 ", memory %016" PRIx64, i, d,
	              pr->ref->digest);
	pr->last_done = i;
}

static void sleep_us(long us)
{
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int env_int(const char *name, int dflt)
{
	const char *v = getenv(name);

	return v && atoi(v) > 0 ? atoi(v) : dflt;
}

/* Many short rounds on one store: each child opens the store (replaying
 * what the rounds before committed) and goes on with the stream where the
 * last one stopped, and is SIGKILLed after a random number of
 * microseconds: while it loads (one round in eight), or in any phase of a
 * call (deciding, writing, committing, fsync, reporting). After each kill
 * the store must be intact and hold exactly the calls committed: all
 * those reported, and the one under way either whole or not at all. The
 * in-memory reference then follows whichever happened, and the next round
 * starts after it. Every 40 rounds the store starts afresh, so the setup
 * calls are cut too. PWS_SQLITE_KILLS sets the number of rounds. */
START_TEST(test_crash_consistency)
{
	uint64_t seed = 0x5EED5EEDu;
	int rounds = env_int("PWS_SQLITE_KILLS", KILL_ROUNDS);
	int round, kills = 0, mid_call = 0, lost_call = 0, in_load = 0, first = 0, calls = 0;
	reference ref;
	pws_policy *p;
	uint64_t d, d_after;

	check_stream_mix();
	rm_store(db_path);
	ref_init(&ref);
	for (round = 0; round < rounds; round++) {
		int fds[2], status, under_way;
		progress pr;
		char line[128];
		pid_t pid;

		if (round % 40 == 39) {
			rm_store(db_path);
			pws_policy_free(ref.p);
			ref_init(&ref);
			first = 0;
		}
		memset(&pr, 0, sizeof pr);
		pr.last_begin = pr.last_done = first - 1;
		pr.ref = &ref;
		seed = mix(seed + (uint64_t)round);
		ck_assert_int_eq(pipe(fds), 0);
		fflush(NULL);
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			close(fds[0]);
			child_run(fds[1], db_path, first);
		}
		close(fds[1]);
		if (seed % 8 == 0) {
			/* anywhere from the fork on: often while it loads */
			sleep_us((long)((seed >> 8) % 3000u));
		} else {
			while (!pr.opened && read_line(fds[0], line, sizeof line))
				account(&pr, line);
			sleep_us((long)((seed >> 8) % 4000u));
		}
		kill(pid, SIGKILL);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		/* what the child said before dying */
		while (read_line(fds[0], line, sizeof line))
			account(&pr, line);
		close(fds[0]);
		ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		              "round %d: the child was not killed (status %d)", round, status);
		kills++;
		in_load += !pr.opened;
		calls += pr.last_begin + 1 - first;

		/* the store is intact and holds exactly the committed calls */
		sql_text(db_path, "PRAGMA integrity_check", line, sizeof line);
		ck_assert_str_eq(line, "ok");
		p = policy_open_ok(db_path, 0);
		d = digest_of(p);
		pws_policy_free(p);
		under_way = pr.last_begin >= first && pr.last_done != pr.last_begin;
		if (under_way) {
			/* the call under way: not committed (the state before it;
			 * also the case of a call that fails), or committed whole */
			ref_advance(&ref, pr.last_begin);
			if (d == ref.digest) {
				ref.applied = pr.last_begin + 1; /* the stream skips it */
				lost_call += stream_would_change(&ref, pr.last_begin);
			} else {
				ref_advance(&ref, pr.last_begin + 1);
				mid_call++;
			}
		}
		ck_assert_msg(d == ref.digest,
		              "round %d: after the kill at call %d (last reported %d), digest "
		              "%016" PRIx64 ", expected %016" PRIx64 "%s",
		              round, pr.last_begin, pr.last_done, d, ref.digest,
		              under_way ? " (or the state before the call under way)" : "");
		first = pr.last_begin + 1 > first ? pr.last_begin + 1 : first;
	}
	/* and it stays writable: one more call, reopened */
	p = policy_open_ok(db_path, 0);
	ck_assert_uint_eq(digest_of(p), ref.digest);
	OK(pws_team_add(p, "after", "After", PWS_PLAN_FREE, 0, NULL));
	d_after = digest_of(p);
	pws_policy_free(p);
	p = policy_open_ok(db_path, 0);
	ck_assert_uint_eq(digest_of(p), d_after);
	pws_policy_free(p);
	pws_policy_free(ref.p);
	printf("crash: %d kills (%d while loading), %d calls begun; the call under way was "
	       "committed %d times, and a call that would change the state was cut before "
	       "its commit %d times\n",
	       kills, in_load, calls, mid_call, lost_call);
	ck_assert_int_ge(kills, rounds);
}
END_TEST

static Suite *crash_suite(void)
{
	Suite *s = suite_create("sqlite-crash");
	TCase *tc = tcase_create("sigkill");

	add_fixtures(tc);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_crash_consistency);
	suite_add_tcase(s, tc);
	return s;
}

/* ------------------------------------------------------------------ */

int main(void)
{
	SRunner *sr;
	int failed;

	if (sqlite3_libversion_number() < 3022000) {
		fprintf(stderr, "SQLite %s is too old; skipping\n", sqlite3_libversion());
		return 77;
	}
	{
		/* no writable temporary directory: skip */
		const char *base = getenv("TMPDIR");
		char tdir[512];

		snprintf(tdir, sizeof tdir, "%s/pws-sqlite-XXXXXX", base && *base ? base : "/tmp");
		if (!mkdtemp(tdir)) {
			fprintf(stderr, "cannot create a temporary directory (%s); skipping\n",
			        strerror(errno));
			return 77;
		}
		rmdir(tdir);
	}
	sr = srunner_create(adapter_suite());
	srunner_add_suite(sr, policy_suite());
	srunner_add_suite(sr, crash_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
