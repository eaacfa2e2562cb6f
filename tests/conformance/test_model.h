// The stub FuncMap and the small data model (KV, Pairs, Alert, Alerts, Data) mirrored from
// oracle/funcs.go, so conformance cases exercise user functions and methods with arguments.
#pragma once

#include "template/template.h"

namespace nm::tmpl::conformance {

const FuncMap& stubFuncs();
// JSON-decoded value → main.KV (string values only).
Value toKV(Arena& arena, const Value& v);
// Webhook-shaped JSON → *main.Data.
Value toModel(Arena& arena, const Value& v);

}  // namespace nm::tmpl::conformance
