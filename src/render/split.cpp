// splitMessages: the reference's incremental re-render per added alert, with truncation at a
// UTF-8 boundary instead of dropping an oversized alert.
#include "render/split.h"

#include "render/functions.h"
#include "template/gofmt.h"

namespace nm::render {

std::string_view escapedPrefix(std::string_view s, size_t limit) {
  size_t used = 0, i = 0;
  while (i < s.size()) {
    size_t w = 0;
    tmpl::decodeRune(s, i, w);
    const size_t cost = jsonEscapedSize(s.substr(i, w));
    if (used + cost > limit) break;
    used += cost;
    i += w;
  }
  return s.substr(0, i);
}

namespace {

std::string truncate(const std::string& text, size_t maxSize) {
  const size_t room = maxSize == 0 ? 0 : maxSize - 1;
  const size_t marker = jsonEscapedSize(kTruncatedMarker);
  if (room < marker) return std::string(escapedPrefix(kTruncatedMarker, room));
  std::string out(escapedPrefix(text, room - marker));
  out += kTruncatedMarker;
  return out;
}

}  // namespace

SplitResult splitMessages(const Renderer& renderer, std::string_view name, const Data& data,
                          size_t maxSize) {
  SplitResult res;
  Chunk cur;
  auto renderSpan = [&](const AlertList& alerts, std::string& out) {
    RenderResult r = renderer.render(name, data, std::span<const AlertPtr>(alerts));
    if (!r.ok()) {
      res.error = r.error;
      return false;
    }
    out = std::move(r.text);
    return true;
  };
  for (const auto& a : data.alerts) {
    cur.alerts.push_back(a);
    std::string text;
    if (!renderSpan(cur.alerts, text)) return {{}, res.error};
    if (jsonEscapedSize(text) < maxSize) {
      cur.text = std::move(text);
      continue;
    }
    if (cur.alerts.size() > 1) {
      // Flush what fitted; the alert starts the next chunk.
      cur.alerts.pop_back();
      res.chunks.push_back(std::move(cur));
      cur = Chunk{};
      cur.alerts.push_back(a);
      if (!renderSpan(cur.alerts, text)) return {{}, res.error};
      if (jsonEscapedSize(text) < maxSize) {
        cur.text = std::move(text);
        continue;
      }
    }
    cur.text = truncate(text, maxSize);
    cur.truncated = true;
    res.chunks.push_back(std::move(cur));
    cur = Chunk{};
  }
  if (!cur.alerts.empty()) res.chunks.push_back(std::move(cur));
  return res;
}

}  // namespace nm::render
