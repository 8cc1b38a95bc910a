/*
 * Version macros, run-time version and status-code text.
 * SPDX-License-Identifier: MIT
 */
#include "test-common.h"

#include <stdio.h>
#include <string.h>

START_TEST(version_runtime_matches_headers)
{
	char buf[32];

	ck_assert_uint_eq(pws_version_number(), PWS_VERSION_NUMBER);
	ck_assert_str_eq(pws_version_string(), PWS_VERSION_STRING);
	snprintf(buf, sizeof buf, "%d.%d.%d", PWS_VERSION_MAJOR,
	         PWS_VERSION_MINOR, PWS_VERSION_PATCH);
	ck_assert_str_eq(pws_version_string(), buf);
}
END_TEST

Suite *pws_version_suite(void)
{
	Suite *s = suite_create("version");
	TCase *tc = tcase_create("runtime");

	tcase_add_test(tc, version_runtime_matches_headers);
	suite_add_tcase(s, tc);
	return s;
}

/* Every code has its own text, and unknown ones a fixed text. */
START_TEST(errors_every_code_has_text)
{
	static const int codes[] = {
		PWS_OK, PWS_ERROR, PWS_ENOMEM, PWS_EINVALID, PWS_EMISUSE,
		PWS_ENOTFOUND, PWS_EEXISTS, PWS_EDENIED, PWS_ESTORAGE,
		PWS_EUSER, PWS_ESTATE, PWS_ITEROVER
	};
	size_t i, j;

	for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		const char *t = pws_strerror(codes[i]);

		ck_assert_ptr_nonnull(t);
		ck_assert_str_ne(t, "unknown error code");
		for (j = 0; j < i; j++)
			ck_assert_str_ne(t, pws_strerror(codes[j]));
	}
	ck_assert_str_eq(pws_strerror(12345), "unknown error code");
	ck_assert_str_eq(pws_strerror(-12345), "unknown error code");
}
END_TEST

START_TEST(errors_codes_are_stable)
{
	/* The numbers are ABI: never renumbered. */
	ck_assert_int_eq(PWS_OK, 0);
	ck_assert_int_eq(PWS_ENOMEM, -2);
	ck_assert_int_eq(PWS_EINVALID, -3);
	ck_assert_int_eq(PWS_EDENIED, -7);
	ck_assert_int_eq(PWS_ITEROVER, -31);
}
END_TEST

/* Rule ids are ABI: a binding copies these numbers. */
START_TEST(rules_ids_are_stable)
{
	ck_assert_int_eq(PWS_RULE_NONE, 0);
	ck_assert_int_eq(PWS_RULE_PL1, 1);
	ck_assert_int_eq(PWS_RULE_IN1, 24);
	ck_assert_int_eq(PWS_RULE_TT3, 56);
	ck_assert_int_eq(PWS_RULE_IN7, 57);
	ck_assert_int_eq(PWS_RULE_EV1, 58);
	ck_assert_int_eq(PWS_RULE_COUNT, 59);
}
END_TEST

/* Every rule below the count has a distinct id and a text, and the id
 * leads back to the rule: a rule added without its text fails here. */
START_TEST(rules_every_rule_has_id_and_text)
{
	int i, j;

	for (i = 1; i < PWS_RULE_COUNT; i++) {
		ck_assert_ptr_nonnull(pws_rule_id(i));
		ck_assert_int_gt((int)strlen(pws_rule_id(i)), 1);
		ck_assert_int_gt((int)strlen(pws_rule_text(i)), 10);
		ck_assert_int_eq(pws_rule_from_id(pws_rule_id(i)), i);
		for (j = 1; j < i; j++)
			ck_assert_str_ne(pws_rule_id(i), pws_rule_id(j));
	}
	ck_assert_str_eq(pws_rule_id(PWS_RULE_IN7), "IN7");
	ck_assert_str_eq(pws_rule_id(PWS_RULE_EV1), "EV1");
	ck_assert_int_eq(pws_rule_from_id("IN7"), PWS_RULE_IN7);
	ck_assert_int_eq(pws_rule_from_id("EV1"), PWS_RULE_EV1);
	ck_assert_str_eq(pws_rule_id(PWS_RULE_COUNT), "");
	ck_assert_str_eq(pws_rule_text(PWS_RULE_COUNT), "");
}
END_TEST

/* Names of enum values: every value has one, unknown values "". */
START_TEST(names_of_enum_values)
{
	static const char *const ev[] = {
		"", "request_created", "request_reviewed", "workspace_converted",
		"workspace_deleted", "invited", "multi_partner_enabled",
		"roles_downgraded", "update_posted", "migrated", "partner_upgraded",
		"partner_manager_assigned", "access_ended", "invite_withdrawn",
		"integration_disabled"
	};
	int i;

	for (i = PWS_EV_REQUEST_CREATED; i <= PWS_EV_INTEGRATION_DISABLED; i++)
		ck_assert_str_eq(pws_event_kind_name(i), ev[i]);
	ck_assert_str_eq(pws_event_kind_name(PWS_EV_INVITED), "invited");
	ck_assert_str_eq(pws_event_kind_name(0), "");
	ck_assert_str_eq(pws_event_kind_name(-1), "");
	ck_assert_str_eq(pws_event_kind_name(PWS_EV_INTEGRATION_DISABLED + 100), "");
	ck_assert_str_eq(pws_ws_role_name(PWS_ROLE_VIEWER), "viewer");
	ck_assert_str_eq(pws_ws_role_name(PWS_ROLE_EDITOR), "editor");
	ck_assert_str_eq(pws_ws_role_name(PWS_ROLE_ADMIN), "admin");
	ck_assert_str_eq(pws_ws_role_name(0), "");
	ck_assert_str_eq(pws_ws_role_name(4), "");
	ck_assert_str_eq(pws_team_role_name(PWS_TEAM_MEMBER), "member");
	ck_assert_str_eq(pws_team_role_name(PWS_TEAM_ADMIN), "admin");
	ck_assert_str_eq(pws_team_role_name(PWS_TEAM_SUPER_ADMIN), "super_admin");
	ck_assert_str_eq(pws_team_role_name(4), "");
	ck_assert_str_eq(pws_plan_name(PWS_PLAN_FREE), "free");
	ck_assert_str_eq(pws_plan_name(PWS_PLAN_BASIC), "basic");
	ck_assert_str_eq(pws_plan_name(PWS_PLAN_PROFESSIONAL), "professional");
	ck_assert_str_eq(pws_plan_name(PWS_PLAN_ENTERPRISE), "enterprise");
	ck_assert_str_eq(pws_plan_name(5), "");
	ck_assert_str_eq(pws_plan_name(-3), "");
	ck_assert_str_eq(pws_visibility_name(PWS_VIS_PERSONAL), "personal");
	ck_assert_str_eq(pws_visibility_name(PWS_VIS_PRIVATE), "private");
	ck_assert_str_eq(pws_visibility_name(PWS_VIS_TEAM), "team");
	ck_assert_str_eq(pws_visibility_name(PWS_VIS_PARTNER), "partner");
	ck_assert_str_eq(pws_visibility_name(PWS_VIS_PUBLIC), "public");
	ck_assert_str_eq(pws_visibility_name(6), "");
	ck_assert_str_eq(pws_visibility_name(0), "");
}
END_TEST

Suite *pws_errors_suite(void)
{
	Suite *s = suite_create("errors");
	TCase *tc = tcase_create("strerror");
	TCase *tr = tcase_create("rules");

	tcase_add_test(tc, errors_every_code_has_text);
	tcase_add_test(tc, errors_codes_are_stable);
	suite_add_tcase(s, tc);
	tcase_add_test(tr, rules_ids_are_stable);
	tcase_add_test(tr, rules_every_rule_has_id_and_text);
	tcase_add_test(tr, names_of_enum_values);
	suite_add_tcase(s, tr);
	return s;
}
