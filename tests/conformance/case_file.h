// Reader of the conformance case format shared with the Go oracle (see docs/templates.md):
// "@ name opts :: template :: json" one-liners and "### name opts" multi-line blocks.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace nm::tmpl::conformance {

struct Case {
  std::string name;
  std::map<std::string, std::string> opts;
  std::string main;
  std::vector<std::pair<std::string, std::string>> extra;  // t.New(name).Parse(text)
  std::string data;
  bool hasData = false;
};

bool readCases(const std::string& path, std::vector<Case>& out, std::string& err);

}  // namespace nm::tmpl::conformance
