/*
 * Bulk invite text parsing (POLICY.md IN5; RELIABILITY.md 3.3): every
 * line that is not skipped yields one entry with its 1-based number, bad
 * lines never cost the good ones, and running out of memory leaves
 * nothing behind.
 * SPDX-License-Identifier: MIT
 */
#include "test-common.h"
#include "../lib/bulk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Every parse in this file goes through the counting fault allocator, so
 * each test also proves nothing leaks. */
static pws__mem test_mem(void)
{
	pws__mem m;

	m.a = *tc_allocator();
	return m;
}

static pws__bulk_list L;
static pws__mem M;

static void setup(void)
{
	tc_alloc_reset();
	M = test_mem();
	memset(&L, 0, sizeof L);
}

static void teardown(void)
{
	pws__bulk_list_free(&M, &L);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}

/* Parses len bytes of text; asserts PWS_OK and n entries. */
static void parse_n(const char *text, size_t len, int format, size_t n)
{
	pws__bulk_list_free(&M, &L);
	ck_assert_int_eq(pws__bulk_parse(&M, text, len, format, &L), PWS_OK);
	ck_assert_msg(L.n == n, "expected %zu entries, got %zu", n, L.n);
}

#define PARSE(lit, fmt, n) parse_n((lit), sizeof(lit) - 1, (fmt), (n))

static void good(size_t i, uint32_t line, const char *email)
{
	ck_assert_uint_lt(i, L.n);
	ck_assert_msg(L.v[i].code == PWS_OK, "entry %zu (line %u) bad: %s", i,
	              (unsigned)L.v[i].line, L.v[i].error ? L.v[i].error : "?");
	ck_assert_uint_eq(L.v[i].line, line);
	ck_assert_str_eq(L.v[i].email, email);
	ck_assert_ptr_null(L.v[i].error);
}

/* A bad entry; why may be NULL when any reason will do. */
static void bad(size_t i, uint32_t line, const char *why)
{
	ck_assert_uint_lt(i, L.n);
	ck_assert_msg(L.v[i].code == PWS_EINVALID, "entry %zu (line %u) good: %s", i,
	              (unsigned)L.v[i].line, L.v[i].email ? L.v[i].email : "?");
	ck_assert_uint_eq(L.v[i].line, line);
	ck_assert_ptr_null(L.v[i].email);
	ck_assert_ptr_nonnull(L.v[i].error);
	if (why)
		ck_assert_str_eq(L.v[i].error, why);
}

/* ---- TXT ------------------------------------------------------------------ */

START_TEST(IN5_txt_one_address_per_line)
{
	PARSE("a@acme.com\nB@Beta.ORG.\nc+tag@gamma.net", PWS_BULK_TXT, 3);
	good(0, 1, "a@acme.com");
	good(1, 2, "b@beta.org");
	good(2, 3, "c+tag@gamma.net"); /* no final newline */
}
END_TEST

START_TEST(IN5_txt_line_endings)
{
	PARSE("a@x.com\r\nb@x.com\rc@x.com\nd@x.com\r\n\r\ne@x.com\r", PWS_BULK_TXT, 5);
	good(0, 1, "a@x.com");
	good(1, 2, "b@x.com");
	good(2, 3, "c@x.com");
	good(3, 4, "d@x.com");
	good(4, 6, "e@x.com");
	PARSE("\n\r\n\r\rz@x.com", PWS_BULK_TXT, 1);
	good(0, 5, "z@x.com");
}
END_TEST

START_TEST(IN5_txt_bom_skipped)
{
	PARSE("\xEF\xBB\xBF" "a@x.com\r\nb@x.com\r\n", PWS_BULK_TXT, 2);
	good(0, 1, "a@x.com");
	good(1, 2, "b@x.com");
	PARSE("\xEF\xBB\xBF", PWS_BULK_TXT, 0);
	/* Only at the start: a BOM later is just a non-ASCII byte. */
	PARSE("a@x.com\n\xEF\xBB\xBF" "b@x.com\n", PWS_BULK_TXT, 2);
	bad(1, 2, NULL);
}
END_TEST

START_TEST(IN5_txt_comments_blank_lines_and_trimming)
{
	PARSE("# invitees\n\n   \n\t a@x.com \t\n  # indented comment\n#b@x.com\nc@x.com\n\n",
	      PWS_BULK_TXT, 2);
	good(0, 4, "a@x.com");
	good(1, 7, "c@x.com");
	PARSE("", PWS_BULK_TXT, 0);
	PARSE("\n\n\n", PWS_BULK_TXT, 0);
}
END_TEST

START_TEST(IN5_txt_display_name_form)
{
	PARSE("Jane Doe <jane@ACME.com>\n<bob@x.com>\n\"Doe, John\" <john@x.com>\n"
	      "Eve < eve@x.com >\n", PWS_BULK_TXT, 4);
	good(0, 1, "jane@acme.com");
	good(1, 2, "bob@x.com");
	good(2, 3, "john@x.com");
	good(3, 4, "eve@x.com");
	PARSE("Jane <jane@x.com\nJane jane@x.com>\n<a@x.com> <b@x.com>\n"
	      "a <b> c@x.com\n<>\nA <a<b@x.com>\n", PWS_BULK_TXT, 6);
	bad(0, 1, "malformed \"Name <address>\"");
	bad(1, 2, "malformed \"Name <address>\"");
	bad(2, 3, "malformed \"Name <address>\"");
	bad(3, 4, "malformed \"Name <address>\"");
	bad(4, 5, NULL);
	bad(5, 6, "malformed \"Name <address>\"");
}
END_TEST

START_TEST(IN5_txt_bad_lines_reported_good_ones_kept)
{
	PARSE("good1@x.com\nnot an address\nuser@\xd0\xb0" "cme.com\n"
	      "good2@x.com\nuser@localhost\na@b@c.com\ngood3@x.com\n",
	      PWS_BULK_TXT, 7);
	good(0, 1, "good1@x.com");
	bad(1, 2, "contains whitespace");
	bad(2, 3, "contains a non-ASCII character (lookalike?)");
	good(3, 4, "good2@x.com");
	bad(4, 5, "single-label domain");
	bad(5, 6, "more than one '@'");
	good(6, 7, "good3@x.com");
}
END_TEST

/* ---- CSV ------------------------------------------------------------------ */

START_TEST(IN5_csv_no_header_takes_column_0)
{
	PARSE("a@x.com,Alice\nb@x.com,Bob\nc@x.com\n", PWS_BULK_CSV, 3);
	good(0, 1, "a@x.com");
	good(1, 2, "b@x.com");
	good(2, 3, "c@x.com");
}
END_TEST

START_TEST(IN5_csv_header_detection)
{
	PARSE("Name,Email\nAlice,a@x.com\nBob,b@x.com\n", PWS_BULK_CSV, 2);
	good(0, 2, "a@x.com");
	good(1, 3, "b@x.com");
	PARSE("id, E-Mail ,name\n1,a@x.com,A\n", PWS_BULK_CSV, 1);
	good(0, 2, "a@x.com");
	PARSE("\n\n\"Full name\",\"EMAIL ADDRESS\"\n\"Doe, Jane\",jane@x.com\n",
	      PWS_BULK_CSV, 1);
	good(0, 4, "jane@x.com");
	/* "mail" or "emails" are not header names: that row is data. */
	PARSE("mail,name\na@x.com,A\n", PWS_BULK_CSV, 2);
	bad(0, 1, NULL);
	good(1, 2, "a@x.com");
	/* Only the first non-blank record can be the header. */
	PARSE("a@x.com\nemail\n", PWS_BULK_CSV, 2);
	good(0, 1, "a@x.com");
	bad(1, 2, NULL);
	/* A header alone. */
	PARSE("email\r\n", PWS_BULK_CSV, 0);
}
END_TEST

START_TEST(IN5_csv_semicolon_separator)
{
	PARSE("\xEF\xBB\xBFName;E-mail;Note\r\n\"Doe; Jane\";jane@x.com;\"a,b\"\r\n"
	      "Bob;bob@x.com\r\n;;\r\nCarl\r\n", PWS_BULK_CSV, 3);
	good(0, 2, "jane@x.com");
	good(1, 3, "bob@x.com");
	bad(2, 5, "missing email column");
	/* Without a ';' header, ';' is not a separator, so nothing is
	 * silently split off. */
	PARSE("a@x.com;b@x.com\n", PWS_BULK_CSV, 1);
	bad(0, 1, NULL);
}
END_TEST

START_TEST(IN5_csv_quotes_and_escapes)
{
	PARSE("name,email\n\"Doe, John\",\"john@x.com\"\n"
	      "\"Say \"\"hi\"\"\",  \" bob@x.com \"  \n"
	      "x,\"\"\"q\"\"@x.com\"\n"
	      "x,\"Ann <ann@x.com>\"\n"
	      "x,Ann <ann2@x.com>\n"
	      "x,\"a@x.com\"junk\n"
	      "x,a\"b@x.com\n", PWS_BULK_CSV, 7);
	good(0, 2, "john@x.com");
	good(1, 3, "bob@x.com");
	bad(2, 4, "quoted local part not allowed");
	good(3, 5, "ann@x.com");
	good(4, 6, "ann2@x.com");
	bad(5, 7, "text after closing quote");
	bad(6, 8, NULL);
}
END_TEST

START_TEST(IN5_csv_multiline_quoted_field_line_numbers)
{
	PARSE("name,email,note\n"
	      "\"Alice\nSmith\",alice@x.com,\"line1\r\nline2\rline3\"\n"
	      "Bob,bob@x.com,\n"
	      "\"Carl\n\n\",carl@x.com\n"
	      "Dan,dan@x.com\n", PWS_BULK_CSV, 4);
	good(0, 2, "alice@x.com");
	good(1, 6, "bob@x.com");
	good(2, 7, "carl@x.com");
	good(3, 10, "dan@x.com");
}
END_TEST

START_TEST(IN5_csv_unterminated_quote_keeps_later_lines)
{
	PARSE("email\n\"a@x.com\nb@x.com\nc@x.com\n", PWS_BULK_CSV, 3);
	bad(0, 2, "unterminated quote");
	good(1, 3, "b@x.com");
	good(2, 4, "c@x.com");
	PARSE("email\nx@x.com\n\"", PWS_BULK_CSV, 2);
	good(0, 2, "x@x.com");
	bad(1, 3, "unterminated quote");
}
END_TEST

START_TEST(IN5_csv_missing_column_and_blank_records)
{
	PARSE("name,email\nAlice\n\n,,,\n  ,  \nBob,\n,c@x.com\n\"\",\"\"\n",
	      PWS_BULK_CSV, 3);
	bad(0, 2, "missing email column");
	bad(1, 6, NULL); /* present but empty */
	good(2, 7, "c@x.com");
}
END_TEST

/* ---- both formats --------------------------------------------------------- */

START_TEST(IN5_duplicates_reported_after_first)
{
	PARSE("a@x.com\nb@x.com\nA@X.COM.\nc@x.com\nb@x.com\na@x.com\nbad\nb@X.com\n",
	      PWS_BULK_TXT, 8);
	good(0, 1, "a@x.com");
	good(1, 2, "b@x.com");
	bad(2, 3, "duplicate address");
	good(3, 4, "c@x.com");
	bad(4, 5, "duplicate address");
	bad(5, 6, "duplicate address");
	bad(6, 7, NULL);
	bad(7, 8, "duplicate address");
	PARSE("email,n\n\"Bob <b@x.com>\",1\nb@x.com,2\nb+1@x.com,3\n", PWS_BULK_CSV, 3);
	good(0, 2, "b@x.com");
	bad(1, 3, "duplicate address");
	good(2, 4, "b+1@x.com");
}
END_TEST

START_TEST(IN5_nul_byte_makes_only_that_line_bad)
{
	static const char txt[] = "a@x.com\nb@x\0.com\n#c\0\nd@x.com\n";
	static const char csv[] = "email\na@x.com\n\"b\0\"@x.com\nd@x.com,\0\ne@x.com\n";

	parse_n(txt, sizeof txt - 1, PWS_BULK_TXT, 4);
	good(0, 1, "a@x.com");
	bad(1, 2, "NUL byte in line");
	bad(2, 3, "NUL byte in line");
	good(3, 4, "d@x.com");
	parse_n(csv, sizeof csv - 1, PWS_BULK_CSV, 4);
	good(0, 2, "a@x.com");
	bad(1, 3, "NUL byte in line");
	bad(2, 4, "NUL byte in line");
	good(3, 5, "e@x.com");
}
END_TEST

/* Builds "<pad>a@x.com" where the whole line is n bytes (pad: spaces or
 * the given filler). */
static char *long_line(size_t n, char fill, const char *tail)
{
	char *s = malloc(n + 64);
	size_t t = strlen(tail);

	ck_assert_ptr_nonnull(s);
	memset(s, fill, n - t);
	memcpy(s + n - t, tail, t);
	s[n] = '\0';
	return s;
}

START_TEST(IN5_overlong_line_is_bad)
{
	char *ok = long_line(4096, ' ', "a@x.com");
	char *over = long_line(4097, ' ', "b@x.com");
	char *text = malloc(3 * 4200);
	char *q;

	ck_assert_ptr_nonnull(text);
	sprintf(text, "%s\n%s\nc@x.com", ok, over);
	parse_n(text, strlen(text), PWS_BULK_TXT, 3);
	good(0, 1, "a@x.com");
	bad(1, 2, "line longer than 4096 bytes");
	good(2, 3, "c@x.com");

	parse_n(text, strlen(text), PWS_BULK_CSV, 3);
	good(0, 1, "a@x.com");
	bad(1, 2, "line longer than 4096 bytes");
	good(2, 3, "c@x.com");

	/* A quoted field that runs past the limit stops there, and reading
	 * resumes on the next line. */
	q = long_line(5000, 'q', "\"");
	q[0] = '"';
	sprintf(text, "d@x.com\n%s\ne@x.com\n", q);
	parse_n(text, strlen(text), PWS_BULK_CSV, 3);
	good(0, 1, "d@x.com");
	bad(1, 2, NULL);
	good(2, 3, "e@x.com");
	free(q);
	free(ok);
	free(over);
	free(text);
}
END_TEST

START_TEST(IN5_bad_arguments)
{
	pws__bulk_list l = { (pws__bulk_entry *)&l, 7, 7 };

	ck_assert_int_eq(pws__bulk_parse(&M, "a@x.com", 7, 0, &l), PWS_EINVALID);
	ck_assert(l.v == NULL && l.n == 0 && l.cap == 0);
	ck_assert_int_eq(pws__bulk_parse(&M, "a@x.com", 7, 3, &l), PWS_EINVALID);
	ck_assert_int_eq(pws__bulk_parse(&M, NULL, 1, PWS_BULK_TXT, &l), PWS_EINVALID);
	ck_assert_int_eq(pws__bulk_parse(NULL, "a@x.com", 7, PWS_BULK_TXT, &l), PWS_EINVALID);
	ck_assert_int_eq(pws__bulk_parse(&M, "a@x.com", 7, PWS_BULK_TXT, NULL), PWS_EINVALID);
	ck_assert_int_eq(pws__bulk_parse(&M, NULL, 0, PWS_BULK_CSV, &l), PWS_OK);
	ck_assert(l.v == NULL && l.n == 0);
	/* len, not a NUL, ends the text. */
	ck_assert_int_eq(pws__bulk_parse(&M, "a@x.comb@y.com", 7, PWS_BULK_TXT, &l), PWS_OK);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.v[0].email, "a@x.com");
	pws__bulk_list_free(&M, &l);
	ck_assert(l.v == NULL && l.n == 0 && l.cap == 0);
	pws__bulk_list_free(&M, &l); /* an empty list is fine, twice */
	pws__bulk_list_free(&M, NULL);
}
END_TEST

/* 100k lines with 10% duplicates and some bad lines: must stay well clear
 * of quadratic time (a quadratic dedupe would take minutes). */
static char *big_text(size_t lines, int csv, size_t *len)
{
	size_t cap = lines * 40 + 64, n = 0, i;
	char *t = malloc(cap);

	ck_assert_ptr_nonnull(t);
	if (csv)
		n += (size_t)sprintf(t, "name,email\n");
	for (i = 0; i < lines; i++) {
		size_t id = i % 10 == 9 ? i - 9 : i; /* every 10th repeats */

		if (i % 1000 == 500)
			n += (size_t)sprintf(t + n, csv ? "x,bad@\n" : "bad@\n");
		else
			n += (size_t)sprintf(t + n, csv ? "n%zu,User%zu@Acme.com\r\n" : "User%zu@Acme.com\r\n",
			                     id, id);
	}
	*len = n;
	return t;
}

static void check_big(int csv)
{
	size_t len, i, good_n = 0, dup_n = 0, bad_n = 0;
	char *t = big_text(100000, csv, &len);

	/* No timing assertion: tests never assert on time (see bench/). */
	parse_n(t, len, csv ? PWS_BULK_CSV : PWS_BULK_TXT, 100000);
	for (i = 0; i < L.n; i++) {
		ck_assert_uint_eq(L.v[i].line, i + 1 + (csv ? 1 : 0));
		if (L.v[i].code == PWS_OK)
			good_n++;
		else if (strcmp(L.v[i].error, "duplicate address") == 0)
			dup_n++;
		else
			bad_n++;
	}
	ck_assert_uint_eq(bad_n, 100);
	/* 100 of the repeats name an address whose first line was bad, so
	 * they are first occurrences themselves. */
	ck_assert_uint_eq(dup_n, 10000 - 100);
	ck_assert_uint_eq(good_n, 100000 - 100 - 9900);
	ck_assert_str_eq(L.v[0].email, "user0@acme.com"); /* the identity key */
	free(t);
}

START_TEST(IN5_100k_lines_fast)
{
	check_big(0);
	check_big(1);
}
END_TEST

/* ---- out of memory -------------------------------------------------------- */

static const char oom_txt[] =
	"\xEF\xBB\xBF# list\r\na@x.com\r\nJane <j@x.com>\r\nbad line\r\n"
	"a@X.com\r\nb@x.com\nc@x.com\nd@x.com\ne@x.com\nf@x.com\ng@x.com\n"
	"h@x.com\ni@x.com\nj@x.com\nk@x.com\nl@x.com\nm@x.com\nn@x.com\n"
	"o@x.com\np@x.com\nq@x.com\nr@x.com\ns@x.com\nt@x.com\nu@x.com\n";
static const char oom_csv[] =
	"Name;Email\r\n\"Doe; J\";j@x.com\r\nA;a@x.com\r\nB;\"b\n@x.com\"\r\n"
	"C;a@x.com\r\nD;d@x.com\nE;e@x.com\nF;f@x.com\nG;g@x.com\nH;h@x.com\n"
	"I;i@x.com\nJ;j2@x.com\nK;k@x.com\nL;l@x.com\nM;m@x.com\nN;n@x.com\n"
	"O;o@x.com\nP;p@x.com\nQ;q@x.com\nR;r@x.com\nS;s@x.com\nT;t@x.com\n";

/* Counts the allocations of a good parse, then fails each one in turn
 * (once, then from there on): every run must give PWS_ENOMEM, an empty
 * list and no live block. */
static void oom_sweep(const char *text, size_t len, int format)
{
	pws__bulk_list l;
	size_t calls, n;
	int persistent;

	tc_alloc_reset();
	ck_assert_int_eq(pws__bulk_parse(&M, text, len, format, &l), PWS_OK);
	calls = tc_alloc_stats_get().calls;
	ck_assert_uint_gt(l.n, 16); /* the entry array had to grow */
	pws__bulk_list_free(&M, &l);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
	ck_assert_uint_gt(calls, 3);
	for (persistent = 0; persistent <= 1; persistent++) {
		for (n = 1; n <= calls; n++) {
			tc_alloc_reset();
			tc_alloc_fail_at(n, persistent);
			ck_assert_int_eq(pws__bulk_parse(&M, text, len, format, &l), PWS_ENOMEM);
			ck_assert(l.v == NULL && l.n == 0 && l.cap == 0);
			ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
			ck_assert_uint_ge(tc_alloc_stats_get().failures, 1);
		}
	}
	/* One past the last allocation: nothing fails. */
	tc_alloc_reset();
	tc_alloc_fail_at(calls + 1, 0);
	ck_assert_int_eq(pws__bulk_parse(&M, text, len, format, &l), PWS_OK);
	pws__bulk_list_free(&M, &l);
	tc_alloc_reset();
}

START_TEST(IN5_out_of_memory_sweep_txt)
{
	oom_sweep(oom_txt, sizeof oom_txt - 1, PWS_BULK_TXT);
}
END_TEST

START_TEST(IN5_out_of_memory_sweep_csv)
{
	oom_sweep(oom_csv, sizeof oom_csv - 1, PWS_BULK_CSV);
}
END_TEST

Suite *pws_bulk_suite(void)
{
	Suite *s = suite_create("bulk");
	TCase *txt = tcase_create("IN5 txt");
	TCase *csv = tcase_create("IN5 csv");
	TCase *both = tcase_create("IN5 both");
	TCase *big = tcase_create("IN5 big");

	tcase_add_checked_fixture(txt, setup, teardown);
	tcase_add_test(txt, IN5_txt_one_address_per_line);
	tcase_add_test(txt, IN5_txt_line_endings);
	tcase_add_test(txt, IN5_txt_bom_skipped);
	tcase_add_test(txt, IN5_txt_comments_blank_lines_and_trimming);
	tcase_add_test(txt, IN5_txt_display_name_form);
	tcase_add_test(txt, IN5_txt_bad_lines_reported_good_ones_kept);
	suite_add_tcase(s, txt);

	tcase_add_checked_fixture(csv, setup, teardown);
	tcase_add_test(csv, IN5_csv_no_header_takes_column_0);
	tcase_add_test(csv, IN5_csv_header_detection);
	tcase_add_test(csv, IN5_csv_semicolon_separator);
	tcase_add_test(csv, IN5_csv_quotes_and_escapes);
	tcase_add_test(csv, IN5_csv_multiline_quoted_field_line_numbers);
	tcase_add_test(csv, IN5_csv_unterminated_quote_keeps_later_lines);
	tcase_add_test(csv, IN5_csv_missing_column_and_blank_records);
	suite_add_tcase(s, csv);

	tcase_add_checked_fixture(both, setup, teardown);
	tcase_add_test(both, IN5_duplicates_reported_after_first);
	tcase_add_test(both, IN5_nul_byte_makes_only_that_line_bad);
	tcase_add_test(both, IN5_overlong_line_is_bad);
	tcase_add_test(both, IN5_bad_arguments);
	tcase_add_test(both, IN5_out_of_memory_sweep_txt);
	tcase_add_test(both, IN5_out_of_memory_sweep_csv);
	suite_add_tcase(s, both);

	tcase_add_checked_fixture(big, setup, teardown);
	tcase_add_test(big, IN5_100k_lines_fast);
	tcase_set_timeout(big, 120); /* for valgrind; the assert bounds it */
	suite_add_tcase(s, big);
	return s;
}
