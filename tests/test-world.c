/*
 * Helpers for building policy worlds in tests.
 * SPDX-License-Identifier: MIT
 */
#include "test-world.h"

#include <stdlib.h>
#include <string.h>

pws_result tw_res = PWS_RESULT_INIT;

pws_result *tw_res_reset(void)
{
	pws_result_init(&tw_res, PWS_RESULT_VERSION);
	return &tw_res;
}

int tw_can(pws_policy *p, const char *actor, int action, const char *ws,
           const char *el, int *rule)
{
	int allowed = -1, r = -1, rc;

	rc = pws_check(p, &allowed, &r, actor, action, ws, el);
	ck_assert_msg(rc == PWS_OK, "pws_check(%s, %s, %s, %s) -> %s", actor,
	              pws_action_name(action), ws ? ws : "-", el ? el : "-",
	              pws_strerror(rc));
	if (rule)
		*rule = r;
	return allowed;
}

uint64_t tw_digest(pws_policy *p)
{
	uint64_t d = 0;

	ck_assert_int_eq(pws_policy_digest(p, &d), PWS_OK);
	return d;
}

pws_policy *tw_world(void)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;

	o.allocator = tc_allocator();
	return tw_world_with(&o);
}

pws_policy *tw_world_with(const pws_policy_options *o)
{
	pws_policy *p = NULL;

	ck_assert_int_eq(pws_policy_new(&p, o), PWS_OK);
	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "pub", "pub.com", RES));
	OK(pws_user_add(p, "owner", "owner@pub.com", "pub", PWS_TEAM_SUPER_ADMIN, 0, RES));
	OK(pws_user_add(p, "admin", "admin@pub.com", "pub", PWS_TEAM_ADMIN, 0, RES));
	OK(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	OK(pws_user_add(p, "dev", "dev@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "dev2", "dev2@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));

	OK(pws_team_add(p, "acme", "Acme", PWS_PLAN_PROFESSIONAL, 1, RES));
	OK(pws_team_add_domain(p, "acme", "acme.com", RES));
	OK(pws_user_add(p, "a1", "a1@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "a2", "a2@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "a3", "a3@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));

	OK(pws_team_add(p, "globex", "Globex", PWS_PLAN_FREE, 0, RES));
	OK(pws_team_add_domain(p, "globex", "globex.com", RES));
	OK(pws_user_add(p, "g1", "g1@globex.com", "globex", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "g2", "g2@globex.com", "globex", PWS_TEAM_MEMBER, 0, RES));

	OK(pws_team_add(p, "initech", "Initech", PWS_PLAN_PROFESSIONAL, 0, RES));
	OK(pws_team_add_domain(p, "initech", "initech.com", RES));
	OK(pws_user_add(p, "i1", "i1@initech.com", "initech", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "solo", "solo@gmail.com", NULL, 0, 0, RES));

	OK(pws_workspace_create(p, "pm", "pw", "Partner WS", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_invite(p, "pm", "pw", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite_accept(p, "dev", "pw", NULL, RES));
	OK(pws_invite(p, "pm", "pw", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 1, RES));
	OK(pws_invite_accept(p, "a1", "pw", NULL, RES));
	OK(pws_invite(p, "pm", "pw", "g1@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "g1", "pw", NULL, RES));
	OK(pws_element_add(p, "dev", "pw", "col", PWS_EL_COLLECTION, 1000, NULL, RES));
	OK(pws_workspace_create(p, "dev2", "team-ws", "Team WS", PWS_VIS_TEAM, NULL, RES));
	return p;
}

/* --- state expectations shared by the rule suites ---------------------- */

void expect_member(pws_policy *p, const char *ws, const char *user, int role,
                          int lead, int partner)
{
	int r = -1, l = -1, pa = -1, rc;

	rc = pws_member_get(p, &r, &l, &pa, ws, user);
	ck_assert_msg(rc == PWS_OK, "%s is not a member of %s (%s)", user, ws, pws_strerror(rc));
	ck_assert_msg(r == role, "%s in %s: role %d, expected %d", user, ws, r, role);
	ck_assert_msg(l == lead, "%s in %s: lead %d, expected %d", user, ws, l, lead);
	ck_assert_msg(pa == partner, "%s in %s: is_partner %d, expected %d", user, ws, pa, partner);
}

void expect_not_member(pws_policy *p, const char *ws, const char *user)
{
	int rc = pws_member_get(p, NULL, NULL, NULL, ws, user);

	ck_assert_msg(rc == PWS_ENOTFOUND, "%s still counts as a member of %s (%s)", user, ws,
	              pws_strerror(rc));
}

void expect_suspended(pws_policy *p, const char *ws, const char *user, int role, int lead)
{
	int r = -1, l = -1, pa = -1, su = -1, rc;

	rc = pws_member_get(p, &r, &l, &pa, ws, user);
	ck_assert_msg(rc == PWS_ESTATE, "%s in %s: pws_member_get -> %s, expected suspended", user,
	              ws, pws_strerror(rc));
	rc = pws_member_status(p, &r, &l, &pa, &su, ws, user);
	ck_assert_msg(rc == PWS_OK, "%s in %s: pws_member_status -> %s", user, ws, pws_strerror(rc));
	ck_assert_msg(su == 1 && pa == 1, "%s in %s: suspended %d, is_partner %d", user, ws, su, pa);
	ck_assert_msg(r == role && l == lead, "%s in %s: role %d lead %d, expected %d %d", user, ws,
	              r, l, role, lead);
}

void expect_invite(pws_policy *p, const char *ws, const char *email, int kind, int role,
                          int lead)
{
	int k = -1, r = -1, l = -1, rc;

	rc = pws_invite_get(p, &k, &r, &l, ws, email);
	ck_assert_msg(rc == PWS_OK, "no open invite of %s to %s (%s)", email, ws, pws_strerror(rc));
	ck_assert_msg(k == kind, "invite %s/%s kind %d, expected %d", ws, email, k, kind);
	ck_assert_msg(r == role, "invite %s/%s role %d, expected %d", ws, email, r, role);
	ck_assert_msg(l == lead, "invite %s/%s lead %d, expected %d", ws, email, l, lead);
}

void expect_no_invite(pws_policy *p, const char *ws, const char *email)
{
	int rc = pws_invite_get(p, NULL, NULL, NULL, ws, email);

	ck_assert_msg(rc == PWS_ENOTFOUND, "open invite of %s to %s exists (%s)", email, ws,
	              pws_strerror(rc));
}

char *tw_snapshot_text(pws_policy *p)
{
	char *json = NULL, *copy;
	size_t len = 0;

	ck_assert_int_eq(pws_snapshot_export(p, &json, &len), PWS_OK);
	copy = malloc(len + 1);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, json, len + 1);
	pws_snapshot_free(p, json);
	return copy;
}
