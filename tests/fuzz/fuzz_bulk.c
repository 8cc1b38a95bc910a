/*
 * Fuzz target: bulk invites (IN5), CSV and TXT, all-or-nothing and best
 * effort, on a small world with a store. The first byte picks the format,
 * mode, kind, role, Partner Lead flag, asking and the workspace; the
 * second, a storage or allocation failure to inject; the rest is the text.
 * Promises: no crash, no leak; a failed call changes neither the digest
 * nor the store and emits no event; an asked call changes nothing; the
 * report counts agree with the call; all-or-nothing with a bad line
 * invites nobody; every reported line exists; the store reloads and the
 * snapshot re-imports to the same digest.
 * SPDX-License-Identifier: MIT
 */
#include "fuzz-world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned events;

static void on_event(const pws_event *e, void *payload)
{
	(void)e;
	(void)payload;
	events++;
}

static size_t count_lines(const char *t, size_t n)
{
	size_t i, lines = 1;

	for (i = 0; i < n; i++)
		if (t[i] == '\n' || (t[i] == '\r' && (i + 1 == n || t[i + 1] != '\n')))
			lines++;
	return lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const actors[] = {"pm", "sa", "ad", "a1", "dv", "solo"};
	static const char *const wss[] = {"pw", "lw", "pw2", "tw"};
	mem_store st;
	pws_storage_ops ops;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_policy *p = NULL, *q = NULL;
	pws_bulk_report *rep = NULL;
	pws_result r = PWS_RESULT_INIT;
	unsigned b0, b1, b2;
	int format, mode, kind, role, lead, rc;
	uint64_t d0, h0;
	const char *text;
	size_t len, i;

	if (size < 3 || size > 8192)
		return 0;
	b0 = data[0];
	b1 = data[1];
	b2 = data[2];
	text = (const char *)data + 3;
	len = size - 3;
	format = b0 & 1 ? PWS_BULK_CSV : PWS_BULK_TXT;
	mode = b0 & 2 ? PWS_BULK_BEST_EFFORT : PWS_BULK_ALL_OR_NOTHING;
	kind = b0 & 4 ? PWS_INVITE_MEMBER : PWS_INVITE_PARTNER;
	role = (b0 >> 3) % 4; /* 0: a bad role now and then */
	lead = (b0 >> 5) & 1;
	if (b0 >> 6 & 1)
		r.request = PWS_REQUEST_ASK;

	memset(&st, 0, sizeof st);
	ops = fz_store_ops(&st);
	o.storage = &ops;
	o.allocator = &fz_allocator;
	o.on_event = on_event;
	FZ_ASSERT(pws_policy_new(&p, &o) == PWS_OK, "pws_policy_new");
	fz_world(p, b2);

	d0 = fz_digest(p);
	h0 = mem_store_hash(&st);
	events = 0;
	/* b1: 0-127 no failure; then a storage failure (1-8th call) or an
	 * allocation failure (1st to 56th) */
	if (b1 >= 128 && b1 < 136)
		mem_store_arm(&st, b1 - 127);
	else if (b1 >= 136 && b1 < 192)
		fz_alloc_arm(b1 - 135);
	rc = pws_invite_bulk(p, (b2 & 2) ? NULL : &rep, actors[(b2 >> 2) % FZ_N(actors)],
	                     wss[(b2 >> 5) % FZ_N(wss)], text, len, format, mode, kind, role,
	                     lead, &r);
	mem_store_arm(&st, 0);
	fz_alloc_arm(0);
	FZ_ASSERT(r.code == rc, "result code %d, returned %d", r.code, rc);
	if (rc != PWS_OK || r.request) {
		FZ_ASSERT(fz_digest(p) == d0, "bulk invite -> %d (asked %u) changed the digest", rc,
		          r.request);
		FZ_ASSERT(mem_store_hash(&st) == h0, "bulk invite -> %d (asked %u) changed the store",
		          rc, r.request);
		FZ_ASSERT(events == 0, "bulk invite -> %d (asked %u) emitted %u events", rc,
		          r.request, events);
	}
	if (rc == PWS_OK && r.request)
		FZ_ASSERT(r.flags & PWS_RESULT_ASKED, "asked, OK, without PWS_RESULT_ASKED");
	if (rep) {
		size_t nerr = pws_bulk_report_errors(rep), ninv = pws_bulk_report_invited(rep);
		size_t lines = count_lines(text, len);

		if (rc == PWS_OK && mode == PWS_BULK_ALL_OR_NOTHING && !r.request)
			FZ_ASSERT(nerr == 0, "all-or-nothing succeeded with %zu bad lines", nerr);
		if (mode == PWS_BULK_ALL_OR_NOTHING && nerr)
			FZ_ASSERT(fz_digest(p) == d0, "all-or-nothing with %zu bad lines changed state",
			          nerr);
		(void)ninv;
		for (i = 0; i < nerr; i++) {
			uint32_t line = 0;
			int code = 0, rule = 0;
			const char *msg = NULL;

			FZ_ASSERT(pws_bulk_report_get(rep, i, &line, &code, &rule, &msg) == PWS_OK,
			          "report entry %zu of %zu", i, nerr);
			FZ_ASSERT(line >= 1 && line <= lines, "line %u of %zu lines", line, lines);
			FZ_ASSERT(code != PWS_OK && msg, "a bad line without code or message");
		}
		FZ_ASSERT(pws_bulk_report_get(rep, nerr, NULL, NULL, NULL, NULL) != PWS_OK,
		          "report entry past the end");
		pws_bulk_report_free(rep);
	}

	/* the store reloads to the same digest; the snapshot re-imports */
	o.on_event = NULL;
	ops = fz_store_ops(&st);
	rc = pws_policy_new(&q, &o);
	FZ_ASSERT(rc == PWS_OK, "reloading the store -> %d", rc);
	FZ_ASSERT(fz_digest(q) == fz_digest(p), "the store reloads to another digest");
	pws_policy_free(q);
	fz_check_reimport(p);
	pws_policy_free(p);
	mem_store_clear(&st);
	return 0;
}
