// Which ConfigSource the daemon runs on: --config.dir (file mode), else Kubernetes mode from
// --kubeconfig, KUBECONFIG or the in-cluster environment; anything else is a startup error.
#pragma once

#include <memory>
#include <string>

#include "app/flags.h"
#include "interfaces/config_source.h"

namespace nm::app {

// The source, or null with `error` set (the daemon exits 2 with it).
std::unique_ptr<config::ConfigSource> selectConfigSource(const Flags& flags, std::string& error);

}  // namespace nm::app
