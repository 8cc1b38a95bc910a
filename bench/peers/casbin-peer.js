// The peer scenario of bench/bench.c --peer, built and checked by
// node-casbin, so that the bench's figures can be set beside a peer's
// measured in the same run (issue 15, point 5). Run by bench/peers/run.sh;
// by hand: NODE_PATH=<dir holding casbin> node --expose-gc casbin-peer.js
// D [shared|domains [model.conf]]
//
// The world: D workspaces; in each, the publisher's manager "pm" is an
// admin and 99 users "q<d>_<k>" hold admin, editor or viewer by k % 3:
// D * 100 role links, the memberships of bench's peer world. Casbin holds
// them as grouping policies g(user, role, workspace) of its RBAC model with
// domains; six p rules give each role its actions.
//
// Two models (the second argument; their texts are rbac-shared.conf and
// rbac-domains.conf beside this file):
//   shared   (default) six p rules for all workspaces: casbin's best case,
//            as a check reads six rules whatever D is
//   domains  casbin's own RBAC-with-domains example: the six rules again
//            for every workspace (6 * D rules), which a check walks
//
// It prints one line per figure, "<peer> <what> <value> <unit>", for
// run.sh to read:
//   load-file    the policy file read into a new enforcer (newEnforcer with
//                a FileAdapter), once: the peer's load from its own store
//   load-api     the same rules given to addGroupingPolicies in one call
//                (median of RUNS), role links included
//   check-p50/99 enforceSync, 1 in 4 on a workspace the user is not in
// (node-casbin has no bench of calls here: its addGroupingPolicy scans the
// rules it holds for a duplicate, so a build of 1M by calls is out of reach)
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { newEnforcer, newModelFromString, FileAdapter } = require('casbin');

const ACTS = [
  ['admin', 'read'], ['admin', 'write'], ['admin', 'manage'],
  ['editor', 'read'], ['editor', 'write'], ['viewer', 'read'],
];
const ROLES = ['admin', 'editor', 'viewer'];
const USERS = 99;
const RUNS = 3;

function world(D) {
  const g = [];
  for (let d = 0; d < D; d++) {
    g.push(['pm', 'admin', 'w' + d]);
    for (let k = 0; k < USERS; k++) g.push([`q${d}_${k}`, ROLES[k % 3], 'w' + d]);
  }
  return g;
}

function secs(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function median(a) {
  const s = a.slice().sort((x, y) => x - y);
  return s[s.length >> 1];
}

// A small deterministic generator, so every run asks the same checks.
let seed = 88172645463325252n;
function rnd(n) {
  seed ^= (seed << 13n) & 0xffffffffffffffffn;
  seed ^= seed >> 7n;
  seed ^= (seed << 17n) & 0xffffffffffffffffn;
  return Number(seed % BigInt(n));
}

async function main() {
  const D = parseInt(process.argv[2] || '10000', 10);
  const model = process.argv[3] || 'shared';
  if (!(D > 0) || (model !== 'shared' && model !== 'domains')) {
    console.error('usage: casbin-peer.js D [shared|domains [model.conf]]');
    process.exit(2);
  }
  // the model's text: rbac-<model>.conf beside this file, or argv[4]
  const conf = process.argv[4] || path.join(__dirname, `rbac-${model}.conf`);
  const text = fs.readFileSync(conf, 'utf8');
  const P_RULES = [];
  if (model === 'shared') P_RULES.push(...ACTS);
  else for (let d = 0; d < D; d++) for (const [r, a] of ACTS) P_RULES.push([r, 'w' + d, a]);
  // a check under 'domains' walks 6 * D rules: fewer checks
  const CHECKS = model === 'shared' ? 200000 : 200;
  const gc = global.gc || (() => {});
  const g = world(D);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pws-casbin-'));
  const file = path.join(dir, 'policy.csv');
  const lines = P_RULES.map((r) => 'p, ' + r.join(', '));
  for (const r of g) lines.push('g, ' + r.join(', '));
  fs.writeFileSync(file, lines.join('\n') + '\n');

  // The file once: it reads about 20 us a line in casbin 5.51 (each line
  // goes through csv-parse), so 1M lines take 18-21 s.
  const tf = [], ta = [];
  let e = null;
  let t0 = process.hrtime.bigint();
  e = await newEnforcer(newModelFromString(text), new FileAdapter(file));
  tf.push(secs(t0));
  for (let i = 0; i < RUNS; i++) {
    e = null;
    gc();
    e = await newEnforcer(newModelFromString(text));
    await e.addPolicies(P_RULES);
    t0 = process.hrtime.bigint();
    if (!(await e.addGroupingPolicies(g))) throw new Error('addGroupingPolicies refused');
    ta.push(secs(t0));
  }
  fs.rmSync(dir, { recursive: true, force: true });

  // The checks, on the last enforcer: a member's role in its workspace,
  // or (1 in 4) a workspace it is not in, which must be refused.
  const lat = new Float64Array(CHECKS);
  let allowed = 0;
  for (let i = 0; i < CHECKS; i++) {
    const d = rnd(D), k = rnd(USERS);
    const other = rnd(4) === 0;
    const dom = 'w' + (other ? (d + 1 + rnd(D - 1 || 1)) % D : d);
    const sub = `q${d}_${k}`;
    const t0 = process.hrtime.bigint();
    const ok = e.enforceSync(sub, dom, 'read');
    lat[i] = Number(process.hrtime.bigint() - t0);
    if (ok) allowed++;
    else if (!other || D === 1) throw new Error(`member ${sub} refused in ${dom}`);
  }
  lat.sort();
  const fmt = (a) => a.map((x) => x.toFixed(3)).join(',');
  console.log(`node-casbin version ${require('casbin/package.json').version}`);
  console.log(`node-casbin model ${model} (${P_RULES.length} p rules)`);
  console.log(`node-casbin memberships ${g.length} count`);
  console.log(`node-casbin load-file ${median(tf).toFixed(3)} s (runs ${fmt(tf)})`);
  console.log(`node-casbin load-api ${median(ta).toFixed(3)} s (runs ${fmt(ta)})`);
  console.log(`node-casbin check-p50 ${lat[CHECKS >> 1].toFixed(0)} ns`);
  console.log(`node-casbin check-p99 ${lat[Math.floor(CHECKS * 0.99)].toFixed(0)} ns`);
  console.log(`node-casbin allowed ${allowed} of ${CHECKS}`);
}

main().catch((err) => {
  console.error('casbin-peer.js:', err);
  process.exit(1);
});
