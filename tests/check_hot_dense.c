/*
 * The dense copy of the users' hot words (model.uhot: 4 bytes a user, the
 * user's team, team role and Partner Manager flag as pws__uhot32_of packs
 * them, 0 once removed), which pws_check_ref reads instead of the user's
 * 64-byte record. It must follow every write of those fields and every
 * removal, by every way a state comes in: the API, the call log's replay,
 * a state image (compaction, then reopen), a snapshot import, a bulk load.
 * After each: every word equals its record's (white-box, through
 * lib/core.h), and every (user, action, workspace) decided by reference
 * equals the same check by id strings (which read the other copy, the id
 * slot's payload) on the same handle and on a fresh handle made from its
 * snapshot. A removed user's old reference is refused as stale.
 * SPDX-License-Identifier: MIT
 */
/* pthread_rwlock_t in lib/core.h */
#define _DEFAULT_SOURCE 1
#include "test-world.h"
#include "mem-store.h"
#include "../lib/core.h"

#include <stdio.h>
#include <string.h>

static uint32_t word_of(const pws__model *m, uint32_t u)
{
	return ((const uint32_t *)m->uhot.v)[u];
}

/* Every user's dense word is its record's, 0 for a removed one. */
static void dense_ok(const pws_policy *p, const char *what)
{
	const pws__model *m = &p->m;
	uint32_t i;

	ck_assert_msg(m->uhot.n == m->users.n, "%s: %u dense words for %u users", what, m->uhot.n,
	              m->users.n);
	for (i = 0; i < m->users.n; i++) {
		const pws__user *U = USER(m, i);

		ck_assert_msg(word_of(m, i) == (U->alive ? pws__uhot32_of(U) : 0),
		              "%s: the dense hot word of user %u ('%s', %s) is %#x, its record's %#x",
		              what, i, U->id, U->alive ? "alive" : "removed", word_of(m, i),
		              U->alive ? pws__uhot32_of(U) : 0);
		if (U->alive) /* packed and unpacked, the record's word */
			ck_assert_uint_eq(pws__uhot_unpack(word_of(m, i)), pws__uhot_of(U));
	}
}

/* Every live user x every workspace x every action: by reference on p ==
 * by id on p == by id on f (a fresh handle made from p's snapshot). */
static void agree(pws_policy *p, const char *what)
{
	const pws__model *m = &p->m;
	pws_policy *f = NULL;
	char *json = NULL;
	size_t len = 0, n = 0;
	uint32_t u, w;
	int a;

	ck_assert_int_eq(pws_snapshot_export(p, &json, &len), PWS_OK);
	ck_assert_int_eq(pws_policy_new(&f, NULL), PWS_OK);
	ck_assert_int_eq(pws_snapshot_import(f, json, len, NULL), PWS_OK);
	pws_snapshot_free(p, json);
	dense_ok(f, what);
	for (u = 0; u < m->users.n; u++) {
		const char *uid = USER(m, u)->id;
		pws_ref ru;

		if (!USER(m, u)->alive)
			continue;
		ck_assert_int_eq(pws_ref_user(p, &ru, uid), PWS_OK);
		for (w = 0; w < m->wss.n; w++) {
			const char *wid = WS(m, w)->id;
			pws_ref rw;

			if (pws_ref_workspace(p, &rw, wid) != PWS_OK)
				continue;
			for (a = 1; a < PWS_ACT_COUNT; a++) {
				int a1 = -1, r1 = -1, a2 = -2, r2 = -2, a3 = -3, r3 = -3;
				int c1 = pws_check(p, &a1, &r1, uid, a, wid, NULL);
				int c2 = pws_check_ref(p, &a2, &r2, ru, a, rw, PWS_REF_NONE);
				int c3 = pws_check(f, &a3, &r3, uid, a, wid, NULL);

				ck_assert_msg(c1 == c2 && c1 == c3 && a1 == a2 && a1 == a3 && r1 == r2 &&
				              r1 == r3,
				              "%s: %s action %d on %s: by id %d %d (%s), by reference %d "
				              "%d (%s), fresh handle by id %d %d (%s)", what, uid, a, wid, c1,
				              a1, pws_rule_id(r1), c2, a2, pws_rule_id(r2), c3, a3,
				              pws_rule_id(r3));
				n++;
			}
		}
	}
	ck_assert_uint_gt(n, 100);
	pws_policy_free(f);
}

/* A removed user's reference, taken before, is refused as stale. */
static void stale_refused(const pws_policy *p, pws_ref ru, pws_ref rw, const char *what)
{
	int a = -1, r = -1;

	ck_assert_msg(pws_check_ref(p, &a, &r, ru, PWS_ACT_VIEW, rw, PWS_REF_NONE) ==
	                      PWS_ENOTFOUND && a == 0 && r == PWS_RULE_NONE,
	              "%s: a removed user's reference answered", what);
}

/* Every field of a user's word changed through the API, users removed
 * (one who wrote history, so that an image holds a removed author), one
 * removed and added again. */
static void change_everything(pws_policy *p)
{
	OK(pws_user_set_team_role(p, "dev", PWS_TEAM_ADMIN, RES));       /* team role */
	OK(pws_user_set_partner_manager(p, "admin", 1, RES));            /* PM flag */
	OK(pws_user_set_partner_manager(p, "pm", 0, RES));
	OK(pws_user_set_team(p, "a2", "pub", PWS_TEAM_MEMBER, RES));     /* team */
	OK(pws_user_set_team(p, "solo", "globex", PWS_TEAM_ADMIN, RES)); /* from none */
	OK(pws_user_set_team(p, "i1", NULL, 0, RES));                    /* to none */
	OK(pws_user_set_team(p, "owner", "pub", PWS_TEAM_MEMBER, RES));  /* same team, role */
	OK(pws_history_add(p, "dev2", "team-ws", "h-dev2", "ran it", 1000, RES));
	OK(pws_user_remove(p, "dev2", RES));
	OK(pws_user_remove(p, "g1", RES));
	OK(pws_user_add(p, "g1", "g1@globex.com", "globex", PWS_TEAM_ADMIN, 0, RES));
	OK(pws_invite(p, "pm", "pw", "g1@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite_accept(p, "g1", "pw", NULL, RES));
}

static pws_policy *open_store(mem_store *s)
{
	pws_policy *p = NULL;

	ck_assert_int_eq(mem_store_open(s, NULL, &p), PWS_OK);
	return p;
}

/* Through the API, then the call log replayed, a state image, more calls
 * on top of the image, image + replay, and a snapshot import. */
START_TEST(hot_dense_words_follow_the_api_replay_image_and_import)
{
	mem_store s;
	pws_storage_ops ops;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_policy *p, *q;
	pws_ref r_dev2, r_g1, r_pw;

	memset(&s, 0, sizeof s);
	ops = mem_store_ops(&s);
	o.storage = &ops;
	p = tw_world_with(&o);
	dense_ok(p, "world");
	OK(pws_ref_user(p, &r_dev2, "dev2"));
	OK(pws_ref_user(p, &r_g1, "g1"));
	OK(pws_ref_workspace(p, &r_pw, "pw"));
	change_everything(p);
	dense_ok(p, "api");
	stale_refused(p, r_dev2, r_pw, "api, removed");
	stale_refused(p, r_g1, r_pw, "api, removed and added again");
	agree(p, "api");

	q = open_store(&s); /* replays every call */
	dense_ok(q, "replay");
	agree(q, "replay");
	ck_assert_uint_eq(pws__model_digest(&p->m), pws__model_digest(&q->m));
	pws_policy_free(q);

	OK(pws_compact(p, RES));
	q = open_store(&s); /* the state image */
	dense_ok(q, "image");
	agree(q, "image");
	ck_assert_uint_eq(pws__model_digest(&p->m), pws__model_digest(&q->m));
	/* calls on top of the image: every field again, the other way */
	OK(pws_user_set_team_role(q, "dev", PWS_TEAM_MEMBER, RES));
	OK(pws_user_set_partner_manager(q, "pm", 1, RES));
	OK(pws_user_set_team(q, "a2", "acme", PWS_TEAM_MEMBER, RES));
	OK(pws_user_remove(q, "a3", RES));
	dense_ok(q, "after the image");
	agree(q, "after the image");
	pws_policy_free(p);
	p = open_store(&s); /* image + replay */
	dense_ok(p, "image and replay");
	agree(p, "image and replay");
	ck_assert_uint_eq(pws__model_digest(&p->m), pws__model_digest(&q->m));
	pws_policy_free(p);
	pws_policy_free(q);
	mem_store_clear(&s);
}
END_TEST

/* A bulk load writes every user's word (team roles, Partner Managers, a
 * user with no team), and calls on the loaded handle keep them. */
START_TEST(hot_dense_words_of_a_bulk_load)
{
	static const char teams[] = PWS_TEST_TEAMS_ACME_GLOBEX;
	pws_load_user u[6] = { { "pm", "pm@acme.com", "acme", PWS_TEAM_ADMIN, 1 },
	                       { "ann", "ann@acme.com", "acme", PWS_TEAM_SUPER_ADMIN, 0 },
	                       { "bob", "bob@acme.com", "acme", PWS_TEAM_MEMBER, 0 },
	                       { "g1", "g1@glx.com", "glx", PWS_TEAM_MEMBER, 0 },
	                       { "g2", "g2@glx.com", "glx", PWS_TEAM_ADMIN, 0 },
	                       { "sol", "sol@gmail.com", NULL, 0, 0 } };
	pws_load_workspace w[2] = { { "hub", "Hub", "acme", PWS_VIS_PARTNER, 0, 0 },
	                            { "inner", "Inner", "acme", PWS_VIS_TEAM, 0, 0 } };
	pws_load_membership m[6] = { { 0, 0, NULL, PWS_ROLE_ADMIN, 0 },
	                             { 0, 2, NULL, PWS_ROLE_VIEWER, 0 },
	                             { 0, 3, "glx", PWS_ROLE_EDITOR, 1 },
	                             { 0, 4, "glx", PWS_ROLE_VIEWER, 0 },
	                             { 1, 1, NULL, PWS_ROLE_ADMIN, 0 },
	                             { 1, 2, NULL, PWS_ROLE_EDITOR, 0 } };
	pws_load l = { PWS_LOAD_VERSION, teams, sizeof teams - 1, u, 6, w, 2, m, 6 };
	pws_policy *p;
	pws_ref rb, rh;

	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	OK(pws_load_state(p, &l, RES));
	dense_ok(p, "bulk load");
	agree(p, "bulk load");
	OK(pws_ref_user(p, &rb, "bob"));
	OK(pws_ref_workspace(p, &rh, "hub"));
	OK(pws_user_set_team_role(p, "bob", PWS_TEAM_ADMIN, RES));
	OK(pws_user_set_partner_manager(p, "ann", 1, RES));
	OK(pws_user_set_team(p, "g1", "acme", PWS_TEAM_MEMBER, RES));
	OK(pws_user_remove(p, "bob", RES));
	dense_ok(p, "bulk load, then calls");
	stale_refused(p, rb, rh, "bulk load, removed");
	agree(p, "bulk load, then calls");
	pws_policy_free(p);
}
END_TEST

/* The digest covers the dense words: a live user's word out of date, a
 * removed user's word left set, a word missing (uhot.n) each change it,
 * and a check by reference then answers from the stale word, which is
 * what the digest exists to catch. */
START_TEST(hot_dense_word_out_of_date_shows_in_the_digest)
{
	pws_policy *p = tw_world();
	pws__model *m = &p->m;
	uint32_t dev = pws__user_find(m, "dev"), dev2 = pws__user_find(m, "dev2");
	uint32_t *v = (uint32_t *)m->uhot.v, keep;
	uint64_t d;
	pws_ref ru, rw;
	int a = -1, r;

	OK(pws_ref_user(p, &ru, "dev2"));
	OK(pws_ref_workspace(p, &rw, "team-ws"));
	d = pws__model_digest(m);
	keep = v[dev];
	v[dev] = keep ^ (1u << 30); /* a Partner Manager flag not written */
	ck_assert_uint_ne(pws__model_digest(m), d);
	v[dev] = keep;
	ck_assert_uint_eq(pws__model_digest(m), d);
	OK(pws_user_remove(p, "dev2", RES));
	d = pws__model_digest(m);
	ck_assert_uint_eq(v[dev2], 0);
	ck_assert_int_eq(pws_check_ref(p, &a, &r, ru, PWS_ACT_VIEW, rw, PWS_REF_NONE), PWS_ENOTFOUND);
	v[dev2] = pws__uhot32_of(USER(m, dev2)); /* the removal not written */
	ck_assert_uint_ne(pws__model_digest(m), d);
	ck_assert_int_eq(pws_check_ref(p, &a, &r, ru, PWS_ACT_VIEW, rw, PWS_REF_NONE), PWS_OK);
	v[dev2] = 0;
	ck_assert_uint_eq(pws__model_digest(m), d);
	m->uhot.n--; /* a user created without its word */
	ck_assert_uint_ne(pws__model_digest(m), d);
	m->uhot.n++;
	ck_assert_uint_eq(pws__model_digest(m), d);
	pws_policy_free(p);
}
END_TEST

/* A user's word packs the team index + 1 in 28 bits and the team role in
 * 2: a team index or a role that does not fit is stored as
 * PWS__UHOT32_RECORD, and a check by reference then reads the record and
 * decides as by id. (No handle holds 2^28 teams: the records are faked.) */
START_TEST(hot_dense_word_that_does_not_fit_is_read_from_the_record)
{
	pws_policy *p = tw_world();
	pws__model *m = &p->m;
	pws__user U;
	uint32_t i;

	memset(&U, 0, sizeof U);
	U.team = PWS__NONE;
	ck_assert_uint_eq(pws__uhot_unpack(pws__uhot32_of(&U)), pws__uhot_of(&U));
	U.team = PWS__UHOT32_TEAM - 2u; /* the last index that fits */
	U.team_role = PWS_TEAM_SUPER_ADMIN;
	U.pm = 1;
	ck_assert_uint_ne(pws__uhot32_of(&U), PWS__UHOT32_RECORD);
	ck_assert_uint_eq(pws__uhot_unpack(pws__uhot32_of(&U)), pws__uhot_of(&U));
	U.team++;
	ck_assert_uint_eq(pws__uhot32_of(&U), PWS__UHOT32_RECORD);
	U.team = 0;
	U.team_role = 4;
	ck_assert_uint_eq(pws__uhot32_of(&U), PWS__UHOT32_RECORD);
	/* every live user's word sent to its record: the same answers */
	for (i = 0; i < m->users.n; i++)
		if (USER(m, i)->alive)
			((uint32_t *)m->uhot.v)[i] = PWS__UHOT32_RECORD;
	agree(p, "words read from the records");
	pws_policy_free(p);
}
END_TEST

Suite *pws_hot_dense_suite(void)
{
	Suite *s = suite_create("hot_dense");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, hot_dense_words_follow_the_api_replay_image_and_import);
	tcase_add_test(tc, hot_dense_words_of_a_bulk_load);
	tcase_add_test(tc, hot_dense_word_out_of_date_shows_in_the_digest);
	tcase_add_test(tc, hot_dense_word_that_does_not_fit_is_read_from_the_record);
	suite_add_tcase(s, tc);
	return s;
}
