// Unit tests for MemoryNotificationLog: query/record, expiry (query and gc), persistence through
// a fake durable StateBackend (round trip, expired and corrupt records), and the entry codec.
#include <gtest/gtest.h>

#include <map>

#include "dedup/memory_notification_log.h"
#include "dedup/nflog_codec.h"

namespace nm::dedup {
namespace {

using std::chrono::hours;

// A durable backend kept in a map: what a restart would read back.
class FakeDurableBackend final : public StateBackend {
 public:
  std::string name() const override { return "fake"; }
  bool durable() const override { return true; }
  void put(StateTable t, std::string key, std::string value) override {
    tables[t][std::move(key)] = std::move(value);
  }
  void erase(StateTable t, std::string key) override { tables[t].erase(key); }
  bool load(StateTable t, const std::function<void(std::string_view, std::string_view)>& fn,
            std::string& error) override {
    if (failLoad) {
      error = "disk on fire";
      return false;
    }
    for (const auto& [k, v] : tables[t]) fn(k, v);
    return true;
  }
  void flush() override {}
  std::map<StateTable, std::map<std::string, std::string>> tables;
  bool failLoad = false;
};

NotificationLogEntry entry(std::vector<uint64_t> firing, TimePoint sentAt, Duration ttl) {
  NotificationLogEntry e;
  e.firing = std::move(firing);
  e.resolved = {0xdeadbeefcafef00dULL};
  e.sentAt = sentAt;
  e.expiresAt = sentAt + ttl;
  return e;
}

TEST(NotificationLog, RecordThenQueryPerReceiverAndGroup) {
  MemoryNotificationLog log;
  const TimePoint t = now();
  EXPECT_FALSE(log.query("webhook/a", "{alertname=\"X\"}"));
  log.record("webhook/a", "{alertname=\"X\"}", entry({1, 2}, t, hours(8)));
  auto e = log.query("webhook/a", "{alertname=\"X\"}");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->firing, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(e->sentAt, t);
  EXPECT_FALSE(log.query("webhook/b", "{alertname=\"X\"}"));
  EXPECT_FALSE(log.query("webhook/a", "{alertname=\"Y\"}"));
  // The last record wins.
  log.record("webhook/a", "{alertname=\"X\"}", entry({3}, t, hours(8)));
  EXPECT_EQ(log.query("webhook/a", "{alertname=\"X\"}")->firing, (std::vector<uint64_t>{3}));
  EXPECT_EQ(log.size(), 1u);
}

TEST(NotificationLog, ExpiredEntriesReadAsAbsentAndAreCollected) {
  FakeDurableBackend backend;
  MemoryNotificationLog log({&backend, hours(1)});
  const TimePoint t = now();
  // The first record sweeps (nothing yet), the next sweep is due in an hour.
  log.record("webhook/a", "{x=\"1\"}", entry({1}, t, hours(8)));
  log.record("webhook/a", "{}", entry({1}, t - hours(9), hours(8)));  // expired an hour ago
  EXPECT_FALSE(log.query("webhook/a", "{}"));
  EXPECT_EQ(log.size(), 2u);
  EXPECT_EQ(backend.tables[StateTable::NotificationLog].size(), 2u);
  EXPECT_EQ(log.gc(t), 1u);
  EXPECT_EQ(log.size(), 1u);
  EXPECT_EQ(backend.tables[StateTable::NotificationLog].size(), 1u);  // erased there too
  EXPECT_TRUE(log.query("webhook/a", "{x=\"1\"}"));
}

TEST(NotificationLog, PersistsThroughADurableBackendAndLoadsAtStart) {
  FakeDurableBackend backend;
  const TimePoint t = now();
  {
    MemoryNotificationLog log({&backend});
    log.record("webhook/a", "{alertname=\"X\"}", entry({5, 7}, t, hours(8)));
    log.record("email/b", "{}", entry({9}, t - hours(9), hours(8)));  // expired before restart
  }
  auto& records = backend.tables[StateTable::NotificationLog];
  ASSERT_EQ(records.size(), 2u);
  records["garbage"] = "not an entry";  // skipped and erased, never fatal
  MemoryNotificationLog restarted({&backend});
  std::string error;
  ASSERT_TRUE(restarted.load(t, error)) << error;
  auto e = restarted.query("webhook/a", "{alertname=\"X\"}");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->firing, (std::vector<uint64_t>{5, 7}));
  EXPECT_EQ(e->resolved, (std::vector<uint64_t>{0xdeadbeefcafef00dULL}));
  EXPECT_EQ(e->sentAt, t);
  EXPECT_EQ(e->expiresAt, t + hours(8));
  EXPECT_EQ(restarted.size(), 1u);
  EXPECT_EQ(records.size(), 1u);  // the expired and the unreadable record are gone
}

TEST(NotificationLog, UnreadableBackendIsReportedAndTheLogStartsEmpty) {
  FakeDurableBackend backend;
  backend.failLoad = true;
  MemoryNotificationLog log({&backend});
  std::string error;
  EXPECT_FALSE(log.load(now(), error));
  EXPECT_EQ(error, "disk on fire");
  EXPECT_EQ(log.size(), 0u);
}

TEST(NotificationLog, MemoryBackendWritesNothing) {
  MemoryStateBackend memory;
  MemoryNotificationLog log({&memory});
  log.record("webhook/a", "{}", entry({1}, now(), hours(8)));
  std::string error;
  EXPECT_TRUE(log.load(now(), error));
  EXPECT_TRUE(log.query("webhook/a", "{}"));
}

TEST(NflogCodec, RoundTripAndStrictness) {
  NotificationLogEntry e = entry({1, 0xffffffffffffffffULL}, now(), hours(8));
  auto back = decodeEntry(encodeEntry(e));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->firing, e.firing);
  EXPECT_EQ(back->resolved, e.resolved);
  EXPECT_EQ(back->sentAt, e.sentAt);
  EXPECT_EQ(back->expiresAt, e.expiresAt);
  NotificationLogEntry empty;
  ASSERT_TRUE(decodeEntry(encodeEntry(empty)));
  EXPECT_FALSE(decodeEntry("2 0 0 0 0"));        // unknown version
  EXPECT_FALSE(decodeEntry("1 0 0 2 1"));        // short set
  EXPECT_FALSE(decodeEntry("1 0 0 2 b a 0"));    // unsorted
  EXPECT_FALSE(decodeEntry("1 0 0 0 0 extra"));  // trailing text
  std::string_view r, g;
  const std::string key = logKey("webhook/a", "{x=\"a\nb\"}");
  ASSERT_TRUE(splitLogKey(key, r, g));
  EXPECT_EQ(r, "webhook/a");
  EXPECT_EQ(g, "{x=\"a\nb\"}");
}

// Shared state: another replica's record replaces the entry unless the one held was sent later;
// nullopt drops it; nothing is written back.
TEST(MemoryNotificationLog, RemoteRecordNewerWinsAndIsNotWrittenBack) {
  FakeDurableBackend backend;
  MemoryNotificationLog log({&backend});
  const TimePoint t0 = nm::now();
  NotificationLogEntry older{{1}, {}, t0, t0 + hours(2)};
  NotificationLogEntry newer{{1, 2}, {}, t0 + hours(1), t0 + hours(3)};
  const std::string key = logKey("recv", "group");
  log.applyRemote(key, encodeEntry(newer));
  ASSERT_TRUE(log.query("recv", "group"));
  EXPECT_EQ(log.query("recv", "group")->firing.size(), 2u);
  log.applyRemote(key, encodeEntry(older));
  EXPECT_EQ(log.query("recv", "group")->firing.size(), 2u);
  EXPECT_TRUE(backend.tables[StateTable::NotificationLog].empty());
  log.applyRemote(key, std::string_view("garbage"));
  EXPECT_EQ(log.query("recv", "group")->firing.size(), 2u);
  log.applyRemote(key, std::nullopt);
  EXPECT_FALSE(log.query("recv", "group"));
}

}  // namespace
}  // namespace nm::dedup
