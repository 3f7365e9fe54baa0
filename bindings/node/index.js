'use strict';
// ddc: signed, encrypted user events in a content-addressed, log-structured store.
//
// The addon `ddc.node` binds the C++ API (include/ddc/); this file loads it, defines the error
// classes it rejects with, and adds what is easier to say in JavaScript: the async iterators of
// Store#timeline() and Store#users(). Every store call and every signing, sealing, opening or
// verifying call returns a promise and does its work on libuv's thread pool, off the event loop.
//
// The addon is loaded from $DDC_NODE_ADDON when set (a build tree's bindings/node/ddc.node),
// else from build/Release/ddc.node next to this file, where `npm install` builds it.

const path = require('node:path');

function loadAddon() {
  const file = process.env.DDC_NODE_ADDON
    ? path.resolve(process.env.DDC_NODE_ADDON)
    : path.join(__dirname, 'build', 'Release', 'ddc.node');
  try {
    return require(file);
  } catch (error) {
    if (error && error.code === 'MODULE_NOT_FOUND' && !process.env.DDC_NODE_ADDON) {
      error.message = `ddc: the native addon is not built (${file}): run \`npm install\` in ` +
        `the package folder (it builds with cmake-js), or set DDC_NODE_ADDON to a built ddc.node`;
    }
    throw error;
  }
}

const addon = loadAddon();

// ---- Errors ----

/**
 * Base of every error ddc rejects with. `code` names the status ('NOT_FOUND', 'CONFLICT', ...)
 * and `status` is the engine's numeric status code (null for STORE_CLOSED).
 */
class DdcError extends Error {
  constructor(message, code, status) {
    super(message);
    this.name = new.target.name;
    this.code = code === undefined ? 'FAILED' : code;
    this.status = status === undefined ? null : status;
  }
}
/** The thing asked for does not exist. */
class NotFoundError extends DdcError {}
/** Stored bytes fail a checksum or a structural check. */
class CorruptionError extends DdcError {}
/** Something malformed or out of bounds was passed (a bad CID, hex of the wrong length...). */
class InvalidArgumentError extends DdcError {}
/** An event failed to decode or verify (bad encoding, bad signature, bad proof). */
class InvalidEventError extends InvalidArgumentError {}
/** An I/O error, a full device, or a store stopped by an earlier one. */
class StorageIOError extends DdcError {}
/** The store is held elsewhere (another process has it open). */
class BusyError extends DdcError {}
/** This build or kernel lacks a feature. */
class NotSupportedError extends DdcError {}
/** The request contradicts what is stored (a reused event id, a stale prev). */
class ConflictError extends DdcError {}
/** The thing was erased on request. */
class ErasedError extends DdcError {}
/** A wrong key, or a signer without the right (permission denied). */
class AuthError extends DdcError {}
/** The call came after Store#close(). */
class StoreClosedError extends DdcError {}

const errors = {
  DdcError, NotFoundError, CorruptionError, InvalidArgumentError, InvalidEventError,
  StorageIOError, BusyError, NotSupportedError, ConflictError, ErasedError, AuthError,
  StoreClosedError,
};
addon.setErrorClasses(errors);

// ---- Async iterators ----

const DEFAULT_PAGE_SIZE = 64;

function pageSizeOf(options, what) {
  const n = options && options.pageSize !== undefined ? options.pageSize : DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 1 || n > 4096) {
    throw new RangeError(`${what}: pageSize: want an integer in 1..4096, got ${n}`);
  }
  return n;
}

/**
 * A single-pass async iterator over pages a native cursor reads on the thread pool. Calls to
 * next() are served in order, one page fetch at a time.
 */
class PagedIterator {
  #cursor;
  #pageSize;
  #page = [];
  #index = 0;
  #done = false;
  #queue = Promise.resolve();

  constructor(cursor, pageSize) {
    this.#cursor = cursor;
    this.#pageSize = pageSize;
  }

  next() {
    return this.#enqueue(() => this.#step());
  }

  // Runs `task` after every call before it has settled.
  #enqueue(task) {
    const step = this.#queue.then(task);
    this.#queue = step.catch(() => {});
    return step;
  }

  async #step() {
    if (this.#index === this.#page.length && !this.#done) {
      try {
        this.#page = await this.#cursor.next(this.#pageSize);
      } catch (error) {
        this.#done = true;
        this.#page = [];
        throw error;
      }
      this.#index = 0;
      if (this.#page.length === 0) this.#done = true;
    }
    if (this.#index < this.#page.length) return { done: false, value: this.#page[this.#index++] };
    return { done: true, value: undefined };
  }

  /** Ends the iteration (what `break` in a for await loop calls). */
  return(value) {
    return this.#enqueue(() => {
      this.#done = true;
      this.#page = [];
      this.#index = 0;
      return { done: true, value };
    });
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  /** The rest of the entries, read in pages. */
  async toArray() {
    const out = [];
    for await (const entry of this) out.push(entry);
    return out;
  }
}

/** A user's events in one bucket: `for await (const event of store.timeline(...))`. */
class Timeline extends PagedIterator {}
/** The users of a bucket, in the order of their first event. */
class Users extends PagedIterator {}

const { Store } = addon;

/**
 * The (bucket, user) timeline from `from` (a position) or `since` (a time in ms), forward or
 * backward (`reverse`); with `keys`, each event also carries `data` (the scopes those keys open,
 * merged) and `opened`. Bad arguments throw here; a timeline that does not exist rejects the
 * first next() with NotFoundError.
 */
Store.prototype.timeline = function timeline(bucket, user, options) {
  const { pageSize, ...rest } = options || {};
  const size = pageSizeOf({ pageSize }, 'timeline');
  return new Timeline(this._timelineCursor(bucket, user, rest), size);
};

/** The users of `bucket` with their timeline's size, root and head. */
Store.prototype.users = function users(bucket, options) {
  return new Users(this._usersCursor(bucket), pageSizeOf(options, 'users'));
};

module.exports = {
  ...errors,
  Store,
  Timeline,
  Users,
  KeyPair: addon.KeyPair,
  BoxKeyPair: addon.BoxKeyPair,
  KeyRing: addon.KeyRing,
  EventBuilder: addon.EventBuilder,
  generateMasterKey: addon.generateMasterKey,
  openEvent: addon.openEvent,
  decodeEvent: addon.decodeEvent,
  encodeEvent: addon.encodeEvent,
  eventCid: addon.eventCid,
  verifyEvent: addon.verifyEvent,
  verifyEventProof: addon.verifyEventProof,
  makeGrant: addon.makeGrant,
  decodeGrant: addon.decodeGrant,
  makeTombstone: addon.makeTombstone,
  makeName: addon.makeName,
  decodeName: addon.decodeName,
  verifyCheckpoint: addon.verifyCheckpoint,
  verifyConsistencyProof: addon.verifyConsistencyProof,
  verifyErasureProof: addon.verifyErasureProof,
  verifyStore: addon.verifyStore,
  version: require('./package.json').version,
};
