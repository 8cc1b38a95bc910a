/*
 * A small world changed at random (see random-world.h).
 * SPDX-License-Identifier: MIT
 */
#include "random-world.h"

#include <stddef.h>

static const char *const RW_T[] = { "pub", "pa", "qb" };

uint32_t rw_rnd(rw_world *x, uint32_t n)
{
	x->state ^= x->state << 13;
	x->state ^= x->state >> 7;
	x->state ^= x->state << 17;
	return (uint32_t)(x->state % n);
}

void rw_setup(pws_policy *p, const rw_world *x)
{
	int i;

	pws_team_add(p, "pub", "P", PWS_PLAN_ENTERPRISE, 0, NULL);
	pws_team_add_domain(p, "pub", "pub.io", NULL);
	pws_team_add(p, "pa", "A", PWS_PLAN_PROFESSIONAL, 0, NULL);
	pws_team_add_domain(p, "pa", "pa.io", NULL);
	pws_team_add(p, "qb", "B", PWS_PLAN_FREE, 0, NULL);
	pws_team_add_domain(p, "qb", "qb.io", NULL);
	for (i = 0; i < 8; i++)
		pws_user_add(p, x->u[i], x->e[i], RW_T[i < 4 ? 0 : i < 6 ? 1 : 2],
		             i == 0 ? PWS_TEAM_SUPER_ADMIN : i == 1 ? PWS_TEAM_ADMIN
		                                                    : PWS_TEAM_MEMBER,
		             i == 1, NULL);
	pws_workspace_create(p, x->u[1], x->w[0], "W0", PWS_VIS_PARTNER, NULL, NULL);
	pws_workspace_create(p, x->u[2], x->w[1], "W1", PWS_VIS_TEAM, NULL, NULL);
	pws_workspace_add_legacy(p, "pub", x->w[4], "L", x->u[2], NULL);
}

void rw_step(pws_policy *p, rw_world *x)
{
	const char *a = rw_rnd(x, 2) ? x->u[1] : x->u[rw_rnd(x, 8)], *w = x->w[rw_rnd(x, 5)];
	int k = (int)rw_rnd(x, 8);

	switch (rw_rnd(x, 18)) {
	case 0: pws_workspace_create(p, a, w, "W", 1 + (int)rw_rnd(x, 5), NULL, NULL); break;
	case 1: pws_workspace_convert(p, a, w, NULL, NULL); break;
	case 2: pws_request_review(p, a, w, (int)rw_rnd(x, 2), NULL); break;
	case 3: pws_workspace_set_visibility(p, a, w, 1 + (int)rw_rnd(x, 5), NULL); break;
	case 4: pws_workspace_delete(p, a, w, NULL); break;
	case 5: pws_workspace_enable_multi_partner(p, a, w, NULL); break;
	case 6: pws_workspace_migrate(p, a, w, NULL); break;
	case 7: pws_user_set_team(p, x->u[k], rw_rnd(x, 4) ? RW_T[rw_rnd(x, 3)] : NULL,
	                          1 + (int)rw_rnd(x, 3), NULL); break;
	case 8: pws_user_set_team_role(p, x->u[k], 1 + (int)rw_rnd(x, 3), NULL); break;
	case 9: pws_user_set_partner_manager(p, x->u[k], (int)rw_rnd(x, 2), NULL); break;
	case 10: pws_team_set_plan(p, RW_T[rw_rnd(x, 3)], 1 + (int)rw_rnd(x, 4), NULL); break;
	case 11: pws_user_remove(p, x->u[k], NULL); break;
	case 12: pws_user_add(p, x->u[k], x->e[k], rw_rnd(x, 3) ? RW_T[rw_rnd(x, 3)] : NULL,
	                      PWS_TEAM_ADMIN, 0, NULL); break;
	case 13:
		if (!x->remove_teams)
			pws_member_set_lead(p, a, w, x->u[k], (int)rw_rnd(x, 2), NULL);
		else if (rw_rnd(x, 3) == 0)
			pws_team_remove(p, RW_T[1 + rw_rnd(x, 2)], NULL);
		break;
	case 14: case 15:
		pws_invite(p, a, w, x->e[k], k < 4 ? PWS_INVITE_MEMBER : PWS_INVITE_PARTNER,
		           1 + (int)rw_rnd(x, 3), (int)rw_rnd(x, 2), NULL); break;
	default: pws_invite_accept(p, x->u[k], w, NULL, NULL); break;
	}
}
