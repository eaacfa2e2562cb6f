// Template functions: string helpers, RE2-backed match/reReplaceAll with Go's $-expansion, JSON
// escaping as Go's encoding/json, translate/message by the thread's language, time functions.
#include "render/functions.h"

#include <re2/re2.h>

#include <cmath>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "render/template_data.h"
#include "render/unicode_case.h"
#include "template/gofmt.h"
#include "template/json_encode.h"

namespace nm::render {

using tmpl::CallResult;
using tmpl::Context;
using tmpl::Function;
using tmpl::Kind;
using tmpl::Param;
using tmpl::Value;

namespace {

thread_local const Dictionary* tlDict = nullptr;
thread_local bool tlZh = false;

// Compiled patterns shared by all renders; bounded so user data cannot grow it without limit.
std::shared_ptr<const re2::RE2> compile(std::string_view pattern, std::string& err) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const re2::RE2>> cache;
  std::lock_guard<std::mutex> g(mu);
  std::string key(pattern);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  re2::RE2::Options o;
  o.set_log_errors(false);
  auto re = std::make_shared<const re2::RE2>(key, o);
  if (!re->ok()) {
    err = "error parsing regexp: " + re->error() + ": `" + key + "`";
    return nullptr;
  }
  if (cache.size() >= 512) cache.clear();
  cache.emplace(std::move(key), re);
  return re;
}

bool isWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c >= 0x80;
}

// Go's Regexp.expand of `repl` for one match (groups[0] is the whole match).
void expand(std::string& out, std::string_view repl, const re2::RE2& re,
            const std::vector<std::string_view>& groups, const std::vector<bool>& matched) {
  while (!repl.empty()) {
    const size_t d = repl.find('$');
    if (d == std::string_view::npos) {
      out += repl;
      break;
    }
    out += repl.substr(0, d);
    repl.remove_prefix(d);
    if (repl.size() > 1 && repl[1] == '$') {
      out += '$';
      repl.remove_prefix(2);
      continue;
    }
    std::string_view s = repl.substr(1);
    bool brace = !s.empty() && s[0] == '{';
    if (brace) s.remove_prefix(1);
    size_t i = 0;
    while (i < s.size() && isWordByte(static_cast<unsigned char>(s[i]))) ++i;
    if (i == 0 || (brace && (i >= s.size() || s[i] != '}'))) {
      out += '$';
      repl.remove_prefix(1);
      continue;
    }
    const std::string_view name = s.substr(0, i);
    long num = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name.size() > 1 && name[0] == '0') num = -1;
    repl = s.substr(i + (brace ? 1 : 0));
    if (num >= 0) {
      if (static_cast<size_t>(num) < groups.size() && matched[static_cast<size_t>(num)])
        out += groups[static_cast<size_t>(num)];
    } else {
      const auto& named = re.NamedCapturingGroups();
      if (auto it = named.find(std::string(name)); it != named.end()) {
        const auto g = static_cast<size_t>(it->second);
        if (g < groups.size() && matched[g]) out += groups[g];
      }
    }
  }
}

CallResult str(Context& c, std::string s) {
  return CallResult::ok(c.arena().str(std::move(s)));
}

Function fn(std::vector<Param> params, Function::Fn f, bool variadic = false) {
  Function x;
  x.params = std::move(params);
  x.variadic = variadic;
  x.fn = std::move(f);
  return x;
}

template <class F>
std::string mapRunes(std::string_view s, F f) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t w = 0;
    // As Go's strings.Map: an invalid byte reaches the mapping as U+FFFD (title's separator test
    // sees it) and comes out as U+FFFD.
    tmpl::appendRune(out, f(tmpl::decodeRune(s, i, w)));
    i += w;
  }
  return out;
}

bool isSpaceRune(char32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

// strings.Title: upper-cases the first letter of every word.
std::string title(std::string_view s) {
  char32_t prev = ' ';
  return mapRunes(s, [&prev](char32_t r) {
    bool sep;
    if (prev <= 0x7F) {
      sep = !((prev >= '0' && prev <= '9') || (prev >= 'a' && prev <= 'z') ||
              (prev >= 'A' && prev <= 'Z') || prev == '_');
    } else {
      sep = isSpaceRune(prev);
    }
    prev = r;
    return sep ? goToTitle(r) : r;
  });
}

std::string trimSpace(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e) {
    size_t w = 0;
    if (!isSpaceRune(tmpl::decodeRune(s, b, w))) break;
    b += w;
  }
  while (e > b) {
    size_t start = e - 1;
    while (start > b && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    size_t w = 0;
    const char32_t r = tmpl::decodeRune(s, start, w);
    if (start + w != e || !isSpaceRune(r)) break;
    e = start;
  }
  return std::string(s.substr(b, e - b));
}

int hexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// url.QueryUnescape.
bool queryUnescape(std::string_view s, std::string& out, std::string& err) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || hexVal(s[i + 1]) < 0 || hexVal(s[i + 2]) < 0) {
        std::string bad(s.substr(i, 3));
        err = "invalid URL escape ";
        tmpl::goQuote(err, bad);
        return false;
      }
      out += static_cast<char>(hexVal(s[i + 1]) * 16 + hexVal(s[i + 2]));
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return true;
}

const GoTime* timeArg(const Value& v, std::string& err) {
  const GoTime* t = asTime(v);
  if (!t) err = "wrong type for value; expected time.Time; got " + tmpl::typeName(v, true);
  return t;
}

bool toFloat(const Value& v, double& out, std::string& err) {
  const Value c = v.kind() == Kind::Nil ? Value() : v.asIface(false);
  Duration d;
  switch (c.kind()) {
    case Kind::Float:
      out = c.f();
      return true;
    case Kind::Int:
      out = static_cast<double>(c.i());
      return true;
    case Kind::String: {
      const std::string s(c.s());
      char* end = nullptr;
      out = std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size() ||
          std::isspace(static_cast<unsigned char>(s[0]))) {
        err = "strconv.ParseFloat: parsing ";
        tmpl::goQuote(err, s);
        err += ": invalid syntax";
        return false;
      }
      return true;
    }
    default:
      if (asDuration(c, d)) {
        out = static_cast<double>(d.count()) / 1e9;
        return true;
      }
      err = "can't convert " + (c.valid() ? tmpl::typeName(c, true) : std::string("<nil>")) +
            " to float";
      return false;
  }
}

void appendJsonString(std::string& out, std::string_view s) {
  out += '"';
  jsonEscape(out, s);
  out += '"';
}

bool jsonValue(const Value& v, Context& ctx, std::string& out, std::string& err);

bool jsonFields(const Value& v, Context& ctx, std::string& out, std::string& err,
                std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  out += '{';
  bool first = true;
  for (auto [key, field] : fields) {
    Value f;
    if (!v.o().field(field, f, ctx)) continue;
    if (!first) out += ',';
    first = false;
    appendJsonString(out, key);
    out += ':';
    if (!jsonValue(f, ctx, out, err)) return false;
  }
  out += '}';
  return true;
}

// The data model's objects (Alert, Data, KV pairs, times, durations) as toJson writes them.
bool jsonObject(const Value& v, Context& ctx, std::string& out, std::string& err) {
  if (v.kind() == Kind::Func) {
    err = "json: unsupported type: " + tmpl::typeName(v, true);
    return false;
  }
  if (const GoTime* t = asTime(v)) {
    appendJsonString(out, goFormatTime(*t, "2006-01-02T15:04:05.999999999Z07:00"));
    return true;
  }
  Duration d;
  if (asDuration(v, d)) {
    out += std::to_string(d.count());
    return true;
  }
  const std::string& type = v.o().type().name;
  if (type == kAlertTypeName)
    return jsonFields(v, ctx, out, err,
                      {{"id", "ID"},
                       {"status", "Status"},
                       {"labels", "Labels"},
                       {"annotations", "Annotations"},
                       {"startsAt", "StartsAt"},
                       {"endsAt", "EndsAt"},
                       {"notificationTime", "NotificationTime"}});
  if (type == "*template.Data")
    return jsonFields(v, ctx, out, err,
                      {{"alerts", "Alerts"},
                       {"groupLabels", "GroupLabels"},
                       {"commonLabels", "CommonLabels"},
                       {"commonAnnotations", "CommonAnnotations"}});
  return jsonFields(v, ctx, out, err, {{"Name", "Name"}, {"Value", "Value"}});
}

bool jsonValue(const Value& v, Context& ctx, std::string& out, std::string& err) {
  return tmpl::goJsonEncode(out, v, err, [&ctx](const Value& in, std::string& o, std::string& e) {
    return jsonObject(in.asIface(false), ctx, o, e);
  });
}

tmpl::FuncMap makeFuncs() {
  tmpl::FuncMap m;
  const std::vector<Param> s1{Param::String};
  m["toUpper"] = fn(s1, [](Context& c, const Value&, std::span<const Value> a) {
    return str(c, mapRunes(a[0].s(), goToUpper));
  });
  m["toLower"] = fn(s1, [](Context& c, const Value&, std::span<const Value> a) {
    return str(c, mapRunes(a[0].s(), goToLower));
  });
  m["title"] = fn(s1, [](Context& c, const Value&, std::span<const Value> a) {
    return str(c, title(a[0].s()));
  });
  m["trimSpace"] = fn(s1, [](Context& c, const Value&, std::span<const Value> a) {
    return str(c, trimSpace(a[0].s()));
  });
  // Go's template.HTML / template.URL: trusted as is by HTML mode in the matching context.
  m["safeHtml"] = fn(s1, [](Context&, const Value&, std::span<const Value> a) {
    return CallResult::ok(Value::typed(a[0].s(), tmpl::Content::HTML));
  });
  m["safeUrl"] = fn(s1, [](Context&, const Value&, std::span<const Value> a) {
    return CallResult::ok(Value::typed(a[0].s(), tmpl::Content::URL));
  });
  m["urlUnescape"] = fn(s1, [](Context& c, const Value&, std::span<const Value> a) {
    std::string out, err;
    if (!queryUnescape(a[0].s(), out, err)) return CallResult::fail(err);
    return str(c, std::move(out));
  });
  m["join"] = fn({Param::String, Param::StringList},
                 [](Context& c, const Value&, std::span<const Value> a) {
                   std::string s;
                   const auto& items = a[1].l().items;
                   for (size_t i = 0; i < items.size(); ++i) {
                     if (i) s += a[0].s();
                     s += items[i].s();
                   }
                   return str(c, std::move(s));
                 });
  m["stringSlice"] = fn(
      s1,
      [](Context& c, const Value&, std::span<const Value> a) {
        tmpl::ListData& l = c.arena().newList();
        l.type = &tmpl::stringListType();
        for (const auto& x : a) l.items.push_back(x.asIface(false));
        return CallResult::ok(Value::list(&l));
      },
      true);
  m["match"] =
      fn({Param::String, Param::String}, [](Context&, const Value&, std::span<const Value> a) {
        std::string err;
        auto re = compile(a[0].s(), err);
        if (!re) return CallResult::fail(err);
        const auto s = a[1].s();
        return CallResult::ok(
            Value::boolean(re2::RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re)));
      });
  m["reReplaceAll"] = fn({Param::String, Param::String, Param::String},
                         [](Context& c, const Value&, std::span<const Value> a) {
                           std::string out, err;
                           if (!regexReplaceAll(a[0].s(), a[1].s(), a[2].s(), out, err))
                             return CallResult::fail("regexp: Compile(" + [&] {
                               std::string q;
                               tmpl::goQuote(q, a[0].s());
                               return q;
                             }() + "): " + err);
                           return str(c, std::move(out));
                         });
  m["escape"] = fn(s1, [](Context& c, const Value&, std::span<const Value> a) {
    std::string out;
    jsonEscape(out, a[0].s());
    return str(c, std::move(out));
  });
  m["translate"] = fn(s1, [](Context&, const Value&, std::span<const Value> a) {
    return CallResult::ok(Value::str(translate(tlDict, a[0].s())));
  });
  m["message"] = fn({Param::Any}, [](Context&, const Value&, std::span<const Value> a) {
    std::string_view msg;
    if (!alertMessage(a[0].asIface(false), tlZh, msg))
      return CallResult::fail("wrong type for value; expected " + std::string(kAlertTypeName) +
                              "; got " + tmpl::typeName(a[0], true));
    return CallResult::ok(Value::str(msg));
  });
  m["date"] =
      fn({Param::String, Param::Any}, [](Context& c, const Value&, std::span<const Value> a) {
        std::string err;
        const GoTime* t = timeArg(a[1], err);
        if (!t) return CallResult::fail(err);
        return str(c, goFormatTime(*t, a[0].s()));
      });
  m["tz"] = fn({Param::String, Param::Any}, [](Context& c, const Value&, std::span<const Value> a) {
    std::string err;
    const GoTime* t = timeArg(a[1], err);
    if (!t) return CallResult::fail(err);
    auto r = goTimeIn(*t, a[0].s(), err);
    if (!r) return CallResult::fail(err);
    return CallResult::ok(timeValue(c.arena(), *r));
  });
  m["since"] = fn({Param::Any}, [](Context& c, const Value&, std::span<const Value> a) {
    std::string err;
    const GoTime* t = timeArg(a[0], err);
    if (!t) return CallResult::fail(err);
    const auto ns = (now() - t->toTimePoint()).count();
    return CallResult::ok(durationValue(c.arena(), Duration(ns)));
  });
  m["humanizeDuration"] = fn({Param::Any}, [](Context& c, const Value&, std::span<const Value> a) {
    std::string err;
    double v = 0;
    if (!toFloat(a[0], v, err)) return CallResult::fail(err);
    return str(c, humanizeDuration(v));
  });
  m["toJson"] = fn({Param::Any}, [](Context& c, const Value&, std::span<const Value> a) {
    std::string out, err;
    if (!toJson(a[0], c, out, err)) return CallResult::fail(err);
    return str(c, std::move(out));
  });
  return m;
}

}  // namespace

const tmpl::FuncMap& templateFuncs() {
  static const tmpl::FuncMap m = makeFuncs();
  return m;
}

LanguageScope::LanguageScope(const Dictionary* dict, std::string_view language)
    : prevDict_(tlDict), prevZh_(tlZh) {
  tlDict = dict;
  tlZh = toLowerAscii(language) == "zh-cn";
}

LanguageScope::~LanguageScope() {
  tlDict = prevDict_;
  tlZh = prevZh_;
}

void jsonEscape(std::string& out, std::string_view s) {
  tmpl::goJsonEscape(out, s);
}

size_t jsonEscapedSize(std::string_view s) {
  std::string tmp;
  tmp.reserve(s.size() + 16);
  jsonEscape(tmp, s);
  return tmp.size();
}

bool regexReplaceAll(std::string_view pattern, std::string_view repl, std::string_view s,
                     std::string& out, std::string& err) {
  auto re = compile(pattern, err);
  if (!re) return false;
  const int ngroups = re->NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> sub(static_cast<size_t>(ngroups));
  std::vector<std::string_view> groups(static_cast<size_t>(ngroups));
  std::vector<bool> matched(static_cast<size_t>(ngroups));
  const re2::StringPiece text(s.data(), s.size());
  size_t searchPos = 0, lastMatchEnd = 0;
  while (searchPos <= s.size()) {
    if (!re->Match(text, searchPos, s.size(), re2::RE2::UNANCHORED, sub.data(), ngroups)) break;
    const size_t a0 = static_cast<size_t>(sub[0].data() - s.data());
    const size_t a1 = a0 + sub[0].size();
    out.append(s.substr(lastMatchEnd, a0 - lastMatchEnd));
    if (a1 > lastMatchEnd || a0 == 0) {
      for (size_t g = 0; g < sub.size(); ++g) {
        matched[g] = sub[g].data() != nullptr;
        groups[g] =
            matched[g] ? std::string_view(sub[g].data(), sub[g].size()) : std::string_view();
      }
      expand(out, repl, *re, groups, matched);
    }
    lastMatchEnd = a1;
    size_t width = 0;
    if (searchPos < s.size()) tmpl::decodeRune(s, searchPos, width);
    if (searchPos + width > a1) {
      searchPos += width;
    } else if (searchPos + 1 > a1) {
      ++searchPos;
    } else {
      searchPos = a1;
    }
  }
  out.append(s.substr(lastMatchEnd));
  return true;
}

std::string humanizeDuration(double v) {
  std::string out;
  auto g4 = [&out](double x, std::string_view suffix) {
    const Value arg = Value::floating(x);
    tmpl::goSprintf(out, "%.4g", std::span<const Value>(&arg, 1));
    out += suffix;
  };
  if (std::isnan(v) || std::isinf(v)) {
    g4(v, "");
    return out;
  }
  if (v == 0) {
    g4(v, "s");
    return out;
  }
  if (std::fabs(v) >= 1) {
    std::string sign;
    if (v < 0) {
      sign = "-";
      v = -v;
    }
    const auto d = static_cast<int64_t>(v);
    const int64_t seconds = d % 60, minutes = d / 60 % 60, hours = d / 3600 % 24, days = d / 86400;
    auto n = [](int64_t x) { return std::to_string(x); };
    if (days != 0)
      return sign + n(days) + "d " + n(hours) + "h " + n(minutes) + "m " + n(seconds) + "s";
    if (hours != 0) return sign + n(hours) + "h " + n(minutes) + "m " + n(seconds) + "s";
    if (minutes != 0) return sign + n(minutes) + "m " + n(seconds) + "s";
    out = sign;
    g4(v, "s");
    return out;
  }
  std::string prefix;
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  g4(v, prefix + "s");
  return out;
}

bool toJson(const Value& v, Context& ctx, std::string& out, std::string& err) {
  return jsonValue(v, ctx, out, err);
}

bool jsonOfObject(const Value& v, Context& ctx, std::string& out, std::string& err) {
  return jsonObject(v, ctx, out, err);
}

}  // namespace nm::render
