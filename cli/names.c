/* Name tables: the library's own spellings, looked up by value, so a new
 * action or role gets its name here without a change. */
#include "cli.h"

#include <string.h>

typedef const char *(*name_fn)(int value);

/* The value in [1, max] that @p fn names @p name; 0 if none. */
static int from_name(name_fn fn, int max, const char *name)
{
	if (!*name)
		return 0; /* out-of-range values are named "" */
	for (int v = 1; v <= max; v++) {
		const char *n = fn(v);
		if (n && strcmp(n, name) == 0)
			return v;
	}
	return 0;
}

int cli_action_from_name(const char *name)
{
	return from_name(pws_action_name, PWS_ACT_COUNT - 1, name);
}

int cli_role_from_name(const char *name)
{
	return from_name(pws_ws_role_name, 8, name);
}

int cli_team_role_from_name(const char *name)
{
	return from_name(pws_team_role_name, 8, name);
}

int cli_plan_from_name(const char *name)
{
	return from_name(pws_plan_name, 8, name);
}

int cli_visibility_from_name(const char *name)
{
	return from_name(pws_visibility_name, 8, name);
}

int cli_event_kind_from_name(const char *name)
{
	return from_name(pws_event_kind_name, 64, name);
}

/* No name function exists for element kinds: doc/SNAPSHOT.md's spellings. */
static const char *const element_kinds[] = {
	NULL, "collection", "environment", "api", "monitor", "mock_server"
};

const char *cli_element_kind_name(int kind)
{
	if (kind < 1 || kind > 5)
		return "unknown";
	return element_kinds[kind];
}

int cli_element_kind_from_name(const char *name)
{
	for (int k = 1; k <= 5; k++)
		if (strcmp(element_kinds[k], name) == 0)
			return k;
	return 0;
}

static const struct {
	int code;
	const char *name;
} codes[] = {
	{PWS_OK, "ok"}, {PWS_ERROR, "error"}, {PWS_ENOMEM, "nomem"},
	{PWS_EINVALID, "invalid"}, {PWS_EMISUSE, "misuse"}, {PWS_ENOTFOUND, "notfound"},
	{PWS_EEXISTS, "exists"}, {PWS_EDENIED, "denied"}, {PWS_ESTORAGE, "storage"},
	{PWS_EUSER, "user"}, {PWS_ESTATE, "state"}, {PWS_ECONFLICT, "conflict"},
	{PWS_ETIMEOUT, "timeout"},
};

int cli_code_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (strcmp(codes[i].name, name) == 0)
			return codes[i].code;
	return 1; /* never a status code */
}

const char *cli_code_name(int code)
{
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (codes[i].code == code)
			return codes[i].name;
	return "unknown";
}
