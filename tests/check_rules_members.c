/*
 * Rule tests: roles (RO1-RO6), inviting (IN1-IN6) and ending partner
 * relations (RM2).
 *
 * Every test is named after the rule id it exercises. Denials assert the
 * deciding rule and that the state (tw_digest) did not change.
 * SPDX-License-Identifier: MIT
 */
#include "test-events.h"
#include "mem-store.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* State helpers                                                       */
/* ------------------------------------------------------------------ */

static void add_partner(pws_policy *p, const char *actor, const char *ws, const char *user,
                        const char *email, int role, int lead)
{
	OK(pws_invite(p, actor, ws, email, PWS_INVITE_PARTNER, role, lead, RES));
	OK(pws_invite_accept(p, user, ws, NULL, RES));
}

/* The standard world plus a Partner Manager "pm2" who is not a member of
 * "pw". */
static pws_policy *world_pm2(void)
{
	pws_policy *p = tw_world();

	OK(pws_user_add(p, "pm2", "pm2@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	return p;
}

/* Partner invite by actor into ws, with the given role and no lead flag. */
static int pinvite(pws_policy *p, const char *actor, const char *ws, const char *email, int role)
{
	return pws_invite(p, actor, ws, email, PWS_INVITE_PARTNER, role, 0, RES);
}

/* ------------------------------------------------------------------ */
/* RO1: partners are editor or viewer, never admin                     */
/* ------------------------------------------------------------------ */

START_TEST(RO1_partner_never_invited_as_admin)
{
	pws_policy *p = world_pm2();
	uint64_t d = tw_digest(p);

	DENY(pinvite(p, "pm", "pw", "a2@acme.com", PWS_ROLE_ADMIN), PWS_RULE_RO1);
	DENY(pinvite(p, "pm2", "pw", "i1@initech.com", PWS_ROLE_ADMIN), PWS_RULE_RO1);
	expect_no_invite(p, "pw", "a2@acme.com");
	expect_no_invite(p, "pw", "i1@initech.com");
	ck_assert(tw_digest(p) == d);
	/* Editor and viewer are fine. */
	OK(pinvite(p, "pm", "pw", "a2@acme.com", PWS_ROLE_EDITOR));
	expect_invite(p, "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0);
	OK(pinvite(p, "pm", "pw", "i1@initech.com", PWS_ROLE_VIEWER));
	expect_invite(p, "pw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(RO1_partner_never_made_admin)
{
	pws_policy *p = world_pm2();
	uint64_t d = tw_digest(p);

	DENY(pws_member_set_role(p, "pm", "pw", "a1", PWS_ROLE_ADMIN, RES), PWS_RULE_RO1);
	DENY(pws_member_set_role(p, "pm2", "pw", "g1", PWS_ROLE_ADMIN, RES), PWS_RULE_RO1);
	expect_member(p, "pw", "a1", PWS_ROLE_EDITOR, 1, 1);
	expect_member(p, "pw", "g1", PWS_ROLE_VIEWER, 0, 1);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(RO1_team_member_can_be_admin)
{
	pws_policy *p = tw_world();

	OK(pws_member_set_role(p, "pm", "pw", "dev", PWS_ROLE_ADMIN, RES));
	expect_member(p, "pw", "dev", PWS_ROLE_ADMIN, 0, 0);
	OK(pws_invite(p, "pm", "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_ADMIN, 0, RES));
	OK(pws_invite_accept(p, "dev2", "pw", NULL, RES));
	expect_member(p, "pw", "dev2", PWS_ROLE_ADMIN, 0, 0);
	/* A partner may move between viewer and editor. */
	OK(pws_member_set_role(p, "pm", "pw", "a1", PWS_ROLE_VIEWER, RES));
	expect_member(p, "pw", "a1", PWS_ROLE_VIEWER, 1, 1);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* RO2: multi-partner mode: partners are viewers                       */
/* ------------------------------------------------------------------ */

START_TEST(RO2_enabling_multi_downgrades_partner_editors)
{
	pws_policy *p = tw_world();
	int mode = -1;

	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	ck_assert_msg(tw_res.flags & PWS_RESULT_DOWNGRADED, "no DOWNGRADED flag");
	ck_assert_int_eq(pws_workspace_get(p, NULL, &mode, NULL, NULL, "pw"), PWS_OK);
	ck_assert_int_eq(mode, PWS_MODE_MULTI);
	expect_member(p, "pw", "a1", PWS_ROLE_VIEWER, 1, 1);
	expect_member(p, "pw", "g1", PWS_ROLE_VIEWER, 0, 1);
	/* Team members keep their roles. */
	expect_member(p, "pw", "dev", PWS_ROLE_EDITOR, 0, 0);
	expect_member(p, "pw", "pm", PWS_ROLE_ADMIN, 0, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(RO2_multi_mode_partner_editor_refused)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	d = tw_digest(p);
	DENY(pinvite(p, "pm", "pw", "a2@acme.com", PWS_ROLE_EDITOR), PWS_RULE_RO2);
	expect_no_invite(p, "pw", "a2@acme.com");
	DENY(pws_member_set_role(p, "pm", "pw", "g1", PWS_ROLE_EDITOR, RES), PWS_RULE_RO2);
	DENY(pws_member_set_role(p, "pm", "pw", "a1", PWS_ROLE_EDITOR, RES), PWS_RULE_RO2);
	expect_member(p, "pw", "g1", PWS_ROLE_VIEWER, 0, 1);
	expect_member(p, "pw", "a1", PWS_ROLE_VIEWER, 1, 1);
	ck_assert(tw_digest(p) == d);
	/* Viewers are welcome; team members may still be editors. */
	OK(pinvite(p, "pm", "pw", "a2@acme.com", PWS_ROLE_VIEWER));
	expect_invite(p, "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	OK(pws_member_set_role(p, "pm", "pw", "dev", PWS_ROLE_ADMIN, RES));
	OK(pws_member_set_role(p, "pm", "pw", "dev", PWS_ROLE_EDITOR, RES));
	expect_member(p, "pw", "dev", PWS_ROLE_EDITOR, 0, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(RO2_single_mode_partner_editor_allowed)
{
	pws_policy *p = tw_world();

	OK(pws_member_set_role(p, "pm", "pw", "g1", PWS_ROLE_EDITOR, RES));
	expect_member(p, "pw", "g1", PWS_ROLE_EDITOR, 0, 1);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* RO3: the Partner Lead flag                                          */
/* ------------------------------------------------------------------ */

START_TEST(RO3_workspace_admin_gives_and_takes_lead)
{
	pws_policy *p = tw_world();

	OK(pws_member_set_lead(p, "pm", "pw", "g1", 1, RES));
	expect_member(p, "pw", "g1", PWS_ROLE_VIEWER, 1, 1);
	OK(pws_member_set_lead(p, "pm", "pw", "a1", 0, RES));
	expect_member(p, "pw", "a1", PWS_ROLE_EDITOR, 0, 1);
	/* Lead flag on an invite, by the Workspace Admin. */
	OK(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 1, RES));
	expect_invite(p, "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 1);
	OK(pws_invite_accept(p, "a2", "pw", NULL, RES));
	expect_member(p, "pw", "a2", PWS_ROLE_VIEWER, 1, 1);
	pws_policy_free(p);
}
END_TEST

START_TEST(RO3_partner_manager_gives_lead_without_membership)
{
	pws_policy *p = world_pm2();

	OK(pws_member_set_lead(p, "pm2", "pw", "g1", 1, RES));
	expect_member(p, "pw", "g1", PWS_ROLE_VIEWER, 1, 1);
	OK(pws_member_set_lead(p, "pm2", "pw", "g1", 0, RES));
	expect_member(p, "pw", "g1", PWS_ROLE_VIEWER, 0, 1);
	pws_policy_free(p);
}
END_TEST

START_TEST(RO3_others_cannot_give_lead)
{
	pws_policy *p = tw_world();
	uint64_t d;

	add_partner(p, "pm", "pw", "a2", "a2@acme.com", PWS_ROLE_VIEWER, 0);
	d = tw_digest(p);
	/* A team Editor. */
	DENY(pws_member_set_lead(p, "dev", "pw", "g1", 1, RES), PWS_RULE_RO3);
	DENY(pws_member_set_lead(p, "dev", "pw", "a1", 0, RES), PWS_RULE_RO3);
	/* A Partner Lead, even for their own organization. */
	DENY(pws_member_set_lead(p, "a1", "pw", "a2", 1, RES), PWS_RULE_RO3);
	/* A plain partner. */
	DENY(pws_member_set_lead(p, "g1", "pw", "a1", 0, RES), PWS_RULE_RO3);
	expect_member(p, "pw", "a2", PWS_ROLE_VIEWER, 0, 1);
	expect_member(p, "pw", "a1", PWS_ROLE_EDITOR, 1, 1);
	expect_member(p, "pw", "g1", PWS_ROLE_VIEWER, 0, 1);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(RO3_lead_cannot_invite_a_lead)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);

	DENY(pws_invite(p, "a1", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 1, RES),
	     PWS_RULE_RO3);
	expect_no_invite(p, "pw", "a2@acme.com");
	ck_assert(tw_digest(p) == d);
	/* Without the flag it is fine. */
	OK(pws_invite(p, "a1", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	expect_invite(p, "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(RO3_lead_flag_only_on_partners)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);
	int rc;

	rc = pws_member_set_lead(p, "pm", "pw", "dev", 1, RES);
	ck_assert_msg(rc != PWS_OK, "a team member was made Partner Lead");
	rc = pws_invite(p, "pm", "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 1, RES);
	ck_assert_msg(rc != PWS_OK, "a team member invite carries the Partner Lead flag");
	expect_member(p, "pw", "dev", PWS_ROLE_EDITOR, 0, 0);
	expect_no_invite(p, "pw", "dev2@pub.com");
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* RO4: who manages members and roles                                  */
/* ------------------------------------------------------------------ */

START_TEST(RO4_admin_and_manager_manage_members)
{
	pws_policy *p = world_pm2();

	CAN(p, "pm", PWS_ACT_MANAGE_MEMBERS, "pw", NULL, PWS_RULE_RO4);
	OK(pws_member_set_role(p, "pm", "pw", "g1", PWS_ROLE_EDITOR, RES));
	expect_member(p, "pw", "g1", PWS_ROLE_EDITOR, 0, 1);
	OK(pws_member_set_role(p, "pm2", "pw", "g1", PWS_ROLE_VIEWER, RES));
	expect_member(p, "pw", "g1", PWS_ROLE_VIEWER, 0, 1);
	OK(pws_member_set_role(p, "pm2", "pw", "dev", PWS_ROLE_VIEWER, RES));
	expect_member(p, "pw", "dev", PWS_ROLE_VIEWER, 0, 0);
	OK(pws_member_remove(p, "pm2", "pw", "g1", RES));
	expect_not_member(p, "pw", "g1");
	OK(pws_member_remove(p, "pm", "pw", "dev", RES));
	expect_not_member(p, "pw", "dev");
	pws_policy_free(p);
}
END_TEST

START_TEST(RO4_plain_members_cannot_manage)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);

	CANNOT(p, "dev", PWS_ACT_MANAGE_MEMBERS, "pw", NULL, PWS_RULE_RO4);
	DENY(pws_member_set_role(p, "dev", "pw", "g1", PWS_ROLE_EDITOR, RES), PWS_RULE_RO4);
	DENY(pws_member_remove(p, "dev", "pw", "g1", RES), PWS_RULE_RO4);
	DENY(pws_member_set_role(p, "g1", "pw", "a1", PWS_ROLE_VIEWER, RES), PWS_RULE_RO4);
	DENY(pws_member_remove(p, "g1", "pw", "a1", RES), PWS_RULE_RO4);
	DENY(pws_member_remove(p, "g1", "pw", "dev", RES), PWS_RULE_RO4);
	expect_member(p, "pw", "g1", PWS_ROLE_VIEWER, 0, 1);
	expect_member(p, "pw", "a1", PWS_ROLE_EDITOR, 1, 1);
	expect_member(p, "pw", "dev", PWS_ROLE_EDITOR, 0, 0);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(RO4_partner_lead_manages_own_organization)
{
	pws_policy *p = tw_world();

	OK(pws_invite(p, "a1", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "a2", "pw", NULL, RES));
	expect_member(p, "pw", "a2", PWS_ROLE_VIEWER, 0, 1);
	OK(pws_member_set_role(p, "a1", "pw", "a2", PWS_ROLE_EDITOR, RES));
	expect_member(p, "pw", "a2", PWS_ROLE_EDITOR, 0, 1);
	OK(pws_member_set_role(p, "a1", "pw", "a2", PWS_ROLE_VIEWER, RES));
	expect_member(p, "pw", "a2", PWS_ROLE_VIEWER, 0, 1);
	OK(pws_member_remove(p, "a1", "pw", "a2", RES));
	expect_not_member(p, "pw", "a2");
	pws_policy_free(p);
}
END_TEST

START_TEST(RO4_partner_lead_cannot_manage_others)
{
	pws_policy *p = tw_world();
	uint64_t d;

	add_partner(p, "pm", "pw", "a2", "a2@acme.com", PWS_ROLE_VIEWER, 0);
	d = tw_digest(p);
	/* Another partner organization. */
	DENY(pws_member_set_role(p, "a1", "pw", "g1", PWS_ROLE_EDITOR, RES), PWS_RULE_RO4);
	DENY(pws_member_remove(p, "a1", "pw", "g1", RES), PWS_RULE_RO4);
	/* The publisher's own members. */
	DENY(pws_member_set_role(p, "a1", "pw", "dev", PWS_ROLE_VIEWER, RES), PWS_RULE_RO4);
	DENY(pws_member_remove(p, "a1", "pw", "dev", RES), PWS_RULE_RO4);
	DENY(pws_member_remove(p, "a1", "pw", "pm", RES), PWS_RULE_RO4);
	expect_member(p, "pw", "g1", PWS_ROLE_VIEWER, 0, 1);
	expect_member(p, "pw", "dev", PWS_ROLE_EDITOR, 0, 0);
	expect_member(p, "pw", "pm", PWS_ROLE_ADMIN, 0, 0);
	expect_member(p, "pw", "a2", PWS_ROLE_VIEWER, 0, 1);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(RO4_legacy_lead_manages_own_domain)
{
	pws_policy *p = tw_world();
	uint64_t d;

	/* Legacy: the partner organization is the email domain, so x (an
	 * acme.com address on initech) is a1's organization there. */
	OK(pws_user_add(p, "x", "x@acme.com", "initech", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "admin", RES));
	add_partner(p, "admin", "lw", "a1", "a1@acme.com", PWS_ROLE_EDITOR, 1);
	add_partner(p, "admin", "lw", "x", "x@acme.com", PWS_ROLE_VIEWER, 0);
	add_partner(p, "admin", "lw", "g2", "g2@globex.com", PWS_ROLE_VIEWER, 0);
	d = tw_digest(p);
	DENY(pws_member_set_role(p, "a1", "lw", "g2", PWS_ROLE_EDITOR, RES), PWS_RULE_RO4);
	DENY(pws_member_remove(p, "a1", "lw", "g2", RES), PWS_RULE_RO4);
	DENY(pws_member_remove(p, "a1", "lw", "admin", RES), PWS_RULE_RO4);
	expect_member(p, "lw", "g2", PWS_ROLE_VIEWER, 0, 1);
	ck_assert(tw_digest(p) == d);
	OK(pws_member_set_role(p, "a1", "lw", "x", PWS_ROLE_EDITOR, RES));
	expect_member(p, "lw", "x", PWS_ROLE_EDITOR, 0, 1);
	OK(pws_member_remove(p, "a1", "lw", "x", RES));
	expect_not_member(p, "lw", "x");
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* RO5: nobody changes their own role or lead flag                     */
/* ------------------------------------------------------------------ */

START_TEST(RO5_no_self_change)
{
	pws_policy *p = tw_world();
	uint64_t d;

	/* A second admin so that RO6 cannot be what refuses. */
	OK(pws_member_set_role(p, "pm", "pw", "dev", PWS_ROLE_ADMIN, RES));
	d = tw_digest(p);
	DENY(pws_member_set_role(p, "pm", "pw", "pm", PWS_ROLE_EDITOR, RES), PWS_RULE_RO5);
	DENY(pws_member_set_role(p, "dev", "pw", "dev", PWS_ROLE_VIEWER, RES), PWS_RULE_RO5);
	/* A Partner Lead neither promotes nor un-leads themselves. */
	DENY(pws_member_set_role(p, "a1", "pw", "a1", PWS_ROLE_VIEWER, RES), PWS_RULE_RO5);
	DENY(pws_member_set_role(p, "a1", "pw", "a1", PWS_ROLE_ADMIN, RES), PWS_RULE_RO5);
	DENY(pws_member_set_lead(p, "a1", "pw", "a1", 0, RES), PWS_RULE_RO5);
	/* Checked first: even for someone who could not manage at all. */
	DENY(pws_member_set_role(p, "g1", "pw", "g1", PWS_ROLE_EDITOR, RES), PWS_RULE_RO5);
	DENY(pws_member_set_lead(p, "g1", "pw", "g1", 1, RES), PWS_RULE_RO5);
	DENY(pws_member_set_lead(p, "pm", "pw", "pm", 1, RES), PWS_RULE_RO5);
	expect_member(p, "pw", "pm", PWS_ROLE_ADMIN, 0, 0);
	expect_member(p, "pw", "a1", PWS_ROLE_EDITOR, 1, 1);
	expect_member(p, "pw", "g1", PWS_ROLE_VIEWER, 0, 1);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(RO5_others_change_the_role)
{
	pws_policy *p = tw_world();

	OK(pws_member_set_role(p, "pm", "pw", "dev", PWS_ROLE_ADMIN, RES));
	OK(pws_member_set_role(p, "dev", "pw", "pm", PWS_ROLE_EDITOR, RES));
	expect_member(p, "pw", "pm", PWS_ROLE_EDITOR, 0, 0);
	OK(pws_member_set_lead(p, "dev", "pw", "a1", 0, RES));
	expect_member(p, "pw", "a1", PWS_ROLE_EDITOR, 0, 1);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* RO6: one Admin from the owning team always                          */
/* ------------------------------------------------------------------ */

START_TEST(RO6_last_admin_kept)
{
	pws_policy *p = world_pm2();
	uint64_t d = tw_digest(p);

	DENY(pws_member_set_role(p, "pm2", "pw", "pm", PWS_ROLE_EDITOR, RES), PWS_RULE_RO6);
	DENY(pws_member_set_role(p, "pm2", "pw", "pm", PWS_ROLE_VIEWER, RES), PWS_RULE_RO6);
	DENY(pws_member_remove(p, "pm2", "pw", "pm", RES), PWS_RULE_RO6);
	expect_member(p, "pw", "pm", PWS_ROLE_ADMIN, 0, 0);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(RO6_demote_when_another_admin_remains)
{
	pws_policy *p = world_pm2();

	OK(pws_member_set_role(p, "pm", "pw", "dev", PWS_ROLE_ADMIN, RES));
	OK(pws_member_set_role(p, "pm2", "pw", "pm", PWS_ROLE_VIEWER, RES));
	expect_member(p, "pw", "pm", PWS_ROLE_VIEWER, 0, 0);
	/* Now dev is the last one. */
	DENY(pws_member_remove(p, "pm2", "pw", "dev", RES), PWS_RULE_RO6);
	expect_member(p, "pw", "dev", PWS_ROLE_ADMIN, 0, 0);
	OK(pws_member_remove(p, "pm2", "pw", "pm", RES));
	expect_not_member(p, "pw", "pm");
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* IN1: who invites partners                                           */
/* ------------------------------------------------------------------ */

START_TEST(IN1_admin_manager_lead_invite_partners)
{
	pws_policy *p = world_pm2();

	CAN(p, "pm", PWS_ACT_INVITE_PARTNER, "pw", NULL, PWS_RULE_IN1);
	OK(pinvite(p, "pm", "pw", "i1@initech.com", PWS_ROLE_VIEWER));
	expect_invite(p, "pw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	OK(pinvite(p, "pm2", "pw", "g2@globex.com", PWS_ROLE_VIEWER));
	expect_invite(p, "pw", "g2@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	OK(pinvite(p, "a1", "pw", "a2@acme.com", PWS_ROLE_VIEWER));
	expect_invite(p, "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	/* Inviting again replaces the open invite. */
	OK(pinvite(p, "pm", "pw", "a2@acme.com", PWS_ROLE_EDITOR));
	expect_invite(p, "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN1_others_cannot_invite_partners)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);

	CANNOT(p, "dev", PWS_ACT_INVITE_PARTNER, "pw", NULL, PWS_RULE_IN1);
	DENY(pinvite(p, "dev", "pw", "a2@acme.com", PWS_ROLE_VIEWER), PWS_RULE_IN1);
	DENY(pinvite(p, "g1", "pw", "g2@globex.com", PWS_ROLE_VIEWER), PWS_RULE_IN1);
	expect_no_invite(p, "pw", "a2@acme.com");
	expect_no_invite(p, "pw", "g2@globex.com");
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* IN2: who invites team members                                       */
/* ------------------------------------------------------------------ */

START_TEST(IN2_admin_and_manager_invite_team_members)
{
	pws_policy *p = world_pm2();

	CAN(p, "pm", PWS_ACT_INVITE_MEMBER, "pw", NULL, PWS_RULE_IN2);
	OK(pws_invite(p, "pm", "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0, RES));
	expect_invite(p, "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0);
	OK(pws_invite_accept(p, "dev2", "pw", NULL, RES));
	expect_member(p, "pw", "dev2", PWS_ROLE_VIEWER, 0, 0);
	OK(pws_invite(p, "pm2", "pw", "admin@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, RES));
	expect_invite(p, "pw", "admin@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN2_others_cannot_invite_team_members)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);

	CANNOT(p, "a1", PWS_ACT_INVITE_MEMBER, "pw", NULL, PWS_RULE_IN2);
	DENY(pws_invite(p, "a1", "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0, RES),
	     PWS_RULE_IN2);
	DENY(pws_invite(p, "dev", "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0, RES),
	     PWS_RULE_IN2);
	DENY(pws_invite(p, "g1", "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0, RES),
	     PWS_RULE_IN2);
	expect_no_invite(p, "pw", "dev2@pub.com");
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN2_member_invite_needs_owning_team_user)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);

	/* a policy answer (IN2, IN7 rev12), not a malformed argument */
	DENY(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0, RES),
	     PWS_RULE_IN2);
	DENY(pws_invite(p, "pm", "pw", "nobody@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0,
	                RES), PWS_RULE_IN2);
	expect_no_invite(p, "pw", "a2@acme.com");
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* IN3: Partner Leads invite their own organization only               */
/* ------------------------------------------------------------------ */

START_TEST(IN3_lead_invites_own_team)
{
	pws_policy *p = tw_world();

	OK(pinvite(p, "a1", "pw", "a2@acme.com", PWS_ROLE_VIEWER));
	expect_invite(p, "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	/* An unknown address in one of acme's domains, domain case and a
	 * trailing dot normalized. */
	OK(pinvite(p, "a1", "pw", "new@ACME.COM.", PWS_ROLE_VIEWER));
	expect_invite(p, "pw", "new@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	OK(pinvite(p, "a1", "pw", "a3@Acme.Com", PWS_ROLE_EDITOR));
	expect_invite(p, "pw", "a3@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN3_lead_cannot_invite_other_organizations)
{
	pws_policy *p = tw_world();
	uint64_t d;

	/* A user with an acme.com address whose home team is initech. */
	OK(pws_user_add(p, "x", "x@acme.com", "initech", PWS_TEAM_MEMBER, 0, RES));
	d = tw_digest(p);
	DENY(pinvite(p, "a1", "pw", "g2@globex.com", PWS_ROLE_VIEWER), PWS_RULE_IN3);
	DENY(pinvite(p, "a1", "pw", "i1@initech.com", PWS_ROLE_VIEWER), PWS_RULE_IN3);
	DENY(pinvite(p, "a1", "pw", "solo@gmail.com", PWS_ROLE_VIEWER), PWS_RULE_IN3);
	DENY(pinvite(p, "a1", "pw", "bob@evil-acme.com", PWS_ROLE_VIEWER), PWS_RULE_IN3);
	DENY(pinvite(p, "a1", "pw", "bob@acme.com.evil.com", PWS_ROLE_VIEWER), PWS_RULE_IN3);
	DENY(pinvite(p, "a1", "pw", "bob@sub.acme.com", PWS_ROLE_VIEWER), PWS_RULE_IN3);
	DENY(pinvite(p, "a1", "pw", "bob@acme.co", PWS_ROLE_VIEWER), PWS_RULE_IN3);
	/* An unknown address in another team's domain. */
	DENY(pinvite(p, "a1", "pw", "new@globex.com", PWS_ROLE_VIEWER), PWS_RULE_IN3);
	DENY(pinvite(p, "a1", "pw", "new@initech.com", PWS_ROLE_VIEWER), PWS_RULE_IN3);
	/* Team-to-team: the organization is the team, not the domain. */
	DENY(pinvite(p, "a1", "pw", "x@acme.com", PWS_ROLE_VIEWER), PWS_RULE_IN3);
	expect_no_invite(p, "pw", "g2@globex.com");
	expect_no_invite(p, "pw", "bob@evil-acme.com");
	expect_no_invite(p, "pw", "bob@acme.com.evil.com");
	expect_no_invite(p, "pw", "bob@sub.acme.com");
	expect_no_invite(p, "pw", "x@acme.com");
	ck_assert(tw_digest(p) == d);
	/* The Workspace Admin is not bound by IN3. */
	OK(pinvite(p, "pm", "pw", "g2@globex.com", PWS_ROLE_VIEWER));
	pws_policy_free(p);
}
END_TEST

START_TEST(IN3_lead_in_multi_mode_still_own_team)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	d = tw_digest(p);
	DENY(pinvite(p, "a1", "pw", "g2@globex.com", PWS_ROLE_VIEWER), PWS_RULE_IN3);
	ck_assert(tw_digest(p) == d);
	OK(pinvite(p, "a1", "pw", "a2@acme.com", PWS_ROLE_VIEWER));
	expect_invite(p, "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN3_legacy_lead_invites_own_domain)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_user_add(p, "x", "x@acme.com", "initech", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "admin", RES));
	add_partner(p, "admin", "lw", "a1", "a1@acme.com", PWS_ROLE_EDITOR, 1);
	expect_member(p, "lw", "a1", PWS_ROLE_EDITOR, 1, 1);
	/* Legacy: the organization is the lead's email domain. */
	OK(pinvite(p, "a1", "lw", "a2@acme.com", PWS_ROLE_VIEWER));
	OK(pinvite(p, "a1", "lw", "x@acme.com", PWS_ROLE_VIEWER));
	OK(pinvite(p, "a1", "lw", "new@ACME.com.", PWS_ROLE_VIEWER));
	expect_invite(p, "lw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	expect_invite(p, "lw", "x@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	expect_invite(p, "lw", "new@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	d = tw_digest(p);
	DENY(pinvite(p, "a1", "lw", "g2@globex.com", PWS_ROLE_VIEWER), PWS_RULE_IN3);
	DENY(pinvite(p, "a1", "lw", "bob@evil-acme.com", PWS_ROLE_VIEWER), PWS_RULE_IN3);
	DENY(pinvite(p, "a1", "lw", "bob@acme.com.evil.com", PWS_ROLE_VIEWER), PWS_RULE_IN3);
	DENY(pinvite(p, "a1", "lw", "bob@sub.acme.com", PWS_ROLE_VIEWER), PWS_RULE_IN3);
	expect_no_invite(p, "lw", "bob@sub.acme.com");
	ck_assert(tw_digest(p) == d);
	/* Still legacy even after the lead leaves acme: the domain counts. */
	OK(pws_user_set_team(p, "a1", NULL, PWS_TEAM_MEMBER, RES));
	OK(pinvite(p, "a1", "lw", "a3@acme.com", PWS_ROLE_VIEWER));
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* IN4: partners must be external                                      */
/* ------------------------------------------------------------------ */

START_TEST(IN4_publisher_addresses_are_not_partners)
{
	pws_policy *p = tw_world();
	uint64_t d;

	/* A publisher user whose address is outside pub.com. */
	OK(pws_user_add(p, "con", "con@contractor.io", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_workspace_create(p, "pm", "pw2", "Second", PWS_VIS_PARTNER, NULL, RES));
	d = tw_digest(p);
	DENY(pinvite(p, "pm", "pw2", "dev@pub.com", PWS_ROLE_VIEWER), PWS_RULE_IN4);
	DENY(pinvite(p, "pm", "pw2", "x@pub.com", PWS_ROLE_VIEWER), PWS_RULE_IN4);
	DENY(pinvite(p, "pm", "pw2", "X@PUB.COM.", PWS_ROLE_VIEWER), PWS_RULE_IN4);
	DENY(pinvite(p, "pm", "pw2", "con@contractor.io", PWS_ROLE_VIEWER), PWS_RULE_IN4);
	DENY(pinvite(p, "pm", "pw", "dev2@pub.com", PWS_ROLE_EDITOR), PWS_RULE_IN4);
	expect_no_invite(p, "pw2", "dev@pub.com");
	expect_no_invite(p, "pw2", "x@pub.com");
	expect_no_invite(p, "pw2", "X@pub.com");
	expect_no_invite(p, "pw2", "con@contractor.io");
	ck_assert(tw_digest(p) == d);
	/* External addresses are fine, including unknown ones. */
	OK(pinvite(p, "pm", "pw2", "a2@acme.com", PWS_ROLE_VIEWER));
	OK(pinvite(p, "pm", "pw2", "someone@pub.co", PWS_ROLE_VIEWER));
	expect_invite(p, "pw2", "someone@pub.co", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN4_domain_added_later_counts)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pinvite(p, "pm", "pw", "y@pub.io", PWS_ROLE_VIEWER));
	OK(pws_team_add_domain(p, "pub", "PUB.IO", RES));
	d = tw_digest(p);
	DENY(pinvite(p, "pm", "pw", "z@pub.io", PWS_ROLE_VIEWER), PWS_RULE_IN4);
	expect_no_invite(p, "pw", "z@pub.io");
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* IN5: bulk invites                                                   */
/* ------------------------------------------------------------------ */

/* Asserts the index-th bad line of a report. rule < 0: not checked. */
static void expect_bad_line(const pws_bulk_report *rep, size_t index, uint32_t line, int code,
                            int rule)
{
	uint32_t l = 0;
	int c = 0, r = -1;
	const char *msg = NULL;

	ck_assert_int_eq(pws_bulk_report_get(rep, index, &l, &c, &r, &msg), PWS_OK);
	ck_assert_msg(l == line, "bad line #%zu is line %u, expected %u", index, l, line);
	if (code != 0)
		ck_assert_msg(c == code, "line %u: code %d, expected %d", l, c, code);
	else
		ck_assert_msg(c != PWS_OK, "line %u reported with PWS_OK", l);
	if (rule >= 0)
		ck_assert_msg(r == rule, "line %u: rule %s, expected %s", l, pws_rule_id(r),
		              pws_rule_id(rule));
	ck_assert_ptr_nonnull(msg);
}

static const char bulk_txt[] =
	"a2@acme.com\n"        /* 1 good */
	"\n"                   /* 2 blank, skipped */
	"# more partners\n"    /* 3 comment, skipped */
	"not-an-email\n"       /* 4 malformed */
	"dev2@pub.com\n"       /* 5 IN4 */
	"i1@initech.com\n"     /* 6 good */
	"a2@acme.com\n";       /* 7 duplicate */

START_TEST(IN5_bulk_txt_best_effort)
{
	pws_policy *p = tw_world();
	pws_bulk_report *rep = NULL;

	OK(pws_invite_bulk(p, &rep, "pm", "pw", bulk_txt, strlen(bulk_txt), PWS_BULK_TXT,
	                   PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	ck_assert_ptr_nonnull(rep);
	ck_assert_uint_eq(pws_bulk_report_invited(rep), 2);
	ck_assert_uint_eq(pws_bulk_report_errors(rep), 3);
	expect_bad_line(rep, 0, 4, PWS_EINVALID, -1);
	expect_bad_line(rep, 1, 5, PWS_EDENIED, PWS_RULE_IN4);
	expect_bad_line(rep, 2, 7, 0, -1);
	ck_assert_int_eq(pws_bulk_report_get(rep, 3, NULL, NULL, NULL, NULL), PWS_EINVALID);
	expect_invite(p, "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	expect_invite(p, "pw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	expect_no_invite(p, "pw", "dev2@pub.com");
	pws_bulk_report_free(rep);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN5_bulk_txt_all_or_nothing)
{
	pws_policy *p = tw_world();
	pws_bulk_report *rep = NULL;
	uint64_t d = tw_digest(p);

	FAILS(pws_invite_bulk(p, &rep, "pm", "pw", bulk_txt, strlen(bulk_txt), PWS_BULK_TXT,
	                      PWS_BULK_ALL_OR_NOTHING, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
	                      RES), PWS_EINVALID);
	ck_assert_ptr_nonnull(rep);
	ck_assert_uint_eq(pws_bulk_report_invited(rep), 0);
	ck_assert_uint_eq(pws_bulk_report_errors(rep), 3);
	expect_bad_line(rep, 0, 4, PWS_EINVALID, -1);
	expect_bad_line(rep, 1, 5, PWS_EDENIED, PWS_RULE_IN4);
	expect_bad_line(rep, 2, 7, 0, -1);
	expect_no_invite(p, "pw", "a2@acme.com");
	expect_no_invite(p, "pw", "i1@initech.com");
	ck_assert(tw_digest(p) == d);
	pws_bulk_report_free(rep);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN5_bulk_all_or_nothing_good_file)
{
	pws_policy *p = tw_world();
	pws_bulk_report *rep = NULL;
	const char txt[] = "a2@acme.com\n# x\ni1@initech.com\ng2@globex.com";

	OK(pws_invite_bulk(p, &rep, "pm", "pw", txt, strlen(txt), PWS_BULK_TXT,
	                   PWS_BULK_ALL_OR_NOTHING, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	ck_assert_uint_eq(pws_bulk_report_errors(rep), 0);
	ck_assert_uint_eq(pws_bulk_report_invited(rep), 3);
	expect_invite(p, "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	expect_invite(p, "pw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	expect_invite(p, "pw", "g2@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	pws_bulk_report_free(rep);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN5_bulk_csv_best_effort)
{
	pws_policy *p = tw_world();
	pws_bulk_report *rep = NULL;
	const char csv[] =
		"name,email,company\n"          /* 1 header */
		"Alice,a2@acme.com,Acme\n"      /* 2 good */
		"Bob,bogus,Nowhere\n"           /* 3 malformed */
		"Carl,i1@initech.com,Initech\n" /* 4 good */
		"Dana,x@pub.com,Pub\n";         /* 5 IN4 */

	OK(pws_invite_bulk(p, &rep, "pm", "pw", csv, strlen(csv), PWS_BULK_CSV,
	                   PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	ck_assert_uint_eq(pws_bulk_report_invited(rep), 2);
	ck_assert_uint_eq(pws_bulk_report_errors(rep), 2);
	expect_bad_line(rep, 0, 3, PWS_EINVALID, -1);
	expect_bad_line(rep, 1, 5, PWS_EDENIED, PWS_RULE_IN4);
	expect_invite(p, "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	expect_invite(p, "pw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	expect_no_invite(p, "pw", "x@pub.com");
	pws_bulk_report_free(rep);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN5_bulk_csv_all_or_nothing)
{
	pws_policy *p = tw_world();
	pws_bulk_report *rep = NULL;
	uint64_t d = tw_digest(p);
	const char csv[] =
		"email,team\n"          /* 1 header */
		"a3@acme.com,acme\n"    /* 2 good */
		"dev@pub.com,pub\n";    /* 3 IN4 */

	FAILS(pws_invite_bulk(p, &rep, "pm", "pw", csv, strlen(csv), PWS_BULK_CSV,
	                      PWS_BULK_ALL_OR_NOTHING, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
	                      RES), PWS_EDENIED);
	ck_assert_ptr_nonnull(rep);
	ck_assert_uint_eq(pws_bulk_report_invited(rep), 0);
	ck_assert_uint_eq(pws_bulk_report_errors(rep), 1);
	expect_bad_line(rep, 0, 3, PWS_EDENIED, PWS_RULE_IN4);
	expect_no_invite(p, "pw", "a3@acme.com");
	ck_assert(tw_digest(p) == d);
	pws_bulk_report_free(rep);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN5_bulk_by_lead_reports_policy_per_line)
{
	pws_policy *p = tw_world();
	pws_bulk_report *rep = NULL;
	const char txt[] = "a2@acme.com\ng2@globex.com\nbob@evil-acme.com\na3@acme.com\n";

	OK(pws_invite_bulk(p, &rep, "a1", "pw", txt, strlen(txt), PWS_BULK_TXT,
	                   PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	ck_assert_uint_eq(pws_bulk_report_invited(rep), 2);
	ck_assert_uint_eq(pws_bulk_report_errors(rep), 2);
	expect_bad_line(rep, 0, 2, PWS_EDENIED, PWS_RULE_IN3);
	expect_bad_line(rep, 1, 3, PWS_EDENIED, PWS_RULE_IN3);
	expect_invite(p, "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	expect_invite(p, "pw", "a3@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	expect_no_invite(p, "pw", "g2@globex.com");
	pws_bulk_report_free(rep);
	pws_policy_free(p);
}
END_TEST

/* IN5, IN1: an actor who may invite nobody to the workspace (a partner
 * Viewer, a plain team member of a partner workspace) has the whole bulk
 * call refused by IN1, in both modes: no report, nothing changed. */
START_TEST(IN5_bulk_by_actor_who_may_not_invite_is_refused)
{
	static const char *const actors[] = { "g1", "dev" };
	static const int modes[] = { PWS_BULK_BEST_EFFORT, PWS_BULK_ALL_OR_NOTHING };
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);
	const char txt[] = "a2@acme.com\ni1@initech.com\nnot an address\n";
	size_t a, k;

	for (a = 0; a < 2; a++)
		for (k = 0; k < 2; k++) {
			pws_bulk_report *rep = NULL;

			DENY(pws_invite_bulk(p, &rep, actors[a], "pw", txt, strlen(txt),
			                     PWS_BULK_TXT, modes[k], PWS_INVITE_PARTNER,
			                     PWS_ROLE_VIEWER, 0, RES), PWS_RULE_IN1);
			ck_assert_ptr_null(rep);
			ck_assert(tw_digest(p) == d);
		}
	expect_no_invite(p, "pw", "a2@acme.com");
	expect_no_invite(p, "pw", "i1@initech.com");
	/* the whole call is refused by what refuses one invite */
	DENY(pws_invite(p, "g1", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES),
	     PWS_RULE_IN1);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN5_bulk_text_not_nul_terminated)
{
	pws_policy *p = tw_world();
	pws_bulk_report *rep = NULL;
	const char buf[] = "a2@acme.com\ni1@initech.comGARBAGE";
	size_t len = strlen(buf) - strlen("GARBAGE");

	OK(pws_invite_bulk(p, &rep, "pm", "pw", buf, len, PWS_BULK_TXT, PWS_BULK_ALL_OR_NOTHING,
	                   PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	ck_assert_uint_eq(pws_bulk_report_errors(rep), 0);
	ck_assert_uint_eq(pws_bulk_report_invited(rep), 2);
	expect_invite(p, "pw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	pws_bulk_report_free(rep);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* IN6: accepting                                                      */
/* ------------------------------------------------------------------ */

START_TEST(IN6_accept_through_home_team)
{
	pws_policy *p = tw_world();

	OK(pinvite(p, "pm", "pw", "a2@acme.com", PWS_ROLE_VIEWER));
	OK(pws_invite_accept(p, "a2", "pw", NULL, RES));
	expect_member(p, "pw", "a2", PWS_ROLE_VIEWER, 0, 1);
	expect_no_invite(p, "pw", "a2@acme.com");
	/* Granted through acme: leaving acme ends it (WS4). */
	OK(pws_user_set_team(p, "a2", NULL, PWS_TEAM_MEMBER, RES));
	expect_suspended(p, "pw", "a2", PWS_ROLE_VIEWER, 0);
	/* Explicitly naming the home team works too. */
	OK(pinvite(p, "pm", "pw", "a3@acme.com", PWS_ROLE_VIEWER));
	OK(pws_invite_accept(p, "a3", "pw", "acme", RES));
	expect_member(p, "pw", "a3", PWS_ROLE_VIEWER, 0, 1);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN6_teamless_user_cannot_accept_team_to_team)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pinvite(p, "pm", "pw", "solo@gmail.com", PWS_ROLE_VIEWER));
	d = tw_digest(p);
	DENY(pws_invite_accept(p, "solo", "pw", NULL, RES), PWS_RULE_IN6);
	expect_not_member(p, "pw", "solo");
	expect_invite(p, "pw", "solo@gmail.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	ck_assert(tw_digest(p) == d);
	/* Once on a team, they can. */
	OK(pws_user_set_team(p, "solo", "initech", PWS_TEAM_MEMBER, RES));
	OK(pws_invite_accept(p, "solo", "pw", NULL, RES));
	expect_member(p, "pw", "solo", PWS_ROLE_VIEWER, 0, 1);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN6_teamless_user_accepts_legacy)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "admin", RES));
	OK(pinvite(p, "admin", "lw", "solo@gmail.com", PWS_ROLE_VIEWER));
	OK(pws_invite_accept(p, "solo", "lw", NULL, RES));
	expect_member(p, "lw", "solo", PWS_ROLE_VIEWER, 0, 1);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN6_accept_with_other_team_denied_WS3)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pinvite(p, "pm", "pw", "a2@acme.com", PWS_ROLE_VIEWER));
	d = tw_digest(p);
	DENY(pws_invite_accept(p, "a2", "pw", "initech", RES), PWS_RULE_WS3);
	expect_not_member(p, "pw", "a2");
	expect_invite(p, "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN6_only_the_invitee_accepts)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pinvite(p, "pm", "pw", "a2@acme.com", PWS_ROLE_VIEWER));
	d = tw_digest(p);
	FAILS(pws_invite_accept(p, "a3", "pw", NULL, RES), PWS_ENOTFOUND);
	expect_not_member(p, "pw", "a3");
	ck_assert(tw_digest(p) == d);
	/* Declining closes the invite. */
	OK(pws_invite_decline(p, "a2", "pw", RES));
	expect_no_invite(p, "pw", "a2@acme.com");
	FAILS(pws_invite_accept(p, "a2", "pw", NULL, RES), PWS_ENOTFOUND);
	expect_not_member(p, "pw", "a2");
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* RM2: ending partner relations                                       */
/* ------------------------------------------------------------------ */

START_TEST(RM2_removing_last_partner_workspace_ends_relation)
{
	pws_policy *p = tw_world();

	OK(pws_member_remove(p, "pm", "pw", "g1", RES));
	ck_assert_msg(tw_res.flags & PWS_RESULT_RELATION_ENDED, "relation not ended");
	expect_not_member(p, "pw", "g1");
	CANNOT(p, "g1", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_WS1);
	pws_policy_free(p);
}
END_TEST

START_TEST(RM2_removing_from_one_of_several_keeps_relation)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "pm", "pw2", "Second", PWS_VIS_PARTNER, NULL, RES));
	add_partner(p, "pm", "pw2", "g1", "g1@globex.com", PWS_ROLE_VIEWER, 0);
	OK(pws_member_remove(p, "pm", "pw", "g1", RES));
	ck_assert_msg(!(tw_res.flags & PWS_RESULT_RELATION_ENDED), "relation ended too early");
	expect_not_member(p, "pw", "g1");
	expect_member(p, "pw2", "g1", PWS_ROLE_VIEWER, 0, 1);
	OK(pws_member_remove(p, "pm", "pw2", "g1", RES));
	ck_assert(tw_res.flags & PWS_RESULT_RELATION_ENDED);
	expect_not_member(p, "pw2", "g1");
	/* Team members have no partner relation to end. */
	OK(pws_member_remove(p, "pm", "pw", "dev", RES));
	ck_assert(!(tw_res.flags & PWS_RESULT_RELATION_ENDED));
	pws_policy_free(p);
}
END_TEST

START_TEST(RM2_partner_end_removes_from_every_partner_workspace)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "pm", "pw2", "Second", PWS_VIS_PARTNER, NULL, RES));
	add_partner(p, "pm", "pw2", "a1", "a1@acme.com", PWS_ROLE_VIEWER, 0);
	add_partner(p, "pm", "pw2", "g1", "g1@globex.com", PWS_ROLE_VIEWER, 0);
	OK(pws_workspace_create(p, "a2", "acme-pw", "Acme's own", PWS_VIS_PARTNER, NULL, RES));
	add_partner(p, "a2", "acme-pw", "g2", "g2@globex.com", PWS_ROLE_VIEWER, 0);
	OK(pws_partner_end(p, "pm", "pub", "a1", RES));
	expect_not_member(p, "pw", "a1");
	expect_not_member(p, "pw2", "a1");
	CANNOT(p, "a1", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_WS1);
	/* Nobody else is touched. */
	expect_member(p, "pw", "g1", PWS_ROLE_VIEWER, 0, 1);
	expect_member(p, "pw2", "g1", PWS_ROLE_VIEWER, 0, 1);
	expect_member(p, "pw", "dev", PWS_ROLE_EDITOR, 0, 0);
	expect_member(p, "acme-pw", "g2", PWS_ROLE_VIEWER, 0, 1);
	/* A super admin ends one too. */
	OK(pws_partner_end(p, "owner", "pub", "g1", RES));
	expect_not_member(p, "pw", "g1");
	expect_not_member(p, "pw2", "g1");
	pws_policy_free(p);
}
END_TEST

START_TEST(RM2_partner_end_denied_to_others)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);

	DENY(pws_partner_end(p, "dev", "pub", "a1", RES), PWS_RULE_RM2);
	DENY(pws_partner_end(p, "admin", "pub", "a1", RES), PWS_RULE_RM2);
	DENY(pws_partner_end(p, "a1", "pub", "g1", RES), PWS_RULE_RM2);
	expect_member(p, "pw", "a1", PWS_ROLE_EDITOR, 1, 1);
	expect_member(p, "pw", "g1", PWS_ROLE_VIEWER, 0, 1);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* IN7 (rev12): withdrawing an open invite                             */
/* ------------------------------------------------------------------ */

/* Asserts a refusal by rule r that changed nothing and told nobody. */
#define DENY_QUIET(p, call, r) do { uint64_t d_ = tw_digest(p); ev_count = 0; \
	DENY(call, r); \
	ck_assert_msg(tw_digest(p) == d_, "%s changed the state", #call); \
	ck_assert_msg(ev_count == 0, "%s emitted %zu event(s)", #call, ev_count); } while (0)
#define FAILS_QUIET(p, call, code) do { uint64_t d_ = tw_digest(p); ev_count = 0; \
	FAILS(call, code); \
	ck_assert_msg(tw_digest(p) == d_, "%s changed the state", #call); \
	ck_assert_msg(ev_count == 0, "%s emitted %zu event(s)", #call, ev_count); } while (0)

/* The withdrawn invite is gone: not readable, not acceptable. */
static void expect_withdrawn(pws_policy *p, const char *ws, const char *email,
                             const char *user)
{
	expect_no_invite(p, ws, email);
	if (user) {
		FAILS(pws_invite_accept(p, user, ws, NULL, RES), PWS_ENOTFOUND);
		expect_not_member(p, ws, user);
	}
}

START_TEST(IN7_workspace_admin_withdraws_any_invite)
{
	pws_policy *p = ev_world();

	OK(pinvite(p, "pm", "pw", "a2@acme.com", PWS_ROLE_VIEWER));
	OK(pws_invite(p, "pm", "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, RES));
	/* an invite made by someone else (the Partner Lead) too */
	OK(pinvite(p, "a1", "pw", "a3@acme.com", PWS_ROLE_VIEWER));
	OK(pws_invite_withdraw(p, "pm", "pw", "a2@acme.com", RES));
	expect_withdrawn(p, "pw", "a2@acme.com", "a2");
	OK(pws_invite_withdraw(p, "pm", "pw", "dev2@pub.com", RES));
	expect_withdrawn(p, "pw", "dev2@pub.com", "dev2");
	OK(pws_invite_withdraw(p, "pm", "pw", "a3@acme.com", RES));
	expect_withdrawn(p, "pw", "a3@acme.com", "a3");
	/* members are untouched */
	expect_member(p, "pw", "a1", PWS_ROLE_EDITOR, 1, 1);
	expect_member(p, "pw", "g1", PWS_ROLE_VIEWER, 0, 1);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN7_partner_manager_withdraws_without_membership)
{
	pws_policy *p = ev_world();

	OK(pws_user_add(p, "pm2", "pm2@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	OK(pinvite(p, "pm", "pw", "i1@initech.com", PWS_ROLE_EDITOR));
	OK(pws_invite(p, "pm", "pw", "admin@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_ADMIN, 0, RES));
	OK(pws_invite_withdraw(p, "pm2", "pw", "i1@initech.com", RES));
	expect_withdrawn(p, "pw", "i1@initech.com", "i1");
	OK(pws_invite_withdraw(p, "pm2", "pw", "admin@pub.com", RES));
	expect_withdrawn(p, "pw", "admin@pub.com", "admin");
	expect_not_member(p, "pw", "pm2");
	pws_policy_free(p);
}
END_TEST

START_TEST(IN7_partner_lead_withdraws_own_org_invite)
{
	pws_policy *p = ev_world();

	/* team-to-team: the organization is the invitee's home team, or the
	 * team holding the address's domain for someone not yet a user */
	OK(pws_user_add(p, "ag", "ag@gmail.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pinvite(p, "pm", "pw", "a2@acme.com", PWS_ROLE_VIEWER));
	OK(pinvite(p, "a1", "pw", "a3@acme.com", PWS_ROLE_VIEWER));
	OK(pinvite(p, "pm", "pw", "ag@gmail.com", PWS_ROLE_VIEWER));
	OK(pinvite(p, "pm", "pw", "newcomer@acme.com", PWS_ROLE_VIEWER));
	OK(pws_invite_withdraw(p, "a1", "pw", "a2@acme.com", RES));
	expect_withdrawn(p, "pw", "a2@acme.com", "a2");
	OK(pws_invite_withdraw(p, "a1", "pw", "a3@acme.com", RES));
	expect_withdrawn(p, "pw", "a3@acme.com", "a3");
	OK(pws_invite_withdraw(p, "a1", "pw", "ag@gmail.com", RES));
	expect_withdrawn(p, "pw", "ag@gmail.com", "ag");
	OK(pws_invite_withdraw(p, "a1", "pw", "newcomer@acme.com", RES));
	expect_withdrawn(p, "pw", "newcomer@acme.com", NULL);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN7_partner_lead_cannot_withdraw_other_org_or_member_invite)
{
	pws_policy *p = ev_world();

	/* x has an acme.com address but is on initech: in team-to-team the
	 * organization is the team, so x is not a1's */
	OK(pws_user_add(p, "x", "x@acme.com", "initech", PWS_TEAM_MEMBER, 0, RES));
	OK(pinvite(p, "pm", "pw", "i1@initech.com", PWS_ROLE_VIEWER));
	OK(pinvite(p, "pm", "pw", "g2@globex.com", PWS_ROLE_VIEWER));
	OK(pinvite(p, "pm", "pw", "x@acme.com", PWS_ROLE_VIEWER));
	OK(pinvite(p, "pm", "pw", "someone@initech.com", PWS_ROLE_VIEWER));
	OK(pws_invite(p, "pm", "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0, RES));
	DENY_QUIET(p, pws_invite_withdraw(p, "a1", "pw", "i1@initech.com", RES), PWS_RULE_IN7);
	DENY_QUIET(p, pws_invite_withdraw(p, "a1", "pw", "g2@globex.com", RES), PWS_RULE_IN7);
	DENY_QUIET(p, pws_invite_withdraw(p, "a1", "pw", "x@acme.com", RES), PWS_RULE_IN7);
	DENY_QUIET(p, pws_invite_withdraw(p, "a1", "pw", "someone@initech.com", RES),
	           PWS_RULE_IN7);
	DENY_QUIET(p, pws_invite_withdraw(p, "a1", "pw", "dev2@pub.com", RES), PWS_RULE_IN7);
	expect_invite(p, "pw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	expect_invite(p, "pw", "g2@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	expect_invite(p, "pw", "x@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	expect_invite(p, "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0);
	/* the invitees can still accept */
	OK(pws_invite_accept(p, "i1", "pw", NULL, RES));
	expect_member(p, "pw", "i1", PWS_ROLE_VIEWER, 0, 1);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN7_others_cannot_withdraw)
{
	pws_policy *p = ev_world();

	OK(pinvite(p, "pm", "pw", "a2@acme.com", PWS_ROLE_VIEWER));
	OK(pinvite(p, "pm", "pw", "g2@globex.com", PWS_ROLE_VIEWER));
	/* a plain team member (Editor), a partner without the lead flag (even
	 * for an invite to their own organization), an Admin demoted */
	DENY_QUIET(p, pws_invite_withdraw(p, "dev", "pw", "a2@acme.com", RES), PWS_RULE_IN7);
	DENY_QUIET(p, pws_invite_withdraw(p, "g1", "pw", "g2@globex.com", RES), PWS_RULE_IN7);
	DENY_QUIET(p, pws_invite_withdraw(p, "g1", "pw", "a2@acme.com", RES), PWS_RULE_IN7);
	OK(pws_member_set_lead(p, "pm", "pw", "a1", 0, RES));
	DENY_QUIET(p, pws_invite_withdraw(p, "a1", "pw", "a2@acme.com", RES), PWS_RULE_IN7);
	expect_invite(p, "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	expect_invite(p, "pw", "g2@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN7_legacy_lead_withdraws_own_domain_invite)
{
	pws_policy *p = ev_world();

	/* legacy: the organization is the email domain, whatever the team */
	OK(pws_user_add(p, "x", "x@acme.com", "initech", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "ag", "ag@gmail.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "admin", RES));
	add_partner(p, "admin", "lw", "a1", "a1@acme.com", PWS_ROLE_EDITOR, 1);
	OK(pinvite(p, "admin", "lw", "x@acme.com", PWS_ROLE_VIEWER));
	OK(pinvite(p, "admin", "lw", "ag@gmail.com", PWS_ROLE_VIEWER));
	OK(pinvite(p, "admin", "lw", "i1@initech.com", PWS_ROLE_VIEWER));
	DENY_QUIET(p, pws_invite_withdraw(p, "a1", "lw", "ag@gmail.com", RES), PWS_RULE_IN7);
	DENY_QUIET(p, pws_invite_withdraw(p, "a1", "lw", "i1@initech.com", RES), PWS_RULE_IN7);
	OK(pws_invite_withdraw(p, "a1", "lw", "x@acme.com", RES));
	expect_withdrawn(p, "lw", "x@acme.com", "x");
	expect_invite(p, "lw", "ag@gmail.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	expect_invite(p, "lw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN7_withdrawn_invite_no_longer_counts_for_DL1)
{
	pws_policy *p = ev_world();
	int vis = -1;

	OK(pws_member_remove(p, "pm", "pw", "a1", RES));
	OK(pws_member_remove(p, "pm", "pw", "g1", RES));
	OK(pinvite(p, "pm", "pw", "a2@acme.com", PWS_ROLE_VIEWER));
	DENY_QUIET(p, pws_workspace_set_visibility(p, "pm", "pw", PWS_VIS_PRIVATE, RES),
	           PWS_RULE_DL1);
	OK(pws_invite_withdraw(p, "pm", "pw", "a2@acme.com", RES));
	CAN(p, "pm", PWS_ACT_CHANGE_VISIBILITY, "pw", NULL, PWS_RULE_DL1);
	OK(pws_workspace_set_visibility(p, "pm", "pw", PWS_VIS_PRIVATE, RES));
	ck_assert_int_eq(pws_workspace_get(p, &vis, NULL, NULL, NULL, "pw"), PWS_OK);
	ck_assert_int_eq(vis, PWS_VIS_PRIVATE);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN7_withdraw_tells_the_invitee)
{
	pws_policy *p = ev_world();
	const ev_rec *e;

	OK(pinvite(p, "pm", "pw", "a2@acme.com", PWS_ROLE_VIEWER));
	ev_count = 0;
	/* the address is compared by its identity key */
	OK(pws_invite_withdraw(p, "a1", "pw", "A2@Acme.COM", RES));
	ck_assert_uint_eq(ev_count, 1);
	e = ev_find(PWS_EV_INVITE_WITHDRAWN);
	ck_assert_msg(e != NULL, "no INVITE_WITHDRAWN event");
	ck_assert_int_eq(e->rule, PWS_RULE_IN7);
	ck_assert_str_eq(e->actor, "a1");
	ck_assert_uint_eq(e->nrcpt, 1);
	ck_assert_msg(ev_has_rcpt(e, "a2@acme.com"), "event to %s, not the invitee",
	              e->rcpt[0]);
	expect_withdrawn(p, "pw", "a2@acme.com", "a2");
	pws_policy_free(p);
}
END_TEST

START_TEST(IN7_no_open_invite_not_found)
{
	pws_policy *p = ev_world();

	/* never invited, a member (whose invite was accepted), declined,
	 * withdrawn already */
	FAILS_QUIET(p, pws_invite_withdraw(p, "pm", "pw", "a2@acme.com", RES), PWS_ENOTFOUND);
	FAILS_QUIET(p, pws_invite_withdraw(p, "pm", "pw", "a1@acme.com", RES), PWS_ENOTFOUND);
	OK(pinvite(p, "pm", "pw", "a3@acme.com", PWS_ROLE_VIEWER));
	OK(pws_invite_decline(p, "a3", "pw", RES));
	FAILS_QUIET(p, pws_invite_withdraw(p, "pm", "pw", "a3@acme.com", RES), PWS_ENOTFOUND);
	OK(pinvite(p, "pm", "pw", "a2@acme.com", PWS_ROLE_VIEWER));
	OK(pws_invite_withdraw(p, "pm", "pw", "a2@acme.com", RES));
	FAILS_QUIET(p, pws_invite_withdraw(p, "pm", "pw", "a2@acme.com", RES), PWS_ENOTFOUND);
	/* an invite to another workspace is not this one's */
	OK(pws_workspace_create(p, "pm", "pw2", "Second", PWS_VIS_PARTNER, NULL, RES));
	OK(pinvite(p, "pm", "pw2", "i1@initech.com", PWS_ROLE_VIEWER));
	FAILS_QUIET(p, pws_invite_withdraw(p, "pm", "pw", "i1@initech.com", RES), PWS_ENOTFOUND);
	expect_invite(p, "pw2", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	/* malformed arguments */
	FAILS_QUIET(p, pws_invite_withdraw(p, "pm", "pw", NULL, RES), PWS_EINVALID);
	FAILS_QUIET(p, pws_invite_withdraw(p, "pm", "pw", "not-an-email", RES), PWS_EINVALID);
	FAILS_QUIET(p, pws_invite_withdraw(p, "pm", NULL, "i1@initech.com", RES), PWS_EINVALID);
	FAILS_QUIET(p, pws_invite_withdraw(NULL, "pm", "pw", "i1@initech.com", RES),
	            PWS_EINVALID);
	FAILS_QUIET(p, pws_invite_withdraw(p, "ghost", "pw2", "i1@initech.com", RES),
	            PWS_ENOTFOUND);
	FAILS_QUIET(p, pws_invite_withdraw(p, "pm", "nope", "i1@initech.com", RES),
	            PWS_ENOTFOUND);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN7_withdraw_written_through)
{
	mem_store s;
	pws_policy *p, *q;
	size_t before;

	memset(&s, 0, sizeof s);
	ck_assert_int_eq(mem_store_open(&s, NULL, &p), PWS_OK); /* tests/mem-store.h */
	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "pub", "pub.com", RES));
	OK(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	OK(pws_user_add(p, "dev", "dev@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_team_add(p, "acme", "Acme", PWS_PLAN_PROFESSIONAL, 0, RES));
	OK(pws_team_add_domain(p, "acme", "acme.com", RES));
	OK(pws_user_add(p, "a1", "a1@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "a2", "a2@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_workspace_create(p, "pm", "pw", "Partner", PWS_VIS_PARTNER, NULL, RES));
	add_partner(p, "pm", "pw", "a1", "a1@acme.com", PWS_ROLE_VIEWER, 1);
	OK(pinvite(p, "pm", "pw", "a2@acme.com", PWS_ROLE_VIEWER));
	OK(pws_invite(p, "pm", "pw", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, RES));
	before = s.n;
	OK(pws_invite_withdraw(p, "a1", "pw", "a2@acme.com", RES));
	ck_assert_uint_eq(s.n, before + 1);
	/* a refusal writes nothing */
	DENY(pws_invite_withdraw(p, "a1", "pw", "dev@pub.com", RES), PWS_RULE_IN7);
	FAILS(pws_invite_withdraw(p, "pm", "pw", "a2@acme.com", RES), PWS_ENOTFOUND);
	ck_assert_uint_eq(s.n, before + 1);
	ck_assert_int_eq(mem_store_open(&s, NULL, &q), PWS_OK);
	ck_assert_msg(tw_digest(q) == tw_digest(p), "reopened state differs");
	expect_no_invite(q, "pw", "a2@acme.com");
	expect_invite(q, "pw", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0);
	FAILS(pws_invite_accept(q, "a2", "pw", NULL, RES), PWS_ENOTFOUND);
	pws_policy_free(q);
	pws_policy_free(p);
	ck_assert_int_eq(s.closed, 2);
	mem_store_clear(&s);
}
END_TEST

/* IN7's second sentence: a team member invite needs a user of the owning
 * team; anyone else is refused by IN2, never as malformed. */
START_TEST(IN7_member_invite_of_non_team_user_denied_IN2)
{
	pws_policy *p = ev_world();

	OK(pws_user_add(p, "pm2", "pm2@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	/* a user of another team, a teamless user, an address on the
	 * publisher's domain that is no user, a stranger */
	DENY_QUIET(p, pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER,
	                         0, RES), PWS_RULE_IN2);
	DENY_QUIET(p, pws_invite(p, "pm", "pw", "solo@gmail.com", PWS_INVITE_MEMBER,
	                         PWS_ROLE_VIEWER, 0, RES), PWS_RULE_IN2);
	DENY_QUIET(p, pws_invite(p, "pm2", "pw", "ghost@pub.com", PWS_INVITE_MEMBER,
	                         PWS_ROLE_EDITOR, 0, RES), PWS_RULE_IN2);
	DENY_QUIET(p, pws_invite(p, "pm", "pw", "who@example.org", PWS_INVITE_MEMBER,
	                         PWS_ROLE_VIEWER, 0, RES), PWS_RULE_IN2);
	expect_no_invite(p, "pw", "a2@acme.com");
	expect_no_invite(p, "pw", "ghost@pub.com");
	/* a user of the owning team whose address is off its domains is fine */
	OK(pws_user_add(p, "ext", "ext@gmail.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_invite(p, "pm", "pw", "ext@gmail.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "ext", "pw", NULL, RES));
	expect_member(p, "pw", "ext", PWS_ROLE_VIEWER, 0, 0);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Policy refusals are EDENIED with their rule, never EINVALID         */
/* ------------------------------------------------------------------ */

START_TEST(IN2_member_invite_accepted_after_leaving_owning_team_denied)
{
	pws_policy *p = ev_world();

	OK(pws_invite(p, "pm", "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_user_set_team(p, "dev2", "acme", PWS_TEAM_MEMBER, RES));
	DENY_QUIET(p, pws_invite_accept(p, "dev2", "pw", NULL, RES), PWS_RULE_IN2);
	expect_not_member(p, "pw", "dev2");
	/* back on the owning team, the invite is good again */
	OK(pws_user_set_team(p, "dev2", "pub", PWS_TEAM_MEMBER, RES));
	OK(pws_invite_accept(p, "dev2", "pw", NULL, RES));
	expect_member(p, "pw", "dev2", PWS_ROLE_EDITOR, 0, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(RO3_lead_flag_to_team_member_denied)
{
	pws_policy *p = ev_world();

	DENY_QUIET(p, pws_member_set_lead(p, "pm", "pw", "dev", 1, RES), PWS_RULE_RO3);
	DENY_QUIET(p, pws_invite(p, "pm", "pw", "dev2@pub.com", PWS_INVITE_MEMBER,
	                         PWS_ROLE_VIEWER, 1, RES), PWS_RULE_RO3);
	expect_member(p, "pw", "dev", PWS_ROLE_EDITOR, 0, 0);
	expect_no_invite(p, "pw", "dev2@pub.com");
	pws_policy_free(p);
}
END_TEST

START_TEST(RM2_partner_end_on_non_partner_not_found)
{
	pws_policy *p = ev_world();

	/* a team member, a user who never was a partner, a teamless user,
	 * a partner whose relation already ended */
	FAILS_QUIET(p, pws_partner_end(p, "pm", "pub", "dev", RES), PWS_ENOTFOUND);
	FAILS_QUIET(p, pws_partner_end(p, "pm", "pub", "a2", RES), PWS_ENOTFOUND);
	FAILS_QUIET(p, pws_partner_end(p, "pm", "pub", "solo", RES), PWS_ENOTFOUND);
	OK(pws_partner_end(p, "pm", "pub", "g1", RES));
	FAILS_QUIET(p, pws_partner_end(p, "pm", "pub", "g1", RES), PWS_ENOTFOUND);
	pws_policy_free(p);
}
END_TEST

START_TEST(RO2_enabling_multi_without_partner_editor_reports_no_downgrade)
{
	pws_policy *p = ev_world();

	OK(pws_member_set_role(p, "pm", "pw", "a1", PWS_ROLE_VIEWER, RES));
	ev_count = 0;
	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	ck_assert_msg(!(tw_res.flags & PWS_RESULT_DOWNGRADED), "DOWNGRADED with no Editor");
	ck_assert_msg(ev_find(PWS_EV_ROLES_DOWNGRADED) == NULL, "ROLES_DOWNGRADED with no Editor");
	ck_assert_msg(ev_find(PWS_EV_MULTI_PARTNER_ENABLED) != NULL, "no MULTI_PARTNER_ENABLED");
	expect_member(p, "pw", "dev", PWS_ROLE_EDITOR, 0, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(RO2_enabling_multi_downgrades_and_reports)
{
	pws_policy *p = ev_world();
	const ev_rec *e;

	add_partner(p, "pm", "pw", "i1", "i1@initech.com", PWS_ROLE_EDITOR, 0);
	ev_count = 0;
	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	ck_assert(tw_res.flags & PWS_RESULT_DOWNGRADED);
	expect_member(p, "pw", "a1", PWS_ROLE_VIEWER, 1, 1);
	expect_member(p, "pw", "i1", PWS_ROLE_VIEWER, 0, 1);
	expect_member(p, "pw", "dev", PWS_ROLE_EDITOR, 0, 0);
	e = ev_find(PWS_EV_ROLES_DOWNGRADED);
	ck_assert_msg(e != NULL, "no ROLES_DOWNGRADED event");
	ck_assert_int_eq(e->rule, PWS_RULE_RO2);
	{
		size_t i, n_a1 = 0, n_i1 = 0;

		for (i = 0; i < ev_count; i++) {
			if (ev_log[i].kind != PWS_EV_ROLES_DOWNGRADED)
				continue;
			ck_assert_msg(!ev_has_rcpt(&ev_log[i], "g1"), "viewer g1 told of a downgrade");
			ck_assert_msg(!ev_has_rcpt(&ev_log[i], "dev"), "team editor dev told");
			n_a1 += (size_t)ev_has_rcpt(&ev_log[i], "a1");
			n_i1 += (size_t)ev_has_rcpt(&ev_log[i], "i1");
		}
		ck_assert_uint_eq(n_a1, 1);
		ck_assert_uint_eq(n_i1, 1);
	}
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Bad input                                                           */
/* ------------------------------------------------------------------ */

START_TEST(badinput_invite)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);

	FAILS(pinvite(p, "pm", "pw", NULL, PWS_ROLE_VIEWER), PWS_EINVALID);
	ck_assert_int_eq(tw_res.code, PWS_EINVALID);
	FAILS(pinvite(p, "pm", "pw", "", PWS_ROLE_VIEWER), PWS_EINVALID);
	FAILS(pinvite(p, "pm", "pw", "not-an-email", PWS_ROLE_VIEWER), PWS_EINVALID);
	FAILS(pinvite(p, "pm", "pw", "a@b@acme.com", PWS_ROLE_VIEWER), PWS_EINVALID);
	FAILS(pinvite(p, "pm", "pw", "a b@acme.com", PWS_ROLE_VIEWER), PWS_EINVALID);
	FAILS(pinvite(p, "pm", "pw", "x@localhost", PWS_ROLE_VIEWER), PWS_EINVALID);
	FAILS(pinvite(p, "pm", "pw", "a2@acme.com", 0), PWS_EINVALID);
	FAILS(pinvite(p, "pm", "pw", "a2@acme.com", 7), PWS_EINVALID);
	FAILS(pws_invite(p, "pm", "pw", "a2@acme.com", 0, PWS_ROLE_VIEWER, 0, RES), PWS_EINVALID);
	FAILS(pws_invite(p, "pm", "pw", "a2@acme.com", 9, PWS_ROLE_VIEWER, 0, RES), PWS_EINVALID);
	FAILS(pinvite(p, "pm", "nope", "a2@acme.com", PWS_ROLE_VIEWER), PWS_ENOTFOUND);
	ck_assert_int_eq(tw_res.code, PWS_ENOTFOUND);
	FAILS(pinvite(p, "pm", NULL, "a2@acme.com", PWS_ROLE_VIEWER), PWS_EINVALID);
	FAILS(pinvite(p, "pm", "", "a2@acme.com", PWS_ROLE_VIEWER), PWS_EINVALID);
	FAILS(pinvite(p, "ghost", "pw", "a2@acme.com", PWS_ROLE_VIEWER), PWS_ENOTFOUND);
	FAILS(pinvite(p, NULL, "pw", "a2@acme.com", PWS_ROLE_VIEWER), PWS_EINVALID);
	FAILS(pinvite(NULL, "pm", "pw", "a2@acme.com", PWS_ROLE_VIEWER), PWS_EINVALID);
	/* Already a member. */
	FAILS(pinvite(p, "pm", "pw", "a1@acme.com", PWS_ROLE_VIEWER), PWS_EEXISTS);
	FAILS(pinvite(p, "pm", "pw", "g1@GLOBEX.COM.", PWS_ROLE_VIEWER), PWS_EEXISTS);
	expect_no_invite(p, "pw", "a2@acme.com");
	ck_assert_int_eq(pws_invite_get(p, NULL, NULL, NULL, "pw", NULL), PWS_EINVALID);
	ck_assert_int_eq(pws_invite_get(p, NULL, NULL, NULL, NULL, "a2@acme.com"), PWS_EINVALID);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(badinput_member_operations)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);

	FAILS(pws_member_set_role(p, "pm", "pw", "ghost", PWS_ROLE_VIEWER, RES), PWS_ENOTFOUND);
	FAILS(pws_member_set_role(p, "pm", "pw", "a2", PWS_ROLE_VIEWER, RES), PWS_ENOTFOUND);
	FAILS(pws_member_set_role(p, "pm", "nope", "g1", PWS_ROLE_VIEWER, RES), PWS_ENOTFOUND);
	FAILS(pws_member_set_role(p, "pm", "pw", "g1", 0, RES), PWS_EINVALID);
	FAILS(pws_member_set_role(p, "pm", "pw", "g1", 4, RES), PWS_EINVALID);
	FAILS(pws_member_set_role(p, "pm", "pw", NULL, PWS_ROLE_VIEWER, RES), PWS_EINVALID);
	FAILS(pws_member_set_role(p, "", "pw", "g1", PWS_ROLE_VIEWER, RES), PWS_EINVALID);
	FAILS(pws_member_set_lead(p, "pm", "nope", "g1", 1, RES), PWS_ENOTFOUND);
	FAILS(pws_member_set_lead(p, "pm", "pw", "a2", 1, RES), PWS_ENOTFOUND);
	FAILS(pws_member_set_lead(p, "pm", "pw", NULL, 1, RES), PWS_EINVALID);
	FAILS(pws_member_remove(p, "pm", "pw", "a2", RES), PWS_ENOTFOUND);
	FAILS(pws_member_remove(p, "pm", "pw", "ghost", RES), PWS_ENOTFOUND);
	FAILS(pws_member_remove(p, "pm", "pw", "", RES), PWS_EINVALID);
	FAILS(pws_member_remove(p, "ghost", "pw", "g1", RES), PWS_ENOTFOUND);
	FAILS(pws_invite_accept(p, "a2", "pw", NULL, RES), PWS_ENOTFOUND);
	FAILS(pws_invite_accept(p, NULL, "pw", NULL, RES), PWS_EINVALID);
	FAILS(pws_invite_accept(p, "ghost", "pw", NULL, RES), PWS_ENOTFOUND);
	FAILS(pws_invite_accept(p, "a2", "nope", NULL, RES), PWS_ENOTFOUND);
	FAILS(pws_invite_decline(p, "a2", "pw", RES), PWS_ENOTFOUND);
	FAILS(pws_invite_decline(p, "a2", NULL, RES), PWS_EINVALID);
	FAILS(pws_partner_end(p, "pm", "nope", "a1", RES), PWS_ENOTFOUND);
	FAILS(pws_partner_end(p, "pm", "pub", "ghost", RES), PWS_ENOTFOUND);
	FAILS(pws_partner_end(p, "pm", "pub", NULL, RES), PWS_EINVALID);
	FAILS(pws_partner_end(p, NULL, "pub", "a1", RES), PWS_EINVALID);
	ck_assert_int_eq(pws_member_get(p, NULL, NULL, NULL, "pw", "ghost"), PWS_ENOTFOUND);
	ck_assert_int_eq(pws_member_get(p, NULL, NULL, NULL, "nope", "a1"), PWS_ENOTFOUND);
	ck_assert_int_eq(pws_member_get(p, NULL, NULL, NULL, "pw", NULL), PWS_EINVALID);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(badinput_bulk)
{
	pws_policy *p = tw_world();
	pws_bulk_report *rep = NULL;
	uint64_t d = tw_digest(p);
	const char txt[] = "a2@acme.com\n";

	FAILS(pws_invite_bulk(p, &rep, "pm", "pw", NULL, 5, PWS_BULK_TXT, PWS_BULK_BEST_EFFORT,
	                      PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES), PWS_EINVALID);
	pws_bulk_report_free(rep);
	rep = NULL;
	FAILS(pws_invite_bulk(p, &rep, "pm", "pw", txt, strlen(txt), 0, PWS_BULK_BEST_EFFORT,
	                      PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES), PWS_EINVALID);
	pws_bulk_report_free(rep);
	rep = NULL;
	FAILS(pws_invite_bulk(p, &rep, "pm", "pw", txt, strlen(txt), PWS_BULK_TXT, 0,
	                      PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES), PWS_EINVALID);
	pws_bulk_report_free(rep);
	rep = NULL;
	FAILS(pws_invite_bulk(p, &rep, "pm", "nope", txt, strlen(txt), PWS_BULK_TXT,
	                      PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES),
	      PWS_ENOTFOUND);
	pws_bulk_report_free(rep);
	rep = NULL;
	FAILS(pws_invite_bulk(p, &rep, "ghost", "pw", txt, strlen(txt), PWS_BULK_TXT,
	                      PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES),
	      PWS_ENOTFOUND);
	pws_bulk_report_free(rep);
	ck_assert_uint_eq(pws_bulk_report_errors(NULL), 0);
	ck_assert_uint_eq(pws_bulk_report_invited(NULL), 0);
	ck_assert_int_eq(pws_bulk_report_get(NULL, 0, NULL, NULL, NULL, NULL), PWS_EINVALID);
	pws_bulk_report_free(NULL);
	expect_no_invite(p, "pw", "a2@acme.com");
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

Suite *pws_rules_members_suite(void)
{
	Suite *s = suite_create("rules_members");
	TCase *tc;

	tc = tcase_create("roles");
	tcase_add_test(tc, RO1_partner_never_invited_as_admin);
	tcase_add_test(tc, RO1_partner_never_made_admin);
	tcase_add_test(tc, RO1_team_member_can_be_admin);
	tcase_add_test(tc, RO2_enabling_multi_downgrades_partner_editors);
	tcase_add_test(tc, RO2_multi_mode_partner_editor_refused);
	tcase_add_test(tc, RO2_single_mode_partner_editor_allowed);
	tcase_add_test(tc, RO3_workspace_admin_gives_and_takes_lead);
	tcase_add_test(tc, RO3_partner_manager_gives_lead_without_membership);
	tcase_add_test(tc, RO3_others_cannot_give_lead);
	tcase_add_test(tc, RO3_lead_cannot_invite_a_lead);
	tcase_add_test(tc, RO3_lead_flag_only_on_partners);
	tcase_add_test(tc, RO4_admin_and_manager_manage_members);
	tcase_add_test(tc, RO4_plain_members_cannot_manage);
	tcase_add_test(tc, RO4_partner_lead_manages_own_organization);
	tcase_add_test(tc, RO4_partner_lead_cannot_manage_others);
	tcase_add_test(tc, RO4_legacy_lead_manages_own_domain);
	tcase_add_test(tc, RO5_no_self_change);
	tcase_add_test(tc, RO5_others_change_the_role);
	tcase_add_test(tc, RO6_last_admin_kept);
	tcase_add_test(tc, RO6_demote_when_another_admin_remains);
	suite_add_tcase(s, tc);

	tc = tcase_create("invites");
	tcase_add_test(tc, IN1_admin_manager_lead_invite_partners);
	tcase_add_test(tc, IN1_others_cannot_invite_partners);
	tcase_add_test(tc, IN2_admin_and_manager_invite_team_members);
	tcase_add_test(tc, IN2_others_cannot_invite_team_members);
	tcase_add_test(tc, IN2_member_invite_needs_owning_team_user);
	tcase_add_test(tc, IN3_lead_invites_own_team);
	tcase_add_test(tc, IN3_lead_cannot_invite_other_organizations);
	tcase_add_test(tc, IN3_lead_in_multi_mode_still_own_team);
	tcase_add_test(tc, IN3_legacy_lead_invites_own_domain);
	tcase_add_test(tc, IN4_publisher_addresses_are_not_partners);
	tcase_add_test(tc, IN4_domain_added_later_counts);
	tcase_add_test(tc, IN5_bulk_txt_best_effort);
	tcase_add_test(tc, IN5_bulk_txt_all_or_nothing);
	tcase_add_test(tc, IN5_bulk_all_or_nothing_good_file);
	tcase_add_test(tc, IN5_bulk_csv_best_effort);
	tcase_add_test(tc, IN5_bulk_csv_all_or_nothing);
	tcase_add_test(tc, IN5_bulk_by_lead_reports_policy_per_line);
	tcase_add_test(tc, IN5_bulk_by_actor_who_may_not_invite_is_refused);
	tcase_add_test(tc, IN5_bulk_text_not_nul_terminated);
	tcase_add_test(tc, IN6_accept_through_home_team);
	tcase_add_test(tc, IN6_teamless_user_cannot_accept_team_to_team);
	tcase_add_test(tc, IN6_teamless_user_accepts_legacy);
	tcase_add_test(tc, IN6_accept_with_other_team_denied_WS3);
	tcase_add_test(tc, IN6_only_the_invitee_accepts);
	suite_add_tcase(s, tc);

	tc = tcase_create("relations");
	tcase_add_test(tc, RM2_removing_last_partner_workspace_ends_relation);
	tcase_add_test(tc, RM2_removing_from_one_of_several_keeps_relation);
	tcase_add_test(tc, RM2_partner_end_removes_from_every_partner_workspace);
	tcase_add_test(tc, RM2_partner_end_denied_to_others);
	suite_add_tcase(s, tc);

	tc = tcase_create("withdraw");
	tcase_add_test(tc, IN7_workspace_admin_withdraws_any_invite);
	tcase_add_test(tc, IN7_partner_manager_withdraws_without_membership);
	tcase_add_test(tc, IN7_partner_lead_withdraws_own_org_invite);
	tcase_add_test(tc, IN7_partner_lead_cannot_withdraw_other_org_or_member_invite);
	tcase_add_test(tc, IN7_others_cannot_withdraw);
	tcase_add_test(tc, IN7_legacy_lead_withdraws_own_domain_invite);
	tcase_add_test(tc, IN7_withdrawn_invite_no_longer_counts_for_DL1);
	tcase_add_test(tc, IN7_withdraw_tells_the_invitee);
	tcase_add_test(tc, IN7_no_open_invite_not_found);
	tcase_add_test(tc, IN7_withdraw_written_through);
	tcase_add_test(tc, IN7_member_invite_of_non_team_user_denied_IN2);
	suite_add_tcase(s, tc);

	tc = tcase_create("rev12_refusals");
	tcase_add_test(tc, IN2_member_invite_accepted_after_leaving_owning_team_denied);
	tcase_add_test(tc, RO3_lead_flag_to_team_member_denied);
	tcase_add_test(tc, RM2_partner_end_on_non_partner_not_found);
	tcase_add_test(tc, RO2_enabling_multi_without_partner_editor_reports_no_downgrade);
	tcase_add_test(tc, RO2_enabling_multi_downgrades_and_reports);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad_input");
	tcase_add_test(tc, badinput_invite);
	tcase_add_test(tc, badinput_member_operations);
	tcase_add_test(tc, badinput_bulk);
	suite_add_tcase(s, tc);
	return s;
}
