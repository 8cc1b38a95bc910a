/*
 * libpartnerws SQLite adapter benchmark: builds the bench/bench.c world
 * (10,000 workspaces x 100 members = 1M memberships; --quick: 1/10) on a
 * SQLite file through the public API, closes it, then times
 * pws_policy_new() reopening it (load + replay). Also times the adapter's
 * load alone and the cost of one write-through call under
 * synchronous=FULL and NORMAL.
 *
 * --multi measures only several processes on one file: commit-to-visible
 * latency on a second process (blocked in pws_policy_wait), appends per
 * second with 1, 2 and 4 writing processes, and a fresh handle catching
 * up 100,000 records (pws_policy_sync); about 15 s.
 *
 * Run by hand: ./bench/bench-sqlite [--quick] [--keep] [--multi] [DB-PATH]. Prints
 * figures and asserts nothing about time; aborts only when a call fails.
 * Link: the adapter, the core library, SQLite.
 *
 * The build wraps the adapter in a host-side batching table (one SQLite
 * transaction per 4096 change sets, flushed at close), a legitimate
 * bulk-import shortcut written against the public vtable: it trades
 * crash durability of the last batch for build speed, and changes nothing
 * in what is stored or how it is loaded.
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L

#include <partnerws-sqlite.h>

#include <sqlite3.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BENCH_NAME "bench-sqlite"
#include "bench-util.h"

#define MEMBERS_PER_WS 100u
#define PARTNERS_PER_WS 10u
#define TEAM_INVITED (MEMBERS_PER_WS - PARTNERS_PER_WS - 1u) /* pm is the 1st */
#define USERS_PER_ORG 10u
#define MULTI_ORGS 5u
#define ID_LEN 48
#define LOAD_ROUNDS 3
#define BATCH 4096u
#define WT_CALLS 2000

/* ------------------------------------------------------------------ */
/* helpers                                                             */


static uint64_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static void rm_store(const char *path)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	char f[1100];
	size_t i;

	for (i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(f, sizeof f, "%s%s", path, suffix[i]);
		unlink(f);
	}
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(((rnd() >> 32) * (uint64_t)n) >> 32);
}

static void pick_distinct(uint32_t *out, uint32_t n, uint32_t range)
{
	uint32_t i, j;

	for (i = 0; i < n; i++) {
		uint32_t v;
		int dup;

		do {
			v = rnd_below(range);
			dup = 0;
			for (j = 0; j < i; j++)
				if (out[j] == v)
					dup = 1;
		} while (dup);
		out[i] = v;
	}
}

/* ------------------------------------------------------------------ */
/* a host-side batching wrapper around the adapter (build only)        */

typedef struct batcher {
	pws_storage_ops inner;
	unsigned long pending; /* change sets in the open transaction */
	int open;
} batcher;

static int b_load(void *ctx, pws_storage_sink sink, void *sink_ctx)
{
	batcher *b = ctx;

	return b->inner.load(b->inner.ctx, sink, sink_ctx);
}

static int b_begin(void *ctx)
{
	batcher *b = ctx;
	int rc;

	if (b->open)
		return PWS_OK;
	rc = b->inner.begin(b->inner.ctx);
	b->open = rc == PWS_OK;
	return rc;
}

static int b_put(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                 size_t data_len)
{
	batcher *b = ctx;

	return b->inner.put(b->inner.ctx, kind, key, key_len, data, data_len);
}

static int b_del(void *ctx, uint32_t kind, const char *key, size_t key_len)
{
	batcher *b = ctx;

	return b->inner.del(b->inner.ctx, kind, key, key_len);
}

static int b_commit(void *ctx)
{
	batcher *b = ctx;
	int rc;

	if (++b->pending < BATCH)
		return PWS_OK;
	b->pending = 0;
	b->open = 0;
	rc = b->inner.commit(b->inner.ctx);
	return rc;
}

/* A failed call never happens in the build (CK aborts), so discarding the
 * whole batch is never exercised; a real host would have to replay it. */
static int b_rollback(void *ctx)
{
	batcher *b = ctx;

	b->pending = 0;
	b->open = 0;
	return b->inner.rollback(b->inner.ctx);
}

static void b_close(void *ctx)
{
	batcher *b = ctx;

	if (b->open && b->inner.commit(b->inner.ctx) != PWS_OK)
		fprintf(stderr, "bench-sqlite: final commit failed: %s\n",
		        pws_sqlite_storage_errmsg(&b->inner));
	b->inner.close(b->inner.ctx);
	free(b);
}

/* ------------------------------------------------------------------ */
/* the world (as bench/bench.c)                                        */

typedef char idbuf[ID_LEN];

typedef struct world {
	uint32_t n_ws, n_team, n_orgs, n_users;
	idbuf *user_id, *user_email, *ws_id;
	uint64_t memberships, calls;
} world;

static uint32_t partner_index(const world *W, uint32_t org, uint32_t j)
{
	return W->n_team + org * USERS_PER_ORG + j;
}

static void world_prepare(world *W, uint32_t n_ws, uint32_t n_team, uint32_t n_orgs)
{
	uint32_t i, k, j;

	memset(W, 0, sizeof *W);
	W->n_ws = n_ws;
	W->n_team = n_team;
	W->n_orgs = n_orgs;
	W->n_users = n_team + n_orgs * USERS_PER_ORG;
	W->user_id = xcalloc(W->n_users, sizeof(idbuf));
	W->user_email = xcalloc(W->n_users, sizeof(idbuf));
	W->ws_id = xcalloc(n_ws, sizeof(idbuf));
	for (i = 0; i < n_team; i++) {
		snprintf(W->user_id[i], ID_LEN, "u%u", i);
		snprintf(W->user_email[i], ID_LEN, "u%u@pub.com", i);
	}
	for (k = 0; k < n_orgs; k++)
		for (j = 0; j < USERS_PER_ORG; j++) {
			uint32_t u = partner_index(W, k, j);

			snprintf(W->user_id[u], ID_LEN, "p%u_%u", k, j);
			snprintf(W->user_email[u], ID_LEN, "p%u_%u@org%u.example", k, j, k);
		}
	for (i = 0; i < n_ws; i++)
		snprintf(W->ws_id[i], ID_LEN, "ws%u", i);
}

static void world_free(world *W)
{
	free(W->user_id);
	free(W->user_email);
	free(W->ws_id);
}

static void member_join(world *W, pws_policy *p, uint32_t w, uint32_t u, int kind, int role)
{
	CK(pws_invite(p, "pm", W->ws_id[w], W->user_email[u], kind, role, 0, NULL));
	CK(pws_invite_accept(p, W->user_id[u], W->ws_id[w], NULL, NULL));
	W->memberships++;
	W->calls += 2;
}

static void world_build(world *W, pws_policy *p)
{
	char tid[ID_LEN], dom[ID_LEN];
	uint32_t i, k, j, w;

	CK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, NULL));
	CK(pws_team_add_domain(p, "pub", "pub.com", NULL));
	CK(pws_team_set_editor_seats(p, "pub", 1000000u, NULL));
	CK(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, NULL));
	W->calls += 4;
	for (i = 0; i < W->n_team; i++, W->calls++)
		CK(pws_user_add(p, W->user_id[i], W->user_email[i], "pub", PWS_TEAM_MEMBER, 0,
		                NULL));
	for (k = 0; k < W->n_orgs; k++) {
		snprintf(tid, sizeof tid, "org%u", k);
		snprintf(dom, sizeof dom, "org%u.example", k);
		CK(pws_team_add(p, tid, tid, PWS_PLAN_PROFESSIONAL, 0, NULL));
		CK(pws_team_add_domain(p, tid, dom, NULL));
		W->calls += 2;
		for (j = 0; j < USERS_PER_ORG; j++, W->calls++)
			CK(pws_user_add(p, W->user_id[partner_index(W, k, j)],
			                W->user_email[partner_index(W, k, j)], tid, PWS_TEAM_MEMBER,
			                0, NULL));
	}
	for (w = 0; w < W->n_ws; w++) {
		uint32_t team[TEAM_INVITED], orgs[MULTI_ORGS], two[2];

		CK(pws_workspace_create(p, "pm", W->ws_id[w], W->ws_id[w], PWS_VIS_PARTNER, NULL,
		                        NULL));
		W->calls++;
		W->memberships++;
		pick_distinct(team, TEAM_INVITED, W->n_team);
		for (i = 0; i < TEAM_INVITED; i++)
			member_join(W, p, w, team[i], PWS_INVITE_MEMBER,
			            rnd_below(3) == 0 ? PWS_ROLE_EDITOR : PWS_ROLE_VIEWER);
		if (w % 10 != 9) {
			uint32_t org = rnd_below(W->n_orgs);

			for (j = 0; j < USERS_PER_ORG; j++)
				member_join(W, p, w, partner_index(W, org, j), PWS_INVITE_PARTNER,
				            rnd_below(2) ? PWS_ROLE_EDITOR : PWS_ROLE_VIEWER);
		} else {
			pick_distinct(orgs, MULTI_ORGS, W->n_orgs);
			for (k = 0; k < MULTI_ORGS; k++) {
				pick_distinct(two, 2, USERS_PER_ORG);
				for (j = 0; j < 2; j++)
					member_join(W, p, w, partner_index(W, orgs[k], two[j]),
					            PWS_INVITE_PARTNER,
					            rnd_below(2) ? PWS_ROLE_EDITOR : PWS_ROLE_VIEWER);
			}
		}
	}
	for (w = 0; w < W->n_ws; w++)
		if (w % 10 == 9) {
			CK(pws_workspace_enable_multi_partner(p, "pm", W->ws_id[w], NULL));
			W->calls++;
		}
}

/* ------------------------------------------------------------------ */
/* measurements                                                        */

static int count_sink(void *ctx, uint32_t kind, const char *key, size_t key_len,
                      const void *data, size_t data_len)
{
	uint64_t *n = ctx;

	(void)kind;
	(void)key;
	(void)key_len;
	(void)data;
	n[0]++;
	n[1] += data_len;
	return PWS_OK;
}

static pws_policy *open_policy(const char *path, unsigned int flags)
{
	pws_storage_ops ops;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_policy *p;
	int rc;

	CK(pws_sqlite_storage_open(&ops, path, flags));
	o.storage = &ops;
	rc = pws_policy_new(&p, &o);
	if (rc != PWS_OK) {
		fprintf(stderr, "bench-sqlite: adapter says: %s\n", pws_sqlite_storage_errmsg(&ops));
		ops.close(ops.ctx);
		die("pws_policy_new", rc, __FILE__, __LINE__);
	}
	return p;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The cost of one write-through call (pws_team_add), per sync mode. */
static void measure_write_through(const char *dir)
{
	static const struct {
		unsigned int flags;
		const char *name;
	} modes[2] = {{0, "synchronous=FULL"}, {PWS_SQLITE_SYNC_NORMAL, "synchronous=NORMAL"}};
	char path[1100], id[32];
	double lat[WT_CALLS];
	int m, i;

	for (m = 0; m < 2; m++) {
		pws_policy *p;
		uint64_t t0, t1;

		snprintf(path, sizeof path, "%s/bench-sqlite-wt.db", dir);
		rm_store(path);
		p = open_policy(path, modes[m].flags);
		t0 = now_ns();
		for (i = 0; i < WT_CALLS; i++) {
			uint64_t a = now_ns();

			snprintf(id, sizeof id, "t%d", i);
			CK(pws_team_add(p, id, id, PWS_PLAN_FREE, 0, NULL));
			lat[i] = (double)(now_ns() - a) / 1e3;
		}
		t1 = now_ns();
		pws_policy_free(p);
		rm_store(path);
		qsort(lat, WT_CALLS, sizeof lat[0], cmp_double);
		printf("write-through, one call = one SQLite transaction, %-19s %d calls: "
		       "%.0f calls/s, p50 %.1f us, p99 %.1f us\n",
		       modes[m].name, WT_CALLS, WT_CALLS / secs(t0, t1), lat[WT_CALLS / 2],
		       lat[WT_CALLS * 99 / 100]);
	}
}

/* ------------------------------------------------------------------ */
/* several processes on one file (--multi)                             */

#define VIS_ROUNDS 400
#define APPEND_SECS 1.5
#define CATCHUP_RECORDS 100000u

static void xwrite(int fd, const void *p, size_t n)
{
	if (write(fd, p, n) != (ssize_t)n)
		die("write", PWS_ERROR, __FILE__, __LINE__);
}

static int xread(int fd, void *p, size_t n)
{
	return read(fd, p, n) == (ssize_t)n;
}

static void reap_all(void)
{
	while (wait(NULL) > 0)
		;
}

/* A commits; B, blocked in pws_policy_wait for the next revision, wakes:
 * the time from A's call returning to B's wake (CLOCK_MONOTONIC is one
 * clock for every process of the machine). */
static void measure_visible(const char *path)
{
	int to_a[2], to_b[2], from_b[2], i;
	double lat[VIS_ROUNDS];
	pws_policy *a;
	pid_t pid;

	rm_store(path);
	pws_policy_free(open_policy(path, 0)); /* creates the file */
	if (pipe(to_b) || pipe(from_b) || pipe(to_a))
		die("pipe", PWS_ERROR, __FILE__, __LINE__);
	fflush(NULL);
	pid = fork();
	if (pid == 0) { /* B */
		pws_policy *b;
		uint64_t rev = 0, want;

		close(to_b[1]); /* EOF once A is done */
		b = open_policy(path, 0);
		while (xread(to_b[0], &want, sizeof want)) {
			uint64_t t;

			CK(pws_policy_wait(b, want, 5000, &rev));
			t = now_ns();
			xwrite(from_b[1], &t, sizeof t);
		}
		pws_policy_free(b);
		_exit(0);
	}
	a = open_policy(path, 0);
	for (i = 0; i < VIS_ROUNDS; i++) {
		uint64_t rev, t_ret, t_wake;
		struct timespec ts = {0, 2000000}; /* B is blocked by then */
		char id[32];

		CK(pws_policy_revision(a, &rev));
		rev++;
		xwrite(to_b[1], &rev, sizeof rev);
		nanosleep(&ts, NULL);
		snprintf(id, sizeof id, "v%d", i);
		CK(pws_team_add(a, id, id, PWS_PLAN_FREE, 0, NULL));
		t_ret = now_ns();
		if (!xread(from_b[0], &t_wake, sizeof t_wake))
			die("read", PWS_ERROR, __FILE__, __LINE__);
		lat[i] = ((double)t_wake - (double)t_ret) / 1e3;
	}
	close(to_b[1]);
	reap_all();
	pws_policy_free(a);
	close(to_b[0]), close(from_b[0]), close(from_b[1]), close(to_a[0]), close(to_a[1]);
	qsort(lat, VIS_ROUNDS, sizeof lat[0], cmp_double);
	printf("commit to visible on a second process (B blocked in pws_policy_wait, the "
	       "adapter's wait polls data_version every 1 ms), %d commits: p50 %.0f us, p99 %.0f "
	       "us, max %.0f us (from A's call returning to B's wake)\n",
	       VIS_ROUNDS, lat[VIS_ROUNDS / 2], lat[VIS_ROUNDS * 99 / 100], lat[VIS_ROUNDS - 1]);
}

/* k processes append (pws_team_add, distinct ids) for APPEND_SECS at
 * once; conflicts are caught up and retried by the library. */
static void measure_appends(const char *path, int k, unsigned int flags)
{
	int go[2], out[2], i;
	uint64_t total = 0, conflicts = 0, t0, t1;
	char c;

	rm_store(path);
	pws_policy_free(open_policy(path, flags));
	if (pipe(go) || pipe(out))
		die("pipe", PWS_ERROR, __FILE__, __LINE__);
	fflush(NULL);
	for (i = 0; i < k; i++) {
		if (fork() == 0) {
			pws_policy *p = open_policy(path, flags);
			uint64_t r[2] = {0, 0}, end;
			char id[48];

			close(go[1]);
			c = 'r';
			xwrite(out[1], &c, 1);
			(void)!read(go[0], &c, 1); /* EOF: go */
			end = now_ns() + (uint64_t)(APPEND_SECS * 1e9);
			while (now_ns() < end) {
				int rc;

				snprintf(id, sizeof id, "p%d-%llu", i, (unsigned long long)(r[0] + r[1]));
				rc = pws_team_add(p, id, id, PWS_PLAN_FREE, 0, NULL);
				if (rc == PWS_ECONFLICT)
					r[1]++;
				else if (rc == PWS_OK)
					r[0]++;
				else
					die("pws_team_add", rc, __FILE__, __LINE__);
			}
			xwrite(out[1], r, sizeof r);
			pws_policy_free(p);
			_exit(0);
		}
	}
	close(out[1]);
	for (i = 0; i < k; i++)
		if (!xread(out[0], &c, 1))
			die("ready", PWS_ERROR, __FILE__, __LINE__);
	t0 = now_ns();
	close(go[1]);
	for (i = 0; i < k; i++) {
		uint64_t r[2];

		if (!xread(out[0], r, sizeof r))
			die("result", PWS_ERROR, __FILE__, __LINE__);
		total += r[0];
		conflicts += r[1];
	}
	t1 = now_ns();
	reap_all();
	close(go[0]);
	close(out[0]);
	{
		pws_policy *p = open_policy(path, 0);
		uint64_t rev;

		CK(pws_policy_revision(p, &rev));
		pws_policy_free(p);
		if (rev != total) {
			fprintf(stderr, "bench-sqlite: %llu appends accepted, the store holds %llu\n",
			        (unsigned long long)total, (unsigned long long)rev);
			exit(2);
		}
	}
	printf("appends, %d writing process%s, %s: %.0f accepted/s in all (%llu in %.1f s; "
	       "%llu calls gave up after the library's retries)\n",
	       k, k > 1 ? "es" : "", flags ? "synchronous=NORMAL" : "synchronous=FULL",
	       (double)total / secs(t0, t1), (unsigned long long)total, secs(t0, t1),
	       (unsigned long long)conflicts);
}

/* A handle opened on the empty file (revision 0) catches up 100,000
 * records another handle appended. */
static void measure_catch_up(const char *path)
{
	pws_policy *f, *w;
	pws_storage_ops ops;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	batcher *b;
	uint64_t t0, t1, rev, d1, d2;
	unsigned i;
	char id[32];

	rm_store(path);
	f = open_policy(path, 0);
	/* the writer batches its transactions (as the build above) */
	b = xcalloc(1, sizeof *b);
	CK(pws_sqlite_storage_open(&b->inner, path, PWS_SQLITE_SYNC_NORMAL));
	CK(pws_storage_ops_init(&ops, 1));
	ops.ctx = b;
	ops.load = b_load;
	ops.begin = b_begin;
	ops.put = b_put;
	ops.del = b_del;
	ops.commit = b_commit;
	ops.rollback = b_rollback;
	ops.close = b_close;
	o.storage = &ops;
	CK(pws_policy_new(&w, &o));
	for (i = 0; i < CATCHUP_RECORDS; i++) {
		snprintf(id, sizeof id, "c%u", i);
		CK(pws_team_add(w, id, id, PWS_PLAN_FREE, 0, NULL));
	}
	CK(pws_policy_digest(w, &d1));
	pws_policy_free(w);
	t0 = now_ns();
	CK(pws_policy_sync(f, &rev));
	t1 = now_ns();
	CK(pws_policy_digest(f, &d2));
	if (rev != CATCHUP_RECORDS || d1 != d2) {
		fprintf(stderr, "bench-sqlite: catch-up reached %llu, digests %s\n",
		        (unsigned long long)rev, d1 == d2 ? "equal" : "differ");
		exit(2);
	}
	pws_policy_free(f);
	rm_store(path);
	printf("catching up: a handle at revision 0 syncs %u records (pws_policy_sync): %.3f s "
	       "(%.0f records/s); state identical\n",
	       CATCHUP_RECORDS, secs(t0, t1), CATCHUP_RECORDS / secs(t0, t1));
}

static void measure_multi(const char *dir)
{
	char path[1100];
	int k;

	snprintf(path, sizeof path, "%s/bench-sqlite-multi-%ld.db", dir, (long)getpid());
	measure_visible(path);
	for (k = 1; k <= 4; k *= 2)
		measure_appends(path, k, 0);
	for (k = 1; k <= 4; k *= 2)
		measure_appends(path, k, PWS_SQLITE_SYNC_NORMAL);
	measure_catch_up(path);
	rm_store(path);
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	char path[1024] = "", dir[1024];
	int quick = 0, keep = 0, multi = 0, i, r;
	world W;
	pws_policy *p;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	batcher *b;
	uint64_t t0, t1, d_built, d, n[2], rss0 = 0, rss1 = 0;
	double t_build, t_load[LOAD_ROUNDS], t_raw[LOAD_ROUNDS];
	pws_storage_ops ops;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			quick = 1;
		else if (strcmp(argv[i], "--keep") == 0)
			keep = 1;
		else if (strcmp(argv[i], "--multi") == 0)
			multi = 1;
		else if (argv[i][0] != '-')
			snprintf(path, sizeof path, "%s", argv[i]);
		else {
			fprintf(stderr, "usage: %s [--quick] [--keep] [--multi] [DB-PATH]\n", argv[0]);
			return 2;
		}
	}
	if (!path[0])
		snprintf(path, sizeof path, "%s/bench-sqlite-%ld.db", tmp && *tmp ? tmp : "/tmp",
		         (long)getpid());
	snprintf(dir, sizeof dir, "%s", path);
	{
		char *slash = strrchr(dir, '/');

		if (slash)
			*slash = 0;
		else
			snprintf(dir, sizeof dir, ".");
	}
	printf("SQLite %s, libpartnerws %s, database %s\n", sqlite3_libversion(),
	       pws_version_string(), path);
	if (multi) {
		measure_multi(dir);
		return 0;
	}
	world_prepare(&W, quick ? 1000u : 10000u, quick ? 1000u : 10000u, quick ? 100u : 1000u);

	/* build, through a batching wrapper */
	rm_store(path);
	b = xcalloc(1, sizeof *b);
	CK(pws_sqlite_storage_open(&b->inner, path, PWS_SQLITE_SYNC_NORMAL));
	CK(pws_storage_ops_init(&ops, PWS_STORAGE_OPS_VERSION));
	ops.ctx = b;
	ops.load = b_load;
	ops.begin = b_begin;
	ops.put = b_put;
	ops.del = b_del;
	ops.commit = b_commit;
	ops.rollback = b_rollback;
	ops.close = b_close;
	o.storage = &ops;
	t0 = now_ns();
	CK(pws_policy_new(&p, &o));
	world_build(&W, p);
	CK(pws_policy_digest(p, &d_built));
	pws_policy_free(p); /* flushes the last batch, closes */
	t1 = now_ns();
	t_build = secs(t0, t1);
	printf("build: %llu memberships (%u workspaces), %llu API calls, %.2f s "
	       "(%.0f calls/s; one SQLite transaction per %u calls)\n",
	       (unsigned long long)W.memberships, W.n_ws, (unsigned long long)W.calls, t_build,
	       (double)W.calls / t_build, BATCH);
	{
		char wal[1100];

		snprintf(wal, sizeof wal, "%s-wal", path);
		printf("file: %.1f MiB (WAL left after close: %.1f MiB)\n",
		       (double)file_size(path) / 1048576.0, (double)file_size(wal) / 1048576.0);
	}

	/* the adapter alone: read every record, no replay */
	for (r = 0; r < LOAD_ROUNDS; r++) {
		CK(pws_sqlite_storage_open(&ops, path, PWS_SQLITE_READONLY));
		n[0] = n[1] = 0;
		t0 = now_ns();
		CK(ops.load(ops.ctx, count_sink, n));
		t1 = now_ns();
		ops.close(ops.ctx);
		t_raw[r] = secs(t0, t1);
	}
	qsort(t_raw, LOAD_ROUNDS, sizeof t_raw[0], cmp_double);
	printf("records: %llu (%.1f bytes of data each, %.1f bytes of file each)\n",
	       (unsigned long long)n[0], (double)n[1] / (double)n[0],
	       (double)file_size(path) / (double)n[0]);
	printf("adapter load alone (SELECT in key order, no replay): best %.3f s, median %.3f s "
	       "(%.2f M records/s)\n",
	       t_raw[0], t_raw[LOAD_ROUNDS / 2], (double)n[0] / t_raw[0] / 1e6);

	/* the figure asked for: pws_policy_new reopening the file */
	for (r = 0; r < LOAD_ROUNDS; r++) {
		uint64_t before = rss_bytes();

		t0 = now_ns();
		p = open_policy(path, 0);
		t1 = now_ns();
		if (r == 0) { /* later rounds reuse the heap the first one freed */
			rss0 = before;
			rss1 = rss_bytes();
		}
		t_load[r] = secs(t0, t1);
		CK(pws_policy_digest(p, &d));
		if (d != d_built) {
			fprintf(stderr, "bench-sqlite: reopened state differs (digest %016llx, built "
			                "%016llx)\n",
			        (unsigned long long)d, (unsigned long long)d_built);
			return 2;
		}
		pws_policy_free(p);
	}
	{
		double sorted[LOAD_ROUNDS];

		memcpy(sorted, t_load, sizeof sorted);
		qsort(sorted, LOAD_ROUNDS, sizeof sorted[0], cmp_double);
		printf("pws_policy_new reopening %llu memberships (%llu records): best %.2f s, median "
		       "%.2f s (%.2f M records/s); state identical (digest %016llx)\n",
		       (unsigned long long)W.memberships, (unsigned long long)n[0], sorted[0],
		       sorted[LOAD_ROUNDS / 2], (double)n[0] / sorted[0] / 1e6,
		       (unsigned long long)d_built);
		printf("  of which SQLite reading: ~%.0f%%; RSS growth at the first load %.1f MiB\n",
		       100.0 * t_raw[0] / sorted[0], (double)(rss1 - rss0) / 1048576.0);
	}

	/* the same file compacted into one state image (pws_compact) */
	{
		double best = 1e9, t_compact;

		p = open_policy(path, 0);
		t0 = now_ns();
		CK(pws_compact(p, NULL));
		t1 = now_ns();
		t_compact = secs(t0, t1);
		pws_policy_free(p);
		for (r = 0; r < LOAD_ROUNDS; r++) {
			t0 = now_ns();
			p = open_policy(path, 0);
			t1 = now_ns();
			CK(pws_policy_digest(p, &d));
			if (d != d_built) {
				fprintf(stderr, "bench-sqlite: state after compaction differs\n");
				return 2;
			}
			pws_policy_free(p);
			best = secs(t0, t1) < best ? secs(t0, t1) : best;
		}
		printf("pws_compact: %.2f s (one transaction: the image put, %llu records deleted); "
		       "file %.1f MiB\n",
		       t_compact, (unsigned long long)n[0], (double)file_size(path) / 1048576.0);
		printf("pws_policy_new reopening the compacted file: best %.3f s of %d (target <= 2 s: "
		       "%s); state identical\n",
		       best, LOAD_ROUNDS, best <= 2.0 ? "met" : "NOT met");
	}

	measure_write_through(dir);
	if (!keep)
		rm_store(path);
	else
		printf("kept %s\n", path);
	world_free(&W);
	return 0;
}
