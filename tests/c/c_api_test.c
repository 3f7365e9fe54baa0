/* Tests the C interface (ddc.h) from C, through libddc.so.
 *
 * One store in a fresh directory under the directory given as argv[1] walks every function of
 * the interface: blobs, building, appending (one and batch) and reading events, opening scopes
 * with right, missing and wrong keys, timeline and users iterators, checkpoints, proofs
 * verified with the verifier key alone, consistency proofs, multi-get, CAR export (streamed and
 * to a file), grants, erasure and erasure proofs; a second store, with a bucket owner, walks
 * signed names. Each error path checks its code and
 * that the error carries a message. Every buffer, handle and error is freed, so the asan build
 * (leak detection on) fails on a leak. Prints the first failed check and exits 1.
 */
#define _XOPEN_SOURCE 700

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddc/ddc.h"

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                              \
      return;                                                                  \
    }                                                                          \
  } while (0)

/* Expects `call` to return DDC_OK; prints the error and fails the test otherwise. */
#define OK(call)                                                               \
  do {                                                                         \
    ddc_error* ok_err_ = NULL;                                                 \
    int ok_code_ = (call);                                                     \
    if (ok_code_ != DDC_OK) {                                                  \
      fprintf(stderr, "%s:%d: %s failed: %s: %s\n", __FILE__, __LINE__, #call, \
              ddc_code_name(ok_code_), ddc_error_message(ok_err_));            \
      ddc_error_free(ok_err_);                                                 \
      failures++;                                                              \
      return;                                                                  \
    }                                                                          \
  } while (0)

/* Expects `call` (whose last argument is &err) to fail with `want` and a message. */
#define FAILS(want, call)                                                                    \
  do {                                                                                       \
    ddc_error* err = NULL;                                                                   \
    int got_ = (call);                                                                       \
    int has_message_ =                                                                       \
        err != NULL && ddc_error_message(err)[0] != '\0' && ddc_error_code(err) == got_;     \
    if (got_ != (want) || !has_message_) {                                                   \
      fprintf(stderr, "%s:%d: %s: want %s, got %s (%s)\n", __FILE__, __LINE__, #call,        \
              ddc_code_name(want), ddc_code_name(got_), err ? ddc_error_message(err) : "-"); \
      ddc_error_free(err);                                                                   \
      failures++;                                                                            \
      return;                                                                                \
    }                                                                                        \
    ddc_error_free(err);                                                                     \
  } while (0)

/* Expects `call` (whose last argument is &err) to fail, with any code, and a message. */
#define FAILS_ANY(call)                                                                \
  do {                                                                                 \
    ddc_error* err = NULL;                                                             \
    int got_ = (call);                                                                 \
    int ok_ = got_ != DDC_OK && err != NULL && ddc_error_message(err)[0] != '\0';      \
    ddc_error_free(err);                                                               \
    if (!ok_) {                                                                        \
      fprintf(stderr, "%s:%d: %s: want an error, got %s\n", __FILE__, __LINE__, #call, \
              ddc_code_name(got_));                                                    \
      failures++;                                                                      \
      return;                                                                          \
    }                                                                                  \
  } while (0)

#define BUCKET 42u
#define POLICY \
  "{\"scopes\": {\"profile\": [\"$.user\"], \"meta\": [\"$.meta\"]}, \"public\": [\"meta\"]}"
#define DATA "{\"user\": {\"email\": \"a@example.com\"}, \"meta\": {\"v\": 1}, \"page\": \"home\"}"
#define MERGED "{\"meta\":{\"v\":1},\"page\":\"home\",\"user\":{\"email\":\"a@example.com\"}}"

static ddc_store* store = NULL;
static uint8_t user_seed[DDC_KEY_SIZE];
static uint8_t user_key[DDC_KEY_SIZE];
static uint8_t other_seed[DDC_KEY_SIZE];
static uint8_t other_key[DDC_KEY_SIZE];
static uint8_t master[DDC_KEY_SIZE];
static uint8_t grantee_seed[DDC_KEY_SIZE];
static uint8_t grantee_key[DDC_KEY_SIZE];
static ddc_keyring* keys = NULL;
static ddc_builder* builder = NULL;
static char first_cid[DDC_CID_SIZE];
static char last_cid[DDC_CID_SIZE];

static int RemoveEntry(const char* path, const struct stat* st, int flag, struct FTW* ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

/* Builds an event of `user_seed`'s with id and time from `n`, linked to `prev` (or none). */
static int Build(const uint8_t* seed, int n, const char* prev, ddc_buf* out, ddc_error** err) {
  char id[32];
  ddc_event_input input;
  memset(&input, 0, sizeof input);
  snprintf(id, sizeof id, "event-%d", n);
  input.bucket = BUCKET;
  input.id = id;
  input.id_len = strlen(id);
  input.type = "page_view";
  input.type_len = strlen(input.type);
  input.timestamp_ms = 1763800000000ull + (uint64_t)n;
  input.prev = prev;
  input.json = DATA;
  input.json_len = strlen(DATA);
  return ddc_builder_build(builder, &input, keys, seed, out, err);
}

static void TestBasics(void) {
  CHECK(strcmp(ddc_version(), DDC_VERSION_STRING) == 0);
  CHECK(strcmp(ddc_code_name(DDC_OK), "OK") == 0);
  CHECK(strcmp(ddc_code_name(DDC_NOT_FOUND), "NotFound") == 0);
  CHECK(strcmp(ddc_code_name(99), "Unknown") == 0);
  CHECK(ddc_error_code(NULL) == DDC_OK);
  CHECK(strcmp(ddc_error_message(NULL), "") == 0);
  ddc_error_free(NULL);
  ddc_buf_free(NULL);
  {
    ddc_buf empty = {NULL, 0};
    ddc_buf_free(&empty);
  }
  CHECK(ddc_store_close(NULL, NULL) == DDC_OK);
  ddc_iter_free(NULL);
  ddc_list_free(NULL);
  ddc_opened_free(NULL);
  ddc_keyring_free(NULL);
  ddc_builder_free(NULL);
  CHECK(ddc_list_count(NULL) == 0);
  CHECK(ddc_iter_valid(NULL) == 0);
  /* A NULL err is allowed: only the code comes back. */
  CHECK(ddc_get(NULL, "x", NULL, NULL) == DDC_INVALID_ARGUMENT);

  ddc_random_key(user_seed);
  ddc_random_key(other_seed);
  ddc_random_key(master);
  ddc_random_key(grantee_seed);
  ddc_public_key(user_seed, user_key);
  ddc_public_key(other_seed, other_key);
  ddc_box_public_key(grantee_seed, grantee_key);
  CHECK(memcmp(user_key, other_key, DDC_KEY_SIZE) != 0);
}

static void TestOpen(const char* dir) {
  ddc_options options;
  ddc_store* second = NULL;
  ddc_options_init(&options);
  CHECK(options.version == DDC_OPTIONS_VERSION);
  CHECK(options.create_if_missing == 1);
  CHECK(options.durability == DDC_SYNC_EVERY_GROUP);
  FAILS(DDC_INVALID_ARGUMENT, ddc_store_open(&options, &store, &err)); /* No dir. */
  CHECK(store == NULL);
  options.dir = dir;
  options.version = 0;
  FAILS(DDC_INVALID_ARGUMENT, ddc_store_open(&options, &store, &err));
  options.version = DDC_OPTIONS_VERSION;
  options.durability = 7;
  FAILS(DDC_INVALID_ARGUMENT, ddc_store_open(&options, &store, &err));
  options.durability = DDC_SYNC_NONE;
  OK(ddc_store_open(&options, &store, &ok_err_));
  CHECK(store != NULL);
  FAILS(DDC_BUSY, ddc_store_open(&options, &second, &err));
  CHECK(second == NULL);
}

static void TestBlobs(void) {
  char cid[DDC_CID_SIZE];
  char missing[DDC_CID_SIZE];
  uint8_t binary[DDC_CID_BINARY_SIZE];
  ddc_buf buf = {NULL, 0};
  int found = 0;
  OK(ddc_put_blob(store, (const uint8_t*)"hello", 5, cid, &ok_err_));
  CHECK(strncmp(cid, "bafk2bzace", 10) == 0);
  OK(ddc_get(store, cid, &buf, &ok_err_));
  CHECK(buf.len == 5 && memcmp(buf.data, "hello", 5) == 0 && buf.data[5] == 0);
  ddc_buf_free(&buf);
  CHECK(buf.data == NULL && buf.len == 0);
  OK(ddc_contains(store, cid, &found, &ok_err_));
  CHECK(found == 1);
  OK(ddc_store_sync(store, &ok_err_));

  /* A well-formed CID of bytes never stored: the stored one with a digest byte changed. */
  OK(ddc_cid_to_binary(cid, binary, &ok_err_));
  binary[DDC_CID_BINARY_SIZE - 1] ^= 1;
  OK(ddc_cid_from_binary(binary, sizeof binary, missing, &ok_err_));
  CHECK(strcmp(cid, missing) != 0);
  OK(ddc_contains(store, missing, &found, &ok_err_));
  CHECK(found == 0);
  FAILS(DDC_NOT_FOUND, ddc_get(store, missing, &buf, &err));
  CHECK(buf.data == NULL);
  FAILS(DDC_INVALID_ARGUMENT, ddc_get(store, "not-a-cid", &buf, &err));
  FAILS(DDC_INVALID_ARGUMENT, ddc_contains(store, "zQmfoo", &found, &err));
  FAILS(DDC_INVALID_ARGUMENT, ddc_cid_to_binary("bafy", binary, &err));
  FAILS(DDC_INVALID_ARGUMENT, ddc_cid_from_binary(binary, 5, missing, &err));
  FAILS(DDC_INVALID_ARGUMENT, ddc_put_blob(store, NULL, 3, cid, &err));
}

static void TestBuildAndAppend(void) {
  ddc_buf event = {NULL, 0};
  ddc_buf stored = {NULL, 0};
  ddc_buf bad = {NULL, 0};
  ddc_keyring* empty = NULL;
  ddc_builder* bad_builder = NULL;
  ddc_event_header header;
  ddc_append_result result;

  FAILS(DDC_INVALID_ARGUMENT, ddc_builder_new("{\"scopes\": 3}", 13, &bad_builder, &err));
  CHECK(bad_builder == NULL);
  FAILS(DDC_INVALID_ARGUMENT, ddc_builder_new("{", 1, &bad_builder, &err));
  OK(ddc_builder_new(POLICY, strlen(POLICY), &builder, &ok_err_));
  OK(ddc_keyring_new(&keys, &ok_err_));
  OK(ddc_keyring_add_master_key(keys, BUCKET, user_key, master, 1, &ok_err_));
  OK(ddc_keyring_add_master_key(keys, BUCKET, other_key, master, 1, &ok_err_));

  /* Sealed scopes need a master key. */
  {
    ddc_keyring* saved = keys;
    OK(ddc_keyring_new(&empty, &ok_err_));
    keys = empty;
    FAILS(DDC_NOT_FOUND, Build(user_seed, 0, NULL, &event, &err));
    keys = saved;
    CHECK(event.data == NULL);
  }
  FAILS(DDC_INVALID_ARGUMENT, Build(user_seed, 0, "bafy-not-a-cid", &event, &err));

  OK(Build(user_seed, 0, NULL, &event, &ok_err_));
  OK(ddc_event_decode(event.data, event.len, &header, &ok_err_));
  CHECK(header.bucket == BUCKET);
  CHECK(memcmp(header.user, user_key, DDC_KEY_SIZE) == 0);
  CHECK(header.id_len == 7 && strcmp(header.id, "event-0") == 0);
  CHECK(strcmp(header.type, "page_view") == 0);
  CHECK(header.timestamp_ms == 1763800000000ull);
  CHECK(header.prev[0] == '\0');
  CHECK(header.scope_count == 3); /* default, meta, profile */
  CHECK(header.batch_signed == 0);

  OK(ddc_append(store, event.data, event.len, &result, &ok_err_));
  CHECK(strcmp(result.cid, header.cid) == 0);
  CHECK(result.position == 0 && result.journal_index == 0 && result.existed == 0);
  OK(ddc_append(store, event.data, event.len, &result, &ok_err_));
  CHECK(result.existed == 1);
  strcpy(first_cid, result.cid);
  strcpy(last_cid, result.cid);

  OK(ddc_get_event(store, first_cid, &stored, &ok_err_));
  CHECK(stored.len == event.len && memcmp(stored.data, event.data, event.len) == 0);
  ddc_buf_free(&stored);
  OK(ddc_get(store, first_cid, &stored, &ok_err_));
  CHECK(stored.len == event.len && memcmp(stored.data, event.data, event.len) == 0);
  ddc_buf_free(&stored);

  /* Bad event bytes: garbage, and a valid event with its signature broken. */
  FAILS(DDC_INVALID_ARGUMENT, ddc_append(store, (const uint8_t*)"garbage", 7, NULL, &err));
  FAILS(DDC_INVALID_ARGUMENT, ddc_event_decode((const uint8_t*)"\xa1", 1, &header, &err));
  bad.data = (uint8_t*)malloc(event.len);
  CHECK(bad.data != NULL);
  memcpy(bad.data, event.data, event.len);
  bad.data[event.len - 1] ^= 0x01; /* The signature is the last field. */
  {
    int code;
    ddc_error* err = NULL;
    code = ddc_append(store, bad.data, event.len, NULL, &err);
    free(bad.data);
    CHECK(code == DDC_INVALID_ARGUMENT && err != NULL && ddc_error_message(err)[0] != '\0');
    ddc_error_free(err);
  }
  /* Not an event: a blob's CID. */
  {
    char blob[DDC_CID_SIZE];
    OK(ddc_put_blob(store, (const uint8_t*)"x", 1, blob, &ok_err_));
    FAILS(DDC_NOT_FOUND, ddc_get_event(store, blob, &stored, &err));
  }
  ddc_buf_free(&event);
  ddc_keyring_free(empty);
}

static void TestOpenEvent(void) {
  ddc_buf event = {NULL, 0};
  ddc_opened* opened = NULL;
  ddc_keyring* none = NULL;
  ddc_keyring* wrong = NULL;
  ddc_scope_state scope;
  uint8_t wrong_master[DDC_KEY_SIZE];
  size_t len = 0;
  size_t i;

  OK(ddc_get_event(store, first_cid, &event, &ok_err_));
  OK(ddc_event_open(event.data, event.len, keys, 0, &opened, &ok_err_));
  CHECK(strcmp(ddc_opened_json(opened, &len), MERGED) == 0);
  CHECK(len == strlen(MERGED));
  CHECK(ddc_opened_signature(opened) == DDC_SIGNATURE_VERIFIED);
  CHECK(ddc_opened_scope_count(opened) == 3);
  for (i = 0; i < 3; ++i) {
    OK(ddc_opened_scope(opened, i, &scope, &ok_err_));
    CHECK(scope.outcome == DDC_SCOPE_OPENED);
    CHECK(strcmp(scope.message, "") == 0);
  }
  OK(ddc_opened_scope(opened, 1, &scope, &ok_err_));
  CHECK(strcmp(scope.name, "meta") == 0 && scope.is_public == 1 && scope.key_version == 0);
  FAILS(DDC_INVALID_ARGUMENT, ddc_opened_scope(opened, 3, &scope, &err));
  ddc_opened_free(opened);

  /* No keys: the public scope only. */
  OK(ddc_keyring_new(&none, &ok_err_));
  OK(ddc_event_open(event.data, event.len, none, 0, &opened, &ok_err_));
  CHECK(strcmp(ddc_opened_json(opened, NULL), "{\"meta\":{\"v\":1}}") == 0);
  OK(ddc_opened_scope(opened, 2, &scope, &ok_err_));
  CHECK(strcmp(scope.name, "profile") == 0 && scope.outcome == DDC_SCOPE_NO_KEY);
  CHECK(scope.message[0] != '\0' && scope.key_version == 1);
  ddc_opened_free(opened);

  /* A wrong master key: the event is authentic, so the keys are wrong. */
  ddc_random_key(wrong_master);
  OK(ddc_keyring_new(&wrong, &ok_err_));
  OK(ddc_keyring_add_master_key(wrong, BUCKET, NULL, wrong_master, 1, &ok_err_));
  OK(ddc_event_open(event.data, event.len, wrong, 0, &opened, &ok_err_));
  OK(ddc_opened_scope(opened, 0, &scope, &ok_err_));
  CHECK(strcmp(scope.name, "default") == 0 && scope.outcome == DDC_SCOPE_WRONG_KEY);
  CHECK(scope.message[0] != '\0');
  ddc_opened_free(opened);

  /* From the store: the signature was verified on append. */
  OK(ddc_store_open_event(store, first_cid, keys, &opened, &ok_err_));
  CHECK(ddc_opened_signature(opened) == DDC_SIGNATURE_TRUSTED);
  CHECK(strcmp(ddc_opened_json(opened, NULL), MERGED) == 0);
  ddc_opened_free(opened);
  opened = NULL;
  FAILS(DDC_INVALID_ARGUMENT, ddc_store_open_event(store, "nope", keys, &opened, &err));
  FAILS(DDC_INVALID_ARGUMENT, ddc_event_open((const uint8_t*)"x", 1, keys, 0, &opened, &err));
  CHECK(opened == NULL);
  FAILS(DDC_INVALID_ARGUMENT,
        ddc_keyring_add_scope_key(none, BUCKET, NULL, "Bad Name", 8, 1, wrong_master, &err));
  OK(ddc_keyring_add_scope_key(none, BUCKET, NULL, "meta", 4, 1, wrong_master, &ok_err_));
  ddc_keyring_free(none);
  ddc_keyring_free(wrong);
  ddc_buf_free(&event);
}

static void TestBatch(void) {
  ddc_buf events[4] = {{NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}};
  const uint8_t* pointers[4];
  size_t lens[4];
  ddc_append_result results[4];
  int codes[4];
  ddc_error* errors[4];
  ddc_event_header header;
  char prev[DDC_CID_SIZE];
  int i;
  int code;
  ddc_error* err = NULL;

  strcpy(prev, last_cid);
  for (i = 0; i < 3; ++i) {
    OK(Build(user_seed, i + 1, prev, &events[i], &ok_err_));
    OK(ddc_event_decode(events[i].data, events[i].len, &header, &ok_err_));
    CHECK(strcmp(header.prev, prev) == 0);
    strcpy(prev, header.cid);
  }
  strcpy(last_cid, prev);
  for (i = 0; i < 3; ++i) {
    pointers[i] = events[i].data;
    lens[i] = events[i].len;
  }
  /* A bad event in the middle is rejected alone. */
  pointers[3] = pointers[2];
  lens[3] = lens[2];
  pointers[2] = (const uint8_t*)"bad";
  lens[2] = 3;
  code = ddc_append_batch(store, pointers, lens, 4, results, codes, errors, &err);
  CHECK(code == DDC_INVALID_ARGUMENT);
  CHECK(err != NULL && strstr(ddc_error_message(err), "event 2 of 4") != NULL);
  ddc_error_free(err);
  CHECK(codes[0] == DDC_OK && codes[1] == DDC_OK && codes[2] == DDC_INVALID_ARGUMENT &&
        codes[3] == DDC_OK);
  CHECK(errors[0] == NULL && errors[1] == NULL && errors[3] == NULL);
  CHECK(errors[2] != NULL && ddc_error_message(errors[2])[0] != '\0');
  ddc_error_free(errors[2]);
  CHECK(results[0].position == 1 && results[1].position == 2 && results[3].position == 3);
  CHECK(strcmp(results[3].cid, last_cid) == 0);

  /* All good (re-sent: existed), without the optional arrays. */
  pointers[2] = pointers[3];
  lens[2] = lens[3];
  OK(ddc_append_batch(store, pointers, lens, 3, NULL, codes, NULL, &ok_err_));
  CHECK(codes[0] == DDC_OK && codes[2] == DDC_OK);
  OK(ddc_append_batch(store, NULL, NULL, 0, NULL, codes, NULL, &ok_err_));
  FAILS(DDC_INVALID_ARGUMENT, ddc_append_batch(store, pointers, lens, 3, NULL, NULL, NULL, &err));

  /* A second user, for the users iterator. */
  ddc_buf_free(&events[3]);
  OK(Build(other_seed, 0, NULL, &events[3], &ok_err_));
  OK(ddc_append(store, events[3].data, events[3].len, NULL, &ok_err_));
  for (i = 0; i < 4; ++i) ddc_buf_free(&events[i]);
}

static void TestIterators(void) {
  ddc_timeline_info info;
  ddc_iter* it = NULL;
  ddc_iter_event_entry entry;
  uint64_t expect;
  int n;

  OK(ddc_timeline(store, BUCKET, user_key, &info, &ok_err_));
  CHECK(info.size == 4 && info.bucket == BUCKET && strcmp(info.head, last_cid) == 0);
  FAILS(DDC_NOT_FOUND, ddc_timeline(store, BUCKET + 1, user_key, &info, &err));

  OK(ddc_timeline_iter(store, BUCKET, user_key, DDC_SEEK_POSITION, 0, 0, &it, &ok_err_));
  for (expect = 0; ddc_iter_valid(it); ddc_iter_next(it), ++expect) {
    ddc_event_header header;
    OK(ddc_iter_event(it, &entry, &ok_err_));
    CHECK(entry.position == expect);
    OK(ddc_event_decode(entry.bytes, entry.len, &header, &ok_err_));
    CHECK(strcmp(header.cid, entry.cid) == 0);
    if (expect == 0) CHECK(strcmp(entry.cid, first_cid) == 0);
  }
  CHECK(expect == 4);
  OK(ddc_iter_status(it, &ok_err_));
  FAILS(DDC_INVALID_ARGUMENT, ddc_iter_event(it, &entry, &err)); /* Not valid any more. */
  ddc_iter_next(it);                                             /* A no-op. */
  ddc_iter_free(it);

  /* Backward from beyond the end (clamped), and by time. */
  OK(ddc_timeline_iter(store, BUCKET, user_key, DDC_SEEK_POSITION, 100, 1, &it, &ok_err_));
  for (n = 0, expect = 3; ddc_iter_valid(it); ddc_iter_next(it), ++n, --expect) {
    OK(ddc_iter_event(it, &entry, &ok_err_));
    CHECK(entry.position == expect);
  }
  CHECK(n == 4);
  FAILS(DDC_INVALID_ARGUMENT, ddc_iter_user(it, &info, &err));
  ddc_iter_free(it);
  OK(ddc_timeline_iter(store, BUCKET, user_key, DDC_SEEK_TIME, 1763800000002ull, 0, &it, &ok_err_));
  OK(ddc_iter_event(it, &entry, &ok_err_));
  CHECK(entry.position == 2);
  ddc_iter_free(it);
  it = NULL;
  FAILS(DDC_NOT_FOUND,
        ddc_timeline_iter(store, BUCKET, grantee_key, DDC_SEEK_POSITION, 0, 0, &it, &err));
  FAILS(DDC_INVALID_ARGUMENT, ddc_timeline_iter(store, BUCKET, user_key, 9, 0, 0, &it, &err));
  CHECK(it == NULL);

  OK(ddc_users_iter(store, BUCKET, &it, &ok_err_));
  CHECK(ddc_iter_valid(it));
  OK(ddc_iter_user(it, &info, &ok_err_));
  CHECK(memcmp(info.user, user_key, DDC_KEY_SIZE) == 0 && info.size == 4);
  FAILS(DDC_INVALID_ARGUMENT, ddc_iter_event(it, &entry, &err));
  ddc_iter_next(it);
  OK(ddc_iter_user(it, &info, &ok_err_));
  CHECK(memcmp(info.user, other_key, DDC_KEY_SIZE) == 0 && info.size == 1);
  ddc_iter_next(it);
  CHECK(!ddc_iter_valid(it));
  OK(ddc_iter_status(it, &ok_err_));
  ddc_iter_free(it);
  OK(ddc_users_iter(store, BUCKET + 1, &it, &ok_err_));
  CHECK(!ddc_iter_valid(it));
  ddc_iter_free(it);
}

static void TestProofs(void) {
  ddc_buf proof = {NULL, 0};
  ddc_buf note = {NULL, 0};
  ddc_buf key = {NULL, 0};
  ddc_verified_event verified;
  uint64_t size = 0;
  uint64_t time_ms = 0;
  size_t i;

  FAILS(DDC_NOT_FOUND, ddc_prove_event(store, first_cid, &proof, &err)); /* No checkpoint. */
  OK(ddc_checkpoint(store, &note, &ok_err_));
  CHECK(note.len > 0 && strlen((const char*)note.data) == note.len);
  OK(ddc_node_verifier_key(store, &key, &ok_err_));
  OK(ddc_verify_checkpoint((const char*)note.data, note.len, (const char*)key.data, key.len, &size,
                           &time_ms, &ok_err_));
  CHECK(size == 5 && time_ms > 0);

  OK(ddc_prove_event(store, last_cid, &proof, &ok_err_));
  /* Only the proof and the verifier key: no store involved. */
  OK(ddc_verify_event_proof(proof.data, proof.len, (const char*)key.data, key.len, &verified,
                            &ok_err_));
  CHECK(strcmp(verified.cid, last_cid) == 0);
  CHECK(verified.bucket == BUCKET && memcmp(verified.user, user_key, DDC_KEY_SIZE) == 0);
  CHECK(verified.position == 3 && verified.checkpoint_size == 5);
  OK(ddc_verify_event_proof(proof.data, proof.len, (const char*)key.data, key.len, NULL, &ok_err_));

  /* A flipped byte anywhere makes verification fail, with a message. */
  for (i = 0; i < proof.len; i += proof.len / 17 + 1) {
    ddc_error* err = NULL;
    int code;
    proof.data[i] ^= 0x20;
    code =
        ddc_verify_event_proof(proof.data, proof.len, (const char*)key.data, key.len, NULL, &err);
    proof.data[i] ^= 0x20;
    if (code == DDC_OK || err == NULL || ddc_error_message(err)[0] == '\0') {
      fprintf(stderr, "flipping byte %zu of the proof: %s\n", i, ddc_code_name(code));
      ddc_error_free(err);
      failures++;
      break;
    }
    ddc_error_free(err);
  }
  /* Another node's key. */
  {
    const char* other = "ddc.local/other+0102abcd+AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    FAILS(DDC_INVALID_ARGUMENT,
          ddc_verify_event_proof(proof.data, proof.len, other, strlen(other), NULL, &err));
  }
  /* The size line altered, then the signature line. */
  note.data[strchr((const char*)note.data, '\n') - (const char*)note.data + 1] ^= 0x01;
  FAILS_ANY(ddc_verify_checkpoint((const char*)note.data, note.len, (const char*)key.data, key.len,
                                  NULL, NULL, &err));
  note.data[strchr((const char*)note.data, '\n') - (const char*)note.data + 1] ^= 0x01;
  note.data[note.len - 3] ^= 0x01;
  FAILS_ANY(ddc_verify_checkpoint((const char*)note.data, note.len, (const char*)key.data, key.len,
                                  NULL, NULL, &err));
  OK(ddc_checkpoint(store, NULL, &ok_err_));
  ddc_buf_free(&proof);
  ddc_buf_free(&note);
  ddc_buf_free(&key);
}

static void TestMultiGet(void) {
  char blob[DDC_CID_SIZE];
  char missing[DDC_CID_SIZE];
  uint8_t binary[DDC_CID_BINARY_SIZE];
  const char* cids[4];
  ddc_buf outs[4];
  int codes[4];
  ddc_error* errors[4];
  ddc_buf event = {NULL, 0};
  size_t i;

  OK(ddc_put_blob(store, (const uint8_t*)"multi", 5, blob, &ok_err_));
  OK(ddc_cid_to_binary(blob, binary, &ok_err_));
  binary[DDC_CID_BINARY_SIZE - 1] ^= 1;
  OK(ddc_cid_from_binary(binary, sizeof binary, missing, &ok_err_));
  OK(ddc_get_event(store, first_cid, &event, &ok_err_));

  cids[0] = blob;
  cids[1] = first_cid;
  OK(ddc_multi_get(store, cids, 2, outs, codes, NULL, &ok_err_));
  CHECK(codes[0] == DDC_OK && codes[1] == DDC_OK);
  CHECK(outs[0].len == 5 && memcmp(outs[0].data, "multi", 5) == 0 && outs[0].data[5] == 0);
  CHECK(outs[1].len == event.len && memcmp(outs[1].data, event.data, event.len) == 0);
  ddc_buf_free(&outs[0]);
  ddc_buf_free(&outs[1]);

  /* Each entry has its own outcome; the call reports the first failed one. */
  cids[0] = blob;
  cids[1] = missing;
  cids[2] = "bafy-not-a-cid";
  cids[3] = NULL;
  {
    ddc_error* err = NULL;
    int code = ddc_multi_get(store, cids, 4, outs, codes, errors, &err);
    int ok = code == DDC_NOT_FOUND && err != NULL && strstr(ddc_error_message(err), "cid 1 of 4");
    ddc_error_free(err);
    CHECK(ok);
  }
  CHECK(codes[0] == DDC_OK && outs[0].len == 5 && errors[0] == NULL);
  CHECK(codes[1] == DDC_NOT_FOUND && outs[1].data == NULL && errors[1] != NULL);
  CHECK(ddc_error_code(errors[1]) == DDC_NOT_FOUND);
  CHECK(codes[2] == DDC_INVALID_ARGUMENT && outs[2].data == NULL && errors[2] != NULL);
  CHECK(codes[3] == DDC_INVALID_ARGUMENT && outs[3].data == NULL && errors[3] != NULL);
  for (i = 0; i < 4; i++) {
    ddc_buf_free(&outs[i]);
    ddc_error_free(errors[i]);
  }
  /* Bad arguments leave the arrays untouched. */
  codes[0] = -1;
  FAILS(DDC_INVALID_ARGUMENT, ddc_multi_get(store, cids, 1, outs, NULL, NULL, &err));
  FAILS(DDC_INVALID_ARGUMENT, ddc_multi_get(store, NULL, 1, outs, codes, NULL, &err));
  FAILS(DDC_INVALID_ARGUMENT,
        ddc_multi_get(store, cids, DDC_MAX_MULTI_GET + 1, outs, codes, NULL, &err));
  CHECK(codes[0] == -1);
  OK(ddc_multi_get(store, NULL, 0, outs, codes, NULL, &ok_err_));
  ddc_buf_free(&event);
}

/* Timeline and journal consistency proofs, checked with the two roots alone. */
static void TestConsistency(void) {
  ddc_timeline_info info;
  uint8_t old_root[DDC_HASH_SIZE];
  uint8_t root3[DDC_HASH_SIZE];
  uint8_t journal_root[DDC_HASH_SIZE];
  uint8_t journal_old[DDC_HASH_SIZE];
  uint64_t journal_size = 0;
  ddc_buf proof = {NULL, 0};

  OK(ddc_timeline(store, BUCKET, user_key, &info, &ok_err_));
  CHECK(info.size == 4);
  OK(ddc_timeline_root(store, BUCKET, user_key, 4, old_root, &ok_err_));
  CHECK(memcmp(old_root, info.root, DDC_HASH_SIZE) == 0);
  OK(ddc_timeline_root(store, BUCKET, user_key, 2, old_root, &ok_err_));
  OK(ddc_timeline_root(store, BUCKET, user_key, 3, root3, &ok_err_));
  CHECK(memcmp(old_root, root3, DDC_HASH_SIZE) != 0);
  FAILS(DDC_INVALID_ARGUMENT, ddc_timeline_root(store, BUCKET, user_key, 5, root3, &err));

  OK(ddc_timeline_consistency_proof(store, BUCKET, user_key, 2, 4, &proof, &ok_err_));
  CHECK(proof.len > 0 && proof.len % DDC_HASH_SIZE == 0);
  OK(ddc_verify_consistency_proof(2, 4, old_root, info.root, proof.data, proof.len, &ok_err_));
  /* The wrong old root, a changed hash, a size that does not match, a torn proof. */
  FAILS_ANY(ddc_verify_consistency_proof(2, 4, root3, info.root, proof.data, proof.len, &err));
  proof.data[0] ^= 0x01;
  FAILS_ANY(ddc_verify_consistency_proof(2, 4, old_root, info.root, proof.data, proof.len, &err));
  proof.data[0] ^= 0x01;
  FAILS_ANY(ddc_verify_consistency_proof(3, 4, old_root, info.root, proof.data, proof.len, &err));
  FAILS(DDC_INVALID_ARGUMENT,
        ddc_verify_consistency_proof(2, 4, old_root, info.root, proof.data, proof.len - 1, &err));
  FAILS(DDC_INVALID_ARGUMENT,
        ddc_verify_consistency_proof(2, 4, NULL, info.root, proof.data, proof.len, &err));
  ddc_buf_free(&proof);
  FAILS(DDC_INVALID_ARGUMENT,
        ddc_timeline_consistency_proof(store, BUCKET, user_key, 2, 9, &proof, &err));
  CHECK(proof.data == NULL);
  FAILS(DDC_NOT_FOUND,
        ddc_timeline_consistency_proof(store, BUCKET, grantee_key, 1, 1, &proof, &err));

  OK(ddc_journal(store, &journal_size, journal_root, &ok_err_));
  CHECK(journal_size == 5);
  OK(ddc_journal_root(store, 1, journal_old, &ok_err_));
  OK(ddc_journal_consistency_proof(store, 1, journal_size, &proof, &ok_err_));
  OK(ddc_verify_consistency_proof(1, journal_size, journal_old, journal_root, proof.data, proof.len,
                                  &ok_err_));
  FAILS_ANY(ddc_verify_consistency_proof(1, journal_size, old_root, journal_root, proof.data,
                                         proof.len, &err));
  ddc_buf_free(&proof);
  FAILS(DDC_INVALID_ARGUMENT, ddc_journal_consistency_proof(store, 3, 2, &proof, &err));
  FAILS(DDC_INVALID_ARGUMENT, ddc_journal_root(store, 6, journal_old, &err));
}

/* A growing buffer a CAR sink appends to; fail_at_call stops the export at that call. */
typedef struct Collected {
  uint8_t* data;
  size_t len;
  size_t calls;
  size_t fail_at_call; /* 0: never. */
  int fail_code;
} Collected;

static int CollectCar(void* context, const uint8_t* bytes, size_t len) {
  Collected* c = (Collected*)context;
  uint8_t* grown;
  c->calls++;
  if (c->fail_at_call != 0 && c->calls == c->fail_at_call) return c->fail_code;
  grown = (uint8_t*)realloc(c->data, c->len + len + 1);
  if (grown == NULL) return DDC_FAILED;
  c->data = grown;
  memcpy(c->data + c->len, bytes, len);
  c->len += len;
  return DDC_OK;
}

static int Contains(const uint8_t* hay, size_t hay_len, const uint8_t* needle, size_t len) {
  size_t i;
  for (i = 0; len <= hay_len && i <= hay_len - len; i++) {
    if (memcmp(hay + i, needle, len) == 0) return 1;
  }
  return 0;
}

static void TestCarExport(const char* scratch) {
  Collected car = {NULL, 0, 0, 0, 0};
  ddc_car_stats stats;
  ddc_buf event = {NULL, 0};
  uint8_t root[DDC_CID_BINARY_SIZE];
  char path[4200];
  FILE* f;
  uint8_t* file_bytes;
  long file_len;

  OK(ddc_export_car(store, BUCKET, user_key, CollectCar, &car, &stats, &ok_err_));
  CHECK(stats.bucket == BUCKET && stats.events == 4 && stats.events_written == 4);
  CHECK(stats.erased == 0 && stats.blocks == 5 && stats.bytes == car.len);
  CHECK(strncmp(stats.root, "bafy2bzace", 10) == 0);
  /* The header names the root; every event block holds the event's bytes. */
  OK(ddc_cid_to_binary(stats.root, root, &ok_err_));
  CHECK(Contains(car.data, car.len < 100 ? car.len : 100, root, sizeof root));
  OK(ddc_get_event(store, first_cid, &event, &ok_err_));
  CHECK(Contains(car.data, car.len, event.data, event.len));
  ddc_buf_free(&event);
  OK(ddc_get_event(store, last_cid, &event, &ok_err_));
  CHECK(Contains(car.data, car.len, event.data, event.len));
  ddc_buf_free(&event);

  /* To a file: the same bytes. */
  snprintf(path, sizeof path, "%s/user.car", scratch);
  OK(ddc_export_car_file(store, BUCKET, user_key, path, NULL, &ok_err_));
  f = fopen(path, "rb");
  CHECK(f != NULL);
  fseek(f, 0, SEEK_END);
  file_len = ftell(f);
  fseek(f, 0, SEEK_SET);
  file_bytes = (uint8_t*)malloc((size_t)file_len + 1);
  if (file_bytes != NULL && fread(file_bytes, 1, (size_t)file_len, f) != (size_t)file_len) {
    file_len = -1;
  }
  fclose(f);
  remove(path);
  {
    int same = file_bytes != NULL && file_len == (long)car.len &&
               memcmp(file_bytes, car.data, car.len) == 0;
    free(file_bytes);
    free(car.data);
    CHECK(same);
  }

  /* A sink that fails stops the export with its code; a value that is no code is an I/O error. */
  {
    Collected failing = {NULL, 0, 0, 3, DDC_NO_SPACE};
    FAILS(DDC_NO_SPACE,
          ddc_export_car(store, BUCKET, user_key, CollectCar, &failing, &stats, &err));
    free(failing.data);
    CHECK(failing.calls == 3);
  }
  {
    Collected failing = {NULL, 0, 0, 1, 1234};
    FAILS(DDC_IO_ERROR, ddc_export_car(store, BUCKET, user_key, CollectCar, &failing, NULL, &err));
    free(failing.data);
    CHECK(failing.calls == 1);
  }
  /* No timeline: not found, and the sink is never called. */
  {
    Collected none = {NULL, 0, 0, 0, 0};
    FAILS(DDC_NOT_FOUND, ddc_export_car(store, BUCKET, grantee_key, CollectCar, &none, NULL, &err));
    CHECK(none.calls == 0);
  }
  FAILS(DDC_INVALID_ARGUMENT, ddc_export_car(store, BUCKET, user_key, NULL, NULL, NULL, &err));
  FAILS(DDC_INVALID_ARGUMENT, ddc_export_car_file(store, BUCKET, user_key, NULL, NULL, &err));
  snprintf(path, sizeof path, "%s/no/such/dir/user.car", scratch);
  FAILS_ANY(ddc_export_car_file(store, BUCKET, user_key, path, NULL, &err));
}

static void TestGrants(void) {
  ddc_buf grant = {NULL, 0};
  ddc_buf forged = {NULL, 0};
  ddc_list* list = NULL;
  ddc_list_item item;
  ddc_keyring* granted = NULL;
  ddc_opened* opened = NULL;
  ddc_scope_state scope;
  char cid[DDC_CID_SIZE];

  OK(ddc_grant_make(master, BUCKET, user_key, "profile", 7, 1, grantee_key, user_seed,
                    1763800001000ull, &grant, &ok_err_));
  OK(ddc_put_grant(store, grant.data, grant.len, cid, &ok_err_));
  OK(ddc_grants_for_grantee(store, grantee_key, &list, &ok_err_));
  CHECK(ddc_list_count(list) == 1);
  OK(ddc_list_get(list, 0, &item, &ok_err_));
  CHECK(strcmp(item.cid, cid) == 0 && item.len == grant.len);
  FAILS(DDC_INVALID_ARGUMENT, ddc_list_get(list, 1, &item, &err));

  /* The grantee opens the profile scope and nothing else. */
  OK(ddc_keyring_new(&granted, &ok_err_));
  OK(ddc_keyring_add_grant(granted, item.bytes, item.len, grantee_seed, &ok_err_));
  FAILS(DDC_PERMISSION_DENIED,
        ddc_keyring_add_grant(granted, item.bytes, item.len, user_seed, &err));
  FAILS(DDC_INVALID_ARGUMENT,
        ddc_keyring_add_grant(granted, (const uint8_t*)"g", 1, grantee_seed, &err));
  ddc_list_free(list);
  OK(ddc_store_open_event(store, first_cid, granted, &opened, &ok_err_));
  CHECK(strcmp(ddc_opened_json(opened, NULL),
               "{\"meta\":{\"v\":1},\"user\":{\"email\":\"a@example.com\"}}") == 0);
  OK(ddc_opened_scope(opened, 0, &scope, &ok_err_));
  CHECK(scope.outcome == DDC_SCOPE_NO_KEY);
  ddc_opened_free(opened);
  ddc_keyring_free(granted);

  /* Signed by someone who is neither the user nor the bucket's owner. */
  OK(ddc_grant_make(master, BUCKET, user_key, "profile", 7, 1, grantee_key, other_seed,
                    1763800001000ull, &forged, &ok_err_));
  FAILS(DDC_PERMISSION_DENIED, ddc_put_grant(store, forged.data, forged.len, cid, &err));
  ddc_buf_free(&forged); /* An output buffer is overwritten, never freed, by the next call. */
  FAILS(DDC_INVALID_ARGUMENT, ddc_grant_make(master, BUCKET, user_key, "", 0, 1, grantee_key,
                                             user_seed, 1, &forged, &err));
  CHECK(forged.data == NULL);
  ddc_buf_free(&grant);
}

static void TestErasure(void) {
  ddc_buf tombstone = {NULL, 0};
  ddc_buf buf = {NULL, 0};
  ddc_erase_result result;
  ddc_list* list = NULL;
  ddc_iter* it = NULL;
  ddc_iter_event_entry entry;

  /* One event. */
  OK(ddc_tombstone_make(BUCKET, user_key, first_cid, user_seed, 1763800002000ull, "request", 7,
                        &tombstone, &ok_err_));
  OK(ddc_erase(store, tombstone.data, tombstone.len, &result, &ok_err_));
  CHECK(result.events_erased == 1 && result.existed == 0);
  OK(ddc_erase(store, tombstone.data, tombstone.len, &result, &ok_err_));
  CHECK(result.existed == 1);
  ddc_buf_free(&tombstone);
  FAILS(DDC_ERASED, ddc_get_event(store, first_cid, &buf, &err));
  FAILS(DDC_ERASED, ddc_get(store, first_cid, &buf, &err));
  CHECK(buf.data == NULL);
  OK(ddc_timeline_iter(store, BUCKET, user_key, DDC_SEEK_POSITION, 0, 0, &it, &ok_err_));
  OK(ddc_iter_event(it, &entry, &ok_err_));
  CHECK(entry.position == 1); /* Position 0 was erased and is stepped over. */
  ddc_iter_free(it);
  OK(ddc_tombstones(store, BUCKET, user_key, &list, &ok_err_));
  CHECK(ddc_list_count(list) == 1);
  ddc_list_free(list);

  /* Error paths: a bad CID, a signer without the right, bytes that are no tombstone. */
  FAILS(DDC_INVALID_ARGUMENT,
        ddc_tombstone_make(BUCKET, user_key, "bafy???", user_seed, 1, NULL, 0, &tombstone, &err));
  OK(ddc_tombstone_make(BUCKET, user_key, NULL, other_seed, 1763800002000ull, NULL, 0, &tombstone,
                        &ok_err_));
  FAILS(DDC_PERMISSION_DENIED, ddc_erase(store, tombstone.data, tombstone.len, &result, &err));
  ddc_buf_free(&tombstone);
  FAILS(DDC_INVALID_ARGUMENT, ddc_erase(store, (const uint8_t*)"t", 1, &result, &err));

  /* The whole timeline: the events and the user's grants go. */
  OK(ddc_tombstone_make(BUCKET, user_key, NULL, user_seed, 1763800003000ull, NULL, 0, &tombstone,
                        &ok_err_));
  OK(ddc_erase(store, tombstone.data, tombstone.len, &result, &ok_err_));
  CHECK(result.events_erased == 3 && result.grants_destroyed == 1);
  ddc_buf_free(&tombstone);
  FAILS(DDC_ERASED, ddc_get_event(store, last_cid, &buf, &err));
  OK(ddc_grants_for_grantee(store, grantee_key, &list, &ok_err_));
  CHECK(ddc_list_count(list) == 0);
  ddc_list_free(list);
  OK(ddc_tombstones(store, BUCKET, user_key, &list, &ok_err_));
  CHECK(ddc_list_count(list) == 2);
  ddc_list_free(list);
}

/* After TestErasure: every event of the user is erased. */
static void TestErasureProof(void) {
  ddc_erasure_proof proof;
  char blob[DDC_CID_SIZE];
  Collected car = {NULL, 0, 0, 0, 0};
  ddc_car_stats stats;

  OK(ddc_prove_erasure(store, first_cid, &proof, &ok_err_));
  CHECK(strcmp(proof.event, first_cid) == 0 && proof.bucket == BUCKET && proof.position == 0);
  CHECK(memcmp(proof.user, user_key, DDC_KEY_SIZE) == 0 && proof.timeline_size >= 1);
  CHECK(proof.tombstone.len > 0 && proof.timeline_path.len % DDC_HASH_SIZE == 0);
  /* Checked without the store; the bucket owner's key is not needed for the user's tombstone. */
  OK(ddc_verify_erasure_proof(&proof, NULL, &ok_err_));
  proof.timeline_root[0] ^= 0x01;
  FAILS_ANY(ddc_verify_erasure_proof(&proof, NULL, &err));
  proof.timeline_root[0] ^= 0x01;
  proof.tombstone.data[proof.tombstone.len - 1] ^= 0x01; /* The signature. */
  FAILS_ANY(ddc_verify_erasure_proof(&proof, NULL, &err));
  proof.tombstone.data[proof.tombstone.len - 1] ^= 0x01;
  proof.timeline_path.len = proof.timeline_path.len == 0 ? 0 : proof.timeline_path.len - 1;
  if (proof.timeline_path.len != 0) {
    FAILS(DDC_INVALID_ARGUMENT, ddc_verify_erasure_proof(&proof, NULL, &err));
  }
  ddc_erasure_proof_free(&proof);
  CHECK(proof.tombstone.data == NULL && proof.timeline_path.data == NULL);
  ddc_erasure_proof_free(NULL);

  OK(ddc_prove_erasure(store, last_cid, &proof, &ok_err_)); /* Erased with the whole timeline. */
  CHECK(proof.position == 3);
  OK(ddc_verify_erasure_proof(&proof, NULL, &ok_err_));
  ddc_erasure_proof_free(&proof);

  OK(ddc_put_blob(store, (const uint8_t*)"kept", 4, blob, &ok_err_));
  FAILS(DDC_NOT_FOUND, ddc_prove_erasure(store, blob, &proof, &err));
  CHECK(proof.tombstone.data == NULL);
  FAILS(DDC_INVALID_ARGUMENT, ddc_prove_erasure(store, "bafy?", &proof, &err));
  FAILS(DDC_INVALID_ARGUMENT, ddc_verify_erasure_proof(NULL, NULL, &err));

  /* The CAR export still lists the erased events, without their blocks. */
  OK(ddc_export_car(store, BUCKET, user_key, CollectCar, &car, &stats, &ok_err_));
  free(car.data);
  CHECK(stats.events == 4 && stats.events_written == 0 && stats.erased == 4 && stats.blocks == 1);
}

/* Names need a bucket owner: a second store whose options name one. */
static uint8_t owner_seed[DDC_KEY_SIZE];
static uint8_t owner_key[DDC_KEY_SIZE];

static int BucketOwner(void* context, uint64_t bucket, uint8_t owner[DDC_KEY_SIZE]) {
  (void)context;
  if (bucket != BUCKET) return 0;
  memcpy(owner, owner_key, DDC_KEY_SIZE);
  return 1;
}

static void TestNames(const char* dir) {
  ddc_options options;
  ddc_store* named = NULL;
  ddc_buf record = {NULL, 0};
  ddc_buf newer = {NULL, 0};
  ddc_buf fetched = {NULL, 0};
  ddc_name_record decoded;
  ddc_list* list = NULL;
  ddc_list_item item;
  char target[DDC_CID_SIZE];
  char cid[DDC_CID_SIZE];
  int existed = -1;

  ddc_random_key(owner_seed);
  ddc_public_key(owner_seed, owner_key);
  ddc_options_init(&options);
  options.dir = dir;
  options.durability = DDC_SYNC_NONE;
  options.bucket_owner = BucketOwner;
  OK(ddc_store_open(&options, &named, &ok_err_));
  OK(ddc_put_blob(named, (const uint8_t*)"home page", 9, target, &ok_err_));

  OK(ddc_name_make(BUCKET, "www", 3, target, 1, 3600, 1763800004000ull, owner_seed, &record,
                   &ok_err_));
  OK(ddc_name_decode(record.data, record.len, &decoded, &ok_err_));
  CHECK(decoded.bucket == BUCKET && strcmp(decoded.name, "www") == 0);
  CHECK(strcmp(decoded.target, target) == 0 && decoded.sequence == 1);
  CHECK(decoded.ttl_seconds == 3600 && decoded.created_ms == 1763800004000ull);
  CHECK(memcmp(decoded.signer, owner_key, DDC_KEY_SIZE) == 0);
  OK(ddc_put_name(named, record.data, record.len, cid, &existed, &ok_err_));
  CHECK(existed == 0 && strcmp(cid, decoded.cid) == 0);
  OK(ddc_put_name(named, record.data, record.len, NULL, &existed, &ok_err_));
  CHECK(existed == 1);

  memset(&decoded, 0, sizeof decoded);
  OK(ddc_get_name(named, BUCKET, "www", 3, &decoded, &fetched, &ok_err_));
  CHECK(strcmp(decoded.cid, cid) == 0 && strcmp(decoded.target, target) == 0);
  CHECK(fetched.len == record.len && memcmp(fetched.data, record.data, record.len) == 0);
  ddc_buf_free(&fetched);

  /* A newer record wins; the old one cannot come back. */
  OK(ddc_name_make(BUCKET, "www", 3, first_cid, 2, 60, 1763800005000ull, owner_seed, &newer,
                   &ok_err_));
  OK(ddc_put_name(named, newer.data, newer.len, NULL, NULL, &ok_err_));
  FAILS(DDC_CONFLICT, ddc_put_name(named, record.data, record.len, NULL, NULL, &err));
  OK(ddc_get_name(named, BUCKET, "www", 3, &decoded, NULL, &ok_err_));
  CHECK(decoded.sequence == 2 && strcmp(decoded.target, first_cid) == 0);
  ddc_buf_free(&newer);
  ddc_buf_free(&record);

  OK(ddc_name_make(BUCKET, "app.v2", 6, target, 1, 60, 1763800005000ull, owner_seed, &record,
                   &ok_err_));
  OK(ddc_put_name(named, record.data, record.len, NULL, NULL, &ok_err_));
  ddc_buf_free(&record);
  OK(ddc_names(named, BUCKET, &list, &ok_err_));
  CHECK(ddc_list_count(list) == 2);
  OK(ddc_list_get(list, 0, &item, &ok_err_));
  OK(ddc_name_decode(item.bytes, item.len, &decoded, &ok_err_));
  CHECK(strcmp(decoded.name, "app.v2") == 0 && strcmp(decoded.cid, item.cid) == 0);
  ddc_list_free(list);
  OK(ddc_names(named, BUCKET + 1, &list, &ok_err_));
  CHECK(ddc_list_count(list) == 0);
  ddc_list_free(list);

  /* Error paths: a bad name, a bad target, not found, a signer who does not own the bucket, a
   * store without a bucket owner, bytes that are no record. */
  FAILS(DDC_INVALID_ARGUMENT,
        ddc_name_make(BUCKET, "Bad..Name", 9, target, 1, 60, 1, owner_seed, &record, &err));
  CHECK(record.data == NULL);
  FAILS(DDC_INVALID_ARGUMENT,
        ddc_name_make(BUCKET, "www", 3, "bafy?", 1, 60, 1, owner_seed, &record, &err));
  FAILS(DDC_INVALID_ARGUMENT,
        ddc_name_make(BUCKET, "www", 3, target, 1, 0, 1, owner_seed, &record, &err));
  FAILS(DDC_NOT_FOUND, ddc_get_name(named, BUCKET, "nothing", 7, &decoded, &fetched, &err));
  CHECK(fetched.data == NULL);
  FAILS(DDC_INVALID_ARGUMENT, ddc_get_name(named, BUCKET, "UPPER", 5, NULL, NULL, &err));
  OK(ddc_name_make(BUCKET, "www", 3, target, 9, 60, 1, other_seed, &record, &ok_err_));
  FAILS(DDC_PERMISSION_DENIED, ddc_put_name(named, record.data, record.len, NULL, NULL, &err));
  FAILS(DDC_PERMISSION_DENIED, ddc_put_name(store, record.data, record.len, NULL, NULL, &err));
  ddc_buf_free(&record);
  FAILS(DDC_INVALID_ARGUMENT, ddc_put_name(named, (const uint8_t*)"n", 1, NULL, NULL, &err));
  FAILS(DDC_INVALID_ARGUMENT, ddc_name_decode((const uint8_t*)"n", 1, &decoded, &err));
  OK(ddc_store_close(named, &ok_err_));
}

int main(int argc, char** argv) {
  char dir[4096];
  char scratch[4096];
  char names_dir[4200];
  ddc_error* err = NULL;
  int code;
  if (argc != 2) {
    fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  snprintf(dir, sizeof dir, "%s/c_api_XXXXXX", argv[1]);
  if (mkdtemp(dir) == NULL) {
    perror("mkdtemp");
    return 2;
  }
  snprintf(scratch, sizeof scratch, "%s", dir);
  snprintf(names_dir, sizeof names_dir, "%s/names", dir);
  strncat(dir, "/store", sizeof dir - strlen(dir) - 1);

  TestBasics();
  if (failures == 0) TestOpen(dir);
  if (failures == 0) TestBlobs();
  if (failures == 0) TestBuildAndAppend();
  if (failures == 0) TestOpenEvent();
  if (failures == 0) TestBatch();
  if (failures == 0) TestIterators();
  if (failures == 0) TestMultiGet();
  if (failures == 0) TestProofs();
  if (failures == 0) TestConsistency();
  if (failures == 0) TestCarExport(scratch);
  if (failures == 0) TestGrants();
  if (failures == 0) TestErasure();
  if (failures == 0) TestErasureProof();
  if (failures == 0) TestNames(names_dir);

  ddc_builder_free(builder);
  ddc_keyring_free(keys);
  code = ddc_store_close(store, &err);
  if (code != DDC_OK) {
    fprintf(stderr, "close: %s\n", ddc_error_message(err));
    ddc_error_free(err);
    failures++;
  }
  *strrchr(dir, '/') = '\0';
  nftw(dir, RemoveEntry, 16, FTW_DEPTH | FTW_PHYS);
  if (failures != 0) return 1;
  printf("c_api_test: all checks passed\n");
  return 0;
}
