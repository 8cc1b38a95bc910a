#!/usr/bin/env python3
# The C ABI as a Python ctypes binding sees it: loads the built shared
# library (argv[1]), builds a small world and checks a few decisions and a
# refused call's pws_result. Standard library only. Exits 0 when every
# check holds, 1 on any mismatch (or on a library that cannot be loaded).
# SPDX-License-Identifier: MIT
import ctypes
import os
import sys
from ctypes import (POINTER, Structure, byref, c_char, c_char_p, c_int,
                    c_uint, c_uint32, c_uint64, c_void_p)

# Values from include/partnerws/*.h (ABI: never renumbered).
PWS_OK, PWS_ENOTFOUND, PWS_EDENIED = 0, -5, -7
PWS_RESULT_VERSION = 1
PWS_PLAN_PROFESSIONAL, PWS_PLAN_ENTERPRISE = 3, 4
PWS_TEAM_MEMBER = 1
PWS_VIS_PARTNER = 4
PWS_MODE_SINGLE, PWS_MODE_MULTI = 1, 2
PWS_INVITE_PARTNER, PWS_INVITE_MEMBER = 1, 2
PWS_ROLE_VIEWER, PWS_ROLE_EDITOR = 1, 2
PWS_ACT_VIEW, PWS_ACT_EDIT, PWS_ACT_COMMENT = 1, 6, 11
PWS_RESULT_MESSAGE_SIZE = 256


class pws_result(Structure):
    _fields_ = [("version", c_uint),
                ("code", c_int),
                ("rule", c_int),
                ("flags", c_uint32),
                ("message", c_char * PWS_RESULT_MESSAGE_SIZE)]


def load(path):
    lib = ctypes.CDLL(path)
    P = c_void_p          # pws_policy *
    R = POINTER(pws_result)
    S = c_char_p
    I = c_int
    protos = {
        "pws_version_string": (S, []),
        "pws_strerror": (S, [I]),
        "pws_rule_id": (S, [I]),
        "pws_rule_from_id": (I, [S]),
        "pws_result_init": (I, [R, c_uint]),
        "pws_policy_new": (I, [POINTER(c_void_p), c_void_p]),
        "pws_policy_free": (None, [P]),
        "pws_policy_digest": (I, [P, POINTER(c_uint64)]),
        "pws_team_add": (I, [P, S, S, I, I, R]),
        "pws_team_add_domain": (I, [P, S, S, R]),
        "pws_user_add": (I, [P, S, S, S, I, I, R]),
        "pws_workspace_create": (I, [P, S, S, S, I, S, R]),
        "pws_workspace_enable_multi_partner": (I, [P, S, S, R]),
        "pws_workspace_get": (I, [P, POINTER(I), POINTER(I), POINTER(I),
                                  POINTER(I), S]),
        "pws_invite": (I, [P, S, S, S, I, I, I, R]),
        "pws_invite_accept": (I, [P, S, S, S, R]),
        "pws_member_get": (I, [P, POINTER(I), POINTER(I), POINTER(I), S, S]),
        "pws_check": (I, [P, POINTER(I), POINTER(I), S, I, S, S]),
        "pws_can_see_member": (I, [P, POINTER(I), POINTER(I), S, S, S]),
    }
    for name, (restype, argtypes) in protos.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


def b(s):
    return None if s is None else s.encode("utf-8")


class Checker:
    def __init__(self, lib):
        self.lib = lib
        self.failures = 0
        self.checks = 0

    def expect(self, what, got, want):
        self.checks += 1
        ok = got == want
        print("%s %s: %r%s" % ("ok  " if ok else "FAIL", what, got,
                                "" if ok else " (expected %r)" % (want,)))
        if not ok:
            self.failures += 1
        return ok

    def rule(self, r):
        return self.lib.pws_rule_id(r).decode()


def main(argv):
    if len(argv) != 2:
        print("usage: %s path/to/libpartnerws.so.N" % argv[0], file=sys.stderr)
        return 1
    path = argv[1]
    if not os.path.exists(path):
        print("no such library: %s" % path, file=sys.stderr)
        return 1
    try:
        lib = load(path)
    except (OSError, AttributeError) as e:
        print("FAIL cannot load %s: %s" % (path, e))
        return 1
    c = Checker(lib)
    print("loaded %s (libpartnerws %s)" % (path, lib.pws_version_string().decode()))
    c.expect("sizeof(pws_result)", ctypes.sizeof(pws_result), 16 + PWS_RESULT_MESSAGE_SIZE)

    p = c_void_p()
    if not c.expect("pws_policy_new(NULL options)", lib.pws_policy_new(byref(p), None), PWS_OK):
        return 1
    res = pws_result()

    def call(what, fn, *args, want=PWS_OK):
        if lib.pws_result_init(byref(res), PWS_RESULT_VERSION) != PWS_OK:
            c.expect("pws_result_init", "failed", PWS_OK)
        rc = fn(p, *args, byref(res))
        if not c.expect(what, rc, want):
            print("     rule %s: %s" % (c.rule(res.rule), res.message.decode()))
        return rc

    def check(actor, action, ws, el=None):
        allowed, rule = c_int(-1), c_int(-1)
        rc = lib.pws_check(p, byref(allowed), byref(rule), b(actor), action, b(ws), b(el))
        return rc, allowed.value, c.rule(rule.value)

    try:
        # The world: an enterprise publisher with a Partner Manager, two
        # partner teams.
        call("team pub", lib.pws_team_add, b"pub", b"Publisher", PWS_PLAN_ENTERPRISE, 0)
        call("domain pub.com", lib.pws_team_add_domain, b"pub", b"pub.com")
        call("user pm (Partner Manager)", lib.pws_user_add, b"pm", b"pm@pub.com", b"pub",
             PWS_TEAM_MEMBER, 1)
        call("user dev", lib.pws_user_add, b"dev", b"dev@pub.com", b"pub", PWS_TEAM_MEMBER, 0)
        call("team acme", lib.pws_team_add, b"acme", b"Acme", PWS_PLAN_PROFESSIONAL, 0)
        call("domain acme.com", lib.pws_team_add_domain, b"acme", b"acme.com")
        call("user a1", lib.pws_user_add, b"a1", b"a1@acme.com", b"acme", PWS_TEAM_MEMBER, 0)
        call("team globex", lib.pws_team_add, b"globex", b"Globex", PWS_PLAN_PROFESSIONAL, 0)
        call("domain globex.com", lib.pws_team_add_domain, b"globex", b"globex.com")
        call("user g1", lib.pws_user_add, b"g1", b"g1@globex.com", b"globex",
             PWS_TEAM_MEMBER, 0)

        # A partner workspace, created at once by the Partner Manager.
        call("pm creates partner workspace pw", lib.pws_workspace_create, b"pm", b"pw",
             b"Partner WS", PWS_VIS_PARTNER, None)
        vis, mode, model, lc = c_int(), c_int(), c_int(), c_int()
        c.expect("pws_workspace_get(pw)", lib.pws_workspace_get(
            p, byref(vis), byref(mode), byref(model), byref(lc), b"pw"), PWS_OK)
        c.expect("pw visibility", vis.value, PWS_VIS_PARTNER)
        c.expect("pw mode", mode.value, PWS_MODE_SINGLE)
        call("invite a1 as partner editor", lib.pws_invite, b"pm", b"pw", b"a1@acme.com",
             PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0)
        call("a1 accepts", lib.pws_invite_accept, b"a1", b"pw", None)
        call("invite g1 as partner viewer", lib.pws_invite, b"pm", b"pw", b"g1@globex.com",
             PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0)
        call("g1 accepts", lib.pws_invite_accept, b"g1", b"pw", None)

        role, lead, partner = c_int(), c_int(), c_int()
        c.expect("pws_member_get(pw, a1)", lib.pws_member_get(
            p, byref(role), byref(lead), byref(partner), b"pw", b"a1"), PWS_OK)
        c.expect("a1 role", role.value, PWS_ROLE_EDITOR)
        c.expect("a1 is a partner", partner.value, 1)

        # Single-partner mode: the partner editor edits (ED1).
        c.expect("a1 edit pw (single)", check("a1", PWS_ACT_EDIT, "pw"), (PWS_OK, 1, "ED1"))
        c.expect("g1 sees a1 (single)", see("g1", "pw", "a1", lib, p, c), (PWS_OK, 1, "VI3"))

        # Multi-partner mode: partners become viewers, isolated (RO2, VI2).
        call("enable multi-partner mode", lib.pws_workspace_enable_multi_partner, b"pm", b"pw")
        c.expect("pws_workspace_get(pw)", lib.pws_workspace_get(
            p, byref(vis), byref(mode), byref(model), byref(lc), b"pw"), PWS_OK)
        c.expect("pw mode", mode.value, PWS_MODE_MULTI)
        c.expect("a1 view pw (multi)", check("a1", PWS_ACT_VIEW, "pw"), (PWS_OK, 1, "AC1"))
        c.expect("a1 edit pw (multi)", check("a1", PWS_ACT_EDIT, "pw"), (PWS_OK, 0, "ED1"))
        c.expect("a1 comment pw (multi)", check("a1", PWS_ACT_COMMENT, "pw"),
                 (PWS_OK, 0, "CM1"))
        c.expect("pm view pw", check("pm", PWS_ACT_VIEW, "pw"), (PWS_OK, 1, "AC1"))
        c.expect("dev (not a member) view pw", check("dev", PWS_ACT_VIEW, "pw"),
                 (PWS_OK, 0, "WS1"))
        c.expect("unknown user view pw", check("nobody", PWS_ACT_VIEW, "pw"),
                 (PWS_ENOTFOUND, 0, ""))
        c.expect("g1 sees a1 (multi)", see("g1", "pw", "a1", lib, p, c), (PWS_OK, 0, "VI2"))
        c.expect("g1 sees pm (multi)", see("g1", "pw", "pm", lib, p, c), (PWS_OK, 1, "VI2"))

        # A refused call: -7 with the rule and a message in the result.
        rc = call("a1 (not a Partner Lead) invites a partner", lib.pws_invite, b"a1", b"pw",
                  b"a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, want=PWS_EDENIED)
        c.expect("res.code", res.code, rc)
        c.expect("res.rule", c.rule(res.rule), "IN1")
        c.expect("pws_rule_from_id(\"IN1\") == res.rule", lib.pws_rule_from_id(b"IN1"),
                 res.rule)
        c.expect("res.message is set", len(res.message) > 0, True)
        print("     message: %s" % res.message.decode())
        c.expect("pws_strerror(-7) is set", len(lib.pws_strerror(PWS_EDENIED)) > 0, True)
        digest = c_uint64()
        c.expect("pws_policy_digest", lib.pws_policy_digest(p, byref(digest)), PWS_OK)
    finally:
        lib.pws_policy_free(p)

    print("%d checks, %d failures" % (c.checks, c.failures))
    return 1 if c.failures else 0


def see(viewer, ws, member, lib, p, c):
    visible, rule = c_int(-1), c_int(-1)
    rc = lib.pws_can_see_member(p, byref(visible), byref(rule), b(viewer), b(ws), b(member))
    return rc, visible.value, c.rule(rule.value)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
