/*
 * Calls of 0.2 that answer what a host asks: the integration state and
 * turning it off (INT1), the pending request and its note (CR3), getters
 * that report the size they need, and pws_string_free().
 * SPDX-License-Identifier: MIT
 */
#include "core.h"
#include "decide-ops.h"

#include <stdlib.h>
#include <string.h>

PWS_EXTERN void pws_string_free(char *s)
{
	free(s); /* documented: plain malloc, whatever the handle's allocator */
}

/* --- integration (INT1) --------------------------------------------------------- */

PWS_EXTERN int pws_integration_get(const pws_policy *p, int *enabled, const char *workspace_id)
{
	uint32_t w;
	int rc;

	if (enabled)
		*enabled = 0;
	if (!p || !enabled)
		return PWS_EINVALID;
	if (!pws__valid_id(workspace_id))
		return PWS_EINVALID;
	rc = pws__read_begin(p);
	if (rc)
		return rc;
	w = pws__ws_find(&p->m, workspace_id);
	if (w == PWS__NONE)
		rc = PWS_ENOTFOUND;
	else
		*enabled = WS(&p->m, w)->integration;
	pws__read_end(p);
	return rc;
}

PWS_EXTERN int pws_integration_disable(pws_policy *p, const char *actor, const char *workspace_id,
                                       pws_result *res)
{
	pws__op op;
	pws__verdict v = PWS__VERDICT_INIT;
	uint32_t u, w;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_INTEGRATION_DISABLE, "ss", actor, workspace_id);
	rc = pws__ask_ws(&op, actor, workspace_id, pws__decide_integration_off, &u, &w, &v);
	if (!rc)
		rc = pws__op_persist(&op);
	if (!rc)
		WS(op.m, w)->integration = 0; /* already 0 in a partner one (INT1) */
	return pws__op_end(&op, rc);
}

/* --- the pending request (CR3) ------------------------------------------------ */

static char *dup_plain(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

PWS_EXTERN int pws_request_get(const pws_policy *p, int *kind, char **requester, char **note,
                               int *rule, const char *viewer, const char *workspace_id)
{
	pws__who c;
	pws__verdict v = PWS__VERDICT_INIT;
	uint32_t u, w;
	char *rq = NULL, *nt = NULL;
	int rc;

	if (kind)
		*kind = 0;
	if (requester)
		*requester = NULL;
	if (note)
		*note = NULL;
	if (rule)
		*rule = 0;
	if (!p || !pws__valid_id(viewer) || !pws__valid_id(workspace_id))
		return PWS_EINVALID;
	rc = pws__read_begin(p);
	if (rc)
		return rc;
	u = pws__user_find(&p->m, viewer);
	w = pws__ws_find(&p->m, workspace_id);
	if (u == PWS__NONE || w == PWS__NONE) {
		pws__read_end(p);
		return PWS_ENOTFOUND;
	}
	pws__who_init(&c, &p->m, u, w);
	rc = pws__decide_read_request(&c, &v);
	if (rule)
		*rule = v.rule;
	if (!rc) {
		const pws__ws *W = WS(&p->m, w);
		const char *who = W->requester == PWS__NONE ? "" : USER(&p->m, W->requester)->id;

		if ((requester && !(rq = dup_plain(who))) ||
		    (note && !(nt = dup_plain(W->note ? W->note : ""))))
			rc = PWS_ENOMEM;
		else if (kind)
			*kind = W->request;
	}
	pws__read_end(p);
	if (rc) {
		free(rq);
		free(nt);
		return rc;
	}
	if (requester)
		*requester = rq;
	if (note)
		*note = nt;
	return PWS_OK;
}

/* --- getters that say the size they need -------------------------------------- */

/* Copies s into buf of size bytes; *needed receives strlen(s) + 1 both
 * when it fits and when it does not (then PWS_EINVALID). */
static int copy_out(const char *s, char *buf, size_t size, size_t *needed)
{
	size_t n = strlen(s) + 1;

	*needed = n;
	if (!buf || size < n)
		return PWS_EINVALID;
	memcpy(buf, s, n);
	return PWS_OK;
}

PWS_EXTERN int pws_user_get_team(const pws_policy *p, char *buf, size_t size,
                                 const char *user_id, size_t *needed)
{
	uint32_t u;
	int rc;

	if (needed)
		*needed = 0;
	if (!p || !needed || !pws__valid_id(user_id) || (!buf && size))
		return PWS_EINVALID;
	rc = pws__read_begin(p);
	if (rc)
		return rc;
	u = pws__user_find(&p->m, user_id);
	if (u == PWS__NONE) {
		rc = PWS_ENOTFOUND;
	} else {
		uint32_t t = USER(&p->m, u)->team;

		rc = copy_out(t == PWS__NONE ? "" : TEAM(&p->m, t)->id, buf, size, needed);
	}
	pws__read_end(p);
	return rc;
}

PWS_EXTERN int pws_element_get_workspace(const pws_policy *p, char *buf, size_t size,
                                         const char *element_id, size_t *needed)
{
	uint32_t e;
	int rc;

	if (needed)
		*needed = 0;
	if (!p || !needed || !pws__valid_id(element_id) || (!buf && size))
		return PWS_EINVALID;
	rc = pws__read_begin(p);
	if (rc)
		return rc;
	e = pws__el_find(&p->m, element_id);
	if (e == PWS__NONE)
		rc = PWS_ENOTFOUND;
	else
		rc = copy_out(WS(&p->m, ELEM(&p->m, e)->ws)->id, buf, size, needed);
	pws__read_end(p);
	return rc;
}
