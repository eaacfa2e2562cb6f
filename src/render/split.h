// Message splitting for channels with size limits: alerts are added one by one and the chunk
// re-rendered, measured as JSON-escaped bytes; an alert alone over the limit is truncated with a
// visible marker, never dropped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/data.h"
#include "render/renderer.h"

namespace nm::render {

inline constexpr std::string_view kTruncatedMarker = "…[truncated]";

struct Chunk {
  AlertList alerts;
  std::string text;        // rendered; its JSON-escaped size is below the limit
  bool truncated = false;  // a single alert cut to fit
};

struct SplitResult {
  std::vector<Chunk> chunks;
  std::string error;  // a render error: no chunks then
  bool ok() const { return error.empty(); }
};

// Chunks of data's alerts, in order, each rendered with `name` to a text whose JSON-escaped byte
// length is below maxSize. Every alert is in exactly one chunk.
SplitResult splitMessages(const Renderer& renderer, std::string_view name, const Data& data,
                          size_t maxSize);

// The longest prefix of s, cut at a UTF-8 boundary, whose JSON-escaped size is at most limit.
std::string_view escapedPrefix(std::string_view s, size_t limit);

}  // namespace nm::render
