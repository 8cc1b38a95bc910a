/*
 * The PostgreSQL adapter as a shared log: many processes, one policy.
 *  1. commit-to-visible latency: a writer process commits, a follower
 *     process blocked in pws_policy_wait() (LISTEN/NOTIFY) sees it;
 *     p50/p99 over the round trips;
 *  2. appends per second with 1, 2 and 4 writing processes on one log
 *     (each call of each process is decided on the newest state: a
 *     conflict makes it catch up and decide again);
 *  3. catching up 100,000 records (--quick: 10,000): a handle opened on
 *     the empty log syncs them; and a fresh handle loads them.
 * Run by hand under a throwaway server:
 *     tests/pg-cluster.sh run ./bench/bench-pg [--quick] [CONNINFO]
 * (CONNINFO defaults to $PWS_PG_CONNINFO). Every phase uses a fresh schema.
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L
#define BENCH_NAME "bench-pg"

#include <partnerws-pg.h>

#include "bench-util.h"

#include <libpq-fe.h>

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

static const char *base_ci;

static void sql_or_die(const char *ci, const char *q)
{
	PGconn *c = PQconnectdb(ci);
	PGresult *r;

	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, BENCH_NAME ": %s", PQerrorMessage(c));
		exit(2);
	}
	r = PQexec(c, q);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, BENCH_NAME ": %s: %s", q, PQerrorMessage(c));
		exit(2);
	}
	PQclear(r);
	PQfinish(c);
}

/* A fresh schema; ci receives its connection string. */
static void fresh_schema(const char *name, char *ci, size_t n)
{
	char q[256];

	snprintf(q, sizeof q, "SET client_min_messages = warning; DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", name, name);
	sql_or_die(base_ci, q);
	snprintf(ci, n, "%s options='-c search_path=%s'", base_ci, name);
}

static pws_policy *open_policy(const char *ci)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops ops;
	pws_policy *p;
	int rc = pws_pg_storage_open(&ops, ci, 0);

	if (rc != PWS_OK) {
		fprintf(stderr, BENCH_NAME ": open: %s\n", pws_pg_storage_errmsg(&ops));
		exit(2);
	}
	o.storage = &ops;
	rc = pws_policy_new(&p, &o);
	if (rc != PWS_OK) {
		ops.close(ops.ctx);
		die("pws_policy_new", rc, __FILE__, __LINE__);
	}
	return p;
}

static uint64_t revision_of(const pws_policy *p)
{
	uint64_t r;

	CK(pws_policy_revision(p, &r));
	return r;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void xwrite(int fd, const void *buf, size_t n)
{
	if (write(fd, buf, n) != (ssize_t)n) {
		perror(BENCH_NAME ": write");
		exit(2);
	}
}

static void xread(int fd, void *buf, size_t n)
{
	if (read(fd, buf, n) != (ssize_t)n) {
		perror(BENCH_NAME ": read");
		exit(2);
	}
}

/* ------------------------------------------------------------------ */
/* 1. commit-to-visible latency on a second process                    */

static void follower(const char *ci, int rounds, int to_parent, int from_parent)
{
	pws_policy *p = open_policy(ci);
	uint64_t ready = 0;
	int i;

	xwrite(to_parent, &ready, sizeof ready); /* connected and loaded */
	for (i = 0; i < rounds; i++) {
		uint64_t want, seen = 0, t;

		xread(from_parent, &want, sizeof want); /* "I am about to write want" */
		CK(pws_policy_wait(p, want, 10000, &seen));
		t = now_ns();
		xwrite(to_parent, &t, sizeof t);
	}
	pws_policy_free(p);
	_exit(0);
}

static void bench_latency(int rounds)
{
	char ci[1024];
	int up[2], down[2], i, status;
	uint64_t *lat = xcalloc((size_t)rounds, sizeof *lat), *lat_call;
	pws_policy *w;
	pid_t pid;

	lat_call = xcalloc((size_t)rounds, sizeof *lat_call);
	fresh_schema("bench_lat", ci, sizeof ci);
	w = open_policy(ci);
	CK(pws_team_add(w, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, NULL));
	if (pipe(up) != 0 || pipe(down) != 0) {
		perror("pipe");
		exit(2);
	}
	pid = fork();
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		follower(ci, rounds, up[1], down[0]);
	}
	close(up[1]);
	close(down[0]);
	{
		uint64_t ready;

		xread(up[0], &ready, sizeof ready);
	}
	for (i = 0; i < rounds; i++) {
		char id[32];
		uint64_t want = revision_of(w) + 1, t0, t1, tv;

		xwrite(down[1], &want, sizeof want);
		{ /* let the follower block in its wait */
			struct timespec ts = {0, 2000000};

			nanosleep(&ts, NULL);
		}
		snprintf(id, sizeof id, "t%d", i);
		t0 = now_ns();
		CK(pws_team_add(w, id, "Team", PWS_PLAN_FREE, 0, NULL));
		t1 = now_ns();
		xread(up[0], &tv, sizeof tv);
		/* from the call's return (the commit acknowledged; the notice may
		 * even arrive first) and from the call's start */
		lat[i] = tv > t1 ? tv - t1 : 0;
		lat_call[i] = tv - t0;
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, BENCH_NAME ": the follower failed\n");
		exit(2);
	}
	qsort(lat, (size_t)rounds, sizeof *lat, cmp_u64);
	qsort(lat_call, (size_t)rounds, sizeof *lat_call, cmp_u64);
	printf("commit-to-visible on a second process (%d rounds, LISTEN/NOTIFY):\n", rounds);
	printf("  after the writer's call returned: p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
	       lat[rounds / 2] / 1e6, lat[rounds * 99 / 100] / 1e6, lat[rounds - 1] / 1e6);
	printf("  from the writer's call start:     p50 %.3f ms, p99 %.3f ms\n",
	       lat_call[rounds / 2] / 1e6, lat_call[rounds * 99 / 100] / 1e6);
	pws_policy_free(w);
	free(lat);
	free(lat_call);
}

/* ------------------------------------------------------------------ */
/* 2. appends per second, 1/2/4 writing processes                      */

static void writer(const char *ci, int who, double seconds, int to_parent)
{
	pws_policy *p = open_policy(ci);
	uint64_t end = now_ns() + (uint64_t)(seconds * 1e9);
	long counts[2] = {0, 0}; /* ok, conflicts given up */
	int i = 0, rc;

	while (now_ns() < end) {
		char id[32];

		snprintf(id, sizeof id, "w%d_%d", who, i++);
		rc = pws_team_add(p, id, "Team", PWS_PLAN_FREE, 0, NULL);
		if (rc == PWS_OK)
			counts[0]++;
		else if (rc == PWS_ECONFLICT)
			counts[1]++;
		else
			die("pws_team_add", rc, __FILE__, __LINE__);
	}
	xwrite(to_parent, counts, sizeof counts);
	pws_policy_free(p);
	_exit(0);
}

static void bench_writers(int nproc, double seconds)
{
	char ci[1024], name[32];
	int fds[2], i, status;
	long total = 0, given_up = 0;
	uint64_t t0, t1;
	pws_policy *check;

	snprintf(name, sizeof name, "bench_w%d", nproc);
	fresh_schema(name, ci, sizeof ci);
	/* create the tables before the writers race to */
	check = open_policy(ci);
	if (pipe(fds) != 0) {
		perror("pipe");
		exit(2);
	}
	t0 = now_ns();
	for (i = 0; i < nproc; i++)
		if (fork() == 0) {
			close(fds[0]);
			writer(ci, i, seconds, fds[1]);
		}
	close(fds[1]);
	for (i = 0; i < nproc; i++) {
		long c[2];

		xread(fds[0], c, sizeof c);
		total += c[0];
		given_up += c[1];
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, BENCH_NAME ": a writer failed\n");
			exit(2);
		}
	t1 = now_ns();
	close(fds[0]);
	CK(pws_policy_sync(check, NULL));
	if ((long)revision_of(check) != total) {
		fprintf(stderr, BENCH_NAME ": %ld calls succeeded but the log holds %llu\n", total,
		        (unsigned long long)revision_of(check));
		exit(2);
	}
	printf("  %d writing process%s: %8.0f appends/s (%ld in %.2f s; %ld calls gave up"
	       " after 8 conflicts)\n",
	       nproc, nproc > 1 ? "es" : "  ", total / secs(t0, t1), total, secs(t0, t1),
	       given_up);
	pws_policy_free(check);
}

/* ------------------------------------------------------------------ */
/* 3. catching up N records                                            */

/* A version-1 table keeping the records in memory, to make a big log
 * quickly (then copied to the server in one COPY). */
typedef struct mem_log {
	char (*keys)[17];
	unsigned char **data;
	size_t *len;
	size_t n, cap;
} mem_log;

static int mem_put(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                   size_t data_len)
{
	mem_log *m = ctx;

	if (kind != PWS_RECORD_OP || key_len != 16 || m->n == m->cap)
		return PWS_ESTORAGE;
	memcpy(m->keys[m->n], key, 16);
	m->keys[m->n][16] = 0;
	m->data[m->n] = xcalloc(1, data_len);
	memcpy(m->data[m->n], data, data_len);
	m->len[m->n++] = data_len;
	return PWS_OK;
}

static void mem_close(void *ctx)
{
	(void)ctx;
}

static void hex(char *out, const unsigned char *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = 0;
}

static void copy_log(const char *ci, const mem_log *m)
{
	PGconn *c = PQconnectdb(ci);
	PGresult *r;
	char *line = NULL;
	size_t cap = 0, i;

	r = PQexec(c, "COPY pws_log(kind, key, data) FROM STDIN");
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		fprintf(stderr, BENCH_NAME ": COPY: %s", PQerrorMessage(c));
		exit(2);
	}
	PQclear(r);
	for (i = 0; i < m->n; i++) {
		size_t need = 64 + 2 * m->len[i] + 40;
		int n;

		if (need > cap) {
			free(line);
			cap = need * 2;
			line = xcalloc(1, cap);
		}
		n = snprintf(line, cap, "%d\t\\\\x", PWS_RECORD_OP);
		hex(line + n, (const unsigned char *)m->keys[i], 16);
		n += 32;
		n += snprintf(line + n, cap - (size_t)n, "\t\\\\x");
		hex(line + n, m->data[i], m->len[i]);
		n += (int)(2 * m->len[i]);
		line[n++] = '\n';
		if (PQputCopyData(c, line, n) != 1) {
			fprintf(stderr, BENCH_NAME ": COPY: %s", PQerrorMessage(c));
			exit(2);
		}
	}
	free(line);
	if (PQputCopyEnd(c, NULL) != 1 || PQresultStatus(r = PQgetResult(c)) != PGRES_COMMAND_OK) {
		fprintf(stderr, BENCH_NAME ": COPY: %s", PQerrorMessage(c));
		exit(2);
	}
	PQclear(r);
	PQfinish(c);
}

static void bench_catch_up(int n)
{
	char ci[1024];
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops mops = PWS_STORAGE_OPS_INIT;
	mem_log m;
	pws_policy *gen, *follower, *fresh;
	uint64_t d1, d2, d3, t0, t1, rev;
	int i;

	memset(&m, 0, sizeof m);
	m.cap = (size_t)n;
	m.keys = xcalloc(m.cap, sizeof *m.keys);
	m.data = xcalloc(m.cap, sizeof *m.data);
	m.len = xcalloc(m.cap, sizeof *m.len);
	mops.version = 1;
	mops.ctx = &m;
	mops.put = mem_put;
	mops.close = mem_close;
	o.storage = &mops;
	CK(pws_policy_new(&gen, &o));
	CK(pws_team_add(gen, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, NULL));
	CK(pws_team_add_domain(gen, "pub", "pub.com", NULL));
	CK(pws_user_add(gen, "pm", "pm@pub.com", "pub", PWS_TEAM_ADMIN, 1, NULL));
	for (i = 3; i < n; i++) {
		char id[32], email[64];

		snprintf(id, sizeof id, "u%d", i);
		snprintf(email, sizeof email, "u%d@pub.com", i);
		CK(pws_user_add(gen, id, email, "pub", PWS_TEAM_MEMBER, 0, NULL));
	}
	CK(pws_policy_digest(gen, &d1));

	fresh_schema("bench_catchup", ci, sizeof ci);
	follower = open_policy(ci); /* at revision 0, tables created */
	copy_log(ci, &m);
	t0 = now_ns();
	CK(pws_policy_sync(follower, &rev));
	t1 = now_ns();
	CK(pws_policy_digest(follower, &d2));
	if (rev != (uint64_t)n || d2 != d1) {
		fprintf(stderr, BENCH_NAME ": the follower caught up to %llu, not %d, or differs\n",
		        (unsigned long long)rev, n);
		exit(2);
	}
	printf("catching up %d records (pws_policy_sync from revision 0): %.2f s (%.0f records/s)\n",
	       n, secs(t0, t1), n / secs(t0, t1));
	t0 = now_ns();
	fresh = open_policy(ci);
	t1 = now_ns();
	CK(pws_policy_digest(fresh, &d3));
	if (d3 != d1) {
		fprintf(stderr, BENCH_NAME ": a fresh load differs\n");
		exit(2);
	}
	printf("loading %d records (pws_policy_new on the log):             %.2f s\n", n,
	       secs(t0, t1));
	pws_policy_free(fresh);
	pws_policy_free(follower);
	pws_policy_free(gen);
	for (i = 0; i < n; i++)
		free(m.data[i]);
	free(m.keys);
	free(m.data);
	free(m.len);
}

int main(int argc, char **argv)
{
	int quick = 0, i;
	double secs_each;

	base_ci = getenv("PWS_PG_CONNINFO");
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			quick = 1;
		else if (argv[i][0] != '-')
			base_ci = argv[i];
		else {
			fprintf(stderr, "usage: %s [--quick] [CONNINFO]\n", argv[0]);
			return 2;
		}
	}
	if (!base_ci || !*base_ci) {
		fprintf(stderr, "usage: tests/pg-cluster.sh run %s [--quick] [CONNINFO]\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	secs_each = quick ? 1.0 : 3.0;
	bench_latency(quick ? 100 : 500);
	printf("appends per second on one log (each call decided, conflicts caught up):\n");
	bench_writers(1, secs_each);
	bench_writers(2, secs_each);
	bench_writers(4, secs_each);
	bench_catch_up(quick ? 10000 : 100000);
	return 0;
}
