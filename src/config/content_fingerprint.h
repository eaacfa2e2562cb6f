// The content fingerprint of a configuration source: SHA-256 over named byte strings (file path +
// bytes, or API object + encoding), so equal content gives an equal fingerprint and no rebuild.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace nm::config {

class ContentFingerprint {
 public:
  ContentFingerprint();
  ~ContentFingerprint();
  ContentFingerprint(const ContentFingerprint&) = delete;
  ContentFingerprint& operator=(const ContentFingerprint&) = delete;

  // One named item; names and bytes are length-prefixed, so ("ab","c") differs from ("a","bc").
  void add(std::string_view name, std::string_view bytes);
  // Lowercase hex SHA-256 of everything added so far; the fingerprint can still be extended.
  std::string hex() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace nm::config
