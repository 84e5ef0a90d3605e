// A small JSON value with a writer and a parser: the bench's result files.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "airlock/result.h"

namespace airlock::bench {

// One JSON value; objects keep insertion order so files diff well. Plain
// value type, no sharing; used by one thread.
class Json {
 public:
  using Array = std::vector<Json>;
  using Object = std::vector<std::pair<std::string, Json>>;

  Json() = default;
  Json(double n) : value_(n) {}
  Json(int n) : value_(static_cast<double>(n)) {}
  Json(long n) : value_(static_cast<double>(n)) {}
  Json(long long n) : value_(static_cast<double>(n)) {}
  Json(unsigned long n) : value_(static_cast<double>(n)) {}
  Json(unsigned long long n) : value_(static_cast<double>(n)) {}
  Json(unsigned n) : value_(static_cast<double>(n)) {}
  Json(bool b) : value_(b) {}
  Json(std::string s) : value_(std::move(s)) {}
  Json(const char* s) : value_(std::string(s)) {}
  static Json array() { Json j; j.value_ = Array{}; return j; }
  static Json object() { Json j; j.value_ = Object{}; return j; }

  bool isNull() const { return std::holds_alternative<std::monostate>(value_); }
  bool isNumber() const { return std::holds_alternative<double>(value_); }
  bool isString() const { return std::holds_alternative<std::string>(value_); }
  bool isArray() const { return std::holds_alternative<Array>(value_); }
  bool isObject() const { return std::holds_alternative<Object>(value_); }
  double number() const { return isNumber() ? std::get<double>(value_) : 0.0; }
  const std::string& string() const;
  const Array& items() const;
  const Object& members() const;

  // Object: sets (or replaces) a member; array: appends.
  Json& set(std::string key, Json value);
  Json& push(Json value);
  // Object member or nullptr.
  const Json* find(std::string_view key) const;

  std::string dump(int indent = 0) const;
  static Result<Json> parse(std::string_view text);

 private:
  void dumpTo(std::string& out, int indent, int depth) const;

  std::variant<std::monostate, bool, double, std::string, Array, Object> value_;
};

}  // namespace airlock::bench
