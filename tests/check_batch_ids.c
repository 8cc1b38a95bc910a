/*
 * pws_check_batch's hints on the caller's id strings: the batch starts
 * loading an id's first 32 bytes (strlen's read) before it hashes it.
 * A hint may name bytes past the string, so these tests place the ids at
 * the very end of a page followed by one that may not be read: the batch
 * must decide every item as pws_check does and read nothing past an id.
 * SPDX-License-Identifier: MIT
 */
/* mmap's MAP_ANONYMOUS */
#define _DEFAULT_SOURCE 1
#include "test-common.h"
#include "test-world.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { BI_N = 9, BI_USERS = 40 };

/* A page with an unreadable one after it, and the copy of a string that
 * ends (its NUL) at the page's last byte. */
typedef struct guarded {
	char *page;
	size_t size;
} guarded;

static void guarded_new(guarded *g)
{
	long ps = sysconf(_SC_PAGESIZE);

	ck_assert_int_gt(ps, 0);
	g->size = (size_t)ps;
	g->page = mmap(NULL, 2 * g->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(g->page != MAP_FAILED);
	ck_assert_int_eq(mprotect(g->page + g->size, g->size, PROT_NONE), 0);
}

static const char *guarded_put(guarded *g, const char *s)
{
	size_t n = strlen(s) + 1;
	char *at = g->page + g->size - n;

	memcpy(at, s, n);
	return at;
}

static void guarded_free(guarded *g)
{
	ck_assert_int_eq(munmap(g->page, 2 * g->size), 0);
}

/* user ids of 1 to BI_USERS characters (short, UUID-long and longer: the
 * three ways the id map decides a key), every other one a member of w1 */
static void user_id(char *buf, size_t cap, unsigned k)
{
	unsigned i;

	for (i = 0; i <= k && i + 1 < cap; i++)
		buf[i] = (char)('a' + (i * 7 + k) % 26);
	buf[i] = '\0';
}

static pws_policy *world(void)
{
	pws_policy *p;
	char id[64], email[96];
	unsigned k;

	OK(pws_policy_new(&p, NULL));
	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, NULL));
	OK(pws_team_add_domain(p, "pub", "pub.com", NULL));
	OK(pws_team_set_editor_seats(p, "pub", 1000u, NULL));
	OK(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, NULL));
	OK(pws_workspace_create(p, "pm", "w1", "w1", PWS_VIS_PARTNER, NULL, NULL));
	OK(pws_workspace_create(p, "pm", "w2", "w2", PWS_VIS_PARTNER, NULL, NULL));
	for (k = 0; k < BI_USERS; k++) {
		user_id(id, sizeof id, k);
		snprintf(email, sizeof email, "%s@pub.com", id);
		OK(pws_user_add(p, id, email, "pub", PWS_TEAM_MEMBER, 0, NULL));
		if (k % 2)
			continue;
		OK(pws_invite(p, "pm", "w1", email, PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, NULL));
		OK(pws_invite_accept(p, id, "w1", NULL, NULL));
	}
	return p;
}

/* Every item of a batch names the same guarded actor and workspace
 * strings, so that each stage of the pipeline reaches them. */
static void compare(const pws_policy *p, guarded *ga, guarded *gw, const char *actor,
                    const char *ws)
{
	static const int acts[BI_N] = {PWS_ACT_VIEW, PWS_ACT_EDIT, PWS_ACT_COMMENT,
	                               PWS_ACT_VIEW_MEMBERS, PWS_ACT_INVITE_PARTNER, PWS_ACT_RUN,
	                               PWS_ACT_EXPORT, PWS_ACT_VIEW, PWS_ACT_EDIT};
	const char *A[BI_N], *W[BI_N];
	int allowed[BI_N], rules[BI_N], codes[BI_N];
	size_t i;

	for (i = 0; i < BI_N; i++) {
		A[i] = guarded_put(ga, actor);
		W[i] = guarded_put(gw, ws);
	}
	OK(pws_check_batch(p, allowed, rules, codes, BI_N, A, acts, W, NULL));
	for (i = 0; i < BI_N; i++) {
		int a = -1, r = -1, rc = pws_check(p, &a, &r, actor, acts[i], ws, NULL);

		ck_assert_msg(codes[i] == rc && allowed[i] == a && rules[i] == r,
		              "(%s, %d, %s): batch %d %d %d, pws_check %d %d %d", actor, acts[i], ws,
		              codes[i], allowed[i], rules[i], rc, a, r);
	}
}

START_TEST(batch_ids_ending_at_an_unreadable_page_agree_with_check)
{
	static const char *const wss[] = {"w1", "w2", "w3", "a-workspace-id-of-forty-bytes-0123456"};
	pws_policy *p = world();
	guarded ga, gw;
	char id[64];
	unsigned k, j;

	guarded_new(&ga);
	guarded_new(&gw);
	for (k = 0; k < BI_USERS + 2; k++) {
		user_id(id, sizeof id, k); /* the last two: no such user */
		for (j = 0; j < sizeof wss / sizeof *wss; j++)
			compare(p, &ga, &gw, id, wss[j]);
	}
	compare(p, &ga, &gw, "pm", "w1");
	guarded_free(&ga);
	guarded_free(&gw);
	pws_policy_free(p);
}
END_TEST

/* The items a batch leaves to pws_check's single path (an element, a bad
 * action, a NULL or empty id) and the items it looks up, mixed in batches
 * of every length around the pipeline's depth: each item's answer lands
 * at its own index, whether rules and codes are asked for or not, and
 * nothing is written past the batch. */
enum { BM_MAX = 23 };

static void mixed_item(unsigned k, const char **actor, int *action, const char **ws,
                       const char **el, char (*ids)[64])
{
	static const int bad[] = {0, PWS_ACT_COUNT, -1};

	*actor = ids[k % (BI_USERS + 2)]; /* members, non-members, unknown */
	*action = PWS_ACT_VIEW + (int)(k % 5);
	*ws = k % 3 ? "w1" : "w2";
	*el = NULL;
	switch (k % 11) {
	case 2: *el = "e1"; break;                      /* an element of w1 */
	case 4: *el = "e1"; *ws = NULL; break;          /* the element alone */
	case 5: *action = bad[(k / 11) % 3]; break;
	case 7: *actor = k % 2 ? NULL : ""; break;
	case 9: *ws = k % 2 ? NULL : ""; break;
	default: break;
	}
}

START_TEST(batch_ids_single_path_items_keep_their_place)
{
	static char ids[BI_USERS + 2][64];
	const char *A[BM_MAX], *W[BM_MAX], *E[BM_MAX];
	int acts[BM_MAX], allowed[BM_MAX + 1], rules[BM_MAX + 1], codes[BM_MAX + 1];
	pws_policy *p = world();
	unsigned k, n, form, off, single = 0, decided = 0;

	OK(pws_element_add(p, "pm", "w1", "e1", PWS_EL_COLLECTION, 1, NULL, RES));
	for (k = 0; k < BI_USERS + 2; k++)
		user_id(ids[k], sizeof ids[k], k);
	for (n = 0; n <= BM_MAX; n++)
		for (off = 0; off < 11; off += 3)
			for (form = 0; form < 8; form++) {
				int *ru = form & 1 ? NULL : rules, *co = form & 2 ? NULL : codes;
				int with_el = !(form & 4);

				for (k = 0; k < n; k++)
					mixed_item(k + off, &A[k], &acts[k], &W[k], &E[k], ids);
				for (k = 0; k <= BM_MAX; k++)
					allowed[k] = rules[k] = codes[k] = -99;
				OK(pws_check_batch(p, allowed, ru, co, n, A, acts, W, with_el ? E : NULL));
				for (k = 0; k < n; k++) {
					const char *el = with_el ? E[k] : NULL;
					int a = -1, r = -1, rc = pws_check(p, &a, &r, A[k], acts[k], W[k], el);

					ck_assert_msg(allowed[k] == a && (!ru || rules[k] == r) &&
					                  (!co || codes[k] == rc),
					              "n %u form %u item %u: batch %d %d %d, pws_check %d %d %d",
					              n, form, k, codes[k], allowed[k], rules[k], rc, a, r);
					single += el || !A[k] || !W[k] || !A[k][0] || !W[k][0] ||
					          acts[k] <= 0 || acts[k] >= PWS_ACT_COUNT;
					decided += rc == PWS_OK && a;
				}
				/* nothing past the batch; an array not passed, untouched */
				for (k = n; k <= BM_MAX; k++)
					ck_assert(allowed[k] == -99 && rules[k] == -99 && codes[k] == -99);
				for (k = 0; k < n; k++) {
					ck_assert(ru || rules[k] == -99);
					ck_assert(co || codes[k] == -99);
				}
			}
	ck_assert_uint_gt(single, 1000);
	ck_assert_uint_gt(decided, 1000);
	pws_policy_free(p);
}
END_TEST

Suite *pws_batch_ids_suite(void)
{
	Suite *s = suite_create("batch_ids");
	TCase *tc = tcase_create("batch_ids");

	tcase_add_test(tc, batch_ids_ending_at_an_unreadable_page_agree_with_check);
	tcase_add_test(tc, batch_ids_single_path_items_keep_their_place);
	suite_add_tcase(s, tc);
	return s;
}
