// Watch framing: lines split across chunks, a cut mid-line held back (never parsed), event types,
// bookmarks, 410 ERROR events, kind/apiVersion filled in; backoff bounds; token re-reads.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "kube/backoff.h"
#include "kube/token_source.h"
#include "kube/watch_event.h"

namespace nm::kube {
namespace {

TEST(LineSplitterTest, JoinsChunksAndHoldsThePartialLine) {
  LineSplitter s;
  EXPECT_TRUE(s.feed("{\"a\":").empty());
  auto lines = s.feed("1}\n{\"b\":2}\r\n\n{\"c\"");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "{\"a\":1}");
  EXPECT_EQ(lines[1], "{\"b\":2}");
  EXPECT_EQ(s.pending(), 4u);  // a stream cut here drops `{"c"`
  s.reset();
  EXPECT_EQ(s.feed("{}\n"), std::vector<std::string>{"{}"});
}

TEST(WatchEventTest, AddedObjectGetsKindAndMetadata) {
  std::string error;
  auto e = parseWatchEvent(
      R"({"type":"ADDED","object":{"metadata":{"name":"s","namespace":"ns","uid":"u1","resourceVersion":"7"},"data":{}}})",
      error, "Secret", "v1");
  ASSERT_TRUE(e) << error;
  EXPECT_EQ(e->type, WatchEvent::Type::Added);
  EXPECT_EQ(e->ns, "ns");
  EXPECT_EQ(e->name, "s");
  EXPECT_EQ(e->uid, "u1");
  EXPECT_EQ(e->resourceVersion, "7");
  EXPECT_NE(e->object.find("\"kind\":\"Secret\""), std::string::npos);
  EXPECT_NE(e->object.find("\"apiVersion\":\"v1\""), std::string::npos);
}

TEST(WatchEventTest, ManagedFieldsAndLastAppliedAnnotationAreNotKept) {
  std::string error;
  auto e = parseWatchEvent(
      R"({"type":"ADDED","object":{"kind":"Receiver","metadata":{"name":"r","uid":"u",)"
      R"("resourceVersion":"5","managedFields":[{"manager":"kubectl"}],"annotations":{)"
      R"("kubectl.kubernetes.io/last-applied-configuration":"{\"big\":1}","keep":"me"}},)"
      R"("spec":{}}})",
      error);
  ASSERT_TRUE(e) << error;
  EXPECT_EQ(e->object.find("managedFields"), std::string::npos) << e->object;
  EXPECT_EQ(e->object.find("last-applied"), std::string::npos) << e->object;
  EXPECT_NE(e->object.find(R"("keep":"me")"), std::string::npos) << e->object;
  EXPECT_EQ(e->resourceVersion, "5");
}

TEST(WatchEventTest, BookmarkAndExpired) {
  std::string error;
  auto b = parseWatchEvent(
      R"({"type":"BOOKMARK","object":{"kind":"Receiver","metadata":{"resourceVersion":"99"}}})",
      error);
  ASSERT_TRUE(b) << error;
  EXPECT_EQ(b->type, WatchEvent::Type::Bookmark);
  EXPECT_EQ(b->resourceVersion, "99");
  auto x = parseWatchEvent(
      R"x({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}})x",
      error);
  ASSERT_TRUE(x) << error;
  EXPECT_EQ(x->type, WatchEvent::Type::Error);
  EXPECT_EQ(x->code, 410);
  EXPECT_EQ(x->reason, "Expired");
}

TEST(WatchEventTest, BadLinesAreErrors) {
  std::string error;
  EXPECT_FALSE(parseWatchEvent(R"({"type":"ADDED","object":{"metadata":{"name":"x")", error));
  EXPECT_NE(error.find("not JSON"), std::string::npos);
  EXPECT_FALSE(parseWatchEvent(R"({"type":"SOMETHING","object":{}})", error));
  EXPECT_EQ(error, "unknown watch event type \"SOMETHING\"");
  EXPECT_FALSE(parseWatchEvent(R"({"type":"ADDED","object":{"metadata":{"name":"x"}}})", error));
  EXPECT_FALSE(parseWatchEvent(R"({"type":"ADDED"})", error));
}

TEST(BackoffTest, StartsNearPointEightSecondsAndCapsAtThirty) {
  for (unsigned seed = 0; seed < 50; ++seed) {
    Backoff b(Backoff::Millis(800), Backoff::Millis(30000), seed);
    auto first = b.next();
    EXPECT_GE(first.count(), 800);
    EXPECT_LE(first.count(), 1200);
    Backoff::Millis last{};
    for (int i = 0; i < 20; ++i) {
      last = b.next();
      EXPECT_LE(last.count(), 30000);
    }
    EXPECT_GE(last.count(), 30000 * 2 / 3);  // the step is capped at 30 s, jitter stays within
    b.reset();
    EXPECT_LE(b.next().count(), 1200);
  }
}

TEST(BackoffTest, WatchTimeoutSpread) {
  std::mt19937 rng(1);
  for (int i = 0; i < 200; ++i) {
    const int t = randomWatchTimeoutSeconds(rng);
    EXPECT_GE(t, 300);
    EXPECT_LE(t, 600);
  }
}

TEST(TokenSourceTest, RereadsTheFileOnlyWhenDueOrInvalidated) {
  const auto path = std::filesystem::temp_directory_path() / "nm-token-source-test";
  std::ofstream(path) << "one\n";
  TokenSource t("", path.string(), std::chrono::hours(1));
  EXPECT_EQ(t.token(), "one");
  std::ofstream(path) << "two\n";
  EXPECT_EQ(t.token(), "one");  // not due yet
  t.invalidate();               // a 401
  EXPECT_EQ(t.token(), "two");
  std::ofstream(path) << "";
  t.invalidate();
  EXPECT_EQ(t.token(), "two");  // an empty file keeps the last token
  std::filesystem::remove(path);
  TokenSource inline_("abc", "");
  EXPECT_EQ(inline_.token(), "abc");
}

}  // namespace
}  // namespace nm::kube
