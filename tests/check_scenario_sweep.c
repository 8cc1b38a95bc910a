/*
 * Every scenario of tests/scenarios run under fault injection (as SQLite
 * runs its whole suite under its fault injector), instead of fixed lists
 * of mutations that new code can escape: a new operation joins the sweep
 * by being in a scenario.
 *
 *  - OOM: for N = 1, 2, 3, ... every Nth allocation of the library fails
 *    (a periodic injector: failures land on every kind of call, early and
 *    late in each);
 *  - storage: on an in-memory store, every Nth storage call (begin, put,
 *    commit) fails.
 *
 * For every call that fails with PWS_ENOMEM or PWS_ESTORAGE, the runner
 * (cli/scenario.c, scen_hooks) checks that the state digest did not move
 * and that no event was sent; this program checks that the store holds
 * exactly the committed records (no record of a failed call, one per
 * success) and reloads to the same state, that no block is leaked when
 * the handle is freed, and that each run completes (a crash fails the
 * test). Bounded: PWS_SWEEP_PERIODS (default 24) periods per file.
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The runner opens named stores through the command's cli_open_ops(); the
 * sweep gives it its own store instead. */
int cli_open_ops(pws_storage_ops *ops, const char *spec, int readonly)
{
	(void)ops;
	(void)spec;
	(void)readonly;
	return PWS_EINVALID;
}

/* ---- a counting allocator that fails every Nth call ------------------ */

static struct {
	size_t calls, every, live, failures;
	int paused;
} A;

static int a_fail(void)
{
	if (A.paused || !A.every)
		return 0;
	A.calls++;
	if (A.calls % A.every == 0) {
		A.failures++;
		return 1;
	}
	return 0;
}

static void *a_malloc(void *ctx, size_t n)
{
	(void)ctx;
	if (a_fail())
		return NULL;
	void *p = malloc(n);
	if (p)
		A.live++;
	return p;
}

static void *a_realloc(void *ctx, void *ptr, size_t n)
{
	(void)ctx;
	if (a_fail())
		return NULL;
	return realloc(ptr, n);
}

static void a_free(void *ctx, void *ptr)
{
	(void)ctx;
	A.live--;
	free(ptr);
}

static const pws_allocator allocator = {PWS_ALLOCATOR_VERSION, NULL, a_malloc, a_realloc,
                                        a_free};

/* ---- an in-memory store that fails every Nth call -------------------- */

typedef struct rec {
	uint32_t kind;
	char *key;
	size_t klen;
	void *data;
	size_t dlen;
} rec;

typedef struct mstore {
	rec *v, *stage;
	size_t n, sn, cap, scap;
	int open;
	size_t calls, every, failures;
	int paused;
	size_t n_before; /* committed records before the current call */
} mstore;

static int m_fail(mstore *s)
{
	if (s->paused || !s->every)
		return 0;
	s->calls++;
	if (s->calls % s->every == 0) {
		s->failures++;
		return 1;
	}
	return 0;
}

static void rec_free(rec *r)
{
	free(r->key);
	free(r->data);
}

static int m_load(void *ctx, pws_storage_sink sink, void *sink_ctx)
{
	mstore *s = ctx;
	for (size_t i = 0; i < s->n; i++) {
		int rc = sink(sink_ctx, s->v[i].kind, s->v[i].key, s->v[i].klen, s->v[i].data,
		              s->v[i].dlen);
		if (rc)
			return rc;
	}
	return 0;
}

static int m_begin(void *ctx)
{
	mstore *s = ctx;
	if (m_fail(s))
		return -1;
	s->open = 1;
	return 0;
}

static int m_put(void *ctx, uint32_t kind, const char *key, size_t klen, const void *data,
                 size_t dlen)
{
	mstore *s = ctx;
	if (m_fail(s))
		return -1;
	rec r = {kind, malloc(klen + 1), klen, malloc(dlen ? dlen : 1), dlen};
	if (!r.key || !r.data) {
		rec_free(&r);
		return -1;
	}
	memcpy(r.key, key, klen);
	if (dlen)
		memcpy(r.data, data, dlen);
	rec **v = s->open ? &s->stage : &s->v;
	size_t *n = s->open ? &s->sn : &s->n, *cap = s->open ? &s->scap : &s->cap;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		rec *nv = realloc(*v, c * sizeof *nv);
		if (!nv) {
			rec_free(&r);
			return -1;
		}
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = r;
	return 0;
}

static int m_rollback(void *ctx)
{
	mstore *s = ctx;
	for (size_t i = 0; i < s->sn; i++)
		rec_free(&s->stage[i]);
	s->sn = 0;
	s->open = 0;
	return 0;
}

static int m_commit(void *ctx)
{
	mstore *s = ctx;
	if (m_fail(s))
		return -1;
	while (s->n + s->sn > s->cap) {
		size_t c = s->cap ? s->cap * 2 : 16;
		rec *nv = realloc(s->v, c * sizeof *nv);
		if (!nv)
			return -1;
		s->v = nv;
		s->cap = c;
	}
	memcpy(s->v + s->n, s->stage, s->sn * sizeof *s->stage);
	s->n += s->sn;
	s->sn = 0;
	s->open = 0;
	return 0;
}

static void m_close(void *ctx)
{
	(void)ctx; /* the store outlives the handle: it is reloaded after */
}

static void m_free(mstore *s)
{
	m_rollback(s);
	for (size_t i = 0; i < s->n; i++)
		rec_free(&s->v[i]);
	free(s->v);
	free(s->stage);
	memset(s, 0, sizeof *s);
}

static void m_ops(pws_storage_ops *ops, mstore *s)
{
	pws_storage_ops_init(ops, PWS_STORAGE_OPS_VERSION);
	ops->ctx = s;
	ops->load = m_load;
	ops->begin = m_begin;
	ops->put = m_put;
	ops->commit = m_commit;
	ops->rollback = m_rollback;
	ops->close = m_close;
}

/* ---- hooks ------------------------------------------------------------ */

static mstore *cur_store;
static unsigned store_violations;

static void h_pause(void *ctx, int on)
{
	(void)ctx;
	A.paused = on;
	if (cur_store)
		cur_store->paused = on;
}

static void h_before(void *ctx)
{
	(void)ctx;
	if (cur_store)
		cur_store->n_before = cur_store->n;
}

/* A failed call leaves no record; a call that succeeds leaves at most one
 * (an asked call, a decision-only call: none). */
static int h_after(void *ctx, int rc)
{
	(void)ctx;
	if (!cur_store)
		return 0;
	if (cur_store->open || cur_store->sn) {
		store_violations++;
		return 1; /* a change set left open */
	}
	if (rc != PWS_OK && cur_store->n != cur_store->n_before)
		return 1;
	return cur_store->n > cur_store->n_before + 1;
}

/* ---- the sweep --------------------------------------------------------- */

static unsigned bad;

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0;
	*len = 0;
	for (;;) {
		if (*len == cap) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 65536);
			if (!nb)
				break;
			buf = nb;
		}
		size_t n = fread(buf + *len, 1, cap - *len, f);
		if (!n)
			break;
		*len += n;
	}
	fclose(f);
	return buf;
}

/* One run; returns the number of injected failures. */
static size_t run(const char *name, const char *buf, size_t len, size_t alloc_every,
                  size_t store_every, int *status)
{
	mstore st;
	pws_storage_ops ops;
	memset(&st, 0, sizeof st);
	m_ops(&ops, &st);
	st.every = store_every;
	cur_store = store_every ? &st : NULL;
	memset(&A, 0, sizeof A);
	A.every = alloc_every;
	/* armed from the first call on: pws_policy_new's own allocations are
	 * the handle suites' business, and failing them would end every run
	 * before it starts */
	A.paused = 1;
	st.paused = 1;
	scen_hooks h = {0};
	h.allocator = &allocator;
	h.storage = store_every ? &ops : NULL;
	h.quiet = getenv("PWS_SWEEP_VERBOSE") == NULL;
	h.pause = h_pause;
	h.before_call = h_before;
	h.after_call = h_after;
	*status = scen_run_buffer(buf, len, name, &h);
	size_t injected = A.failures + st.failures;
	if (h.violations) {
		printf("FAIL: %s (every %zu allocation, every %zu storage call): %u failed call(s) "
		       "changed something (see above)\n", name, alloc_every, store_every, h.violations);
		bad++;
	}
	if (A.live) {
		printf("FAIL: %s (every %zu allocation, every %zu storage call): %zu block(s) leaked\n",
		       name, alloc_every, store_every, A.live);
		bad++;
	}
	if (store_every) {
		/* the store reloads to a state; a clean replay of it must work */
		pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
		pws_policy *p = NULL;
		st.every = 0;
		o.storage = &ops;
		if (pws_policy_new(&p, &o) != PWS_OK) {
			printf("FAIL: %s (every %zu storage call): the store does not reload\n", name,
			       store_every);
			bad++;
		}
		pws_policy_free(p);
	}
	m_free(&st);
	cur_store = NULL;
	return injected;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	char dirbuf[4096];
	const char *srcdir = getenv("srcdir");
	snprintf(dirbuf, sizeof dirbuf, "%s/tests/scenarios", srcdir ? srcdir : ".");
	const char *dir = argc > 1 ? argv[1] : dirbuf;
	const char *e = getenv("PWS_SWEEP_PERIODS");
	size_t periods = e ? strtoul(e, NULL, 10) : 24;
	DIR *d = opendir(dir);
	if (!d) {
		printf("FAIL: cannot open %s\n", dir);
		return 1;
	}
	char *files[512];
	size_t nf = 0;
	struct dirent *de;
	while ((de = readdir(d)) && nf < 512) {
		size_t l = strlen(de->d_name);
		if (l > 5 && !strcmp(de->d_name + l - 5, ".yaml")) {
			files[nf] = malloc(strlen(dir) + l + 2);
			if (!files[nf])
				return 99;
			sprintf(files[nf++], "%s/%s", dir, de->d_name);
		}
	}
	closedir(d);
	qsort(files, nf, sizeof *files, cmp);
	size_t runs = 0, injected = 0;
	for (size_t i = 0; i < nf; i++) {
		size_t len;
		char *buf = slurp(files[i], &len);
		int st;
		if (!buf) {
			printf("FAIL: cannot read %s\n", files[i]);
			bad++;
			continue;
		}
		/* the clean run holds (else the sweep's failures mean nothing) */
		run(files[i], buf, len, 0, 0, &st);
		if (st != CLI_OK) {
			printf("FAIL: %s does not hold without injection (%d)\n", files[i], st);
			bad++;
		}
		run(files[i], buf, len, 0, 1000000, &st);
		if (st != CLI_OK) {
			printf("FAIL: %s does not hold on the in-memory store (%d)\n", files[i], st);
			bad++;
		}
		for (size_t n = 1; n <= periods; n++) {
			for (int kind = 0; kind < 2; kind++) {
				injected += run(files[i], buf, len, kind ? 0 : n, kind ? n : 0, &st);
				runs++;
				if (st != CLI_OK) {
					printf("FAIL: %s does not hold when every %zu%s %s fails (each failed "
					       "call retried)\n", files[i], n, n == 1 ? "st" : n == 2 ? "nd" :
					       n == 3 ? "rd" : "th", kind ? "storage call" : "allocation");
					bad++;
				}
			}
		}
		free(buf);
		free(files[i]);
	}
	printf("scenario sweep: %zu files, %zu runs, %zu injected failures, %u divergences\n", nf,
	       runs, injected, bad + store_violations);
	return bad || store_violations || !nf ? 1 : 0;
}
