// The reflector's loop: list (limit/continue; an expired continue token restarts the list) →
// watch from the list's resourceVersion (bookmarks on, random timeoutSeconds) → re-watch on a
// normal close, relist on 410 Gone, jittered backoff on errors and on watches that close within
// a second with no event.
#include "kube/reflector.h"

#include "core/json.h"
#include "kube/watch_event.h"
#include "observe/log.h"

namespace nm::kube {

Reflector::Reflector(RestClient& client, ResourceType type, std::function<void()> onChange,
                     ReflectorOptions options)
    : client_(client),
      type_(std::move(type)),
      onChange_(std::move(onChange)),
      options_(std::move(options)),
      backoff_(options_.initialBackoff, options_.maxBackoff),
      rng_(std::random_device{}()) {}

Reflector::~Reflector() {
  stop();
}

void Reflector::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Reflector::stop() {
  {
    std::lock_guard<std::mutex> g(waitMu_);
    stopping_ = true;
  }
  waitCv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Reflector::relist() {
  ++relistWanted_;  // the running watch sees it within a second and ends
}

std::vector<ObjectPtr> Reflector::objects() const {
  std::lock_guard<std::mutex> g(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(store_.size());
  for (const auto& [k, v] : store_) out.push_back(v);
  return out;
}

ObjectPtr Reflector::find(const std::string& ns, const std::string& name) const {
  std::lock_guard<std::mutex> g(mu_);
  auto it = store_.find({ns, name});
  return it == store_.end() ? nullptr : it->second;
}

std::string Reflector::lastError() const {
  std::lock_guard<std::mutex> g(mu_);
  return error_;
}

bool Reflector::sleepFor(Backoff::Millis d) {
  std::unique_lock<std::mutex> l(waitMu_);
  waitCv_.wait_for(l, d, [this] { return stopping_.load(); });
  return !stopping_;
}

std::string Reflector::query(const std::string& extra) const {
  std::string q = type_.path + "?" + extra;
  if (!type_.fieldSelector.empty()) q += "&fieldSelector=" + queryEscape(type_.fieldSelector);
  return q;
}

void Reflector::fail(const std::string& what, const Response& r) {
  std::string msg = what + " " + type_.describe() + " failed: " + r.describe();
  {
    std::lock_guard<std::mutex> g(mu_);
    error_ = msg;
  }
  if (r.authError()) {
    log::error("Kubernetes API refused the request; check the ServiceAccount's RBAC / token",
               {{"resource", type_.describe()}, {"error", r.describe()}});
  } else if (r.status == 404 && type_.apiVersion != "v1") {
    log::error("resource not served by the API server; are the CRDs installed?",
               {{"resource", type_.describe()}, {"error", r.describe()}});
  } else {
    log::warn("Kubernetes API request failed; retrying", {{"error", msg}});
  }
}

bool Reflector::list() {
  const uint64_t wanted = relistWanted_.load();
  std::map<std::pair<std::string, std::string>, ObjectPtr> fresh;
  std::string cont, rv;
  bool restarted = false;
  for (;;) {
    std::string extra = "limit=" + std::to_string(options_.pageSize);
    if (!cont.empty()) extra += "&continue=" + queryEscape(cont);
    Response r = client_.get(query(extra));
    if (stopping_) return false;
    if (r.status == 410 && !cont.empty() && !restarted) {
      // The continue token expired between pages: start the list again, whole.
      log::info("list continue token expired; listing again", {{"resource", type_.describe()}});
      fresh.clear();
      cont.clear();
      restarted = true;
      continue;
    }
    if (!r.ok()) {
      fail("list", r);
      return false;
    }
    json::Parsed p = json::parse(r.body);
    const rapidjson::Value* items = p.ok() ? json::find(p.doc, "items") : nullptr;
    if (!items || !items->IsArray()) {
      Response bad = r;
      bad.status = 0;
      bad.error = "list answer is not a List: " + (p.ok() ? "no items" : p.error);
      fail("list", bad);
      return false;
    }
    rapidjson::Value& arr = p.doc.FindMember("items")->value;
    for (auto& item : arr.GetArray()) {
      if (!item.IsObject()) continue;
      ObjectText t;
      if (!objectText(p.doc.GetAllocator(), item, type_.kind, type_.apiVersion, t)) continue;
      if (options_.keep && !options_.keep(t.ns, t.name)) continue;
      ObjectPtr o = stored(std::move(t.uid), std::move(t.ns), std::move(t.name),
                           std::move(t.resourceVersion), std::move(t.json));
      fresh[{o->ns, o->name}] = std::move(o);
    }
    const rapidjson::Value* meta = json::find(p.doc, "metadata");
    rv = meta ? json::stringMember(*meta, "resourceVersion").value_or("") : "";
    cont = meta ? json::stringMember(*meta, "continue").value_or("") : "";
    if (cont.empty()) break;
  }
  resourceVersion_ = rv;
  {
    std::lock_guard<std::mutex> g(mu_);
    store_ = std::move(fresh);
    error_.clear();
  }
  ++lists_;
  relistDone_ = wanted;
  synced_ = true;
  onChange_();
  return true;
}

bool Reflector::applyEvent(const std::string& line, bool& expired, std::string& error) {
  auto e = parseWatchEvent(line, error, type_.kind, type_.apiVersion);
  if (!e) return false;
  using T = WatchEvent::Type;
  if (e->type == T::Error) {
    if (e->code == 410) {
      expired = true;
      return true;
    }
    error = "watch ERROR event: " + std::to_string(e->code) + " " + e->reason + ": " + e->message;
    return false;
  }
  resourceVersion_ = e->resourceVersion;
  if (e->type == T::Bookmark) return true;
  std::pair<std::string, std::string> key{e->ns, e->name};
  ObjectPtr o;  // made (and digested) before taking the store's lock
  if (e->type != T::Deleted && (!options_.keep || options_.keep(e->ns, e->name)))
    o = stored(std::move(e->uid), std::move(e->ns), std::move(e->name),
               std::move(e->resourceVersion), std::move(e->object));
  std::lock_guard<std::mutex> g(mu_);
  if (o)
    store_[std::move(key)] = std::move(o);
  else
    store_.erase(key);
  return true;
}

ObjectPtr Reflector::stored(std::string uid, std::string ns, std::string name,
                            std::string resourceVersion, std::string json) const {
  auto o = std::make_shared<StoredObject>(
      StoredObject{type_.kind, type_.apiVersion, std::move(uid), std::move(ns), std::move(name),
                   std::move(resourceVersion), std::move(json), nullptr});
  if (options_.digest) {
    o->digest = options_.digest(*o);
    std::string().swap(o->json);  // assigning an empty string would keep the buffer
  }
  return o;
}

Reflector::WatchEnd Reflector::watch(size_t& events, std::string& error) {
  const int timeout = randomWatchTimeoutSeconds(rng_);
  const std::string path =
      query("watch=true&allowWatchBookmarks=true&resourceVersion=" + queryEscape(resourceVersion_) +
            "&timeoutSeconds=" + std::to_string(timeout));
  LineSplitter lines;
  bool expired = false;
  std::string lineError;
  auto onData = [&](std::string_view data) {
    bool changed = false;
    for (const std::string& l : lines.feed(data)) {
      if (!applyEvent(l, expired, lineError)) return false;
      if (expired) return false;
      ++events;
      changed = true;
    }
    if (changed) onChange_();
    return true;
  };
  RequestOptions o;
  o.timeout = std::chrono::seconds(timeout + 60);
  auto stop = [this] { return stopping_.load() || relistWanted_.load() > relistDone_.load(); };
  Response r = client_.stream(path, onData, stop, o);
  if (expired) return WatchEnd::Expired;
  if (!lineError.empty()) {
    error = lineError;
    return WatchEnd::Failed;
  }
  if (r.status == 410) return WatchEnd::Expired;
  if (!r.ok() && r.status >= 300) {
    fail("watch", r);
    error = r.describe();
    return WatchEnd::Failed;
  }
  if (!r.error.empty()) {
    // The stream was cut (maybe mid-line: that partial event is dropped and watched again).
    error = "watch stream ended: " + r.error;
    return WatchEnd::Failed;
  }
  return WatchEnd::Closed;
}

void Reflector::run() {
  bool needList = true;
  while (!stopping_) {
    if (needList) {
      if (!list()) {
        if (!sleepFor(backoff_.next())) return;
        continue;
      }
      needList = false;
      backoff_.reset();
    }
    const auto t0 = std::chrono::steady_clock::now();
    size_t events = 0;
    std::string error;
    const WatchEnd end = watch(events, error);
    if (stopping_) return;
    if (relistWanted_.load() > relistDone_.load()) {
      needList = true;
      continue;
    }
    if (end == WatchEnd::Expired) {
      log::info("watch resourceVersion expired (410 Gone); listing again",
                {{"resource", type_.describe()}, {"resource_version", resourceVersion_}});
      needList = true;
      continue;
    }
    if (events > 0) {
      // It delivered: watch again at once from the last event's resourceVersion.
      backoff_.reset();
      continue;
    }
    const bool quick = std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1);
    if (end == WatchEnd::Failed || quick) {
      if (end == WatchEnd::Failed)
        log::warn("watch failed; reconnecting with backoff",
                  {{"resource", type_.describe()}, {"error", error}});
      if (!sleepFor(backoff_.next())) return;
      continue;
    }
    backoff_.reset();
  }
}

}  // namespace nm::kube
