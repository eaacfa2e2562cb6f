// Registry storage and the Prometheus text format renderer (# HELP, # TYPE, escaped label
// values, cumulative histogram buckets with +Inf, _sum and _count).
#include "observe/metrics.h"

#include <cmath>
#include <cstdio>

namespace nm::metrics {

void Gauge::add(double d) {
  double cur = v_.load(std::memory_order_relaxed);
  while (!v_.compare_exchange_weak(cur, cur + d, std::memory_order_relaxed)) {
  }
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i] = 0;
}

void Histogram::observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  double cur = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
  }
}

Family<Counter>& Registry::counter(const std::string& name, const std::string& help,
                                   std::vector<std::string> labelNames) {
  std::lock_guard<std::mutex> g(mu_);
  auto& f = counters_[name];
  if (!f)
    f = std::make_unique<Family<Counter>>(name, help, std::move(labelNames),
                                          [] { return std::make_unique<Counter>(); });
  return *f;
}

Family<Gauge>& Registry::gauge(const std::string& name, const std::string& help,
                               std::vector<std::string> labelNames) {
  std::lock_guard<std::mutex> g(mu_);
  auto& f = gauges_[name];
  if (!f)
    f = std::make_unique<Family<Gauge>>(name, help, std::move(labelNames),
                                        [] { return std::make_unique<Gauge>(); });
  return *f;
}

Family<Histogram>& Registry::histogram(const std::string& name, const std::string& help,
                                       std::vector<std::string> labelNames,
                                       std::vector<double> bounds) {
  std::lock_guard<std::mutex> g(mu_);
  auto& f = histograms_[name];
  if (!f)
    f = std::make_unique<Family<Histogram>>(name, help, std::move(labelNames), [bounds] {
      return std::make_unique<Histogram>(bounds);
    });
  return *f;
}

void Registry::gaugeFunc(const std::string& name, const std::string& help,
                         std::function<double()> f) {
  std::lock_guard<std::mutex> g(mu_);
  funcs_[name] = {help, std::move(f)};
}

namespace {

void appendNumber(std::string& out, double v) {
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", v);
  }
  out += buf;
}

void appendEscaped(std::string& out, const std::string& v) {
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

void appendLabels(std::string& out, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, const char* extraName = nullptr,
                  const std::string* extraValue = nullptr) {
  if (names.empty() && !extraName) return;
  out += '{';
  bool first = true;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (!first) out += ',';
    first = false;
    out += names[i];
    out += "=\"";
    appendEscaped(out, values[i]);
    out += '"';
  }
  if (extraName) {
    if (!first) out += ',';
    out += extraName;
    out += "=\"";
    out += *extraValue;
    out += '"';
  }
  out += '}';
}

void header(std::string& out, const std::string& name, const std::string& help, const char* type) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

std::string Registry::render() const {
  std::string out;
  std::lock_guard<std::mutex> g(mu_);
  for (const auto& entry : counters_) {
    const std::string& name = entry.first;
    const auto& fam = entry.second;
    header(out, name, fam->help(), "counter");
    fam->forEach([&](const std::vector<std::string>& k, const Counter& c) {
      out += name;
      appendLabels(out, fam->labelNames(), k);
      out += ' ';
      appendNumber(out, static_cast<double>(c.value()));
      out += '\n';
    });
  }
  for (const auto& entry : gauges_) {
    const std::string& name = entry.first;
    const auto& fam = entry.second;
    header(out, name, fam->help(), "gauge");
    fam->forEach([&](const std::vector<std::string>& k, const Gauge& c) {
      out += name;
      appendLabels(out, fam->labelNames(), k);
      out += ' ';
      appendNumber(out, c.value());
      out += '\n';
    });
  }
  for (const auto& [name, f] : funcs_) {
    header(out, name, f.first, "gauge");
    out += name + " ";
    appendNumber(out, f.second());
    out += '\n';
  }
  for (const auto& entry : histograms_) {
    const std::string& name = entry.first;
    const auto& fam = entry.second;
    header(out, name, fam->help(), "histogram");
    fam->forEach([&](const std::vector<std::string>& k, const Histogram& h) {
      uint64_t cum = 0;
      for (size_t i = 0; i <= h.bounds().size(); ++i) {
        cum += h.bucket(i);
        std::string le;
        if (i == h.bounds().size()) {
          le = "+Inf";
        } else {
          appendNumber(le, h.bounds()[i]);
        }
        out += name + "_bucket";
        appendLabels(out, fam->labelNames(), k, "le", &le);
        out += ' ';
        appendNumber(out, static_cast<double>(cum));
        out += '\n';
      }
      out += name + "_sum";
      appendLabels(out, fam->labelNames(), k);
      out += ' ';
      appendNumber(out, h.sum());
      out += "\n" + name + "_count";
      appendLabels(out, fam->labelNames(), k);
      out += ' ';
      appendNumber(out, static_cast<double>(h.count()));
      out += '\n';
    });
  }
  return out;
}

std::vector<double> latencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

}  // namespace nm::metrics
