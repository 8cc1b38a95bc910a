/*
 * partnerws(1): run scenario files, ask a store or a snapshot for a
 * decision, list what a user sees, inspect and maintain a store. Built on
 * the public API only; the store's records are decoded here from the bytes
 * the storage table's load hands over (doc/STORAGE.md), not by the library.
 */
#include "cli.h"

#ifdef HAVE_SQLITE
#include <partnerws-sqlite.h>
#endif
#ifdef HAVE_PG
#include <partnerws-pg.h>
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: partnerws test FILE...\n"
	        "       partnerws check   SOURCE ACTOR ACTION WORKSPACE [ELEMENT]\n"
	        "       partnerws explain SOURCE ACTOR ACTION WORKSPACE [ELEMENT]\n"
	        "       partnerws list members|elements SOURCE VIEWER WORKSPACE\n"
	        "       partnerws list workspaces SOURCE USER\n"
	        "       partnerws store info|dump|compact|verify SPEC\n"
	        "       partnerws store world SPEC SCENARIO\n"
	        "       partnerws snapshot export SPEC [FILE]\n"
	        "       partnerws snapshot import SPEC FILE\n"
	        "       partnerws snapshot world SCENARIO [FILE]\n"
	        "SOURCE is --store SPEC or --snapshot FILE; SPEC is sqlite:PATH"
#ifdef HAVE_PG
	        " or pg:CONNINFO"
#endif
	        ".\nSee partnerws(1).\n");
}

/* ---- opening stores and snapshots ----------------------------------------- */

int cli_open_ops(pws_storage_ops *ops, const char *spec, int readonly)
{
	int rc = PWS_EINVALID;
	pws_storage_ops_init(ops, PWS_STORAGE_OPS_VERSION);
	if (!strncmp(spec, "sqlite:", 7)) {
#ifdef HAVE_SQLITE
		rc = pws_sqlite_storage_open(ops, spec + 7, readonly ? PWS_SQLITE_READONLY : 0);
		if (rc != PWS_OK)
			fprintf(stderr, "partnerws: %s: %s\n", spec, pws_strerror(rc));
		return rc;
#endif
	} else if (!strncmp(spec, "pg:", 3)) {
#ifdef HAVE_PG
		(void)readonly;
		rc = pws_pg_storage_open(ops, spec + 3, 0);
		if (rc != PWS_OK)
			fprintf(stderr, "partnerws: %s: %s\n", spec, pws_strerror(rc));
		return rc;
#endif
	}
	(void)readonly;
	fprintf(stderr, "partnerws: unsupported store '%s' (sqlite:PATH"
#ifdef HAVE_PG
	        ", pg:CONNINFO"
#endif
	        ")\n", spec);
	return rc;
}

static int new_policy(pws_policy **p, pws_storage_ops *ops, const char *what)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	o.storage = ops;
	int rc = pws_policy_new(p, &o);
	if (rc != PWS_OK) {
		fprintf(stderr, "partnerws: %s does not load: %s\n", what, pws_strerror(rc));
		if (ops && ops->close)
			ops->close(ops->ctx); /* not called by a failed pws_policy_new */
	}
	return rc;
}

static int open_store(pws_policy **p, const char *spec, int readonly)
{
	pws_storage_ops ops;
	if (cli_open_ops(&ops, spec, readonly) != PWS_OK)
		return -1;
	return new_policy(p, &ops, spec) == PWS_OK ? 0 : -1;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "partnerws: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		char *b = realloc(buf, cap *= 2);
		if (!b)
			free(buf);
		buf = b;
	}
	int err = ferror(f);
	if (f != stdin)
		fclose(f);
	if (!buf || err) {
		fprintf(stderr, "partnerws: %s: cannot read\n", path);
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static int open_snapshot(pws_policy **p, const char *path)
{
	size_t len;
	char *json = read_file(path, &len);
	if (!json)
		return -1;
	pws_result r = PWS_RESULT_INIT;
	int rc = new_policy(p, NULL, path);
	if (rc == PWS_OK && (rc = pws_snapshot_import(*p, json, len, &r)) != PWS_OK) {
		fprintf(stderr, "partnerws: %s: %s%s%s\n", path, pws_strerror(rc),
		        r.message[0] ? ": " : "", r.message);
		pws_policy_free(*p);
	}
	free(json);
	return rc == PWS_OK ? 0 : -1;
}

/* SOURCE: --store SPEC or --snapshot FILE, consumed from argv. */
static int open_source(pws_policy **p, int *argc, char ***argv)
{
	if (*argc < 2) {
		usage(stderr);
		return -1;
	}
	const char *opt = (*argv)[0], *val = (*argv)[1];
	*argc -= 2;
	*argv += 2;
	if (!strcmp(opt, "--store"))
		return open_store(p, val, 1);
	if (!strcmp(opt, "--snapshot"))
		return open_snapshot(p, val);
	usage(stderr);
	return -1;
}

/* ---- check, explain ------------------------------------------------------------- */

static int cmd_check(int argc, char **argv, int explain)
{
	pws_policy *p;
	if (open_source(&p, &argc, &argv))
		return CLI_BAD;
	if (argc < 3 || argc > 4) {
		pws_policy_free(p);
		usage(stderr);
		return CLI_BAD;
	}
	int action = cli_action_from_name(argv[1]);
	if (!action) {
		fprintf(stderr, "partnerws: unknown action '%s'; one of:", argv[1]);
		for (int a = 1; a < PWS_ACT_COUNT; a++)
			fprintf(stderr, " %s", pws_action_name(a));
		fprintf(stderr, "\n");
		pws_policy_free(p);
		return CLI_BAD;
	}
	int allowed = 0, rule = 0;
	const char *el = argc == 4 ? argv[3] : NULL;
	int rc = pws_check(p, &allowed, &rule, argv[0], action, argv[2], el);
	if (rc != PWS_OK) {
		fprintf(stderr, "partnerws: %s\n", pws_strerror(rc));
		pws_policy_free(p);
		return CLI_BAD;
	}
	printf("%s %s\n", allowed ? "allow" : "deny", rule ? pws_rule_id(rule) : "none");
	if (explain) {
		printf("rule: %s: %s\n", rule ? pws_rule_id(rule) : "none",
		       rule ? pws_rule_text(rule) : "no rule decided");
		uint64_t mask = 0;
		if (pws_allowed_actions(p, &mask, argv[0], argv[2], el) == PWS_OK) {
			printf("allowed actions:");
			for (int a = 1; a < PWS_ACT_COUNT; a++)
				if (mask & ((uint64_t)1 << a))
					printf(" %s", pws_action_name(a));
			printf("%s\n", mask ? "" : " (none)");
		}
	}
	pws_policy_free(p);
	return allowed ? CLI_OK : CLI_FAILED;
}

/* ---- list ---------------------------------------------------------------------- */

static int cmd_list(int argc, char **argv)
{
	if (argc < 1) {
		usage(stderr);
		return CLI_BAD;
	}
	const char *what = argv[0];
	int ws_list = !strcmp(what, "workspaces");
	if (!ws_list && strcmp(what, "members") && strcmp(what, "elements")) {
		usage(stderr);
		return CLI_BAD;
	}
	argc--;
	argv++;
	pws_policy *p;
	if (open_source(&p, &argc, &argv))
		return CLI_BAD;
	if (argc != (ws_list ? 1 : 2)) {
		pws_policy_free(p);
		usage(stderr);
		return CLI_BAD;
	}
	pws_iter *it = NULL;
	int rc = ws_list ? pws_list_workspaces(&it, p, argv[0])
	         : what[0] == 'm' ? pws_list_members(&it, p, argv[0], argv[1])
	         : pws_list_elements(&it, p, argv[0], argv[1]);
	if (rc != PWS_OK) {
		fprintf(stderr, "partnerws: %s\n", pws_strerror(rc));
		pws_policy_free(p);
		return CLI_BAD;
	}
	while (pws_iter_next(it) == PWS_OK) {
		const char *id = pws_iter_str(it, PWS_COL_ID);
		if (ws_list)
			printf("%s\t%s\n", id, pws_visibility_name((int)pws_iter_int(it, PWS_COL_VISIBILITY)));
		else if (what[0] == 'm')
			printf("%s\t%s\t%s%s%s\n", id, pws_ws_role_name((int)pws_iter_int(it, PWS_COL_ROLE)),
			       pws_iter_int(it, PWS_COL_LEAD) ? "lead " : "",
			       pws_iter_int(it, PWS_COL_EXTERNAL) ? "external " : "",
			       pws_iter_str(it, PWS_COL_ORG) ? pws_iter_str(it, PWS_COL_ORG) : "");
		else
			printf("%s\t%s\n", id, cli_element_kind_name((int)pws_iter_int(it, PWS_COL_KIND)));
	}
	pws_iter_free(it);
	pws_policy_free(p);
	return CLI_OK;
}

/* ---- store: records decoded from the raw bytes (doc/STORAGE.md) ------------------ */

static const char *const op_names[] = {
	NULL, "team_add", "team_set_plan", "team_set_sso", "team_add_domain",
	"team_remove_domain", "team_set_editor_seats", "team_remove", "plan_set_retention",
	"user_add", "user_set_team", "user_set_team_role", "user_set_partner_manager",
	"user_remove", "workspace_create", "workspace_add_legacy", "workspace_convert",
	"request_review", "workspace_set_details", "workspace_set_visibility",
	"workspace_delete", "workspace_enable_multi_partner", "workspace_migrate", "invite",
	"invite_bulk", "invite_accept", "invite_decline", "member_set_role", "member_set_lead",
	"member_remove", "partner_end", "element_add", "element_add_editor", "element_move",
	"element_fork", "element_delete", "element_restore", "update_post", "update_reply",
	"workspace_visit", "history_add", "comment_add", "integration_enable",
	"snapshot_import", "image", "invite_withdraw", "integration_disable",
	"workspace_migrate_many",
};
#define N_OPS (sizeof op_names / sizeof op_names[0])

struct scan {
	int dump;          /* print each record */
	size_t records;
	size_t bad;        /* records that do not decode */
	size_t bad_sum;    /* of those: a format-2 record whose checksum fails */
	size_t format1;    /* records of format 1 (no checksum) */
	char first_bad[40]; /* the key of the first bad record */
	int first_bad_sum;  /* ... refused by its checksum */
	size_t per_op[N_OPS];
	size_t other_kind; /* records of a kind other than PWS_RECORD_OP */
	size_t bytes;
};

static uint32_t le32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void print_string(const unsigned char *b, uint32_t n, int code)
{
	/* Large strings (a snapshot, an image, a bulk file) are summarized. */
	if (code == 24 || code == 43 || code == 44 || n > 200) {
		printf(" <%" PRIu32 " bytes>", n);
		return;
	}
	putchar(' ');
	putchar('"');
	for (uint32_t i = 0; i < n; i++) {
		unsigned c = b[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar((int)c);
	}
	putchar('"');
}

/* CRC-32C (Castagnoli), as the library computes a record's checksum
 * (doc/STORAGE.md, format 2); bitwise: a dump is not hot. */
static uint32_t crc32c(const unsigned char *b, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *b++;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
	}
	return ~c;
}

/* Decodes one record's data; prints it when dumping; 0 if well formed,
 * -2 for a format-2 record whose checksum does not match (not decoded
 * further: its bytes are not the ones written), -1 if malformed. */
static int decode(const unsigned char *d, size_t len, int print, int *code_out)
{
	if (len < 6 || (d[0] != 1 && d[0] != 2) || d[1] != 0)
		return -1;
	if (d[0] == 2) {
		if (len < 10)
			return -1;
		len -= 4;
		uint32_t want = le32(d + len), got = crc32c(d, len);
		if (want != got) {
			if (print)
				printf(" <checksum mismatch: stored %08" PRIx32 ", computed %08" PRIx32 ">",
				       want, got);
			return -2;
		}
	}
	int code = d[2] | d[3] << 8;
	unsigned argc = (unsigned)(d[4] | d[5] << 8);
	*code_out = code;
	if (print)
		printf(" %s", code > 0 && (size_t)code < N_OPS ? op_names[code] : "unknown-op");
	size_t off = 6;
	for (unsigned i = 0; i < argc; i++) {
		if (off >= len)
			return -1;
		unsigned char t = d[off++];
		if (t == 's') {
			if (len - off < 4)
				return -1;
			uint32_t n = le32(d + off);
			off += 4;
			if (len - off < n)
				return -1;
			if (print)
				print_string(d + off, n, code);
			off += n;
		} else if (t == 'n') {
			if (print)
				printf(" null");
		} else if (t == 'i') {
			if (len - off < 8)
				return -1;
			uint64_t v = le32(d + off) | (uint64_t)le32(d + off + 4) << 32;
			if (print)
				printf(" %" PRId64, (int64_t)v);
			off += 8;
		} else {
			return -1;
		}
	}
	if (print && d[0] == 2)
		printf(" crc=%08" PRIx32, le32(d + len)); /* checked above */
	else if (print)
		printf(" (format 1, no checksum)");
	return off == len && code > 0 && (size_t)code < N_OPS ? 0 : -1;
}

static int scan_sink(void *ctx, uint32_t kind, const char *key, size_t key_len,
                     const void *data, size_t data_len)
{
	struct scan *sc = ctx;
	sc->records++;
	sc->bytes += data_len;
	if (sc->dump)
		printf("%.*s", (int)key_len, key);
	if (kind != PWS_RECORD_OP) {
		sc->other_kind++;
		if (sc->dump)
			printf(" kind=%" PRIu32 " <%zu bytes>\n", kind, data_len);
		return PWS_OK;
	}
	int code = 0;
	int rc = decode(data, data_len, sc->dump, &code);
	if (rc != 0) {
		sc->bad++;
		sc->bad_sum += rc == -2;
		if (sc->bad == 1) {
			snprintf(sc->first_bad, sizeof sc->first_bad, "%.*s",
			         (int)(key_len < 32 ? key_len : 32), key);
			sc->first_bad_sum = rc == -2;
		}
		if (sc->dump && rc == -1)
			printf(" <malformed>");
	} else {
		sc->per_op[code]++;
		sc->format1 += ((const unsigned char *)data)[0] == 1;
	}
	if (sc->dump)
		printf("\n");
	return PWS_OK;
}

static int scan_store(pws_storage_ops *ops, struct scan *sc)
{
	if (!ops->load)
		return PWS_OK;
	return ops->load(ops->ctx, scan_sink, sc);
}

static int store_info(const char *spec, int dump)
{
	pws_storage_ops ops;
	struct scan sc;
	memset(&sc, 0, sizeof sc);
	sc.dump = dump;
	if (cli_open_ops(&ops, spec, 1) != PWS_OK)
		return CLI_BAD;
	int rc = scan_store(&ops, &sc);
	if (rc != PWS_OK) {
		fprintf(stderr, "partnerws: %s: load failed: %s\n", spec, pws_strerror(rc));
		ops.close(ops.ctx);
		return CLI_BAD;
	}
	if (dump) {
		ops.close(ops.ctx);
		return sc.bad ? CLI_FAILED : CLI_OK;
	}
	pws_policy *p;
	if (new_policy(&p, &ops, spec) != PWS_OK)
		return CLI_BAD;
	uint64_t rev = 0, digest = 0;
	pws_policy_revision(p, &rev);
	pws_policy_digest(p, &digest);
	printf("store: %s\nrevision: %" PRIu64 "\ndigest: %016" PRIx64 "\n", spec, rev, digest);
	printf("records: %zu (%zu bytes)\n", sc.records, sc.bytes);
	for (size_t i = 1; i < N_OPS; i++)
		if (sc.per_op[i])
			printf("  %-32s %zu\n", op_names[i], sc.per_op[i]);
	if (sc.other_kind)
		printf("  %-32s %zu\n", "(other record kinds)", sc.other_kind);
	if (sc.bad)
		printf("  %-32s %zu\n", "(malformed)", sc.bad - sc.bad_sum);
	if (sc.bad_sum)
		printf("  %-32s %zu\n", "(checksum mismatch)", sc.bad_sum);
	if (sc.format1)
		printf("  %-32s %zu\n", "(format 1: no checksum)", sc.format1);
	pws_iter *it;
	size_t teams = 0, users = 0;
	if (pws_list_teams(&it, p) == PWS_OK) {
		teams = pws_iter_count(it);
		pws_iter_free(it);
	}
	if (pws_list_users(&it, p, NULL) == PWS_OK) {
		users = pws_iter_count(it);
		pws_iter_free(it);
	}
	printf("teams: %zu\nusers: %zu\n", teams, users);
	pws_policy_free(p);
	return CLI_OK;
}

static int store_compact(const char *spec)
{
	pws_policy *p;
	if (open_store(&p, spec, 0))
		return CLI_BAD;
	pws_result r = PWS_RESULT_INIT;
	int rc = pws_compact(p, &r);
	if (rc != PWS_OK)
		fprintf(stderr, "partnerws: compact: %s%s%s\n", pws_strerror(rc),
		        r.message[0] ? ": " : "", r.message);
	else
		printf("compacted %s\n", spec);
	pws_policy_free(p);
	return rc == PWS_OK ? CLI_OK : CLI_BAD;
}

/* Loads the store twice: every record decodes, and both loads give the
 * same state (the calls replay deterministically). */
static int store_verify(const char *spec)
{
	uint64_t d[2] = {0, 0}, rev[2] = {0, 0};
	struct scan sc;
	memset(&sc, 0, sizeof sc);
	for (int i = 0; i < 2; i++) {
		pws_storage_ops ops;
		pws_policy *p;
		if (cli_open_ops(&ops, spec, 1) != PWS_OK)
			return CLI_BAD;
		if (i == 0 && scan_store(&ops, &sc) != PWS_OK) {
			fprintf(stderr, "partnerws: %s: load failed\n", spec);
			ops.close(ops.ctx);
			return CLI_FAILED;
		}
		if (i == 0 && sc.bad) {
			printf("%s: %zu damaged record(s) (%zu checksum mismatch), the first under key "
			       "%s: %s\n",
			       spec, sc.bad, sc.bad_sum, sc.first_bad,
			       sc.first_bad_sum ? "checksum mismatch" : "malformed");
			ops.close(ops.ctx);
			return CLI_FAILED;
		}
		if (new_policy(&p, &ops, spec) != PWS_OK)
			return CLI_FAILED;
		pws_policy_digest(p, &d[i]);
		pws_policy_revision(p, &rev[i]);
		pws_policy_free(p);
	}
	if (sc.bad) {
		printf("%s: %zu malformed record(s)\n", spec, sc.bad);
		return CLI_FAILED;
	}
	if (d[0] != d[1] || rev[0] != rev[1]) {
		printf("%s: two loads differ (digest %016" PRIx64 " / %016" PRIx64 ")\n", spec, d[0],
		       d[1]);
		return CLI_FAILED;
	}
	printf("%s: OK, %zu records, revision %" PRIu64 ", digest %016" PRIx64 "\n", spec,
	       sc.records, rev[0], d[0]);
	return CLI_OK;
}

static int cmd_store(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[0], "world"))
		return cli_world_store(argv[1], argv[2]);
	if (argc != 2) {
		usage(stderr);
		return CLI_BAD;
	}
	if (!strcmp(argv[0], "info"))
		return store_info(argv[1], 0);
	if (!strcmp(argv[0], "dump"))
		return store_info(argv[1], 1);
	if (!strcmp(argv[0], "compact"))
		return store_compact(argv[1]);
	if (!strcmp(argv[0], "verify"))
		return store_verify(argv[1]);
	usage(stderr);
	return CLI_BAD;
}

/* ---- snapshot ------------------------------------------------------------------------ */

static int snapshot_export(const char *spec, const char *out)
{
	pws_policy *p;
	if (open_store(&p, spec, 1))
		return CLI_BAD;
	char *json = NULL;
	size_t len = 0;
	int rc = pws_snapshot_export(p, &json, &len);
	if (rc != PWS_OK) {
		fprintf(stderr, "partnerws: export: %s\n", pws_strerror(rc));
		pws_policy_free(p);
		return CLI_BAD;
	}
	FILE *f = out ? fopen(out, "wb") : stdout;
	int ok = f && fwrite(json, 1, len, f) == len;
	if (f && f != stdout)
		ok = fclose(f) == 0 && ok;
	if (!ok)
		fprintf(stderr, "partnerws: %s: cannot write\n", out ? out : "stdout");
	pws_snapshot_free(p, json);
	pws_policy_free(p);
	return ok ? CLI_OK : CLI_BAD;
}

static int snapshot_import(const char *spec, const char *in)
{
	size_t len;
	char *json = read_file(in, &len);
	if (!json)
		return CLI_BAD;
	pws_policy *p;
	if (open_store(&p, spec, 0)) {
		free(json);
		return CLI_BAD;
	}
	pws_result r = PWS_RESULT_INIT;
	int rc = pws_snapshot_import(p, json, len, &r);
	if (rc != PWS_OK)
		fprintf(stderr, "partnerws: import: %s%s%s\n", pws_strerror(rc),
		        r.message[0] ? ": " : "", r.message);
	free(json);
	pws_policy_free(p);
	return rc == PWS_OK ? CLI_OK : CLI_BAD;
}

static int cmd_snapshot(int argc, char **argv)
{
	if (argc >= 2 && argc <= 3 && !strcmp(argv[0], "export"))
		return snapshot_export(argv[1], argc == 3 ? argv[2] : NULL);
	if (argc >= 2 && argc <= 3 && !strcmp(argv[0], "world"))
		return cli_world_snapshot(argv[1], argc == 3 ? argv[2] : NULL);
	if (argc == 3 && !strcmp(argv[0], "import"))
		return snapshot_import(argv[1], argv[2]);
	usage(stderr);
	return CLI_BAD;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_BAD;
	}
	const char *cmd = argv[1];
	argc -= 2;
	argv += 2;
	if (!strcmp(cmd, "test"))
		return cli_test(argc, argv);
	if (!strcmp(cmd, "check"))
		return cmd_check(argc, argv, 0);
	if (!strcmp(cmd, "explain"))
		return cmd_check(argc, argv, 1);
	if (!strcmp(cmd, "list"))
		return cmd_list(argc, argv);
	if (!strcmp(cmd, "store"))
		return cmd_store(argc, argv);
	if (!strcmp(cmd, "snapshot"))
		return cmd_snapshot(argc, argv);
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		usage(stdout);
		return CLI_OK;
	}
	if (!strcmp(cmd, "--version")) {
		printf("partnerws %s\n", pws_version_string());
		return CLI_OK;
	}
	usage(stderr);
	return CLI_BAD;
}
