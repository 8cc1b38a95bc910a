/*
 * libpartnerws demo (placeholder until the policy core lands): prints the
 * library version and opens and closes a policy handle.
 * SPDX-License-Identifier: MIT
 */
#include <partnerws.h>

#include <stdio.h>

int main(void)
{
	pws_policy *policy = NULL;
	int rc;

	printf("libpartnerws %s (headers %s)\n", pws_version_string(), PWS_VERSION_STRING);
	rc = pws_policy_new(&policy, NULL);
	if (rc != PWS_OK) {
		fprintf(stderr, "pws_policy_new: %s\n", pws_strerror(rc));
		return 1;
	}
	printf("opened a policy handle: OK\n");
	pws_policy_free(policy);
	printf("closed it: OK\n");
	return 0;
}
