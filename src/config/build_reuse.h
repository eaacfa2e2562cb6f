// Incremental snapshot builds: the content keys telling that a Config entry, a Receiver or the
// renderer is unchanged, the resolver recording which Secret keys a notifier read, and config
// selection over one receiver's candidates instead of every Config.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "interfaces/snapshot.h"

namespace nm {
struct ChannelServices;
}

namespace nm::config {

// SHA-256 of one Config channel block with the Config's origin, name and labels.
std::string configEntryKey(const model::ConfigResource& res, const model::ConfigChannel& ch);
// SHA-256 of one Receiver channel block with the Receiver's origin, name and labels, and the
// tmplText texts it selects (empty when it has none).
std::string receiverKey(const model::ReceiverResource& res, const model::ReceiverChannel& ch,
                        const std::vector<std::pair<std::string, std::string>>& tmplTexts);
// SHA-256 of what every notifier depends on beyond its receiver, config, renderer and Secrets:
// the NotificationManager spec (options, global template, selectors) and the channel services.
std::string receiversKey(const model::NotificationManager& nm, const ChannelServices* services);
// SHA-256 of the snapshot renderer's inputs.
std::string rendererKey(const render::RendererOptions& o);

// Resolves through `inner` and records every Secret key read (inline values are part of the
// receiver's key already) with a digest of what it resolved to.
class RecordingSecretResolver final : public SecretResolver {
 public:
  explicit RecordingSecretResolver(const SecretResolver& inner) : inner_(inner) {}
  std::optional<std::string> resolve(const model::Credential& c, std::string& error) const override;
  const std::vector<model::SecretKeySelector>& refs() const { return refs_; }
  // secretDigest(inner, refs()) as resolved.
  std::string digest() const;

 private:
  const SecretResolver& inner_;
  mutable std::vector<model::SecretKeySelector> refs_;
  mutable std::vector<std::string> results_;  // value, or "\1" + error
};

// The digest of what `refs` resolve to through `secrets` now; equal to a receiver's secretDigest
// when none of the Secret keys its notifier read changed.
std::string secretDigest(const SecretResolver& secrets,
                         const std::vector<model::SecretKeySelector>& refs);

// nm::selectConfig over the entries that can qualify for one receiver (its type's default
// entries, and its tenant's): the same result without scanning every Config.
class ConfigCandidates {
 public:
  explicit ConfigCandidates(const Snapshot& s);
  std::shared_ptr<const ConfigEntry> select(const Receiver& r) const;

 private:
  using EntryPtr = std::shared_ptr<const ConfigEntry>;
  struct OfType {
    std::vector<EntryPtr> defaults;
    std::unordered_map<std::string, std::vector<EntryPtr>> byTenant;
  };
  std::unordered_map<std::string, OfType> types_;
};

}  // namespace nm::config
