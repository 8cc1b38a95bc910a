/*
 * pws_check_batch_ref: every item decided as pws_check_ref decides it
 * (status, allowed, rule), over random worlds after every change, with
 * every kind of reference a host can hold: current ones, the previous
 * step's (stale once their user is removed or the state is replaced),
 * plain forms, references of the wrong kind, tampered hashes, indexes out
 * of bounds, elements in and out of their workspace, and bad actions; a
 * world of a thousand memberships (probe chains in the membership table);
 * the plain forms past the 62nd generation; the record fallback of the
 * dense hot words; malformed arguments; misuse under the write lock; and
 * no allocation. PWS_HOT_WORLDS sets the number of random worlds (30;
 * check-valgrind sets 3).
 * SPDX-License-Identifier: MIT
 */
/* pthread_rwlock_t in lib/core.h */
#define _DEFAULT_SOURCE 1
#include "random-world.h"
#include "test-world.h"
#include "../lib/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BR_MAXN = 600 };

/* What a run of compare() saw, so that a test can require that it
 * reached every kind of item. */
typedef struct br_seen {
	size_t ok, allowed, notfound, invalid, with_el;
} br_seen;

static br_seen seen;

/* One batch against pws_check_ref item by item. rules and codes are
 * passed or not by `outs` (bit 0: rules, bit 1: codes); elements may be
 * NULL. */
static void compare(const pws_policy *p, size_t n, const pws_ref *au, const int *act,
                    const pws_ref *aw, const pws_ref *ae, int outs, const char *where)
{
	static int allowed[BR_MAXN], rules[BR_MAXN], codes[BR_MAXN];
	size_t i;

	ck_assert_uint_le(n, BR_MAXN);
	for (i = 0; i < BR_MAXN; i++)
		allowed[i] = rules[i] = codes[i] = -99;
	ck_assert_int_eq(pws_check_batch_ref(p, allowed, outs & 1 ? rules : NULL,
	                                     outs & 2 ? codes : NULL, n, au, act, aw, ae),
	                 PWS_OK);
	for (i = 0; i < n; i++) {
		pws_ref e = ae ? ae[i] : PWS_REF_NONE;
		int a = -1, r = -1, rc = pws_check_ref(p, &a, &r, au[i], act[i], aw[i], e);

		ck_assert_msg(allowed[i] == a && (!(outs & 1) || rules[i] == r) &&
		              (!(outs & 2) || codes[i] == rc),
		              "%s: item %zu of %zu (user %#llx, action %d, workspace %#llx, element "
		              "%#llx): batch %d %d (%s), pws_check_ref %d %d (%s)",
		              where, i, n, (unsigned long long)au[i], act[i],
		              (unsigned long long)aw[i], (unsigned long long)e,
		              outs & 2 ? codes[i] : 99, allowed[i],
		              outs & 1 ? pws_rule_id(rules[i]) : "-", rc, a, pws_rule_id(r));
		seen.ok += rc == PWS_OK;
		seen.allowed += rc == PWS_OK && a;
		seen.notfound += rc == PWS_ENOTFOUND;
		seen.invalid += rc == PWS_EINVALID;
		seen.with_el += rc == PWS_OK && e != PWS_REF_NONE;
	}
	/* nothing written past the n items */
	for (i = n; i < BR_MAXN; i++)
		ck_assert(allowed[i] == -99 && rules[i] == -99 && codes[i] == -99);
}

/* --- random worlds ---------------------------------------------------- */

static rw_world bw_x; /* tests/random-world.h */

static const char *const BU[] = { "u0", "u1", "u2", "u3", "p0", "p1", "q0", "q1" };
static const char *const BE[] = { "u0@pub.io", "u1@pub.io", "u2@pub.io", "u3@pub.io",
                                  "p0@pa.io", "p1@pa.io", "q0@qb.io", "q1@qb.io" };
static const char *const BW[] = { "w0", "w1", "w2", "w3", "lg" };

/* The pools items are drawn from: references as the host holds them. */
enum { POOL = 64 };
typedef struct br_pool {
	pws_ref u[POOL], w[POOL], e[POOL];
	size_t nu, nw, ne;
} br_pool;

static pws_ref prev_u[8], prev_w[5], prev_e[16];
static size_t n_elems;

static uint32_t bw_rnd(uint32_t n)
{
	return rw_rnd(&bw_x, n);
}

static void pool_add(pws_ref *v, size_t *n, pws_ref r)
{
	ck_assert_uint_lt(*n, POOL);
	v[(*n)++] = r;
}

/* The plain form of user or workspace index i of the handle's current
 * generation (lib/check.c's make_ref past 62 generations): a valid
 * reference that takes the path of an element's. */
static pws_ref plain_of(const pws_policy *p, int kind, pws_ref hashed)
{
	uint64_t g = (uint64_t)p->gen + 1;

	return ((g & 0x1fffffffu) << 34) | ((uint64_t)kind << 32) |
	       ((uint32_t)(hashed >> 32) & 0xffffffu);
}

static void pools_make(pws_policy *p, br_pool *P)
{
	pws_ref r, any_u = PWS_REF_NONE, any_w = PWS_REF_NONE, any_e = PWS_REF_NONE;
	char id[32];
	size_t i;

	memset(P, 0, sizeof *P);
	for (i = 0; i < 8; i++) {
		if (pws_ref_user(p, &r, BU[i]) == PWS_OK) {
			/* the current reference, twice: most items name someone */
			pool_add(P->u, &P->nu, r);
			pool_add(P->u, &P->nu, r);
			any_u = r;
		}
		if (prev_u[i] != PWS_REF_NONE)
			pool_add(P->u, &P->nu, prev_u[i]);
		prev_u[i] = pws_ref_user(p, &r, BU[i]) == PWS_OK ? r : PWS_REF_NONE;
	}
	for (i = 0; i < 5; i++) {
		if (pws_ref_workspace(p, &r, BW[i]) == PWS_OK) {
			pool_add(P->w, &P->nw, r);
			pool_add(P->w, &P->nw, r);
			pool_add(P->w, &P->nw, r);
			any_w = r;
		}
		if (prev_w[i] != PWS_REF_NONE)
			pool_add(P->w, &P->nw, prev_w[i]);
		prev_w[i] = pws_ref_workspace(p, &r, BW[i]) == PWS_OK ? r : PWS_REF_NONE;
	}
	for (i = 0; i < n_elems; i++) {
		snprintf(id, sizeof id, "e%zu", i);
		if (pws_ref_element(p, &r, id) == PWS_OK) {
			pool_add(P->e, &P->ne, r);
			any_e = r;
		}
		if (prev_e[i] != PWS_REF_NONE)
			pool_add(P->e, &P->ne, prev_e[i]);
		prev_e[i] = pws_ref_element(p, &r, id) == PWS_OK ? r : PWS_REF_NONE;
	}
	/* the odd ones: none, the wrong kind, a plain form, a tampered hash,
	 * an index past the end */
	pool_add(P->u, &P->nu, PWS_REF_NONE);
	pool_add(P->w, &P->nw, PWS_REF_NONE);
	if (any_w != PWS_REF_NONE)
		pool_add(P->u, &P->nu, any_w);
	if (any_e != PWS_REF_NONE) {
		pool_add(P->u, &P->nu, any_e);
		pool_add(P->w, &P->nw, any_e);
	}
	if (any_u != PWS_REF_NONE) {
		pool_add(P->w, &P->nw, any_u);
		pool_add(P->e, &P->ne, any_u);
		pool_add(P->u, &P->nu, plain_of(p, 1, any_u));
		pool_add(P->u, &P->nu, any_u ^ 0x5a5a5a5au);
		pool_add(P->u, &P->nu, any_u | (uint64_t)0xffffff << 32);
	}
	if (any_w != PWS_REF_NONE) {
		pool_add(P->w, &P->nw, plain_of(p, 2, any_w));
		pool_add(P->w, &P->nw, any_w ^ 0x0000ffffu);
		pool_add(P->w, &P->nw, any_w | (uint64_t)0xffffff << 32);
	}
}

/* A random batch from the pools: one in three without elements at all,
 * the others with an element in one item in three. */
static void batch_from(pws_policy *p, const br_pool *P, int world, int step, int k)
{
	static pws_ref au[BR_MAXN], aw[BR_MAXN], ae[BR_MAXN];
	static int act[BR_MAXN];
	size_t n = bw_rnd(5) == 0 ? bw_rnd(20) : bw_rnd(BR_MAXN + 1), i;
	int use_el = bw_rnd(3) != 0 && P->ne > 0;
	char where[64];

	for (i = 0; i < n; i++) {
		uint32_t x = bw_rnd(40);

		au[i] = P->u[bw_rnd((uint32_t)P->nu)];
		aw[i] = P->w[bw_rnd((uint32_t)P->nw)];
		ae[i] = use_el && bw_rnd(3) == 0 ? P->e[bw_rnd((uint32_t)P->ne)] : PWS_REF_NONE;
		if (ae[i] != PWS_REF_NONE && bw_rnd(2))
			aw[i] = PWS_REF_NONE; /* the element alone names the workspace */
		act[i] = x < 37 ? 1 + (int)bw_rnd(PWS_ACT_COUNT - 1)
		         : x == 37 ? 0 : x == 38 ? PWS_ACT_COUNT : -1 - (int)bw_rnd(1000);
	}
	snprintf(where, sizeof where, "world %d step %d batch %d", world, step, k);
	compare(p, n, au, act, aw, use_el ? ae : NULL, (int)bw_rnd(4), where);
}

/* An element added, deleted or moved at random (refused calls too). */
static void element_step(pws_policy *p)
{
	char id[32];
	size_t i = bw_rnd(16);
	const char *a = BU[bw_rnd(8)], *w = BW[bw_rnd(5)];

	snprintf(id, sizeof id, "e%zu", i);
	switch (bw_rnd(4)) {
	case 0:
	case 1:
		if (pws_element_add(p, a, w, id, PWS_EL_COLLECTION, 10, NULL, NULL) == PWS_OK &&
		    i >= n_elems)
			n_elems = i + 1;
		break;
	case 2: pws_element_delete(p, a, id, 1000, NULL); break;
	default: pws_element_move(p, a, id, w, NULL); break;
	}
	if (i >= n_elems && bw_rnd(2))
		n_elems = i + 1; /* an id never added: not found */
}

/* Every state a random world goes through: a few random batches after
 * each change; every 20 steps the state is replaced by its own snapshot
 * (every reference held is stale then). */
START_TEST(batch_ref_items_equal_check_ref_in_random_worlds)
{
	const char *env = getenv("PWS_HOT_WORLDS"); /* check-valgrind runs fewer */
	int world, step, k, worlds = env ? atoi(env) : 30;

	memset(&seen, 0, sizeof seen);
	for (world = 0; world < worlds; world++) {
		pws_policy *p;
		br_pool P;
		int i;

		bw_x.state = 0x9e3779b97f4a7c15ULL * (uint64_t)(world + 7);
		for (i = 0; i < 8; i++) {
			bw_x.u[i] = BU[i];
			bw_x.e[i] = BE[i];
			prev_u[i] = PWS_REF_NONE;
		}
		for (i = 0; i < 5; i++) {
			bw_x.w[i] = BW[i];
			prev_w[i] = PWS_REF_NONE;
		}
		for (i = 0; i < 16; i++)
			prev_e[i] = PWS_REF_NONE;
		n_elems = 0;
		bw_x.remove_teams = world % 2;
		ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
		rw_setup(p, &bw_x);
		for (step = 0; step < 60; step++) {
			if (step % 20 == 19) {
				char *json = NULL;
				size_t len = 0;

				ck_assert_int_eq(pws_snapshot_export(p, &json, &len), PWS_OK);
				OK(pws_snapshot_import(p, json, len, RES));
				pws_snapshot_free(p, json);
			} else if (bw_rnd(3) == 0) {
				element_step(p);
			} else {
				rw_step(p, &bw_x);
			}
			pools_make(p, &P);
			for (k = 0; k < 3; k++)
				batch_from(p, &P, world, step, k);
		}
		pws_policy_free(p);
	}
	if (worlds >= 30) {
		ck_assert_uint_gt(seen.ok, 20000);
		ck_assert_uint_gt(seen.allowed, 2000);
		ck_assert_uint_gt(seen.notfound, 2000);
		ck_assert_uint_gt(seen.invalid, 2000);
		ck_assert_uint_gt(seen.with_el, 500);
	}
}
END_TEST

/* --- a thousand memberships ---------------------------------------------
 * 40 workspaces x 25 members of 200 users: the membership table's probe
 * chains are real (non-members walk past other slots), and the batch is
 * longer than its ring many times over. Every (user, workspace) pair is
 * asked for in a shuffled order, in batches of every length 0..300. */
START_TEST(batch_ref_agrees_on_a_thousand_memberships)
{
	enum { NWS = 40, NU = 200, PER = 25, NITEMS = NWS * NU };
	static pws_ref ru[NU], rw[NWS], au[NITEMS], aw[NITEMS];
	static int act[NITEMS];
	pws_policy *p;
	char id[32], email[48];
	size_t i, off, n;
	int w, u;

	memset(&seen, 0, sizeof seen);
	bw_x.state = 0x1234567887654321ULL;
	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	OK(pws_team_add(p, "pub", "P", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "pub", "pub.io", RES));
	OK(pws_team_add(p, "pa", "A", PWS_PLAN_PROFESSIONAL, 0, RES));
	OK(pws_team_add_domain(p, "pa", "pa.io", RES));
	OK(pws_user_add(p, "pm", "pm@pub.io", "pub", PWS_TEAM_ADMIN, 1, RES));
	for (u = 0; u < NU; u++) {
		int partner = u % 3 == 0;

		snprintf(id, sizeof id, "user-%d", u);
		snprintf(email, sizeof email, "user-%d@%s", u, partner ? "pa.io" : "pub.io");
		OK(pws_user_add(p, id, email, partner ? "pa" : "pub", PWS_TEAM_MEMBER, 0, RES));
		ck_assert_int_eq(pws_ref_user(p, &ru[u], id), PWS_OK);
	}
	for (w = 0; w < NWS; w++) {
		snprintf(id, sizeof id, "ws-%d", w);
		OK(pws_workspace_create(p, "pm", id, "W", w % 4 ? PWS_VIS_PARTNER : PWS_VIS_TEAM, NULL,
		                        RES));
		ck_assert_int_eq(pws_ref_workspace(p, &rw[w], id), PWS_OK);
		for (i = 0; i < PER; i++) {
			u = (int)bw_rnd(NU);
			snprintf(email, sizeof email, "user-%d@%s", u, u % 3 == 0 ? "pa.io" : "pub.io");
			if (pws_invite(p, "pm", id, email,
			               u % 3 == 0 ? PWS_INVITE_PARTNER : PWS_INVITE_MEMBER,
			               1 + (int)bw_rnd(3), 0, NULL) == PWS_OK) {
				char uid[32];

				snprintf(uid, sizeof uid, "user-%d", u);
				(void)pws_invite_accept(p, uid, id, NULL, NULL);
			}
		}
	}
	for (i = 0; i < NITEMS; i++) {
		au[i] = ru[i % NU];
		aw[i] = rw[i / NU];
		act[i] = 1 + (int)bw_rnd(PWS_ACT_COUNT - 1);
	}
	for (i = NITEMS - 1; i > 0; i--) {
		size_t j = bw_rnd((uint32_t)i + 1);
		pws_ref t = au[i];

		au[i] = au[j], au[j] = t;
		t = aw[i], aw[i] = aw[j], aw[j] = t;
	}
	for (off = 0, n = 0; off < NITEMS; off += n, n = (n + 1) % 301) {
		if (off + n > NITEMS)
			n = NITEMS - off;
		compare(p, n, au + off, act + off, aw + off, NULL, 3, "1k memberships");
	}
	ck_assert_uint_eq(seen.ok, NITEMS);
	ck_assert_uint_gt(seen.allowed, 300);
	/* the same after removals: the removed users' items are stale */
	for (u = 0; u < NU; u += 7) {
		snprintf(id, sizeof id, "user-%d", u);
		OK(pws_user_remove(p, id, RES));
	}
	seen.notfound = 0;
	for (off = 0; off < NITEMS; off += BR_MAXN)
		compare(p, NITEMS - off < BR_MAXN ? NITEMS - off : BR_MAXN, au + off, act + off,
		        aw + off, NULL, 2, "1k memberships, users removed");
	ck_assert_uint_eq(seen.notfound, (NU + 6) / 7 * NWS);
	pws_policy_free(p);
}
END_TEST

/* --- generations --------------------------------------------------------
 * References carry their id hash in the first 62 generations (snapshot
 * imports) and take a plain form after, which the batch decides by the
 * general path: across 70 generations a batch of the current references
 * and of the previous generation's equals pws_check_ref. */
START_TEST(batch_ref_every_generation)
{
	static const char *const us[] = { "owner", "admin", "dev", "a1", "g1", "solo" };
	static const char *const ws[] = { "pw", "team-ws" };
	enum { NI = 6 * 2 * 4 * 2 };
	pws_policy *p = tw_world();
	pws_ref ru[6], rw[2], re, ou[6], ow[2], oe = PWS_REF_NONE;
	pws_ref au[NI], aw[NI], ae[NI];
	int act[NI], g;
	size_t i, u, w, stale = 0;

	memset(&seen, 0, sizeof seen);
	for (u = 0; u < 6; u++)
		ou[u] = PWS_REF_NONE;
	ow[0] = ow[1] = PWS_REF_NONE;
	for (g = 0; g < 70; g++) {
		char *json = NULL;
		size_t len = 0;

		for (u = 0; u < 6; u++)
			ck_assert_int_eq(pws_ref_user(p, &ru[u], us[u]), PWS_OK);
		for (w = 0; w < 2; w++)
			ck_assert_int_eq(pws_ref_workspace(p, &rw[w], ws[w]), PWS_OK);
		ck_assert_int_eq(pws_ref_element(p, &re, "col"), PWS_OK);
		for (i = 0; i < NI; i++) {
			int old = (int)(i & 1);

			u = (i >> 1) % 6;
			w = (i / 12) % 2;
			au[i] = old && ou[u] ? ou[u] : ru[u];
			aw[i] = old && ow[w] ? ow[w] : rw[w];
			ae[i] = i % 5 == 0 ? (old && oe ? oe : re) : PWS_REF_NONE;
			act[i] = 1 + (int)((i * 7 + (size_t)g) % (PWS_ACT_COUNT - 1));
			stale += old && ou[u];
		}
		compare(p, NI, au, act, aw, ae, 3, "generations");
		memcpy(ou, ru, sizeof ou);
		memcpy(ow, rw, sizeof ow);
		oe = re;
		ck_assert_int_eq(pws_snapshot_export(p, &json, &len), PWS_OK);
		OK(pws_snapshot_import(p, json, len, RES));
		pws_snapshot_free(p, json);
	}
	ck_assert_uint_gt(stale, 1000);
	ck_assert_uint_gt(seen.notfound, 1000);
	ck_assert_uint_gt(seen.ok, 1000);
	pws_policy_free(p);
}
END_TEST

/* --- the record fallback ------------------------------------------------
 * A user's dense word that does not fit (PWS__UHOT32_RECORD) is read from
 * the record, as pws_check_ref does (no handle reaches it: faked). */
START_TEST(batch_ref_word_read_from_the_record)
{
	static const char *const us[] = { "owner", "admin", "pm", "dev", "dev2", "a1", "a2",
	                                  "g1", "i1", "solo" };
	static const char *const ws[] = { "pw", "team-ws" };
	enum { NI = 10 * 2 * (PWS_ACT_COUNT - 1) };
	static pws_ref au[NI], aw[NI];
	static int act[NI];
	pws_policy *p = tw_world();
	pws__model *m = &p->m;
	size_t i;
	uint32_t k;

	for (i = 0; i < NI; i++) {
		ck_assert_int_eq(pws_ref_user(p, &au[i], us[i % 10]), PWS_OK);
		ck_assert_int_eq(pws_ref_workspace(p, &aw[i], ws[(i / 10) % 2]), PWS_OK);
		act[i] = 1 + (int)(i / 20);
	}
	memset(&seen, 0, sizeof seen);
	compare(p, NI, au, act, aw, NULL, 3, "dense words");
	for (k = 0; k < m->users.n; k++)
		if (USER(m, k)->alive)
			((uint32_t *)m->uhot.v)[k] = PWS__UHOT32_RECORD;
	compare(p, NI, au, act, aw, NULL, 3, "words read from the records");
	ck_assert_uint_eq(seen.ok, 2 * NI);
	ck_assert_uint_gt(seen.allowed, 100);
	pws_policy_free(p);
}
END_TEST

/* --- no membership yet -------------------------------------------------
 * A state with a user and a workspace but no membership at all (the
 * membership table not allocated yet: nothing to prefetch): the batch
 * decides as pws_check_ref (WS2: a member of the owning team sees a
 * `team` workspace, edits nothing there). */
static const char *const NO_MEMBERSHIP_SNAPSHOT =
	"{\"comments\":[],\"elements\":[],\"format\":1,\"history\":[],\"invites\":[],"
	"\"memberships\":[],\"replies\":[],"
	"\"retention\":{\"basic\":{\"bytes\":0,\"days\":0},\"enterprise\":{\"bytes\":31457280,"
	"\"days\":90},\"free\":{\"bytes\":0,\"days\":0},\"professional\":{\"bytes\":0,\"days\":0}},"
	"\"teams\":[{\"domains\":[\"t.com\"],\"id\":\"t\",\"name\":\"T\",\"plan\":\"enterprise\","
	"\"seats\":3,\"sso\":false}],\"updates\":[],\"users\":[{\"email\":\"u@t.com\",\"id\":\"u\","
	"\"partner_manager\":true,\"team\":\"t\",\"team_role\":\"admin\"}],\"workspaces\":[{"
	"\"description\":null,\"id\":\"w\",\"integration\":false,\"lifecycle\":\"active\","
	"\"mode\":null,\"model\":null,\"n_updates\":0,\"name\":\"W\",\"note\":null,\"request\":null,"
	"\"requester\":null,\"summary\":null,\"team\":\"t\",\"visibility\":\"team\","
	"\"was_partner\":false}]}";

START_TEST(batch_ref_before_any_membership)
{
	enum { NI = 2 * (PWS_ACT_COUNT - 1) };
	pws_ref au[NI], aw[NI], u, w;
	int act[NI];
	pws_policy *p;
	size_t i;

	OK(pws_policy_new(&p, NULL));
	OK(pws_snapshot_import(p, NO_MEMBERSHIP_SNAPSHOT, strlen(NO_MEMBERSHIP_SNAPSHOT), RES));
	ck_assert(p->m.member_of.s == NULL); /* else this test tests nothing */
	OK(pws_ref_user(p, &u, "u"));
	OK(pws_ref_workspace(p, &w, "w"));
	for (i = 0; i < NI; i++) {
		au[i] = u;
		aw[i] = i % 2 ? w ^ 1u : w; /* and a tampered hash: refused */
		act[i] = 1 + (int)(i / 2);
	}
	memset(&seen, 0, sizeof seen);
	compare(p, NI, au, act, aw, NULL, 3, "no membership");
	ck_assert_uint_eq(seen.ok, NI / 2);
	ck_assert_uint_eq(seen.notfound, NI / 2);
	ck_assert_uint_gt(seen.allowed, 0); /* VIEW, by WS2 */
	pws_policy_free(p);
}
END_TEST

/* --- arguments ----------------------------------------------------------- */

START_TEST(batch_ref_malformed_arguments)
{
	pws_policy *p = tw_world();
	pws_ref u, w, e;
	int act[2] = { PWS_ACT_EDIT, PWS_ACT_VIEW }, allowed[2] = { -9, -9 }, rules[2] = { -9, -9 },
	    codes[2] = { -9, -9 };
	pws_ref au[2], aw[2], ae[2];

	ck_assert_int_eq(pws_ref_user(p, &u, "dev"), PWS_OK);
	ck_assert_int_eq(pws_ref_workspace(p, &w, "pw"), PWS_OK);
	ck_assert_int_eq(pws_ref_element(p, &e, "col"), PWS_OK);
	au[0] = au[1] = u;
	aw[0] = aw[1] = w;
	ae[0] = e;
	ae[1] = PWS_REF_NONE;
	/* a mandatory array missing, with items: refused, nothing written */
	ck_assert_int_eq(pws_check_batch_ref(NULL, allowed, rules, codes, 2, au, act, aw, ae),
	                 PWS_EINVALID);
	ck_assert_int_eq(pws_check_batch_ref(p, NULL, rules, codes, 2, au, act, aw, ae),
	                 PWS_EINVALID);
	ck_assert_int_eq(pws_check_batch_ref(p, allowed, rules, codes, 2, NULL, act, aw, ae),
	                 PWS_EINVALID);
	ck_assert_int_eq(pws_check_batch_ref(p, allowed, rules, codes, 2, au, NULL, aw, ae),
	                 PWS_EINVALID);
	ck_assert_int_eq(pws_check_batch_ref(p, allowed, rules, codes, 2, au, act, NULL, ae),
	                 PWS_EINVALID);
	ck_assert(allowed[0] == -9 && allowed[1] == -9 && rules[0] == -9 && codes[0] == -9);
	/* no items: every array may be NULL, nothing written */
	ck_assert_int_eq(pws_check_batch_ref(p, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL),
	                 PWS_OK);
	ck_assert_int_eq(pws_check_batch_ref(p, allowed, rules, codes, 0, au, act, aw, ae), PWS_OK);
	ck_assert(allowed[0] == -9 && rules[0] == -9 && codes[0] == -9);
	ck_assert_int_eq(pws_check_batch_ref(NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL),
	                 PWS_EINVALID);
	/* rules and codes optional; elements optional */
	ck_assert_int_eq(pws_check_batch_ref(p, allowed, NULL, NULL, 2, au, act, aw, ae), PWS_OK);
	ck_assert(allowed[0] == 1 && allowed[1] == 1); /* dev edits col, views pw */
	ck_assert_int_eq(pws_check_batch_ref(p, allowed, rules, codes, 2, au, act, aw, NULL),
	                 PWS_OK);
	ck_assert(codes[0] == PWS_OK && codes[1] == PWS_OK && allowed[0] == 1);
	/* bad items: a bad action, neither workspace nor element, an element
	 * not in that workspace; each denied with no rule */
	act[0] = PWS_ACT_COUNT;
	aw[1] = PWS_REF_NONE;
	ck_assert_int_eq(pws_check_batch_ref(p, allowed, rules, codes, 2, au, act, aw, NULL),
	                 PWS_OK);
	ck_assert(codes[0] == PWS_EINVALID && allowed[0] == 0 && rules[0] == PWS_RULE_NONE);
	ck_assert(codes[1] == PWS_EINVALID && allowed[1] == 0 && rules[1] == PWS_RULE_NONE);
	act[0] = PWS_ACT_VIEW;
	ck_assert_int_eq(pws_ref_workspace(p, &aw[0], "team-ws"), PWS_OK);
	ck_assert_int_eq(pws_check_batch_ref(p, allowed, rules, codes, 1, au, act, aw, ae), PWS_OK);
	ck_assert(codes[0] == PWS_EINVALID && allowed[0] == 0 && rules[0] == PWS_RULE_NONE);
	pws_policy_free(p);
}
END_TEST

/* Called from inside a mutation (its allocation, under the write lock),
 * the batch answers PWS_EMISUSE and writes nothing. */
static pws_policy *mu_p;
static pws_ref mu_u, mu_w;
static int mu_rc = 12345, mu_allowed = -9;

static void mu_batch(void)
{
	int a = PWS_ACT_VIEW;

	mu_rc = pws_check_batch_ref(mu_p, &mu_allowed, NULL, NULL, 1, &mu_u, &a, &mu_w, NULL);
}

START_TEST(batch_ref_under_the_write_lock_is_misuse)
{
	pws_allocator a;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	int act = PWS_ACT_VIEW;

	tc_reenter_allocator(&a, mu_batch);
	o.allocator = &a;
	mu_p = tw_world_with(&o);
	ck_assert_int_eq(pws_ref_user(mu_p, &mu_u, "pm"), PWS_OK);
	ck_assert_int_eq(pws_ref_workspace(mu_p, &mu_w, "pw"), PWS_OK);
	ck_assert(tc_reenter_fire(mu_p));
	ck_assert_int_eq(mu_rc, PWS_EMISUSE);
	ck_assert_int_eq(mu_allowed, -9);
	ck_assert_int_eq(pws_check_batch_ref(mu_p, &mu_allowed, NULL, NULL, 1, &mu_u, &act, &mu_w,
	                                     NULL),
	                 PWS_OK);
	ck_assert_int_eq(mu_allowed, 1);
	pws_policy_free(mu_p);
}
END_TEST

/* A batch allocates nothing (the hot path's promise). */
START_TEST(batch_ref_allocates_nothing)
{
	enum { NI = 100 };
	pws_policy *p = NULL;
	pws_ref au[NI], aw[NI], u, w;
	int act[NI], allowed[NI], rules[NI], codes[NI];
	tc_alloc_stats before, after;
	size_t i;

	ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
	OK(pws_team_add(p, "pub", "P", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "pub", "pub.io", RES));
	OK(pws_user_add(p, "pm", "pm@pub.io", "pub", PWS_TEAM_ADMIN, 1, RES));
	OK(pws_workspace_create(p, "pm", "pw", "PW", PWS_VIS_PARTNER, NULL, RES));
	ck_assert_int_eq(pws_ref_user(p, &u, "pm"), PWS_OK);
	ck_assert_int_eq(pws_ref_workspace(p, &w, "pw"), PWS_OK);
	for (i = 0; i < NI; i++) {
		au[i] = u;
		aw[i] = w;
		act[i] = 1 + (int)(i % (PWS_ACT_COUNT - 1));
	}
	before = tc_alloc_stats_get();
	ck_assert_int_eq(pws_check_batch_ref(p, allowed, rules, codes, NI, au, act, aw, NULL),
	                 PWS_OK);
	after = tc_alloc_stats_get();
	ck_assert_uint_eq(after.calls, before.calls);
	for (i = 0; i < NI; i++)
		ck_assert_int_eq(codes[i], PWS_OK);
	pws_policy_free(p);
}
END_TEST

Suite *pws_batch_ref_suite(void)
{
	Suite *s = suite_create("batch_ref");
	TCase *tc = tcase_create("batch_ref");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, batch_ref_malformed_arguments);
	tcase_add_test(tc, batch_ref_under_the_write_lock_is_misuse);
	tcase_add_test(tc, batch_ref_allocates_nothing);
	tcase_add_test(tc, batch_ref_word_read_from_the_record);
	tcase_add_test(tc, batch_ref_before_any_membership);
	tcase_add_test(tc, batch_ref_every_generation);
	tcase_add_test(tc, batch_ref_agrees_on_a_thousand_memberships);
	tcase_add_test(tc, batch_ref_items_equal_check_ref_in_random_worlds);
	suite_add_tcase(s, tc);
	return s;
}
