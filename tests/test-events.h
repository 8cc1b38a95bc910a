/*
 * An event recorder for tests: on_event() keeps every delivered notice
 * (kind, rule, team, workspaces, recipients) in ev_log.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_TEST_EVENTS_H
#define PWS_TEST_EVENTS_H

#include "test-world.h"

#define EV_MAX 64
#define EV_RCPT 32
#define EV_STR 128

typedef struct ev_rec {
	int kind;
	int rule;
	uint32_t channels;
	char actor[EV_STR];
	char subject[EV_STR];
	size_t nrcpt;
	char rcpt[EV_RCPT][EV_STR];
} ev_rec;

extern ev_rec ev_log[EV_MAX];
extern size_t ev_count;

/* The callback to put in pws_policy_options.on_event. */
void on_event(const pws_event *e, void *payload);
/* What every recipient of an event of a kind is (a pws_recipient_kind):
 * on_event asserts it of every recipient it sees. */
int ev_recipient_kind_of(int kind);
/* The first recorded event of a kind, or NULL. */
const ev_rec *ev_find(int kind);
/* Whether a recorded event names who among its recipients. */
int ev_has_rcpt(const ev_rec *r, const char *who);
/* Whether some recorded event of a kind names who (EV1 splits one change
 * into one event per organization). */
int ev_kind_has_rcpt(int kind, const char *who);
/* tw_world() built with on_event, the log cleared afterwards. */
pws_policy *ev_world(void);

#endif
