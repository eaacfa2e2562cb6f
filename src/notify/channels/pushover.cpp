// The Pushover notifier: renders and splits a Data, renders each chunk's title, then posts one
// messages.json request per profile per chunk, retrying only transport errors and 5xx.
#include "notify/channels/pushover.h"

#include <utility>

#include "core/json.h"
#include "core/url_redact.h"
#include "interfaces/snapshot.h"
#include "notify/channel_common.h"
#include "notify/chat_notifier.h"
#include "notify/throttle.h"
#include "observe/log.h"
#include "render/split.h"

namespace nm {

namespace {

constexpr size_t kReasonBodyBytes = 256;
// The title when neither a titleTemplate nor the profile's deprecated title is set.
constexpr std::string_view kDefaultTitle = "nm.default.subject";

// The errors[] of a Pushover answer joined with "; "; empty when there are none.
std::string joinedErrors(const rapidjson::Value& j) {
  std::string out;
  const rapidjson::Value* e = json::find(j, "errors");
  if (!e) return out;
  if (e->IsArray()) {
    for (const auto& x : e->GetArray()) {
      if (!x.IsString()) continue;
      if (!out.empty()) out += "; ";
      out.append(x.GetString(), x.GetStringLength());
    }
  } else if (e->IsObject()) {  // {"field": ["message"]} in some answers
    for (const auto& [k, v] : json::sortedMembers(*e)) {
      if (!out.empty()) out += "; ";
      out.append(k);
      out += ' ';
      if (v->IsArray() && !v->Empty() && (*v)[0].IsString()) {
        out.append((*v)[0].GetString(), (*v)[0].GetStringLength());
      } else {
        out += json::dump(*v);
      }
    }
  }
  return std::string(render::escapedPrefix(out, kReasonBodyBytes));
}

// Where a profile's message goes, for history: the user key shortened (it addresses a person),
// and the devices.
std::string profileTarget(const PushoverProfile& p) {
  std::string t = "user:" + p.userKey.substr(0, 4) + "…";
  if (!p.devices.empty()) {
    t += " devices:";
    for (size_t i = 0; i < p.devices.size(); ++i) t += (i ? "," : "") + p.devices[i];
  }
  return t;
}

class PushoverNotifier final : public ChatNotifier {
 public:
  PushoverNotifier(const ChannelServices& services, std::string token,
                   std::vector<PushoverProfile> profiles, PushoverOptions opts,
                   std::shared_ptr<const render::Renderer> renderer, std::string templateName,
                   std::string titleName, std::string receiverName)
      : ChatNotifier(services, "pushover", receiverName),
        token_(std::move(token)),
        profiles_(std::move(profiles)),
        opts_(std::move(opts)),
        renderer_(std::move(renderer)),
        templateName_(std::move(templateName)),
        titleName_(std::move(titleName)) {}

  std::string buildJobs(const Data& data, std::vector<ChatJob>& jobs) override {
    auto split = render::splitMessages(*renderer_, templateName_, data, kPushoverMaxMessage);
    if (!split.ok()) return "template: " + split.error;
    for (const auto& c : split.chunks) {
      std::string rendered;  // the titleTemplate (or default subject) title of this chunk
      if (needsRenderedTitle()) {
        auto t = renderer_->render(titleName_.empty() ? kDefaultTitle : titleName_, data,
                                   std::span<const AlertPtr>(c.alerts));
        if (!t.ok()) return "title template: " + t.error;
        rendered = std::move(t.text);
      }
      for (const auto& p : profiles_) {
        // The deprecated per-profile title applies only when no titleTemplate is configured.
        const std::string& title = titleName_.empty() && !p.title.empty() ? p.title : rendered;
        ChatJob job;
        job.target = profileTarget(p);
        HttpRequest req;
        req.method = "POST";
        req.url = opts_.apiBaseUrl + "/1/messages.json";
        req.headers = {{"Content-Type", "application/json"}};
        req.timeout = std::chrono::seconds(opts_.timeoutSeconds);
        req.body = pushoverBody(token_, p, title, c.text);
        job.run = [this, req = std::move(req)](TimePoint dl, std::function<void(SendOutcome)> cb) {
          sendWithRetry(
              http_, req, RetryPolicy{}, dl,
              [token = token_](const HttpResponse& resp) {
                Classification c = classifyPushover(resp);
                c.reason = redactSecret(std::move(c.reason), token);  // should an answer echo it
                return c;
              },
              std::move(cb));
        };
        jobs.push_back(std::move(job));
      }
    }
    return "";
  }

 private:
  // An explicit titleTemplate always renders; without one, the default subject renders unless
  // every profile carries its deprecated title.
  bool needsRenderedTitle() const {
    if (!titleName_.empty()) return true;
    for (const auto& p : profiles_) {
      if (p.title.empty()) return true;
    }
    return false;
  }

  std::string token_;
  std::vector<PushoverProfile> profiles_;
  PushoverOptions opts_;
  std::shared_ptr<const render::Renderer> renderer_;
  std::string templateName_;
  std::string titleName_;  // the configured titleTemplate; empty: profile title, else default
};

std::unique_ptr<Notifier> make(const NotifierContext& ctx, std::string& error) {
  PushoverOptions opts;
  auto spec = channelSpecAndOptions<PushoverSpec>(ctx, "pushover", &pushoverOptions, opts, error);
  if (!spec) return nullptr;
  auto cfg =
      ctx.config ? std::dynamic_pointer_cast<const PushoverConfigSpec>(ctx.config->spec) : nullptr;
  if (!cfg) {
    error = "pushover: no pushover config with pushoverTokenSecret matched the receiver";
    return nullptr;
  }
  std::string token;
  if (!resolveCredential(ctx, cfg->token, "pushover", "pushoverTokenSecret", token, error))
    return nullptr;
  if (token.empty()) {
    error = "pushover: pushoverTokenSecret is empty";
    return nullptr;
  }
  std::string tmpl = render::chooseTemplate("nm.default.text", ctx.snapshot.nm.globalTemplate,
                                            opts.templateName, ctx.receiver.templateName);
  std::string title = render::chooseTemplate("", "", opts.titleTemplate, spec->titleTemplate);
  return std::make_unique<PushoverNotifier>(ctx.services, std::move(token), spec->profiles,
                                            std::move(opts),
                                            config::rendererFor(ctx.receiver, ctx.snapshot),
                                            std::move(tmpl), std::move(title), ctx.receiver.name);
}

}  // namespace

bool isPushoverSound(std::string_view s) {
  for (auto n : kPushoverSounds) {
    if (n == s) return true;
  }
  return false;
}

std::string pushoverUtf8Prefix(std::string_view s, size_t maxBytes) {
  if (s.size() <= maxBytes) return std::string(s);
  size_t n = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

std::string pushoverBody(const std::string& token, const PushoverProfile& profile,
                         const std::string& title, const std::string& message) {
  json::Writer w;  // keys in byte order, as always sent
  w.startObject();
  if (!profile.devices.empty()) {
    std::string d;
    for (const auto& dev : profile.devices) d += (d.empty() ? "" : ",") + dev;
    w.member("device", d);
  }
  w.member("message", message);
  if (!profile.sound.empty()) w.member("sound", profile.sound);
  if (std::string t = pushoverUtf8Prefix(title, kPushoverMaxTitle); !t.empty()) {
    w.member("title", t);
  }
  w.member("token", token).member("user", profile.userKey);
  return w.endObject().take();
}

Classification classifyPushover(const HttpResponse& r) {
  if (r.status == 0) {
    Classification c = defaultClassify(r);
    c.reason = "pushover: " + c.reason;
    return c;
  }
  const json::Parsed j = json::parse(r.body);
  const bool object = j.doc.IsObject();
  const std::string vendorErrors = object ? joinedErrors(j.doc) : "";
  std::string errors = vendorErrors;
  if (errors.empty()) {
    errors = "HTTP " + std::to_string(r.status);
    if (!r.body.empty()) {
      errors += ": " + std::string(render::escapedPrefix(r.body, kReasonBodyBytes));
    }
  }
  std::string reason = "pushover: " + errors;
  if (r.status >= 500) return {Verdict::Transient, std::move(reason)};
  if (r.status == 429) {
    // Pushover answers 429 when the application is over its monthly message quota: retrying
    // cannot succeed before the quota resets (the 1st of the month) or is upgraded, so this is
    // final rather than transient, with the reason spelled out for the operator.
    std::string q = "pushover: HTTP 429: the application is over its monthly message limit";
    if (!vendorErrors.empty()) q += " (" + vendorErrors + ")";
    return {Verdict::Permanent, std::move(q)};
  }
  if (r.status >= 200 && r.status < 300 && object) {
    if (json::intMember(j.doc, "status") == 1) {
      return {Verdict::Success, ""};
    }
  }
  // 4xx ("input was invalid": bad token, user key, device, sound), or a 2xx without status 1.
  return {Verdict::Permanent, std::move(reason)};
}

const ChannelDescriptor& pushoverDescriptor() {
  static const ChannelDescriptor d{"pushover", &decodePushoverReceiver, &decodePushoverConfig,
                                   &make};
  return d;
}

}  // namespace nm
