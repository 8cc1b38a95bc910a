// SPDX-License-Identifier: MIT
// The shared test world: pub (enterprise) owns the multi-partner workspace
// "ws" with the collection "c1"; acme and globex are partner teams, each
// with one accepted partner (ann is acme's Partner Lead).
'use strict';

const pw = require('..');

function world(p) {
  p.teamAdd('pub', 'Publisher', pw.Plan.ENTERPRISE);
  p.userAdd('alice', 'alice@pub.example', 'pub', pw.TeamRole.SUPER_ADMIN);
  p.userAdd('bob', 'bob@pub.example', 'pub', pw.TeamRole.MEMBER);
  for (const [team, user] of [['acme', 'ann'], ['globex', 'gus']]) {
    p.teamAdd(team, team[0].toUpperCase() + team.slice(1), pw.Plan.PROFESSIONAL);
    p.teamAddDomain(team, `${team}.example`);
    p.userAdd(user, `${user}@${team}.example`, team, pw.TeamRole.MEMBER);
  }
  p.userAdd('gil', 'gil@globex.example', 'globex', pw.TeamRole.MEMBER);
  p.workspaceCreate('alice', 'ws', 'Partner API');
  p.elementAdd('alice', 'ws', 'c1');
  p.enableMultiPartner('alice', 'ws');
  p.invite('alice', 'ws', 'bob@pub.example', pw.InviteKind.MEMBER, pw.WsRole.EDITOR);
  p.inviteAccept('bob', 'ws');
  p.invite('alice', 'ws', 'ann@acme.example', pw.InviteKind.PARTNER, pw.WsRole.VIEWER, { partnerLead: true });
  p.inviteAccept('ann', 'ws', 'acme');
  p.invite('alice', 'ws', 'gus@globex.example', pw.InviteKind.PARTNER, pw.WsRole.VIEWER);
  p.inviteAccept('gus', 'ws', 'globex');
}

module.exports = { world };
