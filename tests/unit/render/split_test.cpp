// Message splitting: chunks under the JSON-escaped byte limit, alerts kept in order and never
// lost, an oversized alert truncated at a UTF-8 boundary with the visible marker.
#include <gtest/gtest.h>

#include "render/functions.h"
#include "render/split.h"
#include "render_fixtures.h"

using namespace nm;
using namespace nm::render;
using namespace nm::render::testing;

namespace {

Data many(int n, const std::string& message) {
  AlertList alerts;
  for (int i = 0; i < n; ++i) {
    std::string pod = "pod-" + std::to_string(i);
    alerts.push_back(makeAlert({{"alertname", "A"}, {"pod", pod}}, {{"message", message}}));
  }
  return makeData(std::move(alerts), {{"alertname", "A"}});
}

size_t countAlerts(const SplitResult& s) {
  size_t n = 0;
  for (const auto& c : s.chunks) n += c.alerts.size();
  return n;
}

}  // namespace

TEST(Split, EverythingFitsInOneChunk) {
  Data d = many(3, "short");
  SplitResult s = splitMessages(*Renderer::builtin(), "nm.default.text", d, 100000);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s.chunks.size(), 1u);
  EXPECT_EQ(s.chunks[0].text, Renderer::builtin()->render("nm.default.text", d).text);
}

TEST(Split, ChunksStayUnderTheLimitAndKeepEveryAlertInOrder) {
  Data d = many(20, "a \"quoted\"\nmessage with <html> and 中文");
  const size_t limit = 400;
  SplitResult s = splitMessages(*Renderer::builtin(), "nm.default.text", d, limit);
  ASSERT_TRUE(s.ok()) << s.error;
  EXPECT_GT(s.chunks.size(), 2u);
  EXPECT_EQ(countAlerts(s), 20u);
  size_t i = 0;
  for (const auto& c : s.chunks) {
    EXPECT_LT(jsonEscapedSize(c.text), limit);
    EXPECT_FALSE(c.truncated);
    for (const auto& a : c.alerts) EXPECT_EQ(a, d.alerts[i++]);
    // The chunk is exactly its alerts rendered.
    EXPECT_EQ(c.text, Renderer::builtin()
                          ->render("nm.default.text", d, std::span<const AlertPtr>(c.alerts))
                          .text);
  }
}

TEST(Split, OversizedAlertIsTruncatedWithMarkerNotDropped) {
  Data d = many(3, "x");
  auto big = makeAlert({{"alertname", "Big"}}, {{"message", std::string(500, 'y') + "中文中文"}});
  d.alerts.insert(d.alerts.begin() + 1, big);
  const size_t limit = 200;
  SplitResult s = splitMessages(*Renderer::builtin(), "nm.default.text", d, limit);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(countAlerts(s), 4u);
  ASSERT_EQ(s.chunks.size(), 3u);
  EXPECT_EQ(s.chunks[1].alerts.size(), 1u);
  EXPECT_EQ(s.chunks[1].alerts[0], big);
  EXPECT_TRUE(s.chunks[1].truncated);
  EXPECT_LT(jsonEscapedSize(s.chunks[1].text), limit);
  EXPECT_EQ(s.chunks[1].text.substr(s.chunks[1].text.size() - kTruncatedMarker.size()),
            kTruncatedMarker);
  EXPECT_EQ(s.chunks[1].text.rfind("[FIRING] yyy", 0), 0u);
  EXPECT_EQ(s.chunks[2].alerts.size(), 2u);
}

TEST(Split, TruncationCutsAtUtf8BoundaryAndCountsEscapes) {
  EXPECT_EQ(escapedPrefix("中文", 4), "中");
  EXPECT_EQ(escapedPrefix("a\"b", 2), "a");
  EXPECT_EQ(escapedPrefix("a\"b", 3), "a\"");
  EXPECT_EQ(escapedPrefix("<", 5), "");
  EXPECT_EQ(escapedPrefix("<", 6), "<");
  Data d = many(1, std::string(100, '\n'));
  SplitResult s = splitMessages(*Renderer::builtin(), "nm.default.text", d, 50);
  ASSERT_EQ(s.chunks.size(), 1u);
  EXPECT_TRUE(s.chunks[0].truncated);
  EXPECT_LT(jsonEscapedSize(s.chunks[0].text), 50u);
}

TEST(Split, RenderErrorIsReported) {
  SplitResult s = splitMessages(*Renderer::builtin(), "nope", many(2, "x"), 1000);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.chunks.empty());
  EXPECT_NE(s.error.find("template \"nope\" not defined"), std::string::npos);
}
