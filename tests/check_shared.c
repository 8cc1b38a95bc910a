/*
 * One log, many replicas (DESIGN.md, doc/DEPLOYMENT.md), in one process:
 * several handles on one in-memory version-2 store. Revisions, appends that
 * never overwrite, conflicts caught up and decided again (RO6, MP1 under
 * races), catching up, waiting for a revision, following a compaction.
 * The multi-process tests on SQLite and PostgreSQL are tests/check_multi.c.
 * SPDX-License-Identifier: MIT
 */
#include "test-common.h"
#include "test-world.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- a shared log: records in key order, change sets staged ------------- */

typedef struct srec {
	char key[17];
	unsigned char *data;
	size_t len;
} srec;

typedef struct slog {
	srec *v;
	size_t n, cap;
	int appends, conflicts;
	pthread_mutex_t mu; /* handles on other threads share the log */
	int mu_ready;
} slog;

static void lock_log(slog *l)
{
	if (l->mu_ready)
		pthread_mutex_lock(&l->mu);
}

static void unlock_log(slog *l)
{
	if (l->mu_ready)
		pthread_mutex_unlock(&l->mu);
}

/* One connection to the log: its open change set. */
typedef struct sconn {
	slog *log;
	srec staged[4];     /* appends of the open change set */
	int nstaged;
	char dels[64][17];  /* deletions of the open change set */
	int ndels;
	int closed;
	/* hooks of the sync tests: a failing load_after, a change feed */
	int load_after_rc;  /* returned instead of reading, when not 0 */
	int wait_rc;        /* what wait returns */
	int waits;          /* wait calls seen */
	pws_policy *writer; /* wait lets it write one team first, once */
	int v1;             /* a version-1 table: written with put */
} sconn;

static int find(const slog *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (memcmp(l->v[i].key, key, 16) == 0)
			return (int)i;
	return -1;
}

static int s_begin(void *ctx)
{
	sconn *c = ctx;

	c->nstaged = 0;
	c->ndels = 0;
	return PWS_OK;
}

static int s_append(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                    size_t len)
{
	sconn *c = ctx;
	srec *r;

	ck_assert_uint_eq(kind, PWS_RECORD_OP);
	ck_assert_uint_eq(key_len, 16);
	lock_log(c->log);
	if (find(c->log, key) >= 0) {
		c->log->conflicts++;
		unlock_log(c->log);
		return PWS_ECONFLICT; /* never overwrite */
	}
	unlock_log(c->log);
	ck_assert_int_lt(c->nstaged, 4);
	r = &c->staged[c->nstaged++];
	memcpy(r->key, key, 16);
	r->key[16] = 0;
	r->data = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(r->data);
	memcpy(r->data, data, len);
	r->len = len;
	return PWS_OK;
}

static int s_put(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                 size_t len)
{
	(void)kind; (void)key; (void)key_len; (void)data; (void)len;
	if (((sconn *)ctx)->v1)
		return PWS_OK; /* a version-1 table is never read back here */
	ck_abort_msg("a version-2 store is written with append, never put");
	return PWS_ESTORAGE;
}

static int s_del(void *ctx, uint32_t kind, const char *key, size_t key_len)
{
	sconn *c = ctx;

	(void)kind;
	ck_assert_uint_eq(key_len, 16);
	ck_assert_int_lt(c->ndels, 64);
	memcpy(c->dels[c->ndels], key, 16);
	c->dels[c->ndels++][16] = 0;
	return PWS_OK;
}

static void insert_sorted(slog *l, const srec *r)
{
	size_t i = l->n;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		ck_assert_ptr_nonnull(l->v);
	}
	while (i > 0 && memcmp(l->v[i - 1].key, r->key, 16) > 0) {
		l->v[i] = l->v[i - 1];
		i--;
	}
	l->v[i] = *r;
	l->n++;
}

static int s_commit(void *ctx)
{
	sconn *c = ctx;
	int i;

	lock_log(c->log);
	/* the commit point: an append whose key was taken meanwhile fails */
	for (i = 0; i < c->nstaged; i++)
		if (find(c->log, c->staged[i].key) >= 0) {
			c->log->conflicts++;
			unlock_log(c->log);
			return PWS_ECONFLICT;
		}
	for (i = 0; i < c->ndels; i++) {
		int at = find(c->log, c->dels[i]);

		if (at >= 0) {
			free(c->log->v[at].data);
			memmove(&c->log->v[at], &c->log->v[at + 1],
			        (c->log->n - (size_t)at - 1) * sizeof(srec));
			c->log->n--;
		}
	}
	for (i = 0; i < c->nstaged; i++) {
		insert_sorted(c->log, &c->staged[i]);
		c->log->appends++;
	}
	c->nstaged = c->ndels = 0;
	unlock_log(c->log);
	return PWS_OK;
}

static int s_rollback(void *ctx)
{
	sconn *c = ctx;
	int i;

	for (i = 0; i < c->nstaged; i++)
		free(c->staged[i].data);
	c->nstaged = c->ndels = 0;
	return PWS_OK;
}

static int s_load_after(void *ctx, const char *key, size_t key_len, pws_storage_sink sink,
                        void *sink_ctx)
{
	sconn *c = ctx;
	size_t i;
	int rc = PWS_OK;

	if (c->load_after_rc)
		return c->load_after_rc;
	/* one consistent read: the log cannot change while it is handed out */
	lock_log(c->log);
	for (i = 0; i < c->log->n && !rc; i++) {
		const srec *r = &c->log->v[i];

		if (key_len && memcmp(r->key, key, 16) <= 0)
			continue;
		rc = sink(sink_ctx, PWS_RECORD_OP, r->key, 16, r->data, r->len);
	}
	unlock_log(c->log);
	return rc;
}

static int s_load(void *ctx, pws_storage_sink sink, void *sink_ctx)
{
	return s_load_after(ctx, NULL, 0, sink, sink_ctx);
}

static void s_close(void *ctx)
{
	((sconn *)ctx)->closed = 1;
}

static void slog_free(slog *l)
{
	size_t i;

	if (l->mu_ready)
		pthread_mutex_destroy(&l->mu);
	for (i = 0; i < l->n; i++)
		free(l->v[i].data);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

typedef struct changes {
	int calls;
	uint64_t last;
} changes;

static void on_change(uint64_t rev, void *payload)
{
	changes *c = payload;

	c->calls++;
	c->last = rev;
}

/* The change feed: another writer commits meanwhile (once), or nothing
 * happens and the wait reports what the test set. */
static int s_wait(void *ctx, int timeout_ms)
{
	sconn *c = ctx;

	ck_assert_int_ge(timeout_ms, 0);
	c->waits++;
	if (c->writer) {
		pws_policy *w = c->writer;

		c->writer = NULL;
		OK(pws_team_add(w, "late", "Late", PWS_PLAN_FREE, 0, RES));
		return PWS_OK;
	}
	return c->wait_rc;
}

enum { AT_V1 = 1, AT_NO_LOAD_AFTER = 2, AT_WAIT = 4 };

/* A handle on the log through its own connection; flags make it a
 * version-1 table, a version-2 table without load_after, or one with a
 * change feed. */
static pws_policy *attach_ex(slog *l, sconn *c, changes *ch, int flags)
{
	pws_storage_ops ops = PWS_STORAGE_OPS_INIT;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_policy *p = NULL;

	memset(c, 0, sizeof(*c));
	c->log = l;
	ops.ctx = c;
	ops.load = s_load;
	ops.begin = s_begin;
	ops.put = s_put;
	ops.del = s_del;
	ops.commit = s_commit;
	ops.rollback = s_rollback;
	ops.close = s_close;
	ops.append = s_append;
	ops.load_after = s_load_after;
	if (flags & AT_V1) {
		c->v1 = 1;
		ops.version = 1;
		ops.append = NULL;
		ops.load_after = NULL;
	}
	if (flags & AT_NO_LOAD_AFTER)
		ops.load_after = NULL;
	if (flags & AT_WAIT)
		ops.wait = s_wait;
	o.storage = &ops;
	o.on_change = ch ? on_change : NULL;
	o.change_payload = ch;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	return p;
}

static pws_policy *attach(slog *l, sconn *c, changes *ch)
{
	return attach_ex(l, c, ch, 0);
}

static uint64_t rev_of(pws_policy *p)
{
	uint64_t r = 99;

	ck_assert_int_eq(pws_policy_revision(p, &r), PWS_OK);
	return r;
}

/* The world both handles share, built through A. */
static void base_world(pws_policy *a)
{
	OK(pws_team_add(a, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(a, "pub", "pub.com", RES));
	OK(pws_user_add(a, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	OK(pws_user_add(a, "ad1", "ad1@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(a, "ad2", "ad2@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_team_add(a, "acme", "Acme", PWS_PLAN_PROFESSIONAL, 0, RES));
	OK(pws_user_add(a, "a1", "a1@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_workspace_create(a, "ad1", "w", "W", PWS_VIS_TEAM, NULL, RES));
	OK(pws_invite(a, "ad1", "w", "ad2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_ADMIN, 0, RES));
	OK(pws_invite_accept(a, "ad2", "w", NULL, RES));
}

/* Every revision is the key of its record; a handle reports it. */
START_TEST(revisions_are_store_keys)
{
	slog l = { 0 };
	sconn ca;
	pws_policy *a = attach(&l, &ca, NULL);

	ck_assert_uint_eq(rev_of(a), 0);
	OK(pws_team_add(a, "t", "T", PWS_PLAN_FREE, 0, RES));
	ck_assert_uint_eq(rev_of(a), 1);
	FAILS(pws_team_add(a, "t", "T", PWS_PLAN_FREE, 0, RES), PWS_EEXISTS);
	ck_assert_uint_eq(rev_of(a), 1); /* a refused call has no revision */
	OK(pws_team_add(a, "u", "U", PWS_PLAN_FREE, 0, RES));
	ck_assert_uint_eq(rev_of(a), 2);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_int_eq(memcmp(l.v[1].key, "0000000000000002", 16), 0);
	pws_policy_free(a);
	ck_assert_int_eq(ca.closed, 1);
	slog_free(&l);
}
END_TEST

/* A second writer behind the log: its append conflicts, it catches up,
 * the call is decided again and lands at the next revision; nothing is
 * overwritten and both handles end equal to a fresh load. */
START_TEST(conflict_catches_up_and_retries)
{
	slog l = { 0 };
	sconn ca, cb, cc;
	pws_policy *a = attach(&l, &ca, NULL), *b = attach(&l, &cb, NULL), *c;
	uint64_t da, db, dc;

	base_world(a);
	ck_assert_uint_eq(rev_of(b), 0);
	OK(pws_team_add(b, "late", "Late", PWS_PLAN_FREE, 0, RES));
	ck_assert_int_ge(l.conflicts, 1);
	ck_assert_uint_eq(rev_of(b), rev_of(a) + 1);
	ck_assert_uint_eq(l.n, rev_of(b));
	OK(pws_policy_sync(a, NULL));
	c = attach(&l, &cc, NULL);
	ck_assert_int_eq(pws_policy_digest(a, &da), PWS_OK);
	ck_assert_int_eq(pws_policy_digest(b, &db), PWS_OK);
	ck_assert_int_eq(pws_policy_digest(c, &dc), PWS_OK);
	ck_assert_uint_eq(da, dc);
	ck_assert_uint_eq(db, dc);
	pws_policy_free(a);
	pws_policy_free(b);
	pws_policy_free(c);
	slog_free(&l);
}
END_TEST

/* RO6 under a race: B decided to demote an Admin on a state where two
 * Admins were left; A demoted the other one first. B's retry decides on
 * the newer state and is refused with RO6. */
START_TEST(RO6_race_second_demotion_refused_on_retry)
{
	slog l = { 0 };
	sconn ca, cb;
	pws_policy *a = attach(&l, &ca, NULL), *b;
	uint64_t before;

	base_world(a);
	/* a partner workspace whose last two Admins are ad1 and ad2; the
	 * Partner Manager manages it without a membership (WS1) */
	OK(pws_workspace_create(a, "pm", "pw", "P", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_invite(a, "pm", "pw", "ad1@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_ADMIN, 0, RES));
	OK(pws_invite_accept(a, "ad1", "pw", NULL, RES));
	OK(pws_invite(a, "pm", "pw", "ad2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_ADMIN, 0, RES));
	OK(pws_invite_accept(a, "ad2", "pw", NULL, RES));
	OK(pws_member_remove(a, "ad1", "pw", "pm", RES));
	b = attach(&l, &cb, NULL); /* B is up to date: two Admins */
	OK(pws_member_set_role(a, "pm", "pw", "ad1", PWS_ROLE_EDITOR, RES));
	before = l.n;
	DENY(pws_member_set_role(b, "pm", "pw", "ad2", PWS_ROLE_VIEWER, RES), PWS_RULE_RO6);
	ck_assert_uint_eq(l.n, before); /* nothing written */
	ck_assert_uint_eq(rev_of(b), rev_of(a)); /* but B caught up */
	pws_policy_free(a);
	pws_policy_free(b);
	slog_free(&l);
}
END_TEST

/* MP1 under a race: the second enable is refused once it sees the first. */
START_TEST(MP1_race_second_enable_refused)
{
	slog l = { 0 };
	sconn ca, cb;
	pws_policy *a = attach(&l, &ca, NULL), *b;

	base_world(a);
	OK(pws_workspace_create(a, "pm", "pw", "P", PWS_VIS_PARTNER, NULL, RES));
	b = attach(&l, &cb, NULL);
	OK(pws_workspace_enable_multi_partner(a, "pm", "pw", RES));
	DENY(pws_workspace_enable_multi_partner(b, "pm", "pw", RES), PWS_RULE_MP1);
	pws_policy_free(a);
	pws_policy_free(b);
	slog_free(&l);
}
END_TEST

/* Catching up applies others' changes without their events, calls the
 * change callback once, and is a no-op when up to date. */
START_TEST(sync_applies_others_changes_without_events)
{
	slog l = { 0 };
	sconn ca, cb;
	changes ch = { 0, 0 };
	pws_policy *a = attach(&l, &ca, NULL), *b = attach(&l, &cb, &ch);
	uint64_t r = 0;
	int allowed = -1, rule = 0;

	base_world(a);
	ck_assert_int_eq(pws_check(b, &allowed, &rule, "ad1", PWS_ACT_VIEW, "w", NULL),
	                 PWS_ENOTFOUND);
	ck_assert_int_eq(pws_policy_sync(b, &r), PWS_OK);
	ck_assert_uint_eq(r, rev_of(a));
	ck_assert_int_eq(ch.calls, 1);
	ck_assert_uint_eq(ch.last, r);
	ck_assert_int_eq(pws_check(b, &allowed, &rule, "ad1", PWS_ACT_VIEW, "w", NULL), PWS_OK);
	ck_assert_int_eq(allowed, 1);
	ck_assert_int_eq(pws_policy_sync(b, NULL), PWS_OK);
	ck_assert_int_eq(ch.calls, 1); /* nothing new: no callback */
	pws_policy_free(a);
	pws_policy_free(b);
	slog_free(&l);
}
END_TEST

/* Read your writes: B waits for A's revision; a revision nobody wrote
 * times out. */
START_TEST(wait_for_revision)
{
	slog l = { 0 };
	sconn ca, cb;
	pws_policy *a = attach(&l, &ca, NULL), *b = attach(&l, &cb, NULL);
	uint64_t r = 0;

	OK(pws_team_add(a, "t", "T", PWS_PLAN_FREE, 0, RES));
	ck_assert_int_eq(pws_policy_wait(b, rev_of(a), 1000, &r), PWS_OK);
	ck_assert_uint_eq(r, 1);
	ck_assert_int_eq(pws_policy_wait(b, 5, 20, &r), PWS_ETIMEOUT);
	ck_assert_uint_eq(r, 1);
	ck_assert_int_eq(pws_policy_wait(b, 1, -1, &r), PWS_EINVALID);
	ck_assert_int_eq(pws_policy_wait(NULL, 1, 0, &r), PWS_EINVALID);
	ck_assert_int_eq(pws_policy_sync(NULL, &r), PWS_EINVALID);
	ck_assert_int_eq(pws_policy_revision(NULL, &r), PWS_EINVALID);
	ck_assert_int_eq(pws_policy_revision(a, NULL), PWS_EINVALID);
	pws_policy_free(a);
	pws_policy_free(b);
	slog_free(&l);
}
END_TEST

typedef struct evrev {
	uint64_t rev;
	int n;
} evrev;

static void on_event(const pws_event *e, void *payload)
{
	evrev *r = payload;

	r->rev = pws_event_revision(e);
	r->n++;
}

/* Events carry the revision of the change that caused them. */
START_TEST(events_carry_revision)
{
	slog l = { 0 };
	sconn ca;
	pws_storage_ops ops = PWS_STORAGE_OPS_INIT;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_policy *a = NULL;
	evrev er = { 0, 0 };

	memset(&ca, 0, sizeof(ca));
	ca.log = &l;
	ops.ctx = &ca;
	ops.load = s_load;
	ops.begin = s_begin;
	ops.put = s_put;
	ops.commit = s_commit;
	ops.rollback = s_rollback;
	ops.close = s_close;
	ops.append = s_append;
	ops.load_after = s_load_after;
	o.storage = &ops;
	o.on_event = on_event;
	o.event_payload = &er;
	ck_assert_int_eq(pws_policy_new(&a, &o), PWS_OK);
	base_world(a);
	er.n = 0;
	OK(pws_workspace_create(a, "ad1", "pw", "P", PWS_VIS_PARTNER, NULL, RES)); /* a request */
	ck_assert_int_ge(er.n, 1);
	ck_assert_uint_eq(er.rev, rev_of(a));
	ck_assert_uint_eq(pws_event_revision(NULL), 0);
	pws_policy_free(a);
	slog_free(&l);
}
END_TEST

/* A follower behind a compaction made by another writer loads the image
 * (the records it needed are gone) and ends equal. */
START_TEST(follower_loads_compaction)
{
	slog l = { 0 };
	sconn ca, cb, cc;
	pws_policy *a = attach(&l, &ca, NULL), *b = attach(&l, &cb, NULL), *c;
	uint64_t da, db, dc;

	base_world(a);
	OK(pws_compact(a, RES));
	ck_assert_uint_eq(l.n, 1); /* the image alone */
	OK(pws_team_add(a, "after", "After", PWS_PLAN_FREE, 0, RES));
	ck_assert_int_eq(pws_policy_sync(b, NULL), PWS_OK);
	ck_assert_uint_eq(rev_of(b), rev_of(a));
	c = attach(&l, &cc, NULL);
	ck_assert_int_eq(pws_policy_digest(a, &da), PWS_OK);
	ck_assert_int_eq(pws_policy_digest(b, &db), PWS_OK);
	ck_assert_int_eq(pws_policy_digest(c, &dc), PWS_OK);
	ck_assert_uint_eq(da, dc);
	ck_assert_uint_eq(db, dc);
	/* and compaction by a writer that is behind catches up first */
	OK(pws_team_add(c, "more", "More", PWS_PLAN_FREE, 0, RES));
	OK(pws_compact(b, RES));
	ck_assert_int_eq(pws_policy_sync(a, NULL), PWS_OK);
	ck_assert_int_eq(pws_policy_digest(a, &da), PWS_OK);
	ck_assert_int_eq(pws_policy_digest(b, &db), PWS_OK);
	ck_assert_uint_eq(da, db);
	pws_policy_free(a);
	pws_policy_free(b);
	pws_policy_free(c);
	slog_free(&l);
}
END_TEST

/* Many interleaved writers on one log: every accepted call is in it once,
 * and every handle converges. */
START_TEST(interleaved_writers_converge)
{
	enum { H = 4, N = 60 };
	slog l = { 0 };
	sconn cs[H], cf;
	pws_policy *h[H], *f;
	uint64_t d[H], df;
	int i, k, ok = 0;
	char id[32];

	for (i = 0; i < H; i++)
		h[i] = attach(&l, &cs[i], NULL);
	for (k = 0; k < N; k++) {
		i = (k * 7 + k / 3) % H; /* a writer that is often behind */
		snprintf(id, sizeof id, "t%d", k);
		if (pws_team_add(h[i], id, "T", PWS_PLAN_FREE, 0, RES) == PWS_OK)
			ok++;
	}
	ck_assert_int_eq(ok, N);
	ck_assert_uint_eq(l.n, N);
	f = attach(&l, &cf, NULL);
	ck_assert_int_eq(pws_policy_digest(f, &df), PWS_OK);
	for (i = 0; i < H; i++) {
		ck_assert_int_eq(pws_policy_sync(h[i], NULL), PWS_OK);
		ck_assert_int_eq(pws_policy_digest(h[i], &d[i]), PWS_OK);
		ck_assert_uint_eq(d[i], df);
		pws_policy_free(h[i]);
	}
	pws_policy_free(f);
	slog_free(&l);
}
END_TEST

/* Threads: a writer on handle A, a follower syncing handle B and readers
 * checking on B at once (run under ThreadSanitizer in CI). A reader never
 * sees a half-applied change: the number of teams it lists only grows and
 * the check it makes is always answered. */
typedef struct race {
	pws_policy *a, *b;
	volatile int stop;
	int reads, syncs, bad;
} race;

static void *writer(void *arg)
{
	race *r = arg;
	char id[32];
	int k;

	for (k = 0; k < 150; k++) {
		snprintf(id, sizeof id, "tt%d", k);
		if (pws_team_add(r->a, id, "T", PWS_PLAN_FREE, 0, NULL) != PWS_OK)
			r->bad++;
	}
	return NULL;
}

static void *follower(void *arg)
{
	race *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		if (pws_policy_sync(r->b, NULL) != PWS_OK)
			__atomic_add_fetch(&r->bad, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&r->syncs, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *reader(void *arg)
{
	race *r = arg;
	uint64_t last = 0, rev;
	int allowed, rule, rc;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		rc = pws_check(r->b, &allowed, &rule, "ad1", PWS_ACT_VIEW, "w", NULL);
		if (rc != PWS_OK || !allowed)
			__atomic_add_fetch(&r->bad, 1, __ATOMIC_RELAXED);
		if (pws_policy_revision(r->b, &rev) != PWS_OK || rev < last)
			__atomic_add_fetch(&r->bad, 1, __ATOMIC_RELAXED);
		last = rev;
		__atomic_add_fetch(&r->reads, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

START_TEST(threads_write_follow_and_read)
{
	slog l = { 0 };
	sconn ca, cb;
	race r;
	pthread_t tw, tf, tr;
	uint64_t da, db;

	pthread_mutex_init(&l.mu, NULL);
	l.mu_ready = 1;
	memset(&r, 0, sizeof r);
	r.a = attach(&l, &ca, NULL);
	base_world(r.a);
	r.b = attach(&l, &cb, NULL);
	ck_assert_int_eq(pthread_create(&tw, NULL, writer, &r), 0);
	ck_assert_int_eq(pthread_create(&tf, NULL, follower, &r), 0);
	ck_assert_int_eq(pthread_create(&tr, NULL, reader, &r), 0);
	pthread_join(tw, NULL);
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pthread_join(tf, NULL);
	pthread_join(tr, NULL);
	ck_assert_int_eq(r.bad, 0);
	ck_assert_int_eq(pws_policy_sync(r.b, NULL), PWS_OK);
	ck_assert_int_eq(pws_policy_digest(r.a, &da), PWS_OK);
	ck_assert_int_eq(pws_policy_digest(r.b, &db), PWS_OK);
	ck_assert_uint_eq(da, db);
	pws_policy_free(r.a);
	pws_policy_free(r.b);
	slog_free(&l);
}
END_TEST

/* pws_policy_wait on a store with a change feed sleeps in the store's wait,
 * not by polling, and wakes when another writer committed; the revision is
 * then read. */
START_TEST(wait_sleeps_in_the_store_change_feed)
{
	slog l = { 0 };
	sconn ca, cb;
	changes ch = { 0, 0 };
	pws_policy *a = attach(&l, &ca, NULL), *b = attach_ex(&l, &cb, &ch, AT_WAIT);
	uint64_t r = 0;

	OK(pws_team_add(a, "t", "T", PWS_PLAN_FREE, 0, RES));
	cb.writer = a;
	ck_assert_int_eq(pws_policy_wait(b, 2, 5000, &r), PWS_OK);
	ck_assert_uint_eq(r, 2);
	ck_assert_int_eq(cb.waits, 1);
	ck_assert_int_eq(ch.calls, 2); /* record 1, then after the wait record 2 */
	ck_assert_uint_eq(ch.last, 2);
	/* the feed says nothing came: the wait ends at its deadline */
	cb.wait_rc = PWS_ETIMEOUT;
	ck_assert_int_eq(pws_policy_wait(b, 3, 30, NULL), PWS_ETIMEOUT);
	ck_assert_int_ge(cb.waits, 2);
	/* the feed fails: the wait reports the store's error */
	cb.wait_rc = PWS_ESTORAGE;
	cb.waits = 0;
	r = 0;
	ck_assert_int_eq(pws_policy_wait(b, 3, 5000, &r), PWS_ESTORAGE);
	ck_assert_int_eq(cb.waits, 1);
	ck_assert_uint_eq(r, 2);
	pws_policy_free(a);
	pws_policy_free(b);
	slog_free(&l);
}
END_TEST

/* A store that cannot read what others appended: sync and wait report its
 * error and the revision the handle has; nothing is applied, no callback. */
START_TEST(sync_reports_a_failing_catch_up)
{
	slog l = { 0 };
	sconn ca, cb;
	changes ch = { 0, 0 };
	pws_policy *a = attach(&l, &ca, NULL), *b = attach(&l, &cb, &ch);
	uint64_t r = 99, d;

	OK(pws_team_add(a, "t", "T", PWS_PLAN_FREE, 0, RES));
	cb.load_after_rc = PWS_ESTORAGE;
	d = tw_digest(b);
	ck_assert_int_eq(pws_policy_sync(b, &r), PWS_ESTORAGE);
	ck_assert_uint_eq(r, 0);
	ck_assert_int_eq(pws_policy_wait(b, 1, 1000, &r), PWS_ESTORAGE);
	ck_assert_uint_eq(r, 0);
	ck_assert_int_eq(ch.calls, 0);
	ck_assert(tw_digest(b) == d);
	cb.load_after_rc = 0;
	ck_assert_int_eq(pws_policy_sync(b, &r), PWS_OK);
	ck_assert_uint_eq(r, 1);
	ck_assert_int_eq(ch.calls, 1);
	pws_policy_free(a);
	pws_policy_free(b);
	slog_free(&l);
}
END_TEST

/* Single-writer stores (version 1, or version 2 without load_after) and a
 * handle without a store have nothing to catch up: sync succeeds at the
 * handle's own revision, and wait polls until its deadline. */
START_TEST(sync_single_writer_stores_have_nothing_to_catch_up)
{
	static const int kinds[] = { AT_V1, AT_NO_LOAD_AFTER, -1 };
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		slog l = { 0 };
		sconn c;
		changes ch = { 0, 0 };
		pws_policy *p = NULL;
		uint64_t r = 99, r0;

		if (kinds[i] < 0)
			ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
		else
			p = attach_ex(&l, &c, &ch, kinds[i]);
		OK(pws_team_add(p, "t", "T", PWS_PLAN_FREE, 0, RES));
		r0 = rev_of(p);
		ck_assert_int_eq(pws_policy_sync(p, &r), PWS_OK);
		ck_assert_uint_eq(r, r0);
		ck_assert_int_eq(pws_policy_sync(p, NULL), PWS_OK);
		ck_assert_int_eq(pws_policy_wait(p, r0, 0, NULL), PWS_OK);
		ck_assert_int_eq(pws_policy_wait(p, r0 + 1, 5, &r), PWS_ETIMEOUT);
		ck_assert_uint_eq(r, r0);
		ck_assert_int_eq(ch.calls, 0);
		pws_policy_free(p);
		slog_free(&l);
	}
}
END_TEST

Suite *pws_shared_suite(void)
{
	Suite *s = suite_create("shared");
	TCase *tc = tcase_create("log");

	tcase_add_test(tc, revisions_are_store_keys);
	tcase_add_test(tc, conflict_catches_up_and_retries);
	tcase_add_test(tc, RO6_race_second_demotion_refused_on_retry);
	tcase_add_test(tc, MP1_race_second_enable_refused);
	tcase_add_test(tc, sync_applies_others_changes_without_events);
	tcase_add_test(tc, wait_for_revision);
	tcase_add_test(tc, wait_sleeps_in_the_store_change_feed);
	tcase_add_test(tc, sync_reports_a_failing_catch_up);
	tcase_add_test(tc, sync_single_writer_stores_have_nothing_to_catch_up);
	tcase_add_test(tc, events_carry_revision);
	tcase_add_test(tc, follower_loads_compaction);
	tcase_add_test(tc, interleaved_writers_converge);
	suite_add_tcase(s, tc);
	tc = tcase_create("threads");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, threads_write_follow_and_read);
	suite_add_tcase(s, tc);
	return s;
}
