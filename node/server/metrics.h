// The counters behind GET /metrics, rendered in the Prometheus text format (docs/node.md
// "Metrics").
#ifndef DDC_NODE_SERVER_METRICS_H_
#define DDC_NODE_SERVER_METRICS_H_

#include <array>
#include <charconv>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "ddc/store.h"

namespace ddc::node {

// Counters of /metrics (docs/node.md "Metrics"). Thread-safe; one mutex, held for a few map
// operations per request.
class Metrics {
 public:
  // Upper bounds (seconds) of the latency histogram's buckets; +Inf is implied.
  static constexpr std::array<double, 10> kLatencyBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                            0.025,  0.05,  0.1,    0.5,   2.5};

  void Observe(std::string_view method, std::string_view route, unsigned status, double seconds,
               uint64_t bytes_in, uint64_t bytes_out) {
    std::lock_guard lock(mu_);
    ++requests_[{std::string(method), std::string(route), status}];
    Histogram& h = latency_[{std::string(method), std::string(route)}];
    size_t i = 0;
    while (i < kLatencyBounds.size() && seconds > kLatencyBounds[i]) ++i;
    ++h.counts[i];
    h.sum += seconds;
    bytes_in_ += bytes_in;
    bytes_out_ += bytes_out;
  }
  // `n` events (or blobs) written for `bucket`, `new_bytes` of them not stored before.
  void CountAppends(uint64_t bucket, uint64_t n, uint64_t new_bytes) {
    std::lock_guard lock(mu_);
    appends_[bucket] += n;
    stored_bytes_[bucket] += new_bytes;
  }
  void CountRead(uint64_t bucket) {
    std::lock_guard lock(mu_);
    ++reads_[bucket];
  }
  // Response body bytes of a request that read `bucket`'s data.
  void CountDelivered(uint64_t bucket, uint64_t bytes) {
    std::lock_guard lock(mu_);
    delivered_bytes_[bucket] += bytes;
  }

  // One bucket's totals since the node started: what a usage report is made of.
  struct BucketUsage {
    uint64_t stored_bytes = 0;
    uint64_t delivered_bytes = 0;
    uint64_t puts = 0;
    uint64_t gets = 0;
  };
  std::map<uint64_t, BucketUsage> UsageTotals() const {
    std::lock_guard lock(mu_);
    std::map<uint64_t, BucketUsage> out;
    for (const auto& [b, n] : stored_bytes_) out[b].stored_bytes = n;
    for (const auto& [b, n] : delivered_bytes_) out[b].delivered_bytes = n;
    for (const auto& [b, n] : appends_) out[b].puts = n;
    for (const auto& [b, n] : reads_) out[b].gets = n;
    return out;
  }

  std::string Render(const StoreStats& stats) const {
    std::string out;
    std::lock_guard lock(mu_);
    Family(&out, "ddc_http_requests_total", "counter",
           "HTTP requests answered by a route, by method, route pattern and status.");
    for (const auto& [key, n] : requests_) {
      const auto& [method, route, status] = key;
      Sample(&out, "ddc_http_requests_total",
             Labels(method, route) + ",status=\"" + std::to_string(status) + "\"",
             std::to_string(n));
    }
    Family(&out, "ddc_http_request_duration_seconds", "histogram",
           "Time to handle a request, by method and route pattern.");
    for (const auto& [key, h] : latency_) {
      const std::string labels = Labels(key.first, key.second);
      uint64_t cumulative = 0;
      for (size_t i = 0; i <= kLatencyBounds.size(); ++i) {
        cumulative += h.counts[i];
        std::string bucket_labels = labels;
        bucket_labels.append(",le=\"")
            .append(i < kLatencyBounds.size() ? Number(kLatencyBounds[i]) : "+Inf")
            .append("\"");
        Sample(&out, "ddc_http_request_duration_seconds_bucket", bucket_labels,
               std::to_string(cumulative));
      }
      Sample(&out, "ddc_http_request_duration_seconds_sum", labels, Number(h.sum));
      Sample(&out, "ddc_http_request_duration_seconds_count", labels, std::to_string(cumulative));
    }
    Family(&out, "ddc_http_request_body_bytes_total", "counter", "Request body bytes received.");
    Sample(&out, "ddc_http_request_body_bytes_total", "", std::to_string(bytes_in_));
    Family(&out, "ddc_http_response_body_bytes_total", "counter", "Response body bytes sent.");
    Sample(&out, "ddc_http_response_body_bytes_total", "", std::to_string(bytes_out_));
    Family(&out, "ddc_bucket_appends_total", "counter",
           "Events accepted into a bucket over HTTP (puts).");
    for (const auto& [bucket, n] : appends_) {
      Sample(&out, "ddc_bucket_appends_total", "bucket=\"" + std::to_string(bucket) + "\"",
             std::to_string(n));
    }
    Family(&out, "ddc_bucket_event_reads_total", "counter",
           "Events of a bucket served over HTTP (gets).");
    for (const auto& [bucket, n] : reads_) {
      Sample(&out, "ddc_bucket_event_reads_total", "bucket=\"" + std::to_string(bucket) + "\"",
             std::to_string(n));
    }
    Family(
        &out, "ddc_bucket_stored_bytes_total", "counter",
        "Bytes of events and blobs newly stored for a bucket over HTTP (re-sent ones excluded).");
    for (const auto& [bucket, n] : stored_bytes_) {
      Sample(&out, "ddc_bucket_stored_bytes_total", "bucket=\"" + std::to_string(bucket) + "\"",
             std::to_string(n));
    }
    Family(&out, "ddc_bucket_delivered_bytes_total", "counter",
           "Response body bytes of requests that read a bucket's data (events, timelines, users, "
           "proofs).");
    for (const auto& [bucket, n] : delivered_bytes_) {
      Sample(&out, "ddc_bucket_delivered_bytes_total", "bucket=\"" + std::to_string(bucket) + "\"",
             std::to_string(n));
    }
    Family(&out, "ddc_store_events", "gauge", "Events in all timelines.");
    Sample(&out, "ddc_store_events", "", std::to_string(stats.events));
    Family(&out, "ddc_store_log_bytes", "gauge", "Bytes in the store's segment files.");
    Sample(&out, "ddc_store_log_bytes", "", std::to_string(stats.log_bytes));
    return out;
  }

 private:
  struct Histogram {
    std::array<uint64_t, kLatencyBounds.size() + 1> counts{};
    double sum = 0;
  };

  static void Family(std::string* out, std::string_view name, std::string_view type,
                     std::string_view help) {
    out->append("# HELP ").append(name).append(" ").append(help).append("\n");
    out->append("# TYPE ").append(name).append(" ").append(type).append("\n");
  }
  static void Sample(std::string* out, std::string_view name, std::string_view labels,
                     std::string_view value) {
    out->append(name);
    if (!labels.empty()) out->append("{").append(labels).append("}");
    out->append(" ").append(value).append("\n");
  }
  static std::string Labels(std::string_view method, std::string_view route) {
    std::string out = "method=\"";
    out.append(method).append("\",route=\"").append(Escape(route)).append("\"");
    return out;
  }
  static std::string Escape(std::string_view value) {
    std::string out;
    for (const char c : value) {
      if (c == '\\' || c == '"') out.push_back('\\');
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out.push_back(c);
    }
    return out;
  }
  static std::string Number(double value) {
    std::array<char, 32> buf{};
    const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
    return ec == std::errc() ? std::string(buf.data(), end) : "NaN";
  }

  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, unsigned>, uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, Histogram> latency_;
  uint64_t bytes_in_ = 0;
  uint64_t bytes_out_ = 0;
  std::map<uint64_t, uint64_t> appends_;
  std::map<uint64_t, uint64_t> reads_;
  std::map<uint64_t, uint64_t> stored_bytes_;
  std::map<uint64_t, uint64_t> delivered_bytes_;
};

}  // namespace ddc::node

#endif  // DDC_NODE_SERVER_METRICS_H_
