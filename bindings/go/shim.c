/*
 * libpartnerws Go binding: C trampolines for the event, change and
 * storage callbacks (see shim.h).
 * SPDX-License-Identifier: MIT
 */
#include "shim.h"
#include "_cgo_export.h"

static void ev_tramp(const pws_event *ev, void *payload)
{
	pwsgoEvent((pws_event *)ev, (uintptr_t)payload);
}

static void change_tramp(uint64_t revision, void *payload)
{
	pwsgoChange(revision, (uintptr_t)payload);
}

static int st_load(void *ctx, pws_storage_sink sink, void *sink_ctx)
{
	return pwsgoStoreLoad((uintptr_t)ctx, sink, sink_ctx);
}

static int st_begin(void *ctx)
{
	return pwsgoStoreOp((uintptr_t)ctx, 0);
}

static int st_commit(void *ctx)
{
	return pwsgoStoreOp((uintptr_t)ctx, 1);
}

static int st_rollback(void *ctx)
{
	return pwsgoStoreOp((uintptr_t)ctx, 2);
}

static void st_close(void *ctx)
{
	pwsgoStoreOp((uintptr_t)ctx, 3);
}

static int st_put(void *ctx, uint32_t kind, const char *key, size_t key_len,
                  const void *data, size_t data_len)
{
	return pwsgoStorePut((uintptr_t)ctx, 0, kind, (char *)key, key_len, (void *)data, data_len);
}

static int st_append(void *ctx, uint32_t kind, const char *key, size_t key_len,
                     const void *data, size_t data_len)
{
	return pwsgoStorePut((uintptr_t)ctx, 1, kind, (char *)key, key_len, (void *)data, data_len);
}

static int st_del(void *ctx, uint32_t kind, const char *key, size_t key_len)
{
	return pwsgoStoreDel((uintptr_t)ctx, kind, (char *)key, key_len);
}

static int st_load_after(void *ctx, const char *key, size_t key_len, pws_storage_sink sink,
                         void *sink_ctx)
{
	return pwsgoStoreLoadAfter((uintptr_t)ctx, (char *)key, key_len, sink, sink_ctx);
}

pws_policy *pwsgo_new(int *rc, uintptr_t events, uintptr_t change, uintptr_t store,
                      int store_shared, uint32_t max_name, uint32_t max_text)
{
	pws_policy_options opts = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops ops = PWS_STORAGE_OPS_INIT;
	pws_policy *p = NULL;

	opts.max_name_bytes = max_name;
	opts.max_text_bytes = max_text;
	if (events) {
		opts.on_event = ev_tramp;
		opts.event_payload = (void *)events;
	}
	if (change) {
		opts.on_change = change_tramp;
		opts.change_payload = (void *)change;
	}
	if (store) {
		ops.ctx = (void *)store;
		ops.load = st_load;
		ops.begin = st_begin;
		ops.put = st_put;
		ops.del = st_del;
		ops.commit = st_commit;
		ops.rollback = st_rollback;
		ops.close = st_close;
		if (store_shared) {
			ops.append = st_append;
			ops.load_after = st_load_after;
		}
		opts.storage = &ops;
	}
	*rc = pws_policy_new(&p, &opts);
	return p;
}

int pwsgo_sink(pws_storage_sink sink, void *sink_ctx, uint32_t kind, const char *key,
               size_t key_len, const void *data, size_t data_len)
{
	return sink(sink_ctx, kind, key, key_len, data, data_len);
}
