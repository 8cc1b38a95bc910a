/*
 * The policy handle: options versioning, allocator hook, storage slot.
 * SPDX-License-Identifier: MIT
 */
#include "test-common.h"

#include <string.h>

START_TEST(handle_new_free_defaults)
{
	pws_policy *p = (pws_policy *)0x1;

	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	ck_assert_ptr_nonnull(p);
	pws_policy_free(p);
	pws_policy_free(NULL); /* accepted */
}
END_TEST

START_TEST(handle_new_rejects_bad_arguments)
{
	pws_policy *p = (pws_policy *)0x1;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_allocator a = PWS_ALLOCATOR_INIT;
	pws_storage_ops st = PWS_STORAGE_OPS_INIT;

	ck_assert_int_eq(pws_policy_new(NULL, NULL), PWS_EINVALID);

	o.version = 0;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_EINVALID);
	ck_assert_ptr_null(p);
	o.version = PWS_POLICY_OPTIONS_VERSION + 1;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_EINVALID);

	o.version = PWS_POLICY_OPTIONS_VERSION;
	o.allocator = &a; /* functions missing */
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_EINVALID);
	a = *tc_allocator();
	a.version = 99;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_EINVALID);

	o.allocator = NULL;
	o.storage = &st; /* close missing */
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_EINVALID);
	ck_assert_ptr_null(p);
}
END_TEST

START_TEST(handle_options_init_twins)
{
	pws_policy_options o, m = PWS_POLICY_OPTIONS_INIT;
	pws_allocator a, am = PWS_ALLOCATOR_INIT;
	pws_storage_ops s, sm = PWS_STORAGE_OPS_INIT;

	memset(&o, 0xff, sizeof o);
	ck_assert_int_eq(pws_policy_options_init(&o, PWS_POLICY_OPTIONS_VERSION), PWS_OK);
	ck_assert(o.version == m.version && !o.allocator && !o.storage && !o.on_event && !o.event_payload);
	ck_assert_int_eq(pws_policy_options_init(&o, 0), PWS_EINVALID);
	ck_assert_int_eq(pws_policy_options_init(&o, 2), PWS_EINVALID);
	ck_assert_int_eq(pws_policy_options_init(NULL, 1), PWS_EINVALID);

	memset(&a, 0xff, sizeof a);
	ck_assert_int_eq(pws_allocator_init(&a, PWS_ALLOCATOR_VERSION), PWS_OK);
	ck_assert(a.version == am.version && !a.ctx && !a.malloc_fn && !a.realloc_fn && !a.free_fn);
	ck_assert_int_eq(pws_allocator_init(NULL, 1), PWS_EINVALID);
	ck_assert_int_eq(pws_allocator_init(&a, 7), PWS_EINVALID);

	memset(&s, 0xff, sizeof s);
	ck_assert_int_eq(pws_storage_ops_init(&s, PWS_STORAGE_OPS_VERSION), PWS_OK);
	ck_assert(s.version == sm.version && !s.ctx && !s.load && !s.begin && !s.put && !s.del && !s.commit && !s.rollback && !s.close);
	ck_assert_int_eq(pws_storage_ops_init(NULL, 1), PWS_EINVALID);
	ck_assert_int_eq(pws_storage_ops_init(&s, 0), PWS_EINVALID);
}
END_TEST

static int closed;
static int ignore_put(void *ctx, uint32_t kind, const char *key, size_t key_len,
                      const void *data, size_t data_len)
{
	(void)ctx; (void)kind; (void)key; (void)key_len; (void)data; (void)data_len;
	return PWS_OK;
}

static void count_close(void *ctx)
{
	ck_assert_ptr_eq(ctx, &closed);
	closed++;
}

START_TEST(handle_storage_table_copied_and_closed)
{
	pws_policy *p;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops st = PWS_STORAGE_OPS_INIT;

	closed = 0;
	st.ctx = &closed;
	st.put = ignore_put;
	st.close = count_close;
	o.storage = &st;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	memset(&st, 0, sizeof st); /* the library keeps its own copy */
	ck_assert_int_eq(closed, 0);
	pws_policy_free(p);
	ck_assert_int_eq(closed, 1);
}
END_TEST

START_TEST(handle_uses_allocator_hook)
{
	pws_policy *p;
	tc_alloc_stats st;

	tc_alloc_reset();
	ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
	st = tc_alloc_stats_get();
	ck_assert_uint_gt(st.calls, 0);
	ck_assert_uint_gt(st.live_blocks, 0);
	pws_policy_free(p);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

/* Every allocation of pws_policy_new made to fail in turn: ENOMEM, no
 * handle, nothing leaked. */
START_TEST(handle_new_oom_sweep)
{
	pws_policy *p;
	size_t n, total;

	tc_alloc_reset();
	ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
	total = tc_alloc_stats_get().calls;
	pws_policy_free(p);
	for (n = 1; n <= total; n++) {
		tc_alloc_reset();
		tc_alloc_fail_at(n, 0);
		p = (pws_policy *)0x1;
		ck_assert_int_eq(tc_policy_new(&p), PWS_ENOMEM);
		ck_assert_ptr_null(p);
		ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
	}
}
END_TEST

Suite *pws_handle_suite(void)
{
	Suite *s = suite_create("handle");
	TCase *tc = tcase_create("lifecycle");

	tcase_add_test(tc, handle_new_free_defaults);
	tcase_add_test(tc, handle_new_rejects_bad_arguments);
	tcase_add_test(tc, handle_options_init_twins);
	tcase_add_test(tc, handle_storage_table_copied_and_closed);
	tcase_add_test(tc, handle_uses_allocator_hook);
	tcase_add_test(tc, handle_new_oom_sweep);
	suite_add_tcase(s, tc);
	return s;
}

/* The fixture itself must be right, or every OOM sweep proves nothing. */
START_TEST(fixture_fails_nth_and_counts)
{
	const pws_allocator *a = tc_allocator();
	void *x, *y, *z;

	tc_alloc_reset();
	tc_alloc_fail_at(2, 0);
	x = a->malloc_fn(a->ctx, 8);
	y = a->malloc_fn(a->ctx, 8);
	z = a->malloc_fn(a->ctx, 8);
	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_null(y);
	ck_assert_ptr_nonnull(z);
	ck_assert_uint_eq(tc_alloc_stats_get().failures, 1);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 2);
	ck_assert_uint_eq(tc_alloc_stats_get().live_bytes, 16);
	x = a->realloc_fn(a->ctx, x, 100);
	ck_assert_uint_eq(tc_alloc_stats_get().live_bytes, 108);
	a->free_fn(a->ctx, x);
	a->free_fn(a->ctx, z);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
	ck_assert_uint_eq(tc_alloc_stats_get().calls, 4);

	tc_alloc_reset();
	tc_alloc_fail_at(1, 1);
	ck_assert_ptr_null(a->malloc_fn(a->ctx, 1));
	ck_assert_ptr_null(a->malloc_fn(a->ctx, 1));
	ck_assert_uint_eq(tc_alloc_stats_get().failures, 2);
	tc_alloc_reset();
}
END_TEST

Suite *pws_alloc_fixture_suite(void)
{
	Suite *s = suite_create("alloc-fixture");
	TCase *tc = tcase_create("fault-allocator");

	tcase_add_test(tc, fixture_fails_nth_and_counts);
	suite_add_tcase(s, tc);
	return s;
}
