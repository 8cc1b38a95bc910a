/*
 * Fuzz target: email and domain normalization (IN3, IN4, pws_email_key).
 * Promises: no crash; a normalized address is a fixed point (normalizing
 * it again gives it back, and its key); the key is idempotent and the
 * same for the address and its normal form; a result always fits 255
 * bytes; a too small buffer is refused and "needed" says the size; a
 * domain normalizes like the domain part of an address.
 * SPDX-License-Identifier: MIT
 */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[1024], a[255], b[255], k1[255], k2[255], small[8];
	size_t need = 0, need2 = 0;
	int rc, rk;

	if (size >= sizeof in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0'; /* the API takes C strings: stop at the first NUL */

	rc = pws_email_normalize(a, sizeof a, in);
	rk = pws_email_key(k1, sizeof k1, in, &need);
	FZ_ASSERT((rc == PWS_OK) == (rk == PWS_OK), "normalize %d but key %d for '%s'", rc, rk, in);
	if (rc == PWS_OK) {
		FZ_ASSERT(strlen(a) <= 254, "normalized address of %zu bytes", strlen(a));
		FZ_ASSERT(need == strlen(k1) + 1, "needed %zu for a key of %zu", need, strlen(k1));
		FZ_ASSERT(pws_email_normalize(b, sizeof b, a) == PWS_OK && strcmp(a, b) == 0,
		          "not a fixed point: '%s' -> '%s' -> '%s'", in, a, b);
		FZ_ASSERT(pws_email_key(k2, sizeof k2, a, NULL) == PWS_OK && strcmp(k1, k2) == 0,
		          "key of '%s' is '%s', of its normal form '%s' is '%s'", in, k1, a, k2);
		FZ_ASSERT(pws_email_key(k2, sizeof k2, k1, NULL) == PWS_OK && strcmp(k1, k2) == 0,
		          "key not idempotent: '%s' -> '%s'", k1, k2);
		/* the domain part normalizes as a domain, to the same text */
		{
			const char *at = strrchr(a, '@');
			char d[255];

			FZ_ASSERT(at, "no '@' in '%s'", a);
			FZ_ASSERT(pws_domain_normalize(d, sizeof d, at + 1) == PWS_OK &&
			          strcmp(d, at + 1) == 0, "domain of '%s' does not normalize to itself",
			          a);
		}
		/* too small a buffer: refused, and needed says the size */
		need2 = 0;
		rk = pws_email_key(small, sizeof small, in, &need2);
		if (need <= sizeof small)
			FZ_ASSERT(rk == PWS_OK && strcmp(small, k1) == 0, "small buffer fits, yet %d",
			          rk);
		else
			FZ_ASSERT(rk == PWS_EINVALID && need2 == need, "too small: %d, needed %zu/%zu",
			          rk, need2, need);
		rc = pws_email_normalize(small, sizeof small, in);
		FZ_ASSERT(rc == (strlen(a) < sizeof small ? PWS_OK : PWS_EINVALID),
		          "normalize into %zu bytes of '%s' -> %d", sizeof small, a, rc);
	} else {
		FZ_ASSERT(need == 0, "needed %zu for a malformed address", need);
	}

	rc = pws_domain_normalize(a, sizeof a, in);
	if (rc == PWS_OK) {
		FZ_ASSERT(strlen(a) <= 254, "domain of %zu bytes", strlen(a));
		FZ_ASSERT(pws_domain_normalize(b, sizeof b, a) == PWS_OK && strcmp(a, b) == 0,
		          "domain not a fixed point: '%s' -> '%s' -> '%s'", in, a, b);
		/* x@domain is a valid address whose domain part is the domain */
		if (strlen(a) < 200) {
			char e[255];

			snprintf(e, sizeof e, "x@%s", a);
			FZ_ASSERT(pws_email_normalize(b, sizeof b, e) == PWS_OK && strcmp(b, e) == 0,
			          "domain '%s' accepted but address '%s' -> '%s'", a, e, b);
		}
	}
	return 0;
}
