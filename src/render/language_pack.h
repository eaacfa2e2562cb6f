// Language packs for `translate`: the reference's YAML format (`- name: zh-cn / dictionary:
// {...}`), the built-in English and zh-cn dictionaries, and lookup with lowercased keys.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace nm::render {

// Lowercased key → translation.
using Dictionary = std::map<std::string, std::string, std::less<>>;

class LanguagePacks {
 public:
  // English (firing → FIRING, resolved → RESOLVED) and zh-cn (the reference's zh-cn words).
  static const LanguagePacks& builtin();

  // Merges every pack of `yaml` (a list of {name, dictionary}) over the existing ones; a key of a
  // pack of the same name replaces the existing translation. False with err (naming the list
  // index and field) on malformed input; nothing is merged then.
  bool merge(std::string_view yaml, std::string& err);

  // Adds each language of `fallback` this has no pack for; a language present here keeps its
  // own dictionary alone (a configured pack replaces the built-in one, keys are not mixed).
  void addMissing(const LanguagePacks& fallback);

  // The dictionary of `language` (case-insensitive); nullptr when there is none.
  const Dictionary* find(std::string_view language) const;

 private:
  std::map<std::string, Dictionary, std::less<>> packs_;  // lowercased name → dictionary
};

std::string toLowerAscii(std::string_view s);

// translate: the dictionary's value for the lowercased key, else the key itself.
std::string_view translate(const Dictionary* dict, std::string_view key);

}  // namespace nm::render
