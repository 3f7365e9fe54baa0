// Scopes: from an app's JSON event data to a signed event with sealed and public scopes, and
// back.
//
// An app describes its event data once, as a ScopePolicy: which JSON fields belong to which
// scope ("profile" gets $.user.email and $.user.name, "geo" gets $.location, everything else goes
// to the default scope), and which scopes are public (stored in the clear, readable by anyone).
//
//   EventBuilder  JSON text + policy + keys -> one JSON object per scope, each zstd-compressed
//                 when that pays, sealed under its scope key (or left public) -> a signed Event
//                 ready for EncodeEvent and Store::Append.
//   EventReader   Event + whatever keys the caller holds -> opens the scopes it can, merges them
//                 into one JSON object (equal, as a JSON value, to the original restricted to the
//                 fields it could open) and says, per scope, why one stayed closed.
//   KeyRing       The keys a builder or reader holds: master keys per (bucket, user) or per
//                 bucket, from which every scope key is derived (DeriveScopeKey in crypto.h),
//                 and explicit scope keys, which is what a grantee receives from a grant.
//
// Key rotation: every sealed scope records its key version. A builder seals under the newest
// version it knows; a reader derives whichever version a scope names, so old events stay
// readable. A scope key of version 1 does not open a scope of version 2.
//
// docs/FORMAT.md ("Scope policies, splitting and merging") specifies the policy form, the path
// syntax, the split and merge rules and the compression rule. JSON crosses this API as text:
// the policy, the event data and the merged result.
//
// Thread safety: ScopePolicy, OpenedEvent and the input structs are plain values. EventBuilder
// and EventReader are immutable after construction, and Build and Open may be called
// concurrently from any number of threads. A KeyRing may be read (Build, Open, the const
// methods) from many threads at once; adding keys must not race with anything else on it.
#ifndef DDC_SCOPES_H_
#define DDC_SCOPES_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/cid.h"
#include "ddc/crypto.h"
#include "ddc/event.h"
#include "ddc/status.h"

namespace ddc {

// Limits, each checked where outside input enters with a message naming it.
inline constexpr size_t kMaxPolicyJsonBytes = 1u << 20;  // ScopePolicy::FromJson input.
inline constexpr size_t kMaxPolicyPaths = 1024;          // Paths over all scopes of a policy.
inline constexpr size_t kMaxPathSteps = 32;              // Members named by one path.
// The event data given to EventBuilder, and any scope's plaintext after decompression: a zstd
// frame that claims more, or that does not record its content size, is refused unread.
inline constexpr size_t kMaxScopePlaintextBytes = 16u << 20;
// Nesting of objects and arrays in event data and in opened scopes ({"a":[1]} has depth 2).
inline constexpr size_t kMaxJsonDepth = 64;
inline constexpr std::string_view kDefaultScopeName = "default";

// Which fields of an app's event data go to which scope.
//
// JSON form, the way apps write it (all three keys optional):
//
//   {"default": "core",
//    "scopes": {"profile": ["$.user.email", "$.user.name"], "geo": ["$.location"]},
//    "public": ["meta"]}
//
// A path is `$` followed by one or more steps, each naming an object member: `.name`, where the
// name is one or more bytes other than `.` `[` `]` `'` `\`, or `['any name']`, where `\'` and
// `\\` stand for `'` and `\` (so `$['a.b']` names the member "a.b", and `$['']` the member "").
// Paths address object members only; an array is a leaf and goes whole to one scope.
//
// Splitting (EventBuilder): the data must be a JSON object. A member whose path is a policy path
// goes to that path's scope, whole, unless it is an object and a longer policy path lies inside
// it, in which case the walk descends into it; a member below a matched path that no longer path
// claims goes with its nearest matched ancestor; everything else goes to the default scope. So
// with "geo": ["$.location"] and "exact": ["$.location.point"], $.location.point goes to "exact"
// and the rest of $.location to "geo". Each scope's data is a JSON object holding its fields at
// their original nesting; a scope that gets no field is left out of the event.
struct ScopePolicy {
  // Gets every field no path claims. Need not appear in `scopes`.
  std::string default_scope = std::string(kDefaultScopeName);
  // Scope name -> the paths it claims (a scope may claim none).
  std::map<std::string, std::vector<std::string>> scopes;
  // Scopes stored in the clear. A name here need not claim any path (it may be the default).
  std::set<std::string> public_scopes;

  // Parses the JSON form above and validates it. InvalidArgument names the problem: invalid
  // JSON (with its byte offset), an unknown key, a value of the wrong type, an invalid scope name
  // (1..64 bytes of [a-z0-9_.-]), a malformed path (with the offending position), a path given
  // twice, a path inside another path of the same scope (it would be redundant), more than
  // kMaxScopes scopes or kMaxPolicyPaths paths, a path of more than kMaxPathSteps steps.
  static Result<ScopePolicy> FromJson(std::string_view json);

  // The JSON form (compact, keys sorted; paths as given). FromJson(ToJson()) == *this.
  std::string ToJson() const;

  // The checks of FromJson, for a policy filled in by hand.
  Status Validate() const;

  bool operator==(const ScopePolicy&) const = default;
};

// The keys a caller holds. Secrets are wiped when the ring is destroyed; it can be moved, not
// copied, so that no stray copy of a secret is left behind.
//
// A "user" argument of std::nullopt means "all users of the bucket": a master key of an app
// that uses one key for everybody, or a scope key granted for every user's events.
class KeyRing {
 public:
  KeyRing();
  ~KeyRing();
  KeyRing(KeyRing&&) noexcept;
  KeyRing& operator=(KeyRing&&) noexcept;
  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;

  // Holds `master` for (bucket, user). Builders seal new scopes under `newest_version`; readers
  // derive whatever version a scope names. Replaces an earlier master of the same (bucket,
  // user), which is how a rotation to a new version is recorded.
  void AddMasterKey(uint64_t bucket, const std::optional<PublicKey>& user, const MasterKey& master,
                    uint32_t newest_version);

  // Holds the scope key of `scope_name` at `key_version` for (bucket, user): what a grantee
  // unwraps from a grant. InvalidArgument if the scope name is invalid.
  Status AddScopeKey(uint64_t bucket, const std::optional<PublicKey>& user,
                     std::string_view scope_name, uint32_t key_version, const ScopeKey& key);

  // The master key that seals new events of `user` in `bucket`: the user's own, else the
  // bucket's. NotFound if neither is held. The caller wipes the copy it gets (Wipe).
  struct SealingKey {
    MasterKey master{};
    uint32_t version = 0;
  };
  Result<SealingKey> SealingKeyFor(uint64_t bucket, const PublicKey& user) const;

  // The scope key for one scope of `user`'s events, in the order a reader tries them: an
  // explicit scope key for the user, one for all users, then derived from the user's master,
  // then from the bucket's. This is also how an app obtains a scope key to grant (WrapKey).
  // NotFound if none of them is held. The caller wipes the copy it gets.
  Result<ScopeKey> ScopeKeyFor(uint64_t bucket, const PublicKey& user, std::string_view scope_name,
                               uint32_t key_version) const;

 private:
  friend class EventReader;
  struct Rep;

  // Every key that could open the scope, in ScopeKeyFor's order (at most four). The caller
  // wipes them.
  std::vector<ScopeKey> CandidateKeys(uint64_t bucket, const PublicKey& user,
                                      std::string_view scope_name, uint32_t key_version) const;

  std::unique_ptr<Rep> rep_;
};

struct BuilderOptions {
  // zstd level for scope plaintext, 1..22. Higher levels shrink 1 KiB JSON only slightly and
  // cost build throughput.
  int zstd_level = 3;
  // A scope's plaintext (sealed or public) is compressed only when it is at least this long and
  // the zstd frame is at most 7/8 of it. Sealed data does not compress later, so this is the
  // only chance; below ~128 bytes a frame rarely saves anything.
  size_t compress_min_bytes = 128;
  // false: never compress (every scope is stored with comp = 0).
  bool compress = true;
};

// What one event is made of, besides its data's policy and the keys. The views must stay valid
// during the Build call.
struct EventInput {
  uint64_t bucket = 0;
  std::string_view id;  // 1..kMaxEventIdBytes, unique per (bucket, user).
  std::string_view type;
  uint64_t timestamp_ms = 0;
  std::optional<Cid> prev;
  std::string_view json;  // The event data: a JSON object, at most kMaxScopePlaintextBytes.
};

// Splits event data by a policy and seals it into an Event.
class EventBuilder {
 public:
  // InvalidArgument (from ScopePolicy::Validate, or naming a bad option) if the policy or the
  // options are invalid.
  static Result<EventBuilder> Create(const ScopePolicy& policy, const BuilderOptions& options = {});

  // The event of `user_key`'s data, signed on its own (SignEvent). Sealed scopes use the newest
  // version of the user's master key in `keys`, else of the bucket's. Errors:
  // InvalidArgument for data that is not a JSON object, too large or too deep, an id or type
  // out of limits; NotFound when a sealed scope is needed and `keys` holds no master key for the
  // user or the bucket; InvalidArgument when the event would exceed kMaxEventBytes.
  Result<Event> Build(const EventInput& input, const KeyRing& keys, const KeyPair& user_key) const;

  // The same without the signature, for a caller that signs many events at once (SignBatch) or
  // signs elsewhere.
  Result<Event> BuildUnsigned(const EventInput& input, const KeyRing& keys,
                              const PublicKey& user) const;

  const ScopePolicy& policy() const;

 private:
  struct Rep;
  explicit EventBuilder(std::shared_ptr<const Rep> rep);

  std::shared_ptr<const Rep> rep_;  // Constant after construction; shared by copies.
};

struct ReadOptions {
  // The caller already verified the event's signature (Store::Append does, so an event read
  // back from a store qualifies): skip the ed25519 check. A scope that does not open is then
  // reported as kWrongKey, since tampering has been ruled out.
  bool signature_already_verified = false;
};

// What became of one scope of an opened event.
struct ScopeState {
  enum class Outcome : uint8_t {
    kOpened,     // Its fields are in OpenedEvent::json.
    kNoKey,      // The ring holds no key for this scope at this version.
    kWrongKey,   // No key held opens it, and the event is authentic: the keys are wrong.
    kTampered,   // It does not open and the event's signature does not verify either.
    kMalformed,  // It opened (or is public) but is not a bounded zstd frame of a JSON object,
                 // or its fields conflict with a scope merged before it.
  };

  std::string name;
  bool is_public = false;
  uint32_t key_version = 0;  // 0 for public scopes.
  Outcome outcome = Outcome::kOpened;
  std::string message;  // Why, when the outcome is not kOpened.

  bool operator==(const ScopeState&) const = default;
};

// "opened", "no_key", "wrong_key", "tampered", "malformed": stable tokens (the CLI's `open --json`
// prints them).
const char* OutcomeName(ScopeState::Outcome outcome);

struct OpenedEvent {
  // The merged object of every scope that opened, compact, keys sorted. "{}" when none did.
  std::string json;
  // One entry per scope of the event, in the event's (name) order.
  std::vector<ScopeState> scopes;

  enum class Signature : uint8_t {
    kVerified,  // VerifyEventSignature passed.
    kTrusted,   // Not checked (ReadOptions::signature_already_verified).
    kFailed,    // Did not verify: `signature_error` says why. Public fields in `json` are then
                // not known to come from the user; sealed ones only from a key holder.
  };
  Signature signature = Signature::kVerified;
  std::string signature_error;

  // True when every scope opened.
  bool complete() const;
};

// Opens events and merges their scopes back into the app's JSON.
class EventReader {
 public:
  EventReader() = default;

  // Opens what `keys` allows. A scope that stays closed is reported in OpenedEvent::scopes, not
  // as an error; the result is an error (InvalidArgument) only for an event that breaks the
  // event limits (more than kMaxScopes scopes, an id out of limits).
  Result<OpenedEvent> Open(const Event& event, const KeyRing& keys,
                           const ReadOptions& options = {}) const;
};

}  // namespace ddc

#endif  // DDC_SCOPES_H_
