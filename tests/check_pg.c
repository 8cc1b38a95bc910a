/*
 * Tests of the PostgreSQL storage adapter (pg/pg-storage.c) on a real
 * server, run by tests/check-pg.sh under tests/pg-cluster.sh:
 *  a) the vtable called directly: append never overwrites (ECONFLICT),
 *     load and load_after order, rollback, a stopping sink;
 *  b) a policy on PostgreSQL: calls, reopen equals; two handles on one
 *     log: sync, a conflict decided again, pws_policy_wait woken by
 *     NOTIFY;
 *  c) the server stopped and restarted under a stream of calls: calls fail
 *     cleanly (ESTORAGE, state unchanged) and work again afterwards, and
 *     the handle equals a fresh load;
 *  d) bad connection strings give clear errors.
 * Every test runs in its own schema (search_path in the connection string).
 * Needs PWS_PG_CONNINFO (and PWS_PG_CTL for c); returns 77 without it.
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L

#include <partnerws-pg.h>

#include <check.h>
#include <libpq-fe.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define OK(call) ck_assert_msg((call) == PWS_OK, "%s failed", #call)

static const char *base_conninfo;
/* the connection string of the current test's schema */
static char conninfo[1024];
static char schema[64];

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Runs one statement on a fresh connection; returns the first value. */
static void sql(const char *ci, const char *q, char *out, size_t n)
{
	PGconn *c = PQconnectdb(ci);
	PGresult *r;

	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "connect: %s", PQerrorMessage(c));
	r = PQexec(c, q);
	ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK,
	              "%s: %s", q, PQerrorMessage(c));
	if (out) {
		out[0] = 0;
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
			snprintf(out, n, "%s", PQgetvalue(r, 0, 0));
	}
	PQclear(r);
	PQfinish(c);
}

static long sql_long(const char *q)
{
	char v[64];

	sql(conninfo, q, v, sizeof v);
	return strtol(v, NULL, 10);
}

/* Checked fixture (in the test's process): a fresh schema, empty log. */
static void schema_setup(void)
{
	char q[128];

	snprintf(schema, sizeof schema, "t%ld_%ld", (long)getpid(), (long)(now_ms() % 100000));
	snprintf(q, sizeof q, "CREATE SCHEMA %s", schema);
	sql(base_conninfo, q, NULL, 0);
	snprintf(conninfo, sizeof conninfo, "%s options='-c search_path=%s'", base_conninfo,
	         schema);
}

static void pg_ctl(const char *args)
{
	const char *ctl = getenv("PWS_PG_CTL");
	char cmd[1024];

	ck_assert_msg(ctl && *ctl, "PWS_PG_CTL is not set (run under tests/pg-cluster.sh)");
	snprintf(cmd, sizeof cmd, "%s %s", ctl, args);
	ck_assert_msg(system(cmd) == 0, "'%s' failed", cmd);
}

/* ------------------------------------------------------------------ */
/* a) the vtable                                                       */

#define MAX_RECS 64

typedef struct rec {
	uint32_t kind;
	char key[32];
	char data[32];
} rec;

typedef struct collect {
	rec r[MAX_RECS];
	size_t n;
	size_t stop_after; /* 0: never */
} collect;

static int collect_sink(void *ctx, uint32_t kind, const char *key, size_t key_len,
                        const void *data, size_t data_len)
{
	collect *c = ctx;
	rec *r;

	if (c->stop_after && c->n == c->stop_after)
		return PWS_EUSER;
	ck_assert_uint_lt(c->n, MAX_RECS);
	ck_assert_uint_lt(key_len, sizeof r->key);
	ck_assert_uint_lt(data_len, sizeof r->data);
	r = &c->r[c->n++];
	r->kind = kind;
	memcpy(r->key, key, key_len);
	r->key[key_len] = 0;
	memcpy(r->data, data, data_len);
	r->data[data_len] = 0;
	return PWS_OK;
}

static void open_ok(pws_storage_ops *ops)
{
	int rc = pws_pg_storage_open(ops, conninfo, 0);

	ck_assert_msg(rc == PWS_OK, "open: %s: %s", pws_strerror(rc), pws_pg_storage_errmsg(ops));
	ck_assert_int_eq(ops->version, 2);
	ck_assert_ptr_nonnull(ops->append);
	ck_assert_ptr_nonnull(ops->load_after);
	ck_assert_ptr_nonnull(ops->wait);
	ck_assert_str_eq(pws_pg_storage_errmsg(ops), "");
}

static int append_str(const pws_storage_ops *ops, uint32_t kind, const char *key,
                      const char *data)
{
	int rc = ops->begin(ops->ctx);

	if (rc == PWS_OK)
		rc = ops->append(ops->ctx, kind, key, strlen(key), data, strlen(data));
	if (rc == PWS_OK)
		return ops->commit(ops->ctx);
	ops->rollback(ops->ctx);
	return rc;
}

START_TEST(test_append_never_overwrites)
{
	pws_storage_ops ops;
	collect c;

	open_ok(&ops);
	OK(append_str(&ops, PWS_RECORD_OP, "0000000000000001", "first"));
	/* the same key again: a conflict, nothing overwritten */
	OK(ops.begin(ops.ctx));
	ck_assert_int_eq(ops.append(ops.ctx, PWS_RECORD_OP, "0000000000000001", 16, "second", 6),
	                 PWS_ECONFLICT);
	ck_assert_ptr_nonnull(strstr(pws_pg_storage_errmsg(&ops), "already exists"));
	OK(ops.rollback(ops.ctx));
	/* put (version-1 callers) never overwrites either */
	OK(ops.begin(ops.ctx));
	ck_assert_int_eq(ops.put(ops.ctx, PWS_RECORD_OP, "0000000000000001", 16, "third", 5),
	                 PWS_ECONFLICT);
	OK(ops.rollback(ops.ctx));
	/* a rolled-back append leaves nothing */
	OK(ops.begin(ops.ctx));
	OK(ops.append(ops.ctx, PWS_RECORD_OP, "0000000000000002", 16, "gone", 4));
	OK(ops.rollback(ops.ctx));
	/* and the handle works on after all that */
	OK(append_str(&ops, PWS_RECORD_OP, "0000000000000003", "third"));
	memset(&c, 0, sizeof c);
	OK(ops.load(ops.ctx, collect_sink, &c));
	ck_assert_uint_eq(c.n, 2);
	ck_assert_str_eq(c.r[0].key, "0000000000000001");
	ck_assert_str_eq(c.r[0].data, "first");
	ck_assert_str_eq(c.r[1].key, "0000000000000003");
	/* a second handle appending a taken key conflicts too */
	{
		pws_storage_ops b;

		open_ok(&b);
		ck_assert_int_eq(append_str(&b, PWS_RECORD_OP, "0000000000000003", "b"),
		                 PWS_ECONFLICT);
		OK(append_str(&b, PWS_RECORD_OP, "0000000000000004", "b"));
		b.close(b.ctx);
	}
	ck_assert_int_eq(sql_long("SELECT count(*) FROM pws_log"), 3);
	ck_assert_int_eq(sql_long("SELECT count(*) FROM pws_log WHERE data = 'first'::bytea"), 1);
	ops.close(ops.ctx);
}
END_TEST

START_TEST(test_load_order)
{
	static const char *const keys[] = {"0000000000000003", "0000000000000001",
	                                   "0000000000000010", "0000000000000002",
	                                   "00000000000000ff"};
	pws_storage_ops ops;
	collect c;
	size_t i;

	open_ok(&ops);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		OK(append_str(&ops, PWS_RECORD_OP, keys[i], keys[i] + 14));
	OK(append_str(&ops, 7, "0000000000000002", "other kind")); /* not an op */
	memset(&c, 0, sizeof c);
	OK(ops.load(ops.ctx, collect_sink, &c));
	ck_assert_uint_eq(c.n, 6);
	/* ascending key order (bytewise), then kind */
	ck_assert_str_eq(c.r[0].key, "0000000000000001");
	ck_assert_str_eq(c.r[1].key, "0000000000000002");
	ck_assert_uint_eq(c.r[1].kind, PWS_RECORD_OP);
	ck_assert_str_eq(c.r[2].key, "0000000000000002");
	ck_assert_uint_eq(c.r[2].kind, 7);
	ck_assert_str_eq(c.r[3].key, "0000000000000003");
	ck_assert_str_eq(c.r[4].key, "0000000000000010");
	ck_assert_str_eq(c.r[5].key, "00000000000000ff");
	/* load_after: only ops, strictly after the key, ascending */
	memset(&c, 0, sizeof c);
	OK(ops.load_after(ops.ctx, "0000000000000002", 16, collect_sink, &c));
	ck_assert_uint_eq(c.n, 3);
	ck_assert_str_eq(c.r[0].key, "0000000000000003");
	ck_assert_str_eq(c.r[1].key, "0000000000000010");
	ck_assert_str_eq(c.r[2].key, "00000000000000ff");
	memset(&c, 0, sizeof c);
	OK(ops.load_after(ops.ctx, NULL, 0, collect_sink, &c));
	ck_assert_uint_eq(c.n, 5);
	ck_assert_str_eq(c.r[0].key, "0000000000000001");
	memset(&c, 0, sizeof c);
	OK(ops.load_after(ops.ctx, "00000000000000ff", 16, collect_sink, &c));
	ck_assert_uint_eq(c.n, 0);
	/* a sink that stops: its code comes back, and the connection is
	 * usable at once */
	memset(&c, 0, sizeof c);
	c.stop_after = 2;
	ck_assert_int_eq(ops.load(ops.ctx, collect_sink, &c), PWS_EUSER);
	ck_assert_uint_eq(c.n, 2);
	OK(append_str(&ops, PWS_RECORD_OP, "0000000000000100", "x"));
	ops.close(ops.ctx);
}
END_TEST

START_TEST(test_schema)
{
	pws_storage_ops ops;
	char v[64];

	open_ok(&ops);
	ops.close(ops.ctx);
	sql(conninfo, "SELECT value FROM pws_meta WHERE name = 'schema_version'", v, sizeof v);
	ck_assert_str_eq(v, "1");
	sql(conninfo, "SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_index i"
	              " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
	              " WHERE i.indrelid = 'pws_log'::regclass AND i.indisprimary",
	    v, sizeof v);
	ck_assert_str_eq(v, "kind,key");
	/* a newer schema is refused with a clear message */
	sql(conninfo, "UPDATE pws_meta SET value = '2'", NULL, 0);
	ck_assert_int_eq(pws_pg_storage_open(&ops, conninfo, 0), PWS_ESTORAGE);
	ck_assert_ptr_nonnull(strstr(pws_pg_storage_errmsg(&ops), "schema version '2'"));
	ck_assert_ptr_null(ops.ctx);
	ck_assert_ptr_null(ops.close);
}
END_TEST

START_TEST(test_bad_conninfo)
{
	pws_storage_ops ops, other = PWS_STORAGE_OPS_INIT;

	ck_assert_int_eq(pws_pg_storage_open(NULL, conninfo, 0), PWS_EINVALID);
	ck_assert_int_eq(pws_pg_storage_open(&ops, NULL, 0), PWS_EINVALID);
	ck_assert_int_eq(pws_pg_storage_open(&ops, conninfo, 0x80u), PWS_EINVALID);
	/* malformed */
	ck_assert_int_eq(pws_pg_storage_open(&ops, "this is not a conninfo", 0), PWS_ESTORAGE);
	ck_assert_ptr_null(ops.ctx);
	ck_assert_ptr_null(ops.load);
	printf("bad conninfo: %s\n", pws_pg_storage_errmsg(&ops));
	ck_assert_ptr_nonnull(strstr(pws_pg_storage_errmsg(&ops), "connect"));
	ck_assert_ptr_nonnull(strstr(pws_pg_storage_errmsg(&ops), "this"));
	/* no server there */
	ck_assert_int_eq(pws_pg_storage_open(&ops, "host=/nonexistent-pws-dir port=5999", 0),
	                 PWS_ESTORAGE);
	printf("no server: %s\n", pws_pg_storage_errmsg(&ops));
	ck_assert_ptr_nonnull(strstr(pws_pg_storage_errmsg(&ops), "nonexistent-pws-dir"));
	/* no such database */
	{
		char ci[1100];

		snprintf(ci, sizeof ci, "%s dbname=no_such_db_pws", base_conninfo);
		ck_assert_int_eq(pws_pg_storage_open(&ops, ci, 0), PWS_ESTORAGE);
		ck_assert_ptr_nonnull(strstr(pws_pg_storage_errmsg(&ops), "no_such_db_pws"));
	}
	ck_assert_ptr_nonnull(pws_pg_storage_errmsg(NULL));
	ck_assert_str_ne(pws_pg_storage_errmsg(&other), "");
	/* no listening connection: wait is left to polling */
	OK(pws_pg_storage_open(&ops, conninfo, PWS_PG_NO_LISTEN));
	ck_assert_ptr_null(ops.wait);
	ops.close(ops.ctx);
}
END_TEST

static Suite *adapter_suite(void)
{
	Suite *s = suite_create("pg-adapter");
	TCase *tc = tcase_create("vtable");

	tcase_add_checked_fixture(tc, schema_setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_append_never_overwrites);
	tcase_add_test(tc, test_load_order);
	tcase_add_test(tc, test_schema);
	tcase_add_test(tc, test_bad_conninfo);
	suite_add_tcase(s, tc);
	return s;
}

/* ------------------------------------------------------------------ */
/* b) a policy on PostgreSQL                                           */

static pws_policy *policy_open_ok(pws_storage_ops *ops_out)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops ops;
	pws_policy *p = NULL;
	int rc = pws_pg_storage_open(&ops, conninfo, 0);

	ck_assert_msg(rc == PWS_OK, "open: %s", pws_pg_storage_errmsg(&ops));
	o.storage = &ops;
	rc = pws_policy_new(&p, &o);
	if (rc != PWS_OK)
		ops.close(ops.ctx);
	ck_assert_msg(rc == PWS_OK, "pws_policy_new: %s", pws_strerror(rc));
	if (ops_out)
		*ops_out = ops;
	return p;
}

static uint64_t digest_of(const pws_policy *p)
{
	uint64_t d = 0;

	OK(pws_policy_digest(p, &d));
	return d;
}

static uint64_t revision_of(const pws_policy *p)
{
	uint64_t r = 0;

	OK(pws_policy_revision(p, &r));
	return r;
}

#define MUT(call)                                                                  \
	do {                                                                       \
		int mut_rc_ = (call);                                              \
		ck_assert_msg(mut_rc_ == PWS_OK, "%s: %s", #call,                 \
		              pws_strerror(mut_rc_));                              \
	} while (0)

static void scenario(pws_policy *p)
{
	char id[32], email[64];
	int i;

	MUT(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, NULL));
	MUT(pws_team_add_domain(p, "pub", "pub.com", NULL));
	MUT(pws_team_add(p, "acme", "Acme", PWS_PLAN_PROFESSIONAL, 1, NULL));
	MUT(pws_team_add_domain(p, "acme", "acme.example", NULL));
	MUT(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_ADMIN, 1, NULL));
	for (i = 0; i < 4; i++) {
		snprintf(id, sizeof id, "a%d", i);
		snprintf(email, sizeof email, "a%d@acme.example", i);
		MUT(pws_user_add(p, id, email, "acme", PWS_TEAM_MEMBER, 0, NULL));
	}
	MUT(pws_workspace_create(p, "pm", "ws1", "Partner one", PWS_VIS_PARTNER, NULL, NULL));
	for (i = 0; i < 3; i++) {
		snprintf(id, sizeof id, "a%d", i);
		snprintf(email, sizeof email, "a%d@acme.example", i);
		MUT(pws_invite(p, "pm", "ws1", email, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
		               NULL));
		MUT(pws_invite_accept(p, id, "ws1", NULL, NULL));
	}
	MUT(pws_member_set_role(p, "pm", "ws1", "a1", PWS_ROLE_EDITOR, NULL));
	MUT(pws_element_add(p, "pm", "ws1", "col1", PWS_EL_COLLECTION, 1000, NULL, NULL));
	MUT(pws_member_remove(p, "pm", "ws1", "a2", NULL));
}

START_TEST(test_policy_reopen)
{
	pws_policy *p = policy_open_ok(NULL);
	uint64_t d, r;
	int allowed = 0, rule;

	ck_assert_uint_eq(revision_of(p), 0);
	scenario(p);
	d = digest_of(p);
	r = revision_of(p);
	ck_assert_uint_gt(r, 10);
	/* a refused call writes nothing */
	ck_assert_int_eq(pws_team_add(p, "pub", "again", PWS_PLAN_FREE, 0, NULL), PWS_EEXISTS);
	ck_assert_uint_eq(revision_of(p), r);
	ck_assert_int_eq(sql_long("SELECT count(*) FROM pws_log"), (long)r);
	pws_policy_free(p);

	p = policy_open_ok(NULL);
	ck_assert_uint_eq(digest_of(p), d);
	ck_assert_uint_eq(revision_of(p), r);
	OK(pws_check(p, &allowed, &rule, "a1", PWS_ACT_VIEW, NULL, "col1"));
	ck_assert_int_eq(allowed, 1);
	/* compaction through the adapter: one record left, same state */
	OK(pws_compact(p, NULL));
	ck_assert_int_eq(sql_long("SELECT count(*) FROM pws_log"), 1);
	pws_policy_free(p);
	p = policy_open_ok(NULL);
	ck_assert_uint_eq(digest_of(p), d);
	MUT(pws_team_add(p, "initech", "Initech", PWS_PLAN_BASIC, 0, NULL));
	pws_policy_free(p);
}
END_TEST

START_TEST(test_two_handles_sync)
{
	pws_policy *a = policy_open_ok(NULL), *b = policy_open_ok(NULL);
	uint64_t rev = 0;

	scenario(a);
	ck_assert_uint_eq(revision_of(b), 0);
	OK(pws_policy_sync(b, &rev));
	ck_assert_uint_eq(rev, revision_of(a));
	ck_assert_uint_eq(digest_of(b), digest_of(a));
	/* both at the same revision; A writes, then B writes without
	 * syncing: B's append conflicts, B catches up and decides again */
	MUT(pws_team_add(a, "t_a", "A", PWS_PLAN_FREE, 0, NULL));
	MUT(pws_team_add(b, "t_b", "B", PWS_PLAN_FREE, 0, NULL));
	ck_assert_uint_eq(revision_of(b), revision_of(a) + 1);
	/* the same call on both: the second is decided on the newer state */
	MUT(pws_team_add(a, "t_c", "C", PWS_PLAN_FREE, 0, NULL)); /* conflicts, retried */
	ck_assert_int_eq(pws_team_add(b, "t_c", "C", PWS_PLAN_FREE, 0, NULL), PWS_EEXISTS);
	OK(pws_policy_sync(a, NULL));
	OK(pws_policy_sync(b, NULL));
	ck_assert_uint_eq(revision_of(a), revision_of(b));
	ck_assert_uint_eq(digest_of(a), digest_of(b));
	ck_assert_int_eq(sql_long("SELECT count(*) FROM pws_log"), (long)revision_of(a));
	pws_policy_free(a);
	pws_policy_free(b);
}
END_TEST

typedef struct waiter {
	pws_policy *p;
	uint64_t min_rev, got;
	int timeout_ms, rc;
	int64_t woke_ms;
} waiter;

static void *wait_thread(void *arg)
{
	waiter *w = arg;

	w->rc = pws_policy_wait(w->p, w->min_rev, w->timeout_ms, &w->got);
	w->woke_ms = now_ms();
	return NULL;
}

/* B waits for A's next revision; A commits ~200 ms later; B must wake
 * within a fraction of its timeout (a broken NOTIFY would leave it asleep
 * for all of it: the table has a wait, so the policy does not poll). */
static int64_t wake_latency(pws_policy *a, pws_policy *b, const char *team)
{
	waiter w;
	pthread_t t;
	int64_t committed;

	memset(&w, 0, sizeof w);
	w.p = b;
	w.min_rev = revision_of(a) + 1;
	w.timeout_ms = 10000;
	ck_assert_int_eq(pthread_create(&t, NULL, wait_thread, &w), 0);
	sleep_ms(200);
	MUT(pws_team_add(a, team, "T", PWS_PLAN_FREE, 0, NULL));
	committed = now_ms();
	pthread_join(t, NULL);
	ck_assert_msg(w.rc == PWS_OK, "wait: %s", pws_strerror(w.rc));
	ck_assert_uint_eq(w.got, revision_of(a));
	ck_assert_uint_eq(digest_of(b), digest_of(a));
	return w.woke_ms - committed;
}

START_TEST(test_wait_woken_by_notify)
{
	pws_policy *a = policy_open_ok(NULL), *b = policy_open_ok(NULL);
	uint64_t rev;
	int64_t lat;
	int i;

	scenario(a);
	for (i = 0; i < 5; i++) {
		char team[16];

		snprintf(team, sizeof team, "w%d", i);
		lat = wake_latency(a, b, team);
		printf("wait: B woke %" PRId64 " ms after A's commit\n", lat);
		ck_assert_int_lt(lat, 1000);
	}
	/* already there: at once; beyond the log: a timeout */
	OK(pws_policy_wait(b, revision_of(a), 0, &rev));
	ck_assert_int_eq(pws_policy_wait(b, revision_of(a) + 5, 100, &rev), PWS_ETIMEOUT);
	ck_assert_uint_eq(rev, revision_of(a));
	pws_policy_free(a);
	pws_policy_free(b);
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("pg-policy");
	TCase *tc = tcase_create("policy");

	tcase_add_checked_fixture(tc, schema_setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_policy_reopen);
	tcase_add_test(tc, test_two_handles_sync);
	tcase_add_test(tc, test_wait_woken_by_notify);
	suite_add_tcase(s, tc);
	return s;
}

/* ------------------------------------------------------------------ */
/* c) the server goes away and comes back                              */

/* The i-th call of a stream: a new team each time (a call whose commit
 * was cut may have committed, so no call is ever repeated). */
static void stream_id(char *id, size_t size, int i)
{
	snprintf(id, size, "s%d", i);
}

static int stream_call(pws_policy *p, int i, pws_result *res)
{
	char id[32];

	stream_id(id, sizeof id, i);
	return pws_team_add(p, id, "Stream", PWS_PLAN_FREE, 0, res);
}

/* A fresh handle equals p (after p catches up) and the log holds exactly
 * p's revision, numbered without gaps. */
static void equals_fresh_load(pws_policy *p)
{
	pws_policy *fresh = policy_open_ok(NULL);

	OK(pws_policy_sync(p, NULL));
	ck_assert_uint_eq(revision_of(fresh), revision_of(p));
	ck_assert_uint_eq(digest_of(fresh), digest_of(p));
	ck_assert_int_eq(sql_long("SELECT count(*) FROM pws_log"), (long)revision_of(p));
	ck_assert_int_eq(sql_long("SELECT count(DISTINCT key) FROM pws_log"), (long)revision_of(p));
	pws_policy_free(fresh);
}

START_TEST(test_outage_fails_cleanly)
{
	pws_storage_ops ops;
	pws_policy *p = policy_open_ok(&ops), *b = policy_open_ok(NULL);
	pws_result res = PWS_RESULT_INIT;
	uint64_t d, r;
	int i, rc;

	scenario(p);
	OK(pws_policy_sync(b, NULL));
	d = digest_of(p);
	r = revision_of(p);
	pg_ctl("stop -m fast");
	for (i = 0; i < 3; i++) {
		rc = pws_team_add(p, "down", "Down", PWS_PLAN_FREE, 0, &res);
		ck_assert_msg(rc == PWS_ESTORAGE, "a call during the outage: %s", pws_strerror(rc));
		ck_assert_uint_eq(digest_of(p), d);
		ck_assert_uint_eq(revision_of(p), r);
	}
	printf("outage: %s | %s\n", res.message, pws_pg_storage_errmsg(&ops));
	ck_assert_str_ne(pws_pg_storage_errmsg(&ops), "");
	ck_assert_int_eq(pws_policy_sync(b, NULL), PWS_ESTORAGE);
	/* checks still answer from memory */
	{
		int allowed = 0, rule;

		OK(pws_check(p, &allowed, &rule, "a1", PWS_ACT_VIEW, NULL, "col1"));
		ck_assert_int_eq(allowed, 1);
	}
	pg_ctl("start");
	/* the same handle works again: it reconnects */
	MUT(pws_team_add(p, "up", "Up", PWS_PLAN_FREE, 0, NULL));
	ck_assert_uint_eq(revision_of(p), r + 1);
	ck_assert_str_eq(pws_pg_storage_errmsg(&ops), pws_pg_storage_errmsg(&ops));
	/* and the follower's feed too: it is woken by the next change */
	OK(pws_policy_sync(b, NULL));
	{
		int64_t lat = wake_latency(p, b, "after");

		printf("outage: after the restart, B woke %" PRId64 " ms after the commit\n", lat);
		ck_assert_int_lt(lat, 1000);
	}
	equals_fresh_load(p);
	equals_fresh_load(b);
	pws_policy_free(p);
	pws_policy_free(b);
}
END_TEST

static void *restart_thread(void *arg)
{
	(void)arg;
	sleep_ms(150);
	pg_ctl("restart -m fast");
	return NULL;
}

/* Whether team "s<i>" (stream_call's i-th) is in p's state. */
static int stream_team_in(const pws_policy *p, int i)
{
	char id[32];
	unsigned used, incl;

	stream_id(id, sizeof id, i);
	return pws_team_editor_seats(p, &used, &incl, id) == PWS_OK;
}

#define MAX_STREAM_FAILS 256

START_TEST(test_restart_mid_stream)
{
	pws_policy *p = policy_open_ok(NULL);
	pws_result res;
	pthread_t t;
	int i = 0, ok = 0, failed = 0, landed = 0, since_ok = 0, rc, k;
	int fail_at[MAX_STREAM_FAILS], fail_maybe[MAX_STREAM_FAILS];
	uint64_t d, r, now;
	int64_t end;

	ck_assert_int_eq(pthread_create(&t, NULL, restart_thread, NULL), 0);
	/* stream calls through the restart and a while after it */
	end = now_ms() + 4000;
	while (now_ms() < end) {
		d = digest_of(p);
		r = revision_of(p);
		pws_result_init(&res, PWS_RESULT_VERSION);
		rc = stream_call(p, i++, &res);
		if (rc == PWS_OK) {
			ok++;
			/* one revision, or more when calls that failed since the
			 * last success had committed all the same (a COMMIT cut
			 * by the restart after the server committed): this
			 * call's append then conflicted, caught up and took the
			 * next revision */
			now = revision_of(p);
			ck_assert_msg(now >= r + 1 && now <= r + 1 + (uint64_t)since_ok,
			              "call %d: revision %" PRIu64 " -> %" PRIu64 " after %d failed"
			              " calls", i - 1, r, now, since_ok);
			since_ok = 0;
		} else {
			ck_assert_msg(rc == PWS_ESTORAGE, "call %d: %s", i - 1, pws_strerror(rc));
			/* failed cleanly: nothing changed in memory */
			ck_assert_uint_eq(digest_of(p), d);
			ck_assert_uint_eq(revision_of(p), r);
			ck_assert_int_lt(failed, MAX_STREAM_FAILS);
			fail_at[failed] = i - 1;
			fail_maybe[failed] = strstr(res.message, "may have kept the change") != NULL;
			failed++;
			since_ok++;
			sleep_ms(20);
		}
	}
	pthread_join(t, NULL);
	ck_assert_int_gt(failed, 0); /* the restart did happen mid-stream */
	ck_assert_int_gt(ok, 10);
	/* calls work again, and nothing was lost or half-applied */
	ck_assert_int_eq(stream_call(p, i++, NULL), PWS_OK);
	equals_fresh_load(p);
	/* a failed call is in the state only if its COMMIT was cut (and its
	 * message said the store may have kept it); every accepted call is */
	for (k = 0; k < failed; k++)
		if (stream_team_in(p, fail_at[k])) {
			ck_assert_msg(fail_maybe[k], "call %d failed before its COMMIT, yet its"
			              " change is in the store", fail_at[k]);
			landed++;
		}
	ck_assert_int_eq((long)revision_of(p), ok + 1 + landed);
	printf("restart: %d calls, %d committed, %d failed during the restart (%d of them"
	       " committed at the server all the same)\n", i, ok, failed, landed);
	pws_policy_free(p);
}
END_TEST

static Suite *outage_suite(void)
{
	Suite *s = suite_create("pg-outage");
	TCase *tc = tcase_create("restart");

	tcase_add_checked_fixture(tc, schema_setup, NULL);
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_outage_fails_cleanly);
	tcase_add_test(tc, test_restart_mid_stream);
	suite_add_tcase(s, tc);
	return s;
}

/* ------------------------------------------------------------------ */

int main(void)
{
	SRunner *sr;
	int failed;

	base_conninfo = getenv("PWS_PG_CONNINFO");
	if (!base_conninfo || !*base_conninfo) {
		fprintf(stderr, "PWS_PG_CONNINFO is not set: run through tests/check-pg.sh"
		                " (tests/pg-cluster.sh run ...); skipping\n");
		return 77;
	}
	sr = srunner_create(adapter_suite());
	srunner_add_suite(sr, policy_suite());
	srunner_add_suite(sr, outage_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
