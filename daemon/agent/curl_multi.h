// CurlMulti: libcurl's multi_socket interface driven by our libuv loop
// (style R18, the curl multi-uv pattern): one uv_poll_t per socket curl
// asks us to watch, one uv_timer_t for curl's timeouts. Transfers report
// completion through the callback given to `add`. Owned by the MesosBackend;
// loop thread only.
#pragma once

#include <curl/curl.h>
#include <uv.h>

#include <functional>
#include <map>
#include <vector>

#include "airlock/uv_handle.h"

namespace airlock::agent {

class CurlMulti {
 public:
  explicit CurlMulti(uv_loop_t* loop);
  ~CurlMulti();
  CurlMulti(const CurlMulti&) = delete;
  CurlMulti& operator=(const CurlMulti&) = delete;

  // Starts `easy`; `on_done` runs once when it finishes (not after `remove`).
  void add(CURL* easy, std::function<void(CURLcode)> on_done);
  // Stops `easy` (its connection is closed if the transfer was live) and frees
  // it with `headers`. Curl forbids multi calls from inside its callbacks, so
  // from there this waits until curl returns; the caller must already have
  // detached the handle's callback data.
  void release(CURL* easy, curl_slist* headers);
  // curl_easy_pause(CONT) on `easy`, which may call its callbacks at once.
  void unpause(CURL* easy);
  void kick();
  size_t transfers() const { return done_.size(); }

 private:
  struct Socket;
  static int onCurlSocket(CURL* easy, curl_socket_t fd, int what, void* userp, void* socketp);
  static int onCurlTimer(CURLM* multi, long timeout_ms, void* userp);
  static void onUvPoll(uv_poll_t* handle, int status, int events);
  static void onUvTimer(uv_timer_t* handle);
  void act(curl_socket_t fd, int flags);
  void flushDeferred();
  void checkDone();

  uv_loop_t* loop_;
  CURLM* multi_;
  UvHandle<uv_timer_t> timer_;
  std::map<CURL*, std::function<void(CURLcode)>> done_;
  bool in_curl_ = false;                            // Inside a curl call (callbacks may run).
  std::vector<CURL*> deferred_adds_;
  std::vector<std::pair<CURL*, curl_slist*>> deferred_frees_;
};

}  // namespace airlock::agent
