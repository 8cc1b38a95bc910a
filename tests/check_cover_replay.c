/*
 * Hostile stores (doc/STORAGE.md): records that are well framed but do
 * not match their operation -- a wrong number of arguments, an argument of
 * the wrong type, an unknown opcode, a bad key -- and records that are
 * not well framed at all. Every one is refused at open (PWS_ESTORAGE), no
 * handle is returned, and nothing crashes.
 * SPDX-License-Identifier: MIT
 */
#include "test-common.h"
#include "../lib/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- a store of hand-made records, load only -------------------------------- */

typedef struct hrec {
	uint32_t kind;
	char key[24];
	size_t key_len;
	unsigned char *data;
	size_t len;
	int null_key;
} hrec;

typedef struct hstore {
	hrec v[8];
	size_t n;
} hstore;

static int h_load(void *ctx, pws_storage_sink sink, void *sink_ctx)
{
	hstore *s = ctx;
	size_t i;

	for (i = 0; i < s->n; i++) {
		int rc = sink(sink_ctx, s->v[i].kind, s->v[i].null_key ? NULL : s->v[i].key,
		              s->v[i].key_len, s->v[i].data,
		              s->v[i].len);

		if (rc)
			return rc;
	}
	return PWS_OK;
}

static int h_put(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                 size_t len)
{
	(void)ctx, (void)kind, (void)key, (void)key_len, (void)data, (void)len;
	return PWS_ESTORAGE; /* these tests only load */
}

static void h_close(void *ctx)
{
	(void)ctx;
}

static void h_free(hstore *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].data);
	memset(s, 0, sizeof(*s));
}

static pws__mem mem;

/* Appends a record with key seq (16 hex digits) and these bytes. */
static void h_add(hstore *s, uint64_t seq, const void *data, size_t len)
{
	hrec *r = &s->v[s->n++];

	ck_assert_uint_le(s->n, 8);
	r->kind = PWS_RECORD_OP;
	snprintf(r->key, sizeof r->key, "%016llx", (unsigned long long)seq);
	r->key_len = 16;
	r->data = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(r->data);
	if (len)
		memcpy(r->data, data, len);
	r->len = len;
}

/* Seals r (record format 2: the CRC-32C trailer the library writes) and
 * appends it, so what a test feeds the decoder reaches it past the
 * checksum. */
static void h_add_rec(hstore *s, uint64_t seq, pws__rec *r)
{
	pws__rec_seal(&mem, r);
	ck_assert(!r->oom);
	h_add(s, seq, r->buf, r->len);
}

/* Opens a policy on the store; returns the code, frees any handle. */
static int h_open(hstore *s)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops ops = PWS_STORAGE_OPS_INIT;
	pws_policy *p = (pws_policy *)0x1;
	int rc;

	ops.ctx = s;
	ops.load = h_load;
	ops.put = h_put;
	ops.close = h_close;
	o.storage = &ops;
	rc = pws_policy_new(&p, &o);
	if (rc == PWS_OK) {
		ck_assert_ptr_nonnull(p);
		pws_policy_free(p);
	} else {
		ck_assert_ptr_null(p);
	}
	return rc;
}

/* The record team_add("pub", "Publisher", plan, sso): a good first record. */
static void good_team(pws__rec *r)
{
	pws__rec_start(&mem, r, PWS__OP_TEAM_ADD);
	pws__rec_str(&mem, r, "pub");
	pws__rec_str(&mem, r, "Publisher");
	pws__rec_int(&mem, r, PWS_PLAN_ENTERPRISE);
	pws__rec_int(&mem, r, 0);
}

static void setup(void)
{
	pws__mem_default(&mem);
}

/* A store of one good record loads (the baseline the refusals differ from). */
START_TEST(store_good_record_loads)
{
	hstore s;
	pws__rec r;

	memset(&s, 0, sizeof s);
	good_team(&r);
	h_add_rec(&s, 1, &r);
	pws__rec_free(&mem, &r);
	ck_assert_int_eq(h_open(&s), PWS_OK);
	h_free(&s);
}
END_TEST

/* Every operation with every argument count from 0 to 9, the arguments
 * all absent ('n'): a count the operation does not take is refused before
 * the call, the right count reaches the call, which refuses the missing
 * arguments. Either way the store does not load. */
START_TEST(store_record_wrong_arity_refused)
{
	int op, n, k;

	for (op = 0; op <= PWS__OP_MAX + 1; op++) {
		if (op == PWS__OP_STATE_IMAGE)
			continue;
		for (n = 0; n <= 9; n++) {
			hstore s;
			pws__rec r;

			memset(&s, 0, sizeof s);
			pws__rec_start(&mem, &r, op);
			for (k = 0; k < n; k++)
				pws__rec_str(&mem, &r, NULL);
			h_add_rec(&s, 1, &r);
			pws__rec_free(&mem, &r);
			ck_assert_msg(h_open(&s) == PWS_ESTORAGE, "opcode %d with %d arguments loaded",
			              op, n);
			h_free(&s);
		}
	}
}
END_TEST

/* Every operation with every argument count, all arguments strings (an
 * id no call knows), or all integers: a string where an integer belongs,
 * or an integer where a string belongs, makes the record malformed. The
 * one operation that takes only integers, plan_set_retention, loads with
 * its three. */
START_TEST(store_record_wrong_types_refused)
{
	int op, n, k, as_int;

	for (as_int = 0; as_int <= 1; as_int++)
		for (op = 1; op <= PWS__OP_MAX; op++) {
			if (op == PWS__OP_STATE_IMAGE)
				continue;
			for (n = 0; n <= 8; n++) {
				hstore s;
				pws__rec r;
				pws__rec t;

				memset(&s, 0, sizeof s);
				good_team(&t);
				h_add_rec(&s, 1, &t);
				pws__rec_free(&mem, &t);
				pws__rec_start(&mem, &r, op);
				for (k = 0; k < n; k++) {
					if (as_int)
						pws__rec_int(&mem, &r, 1);
					else
						pws__rec_str(&mem, &r, "zz");
				}
				h_add_rec(&s, 2, &r);
				pws__rec_free(&mem, &r);
				ck_assert_msg(h_open(&s) == (as_int && n == 3 &&
				                             op == PWS__OP_PLAN_SET_RETENTION
				                             ? PWS_OK : PWS_ESTORAGE),
				              "opcode %d with %d %s arguments loaded", op, n,
				              as_int ? "integer" : "string");
				h_free(&s);
			}
		}
}
END_TEST

/* A state image record must be two strings. */
START_TEST(store_state_image_malformed_refused)
{
	static const char *const shapes[] = { "", "s", "ss", "si", "is", "sn", "sss" };
	size_t i, k;

	for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		hstore s;
		pws__rec r;

		memset(&s, 0, sizeof s);
		pws__rec_start(&mem, &r, PWS__OP_STATE_IMAGE);
		for (k = 0; shapes[i][k]; k++) {
			if (shapes[i][k] == 's')
				pws__rec_bytes(&mem, &r, "xx", 2);
			else if (shapes[i][k] == 'i')
				pws__rec_int(&mem, &r, 7);
			else
				pws__rec_str(&mem, &r, NULL);
		}
		h_add_rec(&s, 1, &r);
		pws__rec_free(&mem, &r);
		ck_assert_msg(h_open(&s) == PWS_ESTORAGE, "image shape '%s' loaded", shapes[i]);
		h_free(&s);
	}
}
END_TEST

/* Keys: exactly 16 lowercase hex digits, from 1, without gaps; and only
 * records of kind PWS_RECORD_OP. */
START_TEST(store_bad_keys_refused)
{
	static const char *const keys[] = {
		"1", "000000000000001", "00000000000000001", "000000000000000G",
		"000000000000000A", "00000000000000/1", "000000000000000:",
		"000000000000000`", "000000000000000g", "0000000000000000",
		"0000000000000002",
	};
	size_t i;
	hstore s;
	pws__rec r;

	good_team(&r);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		memset(&s, 0, sizeof s);
		h_add_rec(&s, 1, &r);
		memcpy(s.v[0].key, keys[i], strlen(keys[i]));
		s.v[0].key_len = strlen(keys[i]);
		ck_assert_msg(h_open(&s) == PWS_ESTORAGE, "key '%s' loaded", keys[i]);
		h_free(&s);
	}
	/* another kind of record */
	memset(&s, 0, sizeof s);
	h_add_rec(&s, 1, &r);
	s.v[0].kind = PWS_RECORD_OP + 1;
	ck_assert_int_eq(h_open(&s), PWS_ESTORAGE);
	h_free(&s);
	/* no key */
	memset(&s, 0, sizeof s);
	h_add_rec(&s, 1, &r);
	s.v[0].null_key = 1;
	ck_assert_int_eq(h_open(&s), PWS_ESTORAGE);
	h_free(&s);
	/* a repeated key */
	memset(&s, 0, sizeof s);
	h_add_rec(&s, 1, &r);
	h_add_rec(&s, 1, &r);
	ck_assert_int_eq(h_open(&s), PWS_ESTORAGE);
	h_free(&s);
	pws__rec_free(&mem, &r);
}
END_TEST

/* The framing of a record (format byte, argument count, lengths, types,
 * trailing bytes): every truncation of a good record and a set of
 * damaged headers are refused. */
START_TEST(store_record_framing_refused)
{
	pws__rec r;
	hstore s;
	size_t cut;
	unsigned char b[64];

	good_team(&r);
	/* format 1 (no checksum, still read): each damage below reaches the
	 * framing checks instead of failing the CRC-32C of format 2 */
	r.buf[0] = 1;
	memset(&s, 0, sizeof s);
	h_add(&s, 1, r.buf, r.len);
	ck_assert_int_eq(h_open(&s), PWS_OK); /* undamaged, it loads */
	h_free(&s);
	for (cut = 0; cut < r.len; cut++) {
		memset(&s, 0, sizeof s);
		h_add(&s, 1, r.buf, cut);
		ck_assert_msg(h_open(&s) == PWS_ESTORAGE, "record cut at %zu loaded", cut);
		h_free(&s);
	}
	/* one byte too many */
	memcpy(b, r.buf, r.len);
	b[r.len] = 0;
	memset(&s, 0, sizeof s);
	h_add(&s, 1, b, r.len + 1);
	ck_assert_int_eq(h_open(&s), PWS_ESTORAGE);
	h_free(&s);
	/* an unknown argument type */
	memcpy(b, r.buf, r.len);
	b[6] = 'x';
	memset(&s, 0, sizeof s);
	h_add(&s, 1, b, r.len);
	ck_assert_int_eq(h_open(&s), PWS_ESTORAGE);
	h_free(&s);
	/* more arguments than any call takes */
	memcpy(b, r.buf, r.len);
	b[4] = PWS__REC_MAXARGS + 1;
	b[5] = 0;
	memset(&s, 0, sizeof s);
	h_add(&s, 1, b, r.len);
	ck_assert_int_eq(h_open(&s), PWS_ESTORAGE);
	h_free(&s);
	/* a string length past the end */
	memcpy(b, r.buf, r.len);
	b[7] = 0xff;
	memset(&s, 0, sizeof s);
	h_add(&s, 1, b, r.len);
	ck_assert_int_eq(h_open(&s), PWS_ESTORAGE);
	h_free(&s);
	pws__rec_free(&mem, &r);
	/* decoding a NULL record */
	{
		pws__arg a[PWS__REC_MAXARGS];
		int op, n;

		ck_assert_int_eq(pws__rec_decode(NULL, 6, &op, a, &n), PWS_EINVALID);
	}
}
END_TEST

/* A record that decodes and names a call, whose call then fails on the
 * state (here: a user of a team that does not exist), is a store that lost
 * a call: refused. */
START_TEST(store_record_call_fails_refused)
{
	hstore s;
	pws__rec r;

	memset(&s, 0, sizeof s);
	pws__rec_start(&mem, &r, PWS__OP_USER_ADD);
	pws__rec_str(&mem, &r, "u1");
	pws__rec_str(&mem, &r, "nosuchteam");
	pws__rec_str(&mem, &r, "u1@pub.io");
	pws__rec_int(&mem, &r, 0);
	pws__rec_int(&mem, &r, 0);
	h_add_rec(&s, 1, &r);
	pws__rec_free(&mem, &r);
	ck_assert_int_eq(h_open(&s), PWS_ESTORAGE);
	h_free(&s);
}
END_TEST

/* migrate_many's record joins its ids with '\n': an absent (NULL) list is
 * damage. */
START_TEST(store_migrate_many_null_list_refused)
{
	hstore s;
	pws__rec r, t;

	memset(&s, 0, sizeof s);
	good_team(&t);
	h_add_rec(&s, 1, &t);
	pws__rec_free(&mem, &t);
	pws__rec_start(&mem, &r, PWS__OP_WS_MIGRATE_MANY);
	pws__rec_str(&mem, &r, "u1");
	pws__rec_str(&mem, &r, NULL);
	h_add_rec(&s, 2, &r);
	pws__rec_free(&mem, &r);
	ck_assert_int_eq(h_open(&s), PWS_ESTORAGE);
	h_free(&s);
}
END_TEST

Suite *pws_cover_replay_suite(void)
{
	Suite *s = suite_create("cover_replay");
	TCase *tc = tcase_create("hostile-store");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, store_good_record_loads);
	tcase_add_test(tc, store_record_wrong_arity_refused);
	tcase_add_test(tc, store_record_wrong_types_refused);
	tcase_add_test(tc, store_state_image_malformed_refused);
	tcase_add_test(tc, store_bad_keys_refused);
	tcase_add_test(tc, store_record_framing_refused);
	tcase_add_test(tc, store_record_call_fails_refused);
	tcase_add_test(tc, store_migrate_many_null_list_refused);
	suite_add_tcase(s, tc);
	return s;
}
