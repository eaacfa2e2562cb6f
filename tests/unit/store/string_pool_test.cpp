// StringPool and Slab: interning shares, the last release frees, free blocks are reused.
#include "store/string_pool.h"

#include <gtest/gtest.h>

#include <string>

namespace nm::store {
namespace {

TEST(StringPool, InternSharesAndLastReleaseFrees) {
  StringPool p;
  uint32_t a = p.intern("pod-1");
  uint32_t b = p.intern("pod-1");
  EXPECT_EQ(a, b);
  EXPECT_EQ(p.refs(a), 2u);
  EXPECT_EQ(p.size(), 1u);
  EXPECT_EQ(p.stringBytes(), 5u);
  p.release(a);
  EXPECT_EQ(p.find("pod-1"), a);
  p.release(b);
  EXPECT_EQ(p.find("pod-1"), StringPool::kAbsent);
  EXPECT_EQ(p.size(), 0u);
  EXPECT_EQ(p.stringBytes(), 0u);
  EXPECT_EQ(p.slab().usedBytes(), 0u);
}

TEST(StringPool, ManyStringsSurviveGrowthAndDeletes) {
  StringPool p;
  std::vector<uint32_t> h;
  for (int i = 0; i < 20000; ++i) h.push_back(p.intern("value-" + std::to_string(i)));
  for (int i = 0; i < 20000; i += 2) p.release(h[i]);
  for (int i = 1; i < 20000; i += 2) {
    ASSERT_EQ(p.view(h[i]), "value-" + std::to_string(i));
    ASSERT_EQ(p.find("value-" + std::to_string(i)), h[i]);
  }
  for (int i = 0; i < 20000; i += 2)
    ASSERT_EQ(p.find("value-" + std::to_string(i)), StringPool::kAbsent);
  EXPECT_EQ(p.size(), 10000u);
}

TEST(StringPool, FreedBlocksAreReusedAndBigStringsWork) {
  StringPool p;
  uint32_t a = p.intern("abcdefgh");
  p.release(a);
  uint32_t b = p.intern("12345678");
  EXPECT_EQ(a, b);  // same size class, the freed block
  std::string big(100000, 'x');
  uint32_t c = p.intern(big);
  EXPECT_EQ(p.view(c), big);
  size_t before = p.slab().reservedBytes();
  p.release(c);
  EXPECT_LT(p.slab().reservedBytes(), before);
  uint32_t empty = p.intern("");
  EXPECT_EQ(p.find(""), empty);
  EXPECT_EQ(p.view(empty), "");
}

}  // namespace
}  // namespace nm::store
