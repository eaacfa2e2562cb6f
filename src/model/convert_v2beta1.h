// v2beta1 → v2beta2 conversion of NotificationManager, Config and Receiver documents: v2beta1's
// bare Secret selectors become Credentials, fields v2beta1 never had are refused by path.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>

#include "model/decode_reader.h"

namespace nm::model {

constexpr const char* kApiVersionV2beta1 = "notification.kubesphere.io/v2beta1";

// The kinds v2beta1 served (Router and Silence arrived with v2beta2).
bool hasV2beta1Form(std::string_view kind);

// A deep copy of `doc` (a v2beta1 `kind` object) rewritten as its v2beta2 equivalent:
// apiVersion v2beta2, every `{name, key, namespace?}` credential turned into
// `{valueFrom: {secretKeyRef: {...}}}`, time.Duration nanosecond integers turned into Go duration
// strings. A field v2beta1 did not have, or a malformed selector, is reported through `r` with
// its path; the result is then nullopt. Adds the deprecation warning naming the object.
std::optional<YAML::Node> convertV2beta1(Reader& r, const YAML::Node& doc, std::string_view kind);

}  // namespace nm::model
