/*
 * Opening a handle on a store (fuzz_records, fuzz_image). Promises: the
 * open fails cleanly (::PWS_ESTORAGE or ::PWS_EINVALID and nothing held),
 * or the state answers every question (fz_walk), exports a snapshot that
 * re-imports to the same digest, reopens to the same digest, and takes a
 * compaction whose store reopens to the same digest; a call made on it
 * appends a record the reopened store replays.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_FUZZ_LOAD_H
#define PWS_FUZZ_LOAD_H

#include "fuzz-walk.h"

static FZ_UNUSED void fz_open_store(mem_store *st)
{
	pws_storage_ops ops = fz_store_ops(st);
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_policy *p = NULL, *q = NULL;
	pws_result r = PWS_RESULT_INIT;
	uint64_t d;
	int rc;

	o.storage = &ops;
	rc = pws_policy_new(&p, &o);
	if (rc != PWS_OK) {
		FZ_ASSERT(rc == PWS_ESTORAGE || rc == PWS_EINVALID || rc == PWS_ENOMEM,
		          "opening a bad store -> %d", rc);
		FZ_ASSERT(p == NULL, "a failed open left a handle");
		return;
	}
	d = fz_digest(p);
	fz_walk(p);
	fz_check_reimport(p);
	FZ_ASSERT(pws_policy_new(&q, &o) == PWS_OK, "the store does not reopen");
	FZ_ASSERT(fz_digest(q) == d, "the store reopens to another digest");
	pws_policy_free(q);
	/* a change on top of it, then a compaction */
	rc = pws_team_add(p, "fz-team", "Fz", PWS_PLAN_ENTERPRISE, 0, &r);
	if (rc == PWS_OK) {
		d = fz_digest(p);
		q = NULL;
		FZ_ASSERT(pws_policy_new(&q, &o) == PWS_OK, "the store does not reopen after a call");
		FZ_ASSERT(fz_digest(q) == d, "the store reopens to another digest after a call");
		pws_policy_free(q);
	}
	rc = pws_compact(p, &r);
	FZ_ASSERT(rc == PWS_OK, "pws_compact on a loaded store -> %d [%s]", rc, r.message);
	q = NULL;
	FZ_ASSERT(pws_policy_new(&q, &o) == PWS_OK, "the compacted store does not reopen");
	FZ_ASSERT(fz_digest(q) == fz_digest(p), "the compacted store reopens to another digest");
	pws_policy_free(q);
	pws_policy_free(p);
}

#endif
