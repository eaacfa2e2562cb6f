// The template view of nm::Data: the reference's Go types (Data, Alerts, Alert, KV, Pairs, Pair,
// time.Time) as engine Values with the same field names and methods, built into an Arena.
#pragma once

#include <span>
#include <string_view>

#include "core/data.h"
#include "render/go_time.h"
#include "template/value.h"

namespace nm::render {

// *template.Data for `data` (or only `alerts`, a subset of data.alerts, when given). Values
// borrow data's strings: data must outlive the execution. Alerts lacking label `receiver` get
// receiver=<data.receiverName>. NotificationTime of every alert is `notificationTime`.
tmpl::Value dataValue(tmpl::Arena& arena, const Data& data, TimePoint notificationTime);
tmpl::Value dataValue(tmpl::Arena& arena, const Data& data, std::span<const AlertPtr> alerts,
                      TimePoint notificationTime);

// template.KV of a label set (values borrowed).
tmpl::Value kvValue(tmpl::Arena& arena, const LabelSet& labels);

// A time.Time / time.Duration value (Object).
tmpl::Value timeValue(tmpl::Arena& arena, const GoTime& t);
tmpl::Value durationValue(tmpl::Arena& arena, Duration d);
// The GoTime of a time.Time value; nullptr for anything else.
const GoTime* asTime(const tmpl::Value& v);
// The Duration of a time.Duration value; false for anything else.
bool asDuration(const tmpl::Value& v, Duration& out);

// Alert.Message() / MessageCN() of an *template.Alert value; false when v is not an alert.
bool alertMessage(const tmpl::Value& v, bool cn, std::string_view& out);

// The model's type names (for error messages).
inline constexpr std::string_view kAlertTypeName = "*template.Alert";

}  // namespace nm::render
