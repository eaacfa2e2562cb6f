// JSON reply rendering with RapidJSON's writer (escaping included).
// Keeps the Go daemon's field names: "Status" and "Message".
#include "api/reply.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/url_redact.h"

namespace nm::api {

Reply jsonReply(unsigned status, std::string_view message, const std::vector<JsonField>& extra) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("Status");
  w.Uint(status);
  w.Key("Message");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  for (const JsonField& f : extra) {
    w.Key(f.name.data(), static_cast<rapidjson::SizeType>(f.name.size()));
    switch (f.kind) {
      case JsonField::Kind::String:
        w.String(f.text.data(), static_cast<rapidjson::SizeType>(f.text.size()));
        break;
      case JsonField::Kind::Number:
        w.Uint64(f.number);
        break;
      case JsonField::Kind::Bool:
        w.Bool(f.flag);
        break;
      case JsonField::Kind::StringList:
        w.StartArray();
        for (const auto& v : f.list) w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
        w.EndArray();
        break;
    }
  }
  w.EndObject();
  Reply r;
  r.status = status;
  r.body.assign(buf.GetString(), buf.GetSize());
  // Errors (verify, reload, ready) may quote a configured URL: never with its credentials.
  if (r.body.find("://") != std::string::npos) r.body = redactUrlsIn(r.body);
  return r;
}

}  // namespace nm::api
