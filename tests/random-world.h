/*
 * A small world changed at random, for tests that compare two ways of
 * answering the same question after every change (check_refs: the hot
 * words and references; check_decide_fast: the fast decision against the
 * generic one). Three teams (Enterprise "pub", Professional "pa", Free
 * "qb", each with its domain), eight users, five workspace ids.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_TEST_RANDOM_WORLD_H
#define PWS_TEST_RANDOM_WORLD_H

#include <stdint.h>

#include "partnerws.h"

typedef struct rw_world {
	uint64_t state;       /* xorshift64: a world per seed */
	const char *u[8];     /* users: 0-3 on "pub" (0 super admin, 1 admin and
	                       * Partner Manager), 4-5 on "pa", 6-7 on "qb" */
	const char *e[8];     /* their addresses, at their teams' domains */
	const char *w[5];     /* workspaces: 0 partner, 1 team, 4 legacy at first */
	int remove_teams;     /* change 13 removes a team instead of setting a lead */
} rw_world;

/* A number in [0, n). */
uint32_t rw_rnd(rw_world *x, uint32_t n);

/* The world's first state on an empty handle. */
void rw_setup(pws_policy *p, const rw_world *x);

/* One random change, made by a random actor (the Partner Manager one
 * time in two): any call that touches a decision's input (workspaces'
 * lifecycle, visibility, mode and model; users' teams, roles and Partner
 * Manager flags; plans; memberships by invite and accept; removals and
 * re-additions). Refused calls are part of the test: they change nothing. */
void rw_step(pws_policy *p, rw_world *x);

#endif
