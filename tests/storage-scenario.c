/*
 * The scripted storage scenario (see storage-scenario.h).
 * SPDX-License-Identifier: MIT
 */
#include "storage-scenario.h"

#include "test-world.h"

int storage_step(pws_policy *p, int i)
{
	static const char csv[] = "email\nb1@beta.io\nb2@beta.io\n";

	switch (i) {
	case 0: return pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES);
	case 1: return pws_team_add_domain(p, "pub", "pub.com", RES);
	case 2: return pws_team_add(p, "acme", "Acme", PWS_PLAN_PROFESSIONAL, 1, RES);
	case 3: return pws_team_add_domain(p, "acme", "acme.com", RES);
	case 4: return pws_team_add(p, "beta", "Beta", PWS_PLAN_FREE, 0, RES);
	case 5: return pws_team_add_domain(p, "beta", "beta.io", RES);
	case 6: return pws_team_set_sso(p, "beta", 1, RES);
	case 7: return pws_team_set_editor_seats(p, "pub", 5, RES);
	case 8: return pws_plan_set_retention(p, PWS_PLAN_PROFESSIONAL, 30, 1000000, RES);
	case 9: return pws_user_add(p, "owner", "owner@pub.com", "pub", PWS_TEAM_SUPER_ADMIN, 0, RES);
	case 10: return pws_user_add(p, "admin", "admin@pub.com", "pub", PWS_TEAM_ADMIN, 0, RES);
	case 11: return pws_user_add(p, "dev", "dev@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES);
	case 12: return pws_user_add(p, "a1", "a1@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES);
	case 13: return pws_user_add(p, "a2", "a2@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES);
	case 14: return pws_user_add(p, "b1", "b1@beta.io", "beta", PWS_TEAM_MEMBER, 0, RES);
	case 15: return pws_user_add(p, "b2", "b2@beta.io", "beta", PWS_TEAM_MEMBER, 0, RES);
	case 16: return pws_user_add(p, "tmp", "tmp@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES);
	case 17: return pws_user_set_partner_manager(p, "admin", 1, RES);
	case 18: return pws_user_set_team_role(p, "tmp", PWS_TEAM_ADMIN, RES);
	case 19: return pws_workspace_create(p, "admin", "pw", "Partner", PWS_VIS_PARTNER, NULL, RES);
	case 20: return pws_workspace_create(p, "dev", "req", "Requested", PWS_VIS_PARTNER, "pls", RES);
	case 21: return pws_request_review(p, "admin", "req", 1, RES);
	case 22: return pws_workspace_create(p, "dev", "tw", "Team", PWS_VIS_TEAM, NULL, RES);
	case 23: return pws_workspace_convert(p, "dev", "tw", "convert", RES);
	case 24: return pws_request_review(p, "owner", "tw", 0, RES);
	case 25: return pws_workspace_set_details(p, "admin", "pw", "Partner 2", "sum", "# desc", RES);
	case 26: return pws_invite(p, "admin", "pw", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, RES);
	case 27: return pws_invite_accept(p, "dev", "pw", NULL, RES);
	case 28: return pws_invite(p, "admin", "pw", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 1, RES);
	case 29: return pws_invite_accept(p, "a1", "pw", "acme", RES);
	case 30: return pws_invite(p, "a1", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES);
	case 31: return pws_invite_decline(p, "a2", "pw", RES);
	case 32: return pws_invite_bulk(p, NULL, "admin", "pw", csv, sizeof csv - 1, PWS_BULK_CSV,
	                                PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES);
	case 33: return pws_invite_accept(p, "b1", "pw", NULL, RES);
	case 34: return pws_invite_accept(p, "b2", "pw", NULL, RES);
	case 35: return pws_member_set_role(p, "admin", "pw", "b1", PWS_ROLE_EDITOR, RES);
	case 36: return pws_member_set_lead(p, "admin", "pw", "b1", 1, RES);
	case 37: return pws_element_add(p, "dev", "pw", "col", PWS_EL_COLLECTION, 1000, NULL, RES);
	case 38: return pws_element_add(p, "dev", "pw", "mon", PWS_EL_MONITOR, 10, "col", RES);
	case 39: return pws_element_add(p, "dev", "pw", "env", PWS_EL_ENVIRONMENT, 10, NULL, RES);
	case 40: return pws_element_add_editor(p, "admin", "col", "a1", RES);
	case 41: return pws_element_fork(p, "dev", "col", "col-fork", "tw", RES);
	case 42: return pws_element_move(p, "dev", "env", "tw", RES);
	case 43: return pws_element_delete(p, "dev", "col-fork", STORAGE_T0, RES);
	case 44: return pws_element_restore(p, "dev", "col-fork", STORAGE_T0 + 60, RES);
	case 45: return pws_update_post(p, "dev", "pw", "u1", "v2 is out", STORAGE_T0, RES);
	case 46: return pws_update_reply(p, "a1", "u1", "r1", "thanks", STORAGE_T0 + 1, RES);
	case 47: return pws_workspace_visit(p, "b1", "pw", RES);
	case 48: return pws_history_add(p, "a1", "pw", "h1", "ran col", STORAGE_T0 + 2, RES);
	case 49: return pws_comment_add(p, "a1", "col", "c1", "nice", RES);
	case 50: return pws_integration_enable(p, "dev", "tw", RES);
	case 51: return pws_workspace_enable_multi_partner(p, "admin", "pw", RES);
	case 52: return pws_member_remove(p, "admin", "pw", "b2", RES);
	case 53: return pws_partner_end(p, "admin", "pub", "b1", RES);
	case 54: return pws_user_set_team(p, "a2", "beta", PWS_TEAM_MEMBER, RES);
	case 55: return pws_workspace_add_legacy(p, "pub", "leg", "Legacy", "admin", RES);
	case 56: return pws_invite(p, "admin", "leg", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES);
	case 57: return pws_invite_accept(p, "a2", "leg", NULL, RES);
	case 58: return pws_workspace_migrate(p, "admin", "leg", RES);
	case 59: return pws_workspace_set_visibility(p, "dev", "tw", PWS_VIS_PRIVATE, RES);
	case 60: return pws_team_remove_domain(p, "beta", "beta.io", RES);
	case 61: return pws_team_set_plan(p, "beta", PWS_PLAN_BASIC, RES);
	case 62: return pws_user_remove(p, "tmp", RES);
	case 63: return pws_workspace_create(p, "dev", "gone", "Gone", PWS_VIS_PRIVATE, NULL, RES);
	case 64: return pws_workspace_delete(p, "dev", "gone", RES);
	case 65: return pws_team_add(p, "tmpteam", "T", PWS_PLAN_FREE, 0, RES);
	case 66: return pws_team_remove(p, "tmpteam", RES);
	case 67: return pws_invite(p, "admin", "pw", "w1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES);
	case 68: return pws_invite_withdraw(p, "admin", "pw", "w1@acme.com", RES);
	case 69: return pws_integration_disable(p, "dev", "tw", RES);
	case 70: return pws_workspace_add_legacy(p, "pub", "leg2", "Legacy 2", "admin", RES);
	case 71: return pws_workspace_add_legacy(p, "pub", "leg3", "Legacy 3", "admin", RES);
	case 72: return pws_invite(p, "admin", "leg2", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES);
	case 73: return pws_invite_accept(p, "a1", "leg2", NULL, RES);
	case 74: {
		static const char *const ids[] = { "leg2", "leg3" };

		return pws_workspace_migrate_many(p, "admin", ids, 2, RES);
	}
	default: return -1000;
	}
}
