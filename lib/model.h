/*
 * The model: entities, interned ids and indexes. No policy knowledge.
 *
 * Entities live in arrays and are named by their index. An entity that is
 * removed keeps its slot (alive = 0) so indexes held elsewhere never
 * dangle; its id leaves the id map so it can be reused.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_MODEL_H
#define PWS_MODEL_H

#include "pws-int.h"
#include "util.h"

#define PWS__DEFAULT_SEATS 3u

typedef struct pws__team {
	const char *id;    /* key of model.team_ids */
	char *name;
	uint8_t plan, sso, alive;
	uint32_t seats;    /* included Partner Editor seats (PL4) */
	uint32_t seats_used; /* partners holding Editor in its partner workspaces */
	pws__ids users;    /* users whose home team this is */
	pws__ids domains;  /* atoms of its captured domains */
	pws__ids workspaces; /* workspaces it owns */
} pws__team;

typedef struct pws__user {
	const char *id;    /* key of model.user_ids */
	uint32_t email;    /* atom of the normalized address */
	uint32_t domain;   /* atom of the address's domain (legacy org) */
	uint32_t team;     /* home team or PWS__NONE */
	uint32_t team_pos; /* position in team.users */
	uint8_t team_role, pm, alive;
	pws__ids members;  /* workspaces this user is a member of */
	/* their history entries (VI4) are in model.hist_of / hist_lists: almost
	 * no user has any, and 16 bytes a user are 0.3 B a membership in the
	 * bench's world (16 MB at a million users) */
} pws__user;

/* what the bytes per membership count on (doc/PERFORMANCE-NOTES.md, h-hist) */
_Static_assert(sizeof(void *) != 8 || sizeof(pws__user) == 48, "a user record is 48 bytes");

enum { PWS__REQ_NONE = 0, PWS__REQ_CREATE = 1, PWS__REQ_CONVERT = 2 };

typedef struct pws__ws {
	const char *id;
	char *name, *summary, *description, *note;
	uint32_t team;
	uint8_t vis, mode, model, lc;
	uint8_t was_partner, request, integration;
	uint8_t in_public : 1; /* listed in model.public_ws */
	uint8_t name_strs : 1; /* name in the string arena (a creation's, see
	                        * ops-workspace.c); else an allocation of its own */
	uint32_t requester;
	uint32_t n_updates;  /* updates posted so far (VI6) */
	uint32_t n_pinv;     /* open partner invites (DL1) */
	pws__ids groups;     /* member groups: team members, then one per partner org;
	                      * together they hold every membership (PWS__EACH_MEMBER) */
	pws__ids elements;   /* live or trashed element indexes */
	pws__ids updates;    /* its updates, oldest first (VI5) */
} pws__ws;

/* Members of one workspace that share a group key: the owning team's
 * members (PWS__GRP_TEAM) or one partner organization. Listings read only
 * the groups a viewer may see, so they cost what they return (VI2). */
#define PWS__GRP_TEAM (UINT32_MAX - 1)

typedef struct pws__group {
	uint32_t ws, key;
	pws__ids list;       /* its members' entries (pws__ge_*) */
} pws__group;

/* A group's entry: the member's user index (29 bits) with a copy of the
 * membership's role (2 bits) and lead flag (1 bit) on top, so that member
 * listings read no membership slot (4 bytes a membership, as a bare
 * index). The slot's payload (model.member_of) stays authoritative: the
 * checks read only it, and every change of role or lead writes both
 * (pws__member_set / pws__member_set_at, links, regroups, bulk links).
 * Whatever reads a group's list as user indexes masks (pws__ge_user,
 * PWS__EACH_MEMBER). A handle holds at most PWS__USERS_MAX users, removed
 * ones included (their slots are kept): pws_user_add and the imports
 * refuse more. */
#define PWS__GE_USER 0x1fffffffu
#define PWS__USERS_MAX PWS__GE_USER /* user indexes 0 .. 2^29 - 2 */
static inline uint32_t pws__ge_user(uint32_t e) { return e & PWS__GE_USER; }
/* role | lead << 2: the low bits of a slot's payload (pws__aux_role / _lead read it) */
static inline uint32_t pws__ge_aux(uint32_t e) { return e >> 29; }
static inline uint32_t pws__ge_make(uint32_t user, uint32_t aux) { return user | aux << 29; }
/* Whether n more users fit in a handle of model m (PWS__USERS_MAX). */
#define PWS__USERS_ROOM(m, more) ((uint64_t)(m)->users.n + (more) <= PWS__USERS_MAX)

/* A membership has no record of its own: its 12-byte slot in
 * model.member_of is the membership: workspace, user (the key; ws ==
 * PWS__NONE marks an empty slot) and a payload of role, lead and
 * organization (pws__aux_*). A membership is named by its (ws, user) pair;
 * users' lists hold workspace indexes, groups' lists user indexes; the
 * position in either list is found by a scan on removal. A user holds at
 * most PWS__USER_MEMB_MAX memberships (pws__member_reserve refuses more). */
typedef struct pws__memb {
	uint32_t ws, user, aux;
} pws__memb;

/* The membership table: linear probing in Robin Hood order (see
 * pws__mtab_find_at), placed by the ids' string hashes (model.ws_h /
 * user_h) so that a check holding only the id strings can start the slot's
 * load before resolving them; load 0.78-0.92. */
typedef struct pws__mtab {
	pws__memb *s;         /* cap slots, and after them one all ones (the
	                       * wrap sentinel of pws__mtab_find_at) */
	uint32_t n, cap;
	uint64_t seed, mul;   /* key the placement (pws__mtab_seed) */
	pws__umap *gpos;      /* while set (a migration): pair(group, user) ->
	                       * position in the group, kept up to date, so that
	                       * removals from big groups need no scan */
} pws__mtab;

#define PWS__USER_MEMB_MAX ((1u << 28) - 1u)

/* A slot's distance from its home, in its payload's top bits (see
 * pws__mtab_find_at): the field holds PWS__MTAB_DMAX - min(distance, DMAX). */
#define PWS__MTAB_DSHIFT 28
#define PWS__MTAB_DMAX 15u
#define PWS__MTAB_DMASK (PWS__MTAB_DMAX << PWS__MTAB_DSHIFT)

enum { PWS__INV_OPEN = 1, PWS__INV_ACCEPTED = 2, PWS__INV_DECLINED = 3 };

typedef struct pws__invite {
	uint32_t ws, email, inviter;
	uint8_t kind, role, lead, status;
} pws__invite;

enum { PWS__EL_LIVE = 1, PWS__EL_TRASH = 2, PWS__EL_GONE = 3 };

typedef struct pws__element {
	const char *id;
	uint32_t ws, ws_pos, parent;
	uint64_t size;
	int64_t deleted_at;
	uint8_t kind, state;
	pws__ids editors;    /* users who are Editors on this element */
	pws__ids comments;   /* its comments (CM1) */
} pws__element;

typedef struct pws__post {     /* an update, a reply, a history entry or a comment */
	const char *id;
	char *text;
	uint32_t ws, author, parent; /* parent: update of a reply, element of a comment */
	int64_t at;
	pws__ids kids;       /* replies of an update */
} pws__post;

/* Blocks of memory handed out by bumping a pointer; nothing is given back
 * but the last piece (model.c). p: the current block's room [p, p + cap),
 * used bytes of it taken. */
typedef struct pws__bump {
	char *p;
	size_t used, cap;
} pws__bump;

/* The users' lists of workspaces (pws__user.members) live in one region,
 * not one heap block each: every user's list grows as the workspaces are
 * built, all together, and each move to a bigger heap block left the old
 * one free where no later list fitted (1.3-1.9 B per membership at 1M, with
 * 8 B of allocator header a list). Here a list is a block of the region:
 * a header word (its user's index, or PWS__UL_DEAD | length for a block
 * given up) and cap items. A list that grows moves to the region's end,
 * or grows in place when it is the last block. Before a move the region
 * is compacted (blocks slid down, their users' v rewritten) if more than
 * a sixteenth of what it uses is dead; when full it doubles (moved by the
 * kernel: the v rewritten again). So a list's v moves: nothing holds it
 * across a reserve. The region is on small pages: a huge page past its top would
 * be resident whole. */
#define PWS__UL_DEAD 0x80000000u
typedef struct pws__ulists {
	uint32_t *buf;
	size_t top, cap, dead; /* words used, mapped, in dead blocks */
} pws__ulists;

/* alloc.c: pws__table_realloc on small pages only */
void *pws__table_realloc_flat(const pws__mem *m, void *p, size_t old, size_t size);

typedef struct pws__model {
	pws__smap atoms;       /* interned emails and domains -> atom index */
	pws__vec atom_str;     /* const char * per atom */
	/* the atom of the last domain interned (pws__dom_intern): a hint,
	 * checked against atom_str before use (any value is safe) */
	uint32_t dom_hint;
	/* the group last prepared (pws__group_prepare): a hint, checked
	 * against groups before use (any value is safe) */
	uint32_t grp_hint;
	/* the string arena (model.c): user and workspace ids and interned
	 * addresses (pws__model_strdup), each costing its bytes, with no
	 * allocator header or granule */
	pws__bump strs;
	pws__smap team_ids, user_ids, ws_ids, el_ids;
	pws__smap upd_ids, reply_ids, hist_ids, comment_ids;
	pws__vec teams, users, wss, invites, elements;
	pws__vec updates, replies, history, comments;
	pws__vec groups;           /* pws__group */
	pws__ids public_ws;        /* workspaces that were ever public (WS2 listing) */
	pws__umap group_of;        /* pair(ws, key) -> group */
	pws__ids user_of_atom;     /* email atom -> user, PWS__NONE for none: an
	                            * array by atom (atoms are dense and only
	                            * appended), not a hashed map: a put is a store,
	                            * a lookup one load (pws__user_of_atom); an atom
	                            * at or past n has no user */
	pws__umap team_by_domain;  /* domain atom -> team */
	pws__mtab member_of;       /* the memberships, placed by the id hashes below */
	pws__ids user_h, ws_h;     /* pws__id_hash of each user's / workspace's id,
	                            * fixed at creation: a check by id strings finds
	                            * the membership slot before resolving them */
	pws__umap invite_of;       /* pair(ws, email atom) -> invite */
	pws__umap seat_of;         /* pair(team, user) -> Editor partner memberships (PL4) */
	pws__umap seen_of;         /* pair(ws, user) -> ws.n_updates at the last visit (VI6);
	                            * absent: never visited, every update unread */
	uint32_t retention_days[5];     /* per plan (PL3) */
	uint64_t retention_bytes[5];
	uint64_t seed;             /* keys every table's hash (pws__model_seed);
	                            * random per model, never stored */
	pws__vec uhot;             /* uint32_t per user: its hot word packed
	                            * (pws__uhot32_of), 0 once removed and for an
	                            * import's placeholder; uhot.n == users.n. 4
	                            * bytes a user where its record is 48: a check by
	                            * reference finds it in the last-level cache at a
	                            * million users (pws__user_append, pws__hot_user,
	                            * user removal write it; the digest compares it) */
	pws__umap hist_of;         /* user -> its list in hist_lists, only for users
	                            * with history entries (pws__user_history) */
	pws__vec hist_lists;       /* pws__ids: one user's history entries, oldest first */
	pws__ulists ulists;        /* the blocks of the users' lists (above) */
} pws__model;

/* Room for `more` workspaces in user's list (growth, or a first block of
 * exactly `more`); PWS_ENOMEM changes nothing a reader sees. */
int pws__user_list_reserve(const pws__mem *mem, pws__model *m, uint32_t user, uint32_t more);
/* An import's lists at once: room for more[i] more items in the list of
 * user first + i, i < n (an import appends its users in order), each
 * list that gets items sized exactly (not by the growth steps of
 * pws__user_list_reserve), the region's room made once for all of them.
 * 0 or PWS_ENOMEM (lists already made keep their room: reserving only). */
int pws__user_lists_import(const pws__mem *mem, pws__model *m, uint32_t first,
                           const uint32_t *more, uint32_t n);

#define PWS__AT(vec, type, i) (&((type *)(vec).v)[i])
#define TEAM(M, i) PWS__AT((M)->teams, pws__team, i)
#define USER(M, i) PWS__AT((M)->users, pws__user, i)
#define WS(M, i) PWS__AT((M)->wss, pws__ws, i)
#define INVITE(M, i) PWS__AT((M)->invites, pws__invite, i)
#define ELEM(M, i) PWS__AT((M)->elements, pws__element, i)
#define UPDATE(M, i) PWS__AT((M)->updates, pws__post, i)
#define REPLY(M, i) PWS__AT((M)->replies, pws__post, i)
#define HIST(M, i) PWS__AT((M)->history, pws__post, i)
#define COMMENT(M, i) PWS__AT((M)->comments, pws__post, i)
#define GROUP(M, i) PWS__AT((M)->groups, pws__group, i)

/* Visits every member (user index `x`) of workspace W, group by group (the
 * owning team's members first). g and k are caller-declared uint32_t. The
 * body must not add or remove memberships of W. */
#define PWS__EACH_MEMBER(M, W, g, k, x) \
	for ((g) = 0; (g) < (W)->groups.n; (g)++) \
		for ((k) = 0; (k) < GROUP(M, (W)->groups.v[g])->list.n && \
		     (((x) = pws__ge_user(GROUP(M, (W)->groups.v[g])->list.v[k])), 1); (k)++)

/* An empty model whose tables are keyed with a fresh random seed. */
void pws__model_init(pws__model *m);
/* Keys every table of an empty model with seed (tests use a fixed one). */
void pws__model_seed(pws__model *m, uint64_t seed);
/* Called by the callers that copy a model struct: the atoms map reads its
 * keys through the model's atom_str (pws__smap_keys_by_val). */
void pws__model_bind(pws__model *m);
/* Records the id hash of a new user or workspace, at the same moment its
 * slot is counted (room reserved with pws__ids_reserve on user_h / ws_h),
 * hashed as a key of ids (user_ids / ws_ids, whose seed keys the hash),
 * so that user_h.n == users.n and ws_h.n == wss.n always hold. */
static inline void pws__idh_push(const pws__smap *ids, pws__ids *h, const char *id)
{
	pws__ids_push(h, pws__id_hash(ids, id));
}
void pws__model_free(const pws__mem *mem, pws__model *m);
uint64_t pws__model_digest(const pws__model *m);

static inline const char *pws__atom(const pws__model *m, uint32_t a)
{
	return ((const char *const *)m->atom_str.v)[a];
}

/* The user whose address is atom a (PWS__NONE: none, or a is PWS__NONE). */
static inline uint32_t pws__user_of_atom(const pws__model *m, uint32_t a)
{
	return a < m->user_of_atom.n ? m->user_of_atom.v[a] : PWS__NONE;
}
/* Room to set atom a's user: made before a change's point of no return,
 * so that pws__user_of_atom_set cannot fail. */
static inline int pws__user_of_atom_reserve(const pws__mem *mem, pws__model *m, uint32_t a)
{
	return a < m->user_of_atom.n ? PWS_OK
	                             : pws__ids_reserve(mem, &m->user_of_atom, a + 1 - m->user_of_atom.n);
}
/* Sets atom a's user to u (PWS__NONE: none); the atoms between the
 * array's end and a get none. Room reserved (pws__user_of_atom_reserve). */
void pws__user_of_atom_set(pws__model *m, uint32_t a, uint32_t u);

/* Lookups by id; PWS__NONE when unknown (or NULL). */
uint32_t pws__team_find(const pws__model *m, const char *id);
uint32_t pws__user_find(const pws__model *m, const char *id);
/* VI4: user u's history entries (indexes in model.history), oldest first;
 * NULL when u has none. */
const pws__ids *pws__user_history(const pws__model *m, uint32_t u);
/* User u's history list to push an entry to, made (empty) if u has none:
 * NULL on ENOMEM, nothing changed. Its own room is not reserved. An add
 * that fails after it calls pws__user_history_trim. */
pws__ids *pws__user_history_list(const pws__mem *mem, pws__model *m, uint32_t u);
/* Drops user u's list if it is empty (one pws__user_history_list just
 * made), so that a failed add leaves nothing behind. */
void pws__user_history_trim(const pws__mem *mem, pws__model *m, uint32_t u);
uint32_t pws__ws_find(const pws__model *m, const char *id);
uint32_t pws__el_find(const pws__model *m, const char *id);
uint32_t pws__atom_find(const pws__model *m, const char *s);
/* pws__atom_find and pws__atom_intern for domains (s may be NULL for
 * find): a directory's addresses come in runs of one domain, so the atom
 * of the last domain interned answers when its string is s (an atom's
 * string is its key in atoms: the same answer), without hashing. */
uint32_t pws__dom_find(const pws__model *m, const char *s);
uint32_t pws__dom_intern(const pws__mem *mem, pws__model *m, const char *s);

static inline uint64_t pws__member_hx(const pws__model *m, uint32_t ws, uint32_t user)
{
	return pws__hx(m->ws_h.v[ws], m->user_h.v[user]);
}

/* The home slot of placement input hx in the membership table. */
static inline uint32_t pws__mtab_home(const pws__mtab *t, uint64_t hx, uint32_t cap)
{
	return (uint32_t)(((unsigned __int128)pws__mum(hx ^ t->seed, t->mul) * cap) >> 64);
}
/* The prefetch helpers are always inline: GCC 12 at -O2 drops the call of
 * one it does not inline (a function of a prefetch alone has no effect
 * it knows of), and did so in decide.c, filter.c, check.c, snapshot.c. */
static PWS__ALWAYS_INLINE void pws__mtab_prefetch_h(const pws__mtab *t, uint64_t hx)
{
	if (t->s)
		__builtin_prefetch(&t->s[pws__mtab_home(t, hx, t->cap)]);
}
/* The same two steps apart, for a check that probes the slot whose load
 * it started: the home is computed once (a multiply-mix and a 128-bit
 * multiply), kept for pws__mtab_find_at. Slot 0 for an empty table (cap
 * 0). A type of its own, so that a placement input (a uint64_t) passed
 * where a home is wanted does not compile. */
typedef struct pws__mhome {
	uint32_t slot;
} pws__mhome;
static inline pws__mhome pws__mtab_home_of(const pws__mtab *t, uint64_t hx)
{
	pws__mhome h = {pws__mtab_home(t, hx, t->cap)};

	return h;
}
static PWS__ALWAYS_INLINE void pws__mtab_prefetch_at(const pws__mtab *t, pws__mhome home)
{
	if (t->s)
		__builtin_prefetch(&t->s[home.slot]);
}
/* The slot of (ws, user) given its home slot (pws__mtab_home_of), or NULL.
 * Robin Hood order: a slot's distance from its home (saturated at 15) is
 * kept in its payload's top 4 bits, stored as 15 - distance so that an
 * empty slot (all ones) reads as distance 0. A key at distance d from its
 * home is never past a slot whose key is nearer its own home than d, so
 * the probe for an absent key stops there (pws__mtab_reserve, mtab_put_new,
 * mtab_del keep the order by true distances; a saturated slot is only
 * "15 or more", which ends no probe of distance 15 or more). */
static inline pws__memb *pws__mtab_find_at(const pws__mtab *t, uint32_t ws, uint32_t user,
                                           pws__mhome home)
{
	pws__memb *s, *end;
	uint64_t key, sk;
	uint32_t lim;

	if (!t->s)
		return NULL;
	/* a slot's first 8 bytes, {ws, user}, as one word: built in registers
	 * (a copy of a struct on the stack made two 4-byte stores read back
	 * as one 8-byte load, which store forwarding does not serve) */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	key = (uint64_t)ws << 32 | user;
#else
	key = (uint64_t)user << 32 | ws;
#endif
	s = t->s + home.slot;
	end = t->s + t->cap;
	/* distances 0..15: a slot whose stored field (15 - its distance) is
	 * above 15 - d holds a key nearer its home than d; an empty slot
	 * (field 15) ends every probe but at the home slot, whose successor
	 * then ends it (nothing passes an empty slot). The slot after the
	 * last (end, all ones) ends every probe that reaches it: there the
	 * probe goes on at the first slot, at the same distance. */
	for (lim = PWS__MTAB_DMAX;;) {
		memcpy(&sk, s, sizeof sk);
		if (sk == key)
			return s;
		if ((s->aux >> PWS__MTAB_DSHIFT) > lim) {
			if (s != end)
				return NULL;
			s = t->s;
			continue;
		}
		s++;
		if (!lim--)
			break;
	}
	/* distance 16 and more: only a slot of a distance under 15 ends it */
	for (;;) {
		memcpy(&sk, s, sizeof sk);
		if (sk == key)
			return s;
		if (s->aux >> PWS__MTAB_DSHIFT) {
			if (s != end)
				return NULL;
			s = t->s;
			continue;
		}
		s++;
	}
}
/* The slot of (ws, user) given its placement input hx, or NULL. */
static inline pws__memb *pws__mtab_find_h(const pws__mtab *t, uint32_t ws, uint32_t user,
                                          uint64_t hx)
{
	return pws__mtab_find_at(t, ws, user, pws__mtab_home_of(t, hx));
}
/* A check's lookup: any value but PWS__NONE when (ws, user) is a member,
 * with *aux its payload; else PWS__NONE and *aux = 0. */
static inline uint32_t pws__mtab_get_h(const pws__mtab *t, uint32_t ws, uint32_t user,
                                       uint64_t hx, uint32_t *aux)
{
	const pws__memb *s = pws__mtab_find_h(t, ws, user, hx);

	if (!s) {
		*aux = 0;
		return PWS__NONE;
	}
	*aux = s->aux;
	return 0;
}
void pws__mtab_seed(pws__mtab *t, uint64_t seed);
int pws__mtab_reserve(const pws__mem *mem, pws__model *m, uint32_t more);
void pws__mtab_free(const pws__mem *mem, pws__mtab *t);
/* Inserts (ws, user) with payload aux unless present (room reserved with
 * pws__mtab_reserve): 0, or -1 when present (nothing changed). The payload's
 * distance bits are the table's. */
int pws__mtab_put(pws__model *m, uint32_t ws, uint32_t user, uint32_t aux);
/* Removes (ws, user) if present (backward shift: no tombstones). */
void pws__mtab_del(pws__model *m, uint32_t ws, uint32_t user);

/* The slot of the membership of (ws, user), or NULL. */
static inline pws__memb *pws__mslot(const pws__model *m, uint32_t ws, uint32_t user)
{
	return pws__mtab_find_h(&m->member_of, ws, user, pws__member_hx(m, ws, user));
}
static PWS__ALWAYS_INLINE void pws__member_prefetch(const pws__model *m, uint32_t ws,
                                                    uint32_t user)
{
	pws__mtab_prefetch_h(&m->member_of, pws__member_hx(m, ws, user));
}

/* Whether (ws, user) has a membership, effective or not: any value but
 * PWS__NONE, or PWS__NONE. */
static inline uint32_t pws__member_rec(const pws__model *m, uint32_t ws, uint32_t user)
{
	return pws__mslot(m, ws, user) ? 0 : PWS__NONE;
}

/* The payload of a membership's slot: role (2 bits), lead (1 bit),
 * organization (25 bits; PWS__AUX_ORG_MAX for the owning team's group),
 * and on top the slot's distance from its home (PWS__MTAB_DSHIFT, the
 * table's own: pws__aux_set keeps it). A check reads nothing else. */
#define PWS__AUX_ORG_MAX 0x1ffffffu
static inline uint32_t pws__aux_role(uint32_t aux) { return aux & 3u; }
static inline uint32_t pws__aux_lead(uint32_t aux) { return (aux >> 2) & 1u; }
static inline uint32_t pws__aux_org(uint32_t aux) { return aux >> 3 & PWS__AUX_ORG_MAX; }
/* The group key of a payload (PWS__GRP_TEAM or the organization). */
static inline uint32_t pws__aux_key(uint32_t aux)
{
	return pws__aux_org(aux) == PWS__AUX_ORG_MAX ? PWS__GRP_TEAM : pws__aux_org(aux);
}
static inline uint32_t pws__aux_make(uint32_t role, uint32_t lead, uint32_t key)
{
	uint32_t org = key == PWS__GRP_TEAM ? PWS__AUX_ORG_MAX : key;

	return (role & 3u) | ((uint32_t)(lead != 0) << 2) | (org << 3);
}
/* Sets the payload of slot x, keeping its distance (PWS__MTAB_DMASK). */
static inline void pws__aux_set(pws__memb *x, uint32_t aux)
{
	x->aux = (x->aux & PWS__MTAB_DMASK) | (aux & ~PWS__MTAB_DMASK);
}

/* The role / lead flag / group key (the partner organization it was
 * granted through: team index in team-to-team, domain atom in legacy;
 * PWS__GRP_TEAM for a member of the owning team) of the membership of
 * (ws, user), which must exist. */
static inline uint32_t pws__mrole(const pws__model *m, uint32_t ws, uint32_t user)
{
	return pws__aux_role(pws__mslot(m, ws, user)->aux);
}
static inline uint32_t pws__mlead(const pws__model *m, uint32_t ws, uint32_t user)
{
	return pws__aux_lead(pws__mslot(m, ws, user)->aux);
}
static inline uint32_t pws__morg(const pws__model *m, uint32_t ws, uint32_t user)
{
	return pws__aux_key(pws__mslot(m, ws, user)->aux);
}
/* Sets the role and lead flag of the membership of (ws, user), in its
 * slot and in its group's entry (found by a scan from the end, or read
 * from member_of.gpos when set). */
void pws__member_set(pws__model *m, uint32_t ws, uint32_t user, int role, int lead);
/* The same for the member at position k of group g (PWS__EACH_MEMBER's
 * W->groups.v[g] and k): no scan, for loops over a workspace's members. */
void pws__member_set_at(pws__model *m, uint32_t g, uint32_t k, int role, int lead);
/* Whether every group entry's role and lead equal its membership slot's
 * and every slot has its entry (tests; O(memberships)). */
int pws__groups_consistent(const pws__model *m);

/* Whether the user is a partner of the workspace (not on its team). */
static inline int pws__is_partner(const pws__model *m, uint32_t ws, uint32_t user)
{
	return USER(m, user)->team != WS(m, ws)->team;
}

/* Whether a live membership of user U in workspace W, granted through
 * organization org (its group's key), counts now. WS4: a team membership
 * counts while the user is on the owning team; a partner membership never
 * turns into a team membership (it stops counting while its user is on
 * the owning team), and in team-to-team partner workspaces it counts only
 * while the user's home team is the team it was granted through. Inline,
 * with the records passed in, for listings that walk a group's members. */
static inline int pws__member_counts(const pws__user *U, const pws__ws *W, uint32_t org)
{
	if (org == PWS__GRP_TEAM)
		return U->team == W->team;
	if (U->team == W->team)
		return 0;
	if (W->vis == PWS_VIS_PARTNER && W->model == PWS_MODEL_TEAM_TO_TEAM)
		return U->team == org;
	return 1;
}

/* Whether (ws, user) has a membership that counts now (pws__member_counts). */
int pws__member_effective(const pws__model *m, uint32_t ws, uint32_t user);

/* Whether (ws, user) has an effective membership: its position in its
 * group (any value but PWS__NONE), or PWS__NONE. */
uint32_t pws__member_eff(const pws__model *m, uint32_t ws, uint32_t user);

/* Effective Partner Manager of the team (CR7: flag and enterprise plan). */
int pws__is_pm(const pws__model *m, uint32_t user, uint32_t team);

/* --- hot words ----------------------------------------------------------
 * What a decision reads of a user (team, team role, Partner Manager flag)
 * and of a workspace (team, visibility, mode, model, lifecycle, request,
 * was_partner), packed into 64 bits and kept as the payload of the id's
 * slot in user_ids / ws_ids: a check by id strings then has them as soon
 * as the slots arrive, without a further dependent read of the records.
 * Every change to one of these fields calls pws__hot_user / pws__hot_ws;
 * the digest covers the stored words, so a missed call shows. */
#define PWS__HOT_SET ((uint64_t)1 << 63)
static inline uint64_t pws__uhot_of(const pws__user *U)
{
	return (uint64_t)U->team | (uint64_t)U->team_role << 32 | (uint64_t)U->pm << 40 |
	       PWS__HOT_SET;
}
static inline uint64_t pws__whot_of(const pws__ws *W)
{
	return (uint64_t)W->team | (uint64_t)W->vis << 32 | (uint64_t)W->mode << 35 |
	       (uint64_t)W->model << 37 | (uint64_t)W->lc << 39 | (uint64_t)W->request << 41 |
	       (uint64_t)W->was_partner << 43 | PWS__HOT_SET;
}
/* The user's word packed in 32 bits for model.uhot: set bit, Partner
 * Manager flag, team role (2 bits), team index + 1 (28 bits; 0: no team).
 * A team index or role that does not fit is stored as PWS__UHOT32_RECORD:
 * the reader then takes the word from the record. */
#define PWS__UHOT32_SET 0x80000000u
#define PWS__UHOT32_TEAM 0x0fffffffu
#define PWS__UHOT32_RECORD (PWS__UHOT32_SET | PWS__UHOT32_TEAM)
static inline uint32_t pws__uhot32_of(const pws__user *U)
{
	uint32_t tf = U->team + 1u; /* PWS__NONE: 0 */

	if (tf >= PWS__UHOT32_TEAM || U->team_role > 3u)
		return PWS__UHOT32_RECORD;
	return PWS__UHOT32_SET | (uint32_t)(U->pm != 0) << 30 | (uint32_t)U->team_role << 28 | tf;
}
/* pws__uhot_of's word of a packed one (not 0, not PWS__UHOT32_RECORD):
 * the top 4 bits (set, PM flag, team role) through a table of their 16
 * values, the team in the low 28 (a check by reference does this) */
static inline uint64_t pws__uhot_unpack(uint32_t x)
{
#define PWS__UHOT_TOP(v) (((uint64_t)((v) & 3u) << 32) | ((uint64_t)((v) >> 2 & 1u) << 40) | \
                          ((uint64_t)((v) >> 3) << 63))
	static const uint64_t top[16] = {
		PWS__UHOT_TOP(0),  PWS__UHOT_TOP(1),  PWS__UHOT_TOP(2),  PWS__UHOT_TOP(3),
		PWS__UHOT_TOP(4),  PWS__UHOT_TOP(5),  PWS__UHOT_TOP(6),  PWS__UHOT_TOP(7),
		PWS__UHOT_TOP(8),  PWS__UHOT_TOP(9),  PWS__UHOT_TOP(10), PWS__UHOT_TOP(11),
		PWS__UHOT_TOP(12), PWS__UHOT_TOP(13), PWS__UHOT_TOP(14), PWS__UHOT_TOP(15)};
#undef PWS__UHOT_TOP

	return (uint64_t)((x & PWS__UHOT32_TEAM) - 1u) | top[x >> 28];
}
/* Stores the word of user u / workspace w (no-op for a removed one). */
void pws__hot_user(pws__model *m, uint32_t u);
void pws__hot_ws(pws__model *m, uint32_t w);

/* --- reserving and applying (see util.h) ------------------------------- */

/* Interns s (reserve first); returns the atom. Allocates; may fail:
 * returns PWS__NONE on ENOMEM (nothing changed). */
uint32_t pws__atom_intern(const pws__mem *mem, pws__model *m, const char *s);
/* The same with the string's pass over the atom map made (importers that
 * also looked the string up). */
uint32_t pws__atom_intern_k(const pws__mem *mem, pws__model *m, const char *s,
                            const pws__skey *k);


/* Finds or creates the group (ws, key) with room for one more member.
 * An empty group is not state. PWS__NONE on ENOMEM. */
uint32_t pws__group_prepare(const pws__mem *mem, pws__model *m, uint32_t ws, uint32_t key);
/* Group keys: PWS__GRP_TEAM for a membership granted as a member of the
 * owning team, else the partner organization it was granted through (team
 * index in team-to-team, domain atom in legacy). The key is fixed by the
 * grant, never recomputed from the user's present team (WS4 rev12).
 * Moves a membership to the group of key org; the group must be prepared. */
void pws__member_regroup(pws__model *m, uint32_t ws, uint32_t user, uint32_t org);
/* A loop that moves many members of one workspace between groups (a
 * migration) reads their group positions from a map instead of scanning
 * the groups: reserve it for the workspace's n members (before the
 * commit point; an empty map on failure, to free), fill it and set
 * member_of.gpos with pws__member_track, clear member_of.gpos after the
 * loop, free it with pws__umap_free. */
int pws__member_track_reserve(const pws__mem *mem, const pws__model *m, pws__umap *gp,
                              uint32_t n);
void pws__member_track(pws__model *m, pws__umap *gp, uint32_t ws);
/* Makes room for bytes bytes of strings in the string arena (a bulk
 * load sizes it once for all its users; PWS_ENOMEM). */
int pws__model_strs_reserve(const pws__mem *mem, pws__model *m, size_t bytes);

/* A copy of s[0..len) (NUL added) in the string arena; NULL on ENOMEM.
 * User and workspace ids (the keys of model.user_ids and ws_ids) and
 * interned addresses (model.atoms' keys) are made by it and by nothing
 * else. */
char *pws__model_strdup(const pws__mem *mem, pws__model *m, const char *s, size_t len);

/* Frees a string of pws__model_strdup: its bytes are reused when it is
 * the last one made (failure paths), else they go with the model (a
 * removed user keeps its record as well). */
void pws__model_str_free(pws__model *m, const char *s);

/* Appends a user record (the one way a user is created: pws_user_add and
 * both importers): id (owned by the model from here), email and domain
 * atoms, home team t or PWS__NONE with its team role and Partner Manager
 * flag, the id's hash in user_h and its place in the team's users. The
 * caller has reserved users, user_h and the team's users; it inserts the
 * id and the address in their tables. Returns the user's index. */
uint32_t pws__user_append(pws__model *m, const pws__skey *ki, const char *id, uint32_t ea,
                          uint32_t da, uint32_t t, int team_role, int pm);
/* Drops atoms interned after `before` (failure path; nothing refers to them). */
void pws__atoms_rollback(const pws__mem *mem, pws__model *m, uint32_t before);
/* Drops groups created after `before` (failure path; they are empty). */
void pws__groups_rollback(const pws__mem *mem, pws__model *m, uint32_t before);
/* Reserves room for one new membership of (ws, user) in the group of key org. */
int pws__member_reserve(const pws__mem *mem, pws__model *m, uint32_t ws, uint32_t user,
                        uint32_t org);
/* Adds a membership (room reserved). */
void pws__member_link(pws__model *m, uint32_t ws, uint32_t user, int role, int lead,
                      uint32_t org);
/* Bulk loading (state images): adds a membership of (ws, user) to group g,
 * whose list has room, as do the user's list, member_of and seat_of.
 * Returns 0, or -1 when (ws, user) already has a membership (nothing
 * changed). */
int pws__member_link_bulk(pws__model *m, uint32_t g, uint32_t ws, uint32_t user, int role,
                          int lead);
/* Removes a membership; never fails. */
void pws__member_unlink(pws__model *m, uint32_t ws, uint32_t user);
/* PL4 bookkeeping: call with -1 before and +1 after any change to a
 * membership's role, partner workspace status or existence. Adding needs
 * pws__umap_reserve(&m->seat_of, 1). */
void pws__seat_count(pws__model *m, uint32_t ws, uint32_t user, int delta);
/* Sets a workspace's visibility, keeping model.public_ws; going public
 * needs pws__public_reserve first. */
int pws__public_reserve(const pws__mem *mem, pws__model *m, uint32_t w, int vis);
void pws__set_vis(pws__model *m, uint32_t w, int vis);
/* Un-counts (-1) or counts (+1) the seats of all of a user's memberships,
 * around a change of their team (counting needs seat_of reserved). */
void pws__user_seats(pws__model *m, uint32_t u, int delta);
/* VI6: updates a member had seen at their last visit (0: never visited). */
static inline uint32_t pws__seen(const pws__model *m, uint32_t ws, uint32_t user)
{
	uint32_t v = pws__umap_get(&m->seen_of, pws__pair(ws, user));

	return v == PWS__NONE ? 0 : v;
}
/* Records a visit (room in seen_of must be reserved). */
void pws__set_seen(pws__model *m, uint32_t ws, uint32_t user, uint32_t n);
/* Removes a user from every element's editor list of a workspace. */
void pws__drop_editor(pws__model *m, uint32_t ws, uint32_t user);

#endif
