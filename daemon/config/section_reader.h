// SectionReader: reads the keys of one TOML table of the config with the
// same rules everywhere: unknown keys and values of the wrong type or range
// are errors naming the full key ("section.key"). Used by the section readers
// (auth, recording); loop thread at start-up and on reload.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/result.h"

namespace airlock::config {

inline Error keyError(std::string_view key, std::string_view what) {
  return Error{"config key '" + std::string(key) + "': " + std::string(what)};
}

class SectionReader {
 public:
  SectionReader(const toml::table& table, std::string section)
      : table_(table), section_(std::move(section)) {}

  Result<void> rejectUnknown(const std::set<std::string_view>& known) const {
    for (const auto& [key, value] : table_) {
      if (!known.contains(key.str())) return keyError(full(key.str()), "unknown key");
    }
    return {};
  }
  Result<void> string(std::string_view key, std::string& out) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return {};
    if (!node->is_string()) return keyError(full(key), "must be a string");
    out = *node->value<std::string>();
    return {};
  }
  Result<void> boolean(std::string_view key, bool& out) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return {};
    if (!node->is_boolean()) return keyError(full(key), "must be true or false");
    out = *node->value<bool>();
    return {};
  }
  Result<void> number(std::string_view key, uint32_t& out, uint32_t min, uint32_t max) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return {};
    auto value = node->value<int64_t>();
    if (!node->is_integer() || !value) return keyError(full(key), "must be an integer");
    if (*value < min || *value > max) {
      return keyError(full(key), "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    out = static_cast<uint32_t>(*value);
    return {};
  }
  Result<void> strings(std::string_view key, std::vector<std::string>& out) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return {};
    const toml::array* array = node->as_array();
    if (array == nullptr) return keyError(full(key), "must be an array of strings");
    out.clear();
    for (const auto& item : *array) {
      if (!item.is_string()) return keyError(full(key), "must be an array of strings");
      out.push_back(*item.value<std::string>());
    }
    return {};
  }
  Result<void> choice(std::string_view key, std::string& out,
                      std::initializer_list<std::string_view> choices) const {
    std::string value = out;
    if (auto r = string(key, value); !r) return r;
    for (std::string_view c : choices) {
      if (value == c) {
        out = value;
        return {};
      }
    }
    std::string list;
    for (std::string_view c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
    return keyError(full(key), "must be one of " + list);
  }
  std::string full(std::string_view key) const { return section_ + "." + std::string(key); }

 private:
  const toml::table& table_;
  std::string section_;
};

inline Result<void> firstError(std::initializer_list<Result<void>> results) {
  for (const auto& r : results) {
    if (!r) return r;
  }
  return {};
}

}  // namespace airlock::config
