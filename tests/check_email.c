/*
 * The one email/domain normalizer (POLICY.md IN3, IN4; RELIABILITY.md 3.2).
 * Test names carry the rule id so a failure points at the rule it breaks.
 * SPDX-License-Identifier: MIT
 */
#include "test-common.h"
#include "../lib/email.h"

#include <stdio.h>
#include <string.h>

/* Normalizes a NUL-terminated address; out receives the result. */
static int norm(char out[PWS__EMAIL_MAX + 1], const char *in)
{
	return pws__email_norm(out, in, strlen(in), NULL);
}

static int dnorm(char out[PWS__EMAIL_MAX + 1], const char *in)
{
	return pws__domain_norm(out, in, strlen(in), NULL);
}

/* Asserts that in is refused, with a reason, and out is left empty. */
static void assert_email_rejected(const char *in, size_t len)
{
	char out[PWS__EMAIL_MAX + 1];
	const char *why = NULL;

	memset(out, 'x', sizeof out);
	ck_assert_msg(pws__email_norm(out, in, len, &why) == PWS_EINVALID,
	              "accepted: \"%s\"", in);
	ck_assert_msg(why != NULL && why[0] != '\0', "no reason for \"%s\"", in);
	ck_assert_str_eq(out, "");
}

static void assert_domain_rejected(const char *in)
{
	char out[PWS__EMAIL_MAX + 1];
	const char *why = NULL;

	ck_assert_msg(pws__domain_norm(out, in, strlen(in), &why) == PWS_EINVALID,
	              "accepted domain: \"%s\"", in);
	ck_assert_ptr_nonnull(why);
	ck_assert_str_eq(out, "");
}

static void assert_email_norm(const char *in, const char *want)
{
	char out[PWS__EMAIL_MAX + 1];
	const char *why = NULL;

	ck_assert_msg(pws__email_norm(out, in, strlen(in), &why) == PWS_OK,
	              "refused \"%s\": %s", in, why ? why : "?");
	ck_assert_str_eq(out, want);
}

#define REJECT(s) assert_email_rejected((s), strlen(s))

/* Fills buf with n copies of c and a NUL; returns buf. */
static char *rep(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

/* ---- the IN3 fixtures ----------------------------------------------------- */

START_TEST(IN3_domain_lowercased_one_trailing_dot_dropped)
{
	char out[PWS__EMAIL_MAX + 1];

	assert_email_norm("bob@ACME.COM.", "bob@acme.com");
	assert_email_norm("Bob@Acme.Com", "Bob@acme.com");
	ck_assert_int_eq(dnorm(out, "ACME.COM."), PWS_OK);
	ck_assert_str_eq(out, "acme.com");
	ck_assert_int_eq(dnorm(out, "acme.com"), PWS_OK);
	ck_assert_str_eq(out, "acme.com");
	/* Only one dot is a second spelling; two are an empty label. */
	REJECT("bob@acme.com..");
	assert_domain_rejected("acme.com..");
	assert_domain_rejected(".");
	REJECT("bob@.");
}
END_TEST

START_TEST(IN3_domain_exact_match_not_suffix)
{
	char acme[PWS__EMAIL_MAX + 1], other[PWS__EMAIL_MAX + 1];
	static const char *const not_acme[] = {
		"evil-acme.com", "acme.com.evil.com", "sub.acme.com", "acme.co",
		"acme.com.au", "xacme.com", "acme-com.com", "acmecom.com",
	};
	size_t i;

	ck_assert_int_eq(dnorm(acme, "ACME.COM."), PWS_OK);
	for (i = 0; i < sizeof not_acme / sizeof not_acme[0]; i++) {
		ck_assert_int_eq(dnorm(other, not_acme[i]), PWS_OK);
		ck_assert_str_ne(other, acme);
	}
	/* The domain of a normalized address is comparable to a normalized
	 * domain with strcmp, which is all a Partner Lead check needs. */
	ck_assert_int_eq(norm(other, "lead@Evil-ACME.com"), PWS_OK);
	ck_assert_str_eq(pws__email_domain(other), "evil-acme.com");
	ck_assert_str_ne(pws__email_domain(other), acme);
	ck_assert_int_eq(norm(other, "x@acme.com.evil.com"), PWS_OK);
	ck_assert_str_ne(pws__email_domain(other), acme);
	ck_assert_int_eq(norm(other, "x@sub.acme.com"), PWS_OK);
	ck_assert_str_ne(pws__email_domain(other), acme);
	ck_assert_int_eq(norm(other, "x@AcMe.CoM."), PWS_OK);
	ck_assert_str_eq(pws__email_domain(other), acme);
}
END_TEST

START_TEST(IN3_domain_lookalikes_rejected)
{
	char out[PWS__EMAIL_MAX + 1];

	REJECT("user@\xd0\xb0" "cme.com");      /* Cyrillic a */
	REJECT("user@acme.c\xd0\xbe" "m");      /* Cyrillic o */
	REJECT("user@\xef\xbd\x81" "cme.com");  /* fullwidth a */
	REJECT("user@acme\xe2\x80\x8b.com");    /* zero-width space */
	REJECT("user@acme.com\xe3\x80\x82");    /* ideographic full stop */
	REJECT("\xd0\xb0" "dmin@acme.com");     /* non-ASCII local part */
	REJECT("user@acme.com\xc2\xa0");        /* no-break space */
	assert_domain_rejected("\xd0\xb0" "cme.com");
	assert_domain_rejected("ac\xcd\x8f" "me.com"); /* combining mark */
	/* Punycode A-labels are plain ASCII and stay as they are. */
	ck_assert_int_eq(dnorm(out, "XN--80AK6AA92E.com"), PWS_OK);
	ck_assert_str_eq(out, "xn--80ak6aa92e.com");
	ck_assert_str_ne(out, "acme.com");
}
END_TEST

START_TEST(IN3_local_part_kept_byte_for_byte)
{
	assert_email_norm("user+tag@acme.com", "user+tag@acme.com");
	assert_email_norm("User+Tag@ACME.com", "User+Tag@acme.com");
	assert_email_norm("first.last@acme.com", "first.last@acme.com");
	assert_email_norm("!#$%&'*+-/=?^_`{|}~@acme.com", "!#$%&'*+-/=?^_`{|}~@acme.com");
}
END_TEST

START_TEST(IN3_at_sign_count)
{
	REJECT("user.acme.com");
	REJECT("user@@acme.com");
	REJECT("a@b@acme.com");
	REJECT("user@acme.com@");
	REJECT("@");
}
END_TEST

START_TEST(IN3_empty_parts_rejected)
{
	char out[PWS__EMAIL_MAX + 1];
	const char *why = NULL;

	REJECT("@acme.com");
	REJECT("user@");
	REJECT("");
	ck_assert_int_eq(pws__email_norm(out, NULL, 0, &why), PWS_EINVALID);
	ck_assert_ptr_nonnull(why);
	ck_assert_int_eq(pws__domain_norm(out, "", 0, NULL), PWS_EINVALID);
	ck_assert_int_eq(pws__domain_norm(out, NULL, 0, NULL), PWS_EINVALID);
}
END_TEST

START_TEST(IN3_whitespace_and_controls_rejected)
{
	static const char *const bad[] = {
		" user@acme.com", "user@acme.com ", "us er@acme.com", "user@ac me.com",
		"user\t@acme.com", "user@acme.com\n", "user@acme.com\r\n",
		"user\x01@acme.com", "user@acme\x1f.com", "user@acme.com\x7f",
		"\x7fuser@acme.com", "user@acme.com\x0b",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		REJECT(bad[i]);
	assert_domain_rejected("acme .com");
	assert_domain_rejected("acme.com\t");
	assert_domain_rejected("acme.com\x7f");
}
END_TEST

START_TEST(IN3_embedded_nul_rejected)
{
	char out[PWS__EMAIL_MAX + 1];

	assert_email_rejected("us\0er@acme.com", 14);
	assert_email_rejected("user@acme.com\0", 14);
	assert_email_rejected("user@acme.com\0.evil.com", 23);
	ck_assert_int_eq(pws__domain_norm(out, "acme.com\0evil", 13, NULL), PWS_EINVALID);
}
END_TEST

START_TEST(IN3_quoted_local_part_rejected)
{
	REJECT("\"user\"@acme.com");
	REJECT("\"a@b\"@acme.com");
	REJECT("\"john doe\"@acme.com");
	REJECT("us\"er@acme.com");
}
END_TEST

START_TEST(IN3_ip_literals_and_numeric_domains_rejected)
{
	REJECT("user@[192.0.2.1]");
	REJECT("user@[IPv6:2001:db8::1]");
	REJECT("user@1.2.3.4");
	REJECT("user@10.0.0.1.");
	REJECT("user@acme.123");
	assert_domain_rejected("[192.0.2.1]");
	assert_domain_rejected("1.2.3.4");
	/* Digits are fine anywhere but the top-level label. */
	assert_email_norm("user@123.acme.com", "user@123.acme.com");
	assert_email_norm("user@1-2.c0m", "user@1-2.c0m");
}
END_TEST

START_TEST(IN3_single_label_domain_rejected)
{
	REJECT("user@localhost");
	REJECT("user@localhost.");
	REJECT("user@com");
	assert_domain_rejected("acme");
	assert_domain_rejected("acme.");
}
END_TEST

START_TEST(IN3_empty_labels_rejected)
{
	REJECT("user@a..com");
	REJECT("user@.acme.com");
	REJECT("user@acme.com..");
	REJECT("user@..");
	assert_domain_rejected(".acme.com");
	assert_domain_rejected("a..com");
}
END_TEST

START_TEST(IN3_label_hyphen_edges_rejected)
{
	REJECT("user@-acme.com");
	REJECT("user@acme-.com");
	REJECT("user@acme.-com");
	REJECT("user@acme.com-");
	assert_domain_rejected("acme.com-.");
	assert_email_norm("user@my-acme.com", "user@my-acme.com");
}
END_TEST

START_TEST(IN3_domain_characters_outside_ldh_rejected)
{
	static const char *const bad[] = {
		"user@acme_corp.com", "user@acme.com:80", "user@acme!.com",
		"user@acme.com/", "user@acme*.com", "user@acme.com>", "user@(acme).com",
		"user@acme,com.org", "user@acme;.com", "user@acme\\.com", "user@acme].com",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		REJECT(bad[i]);
	assert_domain_rejected("user@acme.com");
	assert_domain_rejected("acme_corp.com");
}
END_TEST

START_TEST(IN3_local_part_specials_and_dots_rejected)
{
	static const char specials[] = "\"(),:;<>[\\]";
	char buf[32];
	size_t i;

	for (i = 0; specials[i]; i++) {
		strcpy(buf, "ab?c@acme.com");
		buf[2] = specials[i];
		REJECT(buf);
	}
	REJECT(".user@acme.com");
	REJECT("user.@acme.com");
	REJECT("us..er@acme.com");
	REJECT(".@acme.com");
}
END_TEST

START_TEST(IN3_length_limits)
{
	char out[PWS__EMAIL_MAX + 1], l64[80], l63[80], addr[400], dom[400];
	size_t n;

	/* Local part: 64 bytes accepted, 65 refused. */
	rep(l64, 'a', 64);
	snprintf(addr, sizeof addr, "%s@acme.com", l64);
	assert_email_norm(addr, addr);
	snprintf(addr, sizeof addr, "%sa@acme.com", l64);
	REJECT(addr);

	/* Label: 63 bytes accepted, 64 refused. */
	rep(l63, 'b', 63);
	snprintf(addr, sizeof addr, "u@%s.com", l63);
	assert_email_norm(addr, addr);
	snprintf(addr, sizeof addr, "u@%sb.com", l63);
	REJECT(addr);

	/* Whole address: 254 bytes accepted, 255 refused. Built as
	 * 64 + '@' + 63.63.61 labels = 64 + 1 + 189 = 254. */
	rep(l63, 'c', 63);
	snprintf(addr, sizeof addr, "%s@%s.%s.%.61s", l64, l63, l63, l63);
	n = strlen(addr);
	ck_assert_uint_eq(n, 254);
	assert_email_norm(addr, addr);
	/* With one trailing dot (255 bytes in) it is still 254 once normal. */
	strcat(addr, ".");
	ck_assert_int_eq(norm(out, addr), PWS_OK);
	ck_assert_uint_eq(strlen(out), 254);
	snprintf(addr, sizeof addr, "%s@%s.%s.%.62s", l64, l63, l63, l63);
	ck_assert_uint_eq(strlen(addr), 255);
	REJECT(addr);
	strcat(addr, ".");
	REJECT(addr);
	rep(addr, 'a', 300);
	memcpy(addr + 10, "@acme.com", 9);
	REJECT(addr);

	/* Bare domain: 253 accepted, 254 refused (254 with the dot is fine). */
	snprintf(dom, sizeof dom, "%s.%s.%s.%.61s", l63, l63, l63, l63);
	ck_assert_uint_eq(strlen(dom), 253);
	ck_assert_int_eq(dnorm(out, dom), PWS_OK);
	strcat(dom, ".");
	ck_assert_int_eq(dnorm(out, dom), PWS_OK);
	ck_assert_uint_eq(strlen(out), 253);
	snprintf(dom, sizeof dom, "%s.%s.%s.%.62s", l63, l63, l63, l63);
	assert_domain_rejected(dom);
}
END_TEST

START_TEST(IN3_reason_is_optional_and_output_cleared)
{
	char out[PWS__EMAIL_MAX + 1];

	memset(out, 'x', sizeof out);
	ck_assert_int_eq(pws__email_norm(out, "nope", 4, NULL), PWS_EINVALID);
	ck_assert_str_eq(out, "");
	memset(out, 'x', sizeof out);
	ck_assert_int_eq(pws__domain_norm(out, "nope", 4, NULL), PWS_EINVALID);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(pws__email_norm(NULL, "a@b.com", 7, NULL), PWS_EINVALID);
	/* len, not the NUL, bounds the input. */
	ck_assert_int_eq(pws__email_norm(out, "a@acme.comXYZ", 10, NULL), PWS_OK);
	ck_assert_str_eq(out, "a@acme.com");
}
END_TEST

START_TEST(IN3_email_domain_accessor)
{
	char out[PWS__EMAIL_MAX + 1];

	ck_assert_int_eq(norm(out, "x+y@Sub.Acme.COM."), PWS_OK);
	ck_assert_str_eq(pws__email_domain(out), "sub.acme.com");
	ck_assert_ptr_null(pws__email_domain("no-at-sign"));
	ck_assert_ptr_null(pws__email_domain(NULL));
}
END_TEST

/* ---- the public wrappers -------------------------------------------------- */

START_TEST(IN3_public_email_normalize)
{
	char out[PWS__EMAIL_MAX + 1];
	char small[13]; /* "bob@acme.com" needs 13 */

	ck_assert_int_eq(pws_email_normalize(out, sizeof out, "Bob+x@ACME.com."), PWS_OK);
	ck_assert_str_eq(out, "Bob+x@acme.com");
	ck_assert_int_eq(pws_email_normalize(small, 12, "bob@ACME.com"), PWS_EINVALID);
	ck_assert_str_eq(small, "");
	ck_assert_int_eq(pws_email_normalize(small, 12, "bob@ACME.com."), PWS_EINVALID);
	ck_assert_int_eq(pws_email_normalize(small, sizeof small, "bob@ACME.com."), PWS_OK);
	ck_assert_str_eq(small, "bob@acme.com");
	ck_assert_int_eq(pws_email_normalize(small, 1, "bob@acme.com"), PWS_EINVALID);
	ck_assert_int_eq(pws_email_normalize(small, 0, "bob@acme.com"), PWS_EINVALID);
	ck_assert_int_eq(pws_email_normalize(NULL, 10, "bob@acme.com"), PWS_EINVALID);
	memset(out, 'x', sizeof out);
	ck_assert_int_eq(pws_email_normalize(out, sizeof out, NULL), PWS_EINVALID);
	ck_assert_str_eq(out, "");
	memset(out, 'x', sizeof out);
	ck_assert_int_eq(pws_email_normalize(out, sizeof out, "user@\xd0\xb0" "cme.com"), PWS_EINVALID);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(pws_email_normalize(out, sizeof out, ""), PWS_EINVALID);
}
END_TEST

/* The identity key (doc/SNAPSHOT.md): the local part is lowercased too, and
 * the size needed is reported when the buffer is too small. */
START_TEST(IN3_public_email_key)
{
	static const char *const in[] = {
		"Bob+X@ACME.com.", "bob@acme.com", "A.B-C@Sub.Example.ORG", "x@y.io"
	};
	char out[PWS__EMAIL_MAX + 1], want[PWS__EMAIL_MAX + 1], small[13];
	size_t need = 99, i;

	ck_assert_int_eq(pws_email_key(out, sizeof out, "Bob+X@ACME.com.", &need), PWS_OK);
	ck_assert_str_eq(out, "bob+x@acme.com");
	ck_assert_uint_eq(need, strlen("bob+x@acme.com") + 1);
	/* One person, two spellings, one key; the normalized form differs. */
	ck_assert_int_eq(pws_email_key(small, sizeof small, "BOB@acme.COM", NULL), PWS_OK);
	ck_assert_str_eq(small, "bob@acme.com");
	ck_assert_int_eq(pws_email_normalize(out, sizeof out, "BOB@acme.COM"), PWS_OK);
	ck_assert_str_eq(out, "BOB@acme.com");
	/* Too small: refused, cleared, and the size it needs reported. */
	memset(small, 'x', sizeof small);
	ck_assert_int_eq(pws_email_key(small, 12, "Bob@ACME.com", &need), PWS_EINVALID);
	ck_assert_str_eq(small, "");
	ck_assert_uint_eq(need, 13);
	ck_assert_int_eq(pws_email_key(small, need, "Bob@ACME.com", &need), PWS_OK);
	ck_assert_str_eq(small, "bob@acme.com");
	ck_assert_int_eq(pws_email_key(small, 1, "bob@acme.com", &need), PWS_EINVALID);
	ck_assert_uint_eq(need, 13);
	/* Malformed: needed is 0, the buffer cleared. */
	memset(out, 'x', sizeof out);
	need = 99;
	ck_assert_int_eq(pws_email_key(out, sizeof out, "user@\xd0\xb0" "cme.com", &need), PWS_EINVALID);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(need, 0);
	need = 99;
	ck_assert_int_eq(pws_email_key(out, sizeof out, NULL, &need), PWS_EINVALID);
	ck_assert_uint_eq(need, 0);
	ck_assert_int_eq(pws_email_key(out, sizeof out, "", NULL), PWS_EINVALID);
	ck_assert_int_eq(pws_email_key(out, 0, "bob@acme.com", NULL), PWS_EINVALID);
	ck_assert_int_eq(pws_email_key(NULL, 10, "bob@acme.com", &need), PWS_EINVALID);
	ck_assert_uint_eq(need, 0);
	/* The public key is the library's own key. */
	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		ck_assert_int_eq(pws__email_key(want, in[i], strlen(in[i]), NULL), PWS_OK);
		ck_assert_int_eq(pws_email_key(out, sizeof out, in[i], NULL), PWS_OK);
		ck_assert_str_eq(out, want);
	}
}
END_TEST

START_TEST(IN3_public_domain_normalize)
{
	char out[PWS__EMAIL_MAX + 1], small[9]; /* "acme.com" needs 9 */

	ck_assert_int_eq(pws_domain_normalize(out, sizeof out, "ACME.COM."), PWS_OK);
	ck_assert_str_eq(out, "acme.com");
	ck_assert_int_eq(pws_domain_normalize(small, sizeof small, "Acme.Com."), PWS_OK);
	ck_assert_str_eq(small, "acme.com");
	ck_assert_int_eq(pws_domain_normalize(small, 8, "acme.com"), PWS_EINVALID);
	ck_assert_str_eq(small, "");
	ck_assert_int_eq(pws_domain_normalize(small, 0, "acme.com"), PWS_EINVALID);
	ck_assert_int_eq(pws_domain_normalize(NULL, 9, "acme.com"), PWS_EINVALID);
	ck_assert_int_eq(pws_domain_normalize(out, sizeof out, NULL), PWS_EINVALID);
	ck_assert_int_eq(pws_domain_normalize(out, sizeof out, "localhost"), PWS_EINVALID);
	ck_assert_int_eq(pws_domain_normalize(out, sizeof out, "user@acme.com"), PWS_EINVALID);
}
END_TEST

/* ---- the y_/n_ table (JSONTestSuite style: y_ must pass, n_ must not) ------ */

typedef struct email_case {
	const char *name;
	const char *in;
	const char *want; /* normalized form; NULL for an n_ case */
} email_case;

static const email_case cases[] = {
	{ "y_plain", "user@acme.com", "user@acme.com" },
	{ "y_upper_domain", "user@ACME.COM", "user@acme.com" },
	{ "y_trailing_dot", "user@acme.com.", "user@acme.com" },
	{ "y_upper_local_kept", "USER@acme.com", "USER@acme.com" },
	{ "y_plus_tag", "user+tag@acme.com", "user+tag@acme.com" },
	{ "y_dotted_local", "a.b.c@acme.com", "a.b.c@acme.com" },
	{ "y_subdomain", "u@Mail.Sub.Acme.Com", "u@mail.sub.acme.com" },
	{ "y_punycode", "u@xn--bcher-kva.example", "u@xn--bcher-kva.example" },
	{ "y_hyphen_inside", "u@a-b.c-d.com", "u@a-b.c-d.com" },
	{ "y_digits_label", "u@123.com", "u@123.com" },
	{ "y_one_char_parts", "a@b.co", "a@b.co" },
	{ "y_apostrophe", "o'brien@acme.ie", "o'brien@acme.ie" },
	{ "y_atext", "a!#$%&'*+-/=?^_`{|}~z@acme.com", "a!#$%&'*+-/=?^_`{|}~z@acme.com" },
	{ "n_no_at", "useracme.com", NULL },
	{ "n_two_at", "a@b@acme.com", NULL },
	{ "n_empty", "", NULL },
	{ "n_empty_local", "@acme.com", NULL },
	{ "n_empty_domain", "user@", NULL },
	{ "n_space", "us er@acme.com", NULL },
	{ "n_tab", "user@acme.com\t", NULL },
	{ "n_newline", "user@acme.com\nbcc@evil.com", NULL },
	{ "n_control", "user\x02@acme.com", NULL },
	{ "n_del", "user@acme.com\x7f", NULL },
	{ "n_cyrillic_a", "user@\xd0\xb0" "cme.com", NULL },
	{ "n_latin1", "user@acm\xe9.com", NULL },
	{ "n_utf8_local", "j\xc3\xb6rg@acme.com", NULL },
	{ "n_quoted", "\"user\"@acme.com", NULL },
	{ "n_ipv4_literal", "user@[1.2.3.4]", NULL },
	{ "n_ipv6_literal", "user@[IPv6:::1]", NULL },
	{ "n_dotted_ipv4", "user@1.2.3.4", NULL },
	{ "n_numeric_tld", "user@acme.42", NULL },
	{ "n_single_label", "user@localhost", NULL },
	{ "n_double_dot_domain", "user@a..com", NULL },
	{ "n_leading_dot_domain", "user@.acme.com", NULL },
	{ "n_two_trailing_dots", "user@acme.com..", NULL },
	{ "n_leading_hyphen", "user@-acme.com", NULL },
	{ "n_trailing_hyphen", "user@acme-.com", NULL },
	{ "n_underscore_domain", "user@ac_me.com", NULL },
	{ "n_port", "user@acme.com:25", NULL },
	{ "n_leading_dot_local", ".user@acme.com", NULL },
	{ "n_trailing_dot_local", "user.@acme.com", NULL },
	{ "n_double_dot_local", "us..er@acme.com", NULL },
	{ "n_comment", "user(x)@acme.com", NULL },
	{ "n_angle", "<user@acme.com>", NULL },
	{ "n_display_name", "User <user@acme.com>", NULL },
	{ "n_comma_list", "a@acme.com,b@acme.com", NULL },
	{ "n_semicolon", "a@acme.com;", NULL },
	{ "n_backslash", "us\\er@acme.com", NULL },
};

START_TEST(IN3_table_y_n)
{
	const email_case *c = &cases[_i];
	char out[PWS__EMAIL_MAX + 1], again[PWS__EMAIL_MAX + 1];
	const char *why = NULL;
	int rc = pws__email_norm(out, c->in, strlen(c->in), &why);

	if (!c->want) {
		ck_assert_msg(rc == PWS_EINVALID, "%s: accepted as \"%s\"", c->name, out);
		ck_assert_msg(why != NULL, "%s: no reason", c->name);
		ck_assert_str_eq(out, "");
		return;
	}
	ck_assert_msg(rc == PWS_OK, "%s: refused (%s)", c->name, why ? why : "?");
	ck_assert_str_eq(out, c->want);
	ck_assert_int_eq(norm(again, out), PWS_OK);
	ck_assert_str_eq(again, out);
}
END_TEST

/* ---- idempotence ------------------------------------------------------------ */

/* A small deterministic generator (LCG) so failures reproduce. */
static unsigned long lcg(unsigned long *state)
{
	*state = *state * 6364136223846793005UL + 1442695040888963407UL;
	return *state >> 33;
}

/* Appends n random bytes of alpha to buf at *k. */
static void put_random(char *buf, size_t *k, const char *alpha, size_t n,
                       unsigned long *st)
{
	size_t alen = strlen(alpha);

	while (n--)
		buf[(*k)++] = alpha[lcg(st) % alen];
}

/* An address-shaped random string: local '@' labels, sometimes with a
 * trailing dot, and sometimes one byte from the hostile alphabet
 * overwritten anywhere. Returns its length. */
static size_t random_address(char *buf, unsigned long *st)
{
	static const char hostile[] = "@.\"[]: \t-_+\x01\x7f\xd0\xb0\x80";
	size_t k = 0, labels = 1 + lcg(st) % 4, i;

	put_random(buf, &k, "aZ09.+-_'!", 1 + lcg(st) % 8, st);
	buf[k++] = '@';
	for (i = 0; i < labels; i++) {
		if (i)
			buf[k++] = '.';
		put_random(buf, &k, "aBcZ09-", 1 + lcg(st) % 6, st);
	}
	if (lcg(st) % 4 == 0)
		buf[k++] = '.';
	if (lcg(st) % 3 == 0)
		buf[lcg(st) % k] = hostile[lcg(st) % (sizeof hostile - 1)];
	return k;
}

/* Whatever is accepted must normalize to itself, and its domain must
 * normalize to itself through pws__domain_norm too. */
START_TEST(IN3_normalization_idempotent)
{
	char in[128], out[PWS__EMAIL_MAX + 1], again[PWS__EMAIL_MAX + 1];
	char dom[PWS__EMAIL_MAX + 1];
	unsigned long st = 12345;
	size_t i, n, accepted = 0, refused = 0;

	for (i = 0; i < 100000; i++) {
		n = random_address(in, &st);
		if (pws__email_norm(out, in, n, NULL) != PWS_OK) {
			refused++;
			continue;
		}
		accepted++;
		ck_assert_int_eq(norm(again, out), PWS_OK);
		ck_assert_str_eq(again, out);
		ck_assert_int_eq(dnorm(dom, pws__email_domain(out)), PWS_OK);
		ck_assert_str_eq(dom, pws__email_domain(out));
	}
	/* The generator does reach both sides of every rule. */
	ck_assert_uint_gt(accepted, 10000);
	ck_assert_uint_gt(refused, 10000);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (!cases[i].want)
			continue;
		ck_assert_int_eq(norm(out, cases[i].in), PWS_OK);
		ck_assert_int_eq(norm(again, out), PWS_OK);
		ck_assert_str_eq(again, out);
	}
}
END_TEST

/* IN3: the fast test of an address against the last good domain (what a
 * bulk load asks of every user's address) says "an identity key at this
 * domain" exactly when pws__email_key gives the address back unchanged
 * with that domain: every byte at the local part's start, middle and end,
 * dots first, last and doubled, and key domains of up to 20 bytes (each of
 * the byte comparer's lengths) differing from the key's in their first,
 * middle or last byte. */
static int is_key_by_normalizer(const char *s, const char *dom)
{
	char k[PWS__EMAIL_MAX + 1];

	return pws__email_key(k, s, strlen(s), NULL) == PWS_OK && strcmp(k, s) == 0 &&
	       strcmp(pws__email_domain(k), dom) == 0;
}

START_TEST(IN3_key_at_last_domain_agrees_with_the_normalizer)
{
	static const char *const locals[] = { "a.b", ".ab", "ab.", "a..b", "a", "x+tag",
		                              "AB", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		                              "aaaaaaaaaaaaaaaaaaaaaaaa" };
	char dom[32], other[32], s[PWS__EMAIL_MAX + 8];
	size_t dl, i, at, agree = 0, keys = 0, n_doms = 0;
	int c;

	for (dl = 1; dl <= 20; dl++) {
		/* "d", "dd.e" ...: a valid key domain of dl bytes */
		for (i = 0; i < dl; i++)
			dom[i] = (char)('a' + i % 26);
		if (dl >= 4)
			dom[dl - 3] = '.';
		dom[dl] = 0;
		/* a domain one byte off is never the address's, whatever
		 * its length */
		snprintf(s, sizeof s, "x@%s", dom);
		for (at = 0; at < 3; at++) {
			size_t pos = at == 0 ? 0 : at == 1 ? dl / 2 : dl - 1;

			memcpy(other, dom, dl + 1);
			other[pos] = other[pos] == 'q' ? 'r' : 'q';
			ck_assert_int_eq(pws__email_is_key_at(s, strlen(s), other, dl), 0);
		}
		/* the rest's premise: dom is the domain of an identity key */
		if (!is_key_by_normalizer(s, dom))
			continue;
		n_doms++;
		for (c = 1; c < 256; c++)
			for (at = 0; at < 3; at++) {
				char local[4] = "xyz";

				local[at] = (char)c;
				snprintf(s, sizeof s, "%s@%s", local, dom);
				ck_assert_int_eq(pws__email_is_key_at(s, strlen(s), dom, dl),
				                 is_key_by_normalizer(s, dom));
				keys += is_key_by_normalizer(s, dom);
				agree++;
			}
		for (i = 0; i < sizeof locals / sizeof locals[0]; i++) {
			snprintf(s, sizeof s, "%s@%s", locals[i], dom);
			ck_assert_int_eq(pws__email_is_key_at(s, strlen(s), dom, dl),
			                 is_key_by_normalizer(s, dom));
			/* the same address against a domain one byte off */
			for (at = 0; at < 3; at++) {
				size_t pos = at == 0 ? 0 : at == 1 ? dl / 2 : dl - 1;

				memcpy(other, dom, dl + 1);
				other[pos] = other[pos] == 'q' ? 'r' : 'q';
				ck_assert_int_eq(pws__email_is_key_at(s, strlen(s), other, dl), 0);
			}
			agree++;
		}
	}
	/* both answers were reached: the bytes a key holds and those it does not */
	ck_assert_uint_ge(n_doms, 17);
	/* no domain: never an answer of the fast test */
	ck_assert_int_eq(pws__email_is_key_at("abc@", 4, "", 0), 0);
	ck_assert_uint_gt(keys, 17 * 3 * 50);
	ck_assert_uint_lt(keys, agree / 2);
}
END_TEST

Suite *pws_email_suite(void)
{
	Suite *s = suite_create("email");
	TCase *rules = tcase_create("IN3 rules");
	TCase *api = tcase_create("IN3 public");
	TCase *table = tcase_create("IN3 table");

	tcase_add_test(rules, IN3_domain_lowercased_one_trailing_dot_dropped);
	tcase_add_test(rules, IN3_domain_exact_match_not_suffix);
	tcase_add_test(rules, IN3_domain_lookalikes_rejected);
	tcase_add_test(rules, IN3_local_part_kept_byte_for_byte);
	tcase_add_test(rules, IN3_at_sign_count);
	tcase_add_test(rules, IN3_empty_parts_rejected);
	tcase_add_test(rules, IN3_whitespace_and_controls_rejected);
	tcase_add_test(rules, IN3_embedded_nul_rejected);
	tcase_add_test(rules, IN3_quoted_local_part_rejected);
	tcase_add_test(rules, IN3_ip_literals_and_numeric_domains_rejected);
	tcase_add_test(rules, IN3_single_label_domain_rejected);
	tcase_add_test(rules, IN3_empty_labels_rejected);
	tcase_add_test(rules, IN3_label_hyphen_edges_rejected);
	tcase_add_test(rules, IN3_domain_characters_outside_ldh_rejected);
	tcase_add_test(rules, IN3_local_part_specials_and_dots_rejected);
	tcase_add_test(rules, IN3_length_limits);
	tcase_add_test(rules, IN3_reason_is_optional_and_output_cleared);
	tcase_add_test(rules, IN3_email_domain_accessor);
	tcase_add_test(rules, IN3_normalization_idempotent);
	tcase_add_test(rules, IN3_key_at_last_domain_agrees_with_the_normalizer);
	tcase_set_timeout(rules, 60); /* valgrind runs the fuzz loop slowly */
	suite_add_tcase(s, rules);

	tcase_add_test(api, IN3_public_email_normalize);
	tcase_add_test(api, IN3_public_domain_normalize);
	tcase_add_test(api, IN3_public_email_key);
	suite_add_tcase(s, api);

	tcase_add_loop_test(table, IN3_table_y_n, 0, (int)(sizeof cases / sizeof cases[0]));
	suite_add_tcase(s, table);
	return s;
}
