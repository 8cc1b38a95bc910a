/*
 * The small world the API-level fuzz targets start from (the world of
 * tests/check_ask.c): a publisher on enterprise, three partner teams, a
 * person without a team, partner workspaces of both models, a team and a
 * private workspace, elements, an update and members of every kind.
 * Ids come from small alphabets so fuzzed bytes name real things.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_FUZZ_WORLD_H
#define PWS_FUZZ_WORLD_H

#include "fuzz-common.h"

#define FZ_NOW ((int64_t)1700000000)

static FZ_UNUSED const char *const FZ_USERS[] = {"sa", "ad", "pm", "dv", "dv2", "a1", "a2", "g1", "i1",
                                       "solo", "nobody", "n1"};
/* each user's address (the directory's, set at creation; "" none) */
static FZ_UNUSED const char *const FZ_USER_EMAIL[] = {"sa@pub.com", "ad@pub.com", "pm@pub.com",
                                            "dv@pub.com", "dv2@pub.com", "a1@acme.com",
                                            "a2@acme.com", "g1@globex.com", "i1@initech.com",
                                            "solo@solo.net", "", "n1@acme.com"};
static FZ_UNUSED const char *const FZ_EMAILS[] = {"dv2@pub.com", "a1@acme.com", "a2@acme.com",
                                        "a3@acme.com", "g1@globex.com", "i1@initech.com",
                                        "solo@solo.net", "x@acme.com", "y@unknown.org",
                                        "n1@acme.com", "A1@ACME.com", "dv@pub.com"};
static FZ_UNUSED const char *const FZ_WSS[] = {"pw", "pw2", "lw", "tw", "pv", "nope", "n0", "n1"};
static FZ_UNUSED const char *const FZ_TEAMS[] = {"pub", "acme", "globex", "initech", "nope"};
static FZ_UNUSED const char *const FZ_ELS[] = {"col", "col2", "env", "mon", "nope", "n0", "n1", "n2"};
static FZ_UNUSED const char *const FZ_IDS[] = {"n0", "n1", "n2", "up0", "col", "pw"};

#define FZ_N(a) (sizeof(a) / sizeof((a)[0]))
#define FZ_PICK(in, a) (a)[fz_pick((in), (unsigned)FZ_N(a))]

#define FZ_OK(call) do { pws_result r_ = PWS_RESULT_INIT; int rc_ = (call); \
	FZ_ASSERT(rc_ == PWS_OK, "world: %s -> %d [%s]", #call, rc_, r_.message); } while (0)
#define R (&r_)

/* Builds the world on p (fresh); aborts if it does not build. */
static FZ_UNUSED void fz_world(pws_policy *p, unsigned seats)
{
	FZ_OK(pws_team_add(p, "pub", "Pub", PWS_PLAN_ENTERPRISE, 0, R));
	FZ_OK(pws_team_add_domain(p, "pub", "pub.com", R));
	FZ_OK(pws_team_set_editor_seats(p, "pub", 1 + seats % 2, R));
	FZ_OK(pws_user_add(p, "sa", "sa@pub.com", "pub", PWS_TEAM_SUPER_ADMIN, 0, R));
	FZ_OK(pws_user_add(p, "ad", "ad@pub.com", "pub", PWS_TEAM_ADMIN, 0, R));
	FZ_OK(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, R));
	FZ_OK(pws_user_add(p, "dv", "dv@pub.com", "pub", PWS_TEAM_MEMBER, 0, R));
	FZ_OK(pws_user_add(p, "dv2", "dv2@pub.com", "pub", PWS_TEAM_MEMBER, 0, R));
	FZ_OK(pws_team_add(p, "acme", "Acme", PWS_PLAN_PROFESSIONAL, 0, R));
	FZ_OK(pws_team_add_domain(p, "acme", "acme.com", R));
	FZ_OK(pws_user_add(p, "a1", "a1@acme.com", "acme", PWS_TEAM_MEMBER, 0, R));
	FZ_OK(pws_user_add(p, "a2", "a2@acme.com", "acme", PWS_TEAM_MEMBER, 0, R));
	FZ_OK(pws_team_add(p, "globex", "Globex", PWS_PLAN_FREE, 0, R));
	FZ_OK(pws_team_add_domain(p, "globex", "globex.com", R));
	FZ_OK(pws_user_add(p, "g1", "g1@globex.com", "globex", PWS_TEAM_MEMBER, 0, R));
	FZ_OK(pws_team_add(p, "initech", "Initech", PWS_PLAN_BASIC, 0, R));
	FZ_OK(pws_team_add_domain(p, "initech", "initech.com", R));
	FZ_OK(pws_user_add(p, "i1", "i1@initech.com", "initech", PWS_TEAM_MEMBER, 0, R));
	FZ_OK(pws_user_add(p, "solo", "solo@solo.net", NULL, 0, 0, R));
	FZ_OK(pws_workspace_create(p, "pm", "pw", "P", PWS_VIS_PARTNER, NULL, R));
	FZ_OK(pws_workspace_create(p, "sa", "pw2", "P2", PWS_VIS_PARTNER, NULL, R));
	FZ_OK(pws_workspace_add_legacy(p, "pub", "lw", "L", "ad", R));
	FZ_OK(pws_workspace_create(p, "dv", "tw", "T", PWS_VIS_TEAM, NULL, R));
	FZ_OK(pws_workspace_create(p, "dv2", "pv", "V", PWS_VIS_PRIVATE, NULL, R));
	FZ_OK(pws_element_add(p, "pm", "pw", "col", PWS_EL_COLLECTION, 100, NULL, R));
	FZ_OK(pws_element_add(p, "pm", "pw", "mon", PWS_EL_MONITOR, 1, "col", R));
	FZ_OK(pws_element_add(p, "dv", "tw", "col2", PWS_EL_COLLECTION, 100, NULL, R));
	FZ_OK(pws_element_add(p, "dv", "tw", "env", PWS_EL_ENVIRONMENT, 100, NULL, R));
	FZ_OK(pws_update_post(p, "pm", "pw", "up0", "hello", FZ_NOW, R));
	FZ_OK(pws_invite(p, "pm", "pw", "dv@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, R));
	FZ_OK(pws_invite_accept(p, "dv", "pw", NULL, R));
	FZ_OK(pws_invite(p, "pm", "pw", "ad@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_ADMIN, 0, R));
	FZ_OK(pws_invite_accept(p, "ad", "pw", NULL, R));
	FZ_OK(pws_invite(p, "pm", "pw", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 1, R));
	FZ_OK(pws_invite_accept(p, "a1", "pw", NULL, R));
	FZ_OK(pws_invite(p, "pm", "pw", "g1@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, R));
	FZ_OK(pws_invite_accept(p, "g1", "pw", NULL, R));
	FZ_OK(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, R));
	FZ_OK(pws_invite(p, "ad", "lw", "solo@solo.net", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, R));
	FZ_OK(pws_invite_accept(p, "solo", "lw", NULL, R));
	FZ_OK(pws_invite(p, "sa", "pw2", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, R));
	FZ_OK(pws_invite_accept(p, "i1", "pw2", NULL, R));
	FZ_OK(pws_invite(p, "dv", "tw", "dv2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0, R));
	FZ_OK(pws_invite_accept(p, "dv2", "tw", NULL, R));
}

#undef R

#endif
