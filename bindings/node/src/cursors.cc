// The cursors behind Store#timeline() and Store#users() (index.js wraps them in async
// iterators): each next(n) reads up to n entries on a pool thread and resolves with an array,
// empty at the end.
//
// The engine's iterators are not thread-safe, so a cursor's state is used under its own mutex
// by one page fetch at a time. The state holds the store handle ahead of the iterator, so the
// iterator is destroyed before the store it walks, whichever owner lets go last. Pages count as
// work in flight on the store: close() waits for them, and next() after close() rejects.
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "async.h"
#include "binding.h"
#include "convert.h"
#include "ddc/scopes.h"
#include "ddc/timeline.h"
#include "store_handle.h"

namespace ddc::node {

namespace {

constexpr uint32_t kMaxPage = 4096;  // Entries one next(n) may ask for.

uint32_t PageSize(const Napi::CallbackInfo& info) {
  uint32_t n = U32(info[0], "next: n");
  if (n == 0 || n > kMaxPage) {
    ThrowRange(info.Env(), "next: n: want 1.." + std::to_string(kMaxPage));
  }
  return n;
}

struct TimelineState {
  std::shared_ptr<StoreHandle> store;  // First: destroyed after the iterator.
  uint64_t bucket = 0;
  PublicKey user{};
  TimelineSeek seek;
  std::shared_ptr<SharedKeyRing> keys;  // Null: events are not opened.

  std::mutex mutex;
  std::unique_ptr<EventIterator> it;  // Guarded by mutex; made by the first page.
  bool started = false;               // Guarded by mutex.
  bool done = false;                  // Guarded by mutex.
};

struct TimelineEntry {
  uint64_t position = 0;
  Cid cid;
  Event event;
  std::optional<OpenedEvent> opened;
};

// Up to n entries from where the last page stopped. The iterator stays on the last entry
// returned and steps past it at the start of the next page.
Result<std::vector<TimelineEntry>> ReadTimelinePage(TimelineState& state, Store& store,
                                                    uint32_t n) {
  std::lock_guard lock(state.mutex);
  std::vector<TimelineEntry> page;
  if (state.done) return page;
  if (state.it == nullptr) {
    Result<std::unique_ptr<EventIterator>> it =
        store.NewTimelineIterator(state.bucket, state.user, state.seek);
    if (!it.ok()) return it.status();
    state.it = std::move(it).value();
  }
  EventIterator& it = *state.it;
  while (page.size() < n) {
    if (state.started) it.Next();
    state.started = true;
    if (!it.Valid()) {
      state.done = true;
      if (!it.status().ok()) return it.status();
      break;
    }
    TimelineEntry entry{
        .position = it.position(), .cid = it.cid(), .event = it.event(), .opened = std::nullopt};
    if (state.keys != nullptr) {
      std::shared_lock keys_lock(state.keys->mutex);
      Result<OpenedEvent> opened =
          EventReader().Open(entry.event, state.keys->ring, {.signature_already_verified = true});
      if (!opened.ok()) return opened.status();
      entry.opened = std::move(opened).value();
    }
    page.push_back(std::move(entry));
  }
  return page;
}

class TimelineCursorWrap : public Napi::ObjectWrap<TimelineCursorWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "TimelineCursor", {InstanceMethod<&TimelineCursorWrap::Next>("next")});
  }

  explicit TimelineCursorWrap(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<TimelineCursorWrap>(info) {
    if (info.Length() != 1 || !info[0].IsExternal()) {
      ThrowType(info.Env(), "TimelineCursor: use store.timeline(bucket, user, options)");
    }
    state_ = *info[0].As<Napi::External<std::shared_ptr<TimelineState>>>().Data();
    info.This().As<Napi::Object>().TypeTag(&kTimelineCursorTag);
  }

 private:
  // next(n) -> Promise<event[]>: each event object also has `position`, and, when the cursor
  // was made with keys, `data` (the merged object of the scopes that opened) and `opened`.
  Napi::Value Next(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return Async(env, [&] {
      uint32_t n = PageSize(info);
      using Page = std::vector<TimelineEntry>;
      return SubmitToStore<Page>(
          env, state_->store,
          [state = state_, n](Store& store) { return ReadTimelinePage(*state, store, n); },
          [](Napi::Env e, Page& page) {
            Napi::Array out = Napi::Array::New(e, page.size());
            for (size_t i = 0; i < page.size(); ++i) {
              Napi::Object event = EventToObject(e, page[i].event, page[i].cid);
              event.Set("position", U64Value(e, page[i].position));
              if (page[i].opened) {
                Napi::Object opened = OpenedToObject(e, *page[i].opened);
                event.Set("data", opened.Get("data"));
                event.Set("opened", opened);
              }
              out.Set(static_cast<uint32_t>(i), event);
            }
            return out;
          },
          ErrorKind::kEvent);
    });
  }

  std::shared_ptr<TimelineState> state_;
};

struct UsersState {
  std::shared_ptr<StoreHandle> store;  // First: destroyed after the iterator.
  uint64_t bucket = 0;

  std::mutex mutex;
  std::unique_ptr<UserIterator> it;  // Guarded by mutex; made by the first page.
  bool started = false;              // Guarded by mutex.
  bool done = false;                 // Guarded by mutex.
};

class UsersCursorWrap : public Napi::ObjectWrap<UsersCursorWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "UsersCursor", {InstanceMethod<&UsersCursorWrap::Next>("next")});
  }

  explicit UsersCursorWrap(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<UsersCursorWrap>(info) {
    if (info.Length() != 1 || !info[0].IsExternal()) {
      ThrowType(info.Env(), "UsersCursor: use store.users(bucket)");
    }
    state_ = *info[0].As<Napi::External<std::shared_ptr<UsersState>>>().Data();
    info.This().As<Napi::Object>().TypeTag(&kUsersCursorTag);
  }

 private:
  // next(n) -> Promise<TimelineInfo[]>
  Napi::Value Next(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return Async(env, [&] {
      uint32_t n = PageSize(info);
      using Page = std::vector<TimelineInfo>;
      return SubmitToStore<Page>(
          env, state_->store,
          [state = state_, n](Store& store) -> Result<Page> {
            std::lock_guard lock(state->mutex);
            Page page;
            if (state->done) return page;
            if (state->it == nullptr) state->it = store.NewUserIterator(state->bucket);
            while (page.size() < n) {
              if (state->started) state->it->Next();
              state->started = true;
              if (!state->it->Valid()) {
                state->done = true;
                break;
              }
              page.push_back(state->it->timeline());
            }
            return page;
          },
          [](Napi::Env e, Page& page) {
            Napi::Array out = Napi::Array::New(e, page.size());
            for (size_t i = 0; i < page.size(); ++i) {
              out.Set(static_cast<uint32_t>(i), TimelineInfoToObject(e, page[i]));
            }
            return out;
          });
    });
  }

  std::shared_ptr<UsersState> state_;
};

}  // namespace

Napi::Value NewTimelineCursor(Napi::Env env, const std::shared_ptr<StoreHandle>& handle,
                              const Napi::Value& bucket, const Napi::Value& user,
                              const Napi::Value& options) {
  auto state = std::make_shared<TimelineState>();
  state->store = handle;
  state->bucket = U64(bucket, "timeline: bucket");
  state->user = Fixed<32>(user, "timeline: user");
  Napi::Object o = Options(options, "timeline: options", {"from", "since", "reverse", "keys"});
  Napi::Value from = o.Get("from");
  Napi::Value since = o.Get("since");
  if (!IsMissing(from) && !IsMissing(since)) {
    Throw(env, Status::InvalidArgument("timeline: give `from` or `since`, not both"));
  }
  state->seek.backward =
      !IsMissing(o.Get("reverse")) && Bool(o.Get("reverse"), "timeline: reverse");
  if (!IsMissing(since)) {
    state->seek.by = TimelineSeek::By::kTime;
    state->seek.time_ms = U64(since, "timeline: since");
  } else if (!IsMissing(from)) {
    state->seek.position = U64(from, "timeline: from");
  } else {
    state->seek.position = state->seek.backward ? UINT64_MAX : 0;
  }
  if (!IsMissing(o.Get("keys"))) state->keys = KeyRingOf(o.Get("keys"), "timeline: keys");
  return Data(env).timeline_cursor_class.New(
      {Napi::External<std::shared_ptr<TimelineState>>::New(env, &state)});
}

Napi::Value NewUsersCursor(Napi::Env env, const std::shared_ptr<StoreHandle>& handle,
                           const Napi::Value& bucket) {
  auto state = std::make_shared<UsersState>();
  state->store = handle;
  state->bucket = U64(bucket, "users: bucket");
  return Data(env).users_cursor_class.New(
      {Napi::External<std::shared_ptr<UsersState>>::New(env, &state)});
}

void InitCursors(Napi::Env env, Napi::Object exports) {
  AddonData& data = Data(env);
  Napi::Function timeline = TimelineCursorWrap::Define(env);
  data.timeline_cursor_class = Napi::Persistent(timeline);
  exports.Set("TimelineCursor", timeline);
  Napi::Function users = UsersCursorWrap::Define(env);
  data.users_cursor_class = Napi::Persistent(users);
  exports.Set("UsersCursor", users);
}

}  // namespace ddc::node
