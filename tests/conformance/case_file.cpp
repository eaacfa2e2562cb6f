// Parses case files line by line exactly as tests/conformance/oracle/main.go does.
#include "case_file.h"

#include <fstream>
#include <sstream>

namespace nm::tmpl::conformance {

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += '\n';
    s += v[i];
  }
  return s;
}

std::string unescapeLine(const std::string& s) {
  std::string b;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char c = s[i + 1];
      if (c == 'n' || c == 't' || c == '\\') {
        b += c == 'n' ? '\n' : c == 't' ? '\t' : '\\';
        ++i;
        continue;
      }
    }
    b += s[i];
  }
  return b;
}

void parseHead(const std::string& head, Case& c) {
  std::istringstream in(head);
  std::string w;
  in >> c.name;
  while (in >> w) {
    auto eq = w.find('=');
    if (eq != std::string::npos) c.opts[w.substr(0, eq)] = w.substr(eq + 1);
  }
}

}  // namespace

bool readCases(const std::string& path, std::vector<Case>& out, std::string& err) {
  std::ifstream f(path);
  if (!f) {
    err = "cannot open " + path;
    return false;
  }
  std::string defaultData;
  bool inCase = false;
  Case cur;
  std::vector<std::string> mainL, dataL, lines;
  std::vector<std::pair<std::string, std::vector<std::string>>> extra;
  int section = 0;  // 0 main, 1 data, 2 extra.back()
  bool hasData = false;
  auto flush = [&] {
    if (!inCase) return;
    if (section == 0) mainL = lines;
    if (section == 1) dataL = lines;
    if (section == 2) extra.back().second = lines;
    lines.clear();
  };
  auto finish = [&] {
    flush();
    if (!inCase) return;
    cur.main = join(mainL);
    if (hasData) {
      cur.data = join(dataL);
      cur.hasData = true;
    }
    for (auto& [n, l] : extra) cur.extra.emplace_back(n, join(l));
    out.push_back(cur);
    cur = Case();
    inCase = false;
    mainL.clear();
    dataL.clear();
    extra.clear();
    hasData = false;
    section = 0;
  };
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("@@data ", 0) == 0) {
      finish();
      defaultData = line.substr(7);
    } else if (line.rfind("@ ", 0) == 0) {
      finish();
      Case c;
      std::string rest = line.substr(2);
      std::vector<std::string> parts;
      for (int k = 0; k < 2; ++k) {
        auto p = rest.find(" :: ");
        if (p == std::string::npos) break;
        parts.push_back(rest.substr(0, p));
        rest = rest.substr(p + 4);
      }
      parts.push_back(rest);
      parseHead(parts[0], c);
      if (parts.size() > 1) c.main = unescapeLine(parts[1]);
      if (parts.size() > 2) {
        c.data = parts[2];
        c.hasData = true;
      } else if (!defaultData.empty()) {
        c.data = defaultData;
        c.hasData = true;
      }
      out.push_back(c);
    } else if (line.rfind("### ", 0) == 0) {
      finish();
      inCase = true;
      parseHead(line.substr(4), cur);
      section = 0;
    } else if (inCase && line == "--- data") {
      flush();
      section = 1;
      hasData = true;
    } else if (inCase && line.rfind("--- tmpl ", 0) == 0) {
      flush();
      extra.emplace_back(line.substr(9), std::vector<std::string>{});
      section = 2;
    } else if (inCase && line == "--- end") {
      finish();
    } else if (inCase) {
      lines.push_back(line);
    }
  }
  finish();
  return true;
}

}  // namespace nm::tmpl::conformance
