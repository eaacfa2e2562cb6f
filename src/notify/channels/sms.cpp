// The SMS notifier: renders the message once (nm.default.text by default), builds the chosen
// provider and runs its requests (batches of numbers) in order, reporting per-request failures.
#include "notify/channels/sms.h"

#include <utility>

#include "interfaces/snapshot.h"
#include "notify/channel_common.h"
#include "notify/channels/sms_provider.h"
#include "notify/chat_notifier.h"
#include "observe/log.h"
#include "render/renderer.h"

namespace nm {

namespace {

class SmsNotifier final : public ChatNotifier {
 public:
  SmsNotifier(const ChannelServices& services, std::unique_ptr<SmsProvider> provider,
              std::vector<std::string> phones, std::shared_ptr<const render::Renderer> renderer,
              std::string templateName, std::string receiverName)
      : ChatNotifier(services, "sms", receiverName),
        provider_(std::move(provider)),
        phones_(std::move(phones)),
        renderer_(std::move(renderer)),
        templateName_(std::move(templateName)) {
    logField_ = {"provider", std::string(provider_->name())};
  }

  std::string buildJobs(const Data& data, std::vector<ChatJob>& jobs) override {
    auto r = renderer_->render(templateName_, data);
    if (!r.ok()) return "template: " + r.error;
    jobs = provider_->jobs(data, r.text, phones_);
    return "";
  }

 private:
  std::unique_ptr<SmsProvider> provider_;
  std::vector<std::string> phones_;
  std::shared_ptr<const render::Renderer> renderer_;
  std::string templateName_;
};

std::unique_ptr<Notifier> make(const NotifierContext& ctx, std::string& error) {
  SmsOptions opts;
  auto spec = channelSpecAndOptions<SmsSpec>(ctx, "sms", &smsOptions, opts, error);
  if (!spec) return nullptr;
  auto cfg =
      ctx.config ? std::dynamic_pointer_cast<const SmsConfigSpec>(ctx.config->spec) : nullptr;
  if (!cfg) {
    error = "sms: no sms config matched the receiver";
    return nullptr;
  }
  const std::string chosen = smsChooseProvider(*cfg);
  SmsProviderContext pc{ctx.services.http, std::chrono::seconds(opts.timeoutSeconds),
                        [&](const model::Credential& c, const char* field, std::string& out) {
                          std::string err;
                          auto v = ctx.secrets.resolve(c, err);
                          if (!v) {
                            error = "sms: " + chosen + "." + field + ": " + err;
                            return false;
                          }
                          out = std::move(*v);
                          return true;
                        }};
  std::unique_ptr<SmsProvider> provider;
  if (chosen == "aliyun" && cfg->aliyun) {
    provider = makeAliyunSms(pc, *cfg->aliyun);
  } else if (chosen == "tencent" && cfg->tencent) {
    provider = makeTencentSms(pc, *cfg->tencent);
  } else if (chosen == "huawei" && cfg->huawei) {
    provider = makeHuaweiSms(pc, *cfg->huawei);
  } else if (chosen == "aws" && cfg->aws) {
    provider = makeAwsSms(pc, *cfg->aws);
  } else if (error.empty()) {
    error = chosen.empty() ? "sms: the config has no provider"
                           : "sms: provider \"" + chosen + "\" is not configured";
  }
  if (!provider) return nullptr;
  std::string tmpl = render::chooseTemplate("nm.default.text", ctx.snapshot.nm.globalTemplate,
                                            opts.templateName, ctx.receiver.templateName);
  return std::make_unique<SmsNotifier>(ctx.services, std::move(provider), spec->phoneNumbers,
                                       config::rendererFor(ctx.receiver, ctx.snapshot),
                                       std::move(tmpl), ctx.receiver.name);
}

}  // namespace

const ChannelDescriptor& smsDescriptor() {
  static const ChannelDescriptor d{"sms", &decodeSmsReceiver, &decodeSmsConfig, &make};
  return d;
}

}  // namespace nm
