// `notification-manager deadletter list|replay|purge`: the operator's view of the queue's dead
// letters (Redis <stream>:dead, NATS NM_DEADLETTER), with the daemon's connection flags.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "core/time.h"
#include "queue/dead_letters.h"

namespace nm::app {

// True when argv names the subcommand (argv[1] == "deadletter").
bool isDeadLetterCommand(int argc, char** argv);

// Parses the subcommand's flags, connects, runs. Exit codes: 0 done, 1 partial (an entry was
// skipped or failed), 2 bad flags or an unreachable backend (the message names the flag).
int runDeadLetterCommand(int argc, char** argv);

// The actions on an opened backend (tests drive them with a fake). `ids` empty: every entry.
struct DeadLetterRequest {
  std::string action;  // list, replay, purge
  std::vector<std::string> ids;
  bool force = false;                // replay: entries that still do not decode too
  Duration olderThan{};              // purge: only entries dead-lettered longer ago than this
  TimePoint now = TimePoint::min();  // purge's reference (min: the clock)
};
int runDeadLetterAction(DeadLetters& store, const DeadLetterRequest& request, std::ostream& out,
                        std::ostream& err);

// One `list` line: id, reason, partition, size, time, error, and the labels when it decodes.
std::string describeDeadEntry(const DeadEntry& entry);

}  // namespace nm::app
