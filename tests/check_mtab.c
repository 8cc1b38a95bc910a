/*
 * The membership table (lib/model.h pws__mtab): linear probing in Robin
 * Hood order, each slot's distance from its home kept in its payload's top
 * bits (saturated at PWS__MTAB_DMAX), so that the probe for an absent key
 * stops at the first slot nearer its home than the probe is. These tests
 * fail if the order, the early stop, the saturation or the backward-shift
 * deletion is wrong: random inserts and removals against a reference, at
 * the table's highest load, with clustered placements (many keys sharing a
 * home, so that distances pass the saturation), every present key found
 * with its payload, every absent key not found, the order and the stored
 * distances checked slot by slot.
 * White-box: the model is reached through lib/core.h.
 * SPDX-License-Identifier: MIT
 */
/* pthread_rwlock_t in lib/core.h */
#define _DEFAULT_SOURCE 1
#include "test-common.h"
#include "../lib/core.h"

#include <stdlib.h>
#include <string.h>

/* Check writes a mark for every assertion that passes: the loops over every
 * slot and every key test first and assert only a failure */
#define CHECK(c, ...) \
	do { \
		if (!(c)) \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

enum { NW = 64, NU = 512 };

/* the reference: the payload of (ws, user) + 1, 0 when absent */
static uint32_t ref[NW][NU];

static uint32_t true_dist(const pws__model *m, uint32_t j)
{
	const pws__mtab *t = &m->member_of;
	uint32_t home = pws__mtab_home(t, pws__member_hx(m, t->s[j].ws, t->s[j].user), t->cap);

	return (uint32_t)(((uint64_t)j + t->cap - home) % t->cap);
}

/* The table's order: each slot's stored distance (DMAX - min(d, DMAX))
 * agrees with its true one; a slot not at its home follows an occupied
 * slot whose distance is at least its own minus one (Robin Hood); the
 * count is the table's n. */
static void ordered(const pws__model *m, const char *what, int step)
{
	const pws__mtab *t = &m->member_of;
	uint32_t j, n = 0;

	for (j = 0; j < t->cap; j++) {
		uint32_t d, p = j ? j - 1 : t->cap - 1;

		if (t->s[j].ws == PWS__NONE) {
			CHECK(t->s[j].user == PWS__NONE && t->s[j].aux == PWS__NONE,
			              "%s, step %d: empty slot %u not all ones", what, step, j);
			continue;
		}
		n++;
		d = true_dist(m, j);
		CHECK((t->s[j].aux >> PWS__MTAB_DSHIFT) ==
		                  PWS__MTAB_DMAX - (d < PWS__MTAB_DMAX ? d : PWS__MTAB_DMAX),
		              "%s, step %d: slot %u at distance %u stores %u", what, step, j, d,
		              t->s[j].aux >> PWS__MTAB_DSHIFT);
		if (d) {
			CHECK(t->s[p].ws != PWS__NONE, "%s, step %d: slot %u at distance %u "
			              "after an empty slot", what, step, j, d);
			CHECK(true_dist(m, p) + 1 >= d, "%s, step %d: slot %u at distance %u "
			              "after one at %u (not Robin Hood order)", what, step, j, d,
			              true_dist(m, p));
		}
	}
	CHECK(n == t->n, "%s, step %d: %u slots used, n %u", what, step, n, t->n);
	CHECK(!t->s || (t->s[t->cap].ws == PWS__NONE && t->s[t->cap].user == PWS__NONE &&
	                t->s[t->cap].aux == PWS__NONE),
	      "%s, step %d: the sentinel after the last slot changed", what, step);
}

/* Every key: present ones found with their payload, absent ones not. */
static void lookups(const pws__model *m, const char *what, int step)
{
	uint32_t w, u;

	for (w = 0; w < NW; w++)
		for (u = 0; u < NU; u++) {
			const pws__memb *x = pws__mslot(m, w, u);
			uint32_t aux;

			if (ref[w][u]) {
				CHECK(x != NULL, "%s, step %d: (%u, %u) not found", what, step, w, u);
				CHECK(x->ws == w && x->user == u && (x->aux & ~PWS__MTAB_DMASK) == ref[w][u] - 1,
				      "%s, step %d: (%u, %u) found as (%u, %u) payload %#x", what, step, w,
				      u, x->ws, x->user, x->aux);
				CHECK(pws__mtab_get_h(&m->member_of, w, u, pws__member_hx(m, w, u), &aux) !=
				              PWS__NONE &&
				          aux == x->aux,
				      "%s, step %d: (%u, %u) get_h", what, step, w, u);
			} else {
				CHECK(x == NULL &&
				          pws__mtab_get_h(&m->member_of, w, u, pws__member_hx(m, w, u),
				                          &aux) == PWS__NONE &&
				          aux == 0, "%s, step %d: absent (%u, %u) found", what, step, w,
				              u);
			}
		}
}

/* A model of NW workspaces and NU users whose id hashes come from pools of
 * npool values: with few, many pairs share a placement (long runs, distances
 * past the saturation); with many, placements are spread. */
static void setup(pws_policy *p, uint32_t npool)
{
	pws__model *m = &p->m;
	uint32_t i, wpool[64], upool[64];

	for (i = 0; i < 64; i++) {
		wpool[i] = (uint32_t)rng ^ i * 0x9e3779b9u;
		rnd(2);
		upool[i] = (uint32_t)(rng >> 32) ^ i * 0x85ebca6bu;
		rnd(2);
	}
	ck_assert_int_eq(pws__ids_reserve(&p->mem, &m->ws_h, NW), 0);
	ck_assert_int_eq(pws__ids_reserve(&p->mem, &m->user_h, NU), 0);
	m->ws_h.n = m->user_h.n = 0;
	for (i = 0; i < NW; i++)
		pws__ids_push(&m->ws_h, npool ? wpool[rnd(npool)] : (uint32_t)rng ^ rnd(1u << 31));
	for (i = 0; i < NU; i++)
		pws__ids_push(&m->user_h, npool ? upool[rnd(npool)] : (uint32_t)rng ^ rnd(1u << 31));
	memset(ref, 0, sizeof ref);
}

/* Random inserts and removals against the reference, the table kept near
 * its highest load (inserts while under target, removals above). */
static void churn(uint32_t npool, uint32_t target, int steps, const char *what)
{
	pws_policy *p = NULL;
	pws__model *m;
	uint32_t n = 0, maxd = 0;
	int step;

	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	m = &p->m;
	setup(p, npool);
	for (step = 0; step < steps; step++) {
		uint32_t w = rnd(NW), u = rnd(NU);

		if (n < target || rnd(3) == 0) {
			/* an organization of up to 25 bits, a role, a lead flag */
			uint32_t aux = pws__aux_make(rnd(3) + 1, rnd(2), rnd(2) ? PWS__GRP_TEAM
			                                                      : rnd(PWS__AUX_ORG_MAX));
			int rc;

			CHECK(pws__mtab_reserve(&p->mem, m, 1) == 0, "reserve");
			rc = pws__mtab_put(m, w, u, aux);
			CHECK(rc == (ref[w][u] ? -1 : 0), "%s, step %d: put (%u, %u) -> %d", what, step,
			      w, u, rc);
			if (!rc) {
				ref[w][u] = aux + 1;
				n++;
			}
		} else {
			/* a present key when there is one in this row, else any */
			uint32_t k;

			for (k = 0; k < NU && !ref[w][(u + k) % NU]; k++)
				;
			u = (u + k) % NU;
			pws__mtab_del(m, w, u);
			if (ref[w][u]) {
				ref[w][u] = 0;
				n--;
			}
		}
		CHECK(m->member_of.n == n, "%s, step %d: n %u, expected %u", what, step,
		      m->member_of.n, n);
		if (step % 97 == 0 || step == steps - 1) {
			uint32_t j;

			ordered(m, what, step);
			lookups(m, what, step);
			for (j = 0; j < m->member_of.cap; j++)
				if (m->member_of.s[j].ws != PWS__NONE && true_dist(m, j) > maxd)
					maxd = true_dist(m, j);
		}
	}
	/* the load the table ran at, and (clustered) distances past saturation */
	ck_assert_msg(target < 1000 ||
	                  (uint64_t)m->member_of.n * 100 >= (uint64_t)m->member_of.cap * 75,
	              "%s: load %u / %u", what, m->member_of.n, m->member_of.cap);
	if (npool)
		ck_assert_msg(maxd > PWS__MTAB_DMAX, "%s: no distance past %u (%u)", what,
		              PWS__MTAB_DMAX, maxd);
	/* everything out again: the table empty, every slot all ones */
	{
		uint32_t w, u;

		for (w = 0; w < NW; w++)
			for (u = 0; u < NU; u++)
				if (ref[w][u]) {
					pws__mtab_del(m, w, u);
					ref[w][u] = 0;
				}
		ordered(m, what, steps);
		lookups(m, what, steps);
		ck_assert_uint_eq(m->member_of.n, 0);
	}
	/* the model's own lists never saw these keys: the table alone goes */
	pws__mtab_free(&p->mem, &m->member_of);
	m->ws_h.n = m->user_h.n = 0;
	pws_policy_free(p);
}

/* spread placements, at the highest load the growth allows */
START_TEST(mtab_robin_hood_spread)
{
	churn(0, 20000, 60000, "spread");
}
END_TEST

/* clustered placements: 32 x 32 hash values for 32,768 pairs */
START_TEST(mtab_robin_hood_clustered)
{
	churn(32, 12000, 40000, "clustered");
}
END_TEST

/* a few keys on one placement: runs of one home, wrapping the table's end */
START_TEST(mtab_robin_hood_one_home)
{
	churn(1, 40, 3000, "one home");
}
END_TEST

/* Growth keeps the order: a table grown step by step from empty holds
 * every key, and a grown table's absent keys stop early (the probe for
 * each absent key ends within the run of its home). */
START_TEST(mtab_growth_keeps_order)
{
	pws_policy *p = NULL;
	pws__model *m;
	uint32_t w, u, n = 0;

	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	m = &p->m;
	setup(p, 0);
	for (w = 0; w < NW; w++)
		for (u = 0; u < NU; u += 2) {
			CHECK(pws__mtab_reserve(&p->mem, m, 1) == 0, "reserve");
			CHECK(pws__mtab_put(m, w, u, pws__aux_make(1, 0, w)) == 0, "put (%u, %u)", w, u);
			ref[w][u] = pws__aux_make(1, 0, w) + 1;
			n++;
		}
	ck_assert_uint_eq(m->member_of.n, n);
	ordered(m, "growth", 0);
	lookups(m, "growth", 0);
	/* a duplicate changes nothing */
	ck_assert_int_eq(pws__mtab_put(m, 3, 4, pws__aux_make(2, 1, 7)), -1);
	ck_assert_uint_eq(pws__mslot(m, 3, 4)->aux & ~PWS__MTAB_DMASK, pws__aux_make(1, 0, 3));
	/* a payload rewrite keeps the slot's distance */
	{
		pws__memb *x = pws__mslot(m, 5, 6);
		uint32_t d = x->aux & PWS__MTAB_DMASK;

		pws__aux_set(x, pws__aux_make(3, 1, PWS__GRP_TEAM));
		ck_assert_uint_eq(x->aux & PWS__MTAB_DMASK, d);
		ck_assert_uint_eq(pws__aux_key(x->aux), PWS__GRP_TEAM);
		ck_assert_uint_eq(pws__aux_role(x->aux), 3);
		ck_assert_uint_eq(pws__aux_lead(x->aux), 1);
		pws__aux_set(x, pws__aux_make(1, 0, PWS__AUX_ORG_MAX - 1));
		ck_assert_uint_eq(pws__aux_org(x->aux), PWS__AUX_ORG_MAX - 1);
		ref[5][6] = x->aux - d + 1;
	}
	ordered(m, "growth", 1);
	lookups(m, "growth", 1);
	pws__mtab_free(&p->mem, &m->member_of);
	m->ws_h.n = m->user_h.n = 0;
	pws_policy_free(p);
}
END_TEST

/* Each growth keeps the order when the runs cross the table's end: keys
 * of one or two placements only (one long run, moved one slot on by each
 * insert, its end wrapping to the first slots), the table checked slot by
 * slot and key by key right after every growth (mtab_rehash reads the old
 * table from an empty slot on, across its end, and folds positions past
 * the new one's end; mtab_insert_at moves a run's part at the start). */
START_TEST(mtab_growth_with_runs_across_the_end)
{
	uint32_t npool;

	for (npool = 1; npool <= 2; npool++) {
		pws_policy *p = NULL;
		pws__model *m;
		uint32_t n = 0, cap = 0, growths = 0, wrapped = 0;

		ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
		m = &p->m;
		setup(p, npool);
		if (npool == 1) {
			/* one placement, at the same fraction of every size: a seed
			 * that puts it past the middle, so that a run of 0.78 cap
			 * and more wraps at every size */
			uint64_t seed = 1;

			do
				pws__model_seed(m, seed++);
			while (pws__mtab_home(&m->member_of, pws__member_hx(m, 0, 0), 1u << 20) < 1u << 19);
		}
		while (n < 700) {
			uint32_t w = rnd(NW), u = rnd(NU), j;

			if (ref[w][u])
				continue;
			CHECK(pws__mtab_reserve(&p->mem, m, 1) == 0, "reserve");
			CHECK(pws__mtab_put(m, w, u, pws__aux_make(2, 1, w)) == 0, "put (%u, %u)", w, u);
			ref[w][u] = pws__aux_make(2, 1, w) + 1;
			n++;
			if (m->member_of.cap == cap)
				continue;
			/* grown (by the reserve of this insert): checked with the new key */
			cap = m->member_of.cap;
			growths++;
			ordered(m, "growth across the end", (int)n);
			lookups(m, "growth across the end", (int)n);
			for (j = 0; j < cap; j++)
				if (m->member_of.s[j].ws != PWS__NONE && true_dist(m, j) > j)
					break;
			wrapped += j < cap;
		}
		ordered(m, "growth across the end", (int)n);
		lookups(m, "growth across the end", (int)n);
		/* growths from 17 slots to ~800; most with the run across the end */
		ck_assert_uint_ge(growths, 10);
		ck_assert_uint_ge(wrapped, npool == 1 ? growths / 2 : 0);
		pws__mtab_free(&p->mem, &m->member_of);
		m->ws_h.n = m->user_h.n = 0;
		pws_policy_free(p);
	}
}
END_TEST

Suite *pws_mtab_suite(void)
{
	Suite *s = suite_create("mtab");
	TCase *tc = tcase_create("mtab");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, mtab_robin_hood_spread);
	tcase_add_test(tc, mtab_robin_hood_clustered);
	tcase_add_test(tc, mtab_robin_hood_one_home);
	tcase_add_test(tc, mtab_growth_keeps_order);
	tcase_add_test(tc, mtab_growth_with_runs_across_the_end);
	suite_add_tcase(s, tc);
	return s;
}
