// SPDX-License-Identifier: MIT
// The Node binding end to end: a publisher team, a multi-partner workspace,
// two partner organizations, invites and accepts, denials with their rule
// ids, what a partner sees, ask, the events. Run with PARTNERWS_LIBRARY set
// to the built library (tests/check-node.sh does).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const pw = require('..');
const { world } = require('./world');

function fresh() {
  const events = [];
  const p = new pw.Policy({ onEvent: (e) => events.push(e) });
  world(p);
  return { p, events };
}

test('a denial carries its code, rule id and the message (pws_result is in-and-out)', () => {
  const { p } = fresh();
  try {
    const digest = p.digest();
    // IN3: a Partner Lead invites only people of their own organization.
    assert.throws(() => p.invite('ann', 'ws', 'gil@globex.example', pw.InviteKind.PARTNER, pw.WsRole.VIEWER),
      (e) => {
        assert.ok(e instanceof pw.DeniedError);
        assert.ok(e instanceof pw.PartnerwsError);
        assert.ok(e instanceof Error);
        assert.equal(e.code, 'EDENIED');
        assert.equal(e.status, pw.StatusCode.EDENIED);
        assert.equal(e.rule, 'IN3');
        assert.match(e.message, /IN3/);
        assert.ok(e.message.length > 'denied by IN3'.length, 'the library message came back');
        return true;
      });
    // RO2: in multi-partner mode partners are viewers only.
    assert.throws(() => p.memberSetRole('alice', 'ws', 'ann', pw.WsRole.EDITOR),
      { name: 'DeniedError', code: 'EDENIED', rule: 'RO2' });
    assert.equal(p.digest(), digest, 'a refusal changes nothing');
    assert.throws(() => p.inviteWithdraw('alice', 'ws', 'nobody@x.example'),
      (e) => e instanceof pw.NotFoundError && e.code === 'ENOTFOUND' && /nobody@x\.example/.test(e.message));
    assert.throws(() => p.userAdd('alice', 'alice@pub.example', 'pub'), { name: 'ExistsError', code: 'EEXISTS' });
    assert.throws(() => p.check('', pw.Action.VIEW, 'ws'), pw.InvalidError);
    assert.throws(() => p.check('nobody', pw.Action.VIEW, 'ws'), pw.NotFoundError);
  } finally {
    p.close();
  }
});

test('check and allowedActions', () => {
  const { p } = fresh();
  try {
    assert.deepEqual(p.check('bob', pw.Action.EDIT, 'ws', 'c1').allowed, true);
    assert.deepEqual(p.check('ann', pw.Action.EDIT, 'ws', 'c1'), { allowed: false, rule: 'ED1' });
    const annCan = p.allowedActions('ann', 'ws', 'c1');
    assert.ok(annCan.includes(pw.Action.VIEW));
    assert.ok(!annCan.includes(pw.Action.EDIT));
    assert.equal(pw.actionName(annCan[0]), 'VIEW');
  } finally {
    p.close();
  }
});

test('what a partner sees: the other organization is hidden (VI2)', () => {
  const { p } = fresh();
  try {
    const ids = (it) => [...it].map((m) => m.id).sort();
    assert.deepEqual(ids(p.members('alice', 'ws')), ['alice', 'ann', 'bob', 'gus']);
    const annView = new Map([...p.members('ann', 'ws')].map((m) => [m.id, m]));
    assert.ok(!annView.has('gus'));
    assert.equal(annView.get('ann').external, true);
    assert.equal(annView.get('ann').org, 'acme');
    assert.equal(annView.get('ann').lead, true);
    assert.deepEqual(p.canSeeMember('ann', 'ws', 'gus'), { visible: false, rule: 'VI2' });
    assert.deepEqual(ids(p.membersAsOrg('globex', 'ws')), ids(p.members('gus', 'ws')));
    assert.deepEqual([...p.workspaces('ann')].map((w) => w.id), ['ws']);
    const [c1] = [...p.elements('ann', 'ws')];
    assert.equal(c1.id, 'c1');
    assert.equal(c1.kind, pw.ElementKind.COLLECTION);
    assert.deepEqual(c1.actions, p.allowedActions('ann', 'ws', 'c1'));
    // Stopping early frees the iterator (the generator's finally).
    for (const m of p.members('alice', 'ws')) { assert.ok(m.id); break; }
    assert.throws(() => p.members('nobody', 'ws'), pw.NotFoundError);
  } finally {
    p.close();
  }
});

test('ask: the answer, and nothing changes', () => {
  const { p, events } = fresh();
  try {
    const digest = p.digest();
    const rev = p.revision();
    const seen = events.length;
    const no = p.invite('ann', 'ws', 'gil@globex.example', pw.InviteKind.PARTNER, pw.WsRole.VIEWER, { ask: true });
    assert.equal(no.allowed, false);
    assert.equal(no.code, 'EDENIED');
    assert.equal(no.rule, 'IN3');
    assert.match(no.message, /IN3/);
    const yes = p.elementAdd('bob', 'ws', 'c3', { ask: true });
    assert.equal(yes.allowed, true);
    assert.equal(yes.asked, true);
    assert.ok(yes.flags & pw.ResultFlag.ASKED);
    assert.equal(p.memberSetRole('alice', 'ws', 'ann', pw.WsRole.EDITOR, { ask: true }).rule, 'RO2');
    assert.equal(p.enableMultiPartner('alice', 'ws', { ask: true }).allowed, false);
    assert.equal(p.digest(), digest);
    assert.equal(p.revision(), rev);
    assert.equal(events.length, seen, 'no event either');
    assert.deepEqual([...p.elements('bob', 'ws')].map((e) => e.id), ['c1']);
  } finally {
    p.close();
  }
});

test('events: copied in the callback, one organization each (EV1)', () => {
  const { p, events } = fresh();
  try {
    const kinds = events.map((e) => e.kind);
    assert.ok(kinds.includes(pw.EventKind.MULTI_PARTNER_ENABLED));
    const invited = events.filter((e) => e.kind === pw.EventKind.INVITED);
    assert.ok(invited.some((e) => e.recipients.length === 1 && e.recipients[0] === 'ann@acme.example'));
    assert.ok(invited.every((e) => e.workspaces.includes('ws') && e.rule));
    events.length = 0;
    p.updatePost('alice', 'ws', 'u1', 'hello', 1700000000);
    const posted = events.filter((e) => e.kind === pw.EventKind.UPDATE_POSTED);
    assert.ok(posted.length >= 2);
    for (const e of posted) {
      assert.deepEqual([...e.workspaces], ['ws']);
      assert.ok(!(e.recipients.includes('ann') && e.recipients.includes('gus')));
      assert.equal(e.kindName, 'update_posted');
    }
    const all = new Set(posted.flatMap((e) => e.recipients));
    assert.ok(all.has('ann') && all.has('gus') && all.has('bob') && !all.has('alice'));
  } finally {
    p.close();
  }
});

test('an onEvent callback that throws: the error surfaces after the commit', () => {
  const p = new pw.Policy({ onEvent: () => { throw new Error('host bug'); } });
  try {
    p.teamAdd('t', 'T');
    p.userAdd('u', 'u@t.example', 't', pw.TeamRole.SUPER_ADMIN);
    assert.throws(() => p.workspaceCreate('u', 'w', 'W'), /host bug/);
    assert.deepEqual([...p.workspaces('u')].map((w) => w.id), ['w'], 'the change was committed');
  } finally {
    p.close();
  }
});

test('close: idempotent, unregisters its callbacks, later calls throw', () => {
  const { koffi } = pw.native();
  const before = koffi.stats().callbacks;
  for (let i = 0; i < 50; i++) {
    const p = new pw.Policy({ onEvent: () => {}, onChange: () => {}, storage: new pw.MapStore() });
    assert.ok(koffi.stats().callbacks > before);
    p.teamAdd('t', 'T');
    p.close();
    p.close();
    assert.equal(koffi.stats().callbacks, before, 'clean unregistration');
    assert.throws(() => p.revision(), pw.MisuseError);
  }
  // pws_policy_new failing (a text limit over PWS_TEXT_LIMIT_MAX): nothing stays registered.
  assert.throws(() => new pw.Policy({ onEvent: () => {}, storage: new pw.MapStore(), maxTextBytes: 1 << 30 }),
    { code: 'EINVALID' });
  assert.equal(koffi.stats().callbacks, before);
});

test('constants come from the generated module and match the library', () => {
  assert.equal(pw.ruleId(pw.Rule.RO6), 'RO6');
  assert.equal(pw.native().fns.pws_rule_from_id('EV1'), pw.Rule.EV1);
  assert.equal(pw.version(), pw.PWS_VERSION_STRING);
  for (const [name, v] of Object.entries(pw.Action)) {
    if (name !== 'COUNT') assert.ok(pw.native().fns.pws_action_name(v));
  }
  assert.match(pw.ruleText('IN3'), /\w/);
});

test('references use all 64 bits: pws_ref_user/pws_ref_workspace give BigInts that pws_check_ref takes back', () => {
  const { fns } = pw.native();
  const p = new pw.Policy();
  try {
    p.teamAdd('t', 'T');
    p.userAdd('u', 'u@t.example', 't', pw.TeamRole.SUPER_ADMIN);
    p.userAdd('v', 'v@t.example', 't', pw.TeamRole.MEMBER);
    p.workspaceCreate('u', 'w', 'W');
    const ru = [0], rv = [0], rw = [0], allowed = [0], rule = [0];
    assert.equal(fns.pws_ref_user(p.handle, ru, 'u'), pw.StatusCode.OK);
    assert.equal(fns.pws_ref_user(p.handle, rv, 'v'), pw.StatusCode.OK);
    assert.equal(fns.pws_ref_workspace(p.handle, rw, 'w'), pw.StatusCode.OK);
    // A reference may exceed 2^53: it must travel as a BigInt, not a rounded Number.
    for (const r of [ru[0], rv[0], rw[0]]) {
      assert.ok(typeof r === 'bigint' || Number.isSafeInteger(r), `reference ${r} kept exactly`);
    }
    assert.equal(typeof ru[0], 'bigint', 'a user reference carries its id hash in the high bits');
    // Rounded through a Number, a reference is damaged: refused, or (when the damaged
    // hash still finds the slot) the same user's answer, never another user's.
    const rc = fns.pws_check_ref(p.handle, allowed, rule, Number(ru[0]), pw.Action.VIEW, rw[0], 0);
    assert.ok(rc !== pw.StatusCode.OK || allowed[0] === 1, `rounded reference: rc ${rc}`);
    assert.equal(fns.pws_check_ref(p.handle, allowed, rule, ru[0], pw.Action.VIEW, rw[0], 0),
      pw.StatusCode.OK);
    assert.equal(allowed[0], 1, 'the workspace admin may view it');
    assert.equal(fns.pws_check_ref(p.handle, allowed, rule, rv[0], pw.Action.VIEW, rw[0], 0),
      pw.StatusCode.OK);
    assert.equal(allowed[0], 0, 'a team member who is not in the workspace may not (by reference as by id)');
    const byId = p.check('v', pw.Action.VIEW, 'w');
    assert.equal(Boolean(allowed[0]), Boolean(byId.allowed ?? byId));
  } finally {
    p.close();
  }
});
