/* The public headers must compile as strict C99 and link. */
#include <partnerws.h>

int main(void)
{
	pws_policy *p = NULL;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	int rc = pws_policy_new(&p, &o);

	pws_policy_free(p);
	return rc == PWS_OK && pws_version_number() == PWS_VERSION_NUMBER ? 0 : 1;
}
