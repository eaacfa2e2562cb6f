// The mute stage: removes every alert a MuterProvider's global-scope Muter mutes, before routing.
// Global silences are one (silence/), inhibition the next; each counts under its own reason.
#pragma once

#include <memory>

#include "interfaces/muter.h"
#include "interfaces/stage.h"

namespace nm {

class MuteStage : public Stage {
 public:
  // `name` is the stage's and the debug log's ("silence", "inhibit"); removals are counted under
  // `reason`. Muters are asked at work.now (nm::now() when unset).
  MuteStage(const char* name, DropReason reason, std::shared_ptr<const MuterProvider> muters);

  const char* name() const override { return name_; }
  void process(Work& work) override;

 private:
  const char* name_;
  DropReason reason_;
  std::shared_ptr<const MuterProvider> muters_;
};

}  // namespace nm
