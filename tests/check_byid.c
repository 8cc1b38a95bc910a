/*
 * The check by id strings (issue 15 point 1): the key's tail compared in
 * words, the read lock's common path inline. Checks by id against
 * checks by reference for ids of every length a map treats apart (up to
 * 8 bytes, to 16, UUIDs, past the kept tail); ids one byte off; the tail
 * compare against every one-byte difference; checks re-entered from under
 * the write lock, on every path. Ids are in buffers of their exact size,
 * so that a read past one shows under valgrind (make check-valgrind).
 * White-box: lib/util.h, lib/core.h.
 * SPDX-License-Identifier: MIT
 */
/* pthread_rwlock_t in lib/core.h */
#define _DEFAULT_SOURCE 1
#include "test-common.h"
#include "test-world.h"
#include "../lib/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXLEN 45u /* past 8 + PWS__SMAP_TAIL = 40 */

/* A copy of s in a block of its exact size. */
static char *exact(const char *s)
{
	size_t n = strlen(s) + 1;
	char *c = malloc(n);

	ck_assert_ptr_nonnull(c);
	memcpy(c, s, n);
	return c;
}

/* The id of length len (1..MAXLEN) of kind k: no id is a prefix of another
 * of the same kind, and no id is "pm". */
static void make_id(char *out, unsigned len, unsigned k)
{
	unsigned j;

	for (j = 0; j < len; j++)
		out[j] = (char)((k ? 'a' : 'A') + (j * 7u + len * 3u) % 26u);
	out[len] = '\0';
}

static const int actions[5] = {PWS_ACT_VIEW, PWS_ACT_EDIT, PWS_ACT_INVITE_PARTNER,
                               PWS_ACT_VIEW_MEMBERS, PWS_ACT_COMMENT};

/* Every (user, workspace, action) by id agrees with the check by reference,
 * and ids one byte off (last byte changed, one more byte, one fewer) are
 * not found. */
START_TEST(byid_checks_agree_with_references_for_ids_of_every_length)
{
	pws_policy *p = NULL;
	char uid[MAXLEN + 1][MAXLEN + 2], wid[MAXLEN + 1][MAXLEN + 2], email[64];
	pws_ref ru[MAXLEN + 1], rw[MAXLEN + 1];
	unsigned l, m, a, members = 0;

	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "pub", "pub.com", RES));
	OK(pws_team_set_editor_seats(p, "pub", 100000u, RES));
	OK(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	for (l = 1; l <= MAXLEN; l++) {
		make_id(uid[l], l, 0);
		make_id(wid[l], l, 1);
		snprintf(email, sizeof email, "u%u@pub.com", l);
		OK(pws_user_add(p, uid[l], email, "pub", PWS_TEAM_MEMBER, 0, RES));
		OK(pws_workspace_create(p, "pm", wid[l], "W", PWS_VIS_PARTNER, NULL, RES));
	}
	for (l = 1; l <= MAXLEN; l++)
		for (m = 1; m <= MAXLEN; m++) {
			if ((l * 3u + m) % 4u == 0)
				continue;
			snprintf(email, sizeof email, "u%u@pub.com", l);
			OK(pws_invite(p, "pm", wid[m], email, PWS_INVITE_MEMBER,
			              (int)((l + m) % 3u) + PWS_ROLE_VIEWER, 0, RES));
			OK(pws_invite_accept(p, uid[l], wid[m], NULL, RES));
			members++;
		}
	ck_assert_uint_gt(members, 1000u);
	for (l = 1; l <= MAXLEN; l++) {
		OK(pws_ref_user(p, &ru[l], uid[l]));
		OK(pws_ref_workspace(p, &rw[l], wid[l]));
	}
	for (l = 1; l <= MAXLEN; l++)
		for (m = 1; m <= MAXLEN; m++) {
			char *x = exact(uid[l]), *y = exact(wid[m]);

			for (a = 0; a < 5; a++) {
				int al = -1, rl = -1, ar = -2, rr = -2;

				ck_assert_int_eq(pws_check(p, &al, &rl, x, actions[a], y, NULL), PWS_OK);
				ck_assert_int_eq(pws_check_ref(p, &ar, &rr, ru[l], actions[a], rw[m],
				                               PWS_REF_NONE),
				                 PWS_OK);
				ck_assert_msg(al == ar && rl == rr,
				              "user of %u bytes, workspace of %u, action %d: by id %d/%d, "
				              "by reference %d/%d",
				              l, m, actions[a], al, rl, ar, rr);
			}
			/* a member may view its workspace; nobody else (partner visibility) */
			{
				int al = -1;

				OK(pws_check(p, &al, NULL, x, PWS_ACT_VIEW, y, NULL));
				ck_assert_int_eq(al, (l * 3u + m) % 4u != 0);
			}
			free(x);
			free(y);
		}
	/* one byte off: changed, appended, removed; on either side */
	for (l = 1; l <= MAXLEN; l++) {
		char off[3][MAXLEN + 3];
		int k;

		strcpy(off[0], uid[l]);
		off[0][l - 1] = '#';
		strcpy(off[1], uid[l]);
		strcat(off[1], "A");
		strcpy(off[2], uid[l]);
		off[2][l - 1] = '\0';
		for (k = 0; k < 3; k++) {
			char *x = exact(off[k]), *y = exact(wid[l]);
			int al = -1;

			if (x[0]) {
				ck_assert_int_eq(pws_check(p, &al, NULL, x, PWS_ACT_VIEW, y, NULL),
				                 PWS_ENOTFOUND);
				ck_assert_int_eq(pws_check(p, &al, NULL, y, PWS_ACT_VIEW, x, NULL),
				                 PWS_ENOTFOUND);
			} else {
				ck_assert_int_eq(pws_check(p, &al, NULL, x, PWS_ACT_VIEW, y, NULL),
				                 PWS_EINVALID);
			}
			ck_assert_int_eq(al, 0);
			free(x);
			free(y);
		}
		strcpy(off[0], wid[l]);
		off[0][l - 1] = '#';
		{
			char *x = exact(uid[l]), *y = exact(off[0]);
			int al = -1;

			ck_assert_int_eq(pws_check(p, &al, NULL, x, PWS_ACT_VIEW, y, NULL),
			                 PWS_ENOTFOUND);
			free(x);
			free(y);
		}
	}
	pws_policy_free(p);
}
END_TEST

/* pws__tail_eq against every one-byte difference, for every length a
 * tail holds; the key in a block of exactly n bytes (valgrind shows a read
 * past it). */
START_TEST(byid_tail_compare_tells_every_byte)
{
	unsigned n, i;

	for (n = 1; n <= PWS__SMAP_TAIL; n++) {
		unsigned char t[PWS__SMAP_TAIL];
		char *k = malloc(n);

		ck_assert_ptr_nonnull(k);
		memset(t, 0, sizeof t);
		for (i = 0; i < n; i++)
			t[i] = (unsigned char)('0' + (i * 11u + n) % 70u);
		memcpy(k, t, n);
		ck_assert_msg(pws__tail_eq(t, k, n), "%u bytes equal", n);
		for (i = 0; i < n; i++) {
			char was = k[i];

			k[i] = (char)(was ^ 0x20);
			ck_assert_msg(!pws__tail_eq(t, k, n), "%u bytes, byte %u differs", n, i);
			k[i] = (char)(was ^ 0x01);
			ck_assert_msg(!pws__tail_eq(t, k, n), "%u bytes, byte %u differs (low bit)", n,
			              i);
			k[i] = was;
		}
		ck_assert(pws__tail_eq(t, k, n));
		free(k);
	}
}
END_TEST

/* --- reads from under the write lock: PWS_EMISUSE on every path --------- */
static pws_policy *re_p;
static int re_ws, re_el, re_ws_el, re_bad;

static void reenter(void)
{
	int al;

	re_ws = pws_check(re_p, &al, NULL, "dev", PWS_ACT_VIEW, "pw", NULL);
	re_el = pws_check(re_p, &al, NULL, "dev", PWS_ACT_VIEW, NULL, "col");
	re_ws_el = pws_check(re_p, &al, NULL, "dev", PWS_ACT_VIEW, "pw", "col");
	re_bad = pws_check(re_p, &al, NULL, "dev", 0, "pw", NULL);
}




START_TEST(byid_checks_reentered_under_the_write_lock_are_misuse)
{
	pws_allocator a;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;

	tc_reenter_allocator(&a, reenter);
	o.allocator = &a;
	ck_assert_int_eq(pws_policy_new(&re_p, &o), PWS_OK);
	OK(pws_team_add(re_p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(re_p, "pub", "pub.com", RES));
	OK(pws_user_add(re_p, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	OK(pws_user_add(re_p, "dev", "dev@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_workspace_create(re_p, "pm", "pw", "PW", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_invite(re_p, "pm", "pw", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite_accept(re_p, "dev", "pw", NULL, RES));
	OK(pws_element_add(re_p, "dev", "pw", "col", PWS_EL_COLLECTION, 10, NULL, RES));
	re_ws = re_el = re_ws_el = re_bad = 12345;
	ck_assert(tc_reenter_fire(re_p));
	ck_assert_int_eq(re_ws, PWS_EMISUSE);
	ck_assert_int_eq(re_el, PWS_EMISUSE);
	ck_assert_int_eq(re_ws_el, PWS_EMISUSE);
	ck_assert_int_eq(re_bad, PWS_EMISUSE);
	/* afterwards the same checks answer */
	reenter();
	ck_assert_int_eq(re_ws, PWS_OK);
	ck_assert_int_eq(re_el, PWS_OK);
	ck_assert_int_eq(re_ws_el, PWS_OK);
	ck_assert_int_eq(re_bad, PWS_EINVALID);
	pws_policy_free(re_p);
}
END_TEST

Suite *pws_byid_suite(void)
{
	Suite *s = suite_create("byid");
	TCase *t = tcase_create("byid");

	tcase_set_timeout(t, 60);
	tcase_add_test(t, byid_checks_agree_with_references_for_ids_of_every_length);
	tcase_add_test(t, byid_tail_compare_tells_every_byte);
	tcase_add_test(t, byid_checks_reentered_under_the_write_lock_are_misuse);
	suite_add_tcase(s, t);
	return s;
}
