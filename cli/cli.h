/*
 * partnerws(1): the command. Built on the public API only (partnerws.h and
 * the storage adapters' headers); nothing here reaches into lib/.
 */
#ifndef PARTNERWS_CLI_H
#define PARTNERWS_CLI_H

#include <partnerws.h>
#include <stdio.h>

/* Exit statuses shared by every subcommand. */
enum cli_exit {
	CLI_OK = 0,       /* success, every assertion held */
	CLI_FAILED = 1,   /* an assertion failed, a check was denied */
	CLI_BAD = 2       /* bad usage, a bad file, a store that does not open */
};

/* Name <-> value tables for the enums the library names (the spellings of
 * pws_action_name(), pws_ws_role_name()... and of doc/SNAPSHOT.md). */
int cli_action_from_name(const char *name);
int cli_role_from_name(const char *name);
int cli_team_role_from_name(const char *name);
int cli_plan_from_name(const char *name);
int cli_visibility_from_name(const char *name);
int cli_event_kind_from_name(const char *name);
int cli_element_kind_from_name(const char *name);
const char *cli_element_kind_name(int kind);
int cli_code_from_name(const char *name);
const char *cli_code_name(int code);

/* partnerws test FILE... */
int cli_test(int argc, char **argv);

/* Reads a scenario file's bytes and checks it without running it: the YAML,
 * the version, every key, call, action, role and rule name (what
 * `partnerws test` refuses before running anything). Makes no library call
 * and prints nothing: for the parser's fuzz target. Returns CLI_OK for a
 * good file, CLI_BAD with "line L: why" in @p msg (may be NULL) for a bad
 * one. Files over 4 MiB and nesting deeper than 32 levels are refused. */
int scen_parse_buffer(const char *buf, size_t len, char *msg, size_t msgsize);

/* Fault-injection sweeps (tests/check_scenario_sweep.c): a scenario run with
 * the host's allocator and store, checking that every call failing with
 * PWS_ENOMEM or PWS_ESTORAGE changes nothing (the state digest) and sends
 * no event; the call is then made again with the injection paused, so that
 * the file must still hold. The injection is resumed (pause(ctx, 0)) only
 * for the library calls of the file's steps, never for the runner's own
 * checks, listings and digests. */
typedef struct scen_hooks {
	const pws_allocator *allocator; /* NULL: malloc */
	pws_storage_ops *storage;       /* NULL: in memory; else closed with the handle */
	int quiet;                      /* no TAP output */
	void *ctx;
	/* Pauses (1) and resumes (0) the injection; the injector starts
	 * paused. May be NULL. */
	void (*pause)(void *ctx, int on);
	/* Around every call made: after_call returns non-zero when the store
	 * disagrees with the call's outcome. May be NULL. */
	void (*before_call)(void *ctx);
	int (*after_call)(void *ctx, int rc);
	unsigned failed_calls;          /* out: calls that failed with ENOMEM or ESTORAGE */
	unsigned violations;            /* out: failed calls that changed something */
} scen_hooks;

/* Runs a scenario held in a buffer: CLI_OK, CLI_FAILED, CLI_BAD. */
int scen_run_buffer(const char *buf, size_t len, const char *name, scen_hooks *hooks);

/* partnerws snapshot world FILE [OUT]: a scenario's world, as a snapshot. */
int cli_world_snapshot(const char *path, const char *out);
/* partnerws store world SPEC FILE: a scenario's world, made on a store. */
int cli_world_store(const char *spec, const char *path);

/* Opens the storage table of SPEC (sqlite:PATH, pg:CONNINFO); says why not. */
int cli_open_ops(pws_storage_ops *ops, const char *spec, int readonly);

#endif
