/*
 * Resolved references: pws_check_ref agrees with pws_check, and stale or
 * mismatched references are refused. The hot-word test runs
 * PWS_HOT_WORLDS random worlds (30; check-valgrind sets 3).
 * SPDX-License-Identifier: MIT
 */
#include "random-world.h"
#include "test-world.h"

#include <stdlib.h>

static const char *const users[] = { "owner", "admin", "pm", "dev", "dev2", "a1", "a2",
                                     "g1", "i1", "solo" };
static const char *const wss[] = { "pw", "team-ws" };

/* A VIEW check by reference that must be refused with `want`. */
static void view_ref_refused(const pws_policy *p, pws_ref u, pws_ref w, pws_ref e, int want)
{
	int a = -1, r;

	ck_assert_int_eq(pws_check_ref(p, &a, &r, u, PWS_ACT_VIEW, w, e), want);
	ck_assert_int_eq(a, 0);
}

/* Every (actor, action, workspace or element) decided both ways. */
START_TEST(refs_agree_with_check)
{
	pws_policy *p = tw_world();
	size_t u, w, a, n = 0;

	OK(pws_element_add(p, "dev2", "team-ws", "tcol", PWS_EL_COLLECTION, 1, NULL, RES));
	for (u = 0; u < sizeof users / sizeof *users; u++)
		for (w = 0; w < 2; w++)
			for (a = 1; a < PWS_ACT_COUNT; a++) {
				const char *el = w == 0 ? "col" : "tcol";
				pws_ref ru, rw, re;
				int a1, r1, a2, r2, k;

				ck_assert_int_eq(pws_ref_user(p, &ru, users[u]), PWS_OK);
				ck_assert_int_eq(pws_ref_workspace(p, &rw, wss[w]), PWS_OK);
				ck_assert_int_eq(pws_ref_element(p, &re, el), PWS_OK);
				for (k = 0; k < 3; k++) {
					ck_assert_int_eq(pws_check(p, &a1, &r1, users[u], (int)a,
					                           k == 1 ? NULL : wss[w], k ? el : NULL),
					                 PWS_OK);
					ck_assert_int_eq(pws_check_ref(p, &a2, &r2, ru, (int)a,
					                               k == 1 ? PWS_REF_NONE : rw,
					                               k ? re : PWS_REF_NONE),
					                 PWS_OK);
					ck_assert_int_eq(a1, a2);
					ck_assert_int_eq(r1, r2);
					n++;
				}
			}
	ck_assert_uint_gt(n, 1000);
	pws_policy_free(p);
}
END_TEST

START_TEST(refs_bad_and_stale)
{
	pws_policy *p = tw_world();
	pws_ref ru, rw, re, rold, rnew;
	int a = 7, r = 7;
	char *json = NULL;
	size_t len = 0;

	ck_assert_int_eq(pws_ref_user(p, &ru, "a1"), PWS_OK);
	ck_assert_int_eq(pws_ref_workspace(p, &rw, "pw"), PWS_OK);
	ck_assert_int_eq(pws_ref_element(p, &re, "col"), PWS_OK);
	ck_assert(ru != PWS_REF_NONE && rw != PWS_REF_NONE && re != PWS_REF_NONE);
	/* bad arguments */
	ck_assert_int_eq(pws_ref_user(NULL, &ru, "a1"), PWS_EINVALID);
	ck_assert_int_eq(pws_ref_user(p, NULL, "a1"), PWS_EINVALID);
	ck_assert_int_eq(pws_ref_user(p, &rold, ""), PWS_EINVALID);
	ck_assert_int_eq(pws_ref_user(p, &rold, "nobody"), PWS_ENOTFOUND);
	ck_assert(rold == PWS_REF_NONE);
	ck_assert_int_eq(pws_check_ref(p, NULL, &r, ru, PWS_ACT_VIEW, rw, PWS_REF_NONE), PWS_EINVALID);
	ck_assert_int_eq(pws_check_ref(p, &a, &r, ru, 0, rw, PWS_REF_NONE), PWS_EINVALID);
	view_ref_refused(p, ru, PWS_REF_NONE, PWS_REF_NONE, PWS_EINVALID);
	/* a reference of the wrong kind */
	view_ref_refused(p, rw, rw, PWS_REF_NONE, PWS_EINVALID);
	view_ref_refused(p, ru, ru, PWS_REF_NONE, PWS_EINVALID);
	ck_assert_int_eq(a, 0);
	/* an element that is not in that workspace */
	ck_assert_int_eq(pws_ref_workspace(p, &rold, "team-ws"), PWS_OK);
	view_ref_refused(p, ru, rold, re, PWS_EINVALID);
	/* a removed user: stale; re-added under the same id: a new reference */
	OK(pws_user_remove(p, "a1", RES));
	view_ref_refused(p, ru, rw, PWS_REF_NONE, PWS_ENOTFOUND);
	OK(pws_user_add(p, "a1", "a1@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	ck_assert_int_eq(pws_ref_user(p, &rnew, "a1"), PWS_OK);
	ck_assert(rnew != ru);
	view_ref_refused(p, ru, rw, PWS_REF_NONE, PWS_ENOTFOUND);
	ck_assert_int_eq(pws_check_ref(p, &a, &r, rnew, PWS_ACT_VIEW, rw, PWS_REF_NONE), PWS_OK);
	ck_assert_int_eq(a, 0); /* the new a1 is no member: WS1 */
	ck_assert_int_eq(r, PWS_RULE_WS1);
	/* the whole state replaced: every old reference is void */
	ck_assert_int_eq(pws_snapshot_export(p, &json, &len), PWS_OK);
	OK(pws_snapshot_import(p, json, len, RES));
	pws_snapshot_free(p, json);
	view_ref_refused(p, rnew, rw, PWS_REF_NONE, PWS_ENOTFOUND);
	ck_assert_int_eq(pws_ref_user(p, &ru, "dev"), PWS_OK);
	ck_assert_int_eq(pws_ref_workspace(p, &rw, "pw"), PWS_OK);
	ck_assert_int_eq(pws_check_ref(p, &a, &r, ru, PWS_ACT_EDIT, rw, PWS_REF_NONE), PWS_OK);
	ck_assert_int_eq(a, 1);
	pws_policy_free(p);
}
END_TEST

/* The same decision by id and by reference, or a refusal (rc). */
static void ref_agrees(pws_policy *p, const char *u, const char *w, pws_ref ru, pws_ref rw,
                       int rc)
{
	int a;

	for (a = 1; a < PWS_ACT_COUNT; a++) {
		int a1 = -1, r1 = -1, a2 = -2, r2 = -2;

		ck_assert_int_eq(pws_check(p, &a1, &r1, u, a, w, NULL), PWS_OK);
		ck_assert_int_eq(pws_check_ref(p, &a2, &r2, ru, a, rw, PWS_REF_NONE), rc);
		if (rc == PWS_OK) {
			ck_assert_int_eq(a1, a2);
			ck_assert_int_eq(r1, r2);
		}
	}
}

/* References of every kind across generations: each generation's are
 * refused after the next snapshot import, whatever form they take (users
 * and workspaces carry their id hash in the first 62 generations, a plain
 * form after), a re-added user or element gets a new reference and the
 * old one stays refused, and a reference whose hash was tampered with is
 * refused where it could hide a membership. */
START_TEST(refs_stale_of_every_kind_across_generations)
{
	pws_policy *p = tw_world();
	pws_ref ru = 0, rw = 0, re = 0, rs = 0, ou, ow, oe, os;
	int g, a = 7, r = 7;

	OK(pws_element_add(p, "dev", "pw", "env", PWS_EL_ENVIRONMENT, 10, NULL, RES));
	for (g = 0; g < 70; g++) {
		char *json = NULL;
		size_t len = 0;

		ou = ru, ow = rw, oe = re, os = rs;
		ck_assert_int_eq(pws_ref_user(p, &ru, "dev"), PWS_OK);
		ck_assert_int_eq(pws_ref_workspace(p, &rw, "pw"), PWS_OK);
		ck_assert_int_eq(pws_ref_element(p, &re, "env"), PWS_OK);
		ck_assert_int_eq(pws_ref_user(p, &rs, "solo"), PWS_OK);
		ref_agrees(p, "dev", "pw", ru, rw, PWS_OK);
		ref_agrees(p, "solo", "pw", rs, rw, PWS_OK);
		ck_assert_int_eq(pws_check_ref(p, &a, &r, ru, PWS_ACT_EDIT, PWS_REF_NONE, re), PWS_OK);
		ck_assert_int_eq(a, 1);
		if (g) {
			/* the previous generation's: every one refused */
			view_ref_refused(p, ou, rw, PWS_REF_NONE, PWS_ENOTFOUND);
			view_ref_refused(p, ru, ow, PWS_REF_NONE, PWS_ENOTFOUND);
			view_ref_refused(p, os, rw, PWS_REF_NONE, PWS_ENOTFOUND);
			view_ref_refused(p, ru, PWS_REF_NONE, oe, PWS_ENOTFOUND);
			view_ref_refused(p, ru, rw, oe, PWS_ENOTFOUND);
		}
		/* kinds are told apart in both forms */
		view_ref_refused(p, rw, rw, PWS_REF_NONE, PWS_EINVALID);
		view_ref_refused(p, ru, ru, PWS_REF_NONE, PWS_EINVALID);
		view_ref_refused(p, re, rw, PWS_REF_NONE, PWS_EINVALID);
		view_ref_refused(p, ru, re, PWS_REF_NONE, PWS_EINVALID);
		view_ref_refused(p, ru, PWS_REF_NONE, rw, PWS_EINVALID);
		{
			/* an index past the end, in either form: it names nothing */
			pws_ref bu = ru >> 63 ? ru | (0xfffffeull << 32) : ru | 0xfffffffeull;
			pws_ref bw = rw >> 63 ? rw | (0xfffffeull << 32) : rw | 0xfffffffeull;

			view_ref_refused(p, bu, PWS_REF_NONE, re, PWS_ENOTFOUND);
			view_ref_refused(p, ru, bw, re, PWS_ENOTFOUND);
			view_ref_refused(p, bu, rw, PWS_REF_NONE, PWS_ENOTFOUND);
			view_ref_refused(p, ru, bw, PWS_REF_NONE, PWS_ENOTFOUND);
		}
		/* the rule is optional on every path */
		ck_assert_int_eq(pws_check_ref(p, &a, NULL, ru, PWS_ACT_VIEW, rw, PWS_REF_NONE), PWS_OK);
		ck_assert_int_eq(a, 1);
		if (ru >> 63) {
			/* a hashed reference with another hash: a member's check
			 * decides as by id or is refused; a non-member's, which a
			 * wrong hash could make, is refused */
			pws_ref fu = ru ^ 0x5a5a5a5au, fw = rw ^ 0x00010000u;
			int rc;

			ck_assert(rw >> 63);
			rc = pws_check_ref(p, &a, &r, fu, PWS_ACT_EDIT, rw, PWS_REF_NONE);
			ck_assert(rc == PWS_ENOTFOUND || (rc == PWS_OK && a == 1));
			rc = pws_check_ref(p, &a, &r, ru, PWS_ACT_EDIT, fw, PWS_REF_NONE);
			ck_assert(rc == PWS_ENOTFOUND || (rc == PWS_OK && a == 1));
			ck_assert_int_eq(pws_check_ref(p, &a, &r, rs ^ 1u, PWS_ACT_VIEW, rw,
			                               PWS_REF_NONE), PWS_ENOTFOUND);
			view_ref_refused(p, rs, fw, PWS_REF_NONE, PWS_ENOTFOUND);
		} else {
			ck_assert_int_ge(g, 62); /* the plain form once past 62 generations */
		}
		ck_assert_int_eq(pws_snapshot_export(p, &json, &len), PWS_OK);
		OK(pws_snapshot_import(p, json, len, RES));
		pws_snapshot_free(p, json);
	}
	/* removed and re-added, in the plain form too: the old reference stays refused */
	ck_assert_int_eq(pws_ref_user(p, &ru, "solo"), PWS_OK);
	ck_assert_int_eq(pws_ref_workspace(p, &rw, "pw"), PWS_OK);
	ck_assert_int_eq(pws_ref_element(p, &re, "env"), PWS_OK);
	OK(pws_user_remove(p, "solo", RES));
	OK(pws_user_add(p, "solo", "solo@gmail.com", NULL, 0, 0, RES));
	view_ref_refused(p, ru, rw, PWS_REF_NONE, PWS_ENOTFOUND);
	ck_assert_int_eq(pws_ref_user(p, &rs, "solo"), PWS_OK);
	ck_assert(rs != ru);
	ref_agrees(p, "solo", "pw", rs, rw, PWS_OK);
	OK(pws_element_delete(p, "dev", "env", (int64_t)1700000000, RES));
	view_ref_refused(p, rs, rw, re, PWS_ENOTFOUND);
	OK(pws_element_add(p, "dev", "pw", "env", PWS_EL_ENVIRONMENT, 10, NULL, RES));
	view_ref_refused(p, rs, rw, re, PWS_ENOTFOUND);
	ck_assert_int_eq(pws_ref_element(p, &oe, "env"), PWS_OK);
	ck_assert(oe != re);
	pws_policy_free(p);
}
END_TEST

START_TEST(refs_check_allocates_nothing)
{
	pws_policy *p = tw_world();
	pws_ref ru, rw, re;
	int a, r, i;

	ck_assert_int_eq(pws_ref_user(p, &ru, "g1"), PWS_OK);
	ck_assert_int_eq(pws_ref_workspace(p, &rw, "pw"), PWS_OK);
	ck_assert_int_eq(pws_ref_element(p, &re, "col"), PWS_OK);
	tc_alloc_reset();
	for (i = 1; i < PWS_ACT_COUNT; i++) {
		ck_assert_int_eq(pws_check_ref(p, &a, &r, ru, i, rw, PWS_REF_NONE), PWS_OK);
		ck_assert_int_eq(pws_check_ref(p, &a, &r, ru, i, PWS_REF_NONE, re), PWS_OK);
		ck_assert_int_eq(pws_ref_user(p, &ru, "g1"), PWS_OK);
	}
	ck_assert_uint_eq(tc_alloc_stats_get().calls, 0);
	pws_policy_free(p);
}
END_TEST

/* --- hot words: a check by id strings reads the fields of the user and the
 * workspace from their id slots; a check by reference reads the records.
 * Random changes to every one of those fields, and after each the two agree
 * on every (user, action, workspace): a change that forgot to refresh a
 * word would show as a disagreement. */

static rw_world hw_x; /* tests/random-world.h */

static uint32_t hw_rnd(uint32_t n)
{
	return rw_rnd(&hw_x, n);
}

static const char *const HU0[] = { "u0", "u1", "u2", "u3", "p0", "p1", "q0", "q1" };
static const char *const HE[] = { "u0@pub.io", "u1@pub.io", "u2@pub.io", "u3@pub.io",
                                  "p0@pa.io", "p1@pa.io", "q0@qb.io", "q1@qb.io" };
static const char *const HW0[] = { "w0", "w1", "w2", "w3", "lg" };
/* The ids of a world, in one of four forms: as above (2 bytes), padded to
 * exactly 8 bytes (decided in the id slot), to 36 (a UUID's length: the
 * slot and its key tail) and to 50 (past the tail: the stored key). */
static char hw_idbuf[13][64];
static const char *HU[8], *HW[5];
static int hw_batch;                 /* hw_agree also compares pws_check_batch */
static pws_ref hw_ru[8], hw_rw[5];   /* references of the previous hw_agree */
static size_t hw_stale, hw_kept;     /* previous references refused, answering */

static void hw_forms(int form)
{
	static const size_t len[4] = { 2, 8, 36, 50 };
	size_t i, k;

	for (i = 0; i < 13; i++) {
		const char *id = i < 8 ? HU0[i] : HW0[i - 8];

		memset(hw_idbuf[i], 0, sizeof hw_idbuf[i]);
		for (k = 0; k < len[form]; k++)
			hw_idbuf[i][k] = k < 2 ? id[k] : k == 10 || k == 15 ? '-' : (char)('a' + k % 26);
		if (i < 8)
			HU[i] = hw_idbuf[i];
		else
			HW[i - 8] = hw_idbuf[i];
	}
	for (i = 0; i < 8; i++)
		hw_ru[i] = PWS_REF_NONE;
	for (i = 0; i < 5; i++)
		hw_rw[i] = PWS_REF_NONE;
}

/* pws_check_batch agrees item by item with pws_check on every (user,
 * action, workspace) of the world, unknown and empty ids and bad actions
 * mixed in, in a random order; the references of the previous step still
 * answer as the ids do, or are refused as stale (PWS_ENOTFOUND) when their
 * entity was removed (or removed and added again). */
static void hw_agree_batch(pws_policy *p, int world, int step)
{
	enum { NU = 10, NW = 6, NA = PWS_ACT_COUNT + 1, N = NU * NW * NA };
	static const char *actors[N], *bws[N];
	static int actions[N], allowed[N], rules[N], codes[N];
	size_t i, u, w;
	int a;

	for (i = 0; i < N; i++) {
		u = i / (NW * NA);
		w = (i / NA) % NW;
		actors[i] = u < 8 ? HU[u] : u == 8 ? "zz-nobody" : "";
		bws[i] = w < 5 ? HW[w] : "zz-nowhere";
		actions[i] = (int)(i % NA);
		allowed[i] = rules[i] = codes[i] = -99;
	}
	for (i = N - 1; i > 0; i--) { /* shuffle */
		size_t j = hw_rnd((uint32_t)i + 1);
		const char *t;
		int x;

		t = actors[i], actors[i] = actors[j], actors[j] = t;
		t = bws[i], bws[i] = bws[j], bws[j] = t;
		x = actions[i], actions[i] = actions[j], actions[j] = x;
	}
	ck_assert_int_eq(pws_check_batch(p, allowed, rules, codes, N, actors, actions, bws, NULL),
	                 PWS_OK);
	for (i = 0; i < N; i++) {
		int a1 = -1, r1 = -1, rc = pws_check(p, &a1, &r1, actors[i], actions[i], bws[i], NULL);

		ck_assert_msg(codes[i] == rc && allowed[i] == a1 && rules[i] == r1,
		              "world %d step %d: %s action %d on %s: batch %d %d (%s), "
		              "single %d %d (%s)", world, step, actors[i], actions[i], bws[i],
		              codes[i], allowed[i], pws_rule_id(rules[i]), rc, a1, pws_rule_id(r1));
	}
	for (u = 0; u < 8; u++)
		for (w = 0; w < 5; w++) {
			pws_ref ru = PWS_REF_NONE, rw = PWS_REF_NONE;
			int same = pws_ref_user(p, &ru, HU[u]) == PWS_OK && ru == hw_ru[u] &&
			           pws_ref_workspace(p, &rw, HW[w]) == PWS_OK && rw == hw_rw[w];

			if (hw_ru[u] == PWS_REF_NONE || hw_rw[w] == PWS_REF_NONE)
				continue;
			for (a = 1; a < PWS_ACT_COUNT; a++) {
				int a1 = -1, r1 = -1, a2 = -2, r2 = -2;
				int rc1 = pws_check(p, &a1, &r1, HU[u], a, HW[w], NULL);
				int rc2 = pws_check_ref(p, &a2, &r2, hw_ru[u], a, hw_rw[w], PWS_REF_NONE);

				hw_kept += same;
				hw_stale += !same;
				if (same)
					ck_assert_msg(rc2 == rc1 && a1 == a2 && r1 == r2,
					              "world %d step %d: %s action %d on %s: by id %d (%s), "
					              "by the previous reference %d (%s)", world, step, HU[u], a,
					              HW[w], a1, pws_rule_id(r1), a2, pws_rule_id(r2));
				else
					ck_assert_msg(rc2 == PWS_ENOTFOUND && a2 == 0 && r2 == PWS_RULE_NONE,
					              "world %d step %d: a stale reference of %s / %s answered",
					              world, step, HU[u], HW[w]);
			}
		}
	for (u = 0; u < 8; u++)
		if (pws_ref_user(p, &hw_ru[u], HU[u]) != PWS_OK)
			hw_ru[u] = PWS_REF_NONE;
	for (w = 0; w < 5; w++)
		if (pws_ref_workspace(p, &hw_rw[w], HW[w]) != PWS_OK)
			hw_rw[w] = PWS_REF_NONE;
}

static void hw_agree(pws_policy *p, int world, int step)
{
	size_t u, w, len = 0;
	int a;
	char *json = NULL;
	pws_policy *q = NULL;

	if (hw_batch) {
		hw_agree_batch(p, world, step);
		return;
	}
	/* the digest covers whether each stored word is up to date: a copy
	 * made through a snapshot has every word fresh */
	ck_assert_int_eq(pws_snapshot_export(p, &json, &len), PWS_OK);
	ck_assert_int_eq(pws_policy_new(&q, NULL), PWS_OK);
	ck_assert_int_eq(pws_snapshot_import(q, json, len, NULL), PWS_OK);
	ck_assert_msg(tw_digest(p) == tw_digest(q), "world %d step %d: a hot word is out of date",
	              world, step);
	pws_policy_free(q);
	pws_snapshot_free(p, json);

	for (u = 0; u < sizeof HU / sizeof *HU; u++)
		for (w = 0; w < sizeof HW / sizeof *HW; w++) {
			pws_ref ru, rw;

			if (pws_ref_user(p, &ru, HU[u]) != PWS_OK ||
			    pws_ref_workspace(p, &rw, HW[w]) != PWS_OK)
				continue;
			for (a = 1; a < PWS_ACT_COUNT; a++) {
				int a1 = -1, r1 = -1, a2 = -2, r2 = -2;

				ck_assert_int_eq(pws_check(p, &a1, &r1, HU[u], a, HW[w], NULL), PWS_OK);
				ck_assert_int_eq(pws_check_ref(p, &a2, &r2, ru, a, rw, PWS_REF_NONE), PWS_OK);
				ck_assert_msg(a1 == a2 && r1 == r2,
				              "world %d step %d: %s action %d on %s: by id %d (%s), "
				              "by reference %d (%s)", world, step, HU[u], a, HW[w], a1,
				              pws_rule_id(r1), a2, pws_rule_id(r2));
			}
		}
}

static void hw_worlds(int batch)
{
	const char *env = getenv("PWS_HOT_WORLDS"); /* check-valgrind runs fewer */
	int world, step, worlds = env ? atoi(env) : 30;

	hw_batch = batch;

	for (world = 0; world < worlds; world++) {
		pws_policy *p;
		int i;

		hw_x.state = 0x2545f4914f6cdd1dULL * (uint64_t)(world + 1 + 1000 * batch);
		hw_forms(world % 4);
		for (i = 0; i < 8; i++) {
			hw_x.u[i] = HU[i];
			hw_x.e[i] = HE[i];
		}
		for (i = 0; i < 5; i++)
			hw_x.w[i] = HW[i];
		hw_x.remove_teams = 1;
		ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
		rw_setup(p, &hw_x);
		/* CR8: with no Partner Manager left, creating a partner workspace
		 * makes the team's admins Partner Managers */
		OK(pws_user_set_partner_manager(p, HU[1], 0, RES));
		OK(pws_workspace_create(p, HU[1], HW[2], "W2", PWS_VIS_PARTNER, NULL, RES));
		hw_agree(p, world, -1);
		for (step = 0; step < 60; step++) {
			rw_step(p, &hw_x);
			hw_agree(p, world, step);
		}
		pws_policy_free(p);
	}
}

START_TEST(refs_hot_words_follow_every_change)
{
	hw_worlds(0);
}
END_TEST

START_TEST(refs_batch_agrees_in_random_worlds)
{
	hw_stale = hw_kept = 0;
	hw_worlds(1);
	ck_assert_uint_gt(hw_stale, 100);
	ck_assert_uint_gt(hw_kept, 1000);
}
END_TEST

/* pws_check_batch agrees item by item with pws_check, over batches of
 * every length around its window (32) mixing members, non-members,
 * unknown, empty and NULL ids, elements and bad actions. */
START_TEST(refs_batch_agrees_with_check)
{
	static const char *const bu[] = { "owner", "admin", "pm", "dev", "dev2", "a1", "a2",
	                                  "g1", "i1", "solo", "nope", "", NULL };
	static const char *const bw[] = { "pw", "team-ws", "pw", "team-ws", "nope", "", NULL };
	static const char *const be[] = { NULL, NULL, NULL, NULL, "col", "tcol", "nope", "" };
	enum { MAXN = 100 };
	const char *actors[MAXN], *ws[MAXN], *els[MAXN];
	int actions[MAXN], allowed[MAXN], rules[MAXN], codes[MAXN];
	pws_policy *p = tw_world();
	unsigned int seed = 1234u;
	size_t n, i, round, with_el = 0, decided = 0;

	OK(pws_element_add(p, "dev2", "team-ws", "tcol", PWS_EL_COLLECTION, 1, NULL, RES));
	for (round = 0; round < 400; round++) {
		int use_el = round % 3 != 0;

		n = round < MAXN ? round : 1 + (size_t)(rand_r(&seed) % MAXN);
		for (i = 0; i < n; i++) {
			actors[i] = bu[rand_r(&seed) % (sizeof bu / sizeof *bu)];
			ws[i] = bw[rand_r(&seed) % (sizeof bw / sizeof *bw)];
			els[i] = be[rand_r(&seed) % (sizeof be / sizeof *be)];
			actions[i] = (int)(rand_r(&seed) % (PWS_ACT_COUNT + 1)) - (rand_r(&seed) % 50 == 0);
			allowed[i] = rules[i] = codes[i] = -99;
		}
		ck_assert_int_eq(pws_check_batch(p, allowed, rules, codes, n, actors, actions, ws,
		                                 use_el ? els : NULL),
		                 PWS_OK);
		for (i = 0; i < n; i++) {
			const char *el = use_el ? els[i] : NULL;
			int a = -99, r = -99;
			int rc = pws_check(p, &a, &r, actors[i], actions[i], ws[i], el);

			ck_assert_int_eq(codes[i], rc);
			ck_assert_int_eq(allowed[i], a);
			ck_assert_int_eq(rules[i], r);
			with_el += el != NULL && rc == PWS_OK;
			decided += rc == PWS_OK;
		}
	}
	ck_assert_uint_gt(with_el, 100);
	ck_assert_uint_gt(decided, 1000);
	pws_policy_free(p);
}
END_TEST

/* Checks before any membership exists: the tables a check starts loading
 * (ids, memberships) are not allocated yet. On a fresh handle every form
 * answers "not found" and allows nothing; on an imported workspace with no
 * member, a member of its owning team sees it and its element (WS2's
 * decision: `team` workspaces are visible to the owning team's members)
 * but edits nothing there, not being a member (the refusal names WS2 too),
 * by ids, by references and in a batch alike. */
static const char *const EMPTY_WS_SNAPSHOT =
	"{\"comments\":[],\"elements\":[{\"deleted_at\":0,\"editors\":[],\"id\":\"e\","
	"\"kind\":\"collection\",\"parent\":null,\"size\":0,\"state\":\"live\",\"workspace\":\"w\"}],"
	"\"format\":1,\"history\":[],\"invites\":[],\"memberships\":[],\"replies\":[],"
	"\"retention\":{\"basic\":{\"bytes\":0,\"days\":0},\"enterprise\":{\"bytes\":31457280,"
	"\"days\":90},\"free\":{\"bytes\":0,\"days\":0},\"professional\":{\"bytes\":0,\"days\":0}},"
	"\"teams\":[{\"domains\":[\"t.com\"],\"id\":\"t\",\"name\":\"T\",\"plan\":\"enterprise\","
	"\"seats\":3,\"sso\":false}],\"updates\":[],\"users\":[{\"email\":\"u@t.com\",\"id\":\"u\","
	"\"partner_manager\":true,\"team\":\"t\",\"team_role\":\"admin\"}],\"workspaces\":[{"
	"\"description\":null,\"id\":\"w\",\"integration\":false,\"lifecycle\":\"active\","
	"\"mode\":null,\"model\":null,\"n_updates\":0,\"name\":\"W\",\"note\":null,\"request\":null,"
	"\"requester\":null,\"summary\":null,\"team\":\"t\",\"visibility\":\"team\","
	"\"was_partner\":false}]}";

START_TEST(refs_WS2_checks_before_any_membership)
{
	const char *A[2] = { "u", "u" }, *W[2] = { "w", "w" };
	int act[2] = { PWS_ACT_VIEW, PWS_ACT_EDIT }, al[2] = { -1, -1 }, ru[2] = { -1, -1 },
	    co[2] = { -1, -1 };
	int allowed = -1, rule = -1;
	pws_ref u, w, e;
	pws_policy *p;

	OK(pws_policy_new(&p, NULL));
	ck_assert_int_eq(pws_check(p, &allowed, &rule, "u", PWS_ACT_VIEW, "w", NULL), PWS_ENOTFOUND);
	ck_assert_int_eq(allowed, 0);
	ck_assert_int_eq(pws_check(p, &allowed, &rule, "u", PWS_ACT_VIEW, NULL, "e"), PWS_ENOTFOUND);
	ck_assert_int_eq(allowed, 0);
	OK(pws_check_batch(p, al, ru, co, 1, A, act, W, NULL));
	ck_assert_int_eq(co[0], PWS_ENOTFOUND);
	ck_assert_int_eq(al[0], 0);
	ck_assert_int_eq(pws_ref_user(p, &u, "u"), PWS_ENOTFOUND);

	OK(pws_snapshot_import(p, EMPTY_WS_SNAPSHOT, strlen(EMPTY_WS_SNAPSHOT), RES));
	OK(pws_ref_user(p, &u, "u"));
	OK(pws_ref_workspace(p, &w, "w"));
	OK(pws_ref_element(p, &e, "e"));
	OK(pws_check(p, &allowed, &rule, "u", PWS_ACT_VIEW, "w", NULL));
	ck_assert(allowed == 1 && rule == PWS_RULE_WS2);
	OK(pws_check(p, &allowed, &rule, "u", PWS_ACT_VIEW, NULL, "e"));
	ck_assert(allowed == 1 && rule == PWS_RULE_WS2);
	OK(pws_check_ref(p, &allowed, &rule, u, PWS_ACT_VIEW, w, PWS_REF_NONE));
	ck_assert(allowed == 1 && rule == PWS_RULE_WS2);
	OK(pws_check_ref(p, &allowed, &rule, u, PWS_ACT_VIEW, PWS_REF_NONE, e));
	ck_assert(allowed == 1 && rule == PWS_RULE_WS2);
	OK(pws_check_ref(p, &allowed, &rule, u, PWS_ACT_EDIT, w, PWS_REF_NONE));
	ck_assert(allowed == 0 && rule == PWS_RULE_WS2);
	OK(pws_check_batch(p, al, ru, co, 2, A, act, W, NULL));
	ck_assert(co[0] == PWS_OK && al[0] == 1 && ru[0] == PWS_RULE_WS2);
	ck_assert(co[1] == PWS_OK && al[1] == 0 && ru[1] == PWS_RULE_WS2);
	/* an operation asks the same decision (pws__who_init) */
	ck_assert_int_eq(pws_element_add(p, "u", "w", "e2", PWS_EL_COLLECTION, 0, NULL, RES),
	                 PWS_EDENIED);
	ck_assert_int_eq(tw_res.rule, PWS_RULE_WS2);
	ck_assert_int_eq(pws_ref_element(p, &e, "e2"), PWS_ENOTFOUND);
	pws_policy_free(p);
}
END_TEST

Suite *pws_refs_suite(void)
{
	Suite *s = suite_create("refs");
	TCase *tc = tcase_create("refs");

	tcase_add_test(tc, refs_agree_with_check);
	tcase_add_test(tc, refs_bad_and_stale);
	tcase_add_test(tc, refs_stale_of_every_kind_across_generations);
	tcase_add_test(tc, refs_check_allocates_nothing);
	tcase_add_test(tc, refs_batch_agrees_with_check);
	tcase_add_test(tc, refs_WS2_checks_before_any_membership);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, refs_hot_words_follow_every_change);
	tcase_add_test(tc, refs_batch_agrees_in_random_worlds);
	suite_add_tcase(s, tc);
	return s;
}
