/*
 * Branches of the policy layer and the email normalizer (POLICY.md IN3)
 * the module suites did not take: characters sorting after 'z' in a
 * domain, the domain normalizer's own limits and misuse; the Partner
 * Manager flag without a team or on a team no longer on enterprise (CR7).
 * SPDX-License-Identifier: MIT
 */
#include "test-world.h"
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
	suite_add_tcase(s, tc);
	return s;
}
