#include "iam_emulator.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace airlock::iam {
namespace {

using emulator::Headers;
using emulator::HttpConnection;
using emulator::HttpRequest;
using emulator::RequestHandler;

constexpr char kUsersPrefix[] = "/acs/api/v1/users/";
constexpr char kJwksPath[] = "/acs/api/v1/auth/jwks";
const Headers kJson = {{"Content-Type", "application/json"}};

// Answers once the (empty) request body has ended; holds nothing else.
class Reply final : public RequestHandler {
 public:
  Reply(HttpConnection& conn, int status, std::string body, bool hang)
      : conn_(conn), status_(status), body_(std::move(body)), hang_(hang) {}
  void onEnd() override {
    if (hang_) return;  // The client's timeout ends this request.
    Headers headers = kJson;
    if (status_ == 401) headers.emplace_back("WWW-Authenticate", "acsjwt");
    conn_.respond(status_, headers, body_);
  }

 private:
  HttpConnection& conn_;
  int status_;
  std::string body_;
  bool hang_;
};

std::string iamError(const std::string& code, const std::string& description) {
  return nlohmann::json{{"code", code}, {"description", description}, {"title", code}}.dump();
}

std::string percentDecode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() &&
        std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

Result<IamDirectory> loadState(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{"cannot read the state file " + path};
  std::stringstream text;
  text << in.rdbuf();
  return IamDirectory::parse(text.str());
}

// Status and body for GET `target` from a known caller, in mode ok.
std::pair<int, std::string> answer(const IamDirectory& dir, const HttpRequest& request) {
  std::string_view target = request.target;
  if (target.rfind(kUsersPrefix, 0) != 0) {
    return {404, iamError("ERR_NOT_FOUND", "no such endpoint in the IAM emulator")};
  }
  target.remove_prefix(sizeof(kUsersPrefix) - 1);
  size_t slash = target.find('/');
  if (slash == std::string_view::npos) return {404, iamError("ERR_NOT_FOUND", "no such endpoint")};
  std::string uid = percentDecode(target.substr(0, slash));
  std::string_view what = target.substr(slash + 1);
  if (request.method != "GET") return {405, iamError("ERR_METHOD_NOT_ALLOWED", "GET only")};
  if (!dir.users.contains(uid)) {
    return {400, iamError("ERR_UNKNOWN_USER_ID", "User with uid `" + uid + "` not known.")};
  }
  if (what == "permissions") return {200, dir.permissionsJson(uid)};
  if (what == "groups") return {200, dir.groupsJson(uid)};
  return {404, iamError("ERR_NOT_FOUND", "no such endpoint")};
}

}  // namespace

IamEmulator::IamEmulator(uv_loop_t* loop, IamEmulatorOptions options)
    : options_(std::move(options)),
      server_(loop, [this](HttpConnection& c, const HttpRequest& r) { return dispatch(c, r); },
              emulator::HttpServerOptions{}) {}

Result<uint16_t> IamEmulator::start(uint16_t port) {
  int bound = server_.listen(port);
  if (bound < 0) return Error{std::string("cannot listen: ") + uv_strerror(bound)};
  return static_cast<uint16_t>(bound);
}

void IamEmulator::stop() { server_.closeAll(); }

void IamEmulator::logRequest(const HttpRequest& request, const char* token) const {
  std::string line = nlohmann::json{{"method", request.method},
                                    {"target", request.target},
                                    {"token", token}}
                         .dump() +
                     "\n";
  int fd = open(options_.requests_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return;
  ssize_t written = write(fd, line.data(), line.size());
  (void)written;
  close(fd);
}

std::unique_ptr<RequestHandler> IamEmulator::dispatch(HttpConnection& conn,
                                                      const HttpRequest& request) {
  auto state = loadState(options_.state_path);
  if (!state) {
    logRequest(request, "unknown");
    return std::make_unique<Reply>(conn, 500, iamError("ERR_EMULATOR_STATE", state.error().message),
                                   false);
  }
  auto authorization = request.header("authorization");
  const char* token = !authorization                                        ? "missing"
                      : *authorization == "token=" + state->service_token ? "ok"
                                                                           : "wrong";
  logRequest(request, token);
  // The JWKS is public, like the IAM's: no service token needed.
  bool jwks = request.target == kJwksPath;
  if (!jwks && !state->service_token.empty() && std::string_view(token) != "ok") {
    return std::make_unique<Reply>(
        conn, 401, iamError("ERR_INVALID_CREDENTIALS", "the service token is missing or wrong"),
        false);
  }
  switch (state->mode) {
    case IamMode::kOk: break;
    case IamMode::kStatus500:
      return std::make_unique<Reply>(conn, 500, iamError("ERR_INTERNAL", "emulated failure"), false);
    case IamMode::kGarbage:
      return std::make_unique<Reply>(conn, 200, "<html>502 Bad Gateway</html>", false);
    case IamMode::kWrongShape:
      return std::make_unique<Reply>(conn, 200, R"({"direct": 42, "array": "no"})", false);
    case IamMode::kHang:
      return std::make_unique<Reply>(conn, 0, "", true);
    case IamMode::kClose:
      // Nothing was assigned to the connection yet, so closing here is safe.
      conn.close();
      return nullptr;
  }
  if (jwks) {
    return state->jwks.empty()
               ? std::make_unique<Reply>(conn, 404, iamError("ERR_NOT_FOUND", "no JWKS"), false)
               : std::make_unique<Reply>(conn, 200, state->jwks, false);
  }
  auto [status, body] = answer(*state, request);
  return std::make_unique<Reply>(conn, status, std::move(body), false);
}

}  // namespace airlock::iam
