/*
 * pws_load_state: the bulk path of a host's first load (issue 15).
 * Success (decisions, reload from the store), refusals change nothing in
 * memory or in the store, storage failures change nothing, OOM sweep.
 * SPDX-License-Identifier: MIT
 */
#include "test-world.h"
#include "mem-store.h"
#include "../lib/core.h"
#include "../lib/image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the in-memory store (tests/mem-store.h) ------------------------------- */

static pws_policy *open_on_with(mem_store *s, const pws_allocator *a)
{
	pws_policy *p = NULL;

	ck_assert_int_eq(mem_store_open(s, a, &p), PWS_OK);
	return p;
}

static pws_policy *open_on(mem_store *s)
{
	return open_on_with(s, NULL);
}

static uint64_t digest(const pws_policy *p)
{
	uint64_t d = 0;

	ck_assert_int_eq(pws_policy_digest(p, &d), PWS_OK);
	return d;
}

/* --- the state loaded -------------------------------------------------------- */

static const char TEAMS[] =
	"{\"format\": 1, \"teams\": ["
	"{\"id\": \"pub\", \"name\": \"Pub\", \"plan\": \"enterprise\", \"domains\": [\"pub.com\"]},"
	"{\"id\": \"beta\", \"name\": \"Beta\", \"plan\": \"professional\", "
	"\"domains\": [\"beta.io\"]}]}";

static pws_load_user U[4];
static pws_load_workspace W[2];
static pws_load_membership M[5];
static pws_load L;

/* L names the arrays given (the JSON part and the counts with them). */
static void load_set(const char *json, size_t json_len, const pws_load_user *u, size_t nu,
                     const pws_load_workspace *w, size_t nw, const pws_load_membership *m,
                     size_t nm)
{
	memset(&L, 0, sizeof L);
	L.version = PWS_LOAD_VERSION;
	L.json = json;
	L.json_len = json_len;
	L.users = u;
	L.n_users = nu;
	L.workspaces = w;
	L.n_workspaces = nw;
	L.memberships = m;
	L.n_memberships = nm;
}

static void load_reset(void)
{
	static const pws_load_user u[4] = {
		{"pam", "pam@pub.com", "pub", PWS_TEAM_ADMIN, 1},
		{"ann", "ann@pub.com", "pub", PWS_TEAM_MEMBER, 0},
		{"bob", "bob@beta.io", "beta", PWS_TEAM_MEMBER, 0},
		{"cid", "cid@beta.io", "beta", PWS_TEAM_MEMBER, 0}};
	static const pws_load_workspace w[2] = {
		{"hub", "Hub", "pub", PWS_VIS_PARTNER, 0, 0},
		{"team", "Team", "pub", PWS_VIS_TEAM, 0, 0}};
	static const pws_load_membership m[5] = {
		{0, 0, NULL, PWS_ROLE_ADMIN, 0},
		{0, 1, NULL, PWS_ROLE_EDITOR, 0},
		{0, 2, "beta", PWS_ROLE_VIEWER, 0},
		{1, 0, NULL, PWS_ROLE_ADMIN, 0},
		{1, 1, NULL, PWS_ROLE_VIEWER, 0}};

	memcpy(U, u, sizeof U);
	memcpy(W, w, sizeof W);
	memcpy(M, m, sizeof M);
	load_set(TEAMS, sizeof TEAMS - 1, U, 4, W, 2, M, 5);
}

static void assert_loaded(pws_policy *p)
{
	int a = 0;

	ck_assert_int_eq(tw_can(p, "ann", PWS_ACT_EDIT, "hub", NULL, NULL), 1);
	ck_assert_int_eq(tw_can(p, "bob", PWS_ACT_VIEW, "hub", NULL, NULL), 1);
	ck_assert_int_eq(pws_check(p, &a, NULL, "bob", PWS_ACT_EDIT, "hub", NULL), PWS_OK);
	ck_assert_int_eq(a, 0);
	ck_assert_int_eq(pws_check(p, &a, NULL, "bob", PWS_ACT_VIEW, "team", NULL), PWS_OK);
	ck_assert_int_eq(a, 0);
	ck_assert_int_eq(pws_check(p, &a, NULL, "cid", PWS_ACT_VIEW, "hub", NULL), PWS_OK);
	ck_assert_int_eq(a, 0);
}

/* A handle with some state of its own, built by calls. */
static void small_state(pws_policy *p)
{
	OK(pws_team_add(p, "old", "Old", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "old", "old.com", RES));
	OK(pws_user_add(p, "olga", "olga@old.com", "old", PWS_TEAM_ADMIN, 1, RES));
	OK(pws_workspace_create(p, "olga", "ows", "Ows", PWS_VIS_PARTNER, NULL, RES));
}

START_TEST(load_state_builds_and_reloads)
{
	mem_store s;
	pws_policy *p, *q, *r;

	memset(&s, 0, sizeof s);
	load_reset();
	p = open_on(&s);
	small_state(p);
	OK(pws_load_state(p, &L, RES));
	assert_loaded(p);
	/* the old state is replaced */
	{
		int a = 1;

		ck_assert_int_ne(pws_check(p, &a, NULL, "olga", PWS_ACT_VIEW, "ows", NULL), PWS_OK);
		ck_assert_int_eq(a, 0);
	}
	/* one record written for the whole load, and it reloads the same */
	q = open_on(&s);
	ck_assert(digest(q) == digest(p));
	assert_loaded(q);
	/* the same state imported as a snapshot gives the same digest */
	{
		char *json = NULL;
		size_t len = 0;

		ck_assert_int_eq(pws_snapshot_export(p, &json, &len), PWS_OK);
		ck_assert_int_eq(pws_policy_new(&r, NULL), PWS_OK);
		OK(pws_snapshot_import(r, json, len, RES));
		ck_assert(digest(r) == digest(p));
		pws_snapshot_free(p, json);
		pws_policy_free(r);
	}
	/* a loaded user's id and address live in the model's string block:
	 * removing the user (and failing to add one) frees nothing of it, and
	 * a new user with the old id and address is allocated as usual */
	OK(pws_user_remove(p, "ann", RES));
	ck_assert_int_eq(pws_user_add(p, "pam", "x@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES),
	                 PWS_EEXISTS);
	OK(pws_user_add(p, "ann", "ann@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	/* calls go on after a load */
	OK(pws_invite(p, "pam", "hub", "cid@beta.io", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "cid", "hub", NULL, RES));
	ck_assert_int_eq(tw_can(p, "cid", PWS_ACT_VIEW, "hub", NULL, NULL), 1);
	pws_policy_free(q);
	pws_policy_free(p);
	/* no JSON part and no rows: an empty state */
	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	load_set(NULL, 0, NULL, 0, NULL, 0, NULL, 0);
	OK(pws_load_state(p, &L, RES));
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

/* A bad load of L: PWS_EINVALID, a message (holding want, when not
 * NULL), memory and store unchanged; L is left as it is. */
static void refused_as(pws_policy *p, mem_store *s, const char *what, const char *want)
{
	uint64_t d = digest(p);
	size_t n = s->n;
	int rc = pws_load_state(p, &L, RES);

	ck_assert_msg(rc == PWS_EINVALID, "%s: %d (%s)", what, rc, tw_res.message);
	ck_assert_msg(tw_res.message[0], "%s: no message", what);
	ck_assert_msg(!want || strstr(tw_res.message, want), "%s: %s", what, tw_res.message);
	ck_assert(digest(p) == d);
	ck_assert_uint_eq(s->n, n);
}

/* Each bad load: refused as above, then L is the standard one again. */
static void refused(pws_policy *p, mem_store *s, const char *what)
{
	refused_as(p, s, what, NULL);
	load_reset();
}

START_TEST(load_state_bad_input_changes_nothing)
{
	mem_store s;
	pws_policy *p;

	memset(&s, 0, sizeof s);
	load_reset();
	p = open_on(&s);
	small_state(p);
	ck_assert_int_eq(pws_load_state(NULL, &L, RES), PWS_EINVALID);
	ck_assert_int_eq(pws_load_state(p, NULL, RES), PWS_EINVALID);
	L.version = 99;
	refused(p, &s, "version");
	U[1].id = NULL;
	refused(p, &s, "NULL id");
	U[2].id = "ann";
	refused(p, &s, "duplicate user (S1)");
	ck_assert_ptr_nonnull(strstr(tw_res.message, "users[2]"));
	U[0].team_id = "nope";
	refused(p, &s, "unknown team (S2)");
	M[3].workspace = 7;
	refused(p, &s, "workspace position");
	ck_assert_ptr_nonnull(strstr(tw_res.message, "memberships[3]"));
	M[1].user = 4;
	refused(p, &s, "user position");
	M[2].role = 9;
	refused(p, &s, "role");
	ck_assert_ptr_nonnull(strstr(tw_res.message, "memberships[2]"));
	M[2].org = "gamma";
	refused(p, &s, "unknown organization");
	M[4] = M[3];
	refused(p, &s, "duplicate membership");
	W[0].visibility = 42;
	refused(p, &s, "visibility");
	W[1].id = "hub";
	refused(p, &s, "duplicate workspace");
	U[3].email = "not an address";
	refused(p, &s, "email");
	L.json = "{\"format\": 1, \"teams\": [";
	L.json_len = strlen(L.json);
	refused(p, &s, "JSON syntax");
	L.json = NULL;
	refused(p, &s, "no teams");
	L.users = NULL;
	refused(p, &s, "NULL array");
	M[0].role = -1;
	refused(p, &s, "negative role");
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

/* After an address of a domain is checked, the next ones of that domain
 * are checked by their local part only: every rule still applies to them
 * (and a different spelling of the domain is checked in full). */
START_TEST(load_state_addresses_in_a_run_of_one_domain)
{
	static const char *const bad_addr[] = {
		"Ann@pub.com", "a..nn@pub.com", ".ann@pub.com", "ann.@pub.com", "\"ann\"@pub.com",
		"a nn@pub.com", "a\tnn@pub.com", "a\001nn@pub.com", "a\177nn@pub.com",
		"a\303\251@pub.com", "a(n)@pub.com", "a,n@pub.com", "a[n]@pub.com", "a@n@pub.com",
		"@pub.com", "ann@PUB.com", "ann@pub.com.", "ann@pub..com",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx@pub.com"};
	mem_store s;
	pws_policy *p;
	size_t i;

	memset(&s, 0, sizeof s);
	load_reset();
	p = open_on(&s);
	small_state(p);
	for (i = 0; i < sizeof bad_addr / sizeof bad_addr[0]; i++) {
		U[1].email = bad_addr[i];
		refused(p, &s, bad_addr[i]);
		ck_assert_msg(strstr(tw_res.message, "users[1].email"), "%s: %s", bad_addr[i],
		              tw_res.message);
	}
	/* a 64-byte local part, a +tag, specials allowed unquoted: loaded */
	U[1].email = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx@pub.com";
	OK(pws_load_state(p, &L, RES));
	load_reset();
	U[1].email = "a.n+n!#$%&'*/=?^_`{|}~-@pub.com";
	OK(pws_load_state(p, &L, RES));
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

/* A thousand users: the record paths count up past 9, 99 and 999, runs
 * of one team and one domain, and the users' ids checked 8 bytes a step
 * or by pws__valid_id. */
#define MANY 1000

static pws_load_user MU[MANY];
static char mu_id[MANY][16], mu_email[MANY][32];

static void many_reset(void)
{
	static const char teams[] =
		"{\"format\": 1, \"teams\": [{\"id\": \"pub\", \"name\": \"Pub\", \"plan\": "
		"\"enterprise\", \"seats\": 100000, \"domains\": [\"pub.com\"]}]}";
	int i;

	for (i = 0; i < MANY; i++) {
		snprintf(mu_id[i], sizeof mu_id[i], "u%d", i);
		snprintf(mu_email[i], sizeof mu_email[i], "u%d@pub.com", i);
		MU[i] = (pws_load_user){mu_id[i], mu_email[i], i % 3 ? "pub" : NULL,
		                        i % 3 ? PWS_TEAM_MEMBER : 0, 0};
	}
	load_set(teams, sizeof teams - 1, MU, MANY, NULL, 0, NULL, 0);
}

static void many_refused(pws_policy *p, mem_store *s, const char *what, const char *path)
{
	refused_as(p, s, what, NULL);
	ck_assert_msg(strncmp(tw_res.message, path, strlen(path)) == 0, "%s: %s", what,
	              tw_res.message);
	many_reset();
}

START_TEST(load_state_many_users)
{
	static char long_id[300], long_addr[300];
	mem_store s;
	pws_policy *p;

	memset(&s, 0, sizeof s);
	p = open_on(&s);
	small_state(p);
	many_reset();
	MU[500].id = "jos\xc3\xa9";             /* UTF-8: checked by pws__valid_id */
	MU[501].email = "u501@example.org";       /* no team: another domain */
	MU[501].team_id = NULL;
	MU[501].team_role = 0;
	MU[502].email = "a.b+c@pub.com";
	MU[503].id = "abcdefgh\xc3\xa9";        /* 8 printable bytes, then UTF-8 */
	OK(pws_load_state(p, &L, RES));
	many_reset();
	MU[100].id = "u7";
	many_refused(p, &s, "duplicate at 100", "users[100].id");
	MU[999].email = "U999@pub.com";
	many_refused(p, &s, "capital at 999", "users[999].email");
	MU[9].id = "";
	many_refused(p, &s, "empty id", "users[9].id");
	memset(long_id, 'i', 256);
	MU[99].id = long_id;
	many_refused(p, &s, "256-byte id", "users[99].id");
	MU[10].id = "a\001b";
	many_refused(p, &s, "control byte in id", "users[10].id");
	MU[11].id = "a\377b";
	many_refused(p, &s, "bad UTF-8 in id", "users[11].id");
	MU[13].id = "abcdefg\001h";
	many_refused(p, &s, "control byte in an id's first 8 bytes", "users[13].id");
	MU[14].id = "abcdefgh\177";
	many_refused(p, &s, "DEL after an id's first 8 bytes", "users[14].id");
	memset(long_addr, 'x', 250);
	memcpy(long_addr + 250, "@pub.com", 9);
	MU[12].email = long_addr;
	many_refused(p, &s, "255-byte address", "users[12].email");
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

/* A bulk load's ids are checked as every id is (pws__valid_id: no control
 * byte, no DEL, UTF-8), and lib/snapshot.c checks one of printable bytes
 * a word at a time (printable_ascii: eight bytes a step, the last bytes
 * in a word that may overlap the step before, two 4-byte words under 8
 * bytes, single bytes under 4): at each length from 1 to 20 and each
 * position, a bad byte there refuses the load (naming the user's id) and
 * changes nothing, and the printable bytes at the ends of the range
 * (0x20, 0x7e) there are taken. The replay of what was written reads the
 * image's ids with the same check: every taken id comes back. */
START_TEST(load_state_id_bytes_checked_at_every_length_and_position)
{
	static const unsigned char bad[] = {0x01, 0x1f, 0x7f, 0x80, 0xff};
	enum { LMAX = 20, NTAKEN = LMAX * (LMAX + 1) / 2 };
	static char taken_id[NTAKEN][LMAX + 1], taken_email[NTAKEN][32];
	static pws_load_user taken[NTAKEN + 1];
	pws_load_user u[2] = {{"pam", "pam@pub.com", "pub", PWS_TEAM_ADMIN, 1},
	                      {NULL, "x@pub.com", "pub", PWS_TEAM_MEMBER, 0}};
	char id[LMAX + 1], what[64];
	size_t len, pos, b, k = 0;
	mem_store s;
	pws_policy *p, *q;

	memset(&s, 0, sizeof s);
	p = open_on(&s);
	small_state(p);
	for (len = 1; len <= LMAX; len++)
		for (pos = 0; pos < len; pos++) {
			memset(id, 'a', len);
			id[len] = '\0';
			u[1].id = id;
			load_set(TEAMS, sizeof TEAMS - 1, u, 2, NULL, 0, NULL, 0);
			for (b = 0; b < sizeof bad; b++) {
				id[pos] = (char)bad[b];
				snprintf(what, sizeof what, "byte %#x at %zu of %zu", bad[b], pos, len);
				refused_as(p, &s, what, "users[1].id");
			}
			/* the printable range's ends, here and at the next byte */
			id[pos] = ' ';
			id[(pos + 1) % len] = '~';
			memcpy(taken_id[k], id, len + 1);
			snprintf(taken_email[k], sizeof taken_email[k], "t%zu@pub.com", k);
			taken[k + 1] = (pws_load_user){taken_id[k], taken_email[k], "pub",
			                               PWS_TEAM_MEMBER, 0};
			k++;
		}
	ck_assert_uint_eq(k, NTAKEN);
	taken[0] = u[0];
	load_set(TEAMS, sizeof TEAMS - 1, taken, NTAKEN + 1, NULL, 0, NULL, 0);
	OK(pws_load_state(p, &L, RES));
	for (k = 0; k < NTAKEN; k++) {
		pws_ref r;

		ck_assert_msg(pws_ref_user(p, &r, taken_id[k]) == PWS_OK, "id %zu not taken", k);
	}
	q = open_on(&s);
	ck_assert(digest(q) == digest(p));
	pws_policy_free(q);
	pws_policy_free(p);
	mem_store_clear(&s);
	load_reset();
}
END_TEST

/* Users come in runs of one team, and the loader reads a team id equal
 * to the last one's bytes as that team without looking it up again
 * (lib/snapshot.c, bin_users): each user still gets the team the arrays
 * name, which the memberships with no organization prove (WS4: a team
 * membership needs its user on the owning team; else the load is
 * refused). The teams' ids are prefixes of each other ("pu", "pub",
 * "pubx") or of one length ("pub", "bub"), so a comparison of a prefix,
 * or a team kept past its run, puts a user on the wrong team. */
#define NU 12 /* users */
#define NW 4  /* teams, a workspace each */
/* IN1 (a legacy partner's organization is their address's domain): each
 * user loaded holds the domain of their own address, in runs of one
 * domain and out of them, and one domain is one atom. */
START_TEST(load_state_IN1_domains_of_users_in_runs)
{
	static const char *const doms[] = {"a.com", "a.com", "b.com", "a.com", "sub.a.com",
	                                   "sub.a.com", "b.com", "ab.com", "a.com", "b.com"};
	enum { N = sizeof doms / sizeof doms[0] };
	pws_load_user u[N];
	char ids[N][8], emails[N][24];
	pws_policy *p;
	uint32_t i, j;

	for (i = 0; i < N; i++) {
		snprintf(ids[i], sizeof ids[i], "d%u", i);
		snprintf(emails[i], sizeof emails[i], "d%u@%s", i, doms[i]);
		u[i] = (pws_load_user){ids[i], emails[i], NULL, 0, 0};
	}
	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	load_set(NULL, 0, u, N, NULL, 0, NULL, 0);
	OK(pws_load_state(p, &L, RES));
	for (i = 0; i < N; i++) {
		const pws__user *a = USER(&p->m, pws__user_find(&p->m, ids[i]));

		ck_assert_str_eq(pws__atom(&p->m, a->domain), doms[i]);
		for (j = 0; j < i; j++)
			ck_assert_int_eq(USER(&p->m, pws__user_find(&p->m, ids[j]))->domain == a->domain,
			                 strcmp(doms[j], doms[i]) == 0);
	}
	pws_policy_free(p);
}
END_TEST

/* S1-S17 through a bulk load: the arrays read in place (pws_load_state)
 * and the arrays' image imported (what the replay reads back from the
 * record) give the same answer, message and state for a valid load and
 * for each way of breaking one: a user, a workspace or a membership
 * field at a time. */
enum { DU = 8, DW = 4, DM = 9 };
static pws_load_user du[DU];
static pws_load_workspace dw[DW];
static pws_load_membership dm[DM];

static void diff_reset(void)
{
	static const pws_load_user u[DU] = {
		{"pam", "pam@pub.com", "pub", PWS_TEAM_ADMIN, 1},
		{"ann", "ann@pub.com", "pub", PWS_TEAM_MEMBER, 0},
		{"al", "al@pub.com", "pub", PWS_TEAM_MEMBER, 0},
		{"bob", "bob@beta.io", "beta", PWS_TEAM_MEMBER, 0},
		{"cid", "cid@beta.io", "beta", PWS_TEAM_ADMIN, 0},
		{"lone", "lone@else.org", NULL, 0, 0},
		{"lee", "lee@else.org", NULL, 0, 0},
		{"dee", "dee@beta.io", "beta", PWS_TEAM_MEMBER, 1}};
	static const pws_load_workspace w[DW] = {
		{"hub", "Hub", "pub", PWS_VIS_PARTNER, 0, 0},
		{"team", "Team", "pub", PWS_VIS_TEAM, 0, 0},
		{"leg", "Legacy", "pub", PWS_VIS_PARTNER, PWS_MODE_MULTI, PWS_MODEL_LEGACY},
		{"bw", "Beta's", "beta", PWS_VIS_PRIVATE, 0, 0}};
	static const pws_load_membership m[DM] = {
		{0, 0, NULL, PWS_ROLE_ADMIN, 0},   {0, 1, NULL, PWS_ROLE_EDITOR, 0},
		{0, 3, "beta", PWS_ROLE_VIEWER, 1}, {0, 4, "beta", PWS_ROLE_EDITOR, 0},
		{1, 2, NULL, PWS_ROLE_VIEWER, 0},  {2, 0, NULL, PWS_ROLE_ADMIN, 0},
		{2, 5, "else.org", PWS_ROLE_VIEWER, 0}, {2, 6, "else.org", PWS_ROLE_VIEWER, 1},
		{3, 3, NULL, PWS_ROLE_ADMIN, 0}};

	memcpy(du, u, sizeof du);
	memcpy(dw, w, sizeof dw);
	memcpy(dm, m, sizeof dm);
	load_set(TEAMS, sizeof TEAMS - 1, du, DU, dw, DW, dm, DM);
}

/* Loads L both ways into fresh handles; returns pws_load_state's code. */
static int load_both_ways(const char *what)
{
	pws_policy *a, *b;
	pws_result ra, rb;
	int ca, cb;

	pws_result_init(&ra, PWS_RESULT_VERSION);
	pws_result_init(&rb, PWS_RESULT_VERSION);
	ck_assert_int_eq(pws_policy_new(&a, NULL), PWS_OK);
	ck_assert_int_eq(pws_policy_new(&b, NULL), PWS_OK);
	ca = pws_load_state(a, &L, &ra);
	cb = pws__load_state_via_image(b, &L, &rb);
	ck_assert_msg(ca == cb, "%s: %d (%s) against the image's %d (%s)", what, ca, ra.message, cb,
	              rb.message);
	ck_assert_msg(strcmp(ra.message, rb.message) == 0, "%s: '%s' against the image's '%s'",
	              what, ra.message, rb.message);
	ck_assert_int_eq(ra.rule, rb.rule);
	ck_assert(digest(a) == digest(b));
	pws_policy_free(a);
	pws_policy_free(b);
	return ca;
}

START_TEST(load_state_S1_S17_arrays_read_in_place_as_their_image)
{
	static char long_id[300], long_text[(1 << 20) + 2];
	size_t refused = 0, i;

	memset(long_id, 'x', sizeof long_id - 1);
	memset(long_text, 't', sizeof long_text - 1);
	diff_reset();
	ck_assert_int_eq(load_both_ways("valid"), PWS_OK);
	/* the users: each field broken, then a field of the last user of a run */
	{
		static const char *const ids[] = {"", "a b", "x\x01y", long_id, "ann", "caf\xc3\xa9"};
		static const char *const emails[] = {"nope", "Ann2@pub.com", "pam@pub.com",
		                                     "x@PUB.com", "a..b@pub.com", "z@else.org"};
		const char *const teams[] = {"", "zzz", "b\x01c", "beta", long_id, NULL};

		for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
			diff_reset();
			du[2].id = ids[i];
			refused += load_both_ways(ids[i]) != PWS_OK;
		}
		for (i = 0; i < sizeof emails / sizeof emails[0]; i++) {
			diff_reset();
			du[1].email = emails[i];
			refused += load_both_ways(emails[i]) != PWS_OK;
		}
		for (i = 0; i < sizeof teams / sizeof teams[0]; i++) {
			diff_reset();
			du[1].team_id = teams[i];
			refused += load_both_ways(teams[i] ? teams[i] : "(no team)") != PWS_OK;
			diff_reset();
			du[7].team_id = teams[i]; /* after a run of its team */
			refused += load_both_ways(teams[i] ? teams[i] : "(no team, last)") != PWS_OK;
		}
		for (i = 0; i < 6; i++) {
			diff_reset();
			du[i % 2 ? 5 : 1].team_role = (int)i; /* none, in range, out of range */
			refused += load_both_ways("team_role") != PWS_OK;
			diff_reset();
			du[i % 2 ? 6 : 2].partner_manager = (int)i % 3;
			refused += load_both_ways("partner_manager") != PWS_OK;
		}
	}
	/* the workspaces */
	{
		static const char *const ids[] = {"", "h\x02b", "team", long_id};
		const char *const teams[] = {"", "zzz", "b\x01c", "beta", long_id};

		for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
			diff_reset();
			dw[1].id = ids[i];
			refused += load_both_ways(ids[i]) != PWS_OK;
		}
		for (i = 0; i < sizeof teams / sizeof teams[0]; i++) {
			diff_reset();
			dw[3].team_id = teams[i];
			refused += load_both_ways(teams[i]) != PWS_OK;
		}
		diff_reset();
		dw[1].name = long_text;
		refused += load_both_ways("long name") != PWS_OK;
		for (i = 0; i < 8; i++) {
			diff_reset();
			dw[i % 2 ? 1 : 0].visibility = (int)i;
			refused += load_both_ways("visibility") != PWS_OK;
			diff_reset();
			dw[i % 2 ? 1 : 2].mode = (int)i % 4;
			refused += load_both_ways("mode") != PWS_OK;
			diff_reset();
			dw[i % 2 ? 3 : 0].model = (int)i % 4;
			refused += load_both_ways("model") != PWS_OK;
		}
	}
	/* the memberships */
	{
		static const char *const orgs[] = {"", "zzz", "pub", "beta", "else.org", "bad domain",
		                                   "x.org"};

		for (i = 0; i < sizeof orgs / sizeof orgs[0]; i++) {
			diff_reset();
			dm[2].org = orgs[i];
			refused += load_both_ways(orgs[i]) != PWS_OK;
			diff_reset();
			dm[6].org = orgs[i];
			refused += load_both_ways(orgs[i]) != PWS_OK;
			diff_reset();
			dm[1].org = orgs[i]; /* a team membership made a partner one */
			refused += load_both_ways(orgs[i]) != PWS_OK;
		}
		for (i = 0; i < 6; i++) {
			diff_reset();
			dm[i % 3 == 0 ? 1 : i % 3 == 1 ? 3 : 7].role = (int)i;
			refused += load_both_ways("role") != PWS_OK;
			diff_reset();
			dm[i % 3 == 0 ? 1 : i % 3 == 1 ? 3 : 6].lead = (int)i % 3;
			refused += load_both_ways("lead") != PWS_OK;
		}
		diff_reset();
		dm[4].user = 3; /* bob on pub's team workspace */
		refused += load_both_ways("S9") != PWS_OK;
		diff_reset();
		dm[8].workspace = 0; /* bob twice in hub */
		refused += load_both_ways("duplicate") != PWS_OK;
		diff_reset();
		dm[3].workspace = 1; /* a partner membership in a team workspace */
		refused += load_both_ways("partner in team") != PWS_OK;
	}
	/* the cases reached both answers, and refused most */
	ck_assert_uint_gt(refused, 60);
}
END_TEST

START_TEST(load_state_WS4_teams_of_users_in_runs)
{
	static const char teams[] =
		"{\"format\": 1, \"teams\": ["
		"{\"id\": \"pub\", \"name\": \"Pub\", \"plan\": \"enterprise\", \"domains\": [\"pub.com\"]},"
		"{\"id\": \"pubx\", \"name\": \"Pubx\", \"plan\": \"enterprise\", "
		"\"domains\": [\"pubx.com\"]},"
		"{\"id\": \"pu\", \"name\": \"Pu\", \"plan\": \"enterprise\", \"domains\": [\"pu.com\"]},"
		"{\"id\": \"bub\", \"name\": \"Bub\", \"plan\": \"enterprise\", \"domains\": [\"bub.com\"]}]}";
	/* the team of each user, in runs, one with no team between */
	static const char *const team_of[NU] = {"pub", "pub", "pubx", "pubx", "pub", NULL,
	                                        "pub", "pu",  "pu",   "pubx", "bub", "pub"};
	static const char *const ws_team[NW] = {"pub", "pubx", "pu", "bub"};
	static const int wrong[][2] = {{3, 0}, {4, 1}, {8, 0}, {6, 2}, {9, 2}, {2, 0}, {10, 0}, {11, 3}};
	pws_load_user u[NU];
	pws_load_workspace w[NW];
	pws_load_membership m[NU];
	char ids[NU][8], emails[NU][24];
	mem_store s;
	pws_policy *p;
	uint32_t i, j, n;
	int a;

	memset(&s, 0, sizeof s);
	p = open_on(&s);
	small_state(p);
	for (j = 0; j < NW; j++)
		w[j] = (pws_load_workspace){ws_team[j], ws_team[j], ws_team[j], PWS_VIS_TEAM, 0, 0};
	for (i = 0, n = 0; i < NU; i++) {
		snprintf(ids[i], sizeof ids[i], "v%u", i);
		snprintf(emails[i], sizeof emails[i], "v%u@%s.com", i, team_of[i] ? team_of[i] : "else");
		u[i] = (pws_load_user){ids[i], emails[i], team_of[i],
		                       team_of[i] ? PWS_TEAM_ADMIN : 0, 0};
		/* a team membership in the workspace of the user's own team */
		for (j = 0; team_of[i] && j < NW; j++)
			if (strcmp(ws_team[j], team_of[i]) == 0)
				m[n++] = (pws_load_membership){j, i, NULL, PWS_ROLE_ADMIN, 0};
	}
	ck_assert_uint_eq(n, NU - 1);
	load_set(teams, sizeof teams - 1, u, NU, w, NW, m, n);
	OK(pws_load_state(p, &L, RES));
	/* and each of them is a member of their own team's workspace only */
	for (i = 0; i < NU; i++)
		for (j = 0; j < NW; j++) {
			int own = team_of[i] && strcmp(ws_team[j], team_of[i]) == 0;

			ck_assert_int_eq(pws_check(p, &a, NULL, ids[i], PWS_ACT_EDIT, ws_team[j], NULL),
			                 PWS_OK);
			ck_assert_msg(a == own, "%s in %s: %d", ids[i], ws_team[j], a);
		}
	/* a team membership in another team's workspace: refused (WS4),
	 * whichever user of a run it names */
	for (i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
		pws_load_membership keep;
		uint32_t k;

		for (k = 0; k < n && m[k].user != (uint32_t)wrong[i][0]; k++)
			;
		ck_assert_uint_lt(k, n);
		keep = m[k];
		m[k].workspace = (uint32_t)wrong[i][1];
		refused_as(p, &s, ids[wrong[i][0]], "not on the owning team");
		m[k] = keep;
	}
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST
#undef NU
#undef NW

/* The users' table inserts trail their reading by a few users (lib/
 * snapshot.c, upipe): the error named is still the first one, in the
 * order of the users and, for one user, of the rules (S1, S3, then S4;
 * a malformed field before them). Also the strings of users not yet
 * inserted when a load stops are freed (some taken out of the model's
 * string block, some allocated when the block is full). */
START_TEST(load_state_first_error_of_the_users)
{
	mem_store s;
	pws_policy *p;

	memset(&s, 0, sizeof s);
	p = open_on(&s);
	small_state(p);
	many_reset();
	MU[100].id = "u7";
	MU[103].id = "a\001b";
	many_refused(p, &s, "S1 before a later malformed id", "users[100].id: breaks S1");
	MU[200].email = "u8@pub.com";
	MU[201].team_role = PWS_TEAM_MEMBER; /* no team */
	many_refused(p, &s, "S3 before a later S4", "users[200].email: breaks S3");
	MU[300].team_role = PWS_TEAM_MEMBER; /* no team */
	MU[300].id = "u299";
	many_refused(p, &s, "S1 before S4 of one user", "users[300].id: breaks S1");
	MU[300].team_role = PWS_TEAM_MEMBER;
	MU[300].email = "u299@pub.com";
	many_refused(p, &s, "S3 before S4 of one user", "users[300].email: breaks S3");
	MU[301].id = "u299";
	MU[301].email = "u299@pub.com";
	many_refused(p, &s, "S1 before S3 of one user", "users[301].id: breaks S1");
	MU[10].id = "u1";
	MU[20].id = "u1";
	MU[12].id = "u1";
	many_refused(p, &s, "the second of three", "users[10].id: breaks S1");
	MU[399].team_role = PWS_TEAM_MEMBER; /* no team */
	MU[402].id = "u1";
	many_refused(p, &s, "S4 before a later S1", "users[399].team_role: breaks S4");
	MU[399].partner_manager = 1; /* no team */
	many_refused(p, &s, "S4: a Partner Manager of no team",
	             "users[399].partner_manager: breaks S4");
	MU[401].team_role = 0; /* a team, no role */
	many_refused(p, &s, "S4: a team member with no role", "users[401].team_role: breaks S4");
	MU[MANY - 1].id = "u5";
	many_refused(p, &s, "S1 at the last user", "users[999].id: breaks S1");
	/* a new domain takes room in the string block: the last address is
	 * allocated on its own, and freed when its user is not inserted */
	MU[996].email = "x996@other.org";
	MU[MANY - 1].id = "u5";
	many_refused(p, &s, "S1 at the last user, block full", "users[999].id: breaks S1");
	MU[996].email = "x996@other.org";
	MU[MANY - 1].email = "u4@pub.com";
	many_refused(p, &s, "S3 at the last user, block full", "users[999].email: breaks S3");
	MU[996].email = "x996@other.org";
	OK(pws_load_state(p, &L, RES));
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

START_TEST(load_state_storage_failure_changes_nothing)
{
	mem_store s;
	pws_policy *p, *q;
	size_t k;

	memset(&s, 0, sizeof s);
	load_reset();
	p = open_on(&s);
	small_state(p);
	for (k = 1; k <= 3; k++) { /* begin, put, commit */
		uint64_t d = digest(p);
		size_t n = s.n;

		s.calls = 0;
		s.fail_at = k;
		FAILS(pws_load_state(p, &L, RES), PWS_ESTORAGE);
		s.fail_at = 0;
		ck_assert(digest(p) == d);
		ck_assert_uint_eq(s.n, n);
		q = open_on(&s);
		ck_assert(digest(q) == d);
		pws_policy_free(q);
	}
	OK(pws_load_state(p, &L, RES));
	assert_loaded(p);
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

/* Every allocation of a load failing in turn, once or for good: each
 * failure is PWS_ENOMEM and changes nothing (digest, live blocks, and on
 * a store its records). On a store the image is encoded into its record
 * (pws__rec_reserve, pws__rec_bytes_room), so its allocations differ.
 * many: the thousand users (many_reset), whose tables and string block
 * grow while the users' inserts trail their reading (lib/snapshot.c,
 * upipe): a failure at any point frees the strings of users read but not
 * yet inserted; some of them on domains of
 * their own: more atoms than the image reserved (one domain in eight
 * users). */
static void oom_sweep(int persistent, int stored, int many)
{
	pws_policy *p;
	size_t k, blocks, nrec = 0;
	uint64_t d;
	int rc = PWS_ENOMEM;
	mem_store st;

	memset(&st, 0, sizeof st);
	tc_alloc_reset();
	load_reset();
	if (stored)
		p = open_on_with(&st, tc_allocator());
	else
		ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
	small_state(p);
	if (many) {
		many_reset();
		/* many 1: a third of them (the users with no team) on domains of
		 * their own, more atoms than the image reserved (one domain in
		 * eight users); many 2: every one of them, so that the model's
		 * string arena also fills while a domain is interned */
		for (k = 0; k < MANY; k += many == 1 ? 3 : 1)
			snprintf(mu_email[k], sizeof mu_email[k], "u%zu@d%zu.org", k, k);
	}
	nrec = st.n;
	d = digest(p);
	blocks = tc_alloc_stats_get().live_blocks;
	for (k = 1; rc != PWS_OK; k++) {
		tc_alloc_fail_at(k, persistent);
		rc = pws_load_state(p, &L, RES);
		tc_alloc_fail_at(0, 0);
		if (rc == PWS_OK)
			break;
		ck_assert_msg(rc == PWS_ENOMEM, "allocation %zu: %d (%s)", k, rc, tw_res.message);
		ck_assert(digest(p) == d);
		ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, blocks);
		ck_assert_uint_eq(st.n, nrec);
	}
	ck_assert_uint_gt(k, 10);
	if (!many)
		assert_loaded(p);
	pws_policy_free(p);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
	mem_store_clear(&st);
}

START_TEST(load_state_oom_once)
{
	oom_sweep(0, 0, 0);
}
END_TEST

/* The same over the thousand users. */
START_TEST(load_state_oom_many_users)
{
	oom_sweep(0, 0, 1);
	oom_sweep(0, 0, 2);
}
END_TEST

START_TEST(load_state_oom_persistent)
{
	oom_sweep(1, 0, 0);
}
END_TEST

START_TEST(load_state_oom_written_through)
{
	oom_sweep(0, 1, 0);
	oom_sweep(1, 1, 0);
}
END_TEST

Suite *pws_load_suite(void)
{
	Suite *s = suite_create("load");
	TCase *tc = tcase_create("load");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, load_state_builds_and_reloads);
	tcase_add_test(tc, load_state_bad_input_changes_nothing);
	tcase_add_test(tc, load_state_addresses_in_a_run_of_one_domain);
	tcase_add_test(tc, load_state_many_users);
	tcase_add_test(tc, load_state_id_bytes_checked_at_every_length_and_position);
	tcase_add_test(tc, load_state_first_error_of_the_users);
	tcase_add_test(tc, load_state_WS4_teams_of_users_in_runs);
	tcase_add_test(tc, load_state_IN1_domains_of_users_in_runs);
	tcase_add_test(tc, load_state_S1_S17_arrays_read_in_place_as_their_image);
	tcase_add_test(tc, load_state_storage_failure_changes_nothing);
	tcase_add_test(tc, load_state_oom_once);
	tcase_add_test(tc, load_state_oom_many_users);
	tcase_add_test(tc, load_state_oom_persistent);
	tcase_add_test(tc, load_state_oom_written_through);
	suite_add_tcase(s, tc);
	return s;
}
