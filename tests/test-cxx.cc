// The public headers must compile as C++ and link.
#include <partnerws.h>

int main()
{
	pws_policy *p = nullptr;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	int rc = pws_policy_new(&p, &o);

	pws_policy_free(p);
	return rc == PWS_OK && pws_strerror(PWS_ENOMEM) != nullptr ? 0 : 1;
}
