#include "json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace airlock::bench {
namespace {

void appendEscaped(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void appendNumber(std::string& out, double n) {
  if (!std::isfinite(n)) {
    out += "null";
    return;
  }
  char buf[32];
  if (n == std::floor(n) && std::fabs(n) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", n);
  } else {
    std::snprintf(buf, sizeof buf, "%.6g", n);
  }
  out += buf;
}

// Recursive-descent parser over a bounded nesting depth.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<Json> parseDocument() {
    auto value = parseValue(0);
    if (!value) return value;
    skipSpace();
    if (pos_ != text_.size()) return fail("trailing characters");
    return value;
  }

 private:
  static constexpr int kMaxDepth = 64;

  Error fail(const std::string& what) const {
    return Error{"JSON: " + what + " at offset " + std::to_string(pos_)};
  }
  void skipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\t' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Result<Json> parseValue(int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    skipSpace();
    if (pos_ >= text_.size()) return fail("unexpected end");
    char c = text_[pos_];
    if (c == '{') return parseObject(depth);
    if (c == '[') return parseArray(depth);
    if (c == '"') {
      auto s = parseString();
      if (!s) return s.error();
      return Json(std::move(*s));
    }
    if (consume("true")) return Json(true);
    if (consume("false")) return Json(false);
    if (consume("null")) return Json();
    return parseNumber();
  }

  Result<Json> parseNumber() {
    std::string buf(text_.substr(pos_, 40));
    char* end = nullptr;
    double n = std::strtod(buf.c_str(), &end);
    if (end == buf.c_str()) return fail("expected a value");
    pos_ += static_cast<size_t>(end - buf.c_str());
    return Json(n);
  }

  Result<std::string> parseString() {
    ++pos_;  // The opening quote.
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) break;
      char e = text_[pos_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'u': {
          if (pos_ + 4 > text_.size()) return fail("bad escape");
          unsigned code = std::strtoul(std::string(text_.substr(pos_, 4)).c_str(), nullptr, 16);
          pos_ += 4;
          out += static_cast<char>(code < 0x80 ? code : '?');
          break;
        }
        default: out += e;
      }
    }
    if (pos_ >= text_.size()) return fail("unterminated string");
    ++pos_;
    return out;
  }

  Result<Json> parseArray(int depth) {
    ++pos_;
    Json out = Json::array();
    skipSpace();
    if (consume("]")) return out;
    while (true) {
      auto v = parseValue(depth + 1);
      if (!v) return v;
      out.push(std::move(*v));
      skipSpace();
      if (consume("]")) return out;
      if (!consume(",")) return fail("expected , or ]");
    }
  }

  Result<Json> parseObject(int depth) {
    ++pos_;
    Json out = Json::object();
    skipSpace();
    if (consume("}")) return out;
    while (true) {
      skipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') return fail("expected a key");
      auto key = parseString();
      if (!key) return key.error();
      skipSpace();
      if (!consume(":")) return fail("expected :");
      auto v = parseValue(depth + 1);
      if (!v) return v;
      out.set(std::move(*key), std::move(*v));
      skipSpace();
      if (consume("}")) return out;
      if (!consume(",")) return fail("expected , or }");
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

const std::string& Json::string() const {
  static const std::string kEmpty;
  return isString() ? std::get<std::string>(value_) : kEmpty;
}

const Json::Array& Json::items() const {
  static const Array kEmpty;
  return isArray() ? std::get<Array>(value_) : kEmpty;
}

const Json::Object& Json::members() const {
  static const Object kEmpty;
  return isObject() ? std::get<Object>(value_) : kEmpty;
}

Json& Json::set(std::string key, Json value) {
  if (!isObject()) value_ = Object{};
  auto& obj = std::get<Object>(value_);
  for (auto& [k, v] : obj) {
    if (k == key) {
      v = std::move(value);
      return v;
    }
  }
  obj.emplace_back(std::move(key), std::move(value));
  return obj.back().second;
}

Json& Json::push(Json value) {
  if (!isArray()) value_ = Array{};
  auto& arr = std::get<Array>(value_);
  arr.push_back(std::move(value));
  return arr.back();
}

const Json* Json::find(std::string_view key) const {
  for (const auto& [k, v] : members()) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string Json::dump(int indent) const {
  std::string out;
  dumpTo(out, indent, 0);
  return out;
}

void Json::dumpTo(std::string& out, int indent, int depth) const {
  auto newline = [&](int d) {
    if (indent <= 0) return;
    out += '\n';
    out.append(static_cast<size_t>(indent * d), ' ');
  };
  if (isNull()) {
    out += "null";
  } else if (auto* b = std::get_if<bool>(&value_)) {
    out += *b ? "true" : "false";
  } else if (isNumber()) {
    appendNumber(out, number());
  } else if (isString()) {
    appendEscaped(out, string());
  } else if (isArray()) {
    out += '[';
    bool first = true;
    for (const auto& v : items()) {
      if (!first) out += ',';
      first = false;
      newline(depth + 1);
      v.dumpTo(out, indent, depth + 1);
    }
    if (!items().empty()) newline(depth);
    out += ']';
  } else {
    out += '{';
    bool first = true;
    for (const auto& [k, v] : members()) {
      if (!first) out += ',';
      first = false;
      newline(depth + 1);
      appendEscaped(out, k);
      out += indent > 0 ? ": " : ":";
      v.dumpTo(out, indent, depth + 1);
    }
    if (!members().empty()) newline(depth);
    out += '}';
  }
}

Result<Json> Json::parse(std::string_view text) { return Parser(text).parseDocument(); }

}  // namespace airlock::bench
