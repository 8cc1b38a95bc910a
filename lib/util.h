/*
 * Containers for the model: growable arrays, a string-keyed map and a
 * 64-bit-keyed map, all allocating through the handle's allocator.
 *
 * Every container separates reserving (may fail with PWS_ENOMEM, changes
 * no logical content) from inserting (never fails once reserved). Mutations
 * reserve everything first and then apply, so a failed allocation leaves
 * the state exactly as it was.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_UTIL_H
#define PWS_UTIL_H

#include "pws-int.h"

#include <string.h>

/* pws__skey_of reads a key by aligned 16-byte blocks (SSE2, little-endian),
 * which may cover bytes past the key's end inside the block that holds
 * it: never another page, but other bytes of the object, which the
 * sanitizers would report. Their builds take the portable path. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define PWS__SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PWS__SANITIZED 1
#endif
#if defined(__SSE2__) && defined(__x86_64__) && !defined(PWS__SANITIZED) && \
    !defined(PWS_NO_SKEY_BLOCKS)
#define PWS__SKEY_BLOCKS 1
#include <emmintrin.h>
#else
#define PWS__SKEY_BLOCKS 0
#endif

#define PWS__NONE UINT32_MAX

/* A zeroed table of size bytes, and its release (given the same size).
 * Large ones come from the kernel when the handle uses the default
 * allocator (alloc.c); otherwise from the handle's allocator, as any
 * block (one allocation, which a host's allocator may refuse). */
void *pws__table_alloc(const pws__mem *m, size_t size);
void pws__table_free(const pws__mem *m, void *p, size_t size);
/* The same for a table that lives for one call (a load's temporaries):
 * on huge pages from 2 MiB, not 4, since a partial huge page held for
 * the call keeps nothing resident after it, and a first load otherwise
 * takes a page fault for every 4 KiB of it: whole huge pages, the last
 * one too. Released by pws__temp_table_free, given the same size. */
void *pws__temp_table_alloc(const pws__mem *m, size_t size);
void pws__temp_table_free(const pws__mem *m, void *p, size_t size);
/* Resizes a table block of old bytes (NULL: none) to size bytes, its
 * contents kept up to the smaller size, NULL (the block intact) when
 * refused; what lies past them is undefined. Large blocks of the kernel
 * are moved by remapping, not copying. */
void *pws__table_realloc(const pws__mem *m, void *p, size_t old, size_t size);
/* Advises the 2 MiB pages inside [p, p + n) onto huge pages (a hint). */
void pws__huge_hint(void *p, size_t n);

/* --- hashing ------------------------------------------------------------ */
/* Unkeyed: for digests and anything else that must not vary between
 * handles or runs. Never for placing keys in a table. */
uint64_t pws__hash_bytes(const void *p, size_t n);
uint64_t pws__hash_str(const char *s);
uint64_t pws__mix64(uint64_t x);

/* Keyed: every table places its keys by a hash keyed with its handle's
 * random seed (pws__seed_random), so that ids and emails chosen by
 * outsiders cannot be made to collide (no hash flooding). A wyhash-style
 * keyed mix: 64x64->128-bit multiplications folded, the seed entering
 * every block. The seed is never written anywhere: snapshots, records,
 * state images and digests do not depend on it. */
#define PWS__K0 0xa0761d6478bd642fULL
#define PWS__K1 0xe7037ed1a0b428dbULL
#define PWS__K2 0x8ebc6af09c88c6e3ULL

static inline uint64_t pws__mum(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t pws__rd8(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t pws__rd4(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Always inline where optimizing. Without optimization (the coverage
 * build, -O0) a plain inline: one copy per file, not one per call, so that
 * a branch of a lookup counts once for the tests of every caller (as
 * decide.c's V_INLINE). */
#if defined(__GNUC__) && defined(__OPTIMIZE__)
#define PWS__ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define PWS__ALWAYS_INLINE inline
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PWS__LE 1
#else
#define PWS__LE 0
#endif

/* A key of at most 16 bytes is hashed as its bytes zero-padded to two
 * words (lo: bytes 0-7, hi: bytes 8-15), the seed entering the one
 * multiplication: so that the lookup path (pws__skey_of) can take both
 * words from two aligned block loads, without a call to strlen, and any
 * other path from loads inside the key (pws__key_words). */
static PWS__ALWAYS_INLINE uint64_t pws__khash16(uint64_t lo, uint64_t hi, size_t n, uint64_t seed)
{
	unsigned __int128 r = (unsigned __int128)(lo ^ PWS__K1) * (hi ^ seed);

	return pws__mum((uint64_t)r ^ PWS__K0 ^ n, (uint64_t)(r >> 64) ^ PWS__K1);
}

/* The two words of a key of n <= 16 bytes, read inside the key only. */
static PWS__ALWAYS_INLINE void pws__key_words(const unsigned char *p, size_t n, uint64_t *lo,
                                              uint64_t *hi)
{
	if (!PWS__LE) {
		unsigned char b[16] = {0};

		memcpy(b, p, n);
		*lo = pws__rd8(b);
		*hi = pws__rd8(b + 8);
	} else if (n >= 8) {
		*lo = pws__rd8(p);
		/* bytes n-8..n-1: bytes 8..n-1 are the top n-8 of them */
		*hi = n == 8 ? 0 : pws__rd8(p + n - 8) >> (8 * (16 - n));
	} else if (n >= 4) {
		/* bytes n-4..n-1 at their places over bytes 0..3 (the same
		 * bytes where the two loads overlap) */
		*lo = pws__rd4(p) | pws__rd4(p + n - 4) << (8 * (n - 4));
		*hi = 0;
	} else {
		*lo = n ? (uint64_t)p[0] | (uint64_t)p[n >> 1] << (8 * (n >> 1)) |
		              (uint64_t)p[n - 1] << (8 * (n - 1))
		        : 0;
		*hi = 0;
	}
}

/* The hash of a key of more than 16 bytes, and its first 8 bytes (the
 * head of pws__skey) from the same loads: 16 bytes a round, the seed
 * carried, then the last 16. */
static PWS__ALWAYS_INLINE uint64_t pws__khash_long(const unsigned char *p, size_t n,
                                                   uint64_t seed, uint64_t *head)
{
	unsigned __int128 r;
	uint64_t a, b;
	size_t i = n;

	*head = pws__rd8(p);
	do {
		seed = pws__mum(pws__rd8(p) ^ PWS__K1, pws__rd8(p + 8) ^ seed);
		p += 16;
		i -= 16;
	} while (i > 16);
	a = pws__rd8(p + i - 16);
	b = pws__rd8(p + i - 8);
	r = (unsigned __int128)(a ^ PWS__K1) * (b ^ seed);
	return pws__mum((uint64_t)r ^ PWS__K0 ^ n, (uint64_t)(r >> 64) ^ PWS__K1);
}

/* pws__khash, also giving the key's first 8 bytes zero-padded (the head
 * of pws__skey) from the same loads, so that a lookup reads its key once. */
static PWS__ALWAYS_INLINE uint64_t pws__khash_head(const void *key, size_t n, uint64_t seed,
                                                   uint64_t *head)
{
	uint64_t lo, hi;

	if (n > 16)
		return pws__khash_long(key, n, seed, head);
	pws__key_words(key, n, &lo, &hi);
	*head = lo;
	return pws__khash16(lo, hi, n, seed);
}

static inline uint64_t pws__khash(const void *key, size_t n, uint64_t seed)
{
	uint64_t head;

	return pws__khash_head(key, n, seed, &head);
}

/* A fresh random seed (the kernel's random source; failing that, the
 * clock, an address and a counter, mixed). Never the same twice in a
 * process. */
uint64_t pws__seed_random(void);

/* --- growable array of fixed-size items ----------------------------------- */
typedef struct pws__vec {
	void *v;
	uint32_t n, cap;
	uint32_t size;     /* of an item (set by pws__vec_reserve): the block is
	                    * cap * size bytes, a table block (pws__table_alloc) */
} pws__vec;

/* Makes room for `more` items of `size` bytes beyond n. The test of the
 * room is inline: a bulk load reserves one item at a time, and the call
 * cost more than the test (pws__vec_grow makes the room). */
int pws__vec_grow(const pws__mem *m, pws__vec *v, size_t size, uint32_t more);
static inline int pws__vec_reserve(const pws__mem *m, pws__vec *v, size_t size, uint32_t more)
{
	return (uint64_t)v->n + more <= v->cap ? PWS_OK : pws__vec_grow(m, v, size, more);
}
void pws__vec_free(const pws__mem *m, pws__vec *v);

/* A vector of uint32_t (indexes). */
typedef struct pws__ids {
	uint32_t *v;
	uint32_t n, cap;
} pws__ids;

/* Room for `more` items beyond n: tested inline, made by pws__ids_grow. */
int pws__ids_grow(const pws__mem *m, pws__ids *l, uint32_t more);
static inline int pws__ids_reserve(const pws__mem *m, pws__ids *l, uint32_t more)
{
	return (uint64_t)l->n + more <= l->cap ? PWS_OK : pws__ids_grow(m, l, more);
}
/* Appends (room must be reserved); returns the position. */
static inline uint32_t pws__ids_push(pws__ids *l, uint32_t x)
{
	l->v[l->n] = x;
	return l->n++;
}
/* Removes the item at pos by moving the last one there; returns the
 * moved item (PWS__NONE if none moved). */
uint32_t pws__ids_swap_remove(pws__ids *l, uint32_t pos);
void pws__ids_free(const pws__mem *m, pws__ids *l);

/* --- string -> uint32 map (linear probing, backward-shift deletion) ------- */
/* 16 bytes, so that a lookup of a key of up to 8 bytes reads one
 * small slot and nothing else; longer keys also read the stored key. */
typedef struct pws__smap_slot {
	uint64_t head;     /* the key's first 8 bytes, zero-padded */
	uint32_t hash;     /* its tag (pws__skey_tag): low 30 bits of the key's
	                    * hash (also its placement: a map has at most 2^30
	                    * slots), bit 31 set for a key longer than 8 bytes,
	                    * bit 30 for one longer than 8 + PWS__SMAP_TAIL */
	uint32_t val;      /* PWS__NONE marks an empty slot */
} pws__smap_slot;

typedef struct pws__smap {
	/* Slot j at cells + (j << shift); its payload at aux + (j << ashift)
	 * (pws__smap_at, pws__smap_auxp). A narrow map: 16-byte slots and
	 * the payloads in an array of their own (shift 4, ashift 3). A wide
	 * map (pws__smap_inline_aux): cells of 32 bytes, the slot and its
	 * payload in one (shift = ashift = 5; 8 bytes unused), so that a
	 * lookup that reads the payload (a check's user and workspace ids:
	 * their hot words) loads one line, not two from two tables. A wide map
	 * that keeps tails and whose keys are mostly long (UUIDs) has cells of
	 * 64 bytes, the tail in the cell's second half (shift 6): see tailb. */
	unsigned char *cells;
	unsigned char *aux; /* a payload of the owner's (0 when put) */
	unsigned shift, ashift;
	const char **keys; /* per slot: the key, owned by whoever inserted it */
	uint32_t n, mask;  /* mask + 1 slots, 0 when empty */
	uint64_t seed;     /* keys its hash (pws__smap_seed); kept by smap_free */
	/* Optional (pws__smap_keep_tails): per slot, bytes 8 to 8 + PWS__SMAP_TAIL
	 * of the key, zero-padded, so that keys up to that length (UUIDs) are
	 * decided by the slot and its tail, loaded together, without the
	 * dependent reads of the key pointer and the key.
	 * Only the tails of keys longer than 8 bytes are written (a short key
	 * is decided by its slot): with short keys only, the tails' pages of a
	 * table from the kernel are never touched, so never resident. A tail
	 * is read only where the slot's tag has PWS__SMAP_LONG. */
	unsigned char *tailb; /* slot j's tail at tailb + (j << tshift), NULL
	                       * when no tails are kept: an array of its own
	                       * (tshift 5), or in a wide map's 64-byte cells
	                       * (cells + 32, tshift 6), chosen at each growth
	                       * by the keys then present (smap_grow): a
	                       * lookup of a long key then reads one line */
	unsigned tshift;
	uint32_t n_long;   /* keys longer than 8 bytes */
	int tails;         /* kept by smap_free */
	int wide;          /* kept by smap_free: see pws__smap_inline_aux */
	int keys_out;      /* kept by smap_free: see pws__smap_keys_elsewhere */
	void *const *keyv; /* kept by smap_free: see pws__smap_keys_by_val */
} pws__smap;
#define PWS__SMAP_TAIL 32u
#define PWS__SMAP_LONG 0x80000000u /* the tag bit of a key longer than 8 bytes */

/* Slot j of a map that has slots (cells non-NULL), and its payload. */
static PWS__ALWAYS_INLINE pws__smap_slot *pws__smap_at_s(const pws__smap *map, uint32_t j,
                                                         unsigned shift)
{
	return (pws__smap_slot *)(void *)(map->cells + ((size_t)j << shift));
}
static inline pws__smap_slot *pws__smap_at(const pws__smap *map, uint32_t j)
{
	return pws__smap_at_s(map, j, map->shift);
}
static inline uint64_t *pws__smap_auxp(const pws__smap *map, uint32_t j)
{
	return (uint64_t *)(void *)(map->aux + ((size_t)j << map->ashift));
}
/* Slot j's tail (PWS__SMAP_TAIL bytes) of a map that keeps tails. */
static PWS__ALWAYS_INLINE unsigned char *pws__smap_tail(const pws__smap *map, uint32_t j)
{
	return map->tailb + ((size_t)j << map->tshift);
}

/* Makes an empty map wide: each slot and its payload in one 32-byte cell
 * (see pws__smap.cells). For maps whose lookups read the payload. */
void pws__smap_inline_aux(pws__smap *map);

/* Makes an empty map keep key tails (see pws__smap.tail). */
void pws__smap_keep_tails(pws__smap *map);
/* Makes an empty map record a key's pointer (pws__smap.keys) only where a
 * lookup reads it: a key longer than 8 bytes, or than 8 + PWS__SMAP_TAIL
 * when the map keeps tails. For maps whose keys their owner holds (user
 * and workspace ids: the records and the string arena), so that with
 * short keys the key pointers' pages of a table from the kernel are never
 * touched (8 bytes a slot, never resident). pws__smap_del and
 * pws__smap_key_at then give NULL for a key not recorded. */
void pws__smap_keys_elsewhere(pws__smap *map);
/* Makes an empty map record no key pointer at all: the key of value v is
 * ((const char **)*keyv)[v], an array of its owner's (the interned
 * addresses: model.atom_str), whose entry is set before the key is put
 * and kept until it is deleted. The owner sets it again where its struct
 * moves (pws__model_bind). Lookups of long keys then read the key through
 * the value (a dependent load); pws__smap_del and pws__smap_key_at give it
 * as they give a recorded key. */
void pws__smap_keys_by_val(pws__smap *map, void *const *keyv);
/* Whether map records the pointer of a key of tag `tag` (pws__skey_tag)
 * in keys[]: always, unless pws__smap_keys_elsewhere / _keys_by_val. */
static inline int pws__smap_keeps_key(const pws__smap *map, uint32_t tag)
{
	return !map->keys_out ||
	       (!map->keyv && (tag & (map->tails ? 0x40000000u : PWS__SMAP_LONG)) != 0);
}
/* The key of occupied slot j, where the map holds or finds it (NULL for a
 * key not recorded: pws__smap_keys_elsewhere). */
static inline const char *pws__smap_stored(const pws__smap *map, uint32_t j)
{
	if (map->keyv)
		return ((const char *const *)*map->keyv)[pws__smap_at(map, j)->val];
	return pws__smap_keeps_key(map, pws__smap_at(map, j)->hash) ? map->keys[j] : NULL;
}

/* Sets the seed of an empty map (its keys are placed by hashes keyed
 * with it). */
void pws__smap_seed(pws__smap *map, uint64_t seed);

/* The stored key of slot i (i <= mask), or NULL when the slot is empty
 * (or its key not recorded: pws__smap_keys_elsewhere). */
static inline const char *pws__smap_key_at(const pws__smap *map, uint32_t i)
{
	return pws__smap_at(map, i)->val == PWS__NONE ? NULL : pws__smap_stored(map, i);
}

/* One pass over a lookup key: its length, first 8 bytes and hash, so a
 * caller can prefetch, look up and derive other hashes from one pass. */
typedef struct pws__skey {
	uint64_t hash, head;
	size_t len;
} pws__skey;

#if PWS__SKEY_BLOCKS
/* pws__key_keep[n]: the masks of a key's bytes 0..n-1 in its two words */
#if defined(__GNUC__)
/* hidden: read PC-relative, not through the GOT */
extern const uint64_t pws__key_keep[17][2] __attribute__((visibility("hidden")));
#else
extern const uint64_t pws__key_keep[17][2];
#endif

/* pws__skey_of on x86-64: the key's length and words from the aligned
 * 16-byte blocks that hold its first bytes, as strlen itself reads them:
 * a naturally aligned load never crosses a page, and the second block is
 * loaded only when the first holds no end of the key, so no load reaches
 * a page the key does not touch. Bytes past the end are masked off before
 * the hash. Keys of more than 16 bytes take the general hash. */
static PWS__ALWAYS_INLINE pws__skey pws__skey_blocks(const pws__smap *map, const char *key)
{
	const __m128i *blk = (const __m128i *)((uintptr_t)key & ~(uintptr_t)15);
	unsigned off = (unsigned)((uintptr_t)key & 15);
	__m128i z = _mm_setzero_si128(), b0 = _mm_load_si128(blk), b1 = z;
	uint32_t ends = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b0, z)) >> off;
	unsigned char w[32] __attribute__((aligned(16)));
	uint64_t lo, hi;
	pws__skey k;
	size_t n;

	if (!ends) {
		b1 = _mm_load_si128(blk + 1);
		ends = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b1, z)) << (16 - off);
	}
	n = ends ? (size_t)__builtin_ctz(ends) : 32 - off + strlen((const char *)(blk + 2));
	k.len = n;
	if (n > 16) {
		k.hash = pws__khash_long((const unsigned char *)key, n, map->seed, &k.head);
		return k;
	}
	_mm_store_si128((__m128i *)(void *)w, b0);
	_mm_store_si128((__m128i *)(void *)(w + 16), b1);
	lo = pws__rd8(w + off);
	hi = pws__rd8(w + off + 8);
	/* keep bytes 0..n-1 */
	lo &= pws__key_keep[n][0];
	hi &= pws__key_keep[n][1];
	k.head = lo;
	k.hash = pws__khash16(lo, hi, n, map->seed);
	return k;
}
#endif

static PWS__ALWAYS_INLINE pws__skey pws__skey_of(const pws__smap *map, const char *key)
{
#if PWS__SKEY_BLOCKS
	return pws__skey_blocks(map, key);
#else
	pws__skey k;

	k.len = strlen(key);
	k.hash = pws__khash_head(key, k.len, map->seed, &k.head);
	return k;
#endif
}
/* What a slot stores of a key besides its head (see pws__smap_slot). */
static inline uint32_t pws__skey_tag(const pws__skey *k)
{
	return ((uint32_t)k->hash & 0x3fffffffu) | (k->len > 8 ? PWS__SMAP_LONG : 0u) |
	       (k->len > 8 + PWS__SMAP_TAIL ? 0x40000000u : 0u);
}
/* The 32 bits of a key's hash that no smap uses to place it (its high
 * half): what other tables may derive their own positions from. */
static inline uint32_t pws__skey_hi(const pws__skey *k)
{
	return (uint32_t)(k->hash >> 32);
}
/* The id hash of a key of map (keyed with its seed). */
static inline uint32_t pws__id_hash(const pws__smap *map, const char *id)
{
	pws__skey k = pws__skey_of(map, id);

	return pws__skey_hi(&k);
}
/* Whether the n bytes at key (1 <= n <= PWS__SMAP_TAIL) are the first n of
 * a stored tail: words of 8 bytes, overlapping (a UUID's 28 bytes: four
 * loads a side), so that a lookup makes no memcmp call. No byte outside
 * either is read. */
static inline int pws__tail_eq(const unsigned char *t, const char *key, size_t n)
{
	const unsigned char *k = (const unsigned char *)key;
	uint64_t d;

	if (n < 8) {
		if (n >= 4)
			return ((pws__rd4(t) ^ pws__rd4(k)) |
			        (pws__rd4(t + n - 4) ^ pws__rd4(k + n - 4))) == 0;
		/* 1 to 3 bytes: the first, the middle and the last are all */
		return ((t[0] ^ k[0]) | (t[n >> 1] ^ k[n >> 1]) | (t[n - 1] ^ k[n - 1])) == 0;
	}
	/* the first 8 (16) bytes and the last 8 (16) cover n < 16 (n <= 32) */
	d = (pws__rd8(t) ^ pws__rd8(k)) | (pws__rd8(t + n - 8) ^ pws__rd8(k + n - 8));
	if (n >= 16)
		d |= (pws__rd8(t + 8) ^ pws__rd8(k + 8)) |
		     (pws__rd8(t + n - 16) ^ pws__rd8(k + n - 16));
	return d == 0;
}

/* Whether slot j (s) holds key, longer than 8 bytes (tag: its
 * pws__skey_tag). Keys of up to 8 + PWS__SMAP_TAIL bytes are decided by
 * the slot and its tail, when kept (the tag's bit 30 tells them from
 * longer keys); longer ones by the stored key. */
static PWS__ALWAYS_INLINE int pws__smap_holds_long(const pws__smap *map, uint32_t j,
                                                   const pws__smap_slot *s, const char *key,
                                                   const pws__skey *k, uint32_t tag)
{
	return s->hash == tag && s->head == k->head &&
	       (map->tailb && k->len <= 8 + PWS__SMAP_TAIL
	            ? pws__tail_eq(pws__smap_tail(map, j), key + 8, k->len - 8) &&
	                  (k->len == 8 + PWS__SMAP_TAIL || pws__smap_tail(map, j)[k->len - 8] == 0)
	            : strcmp(pws__smap_stored(map, j) + 8, key + 8) == 0);
}

/* The probe of a key, its pass made, in a map with cells: the slot
 * holding it (*found 1) or the free slot that ends its probe, where a
 * put of it goes (*found 0). Inline, as are the prefetch and the lookup
 * below: the check path calls nothing. */
static PWS__ALWAYS_INLINE uint32_t pws__smap_probe_s(const pws__smap *map, const char *key,
                                                     const pws__skey *k, unsigned shift,
                                                     int *found)
{
	uint32_t j = (uint32_t)k->hash & map->mask, tag = pws__skey_tag(k);

	*found = 1;
	if (k->len <= 8) {
		/* Keys of up to 8 bytes are decided in the slot: the
		 * zero-padded head holds all of them (ids hold no NUL) and
		 * the tag's top bit tells them from longer keys. */
		const pws__smap_slot *s;

		while ((s = pws__smap_at_s(map, j, shift))->val != PWS__NONE) {
			if (s->hash == tag && s->head == k->head)
				return j;
			j = (j + 1) & map->mask;
		}
		*found = 0;
		return j;
	}
	for (;;) {
		const pws__smap_slot *s = pws__smap_at_s(map, j, shift);

		if (s->val == PWS__NONE)
			break;
		if (pws__smap_holds_long(map, j, s, key, k, tag))
			return j;
		j = (j + 1) & map->mask;
	}
	*found = 0;
	return j;
}
/* The slot of a key, its pass made (PWS__NONE when absent). The probe
 * above with loops of its own: written through pws__smap_probe_s, the
 * check path by id took 8 instructions more (callgrind). */
static PWS__ALWAYS_INLINE uint32_t pws__smap_find_s(const pws__smap *map, const char *key,
                                                    const pws__skey *k, unsigned shift)
{
	uint32_t j, tag = pws__skey_tag(k);

	if (!map->cells)
		return PWS__NONE;
	j = (uint32_t)k->hash & map->mask;
	if (k->len <= 8) {
		const pws__smap_slot *s;

		while ((s = pws__smap_at_s(map, j, shift))->val != PWS__NONE) {
			if (s->hash == tag && s->head == k->head)
				return j;
			j = (j + 1) & map->mask;
		}
		return PWS__NONE;
	}
	for (;;) {
		const pws__smap_slot *s = pws__smap_at_s(map, j, shift);

		if (s->val == PWS__NONE)
			break;
		if (pws__smap_holds_long(map, j, s, key, k, tag))
			return j;
		j = (j + 1) & map->mask;
	}
	return PWS__NONE;
}
static PWS__ALWAYS_INLINE uint32_t pws__smap_find(const pws__smap *map, const char *key,
                                                  const pws__skey *k)
{
	return pws__smap_find_s(map, key, k, map->shift);
}

/* Starts loading the home slot of a key and its payload (a hint).
 * pws__smap_get_aux: pws__smap_get with the key's pass already made, also
 * reading the key's payload (0 when absent). The prefetch is always inline
 * (see pws__mtab_prefetch_h in model.h: GCC drops it otherwise). */
/* The lines a lookup of a key longer than 8 bytes also reads: its tail
 * (kept) or its recorded pointer. */
static PWS__ALWAYS_INLINE void pws__smap_prefetch_long(const pws__smap *map, const pws__skey *k,
                                                       uint32_t j)
{
	if (k->len > 8) {
		if (map->tailb && k->len <= 8 + PWS__SMAP_TAIL) {
			/* both ends: a tail may straddle two lines (in a
			 * 64-byte cell, the slot's line from the kernel's
			 * aligned tables) */
			__builtin_prefetch(pws__smap_tail(map, j));
			__builtin_prefetch(pws__smap_tail(map, j) + PWS__SMAP_TAIL - 1);
		} else if (!map->keyv) {
			__builtin_prefetch(&map->keys[j]);
		}
	}
}

static PWS__ALWAYS_INLINE void pws__smap_prefetch(const pws__smap *map, const pws__skey *k)
{
	if (map->cells) {
		uint32_t j = (uint32_t)k->hash & map->mask;

		/* (a wide map's payload is in the slot's line: the second
		 * hint finds it on its way) */
		__builtin_prefetch(pws__smap_at(map, j));
		__builtin_prefetch(pws__smap_auxp(map, j));
		pws__smap_prefetch_long(map, k, j);
	}
}

static PWS__ALWAYS_INLINE uint32_t pws__smap_get_aux(const pws__smap *map, const char *key,
                                         const pws__skey *k, uint64_t *aux)
{
	uint32_t j = pws__smap_find(map, key, k);

	if (j == PWS__NONE) {
		*aux = 0;
		return PWS__NONE;
	}
	*aux = *pws__smap_auxp(map, j);
	return pws__smap_at(map, j)->val;
}

/* The same two for a map known to be wide (pws__smap_inline_aux: the
 * user and workspace ids the check path reads): the payload at a constant
 * place in the cell, one prefetch for both. A long key's tail is in the
 * same line when the cells are of 64 bytes (tshift 6). */
static PWS__ALWAYS_INLINE void pws__smap_prefetch_wide(const pws__smap *map, const pws__skey *k)
{
	if (map->cells) {
		uint32_t j = (uint32_t)k->hash & map->mask;

		__builtin_prefetch(pws__smap_at(map, j));
		if (k->len > 8 && map->tshift != 6)
			pws__smap_prefetch_long(map, k, j);
	}
}

static PWS__ALWAYS_INLINE uint32_t pws__smap_get_aux_cells(const pws__smap *map,
                                                           const char *key, const pws__skey *k,
                                                           uint64_t *aux, unsigned shift)
{
	uint32_t j = pws__smap_find_s(map, key, k, shift);
	const pws__smap_slot *s;

	if (j == PWS__NONE) {
		*aux = 0;
		return PWS__NONE;
	}
	s = pws__smap_at_s(map, j, shift);
	memcpy(aux, (const unsigned char *)s + sizeof *s, sizeof *aux);
	return s->val;
}
static PWS__ALWAYS_INLINE uint32_t pws__smap_get_aux_wide(const pws__smap *map, const char *key,
                                                          const pws__skey *k, uint64_t *aux)
{
	/* the cell's size a constant in each copy of the probe (a shift read
	 * from the map in the loop costs a third more instructions) */
	return map->shift == 5 ? pws__smap_get_aux_cells(map, key, k, aux, 5)
	                       : pws__smap_get_aux_cells(map, key, k, aux, 6);
}

/* Sets / reads the payload of a present key (reading an absent one: 0). */
void pws__smap_set_aux(pws__smap *map, const char *key, uint64_t aux);
uint64_t pws__smap_aux_of(const pws__smap *map, const char *key);

/* Room for `more` keys beyond n at a load of at most 3/4: tested inline,
 * made by pws__smap_grow_for. */
int pws__smap_grow_for(const pws__mem *m, pws__smap *map, uint32_t more);
static inline int pws__smap_reserve(const pws__mem *m, pws__smap *map, uint32_t more)
{
	return map->cells && ((uint64_t)map->n + more) * 4 <= ((uint64_t)map->mask + 1) * 3
	               ? PWS_OK
	               : pws__smap_grow_for(m, map, more);
}
/* Returns the value for key, or PWS__NONE. */
uint32_t pws__smap_get(const pws__smap *map, const char *key);
/* The same (key may be NULL: PWS__NONE) where the caller keeps a slot hint
 * (*hint, any value): a key of up to 8 bytes that slot *hint holds is
 * answered from that slot, without hashing (a map holds a key once, so
 * the slot holding it is the one a lookup finds); else a lookup, and
 * *hint becomes the slot found. For ids that come in runs (a call's
 * actor, its workspace). */
uint32_t pws__smap_get_hinted(const pws__smap *map, const char *key, uint32_t *hint);
/* Inserts a key that is not present (room must be reserved). */
void pws__smap_put(pws__smap *map, const char *key, uint32_t val);
/* The same with the key's pass already made (k, from an equal string);
 * returns the slot, whose payload (pws__smap_auxp) the caller may then set. */
uint32_t pws__smap_put_k(pws__smap *map, const char *key, const pws__skey *k, uint32_t val);
/* pws__smap_put_k where a probe (pws__smap_probe_s) has found the key
 * absent and its free slot j, and nothing was put since: a duplicate test
 * and the insert after it probe once. */
void pws__smap_put_at(pws__smap *map, uint32_t j, const char *key, const pws__skey *k,
                      uint32_t val);
/* Removes key; returns the stored key pointer (for freeing) or NULL (absent,
 * or not recorded: pws__smap_keys_elsewhere). */
const char *pws__smap_del(pws__smap *map, const char *key);
void pws__smap_free(const pws__mem *m, pws__smap *map);

/* --- uint64 -> uint32 map -------------------------------------------------
 * Any capacity (not only powers of two: the slot is picked by a
 * multiply-shift), load kept between 0.7 and 0.85, so a million
 * entries cost about 15 bytes each rather than up to 24. A slot is 12
 * bytes, the key in two 4-byte halves (no payload: no owner kept one, and
 * 4 bytes a slot of group_of and seat_of are 0.28 B per
 * membership at 1M in the bench's world). */
typedef struct pws__umap_slot {
	uint32_t klo, khi; /* the key's low and high halves */
	uint32_t val;      /* PWS__NONE marks an empty slot */
} pws__umap_slot;

static inline uint64_t pws__umap_key(const pws__umap_slot *s)
{
	return (uint64_t)s->khi << 32 | s->klo;
}

typedef struct pws__umap {
	pws__umap_slot *s;
	uint32_t n, cap;
	uint64_t seed, mul; /* key the placement (pws__umap_seed); kept by umap_free */
} pws__umap;

/* Sets the seed of an empty map. */
void pws__umap_seed(pws__umap *map, uint64_t seed);
/* The slot a placement input hx has as home in a table of cap slots. */
static inline uint32_t pws__umap_home_of(const pws__umap *map, uint64_t hx, uint32_t cap)
{
	return (uint32_t)(((unsigned __int128)pws__mum(hx ^ map->seed, map->mul) * cap) >> 64);
}

int pws__umap_reserve(const pws__mem *m, pws__umap *map, uint32_t more);
uint32_t pws__umap_get(const pws__umap *map, uint64_t key);
/* Starts loading the slot a key would occupy, so that the miss overlaps
 * other work before pws__umap_get (a hint; no effect on correctness). */
void pws__umap_prefetch(const pws__umap *map, uint64_t key);
/* Inserts or replaces (room must be reserved). */
void pws__umap_put(pws__umap *map, uint64_t key, uint32_t val);
void pws__umap_del(pws__umap *map, uint64_t key);
/* The placement input of a pair (a, b) placed by their 32-bit id hashes
 * (the membership table, model.h); and a lookup by a map's placement
 * input hx (for a pws__umap, the key itself). */
static inline uint64_t pws__hx(uint32_t ha, uint32_t hb)
{
	return ((uint64_t)ha << 32) | hb;
}
static inline uint32_t pws__umap_find_h(const pws__umap *map, uint64_t key, uint64_t hx)
{
	const pws__umap_slot *s, *end;

	if (!map->s)
		return PWS__NONE;
	s = map->s + pws__umap_home_of(map, hx, map->cap);
	end = map->s + map->cap;
	while (s->val != PWS__NONE) {
		if (pws__umap_key(s) == key)
			return (uint32_t)(s - map->s);
		if (++s == end)
			s = map->s;
	}
	return PWS__NONE;
}

void pws__umap_free(const pws__mem *m, pws__umap *map);

static inline uint64_t pws__pair(uint32_t a, uint32_t b)
{
	return ((uint64_t)a << 32) | b;
}

#endif
