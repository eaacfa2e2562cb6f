// NatsDeadLetters: sequences FirstSeq..LastSeq of NM_DEADLETTER fetched one by one (gaps are
// deleted messages); a replay is published with Nats-Msg-Id "NM_DEADLETTER:<seq>" so a replay
// retried after a failed delete is dropped by the live stream's duplicate window.
#include "queue/nats_dead_letters.h"

#include "queue/nats_queue.h"

namespace nm {

namespace {

std::string jsText(natsStatus s, jsErrCode code) {
  std::string out = natsErrorText(s);
  if (code != 0) out += " (JetStream error " + std::to_string(static_cast<int>(code)) + ")";
  return out;
}

std::string header(natsMsg* m, const char* name) {
  const char* v = nullptr;
  if (natsMsgHeader_Get(m, name, &v) != NATS_OK || !v) return {};
  return v;
}

}  // namespace

NatsDeadLetters::NatsDeadLetters(NatsConnectOptions options) : conn_(std::move(options)) {}

bool NatsDeadLetters::connect(std::string& error) {
  if (!conn_.connect(error)) return false;
  jsCtx* js = nullptr;
  natsStatus s = natsConnection_JetStream(&js, conn_.get(), nullptr);
  if (s != NATS_OK) {
    error = "--store.nats.url: cannot open JetStream: " + natsErrorText(s);
    return false;
  }
  js_.reset(js);
  return true;
}

bool NatsDeadLetters::list(std::vector<DeadEntry>& out, std::string& error) {
  jsStreamInfo* si = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&si, js_.get(), kNatsDeadLetterStream, nullptr, &code);
  if (s == NATS_NOT_FOUND || code == JSStreamNotFoundErr) return true;  // nothing dead yet
  if (s != NATS_OK) {
    error = std::string("stream ") + kNatsDeadLetterStream + ": " + jsText(s, code);
    return false;
  }
  uint64_t first = si->State.FirstSeq, last = si->State.LastSeq, msgs = si->State.Msgs;
  jsStreamInfo_Destroy(si);
  if (msgs == 0) return true;
  for (uint64_t seq = first; seq <= last; ++seq) {
    natsMsg* raw = nullptr;
    code = static_cast<jsErrCode>(0);
    s = js_GetMsg(&raw, js_.get(), kNatsDeadLetterStream, seq, nullptr, &code);
    if (s == NATS_NOT_FOUND || code == JSNoMessageFoundErr) continue;  // deleted
    if (s != NATS_OK) {
      error = std::string("stream ") + kNatsDeadLetterStream + " message " + std::to_string(seq) +
              ": " + jsText(s, code);
      return false;
    }
    NatsMsgPtr m(raw);
    DeadEntry d;
    d.id = std::to_string(seq);
    d.reason = header(m.get(), "Nm-Dead-Reason");
    d.error = header(m.get(), "Nm-Error");
    d.partition = header(m.get(), "Nm-Subject");
    d.bytes.assign(natsMsg_GetData(m.get()), static_cast<size_t>(natsMsg_GetDataLength(m.get())));
    d.timeMs = natsMsg_GetTime(m.get()) / 1000000;
    out.push_back(std::move(d));
  }
  return true;
}

bool NatsDeadLetters::replay(const DeadEntry& entry, std::string& error) {
  // The subject it was queued on (its stream and partition); without one it stays dead.
  const std::string& subject = entry.partition;
  if (subject.empty()) {
    error = "no Nm-Subject header: the partition it came from is unknown";
    return false;
  }
  natsMsg* raw = nullptr;
  natsStatus s = natsMsg_Create(&raw, subject.c_str(), nullptr, entry.bytes.data(),
                                static_cast<int>(entry.bytes.size()));
  if (s != NATS_OK) {
    error = "cannot build the message: " + natsErrorText(s);
    return false;
  }
  NatsMsgPtr m(raw);
  std::string msgId = std::string(kNatsDeadLetterStream) + ":" + entry.id;
  natsMsgHeader_Set(m.get(), "Nats-Msg-Id", msgId.c_str());
  jsPubAck* pa = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  s = js_PublishMsg(&pa, js_.get(), m.get(), nullptr, &code);
  if (pa) jsPubAck_Destroy(pa);
  if (s != NATS_OK) {
    error = "publish to " + subject + ": " + jsText(s, code);
    return false;
  }
  return remove(entry, error);
}

bool NatsDeadLetters::remove(const DeadEntry& entry, std::string& error) {
  uint64_t seq = std::stoull(entry.id);
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_DeleteMsg(js_.get(), kNatsDeadLetterStream, seq, nullptr, &code);
  if (s != NATS_OK) {
    error = std::string("delete ") + kNatsDeadLetterStream + " message " + entry.id + ": " +
            jsText(s, code);
    return false;
  }
  return true;
}

}  // namespace nm
