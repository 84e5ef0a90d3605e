#include "service/journal_fields.h"

#include <cctype>

#include <nlohmann/json.hpp>

namespace airlock::service {
namespace {

constexpr std::string_view kAuditPrefix = "audit {";
constexpr std::string_view kSessionWord = "session ";
constexpr size_t kUuidLength = 36;
constexpr size_t kMaxKeyLength = 32;

class FieldList {
 public:
  void add(std::string name, std::string_view value) {
    if (fields_.size() >= kMaxJournalFields) return;
    for (const auto& f : fields_) {
      if (f.name == name) return;
    }
    fields_.push_back({std::move(name), std::string(value.substr(0, kMaxJournalFieldValue))});
  }
  std::vector<JournalField> take() { return std::move(fields_); }

 private:
  std::vector<JournalField> fields_;
};

// "session_id" -> "AIRLOCK_SESSION_ID"; "" when `key` is no field name.
std::string fieldName(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyLength || !std::isalpha(static_cast<unsigned char>(key[0]))) {
    return "";
  }
  std::string name = "AIRLOCK_";
  for (char c : key) {
    auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '_') return "";
    name.push_back(static_cast<char>(std::toupper(u)));
  }
  return name;
}

bool isUuid(std::string_view s) {
  if (s.size() < kUuidLength) return false;
  for (size_t i = 0; i < kUuidLength; ++i) {
    bool hyphen = i == 8 || i == 13 || i == 18 || i == 23;
    if (hyphen ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return s.size() == kUuidLength || !std::isalnum(static_cast<unsigned char>(s[kUuidLength]));
}

std::string_view messageIdOf(const std::string& event) {
  if (event == "decision") return kAuditDecisionMessageId;
  if (event == "session_start") return kAuditSessionStartMessageId;
  if (event == "session_end") return kAuditSessionEndMessageId;
  if (event == "delegation") return kAuditDelegationMessageId;
  return {};
}

void addAuditFields(std::string_view json_text, FieldList& out) {
  auto line = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!line.is_object()) return;
  for (const auto& [key, value] : line.items()) {
    std::string name = fieldName(key);
    if (name.empty() || key == "time" || value.is_structured() || value.is_null()) continue;
    out.add(name, value.is_string() ? value.get<std::string>() : value.dump());
  }
  if (auto event = line.find("event"); event != line.end() && event->is_string()) {
    if (auto id = messageIdOf(event->get<std::string>()); !id.empty()) out.add("MESSAGE_ID", id);
  }
}

void addSessionIds(std::string_view message, FieldList& out) {
  for (size_t at = message.find(kSessionWord); at != std::string_view::npos;
       at = message.find(kSessionWord, at + 1)) {
    std::string_view rest = message.substr(at + kSessionWord.size());
    if (isUuid(rest)) {
      out.add("AIRLOCK_SESSION_ID", rest.substr(0, kUuidLength));
      return;
    }
  }
}

// Words "key=value" (separated by spaces) with a lower-case key.
void addKeyValues(std::string_view message, FieldList& out) {
  size_t start = 0;
  while (start < message.size()) {
    size_t end = message.find(' ', start);
    if (end == std::string_view::npos) end = message.size();
    std::string_view word = message.substr(start, end - start);
    start = end + 1;
    size_t eq = word.find('=');
    if (eq == std::string_view::npos || eq + 1 == word.size()) continue;
    std::string_view key = word.substr(0, eq);
    if (!std::islower(static_cast<unsigned char>(key[0]))) continue;
    std::string name = fieldName(key);
    std::string_view value = word.substr(eq + 1);
    while (!value.empty() && (value.back() == ',' || value.back() == ';')) value.remove_suffix(1);
    if (!name.empty() && !value.empty()) out.add(name, value);
  }
}

}  // namespace

std::vector<JournalField> journalFieldsOf(std::string_view message) {
  FieldList fields;
  if (message.substr(0, kAuditPrefix.size()) == kAuditPrefix) {
    addAuditFields(message.substr(kAuditPrefix.size() - 1), fields);
    return fields.take();
  }
  addSessionIds(message, fields);
  addKeyValues(message, fields);
  return fields.take();
}

}  // namespace airlock::service
