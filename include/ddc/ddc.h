/* ddc.h: the stable C interface of ddc, for C programs and foreign-function interfaces.
 *
 * A thin layer over the C++ API (store.h, event.h, scopes.h, timeline.h, verify.h, grants.h,
 * erasure.h, names.h, car.h): every function here calls the C++ function of the same purpose and
 * adds nothing but the conversion of arguments and results. Link `libddc.so` (CMake target
 * `ddc_c_shared`, which exports nothing but the `ddc_*` functions) or the static `libddc_c.a`
 * (`ddc_c`, plus the C++ runtime and the engine's dependencies).
 *
 * Conventions, the same for every function:
 *
 *  - Status. Every fallible function returns an `int`: DDC_OK (0) or one of the `ddc_code`
 *    values, which are exactly the codes of ddc::Status. No C++ exception crosses this
 *    interface: one caught at the boundary becomes DDC_FAILED (std::bad_alloc with the message
 *    "out of memory").
 *
 *  - Messages. The last parameter of every fallible function is `ddc_error** err`. On failure,
 *    when `err` is not NULL, `*err` receives a new error object (code and a message saying what
 *    and where) that the caller frees with ddc_error_free; on success `*err` is not touched.
 *    Pass a pointer to NULL: a previous error is overwritten, not freed. `err` may be NULL to
 *    ignore the message. An out-parameter rather than a thread-local "last error", so that the
 *    message belongs to the call that failed even when a runtime moves work between threads
 *    (Go, async Python, Node workers) or another call happens in between (a logging hook).
 *
 *  - Inputs are (pointer, length) pairs and are only read during the call; a length of 0 allows
 *    a NULL pointer. Keys and seeds are fixed 32-byte arrays. Text outputs of bounded size
 *    (CIDs, event ids) are written into fixed arrays in the caller's structs, so most calls
 *    allocate nothing the caller must free.
 *
 *  - CIDs cross the interface in their string form ("bafy2bzace..." for events, "bafk2bzace..."
 *    for blobs): NUL-terminated on input, and on output written into a `char[DDC_CID_SIZE]`
 *    (always NUL-terminated). Strings are what users log, print, send over HTTP and hand to IPFS
 *    tools; ddc_cid_to_binary and ddc_cid_from_binary convert to and from the 38-byte form.
 *
 *  - Ownership. A `ddc_buf` filled by a call is owned by the caller and released with
 *    ddc_buf_free (never free()); its bytes are followed by a NUL that `len` does not count, so
 *    text results (JSON, checkpoint notes) can be used as C strings. Handles (`ddc_store`,
 *    `ddc_iter`, `ddc_keyring`, `ddc_builder`, `ddc_opened`, `ddc_list`) and structs holding
 *    buffers (`ddc_erasure_proof`) are released with their own `_free` (or ddc_store_close). A
 * `const` pointer returned by an accessor is borrowed from its handle and valid until the handle
 * changes or is freed, as each accessor says. On failure no output is allocated: a `ddc_buf` is
 * left empty ({NULL, 0}) and a handle NULL. An output buffer or handle is overwritten on entry, not
 * freed: free what it held first. Every `_free` accepts NULL.
 *
 *  - Threads. A ddc_store may be used from any number of threads at once, except that
 *    ddc_store_close must not race with other calls. Builders and key rings may be shared
 *    between threads for reading (building, opening); adding keys to a ring must not race with
 *    anything else on it. An iterator, an opened event and a list belong to one thread at a
 *    time. Error objects and buffers are plain values.
 */
#ifndef DDC_DDC_H_
#define DDC_DDC_H_

#include <stddef.h>
#include <stdint.h>

#if defined(DDC_C_BUILDING) && defined(__GNUC__)
#define DDC_API __attribute__((visibility("default")))
#else
#define DDC_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Version ---- */

#define DDC_VERSION_MAJOR 0
#define DDC_VERSION_MINOR 1
#define DDC_VERSION_PATCH 0
#define DDC_VERSION_STRING "0.1.0"

/* The library's version, "MAJOR.MINOR.PATCH"; compare with DDC_VERSION_STRING to detect a
 * header/library mismatch. A static string. */
DDC_API const char* ddc_version(void);

/* ---- Status codes and errors ---- */

/* The codes of ddc::Status, with the same numbers. */
typedef enum ddc_code {
  DDC_OK = 0,
  DDC_NOT_FOUND = 1,         /* The thing asked for does not exist. */
  DDC_CORRUPTION = 2,        /* Stored bytes fail a checksum or a structural check. */
  DDC_INVALID_ARGUMENT = 3,  /* Something malformed or out of bounds was passed. */
  DDC_IO_ERROR = 4,          /* The operating system reported an I/O failure. */
  DDC_NO_SPACE = 5,          /* The device is full. */
  DDC_BUSY = 6,              /* A resource is held elsewhere (the store's lock). */
  DDC_NOT_SUPPORTED = 7,     /* This build or kernel lacks what the request needs. */
  DDC_FAILED = 8,            /* The store stopped writing after an I/O error; out of memory. */
  DDC_CONFLICT = 9,          /* The request contradicts what is stored. */
  DDC_ERASED = 10,           /* The thing existed but was erased on request. */
  DDC_PERMISSION_DENIED = 11 /* A wrong key, or a signer without the right. */
} ddc_code;

/* "OK", "NotFound", ... as ddc::Status names them; "Unknown" for other values. Static. */
DDC_API const char* ddc_code_name(int code);

typedef struct ddc_error ddc_error;

DDC_API int ddc_error_code(const ddc_error* err);
/* The message (never empty for an error made by this library); valid until ddc_error_free. */
DDC_API const char* ddc_error_message(const ddc_error* err);
DDC_API void ddc_error_free(ddc_error* err);

/* ---- Buffers ---- */

typedef struct ddc_buf {
  uint8_t* data; /* Owned by the caller after a call fills it; followed by a NUL byte. */
  size_t len;    /* Bytes, not counting the NUL. */
} ddc_buf;

/* Frees buf->data and sets the buffer to {NULL, 0}. Accepts NULL and an empty buffer. */
DDC_API void ddc_buf_free(ddc_buf* buf);

/* ---- Keys and CIDs (no store needed) ---- */

#define DDC_KEY_SIZE 32  /* ed25519 seeds and public keys, X25519 keys, master keys. */
#define DDC_HASH_SIZE 32 /* SHA-256 Merkle roots. */
#define DDC_CID_SIZE 64  /* A CID string with its NUL (CIDs here are 62 characters). */
#define DDC_CID_BINARY_SIZE 38

/* 32 bytes from the operating system's CSPRNG: a master key, or a seed for the two below. */
DDC_API void ddc_random_key(uint8_t out[DDC_KEY_SIZE]);
/* The ed25519 public key (a user's or a bucket owner's identity) of a signing seed. */
DDC_API void ddc_public_key(const uint8_t seed[DDC_KEY_SIZE], uint8_t public_key[DDC_KEY_SIZE]);
/* The X25519 public key of a seed: what a grantee publishes to receive grants. */
DDC_API void ddc_box_public_key(const uint8_t seed[DDC_KEY_SIZE], uint8_t public_key[DDC_KEY_SIZE]);

/* Checks a CID string and writes its 38-byte binary form. */
DDC_API int ddc_cid_to_binary(const char* cid, uint8_t out[DDC_CID_BINARY_SIZE], ddc_error** err);
/* The string form of a binary CID (the whole input must be one CID). */
DDC_API int ddc_cid_from_binary(const uint8_t* bytes, size_t len, char out[DDC_CID_SIZE],
                                ddc_error** err);

/* ---- Opening and closing a store ---- */

#define DDC_OPTIONS_VERSION 1

typedef enum ddc_durability {
  DDC_SYNC_EVERY_GROUP = 0, /* Every acknowledged write survives any crash. The default. */
  DDC_SYNC_INTERVAL = 1,    /* fdatasync every sync_interval_ms; an OS crash loses up to that. */
  DDC_SYNC_NONE = 2         /* Only ddc_store_sync and close sync. */
} ddc_durability;

typedef enum ddc_io_backend {
  DDC_IO_AUTO = 0,  /* io_uring when available, else POSIX. The default. */
  DDC_IO_URING = 1, /* io_uring or fail with DDC_NOT_SUPPORTED. */
  DDC_IO_POSIX = 2
} ddc_io_backend;

/* Answers the owner of `bucket` (its ed25519 key, written to owner_public_key): return 1 when
 * the bucket has one, 0 when it has none. Called from any thread; must not call back into the
 * store. The owner may sign grants for every user of the bucket and tombstones for any user. */
typedef int (*ddc_bucket_owner_fn)(void* context, uint64_t bucket,
                                   uint8_t owner_public_key[DDC_KEY_SIZE]);

/* The subset of ddc::Options (options.h, which explains each trade-off) a C caller sets. Fill
 * with ddc_options_init, then change fields: fields added later come after these and are read
 * only when `version` says they are there. */
typedef struct ddc_options {
  int version;               /* DDC_OPTIONS_VERSION, set by ddc_options_init. */
  const char* dir;           /* The store's directory. Required. */
  int create_if_missing;     /* Default 1. */
  int error_if_exists;       /* Default 0. */
  int durability;            /* A ddc_durability; default DDC_SYNC_EVERY_GROUP. */
  uint32_t sync_interval_ms; /* For DDC_SYNC_INTERVAL; default 100. */
  int io_backend;            /* A ddc_io_backend; default DDC_IO_AUTO. */
  /* The node key's seed (signs checkpoints), or NULL for the store's own key. */
  const uint8_t* node_key_seed;
  /* The checkpoint origin line, or NULL for "ddc.local/<store id>". */
  const char* checkpoint_origin;
  /* NULL: only users sign for their own data. */
  ddc_bucket_owner_fn bucket_owner;
  void* bucket_owner_context;
} ddc_options;

/* Sets every field to its default. */
DDC_API void ddc_options_init(ddc_options* options);

typedef struct ddc_store ddc_store;

/* Opens (or creates) the store in options->dir. On success *store is a handle the caller
 * releases with ddc_store_close. DDC_BUSY when another process holds it. */
DDC_API int ddc_store_open(const ddc_options* options, ddc_store** store, ddc_error** err);
/* Syncs, writes the index snapshot, releases the directory and frees the handle, whatever the
 * result (the result says whether the final sync and snapshot succeeded). NULL: DDC_OK. Every
 * iterator of the store must be freed before. */
DDC_API int ddc_store_close(ddc_store* store, ddc_error** err);
/* Forces everything written so far to stable storage. */
DDC_API int ddc_store_sync(ddc_store* store, ddc_error** err);

/* ---- Blobs ---- */

/* Stores `len` bytes and writes their raw CID. Durable on return as the options promise. */
DDC_API int ddc_put_blob(ddc_store* store, const uint8_t* data, size_t len,
                         char cid_out[DDC_CID_SIZE], ddc_error** err);
/* The bytes stored under `cid` (a blob or an event), into *out (caller frees with
 * ddc_buf_free). DDC_NOT_FOUND when absent, DDC_ERASED for an erased event. */
DDC_API int ddc_get(ddc_store* store, const char* cid, ddc_buf* out, ddc_error** err);
/* *found = 1 when the store holds `cid`, else 0. */
DDC_API int ddc_contains(ddc_store* store, const char* cid, int* found, ddc_error** err);

/* Most CIDs one ddc_multi_get call reads. */
#define DDC_MAX_MULTI_GET 1024

/* Reads `count` (at most DDC_MAX_MULTI_GET) blobs or events with batched I/O; each entry gets
 * its own outcome, as in ddc_append_batch: codes[i] (DDC_OK, DDC_NOT_FOUND, DDC_ERASED, or
 * DDC_INVALID_ARGUMENT for a malformed or NULL cids[i]), outs[i] (the bytes when codes[i] is
 * DDC_OK, else {NULL, 0}; the caller frees each with ddc_buf_free) and, when `errors` is not
 * NULL, errors[i] (a new error for each failed entry, NULL otherwise; the caller frees each).
 * `outs` and `codes` hold `count` elements and may not be NULL. Returns DDC_OK when every entry
 * was read; otherwise the code of the first failed entry, with *err naming its index.
 * DDC_INVALID_ARGUMENT for bad arguments (count too large, NULL arrays) leaves the arrays
 * untouched. */
DDC_API int ddc_multi_get(ddc_store* store, const char* const* cids, size_t count, ddc_buf* outs,
                          int* codes, ddc_error** errors, ddc_error** err);

/* ---- Events: building and reading (no store needed) ---- */

/* Master keys, and scope keys received through grants (scopes.h, KeyRing). */
typedef struct ddc_keyring ddc_keyring;

DDC_API int ddc_keyring_new(ddc_keyring** ring, ddc_error** err);
/* Wipes the keys and frees the ring. */
DDC_API void ddc_keyring_free(ddc_keyring* ring);
/* Holds `master` for (bucket, user); `user` NULL means every user of the bucket (an app-level
 * key). New scopes are sealed under key version `newest_version`. */
DDC_API int ddc_keyring_add_master_key(ddc_keyring* ring, uint64_t bucket,
                                       const uint8_t user[DDC_KEY_SIZE],
                                       const uint8_t master[DDC_KEY_SIZE], uint32_t newest_version,
                                       ddc_error** err);
/* Holds the key of one scope at one version for (bucket, user or NULL for all users). */
DDC_API int ddc_keyring_add_scope_key(ddc_keyring* ring, uint64_t bucket,
                                      const uint8_t user[DDC_KEY_SIZE], const char* scope,
                                      size_t scope_len, uint32_t key_version,
                                      const uint8_t key[DDC_KEY_SIZE], ddc_error** err);
/* The grantee side of a grant: checks that the encoded grant is for the X25519 key of
 * `grantee_seed`, unwraps its scope key and holds it for the grant's bucket, user, scope and key
 * version. DDC_PERMISSION_DENIED when the grant is for another key or was altered. */
DDC_API int ddc_keyring_add_grant(ddc_keyring* ring, const uint8_t* grant, size_t grant_len,
                                  const uint8_t grantee_seed[DDC_KEY_SIZE], ddc_error** err);

/* Splits event data by a scope policy and seals it (scopes.h, EventBuilder). */
typedef struct ddc_builder ddc_builder;

/* A builder for one scope policy in its JSON form, e.g.
 * {"scopes": {"profile": ["$.user.email"]}, "public": ["meta"]}. DDC_INVALID_ARGUMENT names
 * what is wrong with the policy. */
DDC_API int ddc_builder_new(const char* policy_json, size_t policy_len, ddc_builder** builder,
                            ddc_error** err);
DDC_API void ddc_builder_free(ddc_builder* builder);

typedef struct ddc_event_input {
  uint64_t bucket;
  const char* id; /* 1..128 bytes, unique per (bucket, user). */
  size_t id_len;
  const char* type; /* 1..128 bytes, e.g. "page_view". */
  size_t type_len;
  uint64_t timestamp_ms;
  const char* prev; /* The user's previous event's CID, or NULL. */
  const char* json; /* The event data: a JSON object. */
  size_t json_len;
} ddc_event_input;

/* The encoded event of the data in `input`, split by the builder's policy, sealed under the
 * newest master key `keys` holds for the user (else for the bucket) and signed by the user's
 * seed: ready for ddc_append. *event_out is the caller's (ddc_buf_free). DDC_NOT_FOUND when a
 * sealed scope is needed and `keys` holds no master key for the user or the bucket. */
DDC_API int ddc_builder_build(const ddc_builder* builder, const ddc_event_input* input,
                              const ddc_keyring* keys, const uint8_t user_seed[DDC_KEY_SIZE],
                              ddc_buf* event_out, ddc_error** err);

/* The header of an encoded event, decoded strictly (the signature is not checked here). */
typedef struct ddc_event_header {
  char cid[DDC_CID_SIZE];
  uint64_t bucket;
  uint8_t user[DDC_KEY_SIZE];
  char id[129]; /* NUL-terminated; id_len counts the bytes (an id may hold a NUL). */
  size_t id_len;
  char type[129];
  size_t type_len;
  uint64_t timestamp_ms;
  char prev[DDC_CID_SIZE]; /* Empty when the event has no previous event. */
  size_t scope_count;
  int batch_signed; /* 1 when signed as part of a batch. */
} ddc_event_header;

DDC_API int ddc_event_decode(const uint8_t* event, size_t len, ddc_event_header* out,
                             ddc_error** err);

/* An event opened with a key ring: the merged JSON of the scopes the keys open, and what became
 * of each scope (scopes.h, EventReader). */
typedef struct ddc_opened ddc_opened;

typedef enum ddc_scope_outcome {
  DDC_SCOPE_OPENED = 0,
  DDC_SCOPE_NO_KEY = 1,    /* No key for this scope at this version. */
  DDC_SCOPE_WRONG_KEY = 2, /* The keys held do not open it, and the event is authentic. */
  DDC_SCOPE_TAMPERED = 3,  /* It does not open and the event's signature fails too. */
  DDC_SCOPE_MALFORMED = 4  /* It opened but does not hold a valid JSON object. */
} ddc_scope_outcome;

typedef enum ddc_signature_state {
  DDC_SIGNATURE_VERIFIED = 0,
  DDC_SIGNATURE_TRUSTED = 1, /* Not checked: the caller said it was verified already. */
  DDC_SIGNATURE_FAILED = 2
} ddc_signature_state;

/* Opens what `keys` can open of an encoded event. Set `signature_already_verified` for an event
 * read from a store (ddc_append verified it). A scope that stays closed is not an error: see
 * ddc_opened_scope. *opened is the caller's (ddc_opened_free). */
DDC_API int ddc_event_open(const uint8_t* event, size_t len, const ddc_keyring* keys,
                           int signature_already_verified, ddc_opened** opened, ddc_error** err);
/* Reads the event `cid` from the store and opens it (its signature was verified on append). */
DDC_API int ddc_store_open_event(ddc_store* store, const char* cid, const ddc_keyring* keys,
                                 ddc_opened** opened, ddc_error** err);
DDC_API void ddc_opened_free(ddc_opened* opened);
/* The merged JSON object, compact with keys sorted ("{}" when nothing opened), NUL-terminated;
 * *len (when not NULL) gets its length. Borrowed: valid until ddc_opened_free. */
DDC_API const char* ddc_opened_json(const ddc_opened* opened, size_t* len);
/* A ddc_signature_state. */
DDC_API int ddc_opened_signature(const ddc_opened* opened);
DDC_API size_t ddc_opened_scope_count(const ddc_opened* opened);

typedef struct ddc_scope_state {
  const char* name; /* Borrowed from the ddc_opened, like message. */
  int is_public;
  uint32_t key_version;
  int outcome;         /* A ddc_scope_outcome. */
  const char* message; /* Why it stayed closed; "" when opened. */
} ddc_scope_state;

/* Scope `index` (< ddc_opened_scope_count), in the event's (name) order. */
DDC_API int ddc_opened_scope(const ddc_opened* opened, size_t index, ddc_scope_state* out,
                             ddc_error** err);

/* ---- Events in a store: appending and reading ---- */

typedef struct ddc_append_result {
  char cid[DDC_CID_SIZE];
  uint64_t position;      /* In the (bucket, user) timeline, from 0. */
  uint64_t journal_index; /* In the store's journal, from 0. */
  int existed;            /* 1: the same event was stored before; nothing was written. */
} ddc_append_result;

/* Verifies an encoded event (strict encoding, the user's signature) and appends it to its
 * user's timeline and the journal. DDC_INVALID_ARGUMENT for a malformed or badly signed event,
 * DDC_CONFLICT for a reused event id or a wrong `prev`. `out` may be NULL. */
DDC_API int ddc_append(ddc_store* store, const uint8_t* event, size_t len, ddc_append_result* out,
                       ddc_error** err);

/* Appends `count` events in one group commit, in order; each gets its own outcome: codes[i]
 * (DDC_OK or the code that rejected it), results[i] (filled when codes[i] is DDC_OK) and, when
 * `errors` is not NULL, errors[i] (a new error for each rejected event, NULL otherwise; the
 * caller frees each). `results` and `errors` may be NULL; `codes` may not.
 * Returns DDC_OK when every event was accepted; otherwise the code of the first rejected event,
 * with *err naming its index. DDC_INVALID_ARGUMENT for bad arguments leaves the arrays
 * untouched. */
DDC_API int ddc_append_batch(ddc_store* store, const uint8_t* const* events, const size_t* lens,
                             size_t count, ddc_append_result* results, int* codes,
                             ddc_error** errors, ddc_error** err);

/* The encoded bytes of the event `cid` (caller frees). DDC_NOT_FOUND when absent or not an
 * event, DDC_ERASED when erased. */
DDC_API int ddc_get_event(ddc_store* store, const char* cid, ddc_buf* out, ddc_error** err);

typedef struct ddc_timeline_info {
  uint64_t bucket;
  uint8_t user[DDC_KEY_SIZE];
  uint64_t size;               /* Events in the timeline. */
  uint8_t root[DDC_HASH_SIZE]; /* RFC 9162 root over the event CIDs at `size`. */
  char head[DDC_CID_SIZE];     /* The last event's CID. */
} ddc_timeline_info;

/* A timeline's state. DDC_NOT_FOUND when the user has no event in the bucket. */
DDC_API int ddc_timeline(ddc_store* store, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE],
                         ddc_timeline_info* out, ddc_error** err);

/* ---- CAR export (car.h) ---- */

/* What an export wrote. */
typedef struct ddc_car_stats {
  char root[DDC_CID_SIZE]; /* CID of the timeline object, the CAR's only root. */
  uint64_t bucket;
  uint64_t events;         /* Timeline size exported: the timeline object lists this many. */
  uint64_t events_written; /* Event blocks written: events less the erased ones. */
  uint64_t erased;         /* Listed but left out because they were erased. */
  uint64_t blocks;         /* events_written + 1 (the timeline object). */
  uint64_t bytes;          /* The CAR file's size. */
} ddc_car_stats;

/* Receives the CAR file in order, `len` bytes at a time; `bytes` is valid only during the call.
 * Return DDC_OK to go on; any other value stops the export, which returns that ddc_code
 * (DDC_IO_ERROR for a value that is not one) and calls the sink no more. */
typedef int (*ddc_car_sink_fn)(void* context, const uint8_t* bytes, size_t len);

/* Writes the (bucket, user) timeline, at its size when the call starts, as a CAR v1 file
 * (docs/FORMAT.md, "CAR export") to `sink`, which IPFS tools read without ddc. Erased events
 * stay listed in the timeline object but their blocks are left out. DDC_NOT_FOUND when the user
 * has no event in the bucket (the sink is not called); DDC_CORRUPTION when a stored event does
 * not hash to its CID. After an error the sink has received a prefix of the file, to be
 * discarded. `out` may be NULL. */
DDC_API int ddc_export_car(ddc_store* store, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE],
                           ddc_car_sink_fn sink, void* sink_context, ddc_car_stats* out,
                           ddc_error** err);
/* The same export written to the file `path` (NUL-terminated), atomically: through a temporary
 * file next to it that is synced and renamed over `path`. On error `path` is left as it was
 * and no temporary file remains. `out` may be NULL. */
DDC_API int ddc_export_car_file(ddc_store* store, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE],
                                const char* path, ddc_car_stats* out, ddc_error** err);

/* ---- Iterators over a timeline's events and a bucket's users ---- */

/* An iterator sees what was committed when it was made. It must be freed before its store is
 * closed; one thread at a time. */
typedef struct ddc_iter ddc_iter;

typedef enum ddc_seek_by {
  DDC_SEEK_POSITION = 0, /* Start at a position (backward: clamped to the last event). */
  DDC_SEEK_TIME = 1      /* Forward: first event at or after a time; backward: last at or before. */
} ddc_seek_by;

/* Walks the (bucket, user) timeline from `at` (a position or a time in ms, as `by` says),
 * forward or, when `backward` is 1, backward. Erased events are stepped over. DDC_NOT_FOUND
 * when the timeline does not exist. *iter is the caller's (ddc_iter_free). */
DDC_API int ddc_timeline_iter(ddc_store* store, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE],
                              int by, uint64_t at, int backward, ddc_iter** iter, ddc_error** err);
/* The users of `bucket` in the order of their first event. */
DDC_API int ddc_users_iter(ddc_store* store, uint64_t bucket, ddc_iter** iter, ddc_error** err);
DDC_API void ddc_iter_free(ddc_iter* iter);
/* 1 while the iterator is at an entry, else 0. */
DDC_API int ddc_iter_valid(const ddc_iter* iter);
/* Steps to the next entry; a no-op when not valid. */
DDC_API void ddc_iter_next(ddc_iter* iter);
/* DDC_OK after a clean walk (or while walking); otherwise the error that ended it. */
DDC_API int ddc_iter_status(const ddc_iter* iter, ddc_error** err);

typedef struct ddc_iter_event_entry {
  uint64_t position;
  char cid[DDC_CID_SIZE];
  const uint8_t* bytes; /* The encoded event, borrowed: valid until ddc_iter_next or _free. */
  size_t len;
} ddc_iter_event_entry;

/* The current event of a timeline iterator. DDC_INVALID_ARGUMENT when not valid or when the
 * iterator walks users. */
DDC_API int ddc_iter_event(const ddc_iter* iter, ddc_iter_event_entry* out, ddc_error** err);
/* The current user's timeline (as of the iterator's creation) of a users iterator. */
DDC_API int ddc_iter_user(const ddc_iter* iter, ddc_timeline_info* out, ddc_error** err);

/* ---- Checkpoints and proofs ---- */

/* Signs the journal's current size and root with the node key (a C2SP tlog-checkpoint note),
 * stores it and returns the note text in *note_out (caller frees; may be NULL). */
DDC_API int ddc_checkpoint(ddc_store* store, ddc_buf* note_out, ddc_error** err);
/* The node's verifier key in signed-note form (name+keyid+base64key), the one input a verifier
 * needs besides a proof. *out is the caller's. */
DDC_API int ddc_node_verifier_key(ddc_store* store, ddc_buf* out, ddc_error** err);
/* An encoded proof (docs/FORMAT.md, "Event proof") that the event `cid` is in its timeline and
 * sealed by the newest checkpoint covering it. DDC_NOT_FOUND when no checkpoint covers it yet.
 * *proof_out is the caller's. */
DDC_API int ddc_prove_event(ddc_store* store, const char* cid, ddc_buf* proof_out, ddc_error** err);

/* What a verified proof establishes. */
typedef struct ddc_verified_event {
  char cid[DDC_CID_SIZE];
  uint64_t bucket;
  uint8_t user[DDC_KEY_SIZE];
  uint64_t position;
  uint8_t timeline_root[DDC_HASH_SIZE]; /* The timeline's root right after the event. */
  uint64_t journal_index;
  uint64_t checkpoint_size;
  uint8_t checkpoint_root[DDC_HASH_SIZE];
  uint64_t checkpoint_time_ms;
} ddc_verified_event;

/* Checks an encoded proof with nothing but the node's verifier key (no store): the checkpoint's
 * signature, the event's encoding and user signature, its timeline path and its journal path.
 * DDC_INVALID_ARGUMENT names the first check that failed. `out` may be NULL. */
DDC_API int ddc_verify_event_proof(const uint8_t* proof, size_t proof_len, const char* verifier_key,
                                   size_t verifier_key_len, ddc_verified_event* out,
                                   ddc_error** err);
/* Checks a checkpoint note's signature; *size_out and *time_ms_out may be NULL. */
DDC_API int ddc_verify_checkpoint(const char* note, size_t note_len, const char* verifier_key,
                                  size_t verifier_key_len, uint64_t* size_out,
                                  uint64_t* time_ms_out, ddc_error** err);

/* ---- Roots and consistency proofs ----
 * A consistency proof shows that a tree of `old_size` leaves is a prefix of the tree of
 * `new_size` leaves (RFC 9162): a replica or an auditor holding the old root checks that the
 * timeline or journal only grew. Proofs cross the interface as a ddc_buf of concatenated
 * 32-byte hashes (len = DDC_HASH_SIZE * number of hashes, at most DDC_MAX_PROOF_HASHES). Sizes
 * above the current size are DDC_INVALID_ARGUMENT. */

#define DDC_MAX_PROOF_HASHES 64

/* The (bucket, user) timeline's root at `size` events. */
DDC_API int ddc_timeline_root(ddc_store* store, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE],
                              uint64_t size, uint8_t root_out[DDC_HASH_SIZE], ddc_error** err);
/* The journal's current size and root; either output may be NULL. */
DDC_API int ddc_journal(ddc_store* store, uint64_t* size_out, uint8_t root_out[DDC_HASH_SIZE],
                        ddc_error** err);
/* The journal's root at `size` appends. */
DDC_API int ddc_journal_root(ddc_store* store, uint64_t size, uint8_t root_out[DDC_HASH_SIZE],
                             ddc_error** err);
/* *proof_out (the caller's) proves the timeline at old_size consistent with it at new_size. */
DDC_API int ddc_timeline_consistency_proof(ddc_store* store, uint64_t bucket,
                                           const uint8_t user[DDC_KEY_SIZE], uint64_t old_size,
                                           uint64_t new_size, ddc_buf* proof_out, ddc_error** err);
/* The same for the journal (one tree over every append of the store). */
DDC_API int ddc_journal_consistency_proof(ddc_store* store, uint64_t old_size, uint64_t new_size,
                                          ddc_buf* proof_out, ddc_error** err);
/* Checks a consistency proof with nothing but the two roots (no store): DDC_OK when the tree
 * with root `new_root` at new_size extends the one with `old_root` at old_size;
 * DDC_INVALID_ARGUMENT saying what failed otherwise (also for a proof_len that is not a whole
 * number of hashes). */
DDC_API int ddc_verify_consistency_proof(uint64_t old_size, uint64_t new_size,
                                         const uint8_t old_root[DDC_HASH_SIZE],
                                         const uint8_t new_root[DDC_HASH_SIZE],
                                         const uint8_t* proof, size_t proof_len, ddc_error** err);

/* ---- Lists of stored records (grants, tombstones, names) ---- */

typedef struct ddc_list ddc_list;

typedef struct ddc_list_item {
  char cid[DDC_CID_SIZE];
  const uint8_t* bytes; /* The encoded, signed record; borrowed until ddc_list_free. */
  size_t len;
} ddc_list_item;

DDC_API size_t ddc_list_count(const ddc_list* list);
/* Item `index` (< ddc_list_count). */
DDC_API int ddc_list_get(const ddc_list* list, size_t index, ddc_list_item* out, ddc_error** err);
DDC_API void ddc_list_free(ddc_list* list);

/* ---- Grants: sharing one scope key with a third party (grants.h) ---- */

/* The granter side: derives the key of (scope, key_version) from `master`, wraps it for the
 * grantee's X25519 public key and signs with `granter_seed` (the user, or the bucket's owner).
 * `user` NULL makes an app-level grant (every user of the bucket). *grant_out is the caller's. */
DDC_API int ddc_grant_make(const uint8_t master[DDC_KEY_SIZE], uint64_t bucket,
                           const uint8_t user[DDC_KEY_SIZE], const char* scope, size_t scope_len,
                           uint32_t key_version, const uint8_t grantee[DDC_KEY_SIZE],
                           const uint8_t granter_seed[DDC_KEY_SIZE], uint64_t created_ms,
                           ddc_buf* grant_out, ddc_error** err);
/* Stores an encoded grant after checking its signature and the granter's right
 * (DDC_PERMISSION_DENIED otherwise). `cid_out` may be NULL. */
DDC_API int ddc_put_grant(ddc_store* store, const uint8_t* grant, size_t len,
                          char cid_out[DDC_CID_SIZE], ddc_error** err);
/* The grants served for an X25519 grantee key, in the order stored. *list is the caller's. */
DDC_API int ddc_grants_for_grantee(ddc_store* store, const uint8_t grantee[DDC_KEY_SIZE],
                                   ddc_list** list, ddc_error** err);

/* ---- Erasure on request (erasure.h) ---- */

/* A signed tombstone asking to erase the event `event_cid` of (bucket, user), or, with
 * `event_cid` NULL, the user's whole timeline in the bucket. Signed by `signer_seed`: the user
 * or the bucket's owner. `reason` may be empty. *tombstone_out is the caller's. */
DDC_API int ddc_tombstone_make(uint64_t bucket, const uint8_t user[DDC_KEY_SIZE],
                               const char* event_cid, const uint8_t signer_seed[DDC_KEY_SIZE],
                               uint64_t timestamp_ms, const char* reason, size_t reason_len,
                               ddc_buf* tombstone_out, ddc_error** err);

typedef struct ddc_erase_result {
  char tombstone[DDC_CID_SIZE];
  uint64_t events_erased;
  uint64_t grants_destroyed;
  uint64_t keys_shredded;
  int existed; /* The same tombstone was applied before. */
} ddc_erase_result;

/* Checks and applies an encoded tombstone (durably). DDC_NOT_FOUND when its event or timeline
 * does not exist; DDC_PERMISSION_DENIED for a signer without the right. `out` may be NULL. */
DDC_API int ddc_erase(ddc_store* store, const uint8_t* tombstone, size_t len, ddc_erase_result* out,
                      ddc_error** err);
/* The tombstones stored for (bucket, user), in log order. *list is the caller's. */
DDC_API int ddc_tombstones(ddc_store* store, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE],
                           ddc_list** list, ddc_error** err);

/* An erased event as a verifier sees it (erasure.h): the signed tombstone and the event's place
 * in its timeline. Filled by ddc_prove_erasure, whose two buffers the caller frees with
 * ddc_erasure_proof_free; a caller that received a proof from elsewhere may fill one itself
 * (then it owns and frees the buffers as it allocated them). */
typedef struct ddc_erasure_proof {
  char event[DDC_CID_SIZE]; /* The erased event's CID. */
  uint64_t bucket;
  uint8_t user[DDC_KEY_SIZE];
  uint64_t position; /* In the user's timeline. */
  ddc_buf tombstone; /* The encoded, signed tombstone. */
  uint64_t timeline_size;
  uint8_t timeline_root[DDC_HASH_SIZE]; /* The timeline's root at timeline_size. */
  ddc_buf timeline_path; /* The event's inclusion proof: concatenated 32-byte hashes. */
} ddc_erasure_proof;

/* The erasure proof of the erased event `event_cid`. DDC_NOT_FOUND when it is not an erased
 * event. On failure *out is all zero (nothing to free). */
DDC_API int ddc_prove_erasure(ddc_store* store, const char* event_cid, ddc_erasure_proof* out,
                              ddc_error** err);
/* Frees the proof's buffers and empties them. Accepts NULL. */
DDC_API void ddc_erasure_proof_free(ddc_erasure_proof* proof);
/* Checks an erasure proof with no store: the tombstone's signature (by the user, or by
 * `bucket_owner` when not NULL), that it covers the event, and the event's inclusion under
 * timeline_root. DDC_INVALID_ARGUMENT or DDC_PERMISSION_DENIED says what failed. */
DDC_API int ddc_verify_erasure_proof(const ddc_erasure_proof* proof,
                                     const uint8_t bucket_owner[DDC_KEY_SIZE], ddc_error** err);

/* ---- Names: signed, human-readable pointers to CIDs (names.h) ---- */

#define DDC_MAX_NAME_SIZE 256 /* A name with its NUL (names are 1..255 bytes). */

/* A decoded name record. */
typedef struct ddc_name_record {
  char cid[DDC_CID_SIZE]; /* Of the encoded record. */
  uint64_t bucket;
  char name[DDC_MAX_NAME_SIZE]; /* NUL-terminated (names hold no NUL). */
  char target[DDC_CID_SIZE];    /* What the name points at. */
  uint64_t sequence;
  uint32_t ttl_seconds;
  uint64_t created_ms;
  uint8_t signer[DDC_KEY_SIZE]; /* The bucket owner's ed25519 key. */
} ddc_name_record;

/* A name record "in `bucket`, `name` points at `target_cid`", signed with the bucket owner's
 * seed. Names are 1..255 bytes of a-z, 0-9, '-', '_', '.', '/' (names.h gives the rules);
 * ttl_seconds is 1..31536000; a newer record of a name needs a higher `sequence`.
 * DDC_INVALID_ARGUMENT names the rule broken. *record_out is the caller's. */
DDC_API int ddc_name_make(uint64_t bucket, const char* name, size_t name_len,
                          const char* target_cid, uint64_t sequence, uint32_t ttl_seconds,
                          uint64_t created_ms, const uint8_t owner_seed[DDC_KEY_SIZE],
                          ddc_buf* record_out, ddc_error** err);
/* Decodes an encoded name record strictly (the signature is not checked here: the store checks
 * it on ddc_put_name). Items of ddc_names decode with this. */
DDC_API int ddc_name_decode(const uint8_t* record, size_t len, ddc_name_record* out,
                            ddc_error** err);
/* Stores a name record after checking its signature and that its signer owns the bucket (the
 * options' bucket_owner; DDC_PERMISSION_DENIED otherwise, and always without a bucket_owner).
 * DDC_CONFLICT when its sequence is not above the name's current record's, unless it is that
 * record itself: then DDC_OK with *existed = 1. `cid_out` and `existed` may be NULL. */
DDC_API int ddc_put_name(ddc_store* store, const uint8_t* record, size_t len,
                         char cid_out[DDC_CID_SIZE], int* existed, ddc_error** err);
/* The current record of `name` in `bucket`: decoded into *out and encoded into *record_out
 * (the caller's); either may be NULL. DDC_NOT_FOUND when the name has no record. */
DDC_API int ddc_get_name(ddc_store* store, uint64_t bucket, const char* name, size_t name_len,
                         ddc_name_record* out, ddc_buf* record_out, ddc_error** err);
/* The current record of every name of `bucket`, in byte order of the names (a list of encoded
 * records; decode each with ddc_name_decode). *list is the caller's. */
DDC_API int ddc_names(ddc_store* store, uint64_t bucket, ddc_list** list, ddc_error** err);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DDC_DDC_H_ */
