// Engine types for the template data model: KV/Pairs/Pair with NM's methods, Alert and Alerts,
// Data with Status(), time.Time and time.Duration objects. Values are built lazily per render.
#include "render/template_data.h"

#include <algorithm>

#include "render/functions.h"

namespace nm::render {

using tmpl::Arena;
using tmpl::CallResult;
using tmpl::Context;
using tmpl::Function;
using tmpl::Kind;
using tmpl::ListData;
using tmpl::MapData;
using tmpl::Object;
using tmpl::Param;
using tmpl::TypeInfo;
using tmpl::Value;

namespace {

constexpr std::string_view kHiddenLabels[] = {"rule_id"};
constexpr std::string_view kHiddenAnnotations[] = {"runbook_url", "message", "summary",
                                                   "summary_cn"};

const TypeInfo& kvType();
const TypeInfo& pairType();
const TypeInfo& pairsType();
const TypeInfo& alertType();
const TypeInfo& alertSliceType();
const TypeInfo& alertsType();
const TypeInfo& dataType();
const TypeInfo& timeType();
const TypeInfo& durationType();

Function method(Function::Fn fn, std::vector<Param> params = {}, bool variadic = false) {
  Function f;
  f.params = std::move(params);
  f.variadic = variadic;
  f.fn = std::move(fn);
  return f;
}

Value stringList(Arena& a, const std::vector<std::string_view>& items) {
  ListData& l = a.newList();
  l.type = &tmpl::stringListType();
  for (auto s : items) l.items.push_back(Value::str(s));
  return Value::list(&l);
}

class PairObj final : public Object {
 public:
  PairObj(std::string_view n, std::string_view v) : name(n), value(v) {}
  const TypeInfo& type() const override { return pairType(); }
  bool field(std::string_view f, Value& out, Context&) const override {
    if (f == "Name")
      out = Value::str(name);
    else if (f == "Value")
      out = Value::str(value);
    else
      return false;
    return true;
  }
  void format(std::string& out) const override {
    out += '{';
    out += name;
    out += ' ';
    out += value;
    out += '}';
  }
  std::string_view name, value;
};

using PairList = std::vector<std::pair<std::string_view, std::string_view>>;

PairList sortedPairs(const MapData& m) {
  PairList out;
  if (const Value* v = m.find("alertname")) out.emplace_back("alertname", v->s());
  for (const auto& [k, v] : m.entries) {
    if (k == "alertname") continue;
    if (std::find(std::begin(kHiddenLabels), std::end(kHiddenLabels), k) != std::end(kHiddenLabels))
      continue;
    out.emplace_back(k, v.s());
  }
  return out;
}

Value makePairs(Arena& a, const PairList& ps) {
  ListData& l = a.newList();
  l.type = &pairsType();
  for (auto& [n, v] : ps) l.items.push_back(Value::object(&a.make<PairObj>(n, v)));
  return Value::list(&l);
}

PairList pairsOf(const Value& self) {
  PairList ps;
  for (const auto& p : self.l().items) {
    const auto& po = static_cast<const PairObj&>(p.o());
    ps.emplace_back(po.name, po.value);
  }
  return ps;
}

template <class Keys>
Value filterPairs(Arena& a, const Value& self, const Keys& keys) {
  PairList ps;
  for (auto& [n, v] : pairsOf(self)) {
    bool hide = false;
    for (const auto& k : keys) hide = hide || std::string_view(k) == n;
    if (!hide) ps.emplace_back(n, v);
  }
  return makePairs(a, ps);
}

Function namesOrValues(bool values, bool fromKV) {
  return method([values, fromKV](Context& c, const Value& self, std::span<const Value>) {
    std::vector<std::string_view> s;
    for (auto& [n, v] : fromKV ? sortedPairs(self.m()) : pairsOf(self)) s.push_back(values ? v : n);
    return CallResult::ok(stringList(c.arena(), s));
  });
}

const TypeInfo& pairType() {
  static const TypeInfo t = [] {
    TypeInfo t;
    t.json = &jsonOfObject;
    t.name = "template.Pair";
    return t;
  }();
  return t;
}

const TypeInfo& pairsType() {
  static const TypeInfo t = [] {
    TypeInfo t;
    t.name = "template.Pairs";
    t.elem = Kind::Object;
    t.elemType = &pairType();
    t.methods.emplace_back("Names", namesOrValues(false, false));
    t.methods.emplace_back("Values", namesOrValues(true, false));
    t.methods.emplace_back("Filter",
                           method(
                               [](Context& c, const Value& self, std::span<const Value> keys) {
                                 std::vector<std::string_view> k;
                                 for (const auto& x : keys) k.push_back(x.s());
                                 return CallResult::ok(filterPairs(c.arena(), self, k));
                               },
                               {Param::String}, true));
    t.methods.emplace_back(
        "DefaultFilter", method([](Context& c, const Value& self, std::span<const Value>) {
          std::vector<std::string_view> k(std::begin(kHiddenLabels), std::end(kHiddenLabels));
          k.insert(k.end(), std::begin(kHiddenAnnotations), std::end(kHiddenAnnotations));
          return CallResult::ok(filterPairs(c.arena(), self, k));
        }));
    return t;
  }();
  return t;
}

const TypeInfo& kvType() {
  static const TypeInfo t = [] {
    TypeInfo t;
    t.json = &jsonOfObject;
    t.name = "template.KV";
    t.elem = Kind::String;
    t.methods.emplace_back("SortedPairs",
                           method([](Context& c, const Value& self, std::span<const Value>) {
                             return CallResult::ok(makePairs(c.arena(), sortedPairs(self.m())));
                           }));
    t.methods.emplace_back("Names", namesOrValues(false, true));
    t.methods.emplace_back("Values", namesOrValues(true, true));
    t.methods.emplace_back("Remove",
                           method(
                               [](Context& c, const Value& self, std::span<const Value> a) {
                                 MapData& m = c.arena().newMap();
                                 m.type = &kvType();
                                 for (const auto& e : self.m().entries) {
                                   bool drop = false;
                                   for (const auto& k : a[0].l().items)
                                     drop = drop || k.s() == e.first;
                                   if (!drop) m.entries.push_back(e);
                                 }
                                 return CallResult::ok(Value::map(&m));
                               },
                               {Param::StringList}));
    return t;
  }();
  return t;
}

// time.Time and time.Duration.
class TimeObj final : public Object {
 public:
  explicit TimeObj(GoTime t) : time(std::move(t)) {}
  const TypeInfo& type() const override { return timeType(); }
  bool field(std::string_view, Value&, Context&) const override { return false; }
  void format(std::string& out) const override { out += goTimeString(time); }
  GoTime time;
};

class DurationObj final : public Object {
 public:
  explicit DurationObj(Duration d) : d(d) {}
  const TypeInfo& type() const override { return durationType(); }
  bool field(std::string_view, Value&, Context&) const override { return false; }
  void format(std::string& out) const override { out += formatGoDuration(d); }
  Duration d;
};

const TypeInfo& timeType() {
  static const TypeInfo t = [] {
    TypeInfo t;
    t.json = &jsonOfObject;
    t.name = "time.Time";
    auto self = [](const Value& v) -> const GoTime& {
      return static_cast<const TimeObj&>(v.o()).time;
    };
    t.methods.emplace_back(
        "Format", method(
                      [self](Context& c, const Value& v, std::span<const Value> a) {
                        return CallResult::ok(c.arena().str(goFormatTime(self(v), a[0].s())));
                      },
                      {Param::String}));
    t.methods.emplace_back("Unix", method([self](Context&, const Value& v, std::span<const Value>) {
                             return CallResult::ok(Value::integer(self(v).unixSec));
                           }));
    t.methods.emplace_back("IsZero",
                           method([self](Context&, const Value& v, std::span<const Value>) {
                             return CallResult::ok(Value::boolean(self(v).isZero()));
                           }));
    t.methods.emplace_back("UTC",
                           method([self](Context& c, const Value& v, std::span<const Value>) {
                             GoTime u = self(v);
                             u.offset = 0;
                             u.zone = "UTC";
                             return CallResult::ok(timeValue(c.arena(), u));
                           }));
    t.methods.emplace_back("String",
                           method([self](Context& c, const Value& v, std::span<const Value>) {
                             return CallResult::ok(c.arena().str(goTimeString(self(v))));
                           }));
    return t;
  }();
  return t;
}

const TypeInfo& durationType() {
  static const TypeInfo t = [] {
    TypeInfo t;
    t.json = &jsonOfObject;
    t.name = "time.Duration";
    auto secs = [](double div) {
      return method([div](Context&, const Value& v, std::span<const Value>) {
        const auto ns = static_cast<const DurationObj&>(v.o()).d.count();
        return CallResult::ok(Value::floating(static_cast<double>(ns) / 1e9 / div));
      });
    };
    t.methods.emplace_back("Seconds", secs(1));
    t.methods.emplace_back("Minutes", secs(60));
    t.methods.emplace_back("Hours", secs(3600));
    t.methods.emplace_back("String", method([](Context& c, const Value& v, std::span<const Value>) {
                             return CallResult::ok(c.arena().str(
                                 formatGoDuration(static_cast<const DurationObj&>(v.o()).d)));
                           }));
    return t;
  }();
  return t;
}

class AlertObj final : public Object {
 public:
  AlertObj(const Alert& a, std::string_view receiver, TimePoint nt)
      : alert(a), receiver(receiver), notificationTime(nt) {}
  const TypeInfo& type() const override { return alertType(); }
  bool field(std::string_view f, Value& out, Context& c) const override {
    Arena& a = c.arena();
    if (f == "Status") {
      out = Value::str(toString(alert.status));
    } else if (f == "Labels") {
      out = labels(a);
    } else if (f == "Annotations") {
      out = annotations(a);
    } else if (f == "ID") {
      out = Value::str(alert.id);
    } else if (f == "StartsAt") {
      out = timeValue(a, GoTime::fromTimePoint(alert.startsAt, alert.startsAtOffset));
    } else if (f == "EndsAt") {
      out = timeValue(a, GoTime::fromTimePoint(alert.endsAt, alert.endsAtOffset));
    } else if (f == "NotificationTime") {
      out = timeValue(a, GoTime::inLocal(notificationTime));
    } else if (f == "GeneratorURL") {
      out = Value::str(alert.generatorURL);
    } else if (f == "Fingerprint") {
      out = a.str(fingerprintHex(alert.fingerprint));
    } else {
      return false;
    }
    return true;
  }
  Value labels(Arena& a) const {
    if (!labels_.valid()) {
      MapData& m = a.newMap();
      m.type = &kvType();
      m.entries.reserve(alert.labels.size() + 1);
      for (const auto& [k, v] : alert.labels) m.entries.emplace_back(k, Value::str(v));
      if (!receiver.empty() && !alert.labels.has("receiver")) {
        m.entries.emplace_back("receiver", Value::str(receiver));
        m.sort();
      }
      labels_ = Value::map(&m);
    }
    return labels_;
  }
  Value annotations(Arena& a) const {
    if (!annotations_.valid()) annotations_ = kvValue(a, alert.annotations);
    return annotations_;
  }
  std::string_view message(bool cn) const {
    static constexpr std::string_view en[] = {"message", "summary", "summaryCn"};
    static constexpr std::string_view zh[] = {"summaryCn", "message", "summary"};
    for (auto k : cn ? zh : en)
      if (auto v = alert.annotations.get(k); !v.empty()) return v;
    return {};
  }

  const Alert& alert;
  std::string_view receiver;
  TimePoint notificationTime;

 private:
  mutable Value labels_, annotations_;
};

const TypeInfo& alertType() {
  static const TypeInfo t = [] {
    TypeInfo t;
    t.json = &jsonOfObject;
    t.name = std::string(kAlertTypeName);
    auto msg = [](bool cn) {
      return method([cn](Context&, const Value& self, std::span<const Value>) {
        return CallResult::ok(Value::str(static_cast<const AlertObj&>(self.o()).message(cn)));
      });
    };
    t.methods.emplace_back("Message", msg(false));
    t.methods.emplace_back("MessageCN", msg(true));
    return t;
  }();
  return t;
}

Value filterAlerts(Arena& a, const Value& self, AlertStatus status) {
  ListData& l = a.newList();
  l.type = &alertSliceType();
  for (const auto& v : self.l().items)
    if (static_cast<const AlertObj&>(v.o()).alert.status == status) l.items.push_back(v);
  l.isNil = l.items.empty();
  return Value::list(&l);
}

// Firing()/Resolved() return []*Alert in the reference, not Alerts.
const TypeInfo& alertSliceType() {
  static const TypeInfo t = [] {
    TypeInfo t;
    t.name = "[]*template.Alert";
    t.elem = Kind::Object;
    t.elemType = &alertType();
    return t;
  }();
  return t;
}

const TypeInfo& alertsType() {
  static const TypeInfo t = [] {
    TypeInfo t;
    t.json = &jsonOfObject;
    t.name = "template.Alerts";
    t.elem = Kind::Object;
    t.elemType = &alertType();
    t.methods.emplace_back(
        "Firing", method([](Context& c, const Value& self, std::span<const Value>) {
          return CallResult::ok(filterAlerts(c.arena(), self, AlertStatus::Firing));
        }));
    t.methods.emplace_back(
        "Resolved", method([](Context& c, const Value& self, std::span<const Value>) {
          return CallResult::ok(filterAlerts(c.arena(), self, AlertStatus::Resolved));
        }));
    return t;
  }();
  return t;
}

class DataObj final : public Object {
 public:
  DataObj(const Data& d, Value alerts) : data(d), alerts(alerts) {}
  const TypeInfo& type() const override { return dataType(); }
  bool field(std::string_view f, Value& out, Context& c) const override {
    if (f == "Alerts")
      out = alerts;
    else if (f == "GroupLabels")
      out = kvValue(c.arena(), data.groupLabels);
    else if (f == "CommonLabels")
      out = kvValue(c.arena(), data.commonLabels);
    else if (f == "CommonAnnotations")
      out = kvValue(c.arena(), data.commonAnnotations);
    else if (f == "Receiver")
      out = Value::str(data.receiverName);
    else
      return false;
    return true;
  }
  const Data& data;
  Value alerts;
};

const TypeInfo& dataType() {
  static const TypeInfo t = [] {
    TypeInfo t;
    t.json = &jsonOfObject;
    t.name = "*template.Data";
    t.methods.emplace_back(
        "Status", method([](Context&, const Value& self, std::span<const Value>) {
          bool firing = false, resolved = false;
          for (const auto& a : static_cast<const DataObj&>(self.o()).alerts.l().items)
            (static_cast<const AlertObj&>(a.o()).alert.status == AlertStatus::Firing ? firing
                                                                                     : resolved) =
                true;
          // Every alert (of none, too) firing: "firing"; all resolved:
          // "resolved"; mixed: "".
          const char* s = !resolved ? "firing" : firing ? "" : "resolved";
          return CallResult::ok(Value::str(s));
        }));
    return t;
  }();
  return t;
}

}  // namespace

Value kvValue(Arena& arena, const LabelSet& labels) {
  MapData& m = arena.newMap();
  m.type = &kvType();
  m.entries.reserve(labels.size());
  for (const auto& [k, v] : labels) m.entries.emplace_back(k, Value::str(v));
  return Value::map(&m);
}

Value timeValue(Arena& arena, const GoTime& t) {
  return Value::object(&arena.make<TimeObj>(t));
}

Value durationValue(Arena& arena, Duration d) {
  return Value::object(&arena.make<DurationObj>(d));
}

const GoTime* asTime(const Value& v) {
  if (v.kind() != Kind::Object || &v.o().type() != &timeType()) return nullptr;
  return &static_cast<const TimeObj&>(v.o()).time;
}

bool asDuration(const Value& v, Duration& out) {
  if (v.kind() != Kind::Object || &v.o().type() != &durationType()) return false;
  out = static_cast<const DurationObj&>(v.o()).d;
  return true;
}

bool alertMessage(const Value& v, bool cn, std::string_view& out) {
  if (v.kind() != Kind::Object || &v.o().type() != &alertType()) return false;
  out = static_cast<const AlertObj&>(v.o()).message(cn);
  return true;
}

Value dataValue(Arena& arena, const Data& data, TimePoint notificationTime) {
  return dataValue(arena, data, std::span<const AlertPtr>(data.alerts), notificationTime);
}

Value dataValue(Arena& arena, const Data& data, std::span<const AlertPtr> alerts,
                TimePoint notificationTime) {
  ListData& l = arena.newList();
  l.type = &alertsType();
  l.items.reserve(alerts.size());
  for (const auto& a : alerts)
    l.items.push_back(
        Value::object(&arena.make<AlertObj>(*a, data.receiverName, notificationTime)));
  return Value::object(&arena.make<DataObj>(data, Value::list(&l)));
}

}  // namespace nm::render
