/*
 * Static text for every status code.
 * SPDX-License-Identifier: MIT
 */
#include "pws-int.h"

PWS_EXTERN const char *pws_strerror(int code)
{
	switch (code) {
	case PWS_OK:        return "success";
	case PWS_ERROR:     return "generic error";
	case PWS_ENOMEM:    return "out of memory";
	case PWS_EINVALID:  return "invalid argument";
	case PWS_EMISUSE:   return "library misuse";
	case PWS_ENOTFOUND: return "not found";
	case PWS_EEXISTS:   return "already exists";
	case PWS_EDENIED:   return "denied by policy";
	case PWS_ESTORAGE:  return "storage failure";
	case PWS_EUSER:     return "stopped by user callback";
	case PWS_ESTATE:    return "wrong state for this operation";
	case PWS_ECONFLICT: return "conflict: another writer appended first";
	case PWS_ETIMEOUT:  return "timed out";
	case PWS_ITEROVER:  return "iteration over";
	}
	return "unknown error code";
}
