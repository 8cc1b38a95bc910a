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

Suite *pws_errors_suite(void)
{
	Suite *s = suite_create("errors");
	TCase *tc = tcase_create("strerror");

	tcase_add_test(tc, errors_every_code_has_text);
	tcase_add_test(tc, errors_codes_are_stable);
	suite_add_tcase(s, tc);
	return s;
}
