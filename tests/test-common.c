/*
 * The fault-injecting, counting allocator used by every suite.
 * SPDX-License-Identifier: MIT
 */
#include "test-common.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Each block carries its size in a header so live bytes can be tracked. */
typedef union hdr {
	size_t size;
	max_align_t align;
} hdr;

static tc_alloc_stats stats;
static size_t fail_n;       /* 0: disarmed */
static int fail_persistent;

void tc_alloc_reset(void)
{
	memset(&stats, 0, sizeof(stats));
	fail_n = 0;
	fail_persistent = 0;
}

void tc_alloc_fail_at(size_t n, int persistent)
{
	fail_n = n == 0 ? 0 : stats.calls + n;
	fail_persistent = persistent;
}

static int should_fail(void)
{
	stats.calls++;
	if (fail_n && (stats.calls == fail_n ||
	               (fail_persistent && stats.calls > fail_n))) {
		stats.failures++;
		return 1;
	}
	return 0;
}

static void *t_malloc(void *ctx, size_t size)
{
	hdr *h;

	(void)ctx;
	if (should_fail())
		return NULL;
	h = malloc(sizeof(hdr) + size);
	if (!h)
		return NULL;
	h->size = size;
	stats.live_blocks++;
	stats.live_bytes += size;
	if (stats.live_bytes > stats.peak_bytes)
		stats.peak_bytes = stats.live_bytes;
	return h + 1;
}

static void *t_realloc(void *ctx, void *ptr, size_t size)
{
	hdr *h = (hdr *)ptr - 1, *n;
	size_t old = h->size;

	(void)ctx;
	if (should_fail())
		return NULL;
	n = realloc(h, sizeof(hdr) + size);
	if (!n)
		return NULL;
	n->size = size;
	stats.live_bytes = stats.live_bytes - old + size;
	if (stats.live_bytes > stats.peak_bytes)
		stats.peak_bytes = stats.live_bytes;
	return n + 1;
}

static void t_free(void *ctx, void *ptr)
{
	hdr *h = (hdr *)ptr - 1;

	(void)ctx;
	stats.live_blocks--;
	stats.live_bytes -= h->size;
	free(h);
}

static const pws_allocator fault_alloc = {
	PWS_ALLOCATOR_VERSION, NULL, t_malloc, t_realloc, t_free
};

const pws_allocator *tc_allocator(void)
{
	return &fault_alloc;
}

tc_alloc_stats tc_alloc_stats_get(void)
{
	return stats;
}

int tc_policy_new(pws_policy **out)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;

	o.allocator = tc_allocator();
	return pws_policy_new(out, &o);
}

/* --- re-entry from under the write lock ------------------------------- */
static atomic_int reenter_armed;
static void (*reenter_hook)(void);

static void *reenter_malloc(void *ctx, size_t size)
{
	(void)ctx;
	if (atomic_exchange(&reenter_armed, 0))
		reenter_hook();
	return malloc(size);
}

static void *reenter_realloc(void *ctx, void *ptr, size_t size)
{
	(void)ctx;
	return realloc(ptr, size);
}

static void reenter_free(void *ctx, void *ptr)
{
	(void)ctx;
	free(ptr);
}

void tc_reenter_allocator(pws_allocator *a, void (*hook)(void))
{
	const pws_allocator init = PWS_ALLOCATOR_INIT;

	*a = init;
	a->malloc_fn = reenter_malloc;
	a->realloc_fn = reenter_realloc;
	a->free_fn = reenter_free;
	reenter_hook = hook;
	atomic_store(&reenter_armed, 0);
}

int tc_reenter_fire(pws_policy *p)
{
	pws_result r;
	int rc;

	atomic_store(&reenter_armed, 1);
	if (pws_result_init(&r, PWS_RESULT_VERSION) != PWS_OK)
		return 0;
	rc = pws_team_add(p, "brand-new-team", "B", PWS_PLAN_BASIC, 0, &r);
	return rc == PWS_OK && !atomic_exchange(&reenter_armed, 0);
}
