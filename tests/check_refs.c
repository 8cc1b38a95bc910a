/*
 * Resolved references: pws_check_ref agrees with pws_check, and stale or
 * mismatched references are refused.
 * SPDX-License-Identifier: MIT
 */
#include "test-world.h"

static const char *const users[] = { "owner", "admin", "pm", "dev", "dev2", "a1", "a2",
                                     "g1", "i1", "solo" };
static const char *const wss[] = { "pw", "team-ws" };

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
	ck_assert_int_eq(pws_check_ref(p, &a, &r, ru, PWS_ACT_VIEW, PWS_REF_NONE, PWS_REF_NONE),
	                 PWS_EINVALID);
	/* a reference of the wrong kind */
	ck_assert_int_eq(pws_check_ref(p, &a, &r, rw, PWS_ACT_VIEW, rw, PWS_REF_NONE), PWS_EINVALID);
	ck_assert_int_eq(pws_check_ref(p, &a, &r, ru, PWS_ACT_VIEW, ru, PWS_REF_NONE), PWS_EINVALID);
	ck_assert_int_eq(a, 0);
	/* an element that is not in that workspace */
	ck_assert_int_eq(pws_ref_workspace(p, &rold, "team-ws"), PWS_OK);
	ck_assert_int_eq(pws_check_ref(p, &a, &r, ru, PWS_ACT_VIEW, rold, re), PWS_EINVALID);
	/* a removed user: stale; re-added under the same id: a new reference */
	OK(pws_user_remove(p, "a1", RES));
	ck_assert_int_eq(pws_check_ref(p, &a, &r, ru, PWS_ACT_VIEW, rw, PWS_REF_NONE), PWS_ENOTFOUND);
	OK(pws_user_add(p, "a1", "a1@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	ck_assert_int_eq(pws_ref_user(p, &rnew, "a1"), PWS_OK);
	ck_assert(rnew != ru);
	ck_assert_int_eq(pws_check_ref(p, &a, &r, ru, PWS_ACT_VIEW, rw, PWS_REF_NONE), PWS_ENOTFOUND);
	ck_assert_int_eq(pws_check_ref(p, &a, &r, rnew, PWS_ACT_VIEW, rw, PWS_REF_NONE), PWS_OK);
	ck_assert_int_eq(a, 0); /* the new a1 is no member: WS1 */
	ck_assert_int_eq(r, PWS_RULE_WS1);
	/* the whole state replaced: every old reference is void */
	ck_assert_int_eq(pws_snapshot_export(p, &json, &len), PWS_OK);
	OK(pws_snapshot_import(p, json, len, RES));
	pws_snapshot_free(p, json);
	ck_assert_int_eq(pws_check_ref(p, &a, &r, rnew, PWS_ACT_VIEW, rw, PWS_REF_NONE),
	                 PWS_ENOTFOUND);
	ck_assert_int_eq(pws_ref_user(p, &ru, "dev"), PWS_OK);
	ck_assert_int_eq(pws_ref_workspace(p, &rw, "pw"), PWS_OK);
	ck_assert_int_eq(pws_check_ref(p, &a, &r, ru, PWS_ACT_EDIT, rw, PWS_REF_NONE), PWS_OK);
	ck_assert_int_eq(a, 1);
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

Suite *pws_refs_suite(void)
{
	Suite *s = suite_create("refs");
	TCase *tc = tcase_create("refs");

	tcase_add_test(tc, refs_agree_with_check);
	tcase_add_test(tc, refs_bad_and_stale);
	tcase_add_test(tc, refs_check_allocates_nothing);
	suite_add_tcase(s, tc);
	return s;
}
