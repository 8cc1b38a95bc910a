/*
 * The event recorder shared by the element and collaboration suites.
 * SPDX-License-Identifier: MIT
 */
#include "test-events.h"

#include <stdio.h>
#include <string.h>

ev_rec ev_log[EV_MAX];
size_t ev_count;

static void ev_copy(char *dst, const char *src)
{
	snprintf(dst, EV_STR, "%s", src ? src : "");
}

void on_event(const pws_event *e, void *payload)
{
	ev_rec *r;
	size_t i, n;

	(void)payload;
	if (ev_count >= EV_MAX)
		return;
	r = &ev_log[ev_count++];
	memset(r, 0, sizeof *r);
	r->kind = pws_event_kind_of(e);
	r->rule = pws_event_rule(e);
	r->channels = pws_event_channels(e);
	ev_copy(r->actor, pws_event_actor(e));
	ev_copy(r->subject, pws_event_subject(e));
	n = pws_event_recipient_count(e);
	for (i = 0; i < n && i < EV_RCPT; i++)
		ev_copy(r->rcpt[i], pws_event_recipient(e, i));
	for (i = 0; i < n; i++)
		ck_assert_int_eq(pws_event_recipient_kind(e, i), ev_recipient_kind_of(r->kind));
	r->nrcpt = n < EV_RCPT ? n : EV_RCPT;
}

int ev_recipient_kind_of(int kind)
{
	/* the invitee of an invite may not be a user yet: an address */
	return kind == PWS_EV_INVITED || kind == PWS_EV_INVITE_WITHDRAWN ? PWS_RECIPIENT_EMAIL
	                                                                 : PWS_RECIPIENT_USER;
}

const ev_rec *ev_find(int kind)
{
	size_t i;

	for (i = ev_count; i > 0; i--)
		if (ev_log[i - 1].kind == kind)
			return &ev_log[i - 1];
	return NULL;
}

int ev_has_rcpt(const ev_rec *r, const char *who)
{
	size_t i;

	for (i = 0; r && i < r->nrcpt; i++)
		if (strcmp(r->rcpt[i], who) == 0)
			return 1;
	return 0;
}

int ev_kind_has_rcpt(int kind, const char *who)
{
	size_t i;

	for (i = 0; i < ev_count; i++)
		if (ev_log[i].kind == kind && ev_has_rcpt(&ev_log[i], who))
			return 1;
	return 0;
}

/* The standard world of test-world.h, built on a handle whose events are
 * recorded (tw_world() has no event callback). */
pws_policy *ev_world(void)
{
	pws_policy *p = NULL;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;

	o.allocator = tc_allocator();
	o.on_event = on_event;
	o.event_payload = NULL;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);

	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "pub", "pub.com", RES));
	OK(pws_user_add(p, "owner", "owner@pub.com", "pub", PWS_TEAM_SUPER_ADMIN, 0, RES));
	OK(pws_user_add(p, "admin", "admin@pub.com", "pub", PWS_TEAM_ADMIN, 0, RES));
	OK(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	OK(pws_user_add(p, "dev", "dev@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "dev2", "dev2@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_team_add(p, "acme", "Acme", PWS_PLAN_PROFESSIONAL, 1, RES));
	OK(pws_team_add_domain(p, "acme", "acme.com", RES));
	OK(pws_user_add(p, "a1", "a1@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "a2", "a2@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "a3", "a3@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_team_add(p, "globex", "Globex", PWS_PLAN_FREE, 0, RES));
	OK(pws_team_add_domain(p, "globex", "globex.com", RES));
	OK(pws_user_add(p, "g1", "g1@globex.com", "globex", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "g2", "g2@globex.com", "globex", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_team_add(p, "initech", "Initech", PWS_PLAN_PROFESSIONAL, 0, RES));
	OK(pws_team_add_domain(p, "initech", "initech.com", RES));
	OK(pws_user_add(p, "i1", "i1@initech.com", "initech", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "solo", "solo@gmail.com", NULL, 0, 0, RES));
	OK(pws_workspace_create(p, "pm", "pw", "Partner WS", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_invite(p, "pm", "pw", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite_accept(p, "dev", "pw", NULL, RES));
	OK(pws_invite(p, "pm", "pw", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 1, RES));
	OK(pws_invite_accept(p, "a1", "pw", NULL, RES));
	OK(pws_invite(p, "pm", "pw", "g1@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "g1", "pw", NULL, RES));
	OK(pws_element_add(p, "dev", "pw", "col", PWS_EL_COLLECTION, 1000, NULL, RES));
	OK(pws_workspace_create(p, "dev2", "team-ws", "Team WS", PWS_VIS_TEAM, NULL, RES));
	ev_count = 0;
	return p;
}
