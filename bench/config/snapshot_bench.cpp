// In-process snapshot builder benchmark (issue #10): decode and build N Receivers + N Configs (the
// reload benchmark's shapes), then rebuild after one receiver changes; heap from mallinfo2.
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "config/snapshot_builder.h"
#include "interfaces/channel.h"
#include "model/decode.h"
#include "notify/http_client_curl.h"
#include "notify/smtp_client_curl.h"
#include "notify/throttle.h"
#include "notify/token_cache.h"
#include "observe/log.h"
#include "observe/metrics.h"

namespace {

const char* kV2 = "apiVersion: notification.kubesphere.io/v2beta2\n";

std::string receiver(int i, const std::string& suffix) {
  return std::string(kV2) + "kind: Receiver\nmetadata:\n  name: r-" + std::to_string(i) +
         "\n  labels:\n    type: tenant\n    namespace: tenant-" + std::to_string(i) +
         "\nspec:\n  webhook:\n    enabled: true\n    url: http://127.0.0.1:19099/tenant/" +
         std::to_string(i) + suffix + "\n    webhookConfigSelector:\n      matchLabels:\n" +
         "        config: c-" + std::to_string(i) + "\n";
}

std::string config(int i) {
  return std::string(kV2) + "kind: Config\nmetadata:\n  name: c-" + std::to_string(i) +
         "\n  labels:\n    type: tenant\n    namespace: tenant-" + std::to_string(i) +
         "\n    config: c-" + std::to_string(i) + "\nspec:\n  webhook: {}\n";
}

std::string nmText() {
  return std::string(kV2) +
         "kind: NotificationManager\nmetadata: {name: bench}\nspec:\n"
         "  defaultConfigSelector: {matchLabels: {type: default}}\n"
         "  receivers:\n    tenantKey: namespace\n"
         "    globalReceiverSelector: {matchLabels: {type: global}}\n"
         "    tenantReceiverSelector: {matchLabels: {type: tenant}}\n";
}

double heapMb() {
  struct mallinfo2 mi = mallinfo2();
  return static_cast<double>(mi.uordblks) / (1024.0 * 1024.0);
}

// Decoded like the directory source does: one text per 100 documents.
nm::model::ResourceSet decodeAll(int n, int changed) {
  nm::model::ResourceSet rs;
  nm::model::Diagnostics diags;
  nm::model::decodeText(nmText(), "nm.yaml", rs, diags);
  const int per = 100;
  for (int f = 0; f * per < n; ++f) {
    std::string rtext, ctext;
    for (int i = f * per; i < std::min(n, (f + 1) * per); ++i) {
      rtext += receiver(i, i == changed ? "-changed" : "") + "---\n";
      ctext += config(i) + "---\n";
    }
    nm::model::decodeText(rtext, "receivers-" + std::to_string(f) + ".yaml", rs, diags);
    nm::model::decodeText(ctext, "configs-" + std::to_string(f) + ".yaml", rs, diags);
  }
  if (!diags.ok()) {
    std::fprintf(stderr, "%s\n", diags.str().c_str());
    std::exit(1);
  }
  return rs;
}

double msSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  nm::log::setup(nm::log::Level::Error, false);
  nm::metrics::Registry reg;
  nm::Throttle throttle(reg);
  nm::TokenCache tokens;
  auto smtp = nm::makeCurlSmtpClient();
  auto http = nm::makeCurlHttpClient({});
  const nm::ChannelServices services{*http, *smtp, throttle, tokens, reg};
  nm::config::SnapshotStore store;

  const double base = heapMb();
  auto t0 = std::chrono::steady_clock::now();
  auto rs = decodeAll(n, -1);
  const double decodeMs = msSince(t0);
  const double decoded = heapMb();
  t0 = std::chrono::steady_clock::now();
  auto built = nm::config::buildSnapshot(std::move(rs), {&services, "bench", 1, "a"});
  const double buildMs = msSince(t0);
  if (!built.snapshot) {
    std::fprintf(stderr, "%s\n", built.diags.str().c_str());
    return 1;
  }
  store.publish(built.snapshot);
  built = {};
  const double first = heapMb();
  std::printf(
      "%d receivers + %d configs: decode %.0f ms (heap +%.1f MB), build %.0f ms, "
      "snapshot heap %.1f MB (%.2f KB per receiver+config)\n",
      n, n, decodeMs, decoded - base, buildMs, first - base, (first - base) * 1024.0 / n);
  for (int round = 0; round < 3; ++round) {
    t0 = std::chrono::steady_clock::now();
    auto rs2 = decodeAll(n, round % 2 == 0 ? n / 2 : -1);
    const double d2 = msSince(t0);
    auto cur = store.current();
    t0 = std::chrono::steady_clock::now();
    auto b2 = nm::config::buildSnapshot(std::move(rs2),
                                        {&services, "bench", uint64_t(round) + 2, "b", cur});
    const double ms = msSince(t0);
    const double both = heapMb();
    const size_t reused = b2.receiversReused;
    store.publish(b2.snapshot);
    cur.reset();
    b2 = {};
    std::printf(
        "rebuild %d (one receiver changed): decode %.0f ms, build %.0f ms, notifiers "
        "reused %zu, heap with both snapshots %.1f MB, after %.1f MB\n",
        round + 1, d2, ms, reused, both - base, heapMb() - base);
  }
  return 0;
}
