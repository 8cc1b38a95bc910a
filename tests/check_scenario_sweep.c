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
 * test). The random worlds (PWS_SWEEP_WORLDS, default 20, of 60 random
 * calls each) are written as scenario text and swept the same way, the
 * clean run's status as the reference. Bounded: PWS_SWEEP_PERIODS
 * (default 24) periods per file.
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"
#include "mem-store.h"

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

/* ---- hooks ------------------------------------------------------------ */

/* The run's store (tests/mem-store.h, failing every Nth call) and the
 * records it held before the current call. */
static mem_store *cur_store;
static size_t n_before;
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
		n_before = cur_store->n;
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
	if (rc != PWS_OK && cur_store->n != n_before)
		return 1;
	return cur_store->n > n_before + 1;
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
	mem_store st;
	memset(&st, 0, sizeof st);
	pws_storage_ops ops = mem_store_ops(&st);
	ops.del = NULL; /* as a table without compaction */
	st.fail_code = -1;
	st.fail_every = store_every;
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
		st.fail_every = 0;
		o.storage = &ops;
		if (pws_policy_new(&p, &o) != PWS_OK) {
			printf("FAIL: %s (every %zu storage call): the store does not reload\n", name,
			       store_every);
			bad++;
		}
		pws_policy_free(p);
	}
	mem_store_clear(&st);
	cur_store = NULL;
	return injected;
}

/* ---- random worlds, written as scenarios ------------------------------- */

static unsigned long rnd_state;

static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rnd_state >> 33) % n);
}

#define PICK(v) (v[rnd(sizeof v / sizeof v[0])])

/* A fixed cast, then random calls as "succeeds" expectations: whether each
 * holds does not matter (the file's status is compared between the clean
 * run and the runs under injection); every call goes through the runner's
 * checks whatever its outcome. */
static size_t random_world(char *buf, size_t size, unsigned long seed, int steps)
{
	static const char *const users[] = {"pm", "dev", "a1", "a2", "g1", "x"};
	static const char *const emails[] = {"dev@pub.com", "a1@acme.com", "a2@acme.com",
	                                     "g1@globex.com", "n1@acme.com", "bad@"};
	static const char *const wss[] = {"hub", "ws2", "tw"};
	static const char *const els[] = {"e1", "e2", "e3"};
	static const char *const roles[] = {"viewer", "editor", "admin"};
	static const char *const teams[] = {"pub", "acme", "globex", "null"};
	static const char *const bools[] = {"true", "false"};
	size_t k = 0;
	rnd_state = seed;
#define OUT(...) (k += (size_t)snprintf(buf + k, k < size ? size - k : 0, __VA_ARGS__))
	OUT("version: 2\nworld:\n"
	    "  - team: {id: pub, plan: enterprise, domains: [pub.com]}\n"
	    "  - team: {id: acme, plan: professional, domains: [acme.com]}\n"
	    "  - team: {id: globex, plan: free, domains: [globex.com]}\n"
	    "  - user: {id: pm, email: pm@pub.com, team: pub, partner_manager: true}\n"
	    "  - user: {id: dev, email: dev@pub.com, team: pub}\n"
	    "  - user: {id: a1, email: a1@acme.com, team: acme}\n"
	    "  - user: {id: a2, email: a2@acme.com, team: acme}\n"
	    "  - user: {id: g1, email: g1@globex.com, team: globex}\n"
	    "  - user: {id: x, email: x@else.org}\n"
	    "  - workspace: {actor: pm, id: hub}\nexpect:\n");
	for (int i = 0; i < steps && k < size; i++) {
		const char *u = PICK(users), *w = PICK(wss), *e = PICK(els);
		OUT("  - succeeds: {call: {");
		switch (rnd(19)) {
		case 0: OUT("invite: {actor: %s, workspace: %s, email: %s, role: %s, lead: %s}", u, w,
		            PICK(emails), PICK(roles), PICK(bools)); break;
		case 1: OUT("accept: {user: %s, workspace: %s}", u, w); break;
		case 2: OUT("member_set_role: {actor: %s, workspace: %s, user: %s, role: %s}", u, w,
		            PICK(users), PICK(roles)); break;
		case 3: OUT("member_set_lead: {actor: %s, workspace: %s, user: %s, lead: %s}", u, w,
		            PICK(users), PICK(bools)); break;
		case 4: OUT("member_remove: {actor: %s, workspace: %s, user: %s}", u, w, PICK(users)); break;
		case 5: OUT("element: {actor: %s, workspace: %s, id: %s}", u, w, e); break;
		case 6: OUT("element_move: {actor: %s, element: %s, to: %s}", u, e, PICK(wss)); break;
		case 7: OUT("element_delete: {actor: %s, element: %s}", u, e); break;
		case 8: OUT("update_post: {actor: %s, workspace: %s, id: u%d}", u, w, i); break;
		case 9: OUT("update_reply: {actor: %s, update: u%u, id: r%d}", u, rnd((unsigned)i + 1), i); break;
		case 10: OUT("comment: {actor: %s, element: %s, id: c%d}", u, e, i); break;
		case 11: OUT("enable_multi_partner: {actor: %s, workspace: %s}", u, w); break;
		case 12: OUT("workspace: {actor: %s, id: %s, visibility: %s}", u, w,
		             rnd(2) ? "partner" : "team"); break;
		case 13: OUT("user_move: {user: %s, team: %s}", u, PICK(teams)); break;
		case 14: OUT("withdraw: {actor: %s, workspace: %s, email: %s}", u, w, PICK(emails)); break;
		case 15: OUT("history_add: {user: %s, workspace: %s, id: h%d}", u, w, i); break;
		case 16: OUT("workspace_visit: {user: %s, workspace: %s}", u, w); break;
		case 17: OUT("invite_bulk: {actor: %s, workspace: %s, format: txt, mode: %s, "
		             "text: \"%s\\n%s\\n\"}", u, w, rnd(2) ? "best_effort" : "all_or_nothing",
		             PICK(emails), PICK(emails)); break;
		default: OUT("partner_end: {actor: %s, team: pub, user: %s}", u, PICK(users)); break;
		}
		OUT("}}\n");
	}
#undef OUT
	return k < size ? k : 0;
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
	/* the random worlds: the same sweep, the clean run's status as reference */
	e = getenv("PWS_SWEEP_WORLDS");
	size_t worlds = e ? strtoul(e, NULL, 10) : 20;
	static char wbuf[1 << 16];
	for (size_t w = 0; w < worlds; w++) {
		char name[64];
		size_t len = random_world(wbuf, sizeof wbuf, 0x5eed0000UL + w, 60);
		int st0, st;
		snprintf(name, sizeof name, "random world %zu", w);
		if (!len) {
			printf("FAIL: %s does not fit its buffer\n", name);
			bad++;
			continue;
		}
		run(name, wbuf, len, 0, 0, &st0);
		if (st0 == CLI_BAD) {
			printf("FAIL: %s is a bad file\n%s", name, wbuf);
			bad++;
			continue;
		}
		for (size_t n = 1; n <= periods; n++)
			for (int kind = 0; kind < 2; kind++) {
				injected += run(name, wbuf, len, kind ? 0 : n, kind ? n : 0, &st);
				runs++;
				if (st != st0) {
					printf("FAIL: %s: status %d under injection (every %zu %s), %d without\n",
					       name, st, n, kind ? "storage call" : "allocation", st0);
					bad++;
				}
			}
	}
	printf("scenario sweep: %zu files and %zu random worlds, %zu runs, %zu injected failures, "
	       "%u divergences\n", nf, worlds, runs, injected, bad + store_violations);
	return bad || store_violations || !nf ? 1 : 0;
}
