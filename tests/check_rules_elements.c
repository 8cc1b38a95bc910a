/*
 * Rule tests for elements and workspace-level actions of POLICY.md §7:
 * AC1, ED1, MV1, MV2, RM1, FK1, PL3, DL1, DL2, MP1, INT1, DT1.
 * Every test is named after the rule it proves; denials assert the deciding
 * rule and that the state digest did not move.
 * SPDX-License-Identifier: MIT
 */
#include "test-events.h"

#include <stdio.h>
#include <string.h>

#define NOW ((int64_t)1700000000)
#define DAY ((int64_t)86400)
#define MB ((uint64_t)1024 * 1024)

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static const int ac1_actions[] = {
	PWS_ACT_VIEW, PWS_ACT_SEND_REQUEST, PWS_ACT_RUN, PWS_ACT_GENERATE_CODE,
	PWS_ACT_EXPORT
};
#define N_AC1 (sizeof ac1_actions / sizeof ac1_actions[0])

/* Invites @p email with @p kind/@p role (by @p inviter) and accepts as @p user. */
static void join(pws_policy *p, const char *inviter, const char *ws, const char *user,
                 const char *email, int kind, int role)
{
	OK(pws_invite(p, inviter, ws, email, kind, role, 0, RES));
	OK(pws_invite_accept(p, user, ws, NULL, RES));
}

/* A second, non-member effective Partner Manager of "pub". */
static void add_pm2(pws_policy *p)
{
	OK(pws_user_add(p, "pm2", "pm2@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
}

/* Asserts that an element exists, in @p ws, with the given trash state. */
static void assert_element(pws_policy *p, const char *el, const char *ws, int trashed)
{
	char buf[256];
	int kind = 0, t = -1, rc;

	rc = pws_element_get(p, &kind, &t, buf, sizeof buf, el);
	ck_assert_msg(rc == PWS_OK, "element %s: %s", el, pws_strerror(rc));
	ck_assert_msg(strcmp(buf, ws) == 0, "element %s is in %s, expected %s", el, buf, ws);
	ck_assert_msg(t == trashed, "element %s trashed=%d, expected %d", el, t, trashed);
}

static void assert_element_gone(pws_policy *p, const char *el)
{
	char buf[256];

	ck_assert_msg(pws_element_get(p, NULL, NULL, buf, sizeof buf, el) == PWS_ENOTFOUND,
	              "element %s should be gone", el);
}

static int member_role(pws_policy *p, const char *ws, const char *user)
{
	int role = 0;

	ck_assert_int_eq(pws_member_get(p, &role, NULL, NULL, ws, user), PWS_OK);
	return role;
}

static int ws_mode(pws_policy *p, const char *ws)
{
	int mode = -1;

	ck_assert_int_eq(pws_workspace_get(p, NULL, &mode, NULL, NULL, ws), PWS_OK);
	return mode;
}

static int ws_visibility(pws_policy *p, const char *ws)
{
	int vis = -1;

	ck_assert_int_eq(pws_workspace_get(p, &vis, NULL, NULL, NULL, ws), PWS_OK);
	return vis;
}

static int ws_lifecycle(pws_policy *p, const char *ws)
{
	int lc = -1;

	ck_assert_int_eq(pws_workspace_get(p, NULL, NULL, NULL, &lc, ws), PWS_OK);
	return lc;
}

/* Removes both partners of the standard world so DL1 can happen. */
static void remove_partners(pws_policy *p)
{
	OK(pws_member_remove(p, "pm", "pw", "a1", RES));
	OK(pws_member_remove(p, "pm", "pw", "g1", RES));
}

static void enable_multi(pws_policy *p)
{
	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	ck_assert_int_eq(ws_mode(p, "pw"), PWS_MODE_MULTI);
}

/* ------------------------------------------------------------------ */
/* AC1: every member views, sends requests, runs, generates code, exports */
/* ------------------------------------------------------------------ */

START_TEST(AC1_members_view_send_run_code_export)
{
	pws_policy *p = tw_world();
	const char *members[] = {"pm", "dev", "a1", "g1"};
	size_t i, j;
	int vis = -1;

	for (i = 0; i < 4; i++)
		for (j = 0; j < N_AC1; j++)
			CAN(p, members[i], ac1_actions[j], "pw", "col", PWS_RULE_AC1);
	/* A partner viewer's run is recorded as their own history. */
	OK(pws_history_add(p, "g1", "pw", "h-run", "ran col", NOW, RES));
	ck_assert_int_eq(pws_can_see_history(p, &vis, NULL, "g1", "h-run"), PWS_OK);
	ck_assert_int_eq(vis, 1);
	pws_policy_free(p);
}
END_TEST

START_TEST(AC1_members_keep_access_in_multi_mode)
{
	pws_policy *p = tw_world();
	const char *members[] = {"pm", "dev", "a1", "g1"};
	size_t i, j;

	enable_multi(p);
	for (i = 0; i < 4; i++)
		for (j = 0; j < N_AC1; j++)
			CAN(p, members[i], ac1_actions[j], "pw", "col", PWS_RULE_AC1);
	pws_policy_free(p);
}
END_TEST

START_TEST(AC1_non_member_denied)
{
	pws_policy *p = tw_world();
	/* dev2/owner/admin: publisher team, not members; a2: acme, not invited;
	 * i1: another team; solo: no team. */
	const char *outsiders[] = {"dev2", "owner", "admin", "a2", "i1", "solo"};
	size_t i, j;
	uint64_t d;

	for (i = 0; i < 6; i++)
		for (j = 0; j < N_AC1; j++)
			CANNOT(p, outsiders[i], ac1_actions[j], "pw", "col", PWS_RULE_WS1);
	d = tw_digest(p);
	/* workspace.h: pws_history_add is refused with AC1 for a non-member. */
	DENY(pws_history_add(p, "dev2", "pw", "h-x", "ran col", NOW, RES), PWS_RULE_AC1);
	DENY(pws_history_add(p, "a2", "pw", "h-y", "ran col", NOW, RES), PWS_RULE_AC1);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(AC1_partner_manager_non_member_only_views)
{
	pws_policy *p = tw_world();
	size_t j;

	add_pm2(p);
	CAN(p, "pm2", PWS_ACT_VIEW, "pw", "col", PWS_RULE_WS1);
	for (j = 1; j < N_AC1; j++)
		CANNOT(p, "pm2", ac1_actions[j], "pw", "col", PWS_RULE_WS1);
	pws_policy_free(p);
}
END_TEST

START_TEST(AC1_member_who_left_team_loses_access)
{
	pws_policy *p = tw_world();

	CAN(p, "a1", PWS_ACT_RUN, "pw", "col", PWS_RULE_AC1);
	OK(pws_user_set_team(p, "a1", "initech", PWS_TEAM_MEMBER, RES));
	CANNOT(p, "a1", PWS_ACT_RUN, "pw", "col", PWS_RULE_WS4);
	OK(pws_user_set_team(p, "a1", "acme", PWS_TEAM_MEMBER, RES));
	CAN(p, "a1", PWS_ACT_RUN, "pw", "col", PWS_RULE_AC1);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* ED1: editing and importing                                          */
/* ------------------------------------------------------------------ */

START_TEST(ED1_partner_editor_edits_single_mode)
{
	pws_policy *p = tw_world();
	int kind = 0;
	char buf[64];

	CAN(p, "a1", PWS_ACT_EDIT, "pw", "col", PWS_RULE_ED1);
	CAN(p, "a1", PWS_ACT_IMPORT, "pw", NULL, PWS_RULE_ED1);
	OK(pws_element_add(p, "a1", "pw", "a1-env", PWS_EL_ENVIRONMENT, 10, NULL, RES));
	ck_assert_int_eq(pws_element_get(p, &kind, NULL, buf, sizeof buf, "a1-env"), PWS_OK);
	ck_assert_int_eq(kind, PWS_EL_ENVIRONMENT);
	ck_assert_str_eq(buf, "pw");
	pws_policy_free(p);
}
END_TEST

START_TEST(ED1_team_editor_and_admin_edit)
{
	pws_policy *p = tw_world();

	CAN(p, "dev", PWS_ACT_EDIT, "pw", "col", PWS_RULE_ED1);
	CAN(p, "dev", PWS_ACT_IMPORT, "pw", NULL, PWS_RULE_ED1);
	CAN(p, "pm", PWS_ACT_EDIT, "pw", "col", PWS_RULE_ED1);
	OK(pws_element_add(p, "pm", "pw", "pm-col", PWS_EL_COLLECTION, 10, NULL, RES));
	assert_element(p, "pm-col", "pw", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(ED1_viewer_cannot_edit_or_import)
{
	pws_policy *p = tw_world();
	uint64_t d;

	join(p, "pm", "pw", "dev2", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER);
	CANNOT(p, "g1", PWS_ACT_EDIT, "pw", "col", PWS_RULE_ED1);
	CANNOT(p, "g1", PWS_ACT_IMPORT, "pw", NULL, PWS_RULE_ED1);
	CANNOT(p, "dev2", PWS_ACT_EDIT, "pw", "col", PWS_RULE_ED1);
	CANNOT(p, "dev2", PWS_ACT_IMPORT, "pw", NULL, PWS_RULE_ED1);
	d = tw_digest(p);
	DENY(pws_element_add(p, "g1", "pw", "g-col", PWS_EL_COLLECTION, 10, NULL, RES),
	     PWS_RULE_ED1);
	DENY(pws_element_add(p, "dev2", "pw", "d-col", PWS_EL_COLLECTION, 10, NULL, RES),
	     PWS_RULE_ED1);
	ck_assert(tw_digest(p) == d);
	assert_element_gone(p, "g-col");
	assert_element_gone(p, "d-col");
	pws_policy_free(p);
}
END_TEST

START_TEST(ED1_partner_cannot_edit_multi_mode)
{
	pws_policy *p = tw_world();
	uint64_t d;

	enable_multi(p);
	ck_assert_int_eq(member_role(p, "pw", "a1"), PWS_ROLE_VIEWER);
	CANNOT(p, "a1", PWS_ACT_EDIT, "pw", "col", PWS_RULE_ED1);
	CANNOT(p, "a1", PWS_ACT_IMPORT, "pw", NULL, PWS_RULE_ED1);
	d = tw_digest(p);
	DENY(pws_element_add(p, "a1", "pw", "a-col", PWS_EL_COLLECTION, 10, NULL, RES),
	     PWS_RULE_ED1);
	/* and no partner can be made an Editor again (RO2) */
	DENY(pws_member_set_role(p, "pm", "pw", "a1", PWS_ROLE_EDITOR, RES), PWS_RULE_RO2);
	ck_assert(tw_digest(p) == d);
	ck_assert_int_eq(member_role(p, "pw", "a1"), PWS_ROLE_VIEWER);
	assert_element_gone(p, "a-col");
	pws_policy_free(p);
}
END_TEST

START_TEST(ED1_team_editor_still_edits_multi_mode)
{
	pws_policy *p = tw_world();

	enable_multi(p);
	CAN(p, "dev", PWS_ACT_EDIT, "pw", "col", PWS_RULE_ED1);
	CAN(p, "dev", PWS_ACT_IMPORT, "pw", NULL, PWS_RULE_ED1);
	OK(pws_element_add(p, "dev", "pw", "d-col", PWS_EL_COLLECTION, 10, NULL, RES));
	assert_element(p, "d-col", "pw", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(ED1_partner_manager_non_member_cannot_edit)
{
	pws_policy *p = tw_world();
	uint64_t d;

	add_pm2(p);
	CANNOT(p, "pm2", PWS_ACT_EDIT, "pw", "col", PWS_RULE_WS1);
	CANNOT(p, "pm2", PWS_ACT_IMPORT, "pw", NULL, PWS_RULE_WS1);
	d = tw_digest(p);
	DENY(pws_element_add(p, "pm2", "pw", "x", PWS_EL_COLLECTION, 10, NULL, RES),
	     PWS_RULE_WS1);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* MV1: moving an element                                              */
/* ------------------------------------------------------------------ */

START_TEST(MV1_element_editor_moves)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "dev", "dev-ws", "Dev", PWS_VIS_PRIVATE, NULL, RES));
	CAN(p, "dev", PWS_ACT_MOVE, "pw", "col", PWS_RULE_MV1);
	OK(pws_element_move(p, "dev", "col", "dev-ws", RES));
	assert_element(p, "col", "dev-ws", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(MV1_workspace_admin_moves)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "pm", "pm-ws", "PM", PWS_VIS_PRIVATE, NULL, RES));
	CAN(p, "pm", PWS_ACT_MOVE, "pw", "col", PWS_RULE_MV1);
	OK(pws_element_move(p, "pm", "col", "pm-ws", RES));
	assert_element(p, "col", "pm-ws", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(MV1_super_admin_owner_who_reaches_moves)
{
	pws_policy *p = tw_world();

	/* "owner" reaches pw as a plain viewer: super_admin is enough. */
	join(p, "pm", "pw", "owner", "owner@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER);
	OK(pws_workspace_create(p, "owner", "own-ws", "Own", PWS_VIS_PRIVATE, NULL, RES));
	CAN(p, "owner", PWS_ACT_MOVE, "pw", "col", PWS_RULE_MV1);
	OK(pws_element_move(p, "owner", "col", "own-ws", RES));
	assert_element(p, "col", "own-ws", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(MV1_super_admin_who_does_not_reach_cannot_move)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_workspace_create(p, "owner", "own-ws", "Own", PWS_VIS_PRIVATE, NULL, RES));
	CANNOT(p, "owner", PWS_ACT_MOVE, "pw", "col", PWS_RULE_WS1);
	d = tw_digest(p);
	DENY(pws_element_move(p, "owner", "col", "own-ws", RES), PWS_RULE_WS1);
	ck_assert(tw_digest(p) == d);
	assert_element(p, "col", "pw", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(MV1_plain_viewer_cannot_move)
{
	pws_policy *p = tw_world();
	uint64_t d;

	join(p, "pm", "pw", "dev2", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER);
	CANNOT(p, "dev2", PWS_ACT_MOVE, "pw", "col", PWS_RULE_MV1);
	CANNOT(p, "g1", PWS_ACT_MOVE, "pw", "col", PWS_RULE_MV1);
	d = tw_digest(p);
	DENY(pws_element_move(p, "dev2", "col", "team-ws", RES), PWS_RULE_MV1);
	ck_assert(tw_digest(p) == d);
	assert_element(p, "col", "pw", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(MV1_workspace_editor_moves_only_as_element_editor)
{
	pws_policy *p = tw_world();
	uint64_t d;

	join(p, "pm", "pw", "dev2", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR);
	/* Editor of the workspace, not of the element: not enough. */
	CANNOT(p, "dev2", PWS_ACT_MOVE, "pw", "col", PWS_RULE_MV1);
	CANNOT(p, "a1", PWS_ACT_MOVE, "pw", "col", PWS_RULE_MV1);
	d = tw_digest(p);
	DENY(pws_element_move(p, "dev2", "col", "team-ws", RES), PWS_RULE_MV1);
	ck_assert(tw_digest(p) == d);
	assert_element(p, "col", "pw", 0);
	OK(pws_element_add_editor(p, "pm", "col", "dev2", RES));
	CAN(p, "dev2", PWS_ACT_MOVE, "pw", "col", PWS_RULE_MV1);
	OK(pws_element_move(p, "dev2", "col", "team-ws", RES));
	assert_element(p, "col", "team-ws", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(MV1_only_into_a_workspace_the_actor_reaches)
{
	pws_policy *p = tw_world();
	uint64_t d;

	/* dev2-priv is private to dev2: pm cannot reach it. */
	OK(pws_workspace_create(p, "dev2", "dev2-priv", "Mine", PWS_VIS_PRIVATE, NULL, RES));
	/* acme-ws belongs to another team. */
	OK(pws_workspace_create(p, "a2", "acme-ws", "Acme", PWS_VIS_TEAM, NULL, RES));
	d = tw_digest(p);
	DENY(pws_element_move(p, "pm", "col", "dev2-priv", RES), PWS_RULE_MV1);
	DENY(pws_element_move(p, "pm", "col", "acme-ws", RES), PWS_RULE_MV1);
	ck_assert(tw_digest(p) == d);
	assert_element(p, "col", "pw", 0);
	/* team-ws is team-visible: pm may VIEW it, so it is a valid target. */
	OK(pws_element_move(p, "pm", "col", "team-ws", RES));
	assert_element(p, "col", "team-ws", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(MV1_partner_element_editor_cannot_move_in_multi_mode)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_workspace_create(p, "a1", "acme-ws", "Acme", PWS_VIS_PRIVATE, NULL, RES));
	OK(pws_element_add_editor(p, "pm", "col", "a1", RES));
	CAN(p, "a1", PWS_ACT_MOVE, "pw", "col", PWS_RULE_MV1);
	enable_multi(p);
	/* DECISIONS: MOVE ... never partners in multi (ED1). */
	CANNOT(p, "a1", PWS_ACT_MOVE, "pw", "col", PWS_RULE_ED1);
	d = tw_digest(p);
	DENY(pws_element_move(p, "a1", "col", "acme-ws", RES), PWS_RULE_ED1);
	ck_assert(tw_digest(p) == d);
	assert_element(p, "col", "pw", 0);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* MV2: monitors and mock servers stay behind                          */
/* ------------------------------------------------------------------ */

START_TEST(MV2_monitor_and_mock_stay_when_collection_moves)
{
	pws_policy *p = tw_world();

	OK(pws_element_add(p, "dev", "pw", "mon", PWS_EL_MONITOR, 10, "col", RES));
	OK(pws_element_add(p, "dev", "pw", "mock", PWS_EL_MOCK_SERVER, 10, "col", RES));
	OK(pws_workspace_create(p, "pm", "pm-ws", "PM", PWS_VIS_PRIVATE, NULL, RES));
	OK(pws_element_move(p, "pm", "col", "pm-ws", RES));
	assert_element(p, "col", "pm-ws", 0);
	assert_element(p, "mon", "pw", 0);
	assert_element(p, "mock", "pw", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(MV2_monitor_cannot_be_moved)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_element_add(p, "dev", "pw", "mon", PWS_EL_MONITOR, 10, "col", RES));
	OK(pws_element_add(p, "dev", "pw", "mock", PWS_EL_MOCK_SERVER, 10, "col", RES));
	OK(pws_workspace_create(p, "pm", "pm-ws", "PM", PWS_VIS_PRIVATE, NULL, RES));
	/* Neither the Workspace Admin nor the element's own Editor may move them. */
	CANNOT(p, "pm", PWS_ACT_MOVE, "pw", "mon", PWS_RULE_MV2);
	CANNOT(p, "dev", PWS_ACT_MOVE, "pw", "mon", PWS_RULE_MV2);
	CANNOT(p, "pm", PWS_ACT_MOVE, "pw", "mock", PWS_RULE_MV2);
	d = tw_digest(p);
	DENY(pws_element_move(p, "pm", "mon", "pm-ws", RES), PWS_RULE_MV2);
	DENY(pws_element_move(p, "pm", "mock", "pm-ws", RES), PWS_RULE_MV2);
	ck_assert(tw_digest(p) == d);
	assert_element(p, "mon", "pw", 0);
	assert_element(p, "mock", "pw", 0);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* RM1: removing or deleting an element                                */
/* ------------------------------------------------------------------ */

START_TEST(RM1_element_editor_deletes)
{
	pws_policy *p = tw_world();

	OK(pws_element_add(p, "dev", "pw", "env", PWS_EL_ENVIRONMENT, 10, NULL, RES));
	CAN(p, "dev", PWS_ACT_DELETE_ELEMENT, "pw", "env", PWS_RULE_RM1);
	OK(pws_element_delete(p, "dev", "env", NOW, RES));
	assert_element_gone(p, "env");
	pws_policy_free(p);
}
END_TEST

START_TEST(RM1_workspace_admin_deletes)
{
	pws_policy *p = tw_world();

	OK(pws_element_add(p, "dev", "pw", "env", PWS_EL_ENVIRONMENT, 10, NULL, RES));
	CAN(p, "pm", PWS_ACT_DELETE_ELEMENT, "pw", "env", PWS_RULE_RM1);
	OK(pws_element_delete(p, "pm", "env", NOW, RES));
	assert_element_gone(p, "env");
	pws_policy_free(p);
}
END_TEST

START_TEST(RM1_super_admin_who_reaches_deletes)
{
	pws_policy *p = tw_world();

	OK(pws_element_add(p, "dev", "pw", "env", PWS_EL_ENVIRONMENT, 10, NULL, RES));
	join(p, "pm", "pw", "owner", "owner@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER);
	CAN(p, "owner", PWS_ACT_DELETE_ELEMENT, "pw", "env", PWS_RULE_RM1);
	OK(pws_element_delete(p, "owner", "env", NOW, RES));
	assert_element_gone(p, "env");
	pws_policy_free(p);
}
END_TEST

START_TEST(RM1_viewer_and_non_element_editor_cannot_delete)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_element_add(p, "dev", "pw", "env", PWS_EL_ENVIRONMENT, 10, NULL, RES));
	join(p, "pm", "pw", "dev2", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER);
	CANNOT(p, "dev2", PWS_ACT_DELETE_ELEMENT, "pw", "env", PWS_RULE_RM1);
	CANNOT(p, "g1", PWS_ACT_DELETE_ELEMENT, "pw", "env", PWS_RULE_RM1);
	CANNOT(p, "a1", PWS_ACT_DELETE_ELEMENT, "pw", "env", PWS_RULE_RM1);
	d = tw_digest(p);
	DENY(pws_element_delete(p, "dev2", "env", NOW, RES), PWS_RULE_RM1);
	DENY(pws_element_delete(p, "g1", "env", NOW, RES), PWS_RULE_RM1);
	DENY(pws_element_delete(p, "a1", "env", NOW, RES), PWS_RULE_RM1);
	ck_assert(tw_digest(p) == d);
	assert_element(p, "env", "pw", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(RM1_non_member_cannot_delete)
{
	pws_policy *p = tw_world();
	uint64_t d;

	CANNOT(p, "owner", PWS_ACT_DELETE_ELEMENT, "pw", "col", PWS_RULE_WS1);
	d = tw_digest(p);
	DENY(pws_element_delete(p, "owner", "col", NOW, RES), PWS_RULE_WS1);
	ck_assert(tw_digest(p) == d);
	assert_element(p, "col", "pw", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(RM1_partner_element_editor_cannot_delete_in_multi_mode)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_element_add(p, "a1", "pw", "a-env", PWS_EL_ENVIRONMENT, 10, NULL, RES));
	CAN(p, "a1", PWS_ACT_DELETE_ELEMENT, "pw", "a-env", PWS_RULE_RM1);
	enable_multi(p);
	CANNOT(p, "a1", PWS_ACT_DELETE_ELEMENT, "pw", "a-env", PWS_RULE_ED1);
	d = tw_digest(p);
	DENY(pws_element_delete(p, "a1", "a-env", NOW, RES), PWS_RULE_ED1);
	ck_assert(tw_digest(p) == d);
	assert_element(p, "a-env", "pw", 0);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* FK1: forking out of a partner workspace                             */
/* ------------------------------------------------------------------ */

START_TEST(FK1_partner_viewer_on_paid_team_forks_into_own_team)
{
	pws_policy *p = tw_world();

	join(p, "pm", "pw", "a2", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
	OK(pws_workspace_create(p, "a2", "acme-ws", "Acme", PWS_VIS_PRIVATE, NULL, RES));
	CAN(p, "a2", PWS_ACT_FORK, "pw", "col", PWS_RULE_FK1);
	OK(pws_element_fork(p, "a2", "col", "col-fork", "acme-ws", RES));
	assert_element(p, "col-fork", "acme-ws", 0);
	assert_element(p, "col", "pw", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(FK1_partner_on_free_team_needs_editor)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_workspace_create(p, "g1", "globex-ws", "Globex", PWS_VIS_PRIVATE, NULL, RES));
	CANNOT(p, "g1", PWS_ACT_FORK, "pw", "col", PWS_RULE_FK1);
	d = tw_digest(p);
	DENY(pws_element_fork(p, "g1", "col", "g-fork", "globex-ws", RES), PWS_RULE_FK1);
	ck_assert(tw_digest(p) == d);
	assert_element_gone(p, "g-fork");

	OK(pws_member_set_role(p, "pm", "pw", "g1", PWS_ROLE_EDITOR, RES));
	CAN(p, "g1", PWS_ACT_FORK, "pw", "col", PWS_RULE_FK1);
	OK(pws_element_fork(p, "g1", "col", "g-fork", "globex-ws", RES));
	assert_element(p, "g-fork", "globex-ws", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(FK1_teamless_partner_cannot_fork)
{
	pws_policy *p = tw_world();
	uint64_t d;

	/* A teamless partner can only be in a legacy workspace. Even as an
	 * Editor (which a free-team partner would need), no team: no fork. */
	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "pm", RES));
	OK(pws_element_add(p, "pm", "lw", "lcol", PWS_EL_COLLECTION, 10, NULL, RES));
	join(p, "pm", "lw", "solo", "solo@gmail.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR);
	ck_assert_int_eq(member_role(p, "lw", "solo"), PWS_ROLE_EDITOR);
	CANNOT(p, "solo", PWS_ACT_FORK, "lw", "lcol", PWS_RULE_FK1);
	d = tw_digest(p);
	DENY(pws_element_fork(p, "solo", "lcol", "s-fork", "lw", RES), PWS_RULE_FK1);
	ck_assert(tw_digest(p) == d);
	assert_element_gone(p, "s-fork");
	pws_policy_free(p);
}
END_TEST

START_TEST(FK1_target_must_be_own_team_workspace_where_editor_or_admin)
{
	pws_policy *p = tw_world();
	uint64_t d;

	join(p, "pm", "pw", "a2", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
	/* acme-ws3: an acme workspace where a2 is only a Viewer. */
	OK(pws_workspace_create(p, "a3", "acme-ws3", "Acme3", PWS_VIS_PRIVATE, NULL, RES));
	join(p, "a3", "acme-ws3", "a2", "a2@acme.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER);
	CAN(p, "a2", PWS_ACT_FORK, "pw", "col", PWS_RULE_FK1);
	d = tw_digest(p);
	DENY(pws_element_fork(p, "a2", "col", "f1", "acme-ws3", RES), PWS_RULE_FK1);
	/* a1 is Editor of pw, but pw is not a workspace of acme. */
	DENY(pws_element_fork(p, "a1", "col", "f2", "pw", RES), PWS_RULE_FK1);
	ck_assert(tw_digest(p) == d);
	assert_element_gone(p, "f1");
	assert_element_gone(p, "f2");
	pws_policy_free(p);
}
END_TEST

START_TEST(FK1_team_member_forks_into_reachable_workspace_where_editor_or_admin)
{
	pws_policy *p = tw_world();

	/* Team members fork whatever their role in the source. */
	join(p, "pm", "pw", "dev2", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER);
	CAN(p, "dev2", PWS_ACT_FORK, "pw", "col", PWS_RULE_FK1);
	OK(pws_element_fork(p, "dev2", "col", "f-team", "team-ws", RES));
	assert_element(p, "f-team", "team-ws", 0);
	OK(pws_workspace_create(p, "dev", "dev-ws", "Dev", PWS_VIS_PRIVATE, NULL, RES));
	CAN(p, "dev", PWS_ACT_FORK, "pw", "col", PWS_RULE_FK1);
	OK(pws_element_fork(p, "dev", "col", "f-dev", "dev-ws", RES));
	assert_element(p, "f-dev", "dev-ws", 0);
	assert_element(p, "col", "pw", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(FK1_team_member_cannot_fork_where_not_editor)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_workspace_create(p, "dev2", "dev2-priv", "Mine", PWS_VIS_PRIVATE, NULL, RES));
	d = tw_digest(p);
	/* team-ws: dev reaches it (team visibility) but is not Editor there. */
	DENY(pws_element_fork(p, "dev", "col", "f1", "team-ws", RES), PWS_RULE_FK1);
	/* dev2-priv: not reachable at all. */
	DENY(pws_element_fork(p, "dev", "col", "f2", "dev2-priv", RES), PWS_RULE_FK1);
	ck_assert(tw_digest(p) == d);
	assert_element_gone(p, "f1");
	assert_element_gone(p, "f2");
	pws_policy_free(p);
}
END_TEST

START_TEST(FK1_non_member_cannot_fork)
{
	pws_policy *p = tw_world();
	uint64_t d;

	CANNOT(p, "dev2", PWS_ACT_FORK, "pw", "col", PWS_RULE_WS1);
	d = tw_digest(p);
	DENY(pws_element_fork(p, "dev2", "col", "f", "team-ws", RES), PWS_RULE_WS1);
	ck_assert(tw_digest(p) == d);
	assert_element_gone(p, "f");
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* PL3: trash recovery                                                 */
/* ------------------------------------------------------------------ */

START_TEST(PL3_enterprise_small_collection_trashed_and_restorable)
{
	pws_policy *p = tw_world();

	OK(pws_element_delete(p, "dev", "col", NOW, RES));
	ck_assert_msg(tw_res.flags & PWS_RESULT_TRASHED, "col not trashed");
	assert_element(p, "col", "pw", 1);
	OK(pws_element_restore(p, "dev", "col", NOW + 89 * DAY, RES));
	assert_element(p, "col", "pw", 0);

	/* just under 30 MB (either reading of MB) is still kept */
	OK(pws_element_add(p, "dev", "pw", "mid", PWS_EL_COLLECTION, 29000000, NULL, RES));
	OK(pws_element_delete(p, "dev", "mid", NOW, RES));
	ck_assert(tw_res.flags & PWS_RESULT_TRASHED);
	OK(pws_element_restore(p, "pm", "mid", NOW + DAY, RES));
	assert_element(p, "mid", "pw", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(PL3_trashed_collection_not_restorable_after_90_days)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_element_delete(p, "dev", "col", NOW, RES));
	ck_assert(tw_res.flags & PWS_RESULT_TRASHED);
	d = tw_digest(p);
	DENY(pws_element_restore(p, "dev", "col", NOW + 91 * DAY, RES), PWS_RULE_PL3);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* A restore dated before the deletion (a host clock that went back) is
 * not inside the retention window that starts at the deletion: refused by
 * PL3, nothing changed; the extreme date cannot overflow the difference. */
START_TEST(PL3_restore_dated_before_the_deletion_refused)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_element_delete(p, "dev", "col", NOW, RES));
	ck_assert(tw_res.flags & PWS_RESULT_TRASHED);
	d = tw_digest(p);
	DENY(pws_element_restore(p, "dev", "col", NOW - 1, RES), PWS_RULE_PL3);
	DENY(pws_element_restore(p, "dev", "col", INT64_MIN, RES), PWS_RULE_PL3);
	ck_assert(tw_digest(p) == d);
	assert_element(p, "col", "pw", 1);
	OK(pws_element_restore(p, "dev", "col", NOW, RES));
	assert_element(p, "col", "pw", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(PL3_api_and_environment_not_recoverable)
{
	pws_policy *p = tw_world();

	OK(pws_element_add(p, "dev", "pw", "env", PWS_EL_ENVIRONMENT, 10, NULL, RES));
	OK(pws_element_add(p, "dev", "pw", "api", PWS_EL_API, 10, NULL, RES));
	OK(pws_element_delete(p, "dev", "env", NOW, RES));
	ck_assert(!(tw_res.flags & PWS_RESULT_TRASHED));
	OK(pws_element_delete(p, "dev", "api", NOW, RES));
	ck_assert(!(tw_res.flags & PWS_RESULT_TRASHED));
	assert_element_gone(p, "env");
	assert_element_gone(p, "api");
	FAILS(pws_element_restore(p, "dev", "env", NOW + DAY, RES), PWS_ENOTFOUND);
	FAILS(pws_element_restore(p, "dev", "api", NOW + DAY, RES), PWS_ENOTFOUND);
	pws_policy_free(p);
}
END_TEST

START_TEST(PL3_collection_of_30_mb_or_more_not_recoverable)
{
	pws_policy *p = tw_world();

	OK(pws_element_add(p, "dev", "pw", "big", PWS_EL_COLLECTION, 30 * MB, NULL, RES));
	OK(pws_element_delete(p, "dev", "big", NOW, RES));
	ck_assert(!(tw_res.flags & PWS_RESULT_TRASHED));
	assert_element_gone(p, "big");
	FAILS(pws_element_restore(p, "dev", "big", NOW + DAY, RES), PWS_ENOTFOUND);
	pws_policy_free(p);
}
END_TEST

START_TEST(PL3_non_enterprise_not_recoverable_by_default)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "i1", "iws", "Initech", PWS_VIS_PRIVATE, NULL, RES));
	OK(pws_element_add(p, "i1", "iws", "icol", PWS_EL_COLLECTION, 1000, NULL, RES));
	OK(pws_element_delete(p, "i1", "icol", NOW, RES));
	ck_assert(!(tw_res.flags & PWS_RESULT_TRASHED));
	assert_element_gone(p, "icol");
	FAILS(pws_element_restore(p, "i1", "icol", NOW + DAY, RES), PWS_ENOTFOUND);
	pws_policy_free(p);
}
END_TEST

START_TEST(PL3_configured_retention_makes_other_plan_recoverable)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_plan_set_retention(p, PWS_PLAN_PROFESSIONAL, 30, 30 * MB, RES));
	OK(pws_workspace_create(p, "i1", "iws", "Initech", PWS_VIS_PRIVATE, NULL, RES));
	OK(pws_element_add(p, "i1", "iws", "c1", PWS_EL_COLLECTION, 1000, NULL, RES));
	OK(pws_element_add(p, "i1", "iws", "c2", PWS_EL_COLLECTION, 1000, NULL, RES));
	OK(pws_element_delete(p, "i1", "c1", NOW, RES));
	ck_assert(tw_res.flags & PWS_RESULT_TRASHED);
	OK(pws_element_delete(p, "i1", "c2", NOW, RES));
	ck_assert(tw_res.flags & PWS_RESULT_TRASHED);
	assert_element(p, "c1", "iws", 1);
	OK(pws_element_restore(p, "i1", "c1", NOW + 29 * DAY, RES));
	assert_element(p, "c1", "iws", 0);
	d = tw_digest(p);
	DENY(pws_element_restore(p, "i1", "c2", NOW + 31 * DAY, RES), PWS_RULE_PL3);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(PL3_restore_needs_rm1_permission)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_element_delete(p, "dev", "col", NOW, RES));
	d = tw_digest(p);
	DENY(pws_element_restore(p, "g1", "col", NOW + DAY, RES), PWS_RULE_RM1);
	ck_assert(tw_digest(p) == d);
	assert_element(p, "col", "pw", 1);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* DL1: visibility away from partner                                   */
/* ------------------------------------------------------------------ */

START_TEST(DL1_admin_changes_visibility_once_no_partner_left)
{
	pws_policy *p = tw_world();

	remove_partners(p);
	CAN(p, "pm", PWS_ACT_CHANGE_VISIBILITY, "pw", NULL, PWS_RULE_DL1);
	OK(pws_workspace_set_visibility(p, "pm", "pw", PWS_VIS_PRIVATE, RES));
	ck_assert_int_eq(ws_visibility(p, "pw"), PWS_VIS_PRIVATE);
	pws_policy_free(p);
}
END_TEST

START_TEST(DL1_partner_manager_non_member_changes_visibility)
{
	pws_policy *p = tw_world();

	add_pm2(p);
	remove_partners(p);
	CAN(p, "pm2", PWS_ACT_CHANGE_VISIBILITY, "pw", NULL, PWS_RULE_DL1);
	OK(pws_workspace_set_visibility(p, "pm2", "pw", PWS_VIS_TEAM, RES));
	ck_assert_int_eq(ws_visibility(p, "pw"), PWS_VIS_TEAM);
	pws_policy_free(p);
}
END_TEST

START_TEST(DL1_refused_while_partners_remain)
{
	pws_policy *p = tw_world();
	uint64_t d;

	add_pm2(p);
	CANNOT(p, "pm", PWS_ACT_CHANGE_VISIBILITY, "pw", NULL, PWS_RULE_DL1);
	CANNOT(p, "pm2", PWS_ACT_CHANGE_VISIBILITY, "pw", NULL, PWS_RULE_DL1);
	d = tw_digest(p);
	DENY(pws_workspace_set_visibility(p, "pm", "pw", PWS_VIS_PRIVATE, RES), PWS_RULE_DL1);
	DENY(pws_workspace_set_visibility(p, "pm2", "pw", PWS_VIS_TEAM, RES), PWS_RULE_DL1);
	ck_assert(tw_digest(p) == d);
	/* one partner left is still one too many */
	OK(pws_member_remove(p, "pm", "pw", "a1", RES));
	d = tw_digest(p);
	DENY(pws_workspace_set_visibility(p, "pm", "pw", PWS_VIS_PRIVATE, RES), PWS_RULE_DL1);
	ck_assert(tw_digest(p) == d);
	ck_assert_int_eq(ws_visibility(p, "pw"), PWS_VIS_PARTNER);
	pws_policy_free(p);
}
END_TEST

START_TEST(DL1_open_partner_invite_blocks)
{
	pws_policy *p = tw_world();
	uint64_t d;

	remove_partners(p);
	OK(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	CANNOT(p, "pm", PWS_ACT_CHANGE_VISIBILITY, "pw", NULL, PWS_RULE_DL1);
	d = tw_digest(p);
	DENY(pws_workspace_set_visibility(p, "pm", "pw", PWS_VIS_PRIVATE, RES), PWS_RULE_DL1);
	ck_assert(tw_digest(p) == d);
	OK(pws_invite_decline(p, "a2", "pw", RES));
	OK(pws_workspace_set_visibility(p, "pm", "pw", PWS_VIS_PRIVATE, RES));
	ck_assert_int_eq(ws_visibility(p, "pw"), PWS_VIS_PRIVATE);
	pws_policy_free(p);
}
END_TEST

START_TEST(DL1_suspended_partner_membership_blocks)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_member_remove(p, "pm", "pw", "g1", RES));
	/* a1 leaves acme: the membership is suspended (WS4), not gone */
	OK(pws_user_set_team(p, "a1", NULL, PWS_TEAM_MEMBER, RES));
	CANNOT(p, "pm", PWS_ACT_CHANGE_VISIBILITY, "pw", NULL, PWS_RULE_DL1);
	d = tw_digest(p);
	DENY(pws_workspace_set_visibility(p, "pm", "pw", PWS_VIS_PRIVATE, RES), PWS_RULE_DL1);
	ck_assert(tw_digest(p) == d);
	ck_assert_int_eq(ws_visibility(p, "pw"), PWS_VIS_PARTNER);
	pws_policy_free(p);
}
END_TEST

START_TEST(DL1_non_admin_cannot_change_visibility)
{
	pws_policy *p = tw_world();
	uint64_t d;

	remove_partners(p);
	CANNOT(p, "dev", PWS_ACT_CHANGE_VISIBILITY, "pw", NULL, PWS_RULE_DL1);
	d = tw_digest(p);
	DENY(pws_workspace_set_visibility(p, "dev", "pw", PWS_VIS_PRIVATE, RES), PWS_RULE_DL1);
	ck_assert(tw_digest(p) == d);
	ck_assert_int_eq(ws_visibility(p, "pw"), PWS_VIS_PARTNER);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* DL2: deleting the workspace                                         */
/* ------------------------------------------------------------------ */

START_TEST(DL2_partner_workspace_cannot_be_deleted)
{
	pws_policy *p = tw_world();
	uint64_t d;

	add_pm2(p);
	CANNOT(p, "pm", PWS_ACT_DELETE_WORKSPACE, "pw", NULL, PWS_RULE_DL2);
	CANNOT(p, "pm2", PWS_ACT_DELETE_WORKSPACE, "pw", NULL, PWS_RULE_DL2);
	/* even with no partner left: DL1 must happen first */
	remove_partners(p);
	CANNOT(p, "pm", PWS_ACT_DELETE_WORKSPACE, "pw", NULL, PWS_RULE_DL2);
	d = tw_digest(p);
	DENY(pws_workspace_delete(p, "pm", "pw", RES), PWS_RULE_DL2);
	ck_assert(tw_digest(p) == d);
	ck_assert_int_eq(ws_lifecycle(p, "pw"), PWS_LC_ACTIVE);
	pws_policy_free(p);
}
END_TEST

START_TEST(DL2_admin_deletes_after_dl1_members_notified)
{
	pws_policy *p = ev_world();
	const ev_rec *e;

	remove_partners(p);
	OK(pws_workspace_set_visibility(p, "pm", "pw", PWS_VIS_PRIVATE, RES));
	CAN(p, "pm", PWS_ACT_DELETE_WORKSPACE, "pw", NULL, PWS_RULE_DL2);
	ev_count = 0;
	OK(pws_workspace_delete(p, "pm", "pw", RES));
	ck_assert_int_eq(ws_lifecycle(p, "pw"), PWS_LC_DELETED);
	e = ev_find(PWS_EV_WORKSPACE_DELETED);
	ck_assert_msg(e != NULL, "no WORKSPACE_DELETED event");
	ck_assert_int_eq(e->rule, PWS_RULE_DL2);
	ck_assert_msg(ev_has_rcpt(e, "dev"), "member dev not notified");
	/* a deleted workspace allows nothing (LC1) */
	CANNOT(p, "dev", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_LC1);
	pws_policy_free(p);
}
END_TEST

START_TEST(DL2_partner_manager_deletes_former_partner_workspace)
{
	pws_policy *p = tw_world();

	add_pm2(p);
	remove_partners(p);
	OK(pws_workspace_set_visibility(p, "pm", "pw", PWS_VIS_PRIVATE, RES));
	CAN(p, "pm2", PWS_ACT_DELETE_WORKSPACE, "pw", NULL, PWS_RULE_DL2);
	OK(pws_workspace_delete(p, "pm2", "pw", RES));
	ck_assert_int_eq(ws_lifecycle(p, "pw"), PWS_LC_DELETED);
	pws_policy_free(p);
}
END_TEST

START_TEST(DL2_non_admin_cannot_delete)
{
	pws_policy *p = tw_world();
	uint64_t d;

	remove_partners(p);
	OK(pws_workspace_set_visibility(p, "pm", "pw", PWS_VIS_PRIVATE, RES));
	CANNOT(p, "dev", PWS_ACT_DELETE_WORKSPACE, "pw", NULL, PWS_RULE_DL2);
	d = tw_digest(p);
	DENY(pws_workspace_delete(p, "dev", "pw", RES), PWS_RULE_DL2);
	ck_assert(tw_digest(p) == d);
	ck_assert_int_eq(ws_lifecycle(p, "pw"), PWS_LC_ACTIVE);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* MP1: enabling multi-partner mode, once                              */
/* ------------------------------------------------------------------ */

START_TEST(MP1_admin_enables_once_partner_editors_downgraded)
{
	pws_policy *p = ev_world();
	const ev_rec *e;

	ck_assert_int_eq(ws_mode(p, "pw"), PWS_MODE_SINGLE);
	CAN(p, "pm", PWS_ACT_ENABLE_MULTI, "pw", NULL, PWS_RULE_MP1);
	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	ck_assert_msg(tw_res.flags & PWS_RESULT_DOWNGRADED, "no DOWNGRADED flag");
	ck_assert_int_eq(ws_mode(p, "pw"), PWS_MODE_MULTI);
	/* RO2: the partner editor is now a viewer; team editors untouched */
	ck_assert_int_eq(member_role(p, "pw", "a1"), PWS_ROLE_VIEWER);
	ck_assert_int_eq(member_role(p, "pw", "g1"), PWS_ROLE_VIEWER);
	ck_assert_int_eq(member_role(p, "pw", "dev"), PWS_ROLE_EDITOR);
	ck_assert_int_eq(member_role(p, "pw", "pm"), PWS_ROLE_ADMIN);

	e = ev_find(PWS_EV_ROLES_DOWNGRADED);
	ck_assert_msg(e != NULL, "no ROLES_DOWNGRADED event");
	ck_assert_int_eq(e->rule, PWS_RULE_RO2);
	ck_assert_msg(ev_has_rcpt(e, "a1"), "a1 not told of the downgrade");
	e = ev_find(PWS_EV_MULTI_PARTNER_ENABLED);
	ck_assert_msg(e != NULL, "no MULTI_PARTNER_ENABLED event");
	/* one event per organization (EV1), together every member */
	ck_assert(ev_kind_has_rcpt(PWS_EV_MULTI_PARTNER_ENABLED, "dev") &&
	          ev_kind_has_rcpt(PWS_EV_MULTI_PARTNER_ENABLED, "a1") &&
	          ev_kind_has_rcpt(PWS_EV_MULTI_PARTNER_ENABLED, "g1"));
	pws_policy_free(p);
}
END_TEST

START_TEST(MP1_no_downgrade_flag_without_partner_editors)
{
	pws_policy *p = tw_world();

	OK(pws_member_set_role(p, "pm", "pw", "a1", PWS_ROLE_VIEWER, RES));
	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	ck_assert(!(tw_res.flags & PWS_RESULT_DOWNGRADED));
	ck_assert_int_eq(ws_mode(p, "pw"), PWS_MODE_MULTI);
	pws_policy_free(p);
}
END_TEST

START_TEST(MP1_enabling_again_refused_never_turned_off)
{
	pws_policy *p = tw_world();
	uint64_t d;

	add_pm2(p);
	enable_multi(p);
	CANNOT(p, "pm", PWS_ACT_ENABLE_MULTI, "pw", NULL, PWS_RULE_MP1);
	CANNOT(p, "pm2", PWS_ACT_ENABLE_MULTI, "pw", NULL, PWS_RULE_MP1);
	d = tw_digest(p);
	DENY(pws_workspace_enable_multi_partner(p, "pm", "pw", RES), PWS_RULE_MP1);
	DENY(pws_workspace_enable_multi_partner(p, "pm2", "pw", RES), PWS_RULE_MP1);
	ck_assert(tw_digest(p) == d);
	/* still multi after other changes */
	OK(pws_workspace_set_details(p, "pm", "pw", "Renamed", NULL, NULL, RES));
	ck_assert_int_eq(ws_mode(p, "pw"), PWS_MODE_MULTI);
	pws_policy_free(p);
}
END_TEST

START_TEST(MP1_partner_manager_non_member_enables)
{
	pws_policy *p = tw_world();

	add_pm2(p);
	CAN(p, "pm2", PWS_ACT_ENABLE_MULTI, "pw", NULL, PWS_RULE_MP1);
	OK(pws_workspace_enable_multi_partner(p, "pm2", "pw", RES));
	ck_assert_int_eq(ws_mode(p, "pw"), PWS_MODE_MULTI);
	ck_assert_int_eq(member_role(p, "pw", "a1"), PWS_ROLE_VIEWER);
	pws_policy_free(p);
}
END_TEST

START_TEST(MP1_non_admin_cannot_enable)
{
	pws_policy *p = tw_world();
	uint64_t d;

	CANNOT(p, "dev", PWS_ACT_ENABLE_MULTI, "pw", NULL, PWS_RULE_MP1);
	CANNOT(p, "a1", PWS_ACT_ENABLE_MULTI, "pw", NULL, PWS_RULE_MP1);
	CANNOT(p, "g1", PWS_ACT_ENABLE_MULTI, "pw", NULL, PWS_RULE_MP1);
	d = tw_digest(p);
	DENY(pws_workspace_enable_multi_partner(p, "dev", "pw", RES), PWS_RULE_MP1);
	DENY(pws_workspace_enable_multi_partner(p, "a1", "pw", RES), PWS_RULE_MP1);
	ck_assert(tw_digest(p) == d);
	ck_assert_int_eq(ws_mode(p, "pw"), PWS_MODE_SINGLE);
	ck_assert_int_eq(member_role(p, "pw", "a1"), PWS_ROLE_EDITOR);
	pws_policy_free(p);
}
END_TEST

START_TEST(MP1_only_partner_workspaces)
{
	pws_policy *p = tw_world();
	uint64_t d;

	CANNOT(p, "dev2", PWS_ACT_ENABLE_MULTI, "team-ws", NULL, PWS_RULE_MP1);
	d = tw_digest(p);
	DENY(pws_workspace_enable_multi_partner(p, "dev2", "team-ws", RES), PWS_RULE_MP1);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* INT1: no Slack/Teams integration in partner workspaces              */
/* ------------------------------------------------------------------ */

START_TEST(INT1_no_integration_in_partner_workspace)
{
	pws_policy *p = tw_world();
	uint64_t d;

	add_pm2(p);
	CANNOT(p, "pm", PWS_ACT_INTEGRATION, "pw", NULL, PWS_RULE_INT1);
	CANNOT(p, "dev", PWS_ACT_INTEGRATION, "pw", NULL, PWS_RULE_INT1);
	CANNOT(p, "a1", PWS_ACT_INTEGRATION, "pw", NULL, PWS_RULE_INT1);
	d = tw_digest(p);
	DENY(pws_integration_enable(p, "pm", "pw", RES), PWS_RULE_INT1);
	DENY(pws_integration_enable(p, "pm2", "pw", RES), PWS_RULE_INT1);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(INT1_workspace_admin_elsewhere_may)
{
	pws_policy *p = tw_world();

	CAN(p, "dev2", PWS_ACT_INTEGRATION, "team-ws", NULL, PWS_RULE_INT1);
	OK(pws_integration_enable(p, "dev2", "team-ws", RES));
	pws_policy_free(p);
}
END_TEST

START_TEST(INT1_non_admin_elsewhere_cannot)
{
	pws_policy *p = tw_world();
	uint64_t d;

	join(p, "dev2", "team-ws", "dev", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR);
	CANNOT(p, "dev", PWS_ACT_INTEGRATION, "team-ws", NULL, PWS_RULE_INT1);
	d = tw_digest(p);
	DENY(pws_integration_enable(p, "dev", "team-ws", RES), PWS_RULE_INT1);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* DT1: editing name, summary, description                             */
/* ------------------------------------------------------------------ */

START_TEST(DT1_admin_and_partner_manager_edit_details)
{
	pws_policy *p = tw_world();
	uint64_t d;

	add_pm2(p);
	CAN(p, "pm", PWS_ACT_EDIT_DETAILS, "pw", NULL, PWS_RULE_DT1);
	CAN(p, "pm2", PWS_ACT_EDIT_DETAILS, "pw", NULL, PWS_RULE_DT1);
	d = tw_digest(p);
	OK(pws_workspace_set_details(p, "pm", "pw", "New name", "Summary", "# Hello", RES));
	ck_assert_msg(tw_digest(p) != d, "details did not change the state");
	d = tw_digest(p);
	OK(pws_workspace_set_details(p, "pm2", "pw", NULL, "Other summary", NULL, RES));
	ck_assert_msg(tw_digest(p) != d, "details did not change the state");
	pws_policy_free(p);
}
END_TEST

START_TEST(DT1_others_cannot_edit_details)
{
	pws_policy *p = tw_world();
	uint64_t d;

	CANNOT(p, "dev", PWS_ACT_EDIT_DETAILS, "pw", NULL, PWS_RULE_DT1);
	CANNOT(p, "a1", PWS_ACT_EDIT_DETAILS, "pw", NULL, PWS_RULE_DT1);
	CANNOT(p, "g1", PWS_ACT_EDIT_DETAILS, "pw", NULL, PWS_RULE_DT1);
	d = tw_digest(p);
	DENY(pws_workspace_set_details(p, "dev", "pw", "X", NULL, NULL, RES), PWS_RULE_DT1);
	DENY(pws_workspace_set_details(p, "a1", "pw", "X", NULL, NULL, RES), PWS_RULE_DT1);
	DENY(pws_workspace_set_details(p, "g1", "pw", NULL, "X", NULL, RES), PWS_RULE_DT1);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* rev12 decisions: ED1/MV1/MV2 moves, INT1 on conversion, DL1 message, */
/* DL2 for never-partner workspaces                                    */
/* ------------------------------------------------------------------ */

/* Asserts a refusal by rule r that changed nothing and told nobody. */
#define DENY_QUIET(p, call, r) do { uint64_t d_ = tw_digest(p); ev_count = 0; \
	DENY(call, r); \
	ck_assert_msg(tw_digest(p) == d_, "%s changed the state", #call); \
	ck_assert_msg(ev_count == 0, "%s emitted %zu event(s)", #call, ev_count); } while (0)

/* Whether the exported snapshot shows the integration of ws on. */
static int integration_on(pws_policy *p, const char *ws)
{
	char *json = NULL, key[300];
	const char *at, *flag;
	size_t len = 0;
	int on;

	ck_assert_int_eq(pws_snapshot_export(p, &json, &len), PWS_OK);
	snprintf(key, sizeof key, "\"id\":\"%s\"", ws);
	at = strstr(json, key);
	ck_assert_msg(at != NULL, "workspace %s not in the snapshot", ws);
	flag = strstr(at, "\"integration\":");
	ck_assert_msg(flag != NULL, "no integration flag after %s", ws);
	flag += strlen("\"integration\":");
	ck_assert_msg(strncmp(flag, "true", 4) == 0 || strncmp(flag, "false", 5) == 0,
	              "integration flag of %s is %.8s", ws, flag);
	on = strncmp(flag, "true", 4) == 0;
	pws_snapshot_free(p, json);
	return on;
}

static size_t ev_kind_count(int kind)
{
	size_t i, n = 0;

	for (i = 0; i < ev_count; i++)
		n += ev_log[i].kind == kind;
	return n;
}

START_TEST(ED1_partner_cannot_move_into_multi_partner_workspace)
{
	pws_policy *p = ev_world();

	/* a1 is Admin of acme's own workspace and Editor of its collection */
	OK(pws_workspace_create(p, "a1", "acme-ws", "Acme", PWS_VIS_PRIVATE, NULL, RES));
	OK(pws_element_add(p, "a1", "acme-ws", "acol", PWS_EL_COLLECTION, 10, NULL, RES));
	enable_multi(p);
	DENY_QUIET(p, pws_element_move(p, "a1", "acol", "pw", RES), PWS_RULE_ED1);
	assert_element(p, "acol", "acme-ws", 0);
	/* a team member still moves an element into it */
	OK(pws_workspace_create(p, "dev", "dev-ws", "Dev", PWS_VIS_PRIVATE, NULL, RES));
	OK(pws_element_add(p, "dev", "dev-ws", "dcol", PWS_EL_COLLECTION, 10, NULL, RES));
	OK(pws_element_move(p, "dev", "dcol", "pw", RES));
	assert_element(p, "dcol", "pw", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(ED1_partner_of_single_partner_workspace_moves_into_it)
{
	pws_policy *p = ev_world();

	OK(pws_workspace_create(p, "a1", "acme-ws", "Acme", PWS_VIS_PRIVATE, NULL, RES));
	OK(pws_element_add(p, "a1", "acme-ws", "acol", PWS_EL_COLLECTION, 10, NULL, RES));
	/* MV1: a1 may move it out of the workspace it leaves, and reaches pw */
	OK(pws_element_move(p, "a1", "acol", "pw", RES));
	assert_element(p, "acol", "pw", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(MV2_mock_server_and_monitor_refused_anywhere)
{
	pws_policy *p = ev_world();

	OK(pws_element_add(p, "dev2", "team-ws", "tcol", PWS_EL_COLLECTION, 10, NULL, RES));
	OK(pws_element_add(p, "dev2", "team-ws", "tmon", PWS_EL_MONITOR, 10, "tcol", RES));
	OK(pws_element_add(p, "dev2", "team-ws", "tmock", PWS_EL_MOCK_SERVER, 10, "tcol", RES));
	OK(pws_workspace_create(p, "dev2", "d2-ws", "Dev2", PWS_VIS_PRIVATE, NULL, RES));
	/* between two non-partner workspaces, by their Admin and Editor */
	CANNOT(p, "dev2", PWS_ACT_MOVE, "team-ws", "tmon", PWS_RULE_MV2);
	DENY_QUIET(p, pws_element_move(p, "dev2", "tmon", "d2-ws", RES), PWS_RULE_MV2);
	DENY_QUIET(p, pws_element_move(p, "dev2", "tmock", "d2-ws", RES), PWS_RULE_MV2);
	/* out of a partner workspace, by the Admin of the workspace it leaves */
	OK(pws_element_add(p, "dev", "pw", "pmock", PWS_EL_MOCK_SERVER, 10, "col", RES));
	DENY_QUIET(p, pws_element_move(p, "pm", "pmock", "team-ws", RES), PWS_RULE_MV2);
	assert_element(p, "tmon", "team-ws", 0);
	assert_element(p, "tmock", "team-ws", 0);
	assert_element(p, "pmock", "pw", 0);
	/* collections, APIs and environments move */
	OK(pws_element_add(p, "dev2", "team-ws", "tapi", PWS_EL_API, 10, NULL, RES));
	OK(pws_element_add(p, "dev2", "team-ws", "tenv", PWS_EL_ENVIRONMENT, 10, NULL, RES));
	OK(pws_element_move(p, "dev2", "tcol", "d2-ws", RES));
	OK(pws_element_move(p, "dev2", "tapi", "d2-ws", RES));
	OK(pws_element_move(p, "dev2", "tenv", "d2-ws", RES));
	assert_element(p, "tapi", "d2-ws", 0);
	assert_element(p, "tmon", "team-ws", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(MV1_moves_between_non_partner_workspaces)
{
	pws_policy *p = ev_world();

	OK(pws_element_add(p, "dev2", "team-ws", "tcol", PWS_EL_COLLECTION, 10, NULL, RES));
	join(p, "dev2", "team-ws", "dev", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR);
	OK(pws_workspace_create(p, "dev", "dev-ws", "Dev", PWS_VIS_PRIVATE, NULL, RES));
	/* a workspace Editor who is not an Editor on the element */
	CANNOT(p, "dev", PWS_ACT_MOVE, "team-ws", "tcol", PWS_RULE_MV1);
	DENY_QUIET(p, pws_element_move(p, "dev", "tcol", "dev-ws", RES), PWS_RULE_MV1);
	/* the source's Admin, but into a workspace they do not reach */
	DENY_QUIET(p, pws_element_move(p, "dev2", "tcol", "dev-ws", RES), PWS_RULE_MV1);
	assert_element(p, "tcol", "team-ws", 0);
	/* an Editor on the element moves it into a workspace they reach */
	OK(pws_element_add_editor(p, "dev2", "tcol", "dev", RES));
	CAN(p, "dev", PWS_ACT_MOVE, "team-ws", "tcol", PWS_RULE_MV1);
	OK(pws_element_move(p, "dev", "tcol", "dev-ws", RES));
	assert_element(p, "tcol", "dev-ws", 0);
	/* the Admin of the workspace it leaves, without being its Editor */
	OK(pws_element_add(p, "dev", "team-ws", "tapi", PWS_EL_API, 10, NULL, RES));
	OK(pws_workspace_create(p, "dev2", "d2-ws", "Dev2", PWS_VIS_PRIVATE, NULL, RES));
	OK(pws_element_move(p, "dev2", "tapi", "d2-ws", RES));
	assert_element(p, "tapi", "d2-ws", 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(INT1_direct_conversion_turns_integration_off)
{
	pws_policy *p = ev_world();
	const ev_rec *e;

	OK(pws_workspace_create(p, "pm", "pm-ws", "PM", PWS_VIS_TEAM, NULL, RES));
	join(p, "pm", "pm-ws", "dev", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR);
	OK(pws_integration_enable(p, "pm", "pm-ws", RES));
	ck_assert(integration_on(p, "pm-ws"));
	ev_count = 0;
	OK(pws_workspace_convert(p, "pm", "pm-ws", NULL, RES));
	ck_assert_msg(!(tw_res.flags & PWS_RESULT_PENDING), "a Partner Manager's conversion waits");
	ck_assert_int_eq(ws_visibility(p, "pm-ws"), PWS_VIS_PARTNER);
	ck_assert_msg(!integration_on(p, "pm-ws"), "integration still on after conversion");
	CANNOT(p, "pm", PWS_ACT_INTEGRATION, "pm-ws", NULL, PWS_RULE_INT1);
	ck_assert_uint_eq(ev_kind_count(PWS_EV_INTEGRATION_DISABLED), 1);
	e = ev_find(PWS_EV_INTEGRATION_DISABLED);
	ck_assert_int_eq(e->rule, PWS_RULE_INT1);
	ck_assert_msg(ev_has_rcpt(e, "pm"), "the Workspace Admin is not told");
	ck_assert_msg(!ev_has_rcpt(e, "dev"), "a non-admin member is told");
	DENY_QUIET(p, pws_integration_enable(p, "pm", "pm-ws", RES), PWS_RULE_INT1);
	pws_policy_free(p);
}
END_TEST

START_TEST(INT1_approved_conversion_turns_integration_off)
{
	pws_policy *p = ev_world();
	const ev_rec *e;

	join(p, "dev2", "team-ws", "dev", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR);
	OK(pws_integration_enable(p, "dev2", "team-ws", RES));
	OK(pws_workspace_convert(p, "dev2", "team-ws", "for partners", RES));
	ck_assert(tw_res.flags & PWS_RESULT_PENDING);
	ev_count = 0;
	OK(pws_request_review(p, "pm", "team-ws", 1, RES));
	ck_assert_int_eq(ws_visibility(p, "team-ws"), PWS_VIS_PARTNER);
	ck_assert_msg(!integration_on(p, "team-ws"), "integration still on after approval");
	CANNOT(p, "dev2", PWS_ACT_INTEGRATION, "team-ws", NULL, PWS_RULE_INT1);
	ck_assert_uint_eq(ev_kind_count(PWS_EV_INTEGRATION_DISABLED), 1);
	e = ev_find(PWS_EV_INTEGRATION_DISABLED);
	ck_assert_int_eq(e->rule, PWS_RULE_INT1);
	ck_assert_msg(ev_has_rcpt(e, "dev2"), "the Workspace Admin is not told");
	ck_assert_msg(!ev_has_rcpt(e, "dev"), "a non-admin member is told");
	pws_policy_free(p);
}
END_TEST

START_TEST(INT1_no_event_when_no_integration_was_on)
{
	pws_policy *p = ev_world();

	OK(pws_workspace_create(p, "pm", "pm-ws", "PM", PWS_VIS_TEAM, NULL, RES));
	ev_count = 0;
	OK(pws_workspace_convert(p, "pm", "pm-ws", NULL, RES));
	ck_assert_int_eq(ws_visibility(p, "pm-ws"), PWS_VIS_PARTNER);
	ck_assert_uint_eq(ev_kind_count(PWS_EV_INTEGRATION_DISABLED), 0);
	/* by request and approval */
	OK(pws_workspace_convert(p, "dev2", "team-ws", NULL, RES));
	ev_count = 0;
	OK(pws_request_review(p, "pm", "team-ws", 1, RES));
	ck_assert_uint_eq(ev_kind_count(PWS_EV_INTEGRATION_DISABLED), 0);
	/* another workspace's integration is not this conversion's business */
	OK(pws_workspace_create(p, "dev", "dev-ws", "Dev", PWS_VIS_PRIVATE, NULL, RES));
	OK(pws_integration_enable(p, "dev", "dev-ws", RES));
	OK(pws_workspace_create(p, "pm", "pm-ws2", "PM2", PWS_VIS_PRIVATE, NULL, RES));
	ev_count = 0;
	OK(pws_workspace_convert(p, "pm", "pm-ws2", NULL, RES));
	ck_assert_uint_eq(ev_kind_count(PWS_EV_INTEGRATION_DISABLED), 0);
	ck_assert(integration_on(p, "dev-ws"));
	pws_policy_free(p);
}
END_TEST

START_TEST(INT1_denied_conversion_keeps_integration)
{
	pws_policy *p = ev_world();

	OK(pws_integration_enable(p, "dev2", "team-ws", RES));
	OK(pws_workspace_convert(p, "dev2", "team-ws", NULL, RES));
	ev_count = 0;
	OK(pws_request_review(p, "pm", "team-ws", 0, RES));
	ck_assert_int_eq(ws_visibility(p, "team-ws"), PWS_VIS_TEAM);
	ck_assert_msg(integration_on(p, "team-ws"), "a denied conversion turned it off");
	ck_assert_uint_eq(ev_kind_count(PWS_EV_INTEGRATION_DISABLED), 0);
	pws_policy_free(p);
}
END_TEST

/* Case-insensitive substring. */
static int mentions(const char *text, const char *word)
{
	size_t n = strlen(word), i, j;

	for (i = 0; text[i]; i++) {
		for (j = 0; j < n && text[i + j]; j++)
			if ((text[i + j] | 0x20) != (word[j] | 0x20))
				break;
		if (j == n)
			return 1;
	}
	return 0;
}

START_TEST(DL1_open_invite_blocker_named_in_message)
{
	pws_policy *p = ev_world();

	remove_partners(p);
	OK(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	DENY_QUIET(p, pws_workspace_set_visibility(p, "pm", "pw", PWS_VIS_PRIVATE, RES),
	           PWS_RULE_DL1);
	ck_assert_msg(mentions(tw_res.message, "invite"), "DL1 message does not name the open "
	              "invite: \"%s\"", tw_res.message);
	pws_policy_free(p);
}
END_TEST

START_TEST(DL2_never_partner_workspace_deleted_by_its_admin)
{
	pws_policy *p = ev_world();
	const ev_rec *e;

	join(p, "dev2", "team-ws", "dev", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR);
	CANNOT(p, "dev", PWS_ACT_DELETE_WORKSPACE, "team-ws", NULL, PWS_RULE_DL2);
	DENY_QUIET(p, pws_workspace_delete(p, "dev", "team-ws", RES), PWS_RULE_DL2);
	CAN(p, "dev2", PWS_ACT_DELETE_WORKSPACE, "team-ws", NULL, PWS_RULE_DL2);
	ev_count = 0;
	OK(pws_workspace_delete(p, "dev2", "team-ws", RES));
	ck_assert_int_eq(ws_lifecycle(p, "team-ws"), PWS_LC_DELETED);
	e = ev_find(PWS_EV_WORKSPACE_DELETED);
	ck_assert_msg(e != NULL, "members not told");
	ck_assert(ev_has_rcpt(e, "dev"));
	/* a private one, by its creator (its Admin), no Partner Manager involved */
	OK(pws_workspace_create(p, "dev", "dev-ws", "Dev", PWS_VIS_PRIVATE, NULL, RES));
	OK(pws_workspace_delete(p, "dev", "dev-ws", RES));
	ck_assert_int_eq(ws_lifecycle(p, "dev-ws"), PWS_LC_DELETED);
	pws_policy_free(p);
}
END_TEST

Suite *pws_rules_elements_suite(void)
{
	Suite *s = suite_create("rules_elements");
	TCase *tc;

	tc = tcase_create("AC1");
	tcase_add_test(tc, AC1_members_view_send_run_code_export);
	tcase_add_test(tc, AC1_members_keep_access_in_multi_mode);
	tcase_add_test(tc, AC1_non_member_denied);
	tcase_add_test(tc, AC1_partner_manager_non_member_only_views);
	tcase_add_test(tc, AC1_member_who_left_team_loses_access);
	suite_add_tcase(s, tc);

	tc = tcase_create("ED1");
	tcase_add_test(tc, ED1_partner_editor_edits_single_mode);
	tcase_add_test(tc, ED1_team_editor_and_admin_edit);
	tcase_add_test(tc, ED1_viewer_cannot_edit_or_import);
	tcase_add_test(tc, ED1_partner_cannot_edit_multi_mode);
	tcase_add_test(tc, ED1_team_editor_still_edits_multi_mode);
	tcase_add_test(tc, ED1_partner_manager_non_member_cannot_edit);
	suite_add_tcase(s, tc);

	tc = tcase_create("MV1");
	tcase_add_test(tc, MV1_element_editor_moves);
	tcase_add_test(tc, MV1_workspace_admin_moves);
	tcase_add_test(tc, MV1_super_admin_owner_who_reaches_moves);
	tcase_add_test(tc, MV1_super_admin_who_does_not_reach_cannot_move);
	tcase_add_test(tc, MV1_plain_viewer_cannot_move);
	tcase_add_test(tc, MV1_workspace_editor_moves_only_as_element_editor);
	tcase_add_test(tc, MV1_only_into_a_workspace_the_actor_reaches);
	tcase_add_test(tc, MV1_partner_element_editor_cannot_move_in_multi_mode);
	suite_add_tcase(s, tc);

	tc = tcase_create("MV2");
	tcase_add_test(tc, MV2_monitor_and_mock_stay_when_collection_moves);
	tcase_add_test(tc, MV2_monitor_cannot_be_moved);
	suite_add_tcase(s, tc);

	tc = tcase_create("RM1");
	tcase_add_test(tc, RM1_element_editor_deletes);
	tcase_add_test(tc, RM1_workspace_admin_deletes);
	tcase_add_test(tc, RM1_super_admin_who_reaches_deletes);
	tcase_add_test(tc, RM1_viewer_and_non_element_editor_cannot_delete);
	tcase_add_test(tc, RM1_non_member_cannot_delete);
	tcase_add_test(tc, RM1_partner_element_editor_cannot_delete_in_multi_mode);
	suite_add_tcase(s, tc);

	tc = tcase_create("FK1");
	tcase_add_test(tc, FK1_partner_viewer_on_paid_team_forks_into_own_team);
	tcase_add_test(tc, FK1_partner_on_free_team_needs_editor);
	tcase_add_test(tc, FK1_teamless_partner_cannot_fork);
	tcase_add_test(tc, FK1_target_must_be_own_team_workspace_where_editor_or_admin);
	tcase_add_test(tc, FK1_team_member_forks_into_reachable_workspace_where_editor_or_admin);
	tcase_add_test(tc, FK1_team_member_cannot_fork_where_not_editor);
	tcase_add_test(tc, FK1_non_member_cannot_fork);
	suite_add_tcase(s, tc);

	tc = tcase_create("PL3");
	tcase_add_test(tc, PL3_enterprise_small_collection_trashed_and_restorable);
	tcase_add_test(tc, PL3_trashed_collection_not_restorable_after_90_days);
	tcase_add_test(tc, PL3_restore_dated_before_the_deletion_refused);
	tcase_add_test(tc, PL3_api_and_environment_not_recoverable);
	tcase_add_test(tc, PL3_collection_of_30_mb_or_more_not_recoverable);
	tcase_add_test(tc, PL3_non_enterprise_not_recoverable_by_default);
	tcase_add_test(tc, PL3_configured_retention_makes_other_plan_recoverable);
	tcase_add_test(tc, PL3_restore_needs_rm1_permission);
	suite_add_tcase(s, tc);

	tc = tcase_create("DL1");
	tcase_add_test(tc, DL1_admin_changes_visibility_once_no_partner_left);
	tcase_add_test(tc, DL1_partner_manager_non_member_changes_visibility);
	tcase_add_test(tc, DL1_refused_while_partners_remain);
	tcase_add_test(tc, DL1_open_partner_invite_blocks);
	tcase_add_test(tc, DL1_suspended_partner_membership_blocks);
	tcase_add_test(tc, DL1_non_admin_cannot_change_visibility);
	suite_add_tcase(s, tc);

	tc = tcase_create("DL2");
	tcase_add_test(tc, DL2_partner_workspace_cannot_be_deleted);
	tcase_add_test(tc, DL2_admin_deletes_after_dl1_members_notified);
	tcase_add_test(tc, DL2_partner_manager_deletes_former_partner_workspace);
	tcase_add_test(tc, DL2_non_admin_cannot_delete);
	suite_add_tcase(s, tc);

	tc = tcase_create("MP1");
	tcase_add_test(tc, MP1_admin_enables_once_partner_editors_downgraded);
	tcase_add_test(tc, MP1_no_downgrade_flag_without_partner_editors);
	tcase_add_test(tc, MP1_enabling_again_refused_never_turned_off);
	tcase_add_test(tc, MP1_partner_manager_non_member_enables);
	tcase_add_test(tc, MP1_non_admin_cannot_enable);
	tcase_add_test(tc, MP1_only_partner_workspaces);
	suite_add_tcase(s, tc);

	tc = tcase_create("INT1");
	tcase_add_test(tc, INT1_no_integration_in_partner_workspace);
	tcase_add_test(tc, INT1_workspace_admin_elsewhere_may);
	tcase_add_test(tc, INT1_non_admin_elsewhere_cannot);
	suite_add_tcase(s, tc);

	tc = tcase_create("DT1");
	tcase_add_test(tc, DT1_admin_and_partner_manager_edit_details);
	tcase_add_test(tc, DT1_others_cannot_edit_details);
	suite_add_tcase(s, tc);

	tc = tcase_create("rev12");
	tcase_add_test(tc, ED1_partner_cannot_move_into_multi_partner_workspace);
	tcase_add_test(tc, ED1_partner_of_single_partner_workspace_moves_into_it);
	tcase_add_test(tc, MV2_mock_server_and_monitor_refused_anywhere);
	tcase_add_test(tc, MV1_moves_between_non_partner_workspaces);
	tcase_add_test(tc, INT1_direct_conversion_turns_integration_off);
	tcase_add_test(tc, INT1_approved_conversion_turns_integration_off);
	tcase_add_test(tc, INT1_no_event_when_no_integration_was_on);
	tcase_add_test(tc, INT1_denied_conversion_keeps_integration);
	tcase_add_test(tc, DL1_open_invite_blocker_named_in_message);
	tcase_add_test(tc, DL2_never_partner_workspace_deleted_by_its_admin);
	suite_add_tcase(s, tc);

	return s;
}
