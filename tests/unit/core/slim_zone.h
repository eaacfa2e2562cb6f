// Test helper: a "slim" TZif zone (zic -b slim: explicit transitions end early, a POSIX rule
// covers the rest) compiled into a temporary zone root (use it with ScopedEnv("TZDIR", …)).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "core/tz_env.h"

namespace nm::test {

// Zone "Test/Slim": +05 until 1990, then +05 "TST" with US-style daylight time +06 "TDT"
// (since 2007: second Sunday of March to first Sunday of November). zic -b slim writes the
// transitions up to 2007 only (fat files list them to 2037); every later offset comes from the
// file's POSIX footer "TST-5TDT,M3.2.0,M11.1.0".
// Returns the zone root to use as TZDIR ("" and a test failure when zic is missing).
inline std::string slimZoneRoot() {
  static const std::string root = [] {
    std::string dir = ::testing::TempDir() + "nm-slim-zone-XXXXXX";
    if (!mkdtemp(dir.data())) return std::string();
    const std::string source = dir + "/test.zi";
    std::ofstream(source) << "Rule\tTst\t1990\t2006\t-\tApr\tSun>=1\t2:00\t1:00\tD\n"
                             "Rule\tTst\t1990\t2006\t-\tOct\tlastSun\t2:00\t0\tS\n"
                             "Rule\tTst\t2007\tmax\t-\tMar\tSun>=8\t2:00\t1:00\tD\n"
                             "Rule\tTst\t2007\tmax\t-\tNov\tSun>=1\t2:00\t0\tS\n"
                             "Zone\tTest/Slim\t5:00\t-\t+05\t1990\n"
                             "\t\t\t5:00\tTst\tT%sT\n";
    const char* zic = access("/usr/sbin/zic", X_OK) == 0 ? "/usr/sbin/zic" : "zic";
    const std::string cmd = std::string(zic) + " -b slim -d " + dir + " " + source;
    return std::system(cmd.c_str()) == 0 ? dir : std::string();
  }();
  EXPECT_FALSE(root.empty()) << "zic (Debian package libc-bin) could not build the slim zone";
  return root;
}

}  // namespace nm::test
