/*
 * The one normalizer of email addresses and domains (POLICY.md IN3, IN4;
 * RELIABILITY.md 3.2). Every comparison of addresses or domains in the
 * library goes through it, so that two spellings of one domain always
 * compare equal and a lookalike never does.
 *
 * The rule set is deliberately stricter than RFC 5322 (no quoted local
 * parts, comments, domain literals or non-ASCII): an invite address is a
 * security decision, and every form we accept must have exactly one
 * normalized spelling.
 * SPDX-License-Identifier: MIT
 */
#include "pws-int.h"
#include "email.h"

#include <string.h>

/* RFC 5321 / DNS limits; the normalized form is what is measured. */
#define LOCAL_MAX 64
#define LABEL_MAX 63
#define DOMAIN_MAX 253

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* ASCII only on purpose: a locale-aware tolower() could fold bytes >= 0x80
 * and let a lookalike through. */
static unsigned char ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Letters, digits and '-' (LDH), in either case. */
static int is_ldh(unsigned char c)
{
	c = ascii_lower(c);
	return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-';
}

/* Printable ASCII minus the RFC 5322 specials that only make sense in
 * quoted strings, comments or domain literals, which we refuse. Space,
 * control and non-ASCII bytes never get here: scan_bytes refused them
 * (a NUL too). */
static int is_local_char(unsigned char c)
{
	/* the specials @ " ( ) , : ; < > [ backslash ] as bits of two words (bytes
	 * 0-63 and 64-127): one shift and mask a byte instead of a strchr
	 * through the list (a user_add or an invite normalizes addresses) */
	static const uint64_t lo = (1ull << '"') | (1ull << '(') | (1ull << ')') |
	                           (1ull << ',') | (1ull << ':') | (1ull << ';') |
	                           (1ull << '<') | (1ull << '>');
	static const uint64_t hi = (1ull << ('@' - 64)) | (1ull << ('[' - 64)) |
	                           (1ull << ('\\' - 64)) | (1ull << (']' - 64));

	return !(((c < 64 ? lo : hi) >> (c & 63)) & 1u);
}

static int fail(char *out, const char **why, const char *reason)
{
	if (out)
		out[0] = '\0';
	if (why)
		*why = reason;
	return PWS_EINVALID;
}

/* Bytes refused anywhere in an address or a domain. Checked first so the
 * reason names the real problem (a Cyrillic letter is "non-ASCII", not
 * "invalid character in domain"). */
static const char *scan_bytes(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c > ' ' && c < 0x7f)
			continue; /* printable and not a space: one test for most bytes */
		if (c == 0)
			return "contains a NUL byte";
		if (c == ' ' || c == '\t')
			return "contains whitespace";
		if (c < 0x20 || c == 0x7f)
			return "contains a control character";
		return "contains a non-ASCII character (lookalike?)"; /* c >= 0x80 */
	}
	return NULL;
}

static const char *label_check(const char *s, size_t len)
{
	if (len == 0)
		return "empty label in domain";
	if (len > LABEL_MAX)
		return "domain label longer than 63 bytes";
	if (s[0] == '-' || s[len - 1] == '-')
		return "domain label starts or ends with '-'";
	return NULL;
}

static int all_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_digit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Validates the domain d[0..len) (bytes already screened by scan_bytes)
 * and gives the length of its normalized form in *norm_len: the same bytes
 * minus one trailing dot, to be lowercased by the caller. */
static const char *domain_check(const char *d, size_t len, size_t *norm_len)
{
	size_t i, start = 0, labels = 0;
	const char *why;

	if (len == 0)
		return "empty domain";
	if (d[0] == '[')
		return "IP literal domain not allowed";
	/* "acme.com." is a second spelling of "acme.com": drop exactly one
	 * dot, so "acme.com.." still fails below with an empty label. */
	if (d[len - 1] == '.')
		len--;
	if (len == 0)
		return "empty domain";
	if (len > DOMAIN_MAX)
		return "domain longer than 253 bytes";
	for (i = 0; i <= len; i++) {
		if (i < len && d[i] != '.') {
			if (!is_ldh((unsigned char)d[i]))
				return "invalid character in domain";
			continue;
		}
		why = label_check(d + start, i - start);
		if (why)
			return why;
		labels++;
		if (i < len)
			start = i + 1;
	}
	if (labels < 2)
		return "single-label domain";
	/* No real TLD is numeric; this also refuses dotted IPv4 (1.2.3.4). */
	if (all_digits(d + start, len - start))
		return "numeric top-level label (IP address?)";
	*norm_len = len;
	return NULL;
}

static const char *local_check(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return "empty local part";
	if (len > LOCAL_MAX)
		return "local part longer than 64 bytes";
	if (s[0] == '.' || s[len - 1] == '.')
		return "local part starts or ends with a dot";
	for (i = 0; i < len; i++) {
		if (!is_local_char((unsigned char)s[i]))
			return "invalid character in local part";
		/* s[len - 1] is not a dot (above): a dot has a next byte */
		if (s[i] == '.' && s[i + 1] == '.')
			return "consecutive dots in local part";
	}
	return NULL;
}

static void copy_lower(char *out, const char *in, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		out[i] = (char)ascii_lower((unsigned char)in[i]);
	out[len] = '\0';
}

int pws__email_norm(char out[PWS__EMAIL_MAX + 1], const char *in, size_t len,
                    const char **why)
{
	const char *at, *reason;
	size_t local_len, dom_len = 0;

	if (!out)
		return fail(NULL, why, "no output buffer");
	if (!in || len == 0)
		return fail(out, why, "empty address");
	/* One trailing dot may still go, hence the +1: bounds every later
	 * scan before anything is copied. */
	if (len > PWS__EMAIL_MAX + 1)
		return fail(out, why, "address longer than 254 bytes");
	reason = scan_bytes(in, len);
	if (reason)
		return fail(out, why, reason);
	/* Before counting '@': "a@b"@x.com is a quoted local part, not a
	 * double '@'. */
	if (in[0] == '"')
		return fail(out, why, "quoted local part not allowed");
	at = memchr(in, '@', len);
	if (!at)
		return fail(out, why, "missing '@'");
	local_len = (size_t)(at - in);
	if (memchr(at + 1, '@', len - local_len - 1))
		return fail(out, why, "more than one '@'");
	reason = local_check(in, local_len);
	if (!reason)
		reason = domain_check(at + 1, len - local_len - 1, &dom_len);
	if (reason)
		return fail(out, why, reason);
	if (local_len + 1 + dom_len > PWS__EMAIL_MAX)
		return fail(out, why, "address longer than 254 bytes");
	/* The local part is kept byte for byte: its case may matter to the
	 * receiving host, and +tags are never stripped (RELIABILITY 3.1). */
	memcpy(out, in, local_len);
	out[local_len] = '@';
	copy_lower(out + local_len + 1, at + 1, dom_len);
	return PWS_OK;
}

int pws__domain_norm(char out[PWS__EMAIL_MAX + 1], const char *in, size_t len,
                     const char **why)
{
	const char *reason;
	size_t dom_len = 0;

	if (!out)
		return fail(NULL, why, "no output buffer");
	if (!in || len == 0)
		return fail(out, why, "empty domain");
	if (len > DOMAIN_MAX + 1)
		return fail(out, why, "domain longer than 253 bytes");
	reason = scan_bytes(in, len);
	if (!reason)
		reason = domain_check(in, len, &dom_len);
	if (reason)
		return fail(out, why, reason);
	copy_lower(out, in, dom_len);
	return PWS_OK;
}

/* NULL rather than "" for a string without '@': an empty domain would
 * compare equal to another broken one, and domain equality grants access
 * (IN3), so misuse must not fail open. */
const char *pws__email_domain(const char *normalized)
{
	const char *at;

	if (!normalized)
		return NULL;
	at = strrchr(normalized, '@');
	return at ? at + 1 : NULL;
}

/* Copies a normalized string to a caller's buffer, or clears it. */
static int copy_out(char *out, size_t out_size, int rc, const char *norm)
{
	size_t n = strlen(norm);

	if (rc != PWS_OK || n >= out_size) {
		out[0] = '\0';
		return PWS_EINVALID;
	}
	memcpy(out, norm, n + 1);
	return PWS_OK;
}

PWS_EXTERN int pws_email_normalize(char *out, size_t out_size, const char *email)
{
	char buf[PWS__EMAIL_MAX + 1];
	int rc;

	if (!out || out_size == 0)
		return PWS_EINVALID;
	if (!email) {
		out[0] = '\0';
		return PWS_EINVALID;
	}
	rc = pws__email_norm(buf, email, strlen(email), NULL);
	return copy_out(out, out_size, rc, buf);
}

PWS_EXTERN int pws_domain_normalize(char *out, size_t out_size, const char *domain)
{
	char buf[PWS__EMAIL_MAX + 1];
	int rc;

	if (!out || out_size == 0)
		return PWS_EINVALID;
	if (!domain) {
		out[0] = '\0';
		return PWS_EINVALID;
	}
	rc = pws__domain_norm(buf, domain, strlen(domain), NULL);
	return copy_out(out, out_size, rc, buf);
}

int pws__email_key(char out[PWS__EMAIL_MAX + 1], const char *in, size_t len,
                   const char **why)
{
	int rc = pws__email_norm(out, in, len, why);
	char *c;

	if (rc != PWS_OK)
		return rc;
	/* a normalized address holds exactly one '@' */
	for (c = out; *c != '@'; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return PWS_OK;
}

PWS_EXTERN int pws_email_key(char *out, size_t out_size, const char *email,
                             size_t *needed)
{
	char buf[PWS__EMAIL_MAX + 1];
	size_t n;

	if (needed)
		*needed = 0;
	if (!out || out_size == 0)
		return PWS_EINVALID;
	out[0] = '\0';
	if (!email || pws__email_key(buf, email, strlen(email), NULL) != PWS_OK)
		return PWS_EINVALID;
	n = strlen(buf);
	/* The size is reported whether or not it fits, so a caller can retry
	 * with a buffer of exactly that size. */
	if (needed)
		*needed = n + 1;
	if (n >= out_size)
		return PWS_EINVALID;
	memcpy(out, buf, n + 1);
	return PWS_OK;
}

/* The bytes a local part of an identity key may hold: printable ASCII
 * but space (scan_bytes), no special (is_local_char), no capital letter
 * (pws__email_key lowercases them), as bits of two words; a byte's class
 * in key_local below: 1 held, 2 the dot (held, but neither first, last
 * nor doubled), 0 refused. */
#define KEY_LO ((~0ull << 33) & ~((1ull << '"') | (1ull << '(') | (1ull << ')') | \
                                  (1ull << ',') | (1ull << ':') | (1ull << ';') | \
                                  (1ull << '<') | (1ull << '>')))
#define KEY_HI (((1ull << 63) - 1) & ~(1ull | (((1ull << 26) - 1) << 1) | (1ull << ('[' - 64)) | \
                                       (1ull << ('\\' - 64)) | (1ull << (']' - 64))))
#define KEY_CLASS(c)                                                                           \
	((c) == '.' ? 2 : (c) >= 128 ? 0 : (int)((((c) < 64 ? KEY_LO : KEY_HI) >> ((c) & 63)) & 1))
#define KEY_CLASS4(c) KEY_CLASS(c), KEY_CLASS((c) + 1), KEY_CLASS((c) + 2), KEY_CLASS((c) + 3)
#define KEY_CLASS16(c) KEY_CLASS4(c), KEY_CLASS4((c) + 4), KEY_CLASS4((c) + 8), KEY_CLASS4((c) + 12)

/* A table, one load a byte: a bulk load checks every user's address */
static const unsigned char key_local[256] = {
	KEY_CLASS16(0),   KEY_CLASS16(16),  KEY_CLASS16(32),  KEY_CLASS16(48),
	KEY_CLASS16(64),  KEY_CLASS16(80),  KEY_CLASS16(96),  KEY_CLASS16(112),
	KEY_CLASS16(128), KEY_CLASS16(144), KEY_CLASS16(160), KEY_CLASS16(176),
	KEY_CLASS16(192), KEY_CLASS16(208), KEY_CLASS16(224), KEY_CLASS16(240),
};

static uint32_t rd4(const char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd8(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* memcmp(a, b, n) == 0 for a domain (n >= 1): up to 16 bytes by two
 * overlapping words a side, so that the usual domain costs no call */
static int dom_eq(const char *a, const char *b, size_t n)
{
	if (n > 16)
		return memcmp(a, b, n) == 0;
	if (n >= 8)
		return ((rd8(a) ^ rd8(b)) | (rd8(a + n - 8) ^ rd8(b + n - 8))) == 0;
	if (n >= 4)
		return ((rd4(a) ^ rd4(b)) | (rd4(a + n - 4) ^ rd4(b + n - 4))) == 0;
	return ((a[0] ^ b[0]) | (a[n >> 1] ^ b[n >> 1]) | (a[n - 1] ^ b[n - 1])) == 0;
}

int pws__email_is_key_at(const char *s, size_t len, const char *dom, size_t dom_len)
{
	size_t local_len, i;

	/* no domain is empty: nothing is known of an address then */
	if (!dom_len || len <= dom_len + 1 || len > PWS__EMAIL_MAX)
		return 0;
	local_len = len - dom_len - 1;
	if (local_len > LOCAL_MAX || s[local_len] != '@' ||
	    !dom_eq(s + local_len + 1, dom, dom_len))
		return 0;
	/* what local_check refuses besides the bytes: dots first, last or
	 * doubled ('"' first, a quoted local part, is a byte refused) */
	if (s[0] == '.' || s[local_len - 1] == '.')
		return 0;
	for (i = 0; i < local_len; i++) {
		unsigned k = key_local[(unsigned char)s[i]];

		/* s[i + 1] is a byte of s: the '@' at the latest */
		if (k != 1 && (!k || s[i + 1] == '.'))
			return 0;
	}
	return 1;
}
