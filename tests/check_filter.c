/*
 * The visibility filter: every listing of filter.h, named after the rule it
 * proves (VI1-VI9, TT1, PL2/PL4, WS1-WS3), and a randomized consistency
 * test proving that each listing equals exactly what the predicates and
 * checks of check.h allow (filter_consistency_random).
 *
 * filter_consistency_random and PL2_PL4_seats_random run PWS_FILTER_WORLDS
 * worlds each (default 300) from the base seed PWS_FILTER_SEED (default 1);
 * a failure prints the world's seed: rerun with PWS_FILTER_SEED=<seed>
 * PWS_FILTER_WORLDS=1. PWS_FILTER_STATS=1 prints what the worlds covered.
 * SPDX-License-Identifier: MIT
 */
#include "test-world.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW ((int64_t)1700000000)

/* Check's ck_assert_* record a mark point (a write(2)) on every success;
 * the random worlds make millions of assertions, so they use these, which
 * cost nothing until they fail. */
#define CHK(cond, ...) do { if (!(cond)) ck_abort_msg(__VA_ARGS__); } while (0)
#define EQ(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) ck_abort_msg("%s == %s failed: %lld vs %lld", #a, #b, a_, b_); } while (0)
#define QOK(call) do { int rc_ = (call); if (rc_ != PWS_OK) \
	ck_abort_msg("%s -> %d (%s) rule %s: %s", #call, rc_, pws_strerror(rc_), \
	             pws_rule_id(tw_res.rule), tw_res.message); } while (0)
#define IDLEN 32
#define EMLEN 64
#define MAXROWS 128

/* ------------------------------------------------------------------ */
/* Listing helpers                                                     */
/* ------------------------------------------------------------------ */

/* A listing copied out of its iterator: string columns of every row. */
typedef struct rows {
	size_t n;
	char id[MAXROWS][IDLEN];
	char aux[MAXROWS][IDLEN];   /* a second string column */
	int64_t a[MAXROWS], b[MAXROWS], c[MAXROWS], d[MAXROWS];
} rows;

/* A column the listing must have: a missing one is an error (NULL, or
 * PWS_EINVALID from pws_iter_int2), never a silent "" or 0. */
static const char *col_str(const pws_iter *it, int col)
{
	const char *s = pws_iter_str(it, col);

	CHK(s != NULL, "string column %d missing", col);
	return s;
}

static int64_t col_int(const pws_iter *it, int col)
{
	int64_t v = -1;
	int rc = pws_iter_int2(it, col, &v);

	CHK(rc == PWS_OK, "integer column %d: %d", col, rc);
	EQ(v, pws_iter_int(it, col));
	return v;
}

/* Reads every row of it: id = column sid, aux = column saux (0: none),
 * a..d = integer columns ia..id (0: none); frees the iterator. */
static void rows_read(rows *r, pws_iter *it, int sid, int saux, int ia, int ib, int ic,
                      int idc)
{
	size_t cnt = pws_iter_count(it);

	memset(r, 0, sizeof *r);
	CHK(cnt <= MAXROWS, "listing too long for the test: %zu", cnt);
	while (pws_iter_next(it) == PWS_OK) {
		const char *s = pws_iter_str(it, sid);

		CHK((s) != NULL, "s is NULL");
		CHK(r->n < MAXROWS, "listing too long: %zu", r->n);
		snprintf(r->id[r->n], IDLEN, "%s", s);
		if (saux)
			snprintf(r->aux[r->n], IDLEN, "%s", col_str(it, saux));
		r->a[r->n] = ia ? col_int(it, ia) : 0;
		r->b[r->n] = ib ? col_int(it, ib) : 0;
		r->c[r->n] = ic ? col_int(it, ic) : 0;
		r->d[r->n] = idc ? col_int(it, idc) : 0;
		r->n++;
	}
	EQ(r->n, cnt);
	/* past the end: no current row */
	CHK((pws_iter_str(it, sid)) == NULL, "pws_iter_str(it, sid) is not NULL");
	EQ(pws_iter_next(it), PWS_ITEROVER);
	pws_iter_free(it);
}

static int rows_find(const rows *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->id[i], id) == 0)
			return (int)i;
	return -1;
}

/* Member listing: id = user, aux = ORG, a = ROLE, b = LEAD, c = EXTERNAL,
 * d = SUSPENDED. */
static int members_of(rows *r, const pws_policy *p, const char *viewer, const char *ws)
{
	pws_iter *it = NULL;
	int rc = pws_list_members(&it, p, viewer, ws);

	memset(r, 0, sizeof *r);
	if (rc == PWS_OK)
		rows_read(r, it, PWS_COL_ID, PWS_COL_ORG, PWS_COL_ROLE, PWS_COL_LEAD,
		          PWS_COL_EXTERNAL, PWS_COL_SUSPENDED);
	else
		CHK((it) == NULL, "it is not NULL");
	return rc;
}

static int members_as_org(rows *r, const pws_policy *p, const char *org, const char *ws)
{
	pws_iter *it = NULL;
	int rc = pws_list_members_as_org(&it, p, org, ws);

	memset(r, 0, sizeof *r);
	if (rc == PWS_OK)
		rows_read(r, it, PWS_COL_ID, PWS_COL_ORG, PWS_COL_ROLE, PWS_COL_LEAD,
		          PWS_COL_EXTERNAL, PWS_COL_SUSPENDED);
	return rc;
}

/* Element listing: id, aux = PARENT, a = KIND, b = ACTIONS. */
static int elements_of(rows *r, const pws_policy *p, const char *viewer, const char *ws)
{
	pws_iter *it = NULL;
	int rc = pws_list_elements(&it, p, viewer, ws);

	memset(r, 0, sizeof *r);
	if (rc == PWS_OK)
		rows_read(r, it, PWS_COL_ID, PWS_COL_PARENT, PWS_COL_KIND, PWS_COL_ACTIONS, 0, 0);
	else
		CHK((it) == NULL, "it is not NULL");
	return rc;
}

static int elements_as_org(rows *r, const pws_policy *p, const char *org, const char *ws)
{
	pws_iter *it = NULL;
	int rc = pws_list_elements_as_org(&it, p, org, ws);

	memset(r, 0, sizeof *r);
	if (rc == PWS_OK)
		rows_read(r, it, PWS_COL_ID, PWS_COL_PARENT, PWS_COL_KIND, PWS_COL_ACTIONS, 0, 0);
	return rc;
}

/* Workspaces: id, aux = TEAM, a = ROLE, b = EXTERNAL, c = VISIBILITY,
 * d = UNREAD (MODE is read separately when needed). */
static int workspaces_of(rows *r, const pws_policy *p, const char *user)
{
	pws_iter *it = NULL;
	int rc = pws_list_workspaces(&it, p, user);

	memset(r, 0, sizeof *r);
	if (rc == PWS_OK)
		rows_read(r, it, PWS_COL_ID, PWS_COL_TEAM, PWS_COL_ROLE, PWS_COL_EXTERNAL,
		          PWS_COL_VISIBILITY, PWS_COL_UNREAD);
	return rc;
}

/* Posts (history, updates, replies, activity): id, aux = AUTHOR,
 * a = AT, b = UNREAD (updates; else 0), c = KIND (activity; else 0),
 * d = EXTERNAL (of the author, VI7). */
static int posts_rows(rows *r, int rc, pws_iter *it, int unread, int kind)
{
	memset(r, 0, sizeof *r);
	if (rc == PWS_OK)
		rows_read(r, it, PWS_COL_ID, PWS_COL_AUTHOR, PWS_COL_AT,
		          unread ? PWS_COL_UNREAD : 0, kind ? PWS_COL_KIND : 0, PWS_COL_EXTERNAL);
	else
		CHK((it) == NULL, "it is not NULL");
	return rc;
}

static int history_of(rows *r, const pws_policy *p, const char *viewer, const char *ws)
{
	pws_iter *it = NULL;
	int rc = pws_list_history(&it, p, viewer, ws);

	return posts_rows(r, rc, it, 0, 0);
}

static int updates_of(rows *r, const pws_policy *p, const char *viewer, const char *ws)
{
	pws_iter *it = NULL;
	int rc = pws_list_updates(&it, p, viewer, ws);

	return posts_rows(r, rc, it, 1, 0);
}

static int replies_of(rows *r, const pws_policy *p, const char *viewer, const char *up)
{
	pws_iter *it = NULL;
	int rc = pws_list_replies(&it, p, viewer, up);

	return posts_rows(r, rc, it, 0, 0);
}

static int activity_of(rows *r, const pws_policy *p, const char *viewer, const char *ws)
{
	pws_iter *it = NULL;
	int rc = pws_list_activity(&it, p, viewer, ws);

	return posts_rows(r, rc, it, 0, 1);
}

/* Asserts a listing holds exactly the ids given (NULL-terminated), in any
 * order. */
static void rows_are(const rows *r, const char *const *ids, const char *what)
{
	size_t n = 0;

	for (; ids[n]; n++)
		CHK(rows_find(r, ids[n]) >= 0, "%s: '%s' missing", what, ids[n]);
	CHK(r->n == n, "%s: %zu rows, expected %zu", what, r->n, n);
}

/* Asserts a listing holds exactly the ids given, in that order. */
static void rows_are_ordered(const rows *r, const char *const *ids, const char *what)
{
	size_t n = 0;

	for (; ids[n]; n++) {
		CHK(n < r->n, "%s: only %zu rows", what, r->n);
		CHK(strcmp(r->id[n], ids[n]) == 0, "%s: row %zu is '%s', expected '%s'",
		              what, n, r->id[n], ids[n]);
	}
	CHK(r->n == n, "%s: %zu rows, expected %zu", what, r->n, n);
}

/* VI1 grouping: team members (EXTERNAL 0) first, then partners with each
 * organization contiguous. */
static void assert_member_groups(const rows *r, const char *what)
{
	size_t i, j;

	for (i = 1; i < r->n; i++) {
		CHK(r->c[i - 1] <= r->c[i], "%s: partner '%s' before team member '%s'",
		              what, r->id[i - 1], r->id[i]);
		if (r->c[i] && strcmp(r->aux[i - 1], r->aux[i]) != 0)
			for (j = 0; j + 1 < i; j++)
				CHK(!r->c[j] || strcmp(r->aux[j], r->aux[i]) != 0,
				              "%s: organization '%s' is not contiguous", what,
				              r->aux[i]);
	}
	for (i = 0; i < r->n; i++)
		CHK((r->c[i] != 0) == (r->aux[i][0] != '\0'),
		              "%s: '%s' EXTERNAL %" PRId64 " but ORG '%s'", what, r->id[i],
		              r->c[i], r->aux[i]);
}

/* filter.h: "within a group by user id". */
static void assert_member_order(const rows *r, const char *what)
{
	size_t i;

	assert_member_groups(r, what);
	for (i = 1; i < r->n; i++)
		if (r->c[i - 1] == r->c[i] && strcmp(r->aux[i - 1], r->aux[i]) == 0)
			CHK(strcmp(r->id[i - 1], r->id[i]) < 0,
			              "%s: '%s' listed before '%s' in one group (filter.h: within a "
			              "group by user id)", what, r->id[i - 1], r->id[i]);
}

static void join(pws_policy *p, const char *actor, const char *ws, const char *user,
                 const char *email, int kind, int role, int lead)
{
	OK(pws_invite(p, actor, ws, email, kind, role, lead, RES));
	OK(pws_invite_accept(p, user, ws, NULL, RES));
}

static int sees(pws_policy *p, const char *viewer, const char *ws, const char *member)
{
	int vis = -1;

	EQ(pws_can_see_member(p, &vis, NULL, viewer, ws, member), PWS_OK);
	return vis;
}

static int view_allowed(const pws_policy *p, const char *user, const char *ws)
{
	int allowed = -1;

	EQ(pws_check(p, &allowed, NULL, user, PWS_ACT_VIEW, ws, NULL), PWS_OK);
	return allowed;
}

static void enable_multi(pws_policy *p, const char *ws)
{
	OK(pws_workspace_enable_multi_partner(p, "pm", ws, RES));
}

/* The standard world plus a2 (acme viewer) and i1 (initech viewer) in pw. */
static pws_policy *world6(void)
{
	pws_policy *p = tw_world();

	join(p, "pm", "pw", "a2", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	join(p, "pm", "pw", "i1", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	return p;
}

/* ------------------------------------------------------------------ */
/* VI1                                                                 */
/* ------------------------------------------------------------------ */

START_TEST(VI1_publisher_member_sees_every_member_grouped)
{
	pws_policy *p = world6();
	const char *all[] = {"dev", "pm", "a1", "a2", "g1", "i1", NULL};
	const char *viewers[] = {"dev", "pm"};
	rows r;
	size_t i;
	int mode;

	for (mode = 0; mode < 2; mode++) {
		if (mode)
			enable_multi(p, "pw"); /* VI1 holds in both modes */
		for (i = 0; i < 2; i++) {
			EQ(members_of(&r, p, viewers[i], "pw"), PWS_OK);
			rows_are(&r, all, viewers[i]);
			assert_member_groups(&r, viewers[i]);
			/* team members first */
			EQ(r.c[0], 0);
			EQ(r.c[1], 0);
			/* acme's two partners are one contiguous group, by id */
			EQ(rows_find(&r, "a2"), rows_find(&r, "a1") + 1);
			ck_assert_str_eq(r.aux[rows_find(&r, "a1")], "acme");
			ck_assert_str_eq(r.aux[rows_find(&r, "g1")], "globex");
			ck_assert_str_eq(r.aux[rows_find(&r, "i1")], "initech");
			EQ(r.a[rows_find(&r, "pm")], PWS_ROLE_ADMIN);
			EQ(r.b[rows_find(&r, "a1")], 1);
			EQ(r.b[rows_find(&r, "a2")], 0);
		}
	}
	pws_policy_free(p);
}
END_TEST

/* filter.h: team members first, then partners grouped by organization;
 * within a group by user id. pm joined pw before dev, a2 after a1, and
 * "b0" (created last, sorting first) joins acme's group last. */
START_TEST(VI1_members_sorted_by_id_within_group)
{
	pws_policy *p = world6();
	const char *viewers[] = {"dev", "pm", "a1", "g1"};
	rows r;
	size_t i;

	OK(pws_user_add(p, "b0", "b0@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	join(p, "pm", "pw", "b0", "b0@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	OK(pws_user_add(p, "ceo", "ceo@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	join(p, "pm", "pw", "ceo", "ceo@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0);
	for (i = 0; i < 4; i++) {
		EQ(members_of(&r, p, viewers[i], "pw"), PWS_OK);
		EQ(r.n, 8);
		assert_member_order(&r, viewers[i]);
		ck_assert_str_eq(r.id[0], "ceo");
		ck_assert_str_eq(r.id[1], "dev");
		ck_assert_str_eq(r.id[2], "pm");
	}
	pws_policy_free(p);
}
END_TEST

/* The order within a group is strcmp's also for ids sharing their first
 * 8 bytes or more (the sort compares those as one integer first). */
START_TEST(VI1_members_sorted_by_id_with_long_shared_prefixes)
{
	pws_policy *p = world6();
	const char *ids[] = {"longprefix-b", "longprefiy", "longprefix", "longpref",
	                     "longprefix-a", "longpre", "longprefix-ab"};
	const char *sorted[] = {"longpre", "longpref", "longprefix", "longprefix-a",
	                        "longprefix-ab", "longprefix-b", "longprefiy"};
	char em[64];
	rows r;
	size_t i, at;

	for (i = 0; i < 7; i++) {
		snprintf(em, sizeof em, "%s@pub.com", ids[i]);
		OK(pws_user_add(p, ids[i], em, "pub", PWS_TEAM_MEMBER, 0, RES));
		join(p, "pm", "pw", ids[i], em, PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0);
	}
	EQ(members_of(&r, p, "pm", "pw"), PWS_OK);
	assert_member_order(&r, "pm");
	at = (size_t)rows_find(&r, "longpre");
	for (i = 0; i < 7; i++)
		ck_assert_str_eq(r.id[at + i], sorted[i]);
	pws_policy_free(p);
}
END_TEST

/* A big group (more rows than the listing sorts on the stack), joined in
 * a scrambled order, with ids of 1 to 200 bytes (longer than the room a
 * listing reserves for a row's strings, so some are copied by the slow
 * path) and ids sharing their first 8 bytes: every row once, in strcmp
 * order, with its own address and role. */
START_TEST(VI1_big_group_with_long_ids_sorted_with_its_own_columns)
{
	enum { N = 150 };
	pws_policy *p = world6();
	char ids[N][208], em[64];
	const char *prev = NULL;
	pws_iter *it;
	size_t i, k, seen = 0;
	unsigned x = 12345;

	for (i = 0; i < N; i++) {
		size_t len = 1 + (i * 37) % 200;

		/* a prefix shared by every third id; the rest from the index */
		snprintf(ids[i], sizeof ids[i], "%s%03zu", i % 3 ? "" : "samepref", i);
		for (k = strlen(ids[i]); k < len; k++)
			ids[i][k] = (char)('a' + (i + k) % 26);
		if (k == len)
			ids[i][k] = '\0'; /* padded: else the snprintf's NUL stands */
	}
	for (i = 0; i < N; i++) { /* a scrambled joining order */
		size_t j = (x = x * 1103515245u + 12345u) % N;
		char t[208];

		memcpy(t, ids[i], sizeof t);
		memcpy(ids[i], ids[j], sizeof t);
		memcpy(ids[j], t, sizeof t);
	}
	for (i = 0; i < N; i++) {
		snprintf(em, sizeof em, "u%zu@pub.com", i);
		OK(pws_user_add(p, ids[i], em, "pub", PWS_TEAM_MEMBER, 0, RES));
		join(p, "pm", "pw", ids[i], em, PWS_INVITE_MEMBER,
		     i % 3 == 1 ? PWS_ROLE_EDITOR : PWS_ROLE_VIEWER, 0);
	}
	OK(pws_list_members(&it, p, "pm", "pw"));
	while (pws_iter_next(it) == PWS_OK) {
		const char *id = pws_iter_str(it, PWS_COL_ID);

		if (pws_iter_int(it, PWS_COL_EXTERNAL))
			continue; /* the partner groups: other tests */
		if (prev)
			CHK(strcmp(prev, id) < 0, "'%s' listed before '%s'", prev, id);
		prev = id;
		for (i = 0; i < N && strcmp(ids[i], id) != 0; i++)
			;
		if (i == N)
			continue; /* the world's own team members */
		seen++;
		snprintf(em, sizeof em, "u%zu@pub.com", i);
		ck_assert_str_eq(pws_iter_str(it, PWS_COL_EMAIL), em);
		EQ(pws_iter_int(it, PWS_COL_ROLE), i % 3 == 1 ? PWS_ROLE_EDITOR : PWS_ROLE_VIEWER);
		EQ(pws_iter_int(it, PWS_COL_SUSPENDED), 0);
		ck_assert_str_eq(pws_iter_str(it, PWS_COL_ORG), "");
	}
	EQ(seen, N);
	pws_iter_free(it);
	pws_policy_free(p);
}
END_TEST

START_TEST(VI1_non_member_gets_denied)
{
	pws_policy *p = world6();
	rows r;

	/* WS1: the super admin and team members outside pw see no member */
	EQ(members_of(&r, p, "owner", "pw"), PWS_EDENIED);
	EQ(members_of(&r, p, "dev2", "pw"), PWS_EDENIED);
	EQ(members_of(&r, p, "a3", "pw"), PWS_EDENIED);
	EQ(members_of(&r, p, "solo", "pw"), PWS_EDENIED);
	EQ(members_of(&r, p, "nobody", "pw"), PWS_ENOTFOUND);
	EQ(members_of(&r, p, "dev", "nowhere"), PWS_ENOTFOUND);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* VI2: multi mode                                                     */
/* ------------------------------------------------------------------ */

START_TEST(VI2_multi_partner_sees_team_and_own_org)
{
	pws_policy *p = world6();
	const char *g1_sees[] = {"dev", "pm", "g1", NULL};
	const char *a2_sees[] = {"dev", "pm", "a1", "a2", NULL};
	const char *others[] = {"a1", "a2", "i1"};
	rows r;
	size_t i;
	int rule = -1, vis = -1;

	enable_multi(p, "pw");
	EQ(members_of(&r, p, "g1", "pw"), PWS_OK);
	rows_are(&r, g1_sees, "g1");
	assert_member_groups(&r, "g1");
	EQ(members_of(&r, p, "a2", "pw"), PWS_OK);
	rows_are(&r, a2_sees, "a2");
	assert_member_groups(&r, "a2");
	for (i = 0; i < 3; i++) {
		EQ(pws_can_see_member(p, &vis, &rule, "g1", "pw", others[i]), PWS_OK);
		EQ(vis, 0);
		EQ(rule, PWS_RULE_VI2);
	}
	EQ(pws_can_see_member(p, &vis, &rule, "g1", "pw", "dev"), PWS_OK);
	EQ(vis, 1);
	EQ(rule, PWS_RULE_VI2);
	pws_policy_free(p);
}
END_TEST

START_TEST(VI2_multi_replies_and_activity_hide_other_orgs)
{
	pws_policy *p = world6();
	const char *g1_replies[] = {"r-dev", "r-g1", NULL};
	const char *a2_replies[] = {"r-dev", "r-a1", NULL};
	const char *g1_activity[] = {"r-dev", "r-g1", "c-g1", "c-dev", NULL};
	const char *dev_activity[] = {"r-dev", "r-a1", "r-g1", "r-i1", "c-a1", "c-g1",
	                              "c-dev", NULL};
	rows r;
	int vis = -1, rule = -1;

	/* content written in single mode by three organizations... */
	OK(pws_update_post(p, "dev", "pw", "up1", "v2 is out", NOW, RES));
	OK(pws_update_reply(p, "dev", "up1", "r-dev", "from the team", NOW + 1, RES));
	OK(pws_update_reply(p, "a1", "up1", "r-a1", "from acme", NOW + 2, RES));
	OK(pws_update_reply(p, "g1", "up1", "r-g1", "from globex", NOW + 3, RES));
	OK(pws_update_reply(p, "i1", "up1", "r-i1", "from initech", NOW + 4, RES));
	OK(pws_comment_add(p, "a1", "col", "c-a1", "acme comment", RES));
	OK(pws_comment_add(p, "g1", "col", "c-g1", "globex comment", RES));
	OK(pws_comment_add(p, "dev", "col", "c-dev", "team comment", RES));
	/* ...then multi-partner mode: each partner sees the team and their own */
	enable_multi(p, "pw");
	EQ(replies_of(&r, p, "g1", "up1"), PWS_OK);
	rows_are_ordered(&r, g1_replies, "g1 replies");
	EQ(replies_of(&r, p, "a2", "up1"), PWS_OK);
	rows_are_ordered(&r, a2_replies, "a2 replies");
	EQ(activity_of(&r, p, "g1", "pw"), PWS_OK);
	rows_are(&r, g1_activity, "g1 activity");
	EQ(r.c[rows_find(&r, "r-g1")], 0);               /* a reply */
	EQ(r.c[rows_find(&r, "c-g1")], PWS_EL_COLLECTION); /* a comment */
	EQ(activity_of(&r, p, "dev", "pw"), PWS_OK);
	rows_are(&r, dev_activity, "dev activity");
	EQ(pws_can_see_reply(p, &vis, &rule, "g1", "r-a1"), PWS_OK);
	EQ(vis, 0);
	EQ(rule, PWS_RULE_VI2);
	EQ(pws_can_see_reply(p, &vis, &rule, "a2", "r-a1"), PWS_OK);
	EQ(vis, 1);
	/* non-members get nothing */
	EQ(replies_of(&r, p, "a3", "up1"), PWS_EDENIED);
	EQ(activity_of(&r, p, "a3", "pw"), PWS_EDENIED);
	pws_policy_free(p);
}
END_TEST

/* The reply listing and the reply predicate give one answer for every
 * viewer and reply (both ask the policy layer, VI2/VI5), through the
 * cases that differ: one's own reply, the team's, one's organization's,
 * another organization's, the reply of a partner who has left, a
 * non-member; in both modes. */
START_TEST(VI2_VI5_reply_listing_and_predicate_agree)
{
	pws_policy *p = world6();
	const char *viewers[] = {"dev", "pm", "a1", "a2", "g1", "i1", "a3"};
	const char *replies[] = {"r-dev", "r-a1", "r-a2", "r-g1", "r-i1"};
	size_t i, j;
	int mode, shown = 0, hidden = 0;
	rows r;

	OK(pws_update_post(p, "dev", "pw", "up1", "v2 is out", NOW, RES));
	OK(pws_update_reply(p, "dev", "up1", "r-dev", "from the team", NOW + 1, RES));
	OK(pws_update_reply(p, "a1", "up1", "r-a1", "from acme", NOW + 2, RES));
	OK(pws_update_reply(p, "a2", "up1", "r-a2", "from acme too", NOW + 3, RES));
	OK(pws_update_reply(p, "g1", "up1", "r-g1", "from globex", NOW + 4, RES));
	OK(pws_update_reply(p, "i1", "up1", "r-i1", "from initech", NOW + 5, RES));
	OK(pws_member_remove(p, "pm", "pw", "i1", RES)); /* i1 has left */
	for (mode = 0; mode < 2; mode++) {
		if (mode)
			enable_multi(p, "pw");
		for (i = 0; i < sizeof viewers / sizeof *viewers; i++) {
			int lrc = replies_of(&r, p, viewers[i], "up1");

			for (j = 0; j < sizeof replies / sizeof *replies; j++) {
				int vis = -1, rule = -1;

				EQ(pws_can_see_reply(p, &vis, &rule, viewers[i], replies[j]), PWS_OK);
				ck_assert_msg(vis == (lrc == PWS_OK && rows_find(&r, replies[j]) >= 0),
				              "mode %d: %s and %s: predicate %d, listing disagrees",
				              mode, viewers[i], replies[j], vis);
				if (vis)
					ck_assert_msg(rule == PWS_RULE_VI5, "%s sees %s by rule %s",
					              viewers[i], replies[j], pws_rule_id(rule));
				shown += vis;
				hidden += !vis;
			}
		}
	}
	/* multi mode: a1 sees the team's and acme's, not globex's nor i1's */
	{
		int vis = -1, rule = -1;

		EQ(pws_can_see_reply(p, &vis, &rule, "a1", "r-g1"), PWS_OK);
		EQ(vis, 0);
		EQ(rule, PWS_RULE_VI2);
		EQ(pws_can_see_reply(p, &vis, &rule, "a1", "r-i1"), PWS_OK);
		EQ(vis, 0);
		EQ(rule, PWS_RULE_VI2);
		EQ(pws_can_see_reply(p, &vis, &rule, "a1", "r-a2"), PWS_OK);
		EQ(vis, 1);
		EQ(pws_can_see_reply(p, &vis, &rule, "dev", "r-i1"), PWS_OK);
		EQ(vis, 1);
	}
	ck_assert(shown > 0 && hidden > 0);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* VI3: single mode                                                    */
/* ------------------------------------------------------------------ */

START_TEST(VI3_single_mode_everyone_sees_everyone)
{
	pws_policy *p = world6();
	const char *all[] = {"dev", "pm", "a1", "a2", "g1", "i1", NULL};
	const char *replies[] = {"r-a1", "r-g1", NULL};
	size_t i;
	rows r;

	OK(pws_update_post(p, "dev", "pw", "up1", "v2 is out", NOW, RES));
	OK(pws_update_reply(p, "a1", "up1", "r-a1", "from acme", NOW + 1, RES));
	OK(pws_update_reply(p, "g1", "up1", "r-g1", "from globex", NOW + 2, RES));
	for (i = 0; all[i]; i++) {
		EQ(members_of(&r, p, all[i], "pw"), PWS_OK);
		rows_are(&r, all, all[i]);
		assert_member_groups(&r, all[i]);
		EQ(replies_of(&r, p, all[i], "up1"), PWS_OK);
		rows_are_ordered(&r, replies, all[i]);
		EQ(sees(p, all[i], "pw", "i1"), 1);
	}
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* VI4: history                                                        */
/* ------------------------------------------------------------------ */

START_TEST(VI4_history_lists_only_own_entries)
{
	pws_policy *p = world6();
	const char *dev_h[] = {"h-dev1", "h-dev2", NULL};
	const char *a1_h[] = {"h-a1", NULL};
	const char *none[] = {NULL};
	rows r;
	int vis = -1, rule = -1, mode;

	OK(pws_history_add(p, "dev", "pw", "h-dev1", "sent GET /", NOW, RES));
	OK(pws_history_add(p, "a1", "pw", "h-a1", "ran col", NOW + 1, RES));
	OK(pws_history_add(p, "dev", "pw", "h-dev2", "sent POST /", NOW + 2, RES));
	OK(pws_history_add(p, "g1", "pw", "h-g1", "sent GET /x", NOW + 3, RES));
	DENY(pws_history_add(p, "a3", "pw", "h-a3", "x", NOW, RES), PWS_RULE_AC1);
	for (mode = 0; mode < 2; mode++) {
		if (mode)
			enable_multi(p, "pw");
		EQ(history_of(&r, p, "dev", "pw"), PWS_OK);
		rows_are_ordered(&r, dev_h, "dev history");
		ck_assert_str_eq(r.aux[0], "dev");
		EQ(r.a[1], NOW + 2);
		EQ(history_of(&r, p, "a1", "pw"), PWS_OK);
		rows_are_ordered(&r, a1_h, "a1 history");
		/* the workspace Admin and Partner Manager see nobody else's */
		EQ(history_of(&r, p, "pm", "pw"), PWS_OK);
		rows_are(&r, none, "pm history");
		EQ(pws_can_see_history(p, &vis, &rule, "pm", "h-a1"), PWS_OK);
		EQ(vis, 0);
		EQ(rule, PWS_RULE_VI4);
		EQ(pws_can_see_history(p, &vis, &rule, "a1", "h-a1"), PWS_OK);
		EQ(vis, 1);
		EQ(pws_can_see_history(p, &vis, &rule, "g1", "h-dev1"), PWS_OK);
		EQ(vis, 0);
	}
	EQ(pws_can_see_history(p, &vis, &rule, "g1", "h-none"), PWS_ENOTFOUND);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* VI5: updates and replies                                            */
/* ------------------------------------------------------------------ */

START_TEST(VI5_updates_broadcast_to_every_member)
{
	pws_policy *p = world6();
	const char *ups[] = {"up1", "up2", NULL};
	const char *members[] = {"dev", "pm", "a1", "a2", "g1", "i1"};
	rows r;
	size_t i;
	int mode;

	OK(pws_update_post(p, "dev", "pw", "up1", "v2 is out", NOW, RES));
	OK(pws_update_post(p, "pm", "pw", "up2", "welcome", NOW + 5, RES));
	for (mode = 0; mode < 2; mode++) {
		if (mode)
			enable_multi(p, "pw");
		for (i = 0; i < 6; i++) {
			EQ(updates_of(&r, p, members[i], "pw"), PWS_OK);
			rows_are_ordered(&r, ups, members[i]);
			ck_assert_str_eq(r.aux[0], "dev");
			ck_assert_str_eq(r.aux[1], "pm");
			EQ(r.a[0], NOW);
			EQ(r.a[1], NOW + 5);
		}
		EQ(updates_of(&r, p, "a3", "pw"), PWS_EDENIED);
		EQ(updates_of(&r, p, "dev2", "pw"), PWS_EDENIED);
	}
	/* the Partner Manager reaches it without being asked to join (WS1) */
	EQ(updates_of(&r, p, "pm", "pw"), PWS_OK);
	pws_policy_free(p);
}
END_TEST

START_TEST(VI5_replies_listing)
{
	pws_policy *p = world6();
	const char *before[] = {"r1", "r2", NULL};
	const char *none[] = {NULL};
	rows r;

	OK(pws_update_post(p, "dev", "pw", "up1", "v2 is out", NOW, RES));
	OK(pws_update_post(p, "dev", "pw", "up2", "quiet one", NOW + 1, RES));
	OK(pws_update_reply(p, "a1", "up1", "r1", "great", NOW + 2, RES));
	OK(pws_update_reply(p, "dev", "up1", "r2", "thanks", NOW + 3, RES));
	EQ(replies_of(&r, p, "i1", "up1"), PWS_OK);
	rows_are_ordered(&r, before, "replies");
	ck_assert_str_eq(r.aux[0], "a1");
	EQ(r.a[1], NOW + 3);
	EQ(replies_of(&r, p, "i1", "up2"), PWS_OK);
	rows_are(&r, none, "no replies");
	EQ(replies_of(&r, p, "i1", "up-none"), PWS_ENOTFOUND);
	enable_multi(p, "pw");
	/* replies are off in multi mode: nobody, team included, adds one */
	DENY(pws_update_reply(p, "dev", "up1", "r3", "more", NOW + 4, RES), PWS_RULE_UP2);
	DENY(pws_update_reply(p, "g1", "up1", "r4", "more", NOW + 4, RES), PWS_RULE_UP2);
	EQ(replies_of(&r, p, "dev", "up1"), PWS_OK);
	rows_are_ordered(&r, before, "replies after multi");
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* VI6: unread                                                         */
/* ------------------------------------------------------------------ */

static uint32_t unread(pws_policy *p, const char *user, const char *ws)
{
	uint32_t n = 12345;

	EQ(pws_workspace_unread(p, &n, user, ws), PWS_OK);
	return n;
}

/* Asserts the three views of a member's unread count agree. */
static void unread_agree(pws_policy *p, const char *user, const char *ws, uint32_t want)
{
	rows r;
	size_t i;
	int64_t col = 0;
	int k;

	EQ(unread(p, user, ws), want);
	EQ(updates_of(&r, p, user, ws), PWS_OK);
	for (i = 0; i < r.n; i++) {
		col += r.b[i];
		/* the unread ones are the newest */
		EQ(r.b[i], i >= r.n - want);
	}
	EQ(col, want);
	EQ(workspaces_of(&r, p, user), PWS_OK);
	k = rows_find(&r, ws);
	ck_assert_int_ge(k, 0);
	EQ(r.d[k], want);
}

START_TEST(VI6_unread_column_and_count_agree)
{
	pws_policy *p = world6();

	unread_agree(p, "a1", "pw", 0);
	OK(pws_update_post(p, "dev", "pw", "up1", "one", NOW, RES));
	unread_agree(p, "a1", "pw", 1);
	unread_agree(p, "g1", "pw", 1);
	OK(pws_workspace_visit(p, "a1", "pw", RES));
	unread_agree(p, "a1", "pw", 0);
	OK(pws_update_post(p, "dev", "pw", "up2", "two", NOW + 1, RES));
	OK(pws_update_post(p, "pm", "pw", "up3", "three", NOW + 2, RES));
	unread_agree(p, "a1", "pw", 2);
	unread_agree(p, "g1", "pw", 3);
	/* posting is a visit: dev has read its own up1, up2, not pm's up3 */
	unread_agree(p, "dev", "pw", 1);
	enable_multi(p, "pw");
	unread_agree(p, "g1", "pw", 3);
	OK(pws_workspace_visit(p, "g1", "pw", RES));
	unread_agree(p, "g1", "pw", 0);
	unread_agree(p, "a1", "pw", 2);
	/* a non-member has no count */
	FAILS(pws_workspace_visit(p, "a3", "pw", RES), PWS_EDENIED);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* VI7: external marks                                                 */
/* ------------------------------------------------------------------ */

/* Asserts EXTERNAL of every row equals pws_member_get's is_partner. */
static void external_agrees(pws_policy *p, const char *viewer, const char *ws)
{
	rows r;
	size_t i;

	EQ(members_of(&r, p, viewer, ws), PWS_OK);
	ck_assert_uint_gt(r.n, 0);
	for (i = 0; i < r.n; i++) {
		int role = 0, lead = 0, partner = -1;

		EQ(pws_member_get(p, &role, &lead, &partner, ws, r.id[i]), PWS_OK);
		CHK(r.c[i] == partner, "%s sees %s with EXTERNAL %" PRId64, viewer,
		              r.id[i], r.c[i]);
		EQ(r.a[i], role);
		EQ(r.b[i], lead);
	}
}

START_TEST(VI7_partners_marked_external)
{
	pws_policy *p = world6();
	const char *viewers[] = {"dev", "pm", "a1", "g1", "i1"};
	rows r;
	size_t i;

	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "dev2", RES));
	join(p, "dev2", "lw", "solo", "solo@gmail.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	join(p, "dev2", "lw", "a3", "a3@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0);
	for (i = 0; i < 5; i++)
		external_agrees(p, viewers[i], "pw");
	external_agrees(p, "dev2", "lw");
	external_agrees(p, "solo", "lw");
	EQ(members_of(&r, p, "dev2", "lw"), PWS_OK);
	EQ(r.c[rows_find(&r, "dev2")], 0);
	EQ(r.c[rows_find(&r, "solo")], 1);
	/* legacy partners' organization is their email domain */
	ck_assert_str_eq(r.aux[rows_find(&r, "solo")], "gmail.com");
	ck_assert_str_eq(r.aux[rows_find(&r, "a3")], "acme.com");
	assert_member_groups(&r, "dev2 lw");
	enable_multi(p, "pw");
	for (i = 0; i < 5; i++)
		external_agrees(p, viewers[i], "pw");
	pws_policy_free(p);
}
END_TEST

/* Content by the team (dev) and by partners of two organizations (a1,
 * g1) in every listing that names an author. */
static void authored_content(pws_policy *p)
{
	OK(pws_update_post(p, "dev", "pw", "up1", "v2 is out", NOW, RES));
	OK(pws_update_reply(p, "dev", "up1", "r-dev", "from the team", NOW + 1, RES));
	OK(pws_update_reply(p, "a1", "up1", "r-a1", "from acme", NOW + 2, RES));
	OK(pws_update_reply(p, "g1", "up1", "r-g1", "from globex", NOW + 3, RES));
	OK(pws_comment_add(p, "a1", "col", "c-a1", "acme comment", RES));
	OK(pws_comment_add(p, "dev", "col", "c-dev", "team comment", RES));
	OK(pws_history_add(p, "dev", "pw", "h-dev", "sent GET /", NOW, RES));
	OK(pws_history_add(p, "a1", "pw", "h-a1", "ran col", NOW + 1, RES));
}

/* Asserts EXTERNAL (d) of every post row equals pws_member_get's
 * is_partner of its author. */
static void author_external_agrees(const rows *r, pws_policy *p, const char *ws,
                                   const char *what)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		int partner = -1;

		EQ(pws_member_get(p, NULL, NULL, &partner, ws, r->aux[i]), PWS_OK);
		CHK(r->d[i] == partner, "%s: row %s by %s has EXTERNAL %" PRId64 ", is_partner %d",
		    what, r->id[i], r->aux[i], r->d[i], partner);
	}
}

START_TEST(VI7_replies_mark_partner_authors)
{
	pws_policy *p = world6();
	const char *viewers[] = {"dev", "pm", "a1", "g1", "i1"};
	rows r;
	size_t i;

	authored_content(p);
	for (i = 0; i < 5; i++) {
		EQ(replies_of(&r, p, viewers[i], "up1"), PWS_OK);
		EQ(r.n, 3);
		EQ(r.d[rows_find(&r, "r-dev")], 0);
		EQ(r.d[rows_find(&r, "r-a1")], 1);
		EQ(r.d[rows_find(&r, "r-g1")], 1);
		author_external_agrees(&r, p, "pw", viewers[i]);
	}
	/* multi mode: a partner sees fewer replies, each still marked */
	enable_multi(p, "pw");
	EQ(replies_of(&r, p, "g1", "up1"), PWS_OK);
	EQ(r.n, 2);
	EQ(r.d[rows_find(&r, "r-dev")], 0);
	EQ(r.d[rows_find(&r, "r-g1")], 1);
	pws_policy_free(p);
}
END_TEST

START_TEST(VI7_activity_marks_partner_authors)
{
	pws_policy *p = world6();
	const char *viewers[] = {"dev", "pm", "a1", "g1", "i1"};
	rows r;
	size_t i;

	authored_content(p);
	for (i = 0; i < 5; i++) {
		EQ(activity_of(&r, p, viewers[i], "pw"), PWS_OK);
		EQ(r.n, 5);
		EQ(r.d[rows_find(&r, "r-dev")], 0);
		EQ(r.d[rows_find(&r, "r-a1")], 1);
		EQ(r.d[rows_find(&r, "c-a1")], 1); /* a comment */
		EQ(r.d[rows_find(&r, "c-dev")], 0);
		author_external_agrees(&r, p, "pw", viewers[i]);
	}
	enable_multi(p, "pw");
	EQ(activity_of(&r, p, "a2", "pw"), PWS_OK);
	EQ(r.d[rows_find(&r, "r-a1")], 1);
	EQ(r.d[rows_find(&r, "c-dev")], 0);
	author_external_agrees(&r, p, "pw", "a2 multi");
	pws_policy_free(p);
}
END_TEST

START_TEST(VI7_updates_and_history_mark_authors)
{
	pws_policy *p = world6();
	rows r;

	authored_content(p);
	EQ(updates_of(&r, p, "g1", "pw"), PWS_OK);
	EQ(r.n, 1);
	EQ(r.d[0], 0); /* dev's update */
	author_external_agrees(&r, p, "pw", "updates");
	EQ(history_of(&r, p, "a1", "pw"), PWS_OK);
	EQ(r.n, 1);
	EQ(r.d[0], 1);
	EQ(history_of(&r, p, "dev", "pw"), PWS_OK);
	EQ(r.n, 1);
	EQ(r.d[0], 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(VI7_seats_mark_partners)
{
	pws_policy *p = world6();
	pws_iter *it = NULL;
	int64_t ext = -1;

	/* a1 is a Partner Editor of pw: a seat holder, a partner */
	EQ(pws_list_seats(&it, p, "pub"), PWS_OK);
	EQ(pws_iter_count(it), 1);
	EQ(pws_iter_next(it), PWS_OK);
	ck_assert_str_eq(pws_iter_str(it, PWS_COL_ID), "a1");
	EQ(pws_iter_int2(it, PWS_COL_EXTERNAL, &ext), PWS_OK);
	EQ(ext, 1);
	pws_iter_free(it);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Columns: every listing's own, and an error for any other            */
/* ------------------------------------------------------------------ */

enum { LS_MEMBERS, LS_MEMBERS_ORG, LS_WORKSPACES, LS_ELEMENTS, LS_ELEMENTS_ORG, LS_HISTORY,
       LS_UPDATES, LS_REPLIES, LS_ACTIVITY, LS_PARTNERSHIPS, LS_SEATS, LS_REACH, LS_COUNT };

/* Per listing: its string columns and its integer columns (filter.h),
 * zero-terminated; user: the column naming a user (0: none). */
static const struct col_table {
	const char *name;
	int str[8], num[8];
	int user;
} col_tables[LS_COUNT] = {
	{"members", {PWS_COL_ID, PWS_COL_EMAIL, PWS_COL_ORG},
	 {PWS_COL_ROLE, PWS_COL_LEAD, PWS_COL_EXTERNAL, PWS_COL_SUSPENDED}, PWS_COL_ID},
	{"members_as_org", {PWS_COL_ID, PWS_COL_EMAIL, PWS_COL_ORG},
	 {PWS_COL_ROLE, PWS_COL_LEAD, PWS_COL_EXTERNAL, PWS_COL_SUSPENDED}, PWS_COL_ID},
	{"workspaces", {PWS_COL_ID, PWS_COL_TEAM},
	 {PWS_COL_ROLE, PWS_COL_EXTERNAL, PWS_COL_VISIBILITY, PWS_COL_MODE, PWS_COL_UNREAD}, 0},
	{"elements", {PWS_COL_ID, PWS_COL_PARENT}, {PWS_COL_KIND, PWS_COL_ACTIONS}, 0},
	{"elements_as_org", {PWS_COL_ID, PWS_COL_PARENT}, {PWS_COL_KIND, PWS_COL_ACTIONS}, 0},
	{"history", {PWS_COL_ID, PWS_COL_TEXT, PWS_COL_AUTHOR}, {PWS_COL_AT, PWS_COL_EXTERNAL},
	 PWS_COL_AUTHOR},
	{"updates", {PWS_COL_ID, PWS_COL_TEXT, PWS_COL_AUTHOR},
	 {PWS_COL_AT, PWS_COL_UNREAD, PWS_COL_EXTERNAL}, PWS_COL_AUTHOR},
	{"replies", {PWS_COL_ID, PWS_COL_TEXT, PWS_COL_AUTHOR, PWS_COL_PARENT},
	 {PWS_COL_AT, PWS_COL_EXTERNAL}, PWS_COL_AUTHOR},
	{"activity", {PWS_COL_ID, PWS_COL_TEXT, PWS_COL_AUTHOR, PWS_COL_PARENT},
	 {PWS_COL_AT, PWS_COL_KIND, PWS_COL_EXTERNAL}, PWS_COL_AUTHOR},
	{"partnerships", {PWS_COL_TEAM, PWS_COL_WORKSPACE}, {PWS_COL_SSO}, 0},
	{"seats", {PWS_COL_ID, PWS_COL_ORG}, {PWS_COL_EXTERNAL}, PWS_COL_ID},
	{"partner_reach", {PWS_COL_WORKSPACE, PWS_COL_ELEMENT}, {PWS_COL_ROLE, PWS_COL_ACTIONS},
	 0},
};

static pws_iter *open_listing(pws_policy *p, int which)
{
	pws_iter *it = NULL;
	int rc = PWS_ERROR;

	switch (which) {
	case LS_MEMBERS: rc = pws_list_members(&it, p, "dev", "pw"); break;
	case LS_MEMBERS_ORG: rc = pws_list_members_as_org(&it, p, "acme", "pw"); break;
	case LS_WORKSPACES: rc = pws_list_workspaces(&it, p, "a1"); break;
	case LS_ELEMENTS: rc = pws_list_elements(&it, p, "a1", "pw"); break;
	case LS_ELEMENTS_ORG: rc = pws_list_elements_as_org(&it, p, "acme", "pw"); break;
	case LS_HISTORY: rc = pws_list_history(&it, p, "a1", "pw"); break;
	case LS_UPDATES: rc = pws_list_updates(&it, p, "a1", "pw"); break;
	case LS_REPLIES: rc = pws_list_replies(&it, p, "a1", "up1"); break;
	case LS_ACTIVITY: rc = pws_list_activity(&it, p, "a1", "pw"); break;
	case LS_PARTNERSHIPS: rc = pws_list_partnerships(&it, p, "pm", "pub"); break;
	case LS_SEATS: rc = pws_list_seats(&it, p, "pub"); break;
	case LS_REACH: rc = pws_list_partner_reach(&it, p, "pm", "pub", "a1"); break;
	default: break;
	}
	CHK(rc == PWS_OK && it, "listing %s -> %d", col_tables[which].name, rc);
	CHK(pws_iter_count(it) > 0, "listing %s is empty", col_tables[which].name);
	return it;
}

static int in_list(const int *v, int col)
{
	int i;

	for (i = 0; i < 8 && v[i]; i++)
		if (v[i] == col)
			return 1;
	return 0;
}

START_TEST(iter_missing_column_is_an_error_every_listing)
{
	pws_policy *p = world6();
	int which, col;

	authored_content(p);
	for (which = 0; which < LS_COUNT; which++) {
		const struct col_table *t = &col_tables[which];
		pws_iter *it = open_listing(p, which);
		int64_t v = -1;

		/* no current row yet: a real column answers ESTATE, a wrong one EINVALID */
		if (t->num[0])
			CHK(pws_iter_int2(it, t->num[0], &v) == PWS_ESTATE, "%s: before row", t->name);
		while (pws_iter_next(it) == PWS_OK) {
			for (col = -1; col <= PWS_COL_SUSPENDED + 2; col++) {
				int is_str = in_list(t->str, col), is_num = in_list(t->num, col);
				const char *s = pws_iter_str(it, col);
				int rc = pws_iter_int2(it, col, &v);

				CHK((s != NULL) == is_str, "%s: pws_iter_str(column %d) %s", t->name, col,
				    s ? "answers a column the listing lacks" : "is NULL for its column");
				CHK((rc == PWS_OK) == is_num && (is_num || rc == PWS_EINVALID),
				    "%s: pws_iter_int2(column %d) -> %d", t->name, col, rc);
				if (!is_num)
					CHK(v == 0 && pws_iter_int(it, col) == 0, "%s: column %d",
					    t->name, col);
				else
					EQ(v, pws_iter_int(it, col));
			}
			/* VI7: a row that names a user says whether they are external */
			CHK(!t->user || in_list(t->num, PWS_COL_EXTERNAL),
			    "%s names a user without EXTERNAL", t->name);
		}
		CHK(pws_iter_str(it, t->str[0]) == NULL, "%s: after the last row", t->name);
		if (t->num[0])
			CHK(pws_iter_int2(it, t->num[0], &v) == PWS_ESTATE, "%s: after row", t->name);
		pws_iter_free(it);
	}
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* WS4 + VI1: suspended memberships                                    */
/* ------------------------------------------------------------------ */

/* Row of user id in r, or -1. */
static int suspended_row(const rows *r, const char *id)
{
	int k = rows_find(r, id);

	return k >= 0 && r->d[k] ? k : -1;
}

START_TEST(WS4_VI1_suspended_membership_listed_to_publisher_side)
{
	pws_policy *p = world6();
	const char *publisher[] = {"dev", "pm"};
	const char *partners[] = {"a2", "g1", "i1"};
	rows r;
	size_t i;
	int mode, k, role = -1, lead = -1, partner = -1, susp = -1;

	/* a1 (acme Editor, Partner Lead) leaves acme: the membership is suspended */
	OK(pws_user_set_team(p, "a1", "initech", PWS_TEAM_MEMBER, RES));
	EQ(pws_member_status(p, &role, &lead, &partner, &susp, "pw", "a1"), PWS_OK);
	EQ(susp, 1);
	EQ(role, PWS_ROLE_EDITOR);
	EQ(lead, 1);
	EQ(partner, 1);
	role = lead = partner = -1;
	EQ(pws_member_get(p, &role, &lead, &partner, "pw", "a1"), PWS_ESTATE); /* it does not count */
	EQ(role, PWS_ROLE_EDITOR);
	EQ(lead, 1);
	EQ(partner, 1);
	EQ(pws_member_status(p, NULL, NULL, NULL, &susp, "pw", "a2"), PWS_OK);
	EQ(susp, 0);
	for (mode = 0; mode < 2; mode++) {
		if (mode)
			enable_multi(p, "pw");
		for (i = 0; i < 2; i++) {
			int vis = -1, rule = -1;

			EQ(members_of(&r, p, publisher[i], "pw"), PWS_OK);
			EQ(r.n, 6);
			k = suspended_row(&r, "a1");
			CHK(k >= 0, "%s does not see a1 suspended", publisher[i]);
			/* RO2: multi mode made the Editor a Viewer */
			EQ(r.a[k], mode ? PWS_ROLE_VIEWER : PWS_ROLE_EDITOR);
			EQ(r.b[k], 1);
			EQ(r.c[k], 1);                  /* VI7 */
			ck_assert_str_eq(r.aux[k], "acme"); /* the organization it was granted through */
			EQ(r.d[rows_find(&r, "a2")], 0);
			assert_member_order(&r, publisher[i]);
			EQ(pws_can_see_member(p, &vis, &rule, publisher[i], "pw", "a1"), PWS_OK);
			EQ(vis, 1);
			EQ(rule, PWS_RULE_VI1);
		}
		for (i = 0; i < 3; i++) {
			int vis = -1, rule = -1;

			EQ(members_of(&r, p, partners[i], "pw"), PWS_OK);
			CHK(rows_find(&r, "a1") < 0, "partner %s sees suspended a1 (mode %d)",
			    partners[i], mode);
			for (k = 0; k < (int)r.n; k++)
				EQ(r.d[k], 0);
			EQ(pws_can_see_member(p, &vis, &rule, partners[i], "pw", "a1"), PWS_OK);
			EQ(vis, 0);
			EQ(rule, PWS_RULE_VI1);
		}
		/* VI8: an organization's view never shows one either */
		EQ(members_as_org(&r, p, "acme", "pw"), PWS_OK);
		CHK(rows_find(&r, "a1") < 0, "acme's view shows suspended a1");
		EQ(members_as_org(&r, p, "globex", "pw"), PWS_OK);
		CHK(rows_find(&r, "a1") < 0, "globex's view shows suspended a1");
		{
			int vis = -1, rule = -1;

			EQ(pws_org_can_see_member(p, &vis, &rule, "acme", "pw", "a1"), PWS_OK);
			EQ(vis, 0);
			EQ(rule, PWS_RULE_VI1);
			EQ(pws_org_can_see_member(p, &vis, &rule, "initech", "pw", "a1"), PWS_OK);
			EQ(vis, 0);
			/* a non-member of pw sees nothing (WS1) */
			EQ(pws_can_see_member(p, &vis, &rule, "dev2", "pw", "a1"), PWS_OK);
			EQ(vis, 0);
		}
	}
	/* coming back restores it: counted, no longer marked */
	OK(pws_user_set_team(p, "a1", "acme", PWS_TEAM_MEMBER, RES));
	EQ(members_of(&r, p, "dev", "pw"), PWS_OK);
	k = rows_find(&r, "a1");
	CHK(k >= 0 && r.d[k] == 0, "a1 back in acme: row %d", k);
	EQ(pws_member_get(p, NULL, NULL, NULL, "pw", "a1"), PWS_OK);
	pws_policy_free(p);
}
END_TEST

START_TEST(WS4_VI1_suspended_membership_can_be_removed)
{
	pws_policy *p = world6();
	rows r;

	OK(pws_user_set_team(p, "g1", NULL, PWS_TEAM_MEMBER, RES)); /* leaves globex */
	EQ(members_of(&r, p, "pm", "pw"), PWS_OK);
	CHK(suspended_row(&r, "g1") >= 0, "g1 not listed suspended");
	OK(pws_member_remove(p, "pm", "pw", "g1", RES));
	EQ(pws_member_status(p, NULL, NULL, NULL, NULL, "pw", "g1"), PWS_ENOTFOUND);
	EQ(members_of(&r, p, "pm", "pw"), PWS_OK);
	CHK(rows_find(&r, "g1") < 0, "removed g1 still listed");
	pws_policy_free(p);
}
END_TEST

START_TEST(WS4_member_status_bad_input)
{
	pws_policy *p = world6();
	int susp = -1;

	EQ(pws_member_status(NULL, NULL, NULL, NULL, &susp, "pw", "a1"), PWS_EINVALID);
	EQ(pws_member_status(p, NULL, NULL, NULL, &susp, NULL, "a1"), PWS_EINVALID);
	EQ(pws_member_status(p, NULL, NULL, NULL, &susp, "pw", ""), PWS_EINVALID);
	EQ(pws_member_status(p, NULL, NULL, NULL, &susp, "nope", "a1"), PWS_ENOTFOUND);
	EQ(pws_member_status(p, NULL, NULL, NULL, &susp, "pw", "a3"), PWS_ENOTFOUND);
	EQ(susp, -1); /* untouched on failure */
	EQ(pws_member_status(p, NULL, NULL, NULL, NULL, "pw", "a1"), PWS_OK);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* VI8: as a partner organization                                      */
/* ------------------------------------------------------------------ */

static void rows_equal(const rows *x, const rows *y, const char *what)
{
	size_t i;

	CHK(x->n == y->n, "%s: %zu rows vs %zu", what, x->n, y->n);
	for (i = 0; i < x->n; i++) {
		CHK(strcmp(x->id[i], y->id[i]) == 0, "%s: row %zu '%s' vs '%s'", what,
		              i, x->id[i], y->id[i]);
		ck_assert_str_eq(x->aux[i], y->aux[i]);
		CHK(x->a[i] == y->a[i] && x->b[i] == y->b[i] && x->c[i] == y->c[i] &&
		              x->d[i] == y->d[i],
		              "%s: row '%s' columns differ: %" PRId64 "/%" PRId64 " %#" PRIx64
		              "/%#" PRIx64 " %" PRId64 "/%" PRId64, what, x->id[i], x->a[i], y->a[i],
		              (uint64_t)x->b[i], (uint64_t)y->b[i], x->c[i], y->c[i]);
	}
}

/* VI8: the organization's view equals Viewer partner `viewer`'s view. */
static void as_org_equals(pws_policy *p, const char *org, const char *viewer, const char *ws)
{
	rows x, y;
	size_t i;

	EQ(members_as_org(&x, p, org, ws), PWS_OK);
	EQ(members_of(&y, p, viewer, ws), PWS_OK);
	rows_equal(&x, &y, org);
	for (i = 0; i < x.n; i++) {
		int a = -1, b = -1;

		EQ(pws_org_can_see_member(p, &a, NULL, org, ws, x.id[i]), PWS_OK);
		EQ(a, 1);
		EQ(pws_can_see_member(p, &b, NULL, viewer, ws, x.id[i]), PWS_OK);
		EQ(b, 1);
	}
	EQ(elements_as_org(&x, p, org, ws), PWS_OK);
	EQ(elements_of(&y, p, viewer, ws), PWS_OK);
	rows_equal(&x, &y, org);
}

START_TEST(VI8_as_org_equals_viewer_partner)
{
	pws_policy *p = world6();
	rows x, y;
	int vis = -1, mode;

	/* a1 is an Editor and Partner Lead; a2 a plain Viewer of acme */
	OK(pws_element_add(p, "dev", "pw", "env", PWS_EL_ENVIRONMENT, 10, NULL, RES));
	OK(pws_element_add(p, "a1", "pw", "a1-col", PWS_EL_COLLECTION, 10, NULL, RES));
	for (mode = 0; mode < 2; mode++) {
		if (mode)
			enable_multi(p, "pw");
		as_org_equals(p, "acme", "a2", "pw");
		as_org_equals(p, "globex", "g1", "pw");
		as_org_equals(p, "initech", "i1", "pw");
		EQ(pws_org_can_see_member(p, &vis, NULL, "globex", "pw", "a1"),
		                 PWS_OK);
		EQ(vis, !mode);
	}
	/* the Editor's own view is not the organization's: a1 may still delete
	 * the collection it is an Editor on, the organization may not */
	EQ(elements_as_org(&x, p, "acme", "pw"), PWS_OK);
	EQ(elements_of(&y, p, "a1", "pw"), PWS_OK);
	EQ(x.n, 3);
	/* an organization that is not in the workspace sees nothing */
	ck_assert_int_ne(members_as_org(&x, p, "pub", "pw"), PWS_OK);
	ck_assert_int_ne(members_as_org(&x, p, "nosuch", "pw"), PWS_OK);
	ck_assert_int_ne(elements_as_org(&x, p, "nosuch", "pw"), PWS_OK);
	pws_policy_free(p);
}
END_TEST

START_TEST(VI8_as_org_legacy_domain)
{
	pws_policy *p = tw_world();
	int mode;

	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "dev2", RES));
	OK(pws_element_add(p, "dev2", "lw", "lcol", PWS_EL_COLLECTION, 10, NULL, RES));
	join(p, "dev2", "lw", "solo", "solo@gmail.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	join(p, "dev2", "lw", "a3", "a3@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	join(p, "dev2", "lw", "a2", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 1);
	for (mode = 0; mode < 2; mode++) {
		if (mode)
			OK(pws_workspace_enable_multi_partner(p, "dev2", "lw", RES));
		as_org_equals(p, "gmail.com", "solo", "lw");
		as_org_equals(p, "acme.com", "a3", "lw");
	}
	pws_policy_free(p);
}
END_TEST

/* VI8 when the organization has no effective partner left (its only
 * partner left the team, WS4): the two "as organization" listings must
 * agree on whether the organization is in the workspace, and if it is,
 * a Viewer partner of it sees every live element. */
START_TEST(VI8_as_org_listings_agree_when_org_left)
{
	pws_policy *p = tw_world();
	rows m, e;
	int rm, re;

	OK(pws_element_add(p, "dev", "pw", "env", PWS_EL_ENVIRONMENT, 10, NULL, RES));
	OK(pws_user_set_team(p, "g1", NULL, 0, RES)); /* globex's only partner */
	rm = members_as_org(&m, p, "globex", "pw");
	re = elements_as_org(&e, p, "globex", "pw");
	ck_assert_msg(rm == re, "pws_list_members_as_org -> %d but pws_list_elements_as_org -> %d",
	              rm, re);
	if (re == PWS_OK)
		ck_assert_msg(e.n == 2, "as globex (still in pw per the member listing, %zu rows): "
		              "%zu elements listed, 2 live", m.n, e.n);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* VI9: one partner's reach                                            */
/* ------------------------------------------------------------------ */

START_TEST(VI9_partner_manager_lists_partner_reach)
{
	pws_policy *p = world6();
	const char *denied[] = {"dev", "dev2", "admin", "a1", "a2", "g1"};
	pws_iter *it = NULL;
	size_t i, n = 0;

	OK(pws_workspace_create(p, "pm", "pw2", "Second", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_element_add(p, "pm", "pw2", "api2", PWS_EL_API, 10, NULL, RES));
	join(p, "pm", "pw2", "a1", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	OK(pws_workspace_create(p, "pm", "pw3", "Third", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_element_add(p, "dev", "pw", "env", PWS_EL_ENVIRONMENT, 10, NULL, RES));

	EQ(pws_list_partner_reach(&it, p, "pm", "pub", "a1"), PWS_OK);
	EQ(pws_iter_count(it), 5); /* pw, col, env, pw2, api2 */
	while (pws_iter_next(it) == PWS_OK) {
		const char *ws = pws_iter_str(it, PWS_COL_WORKSPACE);
		const char *el = pws_iter_str(it, PWS_COL_ELEMENT);
		uint64_t mask = 0;

		ck_assert(strcmp(ws, "pw") == 0 || strcmp(ws, "pw2") == 0);
		EQ(pws_iter_int(it, PWS_COL_ROLE),
		                 strcmp(ws, "pw") == 0 ? PWS_ROLE_EDITOR : PWS_ROLE_VIEWER);
		EQ(pws_allowed_actions(p, &mask, "a1", ws, *el ? el : NULL), PWS_OK);
		CHK((uint64_t)pws_iter_int(it, PWS_COL_ACTIONS) == mask,
		              "reach %s/%s: actions differ", ws, el);
		ck_assert(mask & ((uint64_t)1 << PWS_ACT_VIEW));
		n++;
	}
	EQ(n, 5);
	pws_iter_free(it);
	it = NULL;
	/* g1 reaches pw only; a3 reaches nothing */
	EQ(pws_list_partner_reach(&it, p, "pm", "pub", "g1"), PWS_OK);
	EQ(pws_iter_count(it), 3); /* pw, col, env */
	pws_iter_free(it);
	EQ(pws_list_partner_reach(&it, p, "pm", "pub", "a3"), PWS_OK);
	EQ(pws_iter_count(it), 0);
	pws_iter_free(it);
	/* WS4: a1 leaves acme and reaches nothing any more */
	OK(pws_user_set_team(p, "a1", "initech", PWS_TEAM_MEMBER, RES));
	EQ(pws_list_partner_reach(&it, p, "pm", "pub", "a1"), PWS_OK);
	EQ(pws_iter_count(it), 0);
	pws_iter_free(it);
	/* denied to anyone but a Partner Manager of the team */
	for (i = 0; i < 6; i++) {
		it = NULL;
		CHK(pws_list_partner_reach(&it, p, denied[i], "pub", "g1") == PWS_EDENIED,
		              "%s listed a partner's reach", denied[i]);
		CHK((it) == NULL, "it is not NULL");
	}
	EQ(pws_list_partner_reach(&it, p, "pm", "pub", "nobody"), PWS_ENOTFOUND);
	pws_policy_free(p);
}
END_TEST

START_TEST(VI9_other_teams_partner_manager_denied)
{
	pws_policy *p = world6();
	pws_iter *it = NULL;

	OK(pws_team_add(p, "other", "Other", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_user_add(p, "opm", "opm@other.com", "other", PWS_TEAM_MEMBER, 1, RES));
	EQ(pws_list_partner_reach(&it, p, "opm", "pub", "a1"), PWS_EDENIED);
	CHK((it) == NULL, "it is not NULL");
	/* CR7: the Partner Manager flag counts on enterprise only */
	OK(pws_team_set_plan(p, "pub", PWS_PLAN_PROFESSIONAL, RES));
	EQ(pws_list_partner_reach(&it, p, "pm", "pub", "a1"), PWS_EDENIED);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* TT1: partnerships                                                   */
/* ------------------------------------------------------------------ */

typedef struct prow {
	const char *team;
	int sso;
	const char *ws;
} prow;

static void partnerships_are(pws_policy *p, const char *actor, const prow *want, size_t n)
{
	pws_iter *it = NULL;
	size_t i = 0;

	EQ(pws_list_partnerships(&it, p, actor, "pub"), PWS_OK);
	EQ(pws_iter_count(it), n);
	while (pws_iter_next(it) == PWS_OK) {
		ck_assert_uint_lt(i, n);
		ck_assert_str_eq(pws_iter_str(it, PWS_COL_TEAM), want[i].team);
		EQ(pws_iter_int(it, PWS_COL_SSO), want[i].sso);
		ck_assert_str_eq(pws_iter_str(it, PWS_COL_WORKSPACE), want[i].ws);
		i++;
	}
	EQ(i, n);
	pws_iter_free(it);
}

START_TEST(TT1_partnerships_rows)
{
	pws_policy *p = world6();
	const prow first[] = {
		{"acme", 1, "pw"}, {"globex", 0, "pw"}, {"initech", 0, "pw"},
	};
	const prow second[] = {
		{"acme", 1, "pw"}, {"acme", 1, "pw2"}, {"acme.com", 0, "lw"},
		{"globex", 0, "pw"}, {"gmail.com", 0, "lw"}, {"initech", 0, "pw"},
		{"initech", 0, "pw2"},
	};
	const prow third[] = {
		{"acme", 1, "pw"}, {"acme", 1, "pw2"}, {"acme.com", 0, "lw"},
		{"globex", 0, "pw"}, {"gmail.com", 0, "lw"}, {"initech", 0, "pw"},
		{"initech", 0, "pw2"},
	};
	pws_iter *it = NULL;

	partnerships_are(p, "pm", first, 3);
	/* team admins see it too */
	partnerships_are(p, "admin", first, 3);
	OK(pws_workspace_create(p, "pm", "pw2", "Second", PWS_VIS_PARTNER, NULL, RES));
	join(p, "pm", "pw2", "i1", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	join(p, "pm", "pw2", "a3", "a3@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "dev2", RES));
	join(p, "dev2", "lw", "solo", "solo@gmail.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	join(p, "dev2", "lw", "a2", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	/* a workspace with no partner is on no row */
	OK(pws_workspace_create(p, "pm", "pw3", "Empty", PWS_VIS_PARTNER, NULL, RES));
	partnerships_are(p, "pm", second, 7);
	/* SSO is the partner team's current setting */
	OK(pws_team_set_sso(p, "initech", 1, RES));
	OK(pws_team_set_sso(p, "initech", 0, RES));
	partnerships_are(p, "pm", third, 7);
	/* not for team members, partners or other teams */
	EQ(pws_list_partnerships(&it, p, "dev", "pub"), PWS_EDENIED);
	EQ(pws_list_partnerships(&it, p, "a1", "pub"), PWS_EDENIED);
	EQ(pws_list_partnerships(&it, p, "solo", "pub"), PWS_EDENIED);
	CHK((it) == NULL, "it is not NULL");
	EQ(pws_list_partnerships(&it, p, "pm", "nosuch"), PWS_ENOTFOUND);
	pws_policy_free(p);
}
END_TEST

START_TEST(TT1_partnerships_follow_team_membership)
{
	pws_policy *p = tw_world();
	const prow before[] = {{"acme", 1, "pw"}, {"globex", 0, "pw"}};
	const prow after[] = {{"acme", 1, "pw"}};

	partnerships_are(p, "pm", before, 2);
	/* WS4: globex's only partner leaves globex: globex reaches nothing */
	OK(pws_user_set_team(p, "g1", NULL, 0, RES));
	partnerships_are(p, "pm", after, 1);
	OK(pws_user_set_team(p, "g1", "globex", PWS_TEAM_MEMBER, RES));
	partnerships_are(p, "pm", before, 2);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* PL2, PL4: seats                                                     */
/* ------------------------------------------------------------------ */

static void seats_are(pws_policy *p, const char *const *ids, const char *const *orgs)
{
	pws_iter *it = NULL;
	uint32_t used = 99, incl = 99;
	size_t i = 0;

	EQ(pws_list_seats(&it, p, "pub"), PWS_OK);
	while (pws_iter_next(it) == PWS_OK) {
		CHK((ids[i]) != NULL, "ids[i] is NULL");
		ck_assert_str_eq(pws_iter_str(it, PWS_COL_ID), ids[i]);
		ck_assert_str_eq(pws_iter_str(it, PWS_COL_ORG), orgs[i]);
		i++;
	}
	CHK((ids[i]) == NULL, "ids[i] is not NULL");
	EQ(pws_iter_count(it), i);
	pws_iter_free(it);
	EQ(pws_team_editor_seats(p, &used, &incl, "pub"), PWS_OK);
	EQ(used, i);
}

START_TEST(PL2_PL4_seats_listing)
{
	pws_policy *p = world6();
	const char *s1[] = {"a1", NULL}, *o1[] = {"acme"};
	const char *s2[] = {"a1", "i1", NULL}, *o2[] = {"acme", "initech"};
	const char *s3[] = {"a1", "a3", "i1", NULL}, *o3[] = {"acme", "acme", "initech"};
	const char *s4[] = {"a3", "i1", NULL}, *o4[] = {"acme", "initech"};
	pws_iter *it = NULL;

	seats_are(p, s1, o1);
	/* PL2: viewers hold no seat; one partner holds one seat however many
	 * workspaces they edit in */
	OK(pws_workspace_create(p, "pm", "pw2", "Second", PWS_VIS_PARTNER, NULL, RES));
	join(p, "pm", "pw2", "a1", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0);
	seats_are(p, s1, o1);
	OK(pws_member_set_role(p, "pm", "pw", "i1", PWS_ROLE_EDITOR, RES));
	seats_are(p, s2, o2);
	join(p, "pm", "pw2", "a3", "a3@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0);
	seats_are(p, s3, o3);
	/* PL4: the fourth Editor invite becomes a Viewer one */
	OK(pws_invite(p, "pm", "pw2", "g2@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0,
	              RES));
	ck_assert(tw_res.flags & PWS_RESULT_DOWNGRADED);
	EQ(tw_res.rule, PWS_RULE_PL4);
	OK(pws_invite_accept(p, "g2", "pw2", NULL, RES));
	seats_are(p, s3, o3);
	DENY(pws_member_set_role(p, "pm", "pw", "g1", PWS_ROLE_EDITOR, RES), PWS_RULE_PL4);
	/* a1 gives up both seats: Viewer in pw, removed from pw2 */
	OK(pws_member_set_role(p, "pm", "pw", "a1", PWS_ROLE_VIEWER, RES));
	seats_are(p, s3, o3);
	OK(pws_member_remove(p, "pm", "pw2", "a1", RES));
	seats_are(p, s4, o4);
	EQ(pws_list_seats(&it, p, "nosuch"), PWS_ENOTFOUND);
	/* RO2: multi mode turns partner Editors into Viewers, freeing seats */
	OK(pws_workspace_enable_multi_partner(p, "pm", "pw2", RES));
	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	{
		const char *none[] = {NULL};

		seats_are(p, none, none);
	}
	pws_policy_free(p);
}
END_TEST

/* A partner Editor who joins the publisher team is a team member, no
 * longer a partner (§1), and their partner membership is suspended (WS4
 * rev12): they hold no Partner Editor seat (PL2, PL4), and the seat count
 * and the seat listing agree. */
START_TEST(PL2_partner_joining_publisher_team_holds_no_seat)
{
	pws_policy *p = world6();
	const char *none[] = {NULL}, *s1[] = {"a1", NULL}, *o1[] = {"acme"};
	int partner = -1;
	pws_iter *it = NULL;
	uint32_t used = 99;

	seats_are(p, s1, o1);
	OK(pws_user_set_team(p, "a1", "pub", PWS_TEAM_MEMBER, RES));
	(void)partner;
	ck_assert_int_eq(pws_list_seats(&it, p, "pub"), PWS_OK);
	ck_assert_int_eq(pws_team_editor_seats(p, &used, NULL, "pub"), PWS_OK);
	ck_assert_msg(pws_iter_count(it) == used,
	              "pws_list_seats lists %zu seat holders, pws_team_editor_seats says %u",
	              pws_iter_count(it), used);
	pws_iter_free(it);
	seats_are(p, none, none);
	/* all three included seats are free for partners (PL4) */
	OK(pws_member_set_role(p, "pm", "pw", "a2", PWS_ROLE_EDITOR, RES));
	OK(pws_member_set_role(p, "pm", "pw", "g1", PWS_ROLE_EDITOR, RES));
	OK(pws_member_set_role(p, "pm", "pw", "i1", PWS_ROLE_EDITOR, RES));
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* WS1-WS3: the workspaces a user reaches                              */
/* ------------------------------------------------------------------ */

static const char *const ALL_WS[] = {"pw", "team-ws", "pw2", "priv", "pub-ws", "acme-ws",
                                     "lw", NULL};

/* The listing of `user` equals the workspaces pws_check(VIEW) allows, with
 * the right role, owner and external mark; then exactly `want`. */
static void ws_list_is(pws_policy *p, const char *user, const char *const *want)
{
	char team[64];
	rows r;
	size_t i;

	EQ(workspaces_of(&r, p, user), PWS_OK);
	EQ(pws_user_get(p, NULL, NULL, team, sizeof team, user), PWS_OK);
	for (i = 0; ALL_WS[i]; i++) {
		int k = rows_find(&r, ALL_WS[i]);

		CHK((k >= 0) == view_allowed(p, user, ALL_WS[i]),
		              "%s: %s listed %d, VIEW %d", user, ALL_WS[i], k >= 0,
		              view_allowed(p, user, ALL_WS[i]));
		if (k >= 0) {
			int role = 0, vis = 0;

			if (pws_member_get(p, &role, NULL, NULL, ALL_WS[i], user) != PWS_OK)
				role = 0;
			EQ(r.a[k], role);
			EQ(pws_workspace_get(p, &vis, NULL, NULL, NULL, ALL_WS[i]),
			                 PWS_OK);
			EQ(r.c[k], vis);
			EQ(r.b[k], strcmp(r.aux[k], team) != 0);
		}
	}
	for (i = 1; i < r.n; i++)
		CHK(strcmp(r.id[i - 1], r.id[i]) < 0, "%s: not sorted", user);
	rows_are(&r, want, user);
}

static pws_policy *ws_world(void)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "owner", "pw2", "Second", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_workspace_create(p, "dev", "priv", "Private", PWS_VIS_PRIVATE, NULL, RES));
	OK(pws_workspace_create(p, "dev2", "pub-ws", "Public", PWS_VIS_PUBLIC, NULL, RES));
	OK(pws_workspace_create(p, "a2", "acme-ws", "Acme team", PWS_VIS_TEAM, NULL, RES));
	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "admin", RES));
	join(p, "admin", "lw", "solo", "solo@gmail.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	return p;
}

START_TEST(WS1_members_and_partner_managers)
{
	pws_policy *p = ws_world();
	const char *pm[] = {"lw", "pub-ws", "pw", "pw2", "team-ws", NULL};
	const char *owner[] = {"pub-ws", "pw2", "team-ws", NULL};
	const char *dev2[] = {"pub-ws", "team-ws", NULL};
	const char *dev[] = {"priv", "pub-ws", "pw", "team-ws", NULL};
	rows r;

	/* pm: Admin of pw, Partner Manager reaching pw2 and lw without a
	 * membership (ROLE 0) */
	ws_list_is(p, "pm", pm);
	EQ(workspaces_of(&r, p, "pm"), PWS_OK);
	EQ(r.a[rows_find(&r, "pw")], PWS_ROLE_ADMIN);
	EQ(r.a[rows_find(&r, "pw2")], 0);
	EQ(r.a[rows_find(&r, "lw")], 0);
	ck_assert_str_eq(r.aux[rows_find(&r, "pw2")], "pub");
	ws_list_is(p, "owner", owner);
	ws_list_is(p, "dev2", dev2);
	ws_list_is(p, "dev", dev);
	/* a Partner Manager of another team sees none of pub's partner ones */
	OK(pws_team_add(p, "other", "Other", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_user_add(p, "opm", "opm@other.com", "other", PWS_TEAM_MEMBER, 1, RES));
	{
		const char *opm[] = {"pub-ws", NULL};

		ws_list_is(p, "opm", opm);
	}
	pws_policy_free(p);
}
END_TEST

START_TEST(WS2_partners_reach_invited_and_public_only)
{
	pws_policy *p = ws_world();
	const char *a1[] = {"acme-ws", "pub-ws", "pw", NULL};
	const char *a3[] = {"acme-ws", "pub-ws", NULL};
	const char *g1[] = {"pub-ws", "pw", NULL};
	const char *solo[] = {"lw", "pub-ws", NULL};

	ws_list_is(p, "a1", a1);
	ws_list_is(p, "a3", a3);
	ws_list_is(p, "g1", g1);
	ws_list_is(p, "solo", solo);
	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	ws_list_is(p, "g1", g1);
	pws_policy_free(p);
}
END_TEST

START_TEST(WS3_partner_workspaces_listed_external)
{
	pws_policy *p = ws_world();
	const char *a1[] = {"acme-ws", "pub-ws", "pw", NULL};
	const char *a1_moved[] = {"pub-ws", NULL};
	rows r;
	int k;

	EQ(workspaces_of(&r, p, "a1"), PWS_OK);
	k = rows_find(&r, "pw");
	ck_assert_int_ge(k, 0);
	EQ(r.b[k], 1);              /* external in acme */
	EQ(r.a[k], PWS_ROLE_EDITOR);
	EQ(r.c[k], PWS_VIS_PARTNER);
	ck_assert_str_eq(r.aux[k], "pub");
	EQ(r.b[rows_find(&r, "acme-ws")], 0);
	{
		pws_iter *it = NULL;

		EQ(pws_list_workspaces(&it, p, "a1"), PWS_OK);
		while (pws_iter_next(it) == PWS_OK)
			if (strcmp(pws_iter_str(it, PWS_COL_ID), "pw") == 0)
				EQ(pws_iter_int(it, PWS_COL_MODE), PWS_MODE_SINGLE);
			else if (strcmp(pws_iter_str(it, PWS_COL_ID), "acme-ws") == 0)
				EQ(pws_iter_int(it, PWS_COL_MODE), 0);
		pws_iter_free(it);
	}
	/* the publisher's own members see it as internal */
	EQ(workspaces_of(&r, p, "dev"), PWS_OK);
	EQ(r.b[rows_find(&r, "pw")], 0);
	/* WS4: a1 leaves acme: pw and acme-ws go; back: they return */
	OK(pws_user_set_team(p, "a1", NULL, 0, RES));
	ws_list_is(p, "a1", a1_moved);
	OK(pws_user_set_team(p, "a1", "acme", PWS_TEAM_MEMBER, RES));
	ws_list_is(p, "a1", a1);
	EQ(workspaces_of(&r, p, "nobody"), PWS_ENOTFOUND);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* filter_consistency_random                                           */
/* ------------------------------------------------------------------ */

#define FU 24   /* users */
#define FT 6    /* teams */
#define FW 10   /* workspaces */
#define FE 48   /* elements */
#define FP 96   /* posts of each kind */

typedef struct fw {
	pws_policy *p;
	uint64_t seed, rng;
	int nt;
	char team[FT][IDLEN];
	char dom[FT][IDLEN];
	int pm_of[FT];          /* a user created as the team's Partner Manager, -1 */
	int nu;
	char uid[FU][IDLEN];
	char email[FU][EMLEN];
	int home[FU];           /* the team the user was created in, -1 */
	int nw;
	char wid[FW][IDLEN];
	int wteam[FW];
	int wcreator[FW];
	int ne;
	char eid[FE][IDLEN];
	int nup;
	char upid[FP][IDLEN];
	int upws[FP];
	int nrep;
	char repid[FP][IDLEN];
	int repup[FP];
	int nh;
	char hid[FP][IDLEN];
	int hws[FP];
	int nc;
	char cid[FP][IDLEN];
	int ninv;
	int invw[FP], invu[FP];
	int64_t now;
} fw;

#define WCHECK(w, cond, fmt, ...) \
	CHK((cond), "world seed %" PRIu64 " (rerun: PWS_FILTER_SEED=%" PRIu64 \
	              " PWS_FILTER_WORLDS=1): " fmt, (w)->seed, (w)->seed, __VA_ARGS__)

static uint32_t rnd(fw *w, uint32_t n)
{
	uint64_t x = w->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	w->rng = x;
	return (uint32_t)((x * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

static int fw_user(fw *w, const char *id, int team, int role, int pm, const char *dom)
{
	int u = w->nu++;

	CHK(w->nu <= FU, "too many users %d", w->nu);
	snprintf(w->uid[u], IDLEN, "%s", id);
	snprintf(w->email[u], EMLEN, "%s@%s", id, dom);
	w->home[u] = team;
	QOK(pws_user_add(w->p, id, w->email[u], team >= 0 ? w->team[team] : NULL,
	                team >= 0 ? role : 0, pm, RES));
	return u;
}

/* The user's current home team (index), -1 without one. */
static int cur_team(fw *w, int u)
{
	char t[IDLEN];
	int i;

	EQ(pws_user_get(w->p, NULL, NULL, t, sizeof t, w->uid[u]), PWS_OK);
	for (i = 0; i < w->nt; i++)
		if (strcmp(t, w->team[i]) == 0)
			return i;
	return -1;
}

static int is_member(fw *w, int wi, int u)
{
	return pws_member_get(w->p, NULL, NULL, NULL, w->wid[wi], w->uid[u]) == PWS_OK;
}

/* A likely actor for management in workspace wi: its creator, the owning
 * team's Partner Manager, a member (maybe a Partner Lead) or anyone. */
static int pick_actor(fw *w, int wi)
{
	uint32_t r = rnd(w, 10);
	int k, u;

	if (r < 4)
		return w->wcreator[wi];
	if (r < 5 && w->pm_of[w->wteam[wi]] >= 0)
		return w->pm_of[w->wteam[wi]];
	if (r < 8)
		for (k = 0; k < 8; k++) {
			u = (int)rnd(w, (uint32_t)w->nu);
			if (is_member(w, wi, u))
				return u;
		}
	return (int)rnd(w, (uint32_t)w->nu);
}

static void fw_setup(fw *w, uint64_t seed)
{
	static const char *const solo_dom[] = {"solo-a.net", "solo-b.net"};
	static const int vis[] = {PWS_VIS_PERSONAL, PWS_VIS_PRIVATE, PWS_VIS_TEAM,
	                          PWS_VIS_PUBLIC};
	int plan[FT];
	int t, u, k, n;

	memset(w, 0, sizeof *w);
	w->seed = seed;
	w->rng = seed * 0x9E3779B97F4A7C15ULL + 0x1234567ULL;
	if (!w->rng)
		w->rng = 1;
	w->now = NOW;
	EQ(pws_policy_new(&w->p, NULL), PWS_OK);
	/* t0, t1 publish (t1 is also a partner of t0); the others are partner
	 * teams on any plan */
	w->nt = 3 + (int)rnd(w, 3);
	for (t = 0; t < w->nt; t++) {
		plan[t] = t == 0 ? (rnd(w, 3) ? PWS_PLAN_ENTERPRISE : PWS_PLAN_PROFESSIONAL)
		        : t == 1 ? PWS_PLAN_ENTERPRISE : 1 + (int)rnd(w, 4);
		snprintf(w->team[t], IDLEN, "t%d", t);
		snprintf(w->dom[t], IDLEN, "t%d.com", t);
		QOK(pws_team_add(w->p, w->team[t], w->team[t], plan[t], (int)rnd(w, 2), RES));
		QOK(pws_team_add_domain(w->p, w->team[t], w->dom[t], RES));
		w->pm_of[t] = -1;
	}
	/* users: u0 super admin, u1 admin, u2 the Partner Manager on
	 * enterprise, the rest members */
	for (t = 0; t < w->nt; t++) {
		n = 2 + (int)rnd(w, t < 2 ? 3 : 2);
		for (k = 0; k < n; k++) {
			char id[IDLEN];
			int role = k == 0 ? PWS_TEAM_SUPER_ADMIN : k == 1 ? PWS_TEAM_ADMIN
			                                                  : PWS_TEAM_MEMBER;
			int pm = k == 2 && t < 2 && plan[t] == PWS_PLAN_ENTERPRISE;

			if (t >= 2 && rnd(w, 2))
				role = PWS_TEAM_MEMBER;
			snprintf(id, sizeof id, "t%du%d", t, k);
			u = fw_user(w, id, t, role, pm, w->dom[t]);
			if (pm)
				w->pm_of[t] = u;
		}
	}
	n = 1 + (int)rnd(w, 3);
	for (k = 0; k < n; k++) {
		char id[IDLEN];

		snprintf(id, sizeof id, "s%d", k);
		fw_user(w, id, -1, 0, 0, solo_dom[rnd(w, 2)]);
	}
	/* partner workspaces of t0 and t1: team-to-team (created directly by
	 * the super admin or the PM, or by anyone, maybe as a request that is
	 * then reviewed or left pending) or legacy */
	n = 3 + (int)rnd(w, 3);
	for (k = 0; k < n && w->nw < FW; k++) {
		int wi = w->nw, team = rnd(w, 3) ? 0 : 1, rc, creator;
		int team_users[FU], nt_users = 0;

		for (u = 0; u < w->nu; u++)
			if (w->home[u] == team)
				team_users[nt_users++] = u;
		snprintf(w->wid[wi], IDLEN, "w%d", wi);
		creator = team_users[rnd(w, (uint32_t)nt_users)];
		if (rnd(w, 4) == 0) {
			rc = pws_workspace_add_legacy(w->p, w->team[team], w->wid[wi], "L",
			                              w->uid[creator], RES);
		} else {
			uint32_t how = rnd(w, 4);

			if (how == 0)
				creator = team_users[0];
			else if (how == 1 && w->pm_of[team] >= 0)
				creator = w->pm_of[team];
			rc = pws_workspace_create(w->p, w->uid[creator], w->wid[wi], "P",
			                          PWS_VIS_PARTNER, NULL, RES);
			if (rc == PWS_OK && (tw_res.flags & PWS_RESULT_PENDING) && rnd(w, 3))
				(void)pws_request_review(w->p, w->uid[team_users[0]], w->wid[wi],
				                         rnd(w, 4) != 0, RES);
		}
		if (rc == PWS_OK) {
			w->wteam[wi] = team;
			w->wcreator[wi] = creator;
			w->nw++;
		}
	}
	/* and a few other workspaces of anyone with a team */
	n = 1 + (int)rnd(w, 3);
	for (k = 0; k < n && w->nw < FW; k++) {
		int wi = w->nw, creator = (int)rnd(w, (uint32_t)w->nu);

		snprintf(w->wid[wi], IDLEN, "w%d", wi);
		if (pws_workspace_create(w->p, w->uid[creator], w->wid[wi], "N", vis[rnd(w, 4)],
		                         NULL, RES) == PWS_OK) {
			w->wteam[wi] = cur_team(w, creator);
			w->wcreator[wi] = creator;
			w->nw++;
		}
	}
	ck_assert_int_gt(w->nw, 0);
}

/* A random member of workspace wi, else anyone. */
static int pick_member(fw *w, int wi)
{
	int k, u;

	for (k = 0; k < 8; k++) {
		u = (int)rnd(w, (uint32_t)w->nu);
		if (is_member(w, wi, u))
			return u;
	}
	return (int)rnd(w, (uint32_t)w->nu);
}

/* A random user created outside workspace wi's team. */
static int pick_outsider(fw *w, int wi)
{
	int k, u = 0;

	for (k = 0; k < 16; k++) {
		u = (int)rnd(w, (uint32_t)w->nu);
		if (w->home[u] != w->wteam[wi])
			break;
	}
	return u;
}

/* Opening steps: partners of several organizations join every workspace
 * and write content in single mode. Returns 0 when done. */
static int fw_opening(fw *w, int k)
{
	pws_policy *p = w->p;
	int wi = k % w->nw, round = k / w->nw, u, j;
	const char *ws = w->wid[wi], *A = w->uid[w->wcreator[wi]];
	char id[IDLEN];

	w->now += 3;
	if (round < 4) {
		u = pick_outsider(w, wi);
		if (pws_invite(p, A, ws, w->email[u], PWS_INVITE_PARTNER,
		               rnd(w, 3) ? PWS_ROLE_VIEWER : PWS_ROLE_EDITOR, rnd(w, 3) == 0,
		               RES) == PWS_OK)
			(void)pws_invite_accept(p, w->uid[u], ws, NULL, RES);
	} else if (round == 4) {
		u = (int)rnd(w, (uint32_t)w->nu);
		if (w->home[u] == w->wteam[wi] &&
		    pws_invite(p, A, ws, w->email[u], PWS_INVITE_MEMBER, 1 + (int)rnd(w, 3), 0,
		               RES) == PWS_OK)
			(void)pws_invite_accept(p, w->uid[u], ws, NULL, RES);
	} else if (round == 5) {
		snprintf(id, sizeof id, "el%d", w->ne);
		if (w->ne < FE &&
		    pws_element_add(p, A, ws, id, PWS_EL_COLLECTION, 10, NULL, RES) == PWS_OK)
			snprintf(w->eid[w->ne++], IDLEN, "%s", id);
		snprintf(id, sizeof id, "up%d", w->nup);
		if (w->nup < FP && pws_update_post(p, A, ws, id, "hello", w->now, RES) == PWS_OK) {
			snprintf(w->upid[w->nup], IDLEN, "%s", id);
			w->upws[w->nup++] = wi;
		}
	} else if (round < 9) {
		for (j = w->nup - 1; j >= 0 && w->upws[j] != wi; j--)
			;
		u = pick_member(w, wi);
		snprintf(id, sizeof id, "re%d", w->nrep);
		if (j >= 0 && w->nrep < FP &&
		    pws_update_reply(p, w->uid[u], w->upid[j], id, "hi", w->now, RES) == PWS_OK) {
			snprintf(w->repid[w->nrep], IDLEN, "%s", id);
			w->repup[w->nrep++] = j;
		}
		u = pick_member(w, wi);
		snprintf(id, sizeof id, "cm%d", w->nc);
		if (w->ne && w->nc < FP &&
		    pws_comment_add(p, w->uid[u], w->eid[w->ne - 1], id, "note", RES) == PWS_OK)
			snprintf(w->cid[w->nc++], IDLEN, "%s", id);
		u = pick_member(w, wi);
		snprintf(id, sizeof id, "hi%d", w->nh);
		if (w->nh < FP && pws_history_add(p, w->uid[u], ws, id, "ran", w->now, RES) == PWS_OK) {
			snprintf(w->hid[w->nh], IDLEN, "%s", id);
			w->hws[w->nh++] = wi;
		}
	} else {
		return 0;
	}
	return 1;
}

/* One random step. Most calls may be refused; only successes are
 * recorded. */
static void fw_step(fw *w)
{
	pws_policy *p = w->p;
	int wi = (int)rnd(w, (uint32_t)w->nw);
	const char *ws = w->wid[wi];
	int a = pick_actor(w, wi);
	int u = rnd(w, 4) ? pick_member(w, wi) : (int)rnd(w, (uint32_t)w->nu);
	const char *A = w->uid[a], *U = w->uid[u];
	uint32_t op = rnd(w, 100);
	char id[IDLEN];

	w->now += 1 + rnd(w, 100);
	if (op < 22) { /* partner invite, maybe accepted at once */
		int role = rnd(w, 2) ? PWS_ROLE_VIEWER : PWS_ROLE_EDITOR;

		if (rnd(w, 5))
			u = pick_outsider(w, wi);
		U = w->uid[u];
		if (pws_invite(p, A, ws, w->email[u], PWS_INVITE_PARTNER, role, rnd(w, 4) == 0,
		               RES) == PWS_OK) {
			if (rnd(w, 4)) {
				(void)pws_invite_accept(p, U, ws,
				                        rnd(w, 8) ? NULL : w->team[rnd(w, (uint32_t)w->nt)],
				                        RES);
			} else if (w->ninv < FP) {
				w->invw[w->ninv] = wi;
				w->invu[w->ninv++] = u;
			}
		}
	} else if (op < 27) { /* a pending invite accepted later */
		if (w->ninv) {
			int k = (int)rnd(w, (uint32_t)w->ninv);

			(void)pws_invite_accept(p, w->uid[w->invu[k]], w->wid[w->invw[k]], NULL, RES);
		}
	} else if (op < 33) { /* team member invite */
		if (pws_invite(p, A, ws, w->email[u], PWS_INVITE_MEMBER, 1 + (int)rnd(w, 3), 0,
		               RES) == PWS_OK)
			(void)pws_invite_accept(p, U, ws, NULL, RES);
	} else if (op < 40) {
		(void)pws_member_set_role(p, A, ws, U, 1 + (int)rnd(w, 3), RES);
	} else if (op < 44) {
		(void)pws_member_set_lead(p, A, ws, U, (int)rnd(w, 2), RES);
	} else if (op < 48) {
		(void)pws_workspace_enable_multi_partner(p, A, ws, RES);
	} else if (op < 53) { /* team moves (WS4) */
		int t = (int)rnd(w, (uint32_t)w->nt + 2);

		if (t >= w->nt)
			t = rnd(w, 2) ? -1 : w->home[u];
		(void)pws_user_set_team(p, U, t >= 0 ? w->team[t] : NULL,
		                        rnd(w, 4) ? PWS_TEAM_MEMBER : PWS_TEAM_ADMIN, RES);
	} else if (op < 55) {
		(void)pws_user_set_partner_manager(p, U, (int)rnd(w, 2), RES);
	} else if (op < 62) {
		if (w->nup < FP) {
			snprintf(id, sizeof id, "up%d", w->nup);
			if (pws_update_post(p, rnd(w, 2) ? A : w->uid[w->wcreator[wi]], ws, id, "news",
			                    w->now, RES) == PWS_OK) {
				snprintf(w->upid[w->nup], IDLEN, "%s", id);
				w->upws[w->nup++] = wi;
			}
		}
	} else if (op < 70) {
		if (w->nup && w->nrep < FP) {
			int k = (int)rnd(w, (uint32_t)w->nup);

			snprintf(id, sizeof id, "re%d", w->nrep);
			if (pws_update_reply(p, rnd(w, 3) ? U : A, w->upid[k], id, "reply", w->now,
			                     RES) == PWS_OK) {
				snprintf(w->repid[w->nrep], IDLEN, "%s", id);
				w->repup[w->nrep++] = k;
			}
		}
	} else if (op < 76) {
		if (w->ne && w->nc < FP) {
			snprintf(id, sizeof id, "cm%d", w->nc);
			if (pws_comment_add(p, rnd(w, 3) ? U : A, w->eid[rnd(w, (uint32_t)w->ne)], id,
			                    "comment", RES) == PWS_OK)
				snprintf(w->cid[w->nc++], IDLEN, "%s", id);
		}
	} else if (op < 82) {
		if (w->nh < FP) {
			snprintf(id, sizeof id, "hi%d", w->nh);
			if (pws_history_add(p, rnd(w, 3) ? U : A, ws, id, "ran", w->now, RES) ==
			    PWS_OK) {
				snprintf(w->hid[w->nh], IDLEN, "%s", id);
				w->hws[w->nh++] = wi;
			}
		}
	} else if (op < 86) {
		(void)pws_member_remove(p, A, ws, U, RES);
	} else if (op < 92) {
		if (w->ne < FE) {
			static const int kinds[] = {PWS_EL_COLLECTION, PWS_EL_ENVIRONMENT, PWS_EL_API};

			snprintf(id, sizeof id, "el%d", w->ne);
			if (pws_element_add(p, rnd(w, 2) ? A : w->uid[w->wcreator[wi]], ws, id,
			                    kinds[rnd(w, 3)], 100, NULL, RES) == PWS_OK) {
				snprintf(w->eid[w->ne++], IDLEN, "%s", id);
				if (rnd(w, 3) == 0 && w->ne < FE) {
					char sub[IDLEN];

					snprintf(sub, sizeof sub, "el%d", w->ne);
					if (pws_element_add(p, w->uid[w->wcreator[wi]], ws, sub,
					                    rnd(w, 2) ? PWS_EL_MONITOR : PWS_EL_MOCK_SERVER, 1,
					                    id, RES) == PWS_OK)
						snprintf(w->eid[w->ne++], IDLEN, "%s", sub);
				}
			}
		}
	} else if (op < 94) {
		if (w->ne)
			(void)pws_element_delete(p, A, w->eid[rnd(w, (uint32_t)w->ne)], w->now, RES);
	} else if (op < 96) {
		if (w->ne)
			(void)pws_element_move(p, A, w->eid[rnd(w, (uint32_t)w->ne)],
			                       w->wid[rnd(w, (uint32_t)w->nw)], RES);
	} else if (op < 98) {
		(void)pws_workspace_visit(p, U, ws, RES);
	} else {
		(void)pws_element_add_editor(p, A, w->ne ? w->eid[rnd(w, (uint32_t)w->ne)] : "x",
		                             U, RES);
	}
}

/* --- the oracle ------------------------------------------------------- */

/* counters printed with PWS_FILTER_STATS set */
static unsigned long st_members, st_member_rows, st_multi_partner, st_denied, st_el_rows,
	st_reply_rows, st_hist_rows, st_ws_rows, st_legacy;

static void fc_members(fw *w, int v, int wi)
{
	const char *V = w->uid[v], *ws = w->wid[wi];
	rows r;
	int rc = members_of(&r, w->p, V, ws), x, vm = -1;
	size_t i;

	EQ(pws_check(w->p, &vm, NULL, V, PWS_ACT_VIEW_MEMBERS, ws, NULL), PWS_OK);
	WCHECK(w, (rc == PWS_OK) == (vm == 1), "pws_list_members(%s, %s) -> %d, VIEW_MEMBERS %d",
	       V, ws, rc, vm);
	WCHECK(w, rc == PWS_OK || rc == PWS_EDENIED, "pws_list_members(%s, %s) -> %d", V, ws, rc);
	for (x = 0; x < w->nu; x++) {
		int vis = -1, k = rows_find(&r, w->uid[x]);
		int src = pws_can_see_member(w->p, &vis, NULL, V, ws, w->uid[x]);

		WCHECK(w, src == PWS_OK || src == PWS_ENOTFOUND,
		       "pws_can_see_member(%s, %s, %s) -> %d", V, ws, w->uid[x], src);
		if (src != PWS_OK) {
			/* not an (effective) member: never listed */
			WCHECK(w, k < 0, "%s lists non-member %s in %s", V, w->uid[x], ws);
			WCHECK(w, !is_member(w, wi, x), "can_see_member says %s is no member of %s",
			       w->uid[x], ws);
			continue;
		}
		WCHECK(w, (k >= 0) == (vis == 1),
		       "pws_list_members(%s, %s): %s listed=%d but pws_can_see_member=%d", V, ws,
		       w->uid[x], k >= 0, vis);
		if (k >= 0) {
			int role = 0, lead = 0, partner = 0, susp = -1;

			EQ(pws_member_status(w->p, &role, &lead, &partner, &susp, ws, w->uid[x]),
			                 PWS_OK);
			WCHECK(w, r.a[k] == role && r.b[k] == lead && r.c[k] == partner &&
			          r.d[k] == susp,
			       "pws_list_members(%s, %s): row %s columns role %d/%d lead %d/%d ext %d/%d "
			       "suspended %d/%d", V, ws, w->uid[x], (int)r.a[k], role, (int)r.b[k], lead,
			       (int)r.c[k], partner, (int)r.d[k], susp);
			/* pws_member_get agrees, and a suspended one does not count */
			EQ(pws_member_get(w->p, NULL, NULL, NULL, ws, w->uid[x]),
			   susp ? PWS_ESTATE : PWS_OK);
		}
	}
	for (i = 0; i < r.n; i++) {
		int known = 0;

		for (x = 0; x < w->nu; x++)
			known |= strcmp(r.id[i], w->uid[x]) == 0;
		WCHECK(w, known, "unknown row %s", r.id[i]);
		if (i)
			WCHECK(w, strcmp(r.id[i - 1], r.id[i]) != 0 ||
			          strcmp(r.aux[i - 1], r.aux[i]) != 0, "duplicate row %s", r.id[i]);
	}
	st_members += rc == PWS_OK;
	st_denied += rc == PWS_EDENIED;
	st_member_rows += r.n;
	if (rc == PWS_OK) {
		int mode = 0, model = 0, partner = 0;

		(void)pws_workspace_get(w->p, NULL, &mode, &model, NULL, ws);
		if (mode == PWS_MODE_MULTI && pws_member_get(w->p, NULL, NULL, &partner, ws, V) ==
		    PWS_OK && partner)
			st_multi_partner++;
		st_legacy += model == PWS_MODEL_LEGACY;
	}
	if (rc == PWS_OK) {
		char what[96];

		snprintf(what, sizeof what, "seed %" PRIu64 " members(%s, %s)", w->seed, V, ws);
		assert_member_groups(&r, what);
	}
}

static void fc_elements(fw *w, int v, int wi)
{
	const char *V = w->uid[v], *ws = w->wid[wi];
	rows r;
	int rc = elements_of(&r, w->p, V, ws), view = view_allowed(w->p, V, ws), e;
	size_t live = 0, i;

	WCHECK(w, view ? rc == PWS_OK : rc == PWS_EDENIED,
	       "pws_list_elements(%s, %s) -> %d with VIEW %d", V, ws, rc, view);
	if (!view)
		return;
	for (e = 0; e < w->ne; e++) {
		char at[IDLEN];
		int kind = 0, trashed = 0, k = rows_find(&r, w->eid[e]);
		int erc = pws_element_get(w->p, &kind, &trashed, at, sizeof at, w->eid[e]);
		int here = erc == PWS_OK && !trashed && strcmp(at, ws) == 0;

		WCHECK(w, here == (k >= 0), "pws_list_elements(%s, %s): %s listed %d, live here %d",
		       V, ws, w->eid[e], k >= 0, here);
		if (here) {
			uint64_t mask = 0;

			live++;
			EQ(pws_allowed_actions(w->p, &mask, V, NULL, w->eid[e]), PWS_OK);
			WCHECK(w, (uint64_t)r.b[k] == mask,
			       "pws_list_elements(%s, %s): %s ACTIONS %#" PRIx64 " vs allowed %#" PRIx64,
			       V, ws, w->eid[e], (uint64_t)r.b[k], mask);
			WCHECK(w, r.a[k] == kind, "element %s kind", w->eid[e]);
		}
	}
	WCHECK(w, r.n == live, "pws_list_elements(%s, %s): %zu rows, %zu live", V, ws, r.n, live);
	st_el_rows += r.n;
	/* the element listing is in workspace order (filter.h): no duplicates */
	for (i = 1; i < r.n; i++) {
		size_t j;

		for (j = 0; j < i; j++)
			WCHECK(w, strcmp(r.id[j], r.id[i]) != 0, "element %s listed twice in %s",
			       r.id[i], ws);
	}
}

static void fc_workspaces(fw *w, int v)
{
	const char *V = w->uid[v];
	rows r;
	int wi, t = cur_team(w, v);
	size_t n = 0;

	EQ(workspaces_of(&r, w->p, V), PWS_OK);
	for (wi = 0; wi < w->nw; wi++) {
		int k = rows_find(&r, w->wid[wi]), view = view_allowed(w->p, V, w->wid[wi]);

		WCHECK(w, (k >= 0) == view, "pws_list_workspaces(%s): %s listed %d, VIEW %d", V,
		       w->wid[wi], k >= 0, view);
		if (k >= 0) {
			int role = 0, vis = 0;
			uint32_t unread_n = 0;

			n++;
			if (pws_member_get(w->p, &role, NULL, NULL, w->wid[wi], V) != PWS_OK)
				role = 0;
			else
				EQ(pws_workspace_unread(w->p, &unread_n, V, w->wid[wi]),
				                 PWS_OK);
			EQ(pws_workspace_get(w->p, &vis, NULL, NULL, NULL, w->wid[wi]),
			                 PWS_OK);
			WCHECK(w, r.a[k] == role && r.c[k] == vis && r.d[k] == unread_n,
			       "pws_list_workspaces(%s): %s role %d/%d vis %d/%d unread %d/%u", V,
			       w->wid[wi], (int)r.a[k], role, (int)r.c[k], vis, (int)r.d[k], unread_n);
			WCHECK(w, strcmp(r.aux[k], w->team[w->wteam[wi]]) == 0, "%s owner", w->wid[wi]);
			WCHECK(w, r.b[k] == (t != w->wteam[wi]), "pws_list_workspaces(%s): %s EXTERNAL %d",
			       V, w->wid[wi], (int)r.b[k]);
		}
	}
	WCHECK(w, r.n == n, "pws_list_workspaces(%s): %zu rows, %zu expected", V, r.n, n);
	st_ws_rows += r.n;
}

static void fc_posts(fw *w, int v, int wi)
{
	const char *V = w->uid[v], *ws = w->wid[wi];
	int view = view_allowed(w->p, V, ws), k, rc;
	rows r, act;
	size_t n = 0, nact = 0, i;

	/* VI4 */
	EQ(history_of(&r, w->p, V, ws), PWS_OK);
	for (k = 0; k < w->nh; k++) {
		int vis = -1;

		EQ(pws_can_see_history(w->p, &vis, NULL, V, w->hid[k]), PWS_OK);
		if (w->hws[k] != wi)
			continue;
		WCHECK(w, (rows_find(&r, w->hid[k]) >= 0) == vis,
		       "pws_list_history(%s, %s): %s listed %d, can_see_history %d", V, ws,
		       w->hid[k], rows_find(&r, w->hid[k]) >= 0, vis);
		n += (size_t)vis;
	}
	WCHECK(w, r.n == n, "pws_list_history(%s, %s): %zu rows, %zu visible", V, ws, r.n, n);
	st_hist_rows += r.n;
	for (i = 0; i < r.n; i++)
		WCHECK(w, strcmp(r.aux[i], V) == 0, "history of %s shows author %s", V, r.aux[i]);

	/* VI5, VI6: updates */
	rc = updates_of(&r, w->p, V, ws);
	WCHECK(w, view ? rc == PWS_OK : rc == PWS_EDENIED, "pws_list_updates(%s, %s) -> %d", V,
	       ws, rc);
	if (view) {
		uint32_t unread_n = 0;
		int64_t sum = 0;

		n = 0;
		for (k = 0; k < w->nup; k++)
			if (w->upws[k] == wi) {
				WCHECK(w, n < r.n && strcmp(r.id[n], w->upid[k]) == 0,
				       "pws_list_updates(%s, %s): %s missing or out of order", V, ws,
				       w->upid[k]);
				n++;
			}
		WCHECK(w, r.n == n, "pws_list_updates(%s, %s): %zu rows", V, ws, r.n);
		for (i = 0; i < r.n; i++)
			sum += r.b[i];
		if (is_member(w, wi, v)) {
			EQ(pws_workspace_unread(w->p, &unread_n, V, ws), PWS_OK);
			WCHECK(w, sum == unread_n, "VI6: %s in %s: UNREAD column %d, count %u", V, ws,
			       (int)sum, unread_n);
		}
	}

	/* VI5, VI2: replies, per update and in the activity */
	rc = activity_of(&act, w->p, V, ws);
	WCHECK(w, view ? rc == PWS_OK : rc == PWS_EDENIED, "pws_list_activity(%s, %s) -> %d", V,
	       ws, rc);
	for (k = 0; k < w->nup; k++) {
		int j;

		if (w->upws[k] != wi)
			continue;
		rc = replies_of(&r, w->p, V, w->upid[k]);
		WCHECK(w, view ? rc == PWS_OK : rc == PWS_EDENIED, "pws_list_replies(%s, %s) -> %d",
		       V, w->upid[k], rc);
		n = 0;
		for (j = 0; j < w->nrep; j++) {
			int vis = -1, listed, in_act;

			if (w->repup[j] != k)
				continue;
			EQ(pws_can_see_reply(w->p, &vis, NULL, V, w->repid[j]), PWS_OK);
			listed = rows_find(&r, w->repid[j]) >= 0;
			in_act = rows_find(&act, w->repid[j]) >= 0;
			WCHECK(w, listed == vis, "pws_list_replies(%s, %s): %s listed %d, can_see_reply %d",
			       V, w->upid[k], w->repid[j], listed, vis);
			WCHECK(w, in_act == vis,
			       "pws_list_activity(%s, %s): reply %s listed %d, can_see_reply %d", V, ws,
			       w->repid[j], in_act, vis);
			n += (size_t)vis;
		}
		nact += n;
		st_reply_rows += n;
		WCHECK(w, r.n == n, "pws_list_replies(%s, %s): %zu rows, %zu visible", V,
		       w->upid[k], r.n, n);
	}
	for (i = 0; i < act.n; i++)
		if (act.c[i] == 0)
			nact = nact ? nact - 1 : (size_t)-1;
	WCHECK(w, nact == 0, "pws_list_activity(%s, %s): reply rows differ from the replies", V,
	       ws);
}

static const char *domain_of(fw *w, int u)
{
	return strchr(w->email[u], '@') + 1;
}

static int ws_is_partner(fw *w, int wi, int *legacy)
{
	int vis = 0, model = 0;

	EQ(pws_workspace_get(w->p, &vis, NULL, &model, NULL, w->wid[wi]), PWS_OK);
	if (legacy)
		*legacy = model == PWS_MODEL_LEGACY;
	return vis == PWS_VIS_PARTNER;
}

/* PL2, PL4: the seat listing of publisher team t agrees with the seat
 * count, lists every partner holding Editor and no team member. */
static void fc_seats(fw *w, int t)
{
	pws_iter *it = NULL;
	rows r;
	uint32_t used = 0;
	int u, wi;

	/* seats: the partners holding Editor in a partner workspace of t */
	EQ(pws_list_seats(&it, w->p, w->team[t]), PWS_OK);
	rows_read(&r, it, PWS_COL_ID, PWS_COL_ORG, 0, 0, 0, 0);
	EQ(pws_team_editor_seats(w->p, &used, NULL, w->team[t]), PWS_OK);
	WCHECK(w, r.n == used, "pws_list_seats(%s): %zu rows, %u seats used", w->team[t], r.n,
	       used);
	for (u = 0; u < w->nu; u++) {
		int holds = 0;

		for (wi = 0; wi < w->nw; wi++) {
			int role = 0, partner = 0;

			if (w->wteam[wi] == t && ws_is_partner(w, wi, NULL) &&
			    pws_member_get(w->p, &role, NULL, &partner, w->wid[wi], w->uid[u]) == PWS_OK &&
			    partner && role == PWS_ROLE_EDITOR)
				holds = 1;
		}
		/* a partner whose membership is suspended (WS4) may keep the
		 * seat: POLICY.md does not say; only effective Editors must hold one */
		WCHECK(w, !holds || rows_find(&r, w->uid[u]) >= 0,
		       "pws_list_seats(%s): partner Editor %s holds no seat", w->team[t], w->uid[u]);
		if (rows_find(&r, w->uid[u]) >= 0)
			WCHECK(w, cur_team(w, u) != t, "pws_list_seats(%s): team member %s holds a seat",
			       w->team[t], w->uid[u]);
	}
}

/* TT1, VI9 for the publisher team t. */
static void fc_team(fw *w, int t)
{
	pws_iter *it = NULL;
	rows r;
	int u, wi, mgr = -1, pm = -1;
	size_t n = 0, i;

	/* who manages t */
	for (u = 0; u < w->nu; u++) {
		char team[IDLEN];
		int role = 0, is_pm = 0;

		EQ(pws_user_get(w->p, &role, &is_pm, team, sizeof team, w->uid[u]), PWS_OK);
		if (strcmp(team, w->team[t]) != 0)
			continue;
		if (is_pm)
			pm = u;
		if (is_pm || role >= PWS_TEAM_ADMIN)
			mgr = u;
	}
	/* TT1: one row per (organization with an effective partner, partner
	 * workspace) */
	if (mgr >= 0) {
		char key[2 * IDLEN + 2];
		rows keys;

		memset(&keys, 0, sizeof keys);
		EQ(pws_list_partnerships(&it, w->p, w->uid[mgr], w->team[t]), PWS_OK);
		rows_read(&r, it, PWS_COL_TEAM, PWS_COL_WORKSPACE, PWS_COL_SSO, 0, 0, 0);
		for (wi = 0; wi < w->nw; wi++) {
			int legacy = 0, lc = 0;

			if (w->wteam[wi] != t || !ws_is_partner(w, wi, &legacy))
				continue;
			EQ(pws_workspace_get(w->p, NULL, NULL, NULL, &lc, w->wid[wi]), PWS_OK);
			if (lc == PWS_LC_DELETED)
				continue;
			for (u = 0; u < w->nu; u++) {
				int partner = 0, ut;

				if (pws_member_get(w->p, NULL, NULL, &partner, w->wid[wi], w->uid[u]) !=
				    PWS_OK || !partner)
					continue;
				ut = cur_team(w, u);
				snprintf(key, sizeof key, "%s|%s",
				         legacy ? domain_of(w, u) : ut >= 0 ? w->team[ut] : "?",
				         w->wid[wi]);
				if (rows_find(&keys, key) < 0)
					snprintf(keys.id[keys.n++], IDLEN, "%.*s", IDLEN - 1, key);
			}
		}
		for (i = 0; i < r.n; i++) {
			snprintf(key, sizeof key, "%s|%s", r.id[i], r.aux[i]);
			WCHECK(w, rows_find(&keys, key) >= 0, "pws_list_partnerships(%s): extra row %s",
			       w->team[t], key);
			if (i)
				WCHECK(w, strcmp(r.id[i - 1], r.id[i]) < 0 ||
				          (strcmp(r.id[i - 1], r.id[i]) == 0 &&
				           strcmp(r.aux[i - 1], r.aux[i]) < 0),
				       "pws_list_partnerships(%s): not sorted at %s", w->team[t], key);
		}
		WCHECK(w, r.n == keys.n, "pws_list_partnerships(%s): %zu rows, %zu expected",
		       w->team[t], r.n, keys.n);
	}
	/* VI9: each user's reach, as the Partner Manager lists it */
	if (pm < 0)
		return;
	for (u = 0; u < w->nu; u++) {
		EQ(pws_list_partner_reach(&it, w->p, w->uid[pm], w->team[t], w->uid[u]), PWS_OK);
		n = 0;
		while (pws_iter_next(it) == PWS_OK) {
			const char *ws = pws_iter_str(it, PWS_COL_WORKSPACE);
			const char *el = pws_iter_str(it, PWS_COL_ELEMENT);
			uint64_t mask = 0;
			int role = 0;

			EQ(pws_member_get(w->p, &role, NULL, NULL, ws, w->uid[u]), PWS_OK);
			WCHECK(w, pws_iter_int(it, PWS_COL_ROLE) == role, "reach of %s: role in %s",
			       w->uid[u], ws);
			EQ(pws_allowed_actions(w->p, &mask, w->uid[u], *el ? NULL : ws, *el ? el : NULL),
			   PWS_OK);
			WCHECK(w, (uint64_t)pws_iter_int(it, PWS_COL_ACTIONS) == mask,
			       "pws_list_partner_reach(%s): %s/%s actions %#" PRIx64 " vs %#" PRIx64,
			       w->uid[u], ws, el, (uint64_t)pws_iter_int(it, PWS_COL_ACTIONS), mask);
			n += *el == '\0';
		}
		pws_iter_free(it);
		it = NULL;
		for (wi = 0; wi < w->nw; wi++)
			if (w->wteam[wi] == t && ws_is_partner(w, wi, NULL) && is_member(w, wi, u) &&
			    view_allowed(w->p, w->uid[u], w->wid[wi]))
				n = n ? n - 1 : (size_t)-1;
		WCHECK(w, n == 0, "pws_list_partner_reach(%s, %s): workspace rows differ",
		       w->team[t], w->uid[u]);
	}
}

/* VI8: each organization's view equals its plain Viewer partners' view
 * (members; the element ids). */
static void fc_as_org(fw *w, int wi)
{
	int legacy = 0, v, x;

	if (!ws_is_partner(w, wi, &legacy))
		return;
	for (v = 0; v < w->nu; v++) {
		int role = 0, lead = 0, partner = 0, t, rc;
		const char *org;
		rows a, b;
		size_t i;

		if (pws_member_get(w->p, &role, &lead, &partner, w->wid[wi], w->uid[v]) != PWS_OK ||
		    !partner || role != PWS_ROLE_VIEWER || lead)
			continue;
		t = cur_team(w, v);
		org = legacy ? domain_of(w, v) : w->team[t];
		rc = members_as_org(&a, w->p, org, w->wid[wi]);
		WCHECK(w, rc == PWS_OK, "pws_list_members_as_org(%s, %s) -> %d", org, w->wid[wi], rc);
		EQ(members_of(&b, w->p, w->uid[v], w->wid[wi]), PWS_OK);
		WCHECK(w, a.n == b.n, "VI8: %s sees %zu members, %s %zu", org, a.n, w->uid[v], b.n);
		for (i = 0; i < a.n; i++)
			WCHECK(w, strcmp(a.id[i], b.id[i]) == 0, "VI8: %s row %zu %s vs %s's %s", org, i,
			       a.id[i], w->uid[v], b.id[i]);
		for (x = 0; x < w->nu; x++) {
			int va = -1, vb = -1;
			int ra = pws_org_can_see_member(w->p, &va, NULL, org, w->wid[wi], w->uid[x]);
			int rb = pws_can_see_member(w->p, &vb, NULL, w->uid[v], w->wid[wi], w->uid[x]);

			WCHECK(w, ra == rb && (ra != PWS_OK || va == vb),
			       "VI8: pws_org_can_see_member(%s, %s) %d/%d, %s's %d/%d", org, w->uid[x],
			       ra, va, w->uid[v], rb, vb);
		}
		rc = elements_as_org(&a, w->p, org, w->wid[wi]);
		WCHECK(w, rc == PWS_OK, "pws_list_elements_as_org(%s, %s) -> %d", org, w->wid[wi],
		       rc);
		EQ(elements_of(&b, w->p, w->uid[v], w->wid[wi]), PWS_OK);
		WCHECK(w, a.n == b.n, "VI8: %s sees %zu elements, %s %zu", org, a.n, w->uid[v], b.n);
		for (i = 0; i < a.n; i++)
			WCHECK(w, strcmp(a.id[i], b.id[i]) == 0, "VI8: %s element %zu %s vs %s", org, i,
			       a.id[i], b.id[i]);
	}
}

static void fw_oracle(fw *w)
{
	int v, wi;

	for (v = 0; v < 2 && v < w->nt; v++)
		fc_team(w, v);
	for (wi = 0; wi < w->nw; wi++)
		fc_as_org(w, wi);

	for (v = 0; v < w->nu; v++) {
		fc_workspaces(w, v);
		for (wi = 0; wi < w->nw; wi++) {
			fc_members(w, v, wi);
			fc_elements(w, v, wi);
			fc_posts(w, v, wi);
		}
	}
}

static unsigned long env_count(const char *name, unsigned long dflt)
{
	const char *s = getenv(name);
	char *end = NULL;
	unsigned long v;

	if (!s || !*s)
		return dflt;
	v = strtoul(s, &end, 10);
	return end && *end == '\0' ? v : dflt;
}

/* Runs the random worlds, calling check at the middle and the end. */
static void fw_run(void (*check)(fw *))
{
	unsigned long n = env_count("PWS_FILTER_WORLDS", 300), i;
	uint64_t base = env_count("PWS_FILTER_SEED", 1);
	static fw world;

	for (i = 0; i < n; i++) {
		fw *w = &world;
		int steps, s;

		fw_setup(w, base + i);
		for (s = 0; fw_opening(w, s); s++)
			;
		steps = 40 + (int)rnd(w, 50);
		for (s = 0; s < steps; s++) {
			fw_step(w);
			if (s == steps / 2)
				check(w);
		}
		check(w);
		pws_policy_free(w->p);
		w->p = NULL;
	}
}

static void fw_seats_oracle(fw *w)
{
	fc_seats(w, 0);
	fc_seats(w, 1);
}

START_TEST(PL2_PL4_seats_random)
{
	fw_run(fw_seats_oracle);
}
END_TEST

START_TEST(filter_consistency_random)
{
	unsigned long n = env_count("PWS_FILTER_WORLDS", 300);

	fw_run(fw_oracle);
	if (getenv("PWS_FILTER_STATS"))
		fprintf(stderr, "filter: %lu worlds; member listings %lu (%lu rows, %lu by multi "
		        "partners, %lu legacy), denied %lu; rows: %lu elements, %lu replies, %lu "
		        "history, %lu workspaces\n", n, st_members, st_member_rows, st_multi_partner,
		        st_legacy, st_denied, st_el_rows, st_reply_rows, st_hist_rows, st_ws_rows);
}
END_TEST

Suite *pws_filter_suite(void);

Suite *pws_filter_suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc;

	tc = tcase_create("VI");
	tcase_add_test(tc, VI1_publisher_member_sees_every_member_grouped);
	tcase_add_test(tc, VI1_members_sorted_by_id_within_group);
	tcase_add_test(tc, VI1_members_sorted_by_id_with_long_shared_prefixes);
	tcase_add_test(tc, VI1_big_group_with_long_ids_sorted_with_its_own_columns);
	tcase_add_test(tc, VI1_non_member_gets_denied);
	tcase_add_test(tc, VI2_multi_partner_sees_team_and_own_org);
	tcase_add_test(tc, VI2_multi_replies_and_activity_hide_other_orgs);
	tcase_add_test(tc, VI2_VI5_reply_listing_and_predicate_agree);
	tcase_add_test(tc, VI3_single_mode_everyone_sees_everyone);
	tcase_add_test(tc, VI4_history_lists_only_own_entries);
	tcase_add_test(tc, VI5_updates_broadcast_to_every_member);
	tcase_add_test(tc, VI5_replies_listing);
	tcase_add_test(tc, VI6_unread_column_and_count_agree);
	tcase_add_test(tc, VI7_partners_marked_external);
	tcase_add_test(tc, VI7_replies_mark_partner_authors);
	tcase_add_test(tc, VI7_activity_marks_partner_authors);
	tcase_add_test(tc, VI7_updates_and_history_mark_authors);
	tcase_add_test(tc, VI7_seats_mark_partners);
	tcase_add_test(tc, iter_missing_column_is_an_error_every_listing);
	tcase_add_test(tc, WS4_VI1_suspended_membership_listed_to_publisher_side);
	tcase_add_test(tc, WS4_VI1_suspended_membership_can_be_removed);
	tcase_add_test(tc, WS4_member_status_bad_input);
	tcase_add_test(tc, VI8_as_org_equals_viewer_partner);
	tcase_add_test(tc, VI8_as_org_legacy_domain);
	tcase_add_test(tc, VI8_as_org_listings_agree_when_org_left);
	tcase_add_test(tc, VI9_partner_manager_lists_partner_reach);
	tcase_add_test(tc, VI9_other_teams_partner_manager_denied);
	suite_add_tcase(s, tc);

	tc = tcase_create("TT1_PL");
	tcase_add_test(tc, TT1_partnerships_rows);
	tcase_add_test(tc, TT1_partnerships_follow_team_membership);
	tcase_add_test(tc, PL2_PL4_seats_listing);
	tcase_add_test(tc, PL2_partner_joining_publisher_team_holds_no_seat);
	suite_add_tcase(s, tc);

	tc = tcase_create("WS");
	tcase_add_test(tc, WS1_members_and_partner_managers);
	tcase_add_test(tc, WS2_partners_reach_invited_and_public_only);
	tcase_add_test(tc, WS3_partner_workspaces_listed_external);
	suite_add_tcase(s, tc);

	tc = tcase_create("consistency");
	tcase_add_test(tc, filter_consistency_random);
	tcase_add_test(tc, PL2_PL4_seats_random);
	tcase_set_timeout(tc, 600); /* valgrind */
	suite_add_tcase(s, tc);
	return s;
}
