/*
 * Whole-state JSON snapshots (placeholder until written).
 * SPDX-License-Identifier: MIT
 */
#include "core.h"

PWS_EXTERN int pws_snapshot_export(const pws_policy *p, char **json, size_t *len)
{
	(void)p;
	(void)len;
	if (json)
		*json = NULL;
	return PWS_ERROR;
}

PWS_EXTERN void pws_snapshot_free(const pws_policy *p, char *json)
{
	if (p && json)
		pws__free(&p->mem, json);
}

PWS_EXTERN int pws_snapshot_import(pws_policy *p, const char *json, size_t len, pws_result *res)
{
	(void)p;
	(void)json;
	(void)len;
	return pws__result_simple(res, PWS_ERROR, "snapshots are not implemented yet");
}
