// The JSON writer's escaping and number layout, the strict parser and the member lookups over
// RapidJSON.
#include "core/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/internal/dtoa.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace nm::json {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Appends one ASCII byte, escaped as JSON needs.
void appendAscii(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\r':
      out += "\\r";
      return;
    default:
      if (c < 0x20) {
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
      } else {
        out += static_cast<char>(c);
      }
  }
}

// The length of the UTF-8 sequence led by `c` and the allowed range of its second byte (which
// excludes overlong forms, surrogates and code points above U+10FFFF); 0 when `c` cannot lead.
size_t sequence(unsigned char c, unsigned char& lo, unsigned char& hi) {
  lo = 0x80;
  hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) return 2;
  if (c == 0xE0) lo = 0xA0;
  if (c == 0xED) hi = 0x9F;
  if (c >= 0xE0 && c <= 0xEF) return 3;
  if (c == 0xF0) lo = 0x90;
  if (c == 0xF4) hi = 0x8F;
  if (c >= 0xF0 && c <= 0xF4) return 4;
  return 0;
}

}  // namespace

void appendQuoted(std::string& out, std::string_view s) {
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      appendAscii(out, c);
      ++i;
      continue;
    }
    unsigned char lo = 0, hi = 0;
    const size_t len = sequence(c, lo, hi);
    if (len == 0) {  // a byte that cannot start a character
      out += kReplacement;
      ++i;
      continue;
    }
    size_t n = 1;  // bytes of the sequence that are valid so far
    for (; n < len && i + n < s.size(); ++n) {
      const auto b = static_cast<unsigned char>(s[i + n]);
      if (b < (n == 1 ? lo : 0x80) || b > (n == 1 ? hi : 0xBF)) break;
    }
    if (n == len) {
      out.append(s.substr(i, len));
    } else {  // cut short: one replacement, then go on with the byte that broke it
      out += kReplacement;
    }
    i += n;
  }
  out += '"';
}

void appendDouble(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  if (std::signbit(v)) out += '-';
  v = std::fabs(v);
  if (v == 0) {
    out += "0.0";
    return;
  }
  // Grisu2, the algorithm nlohmann used too: the same digits, except that where 17 are needed the
  // last may differ by one (both read back as the same double).
  char buf[32];
  int length = 0;
  int k10 = 0;  // v = digits × 10^k10
  rapidjson::internal::Grisu2(v, buf, &length, &k10);
  const std::string digits(buf, static_cast<size_t>(length));
  const int exponent = length - 1 + k10;  // of the first digit
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // position of the decimal point in `digits`
  constexpr int kMaxExp = 15;
  constexpr int kMinExp = -4;
  if (k <= n && n <= kMaxExp) {
    out += digits;
    out.append(static_cast<size_t>(n - k), '0');
    out += ".0";
  } else if (0 < n && n <= kMaxExp) {
    out.append(digits, 0, static_cast<size_t>(n));
    out += '.';
    out.append(digits, static_cast<size_t>(n));
  } else if (kMinExp < n && n <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += exponent < 0 ? '-' : '+';
    const int mag = std::abs(exponent);
    if (mag < 10) out += '0';
    out += std::to_string(mag);
  }
}

Writer::Writer() : out_{&text_}, w_(out_) {}

Writer& Writer::startObject() {
  w_.StartObject();
  return *this;
}

Writer& Writer::endObject() {
  w_.EndObject();
  return *this;
}

Writer& Writer::startArray() {
  w_.StartArray();
  return *this;
}

Writer& Writer::endArray() {
  w_.EndArray();
  return *this;
}

Writer& Writer::raw(rapidjson::Type type) {
  w_.RawValue(scratch_.data(), scratch_.size(), type);
  return *this;
}

Writer& Writer::key(std::string_view k) {
  scratch_.clear();
  appendQuoted(scratch_, k);
  return raw(rapidjson::kStringType);
}

Writer& Writer::string(std::string_view s) {
  scratch_.clear();
  appendQuoted(scratch_, s);
  return raw(rapidjson::kStringType);
}

Writer& Writer::integer(int64_t v) {
  w_.Int64(v);
  return *this;
}

Writer& Writer::boolean(bool v) {
  w_.Bool(v);
  return *this;
}

Writer& Writer::null() {
  w_.Null();
  return *this;
}

Writer& Writer::strings(const std::vector<std::string>& list) {
  startArray();
  for (const auto& s : list) string(s);
  return endArray();
}

Writer& Writer::value(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return null();
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return boolean(v.GetBool());
    case rapidjson::kStringType:
      return string(std::string_view(v.GetString(), v.GetStringLength()));
    case rapidjson::kNumberType:
      if (v.IsInt64()) return integer(v.GetInt64());
      if (v.IsUint64()) {
        w_.Uint64(v.GetUint64());
        return *this;
      }
      scratch_.clear();
      appendDouble(scratch_, v.GetDouble());
      return raw(rapidjson::kNumberType);
    case rapidjson::kArrayType:
      startArray();
      for (const auto& x : v.GetArray()) value(x);
      return endArray();
    case rapidjson::kObjectType:
      startObject();
      for (const auto& [k, x] : sortedMembers(v)) {
        key(k);
        value(*x);
      }
      return endObject();
  }
  return *this;
}

Parsed parse(std::string_view text) {
  Parsed p;
  constexpr unsigned kFlags =
      rapidjson::kParseValidateEncodingFlag | rapidjson::kParseFullPrecisionFlag;
  p.doc.Parse<kFlags>(text.data(), text.size());
  if (p.doc.HasParseError()) {
    p.error = std::string(rapidjson::GetParseError_En(p.doc.GetParseError())) + " at offset " +
              std::to_string(p.doc.GetErrorOffset());
    p.doc.SetNull();
  }
  return p;
}

const rapidjson::Value* find(const rapidjson::Value& v, std::string_view name) {
  if (!v.IsObject()) return nullptr;
  const rapidjson::Value* found = nullptr;
  for (const auto& m : v.GetObject()) {
    if (std::string_view(m.name.GetString(), m.name.GetStringLength()) == name) found = &m.value;
  }
  return found;
}

std::optional<std::string> stringMember(const rapidjson::Value& v, std::string_view name) {
  const rapidjson::Value* m = find(v, name);
  if (!m || !m->IsString()) return std::nullopt;
  return std::string(m->GetString(), m->GetStringLength());
}

std::optional<int64_t> intMember(const rapidjson::Value& v, std::string_view name) {
  const rapidjson::Value* m = find(v, name);
  if (!m || !m->IsNumber()) return std::nullopt;
  if (m->IsInt64()) return m->GetInt64();
  if (m->IsUint64()) return static_cast<int64_t>(m->GetUint64());
  return std::nullopt;
}

std::vector<std::pair<std::string_view, const rapidjson::Value*>> sortedMembers(
    const rapidjson::Value& v) {
  std::vector<std::pair<std::string_view, const rapidjson::Value*>> out;
  if (!v.IsObject()) return out;
  out.reserve(v.MemberCount());
  for (const auto& m : v.GetObject()) {
    out.emplace_back(std::string_view(m.name.GetString(), m.name.GetStringLength()), &m.value);
  }
  // Stable, so among repeated keys the last one written stays last and is the one kept.
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<std::string_view, const rapidjson::Value*>> unique;
  unique.reserve(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    if (i + 1 < out.size() && out[i + 1].first == out[i].first) continue;
    unique.push_back(out[i]);
  }
  return unique;
}

std::string dump(const rapidjson::Value& v) {
  Writer w;
  w.value(v);
  return w.take();
}

}  // namespace nm::json
