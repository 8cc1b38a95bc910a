/*
 * One test driver, several stores: opens a storage table from a spec
 * string, so tests/check_multi.c runs the same multi-process tests on
 * SQLite and on PostgreSQL.
 *
 *   "sqlite:PATH"     the SQLite adapter on the file PATH
 *   "pg:CONNINFO"     the PostgreSQL adapter (libpartnerws-pg), built only
 *                     with -DHAVE_PG; otherwise PWS_EINVALID
 *
 * A spec may hold "{name}", which ms_spec_for() replaces by a name unique
 * to one test round, so each round starts from an empty store (a file for
 * SQLite; for PostgreSQL, e.g. a schema: "pg:dbname=t
 * options=-csearch_path={name}" if the adapter creates its table there).
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_MULTI_STORE_H
#define PWS_MULTI_STORE_H

#include <stddef.h>

#include "partnerws.h"

/* Opens a storage table from spec. PWS_OK, or the adapter's error;
 * PWS_EINVALID for an unknown or uncompiled scheme. On failure *ops holds
 * no context. */
int ms_open(pws_storage_ops *ops, const char *spec);

/* The adapter's last error message for a table ms_open() filled ("" if none). */
const char *ms_errmsg(const pws_storage_ops *ops);

/* Writes into out the spec for one test round: base with "{name}" replaced
 * by name; a "sqlite:" spec without "{name}" gets ".name.db" appended to
 * its path. The store it names is emptied first where the driver knows how
 * (SQLite: the file and its -wal/-shm are removed). 0, or -1 if out is too
 * small or the store cannot be emptied. */
int ms_spec_for(char *out, size_t out_size, const char *base, const char *name);

/* Writes into out the spec of a handle whose server sessions carry tag,
 * so that ms_wait_gone() can tell when they have ended: a "pg:" spec gets
 * " application_name=tag" appended; any other is copied. 0, or -1 if out
 * is too small. */
int ms_spec_tagged(char *out, size_t out_size, const char *spec, const char *tag);

/* After a process using ms_spec_tagged(spec, tag) has been killed: waits
 * until no server session of that tag is left. A PostgreSQL backend may
 * still run a COMMIT its client sent just before it died; until the
 * backend has ended, that commit can land. SQLite (in-process) has no
 * such session: 0 at once. 0, or -1 on an error or after timeout_ms. */
int ms_wait_gone(const char *spec, const char *tag, unsigned timeout_ms);

#endif
