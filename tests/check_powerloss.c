/*
 * Power loss and torn writes, through tests/torn-store.c: every mutation
 * of the storage scenario (tests/storage-scenario.c: every operation code
 * but 43 and 44), two compactions (44, several writes in one change set)
 * and a snapshot import (43) are cut by a power loss at their commit, and
 * the disk is rebuilt at every point the change set may have reached:
 * none of it written, each prefix of its writes, all of it; and with the
 * last record written torn: cut at every length, its tail zeroed from
 * every offset, every byte flipped. Reopening must give the state before
 * the change or, when the whole change set reached the disk intact, the
 * state after it (the commit was under way: either is the last committed
 * state), or fail with PWS_ESTORAGE; never another state.
 *
 * Every record the library writes carries a CRC-32C of its own (format
 * 2, doc/STORAGE.md, "Crash safety"), so the guarantee holds on a plain
 * ("unframed") store that hands over whatever bytes it has, as on a
 * framed one (a checksum per record kept by the store, as SQLite's WAL
 * has per frame, which drops a torn last record): every damaged record is
 * refused, and no cut or damage ever loads a third state.
 *
 * PWS_POWERLOSS_STRIDE (default 1) tests one damage offset in that many.
 * SPDX-License-Identifier: MIT
 */
#include "storage-scenario.h"
#include "test-world.h"
#include "torn-store.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tally {
	size_t loads;        /* reopened disks */
	size_t before;       /* loaded the state before the change */
	size_t after;        /* loaded the state after it */
	size_t refused;      /* PWS_ESTORAGE */
	size_t torn_dropped; /* (framed) a torn last record dropped by the store */
	size_t undetected;   /* loaded a third state: damage read as another call (never) */
} tally;

static size_t stride_base(void)
{
	const char *s = getenv("PWS_POWERLOSS_STRIDE");

	return s && atoi(s) > 0 ? (size_t)atoi(s) : 1;
}

/* The damage offsets of a record of len bytes: all of them (a long record,
 * an image or a snapshot: about 200 spread over it, and its last 8 bytes). */
static size_t next_at(size_t at, size_t len)
{
	size_t stride = stride_base();

	if (len > 256 && stride < len / 200)
		stride = len / 200;
	if (at + 8 >= len)
		return at + 1;
	return at + stride < len - 8 ? at + stride : len - 8;
}

/* Whether zeroing the record's bytes from at changes nothing. */
static int zeros_from(const torn_rec *r, size_t at)
{
	size_t i;

	for (i = at; i < r->len; i++)
		if (r->data[i])
			return 0;
	return 1;
}

/* Reopens the disk left by the power loss with k writes of the change set
 * made, the k-th damaged, and checks the outcome. */
static void reboot(const torn_store *s, int v2, size_t k, int damage, size_t at, uint64_t before,
                   uint64_t after, const char *what, tally *t)
{
	torn_store d;
	pws_policy *q;
	size_t n = s->n_lost;
	uint64_t dg = 0;
	int rc, intact;

	if (torn_store_reboot(s, &d, k, damage, at) != 0)
		return;
	rc = torn_store_open(&d, v2, &q);
	ck_assert_msg(rc == PWS_OK || rc == PWS_ESTORAGE, "%s, %zu of %zu writes, damage %d at %zu: %s",
	              what, k, n, damage, at, pws_strerror(rc));
	if (rc == PWS_OK) {
		dg = tw_digest(q);
		pws_policy_free(q);
		ck_assert_int_eq(d.closes, 1);
	} else {
		ck_assert_int_eq(d.closes, 0); /* close is not called: the host keeps its context */
	}
	t->loads++;
	t->refused += rc != PWS_OK;
	t->before += rc == PWS_OK && dg == before;
	t->after += rc == PWS_OK && dg == after && dg != before;
	t->torn_dropped += d.torn_dropped;
	intact = damage == TORN_NONE || (damage == TORN_ZERO_TAIL && zeros_from(&s->lost[k - 1], at));
	if (intact && k == 0)
		ck_assert_msg(rc == PWS_OK && dg == before,
		              "%s: the change set lost whole, the store does not load the state before "
		              "it (%s)", what, pws_strerror(rc));
	else if (intact && k == n)
		ck_assert_msg(rc == PWS_OK && dg == after,
		              "%s: the change set written whole, the store does not load the state "
		              "after it (%s)", what, pws_strerror(rc));
	else if (intact) /* a compaction cut part way: the image replaces what is left */
		ck_assert_msg(rc == PWS_OK && dg == before,
		              "%s: %zu of %zu writes: a compaction cut part way (%s)", what, k, n,
		              pws_strerror(rc));
	else if (s->framed)
		ck_assert_msg(rc != PWS_OK || dg == before,
		              "%s: %zu of %zu writes, damage %d at %zu: loaded another state", what, k,
		              n, damage, at);
	else /* the store handed over a damaged record: its checksum refuses it */
		ck_assert_msg(rc == PWS_ESTORAGE,
		              "%s: %zu of %zu writes, damage %d at %zu: a damaged record was loaded "
		              "(%s)", what, k, n, damage, at, rc == PWS_OK && dg == before ? "the "
		              "state before" : rc == PWS_OK && dg == after ? "the state after" :
		              "ANOTHER STATE");
	if (rc == PWS_OK && dg != before && dg != after)
		t->undetected++;
	torn_store_free(&d);
}

/* Every point a power loss may leave the change set cut at its commit. */
static void every_cut(const torn_store *s, int v2, int damage_too, uint64_t before,
                      uint64_t after, const char *what, tally *t)
{
	size_t k, at;

	ck_assert_uint_ge(s->n_lost, 1);
	for (k = 0; k <= s->n_lost; k++) {
		const torn_rec *last = k ? &s->lost[k - 1] : NULL;

		reboot(s, v2, k, TORN_NONE, 0, before, after, what, t);
		if (!damage_too || !last || last->del)
			continue;
		for (at = 0; at < last->len; at = next_at(at, last->len)) {
			reboot(s, v2, k, TORN_TRUNCATE, at, before, after, what, t);
			reboot(s, v2, k, TORN_ZERO_TAIL, at, before, after, what, t);
			reboot(s, v2, k, TORN_FLIP, at, before, after, what, t);
		}
	}
}

/* The actions: the scenario's steps, a compaction after step 40 and one
 * at the end, then one more call (after an image). */
#define ACTS (STORAGE_STEPS + 3)
#define COMPACT_1 41
#define COMPACT_2 (STORAGE_STEPS + 1)

static int act(pws_policy *p, int a)
{
	if (a == COMPACT_1 || a == COMPACT_2)
		return pws_compact(p, RES);
	if (a == ACTS - 1)
		return pws_team_add(p, "later", "Later", PWS_PLAN_FREE, 0, RES);
	return storage_step(p, a < COMPACT_1 ? a : a - 1);
}

static void print_tally(const char *what, const tally *t)
{
	printf("power loss (%s): %zu reopened disks: %zu the state before, %zu after, %zu refused "
	       "(PWS_ESTORAGE), %zu torn last records dropped by the store, %zu damaged records "
	       "loaded as another call\n",
	       what, t->loads, t->before, t->after, t->refused, t->torn_dropped, t->undetected);
}

static void scenario_cut(int v2, int framed, int damage_too, tally *t)
{
	torn_store s;
	pws_policy *p, *ref;
	char *json = NULL;
	size_t len = 0;
	uint64_t empty;
	int a;

	torn_store_init(&s, framed);
	ck_assert_int_eq(torn_store_open(&s, v2, &p), PWS_OK);
	ck_assert_int_eq(pws_policy_new(&ref, NULL), PWS_OK);
	empty = tw_digest(ref);
	for (a = 0; a < ACTS; a++) {
		uint64_t before = tw_digest(ref), after = before;
		char what[64];
		int rc;

		snprintf(what, sizeof what, "action %d (v%d%s)", a, v2 ? 2 : 1, framed ? ", framed" : "");
		if (a != COMPACT_1 && a != COMPACT_2) {
			rc = act(ref, a);
			ck_assert_msg(rc == PWS_OK, "%s -> %s: %s", what, pws_strerror(rc), tw_res.message);
			after = tw_digest(ref);
			ck_assert_msg(after != before, "%s changed nothing", what);
		}
		/* the power goes at the commit: the call fails, memory unchanged */
		torn_store_cut(&s);
		FAILS(act(p, a), PWS_ESTORAGE);
		ck_assert_msg(tw_digest(p) == before, "%s: a failed commit changed memory", what);
		if (a == COMPACT_1 || a == COMPACT_2)
			ck_assert_uint_gt(s.n_lost, 2); /* the image and the deletions */
		else
			ck_assert_uint_eq(s.n_lost, 1);
		every_cut(&s, v2, damage_too, before, after, what, t);
		/* the process "restarts" with the same store: the call succeeds */
		OK(act(p, a));
		ck_assert_msg(tw_digest(p) == after, "%s: redone, another state", what);
	}
	/* a snapshot import into an empty store (operation 43) */
	ck_assert_int_eq(pws_snapshot_export(ref, &json, &len), PWS_OK);
	{
		torn_store e;
		pws_policy *q;

		torn_store_init(&e, framed);
		ck_assert_int_eq(torn_store_open(&e, v2, &q), PWS_OK);
		torn_store_cut(&e);
		FAILS(pws_snapshot_import(q, json, len, RES), PWS_ESTORAGE);
		ck_assert(tw_digest(q) == empty);
		every_cut(&e, v2, damage_too, empty, tw_digest(ref), "snapshot import", t);
		OK(pws_snapshot_import(q, json, len, RES));
		ck_assert(tw_digest(q) == tw_digest(ref));
		pws_policy_free(q);
		torn_store_free(&e);
	}
	pws_snapshot_free(ref, json);
	/* and the store holds every call, once */
	{
		pws_policy *q;

		ck_assert_int_eq(torn_store_open(&s, v2, &q), PWS_OK);
		ck_assert(tw_digest(q) == tw_digest(ref));
		pws_policy_free(q);
	}
	pws_policy_free(ref);
	pws_policy_free(p);
	torn_store_free(&s);
}

/* A store that checks its records (framed): whatever the cut and the
 * damage, the state before, the state after (whole change set), or
 * PWS_ESTORAGE; never another state. */
START_TEST(powerloss_framed_store_never_loads_another_state)
{
	tally t;

	memset(&t, 0, sizeof t);
	scenario_cut(1, 1, 1, &t);
	print_tally("framed store, version 2", &t);
	ck_assert_uint_gt(t.torn_dropped, 0);
	ck_assert_uint_eq(t.undetected, 0);
}
END_TEST

/* A store that hands over whatever bytes it has: the library itself
 * refuses every damaged record (truncated, zeroed tail, any byte changed:
 * the record's CRC-32C), and loads a change set lost whole or written
 * whole exactly; never another state. */
START_TEST(powerloss_unframed_store_never_loads_another_state)
{
	tally t;

	memset(&t, 0, sizeof t);
	scenario_cut(1, 0, 1, &t);
	print_tally("unframed store, version 2", &t);
	ck_assert_uint_eq(t.undetected, 0);
	ck_assert_uint_eq(t.torn_dropped, 0);
	ck_assert_uint_gt(t.refused, 1000);
}
END_TEST

/* The same through a version-1 table, with the damage. */
START_TEST(powerloss_unframed_version1_table)
{
	tally t;

	memset(&t, 0, sizeof t);
	scenario_cut(0, 0, 1, &t);
	print_tally("unframed store, version 1", &t);
	ck_assert_uint_eq(t.undetected, 0);
}
END_TEST

/* The same cuts through a version-1 table (put, no append). */
START_TEST(powerloss_version1_table)
{
	tally t;

	memset(&t, 0, sizeof t);
	scenario_cut(0, 1, 0, &t);
	print_tally("version 1, no damage", &t);
	ck_assert_uint_eq(t.undetected, 0);
}
END_TEST

/* Builds steps 0 .. n - 1 of the scenario on s (a version-2 table). */
static void build(torn_store *s, int n)
{
	pws_policy *p;
	int i;

	ck_assert_int_eq(torn_store_open(s, 1, &p), PWS_OK);
	for (i = 0; i < n; i++)
		OK(storage_step(p, i));
	pws_policy_free(p);
}

/* Puts a NUL in the middle of the string argument arg of a record. */
static void nul_in_arg(torn_rec *r, const char *arg)
{
	size_t i, n = strlen(arg);

	for (i = 0; i + 5 + n <= r->len; i++)
		if (r->data[i] == 's' && r->data[i + 1] == n && !r->data[i + 2] && !r->data[i + 3] &&
		    !r->data[i + 4] && memcmp(r->data + i + 5, arg, n) == 0) {
			r->data[i + 5 + n / 2] = 0;
			return;
		}
	ck_abort_msg("argument '%s' not found", arg);
}

/* The reserved byte of a record is 0 (doc/STORAGE.md): a record with
 * another value there is damaged, and the load refuses it. */
START_TEST(powerloss_reserved_byte_refused)
{
	torn_store s;
	pws_policy *p;

	torn_store_init(&s, 0);
	build(&s, 12);
	ck_assert_int_eq(torn_store_open(&s, 1, &p), PWS_OK);
	pws_policy_free(p);
	ck_assert_int_eq(s.disk[3].data[1], 0);
	s.disk[3].data[1] = 1;
	ck_assert_int_eq(torn_store_open(&s, 1, &p), PWS_ESTORAGE);
	s.disk[3].data[1] = 0x80;
	ck_assert_int_eq(torn_store_open(&s, 0, &p), PWS_ESTORAGE);
	s.disk[3].data[1] = 0;
	ck_assert_int_eq(torn_store_open(&s, 1, &p), PWS_OK);
	pws_policy_free(p);
	torn_store_free(&s);
}
END_TEST

/* A handle catching up (pws_policy_sync) with a damaged record refuses it
 * whole: PWS_ESTORAGE, its state and revision unchanged. The damage here
 * is a NUL in an optional string (the note of pws_workspace_create, step
 * 20), which read as absent would make a valid call. */
START_TEST(powerloss_sync_refuses_a_damaged_record_whole)
{
	torn_store s;
	pws_policy *writer, *follower;
	uint64_t d, rev0 = 0, rev = 0;
	int i;

	torn_store_init(&s, 0);
	ck_assert_int_eq(torn_store_open(&s, 1, &writer), PWS_OK);
	ck_assert_int_eq(torn_store_open(&s, 1, &follower), PWS_OK);
	for (i = 0; i < 20; i++)
		OK(storage_step(writer, i));
	ck_assert_int_eq(pws_policy_sync(follower, &rev0), PWS_OK);
	ck_assert_uint_eq(rev0, 20);
	d = tw_digest(follower);
	ck_assert(d == tw_digest(writer));
	OK(storage_step(writer, 20)); /* pws_workspace_create(..., note "pls") */
	nul_in_arg(&s.disk[s.n - 1], "pls");
	/* the checksum made right again: the check behind it refuses it */
	torn_reseal(s.disk[s.n - 1].data, s.disk[s.n - 1].len);
	ck_assert_int_eq(pws_policy_sync(follower, &rev), PWS_ESTORAGE);
	ck_assert_msg(tw_digest(follower) == d, "a refused record changed the state");
	ck_assert_int_eq(pws_policy_revision(follower, &rev), PWS_OK);
	ck_assert_uint_eq(rev, rev0);
	/* and the same record refused at a load */
	{
		pws_policy *q;

		ck_assert_int_eq(torn_store_open(&s, 1, &q), PWS_ESTORAGE);
	}
	pws_policy_free(follower);
	pws_policy_free(writer);
	torn_store_free(&s);
}
END_TEST

/* The record checksum is CRC-32C: its check value, and it chains. */
START_TEST(powerloss_crc32c_check_value)
{
	ck_assert_uint_eq(pws__crc32c(0, "123456789", 9), 0xe3069283u);
	ck_assert_uint_eq(pws__crc32c(pws__crc32c(0, "1234", 4), "56789", 5), 0xe3069283u);
	ck_assert_uint_eq(pws__crc32c(0, "", 0), 0);
	ck_assert_uint_eq(pws__crc32c_soft(0, "123456789", 9), 0xe3069283u);
	ck_assert_uint_eq(pws__crc32c_soft(pws__crc32c_soft(0, "1234", 4), "56789", 5), 0xe3069283u);
}
END_TEST

/* The instruction path (8 bytes at a time, then the tail) and the table
 * agree at every length and alignment. */
START_TEST(powerloss_crc32c_paths_agree)
{
	unsigned char b[300];
	size_t i, off;

	for (i = 0; i < sizeof b; i++)
		b[i] = (unsigned char)(i * 131 + 7);
	for (off = 0; off < 8; off++)
		for (i = 0; off + i <= sizeof b; i += 7)
			ck_assert_uint_eq(pws__crc32c(0x1234u, b + off, i),
			                  pws__crc32c_soft(0x1234u, b + off, i));
}
END_TEST

/* A format-1 record (no checksum), built by hand: 'f' format, then 's' a
 * string or 'i' an int64 per argument. Returns its length. */
static size_t rec_build(unsigned char *b, int format, int op, const char *fmt, ...)
{
	va_list ap;
	size_t n = 6;
	int argc = 0;

	b[0] = (unsigned char)format;
	b[1] = 0;
	b[2] = (unsigned char)op;
	b[3] = (unsigned char)(op >> 8);
	va_start(ap, fmt);
	for (; *fmt; fmt++, argc++) {
		if (*fmt == 's') {
			const char *a = va_arg(ap, const char *);
			uint32_t l = (uint32_t)strlen(a);

			b[n++] = 's';
			b[n++] = (unsigned char)l;
			b[n++] = (unsigned char)(l >> 8);
			b[n++] = (unsigned char)(l >> 16);
			b[n++] = (unsigned char)(l >> 24);
			memcpy(b + n, a, l);
			n += l;
		} else {
			uint64_t v = (uint64_t)va_arg(ap, int64_t);
			int k;

			b[n++] = 'i';
			for (k = 0; k < 8; k++)
				b[n++] = (unsigned char)(v >> (8 * k));
		}
	}
	va_end(ap);
	b[4] = (unsigned char)argc;
	b[5] = 0;
	if (format == 2) {
		memset(b + n, 0, 4);
		n += 4;
		torn_reseal(b, n);
	}
	return n;
}

/* Writes one record under key seq into s, as a store would hold it. */
static void put_rec(torn_store *s, uint64_t seq, const unsigned char *d, size_t len)
{
	pws_storage_ops ops;
	char key[17];

	torn_store_ops(s, &ops, 0);
	snprintf(key, sizeof key, "%016llx", (unsigned long long)seq);
	ck_assert_int_eq(ops.begin(ops.ctx), PWS_OK);
	ck_assert_int_eq(ops.put(ops.ctx, PWS_RECORD_OP, key, 16, d, len), PWS_OK);
	ck_assert_int_eq(ops.commit(ops.ctx), PWS_OK);
}

/* Rewrites record i of s's disk in format 1: the same bytes without the
 * checksum, format byte 1 (a store written before format 2). */
static void to_format1(torn_store *s, size_t i)
{
	ck_assert_int_eq(s->disk[i].data[0], 2);
	s->disk[i].data[0] = 1;
	s->disk[i].len -= 4;
}

/* Stores written by earlier versions (format 1, no checksum) still load,
 * whole or mixed with format-2 records, a state image included; the
 * library writes format 2. */
START_TEST(powerloss_format1_records_still_load)
{
	torn_store s;
	pws_policy *p;
	uint64_t d;
	size_t i;
	int mixed;

	for (mixed = 0; mixed < 2; mixed++) {
		torn_store_init(&s, 0);
		ck_assert_int_eq(torn_store_open(&s, 1, &p), PWS_OK);
		for (i = 0; i < 40; i++)
			OK(storage_step(p, (int)i));
		OK(pws_compact(p, RES));
		for (; i < STORAGE_STEPS; i++)
			OK(storage_step(p, (int)i));
		d = tw_digest(p);
		pws_policy_free(p);
		ck_assert_int_eq(s.disk[0].data[0], 2);
		ck_assert_int_eq(s.disk[0].data[2], 44); /* the image */
		for (i = 0; i < s.n; i++)
			if (!mixed || i % 2 == 0)
				to_format1(&s, i);
		ck_assert_int_eq(torn_store_open(&s, 1, &p), PWS_OK);
		ck_assert_msg(tw_digest(p) == d, "format-1 records loaded another state");
		/* the next change is written in format 2, after them */
		OK(pws_team_add(p, "later", "Later", PWS_PLAN_FREE, 0, RES));
		ck_assert_int_eq(s.disk[s.n - 1].data[0], 2);
		d = tw_digest(p);
		pws_policy_free(p);
		ck_assert_int_eq(torn_store_open(&s, 1, &p), PWS_OK);
		ck_assert(tw_digest(p) == d);
		pws_policy_free(p);
		torn_store_free(&s);
	}
}
END_TEST

/* A format-1 record built by hand from doc/STORAGE.md loads; the same
 * call in format 2 needs its checksum. */
START_TEST(powerloss_format1_literal_record)
{
	static const unsigned char team_add[] = {
		1, 0, 1, 0, 4, 0,             /* format 1, reserved, pws_team_add, 4 arguments */
		's', 1, 0, 0, 0, 't',         /* team_id "t" */
		's', 2, 0, 0, 0, 'T', 'e',    /* name "Te" */
		'i', 1, 0, 0, 0, 0, 0, 0, 0,  /* plan PWS_PLAN_FREE */
		'i', 0, 0, 0, 0, 0, 0, 0, 0,  /* sso 0 */
	};
	unsigned char b[64];
	torn_store s;
	pws_policy *p, *ref;
	size_t n;

	ck_assert_int_eq(pws_policy_new(&ref, NULL), PWS_OK);
	OK(pws_team_add(ref, "t", "Te", PWS_PLAN_FREE, 0, RES));
	torn_store_init(&s, 0);
	put_rec(&s, 1, team_add, sizeof team_add);
	ck_assert_int_eq(torn_store_open(&s, 1, &p), PWS_OK);
	ck_assert(tw_digest(p) == tw_digest(ref));
	pws_policy_free(p);
	torn_store_free(&s);
	/* the same bytes as format 2: a checksum trailer over them */
	n = rec_build(b, 2, 1, "ssii", "t", "Te", (int64_t)1, (int64_t)0);
	ck_assert_uint_eq(n, sizeof team_add + 4);
	ck_assert_int_eq(memcmp(b + 1, team_add + 1, sizeof team_add - 1), 0);
	torn_store_init(&s, 0);
	put_rec(&s, 1, b, n);
	ck_assert_int_eq(torn_store_open(&s, 1, &p), PWS_OK);
	ck_assert(tw_digest(p) == tw_digest(ref));
	pws_policy_free(p);
	/* format 2 without its trailer, or with a wrong one: refused */
	s.disk[0].len -= 4;
	ck_assert_int_eq(torn_store_open(&s, 1, &p), PWS_ESTORAGE);
	s.disk[0].len += 4;
	s.disk[0].data[n - 1] ^= 1;
	ck_assert_int_eq(torn_store_open(&s, 1, &p), PWS_ESTORAGE);
	torn_store_free(&s);
	pws_policy_free(ref);
}
END_TEST

/* Any byte of any stored record changed, in any bit: refused (the
 * format byte changed to 1 too: four bytes then stand unaccounted). */
START_TEST(powerloss_any_changed_byte_refused)
{
	torn_store s;
	pws_policy *p;
	size_t i, j;
	int bit;

	torn_store_init(&s, 0);
	build(&s, 25);
	for (i = 0; i < s.n; i++)
		for (j = 0; j < s.disk[i].len; j++)
			for (bit = 0; bit < 9; bit++) {
				unsigned char x = bit < 8 ? (unsigned char)(1u << bit) : 0xff;

				if (j == 0 && bit == 8)
					x = 0x2 ^ 0x1; /* format 2 read as 1 */
				s.disk[i].data[j] ^= x;
				ck_assert_msg(torn_store_open(&s, 1, &p) == PWS_ESTORAGE,
				              "record %zu, byte %zu ^ %#x loaded", i, j, x);
				s.disk[i].data[j] ^= x;
			}
	ck_assert_int_eq(torn_store_open(&s, 1, &p), PWS_OK);
	pws_policy_free(p);
	torn_store_free(&s);
}
END_TEST

/* A stored integer out of the range of its parameter's type (an int, a
 * uint32_t) is damage: refused, not truncated into another valid call
 * (plan 2^32 + 1 cast to int is PWS_PLAN_FREE), at a load and at a sync,
 * which keeps the handle's state. Format 1 (no checksum) and format 2
 * (the checksum made right: the check behind it). */
START_TEST(powerloss_out_of_range_integer_refused)
{
	static const int64_t bad_int[] = { ((int64_t)1 << 32) + 1, (int64_t)INT32_MAX + 1,
	                                   (int64_t)INT32_MIN - 1, INT64_MIN };
	static const int64_t bad_u32[] = { -1, (int64_t)UINT32_MAX + 1, ((int64_t)1 << 32) + 3 };
	unsigned char b[128];
	torn_store s;
	pws_policy *p, *follower;
	uint64_t d, rev;
	size_t i, n;
	int format;

	for (format = 1; format <= 2; format++) {
		for (i = 0; i < sizeof bad_int / sizeof bad_int[0]; i++) {
			torn_store_init(&s, 0);
			n = rec_build(b, format, 1, "ssii", "t", "T", bad_int[i], (int64_t)0);
			put_rec(&s, 1, b, n);
			ck_assert_msg(torn_store_open(&s, 1, &p) == PWS_ESTORAGE,
			              "format %d: plan %lld loaded", format, (long long)bad_int[i]);
			torn_store_free(&s);
		}
		for (i = 0; i < sizeof bad_u32 / sizeof bad_u32[0]; i++) {
			torn_store_init(&s, 0);
			n = rec_build(b, format, 1, "ssii", "t", "T", (int64_t)1, (int64_t)0);
			put_rec(&s, 1, b, n);
			/* pws_team_set_editor_seats(team, seats): seats a uint32_t */
			n = rec_build(b, format, 6, "si", "t", bad_u32[i]);
			put_rec(&s, 2, b, n);
			ck_assert_msg(torn_store_open(&s, 1, &p) == PWS_ESTORAGE,
			              "format %d: seats %lld loaded", format, (long long)bad_u32[i]);
			/* in range: loads */
			n = rec_build(b, format, 6, "si", "t", (int64_t)UINT32_MAX);
			s.disk[1].data = realloc(s.disk[1].data, n);
			memcpy(s.disk[1].data, b, n);
			s.disk[1].len = n;
			ck_assert_int_eq(torn_store_open(&s, 1, &p), PWS_OK);
			pws_policy_free(p);
			torn_store_free(&s);
		}
		/* a follower catching up refuses it whole */
		torn_store_init(&s, 0);
		ck_assert_int_eq(torn_store_open(&s, 1, &follower), PWS_OK);
		d = tw_digest(follower);
		n = rec_build(b, format, 1, "ssii", "t", "T", bad_int[0], (int64_t)0);
		put_rec(&s, 1, b, n);
		ck_assert_int_eq(pws_policy_sync(follower, &rev), PWS_ESTORAGE);
		ck_assert_uint_eq(rev, 0);
		ck_assert(tw_digest(follower) == d);
		pws_policy_free(follower);
		torn_store_free(&s);
	}
}
END_TEST

/* Removes record i from s's disk (a lost record). */
static void drop_rec(torn_store *s, size_t i)
{
	free(s->disk[i].key);
	free(s->disk[i].data);
	memmove(s->disk + i, s->disk + i + 1, (s->n - i - 1) * sizeof *s->disk);
	s->n--;
}

/* A compaction cut part way by a store that is not atomic: the image
 * written and only the oldest records before it deleted. The records left
 * in front of the image are skipped (the image replaces them), at a load
 * and at a catch-up; the next compaction deletes them. Records out of
 * sequence with no image after them are still a gap: refused. */
START_TEST(powerloss_torn_compaction_loads_the_image)
{
	torn_store s, d;
	pws_policy *p, *q, *follower;
	uint64_t before, rev = 0;
	size_t i;

	torn_store_init(&s, 0);
	ck_assert_int_eq(torn_store_open(&s, 1, &p), PWS_OK);
	ck_assert_int_eq(torn_store_open(&s, 1, &follower), PWS_OK);
	for (i = 0; i < 30; i++)
		OK(storage_step(p, (int)i));
	before = tw_digest(p);
	torn_store_cut(&s);
	FAILS(pws_compact(p, RES), PWS_ESTORAGE);
	ck_assert_uint_eq(s.n_lost, 31); /* the image, 30 deletions */
	/* the image and the deletions of records 1 .. 10: 11 .. 30 left */
	ck_assert_int_eq(torn_store_reboot(&s, &d, 11, TORN_NONE, 0), 0);
	ck_assert_uint_eq(d.n, 21);
	ck_assert_int_eq(d.disk[20].data[2], 44);
	ck_assert_int_eq(torn_store_open(&d, 1, &q), PWS_OK);
	ck_assert(tw_digest(q) == before);
	ck_assert_int_eq(pws_policy_revision(q, &rev), PWS_OK);
	ck_assert_uint_eq(rev, 31);
	/* calls go on after the image; a compaction deletes what was left */
	for (; i < 40; i++)
		OK(storage_step(q, (int)i));
	before = tw_digest(q);
	OK(pws_compact(q, RES));
	ck_assert_uint_eq(d.n, 1);
	pws_policy_free(q);
	ck_assert_int_eq(torn_store_open(&d, 1, &q), PWS_OK);
	ck_assert(tw_digest(q) == before);
	pws_policy_free(q);
	torn_store_free(&d);
	/* a follower at revision 0 catching up with the cut compaction */
	ck_assert_int_eq(torn_store_reboot(&s, &d, 11, TORN_NONE, 0), 0);
	{
		torn_store *live = &s;

		/* the follower shares s: give s the cut disk */
		torn_store_free(live);
		*live = d;
		memset(&d, 0, sizeof d);
	}
	ck_assert_int_eq(pws_policy_sync(follower, &rev), PWS_OK);
	ck_assert_uint_eq(rev, 31);
	ck_assert(tw_digest(follower) == tw_digest(p));
	/* and its next compaction deletes the records left before the image */
	OK(pws_compact(follower, RES));
	ck_assert_uint_eq(s.n, 1);
	pws_policy_free(follower);
	pws_policy_free(p);
	s.closes = 0;
	torn_store_free(&s);
	/* records out of sequence and no image after them: a gap, refused */
	torn_store_init(&s, 0);
	build(&s, 12);
	drop_rec(&s, 0);
	ck_assert_int_eq(torn_store_open(&s, 1, &q), PWS_ESTORAGE);
	torn_store_free(&s);
	/* nor is a gap after the first records, even with an image after it:
	 * only records in front of everything are skipped */
	torn_store_init(&s, 0);
	build(&s, 12);
	ck_assert_int_eq(torn_store_open(&s, 1, &p), PWS_OK);
	torn_store_cut(&s);
	FAILS(pws_compact(p, RES), PWS_ESTORAGE);
	pws_policy_free(p);
	ck_assert_int_eq(torn_store_reboot(&s, &d, 1, TORN_NONE, 0), 0); /* the image only */
	ck_assert_int_eq(torn_store_open(&d, 1, &q), PWS_OK);            /* image in the middle */
	pws_policy_free(q);
	drop_rec(&d, 4);
	ck_assert_int_eq(torn_store_open(&d, 1, &q), PWS_ESTORAGE);
	torn_store_free(&d);
	torn_store_free(&s);
}
END_TEST

Suite *pws_powerloss_suite(void)
{
	Suite *s = suite_create("powerloss");
	TCase *tc = tcase_create("torn");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, powerloss_framed_store_never_loads_another_state);
	tcase_add_test(tc, powerloss_unframed_store_never_loads_another_state);
	tcase_add_test(tc, powerloss_unframed_version1_table);
	tcase_add_test(tc, powerloss_crc32c_check_value);
	tcase_add_test(tc, powerloss_crc32c_paths_agree);
	tcase_add_test(tc, powerloss_format1_records_still_load);
	tcase_add_test(tc, powerloss_format1_literal_record);
	tcase_add_test(tc, powerloss_any_changed_byte_refused);
	tcase_add_test(tc, powerloss_out_of_range_integer_refused);
	tcase_add_test(tc, powerloss_torn_compaction_loads_the_image);
	tcase_add_test(tc, powerloss_version1_table);
	tcase_add_test(tc, powerloss_reserved_byte_refused);
	tcase_add_test(tc, powerloss_sync_refuses_a_damaged_record_whole);
	suite_add_tcase(s, tc);
	return s;
}
