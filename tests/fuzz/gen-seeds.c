/*
 * Writes seed corpora for fuzz_records, fuzz_image and fuzz_snapshot from
 * the world of fuzz-world.h: its store's records, the same store
 * compacted, its state image and its snapshot, plus an empty handle's.
 *   tests/fuzz/bin/gen-seeds SRCDIR/tests/fuzz/corpus
 * SPDX-License-Identifier: MIT
 */
#include "fuzz-records.h"
#include "fuzz-world.h"
#include "../../lib/record.h"

static void put_file(const char *dir, const char *sub, const char *name, const void *d,
                     size_t n)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s/%s", dir, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(d, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void put_records(const char *dir, const char *name, const mem_store *st)
{
	char path[1024];
	size_t i;
	FILE *f;

	snprintf(path, sizeof path, "%s/records/%s", dir, name);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(1);
	}
	for (i = 0; i < st->n; i++)
		fz_records_write(f, st->v[i].kind, NULL, 0, st->v[i].data, st->v[i].len);
	fclose(f);
}

static void put_snapshot(const char *dir, const char *name, const pws_policy *p)
{
	char *json = NULL;
	size_t len = 0;

	FZ_ASSERT(pws_snapshot_export(p, &json, &len) == PWS_OK, "export");
	put_file(dir, "snapshot", name, json, len);
	pws_snapshot_free(p, json);
}

int main(int argc, char **argv)
{
	mem_store st;
	pws_storage_ops ops;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_policy *p = NULL;
	pws_result r = PWS_RESULT_INIT;
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: gen-seeds CORPUS-DIR\n");
		return 2;
	}
	memset(&st, 0, sizeof st);
	ops = fz_store_ops(&st);
	o.storage = &ops;
	FZ_ASSERT(pws_policy_new(&p, &o) == PWS_OK, "new");
	put_snapshot(argv[1], "empty.json", p);
	fz_world(p, 0);
	FZ_ASSERT(pws_workspace_enable_multi_partner(p, "pm", "pw", &r) == PWS_OK, "multi");
	FZ_ASSERT(pws_element_delete(p, "pm", "col", FZ_NOW, &r) == PWS_OK, "trash");
	FZ_ASSERT(pws_history_add(p, "a1", "pw", "n0", "ran", FZ_NOW, &r) == PWS_OK, "history");
	put_records(argv[1], "world.bin", &st);
	put_snapshot(argv[1], "world.json", p);
	FZ_ASSERT(pws_compact(p, &r) == PWS_OK, "compact");
	FZ_ASSERT(pws_team_set_plan(p, "acme", PWS_PLAN_ENTERPRISE, &r) == PWS_OK, "plan");
	put_records(argv[1], "compacted.bin", &st);
	for (i = 0; i < st.n; i++) {
		int op = 0, argc2 = 0;
		pws__arg args[PWS__REC_MAXARGS];

		if (pws__rec_decode(st.v[i].data, st.v[i].len, &op, args, &argc2) == PWS_OK &&
		    op == PWS__OP_STATE_IMAGE && argc2 == 2) {
			size_t n = 2 + args[0].len + args[1].len;
			unsigned char *b = malloc(n);

			FZ_ASSERT(b && args[0].len < 65536, "image JSON part of %u bytes", args[0].len);
			b[0] = (unsigned char)(args[0].len & 0xff);
			b[1] = (unsigned char)(args[0].len >> 8);
			memcpy(b + 2, args[0].s, args[0].len);
			memcpy(b + 2 + args[0].len, args[1].s, args[1].len);
			put_file(argv[1], "image", "world.bin", b, n);
			free(b);
		}
	}
	pws_policy_free(p);
	mem_store_clear(&st);
	return 0;
}
