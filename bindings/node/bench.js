// SPDX-License-Identifier: MIT
// What one pws_check costs through the Node binding, next to the same loop
// in C, measured in the same run on the same small world.
//
// Measured: Policy.check(actor, action, workspace, element) on a world of one
// team, a workspace with 3 members and one collection, alternating an
// allowed and a denied probe. A single call (~0.1-1 us) is shorter than the
// timer's resolution and overhead, so calls are timed in batches of BATCH;
// the figure is the median over BATCHES batches of (batch time / BATCH),
// i.e. the typical per-call latency, including koffi's argument conversion
// (4 JS strings to C strings), the two out-parameters and the rule id
// lookup. The C figure is the same loop over pws_check in a tiny C program
// compiled here against ../../include and the library under test
// (PARTNERWS_LIBRARY or ../../lib/.libs); without a C compiler only the Node
// figure is printed (then compare with `./bench/bench --quick --latency`,
// whose "p50 by id" runs on a much larger world).
//
// Run: PARTNERWS_LIBRARY=../../lib/.libs/libpartnerws.so.0 node bench.js
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const pw = require('.');

const BATCH = Number(process.env.BENCH_BATCH || 20000);
const BATCHES = Number(process.env.BENCH_BATCHES || 31);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function nodeFigure() {
  const p = new pw.Policy();
  try {
    p.teamAdd('pub', 'Publisher', pw.Plan.ENTERPRISE);
    p.userAdd('alice', 'alice@pub.example', 'pub', pw.TeamRole.SUPER_ADMIN);
    p.userAdd('bob', 'bob@pub.example', 'pub', pw.TeamRole.MEMBER);
    p.userAdd('carol', 'carol@pub.example', 'pub', pw.TeamRole.MEMBER);
    p.workspaceCreate('alice', 'ws', 'WS', { visibility: pw.Visibility.PRIVATE });
    p.elementAdd('alice', 'ws', 'c1');
    p.invite('alice', 'ws', 'bob@pub.example', pw.InviteKind.MEMBER, pw.WsRole.EDITOR);
    p.inviteAccept('bob', 'ws');
    const probes = [['bob', pw.Action.EDIT], ['carol', pw.Action.EDIT]];
    let allowed = 0;
    for (let i = 0; i < BATCH; i++) allowed += p.check(probes[i & 1][0], probes[i & 1][1], 'ws', 'c1').allowed;
    const per = [];
    for (let b = 0; b < BATCHES; b++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < BATCH; i++) allowed += p.check(probes[i & 1][0], probes[i & 1][1], 'ws', 'c1').allowed;
      per.push(Number(process.hrtime.bigint() - t0) / BATCH);
    }
    if (allowed !== (BATCHES + 1) * BATCH / 2) throw new Error('bench: unexpected decisions');
    return median(per);
  } finally {
    p.close();
  }
}

const C_SOURCE = String.raw`
#include <partnerws.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e9 + t.tv_nsec; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
int main(int argc, char **argv) {
	int batch = atoi(argv[1]), batches = atoi(argv[2]);
	pws_policy *p; pws_result r = PWS_RESULT_INIT;
	if (pws_policy_new(&p, NULL)) return 1;
	if (pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, &r) ||
	    pws_user_add(p, "alice", "alice@pub.example", "pub", PWS_TEAM_SUPER_ADMIN, 0, &r) ||
	    pws_user_add(p, "bob", "bob@pub.example", "pub", PWS_TEAM_MEMBER, 0, &r) ||
	    pws_user_add(p, "carol", "carol@pub.example", "pub", PWS_TEAM_MEMBER, 0, &r) ||
	    pws_workspace_create(p, "alice", "ws", "WS", PWS_VIS_PRIVATE, NULL, &r) ||
	    pws_element_add(p, "alice", "ws", "c1", PWS_EL_COLLECTION, 0, NULL, &r) ||
	    pws_invite(p, "alice", "ws", "bob@pub.example", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, &r) ||
	    pws_invite_accept(p, "bob", "ws", NULL, &r)) { fprintf(stderr, "%s\n", r.message); return 1; }
	const char *actors[2] = {"bob", "carol"};
	double *per = malloc(sizeof(double) * (size_t)batches);
	long allowed_sum = 0;
	for (int b = -1; b < batches; b++) {
		double t0 = now();
		for (int i = 0; i < batch; i++) {
			int allowed, rule;
			pws_check(p, &allowed, &rule, actors[i & 1], PWS_ACT_EDIT, "ws", "c1");
			allowed_sum += allowed;
		}
		if (b >= 0) per[b] = (now() - t0) / batch;
	}
	qsort(per, (size_t)batches, sizeof(double), cmp);
	printf("%.1f %ld\n", per[batches / 2], allowed_sum);
	pws_policy_free(p);
	return 0;
}
`;

function cFigure() {
  const top = path.resolve(__dirname, '..', '..');
  const inc = path.join(top, 'include');
  const so = process.env.PARTNERWS_LIBRARY || path.join(top, 'lib', '.libs', 'libpartnerws.so.0');
  if (!fs.existsSync(path.join(inc, "partnerws.h")) || !fs.existsSync(so)) {
    return { why: 'no include/ or library next to the binding' };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pws-bench-'));
  try {
    const src = path.join(dir, 'loop.c');
    const exe = path.join(dir, 'loop');
    fs.writeFileSync(src, C_SOURCE);
    try {
      execFileSync(process.env.CC || 'cc', ['-O2', '-I', inc, '-o', exe, src, so, '-Wl,-rpath,' + path.dirname(so)],
        { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      return { why: 'no C compiler (' + String(e.message).split('\n')[0] + ')' };
    }
    const [ns] = execFileSync(exe, [String(BATCH), String(BATCHES)], { encoding: 'utf8' }).trim().split(' ');
    return { ns: Number(ns) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const c = cFigure();
const js = nodeFigure();
console.log(`pws_check, small world (3 members, 1 collection), median of ${BATCHES} batches of ${BATCH} calls:`);
console.log(`  Node (koffi, Policy.check): ${js.toFixed(1)} ns/call`);
if (c.ns !== undefined) {
  console.log(`  C (the same loop):          ${c.ns.toFixed(1)} ns/call   binding overhead ${(js - c.ns).toFixed(1)} ns, x${(js / c.ns).toFixed(1)}`);
} else {
  console.log(`  C figure not measured: ${c.why}; see ./bench/bench --quick --latency`);
}
