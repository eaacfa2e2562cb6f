// A small Prometheus metrics registry (counters, gauges, histograms with labels) rendered in the
// text exposition format at /metrics. Hand-written: Debian 12 packages no prometheus-cpp.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace nm::metrics {

class Counter {
 public:
  void inc(uint64_t v = 1) { v_.fetch_add(v, std::memory_order_relaxed); }
  uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

class Gauge {
 public:
  void set(double v) { v_.store(v, std::memory_order_relaxed); }
  void add(double d);
  double value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  uint64_t bucket(size_t i) const { return counts_[i].load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// A metric name with its label names; `with(values)` returns the child for those label values
// (created on first use). Children live as long as the registry: cache the reference on hot paths.
template <class M>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> labelNames,
         std::function<std::unique_ptr<M>()> make)
      : name_(std::move(name)),
        help_(std::move(help)),
        labelNames_(std::move(labelNames)),
        make_(std::move(make)) {}

  // On the hot path (every notification): the lookup compares the values in place and allocates
  // only when the child is new.
  M& with(std::initializer_list<std::string_view> values) {
    std::lock_guard<std::mutex> g(mu_);
    auto it = children_.find(values);
    if (it == children_.end())
      it = children_.emplace(std::vector<std::string>(values.begin(), values.end()), make_()).first;
    return *it->second;
  }

  template <class F>
  void forEach(F&& f) const {
    std::lock_guard<std::mutex> g(mu_);
    for (const auto& [k, v] : children_) f(k, *v);
  }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& labelNames() const { return labelNames_; }

 private:
  std::string name_, help_;
  std::vector<std::string> labelNames_;
  std::function<std::unique_ptr<M>()> make_;
  mutable std::mutex mu_;
  // Orders label-value lists, stored (strings) or looked up (string_views), without copying.
  struct ValuesLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return std::lexicographical_compare(
          a.begin(), a.end(), b.begin(), b.end(),
          [](std::string_view x, std::string_view y) { return x < y; });
    }
  };
  std::map<std::vector<std::string>, std::unique_ptr<M>, ValuesLess> children_;
};

// The daemon owns one Registry and injects it into every component that counts (no global);
// tests give each component a Registry of their own and read it back.
class Registry {
 public:
  Family<Counter>& counter(const std::string& name, const std::string& help,
                           std::vector<std::string> labelNames = {});
  Family<Gauge>& gauge(const std::string& name, const std::string& help,
                       std::vector<std::string> labelNames = {});
  Family<Histogram>& histogram(const std::string& name, const std::string& help,
                               std::vector<std::string> labelNames, std::vector<double> bounds);
  // A gauge computed at scrape time (queue length, RSS, snapshot version).
  void gaugeFunc(const std::string& name, const std::string& help, std::function<double()> f);

  std::string render() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family<Counter>>> counters_;
  std::map<std::string, std::unique_ptr<Family<Gauge>>> gauges_;
  std::map<std::string, std::unique_ptr<Family<Histogram>>> histograms_;
  std::map<std::string, std::pair<std::string, std::function<double()>>> funcs_;
};

// Latency buckets in seconds, 1 ms to 60 s.
std::vector<double> latencyBuckets();

}  // namespace nm::metrics
