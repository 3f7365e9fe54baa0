// Results of ddc-bench: one Row per figure, printed as a table at the end and, with --json, as
// one JSON object per line on stdout as soon as the row is known.
//
// Every figure is a ratio against a peer measured in the same process (RocksDB, LMDB, the
// hashing limit, the raw device bandwidth), never a bare time: the machine's speed cancels out.
#ifndef DDC_BENCH_REPORT_H_
#define DDC_BENCH_REPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ddc::bench {

struct Row {
  std::string workload;          // "put_sync1000", "get_random_2t", ...
  std::string unit;              // "puts/s", "s", "B/record", ...
  bool lower_is_better = false;  // Seconds and bytes; rates are higher-is-better.
  double ddc = 0;
  // ddc's median over the repetitions when the row reports it (the best is `ddc`).
  std::optional<double> ddc_median;
  std::optional<double> rocksdb;
  std::optional<double> lmdb;
  // Other same-process references, e.g. {"hash_limit", 812345.0}; shown as ddc's % of each.
  std::vector<std::pair<std::string, double>> refs;
  std::string target;       // The target in words; empty when there is none.
  std::optional<bool> met;  // Unset when there is no target.
  std::string note;         // How it was measured, when not obvious.
};

inline Row MakeRow(std::string workload, std::string unit, bool lower_is_better = false) {
  Row row;
  row.workload = std::move(workload);
  row.unit = std::move(unit);
  row.lower_is_better = lower_is_better;
  return row;
}

class Report {
 public:
  explicit Report(bool json) : json_(json) {}
  // Records the row; in JSON mode prints its line at once.
  void Add(Row row);
  // The table (stdout, or stderr in JSON mode) and the notes under it.
  void PrintTable(const std::string& header) const;

 private:
  bool json_;
  std::vector<Row> rows_;
};

// ddc / peer, as printed ("5.31x"); "-" when the peer is missing or zero.
std::string RatioText(double ddc, const std::optional<double>& peer);

}  // namespace ddc::bench

#endif  // DDC_BENCH_REPORT_H_
