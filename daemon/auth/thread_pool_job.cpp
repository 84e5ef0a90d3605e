#include "auth/thread_pool_job.h"

#include <memory>

namespace airlock::auth {
namespace {

struct Job {
  uv_work_t req{};
  std::function<void()> work;
  std::function<void()> done;
};

void onUvWork(uv_work_t* req) { static_cast<Job*>(req->data)->work(); }

void onUvAfterWork(uv_work_t* req, int /*status*/) {
  std::unique_ptr<Job> job(static_cast<Job*>(req->data));
  job->done();
}

}  // namespace

void runInThreadPool(uv_loop_t* loop, std::function<void()> work, std::function<void()> done) {
  auto job = std::make_unique<Job>();
  job->work = std::move(work);
  job->done = std::move(done);
  job->req.data = job.get();
  if (uv_queue_work(loop, &job->req, onUvWork, onUvAfterWork) == 0) {
    job.release();  // Freed in onUvAfterWork.
  } else {
    job->work();    // Cannot happen with a valid loop; do not lose the completion.
    job->done();
  }
}

}  // namespace airlock::auth
