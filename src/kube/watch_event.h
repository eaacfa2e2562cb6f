// The watch stream's framing: bytes → complete lines (a partial last line is held, and dropped
// when the stream ends), and one line → a typed watch event.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nm::kube {

class LineSplitter {
 public:
  // Appends `data`; returns the lines it completed (without the newline, empty lines skipped).
  std::vector<std::string> feed(std::string_view data);
  // Bytes of an unfinished line (a stream cut mid-line leaves them here).
  size_t pending() const { return partial_.size(); }
  void reset() { partial_.clear(); }

 private:
  std::string partial_;
};

struct WatchEvent {
  enum class Type { Added, Modified, Deleted, Bookmark, Error };
  Type type = Type::Added;
  std::string object;  // the object's JSON text
  std::string uid, ns, name, resourceVersion;
  // ERROR events: the Status.
  int code = 0;
  std::string reason, message;
};

// An object as stored: compact JSON with kind/apiVersion (list items of core kinds lack them),
// plus the metadata the store keys on.
struct ObjectText {
  std::string json, uid, ns, name, resourceVersion;
};
// Removes what the API server and kubectl keep for themselves and nothing here reads, often most
// of an object's size: metadata.managedFields and the kubectl.kubernetes.io/last-applied-
// configuration annotation.
void stripBookkeeping(rapidjson::Value& obj);

// `obj` must be an object; it is stripped of bookkeeping and kind/apiVersion are added when
// missing. False when it has no metadata.name or metadata.resourceVersion.
bool objectText(rapidjson::Document::AllocatorType& alloc, rapidjson::Value& obj,
                const std::string& kind, const std::string& apiVersion, ObjectText& out);

// nullopt and `error` set when the line is not a watch event. `kind`/`apiVersion` fill objects
// that lack them.
std::optional<WatchEvent> parseWatchEvent(std::string_view line, std::string& error,
                                          const std::string& kind = {},
                                          const std::string& apiVersion = {});

}  // namespace nm::kube
