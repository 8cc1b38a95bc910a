/*
 * Persistence through the storage vtable: all-or-nothing write-through,
 * reload by replay, re-entry, reopen equivalence.
 * SPDX-License-Identifier: MIT
 */
#include "storage-scenario.h"
#include "test-world.h"
#include "torn-store.h"
#include "mem-store.h"
#include "../lib/image-pack.h"
#include "../lib/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the in-memory store (tests/mem-store.h) -------------------------------- */

static pws_policy *open_on(mem_store *s)
{
	pws_policy *p = NULL;

	ck_assert_int_eq(mem_store_open(s, NULL, &p), PWS_OK);
	return p;
}

/* A version-1 table with no change sets: load, put and close only. */
static pws_storage_ops put_only_ops(mem_store *s)
{
	pws_storage_ops ops = PWS_STORAGE_OPS_INIT;

	ops.ctx = s;
	ops.load = mem_store_load;
	ops.put = mem_store_put;
	ops.close = mem_store_close;
	return ops;
}

/* --- a scripted scenario covering every mutation kind ------------------------ */

#define T0 STORAGE_T0
#define STEPS STORAGE_STEPS
#define step storage_step

START_TEST(storage_scenario_succeeds_and_reloads)
{
	mem_store s;
	pws_policy *p, *q;
	uint64_t d;
	int i;

	memset(&s, 0, sizeof s);
	p = open_on(&s);
	for (i = 0; i < STEPS; i++) {
		int rc = step(p, i);

		ck_assert_msg(rc == PWS_OK, "step %d -> %s: %s", i, pws_strerror(rc), tw_res.message);
	}
	ck_assert_uint_eq(s.n, STEPS); /* one record per committed change */
	d = tw_digest(p);
	q = open_on(&s);
	ck_assert_msg(tw_digest(q) == d, "reloaded state differs");
	pws_policy_free(q);
	pws_policy_free(p);
	ck_assert_int_eq(s.closed, 2);
	mem_store_clear(&s);
}
END_TEST

/* Every storage call of the scenario made to fail in turn, with each kind
 * of failure code: the call fails with PWS_ESTORAGE, memory is as before,
 * the store holds nothing of it, and a fresh handle loaded from the store
 * equals the live one. */
START_TEST(storage_every_call_fails_in_turn)
{
	static const int codes[] = { PWS_ESTORAGE, PWS_ERROR, 42 };
	size_t total, n;
	mem_store s;
	pws_policy *p;
	int i, c, failures = 0;

	memset(&s, 0, sizeof s);
	p = open_on(&s);
	for (i = 0; i < STEPS; i++)
		ck_assert_int_eq(step(p, i), PWS_OK);
	total = s.calls;
	pws_policy_free(p);
	mem_store_clear(&s);
	ck_assert_uint_ge(total, 3 * STEPS);

	for (c = 0; c < 3; c++)
		for (n = 1; n <= total; n++) {
			pws_policy *q;
			int hit = 0;

			memset(&s, 0, sizeof s);
			p = open_on(&s);
			s.fail_at = n;
			s.fail_code = codes[c];
			for (i = 0; i < STEPS; i++) {
				uint64_t before = tw_digest(p);
				size_t recs = s.n;
				int rc = step(p, i);

				if (rc == PWS_OK)
					continue;
				ck_assert_msg(rc == PWS_ESTORAGE, "call %zu step %d -> %s: %s", n, i,
				              pws_strerror(rc), tw_res.message);
				ck_assert_int_eq(tw_res.code, PWS_ESTORAGE);
				ck_assert_msg(tw_digest(p) == before, "call %zu step %d changed memory", n, i);
				ck_assert_msg(s.n == recs && !s.open, "call %zu step %d left a record", n, i);
				q = open_on(&s);
				ck_assert_msg(tw_digest(q) == before, "call %zu: reloaded store differs", n);
				pws_policy_free(q);
				hit++;
				/* the failure was one-shot: the same call now succeeds */
				ck_assert_int_eq(step(p, i), PWS_OK);
			}
			ck_assert_msg(hit == 1, "storage call %zu failed %d calls", n, hit);
			failures += hit;
			q = open_on(&s);
			ck_assert(tw_digest(q) == tw_digest(p));
			pws_policy_free(q);
			pws_policy_free(p);
			mem_store_clear(&s);
		}
	printf("storage sweep: %d mutations, %zu storage calls, %d injected failures, 0 divergences\n",
	       STEPS, total, failures);
}
END_TEST

/* A storage callback that calls back into the same handle gets a clear
 * misuse error, not a deadlock. */
static int reenter_rc;

static void reenter(mem_store *s)
{
	int allowed;

	reenter_rc = pws_check(s->hook_ctx, &allowed, NULL, "x", PWS_ACT_VIEW, "y", NULL);
}

START_TEST(storage_reentry_is_misuse)
{
	mem_store s;
	pws_policy *p;

	memset(&s, 0, sizeof s);
	p = open_on(&s);
	reenter_rc = 12345;
	s.hook_ctx = p;
	s.on_put = reenter;
	OK(pws_team_add(p, "t", "T", PWS_PLAN_FREE, 0, RES));
	ck_assert_int_eq(reenter_rc, PWS_EMISUSE);
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

/* A refused or invalid call writes nothing. */
START_TEST(storage_refusals_write_nothing)
{
	mem_store s;
	pws_policy *p;
	size_t calls;
	int i;

	memset(&s, 0, sizeof s);
	p = open_on(&s);
	for (i = 0; i < 30; i++)
		ck_assert_int_eq(step(p, i), PWS_OK);
	calls = s.calls;
	FAILS(pws_team_add(p, "pub", "again", PWS_PLAN_FREE, 0, RES), PWS_EEXISTS);
	DENY(pws_invite(p, "a1", "pw", "x@beta.io", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES),
	     PWS_RULE_IN3);
	FAILS(pws_user_add(p, NULL, "n@x.io", NULL, 0, 0, RES), PWS_EINVALID);
	ck_assert_uint_eq(s.calls, calls);
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

/* A malformed or out-of-order store is refused at open, and close is not
 * called (the caller keeps its context). */
START_TEST(storage_malformed_store_refused)
{
	mem_store s;
	pws_policy *p = NULL, *q = (pws_policy *)0x1;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops ops = PWS_STORAGE_OPS_INIT;
	int i;

	memset(&s, 0, sizeof s);
	p = open_on(&s);
	for (i = 0; i < 12; i++)
		ck_assert_int_eq(step(p, i), PWS_OK);
	pws_policy_free(p);
	ops = put_only_ops(&s);
	o.storage = &ops;
	s.closed = 0;
	((unsigned char *)s.v[3].data)[0] = 99;     /* unknown record format */
	ck_assert_int_eq(pws_policy_new(&q, &o), PWS_ESTORAGE);
	ck_assert_ptr_null(q);
	((unsigned char *)s.v[3].data)[0] = 2;
	memcpy(s.v[5].key, "0000000000000001", 16); /* out of order */
	ck_assert_int_eq(pws_policy_new(&q, &o), PWS_ESTORAGE);
	ck_assert_int_eq(s.closed, 0);
	mem_store_clear(&s);
}
END_TEST


/* --- reopen equivalence on random states ------------------------------------- */

static uint64_t rnd_state;

static uint32_t rnd(uint32_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)(rnd_state % n);
}

static const char *const R_USERS[] = { "u0", "u1", "u2", "u3", "p0", "p1", "p2", "q0", "q1", "s0" };
static const char *const R_EMAILS[] = { "u0@pub.io", "u1@pub.io", "u2@pub.io", "u3@pub.io",
	"p0@pa.io", "p1@pa.io", "p2@pa.io", "q0@qb.io", "q1@qb.io", "s0@solo.io" };
static const char *const R_WS[] = { "w0", "w1", "w2", "w3" };
static const char *const R_EL[] = { "e0", "e1", "e2", "e3", "e4" };

static void random_world(pws_policy *p, int steps)
{
	char id[32];
	int i;

	pws_team_add(p, "pub", "P", PWS_PLAN_ENTERPRISE, 0, NULL);
	pws_team_add_domain(p, "pub", "pub.io", NULL);
	pws_team_add(p, "pa", "A", PWS_PLAN_PROFESSIONAL, 1, NULL);
	pws_team_add_domain(p, "pa", "pa.io", NULL);
	pws_team_add(p, "qb", "B", PWS_PLAN_FREE, 0, NULL);
	pws_team_add_domain(p, "qb", "qb.io", NULL);
	for (i = 0; i < 10; i++)
		pws_user_add(p, R_USERS[i], R_EMAILS[i], i < 4 ? "pub" : i < 7 ? "pa" : i < 9 ? "qb" : NULL,
		             i == 0 ? PWS_TEAM_SUPER_ADMIN : PWS_TEAM_MEMBER, i == 1, NULL);
	pws_workspace_create(p, "u1", "w0", "W0", PWS_VIS_PARTNER, NULL, NULL);
	pws_workspace_create(p, "u1", "w1", "W1", PWS_VIS_PARTNER, NULL, NULL);
	pws_workspace_create(p, "u2", "w2", "W2", PWS_VIS_TEAM, NULL, NULL);
	pws_workspace_create(p, "u0", "w3", "W3", PWS_VIS_PUBLIC, NULL, NULL);
	for (i = 0; i < steps; i++) {
		/* the Partner Manager acts half the time, so calls mostly succeed */
		const char *a = rnd(2) ? "u1" : R_USERS[rnd(10)], *w = R_WS[rnd(4)], *e = R_EL[rnd(5)];
		int k = (int)rnd(10);

		switch (rnd(14)) {
		case 0: pws_workspace_create(p, a, w, "W", rnd(2) ? PWS_VIS_PARTNER : 1 + (int)rnd(5), NULL, NULL); break;
		case 1: case 2: pws_invite(p, a, w, R_EMAILS[k], k < 4 ? PWS_INVITE_MEMBER : PWS_INVITE_PARTNER,
		                           1 + (int)rnd(3), (int)rnd(2), NULL); break;
		case 3: case 4: pws_invite_accept(p, R_USERS[k], w, NULL, NULL); break;
		case 5: pws_member_set_role(p, a, w, R_USERS[k], 1 + (int)rnd(3), NULL); break;
		case 6: pws_workspace_enable_multi_partner(p, a, w, NULL); break;
		case 7: pws_element_add(p, a, w, e, PWS_EL_COLLECTION, rnd(100), NULL, NULL); break;
		case 8: snprintf(id, sizeof id, "up%d", i);
			pws_update_post(p, a, w, id, "t", T0 + i, NULL); break;
		case 9: snprintf(id, sizeof id, "h%d", i);
			pws_history_add(p, a, w, id, "t", T0 + i, NULL); break;
		case 10: pws_user_set_team(p, R_USERS[4 + rnd(5)], rnd(3) ? (rnd(2) ? "pa" : "qb") : NULL,
		                           PWS_TEAM_MEMBER, NULL); break;
		case 11: pws_member_remove(p, a, w, R_USERS[k], NULL); break;
		case 12: pws_element_delete(p, a, e, T0 + i, NULL); break;
		default: pws_workspace_visit(p, a, w, NULL); break;
		}
	}
}

/* Every check and every member listing of two handles agree. */
static void same_answers(pws_policy *p, pws_policy *q)
{
	int u, w, a, e;

	for (u = 0; u < 10; u++)
		for (w = 0; w < 4; w++) {
			pws_iter *i1 = NULL, *i2 = NULL;
			int r1 = pws_list_members(&i1, p, R_USERS[u], R_WS[w]);
			int r2 = pws_list_members(&i2, q, R_USERS[u], R_WS[w]);

			ck_assert_int_eq(r1, r2);
			ck_assert_uint_eq(pws_iter_count(i1), pws_iter_count(i2));
			while (pws_iter_next(i1) == PWS_OK) {
				ck_assert_int_eq(pws_iter_next(i2), PWS_OK);
				ck_assert_str_eq(pws_iter_str(i1, PWS_COL_ID), pws_iter_str(i2, PWS_COL_ID));
				ck_assert_int_eq(pws_iter_int(i1, PWS_COL_ROLE), pws_iter_int(i2, PWS_COL_ROLE));
			}
			pws_iter_free(i1);
			pws_iter_free(i2);
			for (a = 1; a < PWS_ACT_COUNT; a++)
				for (e = -1; e < 5; e++) {
					int al1 = -1, al2 = -1, ru1 = -1, ru2 = -1;
					const char *el = e < 0 ? NULL : R_EL[e];

					r1 = pws_check(p, &al1, &ru1, R_USERS[u], a, el ? NULL : R_WS[w], el);
					r2 = pws_check(q, &al2, &ru2, R_USERS[u], a, el ? NULL : R_WS[w], el);
					ck_assert_int_eq(r1, r2);
					ck_assert_int_eq(al1, al2);
					ck_assert_int_eq(ru1, ru2);
				}
		}
}

START_TEST(storage_reopen_equivalence_random)
{
	int world, worlds = 40;

	for (world = 0; world < worlds; world++) {
		mem_store s;
		pws_policy *p, *q;

		rnd_state = 0x9e3779b97f4a7c15ULL * (uint64_t)(world + 1);
		memset(&s, 0, sizeof s);
		p = open_on(&s);
		random_world(p, 400);
		/* the random calls must build real state, not only fail */
		ck_assert_msg(s.n > 50, "world %d: only %zu changes committed", world, s.n);
		q = open_on(&s);
		ck_assert_msg(tw_digest(p) == tw_digest(q), "world %d: reopened digest differs", world);
		same_answers(p, q);
		pws_policy_free(q);
		pws_policy_free(p);
		mem_store_clear(&s);
	}
}
END_TEST

/* Compaction: a snapshot imported into an empty store is one record, and
 * the store reloads to the same state. */
START_TEST(storage_snapshot_import_compacts)
{
	mem_store s, t;
	pws_policy *p, *q, *r;
	char *json = NULL;
	size_t len = 0;
	int i;

	memset(&s, 0, sizeof s);
	memset(&t, 0, sizeof t);
	p = open_on(&s);
	for (i = 0; i < STEPS; i++)
		ck_assert_int_eq(step(p, i), PWS_OK);
	ck_assert_int_eq(pws_snapshot_export(p, &json, &len), PWS_OK);
	q = open_on(&t);
	OK(pws_snapshot_import(q, json, len, RES));
	ck_assert_uint_eq(t.n, 1);
	ck_assert(tw_digest(q) == tw_digest(p));
	r = open_on(&t);
	ck_assert(tw_digest(r) == tw_digest(p));
	/* and the reloaded handle goes on writing after that record */
	OK(pws_team_add(r, "later", "L", PWS_PLAN_FREE, 0, RES));
	ck_assert_uint_eq(t.n, 2);
	pws_snapshot_free(p, json);
	pws_policy_free(r);
	pws_policy_free(q);
	pws_policy_free(p);
	mem_store_clear(&t);
	mem_store_clear(&s);
}
END_TEST

/* --- compaction: state images (pws_compact) ----------------------------------- */

/* Whether the store holds exactly these records (kind, key and data). */
typedef struct store_copy {
	size_t n;
	char **keys;
	void **data;
	size_t *len;
} store_copy;

static void store_save(const mem_store *s, store_copy *c)
{
	size_t i;

	c->n = s->n;
	c->keys = calloc(s->n + 1, sizeof(char *));
	c->data = calloc(s->n + 1, sizeof(void *));
	c->len = calloc(s->n + 1, sizeof(size_t));
	for (i = 0; i < s->n; i++) {
		c->keys[i] = malloc(17);
		memcpy(c->keys[i], s->v[i].key, 16);
		c->keys[i][16] = '\0';
		c->data[i] = malloc(s->v[i].len + 1);
		memcpy(c->data[i], s->v[i].data, s->v[i].len);
		c->len[i] = s->v[i].len;
	}
}

static int store_same(const mem_store *s, const store_copy *c)
{
	size_t i;

	if (s->n != c->n)
		return 0;
	for (i = 0; i < s->n; i++)
		if (memcmp(s->v[i].key, c->keys[i], 16) != 0 || s->v[i].len != c->len[i] ||
		    memcmp(s->v[i].data, c->data[i], c->len[i]) != 0)
			return 0;
	return 1;
}

static void store_copy_free(store_copy *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->keys[i]);
		free(c->data[i]);
	}
	free(c->keys);
	free(c->data);
	free(c->len);
}

static void same_state(pws_policy *p, pws_policy *q, const char *what)
{
	char *a = tw_snapshot_text(p), *b = tw_snapshot_text(q);

	ck_assert_msg(tw_digest(p) == tw_digest(q), "%s: digests differ", what);
	ck_assert_msg(strcmp(a, b) == 0, "%s: snapshots differ", what);
	free(a);
	free(b);
}

START_TEST(storage_compact_replaces_the_log)
{
	mem_store s;
	pws_policy *p, *q;
	int i;

	memset(&s, 0, sizeof s);
	p = open_on(&s);
	for (i = 0; i < STEPS; i++)
		ck_assert_int_eq(step(p, i), PWS_OK);
	ck_assert_uint_eq(s.n, STEPS);
	OK(pws_compact(p, RES));
	ck_assert_uint_eq(s.n, 1); /* one image, under the next key */
	{
		char want[17];

		snprintf(want, sizeof want, "%016x", (unsigned)STEPS + 1);
		ck_assert_int_eq(memcmp(s.v[0].key, want, 16), 0);
	}
	q = open_on(&s);
	same_state(p, q, "reopened image");
	pws_policy_free(q);
	/* the calls made after the image follow it, and load on top of it */
	OK(pws_team_add(p, "later", "L", PWS_PLAN_FREE, 0, RES));
	ck_assert_uint_eq(s.n, 2);
	q = open_on(&s);
	same_state(p, q, "image + one call");
	pws_policy_free(q);
	/* the same handle compacts again: only the image and the call go */
	OK(pws_compact(p, RES));
	ck_assert_uint_eq(s.n, 1);
	{
		char want[17];

		snprintf(want, sizeof want, "%016x", (unsigned)STEPS + 3);
		ck_assert_int_eq(memcmp(s.v[0].key, want, 16), 0);
	}
	q = open_on(&s);
	same_state(p, q, "image of an image");
	/* a handle loaded from a compacted store compacts again */
	OK(pws_team_add(q, "later2", "L2", PWS_PLAN_FREE, 0, RES));
	OK(pws_compact(q, RES));
	ck_assert_uint_eq(s.n, 1);
	{
		char want[17];

		snprintf(want, sizeof want, "%016x", (unsigned)STEPS + 5);
		ck_assert_int_eq(memcmp(s.v[0].key, want, 16), 0);
	}
	pws_policy_free(p);
	p = open_on(&s);
	same_state(p, q, "second image");
	pws_policy_free(q);
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

/* Random states: compacting in the middle and going on changes nothing a
 * check or a listing can tell. */
START_TEST(storage_compact_reopen_equivalence_random)
{
	int world, worlds = 30;

	for (world = 0; world < worlds; world++) {
		mem_store s;
		pws_policy *p, *q;

		rnd_state = 0x5851f42d4c957f2dULL * (uint64_t)(world + 1);
		memset(&s, 0, sizeof s);
		p = open_on(&s);
		random_world(p, 250);
		OK(pws_compact(p, RES));
		ck_assert_uint_eq(s.n, 1);
		random_world(p, 150);
		q = open_on(&s);
		same_state(p, q, "random world");
		same_answers(p, q);
		pws_policy_free(q);
		pws_policy_free(p);
		mem_store_clear(&s);
	}
}
END_TEST

/* Every storage call of a compaction (begin, put, one del per record,
 * commit) failed in turn: PWS_ESTORAGE, memory as before, the store
 * exactly as before, and it still loads to the same state. */
START_TEST(storage_compact_fails_whole)
{
	static const int codes[] = { PWS_ESTORAGE, PWS_ERROR, 42 };
	mem_store s;
	pws_policy *p, *q;
	size_t n, calls, before_calls;
	int i, c;

	memset(&s, 0, sizeof s);
	p = open_on(&s);
	for (i = 0; i < STEPS; i++)
		ck_assert_int_eq(step(p, i), PWS_OK);
	before_calls = s.calls;
	OK(pws_compact(p, RES));
	calls = s.calls - before_calls;
	ck_assert_uint_eq(calls, 3 + STEPS); /* begin, put, STEPS dels, commit */
	pws_policy_free(p);
	mem_store_clear(&s);

	for (c = 0; c < 3; c++)
		for (n = 1; n <= calls; n++) {
			store_copy saved;
			uint64_t d;

			memset(&s, 0, sizeof s);
			p = open_on(&s);
			for (i = 0; i < STEPS; i++)
				ck_assert_int_eq(step(p, i), PWS_OK);
			store_save(&s, &saved);
			d = tw_digest(p);
			s.fail_at = s.calls + n;
			s.fail_code = codes[c];
			FAILS(pws_compact(p, RES), PWS_ESTORAGE);
			ck_assert_msg(tw_digest(p) == d, "call %zu: memory changed", n);
			ck_assert_msg(store_same(&s, &saved) && !s.open, "call %zu: store changed", n);
			q = open_on(&s);
			ck_assert_msg(tw_digest(q) == d, "call %zu: reloaded store differs", n);
			pws_policy_free(q);
			/* nothing was lost: the next compaction succeeds */
			OK(pws_compact(p, RES));
			ck_assert_uint_eq(s.n, 1);
			q = open_on(&s);
			same_state(p, q, "after a failed compaction");
			pws_policy_free(q);
			pws_policy_free(p);
			store_copy_free(&saved);
			mem_store_clear(&s);
		}
}
END_TEST

/* Every allocation of a compaction failed in turn: PWS_ENOMEM, nothing
 * written, memory as before, no leak. */
START_TEST(storage_compact_out_of_memory)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops ops = PWS_STORAGE_OPS_INIT;
	mem_store s;
	pws_policy *p;
	size_t n, allocs, live;
	int i;

	memset(&s, 0, sizeof s);
	ops = mem_store_ops(&s);
	o.storage = &ops;
	o.allocator = tc_allocator();
	tc_alloc_reset();
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	for (i = 0; i < STEPS; i++)
		ck_assert_int_eq(step(p, i), PWS_OK);
	/* count the allocations of one compaction on a throwaway copy */
	{
		mem_store t;
		pws_policy *q;
		size_t c0;

		memset(&t, 0, sizeof t);
		ops.ctx = &t;
		ck_assert_int_eq(pws_policy_new(&q, &o), PWS_OK);
		for (i = 0; i < STEPS; i++)
			ck_assert_int_eq(step(q, i), PWS_OK);
		c0 = tc_alloc_stats_get().calls;
		OK(pws_compact(q, RES));
		allocs = tc_alloc_stats_get().calls - c0;
		pws_policy_free(q);
		mem_store_clear(&t);
		ops.ctx = &s;
	}
	ck_assert_uint_gt(allocs, 3);
	for (n = 1; n <= allocs; n++) {
		store_copy saved;
		uint64_t d = tw_digest(p);

		store_save(&s, &saved);
		live = tc_alloc_stats_get().live_blocks;
		tc_alloc_fail_at(n, 0);
		FAILS(pws_compact(p, RES), PWS_ENOMEM);
		tc_alloc_fail_at(0, 0);
		ck_assert_msg(tw_digest(p) == d, "allocation %zu: memory changed", n);
		ck_assert_msg(store_same(&s, &saved), "allocation %zu: store changed", n);
		ck_assert_msg(tc_alloc_stats_get().live_blocks == live, "allocation %zu leaks", n);
		store_copy_free(&saved);
	}
	OK(pws_compact(p, RES));
	ck_assert_uint_eq(s.n, 1);
	pws_policy_free(p);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
	mem_store_clear(&s);
}
END_TEST

/* Bad input and unsupported stores: a clear code, nothing written. */
START_TEST(storage_compact_refusals)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops ops = PWS_STORAGE_OPS_INIT;
	mem_store s;
	pws_policy *p;
	size_t calls;
	int i;

	FAILS(pws_compact(NULL, RES), PWS_EINVALID);
	/* without storage there is nothing to compact */
	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	OK(pws_team_add(p, "t", "T", PWS_PLAN_FREE, 0, RES));
	OK(pws_compact(p, RES));
	pws_policy_free(p);
	/* a table without del cannot compact: refused, nothing written */
	memset(&s, 0, sizeof s);
	ops = mem_store_ops(&s);
	ops.del = NULL;
	o.storage = &ops;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	OK(pws_compact(p, RES)); /* an empty store */
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(step(p, i), PWS_OK);
	calls = s.calls;
	FAILS(pws_compact(p, RES), PWS_EINVALID);
	ck_assert_ptr_nonnull(strstr(tw_res.message, "del"));
	ck_assert_uint_eq(s.calls, calls);
	ck_assert_uint_eq(s.n, 10);
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

/* A store whose del kept the old records still loads: the image, met in
 * the middle, replaces everything replayed before it. */
START_TEST(storage_image_in_the_middle_loads)
{
	mem_store s;
	pws_policy *p, *q;
	int i;

	memset(&s, 0, sizeof s);
	s.del_noop = 1;
	p = open_on(&s);
	for (i = 0; i < STEPS; i++)
		ck_assert_int_eq(step(p, i), PWS_OK);
	OK(pws_compact(p, RES));
	ck_assert_uint_eq(s.n, STEPS + 1);
	OK(pws_team_add(p, "later", "L", PWS_PLAN_FREE, 0, RES));
	q = open_on(&s);
	same_state(p, q, "image after the log");
	pws_policy_free(q);
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

/* The binary section of the image record (the second argument). */
static unsigned char *image_bin(mem_rec *r, size_t *len)
{
	unsigned char *d = r->data;
	uint32_t jl, bl;

	ck_assert_uint_ge(r->len, 6 + 5 + 5);
	ck_assert_int_eq(d[2] | d[3] << 8, 44); /* PWS__OP_STATE_IMAGE */
	memcpy(&jl, d + 7, 4);
	ck_assert_int_eq(d[6 + 5 + jl], 's');
	memcpy(&bl, d + 6 + 5 + jl + 1, 4);
	*len = bl;
	ck_assert_int_eq(d[0], 2); /* format 2: a CRC-32C trailer */
	ck_assert_uint_eq(r->len, 6 + 5 + (size_t)jl + 5 + bl + 4);
	return d + 6 + 5 + jl + 5;
}

static int opens(mem_store *s)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops ops = PWS_STORAGE_OPS_INIT;
	pws_policy *q = NULL;
	int rc;

	ops = put_only_ops(s);
	o.storage = &ops;
	rc = pws_policy_new(&q, &o);
	if (rc == PWS_OK) {
		ck_assert_ptr_nonnull(q);
		pws_policy_free(q);
	} else {
		ck_assert_ptr_null(q);
	}
	return rc;
}

/* opens() with the image record's checksum made right again: a damaged
 * image reaches the image's own checks. */
static int sealed_opens(mem_store *s)
{
	torn_reseal((unsigned char *)s->v[0].data, s->v[0].len);
	return opens(s);
}

/* The storage scenario's steps on a fresh store s, then compacted into
 * one image record; the handle. */
static pws_policy *compacted_on(mem_store *s)
{
	pws_policy *p;
	int i;

	memset(s, 0, sizeof *s);
	p = open_on(s);
	for (i = 0; i < STEPS; i++)
		ck_assert_int_eq(step(p, i), PWS_OK);
	OK(pws_compact(p, RES));
	return p;
}

/* Every single byte of the image section (bin, blen; orig its bytes)
 * flipped in turn, then the record cut at every length: refused, or (a
 * byte of an id or a role changed into another valid one) loaded; never a
 * crash. */
static void image_damage_sweep(mem_store *sp, unsigned char *bin, const unsigned char *orig,
                               size_t blen)
{
	size_t k, full;
	int loaded = 0;

	for (k = 0; k < blen; k++) {
		int rc;

		bin[k] ^= 0x5a;
		/* the record's checksum refuses it; behind it, the image's
		 * own checks */
		ck_assert_int_eq(opens(sp), PWS_ESTORAGE);
		rc = sealed_opens(sp);
		ck_assert_msg(rc == PWS_OK || rc == PWS_ESTORAGE, "byte %zu: %s", k, pws_strerror(rc));
		loaded += rc == PWS_OK;
		bin[k] = orig[k];
	}
	memcpy(bin, orig, blen);
	torn_reseal((unsigned char *)sp->v[0].data, sp->v[0].len);
	ck_assert_msg(loaded < (int)blen / 2, "most damage went unnoticed (%d of %zu)", loaded, blen);
	/* truncated at every length: the record's own framing refuses it */
	full = sp->v[0].len;
	for (k = 0; k < full; k += 7) {
		sp->v[0].len = k;
		ck_assert_int_eq(opens(sp), PWS_ESTORAGE);
	}
	sp->v[0].len = full;
	ck_assert_int_eq(opens(sp), PWS_OK);
}

/* The image section (bin) with the bytes at k set to v (n of them) is
 * refused; then it is restored from orig. */
static void refused_with(mem_store *s, unsigned char *bin, const unsigned char *orig, size_t blen,
                         size_t k, unsigned v, size_t n)
{
	memset(bin + k, (int)v, n);
	ck_assert_msg(sealed_opens(s) == PWS_ESTORAGE, "bytes %zu..%zu set to %u: loaded", k,
	              k + n - 1, v);
	memcpy(bin, orig, blen);
}

/* A damaged image is refused at open, whatever the damage; it never
 * crashes (the sanitizer and valgrind runs read every byte of this). */
START_TEST(storage_image_damage_refused)
{
	mem_store s;
	pws_policy *p;
	unsigned char *bin, *orig;
	size_t blen, k;

	p = compacted_on(&s);
	pws_policy_free(p);
	bin = image_bin(&s.v[0], &blen);
	orig = malloc(blen);
	memcpy(orig, bin, blen);
	ck_assert_int_eq(memcmp(bin, "PWSI", 4), 0);
	ck_assert_int_eq(sealed_opens(&s), PWS_OK);
	/* named damage: magic, a version this library does not know, and in
	 * the last row (version 2, packed: this world's rows are 6 bytes,
	 * their four varints one byte each) a workspace past the table, a
	 * lead that is not 0 or 1, the role 0, the same membership as the
	 * row before */
	ck_assert_uint_eq(bin[4], 2);
	for (k = blen - 7; k < blen - 2; k++)
		ck_assert_uint_lt(bin[k], 0x80);
	refused_with(&s, bin, orig, blen, 0, 'X', 1);
	refused_with(&s, bin, orig, blen, 4, 3, 1);
	refused_with(&s, bin, orig, blen, blen - 6, 0x7e, 1); /* workspace + 63 */
	refused_with(&s, bin, orig, blen, blen - 1, 2, 1);    /* lead */
	refused_with(&s, bin, orig, blen, blen - 2, 0, 1);    /* role */
	refused_with(&s, bin, orig, blen, blen - 6, 0, 2);    /* the row before's membership */
	image_damage_sweep(&s, bin, orig, blen);
	free(orig);
	mem_store_clear(&s);
}
END_TEST

/* The image record's binary section rewritten as version 1 (what stores
 * written before 0.2 hold): the version 2 one unpacked, sealed again. */
static void image_as_v1(mem_store *s)
{
	pws__mem mem;
	pws__arg a[PWS__REC_MAXARGS];
	pws__rec r;
	pws__unpacked v1 = { NULL, 0, 0 };
	char msg[256];
	int op, argc;

	pws__mem_default(&mem);
	ck_assert_int_eq(pws__rec_decode(s->v[0].data, s->v[0].len, &op, a, &argc), PWS_OK);
	ck_assert_int_eq(pws__image_unpack(&mem, (const unsigned char *)a[1].s, a[1].len, &v1, msg,
	                                   sizeof msg), PWS_OK);
	pws__rec_start(&mem, &r, PWS__OP_STATE_IMAGE);
	pws__rec_bytes(&mem, &r, a[0].s, a[0].len);
	pws__rec_bytes(&mem, &r, (const char *)v1.b, v1.len);
	pws__rec_seal(&mem, &r);
	ck_assert(!r.oom);
	pws__image_unpacked_free(&mem, &v1);
	free(s->v[0].data);
	s->v[0].data = malloc(r.len);
	ck_assert_ptr_nonnull(s->v[0].data);
	memcpy(s->v[0].data, r.buf, r.len);
	s->v[0].len = r.len;
	pws__rec_free(&mem, &r);
}

/* A version 1 image, as stores written before 0.2 hold, still loads into
 * the same state, and is refused when damaged as before. */
START_TEST(storage_image_v1_still_read_and_damage_refused)
{
	mem_store s;
	pws_policy *p, *q;
	unsigned char *bin, *orig;
	size_t blen;

	p = compacted_on(&s);
	image_as_v1(&s);
	bin = image_bin(&s.v[0], &blen);
	ck_assert_int_eq(memcmp(bin, "PWSI\1\0\0\0", 8), 0);
	q = open_on(&s);
	same_state(p, q, "a version 1 image");
	pws_policy_free(q);
	pws_policy_free(p);
	orig = malloc(blen);
	memcpy(orig, bin, blen);
	ck_assert_int_eq(sealed_opens(&s), PWS_OK);
	/* named damage: a version 1 section saying it is version 2; in the
	 * last row (20 bytes), a workspace position out of its table, bad
	 * padding, the row before's membership */
	refused_with(&s, bin, orig, blen, 4, 2, 1);
	refused_with(&s, bin, orig, blen, blen - 20, 0xff, 2);
	refused_with(&s, bin, orig, blen, blen - 2, 1, 1);
	refused_with(&s, bin, orig, blen, blen - 1, 1, 1);
	memcpy(bin + blen - 20, bin + blen - 40, 20);
	ck_assert_int_eq(sealed_opens(&s), PWS_ESTORAGE);
	memcpy(bin, orig, blen);
	image_damage_sweep(&s, bin, orig, blen);
	free(orig);
	mem_store_clear(&s);
}
END_TEST

/* Loading an image with every allocation failed in turn: PWS_ENOMEM, no
 * handle, nothing leaked, and the store still loads afterwards. */
START_TEST(storage_image_load_out_of_memory)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops ops = PWS_STORAGE_OPS_INIT;
	mem_store s;
	pws_policy *p, *q;
	size_t n, allocs, c0;
	uint64_t d;

	p = compacted_on(&s);
	OK(pws_team_add(p, "later", "L", PWS_PLAN_FREE, 0, RES)); /* a call after the image */
	d = tw_digest(p);
	pws_policy_free(p);
	ops = put_only_ops(&s);
	o.storage = &ops;
	o.allocator = tc_allocator();
	tc_alloc_reset();
	c0 = tc_alloc_stats_get().calls;
	ck_assert_int_eq(pws_policy_new(&q, &o), PWS_OK);
	allocs = tc_alloc_stats_get().calls - c0;
	ck_assert(tw_digest(q) == d);
	pws_policy_free(q);
	ck_assert_uint_gt(allocs, 20);
	for (n = 1; n <= allocs; n++) {
		int rc;

		tc_alloc_reset();
		tc_alloc_fail_at(n, 0);
		q = (pws_policy *)0x1;
		rc = pws_policy_new(&q, &o);
		tc_alloc_fail_at(0, 0);
		ck_assert_msg(rc == PWS_ENOMEM, "allocation %zu: %s", n, pws_strerror(rc));
		ck_assert_ptr_null(q);
		ck_assert_msg(tc_alloc_stats_get().live_blocks == 0, "allocation %zu leaks %zu blocks",
		              n, tc_alloc_stats_get().live_blocks);
	}
	ck_assert_int_eq(pws_policy_new(&q, &o), PWS_OK);
	ck_assert(tw_digest(q) == d);
	pws_policy_free(q);
	mem_store_clear(&s);
}
END_TEST

/* A stored string argument holding a NUL byte is damage: the call took a
 * C string, so replaying it cut at the NUL would rebuild another state
 * (team_add("t\0x") loading as team "t"). The load refuses it, whichever
 * argument it is; bytes arguments (bulk text) keep any byte. */
static void nul_in_record(size_t ri, const char *arg, size_t at)
{
	mem_store s;
	pws_policy *p;
	unsigned char *d;
	size_t i, n = strlen(arg);
	int found = 0;

	memset(&s, 0, sizeof s);
	p = open_on(&s);
	for (i = 0; i < 12; i++)
		ck_assert_int_eq(step(p, (int)i), PWS_OK);
	pws_policy_free(p);
	ck_assert_int_eq(opens(&s), PWS_OK);
	d = s.v[ri].data;
	for (i = 0; !found && i + 4 + n <= s.v[ri].len; i++)
		if (d[i] == 's' && d[i + 1] == n && !d[i + 2] && !d[i + 3] && !d[i + 4] &&
		    memcmp(d + i + 5, arg, n) == 0) {
			d[i + 5 + at] = 0;
			found = 1;
		}
	ck_assert_msg(found, "argument '%s' not found in record %zu", arg, ri);
	ck_assert_int_eq(opens(&s), PWS_ESTORAGE);
	mem_store_clear(&s);
}

START_TEST(storage_nul_in_string_refused)
{
	nul_in_record(0, "pub", 1);            /* team_add: the id ("p\0b") */
	nul_in_record(0, "Publisher", 9 - 1);  /* team_add: the name, at its end */
	nul_in_record(1, "pub.com", 3);        /* team_add_domain: the domain */
	nul_in_record(9, "owner@pub.com", 5);  /* user_add: the address */
}
END_TEST


Suite *pws_storage_suite(void)
{
	Suite *s = suite_create("storage");
	TCase *tc = tcase_create("write-through");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, storage_scenario_succeeds_and_reloads);
	tcase_add_test(tc, storage_every_call_fails_in_turn);
	tcase_add_test(tc, storage_reentry_is_misuse);
	tcase_add_test(tc, storage_refusals_write_nothing);
	tcase_add_test(tc, storage_malformed_store_refused);
	tcase_add_test(tc, storage_nul_in_string_refused);
	tcase_add_test(tc, storage_reopen_equivalence_random);
	tcase_add_test(tc, storage_snapshot_import_compacts);
	tcase_add_test(tc, storage_compact_replaces_the_log);
	tcase_add_test(tc, storage_compact_reopen_equivalence_random);
	tcase_add_test(tc, storage_compact_fails_whole);
	tcase_add_test(tc, storage_compact_out_of_memory);
	tcase_add_test(tc, storage_compact_refusals);
	tcase_add_test(tc, storage_image_in_the_middle_loads);
	tcase_add_test(tc, storage_image_damage_refused);
	tcase_add_test(tc, storage_image_v1_still_read_and_damage_refused);
	tcase_add_test(tc, storage_image_load_out_of_memory);
	suite_add_tcase(s, tc);
	return s;
}
