/*
 * Suspended memberships (WS4, VI1) and the external mark of a user (VI7):
 * the one definition the listings (filter.c), the predicates (check.c) and
 * the membership getters share. Defined in filter.c.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_VISIBILITY_H
#define PWS_VISIBILITY_H

#include "decide.h"

/* Whether the membership of (ws, user) is suspended: a live partner
 * membership (granted through a partner organization) that does not count
 * now (WS4). */
int pws__member_suspended(const pws__model *m, uint32_t ws, uint32_t user);

/* Whether (ws, user) has a suspended membership: any value but
 * PWS__NONE, or PWS__NONE. */
uint32_t pws__member_susp(const pws__model *m, uint32_t ws, uint32_t user);

/* VI7: whether the membership of (ws, user) is marked external. A counting membership is
 * external when its user is a partner (pws__is_partner, as pws_member_get
 * says); a suspended one was granted to a partner, so it always is. */
int pws__member_external(const pws__model *m, uint32_t ws, uint32_t user);

/* VI1: whether viewer u sees the suspended memberships of w: the
 * publisher side when it may view members, never a partner. *rule
 * receives the deciding rule. */
int pws__sees_suspended(const pws__model *m, uint32_t u, uint32_t w, int *rule);

#endif
