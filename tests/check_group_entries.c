/*
 * A group's entries carry a copy of each membership's role and lead flag
 * (lib/model.h pws__ge_*: 29 bits of user index, 2 of role, 1 of lead), so
 * member listings read no membership slot (RO1-RO5 change roles and lead
 * flags, VI1/VI2 list them). The slot in model.member_of stays
 * authoritative. These tests fail as soon as one entry's copy disagrees
 * with its slot, or a listing's role or lead with the slot's, after random
 * sequences of invites, accepts, role changes, lead toggles, removals,
 * team moves, partner ends, user removals, multi-partner switches and
 * migrations, and after every way back in: the call log's replay, a state
 * image (pws_compact, then reopen), a snapshot import, a bulk load.
 * Also: the 29-bit user index limit (PWS__USERS_MAX) is refused clearly.
 * White-box: the model is reached through lib/core.h.
 * SPDX-License-Identifier: MIT
 */
/* pthread_rwlock_t in lib/core.h */
#define _DEFAULT_SOURCE 1
#include "test-world.h"
#include "mem-store.h"
#include "../lib/core.h"
#include "../lib/image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the in-memory store (tests/mem-store.h: replay and state images) ----- */

static pws_policy_options g_options(mem_store *s, pws_storage_ops *ops)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;

	*ops = mem_store_ops(s);
	o.storage = ops;
	return o;
}

static pws_policy *g_open(mem_store *s)
{
	pws_policy *p = NULL;

	ck_assert_int_eq(mem_store_open(s, NULL, &p), PWS_OK);
	return p;
}

/* --- the consistency checks ------------------------------------------------- */

/* Every group entry's role and lead equal its slot's, every slot has one
 * entry, and every row of the publisher's and of a partner's member view
 * of every workspace shows the slot's role and lead. */
static void consistent(pws_policy *p, const char *what, int step)
{
	const pws__model *m = &p->m;
	uint32_t w, g, k, x;

	ck_assert_msg(pws__groups_consistent(m), "%s, step %d: a group entry disagrees with its slot",
	              what, step);
	for (w = 0; w < m->wss.n; w++) {
		const pws__ws *W = WS(m, w);
		const char *viewers[2] = { "pm", NULL };
		int v;

		if (W->lc == PWS_LC_DELETED)
			continue;
		PWS__EACH_MEMBER(m, W, g, k, x) {
			const pws__memb *s = pws__mslot(m, w, x);

			/* the entry, read as the listing reads it */
			ck_assert_ptr_nonnull(s);
			ck_assert_uint_eq(pws__aux_role(pws__ge_aux(GROUP(m, W->groups.v[g])->list.v[k])),
			                  pws__aux_role(s->aux));
			ck_assert_uint_eq(pws__aux_lead(pws__ge_aux(GROUP(m, W->groups.v[g])->list.v[k])),
			                  pws__aux_lead(s->aux));
			if (!viewers[1] && GROUP(m, W->groups.v[g])->key != PWS__GRP_TEAM &&
			    pws__member_effective(m, w, x))
				viewers[1] = USER(m, x)->id;
		}
		for (v = 0; v < 2 && viewers[v]; v++) {
			pws_iter *it = NULL;

			if (pws_list_members(&it, p, viewers[v], W->id) != PWS_OK)
				continue; /* e.g. pm is no longer allowed to view */
			while (pws_iter_next(it) == PWS_OK) {
				uint32_t u = pws__user_find(m, pws_iter_str(it, PWS_COL_ID));

				ck_assert_uint_ne(u, PWS__NONE);
				ck_assert_msg(pws_iter_int(it, PWS_COL_ROLE) == (int64_t)pws__mrole(m, w, u) &&
				              pws_iter_int(it, PWS_COL_LEAD) == (int64_t)pws__mlead(m, w, u),
				              "%s, step %d: %s's row in %s's view of %s shows role %d lead %d, "
				              "the membership role %u lead %u", what, step, USER(m, u)->id,
				              viewers[v], W->id, (int)pws_iter_int(it, PWS_COL_ROLE),
				              (int)pws_iter_int(it, PWS_COL_LEAD), pws__mrole(m, w, u),
				              pws__mlead(m, w, u));
			}
			pws_iter_free(it);
		}
	}
}

/* --- random operation sequences -------------------------------------------- */

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

#define N_WS 4
#define N_PER 6 /* extra users per team: groups big enough for moves to matter */
static const char *const TEAMS[] = { "pub", "acme", "globex", "initech" };
static const char *const DOMS[] = { "pub.com", "acme.com", "globex.com", "initech.com" };

static void user_of(char *id, size_t n, uint32_t i)
{
	snprintf(id, n, "x%u_%u", i / N_PER, i % N_PER);
}

static void grow_world(pws_policy *p)
{
	char id[32], em[64], ws[16];
	uint32_t i;

	for (i = 0; i < 4 * N_PER; i++) {
		user_of(id, sizeof id, i);
		snprintf(em, sizeof em, "%s@%s", id, DOMS[i / N_PER]);
		OK(pws_user_add(p, id, em, TEAMS[i / N_PER], PWS_TEAM_MEMBER, 0, RES));
	}
	for (i = 0; i < N_WS; i++) {
		snprintf(ws, sizeof ws, "gw%u", i);
		OK(pws_workspace_create(p, "pm", ws, ws, PWS_VIS_PARTNER, NULL, RES));
	}
}

/* One random operation; its outcome does not matter (refusals included),
 * only that the entries keep up with the slots. */
static void random_op(pws_policy *p)
{
	static const char *const ACTORS[] = { "pm", "admin", "owner", "a1", "dev" };
	static const int ROLES[] = { PWS_ROLE_VIEWER, PWS_ROLE_EDITOR, PWS_ROLE_ADMIN };
	char id[32], em[64], ws[16];
	uint32_t u = rnd(4 * N_PER), t;
	const char *actor = ACTORS[rnd(5)];

	user_of(id, sizeof id, u);
	snprintf(em, sizeof em, "%s@%s", id, DOMS[u / N_PER]);
	snprintf(ws, sizeof ws, "gw%u", rnd(N_WS));
	switch (rnd(12)) {
	case 0:
	case 1:
	case 2:
		(void)pws_invite(p, "pm", ws, em, u < N_PER ? PWS_INVITE_MEMBER : PWS_INVITE_PARTNER,
		                 ROLES[rnd(u < N_PER ? 3 : 2)], (int)rnd(2), RES);
		(void)pws_invite_accept(p, id, ws, NULL, RES);
		break;
	case 3:
	case 4:
		(void)pws_member_set_role(p, actor, ws, id, ROLES[rnd(3)], RES);
		break;
	case 5:
	case 6:
		(void)pws_member_set_lead(p, actor, ws, id, (int)rnd(2), RES);
		break;
	case 7:
		(void)pws_member_remove(p, actor, ws, id, RES);
		break;
	case 8: /* a move: a partner joins another team, or the publisher's */
		t = rnd(4);
		(void)pws_user_set_team(p, id, TEAMS[t], PWS_TEAM_MEMBER, RES);
		break;
	case 9:
		(void)pws_workspace_enable_multi_partner(p, "pm", ws, RES);
		break;
	case 10:
		if (rnd(4) == 0)
			(void)pws_partner_end(p, "pm", "pub", id, RES);
		else
			(void)pws_workspace_migrate(p, "pm", ws, RES);
		break;
	default:
		if (rnd(6) == 0) { /* rare: the user goes, and comes back */
			(void)pws_user_remove(p, id, RES);
			(void)pws_user_add(p, id, em, TEAMS[u / N_PER], PWS_TEAM_MEMBER, 0, RES);
		} else {
			(void)pws_member_set_role(p, "pm", ws, id, ROLES[rnd(2)], RES);
			(void)pws_member_set_lead(p, "pm", ws, id, (int)rnd(2), RES);
		}
		break;
	}
}

/* RO2-RO5 change roles and leads, VI1/VI2 list them: after every step of
 * random sequences, the entries agree with the slots. */
START_TEST(RO_VI_group_entries_follow_role_and_lead_changes)
{
	int seed;

	for (seed = 1; seed <= 12; seed++) {
		pws_policy *p = tw_world();
		int i;

		rng = 0x9E3779B97F4A7C15ULL * (uint64_t)seed + 1;
		grow_world(p);
		consistent(p, "world", 0);
		for (i = 0; i < 300; i++) {
			random_op(p);
			consistent(p, "random sequence", i);
		}
		pws_policy_free(p);
	}
}
END_TEST

/* The same after the ways back in: the call log replayed on reopen, a
 * state image (compaction), more calls on top of it, a snapshot import. */
START_TEST(RO_VI_group_entries_after_replay_image_and_import)
{
	int seed;

	for (seed = 1; seed <= 4; seed++) {
		mem_store s;
		pws_storage_ops ops;
		pws_policy_options o;
		pws_policy *p, *q, *c;
		char *json = NULL;
		size_t len = 0;
		int i;

		memset(&s, 0, sizeof s);
		o = g_options(&s, &ops);
		rng = 0xD1B54A32D192ED03ULL * (uint64_t)seed + 7;
		p = tw_world_with(&o);
		grow_world(p);
		for (i = 0; i < 200; i++)
			random_op(p);
		consistent(p, "written", i);
		q = g_open(&s); /* replays the calls */
		consistent(q, "replayed", i);
		ck_assert_uint_eq(pws__model_digest(&p->m), pws__model_digest(&q->m));
		pws_policy_free(q);
		OK(pws_compact(p, RES));
		q = g_open(&s); /* loads the image */
		consistent(q, "image", i);
		ck_assert_uint_eq(pws__model_digest(&p->m), pws__model_digest(&q->m));
		for (i = 0; i < 100; i++) { /* calls on top of the image */
			random_op(q);
			consistent(q, "after the image", i);
		}
		pws_policy_free(p);
		p = g_open(&s); /* image + replay */
		consistent(p, "image and replay", i);
		ck_assert_uint_eq(pws__model_digest(&p->m), pws__model_digest(&q->m));
		ck_assert_int_eq(pws_snapshot_export(q, &json, &len), PWS_OK);
		ck_assert_int_eq(pws_policy_new(&c, NULL), PWS_OK);
		OK(pws_snapshot_import(c, json, len, RES));
		consistent(c, "imported", i);
		ck_assert_uint_eq(pws__model_digest(&c->m), pws__model_digest(&q->m));
		pws_snapshot_free(q, json);
		pws_policy_free(c);
		pws_policy_free(p);
		pws_policy_free(q);
		mem_store_clear(&s);
	}
}
END_TEST

/* The consistency check and the digest see a disagreeing entry: its
 * role or lead flipped, its user not a member, an entry missing. */
START_TEST(RO_VI_group_entries_disagreement_shows)
{
	pws_policy *p = tw_world();
	pws__model *m = &p->m;
	uint32_t w = pws__ws_find(m, "pw"), g, e, n, x;
	uint64_t d;
	pws__ids *l;

	ck_assert(pws__groups_consistent(m));
	d = pws__model_digest(m);
	/* a1: partner Editor and Partner Lead of acme in pw */
	x = pws__user_find(m, "a1");
	g = pws__umap_get(&m->group_of, pws__pair(w, pws__morg(m, w, x)));
	l = &GROUP(m, g)->list;
	ck_assert_uint_eq(pws__ge_user(l->v[0]), x);
	e = l->v[0];
	ck_assert_uint_eq(pws__aux_role(pws__ge_aux(e)), PWS_ROLE_EDITOR);
	ck_assert_uint_eq(pws__aux_lead(pws__ge_aux(e)), 1);
	l->v[0] = pws__ge_make(x, PWS_ROLE_EDITOR); /* the lead flag lost */
	ck_assert(!pws__groups_consistent(m));
	ck_assert_uint_ne(pws__model_digest(m), d);
	l->v[0] = pws__ge_make(x, PWS_ROLE_VIEWER | 4u); /* the role */
	ck_assert(!pws__groups_consistent(m));
	ck_assert_uint_ne(pws__model_digest(m), d);
	l->v[0] = pws__ge_make(pws__user_find(m, "solo"), pws__ge_aux(e)); /* no member */
	ck_assert(!pws__groups_consistent(m));
	l->v[0] = e;
	ck_assert(pws__groups_consistent(m));
	ck_assert_uint_eq(pws__model_digest(m), d);
	/* an entry in the wrong group: a1's in the team group of pw */
	g = pws__umap_get(&m->group_of, pws__pair(w, PWS__GRP_TEAM));
	l = &GROUP(m, g)->list;
	n = l->v[0];
	l->v[0] = e;
	ck_assert(!pws__groups_consistent(m));
	l->v[0] = n;
	/* an entry missing */
	l->n--;
	ck_assert(!pws__groups_consistent(m));
	l->n++;
	ck_assert(pws__groups_consistent(m));
	pws_policy_free(p);
}
END_TEST

/* A bulk load's memberships carry their roles and lead flags in the
 * entries from the start. */
START_TEST(RO_VI_group_entries_of_a_bulk_load)
{
	static const char teams[] = PWS_TEST_TEAMS_ACME_GLOBEX;
	pws_load_user u[5] = { { "pm", "pm@acme.com", "acme", PWS_TEAM_ADMIN, 1 },
	                       { "ann", "ann@acme.com", "acme", PWS_TEAM_MEMBER, 0 },
	                       { "g1", "g1@glx.com", "glx", PWS_TEAM_MEMBER, 0 },
	                       { "g2", "g2@glx.com", "glx", PWS_TEAM_MEMBER, 0 },
	                       { "g3", "g3@glx.com", "glx", PWS_TEAM_MEMBER, 0 } };
	pws_load_workspace w[1] = { { "hub", "Hub", "acme", PWS_VIS_PARTNER, 0, 0 } };
	pws_load_membership m[5] = { { 0, 0, NULL, PWS_ROLE_ADMIN, 0 },
	                             { 0, 1, NULL, PWS_ROLE_VIEWER, 0 },
	                             { 0, 2, "glx", PWS_ROLE_EDITOR, 1 },
	                             { 0, 3, "glx", PWS_ROLE_VIEWER, 1 },
	                             { 0, 4, "glx", PWS_ROLE_VIEWER, 0 } };
	pws_load l = { PWS_LOAD_VERSION, teams, sizeof teams - 1, u, 5, w, 1, m, 5 };
	pws_policy *p;
	uint32_t hub, g3;

	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	OK(pws_load_state(p, &l, RES));
	consistent(p, "loaded", 0);
	hub = pws__ws_find(&p->m, "hub");
	g3 = pws__user_find(&p->m, "g3");
	ck_assert_uint_eq(pws__mlead(&p->m, hub, pws__user_find(&p->m, "g2")), 1);
	OK(pws_member_set_lead(p, "pm", "hub", "g3", 1, RES));
	OK(pws_member_set_role(p, "pm", "hub", "g2", PWS_ROLE_EDITOR, RES));
	OK(pws_member_set_lead(p, "pm", "hub", "g1", 0, RES));
	consistent(p, "changed", 1);
	ck_assert_uint_eq(pws__mlead(&p->m, hub, g3), 1);
	pws_policy_free(p);
}
END_TEST

/* A group entry holds 29 bits of user index: a handle refuses the user
 * past PWS__USERS_MAX (removed users keep their index) with a clear
 * error, and nothing changes. The count is faked (no 2^29 users made). */
START_TEST(RO_VI_user_index_limit_refused)
{
	pws_policy *p = tw_world();
	uint32_t n = p->m.users.n;
	uint64_t d = tw_digest(p);
	int rc;

	ck_assert_uint_eq(PWS__USERS_MAX, (1u << 29) - 1u);
	/* the largest index fits an entry and round-trips with any role and lead */
	ck_assert_uint_eq(pws__ge_user(pws__ge_make(PWS__USERS_MAX - 1u, 7u)), PWS__USERS_MAX - 1u);
	ck_assert_uint_eq(pws__ge_aux(pws__ge_make(PWS__USERS_MAX - 1u, 7u)), 7u);
	ck_assert_uint_ne(pws__ge_make(PWS__USERS_MAX - 1u, 7u), PWS__NONE);
	p->m.users.n = PWS__USERS_MAX;
	rc = pws_user_add(p, "late", "late@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES);
	p->m.users.n = n;
	ck_assert_int_eq(rc, PWS_ENOMEM);
	ck_assert_msg(strstr(tw_res.message, "at most 536870911 users") != NULL, "%s", tw_res.message);
	ck_assert_uint_eq(tw_digest(p), d);
	ck_assert_uint_eq(pws__user_find(&p->m, "late"), PWS__NONE);
	/* one below the limit is still taken */
	p->m.users.n = PWS__USERS_MAX - 1u;
	ck_assert(PWS__USERS_ROOM(&p->m, 1));
	ck_assert(!PWS__USERS_ROOM(&p->m, 2));
	p->m.users.n = n;
	OK(pws_user_add(p, "late", "late@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	pws_policy_free(p);
}
END_TEST

/* A state image (pws_compact, pws_load_state) saying it holds 2^29 users
 * is refused by its count, before anything is reserved for them. */
START_TEST(RO_VI_user_index_limit_refused_in_an_image)
{
	static const char json[] = "{\"format\": 1}";
	unsigned char bin[12] = { 0 };
	uint32_t n = PWS__USERS_MAX + 1u, v = PWS__IMAGE_VERSION;
	pws_policy *p;
	uint64_t d;
	int rc, i;

	memcpy(bin, PWS__IMAGE_MAGIC, 4);
	for (i = 0; i < 4; i++) { /* little-endian */
		bin[4 + i] = (unsigned char)(v >> (8 * i));
		bin[8 + i] = (unsigned char)(n >> (8 * i));
	}
	p = tw_world();
	d = tw_digest(p);
	rc = pws__image_load(p, json, sizeof json - 1, bin, sizeof bin, RES);
	ck_assert_int_eq(rc, PWS_EINVALID);
	ck_assert_msg(strstr(tw_res.message, "536870912 users, over the limit of 536870911") != NULL,
	              "%s", tw_res.message);
	ck_assert_uint_eq(tw_digest(p), d);
	/* one user fewer is refused only as truncated */
	n = PWS__USERS_MAX;
	for (i = 0; i < 4; i++)
		bin[8 + i] = (unsigned char)(n >> (8 * i));
	rc = pws__image_load(p, json, sizeof json - 1, bin, sizeof bin, RES);
	ck_assert_int_eq(rc, PWS_EINVALID);
	ck_assert_msg(strstr(tw_res.message, "truncated") != NULL, "%s", tw_res.message);
	ck_assert_uint_eq(tw_digest(p), d);
	pws_policy_free(p);
}
END_TEST

/* A bulk load of 2^29 users is refused by its count, before its arrays are
 * read (the count is faked: the array holds one user). */
START_TEST(RO_VI_user_index_limit_refused_in_a_bulk_load)
{
	pws_load_user u[1] = { { "x", "x@x.com", NULL, 0, 0 } };
	pws_load l = { PWS_LOAD_VERSION, NULL, 0, u, (size_t)PWS__USERS_MAX + 1u, NULL, 0, NULL, 0 };
	pws_policy *p;
	uint64_t d;

	p = tw_world();
	d = tw_digest(p);
	ck_assert_int_eq(pws_load_state(p, &l, RES), PWS_EINVALID);
	ck_assert_str_eq(tw_res.message,
	                 "users: 536870912 users, over the limit of 536870911 a handle holds");
	ck_assert_uint_eq(tw_digest(p), d);
	/* with its real count, the same load is made */
	l.n_users = 1;
	ck_assert_int_eq(pws_load_state(p, &l, RES), PWS_OK);
	pws_policy_free(p);
}
END_TEST

/* pws__group_prepare's hint (model.grp_hint, the group last prepared)
 * gives group_of's answer: another key of the same workspace, the hinted
 * group rolled back and another key's group made at its index, a hint
 * past the groups. */
START_TEST(group_hint_answers_as_group_of)
{
	pws_policy *p;
	pws__model *m;
	uint32_t w, g5, g6, g7, n;

	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "pub", "pub.com", RES));
	OK(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	OK(pws_workspace_create(p, "pm", "w", "w", PWS_VIS_PARTNER, NULL, RES));
	m = &p->m;
	w = pws__ws_find(m, "w");
	g5 = pws__group_prepare(&p->mem, m, w, 5);
	g6 = pws__group_prepare(&p->mem, m, w, 6);
	ck_assert_uint_ne(g5, g6);
	ck_assert_uint_eq(pws__group_prepare(&p->mem, m, w, 5), g5); /* hint: g6 */
	ck_assert_uint_eq(pws__group_prepare(&p->mem, m, w, 6), g6);
	/* g6 rolled back; key 7's group takes its index (the hint's) */
	n = m->groups.n;
	pws__groups_rollback(&p->mem, m, n - 1);
	g7 = pws__group_prepare(&p->mem, m, w, 7);
	ck_assert_uint_eq(g7, g6);
	ck_assert_uint_eq(GROUP(m, g7)->key, 7);
	m->grp_hint = g7;
	g6 = pws__group_prepare(&p->mem, m, w, 6);
	ck_assert_uint_ne(g6, g7);
	ck_assert_uint_eq(GROUP(m, g6)->key, 6);
	ck_assert_uint_eq(pws__umap_get(&m->group_of, pws__pair(w, 6)), g6);
	m->grp_hint = m->groups.n + 100;
	ck_assert_uint_eq(pws__group_prepare(&p->mem, m, w, 5), g5);
	pws_policy_free(p);
}
END_TEST

Suite *pws_group_entries_suite(void)
{
	Suite *s = suite_create("group_entries");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, RO_VI_group_entries_follow_role_and_lead_changes);
	tcase_add_test(tc, RO_VI_group_entries_after_replay_image_and_import);
	tcase_add_test(tc, RO_VI_group_entries_of_a_bulk_load);
	tcase_add_test(tc, RO_VI_group_entries_disagreement_shows);
	tcase_add_test(tc, RO_VI_user_index_limit_refused);
	tcase_add_test(tc, group_hint_answers_as_group_of);
	tcase_add_test(tc, RO_VI_user_index_limit_refused_in_an_image);
	tcase_add_test(tc, RO_VI_user_index_limit_refused_in_a_bulk_load);
	suite_add_tcase(s, tc);
	return s;
}
