// Config selection: type filter, global → default only, tenant own configs first with fallback to
// any default, selector filtering, lowest priority wins (ties by name).
#include "notify/config_selection.h"

#include <gtest/gtest.h>

namespace nm::config::test {
namespace {

using EntryPtr = std::shared_ptr<const ConfigEntry>;

EntryPtr entry(std::string name, std::string type, bool isDefault, std::string tenant,
               int priority = 2147483646, LabelSet labels = {{"type", "x"}}) {
  auto e = std::make_shared<ConfigEntry>();
  e->name = std::move(name);
  e->type = std::move(type);
  e->isDefault = isDefault;
  e->tenant = std::move(tenant);
  e->priority = priority;
  e->labels = std::move(labels);
  return e;
}

Receiver receiver(bool global, std::string tenant, const char* selectLabel = nullptr) {
  Receiver r;
  r.name = "r";
  r.type = "email";
  r.global = global;
  r.tenant = std::move(tenant);
  if (selectLabel) {
    auto s = std::make_shared<model::LabelSelector>();
    s->matchLabels = {{"team", selectLabel}};
    r.configSelector = s;
  }
  return r;
}

TEST(ConfigSelection, GlobalGetsDefaultOnly) {
  std::vector<EntryPtr> cs{entry("tenant", "email", false, "t1", 1),
                           entry("def", "email", true, "")};
  auto got = selectConfig(receiver(true, ""), cs);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "def");
  EXPECT_FALSE(selectConfig(receiver(true, ""), {entry("tenant", "email", false, "t1")}));
}

TEST(ConfigSelection, OnlySameType) {
  std::vector<EntryPtr> cs{entry("wh", "webhook", true, "", 1), entry("em", "email", true, "", 9)};
  EXPECT_EQ(selectConfig(receiver(true, ""), cs)->name, "em");
}

TEST(ConfigSelection, TenantOwnFirst) {
  std::vector<EntryPtr> cs{entry("def", "email", true, "", 1), entry("own", "email", false, "t1"),
                           entry("other", "email", false, "t2", 0)};
  EXPECT_EQ(selectConfig(receiver(false, "t1"), cs)->name, "own");
}

TEST(ConfigSelection, TenantFallsBackToAnyDefaultIgnoringSelector) {
  std::vector<EntryPtr> cs{entry("own", "email", false, "t1", 1, {{"team", "b"}}),
                           entry("def", "email", true, "", 1, {{"team", "z"}})};
  // The selector wants team=a: the own config does not match, the default is taken anyway.
  EXPECT_EQ(selectConfig(receiver(false, "t1", "a"), cs)->name, "def");
  EXPECT_FALSE(selectConfig(receiver(false, "t1", "a"), {cs[0]}));
}

TEST(ConfigSelection, SelectorFiltersGlobalDefaults) {
  std::vector<EntryPtr> cs{entry("a", "email", true, "", 1, {{"team", "a"}}),
                           entry("b", "email", true, "", 2, {{"team", "b"}})};
  EXPECT_EQ(selectConfig(receiver(true, "", "b"), cs)->name, "b");
  EXPECT_FALSE(selectConfig(receiver(true, "", "c"), cs));
}

TEST(ConfigSelection, LowestPriorityWinsTiesByName) {
  std::vector<EntryPtr> cs{entry("c", "email", true, "", 5), entry("b", "email", true, "", 3),
                           entry("a", "email", true, "", 3), entry("z", "email", true, "")};
  EXPECT_EQ(selectConfig(receiver(true, ""), cs)->name, "a");
  std::vector<EntryPtr> unset{entry("z", "email", true, ""), entry("y", "email", true, "", 100)};
  EXPECT_EQ(selectConfig(receiver(true, ""), unset)->name, "y");
}

TEST(ConfigSelection, OverSnapshot) {
  Snapshot s;
  s.configsByType["email"] = {entry("d", "email", true, "")};
  EXPECT_EQ(selectConfig(receiver(true, ""), s)->name, "d");
  Receiver wh = receiver(true, "");
  wh.type = "webhook";
  EXPECT_FALSE(selectConfig(wh, s));
}

}  // namespace
}  // namespace nm::config::test
