// Decoding of the email blocks: Receiver spec.email (validated recipients), Config spec.email
// (smart host, AUTH, TLS) and NotificationManager options.email; recipient batching.
#include "model/decode.h"
#include "notify/channel_common.h"
#include "notify/channels/email.h"
#include "notify/channels/email_mime.h"

namespace nm {

using model::joinPath;
using model::Reader;

namespace {

// Reads an address field; reports a bad one at `path`.
std::string address(Reader& r, const YAML::Node& n, const std::string& path, bool required) {
  auto s = r.str(n, path);
  if (!s) {
    if (required && Reader::absent(n)) r.error(path, "required field is missing");
    return "";
  }
  if (s->empty()) {
    if (required) r.error(path, "required field is missing");
    return "";
  }
  if (!parseMailAddress(*s)) r.error(path, "not a valid email address: \"" + *s + "\"");
  return *s;
}

bool validTmplType(const std::string& t) {
  return t.empty() || t == "html" || t == "text";
}

}  // namespace

std::shared_ptr<const ChannelSpec> decodeEmailReceiver(const DecodeContext& ctx) {
  Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  const std::string& path = ctx.path;
  if (!r.map(ctx.node, path)) return nullptr;
  r.onlyKeys(ctx.node, path,
             {"enabled", "alertSelector", "emailConfigSelector", "template", "tmplText", "to",
              "subjectTemplate", "tmplType"});
  auto spec = std::make_shared<EmailSpec>();
  const YAML::Node to = ctx.node["to"];
  const std::string tp = joinPath(path, "to");
  if (Reader::absent(to)) {
    r.error(tp, "at least one recipient is required");
  } else if (!to.IsSequence()) {
    r.error(tp, "expected a list, got " + model::describeNode(to));
  } else {
    for (size_t i = 0; i < to.size(); ++i) {
      std::string a = address(r, to[i], model::indexPath(tp, i), true);
      if (!a.empty()) spec->to.push_back(std::move(a));
    }
    if (to.size() == 0) r.error(tp, "at least one recipient is required");
  }
  spec->subjectTemplate =
      r.str(ctx.node["subjectTemplate"], joinPath(path, "subjectTemplate")).value_or("");
  spec->tmplType = r.str(ctx.node["tmplType"], joinPath(path, "tmplType")).value_or("");
  if (!validTmplType(spec->tmplType)) r.error(joinPath(path, "tmplType"), "must be html or text");
  if (ctx.diags.items().size() != before) return nullptr;
  return spec;
}

std::shared_ptr<const ChannelSpec> decodeEmailConfig(const DecodeContext& ctx) {
  Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  const std::string& path = ctx.path;
  if (!r.map(ctx.node, path)) return nullptr;
  r.onlyKeys(ctx.node, path,
             {"labels", "from", "smartHost", "hello", "authUsername", "authIdentify",
              "authPassword", "authSecret", "requireTLS", "tls"});
  auto spec = std::make_shared<EmailConfigSpec>();
  spec->from = address(r, ctx.node["from"], joinPath(path, "from"), true);
  const YAML::Node sh = ctx.node["smartHost"];
  const std::string sp = joinPath(path, "smartHost");
  if (Reader::absent(sh)) {
    r.error(sp, "required field is missing");
  } else if (r.map(sh, sp)) {
    r.onlyKeys(sh, sp, {"host", "port"});
    spec->host = r.str(sh["host"], joinPath(sp, "host")).value_or("");
    if (spec->host.empty()) r.error(joinPath(sp, "host"), "required field is missing");
    if (spec->host.find_first_of(" /?#@") != std::string::npos) {
      r.error(joinPath(sp, "host"), "not a valid host name");
    }
    auto port = r.integer(sh["port"], joinPath(sp, "port"));
    if (!port && Reader::absent(sh["port"])) {
      r.error(joinPath(sp, "port"), "required field is missing");
    } else if (port && (*port < 1 || *port > 65535)) {
      r.error(joinPath(sp, "port"), "must be between 1 and 65535");
    }
    spec->port = port.value_or(0);
  }
  spec->hello = r.str(ctx.node["hello"], joinPath(path, "hello")).value_or("");
  if (spec->hello.find_first_of(" \r\n/") != std::string::npos) {
    r.error(joinPath(path, "hello"), "not a valid host name");
  }
  spec->authUsername = r.str(ctx.node["authUsername"], joinPath(path, "authUsername")).value_or("");
  spec->authIdentify = r.str(ctx.node["authIdentify"], joinPath(path, "authIdentify")).value_or("");
  spec->authPassword =
      model::decodeCredential(r, ctx.node["authPassword"], joinPath(path, "authPassword"));
  spec->authSecret =
      model::decodeCredential(r, ctx.node["authSecret"], joinPath(path, "authSecret"));
  spec->requireTLS =
      r.boolean(ctx.node["requireTLS"], joinPath(path, "requireTLS")).value_or(false);
  spec->tls = model::decodeTlsConfig(r, ctx.node["tls"], joinPath(path, "tls"));
  if (spec->tls && spec->tls->clientCert.has_value() != spec->tls->clientKey.has_value()) {
    r.error(joinPath(path, "tls.clientCertificate"), "cert and key must be given together");
  }
  if (ctx.diags.items().size() != before) return nullptr;
  return spec;
}

EmailOptions emailOptions(const model::NotificationManager& nm, std::string& error) {
  EmailOptions o;
  readChannelOptions(
      nm, "email", o.timeoutSeconds, o.templateName, error,
      [&](Reader& r, const YAML::Node& n, const std::string& p) {
        o.subjectTemplate =
            r.str(n["subjectTemplate"], joinPath(p, "subjectTemplate")).value_or("");
        o.tmplType = r.str(n["tmplType"], joinPath(p, "tmplType")).value_or("");
        if (!validTmplType(o.tmplType)) r.error(joinPath(p, "tmplType"), "must be html or text");
        if (auto v = r.integer(n["maxEmailReceivers"], joinPath(p, "maxEmailReceivers"))) {
          if (*v < 0) {
            r.error(joinPath(p, "maxEmailReceivers"), "must not be negative");
          } else {
            o.maxEmailReceivers = static_cast<size_t>(*v);
          }
        }
        r.str(n["deliveryType"], joinPath(p, "deliveryType"));  // deprecated, accepted, unused
      });
  return o;
}

std::vector<std::vector<std::string>> emailBatches(const std::vector<std::string>& to, size_t max) {
  std::vector<std::vector<std::string>> out;
  if (to.empty()) return out;
  const size_t size = max == 0 ? to.size() : max;
  for (size_t i = 0; i < to.size(); i += size) {
    out.emplace_back(to.begin() + static_cast<std::ptrdiff_t>(i),
                     to.begin() + static_cast<std::ptrdiff_t>(std::min(to.size(), i + size)));
  }
  return out;
}

}  // namespace nm
