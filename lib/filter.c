/*
 * The visibility filter: listings built from the same predicates as the
 * checks, copied into a self-contained iterator. Each listing reads only
 * what the viewer may see (member groups, the workspace's elements, the
 * user's memberships), so it costs what it returns.
 * SPDX-License-Identifier: MIT
 */
#include "core.h"
#include "decide.h"
#include "decide-ops.h"
#include "visibility.h"

#include <string.h>

#define MAXCOL 8

struct pws_iter {
	pws__mem mem;
	uint8_t ncol;
	uint8_t col[MAXCOL];     /* pws_column of each slot */
	uint8_t str[MAXCOL];     /* 1 if the slot holds a string (arena offset) */
	uint64_t *cells;         /* rows * ncol */
	size_t rows, cap, cur;   /* cur: 1-based current row, 0 before the first */
	char *arena;
	size_t alen, acap;
	int oom;                 /* a builder allocation failed */
};

/* --- the builder ----------------------------------------------------------- */

static pws_iter *it_new(const pws__mem *mem, const char *spec)
{
	/* spec: one char per slot: lowercase = int column, uppercase = string;
	 * the letter's position in the alphabet is the column number. */
	pws_iter *it = pws__calloc(mem, 1, sizeof(*it));
	size_t i;

	if (!it)
		return NULL;
	it->mem = *mem;
	for (i = 0; spec[i] && i < MAXCOL; i++) { /* GCOVR_EXCL_BR_LINE: specs are literals < 8 */
		char c = spec[i];

		it->str[i] = c <= 'Z'; /* spec letters only: 'A'-'Z' sort before 'a'-'z' */
		it->col[i] = (uint8_t)(it->str[i] ? c - 'A' + 1 : c - 'a' + 1);
	}
	it->ncol = (uint8_t)i;
	/* offset 0 of the arena is the empty string, shared by every "" */
	it->arena = pws__malloc(mem, 1024);
	if (!it->arena) {
		pws__free(mem, it);
		return NULL;
	}
	it->arena[0] = '\0';
	it->alen = 1;
	it->acap = 1024;
	return it;
}

/* Makes room for `rows` more rows and `bytes` more arena bytes at once
 * (at least doubling what is there when it must grow). */
static void it_reserve(pws_iter *it, size_t rows, size_t bytes)
{
	if (it->oom)
		return;
	/* geometric: a listing reserving group by group reallocates (and
	 * copies) O(log n) times, not once per group */
	if (it->rows + rows > it->cap) {
		size_t nc = it->rows + rows > 2 * it->cap ? it->rows + rows : 2 * it->cap;
		uint64_t *n = pws__realloc(&it->mem, it->cells, nc * it->ncol * sizeof(uint64_t));

		if (!n) {
			it->oom = 1;
			return;
		}
		it->cells = n;
		it->cap = nc;
	}
	if (it->alen + bytes > it->acap) {
		size_t nc = it->alen + bytes > 2 * it->acap ? it->alen + bytes : 2 * it->acap;
		char *a = pws__realloc(&it->mem, it->arena, nc);

		if (!a) {
			it->oom = 1;
			return;
		}
		it->arena = a;
		it->acap = nc;
	}
}

/* A row whose every slot the caller writes: no zeroing. */
static uint64_t *it_row_raw(pws_iter *it)
{
	if (it->oom)
		return NULL;
	if (it->rows == it->cap) {
		size_t nc = it->cap ? it->cap * 2 : 64;
		uint64_t *n = pws__realloc(&it->mem, it->cells, nc * it->ncol * sizeof(uint64_t));

		if (!n) {
			it->oom = 1;
			return NULL;
		}
		it->cells = n;
		it->cap = nc;
	}
	return it->cells + it->rows++ * it->ncol;
}

/* A row with every slot 0 (empty string, 0), to be filled by column. */
static uint64_t *it_row(pws_iter *it)
{
	uint64_t *r = it_row_raw(it);

	if (r)
		memset(r, 0, it->ncol * sizeof(uint64_t));
	return r;
}

/* Grows the arena to hold n more bytes; 0 on failure (it->oom set). */
static int it_arena_grow(pws_iter *it, size_t n)
{
	size_t nc = it->acap; /* never 0: it_new gives 1024 bytes */
	char *a;

	while (nc < it->alen + n)
		nc *= 2;
	a = pws__realloc(&it->mem, it->arena, nc);
	if (!a) {
		it->oom = 1;
		return 0;
	}
	it->arena = a;
	it->acap = nc;
	return 1;
}

static inline uint64_t it_intern(pws_iter *it, const char *s)
{
	size_t n = strlen(s) + 1;
	uint64_t off;

	if (it->oom || n == 1)
		return 0;
	if (it->alen + n > it->acap && !it_arena_grow(it, n))
		return 0;
	off = it->alen;
	memcpy(it->arena + off, s, n);
	it->alen += n;
	return off;
}

static int slot(const pws_iter *it, int col, int want_str);

/* Sets column `col` of row r (silently ignores columns the listing lacks;
 * a spec names each column once). */
static void it_int(pws_iter *it, uint64_t *r, int col, int64_t v)
{
	int s = slot(it, col, 0);

	if (r && s >= 0)
		r[s] = (uint64_t)v;
}

static void it_str(pws_iter *it, uint64_t *r, int col, const char *s)
{
	int k = slot(it, col, 1);

	if (r && k >= 0)
		r[k] = it_intern(it, s ? s : "");
}

/* Ends a build: hands the iterator out or reports ENOMEM. */
static int it_done(pws_iter *it, pws_iter **out)
{
	if (it->oom) {
		pws_iter_free(it);
		return PWS_ENOMEM;
	}
	*out = it;
	return PWS_OK;
}

/* --- the public iterator ------------------------------------------------------ */

PWS_EXTERN int pws_iter_next(pws_iter *it)
{
	if (!it)
		return PWS_EINVALID;
	if (it->cur >= it->rows) {
		it->cur = it->rows + 1;
		return PWS_ITEROVER;
	}
	it->cur++;
	return PWS_OK;
}

static int slot(const pws_iter *it, int col, int want_str)
{
	int i;

	for (i = 0; i < it->ncol; i++)
		if (it->col[i] == col && it->str[i] == want_str)
			return i;
	return -1;
}

PWS_EXTERN const char *pws_iter_str(const pws_iter *it, int column)
{
	int s;

	if (!it || it->cur == 0 || it->cur > it->rows)
		return NULL;
	s = slot(it, column, 1);
	if (s < 0)
		return NULL; /* a column the listing lacks: an error, not "" */
	return it->arena + it->cells[(it->cur - 1) * it->ncol + (size_t)s];
}

PWS_EXTERN int64_t pws_iter_int(const pws_iter *it, int column)
{
	int s;

	if (!it || it->cur == 0 || it->cur > it->rows)
		return 0;
	s = slot(it, column, 0);
	return s < 0 ? 0 : (int64_t)it->cells[(it->cur - 1) * it->ncol + (size_t)s];
}

PWS_EXTERN int pws_iter_int2(const pws_iter *it, int column, int64_t *out)
{
	int s;

	if (out)
		*out = 0;
	if (!it || !out)
		return PWS_EINVALID;
	s = slot(it, column, 0);
	if (s < 0)
		return PWS_EINVALID; /* checked first: a wrong column is wrong on every row */
	if (it->cur == 0 || it->cur > it->rows)
		return PWS_ESTATE;
	*out = (int64_t)it->cells[(it->cur - 1) * it->ncol + (size_t)s];
	return PWS_OK;
}

PWS_EXTERN size_t pws_iter_count(const pws_iter *it)
{
	return it ? it->rows : 0;
}

PWS_EXTERN void pws_iter_free(pws_iter *it)
{
	pws__mem mem;

	if (!it)
		return;
	mem = it->mem;
	pws__free(&mem, it->cells);
	pws__free(&mem, it->arena);
	pws__free(&mem, it);
}

/* --- listings ------------------------------------------------------------------ */

/* Common start of a listing: arguments and the shared lock. */
static int begin(pws_iter **out, const pws_policy *p)
{
	if (!out)
		return PWS_EINVALID;
	*out = NULL;
	if (!p)
		return PWS_EINVALID;
	return pws__read_begin(p);
}

static int finish(const pws_policy *p, int rc)
{
	pws__read_end(p);
	return rc;
}

static const char *org_name(const pws__model *m, uint32_t w, uint32_t org)
{
	if (org == PWS__NONE)
		return "";
	return WS(m, w)->model == PWS_MODEL_LEGACY ? pws__atom(m, org) : TEAM(m, org)->id;
}

/* Member rows have the fixed layout of MEMBER_SPEC: written slot by slot,
 * without looking columns up. */
#define MEMBER_SPEC "ABcdeFt"
enum { MS_ID, MS_EMAIL, MS_ROLE, MS_LEAD, MS_EXT, MS_ORG, MS_SUSP, MS_N };

static void it_sort_range(pws_iter *it, size_t first, size_t n, int col1, int col2);

/* --- copying a member's strings ---------------------------------------------
 * A member row copies two strings of the model (id and address). On
 * x86-64 (PWS__SKEY_BLOCKS, util.h) they are read as pws__skey_of reads a
 * key: by aligned 16-byte blocks, which never reach a page the string
 * does not touch, and written by 16-byte stores that may run up to 15
 * bytes past the copy's NUL into the arena's free room (the next copy
 * overwrites them). No strlen and memcpy calls. Sanitized and other
 * builds take it_intern. The arena's end is kept in a cursor while a
 * group's rows are copied: stores through char pointers would otherwise
 * make the compiler reload the iterator's fields after each one. */
typedef struct acur {
	char *a;          /* it->arena */
	size_t len, cap;  /* it->alen, it->acap */
} acur;

/* Room a block copy must find free at the arena's end before it starts:
 * one block, and the next one before each further block. */
#define COPY_ROOM 32

static inline void acur_get(acur *c, const pws_iter *it)
{
	c->a = it->arena;
	c->len = it->alen;
	c->cap = it->acap;
}

static uint64_t str_prefix(const char *s);

/* s through it_intern at arena length len, with its sort prefix in *pre
 * when pre is not NULL. Out of line and without the cursor's address:
 * a cursor whose address escapes lives in memory, and every store
 * through a char pointer makes the compiler read it back. */
static __attribute__((noinline)) uint64_t arena_intern(pws_iter *it, size_t len, const char *s,
                                                       uint64_t *pre)
{
	it->alen = len;
	if (pre)
		*pre = str_prefix(s);
	return it_intern(it, s);
}

/* The same for a cursor's copy: the cursor handed back and taken again. */
static inline uint64_t acur_intern(pws_iter *it, acur *c, const char *s, uint64_t *pre)
{
	uint64_t off = arena_intern(it, c->len, s, pre);

	acur_get(c, it);
	return off;
}

#if PWS__SKEY_BLOCKS
/* Copies s (NUL included) to the arena's end; its arena offset (0 after
 * an allocation failure); when pre is not NULL, its sort prefix
 * (str_prefix) in *pre. */
static inline uint64_t acur_copy(pws_iter *it, acur *c, const char *s, uint64_t *pre)
{
	unsigned o = (unsigned)((uintptr_t)s & 15);
	const __m128i *blk = (const __m128i *)(const void *)(s - o);
	__m128i z = _mm_setzero_si128(), b = _mm_load_si128(blk);
	uint32_t e = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, z)) >> o;
	char *dst = c->a + c->len;
	size_t room = c->cap - c->len, k = 0, n;
	unsigned __int128 x;
	uint64_t v;

	if (room < COPY_ROOM)
		return acur_intern(it, c, s, pre);
	/* the block's bytes from s on, shifted in registers (through a
	 * buffer on the stack, the load of 16 bytes at s's offset in it
	 * could not be forwarded from the stores: ~20 cycles a string) */
	x = (unsigned __int128)(uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(b, b)) << 64 |
	    (uint64_t)_mm_cvtsi128_si64(b);
	x >>= 8 * o;
	memcpy(dst, &x, 16);
	v = (uint64_t)x;
	if (!e) {
		/* each further block goes where its bytes belong, up to the
		 * one that holds the NUL; a string longer than the room goes
		 * through it_intern */
		for (k = 16 - o;; k += 16) {
			if (k + 16 > room)
				return acur_intern(it, c, s, pre);
			b = _mm_load_si128(++blk);
			if (k < 8) /* the first further block holds some of the first 8 bytes */
				v |= (uint64_t)_mm_cvtsi128_si64(b) << (8 * k);
			_mm_storeu_si128((__m128i *)(void *)(dst + k), b);
			e = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, z));
			if (e)
				break;
		}
	}
	n = k + (size_t)__builtin_ctz(e);
	if (pre) {
		/* the first 8 bytes, the NUL and what follows it cleared */
		if (n < 8)
			v &= pws__key_keep[n][0]; /* util.h's masks of bytes 0..n-1 */
		*pre = __builtin_bswap64(v);
	}
	c->len += n + 1; /* "" too gets a NUL of its own: no test for it */
	return (uint64_t)(dst - c->a);
}
#else
static inline uint64_t acur_copy(pws_iter *it, acur *c, const char *s, uint64_t *pre)
{
	return acur_intern(it, c, s, pre);
}
#endif


/* A member row to be: its strings' offsets (copied already), its group
 * entry (user, role, lead) and how the row lists it. Rows are sorted by
 * small keys (mkey) naming them, then written once in their final
 * order. */
typedef struct mrow {
	uint64_t id, email;  /* arena offsets */
	uint32_t e;          /* the group's entry (pws__ge_*) */
	uint32_t how;        /* MK_* */
} mrow;

enum { MK_PARTNER = 1, MK_SUSPENDED = 2 };

/* A row's sort key: the first 8 bytes of its id (the order of strcmp on
 * them, as sort_key's) and the row's index in the group's mrow array. */
typedef struct mkey {
	uint64_t pre;
	uint64_t row;
} mkey;

/* Groups up to this many rows are sorted in buffers on the stack (3.5
 * KiB): most are; member_rows lends bigger ones a buffer
 * (MROW_BYTES a member). Up to MKEY_INS rows are sorted by insertion
 * alone. */
#define MKEY_STACK 64
#define MKEY_INS 16
#define MROW_BYTES (2 * sizeof(mkey) + sizeof(mrow))

/* Equal first 8 bytes: ids are unique, so both go on (a NUL in the
 * prefix would make them equal). Out of line: rare, and inlined its
 * address arithmetic was computed ahead of every comparison. */
static __attribute__((noinline)) int mkey_tie(const pws_iter *it, const mrow *rs, const mkey *a,
                                              const mkey *b)
{
	return strcmp(it->arena + rs[a->row].id + 8, it->arena + rs[b->row].id + 8) < 0;
}

static inline int mkey_before(const pws_iter *it, const mrow *rs, const mkey *a, const mkey *b)
{
	if (__builtin_expect(a->pre != b->pre, 1))
		return a->pre < b->pre;
	return mkey_tie(it, rs, a, b);
}

static void mkey_insertion(const pws_iter *it, const mrow *rs, mkey *a, size_t lo, size_t hi)
{
	size_t i, j;

	for (i = lo + 1; i < hi; i++) {
		mkey x = a[i];

		for (j = i; j > lo && mkey_before(it, rs, &x, &a[j - 1]); j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
}

/* Sorts a[0..n) by id, b[0..n) a buffer: by insertion up to MKEY_INS
 * rows, else runs of 8 by insertion, then bottom-up merges; the sorted
 * keys, in a or in b. */
static mkey *mkey_sort(const pws_iter *it, const mrow *rs, mkey *a, mkey *b, size_t n)
{
	size_t w, i, j, k, lo, mid, hi;
	mkey *t;

	if (n <= MKEY_INS) {
		mkey_insertion(it, rs, a, 0, n);
		return a;
	}
	for (lo = 0; lo < n; lo += 8)
		mkey_insertion(it, rs, a, lo, lo + 8 < n ? lo + 8 : n);
	for (w = 8; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w) {
			mid = lo + w < n ? lo + w : n;
			hi = lo + 2 * w < n ? lo + 2 * w : n;
			for (i = lo, j = mid, k = lo; k < hi; k++)
				b[k] = (i < mid && (j >= hi || !mkey_before(it, rs, &a[j], &a[i])))
				               ? a[i++] : a[j++];
		}
		t = a;
		a = b;
		b = t;
	}
	return a;
}

/* The rows of one group, sorted by user id: its counting members, and its
 * suspended ones when the viewer is on the publisher side (VI1). The
 * group's workspace and organization are the same for every row, so
 * whether a membership counts is decided from the user's record alone
 * (pws__member_counts, as pws__member_effective). A counting membership
 * is external when its user is a partner, a suspended one always (VI7,
 * as pws__member_external). buf: MROW_BYTES for each member when the
 * group has more than MKEY_STACK (member_rows lends it), else NULL. */
static void group_rows(pws_iter *it, const pws__model *m, uint32_t w, uint32_t g,
                       int with_suspended, mkey *buf)
{
	const pws__group *G = GROUP(m, g);
	const pws__ws *W = WS(m, w);
	const uint32_t *v = G->list.v, wteam = W->team, key = G->key;
	mkey sa[MKEY_STACK], sb[MKEY_STACK], *a = sa, *b = sb;
	mrow srs[MKEY_STACK], *rs = srs;
	uint64_t org_off = 0, *r;
	uint32_t k, n = 0, ng = G->list.n, team = key == PWS__GRP_TEAM;
	acur c;

	if (!ng)
		return;
	if (ng > MKEY_STACK) {
		a = buf;
		b = a + ng;
		rs = (mrow *)(void *)(b + ng);
	}
	it_reserve(it, ng, (size_t)ng * 40 + COPY_ROOM);
	if (it->oom)
		return;
	/* a team member is never external; a partner group's name is
	 * interned once for all its rows */
	if (!team)
		org_off = it_intern(it, org_name(m, w, key));
	acur_get(&c, it);
	/* role and lead come with the entry (pws__ge_*): no probe of the
	 * membership's slot; the strings are copied in list order, the rows
	 * written in id order */
	for (k = 0; k < ng; k++) {
		const pws__user *U = USER(m, pws__ge_user(v[k]));
		uint32_t how;

		if (pws__member_counts(U, W, key))
			how = U->team != wteam ? MK_PARTNER : 0;
		else if (with_suspended && !team) /* pws__member_suspended */
			how = MK_PARTNER | MK_SUSPENDED;
		else
			continue;
		rs[n].id = acur_copy(it, &c, U->id, &a[n].pre);
		rs[n].email = acur_copy(it, &c, pws__atom(m, U->email), NULL);
		rs[n].e = v[k];
		rs[n].how = how;
		a[n].row = n;
		n++;
	}
	it->alen = c.len;
	if (it->oom)
		return;
	/* member listings come group by group (VI1); within a group, by id */
	a = mkey_sort(it, rs, a, b, n);
	r = it->cells + it->rows * MS_N;
	for (k = 0; k < n; k++, r += MS_N) {
		const mrow *x = &rs[a[k].row];

		r[MS_ID] = x->id;
		r[MS_EMAIL] = x->email;
		r[MS_ROLE] = pws__aux_role(pws__ge_aux(x->e));
		r[MS_LEAD] = pws__aux_lead(pws__ge_aux(x->e));
		r[MS_EXT] = x->how & MK_PARTNER;
		r[MS_ORG] = x->how & MK_PARTNER ? org_off : 0;
		r[MS_SUSP] = x->how >> 1; /* WS4, VI1 */
	}
	it->rows += n;
}

/* The members visible to a viewer whose sight is limited to the team
 * group and one organization (VI2), or to everything (VI1, VI3);
 * suspended memberships only for the publisher side (VI1). */
static void member_rows(pws_iter *it, const pws__model *m, uint32_t w, int all, uint32_t org,
                        int with_suspended)
{
	const pws__ws *W = WS(m, w);
	uint32_t i, n, gs[2], big = 0;
	size_t rows = 0;
	mkey *buf = NULL;

	if (all) {
		n = W->groups.n;
	} else {
		n = 0;
		gs[0] = pws__umap_get(&m->group_of, pws__pair(w, PWS__GRP_TEAM));
		if (gs[0] != PWS__NONE)
			n++;
		gs[n] = pws__umap_get(&m->group_of, pws__pair(w, org));
		if (gs[n] != PWS__NONE && org != PWS__GRP_TEAM)
			n++;
	}
	/* room for every row at once (growing the iterator group by group
	 * copied it again at each doubling), and one sort buffer for the
	 * groups too big for the stack */
	for (i = 0; i < n; i++) {
		uint32_t gn = GROUP(m, all ? W->groups.v[i] : gs[i])->list.n;

		rows += gn;
		big = gn > big ? gn : big;
	}
	it_reserve(it, rows, rows * 40 + COPY_ROOM);
	if (big > MKEY_STACK) {
		buf = pws__malloc(&it->mem, (size_t)big * MROW_BYTES);
		if (!buf)
			it->oom = 1;
	}
	for (i = 0; i < n && !it->oom; i++)
		group_rows(it, m, w, all ? W->groups.v[i] : gs[i], with_suspended, buf);
	pws__free(&it->mem, buf);
}

PWS_EXTERN int pws_list_members(pws_iter **out, const pws_policy *p, const char *viewer,
                                const char *workspace_id)
{
	const pws__model *m;
	uint32_t v, w;
	pws__who c;
	pws_iter *it;
	int rule, rc = begin(out, p);

	if (rc)
		return rc;
	m = &p->m;
	if (!pws__valid_id(viewer) || !pws__valid_id(workspace_id))
		return finish(p, PWS_EINVALID);
	v = pws__user_find(m, viewer);
	w = pws__ws_find(m, workspace_id);
	if (v == PWS__NONE || w == PWS__NONE)
		return finish(p, PWS_ENOTFOUND);
	pws__who_init(&c, m, v, w);
	if (!pws__decide(&c, PWS_ACT_VIEW_MEMBERS, PWS__NONE, &rule))
		return finish(p, PWS_EDENIED);
	it = it_new(&p->mem, MEMBER_SPEC);
	if (!it)
		return finish(p, PWS_ENOMEM);
	/* VI1: the publisher side also sees suspended memberships; a
	 * partner never does */
	if (!c.partner || c.pm || !c.multi)
		member_rows(it, m, w, 1, 0, !c.partner);
	else
		member_rows(it, m, w, 0, pws__morg(m, w, v), 0);
	return finish(p, it_done(it, out));
}

/* VI8 compares with a partner of the organization: one must be there. */
static int org_present(const pws__model *m, uint32_t w, uint32_t org)
{
	uint32_t g = pws__umap_get(&m->group_of, pws__pair(w, org)), k;
	const pws__group *G;

	if (g == PWS__NONE || org == PWS__GRP_TEAM)
		return 0;
	G = GROUP(m, g);
	for (k = 0; k < G->list.n; k++)
		if (pws__member_counts(USER(m, pws__ge_user(G->list.v[k])), WS(m, w), org))
			return 1;
	return 0;
}

/* The organization named by a string in a workspace's model. */
static uint32_t org_find(const pws__model *m, uint32_t w, const char *org)
{
	return WS(m, w)->model == PWS_MODEL_LEGACY ? pws__atom_find(m, org)
	                                           : pws__team_find(m, org);
}

PWS_EXTERN int pws_list_members_as_org(pws_iter **out, const pws_policy *p,
                                       const char *organization, const char *workspace_id)
{
	const pws__model *m;
	uint32_t w, org;
	const pws__ws *W;
	pws_iter *it;
	int rc = begin(out, p);

	if (rc)
		return rc;
	m = &p->m;
	if (!pws__valid_id(organization) || !pws__valid_id(workspace_id))
		return finish(p, PWS_EINVALID);
	w = pws__ws_find(m, workspace_id);
	if (w == PWS__NONE || (org = org_find(m, w, organization)) == PWS__NONE)
		return finish(p, PWS_ENOTFOUND);
	W = WS(m, w);
	if (W->lc != PWS_LC_ACTIVE || W->vis != PWS_VIS_PARTNER || !org_present(m, w, org))
		return finish(p, PWS_EDENIED); /* no partner of it is in the workspace */
	it = it_new(&p->mem, MEMBER_SPEC);
	if (!it)
		return finish(p, PWS_ENOMEM);
	/* VI8 = a Viewer partner's view: no suspended membership (VI1) */
	member_rows(it, m, w, W->mode != PWS_MODE_MULTI, org, 0);
	return finish(p, it_done(it, out));
}

/* --- sorting rows by a string column (stable merge sort, no qsort: it
 * may allocate behind the host's allocator) ----------------------------- */

/* A row to sort: the first 8 bytes of its first key, big-endian and
 * zero-padded, so that most comparisons are one integer comparison with
 * the order of strcmp (ids hold no NUL). */
typedef struct sort_key {
	uint64_t pre;
	size_t row;
} sort_key;

static uint64_t str_prefix(const char *s)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8 && s[i]; i++)
		v |= (uint64_t)(unsigned char)s[i] << (56 - 8 * i);
	return v;
}

/* The same for the string at arena offset off: one 8-byte read when the
 * arena holds 8 written bytes there, the bytes from the terminating NUL on
 * cleared (the first zero byte is the lowest one the borrow trick marks;
 * bytes after it may be marked falsely, never before). */
static inline uint64_t arena_prefix(const pws_iter *it, uint64_t off)
{
	uint64_t v, z;
	int k;

	if (off + 8 > it->alen) /* only written bytes: valgrind sees no undefined read */
		return str_prefix(it->arena + off);
	memcpy(&v, it->arena + off, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
	z = (v - 0x0101010101010101ull) & ~v & 0x8080808080808080ull;
	if (z) {
		k = __builtin_ctzll(z) / 8; /* bytes before the NUL */
		v = k ? v & (~0ull >> (64 - 8 * k)) : 0;
	}
	return __builtin_bswap64(v);
#else
	(void)z;
	(void)k;
	return str_prefix(it->arena + off);
#endif
}

static inline int row_cmp(const pws_iter *it, int s1, int s2, const sort_key *a,
                          const sort_key *b)
{
	const uint64_t *ra = it->cells + a->row * it->ncol, *rb = it->cells + b->row * it->ncol;
	int c;

	if (a->pre != b->pre)
		return a->pre < b->pre ? -1 : 1;
	/* equal first 8 bytes: equal strings unless both go on */
	if ((a->pre & 0xff) && (c = strcmp(it->arena + ra[s1] + 8, it->arena + rb[s1] + 8)) != 0)
		return c;
	if (s2 < 0)
		return 0;
	return strcmp(it->arena + ra[s2], it->arena + rb[s2]);
}

/* Ranges up to this many rows are sorted in buffers on the stack (about
 * 6 KiB): member groups and most listings then allocate nothing to sort. */
#define SORT_STACK 64

/* Sorts rows [first, first + n) by string columns col1 then col2 (0: none):
 * runs of 8 by insertion, then bottom-up merges; stable. */
static void it_sort_range(pws_iter *it, size_t first, size_t n, int col1, int col2)
{
	int s1 = slot(it, col1, 1), s2 = col2 ? slot(it, col2, 1) : -1;
	size_t w, i, j, k, lo, mid, hi;
	sort_key sa[SORT_STACK], sb[SORT_STACK], *a = sa, *b = sb, *t;
	uint64_t sc[SORT_STACK * MAXCOL], *cells = sc;

	if (it->oom || n < 2 || s1 < 0)
		return;
	if (n > SORT_STACK) {
		a = pws__malloc(&it->mem, n * sizeof(sort_key));
		b = pws__malloc(&it->mem, n * sizeof(sort_key));
		cells = pws__malloc(&it->mem, n * it->ncol * sizeof(uint64_t));
		if (!a || !b || !cells) {
			pws__free(&it->mem, a);
			pws__free(&it->mem, b);
			pws__free(&it->mem, cells);
			it->oom = 1;
			return;
		}
	}
	for (i = 0; i < n; i++) {
		a[i].row = first + i;
		a[i].pre = arena_prefix(it, it->cells[(first + i) * it->ncol + (size_t)s1]);
	}
	for (lo = 0; lo < n; lo += 8) {
		hi = lo + 8 < n ? lo + 8 : n;
		for (i = lo + 1; i < hi; i++) {
			sort_key x = a[i];

			for (j = i; j > lo && row_cmp(it, s1, s2, &a[j - 1], &x) > 0; j--)
				a[j] = a[j - 1];
			a[j] = x;
		}
	}
	for (w = 8; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w) {
			mid = lo + w < n ? lo + w : n;
			hi = lo + 2 * w < n ? lo + 2 * w : n;
			for (i = lo, j = mid, k = lo; k < hi; k++)
				b[k] = (i < mid && (j >= hi || row_cmp(it, s1, s2, &a[i], &a[j]) <= 0))
				       ? a[i++] : a[j++];
		}
		t = a;
		a = b;
		b = t;
	}
	for (i = 0; i < n && a[i].row == first + i; i++)
		; /* already in order: nothing to move */
	if (i < n) {
		size_t nc = it->ncol, c;

		for (k = i; k < n; k++) /* rows of at most MAXCOL cells: no memcpy call */
			for (c = 0; c < nc; c++)
				cells[k * nc + c] = it->cells[a[k].row * nc + c];
		memcpy(it->cells + (first + i) * it->ncol, cells + i * it->ncol,
		       (n - i) * it->ncol * sizeof(uint64_t));
	}
	if (n > SORT_STACK) {
		/* a and b were swapped an unknown number of times: free both */
		pws__free(&it->mem, a);
		pws__free(&it->mem, b);
		pws__free(&it->mem, cells);
	}
}

static void it_sort(pws_iter *it, int col1, int col2)
{
	it_sort_range(it, 0, it->rows, col1, col2);
}

/* --- workspaces -------------------------------------------------------------- */

static void ws_row(pws_iter *it, const pws__model *m, uint32_t u, uint32_t w)
{
	const pws__ws *W = WS(m, w);
	uint32_t mi = pws__member_eff(m, w, u);
	uint64_t *r = it_row(it);

	it_str(it, r, PWS_COL_ID, W->id);
	it_str(it, r, PWS_COL_TEAM, TEAM(m, W->team)->id);
	it_int(it, r, PWS_COL_ROLE, mi == PWS__NONE ? 0 : pws__mrole(m, w, u));
	it_int(it, r, PWS_COL_EXTERNAL, W->team != USER(m, u)->team); /* WS3 */
	it_int(it, r, PWS_COL_VISIBILITY, W->vis);
	it_int(it, r, PWS_COL_MODE, W->vis == PWS_VIS_PARTNER ? W->mode : 0);
	it_int(it, r, PWS_COL_UNREAD, mi == PWS__NONE ? 0 : W->n_updates - pws__seen(m, w, u));
}

/* A workspace reached without a membership, listed once. */
static void ws_extra(pws_iter *it, const pws__model *m, uint32_t u, uint32_t w)
{
	if (pws__member_rec(m, w, u) != PWS__NONE && pws__member_eff(m, w, u) != PWS__NONE)
		return; /* listed with the memberships */
	if (pws__reaches(m, u, w))
		ws_row(it, m, u, w);
}

PWS_EXTERN int pws_list_workspaces(pws_iter **out, const pws_policy *p, const char *user_id)
{
	const pws__model *m;
	const pws__user *U;
	uint32_t u, i;
	pws_iter *it;
	int rc = begin(out, p);

	if (rc)
		return rc;
	m = &p->m;
	if (!pws__valid_id(user_id))
		return finish(p, PWS_EINVALID);
	u = pws__user_find(m, user_id);
	if (u == PWS__NONE)
		return finish(p, PWS_ENOTFOUND);
	it = it_new(&p->mem, "AMceopr");
	if (!it)
		return finish(p, PWS_ENOMEM);
	U = USER(m, u);
	for (i = 0; i < U->members.n; i++) {
		uint32_t w = U->members.v[i];

		if (pws__member_effective(m, w, u) && pws__reaches(m, u, w))
			ws_row(it, m, u, w);
	}
	/* WS1, WS2: the home team's workspaces (team visibility, partner ones
	 * for its Partner Managers), and public ones of any team */
	if (U->team != PWS__NONE) {
		const pws__team *T = TEAM(m, U->team);

		for (i = 0; i < T->workspaces.n; i++)
			if (WS(m, T->workspaces.v[i])->vis != PWS_VIS_PUBLIC)
				ws_extra(it, m, u, T->workspaces.v[i]);
	}
	for (i = 0; i < m->public_ws.n; i++)
		if (WS(m, m->public_ws.v[i])->vis == PWS_VIS_PUBLIC)
			ws_extra(it, m, u, m->public_ws.v[i]);
	it_sort(it, PWS_COL_ID, 0);
	return finish(p, it_done(it, out));
}

/* --- elements ------------------------------------------------------------------ */

/* The actions of c on element e: the workspace-level mask with the
 * element-dependent bits (MV1, MV2, RM1) decided per element. */
static uint64_t element_mask(const pws__who *c, uint64_t base, uint32_t e)
{
	int r;

	base &= ~(((uint64_t)1 << PWS_ACT_MOVE) | ((uint64_t)1 << PWS_ACT_DELETE_ELEMENT));
	if (pws__decide(c, PWS_ACT_MOVE, e, &r))
		base |= (uint64_t)1 << PWS_ACT_MOVE;
	if (pws__decide(c, PWS_ACT_DELETE_ELEMENT, e, &r))
		base |= (uint64_t)1 << PWS_ACT_DELETE_ELEMENT;
	return base;
}

static uint64_t ws_mask(const pws__who *c)
{
	uint64_t mask = 0;
	int a, r;

	for (a = 1; a < PWS_ACT_COUNT; a++)
		if (pws__decide(c, a, PWS__NONE, &r))
			mask |= (uint64_t)1 << a;
	return mask;
}

static void element_rows(pws_iter *it, const pws__model *m, const pws__who *c,
                         int stand_in)
{
	const pws__ws *W = c->W;
	uint64_t base = ws_mask(c);
	pws__who ce = *c;
	uint32_t i;

	/* A stand-in for an organization (VI8) holds no element role of its
	 * own: decide the element bits as nobody in particular. */

	/* The element bits depend only on (monitor or not, Editor on it or
	 * not) for a given viewer: decide each combination once, on the first
	 * element that has it. */
	uint64_t cache[4];
	int have[4] = { 0, 0, 0, 0 };
	int s_id = slot(it, PWS_COL_ID, 1), s_kind = slot(it, PWS_COL_KIND, 0);
	int s_act = slot(it, PWS_COL_ACTIONS, 0), s_par = slot(it, PWS_COL_PARENT, 1);
	/* whether being an Editor on the element can change anything */
	int editor_matters;

	if (stand_in)
		ce.u = PWS__NONE;
	/* ids are short: 16 bytes a row is a good first guess for the arena */
	it_reserve(it, W->elements.n, (size_t)W->elements.n * 16);
	editor_matters = ce.u != PWS__NONE && ce.mi != PWS__NONE && ce.role != PWS_ROLE_ADMIN &&
	                 !ce.super && !(ce.partner && ce.multi);

	for (i = 0; i < W->elements.n; i++) {
		uint32_t e = W->elements.v[i];
		const pws__element *E = ELEM(m, e);
		uint64_t *r;
		int served = E->kind == PWS_EL_MONITOR || E->kind == PWS_EL_MOCK_SERVER, k;
		uint32_t j;

		if (E->state != PWS__EL_LIVE)
			continue;
		k = served;
		if (editor_matters)
			for (j = 0; j < E->editors.n; j++)
				if (E->editors.v[j] == ce.u) {
					k |= 2;
					break;
				}
		if (!have[k]) {
			cache[k] = element_mask(&ce, base, e);
			have[k] = 1;
		}
		r = it_row(it);
		if (!r)
			return;
		r[s_id] = it_intern(it, E->id);
		r[s_kind] = E->kind;
		r[s_act] = cache[k];
		r[s_par] = served && E->parent != PWS__NONE ? it_intern(it, ELEM(m, E->parent)->id) : 0;
	}
}

PWS_EXTERN int pws_list_elements(pws_iter **out, const pws_policy *p, const char *viewer,
                                 const char *workspace_id)
{
	const pws__model *m;
	uint32_t v, w;
	pws__who c;
	pws_iter *it;
	int rule, rc = begin(out, p);

	if (rc)
		return rc;
	m = &p->m;
	if (!pws__valid_id(viewer) || !pws__valid_id(workspace_id))
		return finish(p, PWS_EINVALID);
	v = pws__user_find(m, viewer);
	w = pws__ws_find(m, workspace_id);
	if (v == PWS__NONE || w == PWS__NONE)
		return finish(p, PWS_ENOTFOUND);
	pws__who_init(&c, m, v, w);
	if (!pws__decide(&c, PWS_ACT_VIEW, PWS__NONE, &rule))
		return finish(p, PWS_EDENIED);
	it = it_new(&p->mem, "AghS");
	if (!it)
		return finish(p, PWS_ENOMEM);
	element_rows(it, m, &c, 0);
	return finish(p, it_done(it, out));
}

PWS_EXTERN int pws_list_elements_as_org(pws_iter **out, const pws_policy *p,
                                        const char *organization, const char *workspace_id)
{
	const pws__model *m;
	uint32_t w, org, g, k;
	const pws__group *G;
	pws_iter *it;
	int rc = begin(out, p);

	if (rc)
		return rc;
	m = &p->m;
	if (!pws__valid_id(organization) || !pws__valid_id(workspace_id))
		return finish(p, PWS_EINVALID);
	w = pws__ws_find(m, workspace_id);
	if (w == PWS__NONE || (org = org_find(m, w, organization)) == PWS__NONE)
		return finish(p, PWS_ENOTFOUND);
	g = pws__umap_get(&m->group_of, pws__pair(w, org));
	if (!org_present(m, w, org) || WS(m, w)->vis != PWS_VIS_PARTNER ||
	    WS(m, w)->lc != PWS_LC_ACTIVE)
		return finish(p, PWS_EDENIED); /* no partner of it is in the workspace */
	/* VI8: the view of a Viewer partner of the organization with no role
	 * of their own: decided as one of its Viewer members, or, if none is
	 * a plain Viewer, as a Viewer stand-in with that member's identity. */
	G = GROUP(m, g);
	it = it_new(&p->mem, "AghS");
	if (!it)
		return finish(p, PWS_ENOMEM);
	for (k = 0; k < G->list.n; k++) {
		uint32_t x = pws__ge_user(G->list.v[k]);

		if (pws__member_effective(m, w, x)) {
			pws__who c;

			pws__who_init(&c, m, x, w);
			c.role = PWS_ROLE_VIEWER;
			c.lead = 0;
			element_rows(it, m, &c, 1);
			break;
		}
	}
	return finish(p, it_done(it, out));
}

/* --- history, updates, replies, activity ----------------------------------- */

static void post_row(pws_iter *it, const pws__model *m, const pws__post *P, const char *parent,
                     int64_t kind)
{
	uint64_t *r = it_row(it);

	it_str(it, r, PWS_COL_ID, P->id);
	it_str(it, r, PWS_COL_TEXT, P->text);
	it_int(it, r, PWS_COL_AT, P->at);
	it_str(it, r, PWS_COL_AUTHOR, USER(m, P->author)->id);
	it_int(it, r, PWS_COL_EXTERNAL, pws__is_partner(m, P->ws, P->author)); /* VI7 */
	it_str(it, r, PWS_COL_PARENT, parent);
	it_int(it, r, PWS_COL_KIND, kind);
}

/* Resolves viewer and workspace; EDENIED unless the viewer may view. */
static int viewer_ws(const pws__model *m, const char *viewer, const char *ws, pws__who *c)
{
	uint32_t v, w;
	int rule;

	if (!pws__valid_id(viewer) || !pws__valid_id(ws))
		return PWS_EINVALID;
	v = pws__user_find(m, viewer);
	w = pws__ws_find(m, ws);
	if (v == PWS__NONE || w == PWS__NONE)
		return PWS_ENOTFOUND;
	pws__who_init(c, m, v, w);
	return pws__decide(c, PWS_ACT_VIEW, PWS__NONE, &rule) ? PWS_OK : PWS_EDENIED;
}

PWS_EXTERN int pws_list_history(pws_iter **out, const pws_policy *p, const char *viewer,
                                const char *workspace_id)
{
	const pws__model *m;
	const pws__ids *H;
	uint32_t v, w, i;
	pws_iter *it;
	int rc = begin(out, p);

	if (rc)
		return rc;
	m = &p->m;
	if (!pws__valid_id(viewer) || !pws__valid_id(workspace_id))
		return finish(p, PWS_EINVALID);
	v = pws__user_find(m, viewer);
	w = pws__ws_find(m, workspace_id);
	if (v == PWS__NONE || w == PWS__NONE)
		return finish(p, PWS_ENOTFOUND);
	it = it_new(&p->mem, "AIkJe");
	if (!it)
		return finish(p, PWS_ENOMEM);
	H = pws__user_history(m, v);
	for (i = 0; H && i < H->n; i++) { /* VI4: only one's own */
		const pws__post *P = HIST(m, H->v[i]);

		if (P->ws == w)
			post_row(it, m, P, "", 0);
	}
	return finish(p, it_done(it, out));
}

PWS_EXTERN int pws_list_updates(pws_iter **out, const pws_policy *p, const char *viewer,
                                const char *workspace_id)
{
	const pws__model *m;
	pws__who c;
	uint32_t i, seen;
	pws_iter *it;
	int rc = begin(out, p);

	if (rc)
		return rc;
	m = &p->m;
	rc = viewer_ws(m, viewer, workspace_id, &c);
	if (rc)
		return finish(p, rc);
	it = it_new(&p->mem, "AIkJre");
	if (!it)
		return finish(p, PWS_ENOMEM);
	seen = c.mi == PWS__NONE ? c.W->n_updates : pws__seen(m, c.w, c.u);
	for (i = 0; i < c.W->updates.n; i++) { /* VI5: broadcast */
		uint64_t *r;

		post_row(it, m, UPDATE(m, c.W->updates.v[i]), "", 0);
		r = it->oom ? NULL : it->cells + (it->rows - 1) * it->ncol;
		it_int(it, r, PWS_COL_UNREAD, i >= seen); /* VI6 */
	}
	return finish(p, it_done(it, out));
}

/* Whether the viewer sees a post's author's activity: the policy layer's
 * answer (VI2, VI5). */
static int sees_author(const pws__who *c, uint32_t author)
{
	int r;

	return pws__sees_author(c, author, &r);
}

PWS_EXTERN int pws_list_replies(pws_iter **out, const pws_policy *p, const char *viewer,
                                const char *update_id)
{
	const pws__model *m;
	const pws__post *U;
	uint32_t up, i;
	pws__who c;
	pws_iter *it;
	int rc = begin(out, p);

	if (rc)
		return rc;
	m = &p->m;
	if (!pws__valid_id(viewer) || !pws__valid_id(update_id))
		return finish(p, PWS_EINVALID);
	up = pws__smap_get(&m->upd_ids, update_id);
	if (up == PWS__NONE)
		return finish(p, PWS_ENOTFOUND);
	U = UPDATE(m, up);
	rc = viewer_ws(m, viewer, WS(m, U->ws)->id, &c);
	if (rc)
		return finish(p, rc);
	it = it_new(&p->mem, "AIkJSe");
	if (!it)
		return finish(p, PWS_ENOMEM);
	for (i = 0; i < U->kids.n; i++) {
		const pws__post *R = REPLY(m, U->kids.v[i]);

		if (sees_author(&c, R->author))
			post_row(it, m, R, U->id, 0);
	}
	return finish(p, it_done(it, out));
}

PWS_EXTERN int pws_list_activity(pws_iter **out, const pws_policy *p, const char *viewer,
                                 const char *workspace_id)
{
	const pws__model *m;
	pws__who c;
	uint32_t i, k;
	pws_iter *it;
	int rc = begin(out, p);

	if (rc)
		return rc;
	m = &p->m;
	rc = viewer_ws(m, viewer, workspace_id, &c);
	if (rc)
		return finish(p, rc);
	it = it_new(&p->mem, "AIkJSge");
	if (!it)
		return finish(p, PWS_ENOMEM);
	for (i = 0; i < c.W->updates.n; i++) {
		const pws__post *U = UPDATE(m, c.W->updates.v[i]);

		for (k = 0; k < U->kids.n; k++) {
			const pws__post *R = REPLY(m, U->kids.v[k]);

			if (sees_author(&c, R->author))
				post_row(it, m, R, U->id, 0);
		}
	}
	for (i = 0; i < c.W->elements.n; i++) {
		const pws__element *E = ELEM(m, c.W->elements.v[i]);

		if (E->state != PWS__EL_LIVE)
			continue;
		for (k = 0; k < E->comments.n; k++) {
			const pws__post *C = COMMENT(m, E->comments.v[k]);

			if (sees_author(&c, C->author))
				post_row(it, m, C, E->id, E->kind);
		}
	}
	return finish(p, it_done(it, out));
}

/* --- partnerships, seats, one partner's reach -------------------------------- */

PWS_EXTERN int pws_list_partnerships(pws_iter **out, const pws_policy *p, const char *actor,
                                     const char *team_id)
{
	const pws__model *m;
	pws__verdict v = PWS__VERDICT_INIT;
	const pws__team *T;
	uint32_t a, t, i, j;
	pws_iter *it;
	int rc = begin(out, p);

	if (rc)
		return rc;
	m = &p->m;
	if (!pws__valid_id(actor) || !pws__valid_id(team_id))
		return finish(p, PWS_EINVALID);
	a = pws__user_find(m, actor);
	t = pws__team_find(m, team_id);
	if (a == PWS__NONE || t == PWS__NONE)
		return finish(p, PWS_ENOTFOUND);
	if (pws__decide_list_partnerships(m, a, t, &v))
		return finish(p, PWS_EDENIED); /* TT1 (v.rule) */
	it = it_new(&p->mem, "MnL");
	if (!it)
		return finish(p, PWS_ENOMEM);
	T = TEAM(m, t);
	for (i = 0; i < T->workspaces.n; i++) {
		uint32_t w = T->workspaces.v[i];
		const pws__ws *W = WS(m, w);

		if (W->vis != PWS_VIS_PARTNER || W->lc == PWS_LC_DELETED)
			continue;
		for (j = 0; j < W->groups.n; j++) {
			const pws__group *G = GROUP(m, W->groups.v[j]);
			uint32_t k, any = 0;
			uint64_t *r;

			if (G->key == PWS__GRP_TEAM)
				continue;
			for (k = 0; k < G->list.n && !any; k++)
				any = pws__member_effective(m, w, pws__ge_user(G->list.v[k]));
			if (!any)
				continue;
			r = it_row(it);
			it_str(it, r, PWS_COL_TEAM, org_name(m, w, G->key));
			it_int(it, r, PWS_COL_SSO,
			       W->model == PWS_MODEL_LEGACY ? 0 : TEAM(m, G->key)->sso);
			it_str(it, r, PWS_COL_WORKSPACE, W->id);
		}
	}
	it_sort(it, PWS_COL_TEAM, PWS_COL_WORKSPACE);
	return finish(p, it_done(it, out));
}

PWS_EXTERN int pws_list_seats(pws_iter **out, const pws_policy *p, const char *team_id)
{
	const pws__model *m;
	const pws__team *T;
	uint32_t t, i, j, k;
	pws_iter *it, *dedup;
	int rc = begin(out, p);

	if (rc)
		return rc;
	m = &p->m;
	if (!pws__valid_id(team_id))
		return finish(p, PWS_EINVALID);
	t = pws__team_find(m, team_id);
	if (t == PWS__NONE)
		return finish(p, PWS_ENOTFOUND);
	it = it_new(&p->mem, "AFe");
	if (!it)
		return finish(p, PWS_ENOMEM);
	T = TEAM(m, t);
	for (i = 0; i < T->workspaces.n; i++) {
		uint32_t w = T->workspaces.v[i];
		const pws__ws *W = WS(m, w);

		if (W->vis != PWS_VIS_PARTNER)
			continue;
		for (j = 0; j < W->groups.n; j++) {
			const pws__group *G = GROUP(m, W->groups.v[j]);

			for (k = 0; G->key != PWS__GRP_TEAM && k < G->list.n; k++) {
				uint32_t x = pws__ge_user(G->list.v[k]);
				uint64_t *r;

				if (pws__aux_role(pws__ge_aux(G->list.v[k])) != PWS_ROLE_EDITOR ||
				    !pws__holds_seat(m, x, t))
					continue;
				r = it_row(it);
				it_str(it, r, PWS_COL_ID, USER(m, x)->id);
				it_str(it, r, PWS_COL_ORG, org_name(m, w, G->key));
				it_int(it, r, PWS_COL_EXTERNAL, pws__is_partner(m, w, x)); /* VI7 */
			}
		}
	}
	it_sort(it, PWS_COL_ID, 0);
	/* one row per partner (PL2 counts people, not memberships) */
	dedup = it->oom ? NULL : it_new(&p->mem, "AFe");
	if (!dedup) {
		pws_iter_free(it);
		return finish(p, PWS_ENOMEM);
	}
	while (pws_iter_next(it) == PWS_OK) {
		const char *id = pws_iter_str(it, PWS_COL_ID);
		uint64_t *r;

		if (dedup->rows) {
			dedup->cur = dedup->rows;
			if (strcmp(pws_iter_str(dedup, PWS_COL_ID), id) == 0)
				continue;
		}
		r = it_row(dedup);
		it_str(dedup, r, PWS_COL_ID, id);
		it_str(dedup, r, PWS_COL_ORG, pws_iter_str(it, PWS_COL_ORG));
		it_int(dedup, r, PWS_COL_EXTERNAL, pws_iter_int(it, PWS_COL_EXTERNAL));
	}
	dedup->cur = 0;
	pws_iter_free(it);
	return finish(p, it_done(dedup, out));
}

PWS_EXTERN int pws_list_partner_reach(pws_iter **out, const pws_policy *p, const char *actor,
                                      const char *team_id, const char *partner)
{
	const pws__model *m;
	pws__verdict v = PWS__VERDICT_INIT;
	const pws__user *X;
	uint32_t a, t, x, i, k;
	pws_iter *it;
	int rc = begin(out, p);

	if (rc)
		return rc;
	m = &p->m;
	if (!pws__valid_id(actor) || !pws__valid_id(team_id) || !pws__valid_id(partner))
		return finish(p, PWS_EINVALID);
	a = pws__user_find(m, actor);
	t = pws__team_find(m, team_id);
	x = pws__user_find(m, partner);
	if (a == PWS__NONE || t == PWS__NONE || x == PWS__NONE)
		return finish(p, PWS_ENOTFOUND);
	if (pws__decide_partner_reach(m, a, t, &v))
		return finish(p, PWS_EDENIED); /* VI9 (v.rule) */
	it = it_new(&p->mem, "LQch");
	if (!it)
		return finish(p, PWS_ENOMEM);
	X = USER(m, x);
	for (i = 0; i < X->members.n; i++) {
		uint32_t w = X->members.v[i];
		const pws__ws *W = WS(m, w);
		pws__who c;
		uint64_t base, *r;
		int rule;

		if (W->team != t || W->vis != PWS_VIS_PARTNER || !pws__member_effective(m, w, x))
			continue;
		pws__who_init(&c, m, x, w);
		if (!pws__decide(&c, PWS_ACT_VIEW, PWS__NONE, &rule))
			continue;
		base = ws_mask(&c);
		r = it_row(it);
		it_str(it, r, PWS_COL_WORKSPACE, W->id);
		it_str(it, r, PWS_COL_ELEMENT, "");
		it_int(it, r, PWS_COL_ROLE, c.role);
		it_int(it, r, PWS_COL_ACTIONS, (int64_t)base);
		for (k = 0; k < W->elements.n; k++) {
			uint32_t e = W->elements.v[k];

			if (ELEM(m, e)->state != PWS__EL_LIVE)
				continue;
			r = it_row(it);
			it_str(it, r, PWS_COL_WORKSPACE, W->id);
			it_str(it, r, PWS_COL_ELEMENT, ELEM(m, e)->id);
			it_int(it, r, PWS_COL_ROLE, c.role);
			it_int(it, r, PWS_COL_ACTIONS, (int64_t)element_mask(&c, base, e));
		}
	}
	it_sort(it, PWS_COL_WORKSPACE, PWS_COL_ELEMENT);
	return finish(p, it_done(it, out));
}

/* --- suspended memberships (WS4, VI1) and the external mark (VI7) ------------- */

int pws__member_suspended(const pws__model *m, uint32_t ws, uint32_t user)
{
	const pws__memb *x = pws__mslot(m, ws, user);

	return x && pws__aux_key(x->aux) != PWS__GRP_TEAM &&
	       !pws__member_counts(USER(m, user), WS(m, ws), pws__aux_key(x->aux));
}

uint32_t pws__member_susp(const pws__model *m, uint32_t ws, uint32_t user)
{
	return pws__member_suspended(m, ws, user) ? 0 : PWS__NONE;
}

int pws__member_external(const pws__model *m, uint32_t ws, uint32_t user)
{
	if (pws__member_suspended(m, ws, user))
		return 1; /* granted through a partner organization */
	return pws__is_partner(m, ws, user);
}

int pws__sees_suspended(const pws__model *m, uint32_t u, uint32_t w, int *rule)
{
	pws__who c;

	pws__who_init(&c, m, u, w);
	if (!pws__decide(&c, PWS_ACT_VIEW_MEMBERS, PWS__NONE, rule))
		return 0;
	*rule = PWS_RULE_VI1;
	return !c.partner;
}

PWS_EXTERN int pws_member_status(const pws_policy *p, int *role, int *partner_lead,
                                 int *is_partner, int *suspended, const char *workspace_id,
                                 const char *user_id)
{
	uint32_t w, u, mi = PWS__NONE;
	int rc, susp = 0;

	if (!p || !pws__valid_id(workspace_id) || !pws__valid_id(user_id))
		return PWS_EINVALID;
	rc = pws__read_begin(p);
	if (rc)
		return rc;
	w = pws__ws_find(&p->m, workspace_id);
	u = pws__user_find(&p->m, user_id);
	if (w != PWS__NONE && u != PWS__NONE) {
		mi = pws__member_eff(&p->m, w, u);
		if (mi == PWS__NONE) {
			mi = pws__member_susp(&p->m, w, u);
			susp = mi != PWS__NONE;
		}
	}
	if (mi == PWS__NONE) {
		rc = PWS_ENOTFOUND;
	} else {
		if (role)
			*role = (int)pws__mrole(&p->m, w, u);
		if (partner_lead)
			*partner_lead = (int)pws__mlead(&p->m, w, u);
		if (is_partner)
			*is_partner = pws__member_external(&p->m, w, u); /* VI7 */
		if (suspended)
			*suspended = susp;
	}
	pws__read_end(p);
	return rc;
}

/* --- open invites, the directory (0.2) ----------------------------------------- */

PWS_EXTERN int pws_list_invites(pws_iter **out, int *rule, const pws_policy *p,
                                const char *viewer, const char *workspace_id)
{
	const pws__model *m;
	pws__verdict v = PWS__VERDICT_INIT;
	uint32_t u, w, i;
	pws__who c;
	pws_iter *it;
	int rc;

	if (rule)
		*rule = 0;
	rc = begin(out, p);
	if (rc)
		return rc;
	m = &p->m;
	if (!pws__valid_id(viewer) || !pws__valid_id(workspace_id))
		return finish(p, PWS_EINVALID);
	u = pws__user_find(m, viewer);
	w = pws__ws_find(m, workspace_id);
	if (u == PWS__NONE || w == PWS__NONE)
		return finish(p, PWS_ENOTFOUND);
	pws__who_init(&c, m, u, w);
	rc = pws__decide_list_invites(&c, &v);
	if (rule)
		*rule = v.rule;
	if (rc)
		return finish(p, rc);
	it = it_new(&p->mem, "BgcdU");
	if (!it)
		return finish(p, PWS_ENOMEM);
	/* the open invites of every workspace are one array (invites leave it
	 * when accepted, declined or withdrawn): one pass over it */
	for (i = 0; i < m->invites.n; i++) {
		const pws__invite *in = INVITE(m, i);
		uint64_t *r;

		if (in->ws != w || !pws__sees_invite(&c, i)) /* all open: closed ones are dropped */
			continue; /* IN3, IN7, VI2: a Partner Lead, their organization's */
		r = it_row(it);
		it_str(it, r, PWS_COL_EMAIL, pws__atom(m, in->email));
		it_int(it, r, PWS_COL_KIND, in->kind);
		it_int(it, r, PWS_COL_ROLE, in->role);
		it_int(it, r, PWS_COL_LEAD, in->lead);
		it_str(it, r, PWS_COL_INVITER,
		       in->inviter == PWS__NONE || !USER(m, in->inviter)->alive
		               ? "" : USER(m, in->inviter)->id);
	}
	it_sort(it, PWS_COL_EMAIL, 0);
	return finish(p, it_done(it, out));
}

PWS_EXTERN int pws_list_teams(pws_iter **out, const pws_policy *p)
{
	const pws__model *m;
	uint32_t i;
	pws_iter *it;
	int rc = begin(out, p);

	if (rc)
		return rc;
	m = &p->m;
	it = it_new(&p->mem, "AVwnx");
	if (!it)
		return finish(p, PWS_ENOMEM);
	for (i = 0; i < m->teams.n; i++) {
		const pws__team *T = TEAM(m, i);
		uint64_t *r;

		if (!T->alive)
			continue;
		r = it_row(it);
		it_str(it, r, PWS_COL_ID, T->id);
		it_str(it, r, PWS_COL_NAME, T->name);
		it_int(it, r, PWS_COL_PLAN, T->plan);
		it_int(it, r, PWS_COL_SSO, T->sso);
		it_int(it, r, PWS_COL_SEATS, T->seats);
	}
	it_sort(it, PWS_COL_ID, 0);
	return finish(p, it_done(it, out));
}

static void user_row(pws_iter *it, const pws__model *m, uint32_t u)
{
	const pws__user *U = USER(m, u);
	uint64_t *r = it_row(it);

	it_str(it, r, PWS_COL_ID, U->id);
	it_str(it, r, PWS_COL_EMAIL, pws__atom(m, U->email));
	it_str(it, r, PWS_COL_TEAM, U->team == PWS__NONE ? "" : TEAM(m, U->team)->id);
	it_int(it, r, PWS_COL_TEAM_ROLE, U->team == PWS__NONE ? 0 : U->team_role);
	it_int(it, r, PWS_COL_PARTNER_MANAGER, U->team != PWS__NONE && pws__is_pm(m, u, U->team));
}

PWS_EXTERN int pws_list_users(pws_iter **out, const pws_policy *p, const char *team_id)
{
	const pws__model *m;
	uint32_t i, t = PWS__NONE;
	pws_iter *it;
	int rc = begin(out, p);

	if (rc)
		return rc;
	m = &p->m;
	if (team_id) {
		if (!pws__valid_id(team_id))
			return finish(p, PWS_EINVALID);
		t = pws__team_find(m, team_id);
		if (t == PWS__NONE)
			return finish(p, PWS_ENOTFOUND);
	}
	it = it_new(&p->mem, "ABMyz");
	if (!it)
		return finish(p, PWS_ENOMEM);
	if (t != PWS__NONE) {
		const pws__team *T = TEAM(m, t);

		for (i = 0; i < T->users.n; i++)
			user_row(it, m, T->users.v[i]);
	} else {
		for (i = 0; i < m->users.n; i++)
			if (USER(m, i)->alive)
				user_row(it, m, i);
	}
	it_sort(it, PWS_COL_ID, 0);
	return finish(p, it_done(it, out));
}
