/*
 * Identifiers and names must be well-formed UTF-8 (doc/POLICY.md, bad
 * input): every kind of malformed sequence -- a stray continuation byte,
 * an overlong form, a surrogate, a code point past U+10FFFF, a truncated
 * or broken sequence -- is refused with PWS_EINVALID and nothing
 * changes; every length of well-formed sequence is accepted.
 * SPDX-License-Identifier: MIT
 */
#include "test-world.h"

#include <stdio.h>
#include <string.h>

static const char *const bad_utf8[] = {
	"a\x80z",             /* a continuation byte as lead */
	"a\xbfz",
	"a\xc0\xafz",         /* overlong two-byte leads */
	"a\xc1\xbfz",
	"a\xf5\x80\x80\x80z", /* leads past U+10FFFF */
	"a\xff",
	"a\xc3",              /* truncated: 2, 3, 4 bytes */
	"a\xe2\x82",
	"a\xf0\x9f\x98",
	"a\xc3(z",            /* a continuation that is not one */
	"a\xe2\x28\xa1z",
	"a\xf0\x9f\x28\x80z",
	"a\xe0\x80\xafz",     /* overlong three-byte */
	"a\xed\xa0\x80z",     /* surrogates U+D800, U+DFFF */
	"a\xed\xbf\xbfz",
	"a\xf0\x80\x80\xafz", /* overlong four-byte */
	"a\xf4\x90\x80\x80z", /* U+110000 */
};

static const char *const good_utf8[] = {
	"caf\xc3\xa9",           /* U+00E9 */
	"\xc2\x80",              /* U+0080, the first two-byte */
	"\xdf\xbf",              /* U+07FF */
	"\xe0\xa0\x80",          /* U+0800, the first three-byte */
	"\xed\x9f\xbf",          /* U+D7FF, below the surrogates */
	"\xee\x80\x80",          /* U+E000, above them */
	"\xe2\x82\xac",          /* euro sign */
	"\xf0\x90\x80\x80",      /* U+10000, the first four-byte */
	"\xf0\x9f\x98\x80",      /* an emoji */
	"\xf4\x8f\xbf\xbf",      /* U+10FFFF, the last */
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A malformed id is refused as malformed (EINVALID), not looked up
 * (ENOTFOUND); a malformed name is refused and nothing changes. */
START_TEST(utf8_malformed_ids_and_names_refused)
{
	pws_policy *p = tw_world();
	uint64_t before = tw_digest(p);
	size_t i;

	for (i = 0; i < N(bad_utf8); i++) {
		FAILS(pws_team_set_plan(p, bad_utf8[i], PWS_PLAN_FREE, RES), PWS_EINVALID);
		FAILS(pws_team_add(p, bad_utf8[i], "Name", PWS_PLAN_FREE, 0, RES), PWS_EINVALID);
		FAILS(pws_team_add(p, "t-new", bad_utf8[i], PWS_PLAN_FREE, 0, RES), PWS_EINVALID);
		FAILS(pws_workspace_set_details(p, "pm", "pw", bad_utf8[i], NULL, NULL, RES),
		      PWS_EINVALID);
	}
	ck_assert_uint_eq(tw_digest(p), before);
	pws_policy_free(p);
}
END_TEST

START_TEST(utf8_well_formed_ids_and_names_accepted)
{
	pws_policy *p = tw_world();
	size_t i;

	for (i = 0; i < N(good_utf8); i++) {
		char id[32];

		FAILS(pws_team_set_plan(p, good_utf8[i], PWS_PLAN_FREE, RES), PWS_ENOTFOUND);
		snprintf(id, sizeof id, "t%s", good_utf8[i]);
		OK(pws_team_add(p, id, good_utf8[i], PWS_PLAN_FREE, 0, RES));
		OK(pws_team_set_plan(p, id, PWS_PLAN_PROFESSIONAL, RES));
		OK(pws_workspace_set_details(p, "pm", "pw", good_utf8[i], NULL, NULL, RES));
	}
	pws_policy_free(p);
}
END_TEST

Suite *pws_cover_utf8_suite(void)
{
	Suite *s = suite_create("cover_utf8");
	TCase *tc = tcase_create("utf8");

	tcase_add_test(tc, utf8_malformed_ids_and_names_refused);
	tcase_add_test(tc, utf8_well_formed_ids_and_names_accepted);
	suite_add_tcase(s, tc);
	return s;
}
