// PackedYaml: a channel block packed and unpacked keeps scalars' quoting, key order, repeated keys,
// sequences and nulls; equal trees pack to equal bytes.
#include "model/packed_yaml.h"

#include <gtest/gtest.h>

namespace nm::model {
namespace {

TEST(PackedYaml, RoundTripKeepsQuotingOrderRepeatsAndNulls) {
  const YAML::Node in = YAML::Load(
      "{b: plain, a: '123', n: ~, e: , s: [1, 'two', {k: v}], t: !!str 5, b: again, m: {}}");
  const PackedYaml p = in;
  const YAML::Node out = p.node();
  ASSERT_TRUE(out.IsMap());
  std::vector<std::string> keys;
  for (const auto& kv : out) keys.push_back(kv.first.Scalar());
  EXPECT_EQ(keys, (std::vector<std::string>{"b", "a", "n", "e", "s", "t", "b", "m"}));
  EXPECT_EQ(out["a"].Scalar(), "123");
  EXPECT_EQ(out["a"].Tag(), "!");
  EXPECT_EQ(out["b"].Tag(), "?");
  EXPECT_TRUE(out["n"].IsNull());
  EXPECT_TRUE(out["e"].IsNull());
  ASSERT_TRUE(out["s"].IsSequence());
  EXPECT_EQ(out["s"][1].Tag(), "!");
  EXPECT_EQ(out["s"][2]["k"].Scalar(), "v");
  EXPECT_EQ(out["t"].Tag(), "tag:yaml.org,2002:str");
  EXPECT_TRUE(out["m"].IsMap());
  EXPECT_EQ(PackedYaml(out), p);  // packing what was unpacked gives the same bytes
}

TEST(PackedYaml, EqualTreesEqualBytesAbsentIsEmpty) {
  EXPECT_EQ(PackedYaml(YAML::Load("{url: 'http://a/', x: [1]}")),
            PackedYaml(YAML::Load("url: 'http://a/'\nx:\n- 1\n")));
  EXPECT_NE(PackedYaml(YAML::Load("{url: '1'}")), PackedYaml(YAML::Load("{url: 1}")));
  EXPECT_TRUE(PackedYaml().empty());
  EXPECT_TRUE(PackedYaml(YAML::Node()).empty());
  EXPECT_TRUE(PackedYaml(YAML::Load("~")).empty());
  EXPECT_TRUE(PackedYaml().node().IsNull());
  EXPECT_FALSE(PackedYaml(YAML::Load("{}")).empty());
}

}  // namespace
}  // namespace nm::model
