// SPDX-License-Identifier: MIT
// TypeScript declarations of the Node binding of libpartnerws.
// The constants (StatusCode, Rule, Action, ...) are generated from the C
// headers (generated.d.ts, by tools/genbind.py).

export * from './generated';
import { Action, ElementKind, EventKind, InviteKind, Plan, TeamRole, Visibility, WsRole } from './generated';

/** Status names of StatusCode ('EDENIED', ...). */
export type StatusName = 'OK' | 'ERROR' | 'ENOMEM' | 'EINVALID' | 'EMISUSE' | 'ENOTFOUND' | 'EEXISTS' |
  'EDENIED' | 'ESTORAGE' | 'EUSER' | 'ESTATE' | 'ECONFLICT' | 'ETIMEOUT' | 'ITEROVER';

/** Any failure of the library. */
export declare class PartnerwsError extends Error {
  /** The status name, e.g. 'EDENIED'. */
  readonly code: StatusName;
  /** The status number, e.g. -7 (StatusCode.EDENIED). */
  readonly status: number;
  /** The deciding rule id, e.g. 'RO6', or null. */
  readonly rule: string | null;
  /** ResultFlag bits the call reported. */
  readonly flags: number;
  /** What a JS store method threw (StorageError), if anything. */
  cause?: unknown;
}
/** EDENIED: the policy refused; `rule` says which rule. */
export declare class DeniedError extends PartnerwsError {}
export declare class NotFoundError extends PartnerwsError {}
/** EINVALID: malformed arguments. */
export declare class InvalidError extends PartnerwsError {}
export declare class ExistsError extends PartnerwsError {}
export declare class StateError extends PartnerwsError {}
export declare class StorageError extends PartnerwsError {}
export declare class ConflictError extends PartnerwsError {}
export declare class TimeoutError extends PartnerwsError {}
export declare class MisuseError extends PartnerwsError {}
export declare class NoMemoryError extends PartnerwsError {}
export declare class UserError extends PartnerwsError {}

/** What a mutating call reported (or, with `ask: true`, would report). */
export interface Answer {
  readonly allowed: boolean;
  readonly status: number;
  readonly code: StatusName;
  readonly rule: string | null;
  readonly flags: number;
  readonly message: string;
  readonly asked: boolean;
  readonly pending: boolean;
  readonly downgraded: boolean;
}

/** Options of every mutating call. */
export interface CallOptions {
  /** Ask only (PWS_REQUEST_ASK): decide, change nothing, and return the
   *  answer instead of throwing. */
  ask?: boolean;
}

/** An event, copied out of the library's borrowed pws_event. */
export interface Event {
  readonly kind: EventKind;
  readonly kindName: string;
  readonly rule: string | null;
  readonly channels: number;
  readonly team: string | null;
  readonly actor: string | null;
  readonly subject: string | null;
  readonly workspaces: readonly string[];
  readonly recipients: readonly string[];
  readonly revision: number;
}

export interface Member {
  readonly id: string; readonly email: string; readonly role: WsRole; readonly lead: boolean;
  readonly external: boolean; readonly org: string; readonly suspended: boolean;
}
export interface WorkspaceRow {
  readonly id: string; readonly team: string; readonly role: number; readonly external: boolean;
  readonly visibility: Visibility; readonly mode: number; readonly unread: number;
}
export interface ElementRow {
  readonly id: string; readonly kind: ElementKind; readonly actionMask: number;
  readonly actions: Action[]; readonly parent: string | null;
}

/**
 * A store in JavaScript: the methods of pws_storage_ops. Keys are
 * 16-hex-digit strings, data Buffers. put (or append) and close are the
 * ones that matter; missing methods are NULL slots. A method throws to
 * fail (the call then fails with StorageError, whose cause is what was
 * thrown) or returns a negative StatusCode (append: StatusCode.ECONFLICT).
 */
export interface Store {
  load?(emit: (kind: number, key: string, data: Buffer) => void): void;
  begin?(): void;
  put(kind: number, key: string, data: Buffer): void | number;
  append?(kind: number, key: string, data: Buffer): void | number;
  del?(kind: number, key: string): void | number;
  commit?(): void | number;
  rollback?(): void | number;
  close?(): void;
  loadAfter?(key: string, emit: (kind: number, key: string, data: Buffer) => void): void;
  /** true: the store may have changed; false: timed out. */
  wait?(timeoutMs: number): boolean;
}

/** A Map-backed store (version 2: several handles of one process may share it). */
export declare class MapStore implements Store {
  readonly records: Map<string, Buffer>;
  closes: number;
  load(emit: (kind: number, key: string, data: Buffer) => void): void;
  loadAfter(key: string, emit: (kind: number, key: string, data: Buffer) => void): void;
  begin(): void;
  put(kind: number, key: string, data: Buffer): void;
  append(kind: number, key: string, data: Buffer): number;
  del(kind: number, key: string): void;
  commit(): void;
  rollback(): void;
  close(): void;
}

export interface PolicyOptions {
  storage?: Store;
  /** Called synchronously, on the calling thread, after each commit. */
  onEvent?: (event: Event) => void;
  /** Called after sync()/wait() applied other writers' changes. */
  onChange?: (revision: number) => void;
  maxNameBytes?: number;
  maxTextBytes?: number;
}

export declare class Policy {
  constructor(options?: PolicyOptions);
  /** Frees the handle and unregisters its callbacks. Idempotent. */
  close(): void;
  /** The native handle's address, for Policy.borrow() in a worker. */
  readonly address: bigint;
  /** A read-only view of a handle owned elsewhere (another worker). */
  static borrow(address: bigint): Policy;

  teamAdd(teamId: string, name: string, plan?: Plan, options?: CallOptions & { sso?: boolean }): Answer;
  teamSetPlan(teamId: string, plan: Plan, options?: CallOptions): Answer;
  teamAddDomain(teamId: string, domain: string, options?: CallOptions): Answer;
  teamRemove(teamId: string, options?: CallOptions): Answer;
  userAdd(userId: string, email: string, teamId?: string | null, teamRole?: TeamRole,
    options?: CallOptions & { partnerManager?: boolean }): Answer;
  userSetTeam(userId: string, teamId: string | null, teamRole: TeamRole, options?: CallOptions): Answer;
  userSetPartnerManager(userId: string, on: boolean, options?: CallOptions): Answer;
  userRemove(userId: string, options?: CallOptions): Answer;

  workspaceCreate(actor: string, workspaceId: string, name?: string,
    options?: CallOptions & { visibility?: Visibility; note?: string | null }): Answer;
  workspaceDelete(actor: string, workspaceId: string, options?: CallOptions): Answer;
  enableMultiPartner(actor: string, workspaceId: string, options?: CallOptions): Answer;
  invite(actor: string, workspaceId: string, email: string, kind: InviteKind, role: WsRole,
    options?: CallOptions & { partnerLead?: boolean }): Answer;
  inviteAccept(userId: string, workspaceId: string, teamId?: string | null, options?: CallOptions): Answer;
  inviteWithdraw(actor: string, workspaceId: string, email: string, options?: CallOptions): Answer;
  inviteDecline(userId: string, workspaceId: string, options?: CallOptions): Answer;
  memberSetRole(actor: string, workspaceId: string, userId: string, role: WsRole, options?: CallOptions): Answer;
  memberSetLead(actor: string, workspaceId: string, userId: string, lead: boolean, options?: CallOptions): Answer;
  memberRemove(actor: string, workspaceId: string, userId: string, options?: CallOptions): Answer;

  elementAdd(actor: string, workspaceId: string, elementId: string,
    options?: CallOptions & { kind?: ElementKind; size?: number; parent?: string | null }): Answer;
  elementMove(actor: string, elementId: string, targetWorkspaceId: string, options?: CallOptions): Answer;
  elementFork(actor: string, elementId: string, newElementId: string, targetWorkspaceId: string,
    options?: CallOptions): Answer;
  elementDelete(actor: string, elementId: string, now: number, options?: CallOptions): Answer;
  updatePost(actor: string, workspaceId: string, updateId: string, text: string, now: number,
    options?: CallOptions): Answer;

  check(actor: string, action: Action, workspaceId?: string | null, elementId?: string | null):
    { allowed: boolean; rule: string | null };
  allowedActions(actor: string, workspaceId?: string | null, elementId?: string | null): Action[];
  canSeeMember(viewer: string, workspaceId: string, member: string): { visible: boolean; rule: string | null };

  members(viewer: string, workspaceId: string): Generator<Member, void, undefined>;
  membersAsOrg(organization: string, workspaceId: string): Generator<Member, void, undefined>;
  workspaces(userId: string): Generator<WorkspaceRow, void, undefined>;
  elements(viewer: string, workspaceId: string): Generator<ElementRow, void, undefined>;

  digest(): bigint;
  revision(): number;
  sync(): number;
  wait(minRevision: number, timeoutMs: number): number;
}

export declare function ruleId(rule: number): string | null;
export declare function ruleText(rule: number | string): string;
export declare function actionName(action: number): string | null;
export declare function version(): string;
