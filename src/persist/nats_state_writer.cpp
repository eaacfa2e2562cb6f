// NatsStateBackend's writer thread: pending records are published as one pipelined batch of
// JetStream publishes to the buckets' subjects, then settled from their publish acks.
#include <algorithm>
#include <vector>

#include "nats/nats_kv_key.h"
#include "observe/log.h"
#include "persist/nats_state_backend.h"

namespace nm::persist {

namespace {

int64_t millis(Duration d) {
  return std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

}  // namespace

bool NatsStateBackend::startWriter(std::string& error) {
  // A JetStream context of its own: its publish acks come to onWriteAck. At most kMaxInFlight
  // publishes wait for acks; past it a publish stalls (up to the connect timeout) for room.
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = millis(options_.connect.timeout);
  jo.PublishAsync.MaxPending = kMaxInFlight;
  jo.PublishAsync.AckHandler = &NatsStateBackend::onWriteAck;
  jo.PublishAsync.AckHandlerClosure = this;
  jo.PublishAsync.StallWait = millis(options_.connect.timeout);
  jsCtx* js = nullptr;
  if (natsStatus s = natsConnection_JetStream(&js, conn_.get(), &jo); s != NATS_OK) {
    error = "--store.nats.url: JetStream: " + natsErrorText(s);
    return false;
  }
  writeJs_.reset(js);
  writer_ = std::thread([this] { writerLoop(); });
  return true;
}

void NatsStateBackend::onWriteAck(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae,
                                  void* closure) {
  auto* self = static_cast<NatsStateBackend*>(closure);
  {
    std::lock_guard<std::mutex> g(self->ackMu_);
    auto it = self->acks_.find(msg);
    if (it != self->acks_.end()) {
      WriteAck& a = it->second;
      if (pa && !pae) {
        a.done = true;
        a.rev = pa->Sequence;
      } else {
        a.error = pae && pae->ErrText ? std::string(pae->ErrText)
                                      : natsErrorText(pae ? pae->Err : NATS_ERR);
      }
      a.answered = true;
      ++self->ackCount_;
    }
  }
  self->acked_.notify_all();
  natsMsg_Destroy(msg);
}

bool NatsStateBackend::settleRecord(size_t t, const std::string& key,
                                    const std::optional<std::string>& value, const WriteAck& a) {
  std::lock_guard<std::mutex> g(knownMu_);
  Known& k = known_[t][key];
  k.writing = false;
  if (!a.done) {
    if (k.skippedRev) recheck_[t].insert(key);
    k.skippedRev = 0;
    if (k.rev == 0 && k.hash == 0) known_[t].erase(key);  // never held: forget it again
    return false;
  }
  // A foreign entry skipped while this write was in flight may be newer than it: read the key.
  if (k.skippedRev && (!value || k.skippedRev > a.rev)) recheck_[t].insert(key);
  k.skippedRev = 0;
  if (value) {
    k.hash = valueHash(*value);
    k.rev = std::max(k.rev, a.rev);
    k.present = true;
  } else if (!recheck_[t].count(key)) {
    known_[t].erase(key);
  } else {
    k.present = false;
  }
  return true;
}

bool NatsStateBackend::writeBatch(Writes (&batch)[kStateTableCount], std::string& error) {
  // Every record is published before any ack is awaited: one round trip per batch, not one per
  // record. A put is a message on the bucket's subject holding "<replica id>\n<value>"; an erase
  // is an empty one with the KV-Operation: DEL header, as kvStore_Put and kvStore_Delete send.
  struct Sent {
    size_t table;
    Writes::iterator record;
    natsMsg* msg;
  };
  std::vector<Sent> sent;
  std::string refused;
  for (size_t t = 0; t < kStateTableCount && refused.empty(); ++t) {
    const std::string prefix = "$KV." + bucket(kStateTables[t]) + ".";
    for (auto it = batch[t].begin(); it != batch[t].end(); ++it) {
      {
        std::lock_guard<std::mutex> g(knownMu_);
        known_[t][it->first].writing = true;
      }
      const std::string subject = prefix + natsKvKey(it->first);
      std::string stored;
      if (it->second) stored = options_.replicaId + "\n" + *it->second;
      natsMsg* msg = nullptr;
      natsStatus s = natsMsg_Create(&msg, subject.c_str(), nullptr, stored.data(),
                                    static_cast<int>(stored.size()));
      if (s == NATS_OK && !it->second) s = natsMsgHeader_Set(msg, "KV-Operation", "DEL");
      if (s == NATS_OK) {
        std::lock_guard<std::mutex> g(ackMu_);
        acks_.emplace(msg, WriteAck{});
      }
      natsMsg* keep = msg;
      if (s == NATS_OK) s = js_PublishMsgAsync(writeJs_.get(), &msg, nullptr);
      if (s != NATS_OK) {
        // Not sent: the library gave the message back (or it was never made).
        {
          std::lock_guard<std::mutex> g(ackMu_);
          acks_.erase(keep);
        }
        if (msg) natsMsg_Destroy(msg);
        settleRecord(t, it->first, it->second, WriteAck{});
        refused = natsErrorText(s);
        break;
      }
      sent.push_back({t, it, keep});
    }
  }

  // Every ack, or the timeout: what has no answer by then counts as failed and is written again.
  {
    std::unique_lock<std::mutex> lk(ackMu_);
    acked_.wait_for(lk, options_.connect.timeout, [&] { return ackCount_ >= sent.size(); });
  }
  natsMsgList unanswered{};
  if (js_PublishAsyncGetPendingList(&unanswered, writeJs_.get()) == NATS_OK)
    natsMsgList_Destroy(&unanswered);  // their acks, should they come, are no longer awaited
  std::unordered_map<natsMsg*, WriteAck> acks;
  {
    std::lock_guard<std::mutex> g(ackMu_);
    acks.swap(acks_);
    ackCount_ = 0;
  }

  bool ok = refused.empty();
  error = refused;
  for (const Sent& s : sent) {
    const WriteAck& a = acks[s.msg];
    if (settleRecord(s.table, s.record->first, s.record->second, a)) {
      metrics_.writes[s.table]->inc();
      batch[s.table].erase(s.record);
      continue;
    }
    if (ok) error = a.answered ? a.error : "no publish ack within the connect timeout";
    ok = false;
  }
  return ok;
}

void NatsStateBackend::writerLoop() {
  Duration backoff = options_.backoffMin;
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    wake_.wait_for(lk, options_.commitInterval, [&] {
      return stopping_ || flushWanted_ || pendingCount_ >= options_.commitBatch;
    });
    flushWanted_ = false;
    if (pendingCount_ == 0) {
      written_ = enqueued_;
      flushed_.notify_all();
      if (stopping_) return;
      continue;
    }
    Writes batch[kStateTableCount];
    for (size_t i = 0; i < kStateTableCount; ++i) batch[i].swap(pending_[i]);
    const uint64_t taken = enqueued_;
    writingCount_ = pendingCount_;
    pendingCount_ = 0;
    lk.unlock();
    std::string error;
    const bool ok = writeBatch(batch, error);
    lk.lock();
    writingCount_ = 0;
    if (ok) {
      backoff = options_.backoffMin;
      written_ = taken;
      metrics_.pending.set(static_cast<double>(pendingCount_));
      flushed_.notify_all();
      continue;
    }
    metrics_.writeErrors.inc();
    log::error("cannot write state to NATS; the records stay pending and are retried",
               {{"backend", name()}, {"error", error}});
    // Newer values queued meanwhile win over the failed ones.
    for (size_t i = 0; i < kStateTableCount; ++i)
      for (auto& [key, value] : batch[i])
        if (pending_[i].try_emplace(key, std::move(value)).second) ++pendingCount_;
    metrics_.pending.set(static_cast<double>(pendingCount_));
    if (stopping_) {
      log::error("state records lost: NATS could not be written at shutdown",
                 {{"backend", name()}, {"records", std::to_string(pendingCount_)}});
      return;
    }
    wake_.wait_for(lk, backoff, [&] { return stopping_; });
    backoff = std::min(backoff * 2, options_.backoffMax);
  }
}

}  // namespace nm::persist
