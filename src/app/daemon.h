// The daemon: wires config source → snapshot store, HTTP API → queue → dispatcher → stages →
// notify → history, and runs until SIGTERM/SIGINT, then drains (bounded) and exits 0.
#pragma once

#include "app/flags.h"

namespace nm::app {

// Blocks until a termination signal; returns the process exit code.
int runDaemon(const Flags& flags);

}  // namespace nm::app
