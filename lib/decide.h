/*
 * The policy layer: pure decisions over the model. No allocation, no
 * locks, no I/O. Operations ask it before changing anything; checks and
 * visibility use the same predicates, so they can never disagree.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_DECIDE_H
#define PWS_DECIDE_H

#include "model.h"

/* Everything a decision needs to know about (actor, workspace). */
typedef struct pws__who {
	const pws__model *m;
	uint32_t u, w;
	const pws__ws *W;
	uint32_t mi;      /* effective membership of (u, w): any value but PWS__NONE
	                   * (its group position), or PWS__NONE */
	uint32_t rec;     /* membership (maybe not effective): likewise */
	int role;         /* workspace role, 0 if not a member */
	int lead;         /* Partner Lead */
	int partner;      /* actor is not on the owning team */
	int pm;           /* effective Partner Manager of the owning team */
	int super;        /* super_admin of the owning team */
	int pws;          /* the workspace has partner visibility */
	int multi;        /* partner workspace in multi-partner mode */
	/* the fields of the user and the workspace a decision reads (their
	 * hot words), so that decisions never read *U or *W themselves */
	uint32_t uteam, wteam;
	int team_role, upm, vis, mode, model, lc, request, was_partner;
} pws__who;

void pws__who_init(pws__who *c, const pws__model *m, uint32_t u, uint32_t w);
/* The same when the caller already has the membership's placement input
 * (pws__member_hx, or pws__hx of the id strings' hashes) and has started
 * its slot loading. */
void pws__who_init_h(pws__who *c, const pws__model *m, uint32_t u, uint32_t w, uint64_t hx);
/* The same from the hot words of the user and the workspace (read with
 * their id slots), without reading their records. */
void pws__who_init_hot(pws__who *c, const pws__model *m, uint32_t u, uint32_t w, uint64_t hx,
                       uint64_t uhot, uint64_t whot);

/* Decides action on the workspace (el == PWS__NONE) or on an element of
 * it. Returns 1 to allow, 0 to deny; *rule receives the deciding rule. */
int pws__decide(const pws__who *c, int action, uint32_t el, int *rule);

/* The same, deciding about the element as if it were live (the restore of
 * a trashed element is decided like its deletion, RM1/PL3). */
int pws__decide_live(const pws__who *c, int action, uint32_t el, int *rule);

/* pws__decide_live of (actor u, workspace w), no element, for a check
 * that has the two hot words (pws__uhot_of / pws__whot_of) and the
 * membership's placement input hx (its slot loading): the same rules,
 * read from the words, the slot and the model as they are needed, with
 * no pws__who stored and read back. wu: w | (uint64_t)u << 32 (the
 * membership slot's key: one register).
 * Returns the decision, PWS__DW_ALLOW | rule << PWS__DW_RULE_SHIFT |
 * PWS__DW_NOREC when (u, w) has no membership slot at all. */
#define PWS__DW_ALLOW 1
#define PWS__DW_RULE_SHIFT 1
#define PWS__DW_RULE_MASK 0x7f /* PWS_RULE_COUNT <= 128 (decide.c) */
#define PWS__DW_NOREC 0x100
int pws__decide_ws(const pws__model *m, uint64_t wu, pws__mhome home, uint64_t uhot,
                   uint64_t whot, int action);
static inline int pws__dw_allowed(int d) { return d & PWS__DW_ALLOW; }
static inline int pws__dw_rule(int d) { return (d >> PWS__DW_RULE_SHIFT) & PWS__DW_RULE_MASK; }

/* Whether the user may reach (VIEW) the workspace. */
int pws__reaches(const pws__model *m, uint32_t u, uint32_t w);

/* Member visibility (VI1-VI3): may viewer u see member x of w? x must be
 * an effective member of w (pws__member_eff), as for pws__org_sees_member. */
int pws__sees_member(const pws__model *m, uint32_t u, uint32_t w, uint32_t x, int *rule);

/* Whether the viewer of c, who may VIEW c's workspace, sees a post
 * (update reply, comment) written there by author (VI2, VI5): VI5 when
 * shown, VI2 when hidden. */
int pws__sees_author(const pws__who *c, uint32_t author, int *rule);

/* The same as a partner organization (VI8). org: team idx or domain atom. */
int pws__org_sees_member(const pws__model *m, uint32_t org, uint32_t w, uint32_t x,
                         int *rule);

/* Whether a partner member of a team's partner workspace holds Editor
 * anywhere in that team's partner workspaces (PL4). */
int pws__holds_seat(const pws__model *m, uint32_t user, uint32_t team);
/* Partner Editor seats used by a team (PL2). */
uint32_t pws__seats_used(const pws__model *m, uint32_t team);

/* Number of partner memberships and open partner invites (DL1). */
uint32_t pws__partners_left(const pws__model *m, uint32_t w);

/* Number of Admins in the group of the membership of (ws, user): for a
 * team membership, the owning team's Admins of its workspace (RO6). */
uint32_t pws__group_admins(const pws__model *m, uint32_t ws, uint32_t user);

#endif
