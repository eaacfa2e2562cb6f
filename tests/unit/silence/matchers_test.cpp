// The classic matcher parser (Alertmanager 0.25, amtool's): forms, escapes, anchoring, errors.
#include "silence/matchers.h"

#include <gtest/gtest.h>

namespace nm {
namespace {

LabelMatchers parse(std::string_view s) {
  LabelMatchers ms;
  std::string err;
  EXPECT_TRUE(parseMatchers(s, ms, err)) << s << ": " << err;
  return ms;
}

std::string parseError(std::string_view s) {
  LabelMatchers ms;
  std::string err;
  EXPECT_FALSE(parseMatchers(s, ms, err)) << s;
  return err;
}

TEST(Matchers, BracesOptionalTrailingCommaOperators) {
  for (auto text : {R"({a="x", b=~"y|z",})", R"(a="x",b=~"y|z")", R"( { a = x , b =~ "y|z" } )"}) {
    auto ms = parse(text);
    ASSERT_EQ(ms.size(), 2u) << text;
    EXPECT_EQ(ms[0].name, "a");
    EXPECT_EQ(ms[0].type, MatchType::Equal);
    EXPECT_EQ(ms[0].value, "x");
    EXPECT_EQ(ms[1].type, MatchType::Regex);
    EXPECT_EQ(ms[1].value, "y|z");
  }
  auto ms = parse(R"(a!=1, b!~"2.*", c=~3)");
  EXPECT_EQ(ms[0].type, MatchType::NotEqual);
  EXPECT_EQ(ms[1].type, MatchType::NotRegex);
  EXPECT_EQ(ms[2].type, MatchType::Regex);
  EXPECT_TRUE(parse("").empty());
  EXPECT_TRUE(parse("{}").empty());
}

TEST(Matchers, QuotedValuesAndEscapes) {
  EXPECT_EQ(parse(R"(a="x,y")")[0].value, "x,y");  // comma inside quotes
  EXPECT_EQ(parse(R"(a="say \"hi\"")")[0].value, "say \"hi\"");
  EXPECT_EQ(parse(R"(a="back\\slash")")[0].value, "back\\slash");
  EXPECT_EQ(parse(R"(a="line\nbreak")")[0].value, "line\nbreak");
  EXPECT_EQ(parse(R"(a="\d+")")[0].value, "\\d+");  // a spurious escape stays literal
  EXPECT_EQ(parse(R"(a=x\)")[0].value, "x\\");      // a trailing backslash is literal
  EXPECT_EQ(parse(R"(a="")")[0].value, "");
  EXPECT_EQ(parse("a=")[0].value, "");
  EXPECT_EQ(parse("a=  spaced value  ")[0].value, "spaced value");
  EXPECT_EQ(parse("ns:name=v")[0].name, "ns:name");
}

TEST(Matchers, Errors) {
  EXPECT_NE(parseError(R"({a="x")").find("missing closing '}'"), std::string::npos);
  EXPECT_NE(parseError(R"(a="x"})").find("missing opening '{'"), std::string::npos);
  EXPECT_NE(parseError(R"(a="x",,)").find("bad matcher format"), std::string::npos);
  EXPECT_NE(parseError("1a=x").find("bad matcher format: 1a=x"), std::string::npos);
  EXPECT_NE(parseError("a").find("bad matcher format"), std::string::npos);
  EXPECT_EQ(parse("a==x")[0].value, "=x");  // the classic parser takes the rest as the value
  EXPECT_NE(parseError(R"(a="x)").find("unescaped double quote"), std::string::npos);
  EXPECT_NE(parseError(R"(a=x"y)").find("unescaped double quote"), std::string::npos);
  EXPECT_NE(parseError(R"(a="x"y")").find("unescaped double quote"), std::string::npos);
  EXPECT_NE(parseError(R"(a=~"(")").find("invalid regular expression"), std::string::npos);
  EXPECT_NE(parseError("a=\"\xff\"").find("not valid UTF-8"), std::string::npos);
}

TEST(Matchers, RegexFullyAnchoredMissingLabelIsEmpty) {
  auto m = parse(R"(a=~"b|c")")[0];
  EXPECT_TRUE(m.matches("b"));
  EXPECT_FALSE(m.matches("abc"));  // anchored: ^(?:b|c)$
  EXPECT_FALSE(m.matches("bb"));
  LabelSet none{{"x", "1"}};
  EXPECT_TRUE(parse(R"(a="")")[0].matches(none));
  EXPECT_FALSE(parse(R"(a!="")")[0].matches(none));
  EXPECT_TRUE(parse(R"(a=~".*")")[0].matches(none));
  EXPECT_TRUE(parse(R"(a!~"b")")[0].matches(none));
  EXPECT_TRUE(matchesAll(parse("x=1, a!=2"), none));
  EXPECT_FALSE(matchesAll(parse("x=1, a=2"), none));
}

TEST(Matchers, FilterEmptyValueTestsPresence) {
  LabelSet l{{"a", "1"}};
  EXPECT_TRUE(matchesFilter(parse(R"(b="")"), l));
  EXPECT_TRUE(matchesFilter(parse(R"(a!="")"), l));
  EXPECT_FALSE(matchesFilter(parse("a=2"), l));
}

TEST(Matchers, ToStringRoundTrips) {
  auto m = parse(R"(a=~"x\"y\\z\nw")")[0];
  EXPECT_EQ(m.toString(), R"(a=~"x\"y\\z\nw")");
  LabelMatchers again = parse(m.toString());
  EXPECT_EQ(again[0], m);
}

TEST(Matchers, MakeMatcherValidatesName) {
  LabelMatcher m;
  std::string err;
  EXPECT_FALSE(makeMatcher("a-b", MatchType::Equal, "x", m, err));
  EXPECT_NE(err.find("invalid label name"), std::string::npos);
  EXPECT_TRUE(makeMatcher("a_b", MatchType::Regex, "x+", m, err));
  EXPECT_TRUE(m.matches("xx"));
}

}  // namespace
}  // namespace nm
