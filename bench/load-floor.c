/*
 * The floor of a bulk load: what any loader of a host's users and
 * memberships must do at least, with nothing of the policy in it, timed
 * on the same arrays as pws_load_state.
 *
 * It does: every user's id and address measured (strlen: the host
 * passes C strings), hashed with a seeded 64-bit multiply-mix hash (point
 * 8 asks for a keyed hash), copied into one string block, a 24-byte user
 * record appended, and both strings inserted into an open-addressing map
 * of 16-byte cells (a power of two of them, at most 3/4 full: the
 * library's user id map's rule) with the duplicate test a map must make
 * (hash, length, bytes); every membership's positions checked against
 * the counts and its (workspace, user) pair inserted into a table of
 * 16-byte slots 1.2 times its count (the library's membership table is
 * 0.78-0.92 full), duplicates refused. Inserts run 8 items behind the
 * hashing, whose prefetches start their cells' loads (as the library's
 * importer pipelines its users). Tables come from mmap with
 * MADV_HUGEPAGE, as the library's do.
 *
 * It does not: validate ids or addresses, normalize anything, keep a
 * team, a role, a lead, an organization, a group or any member list,
 * check POLICY.md's S rules, keep anything to undo, or write a record.
 * So pws_load_state in memory over this floor is the price of the policy
 * and of its checks; written through, also of the record.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* MAP_ANONYMOUS, MADV_HUGEPAGE */
#define BENCH_NAME "bench"
#include "bench-util.h"
#include "load-floor.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define AHEAD 8u /* items hashed ahead of their insert: a power of two */

typedef struct cell {
	uint64_t h;
	uint32_t idx; /* the string's index + 1 (0: an empty cell) */
	uint32_t len;
} cell;

typedef struct slot {
	uint64_t key; /* workspace | user << 32 */
	uint32_t used, value;
} slot;

typedef struct urec {
	const char *id, *email;
	uint32_t team, role;
} urec;

typedef struct strmap {
	cell *c;
	uint64_t mask;
	const char **str; /* a cell's string, by its index */
} strmap;

static void *table(size_t bytes)
{
	void *p = mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	               -1, 0);

	if (p == MAP_FAILED) {
		fprintf(stderr, BENCH_NAME ": load floor: out of memory\n");
		exit(2);
	}
#ifdef MADV_HUGEPAGE
	(void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

static void fail(const char *what, size_t i)
{
	fprintf(stderr, BENCH_NAME ": load floor: %s at %zu\n", what, i);
	exit(2);
}

static inline uint64_t mix(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* Reads 8 bytes at most, within s[0..n). */
static inline uint64_t load_tail(const char *s, size_t n)
{
	uint64_t v = 0;

	memcpy(&v, s, n < 8 ? n : 8);
	return v;
}

static inline uint64_t hash_str(uint64_t seed, const char *s, size_t n)
{
	uint64_t h = seed ^ n, a, b;

	for (; n > 16; s += 16, n -= 16) {
		memcpy(&a, s, 8);
		memcpy(&b, s + 8, 8);
		h = mix(a ^ h, b ^ 0xa0761d6478bd642full);
	}
	a = load_tail(s, n);
	b = n > 8 ? load_tail(s + 8, n - 8) : 0;
	return mix(a ^ h ^ 0xe7037ed1a0b428dbull, b ^ 0x8ebc6af09c88c6e3ull);
}

/* Inserts string idx (its hash and length known); 0 when it is there. */
static inline int map_put(strmap *m, uint64_t h, uint32_t len, uint32_t idx)
{
	uint64_t j = h & m->mask;

	for (;; j = (j + 1) & m->mask) {
		cell *c = &m->c[j];

		if (!c->idx) {
			c->h = h;
			c->idx = idx + 1;
			c->len = len;
			return 1;
		}
		if (c->h == h && c->len == len && memcmp(m->str[c->idx - 1], m->str[idx], len) == 0)
			return 0;
	}
}

static size_t map_cells(size_t n)
{
	size_t cap = 16;

	while (cap / 4 * 3 < n)
		cap <<= 1;
	return cap;
}

double load_floor(const pws_load *l)
{
	size_t nu = l->n_users, nm = l->n_memberships, i, bytes = 0, ucap = map_cells(nu);
	size_t mcap = nm + nm / 5 + 1;
	uint64_t seed = now_ns() * 0x9E3779B97F4A7C15ull, t0, hk[AHEAD];
	uint64_t hs[2 * AHEAD];
	uint32_t ls[2 * AHEAD];
	strmap ids, emails;
	urec *users;
	slot *mt;
	char *block, *q;
	const char **str;

	t0 = now_ns();
	for (i = 0; i < nu; i++)
		bytes += strlen(l->users[i].id) + strlen(l->users[i].email) + 2;
	block = q = table(bytes + 1);
	/* id i is string 2i, its address 2i + 1 */
	str = table(2 * nu * sizeof *str + 1);
	users = table(nu * sizeof *users + 1);
	ids = (strmap){table(ucap * sizeof(cell)), ucap - 1, str};
	emails = (strmap){table(ucap * sizeof(cell)), ucap - 1, str};
	for (i = 0; i < nu + AHEAD; i++) {
		/* the insert AHEAD items back first: its ring entry is the one
		 * the item hashed now takes */
		if (i >= AHEAD) {
			size_t j = i - AHEAD;
			unsigned r = (unsigned)(j % AHEAD) * 2u;

			if (!map_put(&ids, hs[r], ls[r], (uint32_t)(2 * j)))
				fail("a duplicate id", j);
			if (!map_put(&emails, hs[r + 1], ls[r + 1], (uint32_t)(2 * j + 1)))
				fail("a duplicate address", j);
		}
		if (i < nu) {
			const char *id = l->users[i].id, *em = l->users[i].email;
			uint32_t li = (uint32_t)strlen(id), le = (uint32_t)strlen(em);
			unsigned r = (unsigned)(i % AHEAD) * 2u;

			hs[r] = hash_str(seed, id, li);
			hs[r + 1] = hash_str(seed, em, le);
			ls[r] = li;
			ls[r + 1] = le;
			__builtin_prefetch(&ids.c[hs[r] & ids.mask]);
			__builtin_prefetch(&emails.c[hs[r + 1] & emails.mask]);
			memcpy(q, id, li + 1u);
			str[2 * i] = users[i].id = q;
			q += li + 1u;
			memcpy(q, em, le + 1u);
			str[2 * i + 1] = users[i].email = q;
			q += le + 1u;
			users[i].team = 0;
			users[i].role = (uint32_t)l->users[i].team_role;
		}
	}
	mt = table(mcap * sizeof *mt);
	/* as above: the insert AHEAD items back, then the item hashed now */
	for (i = 0; i < nm + AHEAD; i++) {
		if (i >= AHEAD) {
			size_t j = i - AHEAD;
			const pws_load_membership *m = &l->memberships[j];
			uint64_t key = m->workspace | (uint64_t)m->user << 32, s = hk[j % AHEAD];

			for (;; s = s + 1 == mcap ? 0 : s + 1) {
				if (!mt[s].used) {
					mt[s].key = key;
					mt[s].used = 1;
					mt[s].value = (uint32_t)m->role | (uint32_t)(m->lead != 0) << 2;
					break;
				}
				if (mt[s].key == key)
					fail("a duplicate membership", j);
			}
		}
		if (i < nm) {
			const pws_load_membership *m = &l->memberships[i];
			uint64_t key = m->workspace | (uint64_t)m->user << 32;

			if (m->workspace >= l->n_workspaces || m->user >= nu)
				fail("a position out of range", i);
			hk[i % AHEAD] = (uint64_t)(((unsigned __int128)mix(key ^ seed,
			                                                    0x9fb21c651e98df25ull) *
			                            mcap) >> 64);
			__builtin_prefetch(&mt[hk[i % AHEAD]]);
		}
	}
	t0 = now_ns() - t0;
	munmap(block, bytes + 1);
	munmap(str, 2 * nu * sizeof *str + 1);
	munmap(users, nu * sizeof *users + 1);
	munmap(ids.c, ucap * sizeof(cell));
	munmap(emails.c, ucap * sizeof(cell));
	munmap(mt, mcap * sizeof *mt);
	return (double)t0 / 1e9;
}
