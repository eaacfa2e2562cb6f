// core/json against nlohmann, whose dump the channels used before: the same bytes for strings
// (invalid UTF-8, controls), numbers and re-serialized documents; parse errors and lookups.
#include "core/json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

namespace nm::json::test {
namespace {

std::string nlohmannDump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string asJsonString(std::string_view s) {
  std::string out;
  appendQuoted(out, s);
  return out;
}

std::string number(double v) {
  std::string out;
  appendDouble(out, v);
  return out;
}

TEST(Json, QuotesLikeNlohmann) {
  const std::vector<std::string> cases = {
      "",
      "plain",
      "a\"b\\c/d\n\t\r\b\f\x01\x0b\x1f\x7f",
      std::string("nul\0x", 5),
      "é 中 😀",
      "\xff \xc3( \xe2\x82 x \xe0\x80\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf",
      "cut\xe2\x82",
      "cut\xf0\x9f\x98",
  };
  for (const auto& s : cases) EXPECT_EQ(asJsonString(s), nlohmannDump(nlohmann::json(s))) << s;
  EXPECT_EQ(asJsonString("\x0b"), "\"\\u000b\"");  // lower-case hex, as before
  EXPECT_EQ(asJsonString("\xe2\x82"), "\"\xEF\xBF\xBD\"");
}

TEST(Json, QuotesRandomBytesLikeNlohmann) {
  // Bytes drawn mostly from the UTF-8 boundaries, so broken and cut sequences are frequent.
  const std::vector<unsigned char> pool = {
      0x00, 0x0a, 0x1f, 0x22, 0x2f, 0x41, 0x5c, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0,
      0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff};
  std::mt19937 rng(42);
  for (int n = 0; n < 20000; ++n) {
    std::string s(rng() % 12, '\0');
    for (auto& c : s) c = static_cast<char>(pool[rng() % pool.size()]);
    ASSERT_EQ(asJsonString(s), nlohmannDump(nlohmann::json(s))) << testing::PrintToString(s);
  }
}

TEST(Json, DoublesLikeNlohmann) {
  const std::vector<double> cases = {
      0.0,     -0.0,  1.0,     1.5,    -2.25,   0.1,   1e15,   1e16, 3e15,
      1.25e16, 1e-4,  1e-5,    1.5e-5, 123.456, 1e300, 5e-324, 1e21, 0.3,
      2.0 / 3, 1e100, -1e-100, 4.35,   0.001,   100.0, 1e-7,   65.2, 9007199254740993.0};
  for (double v : cases) EXPECT_EQ(number(v), nlohmannDump(nlohmann::json(v))) << v;
  // Random doubles (scaled decimals, then any bit pattern) read back as the same double. Where
  // 17 digits are needed, RapidJSON's Grisu2 may end in another last digit than nlohmann's did
  // (0.008704483032226563 vs ...562): both are exact round trips.
  std::mt19937_64 rng(7);
  for (int n = 0; n < 22000; ++n) {
    double v = 0;
    if (n < 2000) {
      v = std::ldexp(static_cast<double>(rng() % 1000000) / 1000.0,
                     static_cast<int>(rng() % 80) - 40);
    } else {
      const uint64_t bits = rng();
      std::memcpy(&v, &bits, sizeof v);
    }
    if (!std::isfinite(v)) continue;
    const std::string text = number(v);
    ASSERT_EQ(std::strtod(text.c_str(), nullptr), v) << text;
    const std::string theirs = nlohmannDump(nlohmann::json(v));
    ASSERT_EQ(text.size(), theirs.size()) << text << " " << theirs;  // same layout
  }
  EXPECT_EQ(number(std::nan("")), "null");
}

TEST(Json, ValueReserializesLikeNlohmann) {
  const std::vector<std::string> docs = {
      R"({"b":1,"a":[true,false,null,"x\u0001"],"c":{"z":-2,"y":1.50,"x":1e2}})",
      R"({"k":1,"k":2,"j":{"n":1,"n":{"m":3}}})",
      R"([18446744073709551615,-9223372036854775808,123456789012345678901234,-0,-0.0,1E-5])",
      R"({"é":1,"e":2,"E":3,"":4})",
      R"("just a string")",
  };
  for (const auto& d : docs) {
    Parsed p = parse(d);
    ASSERT_TRUE(p.ok()) << p.error;
    EXPECT_EQ(dump(p.doc), nlohmannDump(nlohmann::json::parse(d))) << d;
  }
}

TEST(Json, WriterKeepsWrittenOrder) {
  Writer w;
  w.startObject().member("z", "1").key("a").integer(-3).key("b").boolean(true).key("n").null();
  w.key("l").strings({"x", "\xff"}).endObject();
  EXPECT_EQ(w.take(),
            "{\"z\":\"1\",\"a\":-3,\"b\":true,\"n\":null,\"l\":[\"x\",\"\xEF\xBF\xBD\"]}");
}

TEST(Json, ParseRejectsWhatNlohmannRejected) {
  for (const std::string bad : {"", "{", "{} x", "[1,]", "{\"a\":\"\xff\"}", "1e400", "NaN"}) {
    Parsed p = parse(bad);
    EXPECT_FALSE(p.ok()) << bad;
    EXPECT_FALSE(p.error.empty());
    EXPECT_TRUE(p.doc.IsNull());
    EXPECT_FALSE(nlohmann::json::accept(bad)) << bad;
  }
  EXPECT_EQ(parse("{} x").error,
            "The document root must not be followed by other values. at offset 3");
  EXPECT_TRUE(parse(" {\"a\":1} \n").ok());
}

TEST(Json, Lookups) {
  Parsed p = parse(R"({"s":"x","i":7,"u":18446744073709551615,"d":1.5,"t":"1","s":"y"})");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(stringMember(p.doc, "s"), "y");  // the last of repeated keys, as nlohmann kept
  EXPECT_EQ(stringMember(p.doc, "i"), std::nullopt);
  EXPECT_EQ(intMember(p.doc, "i"), 7);
  EXPECT_EQ(intMember(p.doc, "u"), -1);  // wraps, as nlohmann's get<long>() did
  EXPECT_EQ(intMember(p.doc, "d"), std::nullopt);
  EXPECT_EQ(intMember(p.doc, "t"), std::nullopt);
  EXPECT_EQ(find(p.doc, "missing"), nullptr);
  EXPECT_EQ(find(p.doc["i"], "x"), nullptr);  // not an object
  auto members = sortedMembers(p.doc);
  ASSERT_EQ(members.size(), 5u);
  EXPECT_EQ(members.front().first, "d");
  EXPECT_EQ(members.back().first, "u");
}

}  // namespace
}  // namespace nm::json::test
