// Line framing and watch-event decoding with RapidJSON (core/json.h); the object is kept as
// compact JSON text without managedFields and the last-applied annotation, its metadata pulled
// out for the store's key and resourceVersion.
#include "kube/watch_event.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json.h"

namespace nm::kube {

std::vector<std::string> LineSplitter::feed(std::string_view data) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] != '\n') continue;
    partial_.append(data.substr(start, i - start));
    if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
    if (!partial_.empty()) lines.push_back(std::move(partial_));
    partial_.clear();
    start = i + 1;
  }
  partial_.append(data.substr(start));
  return lines;
}

void stripBookkeeping(rapidjson::Value& obj) {
  auto meta = obj.FindMember("metadata");
  if (meta == obj.MemberEnd() || !meta->value.IsObject()) return;
  meta->value.RemoveMember("managedFields");
  auto annotations = meta->value.FindMember("annotations");
  if (annotations != meta->value.MemberEnd() && annotations->value.IsObject())
    annotations->value.RemoveMember("kubectl.kubernetes.io/last-applied-configuration");
}

bool objectText(rapidjson::Document::AllocatorType& alloc, rapidjson::Value& obj,
                const std::string& kind, const std::string& apiVersion, ObjectText& out) {
  stripBookkeeping(obj);
  if (const rapidjson::Value* meta = json::find(obj, "metadata")) {
    out.uid = json::stringMember(*meta, "uid").value_or("");
    out.ns = json::stringMember(*meta, "namespace").value_or("");
    out.name = json::stringMember(*meta, "name").value_or("");
    out.resourceVersion = json::stringMember(*meta, "resourceVersion").value_or("");
  }
  if (out.name.empty() || out.resourceVersion.empty()) return false;
  if (!kind.empty() && !obj.HasMember("kind"))
    obj.AddMember("kind", rapidjson::Value(kind.c_str(), alloc), alloc);
  if (!apiVersion.empty() && !obj.HasMember("apiVersion"))
    obj.AddMember("apiVersion", rapidjson::Value(apiVersion.c_str(), alloc), alloc);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  obj.Accept(w);
  out.json.assign(buf.GetString(), buf.GetSize());
  return true;
}

std::optional<WatchEvent> parseWatchEvent(std::string_view line, std::string& error,
                                          const std::string& kind, const std::string& apiVersion) {
  json::Parsed p = json::parse(line);
  if (!p.ok()) {
    error = "watch event is not JSON: " + p.error;
    return std::nullopt;
  }
  const auto type = json::stringMember(p.doc, "type");
  rapidjson::Value* obj = nullptr;
  if (p.doc.IsObject()) {
    auto it = p.doc.FindMember("object");
    if (it != p.doc.MemberEnd()) obj = &it->value;
  }
  if (!type || !obj || !obj->IsObject()) {
    error = "watch event needs a type and an object";
    return std::nullopt;
  }
  WatchEvent e;
  if (*type == "ADDED")
    e.type = WatchEvent::Type::Added;
  else if (*type == "MODIFIED")
    e.type = WatchEvent::Type::Modified;
  else if (*type == "DELETED")
    e.type = WatchEvent::Type::Deleted;
  else if (*type == "BOOKMARK")
    e.type = WatchEvent::Type::Bookmark;
  else if (*type == "ERROR")
    e.type = WatchEvent::Type::Error;
  else {
    error = "unknown watch event type \"" + *type + "\"";
    return std::nullopt;
  }
  if (e.type == WatchEvent::Type::Error) {
    e.code = static_cast<int>(json::intMember(*obj, "code").value_or(0));
    e.reason = json::stringMember(*obj, "reason").value_or("");
    e.message = json::stringMember(*obj, "message").value_or("");
    return e;
  }
  if (e.type == WatchEvent::Type::Bookmark) {
    if (const rapidjson::Value* meta = json::find(*obj, "metadata"))
      e.resourceVersion = json::stringMember(*meta, "resourceVersion").value_or("");
    if (e.resourceVersion.empty()) {
      error = "BOOKMARK event has no metadata.resourceVersion";
      return std::nullopt;
    }
    return e;
  }
  ObjectText t;
  if (!objectText(p.doc.GetAllocator(), *obj, kind, apiVersion, t)) {
    error = "watch event object has no metadata.name or metadata.resourceVersion";
    return std::nullopt;
  }
  e.object = std::move(t.json);
  e.uid = std::move(t.uid);
  e.ns = std::move(t.ns);
  e.name = std::move(t.name);
  e.resourceVersion = std::move(t.resourceVersion);
  return e;
}

}  // namespace nm::kube
