// Type declarations of the ddc package (index.js and the native addon it loads).
//
// Data objects (events, results, proofs) keep the field names of the node's JSON API
// (docs/node.md) and of the Python binding's dicts, so that one object moves between them
// unchanged; methods and options are camelCase. Keys and hashes are lower-case hex on output
// and hex or bytes on input. 64-bit integers are Numbers, or BigInts above 2^53 - 1 (a bucket
// may be that large; positions, sizes and times never are in practice).

/// <reference types="node" />

/** 32 bytes (a Buffer or Uint8Array), or 64 hex digits. */
export type Key32 = Uint8Array | string;
/** A non-negative integer: a safe-integer Number or a BigInt. */
export type U64 = number | bigint;
/** A bucket id as returned: a Number, or a BigInt above 2^53 - 1. */
export type Bucket = number | bigint;
/** JSON text, or any value JSON.stringify accepts. */
export type Json = string | Record<string, unknown>;

// ---- Errors ----

export type ErrorCode =
  | 'NOT_FOUND' | 'CORRUPTION' | 'INVALID_ARGUMENT' | 'IO_ERROR' | 'NO_SPACE' | 'BUSY'
  | 'NOT_SUPPORTED' | 'FAILED' | 'CONFLICT' | 'ERASED' | 'PERMISSION_DENIED' | 'STORE_CLOSED';

/** Base of every error ddc rejects with. */
export class DdcError extends Error {
  constructor(message: string, code?: ErrorCode, status?: number | null);
  /** The status, e.g. 'NOT_FOUND'. */
  readonly code: ErrorCode;
  /** The engine's numeric status code (include/ddc/status.h); null for STORE_CLOSED. */
  readonly status: number | null;
}
export class NotFoundError extends DdcError {}
export class CorruptionError extends DdcError {}
export class InvalidArgumentError extends DdcError {}
export class InvalidEventError extends InvalidArgumentError {}
/** IO_ERROR, NO_SPACE, or FAILED (a store stopped by an earlier I/O error). */
export class StorageIOError extends DdcError {}
export class BusyError extends DdcError {}
export class NotSupportedError extends DdcError {}
export class ConflictError extends DdcError {}
export class ErasedError extends DdcError {}
/** PERMISSION_DENIED: a wrong key, or a signer without the right. */
export class AuthError extends DdcError {}
export class StoreClosedError extends DdcError {}

// ---- Data objects ----

export interface EventScope {
  name: string;
  sealed: boolean;
  /** Sealed scopes only. */
  key_version?: number;
  /** Sealed scopes only: 48 hex digits. */
  nonce?: string;
  compression: 'none' | 'zstd';
  /** Ciphertext (sealed) or plaintext (public). Base64 text is accepted on input. */
  data: Buffer | Uint8Array | string;
}

export interface BatchProof {
  root: string;
  size: number;
  index: number;
  path: string[];
}

/** An event as the node's GET /v1/events/{cid} returns it; appends back to the same CID. */
export interface EventObject {
  cid?: string;
  bucket: Bucket;
  user: string;
  id: string;
  time_ms: number;
  type: string;
  prev: string | null;
  scopes: EventScope[];
  signature: string;
  batch: BatchProof | null;
}

/** An event given to append, encodeEvent, openEvent...: its encoding, or an event object. */
export type EventLike = Uint8Array | EventObject;

export interface AppendResult {
  cid: string;
  position: number;
  journal_index: number;
  /** The same event was already stored; nothing was written. */
  existed: boolean;
}

export interface ScopeState {
  name: string;
  public: boolean;
  key_version: number;
  outcome: 'opened' | 'no_key' | 'wrong_key' | 'tampered' | 'malformed';
  message: string;
}

export interface OpenedEvent {
  /** The merged object of every scope that opened. */
  data: Record<string, unknown>;
  scopes: ScopeState[];
  signature: 'verified' | 'trusted' | 'failed';
  signature_error: string | null;
  /** Every scope opened. */
  complete: boolean;
}

export interface TimelineEvent extends EventObject {
  cid: string;
  position: number;
  /** With `keys` only: the merged object of the scopes those keys open. */
  data?: Record<string, unknown>;
  /** With `keys` only. */
  opened?: OpenedEvent;
}

export interface TimelineInfo {
  bucket: Bucket;
  user: string;
  size: number;
  /** RFC 9162 root over the event CIDs, hex. */
  root: string;
  /** The last event; null for an empty timeline. */
  head: string | null;
}

export interface Checkpoint {
  cid: string;
  origin: string;
  size: number;
  root: string;
  time_ms: number;
  /** The signed note (C2SP tlog-checkpoint). */
  note: string;
}

export interface VerifiedEvent {
  cid: string;
  event: EventObject;
  position: number;
  timeline_root: string;
  journal_index: number;
  checkpoint_size: number;
  checkpoint_root: string;
  checkpoint_time_ms: number;
  checkpoint_origin: string;
}

export interface GrantInfo {
  cid: string;
  bucket: Bucket;
  /** null: every user of the bucket (an app-level key). */
  user: string | null;
  scope: string;
  key_version: number;
  grantee: string;
  granter: string;
  created_ms: number;
}

export interface StoredGrant extends GrantInfo {
  /** The encoded, signed grant (what KeyRing#addGrant takes). */
  bytes: Buffer;
}

export interface EraseResult {
  tombstone: string;
  events_erased: number;
  grants_destroyed: number;
  keys_shredded: number;
  existed: boolean;
}

export interface TombstoneInfo {
  cid: string;
  bucket: Bucket;
  user: string;
  /** null: the whole timeline. */
  event: string | null;
  signer: string;
  time_ms: number;
  reason: string;
}

export interface ErasureProof {
  event: string;
  bucket: Bucket;
  user: string;
  position: number;
  /** The encoded, signed tombstone. */
  tombstone: Buffer | Uint8Array;
  timeline_size: number;
  timeline_root: string;
  timeline_path: string[];
}

export interface NameRecordInfo {
  cid: string;
  bucket: Bucket;
  name: string;
  target: string;
  sequence: number;
  ttl_seconds: number;
  created_ms: number;
  signer: string;
  /** The encoded, signed record. */
  bytes: Buffer;
}

export interface PutNameResult {
  cid: string;
  existed: boolean;
}

export interface CarExportStats {
  /** CID of the timeline object: the CAR header's only root. */
  root: string;
  bucket: Bucket;
  events: number;
  events_written: number;
  erased: number;
  blocks: number;
  bytes: number;
}

export interface StoreStats {
  records: number;
  logical_bytes: number;
  log_bytes: number;
  segments: number;
  index_bytes: number;
  puts: number;
  dedup_hits: number;
  gets: number;
  group_commits: number;
  syncs: number;
  events: number;
  timelines: number;
  checkpoints: number;
  appends: number;
  io_backend: string;
  recovery: string;
}

export interface VerifyReport {
  segments: number;
  records: number;
  log_bytes: number;
  snapshot_checked: boolean;
  events: number;
  timelines: number;
  checkpoints: number;
  grants: number;
  tombstones: number;
  names: number;
  checkpoint_signatures_checked: boolean;
  notes: string;
}

// ---- Keys ----

/** A user's ed25519 key pair. The secret is wiped when the object is collected. */
export class KeyPair {
  private constructor();
  static generate(): KeyPair;
  static fromSeed(seed: Key32): KeyPair;
  readonly publicKey: Buffer;
  /** The public key in hex: how events, timelines and grants name the user. */
  readonly user: string;
  readonly seed: Buffer;
  toString(): string;
}

/** An X25519 key pair that receives grants. */
export class BoxKeyPair {
  private constructor();
  static generate(): BoxKeyPair;
  static fromSeed(seed: Key32): BoxKeyPair;
  /** The X25519 form of an ed25519 key, so that one identity also receives grants. */
  static fromSigningKey(key: KeyPair): BoxKeyPair;
  readonly publicKey: Buffer;
  toString(): string;
}

/** The master and scope keys a builder or reader holds. */
export class KeyRing {
  constructor();
  /** `user` null: the app's key for every user of the bucket. */
  addMasterKey(bucket: U64, user: Key32 | null, master: Key32, newestVersion?: number): void;
  addScopeKey(bucket: U64, user: Key32 | null, scope: string, keyVersion: number, key: Key32): void;
  /** Unwraps a grant made for `grantee` and holds its scope key. */
  addGrant(grant: Uint8Array, grantee: BoxKeyPair): Promise<void>;
  scopeKey(bucket: U64, user: Key32, scope: string, keyVersion?: number): Promise<Buffer>;
}

export interface ScopePolicy {
  default?: string;
  scopes?: Record<string, string[]>;
  public?: string[];
}

export interface BuilderOptions {
  compress?: boolean;
  zstdLevel?: number;
  compressMinBytes?: number;
}

export interface EventInput {
  bucket: U64;
  id: string;
  type: string;
  /** A JSON object, or its text. */
  data: Json;
  /** Default: now. */
  timestampMs?: U64;
  prev?: string | null;
}

/** Splits event data by a scope policy, seals it and signs it. */
export class EventBuilder {
  constructor(policy?: ScopePolicy | string | null, options?: BuilderOptions);
  readonly policy: ScopePolicy;
  build(input: EventInput & { keys: KeyRing; userKey: KeyPair }): Promise<Buffer>;
  /** The events of one user signed at once (one signature over a Merkle tree of them). */
  buildBatch(items: EventInput[], options: { keys: KeyRing; userKey: KeyPair }): Promise<Buffer[]>;
}

// ---- The store ----

export interface StoreOptions {
  createIfMissing?: boolean;
  errorIfExists?: boolean;
  /** 'group' (default): every acknowledged write is on stable storage. */
  durability?: 'group' | 'interval' | 'none';
  syncIntervalMs?: number;
  segmentBytes?: U64;
  ioBackend?: 'auto' | 'io_uring' | 'posix';
  compression?: 'auto' | 'none';
  /** The node key's 32-byte seed (signs checkpoints); default: the store's own node.key. */
  nodeKeySeed?: Key32;
  checkpointOrigin?: string;
  checkpointIntervalMs?: number;
  /** Who owns each bucket: the owner may sign grants, tombstones and names for it. */
  bucketOwners?: Record<number, Key32> | Map<U64, Key32>;
  paranoidOpen?: boolean;
}

export interface TimelineOptions {
  /** Start at this position. */
  from?: U64;
  /** Start at this time (ms): forward, the first event at or after it; backward, the last at or before. */
  since?: U64;
  reverse?: boolean;
  /** Open each event with these keys (adds `data` and `opened`). */
  keys?: KeyRing;
  /** Events read per trip to the thread pool, 1..4096 (default 64). */
  pageSize?: number;
}

/** A single-pass async iterator that reads its entries in pages off the event loop. */
declare class PagedIterator<T> implements AsyncIterableIterator<T> {
  protected constructor();
  next(): Promise<IteratorResult<T, undefined>>;
  return(value?: unknown): Promise<IteratorResult<T, undefined>>;
  [Symbol.asyncIterator](): this;
  /** The rest of the entries. */
  toArray(): Promise<T[]>;
}
export class Timeline extends PagedIterator<TimelineEvent> {}
export class Users extends PagedIterator<TimelineInfo> {}

/** An open store. Every method returns a promise and runs on libuv's thread pool. */
export class Store {
  private constructor();
  static open(path: string, options?: StoreOptions): Promise<Store>;
  readonly path: string;
  /** True from the moment close() is called. */
  readonly closed: boolean;
  /** Waits for the calls in flight, then syncs and releases the directory. Later calls reject. */
  close(): Promise<void>;

  putBlob(blob: Uint8Array): Promise<string>;
  get(cid: string): Promise<Buffer>;
  contains(cid: string): Promise<boolean>;
  /** null for a CID that is not stored. */
  multiGet(cids: string[]): Promise<Array<Buffer | null>>;
  sync(): Promise<void>;
  stats(): Promise<StoreStats>;

  append(event: EventLike): Promise<AppendResult>;
  /** One group commit; each event gets its result, or the error that refused it. */
  appendBatch(events: EventLike[]): Promise<Array<AppendResult | DdcError>>;
  getEvent(cid: string): Promise<EventObject & { cid: string }>;
  openEvent(cid: string, keys: KeyRing): Promise<OpenedEvent>;
  timelineInfo(bucket: U64, user: Key32): Promise<TimelineInfo>;
  timeline(bucket: U64, user: Key32, options?: TimelineOptions): Timeline;
  users(bucket: U64, options?: { pageSize?: number }): Users;
  buckets(): Promise<Bucket[]>;

  checkpoint(): Promise<Checkpoint>;
  checkpoints(): Promise<Checkpoint[]>;
  /** The verifier key checkpoints are signed with (signed-note form). */
  nodeVerifierKey(): Promise<string>;
  /** The proof bundle verifyEventProof checks; NotFoundError until a checkpoint covers it. */
  proveEvent(cid: string): Promise<Buffer>;

  putGrant(grant: Uint8Array): Promise<string>;
  grants(query: { grantee: BoxKeyPair | Key32 } | { bucket: U64; scope: string }): Promise<StoredGrant[]>;

  erase(tombstone: Uint8Array): Promise<EraseResult>;
  tombstones(bucket: U64, user: Key32): Promise<TombstoneInfo[]>;
  proveErasure(cid: string): Promise<ErasureProof>;

  putName(record: Uint8Array): Promise<PutNameResult>;
  getName(bucket: U64, name: string): Promise<NameRecordInfo>;
  names(bucket: U64): Promise<NameRecordInfo[]>;

  /** The RFC 9162 root (hex) of the timeline at `size` events. */
  timelineRoot(bucket: U64, user: Key32, size: U64): Promise<string>;
  journal(): Promise<{ size: number; root: string }>;
  journalRoot(size: U64): Promise<string>;
  timelineConsistencyProof(bucket: U64, user: Key32, oldSize: U64, newSize: U64): Promise<string[]>;
  journalConsistencyProof(oldSize: U64, newSize: U64): Promise<string[]>;

  /** The timeline as a CAR v1 file, written atomically. */
  exportCar(bucket: U64, user: Key32, path: string): Promise<CarExportStats>;
}

// ---- Functions ----

/** 32 random bytes from the operating system's CSPRNG. */
export function generateMasterKey(): Buffer;
export function openEvent(event: EventLike, keys: KeyRing, options?: { trusted?: boolean }): Promise<OpenedEvent>;
export function decodeEvent(event: Uint8Array): EventObject & { cid: string };
export function encodeEvent(event: EventObject): Buffer;
export function eventCid(event: EventLike): string;
/** Decodes and checks the user's signature. */
export function verifyEvent(event: EventLike): Promise<EventObject & { cid: string }>;
/** Checks a proveEvent bundle with the node's verifier key alone; rejects naming the failed check. */
export function verifyEventProof(proof: Uint8Array, verifierKey: string): Promise<VerifiedEvent>;
export function makeGrant(master: Key32, options: {
  bucket: U64; user: Key32 | null; scope: string; keyVersion?: number;
  grantee: BoxKeyPair | Key32; granter: KeyPair; createdMs?: U64;
}): Promise<Buffer>;
export function decodeGrant(grant: Uint8Array): GrantInfo;
/** Without `event`, the tombstone erases the user's whole timeline in the bucket. */
export function makeTombstone(signer: KeyPair, options: {
  bucket: U64; user?: Key32 | null; event?: string | null; reason?: string; timestampMs?: U64;
}): Promise<Buffer>;
/** A name record signed by the bucket's owner, for Store#putName. */
export function makeName(owner: KeyPair, options: {
  bucket: U64; name: string; target: string; sequence: U64; ttlSeconds?: number; createdMs?: U64;
}): Promise<Buffer>;
/** Decodes a name record strictly (its signature is not checked). */
export function decodeName(record: Uint8Array): NameRecordInfo;
/** A checkpoint note's fields, once its signature checks under the node's verifier key. */
export function verifyCheckpoint(note: string, verifierKey: string): Promise<Checkpoint>;
/** Resolves when the tree at newSize extends the one at oldSize (RFC 9162); rejects otherwise. */
export function verifyConsistencyProof(oldSize: U64, newSize: U64, oldRoot: Key32, newRoot: Key32,
                                       proof: Key32[]): Promise<void>;
/** Resolves when the proof (from Store#proveErasure) checks with public keys alone. */
export function verifyErasureProof(proof: ErasureProof, options?: { bucketOwner?: Key32 | null }): Promise<void>;
/** Checks a closed store without changing it. */
export function verifyStore(path: string): Promise<VerifyReport>;

export const version: string;
