/*
 * Many processes, one store: every test forks processes that each open
 * their own handle on one shared store (storage vtable version 2) and
 * call the library at the same moment.
 *
 *   multi_convergence       4 writers of random calls, with conflicts: every
 *                           handle, after pws_policy_sync, equals a fresh
 *                           load, and every call a process saw accepted is
 *                           the stored record at the revision it got
 *   multi_race_RO6          two demotions of the last two Admins: one wins
 *   multi_race_MP1          two enablings of multi-partner mode: one wins
 *   multi_race_PL4_roles    two Editor promotions for one free seat
 *   multi_race_PL4_invites  two Editor invites (accepted) for one free seat
 *   multi_race_DL1          a partner invite while the workspace leaves
 *                           partner visibility: never both
 *   multi_sigkill           a writer killed at a random point of its stream
 *                           of calls (20 times): no accepted call lost, the
 *                           surviving handles equal a fresh load
 *   multi_read_your_writes  a change on process A is visible on process B
 *                           after pws_policy_wait(B, revision of A)
 *   multi_compaction        a writer compacts while followers follow: one
 *                           behind the image loads it, digests equal
 *
 * The store comes from PWS_MULTI_STORE (tests/multi-store.h), default a
 * SQLite file in a temporary directory: PWS_MULTI_STORE='pg:...' runs the
 * same tests on PostgreSQL (built with HAVE_PG). Sizes: PWS_MULTI_CALLS
 * (calls per writer in multi_convergence, default 150), PWS_MULTI_RACES
 * (rounds of each race, default 5), PWS_MULTI_KILLS (default 20).
 *
 * Children never use Check: they report through a pipe (fixed-size
 * records, atomic writes) and the parent asserts.
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "multi-store.h"
#include "test-world.h"

#define SIGLEN 160
#define MAXP 8
#define NOW 1700000000LL

/* ------------------------------------------------------------------ */
/* environment                                                         */

static char tmp_dir[512];
static char base_spec[1024];

static unsigned long env_count(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return dflt;
	n = strtoul(v, &end, 10);
	return *end ? dflt : n;
}

static void dir_setup(void)
{
	const char *env = getenv("PWS_MULTI_STORE");

	snprintf(tmp_dir, sizeof tmp_dir, "/tmp/pws-multi-XXXXXX");
	if (!mkdtemp(tmp_dir)) {
		perror("mkdtemp");
		exit(1);
	}
	if (env && *env)
		snprintf(base_spec, sizeof base_spec, "%s", env);
	else
		snprintf(base_spec, sizeof base_spec, "sqlite:%s/store", tmp_dir);
}

static void dir_teardown(void)
{
	DIR *d = opendir(tmp_dir);
	struct dirent *e;
	char f[1024];

	while (d && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(f, sizeof f, "%s/%s", tmp_dir, e->d_name);
		unlink(f);
	}
	if (d)
		closedir(d);
	rmdir(tmp_dir);
}

/* The spec of a fresh, empty store for one round of one test. */
static void fresh_spec(char *out, size_t n, const char *test, unsigned round)
{
	char name[96];

	snprintf(name, sizeof name, "%s_%u", test, round);
	ck_assert_msg(ms_spec_for(out, n, base_spec, name) == 0, "cannot prepare store %s",
	              name);
}

/* ------------------------------------------------------------------ */
/* reports from the children                                           */

enum rtype {
	R_READY = 1, /* handle open */
	R_CALL,      /* an accepted call: rev, sig */
	R_DONE,      /* stream over: rc = calls made, rule = conflicts left */
	R_FINAL,     /* after the last sync: rev, digest */
	R_RESULT,    /* a race's or a wait's outcome */
	R_COMPACT,   /* a compaction accepted: rev */
	R_ERR        /* the child failed: sig holds why */
};

typedef struct rpt {
	int32_t type;
	int32_t who;
	int32_t rc, rule, rc2, rule2;
	uint32_t flags;
	uint32_t pad;
	uint64_t rev, digest;
	char sig[SIGLEN];
} rpt;

static int child_out = -1; /* in a child: its report pipe */
static int child_id;

static void send_rpt(rpt *r)
{
	r->who = child_id;
	if (write(child_out, r, sizeof *r) != (ssize_t)sizeof *r)
		_exit(3);
}

static void send_type(int type)
{
	rpt r;

	memset(&r, 0, sizeof r);
	r.type = type;
	send_rpt(&r);
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2), noreturn))
#endif
static void child_fail(const char *fmt, ...);

static void child_fail(const char *fmt, ...)
{
	rpt r;
	va_list ap;

	memset(&r, 0, sizeof r);
	r.type = R_ERR;
	va_start(ap, fmt);
	vsnprintf(r.sig, sizeof r.sig, fmt, ap);
	va_end(ap);
	send_rpt(&r);
	_exit(2);
}

/* ------------------------------------------------------------------ */
/* processes                                                           */

/* File descriptors only the parent may hold (barrier write ends, other
 * children's pipes): a child closes them all at once after fork. */
static int parent_fds[64];
static int n_parent_fds;

static void keep_in_parent(int fd)
{
	ck_assert_int_lt(n_parent_fds, 64);
	parent_fds[n_parent_fds++] = fd;
}

static void parent_close(int fd)
{
	int i;

	for (i = 0; i < n_parent_fds; i++)
		if (parent_fds[i] == fd) {
			parent_fds[i] = parent_fds[--n_parent_fds];
			break;
		}
	close(fd);
}

typedef struct proc {
	pid_t pid;
	int fd;  /* the parent reads the child's reports here; -1 at EOF */
	int cmd; /* the parent writes commands here (-1: none) */
} proc;

typedef void (*child_fn)(void *arg, int cmd_in);

/* Forks a child running fn; it gets its own report pipe and a command
 * pipe from the parent. */
static void spawn(proc *pr, int id, child_fn fn, void *arg)
{
	int rp[2], cp[2], i;

	ck_assert_int_eq(pipe(rp), 0);
	ck_assert_int_eq(pipe(cp), 0);
	fflush(NULL);
	pr->pid = fork();
	ck_assert_int_ge(pr->pid, 0);
	if (pr->pid == 0) {
		for (i = 0; i < n_parent_fds; i++)
			close(parent_fds[i]);
		close(rp[0]);
		close(cp[1]);
		child_out = rp[1];
		child_id = id;
		fn(arg, cp[0]);
		_exit(0);
	}
	close(rp[1]);
	close(cp[0]);
	pr->fd = rp[0];
	pr->cmd = cp[1];
	keep_in_parent(pr->fd);
	keep_in_parent(pr->cmd);
}

/* A barrier: children block in barrier_wait() until the parent calls
 * barrier_open(), which releases them all at once (EOF on the pipe). */
typedef struct barrier {
	int rd, wr;
} barrier;

static void barrier_new(barrier *b)
{
	int fd[2];

	ck_assert_int_eq(pipe(fd), 0);
	b->rd = fd[0];
	b->wr = fd[1];
	keep_in_parent(b->wr);
}

static void barrier_wait(const barrier *b)
{
	char c;

	while (read(b->rd, &c, 1) < 0 && errno == EINTR)
		;
}

static void barrier_open(barrier *b)
{
	if (b->wr >= 0)
		parent_close(b->wr);
	b->wr = -1;
}

static void barrier_free(barrier *b)
{
	barrier_open(b);
	close(b->rd);
}

/* Reads the next report of any child (blocking); 0 once every child's
 * pipe is at EOF. */
static int next_rpt(proc *ps, int n, rpt *out)
{
	for (;;) {
		struct pollfd pf[MAXP];
		int i, k = 0, idx[MAXP];

		for (i = 0; i < n; i++)
			if (ps[i].fd >= 0) {
				pf[k].fd = ps[i].fd;
				pf[k].events = POLLIN;
				idx[k++] = i;
			}
		if (!k)
			return 0;
		if (poll(pf, (nfds_t)k, 60000) <= 0) {
			if (errno == EINTR)
				continue;
			ck_abort_msg("no report from the children for 60 s");
		}
		for (i = 0; i < k; i++) {
			ssize_t got;

			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			got = read(pf[i].fd, out, sizeof *out);
			if (got == (ssize_t)sizeof *out) {
				ck_assert_msg(out->type != R_ERR, "child %d failed: %s", out->who,
				              out->sig);
				return 1;
			}
			ck_assert_msg(got == 0, "a torn report (%zd bytes)", got);
			parent_close(ps[idx[i]].fd);
			ps[idx[i]].fd = -1;
		}
	}
}

/* Reads reports until one of the given type arrives. */
static void expect_rpt(proc *ps, int n, int type, rpt *out)
{
	do
		ck_assert_msg(next_rpt(ps, n, out), "the children ended before a report %d", type);
	while (out->type != type);
}

static void send_cmd(proc *pr, uint64_t v)
{
	ck_assert_int_eq(write(pr->cmd, &v, sizeof v), (ssize_t)sizeof v);
}

static int read_cmd(int fd, uint64_t *v)
{
	ssize_t got;

	while ((got = read(fd, v, sizeof *v)) < 0 && errno == EINTR)
		;
	return got == (ssize_t)sizeof *v;
}

/* Waits for every child; killed ones are expected dead by SIGKILL. */
static void reap(proc *ps, int n)
{
	int i, st;

	for (i = 0; i < n; i++) {
		if (ps[i].cmd >= 0)
			parent_close(ps[i].cmd);
		ps[i].cmd = -1;
		if (ps[i].fd >= 0)
			parent_close(ps[i].fd);
		ps[i].fd = -1;
		if (ps[i].pid <= 0)
			continue;
		ck_assert_int_eq(waitpid(ps[i].pid, &st, 0), ps[i].pid);
		ck_assert_msg((WIFEXITED(st) && WEXITSTATUS(st) == 0) ||
		                      (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL),
		              "child %d ended with status %d", i, st);
	}
}

/* ------------------------------------------------------------------ */
/* handles on the store                                                */

/* The store's own words for the last failed open, for the report. */
static char open_why[256];

static int open_policy(const char *spec, pws_policy **p)
{
	pws_storage_ops ops;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	int rc = ms_open(&ops, spec);

	*p = NULL;
	open_why[0] = 0;
	if (rc != PWS_OK) {
		snprintf(open_why, sizeof open_why, "the adapter refused to open");
		return rc;
	}
	o.storage = &ops;
	rc = pws_policy_new(p, &o);
	if (rc != PWS_OK) {
		snprintf(open_why, sizeof open_why, "load: %s", ms_errmsg(&ops));
		ops.close(ops.ctx);
	}
	return rc;
}

/* In a child: its handle, or a report of the failure. */
static pws_policy *child_policy(const char *spec)
{
	pws_policy *p;
	int rc = open_policy(spec, &p);

	if (rc != PWS_OK)
		child_fail("open %s: %s (%s)", spec, pws_strerror(rc), open_why);
	return p;
}

/* In the parent: a fresh handle loaded from the store. */
static pws_policy *fresh(const char *spec)
{
	pws_policy *p;
	int rc = open_policy(spec, &p);

	ck_assert_msg(rc == PWS_OK, "open %s: %s (%s)", spec, pws_strerror(rc), open_why);
	return p;
}

/* A new store holding the standard test world (tests/test-world.h), as
 * one imported snapshot; then setup() adds to it. */
static void seed(const char *spec, void (*setup)(pws_policy *p))
{
	pws_policy *w = tw_world(), *p = fresh(spec);
	uint64_t rev;
	char *json;
	size_t len;

	ck_assert_int_eq(pws_policy_revision(p, &rev), PWS_OK);
	ck_assert_msg(rev == 0, "the store %s is not empty (revision %" PRIu64 ")", spec, rev);
	ck_assert_int_eq(pws_snapshot_export(w, &json, &len), PWS_OK);
	OK(pws_snapshot_import(p, json, len, RES));
	pws_snapshot_free(w, json);
	pws_policy_free(w);
	if (setup)
		setup(p);
	pws_policy_free(p);
}

/* ------------------------------------------------------------------ */
/* the stored records (doc/STORAGE.md, format 2: a checksum at the end) */

typedef struct srec {
	uint64_t rev;
	int op;
	char sig[SIGLEN];
} srec;

typedef struct srecs {
	srec *r;
	size_t n, cap;
} srecs;

static uint32_t le32(const unsigned char *b)
{
	return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* A call's signature: its operation code and its string arguments, as the
 * child that made it writes it too (sig_*). */
static void sig_add(char *sig, const char *s)
{
	size_t n = strlen(sig);

	snprintf(sig + n, SIGLEN - n, "|%s", s ? s : "~");
}

static int srec_sink(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                     size_t data_len)
{
	srecs *st = ctx;
	const unsigned char *d = data;
	char hex[17];
	srec *r;
	size_t at = 6;
	unsigned i, argc;

	if (kind != PWS_RECORD_OP || key_len != 16 || data_len < 6)
		return PWS_ESTORAGE;
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 256;
		st->r = realloc(st->r, st->cap * sizeof *st->r);
		if (!st->r)
			return PWS_ENOMEM;
	}
	r = &st->r[st->n++];
	memcpy(hex, key, 16);
	hex[16] = 0;
	r->rev = strtoull(hex, NULL, 16);
	r->op = d[2] | d[3] << 8;
	argc = d[4] | d[5] << 8;
	snprintf(r->sig, SIGLEN, "%d", r->op);
	for (i = 0; i < argc && at < data_len; i++) {
		char t = (char)d[at++];

		if (t == 's') {
			uint32_t n = le32(d + at);
			char s[SIGLEN];

			at += 4;
			snprintf(s, sizeof s, "%.*s", (int)(n < SIGLEN - 1 ? n : SIGLEN - 1),
			         (const char *)d + at);
			at += n;
			if (r->op != 43 && r->op != 44)
				sig_add(r->sig, s);
		} else if (t == 'n') {
			sig_add(r->sig, NULL);
		} else {
			at += 8;
		}
	}
	return PWS_OK;
}

static void load_records(const char *spec, srecs *st)
{
	pws_storage_ops ops;
	int rc;

	memset(st, 0, sizeof *st);
	ck_assert_int_eq(ms_open(&ops, spec), PWS_OK);
	rc = ops.load(ops.ctx, srec_sink, st);
	ck_assert_msg(rc == PWS_OK, "load: %s %s", pws_strerror(rc), ms_errmsg(&ops));
	ops.close(ops.ctx);
}

static const srec *find_rec(const srecs *st, uint64_t rev)
{
	size_t lo = 0, hi = st->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (st->r[mid].rev < rev)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < st->n && st->r[lo].rev == rev ? &st->r[lo] : NULL;
}

/* Accepted calls, as the children reported them. */
typedef struct calls {
	rpt *c;
	size_t n, cap;
} calls;

static void calls_add(calls *cs, const rpt *r)
{
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 256;
		cs->c = realloc(cs->c, cs->cap * sizeof *cs->c);
		ck_assert_ptr_nonnull(cs->c);
	}
	cs->c[cs->n++] = *r;
}

static int by_rev(const void *a, const void *b)
{
	const rpt *x = a, *y = b;

	return x->rev < y->rev ? -1 : x->rev > y->rev;
}

/* Every accepted call after the store's first record (older ones may be
 * compacted into an image) is the stored record at its revision, and no
 * two accepted calls got one revision. Returns how many were checked. */
static size_t check_calls(const char *spec, const calls *cs)
{
	srecs st;
	size_t i, checked = 0;
	uint64_t first;

	load_records(spec, &st);
	ck_assert_uint_gt(st.n, 0);
	first = st.r[0].rev;
	/* plain tests in the loops: a Check assertion costs a system call */
	qsort(cs->c, cs->n, sizeof *cs->c, by_rev);
	for (i = 0; i < cs->n; i++) {
		const rpt *c = &cs->c[i];
		const srec *r;

		if (i + 1 < cs->n && cs->c[i + 1].rev == c->rev)
			ck_abort_msg("revision %" PRIu64 " accepted twice: %s (process %d) and %s "
			             "(process %d)",
			             c->rev, c->sig, c->who, cs->c[i + 1].sig, cs->c[i + 1].who);
		if (c->rev <= first)
			continue; /* in the image (or the image itself) */
		r = find_rec(&st, c->rev);
		if (!r)
			ck_abort_msg("accepted call %s (process %d) at revision %" PRIu64
			             " is not in the store (first %" PRIu64 ", %zu records)",
			             c->sig, c->who, c->rev, first, st.n);
		if (strcmp(r->sig, c->sig) != 0)
			ck_abort_msg("revision %" PRIu64 " holds %s, but process %d was told its %s "
			             "was accepted there", c->rev, r->sig, c->who, c->sig);
		checked++;
	}
	free(st.r);
	return checked;
}

/* ------------------------------------------------------------------ */
/* random calls on the test world                                      */

typedef struct gen {
	pws_policy *p;
	uint64_t rng;
	int id, k;
	int64_t now;
	int nws, nel;
	char ws[12][24];
	char el[24][24];
	int compact_pct; /* chance of a pws_compact, in 1/1000 */
	unsigned conflicts, refused, accepted, busy;
} gen;

static uint32_t rnd(gen *g, uint32_t n)
{
	uint64_t x = g->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	g->rng = x;
	return (uint32_t)((x * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

static void gen_init(gen *g, pws_policy *p, int id, uint64_t seed)
{
	memset(g, 0, sizeof *g);
	g->p = p;
	g->id = id;
	g->rng = (seed + 1) * 0x9E3779B97F4A7C15ULL + (uint64_t)id * 0x7F4A7C15ULL + 1;
	g->now = NOW + id;
	snprintf(g->ws[g->nws++], 24, "pw");
	snprintf(g->ws[g->nws++], 24, "team-ws");
	snprintf(g->el[g->nel++], 24, "col");
}

static const char *const pub_users[] = {"pm", "dev", "dev2", "admin", "owner"};
static const char *const partners[] = {"a1", "a2", "a3", "g1", "g2", "i1", "solo"};
static const char *const partner_mail[] = {"a1@acme.com", "a2@acme.com", "a3@acme.com",
                                           "g1@globex.com", "g2@globex.com",
                                           "i1@initech.com", "solo@gmail.com"};

/* Reports an accepted call (before the next one is made). */
static void accepted(gen *g, const char *sig)
{
	rpt r;

	memset(&r, 0, sizeof r);
	r.type = R_CALL;
	if (pws_policy_revision(g->p, &r.rev) != PWS_OK)
		child_fail("revision");
	snprintf(r.sig, sizeof r.sig, "%s", sig);
	g->accepted++;
	send_rpt(&r);
}

static void outcome(gen *g, int rc, const pws_result *res, const char *sig)
{
	if (rc == PWS_OK)
		accepted(g, sig);
	else if (rc == PWS_ECONFLICT)
		g->conflicts++;
	else if (rc == PWS_ESTORAGE && ++g->busy <= 10)
		; /* the store was busy past its timeout (a slow, sanitized build
		   * with a writer just killed): refused whole, nothing changed;
		   * a few are tolerated, a failing store is not */
	else if (rc == PWS_EDENIED || rc == PWS_ENOTFOUND || rc == PWS_ESTATE ||
	         rc == PWS_EEXISTS || rc == PWS_EINVALID)
		g->refused++;
	else
		child_fail("%s -> %s: %s", sig, pws_strerror(rc), res->message);
}

/* One random call; its signature is built as srec_sink reads the record. */
static void gen_step(gen *g)
{
	pws_result res;
	char sig[SIGLEN], id[24];
	const char *ws = g->ws[rnd(g, (uint32_t)g->nws)];
	const char *pu = pub_users[rnd(g, 5)];
	int pi = (int)rnd(g, 7), rc;
	uint32_t op = rnd(g, 1000);

	pws_result_init(&res, PWS_RESULT_VERSION);
	g->now += 1 + rnd(g, 20);
	g->k++;
	if (op < (uint32_t)g->compact_pct) {
		rc = pws_compact(g->p, &res);
		if (rc == PWS_OK) {
			rpt r;

			memset(&r, 0, sizeof r);
			r.type = R_COMPACT;
			pws_policy_revision(g->p, &r.rev);
			send_rpt(&r);
		} else {
			outcome(g, rc, &res, "compact");
		}
		return;
	}
	op = op * 100 / 1000;
	if (op < 25) { /* partner invite, often accepted at once */
		const char *actor = rnd(g, 4) ? "pm" : "a1";
		int role = rnd(g, 3) ? PWS_ROLE_VIEWER : PWS_ROLE_EDITOR;

		snprintf(sig, sizeof sig, "23");
		sig_add(sig, actor);
		sig_add(sig, ws);
		sig_add(sig, partner_mail[pi]);
		rc = pws_invite(g->p, actor, ws, partner_mail[pi], PWS_INVITE_PARTNER, role, 0, &res);
		outcome(g, rc, &res, sig);
		if (rc == PWS_OK && rnd(g, 4)) {
			snprintf(sig, sizeof sig, "25");
			sig_add(sig, partners[pi]);
			sig_add(sig, ws);
			sig_add(sig, NULL);
			rc = pws_invite_accept(g->p, partners[pi], ws, NULL, &res);
			outcome(g, rc, &res, sig);
		}
	} else if (op < 32) { /* a team member joins */
		snprintf(sig, sizeof sig, "23");
		sig_add(sig, "pm");
		sig_add(sig, ws);
		snprintf(id, sizeof id, "%s@pub.com", pu);
		sig_add(sig, id);
		rc = pws_invite(g->p, "pm", ws, id, PWS_INVITE_MEMBER, 1 + (int)rnd(g, 3), 0, &res);
		outcome(g, rc, &res, sig);
		if (rc == PWS_OK) {
			snprintf(sig, sizeof sig, "25");
			sig_add(sig, pu);
			sig_add(sig, ws);
			sig_add(sig, NULL);
			outcome(g, pws_invite_accept(g->p, pu, ws, NULL, &res), &res, sig);
		}
	} else if (op < 42) {
		const char *u = rnd(g, 2) ? partners[pi] : pu;

		snprintf(sig, sizeof sig, "27");
		sig_add(sig, "pm");
		sig_add(sig, ws);
		sig_add(sig, u);
		outcome(g, pws_member_set_role(g->p, "pm", ws, u, 1 + (int)rnd(g, 3), &res), &res,
		        sig);
	} else if (op < 48) {
		const char *u = rnd(g, 3) ? partners[pi] : pu;

		snprintf(sig, sizeof sig, "29");
		sig_add(sig, "pm");
		sig_add(sig, ws);
		sig_add(sig, u);
		outcome(g, pws_member_remove(g->p, "pm", ws, u, &res), &res, sig);
	} else if (op < 60) {
		snprintf(id, sizeof id, "up-%d-%d", g->id, g->k);
		snprintf(sig, sizeof sig, "37");
		sig_add(sig, "pm");
		sig_add(sig, ws);
		sig_add(sig, id);
		sig_add(sig, "news");
		outcome(g, pws_update_post(g->p, "pm", ws, id, "news", g->now, &res), &res, sig);
	} else if (op < 70) {
		const char *u = rnd(g, 2) ? partners[pi] : pu;

		snprintf(id, sizeof id, "hi-%d-%d", g->id, g->k);
		snprintf(sig, sizeof sig, "40");
		sig_add(sig, u);
		sig_add(sig, ws);
		sig_add(sig, id);
		sig_add(sig, "ran");
		outcome(g, pws_history_add(g->p, u, ws, id, "ran", g->now, &res), &res, sig);
	} else if (op < 78) {
		snprintf(id, sizeof id, "el-%d-%d", g->id, g->k);
		snprintf(sig, sizeof sig, "31");
		sig_add(sig, "pm");
		sig_add(sig, ws);
		sig_add(sig, id);
		sig_add(sig, NULL);
		rc = pws_element_add(g->p, "pm", ws, id, PWS_EL_COLLECTION, 10, NULL, &res);
		outcome(g, rc, &res, sig);
		if (rc == PWS_OK && g->nel < 24)
			snprintf(g->el[g->nel++], 24, "%s", id);
	} else if (op < 86) {
		const char *e = g->el[rnd(g, (uint32_t)g->nel)];
		const char *u = rnd(g, 2) ? partners[pi] : "pm";

		snprintf(id, sizeof id, "cm-%d-%d", g->id, g->k);
		snprintf(sig, sizeof sig, "41");
		sig_add(sig, u);
		sig_add(sig, e);
		sig_add(sig, id);
		sig_add(sig, "note");
		outcome(g, pws_comment_add(g->p, u, e, id, "note", &res), &res, sig);
	} else if (op < 90) {
		snprintf(sig, sizeof sig, "21");
		sig_add(sig, "pm");
		sig_add(sig, ws);
		outcome(g, pws_workspace_enable_multi_partner(g->p, "pm", ws, &res), &res, sig);
	} else if (op < 96) {
		snprintf(id, sizeof id, "ws-%d-%d", g->id, g->k);
		snprintf(sig, sizeof sig, "14");
		sig_add(sig, "pm");
		sig_add(sig, id);
		sig_add(sig, "W");
		sig_add(sig, NULL);
		rc = pws_workspace_create(g->p, "pm", id, "W", PWS_VIS_PARTNER, NULL, &res);
		outcome(g, rc, &res, sig);
		if (rc == PWS_OK && g->nws < 12)
			snprintf(g->ws[g->nws++], 24, "%s", id);
	} else {
		snprintf(sig, sizeof sig, "19");
		sig_add(sig, "pm");
		sig_add(sig, ws);
		outcome(g, pws_workspace_set_visibility(g->p, "pm", ws,
		                                        rnd(g, 2) ? PWS_VIS_TEAM : PWS_VIS_PRIVATE,
		                                        &res),
		        &res, sig);
	}
}

static void send_final(pws_policy *p)
{
	rpt r;
	int rc;

	memset(&r, 0, sizeof r);
	r.type = R_FINAL;
	rc = pws_policy_sync(p, &r.rev);
	if (rc != PWS_OK)
		child_fail("final sync: %s", pws_strerror(rc));
	pws_policy_digest(p, &r.digest);
	send_rpt(&r);
}

/* A fresh load's digest and revision equal every reported final state. */
static void check_finals(const char *spec, const rpt *fin, int n)
{
	pws_policy *p = fresh(spec);
	uint64_t d = tw_digest(p), rev;
	int i;

	ck_assert_int_eq(pws_policy_revision(p, &rev), PWS_OK);
	for (i = 0; i < n; i++) {
		ck_assert_msg(fin[i].rev == rev, "process %d synced to revision %" PRIu64
		              ", the store holds %" PRIu64, fin[i].who, fin[i].rev, rev);
		ck_assert_msg(fin[i].digest == d, "process %d: digest %016" PRIx64
		              " after sync, a fresh load %016" PRIx64, fin[i].who, fin[i].digest,
		              d);
	}
	pws_policy_free(p);
}

/* ------------------------------------------------------------------ */
/* convergence                                                         */

typedef struct conv_arg {
	const char *spec;
	barrier go, done;
	unsigned calls;
	uint64_t seed;
	int compact_pct;
} conv_arg;

static void conv_child(void *arg, int cmd)
{
	conv_arg *a = arg;
	pws_policy *p = child_policy(a->spec);
	gen g;
	rpt r;
	unsigned i;

	(void)cmd;
	send_type(R_READY);
	barrier_wait(&a->go);
	gen_init(&g, p, child_id, a->seed);
	g.compact_pct = a->compact_pct;
	for (i = 0; i < a->calls; i++)
		gen_step(&g);
	memset(&r, 0, sizeof r);
	r.type = R_DONE;
	r.rc = (int)g.accepted;
	r.rule = (int)g.conflicts;
	r.rc2 = (int)g.refused;
	send_rpt(&r);
	barrier_wait(&a->done);
	send_final(p);
	pws_policy_free(p);
}

START_TEST(multi_convergence)
{
	enum { N = 4 };
	char spec[1200];
	conv_arg a;
	proc ps[N];
	rpt r, fin[N];
	calls cs = {NULL, 0, 0};
	unsigned ready = 0, done = 0, nfin = 0, acc = 0, confl = 0, compactions = 0;
	int i;

	fresh_spec(spec, sizeof spec, "convergence", 0);
	seed(spec, NULL);
	memset(&a, 0, sizeof a);
	a.spec = spec;
	a.calls = (unsigned)env_count("PWS_MULTI_CALLS", 150);
	a.seed = env_count("PWS_MULTI_SEED", (unsigned long)time(NULL));
	/* 0.3%: a few compactions among the appends */
	a.compact_pct = (int)env_count("PWS_MULTI_COMPACT", 3);
	fprintf(stderr, "convergence: seed %" PRIu64 " (PWS_MULTI_SEED)\n", a.seed);
	barrier_new(&a.go);
	barrier_new(&a.done);
	for (i = 0; i < N; i++)
		spawn(&ps[i], i, conv_child, &a);
	while (ready < N && next_rpt(ps, N, &r))
		ready += r.type == R_READY;
	barrier_open(&a.go);
	while (nfin < N && next_rpt(ps, N, &r)) {
		if (r.type == R_CALL)
			calls_add(&cs, &r);
		else if (r.type == R_COMPACT)
			compactions++;
		else if (r.type == R_DONE) {
			acc += (unsigned)r.rc;
			confl += (unsigned)r.rule;
			if (++done == N)
				barrier_open(&a.done);
		} else if (r.type == R_FINAL) {
			fin[nfin++] = r;
		}
	}
	reap(ps, N);
	barrier_free(&a.go);
	barrier_free(&a.done);
	ck_assert_uint_eq(nfin, N);
	check_finals(spec, fin, N);
	i = (int)check_calls(spec, &cs);
	fprintf(stderr, "convergence (seed %" PRIu64 "): %u accepted calls of %u, %d checked "
	        "record by record, %u compactions, %u conflicts left after retries\n",
	        a.seed, acc, N * a.calls, i, compactions, confl);
	ck_assert_uint_eq(acc, cs.n);
	free(cs.c);
}
END_TEST

/* ------------------------------------------------------------------ */
/* races of the rules                                                  */

typedef struct race {
	const char *name;
	void (*setup)(pws_policy *p);
	/* the call of process who (0 or 1); fills r's rc/rule/flags (rc2 for
	 * a second call) */
	void (*call)(pws_policy *p, int who, rpt *r);
	void (*check)(pws_policy *fresh_p, const rpt out[2]);
} race;

typedef struct race_arg {
	const char *spec;
	const race *rc;
	barrier go;
} race_arg;

static void race_child(void *arg, int cmd)
{
	race_arg *a = arg;
	pws_policy *p = child_policy(a->spec);
	rpt r;

	(void)cmd;
	send_type(R_READY);
	barrier_wait(&a->go);
	memset(&r, 0, sizeof r);
	r.type = R_RESULT;
	a->rc->call(p, child_id, &r);
	pws_policy_revision(p, &r.rev);
	send_rpt(&r);
	pws_policy_free(p);
}

static void set(rpt *r, int rc, const pws_result *res)
{
	r->rc = rc;
	r->rule = res->rule;
	r->flags = res->flags;
	snprintf(r->sig, sizeof r->sig, "%.*s", (int)sizeof r->sig - 1, res->message);
}

static void run_race(const race *rc)
{
	unsigned rounds = (unsigned)env_count("PWS_MULTI_RACES", 5), k;

	for (k = 0; k < rounds; k++) {
		char spec[1200];
		race_arg a;
		proc ps[2];
		rpt r, out[2];
		int ready = 0, got = 0;
		pws_policy *p;

		fresh_spec(spec, sizeof spec, rc->name, k);
		seed(spec, rc->setup);
		a.spec = spec;
		a.rc = rc;
		barrier_new(&a.go);
		spawn(&ps[0], 0, race_child, &a);
		spawn(&ps[1], 1, race_child, &a);
		while (ready < 2 && next_rpt(ps, 2, &r))
			ready += r.type == R_READY;
		barrier_open(&a.go);
		while (got < 2 && next_rpt(ps, 2, &r))
			if (r.type == R_RESULT)
				out[r.who] = r, got++;
		reap(ps, 2);
		barrier_free(&a.go);
		ck_assert_int_eq(got, 2);
		p = fresh(spec);
		rc->check(p, out);
		pws_policy_free(p);
	}
}

/* Exactly one of the two won; the other was refused by rule. */
static void one_wins(const rpt out[2], int rule)
{
	int w = out[0].rc == PWS_OK ? 0 : 1, l = 1 - w;

	ck_assert_msg(out[w].rc == PWS_OK, "neither call succeeded: %d (%s), %d (%s)",
	              out[0].rc, out[0].sig, out[1].rc, out[1].sig);
	ck_assert_msg(out[l].rc == PWS_EDENIED && out[l].rule == rule,
	              "both calls succeeded, or the loser was not refused by %s: %d rule %s (%s)",
	              pws_rule_id(rule), out[l].rc, pws_rule_id(out[l].rule), out[l].sig);
	/* the winner's change is the loser's starting point: it caught up */
	ck_assert_uint_ge(out[l].rev, out[w].rev);
}

static void setup_pm2(pws_policy *p)
{
	OK(pws_user_add(p, "pm2", "pm2@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
}

/* RO6: pm and dev are the last two Admins of pw; pm2 demotes one in each
 * process. */
static void ro6_setup(pws_policy *p)
{
	setup_pm2(p);
	OK(pws_member_set_role(p, "pm", "pw", "dev", PWS_ROLE_ADMIN, RES));
}

static void ro6_call(pws_policy *p, int who, rpt *r)
{
	pws_result res;

	pws_result_init(&res, PWS_RESULT_VERSION);
	set(r, pws_member_set_role(p, "pm2", "pw", who ? "dev" : "pm", PWS_ROLE_EDITOR, &res),
	    &res);
}

static void ro6_check(pws_policy *p, const rpt out[2])
{
	int a = 0, b = 0;

	one_wins(out, PWS_RULE_RO6);
	ck_assert_int_eq(pws_member_get(p, &a, NULL, NULL, "pw", "pm"), PWS_OK);
	ck_assert_int_eq(pws_member_get(p, &b, NULL, NULL, "pw", "dev"), PWS_OK);
	ck_assert_int_eq((a == PWS_ROLE_ADMIN) + (b == PWS_ROLE_ADMIN), 1);
}

static const race race_ro6 = {"RO6", ro6_setup, ro6_call, ro6_check};

START_TEST(multi_race_RO6)
{
	run_race(&race_ro6);
}
END_TEST

/* MP1: two Partner Managers enable multi-partner mode at once. */
static void mp1_call(pws_policy *p, int who, rpt *r)
{
	pws_result res;

	pws_result_init(&res, PWS_RESULT_VERSION);
	set(r, pws_workspace_enable_multi_partner(p, who ? "pm2" : "pm", "pw", &res), &res);
}

static void mp1_check(pws_policy *p, const rpt out[2])
{
	int mode = 0;

	one_wins(out, PWS_RULE_MP1);
	ck_assert_int_eq(pws_workspace_get(p, NULL, &mode, NULL, NULL, "pw"), PWS_OK);
	ck_assert_int_eq(mode, PWS_MODE_MULTI);
}

static const race race_mp1 = {"MP1", setup_pm2, mp1_call, mp1_check};

START_TEST(multi_race_MP1)
{
	run_race(&race_mp1);
}
END_TEST

/* PL4: two seats, a1 holds one; two Editor promotions race for the other. */
static void pl4_setup(pws_policy *p)
{
	OK(pws_team_set_editor_seats(p, "pub", 2, RES));
	OK(pws_invite(p, "pm", "pw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
	              RES));
	OK(pws_invite_accept(p, "i1", "pw", NULL, RES));
}

static void pl4_role_call(pws_policy *p, int who, rpt *r)
{
	pws_result res;

	pws_result_init(&res, PWS_RESULT_VERSION);
	set(r, pws_member_set_role(p, "pm", "pw", who ? "i1" : "g1", PWS_ROLE_EDITOR, &res),
	    &res);
}

static void seats_kept(pws_policy *p)
{
	uint32_t used = 0, incl = 0;

	ck_assert_int_eq(pws_team_editor_seats(p, &used, &incl, "pub"), PWS_OK);
	ck_assert_uint_eq(incl, 2);
	ck_assert_msg(used <= incl, "%u Partner Editor seats used of %u", used, incl);
}

static void pl4_role_check(pws_policy *p, const rpt out[2])
{
	one_wins(out, PWS_RULE_PL4);
	seats_kept(p);
}

static const race race_pl4_roles = {"PL4_roles", pl4_setup, pl4_role_call, pl4_role_check};

START_TEST(multi_race_PL4_roles)
{
	run_race(&race_pl4_roles);
}
END_TEST

/* PL4: two Editor invites, each accepted at once, race for the last seat. */
static void pl4_inv_setup(pws_policy *p)
{
	OK(pws_team_set_editor_seats(p, "pub", 2, RES));
}

static void pl4_inv_call(pws_policy *p, int who, rpt *r)
{
	const char *mail = who ? "g2@globex.com" : "a2@acme.com", *u = who ? "g2" : "a2";
	pws_result res;

	pws_result_init(&res, PWS_RESULT_VERSION);
	set(r, pws_invite(p, "pm", "pw", mail, PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, &res),
	    &res);
	if (r->rc == PWS_OK) {
		r->rc2 = pws_invite_accept(p, u, "pw", NULL, &res);
		r->rule2 = res.rule;
	}
}

static void pl4_inv_check(pws_policy *p, const rpt out[2])
{
	int ra = 0, rg = 0;

	ck_assert_msg(out[0].rc == PWS_OK && out[1].rc == PWS_OK, "invites: %d (%s), %d (%s)",
	              out[0].rc, out[0].sig, out[1].rc, out[1].sig);
	seats_kept(p);
	/* both accepted invites are in the store: neither write was lost */
	ck_assert_int_eq(pws_member_get(p, &ra, NULL, NULL, "pw", "a2"),
	                 out[0].rc2 == PWS_OK ? PWS_OK : PWS_ENOTFOUND);
	ck_assert_int_eq(pws_member_get(p, &rg, NULL, NULL, "pw", "g2"),
	                 out[1].rc2 == PWS_OK ? PWS_OK : PWS_ENOTFOUND);
	ck_assert_msg(!(ra == PWS_ROLE_EDITOR && rg == PWS_ROLE_EDITOR),
	              "both invited Editors hold a seat");
	/* at least one was told: downgraded invite or a refused/downgraded accept */
	ck_assert_msg((out[0].flags | out[1].flags) & PWS_RESULT_DOWNGRADED ||
	                      out[0].rule2 == PWS_RULE_PL4 || out[1].rule2 == PWS_RULE_PL4 ||
	                      ra != PWS_ROLE_EDITOR || rg != PWS_ROLE_EDITOR,
	              "nobody was told about the seat");
}

static const race race_pl4_inv = {"PL4_invites", pl4_inv_setup, pl4_inv_call, pl4_inv_check};

START_TEST(multi_race_PL4_invites)
{
	run_race(&race_pl4_inv);
}
END_TEST

/* DL1: no partner is left in pw; one process invites a partner while the
 * other takes the workspace away from partner visibility. */
static void dl1_setup(pws_policy *p)
{
	OK(pws_member_remove(p, "pm", "pw", "a1", RES));
	OK(pws_member_remove(p, "pm", "pw", "g1", RES));
}

static void dl1_call(pws_policy *p, int who, rpt *r)
{
	pws_result res;

	pws_result_init(&res, PWS_RESULT_VERSION);
	if (who)
		set(r, pws_workspace_set_visibility(p, "pm", "pw", PWS_VIS_PRIVATE, &res), &res);
	else
		set(r, pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER,
		                  PWS_ROLE_VIEWER, 0, &res), &res);
}

static void dl1_check(pws_policy *p, const rpt out[2])
{
	int vis = 0, inv;

	ck_assert_msg(!(out[0].rc == PWS_OK && out[1].rc == PWS_OK),
	              "a partner was invited and the workspace left partner visibility");
	ck_assert_msg(out[0].rc == PWS_OK || out[1].rc == PWS_OK, "neither won: %s / %s",
	              out[0].sig, out[1].sig);
	ck_assert_int_eq(out[0].rc == PWS_OK ? out[1].rc : out[0].rc, PWS_EDENIED);
	if (out[0].rc == PWS_OK)
		ck_assert_msg(out[1].rule == PWS_RULE_DL1, "visibility refused by %s",
		              pws_rule_id(out[1].rule));
	ck_assert_int_eq(pws_workspace_get(p, &vis, NULL, NULL, NULL, "pw"), PWS_OK);
	inv = pws_invite_get(p, NULL, NULL, NULL, "pw", "a2@acme.com") == PWS_OK;
	ck_assert_msg(vis == PWS_VIS_PARTNER || !inv, "a partner invite in a %d workspace", vis);
	ck_assert_int_eq(inv, out[0].rc == PWS_OK);
}

static const race race_dl1 = {"DL1", dl1_setup, dl1_call, dl1_check};

START_TEST(multi_race_DL1)
{
	run_race(&race_dl1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* a writer killed mid-stream                                          */

typedef struct kill_arg {
	const char *spec;
	uint64_t seed;
} kill_arg;

/* Calls until the parent closes the command pipe (or forever: killed). */
static void stream_child(void *arg, int cmd)
{
	kill_arg *a = arg;
	pws_policy *p = child_policy(a->spec);
	gen g;

	send_type(R_READY);
	gen_init(&g, p, child_id, a->seed);
	for (;;) {
		struct pollfd pf = {cmd, POLLIN, 0};

		if (poll(&pf, 1, 0) > 0)
			break; /* EOF: stop */
		gen_step(&g);
	}
	send_final(p);
	pws_policy_free(p);
}

START_TEST(multi_sigkill)
{
	unsigned rounds = (unsigned)env_count("PWS_MULTI_KILLS", 20), k, checked_total = 0;
	uint64_t s0 = env_count("PWS_MULTI_SEED", (unsigned long)time(NULL));

	for (k = 0; k < rounds; k++) {
		char spec[1200], vspec[1300], tag[48];
		kill_arg a, va;
		proc ps[2];
		rpt r, fin;
		calls cs = {NULL, 0, 0};
		unsigned at, seen = 0, ready = 0;
		int have_fin = 0, st;

		fresh_spec(spec, sizeof spec, "sigkill", k);
		seed(spec, NULL);
		a.spec = spec;
		a.seed = s0 + k;
		/* the victim's server sessions carry a tag of their own, so that
		 * the parent can wait for them to end (below) */
		snprintf(tag, sizeof tag, "pws_victim_%d_%u", (int)getpid(), k);
		ck_assert_int_eq(ms_spec_tagged(vspec, sizeof vspec, spec, tag), 0);
		va = a;
		va.spec = vspec;
		srand((unsigned)(s0 + k));
		at = 1 + (unsigned)rand() % 40;
		spawn(&ps[0], 0, stream_child, &va); /* the victim */
		spawn(&ps[1], 1, stream_child, &a);
		/* the streams begin as soon as each handle is open */
		while ((ready < 2 || seen < at) && next_rpt(ps, 2, &r)) {
			ready += r.type == R_READY;
			if (r.type == R_CALL) {
				calls_add(&cs, &r);
				seen += r.who == 0;
			}
		}
		/* at a random instant: maybe inside a transaction, maybe not */
		usleep((useconds_t)(rand() % 2000));
		/* the tag is seen while the victim lives (else the wait below
		 * would prove nothing) */
		ck_assert_msg(strncmp(spec, "pg:", 3) != 0 || ms_wait_gone(spec, tag, 0) != 0,
		              "the victim's server sessions do not carry its tag");
		kill(ps[0].pid, SIGKILL);
		/* dead for sure (a signal is delivered asynchronously) ... */
		ck_assert_int_eq(waitpid(ps[0].pid, &st, 0), ps[0].pid);
		ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
		/* ... and so are its server sessions: a PostgreSQL backend still
		 * runs a COMMIT the victim sent just before it died, and that
		 * commit lands after the survivor's last sync if the survivor
		 * does not wait (seen on a loaded machine) */
		ck_assert_msg(ms_wait_gone(spec, tag, 60000) == 0,
		              "the killed process's server sessions did not end");
		ps[0].pid = 0;
		parent_close(ps[1].cmd); /* the survivor stops, syncs and reports */
		ps[1].cmd = -1;
		while (next_rpt(ps, 2, &r)) {
			if (r.type == R_CALL)
				calls_add(&cs, &r);
			else if (r.type == R_FINAL)
				fin = r, have_fin = 1;
		}
		reap(ps, 2);
		ck_assert(have_fin);
		check_finals(spec, &fin, 1);
		checked_total += (unsigned)check_calls(spec, &cs);
		free(cs.c);
	}
	fprintf(stderr, "sigkill: %u rounds, %u accepted calls all found in the store\n",
	        rounds, checked_total);
}
END_TEST

/* ------------------------------------------------------------------ */
/* read your writes                                                    */

typedef struct ryw_arg {
	const char *spec;
	unsigned rounds;
} ryw_arg;

/* A: on each command, creates workspace ryw-N and reports its revision. */
static void ryw_writer(void *arg, int cmd)
{
	ryw_arg *a = arg;
	pws_policy *p = child_policy(a->spec);
	uint64_t n;

	send_type(R_READY);
	while (read_cmd(cmd, &n)) {
		char id[32];
		pws_result res;
		rpt r;

		pws_result_init(&res, PWS_RESULT_VERSION);
		snprintf(id, sizeof id, "ryw-%" PRIu64, n);
		memset(&r, 0, sizeof r);
		r.type = R_CALL;
		r.rc = pws_workspace_create(p, "pm", id, "R", PWS_VIS_TEAM, NULL, &res);
		if (r.rc != PWS_OK)
			child_fail("create %s: %s", id, res.message);
		pws_policy_revision(p, &r.rev);
		snprintf(r.sig, sizeof r.sig, "%s", id);
		send_rpt(&r);
	}
	pws_policy_free(p);
}

/* B: even rounds wait blocked for the next revision before A commits;
 * odd rounds get A's revision and wait for it. Either way the change is
 * then visible. */
static void ryw_reader(void *arg, int cmd)
{
	ryw_arg *a = arg;
	pws_policy *p = child_policy(a->spec);
	uint64_t n, want;

	send_type(R_READY);
	while (read_cmd(cmd, &n)) {
		char id[32];
		rpt r;

		memset(&r, 0, sizeof r);
		if (n % 2 == 0) {
			pws_policy_revision(p, &want);
			want++;
			send_type(R_READY); /* about to block */
		} else if (!read_cmd(cmd, &want)) {
			break;
		}
		r.type = R_RESULT;
		r.rc = pws_policy_wait(p, want, 5000, &r.rev);
		snprintf(id, sizeof id, "ryw-%" PRIu64, n);
		r.rc2 = pws_workspace_get(p, NULL, NULL, NULL, NULL, id);
		snprintf(r.sig, sizeof r.sig, "%s", id);
		send_rpt(&r);
	}
	pws_policy_free(p);
}

START_TEST(multi_read_your_writes)
{
	char spec[1200];
	ryw_arg a;
	proc ps[2];
	rpt r;
	unsigned ready = 0;
	uint64_t n;

	fresh_spec(spec, sizeof spec, "ryw", 0);
	seed(spec, NULL);
	a.spec = spec;
	a.rounds = 10;
	spawn(&ps[0], 0, ryw_writer, &a);
	spawn(&ps[1], 1, ryw_reader, &a);
	while (ready < 2 && next_rpt(ps, 2, &r))
		ready += r.type == R_READY;
	for (n = 0; n < a.rounds; n++) {
		rpt w;

		send_cmd(&ps[1], n);
		if (n % 2 == 0) {
			expect_rpt(&ps[1], 1, R_READY, &r); /* B is (about to be) blocked */
			usleep(20000);
		}
		send_cmd(&ps[0], n);
		/* each child's own pipe: B, woken by A's commit, may report
		 * before A does, and a report read from the wrong child is lost */
		expect_rpt(&ps[0], 1, R_CALL, &w);
		if (n % 2)
			send_cmd(&ps[1], w.rev);
		expect_rpt(&ps[1], 1, R_RESULT, &r);
		ck_assert_msg(r.rc == PWS_OK, "round %" PRIu64 ": wait for %" PRIu64 ": %s", n,
		              w.rev, pws_strerror(r.rc));
		ck_assert_uint_ge(r.rev, w.rev);
		ck_assert_msg(r.rc2 == PWS_OK, "round %" PRIu64 ": %s not visible on B at "
		              "revision %" PRIu64, n, r.sig, r.rev);
	}
	reap(ps, 2);
}
END_TEST

/* ------------------------------------------------------------------ */
/* compaction while others follow                                      */

typedef struct cmp_arg {
	const char *spec;
	barrier go, done;
	uint64_t seed;
} cmp_arg;

/* The writer: 90 calls, compacting after the 30th and the 60th. */
static void cmp_writer(void *arg, int cmd)
{
	cmp_arg *a = arg;
	pws_policy *p = child_policy(a->spec);
	gen g;
	int i;

	(void)cmd;
	send_type(R_READY);
	barrier_wait(&a->go);
	gen_init(&g, p, 0, a->seed);
	for (i = 1; i <= 90; i++) {
		gen_step(&g);
		if (i % 30 == 0 && i < 90) {
			pws_result res;
			rpt r;

			pws_result_init(&res, PWS_RESULT_VERSION);
			if (pws_compact(p, &res) != PWS_OK)
				child_fail("compact: %s", res.message);
			memset(&r, 0, sizeof r);
			r.type = R_COMPACT;
			pws_policy_revision(p, &r.rev);
			send_rpt(&r);
		}
	}
	send_type(R_DONE);
	barrier_wait(&a->done);
	send_final(p);
	pws_policy_free(p);
}

/* Follower 1 syncs every millisecond meanwhile; follower 2 not at all, so
 * it is behind the image at the end. */
static void cmp_follower(void *arg, int cmd)
{
	cmp_arg *a = arg;
	pws_policy *p = child_policy(a->spec);

	(void)cmd;
	send_type(R_READY);
	if (child_id == 1) {
		for (;;) {
			struct pollfd pf = {a->done.rd, POLLIN, 0};
			int rc;

			if (poll(&pf, 1, 1) > 0)
				break;
			rc = pws_policy_sync(p, NULL);
			if (rc != PWS_OK)
				child_fail("sync: %s", pws_strerror(rc));
		}
	}
	barrier_wait(&a->done);
	send_final(p);
	pws_policy_free(p);
}

START_TEST(multi_compaction)
{
	char spec[1200];
	cmp_arg a;
	proc ps[3];
	rpt r, fin[3];
	calls cs = {NULL, 0, 0};
	unsigned ready = 0, nfin = 0, compactions = 0;
	uint64_t last_image = 0;
	srecs st;

	fresh_spec(spec, sizeof spec, "compaction", 0);
	seed(spec, NULL);
	a.spec = spec;
	a.seed = env_count("PWS_MULTI_SEED", (unsigned long)time(NULL));
	barrier_new(&a.go);
	barrier_new(&a.done);
	spawn(&ps[0], 0, cmp_writer, &a);
	spawn(&ps[1], 1, cmp_follower, &a);
	spawn(&ps[2], 2, cmp_follower, &a);
	while (ready < 3 && next_rpt(ps, 3, &r))
		ready += r.type == R_READY;
	barrier_open(&a.go);
	while (nfin < 3 && next_rpt(ps, 3, &r)) {
		if (r.type == R_CALL)
			calls_add(&cs, &r);
		else if (r.type == R_COMPACT)
			compactions++, last_image = r.rev;
		else if (r.type == R_DONE)
			barrier_open(&a.done);
		else if (r.type == R_FINAL)
			fin[nfin++] = r;
	}
	reap(ps, 3);
	barrier_free(&a.go);
	barrier_free(&a.done);
	ck_assert_uint_eq(compactions, 2);
	ck_assert_uint_eq(nfin, 3);
	check_finals(spec, fin, 3);
	load_records(spec, &st);
	ck_assert_uint_eq(st.r[0].rev, last_image);
	ck_assert_int_eq(st.r[0].op, 44);
	free(st.r);
	check_calls(spec, &cs);
	free(cs.c);
}
END_TEST

/* ------------------------------------------------------------------ */

/* One case per test, so CK_RUN_CASE=<test name> runs one alone. */
static void add(Suite *s, const char *name, const TTest *t)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, t);
	suite_add_tcase(s, tc);
}

static Suite *multi_suite(void)
{
	Suite *s = suite_create("multi-process");

	add(s, "multi_convergence", multi_convergence);
	add(s, "multi_race_RO6", multi_race_RO6);
	add(s, "multi_race_MP1", multi_race_MP1);
	add(s, "multi_race_PL4_roles", multi_race_PL4_roles);
	add(s, "multi_race_PL4_invites", multi_race_PL4_invites);
	add(s, "multi_race_DL1", multi_race_DL1);
	add(s, "multi_sigkill", multi_sigkill);
	add(s, "multi_read_your_writes", multi_read_your_writes);
	add(s, "multi_compaction", multi_compaction);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(multi_suite());
	int failed;

	signal(SIGPIPE, SIG_IGN);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
