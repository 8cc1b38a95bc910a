/*
 * The check path's decision (pws__decide_ws: from the two hot words, the
 * membership slot and the model) against the generic one (pws__who_init +
 * pws__decide_live), exhaustively over every combination of what a
 * decision about (actor, workspace) reads: the workspace team's plan, the
 * actor's team (the same, another of each plan, none), team role, Partner
 * Manager flag, visibility, mode, model, lifecycle, request, was_partner,
 * the membership slot (none, or role 0-3 x lead x organization: the owning
 * team's group, the actor's team, another), open partner invites (DL1),
 * and every action. Rule-named tests check rules on the fast path over
 * the same inputs, so that a rule changed in decide.c shows here too; the
 * random worlds compare pws_check, pws_check_ref and pws_check_batch
 * (fast) with pws_allowed_actions (generic) through the public API.
 * PWS_FAST_STRIDE (check-valgrind) takes one state in that many.
 * SPDX-License-Identifier: MIT
 */
#include "random-world.h"
#include "test-world.h"
#include "../lib/core.h"
#include "../lib/decide.h"

#include <stdlib.h>

/* What one enumerated state asks of the fast decision besides agreeing. */
enum { FD_AGREE, FD_LC1, FD_AC1, FD_INT1, FD_WS4 };

typedef struct fd_world {
	pws_policy *p;
	pws__model *m;
	uint32_t ta[5], tb[5]; /* two teams of each plan (1..4) */
	uint32_t x, y, w;      /* x: a member of w (a slot), y: not */
	pws__memb *slot;
	unsigned long n, checked;
} fd_world;

static void fd_world_new(fd_world *f)
{
	static const char *const ta[5] = { NULL, "fa", "ba", "pa", "ea" };
	static const char *const tb[5] = { NULL, "fb", "bb", "pb", "eb" };
	int plan;

	memset(f, 0, sizeof *f);
	ck_assert_int_eq(pws_policy_new(&f->p, NULL), PWS_OK);
	for (plan = PWS_PLAN_FREE; plan <= PWS_PLAN_ENTERPRISE; plan++) {
		OK(pws_team_add(f->p, ta[plan], "A", plan, 0, RES));
		OK(pws_team_add(f->p, tb[plan], "B", plan, 0, RES));
	}
	OK(pws_user_add(f->p, "x", "x@ea.io", "ea", PWS_TEAM_ADMIN, 0, RES));
	OK(pws_user_add(f->p, "y", "y@ea.io", "ea", PWS_TEAM_ADMIN, 0, RES));
	OK(pws_workspace_create(f->p, "x", "w", "W", PWS_VIS_TEAM, NULL, RES));
	f->m = &f->p->m;
	for (plan = PWS_PLAN_FREE; plan <= PWS_PLAN_ENTERPRISE; plan++) {
		f->ta[plan] = pws__team_find(f->m, ta[plan]);
		f->tb[plan] = pws__team_find(f->m, tb[plan]);
	}
	f->x = pws__user_find(f->m, "x");
	f->y = pws__user_find(f->m, "y");
	f->w = pws__ws_find(f->m, "w");
	f->slot = pws__mslot(f->m, f->w, f->x);
	ck_assert_ptr_nonnull(f->slot);
	ck_assert_ptr_null(pws__mslot(f->m, f->w, f->y));
}

/* Both decisions of (u, f->w, action) in the records' present state;
 * what they must say besides agreeing (want). */
static void fd_one(fd_world *f, const pws__who *c, uint32_t u, int action, int want)
{
	const pws__model *m = f->m;
	int a1, r1, d, a2, r2, lc = WS(m, f->w)->lc;

	a1 = pws__decide_live(c, action, PWS__NONE, &r1);
	d = pws__decide_ws(m, f->w | (uint64_t)u << 32,
	                   pws__mtab_home_of(&m->member_of, pws__member_hx(m, f->w, u)),
	                   pws__uhot_of(USER(m, u)), pws__whot_of(WS(m, f->w)), action);
	a2 = pws__dw_allowed(d);
	r2 = pws__dw_rule(d);
	f->checked++;
	/* no ck_assert per decision: Check marks every passing one (a write
	 * to its pipe), which would cost more than the decisions */
	if (a1 != a2 || r1 != r2 || !(d & PWS__DW_NOREC) != (u == f->x))
		ck_abort_msg(
	              "action %d: generic %d (%s), fast %d (%s) (result %#x); user team %u role %d pm %d, "
	              "ws team %u vis %d mode %d model %d lc %d request %d was_partner %d, "
	              "slot %d aux %#x, n_pinv %u", action, a1, pws_rule_id(r1), a2,
	              pws_rule_id(r2), (unsigned)d, USER(m, u)->team, USER(m, u)->team_role, USER(m, u)->pm,
	              WS(m, f->w)->team, WS(m, f->w)->vis, WS(m, f->w)->mode, WS(m, f->w)->model,
	              lc, WS(m, f->w)->request, WS(m, f->w)->was_partner, u == f->x,
	              f->slot->aux, WS(m, f->w)->n_pinv);
	switch (want) {
	case FD_LC1: /* LC1: a deleted workspace allows nothing; a pending one
	              * only the review of its request */
		if (lc == PWS_LC_DELETED || (lc == PWS_LC_PENDING_APPROVAL &&
		                             action != PWS_ACT_REVIEW_REQUEST))
			if (a2 || r2 != PWS_RULE_LC1)
				ck_abort_msg("LC1: action %d lc %d: %d %s",
			              action, lc, a2, pws_rule_id(r2));
		break;
	case FD_AC1: /* AC1: a member of the owning team's group views an
	              * active workspace */
		if (lc == PWS_LC_ACTIVE && u == f->x &&
		    pws__aux_org(f->slot->aux) == PWS__AUX_ORG_MAX && action == PWS_ACT_VIEW)
			if (!a2 || r2 != PWS_RULE_AC1)
				ck_abort_msg("AC1: %d %s", a2, pws_rule_id(r2));
		break;
	case FD_INT1: /* INT1: no integration in a partner workspace */
		if (lc == PWS_LC_ACTIVE && WS(m, f->w)->vis == PWS_VIS_PARTNER &&
		    action == PWS_ACT_INTEGRATION)
			if (a2 || r2 != PWS_RULE_INT1)
				ck_abort_msg("INT1: %d %s", a2, pws_rule_id(r2));
		break;
	case FD_WS4: /* WS4: a team-to-team partner membership granted through
	              * another team than the actor's does not count (in a
	              * partner workspace: no visibility lets a non-member in) */
		if (lc == PWS_LC_ACTIVE && u == f->x && USER(m, u)->team != WS(m, f->w)->team &&
		    WS(m, f->w)->vis == PWS_VIS_PARTNER &&
		    WS(m, f->w)->model == PWS_MODEL_TEAM_TO_TEAM &&
		    pws__aux_org(f->slot->aux) != PWS__AUX_ORG_MAX &&
		    pws__aux_org(f->slot->aux) != USER(m, u)->team && action == PWS_ACT_VIEW)
			if (a2 || r2 != PWS_RULE_WS4)
				ck_abort_msg("WS4: %d %s", a2, pws_rule_id(r2));
		break;
	default:
		break;
	}
}

/* Every combination (one state in `every`); want as in fd_one. */
static void fd_enumerate(int want, unsigned long every)
{
	const char *env = getenv("PWS_FAST_STRIDE"); /* check-valgrind takes fewer */
	unsigned long stride = (env ? strtoul(env, NULL, 10) : 1) * every;
	fd_world f;
	int wplan, urel, trole, upm, vis, mode, model, lc, req, wasp, slot, pinv, a;

	if (!stride)
		stride = 1;
	fd_world_new(&f);
	for (wplan = PWS_PLAN_FREE; wplan <= PWS_PLAN_ENTERPRISE; wplan++)
	/* the actor's team: 0 the workspace's, 1-4 another of that plan, 5 none */
	for (urel = 0; urel <= 5; urel++)
	for (trole = PWS_TEAM_MEMBER; trole <= PWS_TEAM_SUPER_ADMIN; trole++)
	for (upm = 0; upm <= 1; upm++)
	for (vis = PWS_VIS_PERSONAL; vis <= PWS_VIS_PUBLIC; vis++)
	for (mode = PWS_MODE_SINGLE; mode <= PWS_MODE_MULTI; mode++)
	for (model = PWS_MODEL_TEAM_TO_TEAM; model <= PWS_MODEL_LEGACY; model++)
	for (lc = PWS_LC_PENDING_APPROVAL; lc <= PWS_LC_DELETED; lc++)
	for (req = PWS__REQ_NONE; req <= PWS__REQ_CONVERT; req++)
	for (wasp = 0; wasp <= 1; wasp++)
	/* 0: no slot (y); else x's slot: role (1-3) x lead x organization */
	for (slot = 0; slot <= 3 * 2 * 3; slot++) {
		uint32_t uteam = urel == 0 ? f.ta[wplan] : urel == 5 ? PWS__NONE : f.tb[urel];
		uint32_t u = slot ? f.x : f.y, org;
		pws__ws *W = WS(f.m, f.w);
		pws__who c;

		if (f.n++ % stride)
			continue;
		USER(f.m, u)->team = uteam;
		USER(f.m, u)->team_role = (uint8_t)trole;
		USER(f.m, u)->pm = (uint8_t)upm;
		W->team = f.ta[wplan];
		W->vis = (uint8_t)vis;
		W->mode = (uint8_t)mode;
		W->model = (uint8_t)model;
		W->lc = (uint8_t)lc;
		W->request = (uint8_t)req;
		W->was_partner = (uint8_t)wasp;
		if (slot) {
			int s = slot - 1, o = s / 6;

			/* the owning team's group, the actor's team (another team
			 * when the actor has none), a third organization */
			org = o == 0 ? PWS__AUX_ORG_MAX
			      : o == 1 ? (uteam == PWS__NONE ? f.tb[1] : uteam) : f.tb[4] + 7;
			f.slot->aux = (uint32_t)(s % 3 + PWS_ROLE_VIEWER) | (uint32_t)(s / 3 % 2) << 2 |
			              org << 3;
		}
		pws__who_init(&c, f.m, u, f.w);
		for (a = 1; a < PWS_ACT_COUNT; a++)
			/* DL1 counts the partners left: none, and an open invite */
			for (pinv = 0; pinv <= (a == PWS_ACT_CHANGE_VISIBILITY); pinv++) {
				W->n_pinv = (uint32_t)pinv;
				fd_one(&f, &c, u, a, want);
			}
		W->n_pinv = 0;
	}
	ck_assert_uint_ge(f.checked, f.n / stride * (PWS_ACT_COUNT - 1));
	/* the records were written behind the model's back: not freed through
	 * a path that reads them (team lists, groups) beyond what they were */
	USER(f.m, f.x)->team = f.ta[PWS_PLAN_ENTERPRISE];
	USER(f.m, f.y)->team = f.ta[PWS_PLAN_ENTERPRISE];
	WS(f.m, f.w)->team = f.ta[PWS_PLAN_ENTERPRISE];
	pws_policy_free(f.p);
}

START_TEST(decide_ws_agrees_with_decide_live_on_every_input)
{
	fd_enumerate(FD_AGREE, 1);
}
END_TEST

START_TEST(LC1_fast_deleted_and_pending_workspaces)
{
	fd_enumerate(FD_LC1, 5); /* one state in 5: the rule, not the agreement */
}
END_TEST

START_TEST(AC1_fast_owning_team_member_views)
{
	fd_enumerate(FD_AC1, 5); /* one state in 5: the rule, not the agreement */
}
END_TEST

START_TEST(INT1_fast_no_integration_in_partner_workspaces)
{
	fd_enumerate(FD_INT1, 5); /* one state in 5: the rule, not the agreement */
}
END_TEST

START_TEST(WS4_fast_membership_through_another_team)
{
	fd_enumerate(FD_WS4, 5); /* one state in 5: the rule, not the agreement */
}
END_TEST

/* --- the public API in random worlds ------------------------------------ */

static rw_world fr_x; /* tests/random-world.h */

static const char *const FU[] = { "u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7" };
static const char *const FE[] = { "u0@pub.io", "u1@pub.io", "u2@pub.io", "u3@pub.io",
                                  "u4@pa.io", "u5@pa.io", "u6@qb.io", "u7@qb.io" };
static const char *const FW[] = { "w0", "w1", "w2", "w3", "lw" };

/* Every (user, workspace, action): by id, by reference and in one batch
 * (the fast decision) as pws_allowed_actions (the generic one) says. */
static void fr_agree(pws_policy *p, int world, int step)
{
	enum { NU = 8, NW = 5, NA = PWS_ACT_COUNT - 1, N = NU * NW * NA };
	static const char *A[N], *W[N];
	static int act[N], al[N], ru[N], co[N];
	size_t u, w, i = 0;
	int a;

	for (u = 0; u < NU; u++)
		for (w = 0; w < NW; w++)
			for (a = 1; a < PWS_ACT_COUNT; a++, i++) {
				A[i] = FU[u];
				W[i] = FW[w];
				act[i] = a;
			}
	OK(pws_check_batch(p, al, ru, co, N, A, act, W, NULL));
	for (i = 0, u = 0; u < NU; u++)
		for (w = 0; w < NW; w++) {
			uint64_t mask = 0;
			pws_ref rfu, rfw;
			int rc = pws_allowed_actions(p, &mask, FU[u], FW[w], NULL), rr;

			rr = rc ? rc : pws_ref_user(p, &rfu, FU[u]);
			rr = rr ? rr : pws_ref_workspace(p, &rfw, FW[w]);
			for (a = 1; a < PWS_ACT_COUNT; a++, i++) {
				int a1 = -1, r1 = -1, a2 = -1, r2 = -1;

				ck_assert_int_eq(pws_check(p, &a1, &r1, FU[u], a, FW[w], NULL), rc);
				ck_assert_int_eq(co[i], rc);
				if (rc)
					continue;
				ck_assert_int_eq(rr, PWS_OK);
				ck_assert_int_eq(pws_check_ref(p, &a2, &r2, rfu, a, rfw, PWS_REF_NONE),
				                 PWS_OK);
				ck_assert_msg(a1 == (int)((mask >> a) & 1) && a1 == a2 && a1 == al[i] &&
				              r1 == r2 && r1 == ru[i],
				              "world %d step %d: %s action %d on %s: generic %d, by id %d "
				              "(%s), by reference %d (%s), in a batch %d (%s)", world, step,
				              FU[u], a, FW[w], (int)((mask >> a) & 1), a1, pws_rule_id(r1),
				              a2, pws_rule_id(r2), al[i], pws_rule_id(ru[i]));
			}
		}
}

START_TEST(fast_checks_agree_with_allowed_actions_in_random_worlds)
{
	const char *env = getenv("PWS_HOT_WORLDS"); /* check-valgrind runs fewer */
	int world, step, worlds = env ? atoi(env) : 20;

	for (world = 0; world < worlds; world++) {
		pws_policy *p;
		int i;

		fr_x.state = 0x9e3779b97f4a7c15ULL * (uint64_t)(world + 1);
		for (i = 0; i < 8; i++) {
			fr_x.u[i] = FU[i];
			fr_x.e[i] = FE[i];
		}
		for (i = 0; i < 5; i++)
			fr_x.w[i] = FW[i];
		ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
		rw_setup(p, &fr_x);
		fr_agree(p, world, -1);
		for (step = 0; step < 60; step++) {
			rw_step(p, &fr_x);
			fr_agree(p, world, step);
		}
		pws_policy_free(p);
	}
}
END_TEST

Suite *pws_decide_fast_suite(void)
{
	Suite *s = suite_create("decide_fast");
	TCase *tc = tcase_create("decide_fast");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, decide_ws_agrees_with_decide_live_on_every_input);
	tcase_add_test(tc, LC1_fast_deleted_and_pending_workspaces);
	tcase_add_test(tc, AC1_fast_owning_team_member_views);
	tcase_add_test(tc, INT1_fast_no_integration_in_partner_workspaces);
	tcase_add_test(tc, WS4_fast_membership_through_another_team);
	tcase_add_test(tc, fast_checks_agree_with_allowed_actions_in_random_worlds);
	suite_add_tcase(s, tc);
	return s;
}
