# SPDX-License-Identifier: MIT
"""The Python binding end to end: a publisher team, a multi-partner
workspace, two partner organizations, invites and accepts, a denial with its
rule id, what a partner sees, the events, a store round trip, revisions and
concurrent checks. Run with PARTNERWS_LIBRARY set to the built library."""
import threading
import unittest
from typing import List

import partnerws as pw
from partnerws import Action, EventKind, InviteKind, Plan, TeamRole, WsRole


def world(p: pw.Policy) -> None:
    """pub (enterprise) owns the multi-partner workspace "ws" with the
    collection "c1"; acme and globex are partner teams, each with one
    accepted partner."""
    p.team_add("pub", "Publisher", Plan.ENTERPRISE)
    p.user_add("alice", "alice@pub.example", "pub", TeamRole.SUPER_ADMIN)
    p.user_add("bob", "bob@pub.example", "pub", TeamRole.MEMBER)
    for team, user in (("acme", "ann"), ("globex", "gus")):
        p.team_add(team, team.title(), Plan.PROFESSIONAL)
        p.team_add_domain(team, team + ".example")
        p.user_add(user, "%s@%s.example" % (user, team), team, TeamRole.MEMBER)
    p.workspace_create("alice", "ws", "Partner API")
    p.element_add("alice", "ws", "c1")
    p.enable_multi_partner("alice", "ws")
    p.invite("alice", "ws", "bob@pub.example", InviteKind.MEMBER, WsRole.EDITOR)
    p.invite_accept("bob", "ws")
    for team, user in (("acme", "ann"), ("globex", "gus")):
        p.invite("alice", "ws", "%s@%s.example" % (user, team), InviteKind.PARTNER, WsRole.VIEWER)
        p.invite_accept(user, "ws", team)


class ScenarioTest(unittest.TestCase):
    def setUp(self) -> None:
        self.events: List[pw.Event] = []
        self.p = pw.Policy(on_event=self.events.append)
        self.addCleanup(self.p.close)
        world(self.p)

    def test_members_and_isolation(self) -> None:
        p = self.p
        pub_view = {m.id for m in p.members("alice", "ws")}
        self.assertEqual(pub_view, {"alice", "bob", "ann", "gus"})
        ann_view = {m.id: m for m in p.members("ann", "ws")}
        self.assertNotIn("gus", ann_view)                  # VI2: the other organization
        self.assertTrue(ann_view["ann"].external)
        self.assertEqual(ann_view["ann"].org, "acme")
        self.assertEqual(p.can_see_member("ann", "ws", "gus"), (False, "VI2"))
        self.assertEqual({m.id for m in p.members_as_org("globex", "ws")},
                         {m.id for m in p.members("gus", "ws")})
        self.assertEqual([w.id for w in p.workspaces("ann")], ["ws"])

    def test_check_and_denial_with_rule(self) -> None:
        p = self.p
        allowed, rule = p.check("bob", Action.EDIT, "ws", "c1")
        self.assertTrue(allowed)
        self.assertEqual(p.check("ann", Action.EDIT, "ws", "c1"), (False, "ED1"))
        self.assertIn(Action.VIEW, p.allowed_actions("ann", "ws", "c1"))
        self.assertNotIn(Action.EDIT, p.allowed_actions("ann", "ws", "c1"))
        digest = p.digest()
        with self.assertRaises(pw.Denied) as cm:
            p.member_set_role("alice", "ws", "ann", WsRole.EDITOR)   # RO2: partners view only
        self.assertEqual(cm.exception.code, pw.StatusCode.EDENIED)
        self.assertEqual(cm.exception.rule, "RO2")
        self.assertIn("RO2", cm.exception.message)
        self.assertEqual(p.digest(), digest)                          # nothing changed
        with self.assertRaises(pw.NotFound):
            p.check("nobody", Action.VIEW, "ws")
        with self.assertRaises(pw.Invalid):
            p.check("", Action.VIEW, "ws")

    def test_ask_changes_nothing(self) -> None:
        p = self.p
        digest, revision = p.digest(), self.events[:]
        answer = p.element_fork("ann", "c1", "c2", "ws", ask=True)
        self.assertFalse(answer.allowed)
        self.assertEqual(answer.code, pw.StatusCode.EDENIED)
        self.assertTrue(answer.rule)
        answer = p.element_add("bob", "ws", "c3", ask=True)
        self.assertTrue(answer.allowed)
        self.assertIn(pw.ResultFlag.ASKED, answer.flags)
        self.assertEqual(p.digest(), digest)
        self.assertEqual(self.events, revision)                       # no event either
        self.assertEqual([e.id for e in p.elements("bob", "ws")], ["c1"])

    def test_events(self) -> None:
        kinds = [e.kind for e in self.events]
        self.assertIn(EventKind.MULTI_PARTNER_ENABLED, kinds)
        invited = [e for e in self.events if e.kind == EventKind.INVITED]
        self.assertIn(("ann@acme.example",), [e.recipients for e in invited])
        self.events.clear()
        self.p.update_post("alice", "ws", "u1", "hello", 1700000000)
        posted = [e for e in self.events if e.kind == EventKind.UPDATE_POSTED]
        self.assertTrue(posted)
        for e in posted:                                               # EV1: one organization each
            self.assertEqual(e.workspaces, ("ws",))
            self.assertFalse({"ann", "gus"} <= set(e.recipients))
        self.assertEqual({r for e in posted for r in e.recipients} & {"ann", "gus"}, {"ann", "gus"})

    def test_event_callback_error_surfaces(self) -> None:
        def boom(ev: pw.Event) -> None:
            raise RuntimeError("host bug")
        with pw.Policy(on_event=boom) as p:
            p.team_add("t", "T", Plan.ENTERPRISE)
            with self.assertRaises(RuntimeError):
                p.user_add("u", "u@t.example", "t", TeamRole.SUPER_ADMIN)
                p.workspace_create("u", "w")

    def test_concurrent_checks(self) -> None:
        p = self.p
        failures: List[str] = []

        def run(actor: str, want: bool) -> None:
            for _ in range(2000):
                if p.check(actor, Action.EDIT, "ws", "c1").allowed != want:
                    failures.append(actor)
        threads = [threading.Thread(target=run, args=a) for a in (("bob", True), ("gus", False))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])


class StorageTest(unittest.TestCase):
    def test_round_trip(self) -> None:
        store = pw.DictStore()
        with pw.Policy(storage=store) as p:
            world(p)
            digest, revision = p.digest(), p.revision()
        self.assertEqual(store.closes, 1)
        self.assertEqual(revision, len(store.records))
        with pw.Policy(storage=store) as q:
            self.assertEqual(q.digest(), digest)
            self.assertEqual(q.revision(), revision)

    def test_failing_store_changes_nothing(self) -> None:
        class Broken(pw.DictStore):
            fail = False

            def commit(self) -> None:
                if self.fail:
                    raise OSError("disk full")
                super().commit()
        store = Broken()
        with pw.Policy(storage=store) as p:
            p.team_add("t", "T")
            digest = p.digest()
            store.fail = True
            with self.assertRaises(pw.StorageError) as cm:
                p.team_add("u", "U")
            self.assertIsInstance(cm.exception.__cause__, OSError)
            self.assertEqual(p.digest(), digest)

    def test_two_writers_sync_and_wait(self) -> None:
        store = pw.DictStore()
        changes: List[int] = []
        with pw.Policy(storage=store) as a, pw.Policy(storage=store, on_change=changes.append) as b:
            a.team_add("t", "T")
            self.assertEqual(b.revision(), 0)
            self.assertEqual(b.sync(), a.revision())
            self.assertEqual(changes, [a.revision()])
            b.team_add("u", "U")            # b appends the next revision
            self.assertEqual(a.wait(b.revision(), 1000), b.revision())
            self.assertEqual(a.digest(), b.digest())
            with self.assertRaises(pw.Timeout):
                a.wait(b.revision() + 5, 5)


class GeneratedTest(unittest.TestCase):
    def test_constants_match_library(self) -> None:
        lib = pw.load_library()
        self.assertEqual(pw.rule_id(pw.Rule.RO6), "RO6")
        self.assertEqual(lib.pws_rule_from_id(b"EV1"), pw.Rule.EV1)
        for a in Action:
            if a != Action.COUNT:
                self.assertTrue(lib.pws_action_name(a))
        self.assertEqual(pw.version(), pw._generated.PWS_VERSION_STRING)


if __name__ == "__main__":
    unittest.main()
