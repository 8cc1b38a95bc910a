/*
 * State images, version 2 (lib/image-pack.h, doc/STORAGE.md): a packed
 * section unpacks into exactly the version 1 section of the same users,
 * workspaces and rows, written here by hand from the version 1 layout;
 * malformed packing is refused and never read past; pws_compact and a
 * written-through pws_load_state write version 2, which replays into the
 * same state, and which packs a run of one domain and one team small.
 * SPDX-License-Identifier: MIT
 */
#include "test-common.h"
#include "test-world.h"
#include "mem-store.h"
#include "image-bytes.h"
#include "../lib/image.h"
#include "../lib/image-pack.h"
#include "../lib/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct puser {
	const char *id, *email, *team;
	unsigned role, pm;
} puser;

typedef struct prow {
	uint32_t ws, user, org, seen;
	unsigned role, lead;
} prow;

static char long_id[301], long_dom[301], long_team[301], long_email[400], long_email2[400];

/* Users and rows of every shape the packing distinguishes. */
static puser users[] = {
	{ "abc", "a@x.com", NULL, 0, 0 },
	{ "abd", "b@x.com", "pub", 1, 0 },        /* shared prefix, same domain */
	{ "abd", "noat", "pub", 2, 1 },           /* the same id; no '@'; same team */
	{ "b", "c@x.com", NULL, 3, 1 },           /* a domain after none; no team */
	{ "b2", "a@b@y.org", "pub", 4, 0 },       /* split at the last '@' */
	{ "b3", "@y.org", "", 5, 0 },             /* empty local part; a removed team */
	{ "b4", "d@", "", 6, 0 },                 /* an empty domain; "" again */
	{ "b5", "e@", NULL, 255, 255 },           /* the empty domain again */
	{ NULL, NULL, NULL, 1, 0 },               /* long_id, long_email, long_team */
	{ NULL, NULL, NULL, 1, 0 },               /* the same, each over 255 bytes */
	{ "z", "z@x.com", "t", 7, 1 },
};

static const prow rows[] = {
	{ 3, 5, UINT32_MAX, 0, 1, 0 },
	{ 3, 6, 0, 127, 2, 1 },
	{ 0, 0, 1, 128, 3, 0 },                          /* both go back */
	{ UINT32_MAX, UINT32_MAX, 300, UINT32_MAX, 255, 255 },
	{ 0, 1, UINT32_MAX - 1, 16384, 0, 2 },          /* from the top back to 0 */
	{ 2000000, 0, 5, 1, 1, 0 },
};

#define NU (sizeof users / sizeof users[0])
#define NR (sizeof rows / sizeof rows[0])

static const char ws_part[] = "the workspaces and organizations: copied as they are";

static void shapes_init(void)
{
	memset(long_id, 'i', 300);
	memset(long_dom, 'd', 300);
	memset(long_team, 't', 300);
	snprintf(long_email, sizeof long_email, "l@%s", long_dom);
	snprintf(long_email2, sizeof long_email2, "m@%s", long_dom);
	users[8].id = users[9].id = long_id;
	users[8].email = long_email;
	users[9].email = long_email2;
	users[8].team = users[9].team = long_team;
}

/* The version 1 section, by hand from the layout in image.h. */
static void write_v1(bbuf *w)
{
	size_t i;

	b_head(w);
	b_u32(w, (uint32_t)NU);
	for (i = 0; i < NU; i++)
		b_user(w, users[i].id, users[i].email, users[i].team, (int)users[i].role,
		       (int)users[i].pm);
	b_raw(w, ws_part, sizeof ws_part - 1);
	b_u32(w, (uint32_t)NR);
	for (i = 0; i < NR; i++)
		b_row(w, rows[i].ws, rows[i].user, rows[i].org, rows[i].seen, (int)rows[i].role,
		      (int)rows[i].lead);
}

/* The version 2 section of the same, through the packer. */
static void write_v2(bbuf *w)
{
	pws__packer k;
	unsigned char *q;
	size_t i;

	memset(w, 0, sizeof *w);
	b_raw(w, "PWSI", 4);
	b_u32(w, 2);
	b_u32(w, (uint32_t)NU);
	pws__packer_init(&k);
	for (i = 0; i < NU; i++) {
		const puser *u = &users[i];
		size_t il = strlen(u->id), el = strlen(u->email), tl = u->team ? strlen(u->team) : 0;

		unsigned char *at = b_room(w, PWS__PACK_USER_MAX(il, el, tl));

		q = pws__pack_user(&k, at, u->id, il, u->email, el, u->team, tl, u->role, u->pm);
		ck_assert_uint_le((size_t)(q - at), PWS__PACK_USER_MAX(il, el, tl));
		w->n = (size_t)(q - w->b);
	}
	b_u32(w, (uint32_t)(sizeof ws_part - 1));
	b_raw(w, ws_part, sizeof ws_part - 1);
	b_u32(w, (uint32_t)NR);
	pws__packer_init(&k);
	for (i = 0; i < NR; i++) {
		const prow *r = &rows[i];
		unsigned char *at = b_room(w, PWS__PACK_ROW_MAX);

		q = pws__pack_row(&k, at, r->ws, r->user, r->org, r->seen, r->role, r->lead);
		ck_assert_uint_le((size_t)(q - at), PWS__PACK_ROW_MAX);
		w->n = (size_t)(q - w->b);
	}
}

/* Unpacks an exact-size copy (a read past it is a sanitizer's and
 * valgrind's error); the status, and the message in msg. */
static int unpack(const unsigned char *b, size_t n, bbuf *v1, char *msg, size_t msz)
{
	pws__mem mem;
	pws__unpacked o = { NULL, 0, 0 };
	unsigned char *c = malloc(n ? n : 1);
	int rc;

	ck_assert_ptr_nonnull(c);
	memcpy(c, b, n);
	pws__mem_default(&mem);
	msg[0] = 0;
	rc = pws__image_unpack(&mem, c, n, &o, msg, msz);
	if (rc == PWS_OK) {
		ck_assert_ptr_nonnull(o.b);
		ck_assert_uint_le(o.len, o.cap);
		if (v1) {
			v1->n = 0;
			b_raw(v1, o.b, o.len);
		}
		pws__image_unpacked_free(&mem, &o);
	} else {
		ck_assert_ptr_null(o.b);
	}
	free(c);
	return rc;
}

START_TEST(image_v2_unpacks_to_the_version_1_section_it_packs)
{
	bbuf v1, v2, out;
	char msg[256];

	memset(&out, 0, sizeof out);
	shapes_init();
	write_v1(&v1);
	write_v2(&v2);
	ck_assert_int_eq(unpack(v2.b, v2.n, &out, msg, sizeof msg), PWS_OK);
	ck_assert_uint_eq(out.n, v1.n);
	ck_assert_int_eq(memcmp(out.b, v1.b, v1.n), 0);
	/* the shapes above pack smaller, even with the long strings in them */
	ck_assert_uint_lt(v2.n, v1.n);
	free(v1.b);
	free(v2.b);
	free(out.b);
}
END_TEST

/* Every proper prefix of a packed section is refused, never read past. */
START_TEST(image_v2_truncated_anywhere_refused)
{
	bbuf v2;
	char msg[256];
	size_t k;

	shapes_init();
	write_v2(&v2);
	for (k = 8; k < v2.n; k++) {
		ck_assert_msg(unpack(v2.b, k, NULL, msg, sizeof msg) == PWS_EINVALID,
		              "cut at %zu of %zu: unpacked", k, v2.n);
		ck_assert_msg(strstr(msg, "image.") == msg, "cut at %zu: '%s'", k, msg);
	}
	free(v2.b);
}
END_TEST

/* A section of one user, then no workspaces and no rows; the user's bytes
 * as given. */
static size_t one_user(unsigned char *b, const unsigned char *user, size_t ul)
{
	static const unsigned char head[] = { 'P', 'W', 'S', 'I', 2, 0, 0, 0, 1, 0, 0, 0 };
	static const unsigned char tail[] = { 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

	memcpy(b, head, sizeof head);
	memcpy(b + sizeof head, user, ul);
	memcpy(b + sizeof head + ul, tail, sizeof tail);
	return sizeof head + ul + sizeof tail;
}

static void refused_as(const unsigned char *user, size_t ul, const char *where)
{
	unsigned char b[512];
	char msg[256];
	size_t n = one_user(b, user, ul);

	ck_assert_int_eq(unpack(b, n, NULL, msg, sizeof msg), PWS_EINVALID);
	ck_assert_msg(strstr(msg, where) != NULL, "'%s' does not name %s", msg, where);
}

/* Back-references with nothing to refer to, or past what they may copy;
 * varints past 32 bits; bytes after the last row; counts past the bytes. */
START_TEST(image_v2_malformed_refused)
{
	/* id: p, s, bytes; local part: p, s, bytes; domain; team; role; pm */
	static const unsigned char good[] = { 0, 1, 'u', 0, 1, 'a', 6, 'x', '.', 'c', 'o', 5, 'p', 'u', 'b', 1, 0 };
	static const unsigned char id_p[] = { 1, 1, 'u', 0, 1, 'a', 1, 0, 0, 0 };
	static const unsigned char loc_p[] = { 0, 1, 'u', 2, 0, 1, 0, 0, 0 };
	static const unsigned char dom_rep[] = { 0, 1, 'u', 0, 1, 'a', 0, 0, 0, 0 };
	static const unsigned char team_rep[] = { 0, 1, 'u', 0, 1, 'a', 1, 1, 0, 0 };
	static const unsigned char var6[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 1, 'u', 0, 1, 'a', 1, 0, 0, 0 };
	static const unsigned char var33[] = { 0, 0x81, 0x80, 0x80, 0x80, 0x10, 'u', 0, 1, 'a', 1, 0, 0, 0 };
	static const unsigned char s_long[] = { 0, 0xff, 0x7f, 'u' };
	unsigned char b[1024];
	char msg[256];
	size_t n;

	n = one_user(b, good, sizeof good);
	ck_assert_int_eq(unpack(b, n, NULL, msg, sizeof msg), PWS_OK);
	refused_as(id_p, sizeof id_p, "users[0].id");
	refused_as(loc_p, sizeof loc_p, "users[0].email");
	refused_as(dom_rep, sizeof dom_rep, "users[0].email");
	refused_as(team_rep, sizeof team_rep, "users[0].team");
	refused_as(var6, sizeof var6, "users[0].id");
	refused_as(var33, sizeof var33, "users[0].id");
	refused_as(s_long, sizeof s_long, "users[0]");
	/* a byte after the last row */
	n = one_user(b, good, sizeof good);
	b[n] = 0;
	ck_assert_int_eq(unpack(b, n + 1, NULL, msg, sizeof msg), PWS_EINVALID);
	ck_assert_ptr_nonnull(strstr(msg, "after the last row"));
	/* more users or rows than the bytes could hold */
	n = one_user(b, good, sizeof good);
	b[8] = 0xff;
	ck_assert_int_eq(unpack(b, n, NULL, msg, sizeof msg), PWS_EINVALID);
	ck_assert_ptr_nonnull(strstr(msg, "image.users: truncated"));
	n = one_user(b, good, sizeof good);
	b[n - 4] = 1;
	ck_assert_int_eq(unpack(b, n, NULL, msg, sizeof msg), PWS_EINVALID);
	ck_assert_ptr_nonnull(strstr(msg, "image.rows: truncated"));
	/* a workspaces part longer than what is left */
	n = one_user(b, good, sizeof good);
	b[n - 12] = 9;
	ck_assert_int_eq(unpack(b, n, NULL, msg, sizeof msg), PWS_EINVALID);
	ck_assert_ptr_nonnull(strstr(msg, "image.workspaces"));
}
END_TEST

/* A prefix of more than 255 bytes, and a repeat of a domain or a team of
 * more than 255 (which the packer never writes), are refused. */
START_TEST(image_v2_references_past_255_bytes_refused)
{
	unsigned char u[1400], *q = u;
	size_t i;

	/* user 0: a 300-byte id, local part, domain and team */
	*q++ = 0; *q++ = 0xac; *q++ = 0x02; /* s = 300 */
	for (i = 0; i < 300; i++) *q++ = 'i';
	*q++ = 0; *q++ = 1; *q++ = 'a';
	*q++ = 0xae; *q++ = 0x02;           /* d = 302: 300 bytes */
	for (i = 0; i < 300; i++) *q++ = 'd';
	*q++ = 0xae; *q++ = 0x02;           /* t = 302: 300 bytes */
	for (i = 0; i < 300; i++) *q++ = 't';
	*q++ = 1; *q++ = 0;
	{
		unsigned char b[2048], two[1400];
		char msg[256];
		size_t n0 = (size_t)(q - u), n;
		static const unsigned char p256[] = { 0x80, 0x02, 0, 0, 1, 'b', 1, 0, 1, 0 };
		static const unsigned char dom[] = { 0, 1, 'v', 0, 1, 'b', 0, 0, 1, 0 };
		static const unsigned char team[] = { 0, 1, 'v', 0, 1, 'b', 1, 1, 1, 0 };
		const unsigned char *second[] = { p256, dom, team };
		const char *where[] = { "users[1].id", "users[1].email", "users[1].team" };
		size_t k;

		for (k = 0; k < 3; k++) {
			memcpy(two, u, n0);
			memcpy(two + n0, second[k], sizeof p256);
			n = one_user(b, two, n0 + sizeof p256);
			b[8] = 2; /* two users */
			ck_assert_int_eq(unpack(b, n, NULL, msg, sizeof msg), PWS_EINVALID);
			ck_assert_msg(strstr(msg, where[k]) != NULL, "'%s'", msg);
		}
	}
}
END_TEST

/* An allocator that fails its nth call (0: none) and counts the calls. */
typedef struct failing {
	size_t calls, fail_at;
} failing;

static void *f_malloc(void *ctx, size_t n)
{
	failing *f = ctx;

	return ++f->calls == f->fail_at ? NULL : malloc(n);
}

static void *f_realloc(void *ctx, void *p, size_t n)
{
	failing *f = ctx;

	return ++f->calls == f->fail_at ? NULL : realloc(p, n);
}

static void f_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

enum { GROW_USERS = 2000 };

/* Unpacks section v2 with each allocation failed in turn (the first,
 * the second, ...) until it succeeds: every failure is PWS_ENOMEM with
 * nothing held, the success is exactly v1. Returns the number of the
 * allocation first left to succeed. */
static size_t unpack_failing_each(const bbuf *v2, const bbuf *v1)
{
	pws__mem mem;
	failing f;
	char msg[256];
	size_t k;
	int rc;

	pws__mem_default(&mem);
	mem.a.ctx = &f;
	mem.a.malloc_fn = f_malloc;
	mem.a.realloc_fn = f_realloc;
	mem.a.free_fn = f_free;
	for (k = 1;; k++) {
		pws__unpacked o = { NULL, 0, 0 };

		memset(&f, 0, sizeof f);
		f.fail_at = k;
		rc = pws__image_unpack(&mem, v2->b, v2->n, &o, msg, sizeof msg);
		if (rc == PWS_OK) {
			ck_assert_uint_eq(o.len, v1->n);
			ck_assert_int_eq(memcmp(o.b, v1->b, v1->n), 0);
			pws__image_unpacked_free(&mem, &o);
			return k;
		}
		ck_assert_int_eq(rc, PWS_ENOMEM);
		ck_assert_ptr_null(o.b);
	}
}

/* Users whose ids repeat 255 bytes of the previous one's (2 bytes packed,
 * 259 unpacked): the table grows several times past its first guess; it
 * unpacks into the version 1 section written by hand, and with each of
 * its allocations failed in turn into PWS_ENOMEM and nothing held. */
START_TEST(image_v2_unpacking_grows_its_table_and_fails_whole)
{
	bbuf v2, v1;
	unsigned char *q;
	size_t i;
	char id[256];

	memset(id, 'a', 255);
	id[255] = 0;
	memset(&v2, 0, sizeof v2);
	b_raw(&v2, "PWSI\2\0\0\0", 8);
	b_u32(&v2, GROW_USERS);
	q = b_room(&v2, 265 + (size_t)GROW_USERS * 9);
	*q++ = 0; *q++ = 0xff; *q++ = 0x01; /* 255 bytes */
	memcpy(q, id, 255);
	q += 255;
	*q++ = 0; *q++ = 1; *q++ = 'x'; *q++ = 1; *q++ = 0; *q++ = 0; *q++ = 0;
	for (i = 1; i < GROW_USERS; i++) {
		static const unsigned char same[] = { 0xff, 0x01, 0, 1, 0, 1, 0, 0, 0 };

		memcpy(q, same, sizeof same);
		q += sizeof same;
	}
	v2.n = (size_t)(q - v2.b);
	b_u32(&v2, 4);
	b_u32(&v2, 0);
	b_u32(&v2, 0);
	/* by hand: 2000 users of the id, the address "x", no team */
	b_head(&v1);
	b_u32(&v1, GROW_USERS);
	for (i = 0; i < GROW_USERS; i++)
		b_user(&v1, id, "x", NULL, 0, 0);
	b_u32(&v1, 0); /* the workspaces part's 4 bytes */
	b_u32(&v1, 0); /* rows */
	ck_assert_uint_gt(v1.n, 3 * v2.n + 4096); /* past the first guess */
	/* the first table and at least one growth failed */
	ck_assert_uint_ge(unpack_failing_each(&v2, &v1), 3);
	free(v1.b);
	free(v2.b);
}
END_TEST

enum { MANY_ROWS = 50000 };

/* One user and many rows: the rows' 20 bytes each pass the table's first
 * guess (three times the section) and grow it; with each allocation
 * failed in turn, PWS_ENOMEM and nothing held. */
START_TEST(image_v2_rows_grow_the_table_and_fail_whole)
{
	static const unsigned char user[] = { 0, 1, 'u', 0, 1, 'a', 1, 0, 0, 0 };
	static const unsigned char row[] = { 0, 2, 0, 0, 1, 0 }; /* user + 1, viewer */
	bbuf v2, v1;
	size_t i;

	memset(&v2, 0, sizeof v2);
	b_raw(&v2, "PWSI\2\0\0\0", 8);
	b_u32(&v2, 1);
	b_raw(&v2, user, sizeof user);
	b_u32(&v2, 0); /* no workspaces part */
	b_u32(&v2, MANY_ROWS);
	for (i = 0; i < MANY_ROWS; i++)
		b_raw(&v2, row, sizeof row);
	b_head(&v1);
	b_u32(&v1, 1);
	b_user(&v1, "u", "a", NULL, 0, 0);
	b_u32(&v1, MANY_ROWS);
	for (i = 0; i < MANY_ROWS; i++)
		b_row(&v1, 0, (uint32_t)i + 1, UINT32_MAX, 0, 1, 0);
	ck_assert_uint_gt(v1.n, 3 * v2.n + 4096); /* past the first guess */
	/* the first table and the rows' growth failed */
	ck_assert_uint_ge(unpack_failing_each(&v2, &v1), 3);
	free(v1.b);
	free(v2.b);
}
END_TEST

/* The image record's binary section, from a store holding one record. */
static const unsigned char *image_section(const mem_store *s, size_t *len)
{
	pws__arg a[PWS__REC_MAXARGS];
	int op, argc;

	ck_assert_uint_eq(s->n, 1);
	ck_assert_int_eq(pws__rec_decode(s->v[0].data, s->v[0].len, &op, a, &argc), PWS_OK);
	ck_assert_int_eq(op, PWS__OP_STATE_IMAGE);
	ck_assert_int_eq(argc, 2);
	*len = a[1].len;
	return (const unsigned char *)a[1].s;
}

static pws_policy *reopen(mem_store *s)
{
	pws_policy *q = NULL;

	ck_assert_int_eq(mem_store_open(s, NULL, &q), PWS_OK);
	return q;
}

enum { RUN_USERS = 1000 };

/* pws_compact writes version 2; a run of users of one domain and one team,
 * each a member of one workspace, packs into 16 bytes a user and its row
 * (version 1: 56); the replay rebuilds the same state. */
START_TEST(image_v2_written_by_compact_replays_the_same_state)
{
	mem_store s;
	pws_policy *p, *q;
	const unsigned char *bin;
	size_t len;
	char id[32], em[48];
	int i;

	memset(&s, 0, sizeof s);
	ck_assert_int_eq(mem_store_open(&s, NULL, &p), PWS_OK);
	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_user_add(p, "owner", "owner@pub.com", "pub", PWS_TEAM_SUPER_ADMIN, 1, RES));
	OK(pws_workspace_create(p, "owner", "w", "W", PWS_VIS_TEAM, NULL, RES));
	for (i = 0; i < RUN_USERS; i++) {
		snprintf(id, sizeof id, "u%05d", i);
		snprintf(em, sizeof em, "u%05d@pub.com", i);
		OK(pws_user_add(p, id, em, "pub", PWS_TEAM_MEMBER, 0, RES));
		OK(pws_invite(p, "owner", "w", em, PWS_INVITE_MEMBER, 1 + i % 3, 0, RES));
		OK(pws_invite_accept(p, id, "w", NULL, RES));
	}
	OK(pws_compact(p, RES));
	bin = image_section(&s, &len);
	ck_assert_int_eq(memcmp(bin, "PWSI\2\0\0\0", 8), 0);
	ck_assert_msg(len < 17u * (RUN_USERS + 1) + 1024, "%zu bytes for %d users and rows", len,
	              RUN_USERS);
	q = reopen(&s);
	ck_assert(tw_digest(p) == tw_digest(q));
	pws_policy_free(q);
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

/* A written-through pws_load_state's record is version 2 and replays into
 * the state the load made. */
START_TEST(image_v2_written_by_a_bulk_load_replays_the_same_state)
{
	static const char json[] = "{\"format\": 1, \"teams\": [{\"id\": \"pub\", \"name\": \"Pub\", "
	                           "\"plan\": \"enterprise\", \"domains\": [\"pub.com\"]}, "
	                           "{\"id\": \"acme\", \"name\": \"Acme\", \"plan\": \"free\"}]}";
	enum { N = 300 };
	static char ids[N][24], ems[N][32];
	static pws_load_user u[N];
	static pws_load_membership mb[N];
	pws_load_workspace w[2] = { { "w0", "W0", "pub", PWS_VIS_TEAM, 0, 0 },
	                            { "w1", "W1", "pub", PWS_VIS_PARTNER, 0, 0 } };
	mem_store s;
	pws_load l;
	pws_policy *p, *q;
	const unsigned char *bin;
	size_t len;
	int i;

	for (i = 0; i < N; i++) {
		int partner = i % 7 == 3; /* runs of one team and one domain, broken */
		uint32_t j = (uint32_t)(N - 1 - i); /* the rows in the users' reverse order */

		snprintf(ids[i], sizeof ids[i], "user-%d", i);
		snprintf(ems[i], sizeof ems[i], partner ? "p%d@acme.org" : "m%d@pub.com", i);
		u[i] = (pws_load_user){ ids[i], ems[i], partner ? "acme" : "pub", PWS_TEAM_MEMBER, 0 };
		if (j % 7 == 3)
			mb[i] = (pws_load_membership){ 1, j, "acme", PWS_ROLE_VIEWER, 0 };
		else
			mb[i] = (pws_load_membership){ j % 2, j, NULL, 1 + (int)(j % 3), 0 };
	}
	memset(&l, 0, sizeof l);
	l.version = PWS_LOAD_VERSION;
	l.json = json;
	l.json_len = sizeof json - 1;
	l.users = u;
	l.n_users = N;
	l.workspaces = w;
	l.n_workspaces = 2;
	l.memberships = mb;
	l.n_memberships = N;
	memset(&s, 0, sizeof s);
	ck_assert_int_eq(mem_store_open(&s, NULL, &p), PWS_OK);
	OK(pws_load_state(p, &l, RES));
	bin = image_section(&s, &len);
	ck_assert_int_eq(memcmp(bin, "PWSI\2\0\0\0", 8), 0);
	q = reopen(&s);
	ck_assert(tw_digest(p) == tw_digest(q));
	pws_policy_free(q);
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

Suite *pws_image_pack_suite(void)
{
	Suite *s = suite_create("image_pack");
	TCase *tc = tcase_create("image_pack");

	tcase_add_test(tc, image_v2_unpacks_to_the_version_1_section_it_packs);
	tcase_add_test(tc, image_v2_truncated_anywhere_refused);
	tcase_add_test(tc, image_v2_malformed_refused);
	tcase_add_test(tc, image_v2_references_past_255_bytes_refused);
	tcase_add_test(tc, image_v2_unpacking_grows_its_table_and_fails_whole);
	tcase_add_test(tc, image_v2_rows_grow_the_table_and_fail_whole);
	tcase_add_test(tc, image_v2_written_by_compact_replays_the_same_state);
	tcase_add_test(tc, image_v2_written_by_a_bulk_load_replays_the_same_state);
	suite_add_tcase(s, tc);
	return s;
}
