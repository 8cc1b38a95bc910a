/*
 * Loading a store: every record is one committed call, replayed through
 * the same function in the same order, which rebuilds exactly the state
 * that was committed (the calls are deterministic: time is an argument).
 * SPDX-License-Identifier: MIT
 */
#include "core.h"
#include "image.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

typedef struct replay {
	pws_policy *p;
	pws_result *res;     /* NULL while loading; the caller's for a redo */
	uint64_t image_at;   /* key of a state image applied, or 0 */
	uint64_t skipped;    /* key of the first record skipped before an
	                      * image (a compaction cut part way), or 0 */
	uint64_t first, last; /* keys of the first and last records */
	size_t count;
	char *buf;           /* NUL-terminated copies of a record's strings */
	size_t cap;
	char why[160];       /* why a record was refused (key and reason) */
	int rc;              /* the first refusal, kept (see sink) */
} replay;

/* Argument accessors over a decoded record whose strings were copied
 * NUL-terminated. apply() checked the record against its operation's
 * signature (args_ok) before dispatch() runs: the count, every type, no
 * NUL in a C string, every integer in the range of its type. So they only
 * read: an argument past the count is zeroed, and should dispatch() and
 * the signature ever disagree, a string read where an integer was stored
 * is NULL and an integer read where a string was is 0, which the call
 * refuses (the storage round-trip tests replay every operation). */
typedef struct rargs {
	pws__arg a[PWS__REC_MAXARGS];
	char *s[PWS__REC_MAXARGS];
	int n;
} rargs;

/* A C string argument (an id, a name, an address, a text), or a bytes
 * argument (bulk invite text, snapshot JSON: NUL bytes allowed), NULL when
 * absent. */
static const char *S(const rargs *r, int i)
{
	return r->s[i];
}

static int64_t I(const rargs *r, int i)
{
	return r->a[i].i;
}

static size_t L(const rargs *r, int i)
{
	return r->a[i].type == 's' ? r->a[i].len : 0;
}

/* pws_workspace_migrate_many from its record: the ids were joined with
 * '\n', which no id holds. */
static int redo_migrate_many(pws_policy *p, const char *actor, const char *joined,
                             pws_result *res)
{
	size_t n = 1, i = 0, len;
	const char **ids;
	char *copy, *s;
	int rc;

	if (!joined)
		return PWS_EINVALID;
	for (s = (char *)joined; *s; s++)
		n += *s == '\n';
	len = (size_t)(s - joined) + 1;
	ids = pws__calloc(&p->mem, n, sizeof(*ids));
	copy = pws__malloc(&p->mem, len);
	if (!ids || !copy) {
		pws__free(&p->mem, ids);
		pws__free(&p->mem, copy);
		return PWS_ENOMEM;
	}
	memcpy(copy, joined, len);
	ids[i++] = copy;
	for (s = copy; *s; s++)
		if (*s == '\n') {
			*s = '\0';
			ids[i++] = s + 1;
		}
	rc = pws_workspace_migrate_many(p, actor, ids, n, res);
	pws__free(&p->mem, copy);
	pws__free(&p->mem, ids);
	return rc;
}

/*
 * Each operation's arguments, as pws__op_log() wrote them: 's' a C string
 * (or absent), 'b' bytes, 'd' an int, 'u' a uint32_t, 'U' a uint64_t, 'I'
 * an int64_t. A record is checked against it whole before its call runs,
 * so a damaged one is refused before anything of it is applied (a handle
 * catching up keeps its state).
 */
static const char *const sig[PWS__OP_MAX + 1] = {
	[PWS__OP_INTEGRATION_DISABLE] = "ss",
	[PWS__OP_TEAM_ADD] = "ssdd",
	[PWS__OP_TEAM_SET_PLAN] = "sd",
	[PWS__OP_TEAM_SET_SSO] = "sd",
	[PWS__OP_TEAM_SET_SEATS] = "su",
	[PWS__OP_TEAM_ADD_DOMAIN] = "ss",
	[PWS__OP_TEAM_REMOVE_DOMAIN] = "ss",
	[PWS__OP_TEAM_REMOVE] = "s",
	[PWS__OP_PLAN_SET_RETENTION] = "duU",
	[PWS__OP_USER_ADD] = "sssdd",
	[PWS__OP_USER_SET_TEAM] = "ssd",
	[PWS__OP_USER_SET_TEAM_ROLE] = "sd",
	[PWS__OP_USER_SET_PM] = "sd",
	[PWS__OP_USER_REMOVE] = "s",
	[PWS__OP_ELEMENT_ADD] = "sssdUs",
	[PWS__OP_ELEMENT_ADD_EDITOR] = "sss",
	[PWS__OP_ELEMENT_MOVE] = "sss",
	[PWS__OP_ELEMENT_FORK] = "ssss",
	[PWS__OP_ELEMENT_DELETE] = "ssI",
	[PWS__OP_ELEMENT_RESTORE] = "ssI",
	[PWS__OP_UPDATE_POST] = "ssssI",
	[PWS__OP_UPDATE_REPLY] = "ssssI",
	[PWS__OP_WS_VISIT] = "ss",
	[PWS__OP_HISTORY_ADD] = "ssssI",
	[PWS__OP_COMMENT_ADD] = "ssss",
	[PWS__OP_INTEGRATION_ENABLE] = "ss",
	[PWS__OP_INVITE] = "sssddd",
	[PWS__OP_INVITE_BULK] = "ssbddddd",
	[PWS__OP_INVITE_ACCEPT] = "sss",
	[PWS__OP_INVITE_DECLINE] = "ss",
	[PWS__OP_INVITE_WITHDRAW] = "sss",
	[PWS__OP_MEMBER_SET_ROLE] = "sssd",
	[PWS__OP_MEMBER_SET_LEAD] = "sssd",
	[PWS__OP_MEMBER_REMOVE] = "sss",
	[PWS__OP_PARTNER_END] = "sss",
	[PWS__OP_WS_CREATE] = "sssds",
	[PWS__OP_WS_ADD_LEGACY] = "ssss",
	[PWS__OP_WS_CONVERT] = "sss",
	[PWS__OP_REQUEST_REVIEW] = "ssd",
	[PWS__OP_WS_SET_DETAILS] = "sssss",
	[PWS__OP_WS_SET_VISIBILITY] = "ssd",
	[PWS__OP_WS_DELETE] = "ss",
	[PWS__OP_WS_ENABLE_MULTI] = "ss",
	[PWS__OP_WS_MIGRATE] = "ss",
	[PWS__OP_WS_MIGRATE_MANY] = "ss",
	[PWS__OP_SNAPSHOT_IMPORT] = "b",
};

/* Whether the decoded arguments of op match its signature; else a
 * message (what is wrong) in why. */
static int args_ok(int op, const rargs *r, char *why, size_t why_len)
{
	const char *g = op > 0 && op <= PWS__OP_MAX ? sig[op] : NULL;
	int i;

	if (!g) {
		snprintf(why, why_len, "unknown operation code %d", op);
		return 0;
	}
	if (r->n != (int)strlen(g)) {
		snprintf(why, why_len, "operation %d has %d arguments, not %d", op, r->n,
		         (int)strlen(g));
		return 0;
	}
	for (i = 0; i < r->n; i++) {
		const pws__arg *a = &r->a[i];
		int str = g[i] == 's' || g[i] == 'b';

		if (str != (a->type == 's' || a->type == 'n')) {
			snprintf(why, why_len, "operation %d, argument %d: wrong type '%c'", op, i,
			         a->type);
			return 0;
		}
		if (g[i] == 's' && a->type == 's' && memchr(a->s, '\0', a->len)) {
			snprintf(why, why_len, "operation %d, argument %d: a NUL byte in a string", op,
			         i);
			return 0;
		}
		if ((g[i] == 'd' && (a->i < INT_MIN || a->i > INT_MAX)) ||
		    (g[i] == 'u' && (a->i < 0 || a->i > (int64_t)UINT32_MAX))) {
			snprintf(why, why_len,
			         "operation %d, argument %d: %lld is out of the range of its type", op,
			         i, (long long)a->i);
			return 0;
		}
	}
	return 1;
}

static int dispatch(pws_policy *p, int op, const rargs *r, pws_result *res)
{
	/* args_ok let through only an operation with a signature, and every
	 * one has its case: the default is for a signature added without one */
	switch (op) { /* GCOVR_EXCL_BR_LINE: the default, see above */
	case PWS__OP_TEAM_ADD:
		return pws_team_add(p, S(r, 0), S(r, 1), (int)I(r, 2), (int)I(r, 3), res);
	case PWS__OP_TEAM_SET_PLAN:
		return pws_team_set_plan(p, S(r, 0), (int)I(r, 1), res);
	case PWS__OP_TEAM_SET_SSO:
		return pws_team_set_sso(p, S(r, 0), (int)I(r, 1), res);
	case PWS__OP_TEAM_ADD_DOMAIN:
		return pws_team_add_domain(p, S(r, 0), S(r, 1), res);
	case PWS__OP_TEAM_REMOVE_DOMAIN:
		return pws_team_remove_domain(p, S(r, 0), S(r, 1), res);
	case PWS__OP_TEAM_SET_SEATS:
		return pws_team_set_editor_seats(p, S(r, 0), (uint32_t)I(r, 1), res);
	case PWS__OP_TEAM_REMOVE:
		return pws_team_remove(p, S(r, 0), res);
	case PWS__OP_PLAN_SET_RETENTION:
		return pws_plan_set_retention(p, (int)I(r, 0), (uint32_t)I(r, 1), (uint64_t)I(r, 2), res);
	case PWS__OP_USER_ADD:
		return pws_user_add(p, S(r, 0), S(r, 1), S(r, 2), (int)I(r, 3), (int)I(r, 4), res);
	case PWS__OP_USER_SET_TEAM:
		return pws_user_set_team(p, S(r, 0), S(r, 1), (int)I(r, 2), res);
	case PWS__OP_USER_SET_TEAM_ROLE:
		return pws_user_set_team_role(p, S(r, 0), (int)I(r, 1), res);
	case PWS__OP_USER_SET_PM:
		return pws_user_set_partner_manager(p, S(r, 0), (int)I(r, 1), res);
	case PWS__OP_USER_REMOVE:
		return pws_user_remove(p, S(r, 0), res);
	case PWS__OP_WS_CREATE:
		return pws_workspace_create(p, S(r, 0), S(r, 1), S(r, 2), (int)I(r, 3), S(r, 4), res);
	case PWS__OP_WS_ADD_LEGACY:
		return pws_workspace_add_legacy(p, S(r, 0), S(r, 1), S(r, 2), S(r, 3), res);
	case PWS__OP_WS_CONVERT:
		return pws_workspace_convert(p, S(r, 0), S(r, 1), S(r, 2), res);
	case PWS__OP_REQUEST_REVIEW:
		return pws_request_review(p, S(r, 0), S(r, 1), (int)I(r, 2), res);
	case PWS__OP_WS_SET_DETAILS:
		return pws_workspace_set_details(p, S(r, 0), S(r, 1), S(r, 2), S(r, 3), S(r, 4), res);
	case PWS__OP_WS_SET_VISIBILITY:
		return pws_workspace_set_visibility(p, S(r, 0), S(r, 1), (int)I(r, 2), res);
	case PWS__OP_WS_DELETE:
		return pws_workspace_delete(p, S(r, 0), S(r, 1), res);
	case PWS__OP_WS_ENABLE_MULTI:
		return pws_workspace_enable_multi_partner(p, S(r, 0), S(r, 1), res);
	case PWS__OP_WS_MIGRATE:
		return pws_workspace_migrate(p, S(r, 0), S(r, 1), res);
	case PWS__OP_INVITE:
		return pws_invite(p, S(r, 0), S(r, 1), S(r, 2), (int)I(r, 3), (int)I(r, 4),
		                  (int)I(r, 5), res);
	case PWS__OP_INVITE_BULK:
		return pws_invite_bulk(p, NULL, S(r, 0), S(r, 1), S(r, 2), L(r, 2), (int)I(r, 3),
		                       (int)I(r, 4), (int)I(r, 5), (int)I(r, 6), (int)I(r, 7), res);
	case PWS__OP_INVITE_ACCEPT:
		return pws_invite_accept(p, S(r, 0), S(r, 1), S(r, 2), res);
	case PWS__OP_INVITE_DECLINE:
		return pws_invite_decline(p, S(r, 0), S(r, 1), res);
	case PWS__OP_INVITE_WITHDRAW:
		return pws_invite_withdraw(p, S(r, 0), S(r, 1), S(r, 2), res);
	case PWS__OP_MEMBER_SET_ROLE:
		return pws_member_set_role(p, S(r, 0), S(r, 1), S(r, 2), (int)I(r, 3), res);
	case PWS__OP_MEMBER_SET_LEAD:
		return pws_member_set_lead(p, S(r, 0), S(r, 1), S(r, 2), (int)I(r, 3), res);
	case PWS__OP_MEMBER_REMOVE:
		return pws_member_remove(p, S(r, 0), S(r, 1), S(r, 2), res);
	case PWS__OP_PARTNER_END:
		return pws_partner_end(p, S(r, 0), S(r, 1), S(r, 2), res);
	case PWS__OP_ELEMENT_ADD:
		return pws_element_add(p, S(r, 0), S(r, 1), S(r, 2), (int)I(r, 3), (uint64_t)I(r, 4),
		                       S(r, 5), res);
	case PWS__OP_ELEMENT_ADD_EDITOR:
		return pws_element_add_editor(p, S(r, 0), S(r, 1), S(r, 2), res);
	case PWS__OP_ELEMENT_MOVE:
		return pws_element_move(p, S(r, 0), S(r, 1), S(r, 2), res);
	case PWS__OP_ELEMENT_FORK:
		return pws_element_fork(p, S(r, 0), S(r, 1), S(r, 2), S(r, 3), res);
	case PWS__OP_ELEMENT_DELETE:
		return pws_element_delete(p, S(r, 0), S(r, 1), I(r, 2), res);
	case PWS__OP_ELEMENT_RESTORE:
		return pws_element_restore(p, S(r, 0), S(r, 1), I(r, 2), res);
	case PWS__OP_UPDATE_POST:
		return pws_update_post(p, S(r, 0), S(r, 1), S(r, 2), S(r, 3), I(r, 4), res);
	case PWS__OP_UPDATE_REPLY:
		return pws_update_reply(p, S(r, 0), S(r, 1), S(r, 2), S(r, 3), I(r, 4), res);
	case PWS__OP_WS_VISIT:
		return pws_workspace_visit(p, S(r, 0), S(r, 1), res);
	case PWS__OP_HISTORY_ADD:
		return pws_history_add(p, S(r, 0), S(r, 1), S(r, 2), S(r, 3), I(r, 4), res);
	case PWS__OP_COMMENT_ADD:
		return pws_comment_add(p, S(r, 0), S(r, 1), S(r, 2), S(r, 3), res);
	case PWS__OP_INTEGRATION_ENABLE:
		return pws_integration_enable(p, S(r, 0), S(r, 1), res);
	case PWS__OP_INTEGRATION_DISABLE:
		return pws_integration_disable(p, S(r, 0), S(r, 1), res);
	case PWS__OP_WS_MIGRATE_MANY:
		return redo_migrate_many(p, S(r, 0), S(r, 1), res);
	case PWS__OP_SNAPSHOT_IMPORT:
		return pws_snapshot_import(p, S(r, 0), L(r, 0), res);
	default:
		return PWS_EINVALID; /* an operation this version does not know */
	}
}

static int hexkey(const char *key, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n != 16)
		return -1;
	for (i = 0; i < n; i++) {
		char c = key[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint64_t)(c - 'a' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* A record replayed with rc: every stored call succeeded once on this very
 * state, so any failure means a damaged store (or no memory). */
static int done(replay *rp, uint64_t seq, int rc)
{
	if (rc != PWS_OK)
		return rc == PWS_ENOMEM ? PWS_ENOMEM : PWS_ESTORAGE;
	if (!rp->count)
		rp->first = seq;
	rp->last = seq;
	rp->count++;
	return PWS_OK;
}

static int apply(replay *rp, int op, rargs *rr);

static int sink_one(replay *rp, uint32_t kind, const char *key, size_t key_len,
                    const void *data, size_t data_len)
{
	pws_policy *p = rp->p;
	rargs r;
	uint64_t seq;
	int op, rc;

	/* Every change was numbered from 1 without gaps: a missing, repeated or
	 * misplaced record means the store lost a call; refuse to load it. The
	 * one exception is a compacted store, which starts at its state image
	 * (pws_compact() deleted the records before it). */
	if (kind != PWS_RECORD_OP || !key || hexkey(key, key_len, &seq) || seq == 0) {
		snprintf(rp->why, sizeof rp->why, "a record of kind %lu or with a malformed key",
		         (unsigned long)kind);
		return PWS_ESTORAGE;
	}
	memset(&r, 0, sizeof(r));
	rc = pws__rec_decode(data, data_len, &op, r.a, &r.n);
	if (rc) {
		snprintf(rp->why, sizeof rp->why, "record %016llx (revision %llu): %s",
		         (unsigned long long)seq, (unsigned long long)seq,
		         rc == PWS__REC_BADSUM ? "checksum mismatch (a damaged record)"
		                               : "malformed (unknown format, reserved byte or framing)");
		return PWS_ESTORAGE;
	}
	/* A compaction cut part way by a store that is not atomic (its image
	 * written, only the oldest of the records before it deleted) leaves
	 * the newest of those records in front of the image, out of sequence:
	 * the image replaces all of them, so they are skipped (nothing of them
	 * applied), and an image must come (else the load is refused: a gap). */
	if ((rp->skipped && !rp->image_at) ||
	    (rp->count == 0 && seq != rp->last + 1 && op != PWS__OP_STATE_IMAGE)) {
		if (op != PWS__OP_STATE_IMAGE) {
			if (!rp->skipped)
				rp->skipped = seq;
			return PWS_OK;
		}
	} else if (rp->count && seq != rp->last + 1) {
		/* (before any record applied, one out of sequence comes here only
		 * if it is an image, which may stand under any key) */
		snprintf(rp->why, sizeof rp->why, "record %016llx: expected revision %llu (a gap)",
		         (unsigned long long)seq, (unsigned long long)rp->last + 1);
		return PWS_ESTORAGE;
	}
	/* catching up runs in the caller's write lock: the calls replayed
	 * nest in it (core.c), nothing else may (a callback's re-entry) */
	if (op == PWS__OP_STATE_IMAGE)
		rp->image_at = seq;
	p->syncing = 1;
	rc = apply(rp, op, &r);
	p->syncing = 0;
	/* why is empty here (a refusal ends the load, see sink) unless apply
	 * said what is wrong: then it is prefixed with the record's key */
	if (rc != PWS_OK && !rp->why[0])
		snprintf(rp->why, sizeof rp->why, "record %016llx (revision %llu): replay failed: %s",
		         (unsigned long long)seq, (unsigned long long)seq, pws_strerror(rc));
	else if (rc != PWS_OK) {
		char w[sizeof rp->why];

		snprintf(w, sizeof w, "%s", rp->why);
		snprintf(rp->why, sizeof rp->why, "record %016llx: %.120s", (unsigned long long)seq, w);
	}
	return done(rp, seq, rc);
}

/* The sink handed to the store. A refusal must end the load (the store
 * returns the sink's code), but a store that goes on regardless must not
 * open a handle on the state before the refused record, whose next change
 * would then be written over it: the first refusal is kept, every later
 * record gets it again unread, and the load fails with it whatever the
 * store returns. */
static int sink(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                size_t data_len)
{
	replay *rp = ctx;

	if (rp->rc == PWS_OK)
		rp->rc = sink_one(rp, kind, key, key_len, data, data_len);
	return rp->rc;
}

/* Applies one decoded record (an image, or a call made again). */
static int apply(replay *rp, int op, rargs *rr)
{
	pws_policy *p = rp->p;
	rargs r = *rr;
	char *buf;
	size_t need = 0;
	int i;

	if (op == PWS__OP_STATE_IMAGE) {
		/* both parts are read with their lengths: no copy of the image */
		if (r.n != 2 || r.a[0].type != 's' || r.a[1].type != 's') {
			snprintf(rp->why, sizeof rp->why, "a malformed state image");
			return PWS_ESTORAGE;
		}
		return pws__image_import(p, r.a[0].s, r.a[0].len, (const unsigned char *)r.a[1].s,
		                         r.a[1].len, NULL);
	}
	/* the whole record checked before its call runs (see sig) */
	if (!args_ok(op, &r, rp->why, sizeof rp->why))
		return PWS_ESTORAGE;
	for (i = 0; i < r.n; i++)
		need += r.a[i].type == 's' ? r.a[i].len + 1 : 0;
	if (need > rp->cap) { /* one buffer for the whole load */
		buf = pws__realloc(&p->mem, rp->buf, need);
		if (!buf)
			return PWS_ENOMEM;
		rp->buf = buf;
		rp->cap = need;
	}
	buf = rp->buf;
	for (i = 0, need = 0; i < r.n; i++) {
		if (r.a[i].type != 's')
			continue;
		r.s[i] = buf + need;
		memcpy(r.s[i], r.a[i].s, r.a[i].len);
		r.s[i][r.a[i].len] = '\0';
		need += r.a[i].len + 1;
	}
	/* no pws_result: a stored call succeeded once on this very state */
	return dispatch(p, op, &r, rp->res);
}

int pws__replay(pws_policy *p)
{
	replay rp;
	int rc;

	if (!p->has_storage || !p->storage.load)
		return PWS_OK;
	memset(&rp, 0, sizeof(rp));
	rp.p = p;
	/* the whole load in one write lock, as a catch-up: the store's locks
	 * are then always taken inside the handle's, never around it */
	rc = pws__write_begin(p);
	/* pws_policy_new is the one caller, on a handle no other thread can
	 * know yet: its lock is free and not ours, write_begin cannot fail */
	if (rc != PWS_OK) /* GCOVR_EXCL_BR_LINE */
		return rc;
	p->replaying = 1;
	rc = p->storage.load(p->storage.ctx, sink, &rp);
	p->replaying = 0;
	pws__write_end(p);
	pws__free(&p->mem, rp.buf);
	if (rc == PWS_OK)
		rc = rp.rc; /* a store that went on past a refusal (see sink) */
	if (rc == PWS_OK && rp.skipped && !rp.image_at)
		rc = PWS_ESTORAGE; /* records out of sequence and no image: a gap */
	if (rc != PWS_OK)
		return rc == PWS_ENOMEM ? PWS_ENOMEM : PWS_ESTORAGE;
	p->seq = rp.last;
	/* the next compaction deletes from the first key still stored */
	p->base = rp.skipped ? rp.skipped : rp.first;
	return PWS_OK;
}

int pws__replay_after(pws_policy *p, uint64_t *applied, char *why, size_t why_len)
{
	replay rp;
	char key[17];
	int rc;

	/* pws__catch_up, the one caller, checked that the store has a
	 * load_after (a version 2 table) */
	*applied = 0;
	memset(&rp, 0, sizeof(rp));
	rp.p = p;
	rp.last = p->seq;
	snprintf(key, sizeof key, "%016llx", (unsigned long long)p->seq);
	rc = p->storage.load_after(p->storage.ctx, key, p->seq ? 16 : 0, sink, &rp);
	pws__free(&p->mem, rp.buf);
	if (rc == PWS_OK)
		rc = rp.rc; /* a store that went on past a refusal (see sink) */
	if (rc == PWS_OK && rp.skipped && !rp.image_at) {
		snprintf(rp.why, sizeof rp.why, "record %016llx: expected revision %llu (a gap)",
		         (unsigned long long)rp.skipped, (unsigned long long)p->seq + 1);
		rc = PWS_ESTORAGE;
	}
	if (rc != PWS_OK && why) /* why_len may be 0 */
		snprintf(why, why_len, "%s", rp.why);
	if (rp.count) {
		/* what was applied is applied whole, record by record: the
		 * revision follows it even if a later record failed */
		p->seq = rp.last;
		if (rp.image_at)
			/* a compaction: older keys are gone (but those skipped) */
			p->base = rp.skipped ? rp.skipped : rp.image_at;
		else if (!p->base)
			p->base = rp.first;
		*applied = rp.count;
	}
	if (rc != PWS_OK)
		return rc == PWS_ENOMEM ? PWS_ENOMEM : PWS_ESTORAGE;
	return PWS_OK;
}

int pws__redo(pws_policy *p, const void *data, size_t len, pws_result *res)
{
	replay rp;
	rargs r;
	int op, rc;

	memset(&r, 0, sizeof(r));
	/* the record this call has just encoded and sealed (op->rec): it
	 * decodes */
	if (pws__rec_decode(data, len, &op, r.a, &r.n)) /* GCOVR_EXCL_BR_LINE: see above */
		return PWS_ECONFLICT;
	/* pws_load_state's image was built on the state before the other
	 * writer's change: made again it would undo that change */
	if (op == PWS__OP_STATE_IMAGE)
		return PWS_ECONFLICT;
	memset(&rp, 0, sizeof(rp));
	rp.p = p;
	rp.res = res;
	rc = apply(&rp, op, &r);
	pws__free(&p->mem, rp.buf);
	return rc;
}
