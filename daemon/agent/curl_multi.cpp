#include "agent/curl_multi.h"

#include <algorithm>
#include <memory>

namespace airlock::agent {

// One socket curl watches; `poll` is closed (and freed by libuv) with it.
struct CurlMulti::Socket {
  UvHandle<uv_poll_t> poll;
  curl_socket_t fd;
  CurlMulti* multi;
};

CurlMulti::CurlMulti(uv_loop_t* loop) : loop_(loop), multi_(curl_multi_init()) {
  auto timer = UvHandle<uv_timer_t>::create(
      [&](uv_timer_t* t) { return uv_timer_init(loop_, t); }, this);
  if (timer) timer_ = std::move(*timer);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, onCurlSocket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, onCurlTimer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

CurlMulti::~CurlMulti() {
  flushDeferred();
  for (auto& [easy, fn] : done_) curl_multi_remove_handle(multi_, easy);
  done_.clear();
  // Cleanup calls the socket callback with CURL_POLL_REMOVE for what is left.
  curl_multi_cleanup(multi_);
}

void CurlMulti::add(CURL* easy, std::function<void(CURLcode)> on_done) {
  done_[easy] = std::move(on_done);
  if (in_curl_) {
    deferred_adds_.push_back(easy);
    kick();
    return;
  }
  curl_multi_add_handle(multi_, easy);
}

void CurlMulti::release(CURL* easy, curl_slist* headers) {
  bool was_added = done_.erase(easy) > 0;
  auto pending = std::find(deferred_adds_.begin(), deferred_adds_.end(), easy);
  if (pending != deferred_adds_.end()) {
    deferred_adds_.erase(pending);
    was_added = false;
  }
  if (in_curl_) {
    deferred_frees_.emplace_back(easy, headers);
    kick();
    return;
  }
  if (was_added) curl_multi_remove_handle(multi_, easy);
  curl_easy_cleanup(easy);
  curl_slist_free_all(headers);
}

void CurlMulti::unpause(CURL* easy) {
  bool outer = !in_curl_;
  in_curl_ = true;
  curl_easy_pause(easy, CURLPAUSE_CONT);
  if (outer) {
    in_curl_ = false;
    flushDeferred();
  }
  kick();
}

void CurlMulti::flushDeferred() {
  auto frees = std::move(deferred_frees_);
  deferred_frees_.clear();
  for (auto [easy, headers] : frees) {
    curl_multi_remove_handle(multi_, easy);  // Harmless if it was never added.
    curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
  }
  auto adds = std::move(deferred_adds_);
  deferred_adds_.clear();
  for (CURL* easy : adds) curl_multi_add_handle(multi_, easy);
}

void CurlMulti::kick() {
  if (timer_) uv_timer_start(timer_.get(), onUvTimer, 0, 0);
}

int CurlMulti::onCurlSocket(CURL*, curl_socket_t fd, int what, void* userp, void* socketp) {
  auto* self = static_cast<CurlMulti*>(userp);
  auto* sock = static_cast<Socket*>(socketp);
  if (what == CURL_POLL_REMOVE) {
    if (sock != nullptr) {
      delete sock;  // Its UvHandle closes the poll.
      curl_multi_assign(self->multi_, fd, nullptr);
    }
    return 0;
  }
  if (sock == nullptr) {
    auto poll = UvHandle<uv_poll_t>::create(
        [&](uv_poll_t* p) { return uv_poll_init_socket(self->loop_, p, fd); }, nullptr);
    if (!poll) return -1;
    sock = new Socket{std::move(*poll), fd, self};
    sock->poll.get()->data = sock;
    curl_multi_assign(self->multi_, fd, sock);
  }
  int events = 0;
  if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) events |= UV_READABLE;
  if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) events |= UV_WRITABLE;
  uv_poll_start(sock->poll.get(), events, onUvPoll);
  return 0;
}

int CurlMulti::onCurlTimer(CURLM*, long timeout_ms, void* userp) {
  auto* self = static_cast<CurlMulti*>(userp);
  if (!self->timer_) return 0;
  if (timeout_ms < 0) {
    uv_timer_stop(self->timer_.get());
  } else {
    // 0 means "now"; run it from the loop, not from inside curl.
    uv_timer_start(self->timer_.get(), onUvTimer, static_cast<uint64_t>(timeout_ms), 0);
  }
  return 0;
}

void CurlMulti::onUvPoll(uv_poll_t* handle, int status, int events) {
  auto* sock = static_cast<Socket*>(handle->data);
  if (sock == nullptr) return;
  int flags = 0;
  if (status < 0) flags = CURL_CSELECT_ERR;
  if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
  if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
  sock->multi->act(sock->fd, flags);
}

void CurlMulti::onUvTimer(uv_timer_t* handle) {
  if (auto* self = ownerOf<CurlMulti>(handle)) self->act(CURL_SOCKET_TIMEOUT, 0);
}

void CurlMulti::act(curl_socket_t fd, int flags) {
  int running = 0;
  in_curl_ = true;
  curl_multi_socket_action(multi_, fd, flags, &running);
  in_curl_ = false;
  flushDeferred();
  checkDone();
}

void CurlMulti::checkDone() {
  int pending = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &pending)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    CURLcode code = msg->data.result;
    auto it = done_.find(easy);
    if (it == done_.end()) continue;
    auto fn = std::move(it->second);
    done_.erase(it);
    curl_multi_remove_handle(multi_, easy);
    fn(code);  // May destroy the transfer that owns `easy`.
  }
}

}  // namespace airlock::agent
