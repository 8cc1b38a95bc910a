// The peer scenario's checks by cedar-wasm (the Cedar policy language's
// WebAssembly build, from npm), beside bench/bench.c --peer (issue 15 names
// it among the peers). Run by bench/peers/run.sh; by hand:
// NODE_PATH=<dir holding @cedar-policy/cedar-wasm> node cedar-peer.js D
//
// Cedar keeps no store of entities: a host holds who is in which role and
// passes the principal's roles with each request. So there is no load to
// compare; the host's index here (a Map from user to role) is the
// host's, not Cedar's, and is not timed. The world is bench's peer world:
// D workspaces, "pm" admin of each and 99 users "q<d>_<k>" with admin,
// editor or viewer by k % 3. Each user is a User whose parent is the Role
// "w<d>/<role>"; a Workspace names its three roles; three static policies
// give each role its actions. A check is statefulIsAuthorized against the
// preparsed policies, with the user's and the workspace's entities built
// before the clock starts: only Cedar's part is timed.
//
// Lines out, for run.sh: "cedar-wasm model policy (3 policies)",
// check-p50/99 (1 in 4 on a workspace the user is not in).
'use strict';

const cedar = require('@cedar-policy/cedar-wasm/nodejs');

const POLICIES = `
permit(principal, action == Action::"read", resource)
  when { principal in resource.admins || principal in resource.editors ||
         principal in resource.viewers };
permit(principal, action == Action::"write", resource)
  when { principal in resource.admins || principal in resource.editors };
permit(principal, action == Action::"manage", resource)
  when { principal in resource.admins };
`;
const ROLES = ['admin', 'editor', 'viewer'];
const USERS = 99;
const CHECKS = 100000;

let seed = 88172645463325252n; // xorshift64, as the other peers
function rnd(n) {
  seed ^= (seed << 13n) & 0xffffffffffffffffn;
  seed ^= seed >> 7n;
  seed ^= (seed << 17n) & 0xffffffffffffffffn;
  return Number(seed % BigInt(n));
}

function workspace(d) {
  const role = (r) => ({ __entity: { type: 'Role', id: `w${d}/${r}` } });
  return {
    uid: { type: 'Workspace', id: 'w' + d },
    attrs: { admins: role('admin'), editors: role('editor'), viewers: role('viewer') },
    parents: [],
  };
}

function main() {
  const D = parseInt(process.argv[2] || '10000', 10);
  if (!(D > 0)) {
    console.error('usage: cedar-peer.js D');
    process.exit(2);
  }
  const parsed = cedar.preparsePolicySet('peer', { staticPolicies: POLICIES });
  if (parsed.type !== 'success') throw new Error(JSON.stringify(parsed.errors));
  // the host's index: a user's role in its workspace
  const role = new Map();
  for (let d = 0; d < D; d++)
    for (let k = 0; k < USERS; k++) role.set(`q${d}_${k}`, ROLES[k % 3]);
  const lat = new Float64Array(CHECKS);
  const read = { type: 'Action', id: 'read' };
  let allowed = 0;
  for (let i = 0; i < CHECKS; i++) {
    const d = rnd(D), k = rnd(USERS);
    const other = rnd(4) === 0;
    const dd = other && D > 1 ? (d + 1 + rnd(D - 1)) % D : d;
    const sub = `q${d}_${k}`;
    const call = {
      principal: { type: 'User', id: sub },
      action: read,
      resource: { type: 'Workspace', id: 'w' + dd },
      context: {},
      preparsedPolicySetId: 'peer',
      entities: [
        { uid: { type: 'User', id: sub }, attrs: {},
          parents: [{ type: 'Role', id: `w${d}/${role.get(sub)}` }] },
        workspace(dd),
      ],
    };
    const t0 = process.hrtime.bigint();
    const a = cedar.statefulIsAuthorized(call);
    lat[i] = Number(process.hrtime.bigint() - t0);
    if (a.type !== 'success') throw new Error(JSON.stringify(a.errors));
    if (a.response.decision === 'allow') allowed++;
    else if (dd === d) throw new Error(`member ${sub} refused in w${dd}`);
  }
  lat.sort();
  console.log(`cedar-wasm version ${cedar.getCedarVersion()}`);
  console.log('cedar-wasm model policy (3 policies)');
  console.log(`cedar-wasm memberships ${D * (USERS + 1)} count`);
  console.log(`cedar-wasm check-p50 ${lat[CHECKS >> 1].toFixed(0)} ns`);
  console.log(`cedar-wasm check-p99 ${lat[Math.floor(CHECKS * 0.99)].toFixed(0)} ns`);
  console.log(`cedar-wasm allowed ${allowed} of ${CHECKS}`);
}

main();
