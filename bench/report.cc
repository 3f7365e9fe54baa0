#include "bench/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bench/bench_util.h"

namespace ddc::bench {
namespace {

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string JsonNumber(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

std::string JsonOptional(const std::optional<double>& v) {
  return v.has_value() ? JsonNumber(*v) : "null";
}

std::optional<double> Ratio(double ddc, const std::optional<double>& peer) {
  if (!peer.has_value() || *peer == 0) return std::nullopt;
  return ddc / *peer;
}

std::string JsonLine(const Row& r) {
  std::string s = "{\"workload\":" + JsonString(r.workload) + ",\"unit\":" + JsonString(r.unit) +
                  ",\"lower_is_better\":" + (r.lower_is_better ? "true" : "false") +
                  ",\"ddc\":" + JsonNumber(r.ddc) +
                  ",\"ddc_median\":" + JsonOptional(r.ddc_median) +
                  ",\"rocksdb\":" + JsonOptional(r.rocksdb) + ",\"lmdb\":" + JsonOptional(r.lmdb) +
                  ",\"ratio_ddc_rocksdb\":" + JsonOptional(Ratio(r.ddc, r.rocksdb)) +
                  ",\"ratio_ddc_lmdb\":" + JsonOptional(Ratio(r.ddc, r.lmdb)) + ",\"refs\":{";
  for (size_t i = 0; i < r.refs.size(); ++i) {
    if (i > 0) s += ",";
    s += JsonString(r.refs[i].first) + ":" + JsonNumber(r.refs[i].second);
  }
  s += "},\"ratio_ddc_refs\":{";
  for (size_t i = 0; i < r.refs.size(); ++i) {
    if (i > 0) s += ",";
    s += JsonString(r.refs[i].first) + ":" + JsonOptional(Ratio(r.ddc, r.refs[i].second));
  }
  s += "},\"target\":" + (r.target.empty() ? std::string("null") : JsonString(r.target)) +
       ",\"met\":" + (r.met.has_value() ? (*r.met ? "true" : "false") : "null") +
       ",\"note\":" + JsonString(r.note) + "}";
  return s;
}

std::string Percent(double ddc, double ref) {
  if (ref == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.0f%%", 100.0 * ddc / ref);
  return buf;
}

}  // namespace

std::string RatioText(double ddc, const std::optional<double>& peer) {
  const std::optional<double> r = Ratio(ddc, peer);
  if (!r.has_value()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2fx", *r);
  return buf;
}

void Report::Add(Row row) {
  if (json_) {
    std::printf("%s\n", JsonLine(row).c_str());
    std::fflush(stdout);
  }
  rows_.push_back(std::move(row));
}

void Report::PrintTable(const std::string& header) const {
  FILE* out = json_ ? stderr : stdout;
  const std::vector<std::string> titles = {"workload",    "unit",     "ddc",
                                           "ddc median",  "rocksdb",  "lmdb",
                                           "ddc/rocksdb", "ddc/lmdb", "ddc vs reference",
                                           "target",      "status"};
  std::vector<std::vector<std::string>> cells;
  for (const Row& r : rows_) {
    std::string refs;
    for (const auto& [name, value] : r.refs) {
      if (!refs.empty()) refs += ", ";
      refs += Percent(r.ddc, value) + " of " + name + " (" + Human(value) + ")";
    }
    cells.push_back({r.workload, r.unit + (r.lower_is_better ? " (lower=better)" : ""),
                     Human(r.ddc), r.ddc_median ? Human(*r.ddc_median) : "-",
                     r.rocksdb ? Human(*r.rocksdb) : "-", r.lmdb ? Human(*r.lmdb) : "-",
                     RatioText(r.ddc, r.rocksdb), RatioText(r.ddc, r.lmdb),
                     refs.empty() ? "-" : refs, r.target.empty() ? "-" : r.target,
                     r.met.has_value() ? (*r.met ? "MET" : "NOT MET") : "-"});
  }
  std::vector<size_t> width(titles.size());
  for (size_t c = 0; c < titles.size(); ++c) {
    width[c] = titles[c].size();
    for (const auto& row : cells) width[c] = std::max(width[c], row[c].size());
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      std::string cell = row[c];
      cell.resize(width[c], ' ');
      line += (c == 0 ? "" : " | ") + cell;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::fprintf(out, "%s\n", line.c_str());
  };
  std::fprintf(out, "%s\n", header.c_str());
  print_row(titles);
  std::vector<std::string> rule;
  for (size_t w : width) rule.push_back(std::string(w, '-'));
  print_row(rule);
  for (const auto& row : cells) print_row(row);
  std::fprintf(out, "\nNotes:\n");
  for (const Row& r : rows_) {
    if (!r.note.empty()) std::fprintf(out, "  %s: %s\n", r.workload.c_str(), r.note.c_str());
  }
  std::fflush(out);
}

}  // namespace ddc::bench
