// NatsQueue: pushes are asynchronous JetStream publishes of packed messages, one per partition a
// push touches (Nats-Msg-Id = alertPackId of their alerts, so the stream's duplicate window drops
// a re-post) answered Accepted once every publish ack arrived; pulls batch fetched messages by
// size and age; acks, naks, terms, dead letters and +WPI heartbeats run on the settler thread,
// kept (never dropped) across a reconnect.
#include "queue/nats_queue.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "observe/log.h"
#include "queue/alert_pack.h"

namespace nm {

std::string natsAlertSubjectPrefix(const std::string& stream) {
  return stream == "NM_ALERTS" ? std::string("nm.alerts.") : "nm.q." + stream + ".";
}

std::string natsAlertSubjects(const std::string& stream) {
  return natsAlertSubjectPrefix(stream) + ">";
}

std::string natsAlertSubject(const std::string& stream, uint32_t partition) {
  return natsAlertSubjectPrefix(stream) + std::to_string(partition);
}

namespace {

using std::chrono::milliseconds;

constexpr Duration kCountsRefresh = milliseconds(500);
constexpr Duration kMaxFetchWait = milliseconds(200);
// A fetch allocates room for every message it asks for: ask for a bounded number.
constexpr size_t kMaxFetch = 1024;
constexpr Duration kRequestTimeout = std::chrono::seconds(5);
// The waiting fetch of a round that found nothing: short, so the other owned partitions'
// new messages wait at most this long for the next NoWait round.
constexpr Duration kIdleFetchWait = milliseconds(25);

std::string defaultReplica() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
    std::snprintf(host, sizeof host, "nm");
  return std::string(host) + "-" + std::to_string(getpid());
}

void defaultPartitions(const AlertList& alerts, uint32_t partitions, std::vector<uint32_t>& out) {
  static const std::vector<std::string> kNoGroup;
  for (const AlertPtr& a : alerts)
    out.push_back(partitionOfAlert(*a, "namespace", kNoGroup, partitions));
}

struct NatsBatchHandle final : BatchHandle {
  NatsBatchHandle(const void* q, std::vector<SharedNatsMsg> m) : owner(q), msgs(std::move(m)) {}
  const void* owner;
  std::vector<SharedNatsMsg> msgs;
  std::atomic<bool> settled{false};
};

int64_t millis(Duration d) {
  return std::max<int64_t>(0, std::chrono::duration_cast<milliseconds>(d).count());
}

int64_t nanos(Duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

std::chrono::time_point<Clock, Clock::duration> toClock(TimePoint t) {
  return std::chrono::time_point_cast<Clock::duration>(t);
}

std::string jsError(natsStatus s, jsErrCode code) {
  std::string out = natsErrorText(s);
  if (code != 0) out += " (JetStream error " + std::to_string(static_cast<int>(code)) + ")";
  return out;
}

// The message's stream sequence and delivery count; zeros when it carries no metadata.
std::pair<uint64_t, uint64_t> sequenceAndDeliveries(natsMsg* m) {
  jsMsgMetaData* meta = nullptr;
  if (natsMsg_GetMetaData(&meta, m) != NATS_OK || !meta) return {0, 0};
  std::pair<uint64_t, uint64_t> out{meta->Sequence.Stream, meta->NumDelivered};
  jsMsgMetaData_Destroy(meta);
  return out;
}

}  // namespace

std::string natsPartitionConsumer(const std::string& consumer, uint32_t partition) {
  return consumer + "-" + std::to_string(partition);
}

namespace {

NatsConnectOptions withStateLog(NatsConnectOptions o) {
  std::string url = redactedNatsUrl(o.url);
  o.onStateChange = [url](bool up) {
    if (up)
      log::info("nats is reachable again", {{"url", url}});
    else
      log::warn("nats connection lost: alerts are refused with 503, acks wait", {{"url", url}});
  };
  return o;
}

}  // namespace

NatsQueue::NatsQueue(NatsQueueOptions options)
    : options_(std::move(options)), conn_(withStateLog(options_.connect)) {
  if (options_.maxMsgs == 0) options_.maxMsgs = 1;
  if (options_.maxDeliver < 1) options_.maxDeliver = 1;
  if (options_.partitions == 0) options_.partitions = 1;
  if (options_.replica.empty()) options_.replica = defaultReplica();
  for (uint32_t p = 0; p < options_.partitions; ++p) owned_.insert(p);
  partitioner_ = std::make_shared<const Partitioner>(defaultPartitions);
}

std::string NatsQueue::unavailableReason() const {
  if (conn_.connected()) return {};
  natsConnection* nc = conn_.get();
  const std::string url = redactedNatsUrl(options_.connect.url);
  if (!nc) return "not connected yet to " + url;
  switch (natsConnection_Status(nc)) {
    case NATS_CONN_STATUS_CLOSED:
      return "connection to " + url + " closed";
    case NATS_CONN_STATUS_CONNECTING:
      return "connecting to " + url;
    default:
      return "connection to " + url + " lost, reconnecting";
  }
}

void NatsQueue::setPartitioner(Partitioner partitioner) {
  std::lock_guard<std::mutex> g(mu_);
  partitioner_ = std::make_shared<const Partitioner>(std::move(partitioner));
}

void NatsQueue::setOwned(const PartitionSet& owned) {
  {
    std::lock_guard<std::mutex> g(mu_);
    owned_.clear();
    for (uint32_t p : owned)
      if (p < options_.partitions) owned_.insert(p);
    ++ownedGen_;
  }
  settled_.notify_all();
}

bool NatsQueue::partitionDrained(uint32_t partition) const {
  std::lock_guard<std::mutex> g(mu_);
  // A fetch begun before the owned set changed may still bring messages of `partition`, and
  // what it brought is naked only by pull's next purge.
  if (carryGen_ != ownedGen_ || (fetching_ && fetchingGen_ != ownedGen_)) return false;
  for (const auto& [m, h] : held_)
    if (h.part == partition) return false;
  return true;
}

NatsQueue::~NatsQueue() {
  close();
  {
    std::lock_guard<std::mutex> g(mu_);
    stopping_ = true;
  }
  settlerWake_.notify_all();
  if (settler_.joinable()) settler_.join();
  // Before the messages and the context go: no ack handler may run on a destroyed queue.
  conn_.close();
  subs_.clear();
}

bool NatsQueue::ensureStream(const std::string& name, const char* subjects, bool workQueue,
                             std::string& error) {
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = name.c_str();
  const char* subjectList[] = {subjects};
  cfg.Subjects = subjectList;
  cfg.SubjectsLen = 1;
  cfg.Storage = js_FileStorage;
  if (workQueue) {
    // Acked messages leave the stream, so MaxMsgs bounds what waits; a full stream refuses.
    cfg.Retention = js_WorkQueuePolicy;
    cfg.MaxMsgs = static_cast<int64_t>(options_.maxMsgs);
    cfg.Discard = js_DiscardNew;
  } else {
    cfg.Retention = js_LimitsPolicy;
    cfg.MaxMsgs = 100000;
    cfg.Discard = js_DiscardOld;
  }
  jsStreamInfo* si = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&si, js_.get(), name.c_str(), nullptr, &code);
  bool exists = s == NATS_OK;
  if (si) jsStreamInfo_Destroy(si);
  si = nullptr;
  if (!exists && code != JSStreamNotFoundErr && s != NATS_NOT_FOUND) {
    error = "stream " + name + ": " + jsError(s, code);
    return false;
  }
  code = static_cast<jsErrCode>(0);
  s = exists ? js_UpdateStream(&si, js_.get(), &cfg, nullptr, &code)
             : js_AddStream(&si, js_.get(), &cfg, nullptr, &code);
  if (si) jsStreamInfo_Destroy(si);
  if (s != NATS_OK) {
    error = std::string(exists ? "cannot update stream " : "cannot create stream ") + name +
            " (subjects " + subjects + "): " + jsError(s, code);
    return false;
  }
  return true;
}

bool NatsQueue::ensureConsumer(uint32_t p, std::string& error) {
  const std::string name = natsPartitionConsumer(options_.consumer, p);
  const std::string subject = natsAlertSubject(options_.stream, p);
  jsConsumerConfig cc;
  jsConsumerConfig_Init(&cc);
  cc.Durable = name.c_str();
  cc.FilterSubject = subject.c_str();
  cc.AckPolicy = js_AckExplicit;
  cc.DeliverPolicy = js_DeliverAll;
  cc.AckWait = nanos(options_.ackWait);
  // One delivery more than --store.nats.max-deliver: the queue sees the exceeding delivery and
  // moves it to the dead letters (the server alone would leave it in the stream for ever).
  cc.MaxDeliver = options_.maxDeliver + 1;
  cc.MaxAckPending = static_cast<int64_t>(std::max<size_t>(options_.maxMsgs, 1000));
  jsConsumerInfo* ci = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s =
      js_GetConsumerInfo(&ci, js_.get(), options_.stream.c_str(), cc.Durable, nullptr, &code);
  bool exists = s == NATS_OK;
  if (ci) jsConsumerInfo_Destroy(ci);
  ci = nullptr;
  code = static_cast<jsErrCode>(0);
  s = exists ? js_UpdateConsumer(&ci, js_.get(), options_.stream.c_str(), &cc, nullptr, &code)
             : js_AddConsumer(&ci, js_.get(), options_.stream.c_str(), &cc, nullptr, &code);
  if (ci) jsConsumerInfo_Destroy(ci);
  if (s != NATS_OK) {
    error = "--store.nats.consumer \"" + options_.consumer + "\": consumer " + name + ": " +
            jsError(s, code);
    return false;
  }
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = options_.stream.c_str();
  so.Consumer = name.c_str();
  natsSubscription* sub = nullptr;
  code = static_cast<jsErrCode>(0);
  s = js_PullSubscribe(&sub, js_.get(), subject.c_str(), name.c_str(), nullptr, &so, &code);
  if (s != NATS_OK) {
    error = "--store.nats.consumer \"" + options_.consumer + "\": cannot subscribe to " + name +
            ": " + jsError(s, code);
    return false;
  }
  subs_[p].reset(sub);
  return true;
}

void NatsQueue::dropLegacyConsumer() {
  // Before partitions one consumer read nm.alerts.>; a work-queue stream refuses consumers whose
  // filters overlap, so it goes. Its unacked messages stay in the stream for the partitions'.
  jsConsumerInfo* ci = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetConsumerInfo(&ci, js_.get(), options_.stream.c_str(),
                                    options_.consumer.c_str(), nullptr, &code);
  if (ci) jsConsumerInfo_Destroy(ci);
  if (s != NATS_OK) return;
  code = static_cast<jsErrCode>(0);
  s = js_DeleteConsumer(js_.get(), options_.stream.c_str(), options_.consumer.c_str(), nullptr,
                        &code);
  log::warn("deleted the unpartitioned consumer of an earlier version",
            {{"stream", options_.stream},
             {"consumer", options_.consumer},
             {"result", s == NATS_OK ? std::string("ok") : jsError(s, code)}});
}

bool NatsQueue::ensureConsumers(std::string& error) {
  dropLegacyConsumer();
  subs_.resize(options_.partitions);
  for (uint32_t p = 0; p < options_.partitions; ++p)
    if (!ensureConsumer(p, error)) return false;
  refreshCounts();
  return true;
}

bool NatsQueue::start(std::string& error) {
  if (!conn_.connect(error)) return false;
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = millis(kRequestTimeout);
  jo.PublishAsync.MaxPending = static_cast<int64_t>(std::max<size_t>(options_.maxMsgs, 4096));
  jo.PublishAsync.AckHandler = &NatsQueue::onPubAck;
  jo.PublishAsync.AckHandlerClosure = this;
  jo.PublishAsync.StallWait = millis(kRequestTimeout);
  jsCtx* js = nullptr;
  if (natsStatus s = natsConnection_JetStream(&js, conn_.get(), &jo); s != NATS_OK) {
    error = "--store.nats.url: no JetStream context: " + natsErrorText(s);
    return false;
  }
  js_.reset(js);
  std::string err;
  if (!ensureStream(options_.stream, natsAlertSubjects(options_.stream).c_str(), true, err)) {
    error = "--store.nats.stream \"" + options_.stream + "\": " + err +
            " (is JetStream enabled on the server: nats-server -js?)";
    return false;
  }
  if (!ensureStream(kNatsDeadLetterStream, "nm.deadletter.>", false, err)) {
    error = "--store.nats.url: dead-letter " + err;
    return false;
  }
  if (!ensureConsumers(error)) return false;
  log::info("nats queue", {{"url", redactedNatsUrl(options_.connect.url)},
                           {"stream", options_.stream},
                           {"consumers", natsPartitionConsumer(options_.consumer, 0) + ".." +
                                             std::to_string(options_.partitions - 1)},
                           {"replica", options_.replica},
                           {"pending", std::to_string(pending_.load())}});
  settler_ = std::thread([this] { settlerLoop(); });
  return true;
}

bool NatsQueue::finishPublish(PushRequest& req, PushResult r) {
  // Full wins over Unavailable: the sender is told the stream is full, not that it is down.
  if (r == PushResult::Full || (r != PushResult::Accepted && req.result == PushResult::Accepted))
    req.result = r;
  if (--req.remaining == 0 && !req.answered) {
    req.answered = true;
    return true;
  }
  return false;
}

void NatsQueue::complete(PushRequest& req) {
  if (req.result == PushResult::Accepted) {
    pending_ += req.payloads.size();  // until the next refresh, so Full sees it at once
  } else if (req.result == PushResult::Full) {
    log::warn("jetstream stream is full: the sender gets 503",
              {{"stream", options_.stream}, {"max_msgs", std::to_string(options_.maxMsgs)}});
  }
  if (req.done)
    req.done(req.result);
  else
    req.answer.set_value(req.result);
}

void NatsQueue::onPubAck(jsCtx*, natsMsg* msg, jsPubAck*, jsPubAckErr* pae, void* closure) {
  auto* self = static_cast<NatsQueue*>(closure);
  PushResult r = PushResult::Accepted;
  if (pae) {
    std::string text = pae->ErrText ? pae->ErrText : natsStatus_GetText(pae->Err);
    bool full = pae->ErrCode == JSStreamStoreFailedErr ||
                text.find("maximum messages") != std::string::npos;
    r = full ? PushResult::Full : PushResult::Unavailable;
    if (!full)
      log::warn("jetstream refused a publish: the sender gets 503",
                {{"stream", self->options_.stream}, {"error", text}});
  }
  std::shared_ptr<PushRequest> last;
  {
    std::lock_guard<std::mutex> g(self->pubMu_);
    auto it = self->inFlight_.find(msg);
    if (it != self->inFlight_.end()) {
      std::shared_ptr<PushRequest> req = std::move(it->second);
      self->inFlight_.erase(it);
      if (self->finishPublish(*req, r)) last = std::move(req);
    }
  }
  natsMsg_Destroy(msg);
  if (last) self->complete(*last);
}

std::shared_ptr<NatsQueue::PushRequest> NatsQueue::preparePush(const AlertList& alerts,
                                                               Duration timeout,
                                                               PushResult& early) {
  early = PushResult::Accepted;
  if (alerts.empty()) return nullptr;
  early = PushResult::Closed;
  if (closed_) return nullptr;
  early = PushResult::Unavailable;
  if (!conn_.connected()) return nullptr;
  const size_t count = alerts.size();
  std::shared_ptr<const Partitioner> partitioner;
  {
    std::lock_guard<std::mutex> g(mu_);
    partitioner = partitioner_;
  }
  std::vector<uint32_t> parts;
  parts.reserve(count);
  (*partitioner)(alerts, options_.partitions, parts);
  parts.resize(count, 0);
  // One message per partition touched, its alerts in the push's order; a new message of that
  // partition past kNatsPackBytes.
  std::map<uint32_t, std::vector<const Alert*>> byPart;
  for (size_t k = 0; k < count; ++k)
    byPart[parts[k] % options_.partitions].push_back(alerts[k].get());
  auto req = std::make_shared<PushRequest>();
  for (const auto& [part, partAlerts] : byPart) {
    std::vector<const Alert*> members;
    size_t bytes = 0;
    auto flush = [&, p = part] {
      if (members.empty()) return;
      appendAlertPack(req->payloads.emplace_back(), members);
      // The statuses are part of the id: a resolved re-post of a firing alert is news, not a dup.
      req->ids.push_back(alertPackId(members));
      req->parts.push_back(p);
      members.clear();
      bytes = 0;
    };
    for (const Alert* a : partAlerts) {
      // A rough size: labels and annotations dominate an alert's bytes.
      size_t approx = 64 + a->id.size() + a->generatorURL.size();
      for (const auto& [k, v] : a->labels) approx += 8 + k.size() + v.size();
      for (const auto& [k, v] : a->annotations) approx += 8 + k.size() + v.size();
      if (!members.empty() && bytes + approx > kNatsPackBytes) flush();
      members.push_back(a);
      bytes += approx;
    }
    flush();
  }
  const size_t n = req->payloads.size();
  early = PushResult::Full;
  if (n > options_.maxMsgs) return nullptr;
  if (pending_ + n > options_.maxMsgs) {
    if (timeout <= Duration::zero()) return nullptr;
    std::unique_lock<std::mutex> lk(mu_);
    if (!room_.wait_for(lk, timeout, [&] {
          return closed_ || !conn_.connected() || pending_ + n <= options_.maxMsgs;
        }))
      return nullptr;
    early = PushResult::Closed;
    if (closed_) return nullptr;
    early = PushResult::Unavailable;
    if (!conn_.connected()) return nullptr;
  }
  req->remaining = n;
  return req;
}

void NatsQueue::pushAsync(AlertList alerts, std::function<void(PushResult)> done) {
  PushResult early;
  std::shared_ptr<PushRequest> req = preparePush(alerts, Duration::zero(), early);
  if (!req) return done(early);
  req->done = std::move(done);
  publish(req);
}

PushResult NatsQueue::push(AlertList alerts, Duration timeout) {
  PushResult early;
  std::shared_ptr<PushRequest> req = preparePush(alerts, timeout, early);
  if (!req) return early;
  std::future<PushResult> answer = req->answer.get_future();
  publish(req);
  // The ack handler answers every publish (MaxWait bounds each); this bound only guards a wedge
  // (the messages may still land: the sender's retry is then dropped as a duplicate).
  if (answer.wait_for(2 * kRequestTimeout) != std::future_status::ready)
    return PushResult::Unavailable;
  return answer.get();
}

void NatsQueue::publish(const std::shared_ptr<PushRequest>& req) {
  const size_t n = req->payloads.size();
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MaxWait = millis(kRequestTimeout);  // cnats answers the ack handler with a timeout after it
  std::string subject;
  for (size_t k = 0; k < n; ++k) {
    const std::string& bytes = req->payloads[k];
    subject = natsAlertSubject(options_.stream, req->parts[k]);
    natsMsg* m = nullptr;
    natsStatus s =
        natsMsg_Create(&m, subject.c_str(), nullptr, bytes.data(), static_cast<int>(bytes.size()));
    if (s == NATS_OK) s = natsMsgHeader_Set(m, "Nats-Msg-Id", req->ids[k].c_str());
    if (s == NATS_OK) {
      natsMsg* key = m;
      {
        std::lock_guard<std::mutex> g(pubMu_);
        inFlight_[key] = req;
      }
      s = js_PublishMsgAsync(js_.get(), &m, &po);
      if (s != NATS_OK && m) {
        std::lock_guard<std::mutex> g(pubMu_);
        inFlight_.erase(key);
      }
    }
    if (s != NATS_OK) {
      natsMsg_Destroy(m);
      // This one and every one not sent count as failed; those sent are answered by cnats.
      bool last = false;
      {
        std::lock_guard<std::mutex> g(pubMu_);
        for (size_t rest = k; rest < n; ++rest)
          last = finishPublish(*req, PushResult::Unavailable) || last;
      }
      if (last) complete(*req);
      break;
    }
  }
}

void NatsQueue::take(natsMsg* m, uint32_t part, TimePoint t) {
  SharedNatsMsg msg = shareNatsMsg(m);
  auto [seq, delivered] = sequenceAndDeliveries(m);
  if (delivered == 0) delivered = 1;
  std::string err, reason;
  std::optional<std::vector<Alert>> decoded;
  std::string_view bytes(natsMsg_GetData(m), static_cast<size_t>(natsMsg_GetDataLength(m)));
  if (delivered > static_cast<uint64_t>(options_.maxDeliver)) {
    reason = "max-deliver";
    err = "delivered " + std::to_string(delivered) + " times, over --store.nats.max-deliver " +
          std::to_string(options_.maxDeliver);
  } else {
    decoded = decodeAlertPack(bytes, err);
    if (!decoded) reason = "undecodable";
  }
  std::lock_guard<std::mutex> g(mu_);
  held_[m] = HeldMsg{msg, part};
  if (!decoded) {
    // The whole message goes: every alert it says it holds.
    log::error("queue message moved to the dead-letter stream",
               {{"stream", kNatsDeadLetterStream},
                {"subject", kNatsDeadLetterPrefix + reason},
                {"sequence", std::to_string(seq)},
                {"partition", std::to_string(part)},
                {"alerts", std::to_string(alertPackCount(bytes))},
                {"reason", reason},
                {"error", err}});
    dead_.push_back({std::move(msg), reason, err});
    settlerWake_.notify_one();
    return;
  }
  bool wasEmpty = carry_.empty();
  Held h{std::move(msg), {}, delivered, part};
  h.alerts.reserve(decoded->size());
  for (Alert& a : *decoded) h.alerts.push_back(std::make_shared<const Alert>(std::move(a)));
  carryAlerts_ += h.alerts.size();
  carry_.push_back(std::move(h));
  if (wasEmpty) {
    TimePoint received = carry_.front().alerts.front()->receivedAt;
    carryDue_ = received == kZeroTime || received > t ? t : received;
  }
}

PulledBatch NatsQueue::makeBatch(size_t maxSize) {
  // One delivery count per batch: a redelivered message is not batched with first deliveries.
  const uint64_t delivered = carry_.front().delivered;
  PulledBatch b;
  std::vector<SharedNatsMsg> msgs;
  std::vector<Held> rest;
  // Whole messages up to maxSize alerts; the first one even when it alone has more.
  bool full = false;
  for (Held& h : carry_) {
    if (!full && h.delivered == delivered &&
        (msgs.empty() || b.alerts.size() + h.alerts.size() <= maxSize)) {
      b.alerts.insert(b.alerts.end(), h.alerts.begin(), h.alerts.end());
      msgs.push_back(std::move(h.msg));
    } else {
      full = full || h.delivered == delivered;
      rest.push_back(std::move(h));
    }
  }
  carryAlerts_ -= b.alerts.size();
  carry_ = std::move(rest);
  if (!carry_.empty()) {
    TimePoint t = now(), received = carry_.front().alerts.front()->receivedAt;
    carryDue_ = received == kZeroTime ? t : std::min(received, t);
  }
  {
    std::lock_guard<std::mutex> g(mu_);
    ++unsettled_;
  }
  b.deliveries = static_cast<uint32_t>(delivered);
  b.handle = std::make_shared<NatsBatchHandle>(this, std::move(msgs));
  return b;
}

void NatsQueue::purgeCarry() {
  std::vector<SharedNatsMsg> gone;
  {
    std::lock_guard<std::mutex> g(mu_);
    if (carryGen_ == ownedGen_) return;
    carryGen_ = ownedGen_;
    std::vector<Held> keep;
    for (Held& h : carry_) {
      if (owned_.count(h.part)) {
        keep.push_back(std::move(h));
        continue;
      }
      held_.erase(h.msg.get());
      settles_.push_back({h.msg, SettleKind::Nak, 0});
      carryAlerts_ -= h.alerts.size();
      gone.push_back(std::move(h.msg));
    }
    carry_ = std::move(keep);
    if (!carry_.empty()) {
      TimePoint t = now(), received = carry_.front().alerts.front()->receivedAt;
      carryDue_ = received == kZeroTime ? t : std::min(received, t);
    }
  }
  if (!gone.empty()) {
    // Naked at once: the partition's new owner gets them without waiting for AckWait.
    log::info("unread messages of a partition no longer owned handed back",
              {{"messages", std::to_string(gone.size())}});
    settlerWake_.notify_one();
  }
}

int NatsQueue::fetchFrom(uint32_t part, size_t count, bool noWait, Duration wait) {
  natsMsgList list{};
  jsFetchRequest req;
  jsFetchRequest_Init(&req);
  req.Batch = static_cast<int>(std::max<size_t>(count, 1));
  req.NoWait = noWait;
  req.Expires = nanos(std::max<Duration>(wait, milliseconds(1)));
  natsStatus s = natsSubscription_FetchRequest(&list, subs_[part].get(), &req);
  const TimePoint t = now();
  int taken = 0;
  if (s == NATS_OK) {
    for (int i = 0; i < list.Count; ++i) {
      take(list.Msgs[i], part, t);
      list.Msgs[i] = nullptr;  // owned by take
      ++taken;
    }
  }
  natsMsgList_Destroy(&list);
  if (s == NATS_OK || s == NATS_TIMEOUT || s == NATS_NOT_FOUND) {
    fetchWarned_ = false;
    return taken;
  }
  if (!fetchWarned_)
    log::warn("nats queue cannot fetch", {{"partition", std::to_string(part)},
                                          {"error", jsError(s, static_cast<jsErrCode>(0))}});
  fetchWarned_ = true;
  return -1;
}

std::optional<PulledBatch> NatsQueue::pull(size_t maxSize, Duration maxWait) {
  if (maxSize == 0) maxSize = 1;
  std::lock_guard<std::mutex> pg(pullMu_);
  for (;;) {
    purgeCarry();
    TimePoint t = now();
    bool closed = closed_;
    if (!carry_.empty() && (closed || carryAlerts_ >= maxSize || carryDue_ + maxWait <= t))
      return makeBatch(maxSize);
    if (closed) {
      // Nothing new is fetched once closed: unread messages stay for the next start or another
      // replica. Nacked ones are the server's to redeliver.
      std::unique_lock<std::mutex> lk(mu_);
      if (unsettled_ == 0) return std::nullopt;
      settled_.wait_for(lk, milliseconds(100));
      continue;
    }
    Duration wait = kMaxFetchWait;
    if (!carry_.empty()) wait = std::min<Duration>(wait, carryDue_ + maxWait - t);
    std::vector<uint32_t> parts;
    {
      std::unique_lock<std::mutex> lk(mu_);
      if (owned_.empty() || !conn_.connected()) {  // nothing to read: wait for a partition
        const uint64_t gen = ownedGen_;
        settled_.wait_for(lk, std::min<Duration>(wait, milliseconds(100)),
                          [&] { return closed_ || ownedGen_ != gen; });
        continue;
      }
      parts.assign(owned_.begin(), owned_.end());
      fetching_ = true;
      fetchingGen_ = ownedGen_;
    }
    // A NoWait round over every owned partition, from a rotating start so none starves. A
    // message holds one or more alerts: ask for at most the alerts still missing.
    auto room = [&] { return std::min(kMaxFetch, maxSize - std::min(maxSize - 1, carryAlerts_)); };
    const size_t first = nextWaitPart_++ % parts.size();
    int got = 0;
    bool failed = false;
    for (size_t k = 0; k < parts.size() && carryAlerts_ < maxSize; ++k) {
      int n = fetchFrom(parts[(first + k) % parts.size()], room(), true, wait);
      if (n < 0) {
        failed = true;
        break;
      }
      got += n;
    }
    // Nothing anywhere: wait a little on one of them (the others are asked again next round).
    if (got == 0 && !failed)
      failed = fetchFrom(parts[first], room(), false, std::min<Duration>(wait, kIdleFetchWait)) < 0;
    {
      std::lock_guard<std::mutex> g(mu_);
      fetching_ = false;
    }
    if (failed) {
      std::unique_lock<std::mutex> lk(mu_);
      settled_.wait_for(lk, std::min<Duration>(wait, milliseconds(100)),
                        [&] { return closed_.load(); });
    }
  }
}

void NatsQueue::queueSettles(const std::vector<SharedNatsMsg>& msgs, SettleKind kind,
                             int64_t delayMs) {
  {
    std::lock_guard<std::mutex> g(mu_);
    --unsettled_;
    for (const SharedNatsMsg& m : msgs) {
      held_.erase(m.get());  // a lost partition's message was forgotten already
      settles_.push_back({m, kind, delayMs});
    }
  }
  settlerWake_.notify_one();
  settled_.notify_all();
}

void NatsQueue::ack(const PulledBatch& batch) {
  auto* h = dynamic_cast<NatsBatchHandle*>(batch.handle.get());
  if (!h || h->owner != this || h->settled.exchange(true)) return;
  queueSettles(h->msgs, SettleKind::Ack, 0);
}

void NatsQueue::nack(PulledBatch batch, Duration delay) {
  auto* h = dynamic_cast<NatsBatchHandle*>(batch.handle.get());
  if (!h || h->owner != this || h->settled.exchange(true)) return;
  delay = std::clamp(delay, Duration::zero(), Duration(std::chrono::hours(24 * 365)));
  queueSettles(h->msgs, SettleKind::Nak, millis(delay));
}

bool NatsQueue::publishDeadLetter(const DeadLetter& d) {
  natsMsg* raw = nullptr;
  std::string subject = kNatsDeadLetterPrefix + d.reason;
  natsStatus s = natsMsg_Create(&raw, subject.c_str(), nullptr, natsMsg_GetData(d.msg.get()),
                                natsMsg_GetDataLength(d.msg.get()));
  if (s != NATS_OK) return false;
  NatsMsgPtr m(raw);
  auto [seq, delivered] = sequenceAndDeliveries(d.msg.get());
  // The same poison message dead-lettered twice (a crash before its Term) is stored once.
  std::string id = options_.stream + ":" + std::to_string(seq);
  natsMsgHeader_Set(m.get(), "Nats-Msg-Id", id.c_str());
  natsMsgHeader_Set(m.get(), "Nm-Dead-Reason", d.reason.c_str());
  natsMsgHeader_Set(m.get(), "Nm-Error", d.error.c_str());
  natsMsgHeader_Set(m.get(), "Nm-Subject", natsMsg_GetSubject(d.msg.get()));
  natsMsgHeader_Set(m.get(), "Nm-Deliveries", std::to_string(delivered).c_str());
  jsPubAck* pa = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  s = js_PublishMsg(&pa, js_.get(), m.get(), nullptr, &code);
  if (pa) jsPubAck_Destroy(pa);
  if (s != NATS_OK) {
    log::warn("cannot write the dead letter yet", {{"error", jsError(s, code)}});
    return false;
  }
  return true;
}

void NatsQueue::refreshCounts() {
  // A work-queue stream holds exactly the messages not yet acked, whichever partition.
  jsStreamInfo* si = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&si, js_.get(), options_.stream.c_str(), nullptr, &code);
  if (s == NATS_OK && si) pending_ = static_cast<size_t>(si->State.Msgs);
  if (si) jsStreamInfo_Destroy(si);
}

bool NatsQueue::sendSettle(Settle& st) {
  natsMsg* m = st.msg.get();
  if (st.resend) {
    const char* reply = natsMsg_GetReply(m);
    if (!reply || !*reply) return true;
    std::string body;
    switch (st.kind) {
      case SettleKind::Ack:
        body = "+ACK";
        break;
      case SettleKind::Nak:
        body = "-NAK {\"delay\": " + std::to_string(st.delayMs * 1000000) + "}";
        break;
      case SettleKind::Term:
        body = "+TERM";
        break;
    }
    return natsConnection_Publish(conn_.get(), reply, body.data(), static_cast<int>(body.size())) ==
           NATS_OK;
  }
  natsStatus s = NATS_OK;
  switch (st.kind) {
    case SettleKind::Ack:
      s = natsMsg_Ack(m, nullptr);
      break;
    case SettleKind::Nak:
      s = natsMsg_NakWithDelay(m, st.delayMs, nullptr);
      break;
    case SettleKind::Term:
      s = natsMsg_Term(m, nullptr);
      break;
  }
  // Already acknowledged counts as done.
  return s == NATS_OK || s == NATS_ILLEGAL_STATE;
}

void NatsQueue::settlerLoop() {
  const Duration heartbeatEvery = std::max<Duration>(options_.ackWait / 3, milliseconds(100));
  TimePoint nextRefresh = now() + kCountsRefresh;
  TimePoint nextHeartbeat = now() + heartbeatEvery;
  for (;;) {
    std::vector<Settle> settles;
    std::vector<DeadLetter> dead;
    std::vector<SharedNatsMsg> heartbeat;
    bool stopping;
    bool up = conn_.connected();
    {
      std::unique_lock<std::mutex> lk(mu_);
      TimePoint wake = std::min(nextRefresh, nextHeartbeat);
      if (!up) wake = std::min(wake, now() + milliseconds(100));
      settlerWake_.wait_until(lk, toClock(wake), [&] {
        return stopping_ || (up && (!settles_.empty() || !dead_.empty()));
      });
      stopping = stopping_;
      if (up || stopping) {
        settles.swap(settles_);
        dead.swap(dead_);
      }
      if (now() >= nextHeartbeat) {
        // Only owned partitions': a lost one's in-flight messages go to its new owner after
        // AckWait unless their acks land first.
        for (auto& [p, h] : held_)
          if (owned_.count(h.part)) heartbeat.push_back(h.msg);
        nextHeartbeat = now() + heartbeatEvery;
      }
    }
    up = conn_.connected();
    std::vector<Settle> retry;
    std::vector<DeadLetter> deadRetry;
    size_t sent = 0;
    for (Settle& st : settles) {
      if (!sendSettle(st)) {
        retry.push_back(std::move(st));
      } else {
        st.resend = true;  // should the flush below fail
        settles[sent++] = std::move(st);
      }
    }
    settles.resize(sent);
    // A PONG after the acks proves the server read them; an ack written into a connection that
    // then died would otherwise be lost and its alert delivered again after AckWait.
    if (!settles.empty() && natsConnection_FlushTimeout(conn_.get(), 2000) != NATS_OK)
      retry.insert(retry.end(), std::make_move_iterator(settles.begin()),
                   std::make_move_iterator(settles.end()));
    for (DeadLetter& d : dead) {
      if (!up || !publishDeadLetter(d)) {
        deadRetry.push_back(std::move(d));
        continue;
      }
      natsStatus s = natsMsg_Term(d.msg.get(), nullptr);
      std::lock_guard<std::mutex> g(mu_);
      held_.erase(d.msg.get());
      if (s != NATS_OK) settles_.push_back({d.msg, SettleKind::Term, 0});
    }
    for (const SharedNatsMsg& m : heartbeat) natsMsg_InProgress(m.get(), nullptr);
    if (up && now() >= nextRefresh) {
      refreshCounts();
      nextRefresh = now() + kCountsRefresh;
      room_.notify_all();
    }
    if (!retry.empty() || !deadRetry.empty()) {
      std::lock_guard<std::mutex> g(mu_);
      settles_.insert(settles_.begin(), std::make_move_iterator(retry.begin()),
                      std::make_move_iterator(retry.end()));
      dead_.insert(dead_.begin(), std::make_move_iterator(deadRetry.begin()),
                   std::make_move_iterator(deadRetry.end()));
    }
    if (stopping) {
      if (up) natsConnection_FlushTimeout(conn_.get(), 2000);
      std::lock_guard<std::mutex> g(mu_);
      if (!settles_.empty())
        log::warn("nats queue stopped with acks not sent: those alerts will be redelivered",
                  {{"messages", std::to_string(settles_.size())}});
      return;
    }
  }
}

void NatsQueue::close() {
  closed_ = true;
  {
    std::lock_guard<std::mutex> g(mu_);  // orders the flag against waiters' predicates
  }
  settled_.notify_all();
  room_.notify_all();
}

}  // namespace nm
