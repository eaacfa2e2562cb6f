// The daemon's version string, reported by --version, /status and the User-Agent of notifiers.
// Bumped by hand with each release.
#pragma once

namespace nm {
inline constexpr const char* kVersion = "0.1.0";
}  // namespace nm
