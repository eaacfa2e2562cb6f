// The static table of channel types: type name → decoder and notifier factory. Adding a channel
// is one file pair in notify/channels/ plus one line in kChannels below.
#include "notify/channel_registry.h"

#include "notify/channels/dingtalk.h"
#include "notify/channels/discord.h"
#include "notify/channels/email.h"
#include "notify/channels/feishu.h"
#include "notify/channels/pushover.h"
#include "notify/channels/slack.h"
#include "notify/channels/sms.h"
#include "notify/channels/telegram.h"
#include "notify/channels/webhook.h"
#include "notify/channels/wechat.h"

namespace nm {

namespace {
// One line per channel, in the reference's order of Receiver types.
const ChannelDescriptor& (*const kChannels[])() = {
    &webhookDescriptor, &dingtalkDescriptor, &emailDescriptor,    &feishuDescriptor,
    &wechatDescriptor,  &pushoverDescriptor, &telegramDescriptor, &slackDescriptor,
    &discordDescriptor, &smsDescriptor,
};
}  // namespace

const ChannelDescriptor* findChannel(std::string_view type) {
  for (const auto descriptor : kChannels) {
    const ChannelDescriptor& d = descriptor();
    if (d.type == type) return &d;
  }
  return nullptr;
}

}  // namespace nm
