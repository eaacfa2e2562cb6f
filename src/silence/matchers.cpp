// The classic matcher parser of Alertmanager 0.25 (pkg/labels): split on commas outside quotes,
// then `name op value` per token with the value's \" \\ \n escapes; RE2 fully anchored.
#include "silence/matchers.h"

#include <re2/re2.h>

#include "core/label_name.h"

namespace nm {

namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool nameStart(char c, bool colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
}
bool nameChar(char c, bool colon) {
  return nameStart(c, colon) || (c >= '0' && c <= '9');
}

bool validUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
    for (size_t k = 1; k < n; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n;
  }
  return true;
}

// Compiles `^(?:value)$` for the regex operators.
bool compileRegex(LabelMatcher& m, std::string& error) {
  if (!m.isRegex()) return true;
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_shared<RE2>("^(?:" + m.value + ")$", opts);
  if (!re->ok()) {
    error = "invalid regular expression \"" + m.value + "\": " + re->error();
    return false;
  }
  m.regex = std::move(re);
  return true;
}

}  // namespace

const char* toString(MatchType t) {
  switch (t) {
    case MatchType::Equal:
      return "=";
    case MatchType::NotEqual:
      return "!=";
    case MatchType::Regex:
      return "=~";
    case MatchType::NotRegex:
      return "!~";
  }
  return "?";
}

bool LabelMatcher::matches(std::string_view v) const {
  switch (type) {
    case MatchType::Equal:
      return v == value;
    case MatchType::NotEqual:
      return v != value;
    case MatchType::Regex:
      return regex && RE2::FullMatch(v, *regex);
    case MatchType::NotRegex:
      return regex && !RE2::FullMatch(v, *regex);
  }
  return false;
}

std::string LabelMatcher::toString() const {
  std::string s = name;
  s += nm::toString(type);
  s += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') {
      s += '\\';
      s += c;
    } else if (c == '\n') {
      s += "\\n";
    } else {
      s += c;
    }
  }
  s += '"';
  return s;
}

bool matchesAll(const LabelMatchers& ms, const LabelSet& labels) {
  for (const LabelMatcher& m : ms)
    if (!m.matches(labels)) return false;
  return true;
}

bool matchesFilter(const LabelMatchers& filter, const LabelSet& labels) {
  for (const LabelMatcher& m : filter) {
    const bool present = labels.has(m.name);
    const bool negative = m.type == MatchType::NotEqual || m.type == MatchType::NotRegex;
    if (m.value.empty() && present == negative) continue;
    if (!m.matches(labels)) return false;
  }
  return true;
}

bool makeMatcher(std::string name, MatchType type, std::string value, LabelMatcher& out,
                 std::string& error) {
  if (!isLabelName(name)) {
    error = "invalid label name \"" + name + "\"";
    return false;
  }
  out = LabelMatcher{std::move(name), type, std::move(value), nullptr};
  return compileRegex(out, error);
}

bool parseMatcher(std::string_view text, LabelMatcher& out, std::string& error) {
  std::string_view s = trim(text);
  size_t i = 0;
  // The classic parser's label-name pattern also admits ':' (Prometheus metric-name style).
  if (s.empty() || !nameStart(s[0], true)) {
    error = "bad matcher format: " + std::string(text);
    return false;
  }
  while (i < s.size() && nameChar(s[i], true)) ++i;
  std::string name(s.substr(0, i));
  while (i < s.size() && isSpace(s[i])) ++i;
  MatchType type;
  std::string_view rest = s.substr(i);
  if (rest.starts_with("=~")) {
    type = MatchType::Regex;
  } else if (rest.starts_with("!=")) {
    type = MatchType::NotEqual;
  } else if (rest.starts_with("!~")) {
    type = MatchType::NotRegex;
  } else if (rest.starts_with("=")) {
    type = MatchType::Equal;
  } else {
    error = "bad matcher format: " + std::string(text);
    return false;
  }
  rest.remove_prefix(type == MatchType::Equal ? 1 : 2);
  const std::string_view raw0 = trim(rest);
  std::string_view raw = raw0;
  bool expectTrailingQuote = false;
  if (raw.starts_with('"')) {
    raw.remove_prefix(1);
    expectTrailingQuote = true;
  }
  if (!validUtf8(raw)) {
    error = "matcher value not valid UTF-8: " + std::string(raw0);
    return false;
  }
  std::string value;
  bool escaped = false;
  for (size_t k = 0; k < raw.size(); ++k) {
    char c = raw[k];
    if (escaped) {
      escaped = false;
      if (c == 'n') {
        value += '\n';
      } else if (c == '"' || c == '\\') {
        value += c;
      } else {  // a spurious escape: the backslash is literal
        value += '\\';
        value += c;
      }
      continue;
    }
    if (c == '\\') {
      if (k + 1 < raw.size()) {
        escaped = true;
        continue;
      }
      value += '\\';  // a trailing backslash is literal
    } else if (c == '"') {
      if (!expectTrailingQuote || k + 1 < raw.size()) {
        error = "matcher value contains unescaped double quote: " + std::string(raw0);
        return false;
      }
      expectTrailingQuote = false;
    } else {
      value += c;
    }
  }
  if (expectTrailingQuote) {
    error = "matcher value contains unescaped double quote: " + std::string(raw0);
    return false;
  }
  out = LabelMatcher{std::move(name), type, std::move(value), nullptr};
  return compileRegex(out, error);
}

bool parseMatchers(std::string_view text, LabelMatchers& out, std::string& error) {
  out.clear();
  std::string_view s = trim(text);
  const bool open = s.starts_with('{'), close = s.ends_with('}');
  if (open && !close) {
    error = "bad matcher format: missing closing '}': " + std::string(text);
    return false;
  }
  if (close && !open) {
    error = "bad matcher format: missing opening '{': " + std::string(text);
    return false;
  }
  if (open) s = s.substr(1, s.size() - 2);

  std::vector<std::string> tokens;
  std::string token;
  bool insideQuotes = false, escaped = false;
  for (char c : s) {
    if (c == ',') {
      if (!insideQuotes) {
        tokens.push_back(std::move(token));
        token.clear();
        continue;
      }
    } else if (c == '"') {
      if (!escaped)
        insideQuotes = !insideQuotes;
      else
        escaped = false;
    } else if (c == '\\') {
      escaped = !escaped;
    } else {
      escaped = false;
    }
    token += c;
  }
  if (!trim(token).empty()) tokens.push_back(std::string(trim(token)));
  for (const std::string& t : tokens) {
    LabelMatcher m;
    if (!parseMatcher(t, m, error)) return false;
    out.push_back(std::move(m));
  }
  return true;
}

}  // namespace nm
