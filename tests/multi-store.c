/*
 * Opening a store from a spec string (see multi-store.h).
 * SPDX-License-Identifier: MIT
 */
#include "multi-store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <partnerws-sqlite.h>
#ifdef HAVE_PG
#include <libpq-fe.h>
#include <partnerws-pg.h>
#endif

static int has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int ms_open(pws_storage_ops *ops, const char *spec)
{
	if (!ops || !spec)
		return PWS_EINVALID;
	memset(ops, 0, sizeof *ops);
	if (has_prefix(spec, "sqlite:"))
		return pws_sqlite_storage_open(ops, spec + 7, 0);
	if (has_prefix(spec, "pg:")) {
#ifdef HAVE_PG
		return pws_pg_storage_open(ops, spec + 3, 0);
#else
		/* built without libpartnerws-pg: configure with it (HAVE_PG) */
		return PWS_EINVALID;
#endif
	}
	return PWS_EINVALID;
}

const char *ms_errmsg(const pws_storage_ops *ops)
{
	static const char none[] = "(no message from this adapter)";
	const char *m;

	if (!ops || !ops->ctx)
		return none;
	/* the SQLite adapter recognizes its own tables; for any other it
	 * answers with a static description, which says nothing here */
	m = pws_sqlite_storage_errmsg(ops);
	if (strcmp(m, pws_sqlite_storage_errmsg(&(pws_storage_ops){0})) != 0)
		return m;
#ifdef HAVE_PG
	return pws_pg_storage_errmsg(ops);
#else
	return none;
#endif
}

/* Removes a file if it exists. */
static int unlink_quiet(const char *path)
{
	return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}

int ms_spec_for(char *out, size_t out_size, const char *base, const char *name)
{
	const char *at = strstr(base, "{name}");
	int n;

	if (at)
		n = snprintf(out, out_size, "%.*s%s%s", (int)(at - base), base, name, at + 6);
	else if (has_prefix(base, "sqlite:"))
		n = snprintf(out, out_size, "%s.%s.db", base, name);
	else
		n = snprintf(out, out_size, "%s", base);
	if (n < 0 || (size_t)n >= out_size)
		return -1;
	if (has_prefix(out, "sqlite:")) {
		char f[4096];
		static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
		size_t i;

		for (i = 0; i < 4; i++) {
			if ((size_t)snprintf(f, sizeof f, "%s%s", out + 7, suffix[i]) >= sizeof f ||
			    unlink_quiet(f) != 0)
				return -1;
		}
	}
	return 0;
}

int ms_spec_tagged(char *out, size_t out_size, const char *spec, const char *tag)
{
	int n;

	if (has_prefix(spec, "pg:"))
		n = snprintf(out, out_size, "%s application_name=%s", spec, tag);
	else
		n = snprintf(out, out_size, "%s", spec);
	return n < 0 || (size_t)n >= out_size ? -1 : 0;
}

int ms_wait_gone(const char *spec, const char *tag, unsigned timeout_ms)
{
#ifdef HAVE_PG
	const char *params[1] = {tag};
	unsigned waited = 0;
	PGconn *c;
	int rc = -1;

	if (!has_prefix(spec, "pg:"))
		return 0;
	c = PQconnectdb(spec + 3);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "ms_wait_gone: %s", PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	for (;;) {
		PGresult *r = PQexecParams(c, "SELECT count(*) FROM pg_stat_activity "
		                              "WHERE application_name = $1",
		                           1, NULL, params, NULL, NULL, 0);
		int left = PQresultStatus(r) == PGRES_TUPLES_OK ? atoi(PQgetvalue(r, 0, 0)) : -1;

		PQclear(r);
		if (left == 0)
			rc = 0;
		if (left <= 0 || waited >= timeout_ms)
			break;
		usleep(2000);
		waited += 2;
	}
	PQfinish(c);
	return rc;
#else
	(void)spec;
	(void)tag;
	(void)timeout_ms;
	return 0;
#endif
}
