/*
 * The frame of every call (lib/core.c), bulk loading (lib/load.c), sync,
 * notices and the handle: the paths the module suites leave -- allocation
 * failures while building notices, storage answers a writer must survive
 * (conflicts in a row, failed checks, no rollback), malformed bulk loads.
 * Every failure is asserted to change nothing (digest, store), to send no
 * event and to leak nothing.
 * SPDX-License-Identifier: MIT
 */
#include "test-world.h"
#include "../lib/core.h"
#include "mem-store.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* --- a scripted in-memory store (tests/mem-store.h, version 2) ------------ */

/* Every put is the only record of its change set (one record per call);
 * when hook_ctx is a handle, the put calls back into it (sync, revision). */
static int reenter_sync, reenter_rev;

static void one_put(mem_store *s)
{
	pws_policy *p = s->hook_ctx;

	ck_assert_uint_eq(s->sn, 0);
	if (p) {
		uint64_t rev = 7;

		reenter_sync = pws_policy_sync(p, &rev);
		ck_assert(rev == 0); /* its revision cannot be read from inside */
		reenter_rev = pws_policy_revision(p, &rev);
	}
}

/* Events delivered to the listener. */
static unsigned ev_count;
static size_t ev_rcpt, ev_maxws;
static const char *ev_watch; /* a recipient to look for */
static int ev_watch_kind, ev_watch_seen;

static void on_ev(const pws_event *e, void *payload)
{
	(void)payload;
	ev_count++;
	ev_rcpt += pws_event_recipient_count(e);
	if (pws_event_workspace_count(e) > ev_maxws)
		ev_maxws = pws_event_workspace_count(e);
	if (ev_watch && (!ev_watch_kind || pws_event_kind_of(e) == ev_watch_kind)) {
		size_t i;

		for (i = 0; i < pws_event_recipient_count(e); i++)
			if (strcmp(pws_event_recipient(e, i), ev_watch) == 0)
				ev_watch_seen++;
	}
	if (getenv("DBG")) printf("ev kind %d rcpt %zu\n", pws_event_kind_of(e), pws_event_recipient_count(e));
}

typedef struct copts {
	int v1;          /* a version-1 table: put, no append */
	int no_rollback; /* no rollback callback */
	int no_load_after;
	int listen;      /* on_event set */
	int tc;          /* the fault allocator */
} copts;

static pws_policy *open_c(mem_store *s, const copts *c)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops ops = mem_store_ops_v2(s);
	pws_policy *p = NULL;

	s->on_put = one_put;
	if (c->no_rollback)
		ops.rollback = NULL;
	s->no_rollback = c->no_rollback;
	if (c->no_load_after)
		ops.load_after = NULL;
	if (c->v1) {
		ops.version = 1;
		ops.append = NULL;
		ops.load_after = NULL;
		ops.wait = NULL;
	}
	o.storage = &ops;
	if (c->listen)
		o.on_event = on_ev;
	if (c->tc)
		o.allocator = tc_allocator();
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	return p;
}

static uint64_t rev_of(const pws_policy *p)
{
	uint64_t r = 0;

	ck_assert_int_eq(pws_policy_revision(p, &r), PWS_OK);
	return r;
}

/* --- allocation helpers, status text, options ------------------------------- */

/* A zero-byte request is a real block (never NULL for success), and a
 * calloc whose size overflows fails instead of allocating a wrapped size. */
START_TEST(alloc_zero_sizes_and_overflow)
{
	pws__mem m;
	void *a, *b, *c;

	pws__mem_default(&m);
	a = pws__malloc(&m, 0);
	ck_assert_ptr_nonnull(a);
	b = pws__calloc(&m, 7, 0);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_null(pws__calloc(&m, SIZE_MAX / 2, 4));
	c = pws__realloc(&m, a, 0);
	ck_assert_ptr_nonnull(c);
	pws__free(&m, c);
	pws__free(&m, b);
	pws__free(&m, NULL);
}
END_TEST

/* The model's string arena (lib/model.c): ids and addresses in blocks that
 * double from 1 KiB to 1 MiB, a bulk load's reservation as one block of its
 * size, only the last string given back, a failed block allocation a NULL
 * with the arena unchanged. */
static void *fail_malloc(void *ctx, size_t size)
{
	(void)ctx;
	(void)size;
	return NULL;
}

START_TEST(model_string_arena)
{
	pws__mem mem, bad;
	pws__model m;
	char s[256];
	const char *a, *b, *first;
	size_t used, i;

	pws__mem_default(&mem);
	bad = mem;
	bad.a.malloc_fn = fail_malloc;
	pws__model_init(&m);
	memset(s, 'x', sizeof s);
	s[255] = '\0';
	/* nothing to reserve: no block */
	ck_assert_int_eq(pws__model_strs_reserve(&mem, &m, 0), PWS_OK);
	ck_assert_ptr_null(m.strs.p);
	ck_assert_ptr_null(pws__model_strdup(&bad, &m, "u1", 2));
	ck_assert_ptr_null(m.strs.p);
	pws__model_str_free(&m, NULL);
	pws__model_str_free(&m, "not the arena's");
	first = pws__model_strdup(&mem, &m, "u1", 2);
	ck_assert_str_eq(first, "u1");
	ck_assert_uint_eq(m.strs.cap, 1024);
	/* a string elsewhere is left alone */
	used = m.strs.used;
	pws__model_str_free(&m, s);
	ck_assert_uint_eq(m.strs.used, used);
	a = pws__model_strdup(&mem, &m, s, 255);
	b = pws__model_strdup(&mem, &m, "u2", 2);
	ck_assert_str_eq(a, s);
	used = m.strs.used;
	/* not the last: nothing given back; the last: its bytes are */
	pws__model_str_free(&m, a);
	ck_assert_uint_eq(m.strs.used, used);
	pws__model_str_free(&m, b);
	ck_assert_uint_eq(m.strs.used, used - 3);
	ck_assert_ptr_eq(pws__model_strdup(&mem, &m, "u3", 2), b);
	/* fill the first block: the next string opens a block twice its size;
	 * a failed one leaves the arena as it was */
	while (m.strs.cap - m.strs.used >= 256)
		ck_assert_ptr_nonnull(pws__model_strdup(&mem, &m, s, 255));
	used = m.strs.used;
	ck_assert_ptr_null(pws__model_strdup(&bad, &m, s, 255));
	ck_assert_uint_eq(m.strs.used, used);
	ck_assert_uint_eq(m.strs.cap, 1024);
	ck_assert_ptr_nonnull(pws__model_strdup(&mem, &m, s, 255));
	ck_assert_uint_eq(m.strs.cap, 2048);
	/* strings of an older block stay where they are */
	pws__model_str_free(&m, first);
	ck_assert_str_eq(first, "u1");
	/* blocks grow to 1 MiB, not beyond */
	for (i = 0; i < 8200; i++)
		ck_assert_ptr_nonnull(pws__model_strdup(&mem, &m, s, 255));
	ck_assert_uint_eq(m.strs.cap, (size_t)1 << 20);
	/* a reservation within the current block costs nothing; a larger
	 * one is a block of its own size */
	ck_assert_int_eq(pws__model_strs_reserve(&mem, &m, m.strs.cap - m.strs.used), PWS_OK);
	ck_assert_uint_eq(m.strs.cap, (size_t)1 << 20);
	ck_assert_int_eq(pws__model_strs_reserve(&bad, &m, (size_t)3 << 20), PWS_ENOMEM);
	ck_assert_int_eq(pws__model_strs_reserve(&mem, &m, (size_t)3 << 20), PWS_OK);
	ck_assert_uint_eq(m.strs.cap, (size_t)3 << 20);
	ck_assert_uint_eq(m.strs.used, 0);
	ck_assert_str_eq(first, "u1");
	pws__model_free(&mem, &m);
	ck_assert_ptr_null(m.strs.p);
}
END_TEST

/* Every status code has its own text; an unknown one says so. */
START_TEST(strerror_every_code_has_text)
{
	static const int codes[] = { PWS_OK,       PWS_ERROR,    PWS_ENOMEM,    PWS_EINVALID,
		                     PWS_EMISUSE,  PWS_ENOTFOUND, PWS_EEXISTS,  PWS_EDENIED,
		                     PWS_ESTORAGE, PWS_EUSER,    PWS_ESTATE,    PWS_ECONFLICT,
		                     PWS_ETIMEOUT, PWS_ITEROVER };
	const char *unknown = pws_strerror(12345);
	size_t i, j;

	for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		ck_assert_str_ne(pws_strerror(codes[i]), unknown);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(pws_strerror(codes[i]), pws_strerror(codes[j]));
	}
	ck_assert_str_eq(pws_strerror(PWS_ETIMEOUT), "timed out");
	ck_assert_str_eq(pws_strerror(PWS_ITEROVER), "iteration over");
}
END_TEST

/* Option tables of every version initialize; unknown versions and a
 * storage table without put are refused with no handle. */
START_TEST(options_versions_and_storage_without_put)
{
	pws_policy_options o;
	pws_storage_ops ops;
	pws_policy *p = (pws_policy *)&o;
	unsigned v;

	for (v = 1; v <= 3; v++) {
		ck_assert_int_eq(pws_policy_options_init(&o, v), PWS_OK);
		ck_assert_uint_eq(o.version, v);
	}
	ck_assert_int_eq(pws_policy_options_init(&o, 0), PWS_EINVALID);
	ck_assert_int_eq(pws_policy_options_init(&o, 4), PWS_EINVALID);
	for (v = 1; v <= 2; v++)
		ck_assert_int_eq(pws_storage_ops_init(&ops, v), PWS_OK);
	ck_assert_int_eq(pws_storage_ops_init(&ops, 3), PWS_EINVALID);
	ck_assert_int_eq(pws_policy_options_init(&o, 1), PWS_OK);
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK); /* version 1: the defaults */
	pws_policy_free(p);
	ck_assert_int_eq(pws_policy_options_init(&o, PWS_POLICY_OPTIONS_VERSION), PWS_OK);
	ck_assert_int_eq(pws_storage_ops_init(&ops, PWS_STORAGE_OPS_VERSION), PWS_OK);
	ops.close = mem_store_close; /* but no put */
	o.storage = &ops;
	p = (pws_policy *)&o;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_EINVALID);
	ck_assert_ptr_null(p);
}
END_TEST

/* pws_result_init refuses what it cannot fill; a call refuses a result
 * of an unknown version without touching it. */
START_TEST(result_versions)
{
	pws_result r;
	pws_policy *p;

	ck_assert_int_eq(pws_result_init(NULL, 1), PWS_EINVALID);
	ck_assert_int_eq(pws_result_init(&r, 0), PWS_EINVALID);
	ck_assert_int_eq(pws_result_init(&r, PWS_RESULT_VERSION + 1), PWS_EINVALID);
	ck_assert_int_eq(pws_result_init(&r, 1), PWS_OK);
	ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
	memset(&r, 0x5a, sizeof r);
	r.version = PWS_RESULT_VERSION + 1;
	ck_assert_int_eq(pws_team_add(p, "t", "T", PWS_PLAN_FREE, 0, &r), PWS_EINVALID);
	ck_assert_int_eq(r.code, 0x5a5a5a5a);
	r.version = 0;
	ck_assert_int_eq(pws_load_state(p, NULL, &r), PWS_EINVALID);
	ck_assert_int_eq(r.code, 0x5a5a5a5a);
	r.version = PWS_RESULT_VERSION + 1;
	ck_assert_int_eq(pws_load_state(p, NULL, &r), PWS_EINVALID);
	ck_assert_int_eq(r.code, 0x5a5a5a5a);
	/* a version-1 result is filled */
	ck_assert_int_eq(pws_result_init(&r, 1), PWS_OK);
	ck_assert_int_eq(pws_load_state(NULL, NULL, &r), PWS_EINVALID);
	ck_assert_int_eq(r.code, PWS_EINVALID);
	pws_policy_free(p);
}
END_TEST

/* Ids: a DEL byte, 255 bytes and more, and bad UTF-8 are malformed
 * (EINVALID, not ENOTFOUND), wherever they appear in a call. */
START_TEST(ids_with_del_or_too_long_are_malformed)
{
	pws_policy *p = tw_world();
	char longid[300];
	uint64_t d = tw_digest(p);
	int a = 1;

	memset(longid, 'x', sizeof longid - 1);
	longid[sizeof longid - 1] = 0;
	ck_assert_int_eq(pws_check(p, &a, NULL, "dev\x7f", PWS_ACT_VIEW, "pw", NULL), PWS_EINVALID);
	ck_assert_int_eq(a, 0);
	ck_assert_int_eq(pws_check(p, &a, NULL, longid, PWS_ACT_VIEW, "pw", NULL), PWS_EINVALID);
	ck_assert_int_eq(pws_check(p, &a, NULL, "dev", PWS_ACT_VIEW, longid, NULL), PWS_EINVALID);
	ck_assert_int_eq(pws_check(p, &a, NULL, "dev", PWS_ACT_VIEW, "pw", "c\x7f"), PWS_EINVALID);
	ck_assert_int_eq(pws_check(p, &a, NULL, "nobody", PWS_ACT_VIEW, "pw", "c\xff"),
	                 PWS_EINVALID);
	ck_assert_int_eq(pws_check(p, &a, NULL, "nobody", PWS_ACT_VIEW, "pw", "col"),
	                 PWS_ENOTFOUND);
	/* no actor: malformed, with or without an element */
	ck_assert_int_eq(pws_check(p, &a, NULL, NULL, PWS_ACT_VIEW, "pw", NULL), PWS_EINVALID);
	ck_assert_int_eq(pws_check(p, &a, NULL, NULL, PWS_ACT_VIEW, "pw", "col"), PWS_EINVALID);
	longid[254] = 0; /* 254 bytes: well-formed */
	ck_assert_int_eq(pws_check(p, &a, NULL, longid, PWS_ACT_VIEW, "pw", NULL), PWS_ENOTFOUND);
	FAILS(pws_team_add(p, "t\x7f", "T", PWS_PLAN_FREE, 0, RES), PWS_EINVALID);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* --- bulk loads (pws_load_state) ---------------------------------------------- */

static pws_load_user LU[4];
static pws_load_workspace LW[2];
static pws_load_membership LM[4];
static pws_load LL;

static const char LTEAMS[] =
	"{\"format\": 1, \"teams\": ["
	"{\"id\": \"pub\", \"name\": \"Pub\", \"plan\": \"enterprise\", \"domains\": [\"pub.com\"]},"
	"{\"id\": \"beta\", \"name\": \"Beta\", \"plan\": \"professional\", "
	"\"domains\": [\"beta.io\"]}]}";

static void lreset(void)
{
	static const pws_load_user u[4] = {
		{"pam", "pam@pub.com", "pub", PWS_TEAM_ADMIN, 1},
		{"ann", "ann@pub.com", "pub", PWS_TEAM_MEMBER, 0},
		{"bob", "bob@beta.io", "beta", PWS_TEAM_MEMBER, 0},
		{"cid", "cid@beta.io", "beta", PWS_TEAM_MEMBER, 0}};
	static const pws_load_workspace w[2] = {
		{"hub", "Hub", "pub", PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_TEAM_TO_TEAM},
		{"team", "Team", "pub", PWS_VIS_TEAM, 0, 0}};
	static const pws_load_membership m[4] = {
		{0, 0, NULL, PWS_ROLE_ADMIN, 0},
		{0, 2, "beta", PWS_ROLE_VIEWER, 0},
		{0, 3, "beta", PWS_ROLE_VIEWER, 0},
		{1, 0, NULL, PWS_ROLE_ADMIN, 0}};

	memcpy(LU, u, sizeof LU);
	memcpy(LW, w, sizeof LW);
	memcpy(LM, m, sizeof LM);
	memset(&LL, 0, sizeof LL);
	LL.version = PWS_LOAD_VERSION;
	LL.json = LTEAMS;
	LL.json_len = sizeof LTEAMS - 1;
	LL.users = LU;
	LL.n_users = 4;
	LL.workspaces = LW;
	LL.n_workspaces = 2;
	LL.memberships = LM;
	LL.n_memberships = 4;
}

/* A refused load: PWS_EINVALID naming the culprit, memory and store unchanged. */
static void lrefused(pws_policy *p, mem_store *s, const char *what, const char *names)
{
	uint64_t d = tw_digest(p);
	size_t n = s->n;
	int rc = pws_load_state(p, &LL, RES);

	ck_assert_msg(rc == PWS_EINVALID, "%s: %d (%s)", what, rc, tw_res.message);
	if (names)
		ck_assert_msg(strstr(tw_res.message, names), "%s: message '%s' lacks '%s'", what,
		              tw_res.message, names);
	ck_assert(tw_digest(p) == d);
	ck_assert_uint_eq(s->n, n);
	/* and without a result to report into: the same code */
	ck_assert_int_eq(pws_load_state(p, &LL, NULL), PWS_EINVALID);
	ck_assert(tw_digest(p) == d);
	ck_assert_msg(s->n == n, "%s: the store changed", what);
	lreset();
}

START_TEST(load_state_refuses_every_malformed_field)
{
	static const copts co = { 0, 0, 0, 0, 1 };
	mem_store s;
	pws_policy *p;
	size_t n0;

	memset(&s, 0, sizeof s);
	tc_alloc_reset();
	lreset();
	p = open_c(&s, &co);
	OK(pws_team_add(p, "old", "Old", PWS_PLAN_ENTERPRISE, 0, RES));
	n0 = s.n;
	LL.n_users = UINT32_MAX;
	lrefused(p, &s, "users count", "4294967294");
	LL.n_workspaces = UINT32_MAX;
	lrefused(p, &s, "workspaces count", "4294967294");
	LL.n_memberships = UINT32_MAX;
	lrefused(p, &s, "memberships count", "4294967294");
	LL.n_memberships = SIZE_MAX; /* (n + 1) * 4 would wrap */
	lrefused(p, &s, "memberships count (wraps)", "4294967294");
	LL.workspaces = NULL;
	lrefused(p, &s, "NULL workspaces", "NULL");
	LL.memberships = NULL;
	lrefused(p, &s, "NULL memberships", "NULL");
	LL.json = NULL; /* and a length */
	lrefused(p, &s, "NULL json", "json");
	LU[1].email = NULL;
	lrefused(p, &s, "NULL email", "users[1]");
	LU[2].team_role = 256;
	lrefused(p, &s, "team_role 256", "users[2]");
	LU[3].partner_manager = -1;
	lrefused(p, &s, "partner_manager -1", "users[3]");
	LW[1].name = NULL;
	lrefused(p, &s, "NULL name", "workspaces[1]");
	LW[0].team_id = NULL;
	lrefused(p, &s, "NULL team_id", "workspaces[0]");
	LW[1].mode = 300;
	lrefused(p, &s, "mode 300", "workspaces[1]");
	LW[0].model = -2;
	lrefused(p, &s, "model -2", "workspaces[0]");
	LM[2].lead = 2000;
	lrefused(p, &s, "lead 2000", "memberships[2]");
	LM[1].workspace = 1; /* S9: a partner in the team workspace */
	lrefused(p, &s, "partner in a team workspace (S9)", "S9");
	LM[3].workspace = 0; /* pam twice in hub: the importer's refusal, named by array */
	lrefused(p, &s, "duplicate membership", "memberships[");
	LU[3].id = "ann"; /* and a user twice */
	LU[1].id = "ann";
	lrefused(p, &s, "duplicate user", "users[");
	LW[0].id = NULL;
	lrefused(p, &s, "NULL workspace id", "workspaces[0]");
	LW[1].visibility = 256;
	lrefused(p, &s, "visibility 256", "workspaces[1]");
	LW[1].name = "bad \xff UTF-8";
	lrefused(p, &s, "name not UTF-8", "workspaces[1]");
	{
		char *big = malloc((size_t)PWS_TEXT_LIMIT_MAX + 2);

		memset(big, 'n', (size_t)PWS_TEXT_LIMIT_MAX + 1);
		big[PWS_TEXT_LIMIT_MAX + 1] = 0;
		LW[0].name = big;
		lrefused(p, &s, "name over 1 MiB", "1 MiB");
		free(big);
	}
	ck_assert_uint_eq(s.n, n0);
	OK(pws_load_state(p, &LL, RES));
	ck_assert_uint_eq(s.n, n0 + 1); /* one record for the whole load */
	pws_policy_free(p);
	mem_store_clear(&s);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

#define NORG 40

/* Many partner organizations (more than the first table of 32 holds),
 * not consecutive, some sharing the same string pointer in a row and
 * some an equal string at another address: each is one organization. */
static char org_ids[NORG][16], org_mail[NORG][32], org_user[NORG][16];
static char org_copy[NORG][16];
static pws_load_user OU[NORG + 2];
static pws_load_membership OM[2 * NORG + 1];

static char *orgs_json(void)
{
	size_t cap = 128 + NORG * 128, n;
	char *j = malloc(cap);
	int i;

	n = (size_t)snprintf(j, cap, "{\"format\": 1, \"teams\": [{\"id\": \"pub\", \"name\": "
	                             "\"Pub\", \"plan\": \"enterprise\", \"domains\": [\"pub.com\"]}");
	for (i = 0; i < NORG; i++)
		n += (size_t)snprintf(j + n, cap - n,
		                      ", {\"id\": \"%s\", \"name\": \"%s\", \"plan\": \"free\", "
		                      "\"domains\": [\"%s.io\"]}",
		                      org_ids[i], org_ids[i], org_ids[i]);
	snprintf(j + n, cap - n, "]}");
	return j;
}

static void orgs_load(pws_load *l, int legacy)
{
	static pws_load_workspace w[2];
	int i, k = 0;

	OU[0] = (pws_load_user){"pam", "pam@pub.com", "pub", PWS_TEAM_ADMIN, 1};
	OU[NORG + 1] = (pws_load_user){"solo", "solo@gmail.com", NULL, 0, 0}; /* no team */
	for (i = 0; i < NORG; i++) {
		snprintf(org_ids[i], sizeof org_ids[i], "o%d", i);
		memcpy(org_copy[i], org_ids[i], sizeof org_copy[i]);
		snprintf(org_user[i], sizeof org_user[i], "u%d", i);
		snprintf(org_mail[i], sizeof org_mail[i], "u%d@o%d.io", i, i);
		OU[i + 1] = (pws_load_user){org_user[i], org_mail[i], legacy ? NULL : org_ids[i],
			                    legacy ? 0 : PWS_TEAM_MEMBER, 0};
	}
	w[0] = (pws_load_workspace){"hub", "Hub", "pub", PWS_VIS_PARTNER, PWS_MODE_MULTI,
		                    legacy ? PWS_MODEL_LEGACY : PWS_MODEL_TEAM_TO_TEAM};
	w[1] = (pws_load_workspace){"hub2", "Hub 2", "pub", PWS_VIS_PARTNER, PWS_MODE_MULTI,
		                    legacy ? PWS_MODEL_LEGACY : PWS_MODEL_TEAM_TO_TEAM};
	for (i = 0; i < NORG; i++) /* hub: org i's user, org by the shared pointer */
		OM[k++] = (pws_load_membership){0, (uint32_t)i + 1,
			                        legacy ? NULL : org_ids[i], PWS_ROLE_VIEWER, 0};
	OM[k++] = (pws_load_membership){0, 0, NULL, PWS_ROLE_ADMIN, 0};
	for (i = NORG - 1; i >= 0; i--) /* hub2: the same orgs by equal copies */
		OM[k++] = (pws_load_membership){1, (uint32_t)i + 1,
			                        legacy ? NULL : org_copy[i], PWS_ROLE_VIEWER, 0};
	memset(l, 0, sizeof *l);
	l->version = PWS_LOAD_VERSION;
	l->users = OU;
	l->n_users = NORG + 2;
	l->workspaces = w;
	l->n_workspaces = 2;
	l->memberships = OM;
	l->n_memberships = (size_t)k;
}

START_TEST(load_state_many_organizations)
{
	pws_policy *p, *q;
	pws_load l;
	char *json;
	uint64_t d;
	size_t k, blocks;
	int rc = PWS_ENOMEM;

	tc_alloc_reset();
	ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
	orgs_load(&l, 0);
	json = orgs_json();
	l.json = json;
	l.json_len = strlen(json);
	/* every allocation failing once: ENOMEM, nothing changed, no leak */
	d = tw_digest(p);
	blocks = tc_alloc_stats_get().live_blocks;
	for (k = 1; rc != PWS_OK; k++) {
		tc_alloc_fail_at(k, 0);
		rc = pws_load_state(p, &l, RES);
		tc_alloc_fail_at(0, 0);
		if (rc == PWS_OK)
			break;
		ck_assert_msg(rc == PWS_ENOMEM, "allocation %zu: %d (%s)", k, rc, tw_res.message);
		ck_assert(tw_digest(p) == d);
		ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, blocks);
	}
	ck_assert_int_eq(tw_can(p, "u7", PWS_ACT_VIEW, "hub", NULL, NULL), 1);
	ck_assert_int_eq(tw_can(p, "u39", PWS_ACT_VIEW, "hub2", NULL, NULL), 1);
	ck_assert_int_eq(tw_can(p, "u39", PWS_ACT_EDIT, "hub2", NULL, NULL), 0);
	/* the same load through the default allocator gives the same state */
	ck_assert_int_eq(pws_policy_new(&q, NULL), PWS_OK);
	OK(pws_load_state(q, &l, RES));
	ck_assert(tw_digest(q) == tw_digest(p));
	pws_policy_free(q);
	pws_policy_free(p);
	free(json);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

/* --- writing through: conflicts, failed checks, no rollback -------------------- */

static const copts plain = { 0, 0, 0, 1, 1 };

/* A store with one team; returns the handle (listener, fault allocator). */
static pws_policy *store_world(mem_store *s, const copts *c)
{
	pws_policy *p;

	memset(s, 0, sizeof *s);
	tc_alloc_reset();
	p = open_c(s, c);
	OK(pws_team_add(p, "pub", "Pub", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "pub", "pub.com", RES));
	OK(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_ADMIN, 1, RES));
	OK(pws_user_add(p, "ad", "ad@pub.com", "pub", PWS_TEAM_ADMIN, 0, RES));
	OK(pws_user_add(p, "dev", "dev@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	return p;
}

/* A call that notifies (TT3: the request goes to the managers). */
static int notifying_call(pws_policy *p)
{
	return pws_workspace_create(p, "dev", "req", "Req", PWS_VIS_PARTNER, NULL, RES);
}

/* The failed call changed nothing: digest, revision, store, no event. */
typedef struct before {
	uint64_t d, rev;
	size_t n;
	unsigned ev;
} before;

static before take(pws_policy *p, const mem_store *s)
{
	before b = { tw_digest(p), rev_of(p), s->n, ev_count };

	return b;
}

static void unchanged(pws_policy *p, const mem_store *s, before b, const copts *c)
{
	pws_policy *q;

	ck_assert(tw_digest(p) == b.d);
	ck_assert(rev_of(p) == b.rev);
	ck_assert_uint_eq(s->n, b.n);
	ck_assert_uint_eq(ev_count, b.ev);
	/* and the store reopens to the same state */
	q = open_c((mem_store *)s, c);
	ck_assert(tw_digest(q) == b.d);
	pws_policy_free(q);
}

/* Two conflicts in a row, then the append succeeds: one change, its
 * events delivered once, the revision one further (the retry backs off
 * before its second attempt). */
START_TEST(conflicts_in_a_row_are_retried)
{
	mem_store s;
	pws_policy *p = store_world(&s, &plain), *q;
	before b = take(p, &s);

	s.conflicts = 3;
	s.appends = 0;
	OK(notifying_call(p));
	ck_assert_uint_eq(s.appends, 4);
	ck_assert_uint_eq(s.n, b.n + 1);
	ck_assert(rev_of(p) == b.rev + 1);
	ck_assert_uint_eq(ev_count, b.ev + 1);
	q = open_c(&s, &plain);
	ck_assert(tw_digest(q) == tw_digest(p));
	pws_policy_free(q);
	pws_policy_free(p);
	mem_store_clear(&s);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

/* A writer that keeps losing gives up after its retries: PWS_ECONFLICT,
 * nothing changed, no event; with or without a rollback callback. */
START_TEST(endless_conflict_gives_up_changing_nothing)
{
	static const copts norb = { 0, 1, 0, 1, 1 };
	const copts *cs[2] = { &plain, &norb };
	int i;

	for (i = 0; i < 2; i++) {
		mem_store s;
		pws_policy *p = store_world(&s, cs[i]);
		before b = take(p, &s);

		s.conflicts = 1000;
		s.appends = 0;
		FAILS(notifying_call(p), PWS_ECONFLICT);
		ck_assert_uint_eq(s.appends, 17); /* the call and 16 retries */
		ck_assert_ptr_nonnull(strstr(tw_res.message, "another writer"));
		s.conflicts = 0;
		unchanged(p, &s, b, cs[i]);
		pws_policy_free(p);
		mem_store_clear(&s);
		ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
	}
}
END_TEST

/* After a conflict the writer catches up; when that fails the call fails
 * with the reason, and nothing changed. */
START_TEST(catch_up_failure_after_conflict_is_reported)
{
	mem_store s;
	pws_policy *p = store_world(&s, &plain);
	before b = take(p, &s);
	char key[17];

	/* the store cannot be read */
	s.conflicts = 1;
	s.after_rc = PWS_ESTORAGE;
	FAILS(notifying_call(p), PWS_ESTORAGE);
	ck_assert_ptr_nonnull(strstr(tw_res.message, "catching up after a conflict failed"));
	unchanged(p, &s, b, &plain);
	/* a newer record the replay refuses: the reason is in the message */
	s.conflicts = 1;
	snprintf(key, sizeof key, "%016llx", (unsigned long long)(b.rev + 1));
	mem_store_add(&s, PWS_RECORD_OP, key, 16, "garbage!", 8);
	ck_assert_int_ne(notifying_call(p), PWS_OK);
	ck_assert_ptr_nonnull(strstr(tw_res.message, "catching up after a conflict failed: "));
	ck_assert(tw_digest(p) == b.d);
	ck_assert_uint_eq(ev_count, b.ev);
	pws_policy_free(p);
	mem_store_clear(&s);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

/* The check after an append (is there a record after mine?) failing is a
 * storage failure: rolled back, nothing changed. */
START_TEST(failed_check_after_append_is_storage_failure)
{
	mem_store s;
	pws_policy *p = store_world(&s, &plain);
	before b = take(p, &s);

	s.after_rc = PWS_ERROR;
	s.rollbacks = 0;
	FAILS(notifying_call(p), PWS_ESTORAGE);
	ck_assert_uint_eq(s.rollbacks, 1);
	unchanged(p, &s, b, &plain);
	OK(notifying_call(p));
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

/* A commit that lands at the store and still fails (a server that
 * committed, then lost the session before it answered): the call reports
 * PWS_ESTORAGE and changes nothing in memory, its message says the store
 * may have kept the change, and the handle reads that change at its next
 * sync, or when its next write conflicts on the revision it took. */
static int commit_lands_failing; /* landed_commit_fails: land, then fail */

static int landed_commit_fails(void *ctx)
{
	int rc = mem_store_commit(ctx);

	return rc == PWS_OK && commit_lands_failing ? PWS_ESTORAGE : rc;
}

START_TEST(commit_landed_but_failed_is_read_back)
{
	mem_store s;
	pws_policy *p = store_world(&s, &plain), *q;
	pws_storage_ops lost = mem_store_ops_v2(&s);
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	before b = take(p, &s);
	uint64_t d, rev = 0;

	/* a second handle on the same store whose commits land and fail */
	lost.commit = landed_commit_fails;
	o.storage = &lost;
	ck_assert_int_eq(pws_policy_new(&q, &o), PWS_OK);
	ck_assert_uint_eq(rev_of(q), b.rev);
	commit_lands_failing = 1;
	d = tw_digest(q);
	FAILS(pws_team_add(q, "t1", "T", PWS_PLAN_FREE, 0, RES), PWS_ESTORAGE);
	ck_assert_ptr_nonnull(strstr(tw_res.message, "the store may have kept the change"));
	/* memory as before; the store has the change set */
	ck_assert(tw_digest(q) == d);
	ck_assert_uint_eq(rev_of(q), b.rev);
	ck_assert_uint_eq(s.n, b.n + 1);
	/* the next write takes the same revision: it conflicts, catches up
	 * (t1 is read back) and lands after it */
	commit_lands_failing = 0;
	OK(pws_team_add(q, "t2", "T", PWS_PLAN_FREE, 0, RES));
	ck_assert_uint_eq(rev_of(q), b.rev + 2);
	ck_assert_int_eq(pws_team_add(q, "t1", "again", PWS_PLAN_FREE, 0, NULL), PWS_EEXISTS);
	/* or a sync reads it back */
	commit_lands_failing = 1;
	FAILS(pws_team_add(q, "t3", "T", PWS_PLAN_FREE, 0, RES), PWS_ESTORAGE);
	ck_assert_uint_eq(rev_of(q), b.rev + 2);
	commit_lands_failing = 0;
	ck_assert_int_eq(pws_policy_sync(q, &rev), PWS_OK);
	ck_assert_uint_eq(rev, b.rev + 3);
	ck_assert_int_eq(pws_team_add(q, "t3", "again", PWS_PLAN_FREE, 0, NULL), PWS_EEXISTS);
	/* both handles agree */
	ck_assert_int_eq(pws_policy_sync(p, NULL), PWS_OK);
	ck_assert(tw_digest(p) == tw_digest(q));
	pws_policy_free(q);
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

/* PWS_ECONFLICT from a put (version 1) or a commit is no lost race: a
 * storage failure, not retried. A table without rollback is not called. */
START_TEST(conflict_outside_append_is_storage_failure)
{
	static const copts v1 = { 1, 0, 0, 1, 1 }, v1norb = { 1, 1, 0, 1, 1 };
	mem_store s;
	pws_policy *p = store_world(&s, &v1);
	before b = take(p, &s);

	s.put_rc = PWS_ECONFLICT;
	FAILS(notifying_call(p), PWS_ESTORAGE);
	ck_assert_ptr_nonnull(strstr(tw_res.message, "storage put failed"));
	unchanged(p, &s, b, &v1);
	pws_policy_free(p);
	mem_store_clear(&s);

	p = store_world(&s, &plain);
	b = take(p, &s);
	s.commit_rc = PWS_ECONFLICT;
	s.appends = 0;
	FAILS(notifying_call(p), PWS_ESTORAGE);
	ck_assert_uint_eq(s.appends, 1);
	ck_assert_ptr_nonnull(strstr(tw_res.message, "storage commit failed"));
	/* a failed COMMIT may have landed at the store: the message says so */
	ck_assert_ptr_nonnull(strstr(tw_res.message, "the store may have kept the change"));
	unchanged(p, &s, b, &plain);
	pws_policy_free(p);
	mem_store_clear(&s);

	p = store_world(&s, &v1norb);
	b = take(p, &s);
	s.put_rc = PWS_ESTORAGE;
	FAILS(notifying_call(p), PWS_ESTORAGE);
	ck_assert_uint_eq(s.rollbacks, 0);
	unchanged(p, &s, b, &v1norb);
	OK(notifying_call(p));
	pws_policy_free(p);
	mem_store_clear(&s);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

/* A bulk load into an empty store replaces nothing (no record to delete). */
START_TEST(load_state_into_empty_store)
{
	mem_store s;
	pws_policy *p, *q;

	memset(&s, 0, sizeof s);
	lreset();
	p = open_c(&s, &plain);
	ck_assert(rev_of(p) == 0);
	OK(pws_load_state(p, &LL, RES));
	ck_assert_uint_eq(s.n, 1);
	ck_assert(rev_of(p) == 1);
	q = open_c(&s, &plain);
	ck_assert(tw_digest(q) == tw_digest(p));
	FAILS(notifying_call(q), PWS_ENOTFOUND); /* the load has no user dev */
	pws_policy_free(q);
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

/* A storage callback that calls back into the handle it serves is told
 * PWS_EMISUSE (sync and revision), and the call it serves goes on. */
START_TEST(storage_callback_reentry_is_misuse)
{
	mem_store s;
	pws_policy *p = store_world(&s, &plain);
	before b = take(p, &s);

	s.hook_ctx = p;
	OK(notifying_call(p));
	s.hook_ctx = NULL;
	ck_assert_int_eq(reenter_sync, PWS_EMISUSE);
	ck_assert_int_eq(reenter_rev, PWS_EMISUSE);
	ck_assert(rev_of(p) == b.rev + 1);
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

/* pws_policy_wait: a change feed that fails stops the wait with its
 * code; without a feed, polling survives signals (EINTR). */
static void on_signal(int sig)
{
	(void)sig;
}

/* Interrupts the waiting thread a few times (signals aimed at that thread
 * only, so nothing else in the process or its group sees them). */
static void *interrupter(void *arg)
{
	pthread_t target = *(pthread_t *)arg;
	struct timespec ts = { 0, 3000000 };
	int i;

	for (i = 0; i < 5; i++) {
		nanosleep(&ts, NULL);
		pthread_kill(target, SIGUSR1);
	}
	return NULL;
}

START_TEST(policy_wait_feed_failure_and_signals)
{
	mem_store s;
	pws_policy *p = store_world(&s, &plain);
	uint64_t r = 99;
	struct sigaction sa, old;
	pthread_t self = pthread_self(), th;

	s.wait_rc = PWS_ESTORAGE;
	ck_assert_int_eq(pws_policy_wait(p, rev_of(p) + 5, 1000, &r), PWS_ESTORAGE);
	ck_assert(r == rev_of(p));
	s.wait_rc = PWS_ETIMEOUT; /* a feed that times out: waited until the deadline */
	ck_assert_int_eq(pws_policy_wait(p, rev_of(p) + 5, 20, &r), PWS_ETIMEOUT);
	s.wait_rc = PWS_OK; /* a feed that wakes for nothing: synced again, then timed out */
	s.load_afters = 0;
	ck_assert_int_eq(pws_policy_wait(p, rev_of(p) + 5, 20, &r), PWS_ETIMEOUT);
	ck_assert_uint_gt(s.load_afters, 1);
	pws_policy_free(p);
	mem_store_clear(&s);

	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: nanosleep sees EINTR */
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGUSR1, &sa, &old), 0);
	ck_assert_int_eq(pthread_create(&th, NULL, interrupter, &self), 0);
	ck_assert_int_eq(pws_policy_wait(p, 1, 60, &r), PWS_ETIMEOUT);
	pthread_join(th, NULL);
	sigaction(SIGUSR1, &old, NULL);
	ck_assert(r == 0);
	pws_policy_free(p);
}
END_TEST

/* A handle that replays a store, or catches up with another writer's
 * records, sends no notice: they were sent by the handle that made them. */
START_TEST(replay_and_catch_up_send_no_events)
{
	mem_store s;
	pws_policy *p = store_world(&s, &plain), *q;
	uint64_t r = 0;

	ev_count = 0;
	q = open_c(&s, &plain); /* replays the directory */
	ck_assert_uint_eq(ev_count, 0);
	OK(notifying_call(p));
	OK(pws_workspace_create(p, "pm", "pw", "PW", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_invite(p, "pm", "pw", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite_accept(p, "dev", "pw", NULL, RES));
	OK(pws_update_post(p, "pm", "pw", "up1", "hello", 0, RES));
	ck_assert_uint_gt(ev_count, 2);
	ev_count = 0;
	ck_assert_int_eq(pws_policy_sync(q, &r), PWS_OK);
	ck_assert(r == rev_of(p));
	ck_assert(tw_digest(q) == tw_digest(p));
	ck_assert_uint_eq(ev_count, 0);
	pws_policy_free(q);
	q = open_c(&s, &plain);
	ck_assert_uint_eq(ev_count, 0);
	pws_policy_free(q);
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

/* --- notices built under allocation failure ------------------------------------ */

/* A world loaded in bulk: team pub (enterprise; pam its Partner Manager,
 * NADM admins, NMEM members, dev), acme and globex (partners), nopm
 * (enterprise, no Partner Manager: NADM admins and a member nm).
 * "hub": multi-partner, pam Admin, every pub member an Editor, acme and
 * globex partners Editors. "single": single-partner, pam and an acme
 * Editor. "l1", "l2": legacy workspaces with a partner each. */
#define NADM 40
#define NMEM 4200 /* a notice whose recipient arrays outgrow a 64 KiB arena chunk */
#define NUSERS (1 + NADM + NMEM + 1 + 3 + 2 + NADM + 1)
#define NTEAMWS 100 /* members of "teamws" */

static char uid[NUSERS][12], umail[NUSERS][28];
static pws_load_user EU[NUSERS];
static pws_load_membership EM[NUSERS + NTEAMWS + 16];

static const char ETEAMS[] =
	"{\"format\": 1, \"teams\": ["
	"{\"id\": \"pub\", \"name\": \"Pub\", \"plan\": \"enterprise\", \"domains\": [\"pub.com\"]},"
	"{\"id\": \"acme\", \"name\": \"Acme\", \"plan\": \"professional\", "
	"\"domains\": [\"acme.com\"]},"
	"{\"id\": \"globex\", \"name\": \"Globex\", \"plan\": \"free\", "
	"\"domains\": [\"globex.com\"]},"
	"{\"id\": \"nopm\", \"name\": \"No PM\", \"plan\": \"enterprise\", "
	"\"domains\": [\"nopm.com\"]}]}";

static uint32_t add_user(size_t *n, const char *id, const char *dom, const char *team, int role,
                         int pm)
{
	size_t i = (*n)++;

	ck_assert_uint_lt(i, NUSERS);
	snprintf(uid[i], sizeof uid[i], "%s", id);
	snprintf(umail[i], sizeof umail[i], "%s@%s", id, dom);
	EU[i] = (pws_load_user){uid[i], umail[i], team, role, pm};
	return (uint32_t)i;
}

static pws_policy *events_world(void)
{
	static const pws_load_workspace w[5] = {
		{"hub", "Hub", "pub", PWS_VIS_PARTNER, PWS_MODE_MULTI, PWS_MODEL_TEAM_TO_TEAM},
		{"single", "Single", "pub", PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_TEAM_TO_TEAM},
		{"l1", "L1", "pub", PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_LEGACY},
		{"l2", "L2", "pub", PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_LEGACY},
		{"teamws", "Team WS", "pub", PWS_VIS_TEAM, 0, 0}};
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_policy *p = NULL;
	pws_load l;
	size_t n = 0, m = 0, i;
	uint32_t pam, a0;
	char id[12];

	pam = add_user(&n, "pam", "pub.com", "pub", PWS_TEAM_MEMBER, 1);
	EM[m++] = (pws_load_membership){0, pam, NULL, PWS_ROLE_ADMIN, 0};
	EM[m++] = (pws_load_membership){1, pam, NULL, PWS_ROLE_ADMIN, 0};
	EM[m++] = (pws_load_membership){2, pam, NULL, PWS_ROLE_ADMIN, 0};
	EM[m++] = (pws_load_membership){3, pam, NULL, PWS_ROLE_ADMIN, 0};
	EM[m++] = (pws_load_membership){4, pam, NULL, PWS_ROLE_ADMIN, 0};
	EM[m++] = (pws_load_membership){1, pam + 1 + NADM, NULL, PWS_ROLE_EDITOR, 0}; /* m0 */
	for (i = 0; i < NADM; i++) {
		snprintf(id, sizeof id, "ad%zu", i);
		add_user(&n, id, "pub.com", "pub", PWS_TEAM_ADMIN, 0);
	}
	for (i = 0; i < NMEM; i++) {
		snprintf(id, sizeof id, "m%zu", i);
		EM[m] = (pws_load_membership){
			0, add_user(&n, id, "pub.com", "pub", PWS_TEAM_MEMBER, 0), NULL,
			PWS_ROLE_EDITOR, 0};
		if (i < NTEAMWS) {
			EM[m + 1] = EM[m];
			EM[m + 1].workspace = 4;
			m++;
		}
		m++;
	}
	add_user(&n, "dev", "pub.com", "pub", PWS_TEAM_MEMBER, 0);
	a0 = add_user(&n, "a0", "acme.com", "acme", PWS_TEAM_MEMBER, 0);
	EM[m++] = (pws_load_membership){0, a0, "acme", PWS_ROLE_VIEWER, 0};
	EM[m++] = (pws_load_membership){1, a0, "acme", PWS_ROLE_EDITOR, 0};
	EM[m++] = (pws_load_membership){2, a0, "acme.com", PWS_ROLE_EDITOR, 0};
	EM[m++] = (pws_load_membership){3, a0, "acme.com", PWS_ROLE_VIEWER, 0};
	EM[m++] = (pws_load_membership){
		0, add_user(&n, "a1", "acme.com", "acme", PWS_TEAM_MEMBER, 0), "acme",
		PWS_ROLE_VIEWER, 0};
	EM[m++] = (pws_load_membership){
		0, add_user(&n, "a2", "acme.com", "acme", PWS_TEAM_MEMBER, 0), "acme",
		PWS_ROLE_VIEWER, 1};
	EM[m++] = (pws_load_membership){
		0, add_user(&n, "g0", "globex.com", "globex", PWS_TEAM_MEMBER, 0), "globex",
		PWS_ROLE_VIEWER, 0};
	EM[m++] = (pws_load_membership){
		0, add_user(&n, "g1", "globex.com", "globex", PWS_TEAM_MEMBER, 0), "globex",
		PWS_ROLE_VIEWER, 0};
	for (i = 0; i < NADM; i++) {
		snprintf(id, sizeof id, "na%zu", i);
		add_user(&n, id, "nopm.com", "nopm", PWS_TEAM_ADMIN, 0);
	}
	add_user(&n, "nm", "nopm.com", "nopm", PWS_TEAM_MEMBER, 0);
	ck_assert_uint_eq(n, NUSERS);
	memset(&l, 0, sizeof l);
	l.version = PWS_LOAD_VERSION;
	l.json = ETEAMS;
	l.json_len = sizeof ETEAMS - 1;
	l.users = EU;
	l.n_users = n;
	l.workspaces = w;
	l.n_workspaces = 5;
	l.memberships = EM;
	l.n_memberships = m;
	o.allocator = tc_allocator();
	o.on_event = on_ev;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	OK(pws_load_state(p, &l, RES));
	return p;
}

typedef int (*ev_call)(pws_policy *p);

/* Fails every allocation of the call in turn (once, then from then on):
 * PWS_ENOMEM, nothing changed, no event; then the call succeeds and
 * sends at least min_ev events to min_rcpt recipients. */
static void ev_sweep_after(ev_call prepare, ev_call call, unsigned min_ev, size_t min_rcpt)
{
	int persistent;

	tc_alloc_reset();
	for (persistent = 0; persistent < 2; persistent++) {
		pws_policy *p = events_world();
		uint64_t d;

		if (prepare)
			OK(prepare(p));
		d = tw_digest(p);
		size_t k;
		int rc = PWS_ENOMEM;

		ev_count = 0;
		ev_rcpt = 0;
		for (k = 1; rc != PWS_OK; k++) {
			ck_assert_uint_lt(k, 100000);
			tc_alloc_fail_at(k, persistent);
			rc = call(p);
			tc_alloc_fail_at(0, 0);
			if (rc == PWS_OK)
				break;
			ck_assert_msg(rc == PWS_ENOMEM, "allocation %zu: %d (%s)", k, rc,
			              tw_res.message);
			ck_assert(tw_digest(p) == d);
			ck_assert_uint_eq(ev_count, 0);
		}
		ck_assert_uint_gt(k, 1);
		ck_assert_uint_ge(ev_count, min_ev);
		ck_assert_uint_ge(ev_rcpt, min_rcpt);
		ck_assert(tw_digest(p) != d);
		pws_policy_free(p);
		ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
	}
}

static void ev_sweep(ev_call call, unsigned min_ev, size_t min_rcpt)
{
	ev_sweep_after(NULL, call, min_ev, min_rcpt);
}

static int post_to_hub(pws_policy *p) /* VI5, split per organization (EV1) */
{
	return pws_update_post(p, "pam", "hub", "up1", "hello", 0, RES);
}

static int request_by_member(pws_policy *p) /* TT3: PM and every Admin */
{
	return pws_workspace_create(p, "dev", "req", "Req", PWS_VIS_PARTNER, "please", RES);
}

static int request_without_pm(pws_policy *p) /* CR8 + TT3 */
{
	return pws_workspace_create(p, "nm", "req", "Req", PWS_VIS_PARTNER, NULL, RES);
}

static int enable_multi(pws_policy *p) /* MP1 + RO2 */
{
	return pws_workspace_enable_multi_partner(p, "pam", "single", RES);
}

static int invite_partner(pws_policy *p) /* TT3: the invitee's address */
{
	return pws_invite(p, "pam", "hub", "a5@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
	                  RES);
}

static int convert_hub(pws_policy *p) /* CR4: every member */
{
	return pws_workspace_convert(p, "pam", "teamws", "converted", RES);
}

static int integrate_teamws(pws_policy *p)
{
	return pws_integration_enable(p, "pam", "teamws", RES);
}

static int migrate_both(pws_policy *p) /* TT3: one team notice naming both */
{
	static const char *const ids[] = { "l1", "l2" };

	return pws_workspace_migrate_many(p, "pam", ids, 2, RES);
}

static int post_to_legacy(pws_policy *p) /* VI5 in a legacy workspace */
{
	return pws_update_post(p, "pam", "l1", "up2", "hello", 0, RES);
}

static int remove_partner(pws_policy *p) /* RM2 */
{
	return pws_member_remove(p, "pam", "hub", "a1", RES);
}

START_TEST(events_oom_post_split_per_org)
{
	ev_sweep(post_to_hub, 3, NMEM);
}
END_TEST

START_TEST(events_oom_request_to_managers)
{
	ev_sweep(request_by_member, 1, NADM + 1);
}
END_TEST

START_TEST(events_oom_request_cr8)
{
	ev_sweep(request_without_pm, 2, 2 * NADM);
}
END_TEST

START_TEST(events_oom_enable_multi)
{
	ev_sweep(enable_multi, 2, 2);
}
END_TEST

START_TEST(events_oom_invite)
{
	ev_sweep(invite_partner, 1, 1);
}
END_TEST

START_TEST(events_oom_convert)
{
	ev_sweep(convert_hub, 1, NTEAMWS);
}
END_TEST

/* INT1 (rev12): converting a workspace whose integration is on turns it
 * off and tells its Workspace Admins, besides CR4's notice to every
 * member: each allocation of the call failed in turn, PWS_ENOMEM, nothing
 * changed, no event. */
START_TEST(events_oom_convert_INT1_integration_off)
{
	ev_sweep_after(integrate_teamws, convert_hub, 2, NTEAMWS + 1);
}
END_TEST

START_TEST(events_oom_migrate_many)
{
	ev_sweep(migrate_both, 2, 2);
}
END_TEST

START_TEST(events_oom_post_legacy)
{
	ev_sweep(post_to_legacy, 1, 1);
}
END_TEST

START_TEST(events_oom_remove)
{
	ev_sweep(remove_partner, 1, 1);
}
END_TEST

/* A workspace named twice in a migration is refused (nothing changed,
 * no event); named once each, the team notice names both (TT3). */
START_TEST(migrate_names_each_workspace_once)
{
	static const char *const twice[] = { "l1", "l2", "l1" };
	pws_policy *p;
	uint64_t d;

	tc_alloc_reset();
	p = events_world();
	d = tw_digest(p);
	ev_count = 0;
	ev_maxws = 0;
	FAILS(pws_workspace_migrate_many(p, "pam", twice, 3, RES), PWS_EINVALID);
	ck_assert(tw_digest(p) == d);
	ck_assert_uint_eq(ev_count, 0);
	OK(migrate_both(p));
	ck_assert_uint_eq(ev_maxws, 2);
	pws_policy_free(p);
}
END_TEST

/* WS4 (rev 12): a partner who joins the owning team no longer counts as
 * a partner, nor as a team member through that membership: a notice to
 * the members does not reach them. */
START_TEST(ws4_partner_moved_to_owning_team_is_not_told)
{
	pws_policy *p;

	tc_alloc_reset();
	p = events_world();
	ev_watch = "a1";
	ev_watch_kind = PWS_EV_UPDATE_POSTED;
	ev_watch_seen = 0;
	OK(post_to_hub(p));
	ck_assert_int_eq(ev_watch_seen, 1);
	OK(pws_user_set_team(p, "a1", "pub", PWS_TEAM_MEMBER, RES));
	ev_watch_seen = 0;
	OK(pws_update_post(p, "pam", "hub", "up9", "again", 0, RES));
	ck_assert_int_eq(ev_watch_seen, 0);
	ck_assert_int_eq(tw_can(p, "a1", PWS_ACT_VIEW, "hub", NULL, NULL), 0);
	ev_watch = NULL;
	ev_watch_kind = 0;
	pws_policy_free(p);
}
END_TEST

/* RO2: enabling multi-partner mode downgrades partner Editors (told) but
 * not the owning team's Editors (untold, still Editors). */
START_TEST(ro2_team_editors_keep_their_role_untold)
{
	pws_policy *p;
	int role = 0;

	tc_alloc_reset();
	p = events_world();
	ev_watch = "m0";
	ev_watch_kind = PWS_EV_ROLES_DOWNGRADED;
	ev_watch_seen = 0;
	OK(enable_multi(p));
	ck_assert_int_eq(ev_watch_seen, 0);
	ck_assert_int_eq(pws_member_get(p, &role, NULL, NULL, "single", "m0"), PWS_OK);
	ck_assert_int_eq(role, PWS_ROLE_EDITOR);
	ck_assert_int_eq(pws_member_get(p, &role, NULL, NULL, "single", "a0"), PWS_OK);
	ck_assert_int_eq(role, PWS_ROLE_VIEWER);
	ev_watch = NULL;
	ev_watch_kind = 0;
	pws_policy_free(p);
}
END_TEST

/* Writers on one handle from two threads wait for each other: every
 * change is made once. */
#define NWRITES 5000

static void *writer(void *arg)
{
	pws_policy *p = ((void **)arg)[0];
	const char *prefix = ((void **)arg)[1];
	char id[16];
	int i;

	for (i = 0; i < NWRITES; i++) {
		snprintf(id, sizeof id, "%s%d", prefix, i);
		if (pws_team_add(p, id, id, PWS_PLAN_FREE, 0, NULL) != PWS_OK)
			return (void *)1;
	}
	return NULL;
}

START_TEST(writers_wait_for_each_other)
{
	pws_policy *p;
	pthread_t a, b;
	void *aa[2], *ba[2], *ra, *rb;
	char id[16];
	int i;

	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	aa[0] = ba[0] = p;
	aa[1] = "a";
	ba[1] = "b";
	ck_assert_int_eq(pthread_create(&a, NULL, writer, aa), 0);
	ck_assert_int_eq(pthread_create(&b, NULL, writer, ba), 0);
	pthread_join(a, &ra);
	pthread_join(b, &rb);
	ck_assert_ptr_null(ra);
	ck_assert_ptr_null(rb);
	for (i = 0; i < NWRITES; i++) {
		snprintf(id, sizeof id, "a%d", i);
		ck_assert_int_eq(pws_team_add(p, id, id, PWS_PLAN_FREE, 0, NULL), PWS_EEXISTS);
		snprintf(id, sizeof id, "b%d", i);
		ck_assert_int_eq(pws_team_add(p, id, id, PWS_PLAN_FREE, 0, NULL), PWS_EEXISTS);
	}
	pws_policy_free(p);
}
END_TEST

/* A writer finding the lock taken sleeps (counted in `sleepers`) and is
 * woken by the holder's release: the holder is kept inside by a storage
 * put that waits for a gate. */
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_open, gate_inside;

static int gated_put(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                     size_t data_len)
{
	(void)ctx, (void)kind, (void)key, (void)key_len, (void)data, (void)data_len;
	pthread_mutex_lock(&gate_mu);
	gate_inside++;
	pthread_cond_broadcast(&gate_cv);
	while (!gate_open)
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
	return PWS_OK;
}

static void gated_close(void *ctx)
{
	(void)ctx;
}

static void *gated_team_add(void *arg)
{
	pws_policy *p = ((void **)arg)[0];
	const char *id = ((void **)arg)[1];

	return pws_team_add(p, id, id, PWS_PLAN_FREE, 0, NULL) == PWS_OK ? NULL : (void *)1;
}

START_TEST(writer_finding_the_lock_taken_sleeps_until_released)
{
	pws_storage_ops st;
	pws_policy_options o;
	pws_policy *p;
	pthread_t a, b;
	void *aa[2], *ba[2], *ra, *rb;
	struct timespec ms = { 0, 1000000 };
	int i;

	memset(&st, 0, sizeof st);
	st.version = PWS_STORAGE_OPS_VERSION;
	st.put = gated_put;
	st.close = gated_close;
	memset(&o, 0, sizeof o);
	o.version = PWS_POLICY_OPTIONS_VERSION;
	o.storage = &st;
	gate_open = gate_inside = 0;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	aa[0] = ba[0] = p;
	aa[1] = "a";
	ba[1] = "b";
	ck_assert_int_eq(pthread_create(&a, NULL, gated_team_add, aa), 0);
	pthread_mutex_lock(&gate_mu);
	while (!gate_inside) /* a holds the write lock, inside its put */
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
	ck_assert_int_eq(pthread_create(&b, NULL, gated_team_add, ba), 0);
	for (i = 0; i < 10000 && !atomic_load(&p->sleepers); i++)
		nanosleep(&ms, NULL);
	ck_assert_uint_eq(atomic_load(&p->sleepers), 1); /* b sleeps */
	ck_assert_int_eq(gate_inside, 1);                 /* and has not written */
	pthread_mutex_lock(&gate_mu);
	gate_open = 1;
	pthread_cond_broadcast(&gate_cv);
	pthread_mutex_unlock(&gate_mu);
	pthread_join(a, &ra);
	pthread_join(b, &rb);
	ck_assert_ptr_null(ra);
	ck_assert_ptr_null(rb);
	ck_assert_int_eq(gate_inside, 2);
	ck_assert_uint_eq(atomic_load(&p->sleepers), 0);
	ck_assert_int_eq(pws_team_add(p, "a", "a", PWS_PLAN_FREE, 0, NULL), PWS_EEXISTS);
	ck_assert_int_eq(pws_team_add(p, "b", "b", PWS_PLAN_FREE, 0, NULL), PWS_EEXISTS);
	pws_policy_free(p);
}
END_TEST

/* IN3: a call's address taken to its identity key through the handle's
 * last domain gives pws__email_key's answer, reason and key, whatever
 * came before it (each address after each other one). */
START_TEST(in3_addresses_at_the_last_domain_get_the_normalizers_answer)
{
	static const char *const in[] = {
		"x@example.com", "Y.z@example.com", "y@Example.com", "y@example.com.",
		"y..z@example.com", ".y@example.com", "y.@example.com", "\"q\"@example.com",
		"a@b@example.com", "a b@example.com", "a@example.co", "a@xexample.com",
		"@example.com", "x@", "x", "\xc3\xa9@example.com", "x+tag@example.com",
		"a(b@example.com", "a[b@example.com", "x@sub.example.com", "x@1.2.3.4",
		("x@" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com"),
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com",
		"x~!#$%&'*/=?^_`{|}@example.com", "x\x7f@example.com",
	};
	size_t n = sizeof in / sizeof in[0], i, j;
	pws_policy *p;
	pws__op op;

	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	ck_assert_int_eq(pws__op_begin(&op, p, NULL), PWS_OK);
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			char want[PWS__EMAIL_MAX + 1], got[PWS__EMAIL_MAX + 1], prime[PWS__EMAIL_MAX + 1];
			const char *wwhy = NULL, *gwhy = NULL;
			int wrc = pws__email_key(want, in[j], strlen(in[j]), &wwhy);

			(void)pws__op_email_key(&op, prime, in[i], &gwhy);
			gwhy = NULL;
			ck_assert_int_eq(pws__op_email_key(&op, got, in[j], &gwhy), wrc);
			if (wrc == PWS_OK)
				ck_assert_str_eq(got, want);
			else
				ck_assert_str_eq(gwhy, wwhy);
		}
	ck_assert_int_eq(pws__op_end(&op, PWS_OK), PWS_OK);
	pws_policy_free(p);
}
END_TEST

/* --- the notice arena full at every point ---------------------------------------
 * A call's notices live in 64 KiB chunks; an allocation fails only when a
 * chunk is full. These tests fill the current chunk to leave `room`
 * bytes, then let every further allocation fail, for each room from 0 up:
 * each notice builder fails cleanly wherever its chunk runs out (or
 * succeeds when it fits), and the call ends with nothing changed, no
 * event, no leak. */
#define EVSZ ((sizeof(struct pws_event) + 15) & ~(size_t)15)
#define CHUNK ((size_t)64 * 1024)
#define MAXROOM 4096

typedef int (*builder)(pws__op *op);

static uint32_t uidx(pws__op *op, const char *id)
{
	uint32_t u = pws__user_find(op->m, id);

	ck_assert_uint_ne(u, PWS__NONE);
	return u;
}

/* Fills the fresh arena of op so that exactly room bytes stay free in its
 * chunk: notices whose subjects (distinct strings, kept in keep[]) take
 * the rest, none large enough for a chunk of its own. */
static size_t fill(pws__op *op, size_t room, char **keep)
{
	size_t n = CHUNK - room, k = 0;

	while (n) {
		size_t sz = n, len;

		if (sz > EVSZ + 16384)
			sz = EVSZ + 16384;
		if (n - sz && n - sz < EVSZ + 16)
			sz = n - EVSZ - 16;
		len = sz - EVSZ;
		keep[k] = malloc(len);
		memset(keep[k], 'f', len - 1);
		keep[k][len - 1] = 0;
		ck_assert_ptr_nonnull(pws__ev_new(op, PWS_EV_INVITED, 0, 0, PWS__NONE, PWS__NONE,
		                                  keep[k]));
		k++;
		n -= sz;
	}
	return k;
}

static int b_new(pws__op *op)
{
	return pws__ev_new(op, PWS_EV_INVITED, PWS_RULE_TT3, PWS_CHANNEL_EMAIL,
	                   pws__team_find(op->m, "pub"), uidx(op, "pam"), "subject") ? PWS_OK
	                                                                          : PWS_ENOMEM;
}

static int b_ws(pws__op *op)
{
	struct pws_event *e = pws__ev_new(op, PWS_EV_INVITED, 0, 0, PWS__NONE, PWS__NONE, NULL);

	if (!e)
		return PWS_ENOMEM;
	return pws__ev_ws(op, e, pws__ws_find(op->m, "hub"));
}

static int b_users(pws__op *op)
{
	struct pws_event *e = pws__ev_new(op, PWS_EV_INVITED, 0, 0, PWS__NONE, PWS__NONE, NULL);
	char id[12];
	int i, rc;

	if (!e)
		return PWS_ENOMEM;
	for (i = 0; i < 80; i++) { /* 40 users, each twice: one notice each */
		snprintf(id, sizeof id, "m%d", i % 40);
		if ((rc = pws__ev_user(op, e, uidx(op, id))))
			return rc;
	}
	ck_assert_uint_eq(e->nrcpt, 40);
	return PWS_OK;
}

static int b_users_new(pws__op *op)
{
	struct pws_event *e = pws__ev_new(op, PWS_EV_INVITED, 0, 0, PWS__NONE, PWS__NONE, NULL);
	char id[16];
	int i, rc;

	if (!e)
		return PWS_ENOMEM;
	for (i = 0; i < 40; i++) {
		snprintf(id, sizeof id, "m%d", i);
		if ((rc = pws__ev_user_new(op, e, uidx(op, id))))
			return rc;
	}
	return pws__ev_str(op, e, "someone@else.com");
}

static int b_managers(pws__op *op)
{
	struct pws_event *e = pws__ev_new(op, PWS_EV_INVITED, 0, 0, PWS__NONE, PWS__NONE, NULL);

	if (!e)
		return PWS_ENOMEM;
	return pws__ev_managers(op, e, pws__team_find(op->m, "pub"), 1);
}

static int b_members_split(pws__op *op)
{
	return pws__notify_members(op, PWS_EV_UPDATE_POSTED, PWS_RULE_VI5, PWS_CHANNEL_IN_APP,
	                           pws__ws_find(op->m, "single"), uidx(op, "pam"), "s",
	                           PWS__NONE, 1);
}

static int b_downgraded(pws__op *op)
{
	return pws__notify_downgraded(op, pws__ws_find(op->m, "single"), uidx(op, "pam"));
}

static void room_sweep(builder b)
{
	pws_policy *p;
	uint64_t d;
	size_t room, fails = 0, oks = 0;

	tc_alloc_reset();
	p = events_world();
	d = tw_digest(p);
	ev_count = 0;
	for (room = 0; room <= MAXROOM; room += 16) {
		pws__op op;
		char *keep[16];
		size_t k, i;
		int rc;

		ck_assert_int_eq(pws__op_begin(&op, p, NULL), PWS_OK);
		k = fill(&op, room, keep);
		tc_alloc_fail_at(1, 1);
		rc = b(&op);
		tc_alloc_fail_at(0, 0);
		ck_assert_msg(rc == PWS_OK || rc == PWS_ENOMEM, "room %zu: %d", room, rc);
		if (rc)
			fails++;
		else
			oks++;
		ck_assert_int_eq(pws__op_end(&op, PWS_ENOMEM), PWS_ENOMEM);
		for (i = 0; i < k; i++)
			free(keep[i]);
	}
	ck_assert_uint_gt(fails, 0); /* no room: it fails */
	ck_assert_uint_eq(ev_count, 0);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
	(void)oks;
}

START_TEST(arena_full_new_notice)
{
	room_sweep(b_new);
}
END_TEST

START_TEST(arena_full_notice_workspace)
{
	room_sweep(b_ws);
}
END_TEST

START_TEST(arena_full_notice_users)
{
	room_sweep(b_users);
}
END_TEST

START_TEST(arena_full_notice_new_users)
{
	room_sweep(b_users_new);
}
END_TEST

START_TEST(arena_full_managers)
{
	room_sweep(b_managers);
}
END_TEST

START_TEST(arena_full_members_split)
{
	room_sweep(b_members_split);
}
END_TEST

START_TEST(arena_full_downgraded)
{
	room_sweep(b_downgraded);
}
END_TEST

Suite *pws_cover_core_suite(void)
{
	Suite *s = suite_create("cover_core");
	TCase *tc = tcase_create("cover_core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, alloc_zero_sizes_and_overflow);
	tcase_add_test(tc, model_string_arena);
	tcase_add_test(tc, strerror_every_code_has_text);
	tcase_add_test(tc, options_versions_and_storage_without_put);
	tcase_add_test(tc, result_versions);
	tcase_add_test(tc, ids_with_del_or_too_long_are_malformed);
	tcase_add_test(tc, load_state_refuses_every_malformed_field);
	tcase_add_test(tc, load_state_many_organizations);
	tcase_add_test(tc, conflicts_in_a_row_are_retried);
	tcase_add_test(tc, endless_conflict_gives_up_changing_nothing);
	tcase_add_test(tc, catch_up_failure_after_conflict_is_reported);
	tcase_add_test(tc, failed_check_after_append_is_storage_failure);
	tcase_add_test(tc, conflict_outside_append_is_storage_failure);
	tcase_add_test(tc, commit_landed_but_failed_is_read_back);
	tcase_add_test(tc, load_state_into_empty_store);
	tcase_add_test(tc, storage_callback_reentry_is_misuse);
	tcase_add_test(tc, policy_wait_feed_failure_and_signals);
	tcase_add_test(tc, replay_and_catch_up_send_no_events);
	tcase_add_test(tc, events_oom_post_split_per_org);
	tcase_add_test(tc, events_oom_request_to_managers);
	tcase_add_test(tc, events_oom_request_cr8);
	tcase_add_test(tc, events_oom_enable_multi);
	tcase_add_test(tc, events_oom_invite);
	tcase_add_test(tc, events_oom_convert);
	tcase_add_test(tc, events_oom_convert_INT1_integration_off);
	tcase_add_test(tc, events_oom_migrate_many);
	tcase_add_test(tc, events_oom_remove);
	tcase_add_test(tc, events_oom_post_legacy);
	tcase_add_test(tc, migrate_names_each_workspace_once);
	tcase_add_test(tc, ws4_partner_moved_to_owning_team_is_not_told);
	tcase_add_test(tc, ro2_team_editors_keep_their_role_untold);
	tcase_add_test(tc, writers_wait_for_each_other);
	tcase_add_test(tc, writer_finding_the_lock_taken_sleeps_until_released);
	tcase_add_test(tc, in3_addresses_at_the_last_domain_get_the_normalizers_answer);
	tcase_add_test(tc, arena_full_new_notice);
	tcase_add_test(tc, arena_full_notice_workspace);
	tcase_add_test(tc, arena_full_notice_users);
	tcase_add_test(tc, arena_full_notice_new_users);
	tcase_add_test(tc, arena_full_managers);
	tcase_add_test(tc, arena_full_members_split);
	tcase_add_test(tc, arena_full_downgraded);
	suite_add_tcase(s, tc);
	return s;
}
