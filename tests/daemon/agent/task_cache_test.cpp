// resolveTasks over the emulator's fixture (a GET_STATE response): container
// chains, the user fallback order, labels and app ids (spec section 4.1).
#include "agent/task_cache.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "agent/mesos_json.h"

namespace airlock::agent {
namespace {

std::map<std::string, ResolvedTask> fixtureTasks() {
  std::ifstream in(AIRLOCK_TEST_AGENT_FIXTURE);
  std::stringstream ss;
  ss << in.rdbuf();
  mesos::agent::Response state;
  EXPECT_TRUE(fromMesosJson(ss.str(), state).ok());
  return resolveTasks(state.get_state());
}

TEST(TaskCacheTest, ResolvesContainersUsersLabelsAndAppIds) {
  auto tasks = fixtureTasks();
  EXPECT_FALSE(tasks.contains("queued-1"));  // No container yet.
  const auto& web = tasks.at("web.6f1c2d3e-0000-4000-8000-000000000001");
  EXPECT_EQ(containerIdString(web.container), "11111111-aaaa-4bbb-8ccc-000000000001");
  EXPECT_EQ(web.user, "root");               // Framework user (command task, no executor).
  EXPECT_EQ(web.app_id, "/web");             // From the Marathon task id.
  EXPECT_EQ(web.labels.at("team"), "payments");
  const auto& db = tasks.at("db-pod.task-1");
  EXPECT_EQ(containerIdString(db.container),
            "33333333-aaaa-4bbb-8ccc-000000000003.22222222-aaaa-4bbb-8ccc-000000000002");
  EXPECT_EQ(db.user, "nobody");              // Task user first.
  EXPECT_EQ(db.app_id, "/data/db");          // DCOS_SPACE executor label.
  EXPECT_EQ(tasks.at("worker-1").user, "daemon");  // Executor's command user next.
}

}  // namespace
}  // namespace airlock::agent
