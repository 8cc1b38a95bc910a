/*
 * Keyed table hashes (issue 15, point 8: no hash flooding). Ids and emails
 * come from hosts and from outsiders (bulk invite files), so every table
 * places its keys by a hash keyed with its handle's random seed: keys made
 * to collide under one seed do not collide under another, and the seed
 * stays off the store format (snapshots and digests are seed-free).
 * White-box: the tables are reached through lib/util.h and lib/core.h.
 * SPDX-License-Identifier: MIT
 */
/* pthread_rwlock_t in lib/core.h */
#define _DEFAULT_SOURCE 1
#include "test-common.h"
#include "../lib/core.h"
#include "../lib/orgtab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SEED_A 0x0123456789abcdefULL
#define SEED_B 0xfedcba9876543210ULL
#define N_COLL 64u
#define RMASK 0x3ffu /* the reduced bucket mask the collisions are built on */

/* Brute force: N_COLL ids whose seed-A hashes share their low RMASK bits
 * with the first id's (about N_COLL * 1024 tries). */
static void collide_ids(char ids[N_COLL][24], uint64_t seed)
{
	uint32_t n = 0, i, target = 0;

	for (i = 0; n < N_COLL; i++) {
		char b[24];
		uint32_t h;

		ck_assert_uint_lt(i, 10000000u);
		snprintf(b, sizeof b, "attacker-%u", i);
		h = (uint32_t)pws__khash(b, strlen(b), seed) & RMASK;
		if (n == 0)
			target = h;
		if (h == target)
			memcpy(ids[n++], b, sizeof b);
	}
}

/* The largest number of ids sharing one bucket of the reduced mask. */
static uint32_t worst_bucket(char ids[N_COLL][24], uint64_t seed)
{
	static uint32_t count[RMASK + 1];
	uint32_t i, worst = 0;

	memset(count, 0, sizeof count);
	for (i = 0; i < N_COLL; i++) {
		uint32_t h = (uint32_t)pws__khash(ids[i], strlen(ids[i]), seed) & RMASK;

		if (++count[h] > worst)
			worst = count[h];
	}
	return worst;
}

/* The largest number of N_COLL homes (under RMASK) that are equal. */
static uint32_t worst_home(const uint32_t homes[N_COLL])
{
	static uint32_t count[RMASK + 1];
	uint32_t i, worst = 0;

	memset(count, 0, sizeof count);
	for (i = 0; i < N_COLL; i++)
		if (++count[homes[i]] > worst)
			worst = count[homes[i]];
	return worst;
}

/* Sum over the keys of a string map of their distance from their home
 * slot: the probing work the keys cost (N_COLL * (N_COLL - 1) / 2 when they
 * all share one home). */
static uint64_t smap_displacement(const pws__smap *m)
{
	uint64_t d = 0;
	uint32_t i;

	for (i = 0; i <= m->mask; i++)
		if (pws__smap_at(m, i)->val != PWS__NONE)
			d += (i - (pws__smap_at(m, i)->hash & m->mask)) & m->mask;
	return d;
}

static uint64_t smap_cost(char ids[N_COLL][24], uint64_t seed)
{
	pws__mem mem;
	pws__smap m;
	uint64_t d;
	uint32_t i;

	pws__mem_default(&mem);
	memset(&m, 0, sizeof m);
	pws__smap_seed(&m, seed);
	ck_assert_int_eq(pws__smap_reserve(&mem, &m, N_COLL), PWS_OK);
	ck_assert_uint_le(m.mask, RMASK); /* the reduced mask's collisions hold here too */
	for (i = 0; i < N_COLL; i++)
		pws__smap_put(&m, ids[i], i);
	for (i = 0; i < N_COLL; i++)
		ck_assert_uint_eq(pws__smap_get(&m, ids[i]), i);
	d = smap_displacement(&m);
	pws__smap_free(&mem, &m);
	return d;
}

START_TEST(HF_ids_colliding_under_one_seed_spread_under_another)
{
	static char ids[N_COLL][24];
	uint64_t da, db;

	collide_ids(ids, SEED_A);
	ck_assert_uint_eq(worst_bucket(ids, SEED_A), N_COLL);
	/* 64 keys in 1024 buckets: a random spread puts at most a few together */
	ck_assert_uint_le(worst_bucket(ids, SEED_B), 6);
	/* and the string maps use the seed: the same keys cost a full
	 * quadratic probe chain under A, almost nothing under B */
	da = smap_cost(ids, SEED_A);
	db = smap_cost(ids, SEED_B);
	ck_assert_uint_ge(da, (uint64_t)N_COLL * (N_COLL - 1) / 2);
	ck_assert_uint_le(db, 200);
}
END_TEST

/* The organization strings of a bulk load (pws_load_state) are the
 * host's: its table of them places them by the seed it is given (the
 * handle's), so strings made to collide under one seed cost a quadratic
 * probe chain under that seed only; positions are in order of first use. */
static uint64_t orgtab_cost(char ids[N_COLL][24], uint64_t seed)
{
	pws__mem mem;
	pws__orgtab t;
	uint64_t d;
	uint32_t i;

	pws__mem_default(&mem);
	pws__orgtab_init(&t, &mem, seed);
	for (i = 0; i < N_COLL; i++)
		ck_assert_uint_eq(pws__orgtab_pos(&t, ids[i]), i);
	/* again, in reverse: found, not added */
	for (i = N_COLL; i-- > 0;)
		ck_assert_uint_eq(pws__orgtab_pos(&t, ids[i]), i);
	ck_assert_uint_eq(t.n, N_COLL);
	for (i = 0; i < N_COLL; i++)
		ck_assert_ptr_eq(t.str[i], ids[i]);
	ck_assert_uint_le(t.map.mask, RMASK);
	d = smap_displacement(&t.map);
	pws__orgtab_free(&t);
	return d;
}

START_TEST(HF_load_orgs_colliding_under_one_seed_spread_under_another)
{
	static char ids[N_COLL][24];
	uint64_t da, db;

	collide_ids(ids, SEED_A);
	da = orgtab_cost(ids, SEED_A);
	db = orgtab_cost(ids, SEED_B);
	ck_assert_uint_ge(da, (uint64_t)N_COLL * (N_COLL - 1) / 2);
	ck_assert_uint_le(db, 200);
}
END_TEST

/* A host allocator whose allocations fail from the countdown's end on. */
static int orgs_allowed;
static void *orgs_malloc(void *ctx, size_t n)
{
	(void)ctx;
	return orgs_allowed-- > 0 ? malloc(n) : NULL;
}
static void *orgs_realloc(void *ctx, void *p, size_t n)
{
	(void)ctx;
	return orgs_allowed-- > 0 ? realloc(p, n) : NULL;
}
static void orgs_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

/* The image's byte count, and an allocation failing at each point of the
 * table's growth: the string is then not added (no position, no bytes),
 * the table answers as before and takes it on the next try. */
START_TEST(HF_load_orgs_failed_growth_changes_nothing)
{
	char names[40][16];
	uint32_t i, fail;

	for (i = 0; i < 40; i++)
		snprintf(names[i], sizeof names[i], "org-%u", i);
	for (fail = 0; fail < 4; fail++) {
		pws__mem mem;
		pws__orgtab t;
		int failed = 0;

		pws__mem_default(&mem);
		mem.a.malloc_fn = orgs_malloc;
		mem.a.realloc_fn = orgs_realloc;
		mem.a.free_fn = orgs_free;
		orgs_allowed = 1000;
		pws__orgtab_init(&t, &mem, SEED_B);
		for (i = 0; i < 10; i++)
			ck_assert_uint_eq(pws__orgtab_pos(&t, names[i]), i);
		ck_assert_uint_eq(t.bytes, 10 * (4 + 5)); /* "org-0" .. "org-9" */
		orgs_allowed = (int)fail;
		for (i = 10; i < 40; i++) {
			uint32_t n = t.n;
			size_t bytes = t.bytes;
			uint32_t pos = pws__orgtab_pos(&t, names[i]);

			if (pos == UINT32_MAX) {
				failed = 1;
				ck_assert_uint_eq(t.n, n);
				ck_assert_uint_eq(t.bytes, bytes);
				ck_assert_uint_eq(pws__smap_get(&t.map, names[i]), PWS__NONE);
				orgs_allowed = 1000;
				ck_assert_uint_eq(pws__orgtab_pos(&t, names[i]), i);
			} else {
				ck_assert_uint_eq(pos, i);
			}
		}
		ck_assert(failed);
		for (i = 0; i < 40; i++)
			ck_assert_uint_eq(pws__orgtab_pos(&t, names[i]), i);
		pws__orgtab_free(&t);
	}
}
END_TEST

START_TEST(HF_pairs_colliding_under_one_seed_spread_under_another)
{
	pws__umap a, b;
	uint64_t keys[N_COLL];
	uint32_t homes[N_COLL], n = 0, i, target = 0;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	pws__umap_seed(&a, SEED_A);
	pws__umap_seed(&b, SEED_B);
	/* the offset is the secret (the multiplier is the golden ratio's word,
	 * util.c pws__umap_seed) */
	ck_assert(a.seed != b.seed);
	for (i = 0; n < N_COLL; i++) {
		uint64_t k = pws__pair(i >> 10, i & 1023u);
		uint32_t h = pws__umap_home_of(&a, k, RMASK + 1);

		ck_assert_uint_lt(i, 10000000u);
		if (n == 0)
			target = h;
		if (h == target)
			keys[n++] = k;
	}
	for (i = 0; i < N_COLL; i++)
		homes[i] = pws__umap_home_of(&b, keys[i], RMASK + 1);
	ck_assert_uint_le(worst_home(homes), 6);
}
END_TEST

/* An event's set of recipients (one notice per user) is placed by a key
 * from the handle's seed: user indexes made to share a slot under one
 * seed spread under another, and two seeds give two keys. */
START_TEST(HF_event_recipients_colliding_under_one_seed_spread_under_another)
{
	uint64_t ka = pws__ev_seen_key(SEED_A), kb = pws__ev_seen_key(SEED_B);
	uint32_t users[N_COLL], homes[N_COLL], n = 0, u, i, target = 0;

	ck_assert(ka != kb);
	for (u = 0; n < N_COLL; u++) {
		uint32_t h = pws__ev_seen_home(ka, u, RMASK);

		ck_assert_uint_lt(u, 10000000u);
		if (n == 0)
			target = h;
		if (h == target)
			users[n++] = u;
	}
	for (i = 0; i < N_COLL; i++)
		homes[i] = pws__ev_seen_home(kb, users[i], RMASK);
	ck_assert_uint_le(worst_home(homes), 6);
}
END_TEST

/* Keys of up to 8 bytes are decided in the slot: an 8-byte key and the
 * longer keys it is a prefix of stay apart, and absent ones are absent. */
START_TEST(HF_eight_byte_keys_decided_in_the_slot)
{
	static const char *keys[] = {"abcdefg", "abcdefgh", "abcdefghi", "abcdefghij", "a", ""};
	const char *absent[] = {"abcdefgx", "abcdefghx", "abcdef", "b"};
	pws__mem mem;
	pws__smap m;
	uint32_t i;

	pws__mem_default(&mem);
	memset(&m, 0, sizeof m);
	pws__smap_seed(&m, SEED_A);
	ck_assert_int_eq(pws__smap_reserve(&mem, &m, 6), PWS_OK);
	for (i = 0; i < 6; i++)
		pws__smap_put(&m, keys[i], i);
	for (i = 0; i < 6; i++)
		ck_assert_uint_eq(pws__smap_get(&m, keys[i]), i);
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(pws__smap_get(&m, absent[i]), PWS__NONE);
	ck_assert_ptr_eq(pws__smap_del(&m, "abcdefgh"), keys[1]);
	ck_assert_uint_eq(pws__smap_get(&m, "abcdefgh"), PWS__NONE);
	ck_assert_uint_eq(pws__smap_get(&m, "abcdefghi"), 2);
	ck_assert_uint_eq(pws__smap_get(&m, "abcdefg"), 0);
	pws__smap_free(&mem, &m);
}
END_TEST

/* Keys of up to 40 bytes are decided by the slot and its tail when the
 * map keeps tails: keys of every length around 8 and 40 that share
 * prefixes stay apart, with tails kept and without, through deletions
 * and growth. */
START_TEST(HF_keys_around_the_tail_length_stay_apart)
{
	static const char base[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	static char keys[48][64];
	pws__mem mem;
	pws__smap m;
	uint32_t i, n = 0, len;
	int tails;

	pws__mem_default(&mem);
	for (len = 1; len <= 48; len++) {
		memcpy(keys[n], base, len);
		keys[n++][len] = '\0';
	}
	for (tails = 0; tails < 2; tails++) {
		memset(&m, 0, sizeof m);
		pws__smap_seed(&m, SEED_B);
		if (tails)
			pws__smap_keep_tails(&m);
		/* the even lengths first, then the odd ones (the map grows) */
		ck_assert_int_eq(pws__smap_reserve(&mem, &m, 24), PWS_OK);
		for (i = 1; i < n; i += 2)
			pws__smap_put(&m, keys[i], i);
		for (i = 0; i < n; i++)
			ck_assert_uint_eq(pws__smap_get(&m, keys[i]), i % 2 ? i : PWS__NONE);
		ck_assert_int_eq(pws__smap_reserve(&mem, &m, 24), PWS_OK);
		for (i = 0; i < n; i += 2)
			pws__smap_put(&m, keys[i], i);
		ck_assert(tails ? m.tailb != NULL : m.tailb == NULL);
		for (i = 0; i < n; i++)
			ck_assert_uint_eq(pws__smap_get(&m, keys[i]), i);
		/* keys that differ from a present one only in the last byte */
		for (i = 0; i < n; i++) {
			char k[64];

			memcpy(k, keys[i], i + 2);
			k[i] = '#';
			ck_assert_uint_eq(pws__smap_get(&m, k), PWS__NONE);
		}
		for (i = 0; i < n; i += 3)
			ck_assert_ptr_eq(pws__smap_del(&m, keys[i]), keys[i]);
		for (i = 0; i < n; i++)
			ck_assert_uint_eq(pws__smap_get(&m, keys[i]), i % 3 ? i : PWS__NONE);
		pws__smap_free(&mem, &m);
		ck_assert_int_eq(m.tails, tails);
	}
}
END_TEST

/* A small world built the same way in two handles. */
static void build(pws_policy *p)
{
	char id[32], em[48];
	uint32_t i;

	ck_assert_int_eq(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, NULL), PWS_OK);
	ck_assert_int_eq(pws_team_add_domain(p, "pub", "pub.com", NULL), PWS_OK);
	ck_assert_int_eq(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, NULL),
	                 PWS_OK);
	ck_assert_int_eq(pws_workspace_create(p, "pm", "ws", "W", PWS_VIS_PARTNER, NULL, NULL),
	                 PWS_OK);
	for (i = 0; i < 40; i++) {
		snprintf(id, sizeof id, "u%u", i);
		snprintf(em, sizeof em, "u%u@pub.com", i);
		ck_assert_int_eq(pws_user_add(p, id, em, "pub", PWS_TEAM_MEMBER, 0, NULL), PWS_OK);
		if (i % 2)
			continue;
		ck_assert_int_eq(pws_invite(p, "pm", "ws", em, PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0,
		                            NULL),
		                 PWS_OK);
		ck_assert_int_eq(pws_invite_accept(p, id, "ws", NULL, NULL), PWS_OK);
	}
}

START_TEST(HF_seed_per_handle_and_off_the_store_format)
{
	pws_policy *p, *q, *r;
	char *ja, *jb, *jc;
	size_t la, lb, lc;
	uint64_t da, db, dc;
	int allowed;

	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	ck_assert_int_eq(pws_policy_new(&q, NULL), PWS_OK);
	ck_assert_int_eq(pws_policy_new(&r, NULL), PWS_OK);
	/* every handle draws its own seed, and every table is keyed with it */
	ck_assert(p->m.seed != q->m.seed);
	ck_assert(p->m.user_ids.seed == p->m.seed && p->m.ws_ids.seed == p->m.seed);
	ck_assert(p->m.member_of.seed != q->m.member_of.seed);
	build(p);
	build(q);
	/* the same id hashes differently in the two handles */
	ck_assert(p->m.user_h.v[1] != q->m.user_h.v[1] || p->m.user_h.v[2] != q->m.user_h.v[2]);
	/* the state is the same: same digest, byte-identical snapshot */
	ck_assert_int_eq(pws_policy_digest(p, &da), PWS_OK);
	ck_assert_int_eq(pws_policy_digest(q, &db), PWS_OK);
	ck_assert_uint_eq(da, db);
	ck_assert_int_eq(pws_snapshot_export(p, &ja, &la), PWS_OK);
	ck_assert_int_eq(pws_snapshot_export(q, &jb, &lb), PWS_OK);
	ck_assert_uint_eq(la, lb);
	ck_assert(memcmp(ja, jb, la) == 0);
	/* imported into a third handle (its own seed): same state again */
	ck_assert_int_eq(pws_snapshot_import(r, ja, la, NULL), PWS_OK);
	ck_assert_int_eq(pws_policy_digest(r, &dc), PWS_OK);
	ck_assert_uint_eq(dc, da);
	ck_assert_int_eq(pws_snapshot_export(r, &jc, &lc), PWS_OK);
	ck_assert_uint_eq(lc, la);
	ck_assert(memcmp(jc, ja, la) == 0);
	/* and the checks by id agree */
	ck_assert_int_eq(pws_check(r, &allowed, NULL, "u4", PWS_ACT_EDIT, "ws", NULL), PWS_OK);
	ck_assert_int_eq(allowed, 1);
	ck_assert_int_eq(pws_check(r, &allowed, NULL, "u5", PWS_ACT_VIEW, "ws", NULL), PWS_OK);
	ck_assert_int_eq(allowed, 0);
	pws_snapshot_free(p, ja);
	pws_snapshot_free(q, jb);
	pws_snapshot_free(r, jc);
	pws_policy_free(p);
	pws_policy_free(q);
	pws_policy_free(r);
}
END_TEST

/* ... and the set of a real notice is keyed from its handle's seed. */
static pws_policy *keyed_handle;
static unsigned keyed_sets;

static void keyed_event(const pws_event *e, void *payload)
{
	(void)payload;
	if (e->seen) {
		ck_assert(e->seen_key == pws__ev_seen_key(keyed_handle->m.seed));
		keyed_sets++;
	}
}

START_TEST(HF_event_recipients_keyed_by_the_handle)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;

	o.on_event = keyed_event;
	ck_assert_int_eq(pws_policy_new(&keyed_handle, &o), PWS_OK);
	build(keyed_handle);
	keyed_sets = 0;
	/* CR1: a team member's partner workspace is a request, of which the
	 * Partner Managers and Admins are told (TT3), each once */
	ck_assert_int_eq(pws_workspace_create(keyed_handle, "u1", "req", "Req", PWS_VIS_PARTNER,
	                                      "please", NULL),
	                 PWS_OK);
	ck_assert_uint_gt(keyed_sets, 0);
	pws_policy_free(keyed_handle);
}
END_TEST

/* The lookup key's head (its first 8 bytes, zero-padded) is taken from
 * the loads of the hash: for every length it is what a copy gives, and
 * the hash is pws__khash's. */
START_TEST(HF_key_head_from_the_hash_loads)
{
	char buf[64];
	pws__smap map;
	size_t n, i;

	memset(&map, 0, sizeof map);
	pws__smap_seed(&map, 0x1234567890abcdefULL);
	for (n = 0; n < 48; n++) {
		pws__skey k;
		uint64_t want = 0;

		for (i = 0; i < n; i++)
			buf[i] = (char)('A' + (i * 7 + n) % 50);
		buf[n] = 0;
		k = pws__skey_of(&map, buf);
		memcpy(&want, buf, n < 8 ? n : 8);
		ck_assert_uint_eq(k.len, n);
		ck_assert_uint_eq(k.head, want);
		ck_assert_uint_eq(k.hash, pws__khash(buf, n, map.seed));
	}
}
END_TEST

/* The lookup path reads a key by aligned 16-byte blocks where it can
 * (lib/util.h, PWS__SKEY_BLOCKS): at every alignment, for every length,
 * with bytes other than zero after the key's end in its block and with
 * the key ending at an unreadable page, it gives the length, head and hash
 * that the portable path (pws__khash, reading inside the key only) gives.
 * Keys of 9 to 16 bytes that differ only in their last byte hash apart
 * (the second word counts); the same key hashes the same whatever follows
 * its end (the bytes past it are masked off). */
START_TEST(HF_key_read_by_blocks_as_the_portable_hash)
{
	static unsigned char buf[128] __attribute__((aligned(64)));
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *pg = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
	                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pws__smap map;
	size_t n, off, i;
	int g;

	ck_assert_ptr_ne(pg, MAP_FAILED);
	ck_assert_int_eq(mprotect(pg + page, (size_t)page, PROT_NONE), 0);
	memset(&map, 0, sizeof map);
	pws__smap_seed(&map, SEED_B);
	for (n = 0; n < 48; n++) {
		for (off = 0; off < 32; off++) {
			for (g = 0; g < 2; g++) {
				char *key = (char *)buf + off, *edge = (char *)pg + page - n - 1;
				uint64_t want = 0, h;
				pws__skey k, ke;

				memset(buf, g ? 0x5a : 0, sizeof buf);
				for (i = 0; i < n; i++)
					key[i] = (char)('A' + (i * 7 + n + off) % 50);
				key[n] = 0;
				h = pws__khash(key, n, map.seed);
				memcpy(&want, key, n < 8 ? n : 8);
				k = pws__skey_of(&map, key);
				memcpy(edge, key, n + 1);
				ke = pws__skey_of(&map, edge);
				ck_assert_uint_eq(k.len, n);
				ck_assert_uint_eq(k.head, want);
				ck_assert_uint_eq(k.hash, h);
				ck_assert_uint_eq(ke.len, n);
				ck_assert_uint_eq(ke.head, want);
				ck_assert_uint_eq(ke.hash, h);
				if (n > 8 && n <= 16) {
					key[n - 1] ^= 1;
					ck_assert_uint_ne(pws__skey_of(&map, key).hash, h);
				}
			}
		}
	}
	ck_assert_int_eq(munmap(pg, (size_t)page * 2), 0);
}
END_TEST

/* Large tables of a handle with the default allocator come from the
 * kernel (lib/alloc.c): a vector growing from the heap into a mapping,
 * through small and huge-page-aligned mappings (moved by mremap), keeps
 * every item; a string map with key tails grown past 4 MiB keeps and
 * finds every key; both are released whole (valgrind: no leak). */
/* A host's allocator: every table is one of its allocations (the failure
 * sweeps see each), on its heap; fail_next fails the next call. */
static int host_fail_next;
static void *host_malloc(void *ctx, size_t n)
{
	(void)ctx;
	if (host_fail_next) {
		host_fail_next = 0;
		return NULL;
	}
	return malloc(n);
}
static void *host_realloc(void *ctx, void *p, size_t n)
{
	(void)ctx;
	if (host_fail_next) {
		host_fail_next = 0;
		return NULL;
	}
	return realloc(p, n);
}
static void host_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}
static void host_mem(pws__mem *m)
{
	pws__mem_default(m);
	m->a.malloc_fn = host_malloc;
	m->a.realloc_fn = host_realloc;
	m->a.free_fn = host_free;
}

START_TEST(tables_of_a_host_allocator_stay_on_its_heap)
{
	pws__mem m;
	const size_t big = (size_t)5 << 20; /* over 4 MiB: a huge-page hint */
	unsigned char *p, *q;

	host_mem(&m);
	p = pws__table_alloc(&m, big);
	ck_assert_ptr_nonnull(p);
	ck_assert(p[0] == 0 && p[big - 1] == 0); /* zeroed like a kernel table */
	p[big - 1] = 7;
	p = pws__table_realloc(&m, p, big, 2 * big); /* grows: the new part hinted */
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p[big - 1], 7);
	q = pws__table_realloc(&m, p, 2 * big, 2 * big); /* same size: nothing new to hint */
	ck_assert_ptr_nonnull(q);
	p = q;
	host_fail_next = 1;
	ck_assert_ptr_null(pws__table_realloc(&m, p, 2 * big, 3 * big));
	ck_assert_int_eq(p[big - 1], 7); /* a failed growth keeps the old block */
	host_fail_next = 1;
	ck_assert_ptr_null(pws__table_alloc(&m, big));
	pws__table_free(&m, p, 2 * big);
	pws__table_free(&m, NULL, big); /* nothing to free */
}
END_TEST

/* A temporary table (a load's positions and counts) is zeroed, holds
 * what is written to its last byte, and is released whole, from the
 * kernel (whole huge pages from 2 MiB: valgrind sees the mapping's length
 * match) and from a host's allocator, failing cleanly there. */
START_TEST(temporary_tables_zeroed_and_released_whole)
{
	static const size_t sizes[] = { 100, (size_t)300 << 10, ((size_t)2 << 20) + 4,
		                        ((size_t)4 << 20) - 4 };
	pws__mem d, h;
	size_t i;

	pws__mem_default(&d);
	host_mem(&h);
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		unsigned char *p = pws__temp_table_alloc(&d, sizes[i]);
		unsigned char *q = pws__temp_table_alloc(&h, sizes[i]);

		ck_assert_ptr_nonnull(p);
		ck_assert_ptr_nonnull(q);
		ck_assert(p[0] == 0 && p[sizes[i] - 1] == 0 && q[0] == 0 && q[sizes[i] - 1] == 0);
		p[sizes[i] - 1] = q[sizes[i] - 1] = 7;
		pws__temp_table_free(&d, p, sizes[i]);
		pws__temp_table_free(&h, q, sizes[i]);
	}
	host_fail_next = 1;
	ck_assert_ptr_null(pws__temp_table_alloc(&h, 100));
	pws__temp_table_free(&d, NULL, 100); /* nothing to free */
}
END_TEST

/* A record sized once (a state image's) is a table block; growing it
 * again, past its reservation, and running out of memory at each step. */
static void record_as_table(const pws__mem *m)
{
	pws__rec r;
	unsigned char *b;
	const size_t k = 300u << 10; /* over the size of a kernel table */

	pws__rec_start(m, &r, PWS__OP_STATE_IMAGE);
	pws__rec_str(m, &r, "head");
	pws__rec_reserve(m, &r, k);     /* a table block, the head copied into it */
	ck_assert(!r.oom && r.table && r.cap == k);
	pws__rec_reserve(m, &r, k / 2); /* already large enough */
	ck_assert_uint_eq(r.cap, k);
	pws__rec_reserve(m, &r, 2 * k); /* a table grown as a table */
	ck_assert(!r.oom && r.table && r.cap == 2 * k);
	b = pws__rec_bytes_room(m, &r, 3 * k); /* past the reservation: room() grows the table */
	ck_assert_ptr_nonnull(b);
	memset(b, 0x5a, 3 * k);
	pws__rec_seal(m, &r);
	ck_assert(!r.oom && r.len > 3 * k);
	pws__rec_free(m, &r);
}

START_TEST(records_as_tables_grow_and_fail_whole)
{
	pws__mem def, host;
	pws__rec r;
	int step;

	pws__mem_default(&def);
	host_mem(&host);
	record_as_table(&def);
	record_as_table(&host);
	/* out of memory at each allocation: the record is marked, no bytes
	 * are handed out, sealing adds nothing, freeing is clean */
	for (step = 0; step < 3; step++) {
		pws__rec_start(&host, &r, PWS__OP_STATE_IMAGE);
		if (step == 0)
			host_fail_next = 1; /* the first table allocation */
		pws__rec_reserve(&host, &r, 1000);
		if (step == 1)
			host_fail_next = 1; /* growing the table */
		pws__rec_reserve(&host, &r, 5000);
		if (step == 2)
			host_fail_next = 1; /* room() growing it */
		ck_assert_ptr_null(pws__rec_bytes_room(&host, &r, 10000));
		ck_assert(r.oom);
		pws__rec_reserve(&host, &r, 20000); /* marked: nothing more */
		pws__rec_seal(&host, &r);
		pws__rec_free(&host, &r);
	}
	/* sealing a record with no buffer adds nothing */
	memset(&r, 0, sizeof r);
	pws__rec_seal(&host, &r);
	ck_assert_ptr_null(r.buf);
}
END_TEST

START_TEST(tables_large_from_the_kernel_keep_their_contents)
{
	static char keys[60000][12];
	pws__mem mem;
	pws__vec v;
	pws__smap map;
	uint32_t i, failed = 0, wrong = 0; /* counted: an assertion a item is slow */

	pws__mem_default(&mem);
	memset(&v, 0, sizeof v);
	for (i = 0; i < 600000u; i++) {
		failed += pws__vec_reserve(&mem, &v, sizeof(uint64_t), 1) != PWS_OK;
		((uint64_t *)v.v)[v.n++] = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
		if ((i & (i + 1)) == 0) /* after each doubling: all there */
			for (uint32_t j = 0; j <= i; j++)
				wrong += ((uint64_t *)v.v)[j] != (uint64_t)j * 0x9e3779b97f4a7c15ULL;
	}
	ck_assert_uint_eq(failed, 0);
	ck_assert_uint_eq(wrong, 0);
	ck_assert_uint_ge((uint64_t)v.cap * sizeof(uint64_t), (uint64_t)4 << 20);
	pws__vec_free(&mem, &v);
	ck_assert_ptr_null(v.v);

	memset(&map, 0, sizeof map);
	pws__smap_seed(&map, SEED_A);
	pws__smap_keep_tails(&map);
	for (i = 0; i < 60000u; i++) {
		snprintf(keys[i], sizeof keys[i], "k%u", i * 7919u);
		failed += pws__smap_reserve(&mem, &map, 1) != PWS_OK;
		pws__smap_put(&map, keys[i], i);
	}
	ck_assert_uint_eq(failed, 0);
	ck_assert_uint_ge(((uint64_t)map.mask + 1) * 64u, (uint64_t)4 << 20);
	for (i = 0; i < 60000u; i++)
		wrong += pws__smap_get(&map, keys[i]) != i;
	ck_assert_uint_eq(wrong, 0);
	ck_assert_uint_eq(pws__smap_get(&map, "k1"), PWS__NONE);
	pws__smap_free(&mem, &map);
}
END_TEST

Suite *pws_hash_suite(void)
{
	Suite *s = suite_create("hash");
	TCase *t = tcase_create("keyed");

	tcase_add_test(t, HF_ids_colliding_under_one_seed_spread_under_another);
	tcase_add_test(t, HF_pairs_colliding_under_one_seed_spread_under_another);
	tcase_add_test(t, HF_load_orgs_colliding_under_one_seed_spread_under_another);
	tcase_add_test(t, HF_load_orgs_failed_growth_changes_nothing);
	tcase_add_test(t, HF_event_recipients_colliding_under_one_seed_spread_under_another);
	tcase_add_test(t, HF_seed_per_handle_and_off_the_store_format);
	tcase_add_test(t, HF_event_recipients_keyed_by_the_handle);
	tcase_add_test(t, HF_eight_byte_keys_decided_in_the_slot);
	tcase_add_test(t, HF_keys_around_the_tail_length_stay_apart);
	tcase_add_test(t, HF_key_head_from_the_hash_loads);
	tcase_add_test(t, HF_key_read_by_blocks_as_the_portable_hash);
	tcase_add_test(t, tables_large_from_the_kernel_keep_their_contents);
	tcase_add_test(t, tables_of_a_host_allocator_stay_on_its_heap);
	tcase_add_test(t, temporary_tables_zeroed_and_released_whole);
	tcase_add_test(t, records_as_tables_grow_and_fail_whole);
	suite_add_tcase(s, t);
	return s;
}
