#include "auth/policy.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "auth/token_verifier.h"

namespace airlock::auth {
namespace {

const std::set<std::string> kActions = {"create", "read", "update", "delete", "full"};

bool isValidRid(const std::string& rid) {
  if (rid.empty() || rid.size() > 1024) return false;
  return std::all_of(rid.begin(), rid.end(),
                     [](char c) { return c > ' ' && c < 0x7f && c != '"' && c != '\''; });
}

Result<std::set<std::string>> parseActions(const std::string& text) {
  std::set<std::string> actions;
  std::stringstream in(text);
  std::string action;
  while (std::getline(in, action, ',')) {
    if (!kActions.contains(action)) {
      return Error{"unknown action '" + action.substr(0, 32) +
                   "' (create, read, update, delete or full)"};
    }
    actions.insert(action);
  }
  if (actions.empty()) return Error{"no action given"};
  return actions;
}

// Removes `--description X` / `--description=X`, which carries no meaning.
Result<std::vector<std::string>> dropDescription(std::vector<std::string> words) {
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "--description") {
      if (i + 1 >= words.size()) return Error{"--description needs a value"};
      words.erase(words.begin() + static_cast<long>(i), words.begin() + static_cast<long>(i) + 2);
      --i;
    } else if (words[i].rfind("--description=", 0) == 0) {
      words.erase(words.begin() + static_cast<long>(i));
      --i;
    } else if (words[i].rfind("--", 0) == 0) {
      return Error{"unknown option '" + words[i].substr(0, 32) + "'"};
    }
  }
  return words;
}

}  // namespace

Result<std::vector<std::string>> splitCommandLine(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote == '\'') {
      if (c == '\'') quote = 0;
      else word.push_back(c);
    } else if (c == '\\') {
      if (++i >= line.size()) return Error{"a backslash ends the line"};
      word.push_back(line[i]);
      in_word = true;
    } else if (quote == '"') {
      if (c == '"') quote = 0;
      else word.push_back(c);
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  if (quote != 0) return Error{"unterminated quote"};
  if (in_word) words.push_back(std::move(word));
  return words;
}

Result<Policy> Policy::parse(std::string_view text) {
  if (text.size() > kMaxPolicyBytes) return Error{"the policy is larger than 4 MiB"};
  Policy policy;
  size_t number = 0;
  while (!text.empty()) {
    ++number;
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.size() > kMaxPolicyLineBytes) {
      return Error{"line " + std::to_string(number) + ": longer than 8192 bytes"};
    }
    if (auto r = policy.parseLine(line); !r) {
      return Error{"line " + std::to_string(number) + ": " + r.error().message};
    }
  }
  return policy;
}

Result<Policy> Policy::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::fromErrno("cannot open the policy file " + path);
  std::string text;
  text.resize(kMaxPolicyBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  auto policy = parse(text);
  if (!policy) return Error{path + ": " + policy.error().message};
  return policy;
}

Result<void> Policy::parseLine(std::string_view line) {
  size_t first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos || line[first] == '#') return {};
  auto split = splitCommandLine(line);
  if (!split) return split.error();
  auto words = dropDescription(std::move(*split));
  if (!words) return words.error();
  const auto& w = *words;
  if (w.size() < 5 || w[0] != "dcos" || w[1] != "security" || w[2] != "org") {
    return Error{"not a 'dcos security org ...' command"};
  }
  const std::string& noun = w[3];
  const std::string& verb = w[4];
  if ((noun == "users" || noun == "groups") && verb == "grant") {
    return addGrant(noun == "groups", w);
  }
  if (noun == "groups" && verb == "add_user") {
    if (w.size() != 7) return Error{"usage: dcos security org groups add_user <gid> <uid>"};
    if (!isValidUid(w[5])) return Error{"invalid gid"};
    if (!isValidUid(w[6])) return Error{"invalid uid"};
    groups_of_user_[w[6]].insert(w[5]);
    return {};
  }
  if (noun == "groups" && verb == "create") {
    if (w.size() != 6 || !isValidUid(w[5])) return Error{"usage: dcos security org groups create <gid>"};
    return {};
  }
  return Error{"unsupported command 'dcos security org " + noun.substr(0, 16) + " " +
               verb.substr(0, 16) + "'"};
}

Result<void> Policy::addGrant(bool to_group, const std::vector<std::string>& w) {
  const char* who = to_group ? "gid" : "uid";
  if (w.size() != 8) {
    return Error{std::string("usage: dcos security org ") + (to_group ? "groups" : "users") +
                 " grant <" + who + "> <rid> <action>[,<action>...]"};
  }
  if (!isValidUid(w[5])) return Error{std::string("invalid ") + who};
  std::string rid = normalizeRid(w[6]);
  if (!isValidRid(rid)) return Error{"invalid rid"};
  auto actions = parseActions(w[7]);
  if (!actions) return actions.error();
  auto& grants = to_group ? group_grants_[w[5]] : user_grants_[w[5]];
  grants.push_back(Grant{rid, std::move(*actions), (to_group ? "group " : "user ") + w[5]});
  ++grant_count_;
  return {};
}

Subject Policy::subjectFor(const std::string& uid) const {
  Subject subject;
  subject.uid = uid;
  if (auto it = user_grants_.find(uid); it != user_grants_.end()) subject.grants = it->second;
  if (auto it = groups_of_user_.find(uid); it != groups_of_user_.end()) {
    for (const std::string& gid : it->second) {
      subject.groups.push_back(gid);
      if (auto g = group_grants_.find(gid); g != group_grants_.end()) {
        subject.grants.insert(subject.grants.end(), g->second.begin(), g->second.end());
      }
    }
  }
  return subject;
}

}  // namespace airlock::auth
