// Silence resources shown through the Alertmanager API, read-only: id "resource:<name>", the
// LabelSelector as Alertmanager matchers where it can be expressed, times and state.
#pragma once

#include <string>

#include "model/resources.h"
#include "silence/api_silences.h"

namespace nm {

inline constexpr std::string_view kResourceSilencePrefix = "resource:";

// The selector as matchers: matchLabels and In/NotIn of one value as `=`/`!=`, of several as
// `=~`/`!~` over the quoted values, Exists as `=~".+"`, DoesNotExist as `=""`, Match (unanchored,
// never a missing label) as `=~".*(?:re).*"` — which, unlike Match, also selects a missing label
// when re matches "". An empty selector gives no matchers.
// Times: startsAt (else `loadedAt`) to startsAt + duration (else far future). A scheduled silence
// shows active while a trigger's duration runs, else pending. A disabled one shows expired.
// createdBy "resource", the comment says where it comes from and that it is read-only.
ApiSilence silenceFromResource(const model::SilenceResource& r, TimePoint loadedAt, TimePoint now,
                               SilenceState& state);

}  // namespace nm
