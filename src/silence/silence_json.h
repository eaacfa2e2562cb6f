// Alertmanager's silence JSON: postableSilence in (with field-path errors) and gettableSilence
// out; the same text is the StateBackend record of an API silence.
#pragma once

#include <rapidjson/document.h>

#include <string>

#include "core/json.h"
#include "silence/api_silences.h"

namespace nm {

// Decodes {id?, matchers:[{name,value,isRegex,isEqual?}], startsAt, endsAt, createdBy, comment}.
// Errors name the field: "matchers[1].value: invalid regular expression ...".
bool decodeSilence(const rapidjson::Value& v, ApiSilence& out, std::string& error);

// {id, status:{state}, updatedAt, matchers, startsAt, endsAt, createdBy, comment}.
void writeSilence(json::Writer& w, const ApiSilence& s, SilenceState state);
std::string encodeSilence(const ApiSilence& s, SilenceState state);

// One matcher as the API writes it: {name, value, isRegex, isEqual}.
void writeMatcher(json::Writer& w, const LabelMatcher& m);

}  // namespace nm
