// ddc.Store's CAR export, signed names, consistency proofs and erasure proofs, and the
// store-free functions that go with them (make_name, decode_name, verify_checkpoint,
// verify_consistency_proof, verify_erasure_proof).
//
// Like store.cc, every store call runs without the GIL (PyStore::Run). A CAR export to a Python
// file object takes the GIL back for each write; an exception raised by the file's write()
// stops the export and is raised again, unchanged, by export_car.
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "binding.h"
#include "convert.h"
#include "ddc/car.h"
#include "ddc/erasure.h"
#include "ddc/names.h"
#include "ddc/store.h"
#include "ddc/verify.h"
#include "py_store.h"

namespace ddc::python {

using namespace pybind11::literals;  // NOLINT(google-build-using-namespace)

namespace {

py::dict CarStatsToDict(const CarExportStats& stats) {
  py::dict d;
  d["root"] = stats.root.ToString();
  d["bucket"] = stats.bucket;
  d["events"] = stats.events;
  d["events_written"] = stats.events_written;
  d["erased"] = stats.erased;
  d["blocks"] = stats.blocks;
  d["bytes"] = stats.bytes;
  return d;
}

// export_car(bucket, user, out): `out` is a path (str or PathLike: written atomically) or a
// binary file object with write().
py::dict ExportCar(PyStore& self, uint64_t bucket, py::handle user, py::handle out) {
  const PublicKey key = Fixed<32>(user, "user");
  const py::object os = py::module_::import("os");
  if (py::isinstance<py::str>(out) || py::isinstance(out, os.attr("PathLike"))) {
    const std::string path = py::cast<std::string>(os.attr("fspath")(out));
    return CarStatsToDict(
        Take(self.Run([&](Store& s) { return ExportTimelineCarToFile(s, bucket, key, path); })));
  }
  if (!py::hasattr(out, "write")) {
    Raise(Status::InvalidArgument("export_car: out must be a path or a binary file object"));
  }
  const py::object write = out.attr("write");
  std::optional<py::error_already_set> raised;  // Set and read with the GIL held.
  Result<CarExportStats> stats = self.Run([&](Store& s) {
    return ExportTimelineCar(s, bucket, key, [&](std::string_view bytes) -> Status {
      py::gil_scoped_acquire gil;
      try {
        write(ToBytes(bytes));
        return Status::OK();
      } catch (py::error_already_set& e) {
        raised = std::move(e);
        return Status::IOError("export_car: out.write raised");
      }
    });
  });
  if (raised) throw std::move(*raised);
  return CarStatsToDict(Take(std::move(stats)));
}

py::dict NameToDict(const Cid& cid, const NameRecord& record, std::string_view bytes) {
  py::dict d;
  d["cid"] = cid.ToString();
  d["bucket"] = record.bucket;
  d["name"] = record.name;
  d["target"] = record.target.ToString();
  d["sequence"] = record.sequence;
  d["ttl_seconds"] = record.ttl_seconds;
  d["created_ms"] = record.created_ms;
  d["signer"] = ToHex(record.signer);
  d["bytes"] = ToBytes(bytes);
  return d;
}

py::list HashesToList(const std::vector<Hash32>& hashes) {
  py::list out;
  for (const Hash32& h : hashes) out.append(ToHex(h));
  return out;
}

std::vector<Hash32> HashesFromList(py::handle proof, const char* what) {
  std::vector<Hash32> hashes;
  for (py::handle h : proof) hashes.push_back(Fixed<32>(h, what));
  return hashes;
}

py::dict ErasureProofToDict(const ErasureProof& proof) {
  py::dict d;
  d["event"] = proof.event.ToString();
  d["bucket"] = proof.bucket;
  d["user"] = ToHex(proof.user);
  d["position"] = proof.position;
  d["tombstone"] = ToBytes(proof.tombstone);
  d["timeline_size"] = proof.timeline_size;
  d["timeline_root"] = ToHex(proof.timeline_root);
  d["timeline_path"] = HashesToList(proof.timeline_path);
  return d;
}

// The dict of prove_erasure back; a missing key raises InvalidArgumentError naming it.
ErasureProof ErasureProofFromDict(const py::dict& d) {
  auto field = [&](const char* key) -> py::object {
    if (!d.contains(key)) {
      Raise(Status::InvalidArgument(std::string("erasure proof: missing \"") + key + "\""));
    }
    return d[key];
  };
  ErasureProof proof;
  proof.event = ParseCid(py::cast<std::string>(field("event")));
  proof.bucket = py::cast<uint64_t>(field("bucket"));
  proof.user = Fixed<32>(field("user"), "erasure proof: user");
  proof.position = py::cast<uint64_t>(field("position"));
  proof.tombstone = py::cast<std::string>(field("tombstone"));
  proof.timeline_size = py::cast<uint64_t>(field("timeline_size"));
  proof.timeline_root = Fixed<32>(field("timeline_root"), "erasure proof: timeline_root");
  proof.timeline_path = HashesFromList(field("timeline_path"), "erasure proof: timeline_path");
  return proof;
}

}  // namespace

void RegisterStoreRecords(py::module_& m) {
  auto store = py::reinterpret_borrow<py::class_<PyStore>>(m.attr("Store"));
  store
      .def("export_car", &ExportCar, "bucket"_a, "user"_a, "out"_a,
           "Writes the user's timeline in `bucket` as a CAR v1 file: to a path (atomically) or "
           "a binary file object. Returns the export's stats.")
      // ---- Names ----
      .def(
          "put_name",
          [](PyStore& self, const py::bytes& record) {
            std::string_view view = View(record);
            PutNameResult r = Take(self.Run([&](Store& s) { return s.PutName(view); }));
            py::dict d;
            d["cid"] = r.cid.ToString();
            d["existed"] = r.existed;
            return d;
          },
          "record"_a)
      .def(
          "get_name",
          [](PyStore& self, uint64_t bucket, const std::string& name) {
            StoredName n = Take(self.Run([&](Store& s) { return s.GetName(bucket, name); }));
            return NameToDict(n.cid, n.record, n.bytes);
          },
          "bucket"_a, "name"_a)
      .def(
          "names",
          [](PyStore& self, uint64_t bucket) {
            py::list out;
            for (const StoredName& n : self.Run([&](Store& s) { return s.Names(bucket); })) {
              out.append(NameToDict(n.cid, n.record, n.bytes));
            }
            return out;
          },
          "bucket"_a)
      // ---- Roots and consistency proofs ----
      .def(
          "timeline_root",
          [](PyStore& self, uint64_t bucket, py::handle user, uint64_t size) {
            const PublicKey key = Fixed<32>(user, "user");
            return ToHex(
                Take(self.Run([&](Store& s) { return s.TimelineRoot(bucket, key, size); })));
          },
          "bucket"_a, "user"_a, "size"_a)
      .def("journal",
           [](PyStore& self) {
             const JournalInfo j = self.Run([](Store& s) { return s.Journal(); });
             py::dict d;
             d["size"] = j.size;
             d["root"] = ToHex(j.root);
             return d;
           })
      .def(
          "journal_root",
          [](PyStore& self, uint64_t size) {
            return ToHex(Take(self.Run([&](Store& s) { return s.JournalRoot(size); })));
          },
          "size"_a)
      .def(
          "timeline_consistency_proof",
          [](PyStore& self, uint64_t bucket, py::handle user, uint64_t old_size,
             uint64_t new_size) {
            const PublicKey key = Fixed<32>(user, "user");
            return HashesToList(Take(self.Run([&](Store& s) {
              return s.TimelineConsistencyProof(bucket, key, old_size, new_size);
            })));
          },
          "bucket"_a, "user"_a, "old_size"_a, "new_size"_a)
      .def(
          "journal_consistency_proof",
          [](PyStore& self, uint64_t old_size, uint64_t new_size) {
            return HashesToList(Take(
                self.Run([&](Store& s) { return s.JournalConsistencyProof(old_size, new_size); })));
          },
          "old_size"_a, "new_size"_a)
      // ---- Erasure proofs ----
      .def(
          "prove_erasure",
          [](PyStore& self, const std::string& cid) {
            const Cid parsed = ParseCid(cid);
            return ErasureProofToDict(
                Take(self.Run([&](Store& s) { return s.ProveErasure(parsed); })));
          },
          "cid"_a);

  m.def(
      "make_name",
      [](const PyKeyPair& owner, uint64_t bucket, const std::string& name,
         const std::string& target, uint64_t sequence, uint32_t ttl_seconds,
         std::optional<uint64_t> created_ms) {
        NameRecord record = Take(MakeName(bucket, name, ParseCid(target), sequence, ttl_seconds,
                                          created_ms ? *created_ms : NowMs(), owner.key));
        return ToBytes(Take(EncodeName(record)));
      },
      "owner"_a, py::kw_only(), "bucket"_a, "name"_a, "target"_a, "sequence"_a,
      "ttl_seconds"_a = kDefaultNameTtlSeconds, "created_ms"_a = py::none(),
      "A name record signed by the bucket's owner, for Store.put_name.");
  m.def(
      "decode_name",
      [](const py::bytes& record) {
        const std::string_view view = View(record);
        NameRecord decoded = Take(DecodeName(Span(view)));
        return NameToDict(NameRecordCid(Span(view)), decoded, view);
      },
      "record"_a, "Decodes a name record strictly (its signature is not checked).");
  m.def(
      "verify_consistency_proof",
      [](uint64_t old_size, uint64_t new_size, py::handle old_root, py::handle new_root,
         py::handle proof) {
        const Hash32 old_hash = Fixed<32>(old_root, "old_root");
        const Hash32 new_hash = Fixed<32>(new_root, "new_root");
        const std::vector<Hash32> hashes = HashesFromList(proof, "proof");
        Check(VerifyConsistencyProof(old_size, new_size, old_hash, new_hash, hashes));
      },
      "old_size"_a, "new_size"_a, "old_root"_a, "new_root"_a, "proof"_a,
      "Raises InvalidArgumentError unless the tree at new_size extends the one at old_size.");
  m.def(
      "verify_checkpoint",
      [](const std::string& note, const std::string& verifier_key) {
        return CheckpointToDict(Take(VerifyCheckpoint(note, verifier_key)));
      },
      "note"_a, "verifier_key"_a,
      "Checks a checkpoint note's signature under the node's verifier key; returns its fields.");
  m.def(
      "verify_erasure_proof",
      [](const py::dict& proof, py::handle bucket_owner) {
        const ErasureProof converted = ErasureProofFromDict(proof);
        const std::optional<PublicKey> owner = OptionalUser(bucket_owner);
        Status status;
        {
          py::gil_scoped_release nogil;
          status = VerifyErasureProof(converted, owner);
        }
        Check(status);
      },
      "proof"_a, py::kw_only(), "bucket_owner"_a = py::none(),
      "Raises unless the proof (from Store.prove_erasure) checks with public keys alone.");
}

}  // namespace ddc::python
