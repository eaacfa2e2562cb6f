// JSON text for everything but alert ingest (RapidJSON): a writer for vendor request bodies and
// dumps, and a strict parser for vendor answers and files, with member lookups.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nm::json {

// Appends `s` as a JSON string literal: UTF-8 written as is, invalid UTF-8 replaced by U+FFFD
// (one per maximal invalid subpart), `"` `\` and control characters escaped (\b \t \n \f \r, else
// \u00xx in lower case), `/` and DEL not escaped. These are the bytes nlohmann's
// dump(-1, ' ', false, replace) wrote, so vendor bodies and their signatures did not change.
void appendQuoted(std::string& out, std::string_view s);

// A double in nlohmann's layout: Grisu2 round-trip digits (where 17 are needed the last may differ
// from nlohmann's by one), "1.0" for integral values, exponent form ("1e+16", "1e-05") outside
// 1e-5..1e15, null for NaN and infinities.
void appendDouble(std::string& out, double v);

// Builds compact JSON text in the order written. Objects are not reordered: callers that must
// keep nlohmann's output write keys in byte order (nlohmann::json kept objects sorted).
class Writer {
 public:
  Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  Writer& startObject();
  Writer& endObject();
  Writer& startArray();
  Writer& endArray();
  Writer& key(std::string_view k);
  Writer& string(std::string_view s);
  Writer& integer(int64_t v);
  Writer& boolean(bool v);
  Writer& null();
  // A parsed value, re-serialized as nlohmann did: object keys sorted bytewise, the last of
  // repeated keys kept, numbers normalized (appendDouble).
  Writer& value(const rapidjson::Value& v);
  Writer& strings(const std::vector<std::string>& list);  // an array of strings
  Writer& member(std::string_view k, std::string_view s) { return key(k).string(s); }

  // The text written so far (complete once every object and array is closed).
  std::string take() { return std::move(text_); }

 private:
  struct Out {
    using Ch = char;
    std::string* s;
    void Put(char c) { s->push_back(c); }
    void Flush() {}
  };
  Writer& raw(rapidjson::Type type);  // writes scratch_ as one value

  std::string text_;
  std::string scratch_;
  Out out_;
  rapidjson::Writer<Out> w_;
};

// A parsed document, or why it is not one.
struct Parsed {
  rapidjson::Document doc;
  std::string error;  // empty when `doc` holds the value
  bool ok() const { return error.empty(); }
};

// Parses exactly one JSON value (surrounding whitespace allowed) with valid UTF-8 strings and
// correctly rounded numbers. On failure, error is "<reason> at offset N".
Parsed parse(std::string_view text);

// The member `name` of `v` (the last one if repeated), or null when `v` is not an object or has
// no such member.
const rapidjson::Value* find(const rapidjson::Value& v, std::string_view name);

// The string member `name`, or nullopt when absent or not a string.
std::optional<std::string> stringMember(const rapidjson::Value& v, std::string_view name);

// The integer member `name` (a JSON number without fraction or exponent that fits 64 bits), or
// nullopt.
std::optional<int64_t> intMember(const rapidjson::Value& v, std::string_view name);

// The members of object `v` sorted by key bytewise, the last of repeated keys kept.
std::vector<std::pair<std::string_view, const rapidjson::Value*>> sortedMembers(
    const rapidjson::Value& v);

// `v` as compact JSON text (Writer::value).
std::string dump(const rapidjson::Value& v);

}  // namespace nm::json
