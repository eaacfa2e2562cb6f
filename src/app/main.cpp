// Entry point of the notification-manager daemon: parse flags, run the daemon, exit code.
// Everything else lives in app/daemon.cpp so tests can build the daemon without main().
#include "app/daemon.h"
#include "app/deadletter_command.h"
#include "app/flags.h"

int main(int argc, char** argv) {
  if (nm::app::isDeadLetterCommand(argc, argv)) return nm::app::runDeadLetterCommand(argc, argv);
  int exitCode = -1;
  nm::app::Flags flags = nm::app::parseFlags(argc, argv, exitCode);
  if (exitCode >= 0) return exitCode;
  return nm::app::runDaemon(flags);
}
