#include "negotiation.h"

#include <sstream>
#include <vector>

namespace airlock::emulator {
namespace {

using agent::ContentType;

struct MediaRange {
  std::string type;
  double q = 1.0;
};

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<MediaRange> parseAccept(const std::string& header) {
  std::vector<MediaRange> out;
  std::stringstream ss(header);
  std::string item;
  while (std::getline(ss, item, ',')) {
    std::stringstream parts(item);
    std::string part;
    MediaRange range;
    bool first = true;
    while (std::getline(parts, part, ';')) {
      part = trim(part);
      if (first) {
        range.type = part;
        first = false;
      } else if (part.rfind("q=", 0) == 0) {
        range.q = std::atof(part.c_str() + 2);
      }
    }
    if (!range.type.empty()) out.push_back(range);
  }
  return out;
}

// Is `media` acceptable? The most specific matching range decides.
bool accepts(const std::optional<std::string>& header, const std::string& media) {
  if (!header) return true;
  int best = -1;
  double q = 0;
  std::string major = media.substr(0, media.find('/'));
  for (const auto& r : parseAccept(*header)) {
    int specificity = r.type == media ? 2 : r.type == major + "/*" ? 1 : r.type == "*/*" ? 0 : -1;
    if (specificity > best) {
      best = specificity;
      q = r.q;
    }
  }
  return best >= 0 && q > 0;
}

const std::string kJson(agent::kMimeJson);
const std::string kProtobuf(agent::kMimeProtobuf);
const std::string kRecordIo(agent::kMimeRecordIo);

}  // namespace

std::optional<HttpError> negotiate(const HttpRequest& request, Negotiated& out) {
  auto ct = request.header("content-type");
  if (!ct) return HttpError{400, "Expecting 'Content-Type' to be present"};
  if (*ct != kJson && *ct != kProtobuf && *ct != kRecordIo) {
    return HttpError{415, "Expecting 'Content-Type' of " + kJson + " or " + kProtobuf + " or " +
                              kRecordIo};
  }
  auto mct = request.header("message-content-type");
  if (*ct == kRecordIo) {
    if (!mct) {
      return HttpError{400, "Expecting 'Message-Content-Type' to be set for streaming requests"};
    }
    if (*mct != kJson && *mct != kProtobuf) {
      return HttpError{415, "Expecting 'Message-Content-Type' of " + kJson + " or " + kProtobuf};
    }
    out.streaming_request = true;
    out.request_type = *mct == kJson ? ContentType::kJson : ContentType::kProtobuf;
  } else {
    if (mct) {
      return HttpError{415, "Expecting 'Message-Content-Type' to be not set for non-streaming requests"};
    }
    out.request_type = *ct == kJson ? ContentType::kJson : ContentType::kProtobuf;
  }
  auto accept = request.header("accept");
  auto maccept = request.header("message-accept");
  if (accepts(accept, kJson)) {
    out.accept = Negotiated::Accept::kJson;
    out.response_type = ContentType::kJson;
  } else if (accepts(accept, kProtobuf)) {
    out.accept = Negotiated::Accept::kProtobuf;
    out.response_type = ContentType::kProtobuf;
  } else if (accepts(accept, kRecordIo)) {
    out.accept = Negotiated::Accept::kRecordIo;
    if (accepts(maccept, kJson)) {
      out.response_type = ContentType::kJson;
    } else if (accepts(maccept, kProtobuf)) {
      out.response_type = ContentType::kProtobuf;
    } else {
      return HttpError{406, "Expecting 'Message-Accept' to allow " + kJson + " or " + kProtobuf};
    }
    return std::nullopt;
  } else {
    return HttpError{406, "Expecting 'Accept' to allow " + kJson + " or " + kProtobuf + " or " +
                              kRecordIo};
  }
  if (maccept) {
    return HttpError{406, "Expecting 'Message-Accept' to be not set for non-streaming responses"};
  }
  return std::nullopt;
}

std::optional<HttpError> checkCallType(const Negotiated& n, const std::string& call_type) {
  bool aci = call_type == "ATTACH_CONTAINER_INPUT";
  if (n.streaming_request && !aci) {
    return HttpError{415, "Streaming 'Content-Type' " + kRecordIo + " is not supported for " +
                              call_type + " call"};
  }
  if (!n.streaming_request && aci) {
    return HttpError{415, "Expecting 'Content-Type' to be " + kRecordIo +
                              " for ATTACH_CONTAINER_INPUT call"};
  }
  bool streams = call_type == "LAUNCH_NESTED_CONTAINER_SESSION" ||
                 call_type == "ATTACH_CONTAINER_OUTPUT";
  if (n.accept == Negotiated::Accept::kRecordIo && !streams) {
    return HttpError{406, "Streaming response is not supported for " + call_type + " call"};
  }
  return std::nullopt;
}

}  // namespace airlock::emulator
