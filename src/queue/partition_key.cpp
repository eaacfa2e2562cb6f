// partitionOf and fairShare: FNV-1a over the tenant and group values, separated by "\n" (which
// label values may hold, but the count of values is fixed by groupLabels, so keys stay distinct
// enough for spreading; equal keys always land together, which is what matters).
#include "queue/partition_key.h"

namespace nm {

uint64_t fnv1a(std::string_view bytes, uint64_t hash) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

uint32_t partitionOf(std::string_view tenant, const std::vector<std::string_view>& groupValues,
                     uint32_t partitions) {
  if (partitions == 0) return 0;
  uint64_t h = fnv1a(tenant);
  for (std::string_view v : groupValues) {
    h = fnv1a("\n", h);
    h = fnv1a(v, h);
  }
  return static_cast<uint32_t>(h % partitions);
}

uint32_t partitionOfAlert(const Alert& alert, const std::string& tenantKey,
                          const std::vector<std::string>& groupLabels, uint32_t partitions) {
  std::vector<std::string_view> values;
  values.reserve(groupLabels.size());
  for (const std::string& l : groupLabels) values.push_back(alert.labels.get(l));
  return partitionOf(alert.labels.get(tenantKey), values, partitions);
}

uint32_t fairShare(uint32_t partitions, uint32_t liveReplicas) {
  if (liveReplicas == 0) return partitions;
  return (partitions + liveReplicas - 1) / liveReplicas;
}

}  // namespace nm
