/*
 * Rule tests for collaboration and visibility: CM1, UP1, UP2 and the
 * visibility filter VI1-VI8. Every test is named after the rule it proves;
 * denials assert the deciding rule and that the state digest did not move.
 * SPDX-License-Identifier: MIT
 */
#include "test-events.h"

#include <stdio.h>
#include <string.h>

#define NOW ((int64_t)1700000000)

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static void join(pws_policy *p, const char *inviter, const char *ws, const char *user,
                 const char *email, int kind, int role)
{
	OK(pws_invite(p, inviter, ws, email, kind, role, 0, RES));
	OK(pws_invite_accept(p, user, ws, NULL, RES));
}

/* a2: a second acme partner (Viewer) in pw. */
static void add_a2(pws_policy *p)
{
	join(p, "pm", "pw", "a2", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
}

static void add_pm2(pws_policy *p)
{
	OK(pws_user_add(p, "pm2", "pm2@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
}

static void enable_multi(pws_policy *p)
{
	int mode = 0;

	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	ck_assert_int_eq(pws_workspace_get(p, NULL, &mode, NULL, NULL, "pw"), PWS_OK);
	ck_assert_int_eq(mode, PWS_MODE_MULTI);
}

static uint32_t unread(pws_policy *p, const char *user, const char *ws)
{
	uint32_t n = 0xffffffffu;
	int rc = pws_workspace_unread(p, &n, user, ws);

	ck_assert_msg(rc == PWS_OK, "unread(%s, %s) -> %s", user, ws, pws_strerror(rc));
	return n;
}

/* Whether @p viewer sees @p member of pw; stores the rule. */
static int sees(pws_policy *p, const char *viewer, const char *member, int *rule)
{
	int vis = -1, r = -1, rc;

	rc = pws_can_see_member(p, &vis, &r, viewer, "pw", member);
	ck_assert_msg(rc == PWS_OK, "can_see_member(%s, %s) -> %s", viewer, member,
	              pws_strerror(rc));
	if (rule)
		*rule = r;
	return vis;
}

static int org_sees(pws_policy *p, const char *org, const char *member, int *rule)
{
	int vis = -1, r = -1, rc;

	rc = pws_org_can_see_member(p, &vis, &r, org, "pw", member);
	ck_assert_msg(rc == PWS_OK, "org_can_see_member(%s, %s) -> %s", org, member,
	              pws_strerror(rc));
	if (rule)
		*rule = r;
	return vis;
}

#define SEES(p, v, m, r) do { int r_ = -1; \
	ck_assert_msg(sees(p, v, m, &r_) == 1 && r_ == (r), \
	              "%s should see %s by %s (rule %s)", v, m, pws_rule_id(r), pws_rule_id(r_)); \
	} while (0)
#define NOT_SEES(p, v, m, r) do { int r_ = -1; \
	ck_assert_msg(sees(p, v, m, &r_) == 0 && r_ == (r), \
	              "%s should not see %s by %s (rule %s)", v, m, pws_rule_id(r), \
	              pws_rule_id(r_)); } while (0)

static int sees_history(pws_policy *p, const char *viewer, const char *entry, int *rule)
{
	int vis = -1, r = -1, rc;

	rc = pws_can_see_history(p, &vis, &r, viewer, entry);
	ck_assert_msg(rc == PWS_OK, "can_see_history(%s, %s) -> %s", viewer, entry,
	              pws_strerror(rc));
	if (rule)
		*rule = r;
	return vis;
}

static int sees_reply(pws_policy *p, const char *viewer, const char *reply, int *rule)
{
	int vis = -1, r = -1, rc;

	rc = pws_can_see_reply(p, &vis, &r, viewer, reply);
	ck_assert_msg(rc == PWS_OK, "can_see_reply(%s, %s) -> %s", viewer, reply,
	              pws_strerror(rc));
	if (rule)
		*rule = r;
	return vis;
}

/* ------------------------------------------------------------------ */
/* CM1: comments                                                       */
/* ------------------------------------------------------------------ */

START_TEST(CM1_members_comment_single_mode)
{
	pws_policy *p = tw_world();
	const char *who[] = {"pm", "dev", "a1", "g1"};
	char id[32];
	uint64_t d;
	size_t i;

	for (i = 0; i < 4; i++) {
		CAN(p, who[i], PWS_ACT_COMMENT, "pw", "col", PWS_RULE_CM1);
		snprintf(id, sizeof id, "c-%s", who[i]);
		d = tw_digest(p);
		OK(pws_comment_add(p, who[i], "col", id, "looks good", RES));
		ck_assert_msg(tw_digest(p) != d, "comment by %s left no trace", who[i]);
	}
	/* the same comment id twice is a conflict, not a second comment */
	FAILS(pws_comment_add(p, "dev", "col", "c-dev", "again", RES), PWS_EEXISTS);
	pws_policy_free(p);
}
END_TEST

START_TEST(CM1_nobody_comments_multi_mode)
{
	pws_policy *p = tw_world();
	const char *who[] = {"pm", "dev", "a1", "g1"};
	uint64_t d;
	size_t i;

	enable_multi(p);
	for (i = 0; i < 4; i++)
		CANNOT(p, who[i], PWS_ACT_COMMENT, "pw", "col", PWS_RULE_CM1);
	d = tw_digest(p);
	for (i = 0; i < 4; i++)
		DENY(pws_comment_add(p, who[i], "col", "c1", "hello", RES), PWS_RULE_CM1);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(CM1_non_member_cannot_comment)
{
	pws_policy *p = tw_world();
	uint64_t d;

	CANNOT(p, "dev2", PWS_ACT_COMMENT, "pw", "col", PWS_RULE_WS1);
	d = tw_digest(p);
	DENY(pws_comment_add(p, "dev2", "col", "c1", "hello", RES), PWS_RULE_WS1);
	DENY(pws_comment_add(p, "a2", "col", "c2", "hello", RES), PWS_RULE_WS1);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* UP1: posting updates                                                */
/* ------------------------------------------------------------------ */

START_TEST(UP1_team_editors_and_admins_post)
{
	pws_policy *p = tw_world();

	CAN(p, "dev", PWS_ACT_POST_UPDATE, "pw", NULL, PWS_RULE_UP1);
	CAN(p, "pm", PWS_ACT_POST_UPDATE, "pw", NULL, PWS_RULE_UP1);
	ck_assert_uint_eq(unread(p, "g1", "pw"), 0);
	OK(pws_update_post(p, "dev", "pw", "u1", "v2 is out", NOW, RES));
	OK(pws_update_post(p, "pm", "pw", "u2", "welcome", NOW + 1, RES));
	ck_assert_uint_eq(unread(p, "g1", "pw"), 2);
	ck_assert_uint_eq(unread(p, "a1", "pw"), 2);
	FAILS(pws_update_post(p, "dev", "pw", "u1", "dup", NOW + 2, RES), PWS_EEXISTS);
	pws_policy_free(p);
}
END_TEST

START_TEST(UP1_team_editors_post_in_multi_mode)
{
	pws_policy *p = tw_world();

	enable_multi(p);
	CAN(p, "dev", PWS_ACT_POST_UPDATE, "pw", NULL, PWS_RULE_UP1);
	OK(pws_update_post(p, "dev", "pw", "u1", "v2 is out", NOW, RES));
	ck_assert_uint_eq(unread(p, "g1", "pw"), 1);
	pws_policy_free(p);
}
END_TEST

START_TEST(UP1_partners_cannot_post)
{
	pws_policy *p = tw_world();
	uint64_t d;

	/* a1 is a partner Editor and Partner Lead: still not a team member */
	CANNOT(p, "a1", PWS_ACT_POST_UPDATE, "pw", NULL, PWS_RULE_UP1);
	CANNOT(p, "g1", PWS_ACT_POST_UPDATE, "pw", NULL, PWS_RULE_UP1);
	d = tw_digest(p);
	DENY(pws_update_post(p, "a1", "pw", "u1", "hi", NOW, RES), PWS_RULE_UP1);
	DENY(pws_update_post(p, "g1", "pw", "u2", "hi", NOW, RES), PWS_RULE_UP1);
	ck_assert(tw_digest(p) == d);
	ck_assert_uint_eq(unread(p, "dev", "pw"), 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(UP1_team_viewer_cannot_post)
{
	pws_policy *p = tw_world();
	uint64_t d;

	join(p, "pm", "pw", "dev2", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER);
	CANNOT(p, "dev2", PWS_ACT_POST_UPDATE, "pw", NULL, PWS_RULE_UP1);
	d = tw_digest(p);
	DENY(pws_update_post(p, "dev2", "pw", "u1", "hi", NOW, RES), PWS_RULE_UP1);
	ck_assert(tw_digest(p) == d);
	ck_assert_uint_eq(unread(p, "g1", "pw"), 0);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* UP2: replies                                                        */
/* ------------------------------------------------------------------ */

START_TEST(UP2_members_reply_single_mode)
{
	pws_policy *p = tw_world();
	const char *who[] = {"pm", "dev", "a1", "g1"};
	char id[32];
	size_t i;

	OK(pws_update_post(p, "dev", "pw", "u1", "v2 is out", NOW, RES));
	for (i = 0; i < 4; i++) {
		CAN(p, who[i], PWS_ACT_REPLY, "pw", NULL, PWS_RULE_UP2);
		snprintf(id, sizeof id, "r-%s", who[i]);
		OK(pws_update_reply(p, who[i], "u1", id, "thanks", NOW + 1 + (int64_t)i, RES));
		ck_assert_int_eq(sees_reply(p, who[i], id, NULL), 1);
	}
	pws_policy_free(p);
}
END_TEST

START_TEST(UP2_nobody_replies_multi_mode)
{
	pws_policy *p = tw_world();
	const char *who[] = {"pm", "dev", "a1", "g1"};
	int vis = -1;
	uint64_t d;
	size_t i;

	enable_multi(p);
	OK(pws_update_post(p, "dev", "pw", "u1", "v2 is out", NOW, RES));
	for (i = 0; i < 4; i++)
		CANNOT(p, who[i], PWS_ACT_REPLY, "pw", NULL, PWS_RULE_UP2);
	d = tw_digest(p);
	for (i = 0; i < 4; i++)
		DENY(pws_update_reply(p, who[i], "u1", "r1", "thanks", NOW + 1, RES),
		     PWS_RULE_UP2);
	ck_assert(tw_digest(p) == d);
	ck_assert_int_eq(pws_can_see_reply(p, &vis, NULL, "dev", "r1"), PWS_ENOTFOUND);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* VI1: publisher team members see every member                        */
/* ------------------------------------------------------------------ */

START_TEST(VI1_team_members_see_every_member)
{
	pws_policy *p = tw_world();
	const char *members[] = {"pm", "dev", "a1", "a2", "g1"};
	size_t i;

	add_a2(p);
	add_pm2(p);
	enable_multi(p); /* VI1 holds whatever the mode */
	for (i = 0; i < 5; i++) {
		SEES(p, "dev", members[i], PWS_RULE_VI1);
		SEES(p, "pm", members[i], PWS_RULE_VI1);
		/* the team's Partner Managers, member or not */
		SEES(p, "pm2", members[i], PWS_RULE_VI1);
	}
	pws_policy_free(p);
}
END_TEST

START_TEST(VI1_non_member_sees_nothing)
{
	pws_policy *p = tw_world();
	const char *members[] = {"pm", "dev", "a1", "g1"};
	size_t i;

	/* dev2 is on the publisher team but not a member of pw */
	for (i = 0; i < 4; i++) {
		NOT_SEES(p, "dev2", members[i], PWS_RULE_WS1);
		NOT_SEES(p, "a2", members[i], PWS_RULE_WS1);
	}
	CANNOT(p, "dev2", PWS_ACT_VIEW_MEMBERS, "pw", NULL, PWS_RULE_WS1);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* VI2: multi-partner isolation                                        */
/* ------------------------------------------------------------------ */

START_TEST(VI2_multi_partner_sees_team_and_own_org)
{
	pws_policy *p = tw_world();

	add_a2(p);
	enable_multi(p);
	SEES(p, "a1", "pm", PWS_RULE_VI2);
	SEES(p, "a1", "dev", PWS_RULE_VI2);
	SEES(p, "a1", "a2", PWS_RULE_VI2);
	SEES(p, "a2", "a1", PWS_RULE_VI2);
	SEES(p, "g1", "pm", PWS_RULE_VI2);
	SEES(p, "g1", "dev", PWS_RULE_VI2);
	ck_assert_int_eq(org_sees(p, "acme", "a2", NULL), 1);
	ck_assert_int_eq(org_sees(p, "acme", "dev", NULL), 1);
	ck_assert_int_eq(org_sees(p, "globex", "pm", NULL), 1);
	pws_policy_free(p);
}
END_TEST

START_TEST(VI2_multi_partner_never_sees_other_org)
{
	pws_policy *p = tw_world();

	add_a2(p);
	enable_multi(p);
	NOT_SEES(p, "a1", "g1", PWS_RULE_VI2);
	NOT_SEES(p, "a2", "g1", PWS_RULE_VI2);
	NOT_SEES(p, "g1", "a1", PWS_RULE_VI2);
	NOT_SEES(p, "g1", "a2", PWS_RULE_VI2);
	ck_assert_int_eq(org_sees(p, "acme", "g1", NULL), 0);
	ck_assert_int_eq(org_sees(p, "globex", "a1", NULL), 0);
	ck_assert_int_eq(org_sees(p, "globex", "a2", NULL), 0);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* VI3: single mode, everyone sees everyone                            */
/* ------------------------------------------------------------------ */

START_TEST(VI3_single_mode_everyone_sees_everyone)
{
	pws_policy *p = tw_world();
	const char *members[] = {"pm", "dev", "a1", "a2", "g1"};
	size_t i, j;

	add_a2(p);
	for (i = 0; i < 5; i++)
		for (j = 0; j < 5; j++)
			ck_assert_msg(sees(p, members[i], members[j], NULL) == 1,
			              "%s should see %s in single mode", members[i], members[j]);
	SEES(p, "g1", "a1", PWS_RULE_VI3);
	SEES(p, "a1", "g1", PWS_RULE_VI3);
	SEES(p, "a2", "g1", PWS_RULE_VI3);
	ck_assert_int_eq(org_sees(p, "acme", "g1", NULL), 1);
	ck_assert_int_eq(org_sees(p, "globex", "a1", NULL), 1);
	pws_policy_free(p);
}
END_TEST

START_TEST(VI3_no_longer_holds_once_multi)
{
	pws_policy *p = tw_world();

	SEES(p, "g1", "a1", PWS_RULE_VI3);
	enable_multi(p);
	NOT_SEES(p, "g1", "a1", PWS_RULE_VI2);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* VI4: history is private                                             */
/* ------------------------------------------------------------------ */

START_TEST(VI4_author_sees_own_history)
{
	pws_policy *p = tw_world();
	int r = -1;

	OK(pws_history_add(p, "dev", "pw", "h-dev", "sent GET /users", NOW, RES));
	OK(pws_history_add(p, "g1", "pw", "h-g1", "ran col", NOW, RES));
	ck_assert_int_eq(sees_history(p, "dev", "h-dev", &r), 1);
	ck_assert_int_eq(r, PWS_RULE_VI4);
	ck_assert_int_eq(sees_history(p, "g1", "h-g1", &r), 1);
	ck_assert_int_eq(r, PWS_RULE_VI4);
	pws_policy_free(p);
}
END_TEST

START_TEST(VI4_others_never_see_history)
{
	pws_policy *p = tw_world();
	const char *others[] = {"pm", "a1", "g1", "owner"};
	int r = -1;
	size_t i;

	add_pm2(p);
	OK(pws_history_add(p, "dev", "pw", "h-dev", "sent GET /users", NOW, RES));
	OK(pws_history_add(p, "a1", "pw", "h-a1", "ran col", NOW, RES));
	for (i = 0; i < 4; i++) {
		ck_assert_msg(sees_history(p, others[i], "h-dev", &r) == 0 && r == PWS_RULE_VI4,
		              "%s sees dev's history (rule %s)", others[i], pws_rule_id(r));
	}
	/* not even the Workspace Admin or a Partner Manager, in any mode */
	enable_multi(p);
	ck_assert(sees_history(p, "pm", "h-a1", &r) == 0 && r == PWS_RULE_VI4);
	ck_assert(sees_history(p, "pm2", "h-a1", &r) == 0 && r == PWS_RULE_VI4);
	ck_assert(sees_history(p, "dev", "h-a1", &r) == 0 && r == PWS_RULE_VI4);
	ck_assert(sees_history(p, "a1", "h-a1", &r) == 1 && r == PWS_RULE_VI4);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* VI5: updates are broadcast                                          */
/* ------------------------------------------------------------------ */

START_TEST(VI5_update_broadcast_to_every_member)
{
	pws_policy *p = ev_world();
	const char *others[] = {"pm", "a1", "a2", "g1"};
	const ev_rec *e;
	size_t i;

	add_a2(p);
	ev_count = 0;
	OK(pws_update_post(p, "dev", "pw", "u1", "v2 is out", NOW, RES));
	e = ev_find(PWS_EV_UPDATE_POSTED);
	ck_assert_msg(e != NULL, "no UPDATE_POSTED event");
	ck_assert_str_eq(e->actor, "dev");
	ck_assert_str_eq(e->subject, "u1");
	for (i = 0; i < 4; i++)
		ck_assert_msg(ev_has_rcpt(e, others[i]), "%s not told of the update", others[i]);
	/* nobody outside the workspace */
	ck_assert(!ev_has_rcpt(e, "dev2") && !ev_has_rcpt(e, "a3") && !ev_has_rcpt(e, "g2"));

	/* also in multi mode: every partner organization gets it, each in an
	 * event of its own (EV1) */
	enable_multi(p);
	ev_count = 0;
	OK(pws_update_post(p, "pm", "pw", "u2", "multi now", NOW + 10, RES));
	e = ev_find(PWS_EV_UPDATE_POSTED);
	ck_assert_msg(e != NULL, "no UPDATE_POSTED event in multi mode");
	ck_assert(ev_kind_has_rcpt(PWS_EV_UPDATE_POSTED, "dev") &&
	          ev_kind_has_rcpt(PWS_EV_UPDATE_POSTED, "a1") &&
	          ev_kind_has_rcpt(PWS_EV_UPDATE_POSTED, "g1"));
	pws_policy_free(p);
}
END_TEST

START_TEST(VI5_replies_visible_to_members_single_mode)
{
	pws_policy *p = tw_world();
	const char *members[] = {"pm", "dev", "a1", "g1"};
	int r = -1;
	size_t i;

	OK(pws_update_post(p, "dev", "pw", "u1", "v2 is out", NOW, RES));
	OK(pws_update_reply(p, "g1", "u1", "r-g1", "thanks", NOW + 1, RES));
	for (i = 0; i < 4; i++) {
		ck_assert_msg(sees_reply(p, members[i], "r-g1", &r) == 1 && r == PWS_RULE_VI5,
		              "%s does not see g1's reply (rule %s)", members[i],
		              pws_rule_id(r));
	}
	pws_policy_free(p);
}
END_TEST

START_TEST(VI5_replies_hidden_from_outsiders_and_other_orgs)
{
	pws_policy *p = tw_world();
	int r = -1;

	OK(pws_update_post(p, "dev", "pw", "u1", "v2 is out", NOW, RES));
	OK(pws_update_reply(p, "g1", "u1", "r-g1", "thanks", NOW + 1, RES));
	/* a non-member sees no reply */
	ck_assert_int_eq(sees_reply(p, "dev2", "r-g1", &r), 0);
	ck_assert_int_eq(r, PWS_RULE_WS1);
	/* once multi, a reply from another partner organization is not shown
	 * to acme (replies: members who can see the author) */
	enable_multi(p);
	ck_assert_int_eq(sees_reply(p, "a1", "r-g1", &r), 0);
	ck_assert_msg(r == PWS_RULE_VI2 || r == PWS_RULE_VI5, "rule %s", pws_rule_id(r));
	ck_assert_int_eq(sees_reply(p, "dev", "r-g1", &r), 1);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* VI6: unread-updates count                                           */
/* ------------------------------------------------------------------ */

START_TEST(VI6_unread_counts_updates_since_visit)
{
	pws_policy *p = tw_world();

	ck_assert_uint_eq(unread(p, "g1", "pw"), 0);
	ck_assert_uint_eq(unread(p, "a1", "pw"), 0);
	OK(pws_update_post(p, "dev", "pw", "u1", "one", NOW, RES));
	OK(pws_update_post(p, "dev", "pw", "u2", "two", NOW + 1, RES));
	ck_assert_uint_eq(unread(p, "g1", "pw"), 2);
	OK(pws_workspace_visit(p, "g1", "pw", RES));
	ck_assert_uint_eq(unread(p, "g1", "pw"), 0);
	ck_assert_uint_eq(unread(p, "a1", "pw"), 2); /* a1 has not visited */
	OK(pws_update_post(p, "pm", "pw", "u3", "three", NOW + 2, RES));
	ck_assert_uint_eq(unread(p, "g1", "pw"), 1);
	ck_assert_uint_eq(unread(p, "a1", "pw"), 3);
	OK(pws_workspace_visit(p, "a1", "pw", RES));
	ck_assert_uint_eq(unread(p, "a1", "pw"), 0);
	ck_assert_uint_eq(unread(p, "g1", "pw"), 1);
	pws_policy_free(p);
}
END_TEST

START_TEST(VI6_non_member_has_no_unread_count)
{
	pws_policy *p = tw_world();
	uint32_t n = 0;
	uint64_t d;

	OK(pws_update_post(p, "dev", "pw", "u1", "one", NOW, RES));
	FAILS(pws_workspace_unread(p, &n, "dev2", "pw"), PWS_EDENIED);
	d = tw_digest(p);
	FAILS(pws_workspace_visit(p, "dev2", "pw", RES), PWS_EDENIED);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* VI7: partners are marked external                                   */
/* ------------------------------------------------------------------ */

START_TEST(VI7_partners_marked_external)
{
	pws_policy *p = tw_world();
	int isp = -1;

	ck_assert_int_eq(pws_member_get(p, NULL, NULL, &isp, "pw", "a1"), PWS_OK);
	ck_assert_int_eq(isp, 1);
	ck_assert_int_eq(pws_member_get(p, NULL, NULL, &isp, "pw", "g1"), PWS_OK);
	ck_assert_int_eq(isp, 1);
	/* a legacy, teamless partner too */
	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "pm", RES));
	OK(pws_invite(p, "pm", "lw", "solo@gmail.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "solo", "lw", NULL, RES));
	ck_assert_int_eq(pws_member_get(p, NULL, NULL, &isp, "lw", "solo"), PWS_OK);
	ck_assert_int_eq(isp, 1);
	pws_policy_free(p);
}
END_TEST

START_TEST(VI7_team_members_not_marked_external)
{
	pws_policy *p = tw_world();
	int isp = -1;

	ck_assert_int_eq(pws_member_get(p, NULL, NULL, &isp, "pw", "dev"), PWS_OK);
	ck_assert_int_eq(isp, 0);
	isp = -1;
	ck_assert_int_eq(pws_member_get(p, NULL, NULL, &isp, "pw", "pm"), PWS_OK);
	ck_assert_int_eq(isp, 0);
	isp = -1;
	ck_assert_int_eq(pws_member_get(p, NULL, NULL, &isp, "team-ws", "dev2"), PWS_OK);
	ck_assert_int_eq(isp, 0);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* VI8: view as a partner organization                                 */
/* ------------------------------------------------------------------ */

static void vi8_compare(pws_policy *p, const char *org, const char *viewer_partner)
{
	const char *members[] = {"pm", "dev", "a1", "a2", "g1", "g2"};
	size_t i;

	for (i = 0; i < 6; i++) {
		int o = org_sees(p, org, members[i], NULL);
		int v = sees(p, viewer_partner, members[i], NULL);

		ck_assert_msg(o == v, "VI8: org %s sees %s = %d, viewer %s sees = %d", org,
		              members[i], o, viewer_partner, v);
	}
}

static pws_policy *vi8_world(void)
{
	pws_policy *p = tw_world();

	add_a2(p); /* acme Viewer without a role of its own */
	join(p, "pm", "pw", "g2", "g2@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
	return p;
}

START_TEST(VI8_org_view_equals_viewer_partner_single_mode)
{
	pws_policy *p = vi8_world();

	vi8_compare(p, "acme", "a2");
	vi8_compare(p, "globex", "g2");
	vi8_compare(p, "globex", "g1");
	pws_policy_free(p);
}
END_TEST

START_TEST(VI8_org_view_equals_viewer_partner_multi_mode)
{
	pws_policy *p = vi8_world();

	enable_multi(p);
	vi8_compare(p, "acme", "a2");
	vi8_compare(p, "globex", "g2");
	/* and it is not everything: the org view hides the other org */
	ck_assert_int_eq(org_sees(p, "acme", "g2", NULL), 0);
	ck_assert_int_eq(org_sees(p, "globex", "a2", NULL), 0);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */

Suite *pws_rules_collab_suite(void)
{
	Suite *s = suite_create("rules_collab");
	TCase *tc;

	tc = tcase_create("CM1");
	tcase_add_test(tc, CM1_members_comment_single_mode);
	tcase_add_test(tc, CM1_nobody_comments_multi_mode);
	tcase_add_test(tc, CM1_non_member_cannot_comment);
	suite_add_tcase(s, tc);

	tc = tcase_create("UP1");
	tcase_add_test(tc, UP1_team_editors_and_admins_post);
	tcase_add_test(tc, UP1_team_editors_post_in_multi_mode);
	tcase_add_test(tc, UP1_partners_cannot_post);
	tcase_add_test(tc, UP1_team_viewer_cannot_post);
	suite_add_tcase(s, tc);

	tc = tcase_create("UP2");
	tcase_add_test(tc, UP2_members_reply_single_mode);
	tcase_add_test(tc, UP2_nobody_replies_multi_mode);
	suite_add_tcase(s, tc);

	tc = tcase_create("VI");
	tcase_add_test(tc, VI1_team_members_see_every_member);
	tcase_add_test(tc, VI1_non_member_sees_nothing);
	tcase_add_test(tc, VI2_multi_partner_sees_team_and_own_org);
	tcase_add_test(tc, VI2_multi_partner_never_sees_other_org);
	tcase_add_test(tc, VI3_single_mode_everyone_sees_everyone);
	tcase_add_test(tc, VI3_no_longer_holds_once_multi);
	tcase_add_test(tc, VI4_author_sees_own_history);
	tcase_add_test(tc, VI4_others_never_see_history);
	tcase_add_test(tc, VI5_update_broadcast_to_every_member);
	tcase_add_test(tc, VI5_replies_visible_to_members_single_mode);
	tcase_add_test(tc, VI5_replies_hidden_from_outsiders_and_other_orgs);
	tcase_add_test(tc, VI6_unread_counts_updates_since_visit);
	tcase_add_test(tc, VI6_non_member_has_no_unread_count);
	tcase_add_test(tc, VI7_partners_marked_external);
	tcase_add_test(tc, VI7_team_members_not_marked_external);
	tcase_add_test(tc, VI8_org_view_equals_viewer_partner_single_mode);
	tcase_add_test(tc, VI8_org_view_equals_viewer_partner_multi_mode);
	suite_add_tcase(s, tc);

	return s;
}
