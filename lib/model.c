/*
 * The model: lookups, effective memberships, digest and release.
 * SPDX-License-Identifier: MIT
 */
#include "model.h"

#include <string.h>

_Static_assert(sizeof(pws__memb) == 12, "a membership is a 12-byte slot");

void pws__model_init(pws__model *m)
{
	memset(m, 0, sizeof(*m));
	/* PL3: enterprise keeps collections under 30 MB for 90 days. */
	m->retention_days[PWS_PLAN_ENTERPRISE] = 90;
	m->retention_bytes[PWS_PLAN_ENTERPRISE] = 30u * 1024u * 1024u;
	pws__model_seed(m, pws__seed_random());
	/* the two maps a check by id strings reads: UUIDs decided in the slot */
	pws__smap_keep_tails(&m->user_ids);
	pws__smap_keep_tails(&m->ws_ids);
	/* their keys are the records' ids, in the string arena */
	pws__smap_keys_elsewhere(&m->user_ids);
	pws__smap_keys_elsewhere(&m->ws_ids);
	/* and their payloads (hot words) in the slots' lines */
	pws__smap_inline_aux(&m->user_ids);
	pws__smap_inline_aux(&m->ws_ids);
	pws__model_bind(m);
}

void pws__model_seed(pws__model *m, uint64_t seed)
{
	pws__smap *sm[] = {&m->atoms,   &m->team_ids,  &m->user_ids, &m->ws_ids,     &m->el_ids,
	                   &m->upd_ids, &m->reply_ids, &m->hist_ids, &m->comment_ids};
	pws__umap *um[] = {&m->group_of, &m->team_by_domain, &m->invite_of,
	                   &m->seat_of,  &m->seen_of,        &m->hist_of};
	size_t i;

	m->seed = seed;
	for (i = 0; i < sizeof sm / sizeof sm[0]; i++)
		pws__smap_seed(sm[i], seed);
	for (i = 0; i < sizeof um / sizeof um[0]; i++)
		pws__umap_seed(um[i], seed);
	pws__mtab_seed(&m->member_of, seed);
}

void pws__model_bind(pws__model *m)
{
	/* the atoms' keys are their strings in atom_str, read through it */
	pws__smap_keys_by_val(&m->atoms, &m->atom_str.v);
}

/* --- the membership table ---------------------------------------------------- */

void pws__mtab_seed(pws__mtab *t, uint64_t seed)
{
	/* as pws__umap_seed, with words of its own */
	t->seed = pws__mix64(seed ^ PWS__K1);
	t->mul = pws__mix64(seed ^ PWS__K0 ^ PWS__K2) | 1u;
}

static uint32_t mtab_home(const pws__model *m, const pws__memb *x, uint32_t cap)
{
	return pws__mtab_home(&m->member_of, pws__member_hx(m, x->ws, x->user), cap);
}

/* A slot's distance field (pws__mtab_find_at): DMAX - min(d, DMAX). */
static uint32_t mtab_dfield(uint32_t d)
{
	return (PWS__MTAB_DMAX - (d < PWS__MTAB_DMAX ? d : PWS__MTAB_DMAX)) << PWS__MTAB_DSHIFT;
}

/* The true distance of occupied slot j of table s (cap slots) from its
 * home: read from the slot while under DMAX, else computed from the
 * hashes (rare: slots 15 or more from home). */
static uint32_t mtab_dist(const pws__model *m, const pws__memb *s, uint32_t cap, uint32_t j)
{
	uint32_t f = s[j].aux >> PWS__MTAB_DSHIFT;

	if (f)
		return PWS__MTAB_DMAX - f;
	return (uint32_t)(((uint64_t)j + cap - mtab_home(m, &s[j], cap)) % cap);
}

/* Whether occupied slot j holds a key nearer its home than d (true
 * distances: the table's order, which pws__mtab_find_at's saturated reading
 * relies on). */
static int mtab_nearer(const pws__model *m, const pws__memb *s, uint32_t cap, uint32_t j,
                       uint32_t d)
{
	uint32_t f = s[j].aux >> PWS__MTAB_DSHIFT;

	if (f)
		return PWS__MTAB_DMAX - f < d;
	return d > PWS__MTAB_DMAX && mtab_dist(m, s, cap, j) < d;
}

/* Robin Hood placement: x goes to slot j at distance d from its home (no
 * slot before j holds its key); a slot nearer its home than the carried
 * key is taken and its key carried on. Returns the slot that was empty. */
static uint32_t mtab_place(const pws__model *m, pws__memb *s, uint32_t cap, pws__memb x,
                           uint32_t j, uint32_t d)
{
	for (;;) {
		pws__memb *y = &s[j];

		if (y->ws == PWS__NONE) {
			x.aux = (x.aux & ~PWS__MTAB_DMASK) | mtab_dfield(d);
			*y = x;
			return j;
		}
		if (mtab_nearer(m, s, cap, j, d)) {
			pws__memb t = *y;
			uint32_t e = mtab_dist(m, s, cap, j);

			x.aux = (x.aux & ~PWS__MTAB_DMASK) | mtab_dfield(d);
			*y = x;
			x = t;
			d = e;
		}
		d++;
		j = j + 1 == cap ? 0 : j + 1;
	}
}

/* Counts a move of one slot on into the distance field of each slot of
 * [p, e): DMAX - distance drops by one unless 0 (a saturated field stays). */
static void mtab_moved_on(pws__memb *p, const pws__memb *e)
{
	for (; p < e; p++) {
		uint32_t a = p->aux;

		p->aux = a >= 1u << PWS__MTAB_DSHIFT ? a - (1u << PWS__MTAB_DSHIFT) : a;
	}
}

/* Robin Hood insertion of x at slot j, where its probe at distance d
 * stops (empty, or a key nearer its home): the keys from j up to the next
 * empty slot move one slot on, one farther from home each (a saturated
 * field stays), which keeps the order; no key is hashed. A run is some 20
 * to 50 slots at loads 0.85 to 0.9, so its pass is the insertion's cost:
 * the next empty slot is found by a walk that reads one word a slot and
 * stops at the sentinel after the last slot (all ones) if the run reaches
 * the end, the fields are counted in a pass of their own over the run and
 * the keys moved by memmove (one pass that tested for the empty slot,
 * the end and the field in each slot cost 16 instructions a slot, 15% of
 * an accept's at 100k; session 20). */
static void mtab_insert_at(pws__memb *s, uint32_t cap, pws__memb x, uint32_t j, uint32_t d)
{
	pws__memb *p = s + j, *e = p, *end = s + cap;

	while (e->ws != PWS__NONE)
		e++;
	if (e == end) {
		/* the run wraps: its part at the start moves on first, and the
		 * last slot's key to the first slot */
		pws__memb *k = s;

		while (k->ws != PWS__NONE)
			k++;
		mtab_moved_on(s, k);
		memmove(s + 1, s, (size_t)(k - s) * sizeof(*s));
		mtab_moved_on(p, end);
		s[0] = end[-1];
		e = end - 1;
	} else {
		mtab_moved_on(p, e);
	}
	memmove(p + 1, p, (size_t)(e - p) * sizeof(*s));
	x.aux = (x.aux & ~PWS__MTAB_DMASK) | mtab_dfield(d);
	*p = x;
}

/* A position counted on past the table's end, in the table (mtab_rehash:
 * under 2 cap but for a run that wraps twice; no division in the loop). */
static uint32_t mtab_wrap(uint64_t pos_u, uint32_t cap)
{
	if (pos_u < cap)
		return (uint32_t)pos_u;
	if (pos_u - cap < cap)
		return (uint32_t)(pos_u - cap);
	return (uint32_t)(pos_u % cap);
}

/* How many slots ahead mtab_rehash starts loading a key's user id hash:
 * at 1M users user_h is 4 MB, past L2, and the keys come in hash order,
 * so each read is a miss of its own (5.6 per membership over the growths
 * of a table built one insert at a time, measured at 100k). */
#define MTAB_REHASH_AHEAD 16u

/* Moves the keys of t into ns (cap slots, empty). Read from just after an
 * empty slot, t's keys come in the order of their homes (Robin Hood order
 * sorts a run by home), and a home in ns is monotone in a home in t (both
 * scale the same placement word), but for keys of one home in t: each
 * goes after the last one placed when its home is not before that one's
 * (no probe), else by mtab_place. Positions count on past the table's
 * end (u suffix) so that the order holds across the wrap. */
static void mtab_rehash(const pws__model *m, const pws__mtab *t, pws__memb *ns, uint32_t cap)
{
	uint64_t last_u = 0, lhome_u = 0;
	uint32_t i0, i, ip, k;
	int any = 0;

	for (i0 = 0; t->s[i0].ws != PWS__NONE; i0++)
		; /* an empty slot: the load is under 1 */
	i = i0;
	ip = mtab_wrap((uint64_t)i0 + MTAB_REHASH_AHEAD, t->cap);
	for (k = 1; k <= t->cap; k++) {
		const pws__memb *x;
		uint64_t hx, h_u;
		uint32_t oh, h;
		pws__memb y;

		if (++i == t->cap)
			i = 0;
		if (++ip == t->cap)
			ip = 0;
		if (t->s[ip].ws != PWS__NONE)
			__builtin_prefetch(&m->user_h.v[t->s[ip].user]);
		x = &t->s[i];
		if (x->ws == PWS__NONE)
			continue;
		hx = pws__member_hx(m, x->ws, x->user);
		oh = pws__mtab_home(t, hx, t->cap);
		h = pws__mtab_home(t, hx, cap);
		/* homes at or before i0 come after the table's end */
		h_u = h + (oh <= i0 ? (uint64_t)cap : 0);
		if (any && h_u < lhome_u) {
			/* the shift ends in a gap before the last placed, or just
			 * after it */
			if (mtab_place(m, ns, cap, *x, h, 0) == mtab_wrap(last_u + 1, cap))
				last_u++;
			continue;
		}
		if (!any || h_u > last_u)
			last_u = h_u;
		else
			last_u++;
		any = 1;
		lhome_u = h_u;
		y = *x;
		y.aux = (y.aux & ~PWS__MTAB_DMASK) | mtab_dfield((uint32_t)(last_u - h_u));
		ns[mtab_wrap(last_u, cap)] = y;
	}
}

int pws__mtab_reserve(const pws__mem *mem, pws__model *m, uint32_t more)
{
	pws__mtab *t = &m->member_of;
	uint64_t need = (uint64_t)t->n + more, cap;
	pws__memb *ns;

	/* at most 0.92, 0.78 after growing: the probe for an absent key stops
	 * early (Robin Hood order), so the table runs fuller than pws__umap */
	if (need * 25 <= (uint64_t)t->cap * 23)
		return PWS_OK;
	cap = need * 50 / 39 + 16;
	if (cap > UINT32_MAX - 1)
		return PWS_ENOMEM;
	/* and the sentinel after the last slot (pws__mtab_find_at). From the
	 * kernel, not the heap (pws__table_alloc): glibc raises its mmap
	 * threshold to the size of each mmapped block freed, and the table's
	 * earlier sizes (up to 11 MiB at 1M memberships) then sent the maps'
	 * later blocks to the heap, whose freed ones nothing refilled (4 MiB
	 * at 1M once the users' lists left the heap) */
	ns = pws__table_alloc(mem, (size_t)(cap + 1) * sizeof(*ns));
	if (!ns)
		return PWS_ENOMEM;
	memset(ns, 0xff, (size_t)(cap + 1) * sizeof(*ns)); /* ws = PWS__NONE: empty */
	if (t->s)
		mtab_rehash(m, t, ns, (uint32_t)cap);
	pws__table_free(mem, t->s, (size_t)(t->cap + 1) * sizeof(*ns));
	t->s = ns;
	t->cap = (uint32_t)cap;
	return PWS_OK;
}

/* Inserts (ws, user) with its payload unless present (room reserved):
 * 0, or -1 when present (nothing changed). */
int pws__mtab_put(pws__model *m, uint32_t ws, uint32_t user, uint32_t aux)
{
	pws__mtab *t = &m->member_of;
	uint32_t j = pws__mtab_home(t, pws__member_hx(m, ws, user), t->cap), d = 0;
	pws__memb x;

	/* the probe up to the first slot nearer its home (or empty): the key
	 * is not past it, and belongs there */
	for (;; d++, j = j + 1 == t->cap ? 0 : j + 1) {
		const pws__memb *y = &t->s[j];

		if (y->ws == ws && y->user == user)
			return -1;
		if (y->ws == PWS__NONE || mtab_nearer(m, t->s, t->cap, j, d))
			break;
	}
	x.ws = ws;
	x.user = user;
	x.aux = aux;
	mtab_insert_at(t->s, t->cap, x, j, d);
	t->n++;
	return 0;
}

/* Backward-shift deletion: the slots after the removed one move back one
 * place until an empty slot or one at its home. */
void pws__mtab_del(pws__model *m, uint32_t ws, uint32_t user)
{
	pws__mtab *t = &m->member_of;
	pws__memb *x = pws__mslot(m, ws, user);
	uint32_t j, k, cap = t->cap;

	if (!x)
		return;
	j = (uint32_t)(x - t->s);
	for (;;) {
		uint32_t e;

		k = j + 1 == cap ? 0 : j + 1;
		if (t->s[k].ws == PWS__NONE || !(e = mtab_dist(m, t->s, cap, k)))
			break;
		t->s[j] = t->s[k];
		t->s[j].aux = (t->s[j].aux & ~PWS__MTAB_DMASK) | mtab_dfield(e - 1);
		j = k;
	}
	memset(&t->s[j], 0xff, sizeof(t->s[j]));
	t->n--;
}

void pws__mtab_free(const pws__mem *mem, pws__mtab *t)
{
	pws__table_free(mem, t->s, (size_t)(t->cap + 1) * sizeof(*t->s));
	t->s = NULL;
	t->n = t->cap = 0;
}

static void free_posts(const pws__mem *mem, pws__vec *v, pws__smap *ids)
{
	uint32_t i;

	for (i = 0; i < v->n; i++) {
		pws__post *p = PWS__AT(*v, pws__post, i);

		pws__free(mem, p->text);
		pws__ids_free(mem, &p->kids);
	}
	for (i = 0; ids->cells && i <= ids->mask; i++)
		pws__free(mem, (void *)pws__smap_key_at(ids, i));
	pws__smap_free(mem, ids);
	pws__vec_free(mem, v);
}

/* The string arena (model.strs): blocks, each with a header naming the
 * block before it, the current one growing from 1 KiB to 1 MiB (a block
 * of 256 KiB or more comes from the kernel: its untouched tail is not
 * resident). Without it a user's id and address cost two 32-byte malloc
 * chunks for 5-20 bytes of text. Nothing is freed string by string: an
 * entity that is removed keeps its record as well; only the last string
 * of the current block is given back (failure paths free in reverse
 * order). */
typedef struct bumpblk {
	struct bumpblk *prev;
	size_t size;       /* of the whole block, header included */
} bumpblk;
#define BUMP_MIN ((size_t)1 << 10)
#define BUMP_MAX ((size_t)1 << 20)

static bumpblk *bump_head(const pws__bump *a)
{
	return (bumpblk *)(void *)a->p - 1;
}

/* Starts a new current block with room for at least `room` bytes. */
static int bump_grow(const pws__mem *mem, pws__bump *a, size_t room)
{
	size_t cap = a->p ? a->cap * 2 : BUMP_MIN;
	bumpblk *b;

	if (cap > BUMP_MAX)
		cap = BUMP_MAX;
	if (cap < room)
		cap = room;
	if (!(b = pws__table_alloc(mem, sizeof(bumpblk) + cap)))
		return PWS_ENOMEM;
	b->prev = a->p ? bump_head(a) : NULL;
	b->size = sizeof(bumpblk) + cap;
	a->p = (char *)(b + 1);
	a->cap = cap;
	a->used = 0;
	return PWS_OK;
}

/* n bytes, NULL on ENOMEM. */
static void *bump_take(const pws__mem *mem, pws__bump *a, size_t n)
{
	void *x;

	if ((!a->p || a->cap - a->used < n) && bump_grow(mem, a, n))
		return NULL;
	x = a->p + a->used;
	a->used += n;
	return x;
}

/* Whether the n bytes at x are the last piece of a's current block (a
 * piece of an older block never ends where the current one's use does). */
static int bump_is_last(const pws__bump *a, const char *x, size_t n)
{
	return a->p && x + n == a->p + a->used;
}

static void bump_free(const pws__mem *mem, pws__bump *a)
{
	bumpblk *b = a->p ? bump_head(a) : NULL;

	while (b) {
		bumpblk *prev = b->prev;

		pws__table_free(mem, b, b->size);
		b = prev;
	}
	memset(a, 0, sizeof(*a));
}

int pws__model_strs_reserve(const pws__mem *mem, pws__model *m, size_t bytes)
{
	if (!bytes || (m->strs.p && m->strs.cap - m->strs.used >= bytes))
		return PWS_OK;
	return bump_grow(mem, &m->strs, bytes);
}

uint32_t pws__user_append(pws__model *m, const pws__skey *ki, const char *id, uint32_t ea,
                          uint32_t da, uint32_t t, int team_role, int pm)
{
	uint32_t u = m->users.n++;
	pws__user *U = USER(m, u);

	pws__ids_push(&m->user_h, pws__skey_hi(ki)); /* pws__idh_push, hash at hand */
	memset(U, 0, sizeof(*U));
	U->id = id;
	U->email = ea;
	U->domain = da;
	U->team = t;
	U->alive = 1;
	if (t != PWS__NONE) {
		U->team_role = (uint8_t)team_role;
		U->pm = pm != 0;
		U->team_pos = pws__ids_push(&TEAM(m, t)->users, u);
	}
	/* room reserved beside users' (pws__hot_user's dense copy) */
	((uint32_t *)m->uhot.v)[m->uhot.n++] = pws__uhot32_of(U);
	return u;
}

char *pws__model_strdup(const pws__mem *mem, pws__model *m, const char *s, size_t len)
{
	char *c;

	if (!(c = bump_take(mem, &m->strs, len + 1)))
		return NULL;
	memcpy(c, s, len);
	c[len] = '\0';
	return c;
}

void pws__model_str_free(pws__model *m, const char *s)
{
	size_t n;

	if (!s)
		return;
	/* the last string of the current block: its room is reused */
	n = strlen(s) + 1;
	if (bump_is_last(&m->strs, s, n))
		m->strs.used -= n;
}

/* Frees a map's keys, each an allocation of its own. */
static void free_keys(const pws__mem *mem, pws__smap *ids)
{
	uint32_t i;

	for (i = 0; ids->cells && i <= ids->mask; i++)
		pws__free(mem, (void *)pws__smap_key_at(ids, i));
	pws__smap_free(mem, ids);
}

void pws__model_free(const pws__mem *mem, pws__model *m)
{
	uint32_t i;

	for (i = 0; i < m->teams.n; i++) {
		pws__team *t = TEAM(m, i);

		pws__free(mem, t->name);
		pws__ids_free(mem, &t->users);
		pws__ids_free(mem, &t->domains);
		pws__ids_free(mem, &t->workspaces);
	}
	/* the users' lists are blocks of one region */
	pws__table_free(mem, m->ulists.buf, m->ulists.cap * sizeof(uint32_t));
	for (i = 0; i < m->hist_lists.n; i++)
		pws__ids_free(mem, PWS__AT(m->hist_lists, pws__ids, i));
	pws__vec_free(mem, &m->hist_lists);
	pws__umap_free(mem, &m->hist_of);
	pws__ids_free(mem, &m->public_ws);
	for (i = 0; i < m->wss.n; i++) {
		pws__ws *w = WS(m, i);

		if (!w->name_strs)
			pws__free(mem, w->name);
		pws__free(mem, w->summary);
		pws__free(mem, w->description);
		pws__free(mem, w->note);
		pws__ids_free(mem, &w->groups);
		pws__ids_free(mem, &w->elements);
		pws__ids_free(mem, &w->updates);
	}
	for (i = 0; i < m->elements.n; i++) {
		pws__ids_free(mem, &ELEM(m, i)->editors);
		pws__ids_free(mem, &ELEM(m, i)->comments);
	}
	for (i = 0; i < m->groups.n; i++)
		pws__ids_free(mem, &GROUP(m, i)->list);
	pws__vec_free(mem, &m->groups);
	pws__umap_free(mem, &m->group_of);
	free_keys(mem, &m->team_ids);
	free_keys(mem, &m->el_ids);
	/* user and workspace ids and interned addresses live in the string arena */
	pws__smap_free(mem, &m->user_ids);
	pws__smap_free(mem, &m->ws_ids);
	pws__smap_free(mem, &m->atoms);
	free_posts(mem, &m->updates, &m->upd_ids);
	free_posts(mem, &m->replies, &m->reply_ids);
	free_posts(mem, &m->history, &m->hist_ids);
	free_posts(mem, &m->comments, &m->comment_ids);
	pws__vec_free(mem, &m->atom_str);
	bump_free(mem, &m->strs);
	pws__vec_free(mem, &m->teams);
	pws__vec_free(mem, &m->users);
	pws__vec_free(mem, &m->wss);
	pws__vec_free(mem, &m->invites);
	pws__vec_free(mem, &m->elements);
	pws__ids_free(mem, &m->user_of_atom);
	pws__umap_free(mem, &m->team_by_domain);
	pws__mtab_free(mem, &m->member_of);
	pws__ids_free(mem, &m->user_h);
	pws__vec_free(mem, &m->uhot);
	pws__ids_free(mem, &m->ws_h);
	pws__umap_free(mem, &m->invite_of);
	pws__umap_free(mem, &m->seat_of);
	pws__umap_free(mem, &m->seen_of);
}

uint32_t pws__team_find(const pws__model *m, const char *id)
{
	return id ? pws__smap_get(&m->team_ids, id) : PWS__NONE;
}

uint32_t pws__user_find(const pws__model *m, const char *id)
{
	return id ? pws__smap_get(&m->user_ids, id) : PWS__NONE;
}

/* --- users' history lists (VI4) ----------------------------------------------
 * Out of the user record: a side map user -> list, with entries only for
 * users who have history entries. Lists only grow (no entry is ever
 * removed), so an empty list is one an add just made. */

const pws__ids *pws__user_history(const pws__model *m, uint32_t u)
{
	uint32_t i = pws__umap_get(&m->hist_of, u);

	return i == PWS__NONE ? NULL : PWS__AT(m->hist_lists, pws__ids, i);
}

pws__ids *pws__user_history_list(const pws__mem *mem, pws__model *m, uint32_t u)
{
	uint32_t i = pws__umap_get(&m->hist_of, u);
	pws__ids *l;

	if (i != PWS__NONE)
		return PWS__AT(m->hist_lists, pws__ids, i);
	if (pws__umap_reserve(mem, &m->hist_of, 1) ||
	    pws__vec_reserve(mem, &m->hist_lists, sizeof(pws__ids), 1))
		return NULL;
	i = m->hist_lists.n++;
	l = PWS__AT(m->hist_lists, pws__ids, i);
	memset(l, 0, sizeof(*l));
	pws__umap_put(&m->hist_of, u, i);
	return l;
}

void pws__user_history_trim(const pws__mem *mem, pws__model *m, uint32_t u)
{
	uint32_t i = pws__umap_get(&m->hist_of, u);
	pws__ids *l;

	if (i == PWS__NONE)
		return;
	l = PWS__AT(m->hist_lists, pws__ids, i);
	if (l->n)
		return;
	/* the list pws__user_history_list just made is the last one */
	pws__ids_free(mem, l);
	pws__umap_del(&m->hist_of, u);
	m->hist_lists.n--;
}

uint32_t pws__ws_find(const pws__model *m, const char *id)
{
	return id ? pws__smap_get(&m->ws_ids, id) : PWS__NONE;
}

uint32_t pws__el_find(const pws__model *m, const char *id)
{
	return id ? pws__smap_get(&m->el_ids, id) : PWS__NONE;
}

uint32_t pws__atom_find(const pws__model *m, const char *s)
{
	return s ? pws__smap_get(&m->atoms, s) : PWS__NONE;
}

uint32_t pws__atom_intern_k(const pws__mem *mem, pws__model *m, const char *s,
                            const pws__skey *k)
{
	uint32_t j = pws__smap_find(&m->atoms, s, k), a;
	char *copy;

	if (j != PWS__NONE)
		return pws__smap_at(&m->atoms, j)->val;
	/* the reservation may move the slots; k stays valid (the seed does not change) */
	if (pws__smap_reserve(mem, &m->atoms, 1) ||
	    pws__vec_reserve(mem, &m->atom_str, sizeof(char *), 1))
		return PWS__NONE;
	copy = pws__model_strdup(mem, m, s, k->len);
	if (!copy)
		return PWS__NONE;
	a = m->atom_str.n++;
	((const char **)m->atom_str.v)[a] = copy;
	(void)pws__smap_put_k(&m->atoms, copy, k, a);
	return a;
}

/* Whether the hint names the atom of s (an atom's index below n holds its
 * string: pws__atoms_rollback drops them from the end). */
static int dom_hinted(const pws__model *m, const char *s)
{
	return m->dom_hint < m->atom_str.n &&
	       strcmp(((const char *const *)m->atom_str.v)[m->dom_hint], s) == 0;
}

uint32_t pws__dom_find(const pws__model *m, const char *s)
{
	if (s && dom_hinted(m, s))
		return m->dom_hint;
	return pws__atom_find(m, s);
}

uint32_t pws__dom_intern(const pws__mem *mem, pws__model *m, const char *s)
{
	uint32_t a;

	if (dom_hinted(m, s))
		return m->dom_hint;
	a = pws__atom_intern(mem, m, s);
	if (a != PWS__NONE)
		m->dom_hint = a;
	return a;
}

uint32_t pws__atom_intern(const pws__mem *mem, pws__model *m, const char *s)
{
	pws__skey k = pws__skey_of(&m->atoms, s);

	return pws__atom_intern_k(mem, m, s, &k);
}

void pws__hot_user(pws__model *m, uint32_t u)
{
	const pws__user *U = USER(m, u);

	if (U->alive && U->id && U->id[0]) {
		pws__smap_set_aux(&m->user_ids, U->id, pws__uhot_of(U));
		((uint32_t *)m->uhot.v)[u] = pws__uhot32_of(U);
	}
}

void pws__hot_ws(pws__model *m, uint32_t w)
{
	const pws__ws *W = WS(m, w);

	if (W->id)
		pws__smap_set_aux(&m->ws_ids, W->id, pws__whot_of(W));
}

int pws__member_effective(const pws__model *m, uint32_t ws, uint32_t user)
{
	const pws__memb *x = pws__mslot(m, ws, user);

	return x && pws__member_counts(USER(m, user), WS(m, ws), pws__aux_key(x->aux));
}

uint32_t pws__member_eff(const pws__model *m, uint32_t ws, uint32_t user)
{
	const pws__memb *x = pws__mslot(m, ws, user);

	return x && pws__member_counts(USER(m, user), WS(m, ws), pws__aux_key(x->aux)) ? 0
	                                                                              : PWS__NONE;
}

int pws__is_pm(const pws__model *m, uint32_t user, uint32_t team)
{
	const pws__user *u = USER(m, user);

	return u->pm && u->team == team && team != PWS__NONE &&
	       TEAM(m, team)->plan == PWS_PLAN_ENTERPRISE;
}

/* --- digest ------------------------------------------------------------------
 * A sum of per-record hashes: independent of insertion order and of
 * container capacity, sensitive to every logical field. Interned atoms are
 * not state, only what references them. */

typedef struct dg {
	uint64_t sum;
} dg;

static uint64_t h_str(const char *s)
{
	return s ? pws__hash_str(s) : 0x9e3779b97f4a7c15ULL;
}

static void add(dg *d, uint64_t kind, const uint64_t *f, size_t n)
{
	uint64_t h = pws__mix64(kind * 0x9e3779b97f4a7c15ULL + 1);
	size_t i;

	for (i = 0; i < n; i++)
		h = pws__mix64(h ^ (f[i] + 0x632be59bd9b4e019ULL * (i + 1)));
	d->sum += h;
}

/* Stable names of referenced entities (indexes are not stable across
 * builds of the same state, ids are). */
static uint64_t n_team(const pws__model *m, uint32_t t)
{
	return t == PWS__NONE ? 1 : h_str(TEAM(m, t)->id);
}
static uint64_t n_user(const pws__model *m, uint32_t u)
{
	return u == PWS__NONE ? 1 : h_str(USER(m, u)->id);
}
static uint64_t n_atom(const pws__model *m, uint32_t a)
{
	return a == PWS__NONE ? 1 : h_str(pws__atom(m, a));
}

/* A post's parent by id (an update for a reply, an element for a
 * comment): indexes depend on history, ids do not. */
static uint64_t n_parent(const pws__model *m, uint64_t kind, uint32_t parent)
{
	if (parent == PWS__NONE)
		return 1;
	if (kind == 8)
		return h_str(UPDATE(m, parent)->id);
	if (kind == 10)
		return h_str(ELEM(m, parent)->id);
	return 3;
}

static void digest_posts(dg *d, const pws__model *m, const pws__vec *v, uint64_t kind)
{
	uint32_t i;

	for (i = 0; i < v->n; i++) {
		const pws__post *p = PWS__AT(*v, pws__post, i);
		uint64_t f[6];

		if (!p->id)
			continue;
		f[0] = h_str(p->id);
		f[1] = h_str(p->text);
		f[2] = p->ws == PWS__NONE ? 1 : h_str(WS(m, p->ws)->id);
		f[3] = n_user(m, p->author);
		f[4] = n_parent(m, kind, p->parent);
		f[5] = (uint64_t)p->at;
		add(d, kind, f, 6);
	}
}

uint64_t pws__model_digest(const pws__model *m)
{
	dg d = { 0 };
	uint32_t i, j;

	for (i = 0; i < m->teams.n; i++) {
		const pws__team *t = TEAM(m, i);
		uint64_t f[6];

		if (!t->alive)
			continue;
		f[0] = h_str(t->id); f[1] = h_str(t->name); f[2] = t->plan;
		f[3] = t->sso; f[4] = t->seats; f[5] = 0;
		for (j = 0; j < t->domains.n; j++)
			f[5] += pws__mix64(n_atom(m, t->domains.v[j]));
		add(&d, 1, f, 6);
	}
	for (i = 0; i < m->users.n; i++) {
		const pws__user *u = USER(m, i);
		/* the dense copy of the hot word: 0 for a removed user */
		uint64_t f[6], dh = ((const uint32_t *)m->uhot.v)[i];

		if (!u->alive) {
			if (dh) { /* a removed user's word left set: a difference of its own */
				f[0] = h_str(u->id); f[1] = f[2] = f[3] = f[4] = f[5] = dh;
				add(&d, 12, f, 6);
			}
			continue;
		}
		f[0] = h_str(u->id); f[1] = n_atom(m, u->email); f[2] = n_team(m, u->team);
		f[3] = u->team_role; f[4] = u->pm;
		/* a hot word out of date makes the state differ from its reload */
		f[5] = pws__smap_aux_of(&m->user_ids, u->id) != pws__uhot_of(u);
		f[5] |= (uint64_t)(dh != pws__uhot32_of(u)) << 1;
		add(&d, 2, f, 6);
	}
	for (i = 0; i < m->wss.n; i++) {
		const pws__ws *w = WS(m, i);
		uint64_t f[16];

		f[0] = h_str(w->id); f[1] = h_str(w->name); f[2] = h_str(w->summary);
		f[3] = h_str(w->description); f[4] = h_str(w->note); f[5] = n_team(m, w->team);
		f[6] = w->vis; f[7] = w->mode; f[8] = w->model; f[9] = w->lc;
		f[10] = w->was_partner; f[11] = w->request; f[12] = w->integration;
		f[13] = n_user(m, w->requester); f[14] = w->n_updates;
		f[15] = pws__smap_aux_of(&m->ws_ids, w->id) != pws__whot_of(w);
		add(&d, 3, f, 16);
	}
	for (i = 0; i < m->groups.n; i++) {
		const pws__group *G = GROUP(m, i);
		const pws__ws *w = WS(m, G->ws);

		for (j = 0; j < G->list.n; j++) {
			uint32_t x = pws__ge_user(G->list.v[j]), aux = pws__mslot(m, G->ws, x)->aux;
			uint64_t f[6];

			f[0] = h_str(w->id); f[1] = n_user(m, x);
			f[2] = G->key == PWS__GRP_TEAM ? 2
			       : w->model == PWS_MODEL_LEGACY ? n_atom(m, G->key)
			                                      : n_team(m, G->key);
			f[3] = pws__seen(m, G->ws, x); f[4] = pws__aux_role(aux);
			f[5] = pws__aux_lead(aux);
			/* an entry's copy of role and lead out of date makes the
			 * state differ from its reload (the same digest otherwise) */
			f[5] |= (uint64_t)(pws__ge_aux(G->list.v[j]) != (aux & 7u)) << 32;
			add(&d, 4, f, 6);
		}
	}
	for (i = 0; i < m->invites.n; i++) {
		const pws__invite *v = INVITE(m, i);
		uint64_t f[7];

		if (v->status != PWS__INV_OPEN)
			continue;
		f[0] = h_str(WS(m, v->ws)->id); f[1] = n_atom(m, v->email);
		f[2] = n_user(m, v->inviter); f[3] = v->kind; f[4] = v->role;
		f[5] = v->lead; f[6] = v->status;
		add(&d, 5, f, 7);
	}
	for (i = 0; i < m->elements.n; i++) {
		const pws__element *e = ELEM(m, i);
		uint64_t f[8];

		if (e->state == PWS__EL_GONE)
			continue;
		f[0] = h_str(e->id); f[1] = h_str(WS(m, e->ws)->id);
		f[2] = e->parent == PWS__NONE ? 1 : h_str(ELEM(m, e->parent)->id);
		f[3] = e->size; f[4] = (uint64_t)e->deleted_at; f[5] = e->kind;
		f[6] = e->state; f[7] = 0;
		for (j = 0; j < e->editors.n; j++)
			f[7] += pws__mix64(n_user(m, e->editors.v[j]));
		add(&d, 6, f, 8);
	}
	digest_posts(&d, m, &m->updates, 7);
	digest_posts(&d, m, &m->replies, 8);
	digest_posts(&d, m, &m->history, 9);
	digest_posts(&d, m, &m->comments, 10);
	for (i = 1; i < 5; i++) {
		uint64_t f[3] = { i, m->retention_days[i], m->retention_bytes[i] };

		add(&d, 11, f, 3);
	}
	/* a user created without its dense hot word (uhot.n == users.n) */
	d.sum += (uint64_t)(m->uhot.n != m->users.n) * 0x9e3779b97f4a7c15ULL;
	return d.sum;
}


/* The group (ws, key), or PWS__NONE: the hint when it names that group
 * (groups go only by pws__groups_rollback, from the end, and keep their
 * ws and key: a group below n is group_of's entry for them), else
 * group_of's answer. A workspace's members come in runs (invites and
 * accepts of one workspace): prepare and add find the same group. */
static uint32_t group_find(const pws__model *m, uint32_t ws, uint32_t key)
{
	uint32_t g = m->grp_hint;

	if (g < m->groups.n && GROUP(m, g)->ws == ws && GROUP(m, g)->key == key)
		return g;
	return pws__umap_get(&m->group_of, pws__pair(ws, key));
}

uint32_t pws__group_prepare(const pws__mem *mem, pws__model *m, uint32_t ws, uint32_t key)
{
	uint32_t g = group_find(m, ws, key);
	pws__group *G;

	/* an organization must fit a membership slot's payload (25 bits) */
	if (key != PWS__GRP_TEAM && key >= PWS__AUX_ORG_MAX)
		return PWS__NONE;
	if (g != PWS__NONE) {
		m->grp_hint = g;
		return pws__ids_reserve(mem, &GROUP(m, g)->list, 1) ? PWS__NONE : g;
	}
	if (pws__vec_reserve(mem, &m->groups, sizeof(pws__group), 1) ||
	    pws__umap_reserve(mem, &m->group_of, 1) ||
	    pws__ids_reserve(mem, &WS(m, ws)->groups, 1))
		return PWS__NONE;
	G = GROUP(m, m->groups.n);
	memset(G, 0, sizeof(*G));
	if (pws__ids_reserve(mem, &G->list, 1))
		return PWS__NONE;
	G->ws = ws;
	G->key = key;
	g = m->groups.n++;
	m->grp_hint = g;
	pws__umap_put(&m->group_of, pws__pair(ws, key), g);
	/* the team group first, so listings show team members first (VI1) */
	pws__ids_push(&WS(m, ws)->groups, g);
	if (key == PWS__GRP_TEAM) {
		pws__ids *l = &WS(m, ws)->groups;
		uint32_t t = l->v[0];

		l->v[0] = g;
		l->v[l->n - 1] = t;
	}
	return g;
}

void pws__user_of_atom_set(pws__model *m, uint32_t a, uint32_t u)
{
	pws__ids *l = &m->user_of_atom;

	while (l->n <= a)
		l->v[l->n++] = PWS__NONE;
	l->v[a] = u;
}

void pws__atoms_rollback(const pws__mem *mem, pws__model *m, uint32_t before)
{
	(void)mem; /* the strings are the arena's */
	/* no atom of a failed call has a user (set only once a change is
	 * persisted); the array stays within the atoms */
	if (m->user_of_atom.n > before)
		m->user_of_atom.n = before;
	while (m->atom_str.n > before) {
		const char *s = ((const char **)m->atom_str.v)[m->atom_str.n - 1];

		pws__model_str_free(m, pws__smap_del(&m->atoms, s));
		m->atom_str.n--;
	}
}

void pws__groups_rollback(const pws__mem *mem, pws__model *m, uint32_t before)
{
	while (m->groups.n > before) {
		uint32_t g = m->groups.n - 1, i;
		pws__group *G = GROUP(m, g);
		pws__ids *l = &WS(m, G->ws)->groups;

		for (i = 0; i < l->n; i++)
			if (l->v[i] == g) {
				/* keep the order: the team group stays first */
				memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(uint32_t));
				l->n--;
				break;
			}
		pws__umap_del(&m->group_of, pws__pair(G->ws, G->key));
		pws__ids_free(mem, &G->list);
		m->groups.n--;
	}
}

/* Appends user to the group (ws, org), which must be prepared, with the
 * role and lead of payload aux. */
static void group_add(pws__model *m, uint32_t ws, uint32_t user, uint32_t org, uint32_t aux)
{
	uint32_t g = group_find(m, ws, org);
	uint32_t pos = pws__ids_push(&GROUP(m, g)->list, pws__ge_make(user, aux));

	if (m->member_of.gpos)
		pws__umap_put(m->member_of.gpos, pws__pair(g, user), pos);
}

/* The position of user in group g's list: read from member_of.gpos
 * while set, else found by a scan from the end. */
static uint32_t group_pos(const pws__model *m, uint32_t g, uint32_t user)
{
	const pws__ids *l = &GROUP(m, g)->list;
	uint32_t pos;

	if (m->member_of.gpos)
		return pws__umap_get(m->member_of.gpos, pws__pair(g, user));
	for (pos = l->n; pos-- > 0 && pws__ge_user(l->v[pos]) != user;)
		;
	return pos;
}

/* Takes user out of the group (ws, key): its position is group_pos's,
 * then the last member takes its place, as a stored position would have
 * it. */
static void group_remove(pws__model *m, uint32_t ws, uint32_t user, uint32_t key)
{
	uint32_t g = pws__umap_get(&m->group_of, pws__pair(ws, key)), pos, moved;
	pws__ids *l = &GROUP(m, g)->list;
	pws__umap *gp = m->member_of.gpos;

	pos = group_pos(m, g, user);
	if (gp)
		pws__umap_del(gp, pws__pair(g, user));
	moved = pws__ids_swap_remove(l, pos);
	if (gp && moved != PWS__NONE)
		pws__umap_put(gp, pws__pair(g, pws__ge_user(moved)), pos);
}

int pws__member_track_reserve(const pws__mem *mem, const pws__model *m, pws__umap *gp,
                              uint32_t n)
{
	memset(gp, 0, sizeof(*gp));
	pws__umap_seed(gp, m->seed);
	return pws__umap_reserve(mem, gp, n);
}

void pws__member_track(pws__model *m, pws__umap *gp, uint32_t ws)
{
	const pws__ws *W = WS(m, ws);
	uint32_t i, k;

	if (!gp->s)
		return; /* no member to move */
	for (i = 0; i < gp->cap; i++)
		gp->s[i].val = PWS__NONE;
	gp->n = 0;
	for (i = 0; i < W->groups.n; i++) {
		const pws__group *G = GROUP(m, W->groups.v[i]);

		for (k = 0; k < G->list.n; k++)
			pws__umap_put(gp, pws__pair(W->groups.v[i], pws__ge_user(G->list.v[k])), k);
	}
	m->member_of.gpos = gp;
}

void pws__member_regroup(pws__model *m, uint32_t ws, uint32_t user, uint32_t org)
{
	pws__memb *x = pws__mslot(m, ws, user);
	uint32_t key = pws__aux_key(x->aux);

	if (key == org)
		return;
	pws__aux_set(x, pws__aux_make(pws__aux_role(x->aux), pws__aux_lead(x->aux), org));
	group_remove(m, ws, user, key);
	group_add(m, ws, user, org, x->aux);
}

void pws__member_set(pws__model *m, uint32_t ws, uint32_t user, int role, int lead)
{
	pws__memb *x = pws__mslot(m, ws, user);
	uint32_t key = pws__aux_key(x->aux);
	uint32_t g = pws__umap_get(&m->group_of, pws__pair(ws, key));

	pws__aux_set(x, pws__aux_make((uint32_t)role, (uint32_t)lead, key));
	/* the group's entry carries a copy (pws__ge_make) */
	GROUP(m, g)->list.v[group_pos(m, g, user)] = pws__ge_make(user, x->aux);
}

void pws__member_set_at(pws__model *m, uint32_t g, uint32_t k, int role, int lead)
{
	pws__group *G = GROUP(m, g);
	uint32_t user = pws__ge_user(G->list.v[k]);
	pws__memb *x = pws__mslot(m, G->ws, user);

	pws__aux_set(x, pws__aux_make((uint32_t)role, (uint32_t)lead, G->key));
	G->list.v[k] = pws__ge_make(user, x->aux);
}

int pws__groups_consistent(const pws__model *m)
{
	uint32_t i, j, n = 0;

	for (i = 0; i < m->groups.n; i++) {
		const pws__group *G = GROUP(m, i);

		for (j = 0; j < G->list.n; j++) {
			uint32_t e = G->list.v[j];
			const pws__memb *x = pws__mslot(m, G->ws, pws__ge_user(e));

			if (!x || pws__aux_key(x->aux) != G->key || pws__ge_aux(e) != (x->aux & 7u))
				return 0;
			n++;
		}
	}
	return n == m->member_of.n;
}

/* Slides the live blocks of the users' lists down over the dead ones, in
 * region order, and points each user at its block's new place. */
static void ulists_compact(pws__model *m)
{
	pws__ulists *r = &m->ulists;
	size_t p = 0, q = 0;

	while (p < r->top) {
		uint32_t h = r->buf[p];
		size_t len;

		if (h & PWS__UL_DEAD) {
			p += h & ~PWS__UL_DEAD;
			continue;
		}
		len = 1 + (size_t)USER(m, h)->members.cap;
		if (q != p)
			memmove(r->buf + q, r->buf + p, len * sizeof(uint32_t));
		USER(m, h)->members.v = r->buf + q + 1;
		q += len;
		p += len;
	}
	r->top = q;
	r->dead = 0;
}

/* Room for `words` more at the region's end. Compacted first when a
 * sixteenth of what is used is dead: what is resident is the most the
 * region ever used (its pages past that were never touched), so dead
 * blocks are kept under a sixteenth of it; grown by doubling (the mapped
 * part past the top costs nothing until used, and few moves mean few
 * passes rewriting the users' v). */
static int ulists_room(const pws__mem *mem, pws__model *m, size_t words)
{
	pws__ulists *r = &m->ulists;
	size_t cap, p;
	uint32_t *nb;

	if (r->dead > r->top / 16)
		ulists_compact(m);
	if (r->top + words <= r->cap)
		return PWS_OK;
	cap = r->cap * 2;
	if (cap < r->top + words)
		cap = r->top + words;
	if (cap < 256)
		cap = 256;
	if (cap > (SIZE_MAX / 2) / sizeof(uint32_t)) /* GCOVR_EXCL_BR_LINE: no such memory */
		return PWS_ENOMEM;
	nb = pws__table_realloc_flat(mem, r->buf, r->cap * sizeof(uint32_t), cap * sizeof(uint32_t));
	if (!nb)
		return PWS_ENOMEM;
	if (nb != r->buf)
		for (p = 0; p < r->top;) {
			uint32_t h = nb[p];

			if (h & PWS__UL_DEAD) {
				p += h & ~PWS__UL_DEAD;
			} else {
				USER(m, h)->members.v = nb + p + 1;
				p += 1 + (size_t)USER(m, h)->members.cap;
			}
		}
	r->buf = nb;
	r->cap = cap;
	return PWS_OK;
}

/* Moves user's list to a new block of cap items at the region's end
 * (room made by the caller): its items copied, its old block, if any,
 * left dead. */
static void ulists_place(pws__model *m, uint32_t user, uint32_t cap)
{
	pws__ulists *r = &m->ulists;
	pws__ids *l = &USER(m, user)->members;
	uint32_t *nv = r->buf + r->top;

	nv[0] = user;
	if (l->n)
		memcpy(nv + 1, l->v, (size_t)l->n * sizeof(uint32_t));
	if (l->v) {
		l->v[-1] = PWS__UL_DEAD | (1 + l->cap);
		r->dead += 1 + (size_t)l->cap;
	}
	l->v = nv + 1;
	l->cap = cap;
	r->top += 1 + (size_t)cap;
}

int pws__user_list_reserve(const pws__mem *mem, pws__model *m, uint32_t user, uint32_t more)
{
	pws__ulists *r = &m->ulists;
	pws__ids *l = &USER(m, user)->members;
	uint64_t need = (uint64_t)l->n + more, cap = l->cap;

	/* (callers keep need <= PWS__USER_MEMB_MAX) */
	if (need <= l->cap)
		return PWS_OK;
	/* a first block of exactly what is asked for when it is several
	 * items (a call's first item gets room for 4: a user joins more
	 * workspaces; an import sizes its lists with pws__user_lists_import);
	 * else by half, from 64 items by a quarter (a move leaves a dead
	 * block until the next compaction) */
	if (!cap && more > 1)
		cap = need;
	while (cap < need)
		cap = cap < 4 ? 4 : cap < 64 ? cap + cap / 2 : cap + cap / 8;
	if (l->v && l->v + l->cap == r->buf + r->top && r->top + (cap - l->cap) <= r->cap) {
		/* the last block grows in place */
		r->top += cap - l->cap;
		l->cap = (uint32_t)cap;
		return PWS_OK;
	}
	if (ulists_room(mem, m, 1 + cap))
		return PWS_ENOMEM;
	/* (a compaction may have moved l->v) */
	ulists_place(m, user, (uint32_t)cap);
	return PWS_OK;
}

int pws__user_lists_import(const pws__mem *mem, pws__model *m, uint32_t first,
                           const uint32_t *more, uint32_t n)
{
	pws__ulists *r = &m->ulists;
	size_t words = 0;
	uint32_t i;

	/* one block for each list that gets items: a header word and exactly
	 * its items (an import knows each list's length), all in room made
	 * once: no doubling of the region on the way, no spare items */
	for (i = 0; i < n; i++)
		if (more[i])
			words += 1 + (size_t)USER(m, first + i)->members.n + more[i];
	if (ulists_room(mem, m, words))
		return PWS_ENOMEM;
	for (i = 0; i < n; i++) {
		if (!more[i])
			continue;
		if (USER(m, first + i)->members.v) {
			/* a list that exists (an import's users are new: not
			 * there) grows as the calls' do */
			if (pws__user_list_reserve(mem, m, first + i, more[i]))
				return PWS_ENOMEM;
			continue;
		}
		/* such a growth may have taken more room than counted (by its
		 * steps, and a move): make room again rather than write past
		 * the region */
		if (r->cap - r->top < 1 + (size_t)more[i] &&
		    ulists_room(mem, m, 1 + (size_t)more[i]))
			return PWS_ENOMEM;
		ulists_place(m, first + i, more[i]);
	}
	return PWS_OK;
}

int pws__member_reserve(const pws__mem *mem, pws__model *m, uint32_t ws, uint32_t user,
                        uint32_t org)
{
	/* an organization must fit the slot's payload (25 bits; 4 hold the distance) */
	if (USER(m, user)->members.n >= PWS__USER_MEMB_MAX ||
	    (org != PWS__GRP_TEAM && org >= PWS__AUX_ORG_MAX) ||
	    pws__group_prepare(mem, m, ws, org) == PWS__NONE ||
	    pws__user_list_reserve(mem, m, user, 1) ||
	    pws__mtab_reserve(mem, m, 1) ||
	    pws__umap_reserve(mem, &m->seat_of, 1))
		return PWS_ENOMEM;
	return PWS_OK;
}

void pws__seat_count(pws__model *m, uint32_t ws, uint32_t user, int delta)
{
	const pws__ws *w = WS(m, ws);
	const pws__memb *x;
	uint64_t key;
	uint32_t n;

	/* a seat is held by an Editor partner whose membership counts now
	 * (WS4: one who left their team holds none); the records first, the
	 * slot's probe only for a partner of a partner workspace (a member of
	 * the owning team, most of a build's memberships, needs none) */
	if (w->vis != PWS_VIS_PARTNER || USER(m, user)->team == w->team)
		return;
	x = pws__mslot(m, ws, user);
	if (!x || pws__aux_role(x->aux) != PWS_ROLE_EDITOR ||
	    !pws__member_counts(USER(m, user), w, pws__aux_key(x->aux)))
		return;
	key = pws__pair(w->team, user);
	n = pws__umap_get(&m->seat_of, key);
	if (delta > 0) {
		if (n == PWS__NONE) {
			TEAM(m, w->team)->seats_used++;
			n = 0;
		}
		pws__umap_put(&m->seat_of, key, n + 1);
	} else if (n != PWS__NONE) {
		if (n <= 1) {
			pws__umap_del(&m->seat_of, key);
			TEAM(m, w->team)->seats_used--;
		} else {
			pws__umap_put(&m->seat_of, key, n - 1);
		}
	}
}

void pws__member_link(pws__model *m, uint32_t ws, uint32_t user, int role, int lead,
                      uint32_t org)
{
	uint32_t aux = pws__aux_make((uint32_t)role, (uint32_t)lead, org);

	group_add(m, ws, user, org, aux);
	pws__ids_push(&USER(m, user)->members, ws);
	(void)pws__mtab_put(m, ws, user, aux);
	pws__seat_count(m, ws, user, +1);
}

int pws__member_link_bulk(pws__model *m, uint32_t g, uint32_t ws, uint32_t user, int role,
                          int lead)
{
	pws__group *G = GROUP(m, g);
	uint32_t aux = pws__aux_make((uint32_t)role, (uint32_t)lead, G->key);

	/* the slot is the membership: one probe finds a duplicate and inserts */
	if (pws__mtab_put(m, ws, user, aux))
		return -1;
	pws__ids_push(&G->list, pws__ge_make(user, aux));
	pws__ids_push(&USER(m, user)->members, ws);
	if (role == PWS_ROLE_EDITOR && G->key != PWS__GRP_TEAM)
		pws__seat_count(m, ws, user, +1);
	return 0;
}

void pws__member_unlink(pws__model *m, uint32_t ws, uint32_t user)
{
	pws__ids *l = &USER(m, user)->members;
	uint32_t i;

	pws__seat_count(m, ws, user, -1);
	/* the user's list is scanned (a removal only: 4 bytes a membership) */
	for (i = l->n; i-- > 0;)
		if (l->v[i] == ws) {
			pws__ids_swap_remove(l, i);
			break;
		}
	group_remove(m, ws, user, pws__aux_key(pws__mslot(m, ws, user)->aux));
	pws__mtab_del(m, ws, user);
	pws__umap_del(&m->seen_of, pws__pair(ws, user));
	pws__drop_editor(m, ws, user);
}
void pws__drop_editor(pws__model *m, uint32_t ws, uint32_t user)
{
	const pws__ws *w = WS(m, ws);
	uint32_t i, j;

	for (i = 0; i < w->elements.n; i++) {
		pws__element *e = ELEM(m, w->elements.v[i]);

		for (j = 0; j < e->editors.n; j++)
			if (e->editors.v[j] == user) {
				pws__ids_swap_remove(&e->editors, j);
				break;
			}
	}
}

int pws__public_reserve(const pws__mem *mem, pws__model *m, uint32_t w, int vis)
{
	if (vis != PWS_VIS_PUBLIC || WS(m, w)->in_public)
		return PWS_OK;
	return pws__ids_reserve(mem, &m->public_ws, 1);
}

void pws__set_vis(pws__model *m, uint32_t w, int vis)
{
	pws__ws *W = WS(m, w);

	W->vis = (uint8_t)vis;
	if (vis == PWS_VIS_PUBLIC && !W->in_public) {
		W->in_public = 1;
		pws__ids_push(&m->public_ws, w);
	}
	pws__hot_ws(m, w);
}

void pws__user_seats(pws__model *m, uint32_t u, int delta)
{
	const pws__user *U = USER(m, u);
	uint32_t i;

	for (i = 0; i < U->members.n; i++)
		pws__seat_count(m, U->members.v[i], u, delta);
}

void pws__set_seen(pws__model *m, uint32_t ws, uint32_t user, uint32_t n)
{
	/* PWS__NONE marks an empty slot: a count that large cannot occur
	 * before n_updates overflows, which pws_update_post refuses */
	pws__umap_put(&m->seen_of, pws__pair(ws, user), n);
}
