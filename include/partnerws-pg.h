/*
 * libpartnerws-pg - PostgreSQL storage adapter for libpartnerws
 * SPDX-License-Identifier: MIT
 */
/**
 * @file partnerws-pg.h
 * @brief A storage adapter keeping the policy's shared log in PostgreSQL.
 * @defgroup pg PostgreSQL storage adapter
 *
 * A companion library (link with @c pkg-config @c partnerws-pg), written
 * only against the public ::pws_storage_ops table (version 2), as any host
 * could write one. It lets many processes on many hosts share one policy:
 * each opens its own table on the same database and hands it to
 * pws_policy_new() through ::pws_policy_options @c storage:
 *
 * @code
 * pws_storage_ops ops;
 * pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
 * pws_policy *p;
 * int rc = pws_pg_storage_open(&ops, "host=db.internal dbname=policy", 0);
 * if (rc == PWS_OK) {
 *         o.storage = &ops;
 *         rc = pws_policy_new(&p, &o);  // replays the log
 *         if (rc != PWS_OK)
 *                 ops.close(ops.ctx);   // the policy did not take it
 * }
 * ...
 * pws_policy_wait(p, rev, 1000, NULL);  // read a write made elsewhere
 * pws_policy_free(p);                   // closes the connections
 * @endcode
 *
 * **Schema.** The log is one table,
 * <tt>pws_log(kind integer, key bytea, data bytea, PRIMARY KEY(kind, key))</tt>,
 * keyed by revision, next to <tt>pws_meta(name text PRIMARY KEY, value text)</tt>
 * holding <tt>schema_version</tt> (::PWS_PG_SCHEMA_VERSION). Both are
 * created if missing, in the first schema of the connection's
 * @c search_path, itself created if missing (so
 * <tt>options='-c search_path=tenant1'</tt> in the connection string keeps
 * several logs in one database). Keys compare bytewise (@c bytea order).
 *
 * **Several writers.** @c append is a plain @c INSERT: when another writer
 * already holds the key, PostgreSQL's unique violation (SQLSTATE 23505)
 * becomes ::PWS_ECONFLICT and nothing is written or overwritten; the
 * policy then catches up and decides again. @c load_after is one
 * statement, so one snapshot. Each append also sends
 * <tt>NOTIFY</tt> on the channel @c pws_log (or <tt>pws_log.SCHEMA</tt>
 * outside @c public) with the key as payload; it is delivered at commit.
 * @c wait listens on a second connection the adapter owns, so
 * pws_policy_wait() wakes within milliseconds of another process's commit.
 *
 * **Failures.** When the server goes away, every method fails with
 * ::PWS_ESTORAGE (libpq's message in pws_pg_storage_errmsg()) and the
 * policy is unchanged; a transaction cut by the outage is rolled back by
 * the server, so nothing is half-applied. The next change set or load
 * reconnects, so once the server is back the handle works again; call
 * pws_policy_sync() to pick up what others wrote meanwhile. A @c commit
 * cut by the outage may or may not have reached the server: the call then
 * fails with ::PWS_ESTORAGE, and if the change did commit, the handle
 * learns it at its next sync (or at its next call, through a conflict),
 * like a change made by another writer.
 *
 * **Threads.** The table's methods are called one at a time (the policy's
 * lock guarantees it); @c wait may run concurrently with them, on its own
 * connection under its own mutex.
 * @{
 */
#ifndef PARTNERWS_PG_H
#define PARTNERWS_PG_H

#include <partnerws.h>

PWS_BEGIN_DECL

/** Version of the database schema this adapter writes and reads. */
#define PWS_PG_SCHEMA_VERSION 1

/** Flags of pws_pg_storage_open(). Values are ABI. */
enum pws_pg_flag {
	/** Do not open the second (listening) connection: @c wait is left
	 *  NULL, so pws_policy_wait() polls. For servers or poolers that
	 *  forbid @c LISTEN (e.g. PgBouncer in transaction mode). */
	PWS_PG_NO_LISTEN = 1u << 0
};

/**
 * @brief Connects to a PostgreSQL database and fills a storage table
 *        (version 2) that keeps the policy's log in it.
 *
 * Creates the tables if they are missing and checks the schema version.
 * Every method of the table is set (@c wait only without
 * ::PWS_PG_NO_LISTEN). The table's @c ctx is the adapter's state: it is
 * released by the table's @c close, which pws_policy_free() calls. If the
 * table is never handed to a policy, or pws_policy_new() fails, call
 * <tt>ops->close(ops->ctx)</tt> yourself.
 * @param[out] ops receives the storage table; on failure it is reset to
 *             an empty table (no methods, @c ctx NULL) and nothing is
 *             left open.
 * @param conninfo a libpq connection string or URI (as for @c PQconnectdb,
 *             e.g. "host=/run/postgresql dbname=policy"); the usual
 *             @c PG* environment variables fill what it leaves out.
 * @param flags zero or more ::pws_pg_flag bits.
 * @return ::PWS_OK; ::PWS_EINVALID if @p ops or @p conninfo is NULL or
 *         @p flags has an unknown bit; ::PWS_ENOMEM; ::PWS_ESTORAGE if the
 *         connection string is malformed, the server cannot be reached or
 *         refuses the connection, the tables cannot be created, or the
 *         database was written by a newer schema version; the reason
 *         is then given by pws_pg_storage_errmsg() on the reset table.
 * @par Example
 * @code
 * #include <partnerws.h>
 * #include <partnerws-pg.h>
 * #include <stdio.h>
 *
 * int main(void)
 * {
 * 	pws_storage_ops ops;
 * 	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
 * 	pws_policy *p = NULL;
 *
 * 	if (pws_pg_storage_open(&ops, "host=/nonexistent dbname=policy connect_timeout=1",
 * 	                        0) != PWS_OK) {
 * 		fprintf(stderr, "%s\n", pws_pg_storage_errmsg(&ops));
 * 		return 0; // no server in this example
 * 	}
 * 	o.storage = &ops;
 * 	if (pws_policy_new(&p, &o) != PWS_OK) {
 * 		ops.close(ops.ctx);
 * 		return 1;
 * 	}
 * 	pws_policy_free(p); // closes the connections
 * 	return 0;
 * }
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_pg_storage_open(pws_storage_ops *ops, const char *conninfo,
                                   unsigned int flags);

/**
 * @brief The last error the adapter met, for diagnostics.
 *
 * Every method failing with ::PWS_ESTORAGE records the failed step and
 * libpq's message here (PostgreSQL's message and SQLSTATE for a server
 * error, e.g. "server closed the connection unexpectedly"). Borrowed:
 * valid until the next call of one of the table's methods other than
 * @c wait, and never after its @c close (the policy calls it in
 * pws_policy_free()).
 * After a failed pws_pg_storage_open(), the table it reset gives the
 * reason the open failed (kept per thread, until the thread's next open).
 * @param ops a table filled by pws_pg_storage_open(), or a copy of it.
 * @return the message, "" if no error occurred yet; a static description
 *         if @p ops is NULL or is not a table of this adapter. Never NULL.
 * @since 0.2
 */
PWS_EXTERN const char *pws_pg_storage_errmsg(const pws_storage_ops *ops);

PWS_END_DECL

/** @} */
#endif /* PARTNERWS_PG_H */
