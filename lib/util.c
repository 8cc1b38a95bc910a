/*
 * Containers for the model (see util.h for the reserve-then-insert rule).
 * SPDX-License-Identifier: MIT
 */
/* madvise(MADV_HUGEPAGE) */
#define _DEFAULT_SOURCE 1
#include "util.h"

#include <stdatomic.h>
#include <string.h>
#include <time.h>
#if defined(__linux__)
#include <sys/mman.h>
#include <sys/random.h>
#endif

#if PWS__SKEY_BLOCKS
/* bytes 0..n-1 of a key: bytes 0-7 in the first word, 8-15 in the second */
const uint64_t pws__key_keep[17][2] = {
	{0, 0},
	{0xff, 0},
	{0xffff, 0},
	{0xffffff, 0},
	{0xffffffff, 0},
	{0xffffffffff, 0},
	{0xffffffffffff, 0},
	{0xffffffffffffff, 0},
	{UINT64_MAX, 0},
	{UINT64_MAX, 0xff},
	{UINT64_MAX, 0xffff},
	{UINT64_MAX, 0xffffff},
	{UINT64_MAX, 0xffffffff},
	{UINT64_MAX, 0xffffffffff},
	{UINT64_MAX, 0xffffffffffff},
	{UINT64_MAX, 0xffffffffffffff},
	{UINT64_MAX, UINT64_MAX},
};
#endif

uint64_t pws__mix64(uint64_t x)
{
	/* splitmix64 finalizer: cheap, and good enough to spread sequential
	 * indexes over a power-of-two table. */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint64_t pws__hash_bytes(const void *p, size_t n)
{
	const unsigned char *c = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;

	/* eight bytes at a time, then the tail; mixed at the end */
	while (n >= 8) {
		uint64_t w;

		memcpy(&w, c, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		c += 8;
		n -= 8;
	}
	if (n) {
		uint64_t w = 0;

		memcpy(&w, c, n);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	}
	return pws__mix64(h);
}

uint64_t pws__hash_str(const char *s)
{
	return pws__hash_bytes(s, strlen(s));
}

uint64_t pws__seed_random(void)
{
	static atomic_uint_fast64_t counter;
	uint64_t r = 0, n = atomic_fetch_add(&counter, 1) + 1;
	struct timespec ts;

#if defined(__linux__)
	/* it fails only before the kernel's entropy pool is ready (early
	 * boot) or where a sandbox filters the call: no test can make it */
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) /* GCOVR_EXCL_BR_LINE */
		r = 0;
#endif
	/* whatever the kernel gave, mixed with what differs between calls
	 * (the counter makes two handles' seeds differ in any case) */
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	r ^= pws__mix64((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
	                ((uint64_t)(uintptr_t)&ts << 7));
	return pws__mix64(r + n * 0x9e3779b97f4a7c15ULL);
}

int pws__vec_grow(const pws__mem *m, pws__vec *v, size_t size, uint32_t more)
{
	uint64_t need = (uint64_t)v->n + more;
	uint64_t cap;
	void *nv;

	/* (pws__vec_reserve calls it when the room is short) */
	if (need > UINT32_MAX - 1)
		return PWS_ENOMEM;
	cap = v->cap ? v->cap : 8;
	while (cap < need)
		cap *= 2;
	if (cap > UINT32_MAX - 1)
		cap = UINT32_MAX - 1;
	if (cap > SIZE_MAX / size)
		return PWS_ENOMEM;
	nv = pws__table_realloc(m, v->v, (size_t)v->cap * size, (size_t)cap * size);
	if (!nv)
		return PWS_ENOMEM;
	v->v = nv;
	v->cap = (uint32_t)cap;
	v->size = (uint32_t)size;
	return PWS_OK;
}

void pws__vec_free(const pws__mem *m, pws__vec *v)
{
	pws__table_free(m, v->v, (size_t)v->cap * v->size);
	memset(v, 0, sizeof(*v));
}

int pws__ids_grow(const pws__mem *m, pws__ids *l, uint32_t more)
{
	uint64_t need = (uint64_t)l->n + more, cap;
	uint32_t *nv;

	/* (pws__ids_reserve calls it when the room is short) */
	if (need > UINT32_MAX / 2)
		return PWS_ENOMEM;
	/* Index lists are many (a group, a user's memberships) and hold
	 * most of the bytes of the memberships besides member_of: small ones
	 * grow by half (few copies), from 64 items by a quarter. A capacity
	 * is 2 mod 4 items: 4 * cap + 8 bytes fill the 16-byte granules of
	 * the usual allocators (a chunk's header is 8 bytes), so the last
	 * granule's bytes are items, not padding. (At 10M memberships the
	 * lists, growing together, leave more freed heap blocks that no later
	 * list fits: +1 B per membership there, -0.5 B at 1M; affordable since
	 * member_of runs fuller: doc/PERFORMANCE-NOTES.md, "Memory (h-mem3,
	 * fifth session)".) */
	cap = l->cap;
	do {
		cap = cap < 6 ? 6 : cap < 64 ? cap + cap / 2 : cap + cap / 4;
		cap += (6 - cap % 4) % 4;
	} while (cap < need);
	nv = pws__realloc(m, l->v, (size_t)cap * sizeof(uint32_t));
	if (!nv)
		return PWS_ENOMEM;
	l->v = nv;
	l->cap = (uint32_t)cap;
	return PWS_OK;
}

uint32_t pws__ids_swap_remove(pws__ids *l, uint32_t pos)
{
	uint32_t last = l->n - 1;

	l->n--;
	if (pos == last)
		return PWS__NONE;
	l->v[pos] = l->v[last];
	return l->v[pos];
}

void pws__ids_free(const pws__mem *m, pws__ids *l)
{
	pws__free(m, l->v);
	memset(l, 0, sizeof(*l));
}

/* --- string map ------------------------------------------------------------ */

/* A map's block: its cells (slots, and payloads when wide), tails,
 * payloads (when narrow) and key pointers. The same size whether the tails
 * are in the cells or apart. */
static size_t smap_bytes(const pws__smap *map, uint64_t slots)
{
	return (size_t)slots * ((map->wide ? 32u : sizeof(pws__smap_slot) + sizeof(uint64_t)) +
	                        sizeof(char *) + (map->tails ? PWS__SMAP_TAIL : 0));
}

static int smap_grow(const pws__mem *m, pws__smap *map, uint64_t slots)
{
	/* slots, payloads and key pointers in one zeroed block: growing
	 * fails or succeeds whole */
	size_t tb = map->tails ? PWS__SMAP_TAIL : 0;
	unsigned char *blk = pws__table_alloc(m, smap_bytes(map, slots)), *after;
	pws__smap old = *map;
	uint32_t i, mask = (uint32_t)(slots - 1);
	/* A wide map's tails go into its cells (64 bytes: one line for a long
	 * key's lookup) when most of its keys are long; else they stay apart,
	 * where a map of short keys never touches their pages (a table from
	 * the kernel: never resident). Decided by the keys present, at each
	 * growth: a map of UUIDs changes at its second. */
	int inl = map->wide && tb && map->n_long > map->n / 2;

	if (!blk)
		return PWS_ENOMEM;
	map->cells = blk;
	map->shift = inl ? 6u : map->wide ? 5u : 4u;
	map->ashift = map->wide ? map->shift : 3u;
	after = blk + (slots << map->shift);
	if (inl) {
		map->tailb = blk + 32;
		map->tshift = 6;
	} else {
		map->tailb = tb ? after : NULL;
		map->tshift = 5;
		after += slots * tb;
	}
	if (map->wide) {
		map->aux = blk + sizeof(pws__smap_slot);
	} else {
		map->aux = after;
		after += slots * sizeof(uint64_t);
	}
	map->keys = (const char **)(void *)after;
	map->mask = mask;
	for (i = 0; i < slots; i++)
		pws__smap_at(map, i)->val = PWS__NONE;
	if (old.cells) {
		for (i = 0; i <= old.mask; i++) {
			const pws__smap_slot *o = pws__smap_at(&old, i);
			uint64_t aux = *pws__smap_auxp(&old, i);
			uint32_t j;

			if (o->val == PWS__NONE)
				continue;
			j = o->hash & mask;
			while (pws__smap_at(map, j)->val != PWS__NONE)
				j = (j + 1) & mask;
			*pws__smap_at(map, j) = *o;
			if (aux) /* an empty payload stays untouched (zero) */
				*pws__smap_auxp(map, j) = aux;
			if (pws__smap_keeps_key(map, o->hash))
				map->keys[j] = old.keys[i];
			if (map->tailb && (o->hash & PWS__SMAP_LONG))
				memcpy(pws__smap_tail(map, j), pws__smap_tail(&old, i), PWS__SMAP_TAIL);
		}
		pws__table_free(m, old.cells, smap_bytes(&old, (uint64_t)old.mask + 1));
	}
	return PWS_OK;
}

int pws__smap_grow_for(const pws__mem *m, pws__smap *map, uint32_t more)
{
	uint64_t need = (uint64_t)map->n + more, slots;

	/* keep the load at or below 3/4 */
	slots = map->cells ? (uint64_t)map->mask + 1 : 0;
	if (need * 4 <= slots * 3)
		return PWS_OK;
	if (!slots)
		slots = 16;
	while (need * 4 > slots * 3)
		slots *= 2;
	if (slots > (1ULL << 30))
		return PWS_ENOMEM; /* the tag keeps 30 bits of placement */
	return smap_grow(m, map, slots);
}

typedef pws__skey skey;

uint32_t pws__smap_get(const pws__smap *map, const char *key)
{
	skey k = pws__skey_of(map, key);
	uint32_t j = pws__smap_find(map, key, &k);

	return j == PWS__NONE ? PWS__NONE : pws__smap_at(map, j)->val;
}

/* pws__smap_get_hinted's lookup, out of line: the hint's test is then a
 * leaf function that saves no register */
static __attribute__((noinline)) uint32_t smap_get_hint(const pws__smap *map, const char *key,
                                                        uint32_t *hint)
{
	skey k = pws__skey_of(map, key);
	uint32_t j = pws__smap_find(map, key, &k);

	if (j == PWS__NONE)
		return PWS__NONE;
	*hint = j;
	return pws__smap_at(map, j)->val;
}

uint32_t pws__smap_get_hinted(const pws__smap *map, const char *key, uint32_t *hint)
{
	if (!key || !map->cells)
		return PWS__NONE;
	if (*hint <= map->mask) {
		const pws__smap_slot *s = pws__smap_at(map, *hint);
		unsigned char hb[8];
		size_t i;

		/* a key of up to 8 bytes is its slot's head, zero-padded, under
		 * a tag without PWS__SMAP_LONG: compared byte by byte up to the
		 * end of either, without hashing */
		memcpy(hb, &s->head, sizeof hb);
		if (s->val != PWS__NONE && !(s->hash & PWS__SMAP_LONG)) {
			for (i = 0; i < 8 && (unsigned char)key[i] == hb[i]; i++)
				if (!hb[i])
					return s->val;
			if (i == 8 && !key[8])
				return s->val;
		}
	}
	return smap_get_hint(map, key, hint);
}

void pws__smap_set_aux(pws__smap *map, const char *key, uint64_t aux)
{
	skey k = pws__skey_of(map, key);
	uint32_t j = pws__smap_find(map, key, &k);

	if (j != PWS__NONE)
		*pws__smap_auxp(map, j) = aux;
}

uint64_t pws__smap_aux_of(const pws__smap *map, const char *key)
{
	skey k = pws__skey_of(map, key);
	uint32_t j = pws__smap_find(map, key, &k);

	return j == PWS__NONE ? 0 : *pws__smap_auxp(map, j);
}

uint32_t pws__smap_put_k(pws__smap *map, const char *key, const pws__skey *k, uint32_t val)
{
	uint32_t j = (uint32_t)k->hash & map->mask;

	while (pws__smap_at(map, j)->val != PWS__NONE)
		j = (j + 1) & map->mask;
	pws__smap_put_at(map, j, key, k, val);
	return j;
}

void pws__smap_put_at(pws__smap *map, uint32_t j, const char *key, const pws__skey *k,
                      uint32_t val)
{
	pws__smap_slot *s = pws__smap_at(map, j);

	s->hash = pws__skey_tag(k);
	s->head = k->head;
	s->val = val;
	/* the payload is 0: a table comes zeroed and a deletion clears the slot
	 * it frees, so a map whose owner keeps no payloads (atoms, team
	 * ids) never touches its payload pages; likewise keys[j] of a key
	 * its owner holds (pws__smap_keys_elsewhere) */
	if (pws__smap_keeps_key(map, s->hash))
		map->keys[j] = key;
	if (map->tailb && k->len > 8) {
		memset(pws__smap_tail(map, j), 0, PWS__SMAP_TAIL);
		memcpy(pws__smap_tail(map, j), key + 8,
		       k->len - 8 < PWS__SMAP_TAIL ? k->len - 8 : PWS__SMAP_TAIL);
	}
	map->n_long += k->len > 8;
	map->n++;
}

void pws__smap_put(pws__smap *map, const char *key, uint32_t val)
{
	skey k = pws__skey_of(map, key);

	(void)pws__smap_put_k(map, key, &k, val);
}

const char *pws__smap_del(pws__smap *map, const char *key)
{
	skey sk = pws__skey_of(map, key);
	uint32_t j = pws__smap_find(map, key, &sk), k;
	const char *stored;

	if (j == PWS__NONE)
		return NULL;
	/* a recorded key's pointer leaves with it: keys[] holds NULL in every
	 * slot but those of recorded keys (the hole's is cleared as it moves) */
	stored = pws__smap_stored(map, j);
	if (pws__smap_keeps_key(map, pws__smap_at(map, j)->hash))
		map->keys[j] = NULL;
	map->n_long -= sk.len > 8;
	/* backward-shift deletion keeps probe chains intact without tombstones */
	k = j;
	for (;;) {
		uint32_t home;
		const pws__smap_slot *nx;

		k = (k + 1) & map->mask;
		nx = pws__smap_at(map, k);
		if (nx->val == PWS__NONE)
			break;
		home = nx->hash & map->mask;
		if (((k - home) & map->mask) >= ((k - j) & map->mask)) {
			*pws__smap_at(map, j) = *nx;
			*pws__smap_auxp(map, j) = *pws__smap_auxp(map, k);
			if (pws__smap_keeps_key(map, nx->hash)) {
				map->keys[j] = map->keys[k];
				map->keys[k] = NULL;
			}
			if (map->tailb && (nx->hash & PWS__SMAP_LONG))
				memcpy(pws__smap_tail(map, j), pws__smap_tail(map, k),
				       PWS__SMAP_TAIL);
			j = k;
		}
	}
	memset(pws__smap_at(map, j), 0, sizeof(pws__smap_slot));
	pws__smap_at(map, j)->val = PWS__NONE;
	*pws__smap_auxp(map, j) = 0;
	map->n--;
	return stored;
}

void pws__smap_free(const pws__mem *m, pws__smap *map)
{
	uint64_t seed = map->seed;
	int tails = map->tails, wide = map->wide, keys_out = map->keys_out;
	void *const *keyv = map->keyv;

	if (map->cells)
		pws__table_free(m, map->cells, smap_bytes(map, (uint64_t)map->mask + 1));
	memset(map, 0, sizeof(*map));
	map->seed = seed;
	map->tails = tails;
	map->wide = wide;
	map->keys_out = keys_out;
	map->keyv = keyv;
}

void pws__smap_keep_tails(pws__smap *map)
{
	map->tails = 1;
}

void pws__smap_inline_aux(pws__smap *map)
{
	map->wide = 1;
}

void pws__smap_keys_elsewhere(pws__smap *map)
{
	map->keys_out = 1;
}

void pws__smap_keys_by_val(pws__smap *map, void *const *keyv)
{
	map->keys_out = 1;
	map->keyv = keyv;
}

void pws__smap_seed(pws__smap *map, uint64_t seed)
{
	map->seed = seed;
}

/* --- uint64 map ------------------------------------------------------------ */

void pws__umap_seed(pws__umap *map, uint64_t seed)
{
	/* the input is offset by a secret word, then multiplied by the golden
	 * ratio's word. The keys are the model's own indexes and pairs of
	 * them (atoms, users, teams, workspaces, organizations: numbers no
	 * outsider picks), which count up: a product spreads them as a Weyl
	 * sequence, and the golden ratio's is the most even one (three-gap
	 * theorem). A random odd word, as before, put them into long clusters
	 * under some seeds (at load 0.8 over 64 seeds: mean displacement up
	 * to 6.7 slots for counted keys, 176 for (team, user) pairs);
	 * tests/check_smap_keys.c: umap_counted_keys_spread_under_every_seed.
	 * The offset keeps the placement secret (check_hash.c). */
	map->seed = pws__mix64(seed ^ PWS__K0);
	map->mul = 0x9e3779b97f4a7c15ULL;
}

#define home_of(hx, cap) pws__umap_home_of(map, (hx), (cap))

/* The placement input of a key: itself. */
static uint64_t umap_hx(const pws__umap *map, uint64_t key)
{
	(void)map;
	return key;
}

static uint32_t umap_home(const pws__umap *map, uint64_t key, uint32_t cap)
{
	return home_of(umap_hx(map, key), cap);
}

static int umap_grow(const pws__mem *m, pws__umap *map, uint64_t cap)
{
	/* From the heap, not the kernel (pws__table_alloc): a umap grows by
	 * steps of 1.21x, so the blocks of its earlier sizes, freed, hold
	 * the next one, already faulted in; fresh zero pages at every step
	 * made the invite + accept phase slower */
	pws__umap_slot *ns = pws__malloc(m, (size_t)cap * sizeof(*ns));
	uint32_t i;

	if (!ns)
		return PWS_ENOMEM;
	pws__huge_hint(ns, (size_t)cap * sizeof(*ns));
	for (i = 0; i < cap; i++) {
		ns[i].val = PWS__NONE;
		ns[i].klo = ns[i].khi = 0;
	}
	for (i = 0; map->s && i < map->cap; i++) {
		pws__umap_slot *o = &map->s[i];
		uint32_t j;

		if (o->val == PWS__NONE)
			continue;
		j = umap_home(map, pws__umap_key(o), (uint32_t)cap);
		while (ns[j].val != PWS__NONE)
			j = j + 1 == cap ? 0 : j + 1;
		ns[j] = *o;
	}
	pws__free(m, map->s);
	map->s = ns;
	map->cap = (uint32_t)cap;
	return PWS_OK;
}

int pws__umap_reserve(const pws__mem *m, pws__umap *map, uint32_t more)
{
	uint64_t need = (uint64_t)map->n + more;

	/* Linear probing stays short up to a load of 0.85; growing to 0.7 keeps
	 * the table near 15 bytes an entry and the growth amortized O(1). */
	if (need * 20 <= (uint64_t)map->cap * 17)
		return PWS_OK;
	if (need * 10 / 7 + 16 > UINT32_MAX - 1)
		return PWS_ENOMEM;
	return umap_grow(m, map, need * 10 / 7 + 16);
}

static uint32_t umap_find(const pws__umap *map, uint64_t key)
{
	return map->s ? pws__umap_find_h(map, key, umap_hx(map, key)) : PWS__NONE;
}

void pws__umap_prefetch(const pws__umap *map, uint64_t key)
{
	if (map->s)
		__builtin_prefetch(&map->s[umap_home(map, key, map->cap)]);
}

uint32_t pws__umap_get(const pws__umap *map, uint64_t key)
{
	uint32_t j = umap_find(map, key);

	return j == PWS__NONE ? PWS__NONE : map->s[j].val;
}

void pws__umap_put(pws__umap *map, uint64_t key, uint32_t val)
{
	uint32_t j = umap_home(map, key, map->cap);

	while (map->s[j].val != PWS__NONE) {
		if (pws__umap_key(&map->s[j]) == key) {
			map->s[j].val = val;
			return;
		}
		j = j + 1 == map->cap ? 0 : j + 1;
	}
	map->s[j].klo = (uint32_t)key;
	map->s[j].khi = (uint32_t)(key >> 32);
	map->s[j].val = val;
	map->n++;
}

void pws__umap_del(pws__umap *map, uint64_t key)
{
	uint32_t j = umap_find(map, key), k, cap = map->cap;

	if (j == PWS__NONE)
		return;
	k = j;
	for (;;) {
		uint32_t home;

		k = k + 1 == cap ? 0 : k + 1;
		if (map->s[k].val == PWS__NONE)
			break;
		home = umap_home(map, pws__umap_key(&map->s[k]), cap);
		/* move k back into the hole unless its home lies in (j, k] */
		if ((uint32_t)((k - home + cap) % cap) >= (uint32_t)((k - j + cap) % cap)) {
			map->s[j] = map->s[k];
			j = k;
		}
	}
	map->s[j].val = PWS__NONE;
	map->s[j].klo = map->s[j].khi = 0;
	map->n--;
}

void pws__umap_free(const pws__mem *m, pws__umap *map)
{
	pws__free(m, map->s);
	map->s = NULL;
	map->n = map->cap = 0;
}
