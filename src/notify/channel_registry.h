// The registry of channels: maps a Receiver/Config `type` name to its ChannelDescriptor. Adding a
// channel is one file in notify/channels/ plus one line in channel_registry.cpp.
#pragma once

#include <string_view>

#include "interfaces/channel.h"

namespace nm {

// nullptr for a type no channel implements.
const ChannelDescriptor* findChannel(std::string_view type);

}  // namespace nm
