/*
 * Read access to events for the host's callback.
 * SPDX-License-Identifier: MIT
 */
#include "core.h"

PWS_EXTERN int pws_event_kind_of(const pws_event *e)
{
	return e ? e->kind : 0;
}

PWS_EXTERN int pws_event_rule(const pws_event *e)
{
	return e ? e->rule : 0;
}

PWS_EXTERN uint32_t pws_event_channels(const pws_event *e)
{
	return e ? e->channels : 0;
}

PWS_EXTERN const char *pws_event_team(const pws_event *e)
{
	return e ? e->team : NULL;
}

PWS_EXTERN const char *pws_event_actor(const pws_event *e)
{
	return e ? e->actor : NULL;
}

PWS_EXTERN const char *pws_event_subject(const pws_event *e)
{
	return e ? e->subject : NULL;
}

PWS_EXTERN size_t pws_event_workspace_count(const pws_event *e)
{
	return e ? e->nws : 0;
}

PWS_EXTERN const char *pws_event_workspace(const pws_event *e, size_t i)
{
	return e && i < e->nws ? e->ws[i] : NULL;
}

PWS_EXTERN size_t pws_event_recipient_count(const pws_event *e)
{
	return e ? e->nrcpt : 0;
}

PWS_EXTERN const char *pws_event_recipient(const pws_event *e, size_t i)
{
	return e && i < e->nrcpt ? e->rbuf + e->roff[i] : NULL;
}

PWS_EXTERN uint64_t pws_event_revision(const pws_event *e)
{
	return e ? e->rev : 0;
}

PWS_EXTERN int pws_event_recipient_kind(const pws_event *e, size_t i)
{
	/* the byte before each recipient's string (core.c, push_copy) */
	return e && i < e->nrcpt ? (unsigned char)e->rbuf[e->roff[i] - 1] : 0;
}
