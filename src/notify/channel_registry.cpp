// The static table of channel types: type name → decoder and notifier factory. Adding a channel
// is one file pair in notify/channels/ plus one line in kChannels below.
#include "notify/channel_registry.h"

#include <array>

#include "notify/channels/dingtalk.h"
#include "notify/channels/webhook.h"
#include "notify/channels/wechat.h"

namespace nm {

namespace {
const std::array<ChannelDescriptor, 3> kChannels = {
    webhookDescriptor(),
    dingtalkDescriptor(),
    wechatDescriptor(),
};
}  // namespace

const ChannelDescriptor* findChannel(std::string_view type) {
  for (const auto& d : kChannels) {
    if (d.type == type) return &d;
  }
  return nullptr;
}

}  // namespace nm
