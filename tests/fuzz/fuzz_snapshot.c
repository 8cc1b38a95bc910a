/*
 * Fuzz target: pws_snapshot_import of fuzzed JSON into a handle holding
 * a small world, on a store. Promises: no crash, no leak, no UB; a refused
 * snapshot changes neither the digest nor the store and emits no event;
 * an accepted one re-exports and re-imports to the same digest, reloads
 * from the store to the same digest, survives every check and listing,
 * and compacts into a store that reloads to the same digest.
 * SPDX-License-Identifier: MIT
 */
#include "fuzz-walk.h"
#include "fuzz-world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned events;

static void on_event(const pws_event *e, void *payload)
{
	(void)e;
	(void)payload;
	events++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mem_store st;
	pws_storage_ops ops;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_policy *p = NULL, *q = NULL;
	pws_result r = PWS_RESULT_INIT;
	uint64_t d0, h0;
	int rc;

	if (size > 65536)
		return 0;
	memset(&st, 0, sizeof st);
	ops = fz_store_ops(&st);
	o.storage = &ops;
	o.on_event = on_event;
	FZ_ASSERT(pws_policy_new(&p, &o) == PWS_OK, "pws_policy_new");
	fz_world(p, 0);
	d0 = fz_digest(p);
	h0 = mem_store_hash(&st);
	events = 0;
	rc = pws_snapshot_import(p, (const char *)data, size, &r);
	if (rc != PWS_OK) {
		FZ_ASSERT(rc == PWS_EINVALID, "a refused snapshot -> %d, not PWS_EINVALID", rc);
		FZ_ASSERT(fz_digest(p) == d0, "a refused snapshot changed the digest [%s]",
		          r.message);
		FZ_ASSERT(mem_store_hash(&st) == h0, "a refused snapshot changed the store");
		FZ_ASSERT(r.message[0], "a refused snapshot without a message");
	} else {
		fz_walk(p);
		fz_check_reimport(p);
	}
	FZ_ASSERT(events == 0, "importing emitted %u events", events);
	/* the store reloads to the same state; compacted too */
	o.on_event = NULL;
	rc = pws_policy_new(&q, &o);
	FZ_ASSERT(rc == PWS_OK, "reloading the store -> %d", rc);
	FZ_ASSERT(fz_digest(q) == fz_digest(p), "the store reloads to another digest");
	pws_policy_free(q);
	if (rc == PWS_OK) {
		pws_result c = PWS_RESULT_INIT;

		rc = pws_compact(p, &c);
		FZ_ASSERT(rc == PWS_OK, "pws_compact -> %d [%s]", rc, c.message);
		q = NULL;
		rc = pws_policy_new(&q, &o);
		FZ_ASSERT(rc == PWS_OK, "reloading the compacted store -> %d", rc);
		FZ_ASSERT(fz_digest(q) == fz_digest(p), "the compacted store reloads to another digest");
		pws_policy_free(q);
	}
	pws_policy_free(p);
	mem_store_clear(&st);
	return 0;
}
