// The store stage: the first synchronous stage — merges the batch into the active-alert store
// (each alert replaced by its merged value, refused ones removed) and notes the resolved ones,
// which the daemon reports back (resolvedNotified) once notify and history are done.
#pragma once

#include "interfaces/stage.h"
#include "store/memory_alert_store.h"

namespace nm::store {

class StoreStage final : public Stage {
 public:
  explicit StoreStage(MemoryAlertStore& store) : store_(store) {}
  const char* name() const override { return "store"; }
  void process(Work& work) override;

 private:
  MemoryAlertStore& store_;
};

}  // namespace nm::store
