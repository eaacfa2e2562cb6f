// C++ twins of the oracle's stub functions and model types, built on the engine's Value API.
#include "test_model.h"

#include <algorithm>
#include <cctype>

namespace nm::tmpl::conformance {

namespace {

CallResult str(Context& c, std::string s) {
  return CallResult::ok(c.arena().str(std::move(s)));
}

Value stringList(Arena& a, const std::vector<std::string_view>& items, bool nilIfEmpty = true) {
  ListData& l = a.newList();
  l.type = &stringListType();
  for (auto s : items) l.items.push_back(Value::str(s));
  l.isNil = nilIfEmpty && items.empty();
  return Value::list(&l);
}

const TypeInfo& kvType();
const TypeInfo& pairType();
const TypeInfo& pairsType();

class PairObj : public Object {
 public:
  PairObj(std::string_view n, std::string_view v) : name_(n), value_(v) {}
  const TypeInfo& type() const override { return pairType(); }
  bool field(std::string_view f, Value& out, Context&) const override {
    if (f == "Name")
      out = Value::str(name_);
    else if (f == "Value")
      out = Value::str(value_);
    else
      return false;
    return true;
  }
  void format(std::string& out) const override {
    out += '{';
    out += name_;
    out += ' ';
    out += value_;
    out += '}';
  }
  std::string_view name_, value_;
};

std::vector<std::pair<std::string_view, std::string_view>> sortedPairs(const MapData& m) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  if (const Value* v = m.find("alertname")) out.emplace_back("alertname", v->s());
  for (const auto& [k, v] : m.entries)
    if (k != "alertname" && k != "rule_id") out.emplace_back(k, v.s());
  return out;
}

Value makePairs(Arena& a, const std::vector<std::pair<std::string_view, std::string_view>>& ps) {
  ListData& l = a.newList();
  l.type = &pairsType();
  l.isNil = ps.empty();
  for (auto& [n, v] : ps) l.items.push_back(Value::object(&a.make<PairObj>(n, v)));
  return Value::list(&l);
}

const TypeInfo& pairType() {
  static const TypeInfo t = [] {
    TypeInfo t;
    t.name = "main.Pair";
    return t;
  }();
  return t;
}

const TypeInfo& pairsType() {
  static const TypeInfo t = [] {
    TypeInfo t;
    t.name = "main.Pairs";
    t.elem = Kind::Object;
    t.elemType = &pairType();
    auto names = [](bool values) {
      Function f;
      f.fn = [values](Context& c, const Value& self, std::span<const Value>) {
        std::vector<std::string_view> s;
        for (const auto& p : self.l().items) {
          auto& po = static_cast<const PairObj&>(p.o());
          s.push_back(values ? po.value_ : po.name_);
        }
        return CallResult::ok(stringList(c.arena(), s));
      };
      return f;
    };
    t.methods.emplace_back("Names", names(false));
    t.methods.emplace_back("Values", names(true));
    Function filter;
    filter.params = {Param::String};
    filter.variadic = true;
    filter.fn = [](Context& c, const Value& self, std::span<const Value> keys) {
      std::vector<std::pair<std::string_view, std::string_view>> ps;
      for (const auto& p : self.l().items) {
        auto& po = static_cast<const PairObj&>(p.o());
        bool skip = false;
        for (const auto& k : keys) skip = skip || k.s() == po.name_;
        if (!skip) ps.emplace_back(po.name_, po.value_);
      }
      return CallResult::ok(makePairs(c.arena(), ps));
    };
    t.methods.emplace_back("Filter", filter);
    return t;
  }();
  return t;
}

const TypeInfo& kvType() {
  static const TypeInfo t = [] {
    TypeInfo t;
    t.name = "main.KV";
    t.elem = Kind::String;
    Function sp;
    sp.fn = [](Context& c, const Value& self, std::span<const Value>) {
      return CallResult::ok(makePairs(c.arena(), sortedPairs(self.m())));
    };
    t.methods.emplace_back("SortedPairs", sp);
    auto names = [](bool values) {
      Function f;
      f.fn = [values](Context& c, const Value& self, std::span<const Value>) {
        std::vector<std::string_view> s;
        for (auto& [n, v] : sortedPairs(self.m())) s.push_back(values ? v : n);
        return CallResult::ok(stringList(c.arena(), s));
      };
      return f;
    };
    t.methods.emplace_back("Names", names(false));
    t.methods.emplace_back("Values", names(true));
    Function rm;
    rm.params = {Param::StringList};
    rm.fn = [](Context& c, const Value& self, std::span<const Value> a) {
      MapData& m = c.arena().newMap();
      m.type = &kvType();
      for (const auto& e : self.m().entries) {
        bool drop = false;
        for (const auto& k : a[0].l().items) drop = drop || k.s() == e.first;
        if (!drop) m.entries.push_back(e);
      }
      return CallResult::ok(Value::map(&m));
    };
    t.methods.emplace_back("Remove", rm);
    return t;
  }();
  return t;
}

const TypeInfo& alertType();
const TypeInfo& alertsType();

class AlertObj : public Object {
 public:
  const TypeInfo& type() const override { return alertType(); }
  bool field(std::string_view f, Value& out, Context&) const override {
    if (f == "Status")
      out = status;
    else if (f == "Labels")
      out = labels;
    else if (f == "Annotations")
      out = annotations;
    else if (f == "StartsAt")
      out = startsAt;
    else if (f == "EndsAt")
      out = endsAt;
    else
      return false;
    return true;
  }
  Value status, labels, annotations, startsAt, endsAt;
};

std::string_view firstAnnotation(const Value& self, std::initializer_list<std::string_view> keys) {
  auto& a = static_cast<const AlertObj&>(self.o());
  for (auto k : keys)
    if (const Value* v = a.annotations.m().find(k); v && !v->s().empty()) return v->s();
  return "";
}

const TypeInfo& alertType() {
  static const TypeInfo t = [] {
    TypeInfo t;
    t.name = "*main.Alert";
    Function msg;
    msg.fn = [](Context&, const Value& self, std::span<const Value>) {
      return CallResult::ok(Value::str(firstAnnotation(self, {"message", "summary", "summaryCn"})));
    };
    Function cn;
    cn.fn = [](Context&, const Value& self, std::span<const Value>) {
      return CallResult::ok(Value::str(firstAnnotation(self, {"summaryCn", "message", "summary"})));
    };
    t.methods.emplace_back("Message", msg);
    t.methods.emplace_back("MessageCN", cn);
    return t;
  }();
  return t;
}

Value filterAlerts(Arena& a, const Value& self, std::string_view status) {
  ListData& l = a.newList();
  l.type = &alertsType();
  for (const auto& v : self.l().items)
    if (static_cast<const AlertObj&>(v.o()).status.s() == status) l.items.push_back(v);
  return Value::list(&l);
}

const TypeInfo& alertsType() {
  static const TypeInfo t = [] {
    TypeInfo t;
    t.name = "main.Alerts";
    t.elem = Kind::Object;
    t.elemType = &alertType();
    Function f;
    f.fn = [](Context& c, const Value& self, std::span<const Value>) {
      return CallResult::ok(filterAlerts(c.arena(), self, "firing"));
    };
    Function r;
    r.fn = [](Context& c, const Value& self, std::span<const Value>) {
      return CallResult::ok(filterAlerts(c.arena(), self, "resolved"));
    };
    t.methods.emplace_back("Firing", f);
    t.methods.emplace_back("Resolved", r);
    return t;
  }();
  return t;
}

const TypeInfo& dataType();

class DataObj : public Object {
 public:
  const TypeInfo& type() const override { return dataType(); }
  bool field(std::string_view f, Value& out, Context&) const override {
    if (f == "Receiver")
      out = receiver;
    else if (f == "Alerts")
      out = alerts;
    else if (f == "GroupLabels")
      out = groupLabels;
    else if (f == "CommonLabels")
      out = commonLabels;
    else if (f == "CommonAnnotations")
      out = commonAnnotations;
    else
      return false;
    return true;
  }
  Value receiver, alerts, groupLabels, commonLabels, commonAnnotations;
};

const TypeInfo& dataType() {
  static const TypeInfo t = [] {
    TypeInfo t;
    t.name = "*main.Data";
    Function st;
    st.fn = [](Context& c, const Value& self, std::span<const Value>) {
      auto& d = static_cast<const DataObj&>(self.o());
      bool anyF = false, anyR = false;
      for (const auto& a : d.alerts.l().items) {
        auto s = static_cast<const AlertObj&>(a.o()).status.s();
        anyF = anyF || s == "firing";
        anyR = anyR || s == "resolved";
      }
      (void)c;
      return CallResult::ok(Value::str(!anyR ? "firing" : !anyF ? "resolved" : ""));
    };
    t.methods.emplace_back("Status", st);
    return t;
  }();
  return t;
}

Value field(const Value& m, std::string_view k) {
  if (m.kind() != Kind::Map) return Value();
  const Value* v = m.m().find(k);
  return v ? *v : Value();
}

Value strOf(const Value& v) {
  return v.kind() == Kind::String ? v : Value::str("");
}

}  // namespace

Value toKV(Arena& a, const Value& v) {
  MapData& m = a.newMap();
  m.type = &kvType();
  if (v.kind() == Kind::Map)
    for (const auto& e : v.m().entries)
      if (e.second.kind() == Kind::String) m.entries.push_back(e);
  return Value::map(&m);
}

Value toModel(Arena& a, const Value& v) {
  auto& d = a.make<DataObj>();
  d.receiver = strOf(field(v, "receiver"));
  d.groupLabels = toKV(a, field(v, "groupLabels"));
  d.commonLabels = toKV(a, field(v, "commonLabels"));
  d.commonAnnotations = toKV(a, field(v, "commonAnnotations"));
  ListData& l = a.newList();
  l.type = &alertsType();
  Value alerts = field(v, "alerts");
  if (alerts.kind() == Kind::List) {
    for (const auto& x : alerts.l().items) {
      auto& al = a.make<AlertObj>();
      al.status = strOf(field(x, "status"));
      al.labels = toKV(a, field(x, "labels"));
      al.annotations = toKV(a, field(x, "annotations"));
      al.startsAt = strOf(field(x, "startsAt"));
      al.endsAt = strOf(field(x, "endsAt"));
      l.items.push_back(Value::object(&al));
    }
  }
  d.alerts = Value::list(&l);
  return Value::object(&d);
}

const FuncMap& stubFuncs() {
  static const FuncMap m = [] {
    FuncMap m;
    auto s1 = [](auto f) {
      Function fn;
      fn.params = {Param::String};
      fn.fn = [f](Context& c, const Value&, std::span<const Value> a) {
        return str(c, f(std::string(a[0].s())));
      };
      return fn;
    };
    m["toUpper"] = s1([](std::string s) {
      for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      return s;
    });
    m["toLower"] = s1([](std::string s) {
      for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      return s;
    });
    m["trimSpace"] = s1([](std::string s) {
      auto sp = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
      };
      while (!s.empty() && sp(s.back())) s.pop_back();
      size_t i = 0;
      while (i < s.size() && sp(s[i])) ++i;
      return s.substr(i);
    });
    Function safeHtml;  // Go's func(string) template.HTML
    safeHtml.params = {Param::String};
    safeHtml.fn = [](Context&, const Value&, std::span<const Value> a) {
      return CallResult::ok(Value::typed(a[0].s(), Content::HTML));
    };
    m["safeHtml"] = safeHtml;
    Function join;
    join.params = {Param::String, Param::StringList};
    join.fn = [](Context& c, const Value&, std::span<const Value> a) {
      std::string s;
      const auto& items = a[1].l().items;
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) s += a[0].s();
        s += items[i].s();
      }
      return str(c, std::move(s));
    };
    m["join"] = join;
    Function split;
    split.params = {Param::String, Param::String};
    split.fn = [](Context& c, const Value&, std::span<const Value> a) {
      std::vector<std::string_view> parts;
      std::string_view s = a[0].s(), sep = a[1].s();
      if (sep.empty()) {
        for (size_t i = 0; i < s.size(); ++i) parts.push_back(s.substr(i, 1));
      } else {
        for (;;) {
          auto p = s.find(sep);
          parts.push_back(s.substr(0, p));
          if (p == std::string_view::npos) break;
          s.remove_prefix(p + sep.size());
        }
      }
      return CallResult::ok(stringList(c.arena(), parts, false));
    };
    m["split"] = split;
    Function replace;
    replace.params = {Param::String, Param::String, Param::String};
    replace.fn = [](Context& c, const Value&, std::span<const Value> a) {
      std::string s(a[0].s()), out;
      std::string_view from = a[1].s(), to = a[2].s();
      if (from.empty()) return str(c, s);
      size_t i = 0;
      for (;;) {
        auto p = s.find(from, i);
        if (p == std::string::npos) break;
        out.append(s, i, p - i);
        out += to;
        i = p + from.size();
      }
      out.append(s, i);
      return str(c, out);
    };
    m["replace"] = replace;
    Function repeat;
    repeat.params = {Param::String, Param::Int};
    repeat.fn = [](Context& c, const Value&, std::span<const Value> a) {
      if (a[1].i() < 0) return CallResult::fail("strings: negative Repeat count");
      std::string s;
      for (int64_t i = 0; i < a[1].i(); ++i) s += a[0].s();
      return str(c, s);
    };
    m["repeat"] = repeat;
    Function add;
    add.params = {Param::Int, Param::Int};
    add.fn = [](Context&, const Value&, std::span<const Value> a) {
      return CallResult::ok(Value::integer(a[0].i() + a[1].i()));
    };
    m["add"] = add;
    Function mulf;
    mulf.params = {Param::Float, Param::Float};
    mulf.fn = [](Context&, const Value&, std::span<const Value> a) {
      return CallResult::ok(Value::floating(a[0].f() * a[1].f()));
    };
    m["mulf"] = mulf;
    Function isTrue;
    isTrue.params = {Param::Bool};
    isTrue.fn = [](Context&, const Value&, std::span<const Value> a) {
      return CallResult::ok(Value::str(a[0].b() ? "yes" : "no"));
    };
    m["isTrue"] = isTrue;
    Function fail;
    fail.params = {Param::String};
    fail.fn = [](Context&, const Value&, std::span<const Value> a) {
      return CallResult::fail(std::string(a[0].s()));
    };
    m["fail"] = fail;
    Function ss;
    ss.params = {Param::String};
    ss.variadic = true;
    ss.fn = [](Context& c, const Value&, std::span<const Value> a) {
      std::vector<std::string_view> v;
      for (const auto& x : a) v.push_back(x.s());
      return CallResult::ok(stringList(c.arena(), v));
    };
    m["stringSlice"] = ss;
    Function kindOf;
    kindOf.params = {Param::Any};
    kindOf.fn = [](Context&, const Value&, std::span<const Value> a) {
      const char* k = "other";
      switch (a[0].kind()) {
        case Kind::Invalid:
        case Kind::Nil:
          k = "nil";
          break;
        case Kind::String:
          k = "string";
          break;
        case Kind::Int:
          k = "int";
          break;
        case Kind::Float:
          k = "float64";
          break;
        case Kind::Bool:
          k = "bool";
          break;
        case Kind::List:
          k = a[0].l().type == &anyListType() ? "list" : "other";
          break;
        case Kind::Map:
          k = a[0].m().type == &anyMapType() ? "map" : "other";
          break;
        default:
          break;
      }
      return CallResult::ok(Value::str(k));
    };
    m["kindOf"] = kindOf;
    return m;
  }();
  return m;
}

}  // namespace nm::tmpl::conformance
