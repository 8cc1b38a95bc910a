/*
 * The public decisions: check, batch check, allowed actions, and the
 * visibility predicates. Shared lock, no allocation.
 * SPDX-License-Identifier: MIT
 */
#include "core.h"
#include "decide.h"
#include "visibility.h"

#include <string.h>

/* What resolving (actor, workspace, element) gives a decision. */
typedef struct who_in {
	uint32_t u, w, e;
	uint64_t hx;          /* the membership's placement input, slot loading */
	uint64_t uhot, whot;  /* hot words, when read with the id slots (else 0) */
} who_in;

static void who_start(pws__who *c, const pws__model *m, const who_in *in)
{
	if ((in->uhot & in->whot) & PWS__HOT_SET)
		pws__who_init_hot(c, m, in->u, in->w, in->hx, in->uhot, in->whot);
	else
		pws__who_init_h(c, m, in->u, in->w, in->hx);
}

/* The common case of resolve: (actor, workspace), both non-empty. The
 * membership slot is placed by the hashes of the two id strings, so its
 * load starts together with the loads of the two id slots: three cache
 * misses overlap instead of the membership's waiting for both ids to
 * resolve. Inline: pws_check's path makes no call before the decision. */
static PWS__ALWAYS_INLINE int resolve_ws(const pws__model *m, const char *actor, const char *ws,
                                         who_in *in)
{
	pws__skey ka = pws__skey_of(&m->user_ids, actor), kw = pws__skey_of(&m->ws_ids, ws);

	in->e = PWS__NONE;
	in->hx = pws__hx(pws__skey_hi(&kw), pws__skey_hi(&ka));
	pws__smap_prefetch_wide(&m->user_ids, &ka);
	pws__smap_prefetch_wide(&m->ws_ids, &kw);
	pws__mtab_prefetch_h(&m->member_of, in->hx);
	in->u = pws__smap_get_aux_wide(&m->user_ids, actor, &ka, &in->uhot);
	in->w = pws__smap_get_aux_wide(&m->ws_ids, ws, &kw, &in->whot);
	if (in->u == PWS__NONE || in->w == PWS__NONE)
		return pws__miss_code(actor, ws, NULL);
	return PWS_OK;
}

/* Resolves (actor, workspace, element); 0 or a status code. */
static int resolve(const pws__model *m, const char *actor, const char *ws, const char *el,
                   who_in *in)
{
	uint32_t *u = &in->u, *w = &in->w, *e = &in->e;
	uint64_t *hx = &in->hx;

	/* NULL and empty are refused here; an id the directory could not hold
	 * (control bytes, over-long) is not found, and only then validated
	 * (pws__miss_code): ids that resolve pay for no validation pass. */
	if (!actor || !actor[0] || (!ws && !el) || (ws && !ws[0]) || (el && !el[0]))
		return PWS_EINVALID;
	if (!el)
		return resolve_ws(m, actor, ws, in);
	*e = PWS__NONE;
	in->uhot = in->whot = 0;
	*u = pws__user_find(m, actor);
	*e = *u == PWS__NONE ? PWS__NONE : pws__el_find(m, el);
	if (*e == PWS__NONE)
		return pws__miss_code(actor, ws, el);
	*w = ELEM(m, *e)->ws;
	if (ws && pws__ws_find(m, ws) != *w)
		return PWS_EINVALID; /* malformed, or the element is not in that workspace */
	*hx = pws__member_hx(m, *w, *u);
	pws__mtab_prefetch_h(&m->member_of, *hx);
	return PWS_OK;
}

/* pws_check of (actor, workspace), both non-NULL: the ids hashed once
 * (an empty one has length 0 and takes the single path, which refuses
 * it); 1 when the single path must decide, else the status. */
static PWS__ALWAYS_INLINE int check_ws(const pws__model *m, int *allowed, int *rule,
                                       const char *actor, int action, const char *ws)
{
	pws__skey ka = pws__skey_of(&m->user_ids, actor), kw = pws__skey_of(&m->ws_ids, ws);
	uint64_t uhot, whot;
	uint32_t u, w;
	pws__mhome home;
	int d;

	if (!ka.len || !kw.len)
		return 1;
	/* the membership slot is placed by the hashes of the two id strings:
	 * its load starts together with the loads of the two id slots, and
	 * the probe starts from the home computed here */
	home = pws__mtab_home_of(&m->member_of, pws__hx(pws__skey_hi(&kw), pws__skey_hi(&ka)));
	pws__smap_prefetch_wide(&m->user_ids, &ka);
	pws__smap_prefetch_wide(&m->ws_ids, &kw);
	pws__mtab_prefetch_at(&m->member_of, home);
	u = pws__smap_get_aux_wide(&m->user_ids, actor, &ka, &uhot);
	w = pws__smap_get_aux_wide(&m->ws_ids, ws, &kw, &whot);
	if (u == PWS__NONE || w == PWS__NONE)
		return pws__miss_code(actor, ws, NULL);
	/* every insertion stores the hot words before the lock is released
	 * (check_refs: refs_hot_words_follow_every_change); the fallback reads
	 * the records should one be missing */
	if (!((uhot & whot) & PWS__HOT_SET)) { /* GCOVR_EXCL_BR_LINE: see above */
		uhot = pws__uhot_of(USER(m, u)); /* GCOVR_EXCL_LINE */
		whot = pws__whot_of(WS(m, w));   /* GCOVR_EXCL_LINE */
	}
	/* the decision straight from the hot words and the membership slot */
	d = pws__decide_ws(m, w | (uint64_t)u << 32, home, uhot, whot, action);
	*allowed = pws__dw_allowed(d);
	if (rule)
		*rule = pws__dw_rule(d);
	return PWS_OK;
}

/* pws_check's other cases: an element, malformed arguments. */
static __attribute__((noinline)) int check_one(const pws__model *m, int *allowed, int *rule, const char *actor,
                     int action, const char *ws, const char *el)
{
	who_in in;
	pws__who c;
	int r, rc;

	if (action <= 0 || action >= PWS_ACT_COUNT)
		return PWS_EINVALID;
	rc = resolve(m, actor, ws, el, &in);
	if (rc)
		return rc;
	who_start(&c, m, &in);
	*allowed = pws__decide(&c, action, in.e, &r);
	if (rule)
		*rule = r;
	return PWS_OK;
}

/* --- references -----------------------------------------------------------
 * A user's or a workspace's reference carries its id hash (user_h / ws_h),
 * so that pws_check_ref places the membership slot from the two
 * references alone: the slot's load starts before anything is read, and
 * it is the only load that waits for nothing but the lock.
 *
 *   hashed (users, workspaces; generation + 1 <= 63, index < 2^24):
 *     1 << 63 | is_workspace << 62 | (generation + 1) << 56 | index << 32 | id hash
 *   plain (elements, and any reference past those bounds):
 *     ((generation + 1) mod 2^29) << 34 | kind << 32 | index      (bit 63 clear)
 *
 * Both forms name the kind, the generation (bumped by a snapshot import)
 * and the index exactly: a stale reference is refused as before (removed
 * entities keep their index, a re-added one gets a new index). A hashed
 * reference whose hash is not its entity's (made by no pws_ref_*) could
 * only hide a membership: a check that finds none compares the hashes
 * and refuses it (PWS_ENOTFOUND). */

enum { REF_USER = 1, REF_WS = 2, REF_EL = 3 };

#define REF_H ((uint64_t)1 << 63)
#define REF_H_WS ((uint64_t)1 << 62)
#define REF_H_GENS 63u          /* generation + 1 in 6 bits */
#define REF_H_INDEXES (1u << 24)
#define REF_GEN_MASK 0x1fffffffu /* plain: generation + 1 in 29 bits */

static pws_ref make_ref(const pws_policy *p, int kind, uint32_t i)
{
	const pws__model *m = &p->m;
	uint64_t g = (uint64_t)p->gen + 1;

	/* an index of 2^24 and more (16M users or workspaces) takes the plain form */
	if (kind != REF_EL && g <= REF_H_GENS && i < REF_H_INDEXES) /* GCOVR_EXCL_BR_LINE: 2^24 */
		return REF_H | (kind == REF_WS ? REF_H_WS : 0) | g << 56 | (uint64_t)i << 32 |
		       (kind == REF_WS ? m->ws_h.v[i] : m->user_h.v[i]);
	return ((g & REF_GEN_MASK) << 34) | ((uint64_t)kind << 32) | i;
}

static inline int ref_kind(pws_ref r)
{
	if (r & REF_H)
		return r & REF_H_WS ? REF_WS : REF_USER;
	return (int)((r >> 32) & 3);
}

/* The index a reference names, or PWS__NONE when it is of another kind,
 * of another generation, or names nothing alive. */
static inline uint32_t ref_index(const pws_policy *p, pws_ref r, int kind, int *rc)
{
	const pws__model *m = &p->m;
	uint64_t g = (uint64_t)p->gen + 1;
	uint32_t i;

	if (ref_kind(r) != kind) {
		*rc = PWS_EINVALID;
		return PWS__NONE;
	}
	*rc = PWS_ENOTFOUND;
	if (r & REF_H) {
		if (((r >> 56) & REF_H_GENS) != g)
			return PWS__NONE;
		i = (uint32_t)(r >> 32) & (REF_H_INDEXES - 1);
	} else {
		if (((r >> 34) & REF_GEN_MASK) != (g & REF_GEN_MASK))
			return PWS__NONE;
		i = (uint32_t)r;
	}
	if (kind == REF_USER)
		return i < m->users.n && USER(m, i)->alive ? i : PWS__NONE;
	if (kind == REF_WS)
		return i < m->wss.n ? i : PWS__NONE;
	return i < m->elements.n && ELEM(m, i)->state != PWS__EL_GONE ? i : PWS__NONE;
}

static int ref_of(const pws_policy *p, pws_ref *ref, const char *id, int kind)
{
	uint32_t i;
	int rc;

	if (!p || !ref || !id || !id[0])
		return PWS_EINVALID;
	*ref = PWS_REF_NONE;
	rc = pws__read_begin(p);
	if (rc)
		return rc;
	i = kind == REF_USER ? pws__user_find(&p->m, id)
	    : kind == REF_WS ? pws__ws_find(&p->m, id) : pws__el_find(&p->m, id);
	if (i != PWS__NONE)
		*ref = make_ref(p, kind, i);
	pws__read_end(p);
	return i == PWS__NONE ? pws__miss_code(id, NULL, NULL) : PWS_OK;
}

PWS_EXTERN int pws_ref_user(const pws_policy *p, pws_ref *ref, const char *user_id)
{
	return ref_of(p, ref, user_id, REF_USER);
}

PWS_EXTERN int pws_ref_workspace(const pws_policy *p, pws_ref *ref, const char *workspace_id)
{
	return ref_of(p, ref, workspace_id, REF_WS);
}

PWS_EXTERN int pws_ref_element(const pws_policy *p, pws_ref *ref, const char *element_id)
{
	return ref_of(p, ref, element_id, REF_EL);
}

/* pws_check_ref of a hashed user and a hashed workspace, no element: the
 * membership slot placed by the references alone, its load started before
 * the references are checked and the records read. */
static PWS__ALWAYS_INLINE int check_ref_ws(const pws_policy *p, int *allowed, int *rule, pws_ref actor,
                        int action, pws_ref workspace)
{
	const pws__model *m = &p->m;
	uint64_t hx = pws__hx((uint32_t)workspace, (uint32_t)actor), g = (uint64_t)p->gen + 1;
	uint64_t uhot;
	uint32_t u, w, packed;
	pws__mhome home = pws__mtab_home_of(&m->member_of, hx);
	int d;

	pws__mtab_prefetch_at(&m->member_of, home);
	/* ref_index of both, their kinds known: a generation or an index
	 * that names nothing alive is stale. The user's hot word comes from
	 * the dense array (model.uhot: 4 bytes a user, 0 once removed), not
	 * from its 48-byte record: at a million users the records are a
	 * second miss to memory, the array (4 MB) mostly a last-level cache
	 * hit */
	u = (uint32_t)(actor >> 32) & (REF_H_INDEXES - 1);
	w = (uint32_t)(workspace >> 32) & (REF_H_INDEXES - 1);
	if (((actor >> 56) & REF_H_GENS) != g || ((workspace >> 56) & REF_H_GENS) != g ||
	    u >= m->users.n || w >= m->wss.n)
		return PWS_ENOTFOUND;
	/* the user's id hash is read back when no membership is found (the
	 * hash test below): its load overlaps the slot's instead of following
	 * the probe (user_h: 4 bytes a user, 4 MB at a million) */
	__builtin_prefetch(&m->user_h.v[u]);
	packed = ((const uint32_t *)m->uhot.v)[u];
	if (!packed)
		return PWS_ENOTFOUND;
	uhot = packed != PWS__UHOT32_RECORD ? pws__uhot_unpack(packed) : pws__uhot_of(USER(m, u));
	d = pws__decide_ws(m, w | (uint64_t)u << 32, home, uhot, pws__whot_of(WS(m, w)), action);
	/* a hash that is not theirs could only have hidden the membership */
	if ((d & PWS__DW_NOREC) && pws__member_hx(m, w, u) != hx)
		return PWS_ENOTFOUND;
	*allowed = pws__dw_allowed(d);
	if (rule)
		*rule = pws__dw_rule(d);
	return PWS_OK;
}

/* Every other case of pws_check_ref: an element, plain references. */
static __attribute__((noinline)) int check_ref_any(const pws_policy *p, int *allowed, int *rule, pws_ref actor,
                         int action, pws_ref workspace, pws_ref element)
{
	const pws__model *m = &p->m;
	uint32_t u, w = PWS__NONE, e = PWS__NONE;
	uint64_t hx;
	pws__who c;
	int r = PWS_RULE_NONE, rc;

	u = ref_index(p, actor, REF_USER, &rc);
	if (u != PWS__NONE && element != PWS_REF_NONE) {
		e = ref_index(p, element, REF_EL, &rc);
		if (e != PWS__NONE)
			w = ELEM(m, e)->ws;
	}
	if (u != PWS__NONE && workspace != PWS_REF_NONE && (element == PWS_REF_NONE || e != PWS__NONE)) {
		uint32_t w2 = ref_index(p, workspace, REF_WS, &rc);

		if (w2 != PWS__NONE && w != PWS__NONE && w2 != w) {
			rc = PWS_EINVALID; /* the element is not in that workspace */
			w = PWS__NONE;
		} else {
			w = w2;
		}
	}
	if (u == PWS__NONE || w == PWS__NONE)
		return rc;
	hx = pws__member_hx(m, w, u);
	pws__mtab_prefetch_h(&m->member_of, hx);
	pws__who_init_h(&c, m, u, w, hx);
	*allowed = pws__decide(&c, action, e, &r);
	if (rule)
		*rule = r;
	return PWS_OK;
}

PWS_EXTERN int pws_check_ref(const pws_policy *p, int *allowed, int *rule, pws_ref actor,
                             int action, pws_ref workspace, pws_ref element)
{
	atomic_uint *slot;
	int rc;

	if (!p || !allowed)
		return PWS_EINVALID;
	*allowed = 0;
	if (rule)
		*rule = PWS_RULE_NONE;
	if (action <= 0 || action >= PWS_ACT_COUNT ||
	    (workspace == PWS_REF_NONE && element == PWS_REF_NONE))
		return PWS_EINVALID;
	slot = pws__read_enter(p);
	if (!slot)
		return PWS_EMISUSE;
	if (element == PWS_REF_NONE && (actor & REF_H) && !(actor & REF_H_WS) &&
	    (workspace & REF_H) && (workspace & REF_H_WS))
		rc = check_ref_ws(p, allowed, rule, actor, action, workspace);
	else
		rc = check_ref_any(p, allowed, rule, actor, action, workspace, element);
	pws__read_leave(p, slot);
	return rc;
}

PWS_EXTERN int pws_check(const pws_policy *p, int *allowed, int *rule, const char *actor,
                         int action, const char *workspace_id, const char *element_id)
{
	atomic_uint *slot;
	int rc;

	if (!p || !allowed)
		return PWS_EINVALID;
	*allowed = 0;
	if (rule)
		*rule = PWS_RULE_NONE;
	slot = pws__read_enter(p);
	if (!slot)
		return PWS_EMISUSE;
	rc = 1;
	if (!element_id && actor && workspace_id && action > 0 && action < PWS_ACT_COUNT)
		rc = check_ws(&p->m, allowed, rule, actor, action, workspace_id);
	if (rc == 1)
		rc = check_one(&p->m, allowed, rule, actor, action, workspace_id, element_id);
	pws__read_leave(p, slot);
	return rc;
}

/* A software pipeline over the items, so that the memory misses of
 * several items are in flight at any time and none waits long: while
 * item i is decided, item i + BATCH_AHEAD has its ids hashed and its id
 * slots and membership slot (placed by the id hashes, known before the
 * ids resolve) started loading, and the id strings of item
 * i + 2 * BATCH_AHEAD are started loading (a host's ids are seldom all in
 * cache). The lines of item i have had BATCH_AHEAD items' time to
 * arrive. Items naming an element, with a bad action or a NULL or empty
 * id are only marked when started and decided at their turn by
 * pws_check's single path itself (check_one, out of line): the loop
 * inlines no copy of resolve and keeps no resolved who_in per item
 * (h-bring, session 9: ring entries of 64 bytes instead of 96, fewer
 * values live across the loop: 470 -> 442 instructions an item,
 * callgrind, peer world).
 * Every line an item's pass reads is started, not only the first of
 * each: a line the pipeline leaves out is a whole miss at the item's
 * turn (h-bbatch, session 8: at 1M memberships the string's second line
 * and the user id map's next line were ~10-15% of the batch's time each,
 * the membership slot's next line a few %). */
#define BATCH_AHEAD 4u
#define BATCH_RING 8u /* a power of two above BATCH_AHEAD */
#define BATCH_IDS 1 /* an item whose ids are hashed and looked up by the pipeline */
#define BATCH_ONE 2 /* an item decided by the single path (check_one) */

/* Starts loading an id string's lines: its first and, when the string
 * starts in a line's last 31 bytes, the next, which strlen reads as
 * well (glibc's loads 32 bytes at once from the string's start; ids of
 * up to 32 bytes, UUIDs included, are then read from lines already on
 * their way). */
static PWS__ALWAYS_INLINE void batch_prefetch_id(const char *id)
{
	__builtin_prefetch(id);
	__builtin_prefetch((const void *)((uintptr_t)id + 31));
}

/* Starts loading the line of the second cell after a key's home in a
 * wide map (the user ids): at the user map's load (up to one half) about
 * a quarter of the keys sit past their home cell, and with two 32-byte
 * cells to a line the key one or two cells on is in the home's line or
 * in that one (the cell right after alone missed the keys two cells on
 * from a line's first cell: 3-6% slower at 1M memberships). A hint: an
 * empty map's cells are NULL and its mask 0, so the address is then NULL
 * (never faulted on). */
static PWS__ALWAYS_INLINE void batch_prefetch_next_cell(const pws__smap *map,
                                                        const pws__skey *k)
{
	/* the line after the home cell's: two cells on, or one where the
	 * cells are of 64 bytes (a map of UUIDs, tails in the cells) */
	unsigned sh = map->shift;
	uint32_t j = ((uint32_t)k->hash + (64u >> sh)) & map->mask;

	__builtin_prefetch((const void *)((uintptr_t)map->cells + ((uintptr_t)j << sh)));
}

/* Starts loading a membership slot's line and the next: at the table's
 * load (0.78-0.92) a found membership's probe reads ~5 slots of 12 bytes
 * on average (session 10: distances from the home 0-4 for 65% of them,
 * mean 4.4 at load 0.9), usually into the next line. */
static PWS__ALWAYS_INLINE void batch_prefetch_memb(const pws__mtab *mt, pws__mhome home)
{
	if (mt->s) {
		uintptr_t h = (uintptr_t)&mt->s[home.slot];

		__builtin_prefetch((const void *)h);
		__builtin_prefetch((const void *)(h + 64));
	}
}

typedef struct batch_item {
	pws__skey ka, kw; /* the ids' passes (hashing to deciding) */
	pws__mhome home;  /* the membership's home slot (pws__mtab_home_of) */
	int c;            /* BATCH_IDS or BATCH_ONE */
	uint64_t pad;     /* 64 bytes: a ring entry's place is a shift */
} batch_item;

/* Hashes item j's ids and starts loading its slots, or marks it for the
 * single path (an element, a bad action, a malformed id). */
static PWS__ALWAYS_INLINE void batch_start(const pws__model *m, batch_item *B, size_t j,
                                           const char *const *actors, const int *actions,
                                           const char *const *workspaces,
                                           const char *const *elements)
{
	int a = actions[j];
	const char *actor = actors[j], *ws = workspaces[j];

	if (!(elements && elements[j]) && actor && ws &&
	    (unsigned)a - 1u < (unsigned)PWS_ACT_COUNT - 1u) {
		B->ka = pws__skey_of(&m->user_ids, actor);
		B->kw = pws__skey_of(&m->ws_ids, ws);
		if (B->ka.len && B->kw.len) {
			B->home = pws__mtab_home_of(&m->member_of, pws__hx(pws__skey_hi(&B->kw),
			                                                   pws__skey_hi(&B->ka)));
			pws__smap_prefetch_wide(&m->user_ids, &B->ka);
			batch_prefetch_next_cell(&m->user_ids, &B->ka);
			pws__smap_prefetch_wide(&m->ws_ids, &B->kw);
			batch_prefetch_memb(&m->member_of, B->home);
			B->c = BATCH_IDS;
			return;
		}
	}
	B->c = BATCH_ONE;
}

PWS_EXTERN int pws_check_batch(const pws_policy *p, int *allowed, int *rules, int *codes,
                               size_t n, const char *const *actors, const int *actions,
                               const char *const *workspaces, const char *const *elements)
{
	const pws__model *m;
	batch_item I[BATCH_RING];
	size_t i, t;
	atomic_uint *slot;

	if (!p || (n && (!allowed || !actors || !actions || !workspaces)))
		return PWS_EINVALID;
	slot = pws__read_enter(p);
	if (!slot)
		return PWS_EMISUSE;
	m = &p->m;
	/* the strings of the first items */
	for (i = 0; i < n && i < BATCH_AHEAD; i++) {
		batch_prefetch_id(actors[i]);
		batch_prefetch_id(workspaces[i]);
	}
	/* step t: the strings of item t + BATCH_AHEAD prefetched, item t
	 * started, item t - BATCH_AHEAD decided (one copy of each stage) */
	for (t = 0; t < n + BATCH_AHEAD; t++) {
		const batch_item *B;
		int r = PWS_RULE_NONE, a = 0, rc;

		if (t + BATCH_AHEAD < n) {
			batch_prefetch_id(actors[t + BATCH_AHEAD]);
			batch_prefetch_id(workspaces[t + BATCH_AHEAD]);
		}
		if (t < n)
			batch_start(m, &I[t % BATCH_RING], t, actors, actions, workspaces, elements);
		if (t < BATCH_AHEAD)
			continue;
		i = t - BATCH_AHEAD;
		B = &I[i % BATCH_RING];
		if (B->c == BATCH_IDS) {
			uint64_t uhot, whot;
			uint32_t u = pws__smap_get_aux_wide(&m->user_ids, actors[i], &B->ka, &uhot);
			uint32_t w = pws__smap_get_aux_wide(&m->ws_ids, workspaces[i], &B->kw, &whot);

			if (u == PWS__NONE || w == PWS__NONE) {
				rc = pws__miss_code(actors[i], workspaces[i], NULL);
			} else {
				int d;

				if (!((uhot & whot) & PWS__HOT_SET)) { /* GCOVR_EXCL_BR_LINE: as in check_ws */
					uhot = pws__uhot_of(USER(m, u)); /* GCOVR_EXCL_LINE */
					whot = pws__whot_of(WS(m, w));   /* GCOVR_EXCL_LINE */
				}
				d = pws__decide_ws(m, w | (uint64_t)u << 32, B->home, uhot, whot, actions[i]);
				a = pws__dw_allowed(d);
				r = pws__dw_rule(d);
				rc = PWS_OK;
			}
		} else {
			/* the same resolve and decision as pws_check's, so the
			 * same answer (the state cannot change under the read
			 * lock); its outputs in words of their own, so that the
			 * common path stores nothing to the stack for them */
			int da = 0, dr = PWS_RULE_NONE;

			rc = check_one(m, &da, &dr, actors[i], actions[i], workspaces[i],
			               elements ? elements[i] : NULL);
			a = da;
			r = dr;
		}
		allowed[i] = a;
		if (rules)
			rules[i] = r;
		if (codes)
			codes[i] = rc;
	}
	pws__read_leave(p, slot);
	return PWS_OK;
}

/* --- the batch by reference ------------------------------------------------
 * pws_check_batch's pipeline over references. While item i is decided,
 * item i + BREF_AHEAD has its references checked (their kinds, generation
 * and bounds, as check_ref_ws checks them) and the lines its decision
 * will read started loading: the membership slot (placed by the two
 * references' id hashes alone), the user's packed hot word (model.uhot),
 * the user's id hash (read back for an item with no membership: the
 * tampered-hash test) and the workspace record's hot fields. Nothing is
 * read from memory at the start: the loads wait for the item's turn.
 * Every other item (an element, plain references) is decided at its turn
 * by pws_check_ref's own path (check_ref_any). The decision is
 * pws__decide_ws's, as in check_ref_ws: the batch only places the loads. */
#define BREF_AHEAD 6u
#define BREF_RING 8u /* a power of two above BREF_AHEAD */
#define BREF_WS 1     /* an item of two hashed references, its loads started */
#define BREF_ANY 2    /* an item for check_ref_any (status codes are <= 0) */

typedef struct bref_item {
	uint64_t hx;      /* the membership's placement input (the hash test) */
	uint64_t wu;      /* BREF_WS: w | (uint64_t)u << 32, both in bounds */
	int c;            /* BREF_WS, BREF_ANY, or the item's status */
	pws__mhome home;  /* the membership's home slot (pws__mtab_home_of) */
} bref_item;

/* What every item reads of the model, read once for the batch: stores to
 * the caller's int arrays could alias the model's counts and pointers,
 * so the compiler would read them again for each item. */
typedef struct bref_env {
	const pws_policy *p;
	const pws__model *m;
	const uint32_t *uhot, *user_h;
	const pws__ws *wss;
	uint32_t nu, nw;
	uint64_t top_u, top_w; /* a hashed user's / workspace's top byte this generation */
} bref_env;

/* Checks an item's references and starts the loads of its decision. A
 * hashed user and a hashed workspace of this generation (their top bytes:
 * form, kind, generation), no element and an action in range is the
 * common case, tested at once; every other item gets pws_check_ref's
 * argument checks, in its order, or goes to check_ref_any (which refuses
 * a hashed reference of another generation as stale, as check_ref_ws). */
static PWS__ALWAYS_INLINE void bref_start(const bref_env *E, bref_item *B, pws_ref actor,
                                          int action, pws_ref ws, pws_ref el)
{
	uint32_t u, w;

	if (el != PWS_REF_NONE || actor >> 56 != E->top_u || ws >> 56 != E->top_w ||
	    (unsigned)action - 1u >= PWS_ACT_COUNT - 1u) {
		if (action <= 0 || action >= PWS_ACT_COUNT ||
		    (ws == PWS_REF_NONE && el == PWS_REF_NONE))
			B->c = PWS_EINVALID;
		else
			B->c = BREF_ANY;
		return;
	}
	B->hx = pws__hx((uint32_t)ws, (uint32_t)actor);
	B->home = pws__mtab_home_of(&E->m->member_of, B->hx);
	batch_prefetch_memb(&E->m->member_of, B->home);
	u = (uint32_t)(actor >> 32) & (REF_H_INDEXES - 1);
	w = (uint32_t)(ws >> 32) & (REF_H_INDEXES - 1);
	if (u >= E->nu || w >= E->nw) {
		B->c = PWS_ENOTFOUND;
		return;
	}
	__builtin_prefetch(&E->uhot[u]);
	__builtin_prefetch(&E->user_h[u]);
	__builtin_prefetch(&E->wss[w].team);
	B->wu = w | (uint64_t)u << 32;
	B->c = BREF_WS;
}

/* Decides item i (its ring entry B) and stores its results: a BREF_WS
 * item as check_ref_ws decides it. */
static PWS__ALWAYS_INLINE void bref_finish(const bref_env *E, const bref_item *B, size_t i,
                                           int *allowed, int *rules, int *codes,
                                           const pws_ref *actors, const int *actions,
                                           const pws_ref *workspaces, const pws_ref *elements)
{
	int a = 0, r = PWS_RULE_NONE, rc = B->c;

	if (rc == BREF_WS) {
		const pws__model *m = E->m;
		uint32_t u = (uint32_t)(B->wu >> 32), w = (uint32_t)B->wu, packed = E->uhot[u];

		rc = PWS_ENOTFOUND; /* a removed user: 0 */
		if (packed) {
			uint64_t uhot = packed != PWS__UHOT32_RECORD ? pws__uhot_unpack(packed)
			                                             : pws__uhot_of(USER(m, u));
			int d = pws__decide_ws(m, B->wu, B->home, uhot, pws__whot_of(&E->wss[w]),
			                       actions[i]);

			/* a hash that is not theirs could only have hidden the membership */
			if (!(d & PWS__DW_NOREC) || pws__member_hx(m, w, u) == B->hx) {
				a = pws__dw_allowed(d);
				r = pws__dw_rule(d);
				rc = PWS_OK;
			}
		}
	} else if (rc == BREF_ANY) {
		rc = check_ref_any(E->p, &a, &r, actors[i], actions[i], workspaces[i],
		                   elements ? elements[i] : PWS_REF_NONE);
	}
	allowed[i] = a;
	if (rules)
		rules[i] = r;
	if (codes)
		codes[i] = rc;
}

/* The steps of a batch: at step t item t is started and item
 * t - BREF_AHEAD decided, in one loop with one copy of each stage (the
 * stages are inlined: a copy per loop would double their code). */
static PWS__ALWAYS_INLINE void bref_run(const bref_env *E, int *allowed, int *rules, int *codes,
                                        size_t n, const pws_ref *actors, const int *actions,
                                        const pws_ref *workspaces, const pws_ref *elements)
{
	bref_item I[BREF_RING];
	size_t t;

	for (t = 0; t < n + BREF_AHEAD; t++) {
		if (t < n)
			bref_start(E, &I[t % BREF_RING], actors[t], actions[t], workspaces[t],
			           elements ? elements[t] : PWS_REF_NONE);
		if (t >= BREF_AHEAD)
			bref_finish(E, &I[(t - BREF_AHEAD) % BREF_RING], t - BREF_AHEAD, allowed, rules,
			            codes, actors, actions, workspaces, elements);
	}
}

PWS_EXTERN int pws_check_batch_ref(const pws_policy *p, int *allowed, int *rules, int *codes,
                                   size_t n, const pws_ref *actors, const int *actions,
                                   const pws_ref *workspaces, const pws_ref *elements)
{
	atomic_uint *slot;
	bref_env E;
	uint64_t g;

	if (!p || (n && (!allowed || !actors || !actions || !workspaces)))
		return PWS_EINVALID;
	slot = pws__read_enter(p);
	if (!slot)
		return PWS_EMISUSE;
	E.p = p;
	E.m = &p->m;
	E.uhot = (const uint32_t *)p->m.uhot.v;
	E.user_h = p->m.user_h.v;
	E.wss = (const pws__ws *)p->m.wss.v;
	E.nu = p->m.users.n;
	E.nw = p->m.wss.n;
	/* REF_H | generation + 1 << 56, as make_ref; a generation past
	 * REF_H_GENS has no hashed form: 0x100 is no byte (a plain
	 * reference's top byte may be 0) */
	g = (uint64_t)p->gen + 1;
	E.top_u = g <= REF_H_GENS ? (REF_H | g << 56) >> 56 : 0x100;
	E.top_w = g <= REF_H_GENS ? (REF_H | REF_H_WS | g << 56) >> 56 : 0x100;
	bref_run(&E, allowed, rules, codes, n, actors, actions, workspaces, elements);
	pws__read_leave(p, slot);
	return PWS_OK;
}

PWS_EXTERN int pws_allowed_actions(const pws_policy *p, uint64_t *mask, const char *actor,
                                   const char *workspace_id, const char *element_id)
{
	who_in in;
	pws__who c;
	int a, r, rc;

	if (!p || !mask)
		return PWS_EINVALID;
	*mask = 0;
	rc = pws__read_begin(p);
	if (rc)
		return rc;
	rc = resolve(&p->m, actor, workspace_id, element_id, &in);
	if (!rc) {
		who_start(&c, &p->m, &in);
		for (a = 1; a < PWS_ACT_COUNT; a++)
			if (pws__decide(&c, a, in.e, &r))
				*mask |= (uint64_t)1 << a;
	}
	pws__read_end(p);
	return rc;
}

static int out_init(const pws_policy *p, int *visible, int *rule)
{
	if (!p || !visible)
		return PWS_EINVALID;
	*visible = 0;
	if (rule)
		*rule = PWS_RULE_NONE;
	return pws__read_begin(p);
}

PWS_EXTERN int pws_can_see_member(const pws_policy *p, int *visible, int *rule,
                                  const char *viewer, const char *workspace_id,
                                  const char *member)
{
	const pws__model *m;
	uint32_t v, w, x;
	int r = 0, rc = out_init(p, visible, rule);

	if (rc)
		return rc;
	m = &p->m;
	if (!pws__valid_id(viewer) || !pws__valid_id(workspace_id) || !pws__valid_id(member)) {
		rc = PWS_EINVALID;
	} else {
		v = pws__user_find(m, viewer);
		w = pws__ws_find(m, workspace_id);
		x = pws__user_find(m, member);
		if (v == PWS__NONE || w == PWS__NONE || x == PWS__NONE) {
			rc = PWS_ENOTFOUND;
		} else if (pws__member_eff(m, w, x) == PWS__NONE) {
			/* a suspended membership: the publisher side only (VI1) */
			if (pws__member_susp(m, w, x) == PWS__NONE)
				rc = PWS_ENOTFOUND;
			else
				*visible = pws__sees_suspended(m, v, w, &r);
			if (!rc && rule)
				*rule = r;
		} else {
			*visible = pws__sees_member(m, v, w, x, &r);
			if (rule)
				*rule = r;
		}
	}
	pws__read_end(p);
	return rc;
}

PWS_EXTERN int pws_org_can_see_member(const pws_policy *p, int *visible, int *rule,
                                      const char *organization, const char *workspace_id,
                                      const char *member)
{
	const pws__model *m;
	uint32_t org, w, x;
	int r = 0, rc = out_init(p, visible, rule);

	if (rc)
		return rc;
	m = &p->m;
	if (!pws__valid_id(organization) || !pws__valid_id(workspace_id) ||
	    !pws__valid_id(member)) {
		rc = PWS_EINVALID;
	} else {
		w = pws__ws_find(m, workspace_id);
		x = pws__user_find(m, member);
		org = PWS__NONE;
		if (w != PWS__NONE)
			org = WS(m, w)->model == PWS_MODEL_LEGACY ? pws__atom_find(m, organization)
			                                          : pws__team_find(m, organization);
		if (w == PWS__NONE || x == PWS__NONE || org == PWS__NONE) {
			rc = PWS_ENOTFOUND;
		} else if (pws__member_eff(m, w, x) == PWS__NONE) {
			/* a partner organization never sees a suspended membership (VI1) */
			if (pws__member_susp(m, w, x) == PWS__NONE)
				rc = PWS_ENOTFOUND;
			else if (rule)
				*rule = PWS_RULE_VI1;
		} else {
			*visible = pws__org_sees_member(m, org, w, x, &r);
			if (rule)
				*rule = r;
		}
	}
	pws__read_end(p);
	return rc;
}

PWS_EXTERN int pws_can_see_history(const pws_policy *p, int *visible, int *rule,
                                   const char *viewer, const char *entry_id)
{
	const pws__model *m;
	uint32_t v, h;
	int rc = out_init(p, visible, rule);

	if (rc)
		return rc;
	m = &p->m;
	if (!pws__valid_id(viewer) || !pws__valid_id(entry_id)) {
		rc = PWS_EINVALID;
	} else {
		v = pws__user_find(m, viewer);
		h = pws__smap_get(&m->hist_ids, entry_id);
		if (v == PWS__NONE || h == PWS__NONE) {
			rc = PWS_ENOTFOUND;
		} else {
			*visible = HIST(m, h)->author == v; /* VI4 */
			if (rule)
				*rule = PWS_RULE_VI4;
		}
	}
	pws__read_end(p);
	return rc;
}

PWS_EXTERN int pws_can_see_reply(const pws_policy *p, int *visible, int *rule,
                                 const char *viewer, const char *reply_id)
{
	const pws__model *m;
	uint32_t v, r;
	int rr = 0, rc = out_init(p, visible, rule);

	if (rc)
		return rc;
	m = &p->m;
	if (!pws__valid_id(viewer) || !pws__valid_id(reply_id)) {
		rc = PWS_EINVALID;
	} else {
		v = pws__user_find(m, viewer);
		r = pws__smap_get(&m->reply_ids, reply_id);
		if (v == PWS__NONE || r == PWS__NONE) {
			rc = PWS_ENOTFOUND;
		} else {
			const pws__post *R = REPLY(m, r);
			pws__who c;

			pws__who_init(&c, m, v, R->ws);
			if (!pws__decide(&c, PWS_ACT_VIEW, PWS__NONE, &rr))
				*visible = 0;
			else
				*visible = pws__sees_author(&c, R->author, &rr);
			if (rule)
				*rule = rr;
		}
	}
	pws__read_end(p);
	return rc;
}
