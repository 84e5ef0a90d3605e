// LocalBackend: runs sessions as processes on this host (the default backend,
// needs no cluster). Targets are `host` and those declared in the config; a
// target with a pid, or a session as another user, is started through the
// `airlock-enter` helper, which joins the namespaces and changes user between
// fork and exec. Owned by the Daemon; loop thread only.
#pragma once

#include <uv.h>

#include <map>
#include <string>
#include <vector>

#include "backend/child_reaper.h"
#include "backend/group_killer.h"
#include "backend/process.h"
#include "config/config.h"

namespace airlock::backend {

class LocalBackend final : public Backend {
 public:
  LocalBackend(uv_loop_t* loop, ChildReaper& reaper, const config::Config& config);

  // Backend
  std::string_view name() const override { return "local"; }
  Result<TargetInfo> resolveTarget(const std::string& target) override;
  Result<std::unique_ptr<Process>> start(const SessionSpec& spec,
                                         ProcessObserver& observer) override;
  void shutdownNow() override { killer_.killAllNow(); }

  GroupKiller& killer() { return killer_; }

 private:
  struct Account {
    std::string name;
    std::string home;
    std::string shell;
  };
  Result<Account> lookupAccount(const std::string& user) const;
  std::vector<std::string> buildEnv(const SessionSpec& spec, const Account& account) const;

  uv_loop_t* loop_;
  ChildReaper& reaper_;
  GroupKiller killer_;
  uint32_t exit_drain_ms_;
  std::string enter_helper_;
  std::string daemon_user_;
  std::map<std::string, config::TargetConfig> targets_;
};

}  // namespace airlock::backend
