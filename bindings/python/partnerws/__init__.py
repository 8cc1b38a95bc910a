# SPDX-License-Identifier: MIT
"""Python binding of libpartnerws, the access policy of Partner Workspaces.

Pure ctypes: nothing to compile. The constants, structures and C prototypes
come from ``_generated.py``, which tools/genbind.py writes from the C
headers. The library is found through $PARTNERWS_LIBRARY (a path), else
``pkg-config --variable=libdir partnerws``, else ctypes.util.find_library.

    with partnerws.Policy(on_event=print) as p:
        p.team_add("pub", plan=partnerws.Plan.ENTERPRISE)
        ...
        allowed, rule = p.check("alice", partnerws.Action.EDIT, "ws1")
"""
import ctypes
import threading
from ctypes import POINTER, byref, c_char, c_char_p, c_int, c_size_t, c_uint32, c_uint64, c_void_p
from dataclasses import dataclass
from typing import (Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, NamedTuple, Optional,
                    Tuple, Type, TypeVar)

from . import _generated as g
from ._generated import (Action, Column, ElementKind, EventChannel, EventKind, InviteKind,
                         Lifecycle, Mode, Model, Plan, RecordKind, RequestFlag, ResultFlag, Rule,
                         StatusCode, TeamRole, Visibility, WsRole)
from ._lib import load as load_library

__all__ = [
    "Policy", "Event", "DictStore", "Decision", "Outcome", "Answer", "Member", "WorkspaceRow",
    "ElementRow", "UpdateRow", "PartnershipRow", "SeatRow", "WorkspaceInfo", "MemberInfo",
    "PartnerwsError", "Denied", "NotFound", "Invalid", "Exists", "StateError", "StorageError",
    "Conflict", "Timeout", "Misuse", "OutOfMemory", "Stopped",
    "Action", "Column", "ElementKind", "EventChannel", "EventKind", "InviteKind", "Lifecycle",
    "Mode", "Model", "Plan", "RecordKind", "RequestFlag", "ResultFlag", "Rule", "StatusCode",
    "TeamRole", "Visibility", "WsRole", "load_library", "rule_id", "rule_text", "version",
]


def _b(s: Optional[str]) -> Optional[bytes]:
    return None if s is None else s.encode("utf-8")


def _s(b: Optional[bytes]) -> Optional[str]:
    return None if b is None else b.decode("utf-8")


def version() -> str:
    """The version of the library loaded at run time."""
    return load_library().pws_version_string().decode()


def rule_id(rule: int) -> str:
    """The short id of a rule value ("RO6"); "" for none."""
    return load_library().pws_rule_id(int(rule)).decode()


def rule_text(rule: int) -> str:
    """The one-line text of a rule value."""
    return load_library().pws_rule_text(int(rule)).decode()


# --- errors ------------------------------------------------------------------------

class PartnerwsError(Exception):
    """A call failed: the status code, the deciding rule's id ("" when no rule
    decided) and the library's message."""

    def __init__(self, code: int, rule: str = "", message: str = "") -> None:
        self.code = StatusCode(code) if code in StatusCode._value2member_map_ else code
        self.rule = rule
        self.message = message or load_library().pws_strerror(int(code)).decode()
        super().__init__("%s%s" % (self.message, " (%s)" % rule if rule else ""))


class Denied(PartnerwsError):
    """The policy refused the action; ``rule`` says why (PWS_EDENIED)."""


class NotFound(PartnerwsError, LookupError):
    """An id names nothing known (PWS_ENOTFOUND)."""


class Invalid(PartnerwsError, ValueError):
    """A malformed argument (PWS_EINVALID)."""


class Exists(PartnerwsError):
    """The thing to create already exists (PWS_EEXISTS)."""


class StateError(PartnerwsError):
    """The target is in the wrong state for the call (PWS_ESTATE)."""


class StorageError(PartnerwsError):
    """A storage callback failed; nothing changed (PWS_ESTORAGE)."""


class Conflict(PartnerwsError):
    """Another writer appended first (PWS_ECONFLICT): call again."""


class Timeout(PartnerwsError, TimeoutError):
    """A wait ended before its condition held (PWS_ETIMEOUT)."""


class Misuse(PartnerwsError):
    """The API was used against its contract, e.g. re-entered from a storage
    callback (PWS_EMISUSE)."""


class OutOfMemory(PartnerwsError, MemoryError):
    """An allocation failed; nothing changed (PWS_ENOMEM)."""


class Stopped(PartnerwsError):
    """A user callback asked to stop (PWS_EUSER)."""


_ERRORS: Dict[int, Type[PartnerwsError]] = {
    StatusCode.EDENIED: Denied, StatusCode.ENOTFOUND: NotFound, StatusCode.EINVALID: Invalid,
    StatusCode.EEXISTS: Exists, StatusCode.ESTATE: StateError, StatusCode.ESTORAGE: StorageError,
    StatusCode.ECONFLICT: Conflict, StatusCode.ETIMEOUT: Timeout, StatusCode.EMISUSE: Misuse,
    StatusCode.ENOMEM: OutOfMemory, StatusCode.EUSER: Stopped,
}


def error(code: int, rule: int = 0, message: str = "") -> PartnerwsError:
    """The exception for a status code (PartnerwsError for codes without a class)."""
    return _ERRORS.get(code, PartnerwsError)(code, rule_id(rule) if rule else "", message)


# --- values --------------------------------------------------------------------------

class Decision(NamedTuple):
    """A check's answer: unpacks as ``allowed, rule``."""
    allowed: bool
    rule: str


class Outcome(NamedTuple):
    """What a successful mutating call reports (flags such as PENDING or
    DOWNGRADED, the rule that decided, a message)."""
    flags: ResultFlag
    rule: str
    message: str


class Answer(NamedTuple):
    """The answer to a call made with ``ask=True``: nothing was changed."""
    allowed: bool
    code: int            # a StatusCode
    rule: str
    flags: ResultFlag
    message: str


class Member(NamedTuple):
    id: str
    email: str
    role: WsRole
    lead: bool
    external: bool
    org: str
    suspended: bool


class WorkspaceRow(NamedTuple):
    id: str
    team: str
    role: int
    external: bool
    visibility: Visibility
    mode: int
    unread: int


class ElementRow(NamedTuple):
    id: str
    kind: ElementKind
    actions: FrozenSet[Action]
    parent: Optional[str]


class UpdateRow(NamedTuple):
    id: str
    text: str
    at: int
    author: str
    unread: bool
    external: bool


class PartnershipRow(NamedTuple):
    team: str
    sso: bool
    workspace: str


class SeatRow(NamedTuple):
    id: str
    org: str
    external: bool


class WorkspaceInfo(NamedTuple):
    visibility: Visibility
    mode: int
    model: int
    lifecycle: Lifecycle


class MemberInfo(NamedTuple):
    role: WsRole
    partner_lead: bool
    is_partner: bool


@dataclass(frozen=True)
class Event:
    """An event, copied out of the library's borrowed one during the callback."""
    kind: EventKind
    rule: str
    channels: EventChannel
    team: Optional[str]
    actor: Optional[str]
    subject: Optional[str]
    workspaces: Tuple[str, ...]
    recipients: Tuple[str, ...]
    revision: int

    @classmethod
    def _copy(cls, lib: ctypes.CDLL, ev: int) -> "Event":
        return cls(
            kind=EventKind(lib.pws_event_kind_of(ev)),
            rule=rule_id(lib.pws_event_rule(ev)),
            channels=EventChannel(lib.pws_event_channels(ev)),
            team=_s(lib.pws_event_team(ev)),
            actor=_s(lib.pws_event_actor(ev)),
            subject=_s(lib.pws_event_subject(ev)),
            workspaces=tuple(lib.pws_event_workspace(ev, i).decode()
                             for i in range(lib.pws_event_workspace_count(ev))),
            recipients=tuple(lib.pws_event_recipient(ev, i).decode()
                             for i in range(lib.pws_event_recipient_count(ev))),
            revision=lib.pws_event_revision(ev),
        )


def _actions(mask: int) -> FrozenSet[Action]:
    return frozenset(a for a in Action if a != Action.COUNT and mask & (1 << a))


# --- storage ----------------------------------------------------------------------------

Record = Tuple[int, bytes, bytes]


class DictStore:
    """A storage backend in a dict: the records of one shared log, kept in
    memory. Several Policy handles may share it (each thread's change set is
    its own), which is how tests exercise sync() and wait()."""

    def __init__(self) -> None:
        self.records: Dict[Tuple[int, bytes], bytes] = {}
        self._pending: Dict[int, List[Tuple[str, int, bytes, bytes]]] = {}
        self._lock = threading.Lock()
        self.closes = 0

    def _sorted(self, after: bytes = b"") -> List[Record]:
        with self._lock:
            return [(k, key, data) for (k, key), data in sorted(self.records.items(),
                                                                key=lambda kv: kv[0][1])
                    if key > after]

    def load(self) -> Iterable[Record]:
        return self._sorted()

    def load_after(self, key: bytes) -> Iterable[Record]:
        return [r for r in self._sorted(key) if r[0] == RecordKind.OP]

    def begin(self) -> None:
        self._pending[threading.get_ident()] = []

    def put(self, kind: int, key: bytes, data: bytes) -> None:
        self._pending.setdefault(threading.get_ident(), []).append(("put", kind, key, data))

    def append(self, kind: int, key: bytes, data: bytes) -> None:
        self._pending.setdefault(threading.get_ident(), []).append(("append", kind, key, data))

    def delete(self, kind: int, key: bytes) -> None:
        self._pending.setdefault(threading.get_ident(), []).append(("del", kind, key, b""))

    def commit(self) -> None:
        ops = self._pending.pop(threading.get_ident(), [])
        with self._lock:
            # append means "only if nobody wrote that key": checked at commit,
            # atomically, so two writers never both get one revision.
            if any(op == "append" and (kind, key) in self.records for op, kind, key, _ in ops):
                raise Conflict(StatusCode.ECONFLICT, "", "revision taken by another writer")
            for op, kind, key, data in ops:
                if op == "del":
                    self.records.pop((kind, key), None)
                else:
                    self.records[(kind, key)] = data

    def rollback(self) -> None:
        self._pending.pop(threading.get_ident(), None)

    def close(self) -> None:
        self.closes += 1


class _StorageAdapter:
    """Turns a Python storage object into a pws_storage_ops table. Keeps the
    ctypes callbacks referenced for as long as the handle lives."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.error: Optional[BaseException] = None
        ops = g.StorageOps()
        ops.version = g.PWS_STORAGE_OPS_VERSION
        fields = dict((name, t) for name, t in g.StorageOps._fields_)
        self.ops = ops
        self._refs: List[Any] = []

        def bind(field: str, method: str, fn: Callable[..., int]) -> None:
            if field not in ("put", "close") and not callable(getattr(store, method, None)):
                return          # optional method: left NULL
            cb = fields[field](fn)
            self._refs.append(cb)
            setattr(ops, field, cb)

        bind("load", "load", lambda ctx, sink, sctx: self._feed(sink, sctx, store.load()))
        bind("begin", "begin", lambda ctx: self._run(store.begin))
        bind("put", "put", lambda ctx, kind, key, klen, data, dlen:
             self._run(store.put, kind, ctypes.string_at(key, klen), ctypes.string_at(data, dlen)))
        bind("del", "delete", lambda ctx, kind, key, klen:
             self._run(store.delete, kind, ctypes.string_at(key, klen)))
        bind("commit", "commit", lambda ctx: self._run(store.commit))
        bind("rollback", "rollback", lambda ctx: self._run(store.rollback))
        bind("close", "close", lambda ctx: (getattr(store, "close", lambda: None)(), None)[1])
        bind("append", "append", lambda ctx, kind, key, klen, data, dlen:
             self._run(store.append, kind, ctypes.string_at(key, klen),
                       ctypes.string_at(data, dlen)))
        bind("load_after", "load_after", lambda ctx, key, klen, sink, sctx:
             self._feed(sink, sctx, store.load_after(ctypes.string_at(key, klen))))

    def _run(self, fn: Callable[..., Any], *args: Any) -> int:
        try:
            fn(*args)
            return 0
        except PartnerwsError as e:
            self.error = e
            return int(e.code)
        except Exception as e:  # a callback must not unwind through C
            self.error = e
            return int(StatusCode.ESTORAGE)

    def _feed(self, sink: Any, sink_ctx: int, records: Iterable[Record]) -> int:
        try:
            for kind, key, data in records:
                rc = sink(sink_ctx, kind, ctypes.cast(c_char_p(key), POINTER(c_char)), len(key),
                          data, len(data))
                if rc != 0:
                    return rc
            return 0
        except Exception as e:
            self.error = e
            return int(StatusCode.ESTORAGE)


# --- the policy handle ------------------------------------------------------------------

T = TypeVar("T")


class Policy:
    """A policy handle: the whole policy state, in memory, optionally written
    through to ``storage`` (an object with load/begin/put/append/delete/
    commit/rollback/load_after/close, e.g. DictStore). ``on_event`` receives
    an Event after each committed change; an exception it raises is re-raised
    by the call that delivered the event (the change stays committed).
    Use it as a context manager, or call close()."""

    def __init__(self, storage: Any = None, on_event: Optional[Callable[[Event], None]] = None,
                 on_change: Optional[Callable[[int], None]] = None, max_name_bytes: int = 0,
                 max_text_bytes: int = 0, library: Optional[str] = None) -> None:
        self._lib = load_library(library)
        self._h: Optional[int] = None
        self._local = threading.local()
        opts = g.PolicyOptions()
        rc = self._lib.pws_policy_options_init(byref(opts), g.PWS_POLICY_OPTIONS_VERSION)
        if rc:
            raise error(rc)
        opts.max_name_bytes = max_name_bytes
        opts.max_text_bytes = max_text_bytes
        self._storage = _StorageAdapter(storage) if storage is not None else None
        if self._storage:
            opts.storage = ctypes.pointer(self._storage.ops)
        self._on_event = on_event
        self._on_change = on_change
        self._event_cb = g.EventCb(self._deliver)
        self._change_cb = g.ChangeCb(self._changed)
        if on_event:
            opts.on_event = self._event_cb
        if on_change:
            opts.on_change = self._change_cb
        h = c_void_p()
        rc = self._lib.pws_policy_new(byref(h), byref(opts))
        if rc:
            raise self._storage_cause(error(rc))
        self._h = h.value

    # lifecycle
    def close(self) -> None:
        """Frees the handle (and closes its storage). Idempotent."""
        h, self._h = self._h, None
        if h:
            self._lib.pws_policy_free(h)

    def __enter__(self) -> "Policy":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    @property
    def handle(self) -> int:
        if not self._h:
            raise Misuse(StatusCode.EMISUSE, "", "the policy handle is closed")
        return self._h

    # callbacks
    def _deliver(self, ev: int, payload: Any) -> None:
        try:
            self._on_event(Event._copy(self._lib, ev))  # type: ignore[misc]
        except BaseException as e:
            self._local.event_error = e

    def _changed(self, revision: int, payload: Any) -> None:
        try:
            self._on_change(revision)  # type: ignore[misc]
        except BaseException as e:
            self._local.event_error = e

    def _storage_cause(self, e: PartnerwsError) -> PartnerwsError:
        if self._storage is not None and self._storage.error is not None:
            e.__cause__, self._storage.error = self._storage.error, None
        return e

    def _reraise_callback(self) -> None:
        err = getattr(self._local, "event_error", None)
        if err is not None:
            self._local.event_error = None
            raise err

    # calls
    def _mutate(self, fn: str, *args: Any, ask: bool = False) -> Any:
        res = g.Result()
        self._lib.pws_result_init(byref(res), g.PWS_RESULT_VERSION)
        if ask:
            res.request = RequestFlag.ASK
        rc = getattr(self._lib, fn)(self.handle, *args, byref(res))
        msg = res.message.decode("utf-8", "replace")
        if ask:
            code = StatusCode(rc) if rc in StatusCode._value2member_map_ else rc
            return Answer(rc == 0, code, rule_id(res.rule), ResultFlag(res.flags), msg)
        self._reraise_callback()
        if rc:
            raise self._storage_cause(error(rc, res.rule, msg))
        return Outcome(ResultFlag(res.flags), rule_id(res.rule), msg)

    def _query(self, fn: str, *args: Any) -> None:
        rc = getattr(self._lib, fn)(self.handle, *args)
        if rc:
            raise error(rc)

    # directory (host calls)
    def team_add(self, team_id: str, name: str = "", plan: int = Plan.ENTERPRISE,
                 sso: bool = False, *, ask: bool = False) -> Any:
        return self._mutate("pws_team_add", _b(team_id), _b(name), int(plan), int(sso), ask=ask)

    def team_set_plan(self, team_id: str, plan: int, *, ask: bool = False) -> Any:
        return self._mutate("pws_team_set_plan", _b(team_id), int(plan), ask=ask)

    def team_add_domain(self, team_id: str, domain: str, *, ask: bool = False) -> Any:
        return self._mutate("pws_team_add_domain", _b(team_id), _b(domain), ask=ask)

    def team_set_editor_seats(self, team_id: str, seats: int, *, ask: bool = False) -> Any:
        return self._mutate("pws_team_set_editor_seats", _b(team_id), seats, ask=ask)

    def user_add(self, user_id: str, email: str, team_id: Optional[str] = None,
                 team_role: int = TeamRole.MEMBER, partner_manager: bool = False, *,
                 ask: bool = False) -> Any:
        return self._mutate("pws_user_add", _b(user_id), _b(email), _b(team_id), int(team_role),
                            int(partner_manager), ask=ask)

    def user_set_team(self, user_id: str, team_id: Optional[str],
                      team_role: int = TeamRole.MEMBER, *, ask: bool = False) -> Any:
        return self._mutate("pws_user_set_team", _b(user_id), _b(team_id), int(team_role), ask=ask)

    def user_remove(self, user_id: str, *, ask: bool = False) -> Any:
        return self._mutate("pws_user_remove", _b(user_id), ask=ask)

    # workspaces (actor-checked)
    def workspace_create(self, actor: str, workspace_id: str, name: str = "",
                         visibility: int = Visibility.PARTNER, note: Optional[str] = None, *,
                         ask: bool = False) -> Any:
        return self._mutate("pws_workspace_create", _b(actor), _b(workspace_id), _b(name),
                            int(visibility), _b(note), ask=ask)

    def workspace_delete(self, actor: str, workspace_id: str, *, ask: bool = False) -> Any:
        return self._mutate("pws_workspace_delete", _b(actor), _b(workspace_id), ask=ask)

    def request_review(self, actor: str, workspace_id: str, approve: bool, *,
                       ask: bool = False) -> Any:
        return self._mutate("pws_request_review", _b(actor), _b(workspace_id), int(approve), ask=ask)

    def enable_multi_partner(self, actor: str, workspace_id: str, *, ask: bool = False) -> Any:
        return self._mutate("pws_workspace_enable_multi_partner", _b(actor), _b(workspace_id),
                            ask=ask)

    def invite(self, actor: str, workspace_id: str, email: str,
               kind: int = InviteKind.PARTNER, role: int = WsRole.VIEWER,
               partner_lead: bool = False, *, ask: bool = False) -> Any:
        return self._mutate("pws_invite", _b(actor), _b(workspace_id), _b(email), int(kind),
                            int(role), int(partner_lead), ask=ask)

    def invite_accept(self, user_id: str, workspace_id: str, team_id: Optional[str] = None, *,
                      ask: bool = False) -> Any:
        return self._mutate("pws_invite_accept", _b(user_id), _b(workspace_id), _b(team_id), ask=ask)

    def invite_withdraw(self, actor: str, workspace_id: str, email: str, *,
                        ask: bool = False) -> Any:
        return self._mutate("pws_invite_withdraw", _b(actor), _b(workspace_id), _b(email), ask=ask)

    def invite_decline(self, user_id: str, workspace_id: str, *, ask: bool = False) -> Any:
        return self._mutate("pws_invite_decline", _b(user_id), _b(workspace_id), ask=ask)

    def member_set_role(self, actor: str, workspace_id: str, user_id: str, role: int, *,
                        ask: bool = False) -> Any:
        return self._mutate("pws_member_set_role", _b(actor), _b(workspace_id), _b(user_id),
                            int(role), ask=ask)

    def member_set_lead(self, actor: str, workspace_id: str, user_id: str, lead: bool, *,
                        ask: bool = False) -> Any:
        return self._mutate("pws_member_set_lead", _b(actor), _b(workspace_id), _b(user_id),
                            int(lead), ask=ask)

    def member_remove(self, actor: str, workspace_id: str, user_id: str, *,
                      ask: bool = False) -> Any:
        return self._mutate("pws_member_remove", _b(actor), _b(workspace_id), _b(user_id), ask=ask)

    # elements
    def element_add(self, actor: str, workspace_id: str, element_id: str,
                    kind: int = ElementKind.COLLECTION, size_bytes: int = 0,
                    parent_id: Optional[str] = None, *, ask: bool = False) -> Any:
        return self._mutate("pws_element_add", _b(actor), _b(workspace_id), _b(element_id),
                            int(kind), size_bytes, _b(parent_id), ask=ask)

    def element_move(self, actor: str, element_id: str, target_workspace_id: str, *,
                     ask: bool = False) -> Any:
        return self._mutate("pws_element_move", _b(actor), _b(element_id),
                            _b(target_workspace_id), ask=ask)

    def element_fork(self, actor: str, element_id: str, new_element_id: str,
                     target_workspace_id: str, *, ask: bool = False) -> Any:
        return self._mutate("pws_element_fork", _b(actor), _b(element_id), _b(new_element_id),
                            _b(target_workspace_id), ask=ask)

    def element_delete(self, actor: str, element_id: str, now: int = 0, *,
                       ask: bool = False) -> Any:
        return self._mutate("pws_element_delete", _b(actor), _b(element_id), now, ask=ask)

    def update_post(self, actor: str, workspace_id: str, update_id: str, text: str,
                    now: int = 0, *, ask: bool = False) -> Any:
        return self._mutate("pws_update_post", _b(actor), _b(workspace_id), _b(update_id),
                            _b(text), now, ask=ask)

    def comment_add(self, actor: str, element_id: str, comment_id: str, text: str, *,
                    ask: bool = False) -> Any:
        return self._mutate("pws_comment_add", _b(actor), _b(element_id), _b(comment_id),
                            _b(text), ask=ask)

    # decisions
    def check(self, actor: str, action: int, workspace_id: Optional[str] = None,
              element_id: Optional[str] = None) -> Decision:
        """May ``actor`` do ``action`` on the workspace or element? -> (allowed, rule id)."""
        allowed, rule = c_int(), c_int()
        self._query("pws_check", byref(allowed), byref(rule), _b(actor), int(action),
                    _b(workspace_id), _b(element_id))
        return Decision(bool(allowed.value), rule_id(rule.value))

    def allowed_actions(self, actor: str, workspace_id: Optional[str] = None,
                        element_id: Optional[str] = None) -> FrozenSet[Action]:
        mask = c_uint64()
        self._query("pws_allowed_actions", byref(mask), _b(actor), _b(workspace_id),
                    _b(element_id))
        return _actions(mask.value)

    def can_see_member(self, viewer: str, workspace_id: str, member: str) -> Decision:
        visible, rule = c_int(), c_int()
        self._query("pws_can_see_member", byref(visible), byref(rule), _b(viewer),
                    _b(workspace_id), _b(member))
        return Decision(bool(visible.value), rule_id(rule.value))

    def workspace_get(self, workspace_id: str) -> WorkspaceInfo:
        v, m, mo, lc = c_int(), c_int(), c_int(), c_int()
        self._query("pws_workspace_get", byref(v), byref(m), byref(mo), byref(lc),
                    _b(workspace_id))
        return WorkspaceInfo(Visibility(v.value), m.value, mo.value, Lifecycle(lc.value))

    def member_get(self, workspace_id: str, user_id: str) -> MemberInfo:
        role, lead, partner = c_int(), c_int(), c_int()
        self._query("pws_member_get", byref(role), byref(lead), byref(partner),
                    _b(workspace_id), _b(user_id))
        return MemberInfo(WsRole(role.value), bool(lead.value), bool(partner.value))

    # listings
    def _rows(self, fn: str, make: Callable[[Callable[[int], str], Callable[[int], int]], T],
              *args: Any) -> Iterator[T]:
        """Runs the listing now (so a refusal raises here) and yields its rows;
        the iterator is freed when the generator ends or is collected."""
        it = c_void_p()
        rc = getattr(self._lib, fn)(byref(it), *args)
        if rc:
            raise error(rc)
        return self._iterate(it, make)

    def _iterate(self, it: c_void_p,
                 make: Callable[[Callable[[int], str], Callable[[int], int]], T]) -> Iterator[T]:
        lib = self._lib

        def s(col: int) -> str:
            v = lib.pws_iter_str(it, col)
            return "" if v is None else v.decode()

        def i(col: int) -> int:
            return int(lib.pws_iter_int(it, col))
        try:
            while lib.pws_iter_next(it) == 0:
                yield make(s, i)
        finally:
            lib.pws_iter_free(it)

    def members(self, viewer: str, workspace_id: str) -> Iterator[Member]:
        """The members ``viewer`` sees (VI1-VI3)."""
        return self._rows("pws_list_members", _member, self.handle, _b(viewer), _b(workspace_id))

    def members_as_org(self, organization: str, workspace_id: str) -> Iterator[Member]:
        """The members a partner organization sees (VI8)."""
        return self._rows("pws_list_members_as_org", _member, self.handle, _b(organization),
                          _b(workspace_id))

    def workspaces(self, user_id: str) -> Iterator[WorkspaceRow]:
        return self._rows("pws_list_workspaces", lambda s, i: WorkspaceRow(
            s(Column.ID), s(Column.TEAM), i(Column.ROLE), bool(i(Column.EXTERNAL)),
            Visibility(i(Column.VISIBILITY)), i(Column.MODE), i(Column.UNREAD)),
            self.handle, _b(user_id))

    def elements(self, viewer: str, workspace_id: str) -> Iterator[ElementRow]:
        return self._rows("pws_list_elements", _element, self.handle, _b(viewer), _b(workspace_id))

    def elements_as_org(self, organization: str, workspace_id: str) -> Iterator[ElementRow]:
        return self._rows("pws_list_elements_as_org", _element, self.handle, _b(organization),
                          _b(workspace_id))

    def updates(self, viewer: str, workspace_id: str) -> Iterator[UpdateRow]:
        return self._rows("pws_list_updates", lambda s, i: UpdateRow(
            s(Column.ID), s(Column.TEXT), i(Column.AT), s(Column.AUTHOR), bool(i(Column.UNREAD)),
            bool(i(Column.EXTERNAL))), self.handle, _b(viewer), _b(workspace_id))

    def partnerships(self, actor: str, team_id: str) -> Iterator[PartnershipRow]:
        return self._rows("pws_list_partnerships", lambda s, i: PartnershipRow(
            s(Column.TEAM), bool(i(Column.SSO)), s(Column.WORKSPACE)),
            self.handle, _b(actor), _b(team_id))

    def seats(self, team_id: str) -> Iterator[SeatRow]:
        return self._rows("pws_list_seats", lambda s, i: SeatRow(
            s(Column.ID), s(Column.ORG), bool(i(Column.EXTERNAL))), self.handle, _b(team_id))

    # state and revisions
    def digest(self) -> int:
        """A digest of the whole state: equal states, equal digests."""
        d = c_uint64()
        self._query("pws_policy_digest", byref(d))
        return d.value

    def revision(self) -> int:
        r = c_uint64()
        self._query("pws_policy_revision", byref(r))
        return r.value

    def sync(self) -> int:
        """Applies other writers' changes from the shared store; the revision reached."""
        r = c_uint64()
        rc = self._lib.pws_policy_sync(self.handle, byref(r))
        self._reraise_callback()
        if rc:
            raise self._storage_cause(error(rc))
        return r.value

    def wait(self, min_revision: int, timeout_ms: int = 1000) -> int:
        """Catches up until at least ``min_revision``; raises Timeout."""
        r = c_uint64()
        rc = self._lib.pws_policy_wait(self.handle, min_revision, timeout_ms, byref(r))
        self._reraise_callback()
        if rc:
            raise self._storage_cause(error(rc))
        return r.value

    def snapshot(self) -> str:
        """The whole state as JSON (doc/SNAPSHOT.md)."""
        p, n = POINTER(c_char)(), c_size_t()
        self._query("pws_snapshot_export", byref(p), byref(n))
        try:
            return ctypes.string_at(p, n.value).decode()
        finally:
            self._lib.pws_snapshot_free(self.handle, p)


def _member(s: Callable[[int], str], i: Callable[[int], int]) -> Member:
    return Member(s(Column.ID), s(Column.EMAIL), WsRole(i(Column.ROLE)), bool(i(Column.LEAD)),
                  bool(i(Column.EXTERNAL)), s(Column.ORG), bool(i(Column.SUSPENDED)))


def _element(s: Callable[[int], str], i: Callable[[int], int]) -> ElementRow:
    return ElementRow(s(Column.ID), ElementKind(i(Column.KIND)), _actions(i(Column.ACTIONS)),
                      s(Column.PARENT) or None)
