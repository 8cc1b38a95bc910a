/*
 * The policy layer, for operations: every condition that can refuse an
 * actor-checked operation, with its rule id, including the ones about a
 * second object (the target of a move or fork, the member of a role
 * change, the invitee of an invite). Operations ask these functions and
 * then only apply the change; nothing else decides.
 *
 * Every function returns PWS_OK (allowed), PWS_EDENIED (refused by the
 * rule in v->rule) or another PWS_E* code for a refusal that is not a
 * policy answer (no such member, already a member, wrong state); v->why
 * then holds static words for the message when the rule's text alone
 * would not say what happened. Pure: no allocation, no locks, no I/O.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_DECIDE_OPS_H
#define PWS_DECIDE_OPS_H

#include "decide.h"

typedef struct pws__verdict {
	int rule;          /* the deciding rule, allowed or refused */
	int role;          /* the role to record (PL4 may lower an Editor) */
	uint32_t flags;    /* PWS_RESULT_* the caller reports */
	uint32_t org;      /* accept: group key of the grant (model.h) */
	int direct;        /* create/convert: at once (1) or a request (0) */
	int cr8;           /* create/convert: CR8 makes the team's Admins PMs */
	const char *why;   /* static detail for the message, or NULL */
} pws__verdict;

#define PWS__VERDICT_INIT { 0, 0, 0, 0, 0, 0, NULL }

/* An invitee as the directory knows them, from the email identity key. */
typedef struct pws__invitee {
	uint32_t email;    /* email atom, or PWS__NONE if never seen */
	uint32_t user;     /* the user with that address, or PWS__NONE */
	uint32_t domain;   /* domain atom, or PWS__NONE */
	uint32_t dom_team; /* team that holds the domain, or PWS__NONE */
} pws__invitee;

void pws__invitee_of(const pws__model *m, const char *email_key, pws__invitee *iv);

/* IN1, IN2 (WS2, LC1 through decide): whether c may invite anyone of this
 * kind to the workspace at all (the whole of a bulk invite, IN5). */
int pws__decide_may_invite(const pws__who *c, int kind, pws__verdict *v);
/* IN1-IN4, IN7 (team-member invites), RO1-RO3, PL4; LC1 through decide. */
int pws__decide_invite(const pws__who *c, const pws__invitee *iv, int kind, int role, int lead,
                       pws__verdict *v);
/* Accepting invite i by user u, on behalf of team t (PWS__NONE: home team):
 * LC1, IN2, IN4, IN6, WS3; PL4 may lower the role. v->org is the grant. */
int pws__decide_accept(const pws__model *m, uint32_t u, uint32_t i, uint32_t t,
                       pws__verdict *v);
/* IN7: withdrawing open invite i of the workspace. */
int pws__decide_withdraw(const pws__who *c, uint32_t i, pws__verdict *v);
/* RO1-RO6, PL4: giving member x (membership rec, or PWS__NONE) a role. */
int pws__decide_set_role(const pws__who *c, uint32_t x, uint32_t rec, int role,
                         pws__verdict *v);
/* RO3, RO5: giving or taking member x's Partner Lead flag. */
int pws__decide_set_lead(const pws__who *c, uint32_t x, uint32_t rec, int lead,
                         pws__verdict *v);
/* RO4, RO6: removing member x. */
int pws__decide_remove(const pws__who *c, uint32_t x, uint32_t rec, pws__verdict *v);
/* RM2: ending user x's partner relation with team t, asked by user a. */
int pws__decide_partner_end(const pws__model *m, uint32_t a, uint32_t t, uint32_t x,
                            pws__verdict *v);

/* MV1, MV2, RM1, ED1: moving element el (source side in c) into t. */
int pws__decide_move_to(const pws__who *c, uint32_t el, uint32_t t, pws__verdict *v);
/* FK1: forking element el (source side in c) into t. */
int pws__decide_fork_to(const pws__who *c, uint32_t el, uint32_t t, pws__verdict *v);
/* ED1, MV1: making member x an Editor of element el. */
int pws__decide_add_editor(const pws__who *c, uint32_t el, uint32_t x, pws__verdict *v);
/* RM1, PL3: restoring trashed element el at time now. */
int pws__decide_restore(const pws__who *c, uint32_t el, int64_t now, pws__verdict *v);
/* VI6: recording a visit (members only). */
int pws__decide_visit(const pws__who *c, pws__verdict *v);
/* AC1, VI4: adding an entry to one's own history. */
int pws__decide_history(const pws__who *c, pws__verdict *v);

/* CR1, CR5-CR8, PL1: creating a workspace of visibility vis by user u;
 * v->direct says whether a partner one is created at once. */
int pws__decide_create(const pws__model *m, uint32_t u, int vis, pws__verdict *v);
/* CR2 (with CR1/CR7 in v->direct), PL1. */
int pws__decide_convert(const pws__who *c, pws__verdict *v);
/* CR3, LC1: reviewing the workspace's pending request. */
int pws__decide_review(const pws__who *c, pws__verdict *v);
/* DL1: leaving partner visibility; v->why says when open invites are all
 * that is left. */
int pws__decide_set_visibility(const pws__who *c, pws__verdict *v);
/* TT1: the partnerships page of team t, for user a (its Partner Managers
 * and admins). */
int pws__decide_list_partnerships(const pws__model *m, uint32_t a, uint32_t t, pws__verdict *v);
/* VI9: one partner's reach across team t's partner workspaces, for user a
 * (the team's Partner Managers and super admins). */
int pws__decide_partner_reach(const pws__model *m, uint32_t a, uint32_t t, pws__verdict *v);
/* TT2, LC1: migrating legacy workspace w; u is PWS__NONE for the host. */
int pws__decide_migrate(const pws__model *m, uint32_t u, uint32_t w, pws__verdict *v);
/* CR7: the Partner Manager flag for a user of team t (PWS__NONE: none). */
int pws__decide_pm_flag(const pws__model *m, uint32_t t, int pm, pws__verdict *v);

/* The simple case: action on the workspace or one of its elements. */
int pws__decide_action(const pws__who *c, int action, uint32_t el, pws__verdict *v);

/* --- queries and calls of 0.2 (pws_list_invites, pws_request_get,
 * pws_integration_disable) --------------------------------------------- */

/* IN7, RO4: listing the open invites of the workspace (those who manage
 * members); then pws__sees_invite says which rows. */
int pws__decide_list_invites(const pws__who *c, pws__verdict *v);
/* IN3, IN7, VI2: whether c (allowed by pws__decide_list_invites) sees
 * invite i: Workspace Admins and Partner Managers all, a Partner Lead the
 * partner invites to their own organization only. */
int pws__sees_invite(const pws__who *c, uint32_t i);
/* CR3: reading the workspace's pending request and its note (the
 * requester, the owning team's Partner Managers and super_admins);
 * PWS_ENOTFOUND when none is pending, told to reviewers only (anyone else
 * is refused either way, so learns nothing). */
int pws__decide_read_request(const pws__who *c, pws__verdict *v);
/* INT1: turning the integration off (who may turn it on: its Workspace
 * Admins; in a partner workspace, where it is off already, its Admins
 * too: a no-op). */
int pws__decide_integration_off(const pws__who *c, pws__verdict *v);

#endif
