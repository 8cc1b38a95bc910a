/*
 * Branches of the policy layer and the email normalizer (POLICY.md IN3)
 * the module suites did not take: characters sorting after 'z' in a
 * domain, the domain normalizer's own limits and misuse; the Partner
 * Manager flag without a team or on a team no longer on enterprise (CR7).
 * SPDX-License-Identifier: MIT
 */
#include "test-world.h"
#include "../lib/core.h"
#include "../lib/decide-ops.h"
#include "../lib/email.h"

#include <string.h>

static void domain_refused_why(const char *in, size_t len, const char *want)
{
	char out[PWS__EMAIL_MAX + 1];
	const char *why = NULL;

	memset(out, 'x', sizeof out);
	ck_assert_msg(pws__domain_norm(out, in, len, &why) == PWS_EINVALID, "accepted: %.40s", in);
	ck_assert_str_eq(why, want);
	ck_assert_str_eq(out, "");
}

/* '{', '|', '}' and '~' sort after 'z': not letters, not LDH. */
START_TEST(IN3_domain_bytes_after_z_rejected)
{
	static const char *const bad[] = { "ac{me.com", "acme.co|m", "acme}.com", "ac~me.com" };
	char addr[64], out[PWS__EMAIL_MAX + 1];
	const char *why = NULL;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		domain_refused_why(bad[i], strlen(bad[i]), "invalid character in domain");
		strcpy(addr, "user@");
		strcat(addr, bad[i]);
		ck_assert_int_eq(pws__email_norm(out, addr, strlen(addr), &why), PWS_EINVALID);
		ck_assert_str_eq(why, "invalid character in domain");
	}
	/* ...while the same bytes are fine in a local part */
	ck_assert_int_eq(pws__email_norm(out, "a{b}|c~@acme.com", 16, &why), PWS_OK);
	ck_assert_str_eq(out, "a{b}|c~@acme.com");
}
END_TEST

/* A domain longer than 253 bytes plus one trailing dot is refused by its
 * length before its bytes are read (a control byte further on does not
 * change the reason). */
START_TEST(IN3_domain_length_refused_before_scan)
{
	char d[300];

	memset(d, 'a', sizeof d);
	d[3] = '.';
	d[299] = '\1';
	domain_refused_why(d, 255, "domain longer than 253 bytes");
	domain_refused_why(d, sizeof d, "domain longer than 253 bytes");
	/* 254 bytes ending in a dot is the 253-byte limit: length passes, the
	 * 250-byte label does not */
	d[253] = '.';
	domain_refused_why(d, 254, "domain label longer than 63 bytes");
}
END_TEST

START_TEST(IN3_domain_norm_without_output_buffer)
{
	const char *why = NULL;

	ck_assert_int_eq(pws__domain_norm(NULL, "acme.com", 8, &why), PWS_EINVALID);
	ck_assert_str_eq(why, "no output buffer");
	ck_assert_int_eq(pws__domain_norm(NULL, "acme.com", 8, NULL), PWS_EINVALID);
}
END_TEST

/* The key folds the local part only up to the '@'; the domain is already
 * lowercase, the local part's case is folded. */
START_TEST(IN3_email_key_folds_local_part)
{
	char out[PWS__EMAIL_MAX + 1];

	ck_assert_int_eq(pws__email_key(out, "Jo.Doe+X@Acme.COM", 17, NULL), PWS_OK);
	ck_assert_str_eq(out, "jo.doe+x@acme.com");
	ck_assert_int_eq(pws__email_key(out, "a..b@acme.com", 13, NULL), PWS_EINVALID);
}
END_TEST

/* CR7: the Partner Manager role exists on enterprise teams only; a user
 * on no team cannot hold it. */
START_TEST(CR7_partner_manager_needs_an_enterprise_team)
{
	pws_policy *p = tw_world();

	DENY(pws_user_add(p, "solo2", "solo2@gmail.com", NULL, 0, 1, RES), PWS_RULE_CR7);
	FAILS(pws_user_get(p, NULL, NULL, NULL, 0, "solo2"), PWS_ENOTFOUND);
	DENY(pws_user_set_partner_manager(p, "a2", 1, RES), PWS_RULE_CR7);
	OK(pws_user_add(p, "solo2", "solo2@gmail.com", NULL, 0, 0, RES));
	pws_policy_free(p);
}
END_TEST

/* CR7, WS1: a Partner Manager sees the team's partner workspaces he is no
 * member of only while the team is on enterprise; after a downgrade the
 * flag grants nothing. */
START_TEST(CR7_downgrade_ends_partner_manager_reach)
{
	pws_policy *p = tw_world();
	int allowed = -1, rule = -1;

	OK(pws_user_add(p, "pm2", "pm2@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	ck_assert_int_eq(pws_check(p, &allowed, &rule, "pm2", PWS_ACT_VIEW, "pw", NULL), PWS_OK);
	ck_assert_int_eq(allowed, 1);
	OK(pws_team_set_plan(p, "pub", PWS_PLAN_PROFESSIONAL, RES));
	ck_assert_int_eq(pws_check(p, &allowed, &rule, "pm2", PWS_ACT_VIEW, "pw", NULL), PWS_OK);
	ck_assert_msg(allowed == 0, "pm2 still sees pw after the downgrade (rule %s)",
	              pws_rule_id(rule));
	ck_assert_int_eq(pws_check(p, &allowed, &rule, "pm2", PWS_ACT_DELETE_WORKSPACE, "pw", NULL),
	                 PWS_OK);
	ck_assert_int_eq(allowed, 0);
	pws_policy_free(p);
}
END_TEST

/* WS4: a team member of a partner workspace who moves to another team no
 * longer reaches it through the team membership. */
START_TEST(WS4_team_member_moved_away_loses_access)
{
	pws_policy *p = tw_world();
	int allowed = -1, rule = -1;

	ck_assert_int_eq(pws_check(p, &allowed, &rule, "dev", PWS_ACT_EDIT, "pw", "col"), PWS_OK);
	ck_assert_int_eq(allowed, 1);
	OK(pws_user_set_team(p, "dev", "initech", PWS_TEAM_MEMBER, RES));
	ck_assert_int_eq(pws_check(p, &allowed, &rule, "dev", PWS_ACT_VIEW, "pw", NULL), PWS_OK);
	ck_assert_msg(allowed == 0, "dev reaches pw from initech (rule %s)", pws_rule_id(rule));
	pws_policy_free(p);
}
END_TEST

/* WS4 (rev12): a partner who joins the owning team keeps no partner
 * access: the partner membership never counts for a user on the owning
 * team, and a partner workspace is not visible to the team (WS1). */
START_TEST(WS4_partner_joining_owner_team_gets_no_partner_access)
{
	pws_policy *p = tw_world();
	int allowed = -1, rule = -1;

	ck_assert_int_eq(pws_check(p, &allowed, &rule, "g1", PWS_ACT_VIEW, "pw", NULL), PWS_OK);
	ck_assert_int_eq(allowed, 1);
	OK(pws_user_set_team(p, "g1", "pub", PWS_TEAM_MEMBER, RES));
	ck_assert_int_eq(pws_check(p, &allowed, &rule, "g1", PWS_ACT_VIEW, "pw", NULL), PWS_OK);
	ck_assert_msg(allowed == 0, "g1 reaches pw through a partner membership from pub (rule %s)",
	              pws_rule_id(rule));
	pws_policy_free(p);
}
END_TEST

/* LC1: an invite still open when its workspace is deleted can be neither
 * accepted nor withdrawn. */
START_TEST(LC1_invite_of_deleted_workspace_not_accepted_nor_withdrawn)
{
	pws_policy *p = tw_world();

	OK(pws_invite(p, "dev2", "team-ws", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0,
	              RES));
	OK(pws_workspace_delete(p, "dev2", "team-ws", RES));
	DENY(pws_invite_accept(p, "dev", "team-ws", NULL, RES), PWS_RULE_LC1);
	DENY(pws_invite_withdraw(p, "dev2", "team-ws", "dev@pub.com", RES), PWS_RULE_LC1);
	expect_not_member(p, "team-ws", "dev");
	pws_policy_free(p);
}
END_TEST

/* WS4: a partner whose suspended membership counts again (back on the team
 * it was granted through) is already a member: an invite sent meanwhile
 * cannot be accepted on top of it. */
START_TEST(WS4_accept_when_membership_counts_again_is_already_member)
{
	pws_policy *p = tw_world();

	OK(pws_user_set_team(p, "g1", "initech", PWS_TEAM_MEMBER, RES));
	expect_suspended(p, "pw", "g1", PWS_ROLE_VIEWER, 0);
	OK(pws_invite(p, "pm", "pw", "g1@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_user_set_team(p, "g1", "globex", PWS_TEAM_MEMBER, RES));
	expect_member(p, "pw", "g1", PWS_ROLE_VIEWER, 0, 1);
	FAILS(pws_invite_accept(p, "g1", "pw", NULL, RES), PWS_EEXISTS);
	pws_policy_free(p);
}
END_TEST

/* FK1, LC1: a fork goes into an active workspace only; the creator's own
 * partner workspace still waiting for approval is no target. */
START_TEST(FK1_fork_into_pending_workspace_refused)
{
	pws_policy *p = tw_world();
	int allowed = -1, rule = -1;

	OK(pws_workspace_create(p, "dev", "req", "Req", PWS_VIS_PARTNER, "please", RES));
	ck_assert_int_eq(pws_check(p, &allowed, &rule, "dev", PWS_ACT_VIEW, "req", NULL), PWS_OK);
	ck_assert_msg(allowed == 0 && rule == PWS_RULE_LC1, "req is not pending (rule %s)",
	              pws_rule_id(rule));
	DENY(pws_element_fork(p, "dev", "col", "col2", "req", RES), PWS_RULE_FK1);
	pws_policy_free(p);
}
END_TEST

/* LC1: nobody reads the request of a deleted workspace. */
START_TEST(LC1_read_request_of_deleted_workspace_refused)
{
	pws_policy *p = tw_world();
	char *requester = NULL, *note = NULL;
	int kind = -1, rule = -1;

	OK(pws_workspace_delete(p, "dev2", "team-ws", RES));
	ck_assert_int_eq(pws_request_get(p, &kind, &requester, &note, &rule, "owner", "team-ws"),
	                 PWS_EDENIED);
	ck_assert_int_eq(rule, PWS_RULE_LC1);
	ck_assert_ptr_null(requester);
	ck_assert_ptr_null(note);
	pws_policy_free(p);
}
END_TEST

/* VI3, LC1: a partner organization's view (VI8) of a workspace that is not
 * multi-partner sees every member (VI3); of a deleted one, nothing (LC1). */
START_TEST(VI3_org_view_of_team_workspace_then_LC1_once_deleted)
{
	pws_policy *p = tw_world();
	int visible = -1, rule = -1;

	ck_assert_int_eq(pws_org_can_see_member(p, &visible, &rule, "acme", "team-ws", "dev2"),
	                 PWS_OK);
	ck_assert_int_eq(visible, 1);
	ck_assert_int_eq(rule, PWS_RULE_VI3);
	OK(pws_workspace_delete(p, "dev2", "team-ws", RES));
	ck_assert_int_eq(pws_org_can_see_member(p, &visible, &rule, "acme", "team-ws", "dev2"),
	                 PWS_OK);
	ck_assert_int_eq(visible, 0);
	ck_assert_int_eq(rule, PWS_RULE_LC1);
	pws_policy_free(p);
}
END_TEST

/* The policy layer's answer to user a about team t's listing (TT1: the
 * partnerships page, VI9: a partner's reach); *rule gets its rule id. */
static int list_decision(pws_policy *p, int reach, const char *a, const char *t, int *rule)
{
	pws__verdict v = PWS__VERDICT_INIT;
	uint32_t ua = pws__user_find(&p->m, a), ut = pws__team_find(&p->m, t);
	int rc;

	ck_assert(ua != PWS__NONE && ut != PWS__NONE);
	rc = reach ? pws__decide_partner_reach(&p->m, ua, ut, &v)
	           : pws__decide_list_partnerships(&p->m, ua, ut, &v);
	*rule = v.rule;
	return rc;
}

/* TT1: the partnerships page is its team's Partner Managers' and admins';
 * anyone else (a plain member, a partner, a user with no team, another
 * team's Partner Manager) is refused by TT1, and the listing says so. */
START_TEST(TT1_partnerships_page_refused_by_TT1)
{
	static const char *const yes[] = { "pm", "admin", "owner" };
	static const char *const no[] = { "dev", "a1", "g1", "solo" };
	pws_policy *p = tw_world();
	pws_iter *it = NULL;
	size_t i;
	int rule;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		ck_assert_int_eq(list_decision(p, 0, yes[i], "pub", &rule), PWS_OK);
		ck_assert_int_eq(rule, PWS_RULE_TT1);
		ck_assert_int_eq(pws_list_partnerships(&it, p, yes[i], "pub"), PWS_OK);
		pws_iter_free(it);
		it = NULL;
	}
	for (i = 0; i < sizeof no / sizeof no[0]; i++) {
		rule = 0;
		ck_assert_int_eq(list_decision(p, 0, no[i], "pub", &rule), PWS_EDENIED);
		ck_assert_msg(rule == PWS_RULE_TT1, "%s refused by %s", no[i], pws_rule_id(rule));
		ck_assert_int_eq(pws_list_partnerships(&it, p, no[i], "pub"), PWS_EDENIED);
		ck_assert_ptr_null(it);
	}
	/* another team's page: pub's Partner Manager is refused acme's */
	ck_assert_int_eq(list_decision(p, 0, "pm", "acme", &rule), PWS_EDENIED);
	ck_assert_int_eq(rule, PWS_RULE_TT1);
	ck_assert_int_eq(pws_list_partnerships(&it, p, "pm", "acme"), PWS_EDENIED);
	pws_policy_free(p);
}
END_TEST

/* VI9: one partner's reach is for the team's Partner Managers (and its
 * super admins); a team admin, a plain member, the partner themself and
 * another team's user are refused by VI9. */
START_TEST(VI9_partner_reach_refused_by_VI9)
{
	static const char *const yes[] = { "pm", "owner" };
	static const char *const no[] = { "admin", "dev", "a1", "g1", "solo" };
	pws_policy *p = tw_world();
	pws_iter *it = NULL;
	size_t i;
	int rule;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		ck_assert_int_eq(list_decision(p, 1, yes[i], "pub", &rule), PWS_OK);
		ck_assert_int_eq(rule, PWS_RULE_VI9);
		ck_assert_int_eq(pws_list_partner_reach(&it, p, yes[i], "pub", "a1"), PWS_OK);
		pws_iter_free(it);
		it = NULL;
	}
	for (i = 0; i < sizeof no / sizeof no[0]; i++) {
		rule = 0;
		ck_assert_int_eq(list_decision(p, 1, no[i], "pub", &rule), PWS_EDENIED);
		ck_assert_msg(rule == PWS_RULE_VI9, "%s refused by %s", no[i], pws_rule_id(rule));
		ck_assert_int_eq(pws_list_partner_reach(&it, p, no[i], "pub", "a1"), PWS_EDENIED);
		ck_assert_ptr_null(it);
	}
	pws_policy_free(p);
}
END_TEST

Suite *pws_cover_policy_suite(void)
{
	Suite *s = suite_create("cover_policy");
	TCase *tc = tcase_create("email");

	tcase_add_test(tc, IN3_domain_bytes_after_z_rejected);
	tcase_add_test(tc, IN3_domain_length_refused_before_scan);
	tcase_add_test(tc, IN3_domain_norm_without_output_buffer);
	tcase_add_test(tc, IN3_email_key_folds_local_part);
	suite_add_tcase(s, tc);
	tc = tcase_create("decide");
	tcase_add_test(tc, CR7_partner_manager_needs_an_enterprise_team);
	tcase_add_test(tc, CR7_downgrade_ends_partner_manager_reach);
	tcase_add_test(tc, WS4_team_member_moved_away_loses_access);
	tcase_add_test(tc, WS4_partner_joining_owner_team_gets_no_partner_access);
	tcase_add_test(tc, TT1_partnerships_page_refused_by_TT1);
	tcase_add_test(tc, LC1_invite_of_deleted_workspace_not_accepted_nor_withdrawn);
	tcase_add_test(tc, WS4_accept_when_membership_counts_again_is_already_member);
	tcase_add_test(tc, FK1_fork_into_pending_workspace_refused);
	tcase_add_test(tc, LC1_read_request_of_deleted_workspace_refused);
	tcase_add_test(tc, VI3_org_view_of_team_workspace_then_LC1_once_deleted);
	tcase_add_test(tc, VI9_partner_reach_refused_by_VI9);
	suite_add_tcase(s, tc);
	return s;
}
