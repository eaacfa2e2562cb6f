// Which partition an alert belongs to (tenant, then group key, FNV-1a mod P) and each replica's
// fair share of the partitions: pure functions, the same on every replica and every build.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/alert.h"

namespace nm {

// 64-bit FNV-1a of `bytes`, continuing from `hash` (start with kFnvOffset).
constexpr uint64_t kFnvOffset = 14695981039346656037ull;
uint64_t fnv1a(std::string_view bytes, uint64_t hash = kFnvOffset);

// hash(tenant + "\n" + value1 + "\n" + value2 …) mod partitions; 0 when partitions is 0.
uint32_t partitionOf(std::string_view tenant, const std::vector<std::string_view>& groupValues,
                     uint32_t partitions);

// An alert's partition: its `tenantKey` label (the NotificationManager's tenantKey, "namespace"
// by default) and the values of `groupLabels` (spec.groupLabels), as the aggregate stage groups.
uint32_t partitionOfAlert(const Alert& alert, const std::string& tenantKey,
                          const std::vector<std::string>& groupLabels, uint32_t partitions);

// ceil(partitions / liveReplicas): the most partitions one replica holds; all of them when it
// knows of no live replica (itself not yet counted).
uint32_t fairShare(uint32_t partitions, uint32_t liveReplicas);

// Each alert's partition (parallel to `alerts`), from the current configuration: the queue
// backends' seam to partitionOfAlert (the daemon supplies it; default: namespace alone).
using Partitioner =
    std::function<void(const AlertList& alerts, uint32_t partitions, std::vector<uint32_t>& out)>;

}  // namespace nm
