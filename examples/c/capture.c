/* capture: the C interface end to end. Stores one event of a user with a sealed scope, reads it
 * back decrypting it, proves it against a signed checkpoint and verifies the proof with nothing
 * but the node's verifier key.
 *
 *   capture DIR    (uses the store in DIR/capture-store, creating it; each run adds the
 *                   user's next event, "order-<n>" at position n)
 */
#include <stdio.h>
#include <string.h>

#include "ddc/ddc.h"

/* Prints the error of a failed call and jumps to the cleanup. */
#define TRY(call)                                                                \
  do {                                                                           \
    if ((call) != DDC_OK) {                                                      \
      fprintf(stderr, "%s: %s: %s\n", #call, ddc_code_name(ddc_error_code(err)), \
              ddc_error_message(err));                                           \
      goto done;                                                                 \
    }                                                                            \
  } while (0)

int main(int argc, char** argv) {
  static const char kPolicy[] =
      "{\"scopes\": {\"contact\": [\"$.email\"], \"meta\": [\"$.meta\"]}, \"public\": [\"meta\"]}";
  static const char kData[] = "{\"email\": \"alice@example.com\", \"meta\": {\"page\": \"/cart\"}}";
  char dir[4096];
  char id[32];
  ddc_timeline_info timeline;
  uint64_t next = 0;
  uint8_t user_seed[DDC_KEY_SIZE];
  uint8_t user[DDC_KEY_SIZE];
  uint8_t master[DDC_KEY_SIZE];
  ddc_options options;
  ddc_event_input input;
  ddc_append_result appended;
  ddc_verified_event verified;
  ddc_store* store = NULL;
  ddc_keyring* keys = NULL;
  ddc_builder* builder = NULL;
  ddc_opened* opened = NULL;
  ddc_error* err = NULL;
  ddc_buf event = {NULL, 0};
  ddc_buf proof = {NULL, 0};
  ddc_buf verifier_key = {NULL, 0};
  int status = 1;

  if (argc != 2) {
    fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  snprintf(dir, sizeof dir, "%s/capture-store", argv[1]);

  /* Fixed keys so that every run writes to the same user's timeline. A real app keeps the
   * user's seed on the user's device and the master key in a keystore; ddc_random_key makes
   * fresh ones. */
  memset(user_seed, 7, sizeof user_seed);
  memset(master, 9, sizeof master);
  ddc_public_key(user_seed, user);

  ddc_options_init(&options);
  options.dir = dir;
  TRY(ddc_store_open(&options, &store, &err));

  /* The user's next position: 0 for a new timeline (DDC_NOT_FOUND). */
  if (ddc_timeline(store, 42, user, &timeline, &err) == DDC_OK) {
    next = timeline.size;
  } else if (ddc_error_code(err) == DDC_NOT_FOUND) {
    ddc_error_free(err);
    err = NULL;
  } else {
    TRY(ddc_error_code(err));
  }
  snprintf(id, sizeof id, "order-%llu", (unsigned long long)next);

  /* Build: "contact" is sealed under a key derived from the master key, "meta" is public. */
  TRY(ddc_keyring_new(&keys, &err));
  TRY(ddc_keyring_add_master_key(keys, 42, user, master, 1, &err));
  TRY(ddc_builder_new(kPolicy, strlen(kPolicy), &builder, &err));
  memset(&input, 0, sizeof input);
  input.bucket = 42;
  input.id = id;
  input.id_len = strlen(input.id);
  input.type = "checkout";
  input.type_len = strlen(input.type);
  input.timestamp_ms = 1763800000000ull + next; /* Never before the timeline's last event. */
  input.json = kData;
  input.json_len = strlen(kData);
  TRY(ddc_builder_build(builder, &input, keys, user_seed, &event, &err));
  TRY(ddc_append(store, event.data, event.len, &appended, &err));
  printf("stored %s at position %llu\n", appended.cid, (unsigned long long)appended.position);

  /* Read it back, decrypting with the key ring. */
  TRY(ddc_store_open_event(store, appended.cid, keys, &opened, &err));
  printf("read back: %s\n", ddc_opened_json(opened, NULL));

  /* Seal the journal in a checkpoint, prove the event, verify without the store. */
  TRY(ddc_checkpoint(store, NULL, &err));
  TRY(ddc_prove_event(store, appended.cid, &proof, &err));
  TRY(ddc_node_verifier_key(store, &verifier_key, &err));
  TRY(ddc_verify_event_proof(proof.data, proof.len, (const char*)verifier_key.data,
                             verifier_key.len, &verified, &err));
  printf("verified: position %llu, sealed by a checkpoint of %llu events under %s\n",
         (unsigned long long)verified.position, (unsigned long long)verified.checkpoint_size,
         (const char*)verifier_key.data);
  status = 0;

done:
  ddc_error_free(err);
  ddc_buf_free(&verifier_key);
  ddc_buf_free(&proof);
  ddc_buf_free(&event);
  ddc_opened_free(opened);
  ddc_builder_free(builder);
  ddc_keyring_free(keys);
  if (ddc_store_close(store, NULL) != DDC_OK) status = 1;
  return status;
}
