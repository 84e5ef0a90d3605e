// Operator logs in a real journal: a systemd-journald of the test's own (in
// a private mount namespace, see private_journald.h), airlockd started the
// way systemd starts a unit (stderr on a journal stream, $JOURNAL_STREAM
// naming it), and the entries read back with journalctl: native transport,
// PRIORITY from the spdlog level, SYSLOG_IDENTIFIER, CODE_*, AIRLOCK_*
// fields and MESSAGE_IDs, and no token or secret after refused logins.
// Skips where a mount namespace or mounts are not permitted.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include "daemon_process.h"
#include "listening_process.h"
#include "private_journald.h"
#include "service/journal_fields.h"
#include "service/journal_sink.h"
#include "service_test_support.h"
#include "session_client.h"
#include "token_factory.h"

namespace airlock::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// airlockd with its stderr on a journal stream, as systemd runs the unit.
class JournaledDaemon {
 public:
  JournaledDaemon(const PrivateJournald& journald, std::vector<std::string> extra_args) {
    static int count = 0;
    stream_identifier_ = "airlockd-stderr-" + std::to_string(++count);
    char dir[] = "/tmp/airlock-journald-recordings-XXXXXX";
    recordings_ = mkdtemp(dir);
    int stream = journald.openStream(stream_identifier_);
    std::vector<std::string> args = {daemonPath(), "--listen", "127.0.0.1:0", "--recordings",
                                     recordings_};
    bool has_config = false;
    for (const auto& a : extra_args) has_config = has_config || a == "--config";
    if (!has_config) args.push_back("--insecure-no-auth");
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    ScopedEnv journal_stream("JOURNAL_STREAM", PrivateJournald::journalStreamOf(stream));
    Started started = startListening(args, stream);
    close(stream);
    pid_ = started.pid;
    url_ = started.url;
  }
  ~JournaledDaemon() {
    if (pid_ > 0) stop();
    fs::remove_all(recordings_);
  }
  // SIGTERM; the exit code (128 + signal if killed).
  int stop() {
    int status = stopProcess(pid_, SIGTERM, 20s, "airlockd");
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  pid_t pid() const { return pid_; }
  const std::string& url() const { return url_; }
  // Matches what the daemon wrote on stderr (the stream), not natively.
  std::string streamMatch() const { return "SYSLOG_IDENTIFIER=" + stream_identifier_; }

 private:
  pid_t pid_ = -1;
  std::string url_;
  std::string recordings_;
  std::string stream_identifier_;
};

std::string describe(const std::vector<JournalEntry>& entries) {
  std::string text;
  for (const auto& e : entries) {
    text += "  [" + e.get("PRIORITY") + " " + e.get("_TRANSPORT") + "] " + e.get("MESSAGE") + "\n";
  }
  return text;
}

// The first entry whose MESSAGE starts with `prefix`, or nullptr.
const JournalEntry* find(const std::vector<JournalEntry>& entries, const std::string& prefix) {
  auto it = std::find_if(entries.begin(), entries.end(), [&](const JournalEntry& e) {
    return e.get("MESSAGE").rfind(prefix, 0) == 0;
  });
  return it == entries.end() ? nullptr : &*it;
}

class JournaldTest : public ::testing::Test {
 protected:
  void SetUp() override {
    journald_ = std::make_unique<PrivateJournald>();
    if (!journald_->skipReason().empty()) GTEST_SKIP() << journald_->skipReason();
  }
  void TearDown() override { journald_.reset(); }

  // Native entries of `daemon` (journald's trusted _PID), and what it wrote
  // on stderr instead (nothing, when all went well).
  std::vector<JournalEntry> nativeEntries(const JournaledDaemon& daemon) {
    return journald_->entries({"_PID=" + std::to_string(daemon.pid())});
  }
  std::vector<JournalEntry> streamEntries(const JournaledDaemon& daemon) {
    return journald_->entries({daemon.streamMatch()});
  }

  std::unique_ptr<PrivateJournald> journald_;
};

TEST_F(JournaldTest, DaemonLinesArriveNativelyWithPriorityIdentifierAndSessionFields) {
  JournaledDaemon daemon(*journald_, {"--log-level", "debug"});
  ASSERT_FALSE(daemon.url().empty()) << describe(streamEntries(daemon));
  pid_t pid = daemon.pid();
  v1::Opened opened;
  {
    SessionClient client(daemon.url());
    auto& rec = client.open(makeOpen({"sh", "-c", "echo journal-test"}));
    ASSERT_TRUE(client.run([&] { return rec.done(); }, 10s));
    ASSERT_TRUE(rec.opened.has_value());
    EXPECT_EQ(rec.out, "journal-test\n");
    opened = *rec.opened;
  }
  std::string id = opened.session_id();
  // The session's last lines (freed, recording sealed) before the stop.
  EXPECT_TRUE(eventually(
      [&] { return find(journald_->entries({"_PID=" + std::to_string(pid)}),
                        "session " + id + " freed") != nullptr; },
      10s));
  EXPECT_EQ(daemon.stop(), 0) << describe(streamEntries(daemon));

  auto entries = journald_->entries({"_PID=" + std::to_string(pid)});
  const JournalEntry* listening = find(entries, "airlockd listening on ws://127.0.0.1:");
  ASSERT_NE(listening, nullptr) << describe(entries);
  EXPECT_EQ(listening->get("_TRANSPORT"), "journal");
  EXPECT_EQ(listening->get("PRIORITY"), "6");
  EXPECT_EQ(listening->get("SYSLOG_IDENTIFIER"), "airlockd");
  EXPECT_EQ(listening->get("AIRLOCK_LOGGER"), "airlockd");
  const JournalEntry* warning = find(entries, "!!! --insecure-no-auth");
  ASSERT_NE(warning, nullptr) << describe(entries);
  EXPECT_EQ(warning->get("PRIORITY"), "4");
  const JournalEntry* started = find(entries, "session " + id + " started:");
  ASSERT_NE(started, nullptr) << describe(entries);
  EXPECT_EQ(started->get("PRIORITY"), "6");
  EXPECT_EQ(started->get("AIRLOCK_SESSION_ID"), id);
  EXPECT_EQ(started->get("AIRLOCK_TARGET"), "host");
  EXPECT_EQ(started->get("AIRLOCK_ARGV0"), "sh");
  EXPECT_EQ(started->get("AIRLOCK_PID"), std::to_string(opened.pid()));
  EXPECT_FALSE(started->get("AIRLOCK_PRINCIPAL").empty());
  const JournalEntry* freed = find(entries, "session " + id + " freed");
  ASSERT_NE(freed, nullptr) << describe(entries);
  EXPECT_EQ(freed->get("PRIORITY"), "7");  // spdlog debug.
  EXPECT_NE(find(entries, "airlockd stopped"), nullptr) << describe(entries);

  // What README/airlockd(8) tell operators to run: one session's lines.
  auto session = journald_->entries({"SYSLOG_IDENTIFIER=airlockd", "AIRLOCK_SESSION_ID=" + id});
  EXPECT_GE(session.size(), 4u) << describe(session);  // started, ended, sealed, freed.
  for (const auto& e : session) EXPECT_NE(e.get("MESSAGE").find(id), std::string::npos);
  // Every line went natively: nothing in the terminal format on stderr.
  auto stream = streamEntries(daemon);
  EXPECT_TRUE(stream.empty()) << describe(stream);
}

TEST_F(JournaldTest, EverySpdlogLevelMapsToItsPriorityWithTheCallSite) {
  // This process's stderr plays the journal stream, so makeDaemonLogger
  // picks the journal sink as it does in airlockd under systemd.
  ScopedEnv stream("JOURNAL_STREAM", PrivateJournald::journalStreamOf(2));
  ASSERT_TRUE(service::stderrIsJournal());
  std::string name = "journald-test-" + std::to_string(getpid());
  auto logger = service::makeDaemonLogger(name);
  logger->set_level(spdlog::level::trace);
  const std::vector<std::pair<spdlog::level::level_enum, std::string>> levels = {
      {spdlog::level::trace, "7"}, {spdlog::level::debug, "7"}, {spdlog::level::info, "6"},
      {spdlog::level::warn, "4"},  {spdlog::level::err, "3"},   {spdlog::level::critical, "2"}};
  for (size_t i = 0; i < levels.size(); ++i) {
    logger->log(spdlog::source_loc{"daemon/some_file.cpp", static_cast<int>(100 + i), "someFunction"},
                levels[i].first, "level line {}", i);
  }
  logger->info("two\nlines and a key=value");
  std::string big(512 * 1024, 'x');  // Beyond a datagram: libsystemd passes a memfd.
  logger->warn("big {}", big);

  auto entries = journald_->entries({"_PID=" + std::to_string(getpid()), "AIRLOCK_LOGGER=" + name});
  ASSERT_EQ(entries.size(), levels.size() + 2) << describe(entries);
  for (size_t i = 0; i < levels.size(); ++i) {
    const JournalEntry& e = entries[i];
    EXPECT_EQ(e.get("MESSAGE"), "level line " + std::to_string(i));
    EXPECT_EQ(e.get("PRIORITY"), levels[i].second) << e.get("MESSAGE");
    EXPECT_EQ(e.get("SYSLOG_IDENTIFIER"), "airlockd");
    EXPECT_EQ(e.get("_TRANSPORT"), "journal");
    EXPECT_EQ(e.get("CODE_FILE"), "daemon/some_file.cpp");
    EXPECT_EQ(e.get("CODE_LINE"), std::to_string(100 + i));
    EXPECT_EQ(e.get("CODE_FUNC"), "someFunction");
  }
  EXPECT_EQ(entries[levels.size()].get("MESSAGE"), "two\nlines and a key=value");
  EXPECT_EQ(entries[levels.size()].get("AIRLOCK_KEY"), "value");
  EXPECT_FALSE(entries[levels.size()].has("CODE_FILE"));  // spdlog::info() knows no call site.
  EXPECT_EQ(entries[levels.size() + 1].get("MESSAGE"), "big " + big);
  EXPECT_EQ(entries[levels.size() + 1].get("PRIORITY"), "4");
}

const char* kPolicy = "dcos security org users grant alice dcos:superuser full\n";

TEST_F(JournaldTest, RefusedLoginsAreAuditedWithoutTheirTokensOrTheSecret) {
  auth::testing::TokenFactory keys;
  auth::testing::TokenFactory other_keys;
  int64_t now = time(nullptr);
  std::string secret = "delegation-secret-" + std::to_string(now) + "-0123456789abcdef";
  TempFile pem(keys.publicPem(), ".pem");
  TempFile policy(kPolicy, ".policy");
  TempFile secret_file(secret, ".secret");
  TempFile config("[auth]\npublic_key_file = \"" + pem.path() + "\"\npolicy_file = \"" +
                  policy.path() + "\"\n[auth.label_rules]\ndelegation_secret_file = \"" +
                  secret_file.path() + "\"\n");
  std::vector<std::string> secrets = {
      secret,
      other_keys.rs256({{"uid", "mallory"}, {"exp", now + 3600}}),  // Unknown key.
      keys.rs256({{"uid", "alice"}, {"exp", now - 60}}),            // Expired.
      auth::testing::TokenFactory::hs256({{"alg", "HS256"}, {"typ", "JWT"}},
                                         {{"uid", "alice"}, {"exp", now + 60}}, secret),
      keys.rs256({{"uid", "alice"}, {"exp", now + 3600}}),  // Good.
  };
  JournaledDaemon daemon(*journald_, {"--config", config.path(), "--log-level", "debug"});
  ASSERT_FALSE(daemon.url().empty()) << describe(streamEntries(daemon));
  pid_t pid = daemon.pid();
  for (size_t i = 1; i + 1 < secrets.size(); ++i) {
    SessionClient client(daemon.url(), 1 << 20, "token=" + secrets[i]);
    auto& rec = client.open(makeOpen({"true"}));
    ASSERT_TRUE(client.run([&] { return client.closed() || rec.done(); }, 10s));
    EXPECT_FALSE(rec.opened.has_value()) << i;
  }
  std::string session_id;
  {
    SessionClient client(daemon.url(), 1 << 20, "Bearer " + secrets.back());
    auto& rec = client.open(makeOpen({"sh", "-c", "echo ok"}));
    ASSERT_TRUE(client.run([&] { return rec.done(); }, 10s));
    ASSERT_TRUE(rec.opened.has_value());
    session_id = rec.opened->session_id();
  }
  EXPECT_TRUE(eventually(
      [&] { return find(journald_->entries({"_PID=" + std::to_string(pid)}),
                        "session " + session_id + " freed") != nullptr; },
      10s));
  EXPECT_EQ(daemon.stop(), 0) << describe(streamEntries(daemon));

  std::string pid_match = "_PID=" + std::to_string(pid);
  auto refused = journald_->entries({pid_match, "MESSAGE_ID=" + std::string(service::kAuditDecisionMessageId),
                                     "AIRLOCK_DECISION=unauthenticated"});
  ASSERT_EQ(refused.size(), 3u) << describe(journald_->entries({pid_match}));
  for (const auto& e : refused) {
    EXPECT_EQ(e.get("AIRLOCK_EVENT"), "decision");
    EXPECT_EQ(e.get("PRIORITY"), "6");
    EXPECT_NE(e.get("AIRLOCK_PEER").find("127.0.0.1:"), std::string::npos) << e.get("MESSAGE");
  }
  auto start = journald_->entries(
      {pid_match, "MESSAGE_ID=" + std::string(service::kAuditSessionStartMessageId)});
  ASSERT_EQ(start.size(), 1u) << describe(journald_->entries({pid_match}));
  EXPECT_EQ(start[0].get("AIRLOCK_UID"), "alice");
  EXPECT_EQ(start[0].get("AIRLOCK_SESSION_ID"), session_id);
  EXPECT_EQ(journald_->entries({pid_match, "MESSAGE_ID=" +
                                               std::string(service::kAuditSessionEndMessageId),
                                "AIRLOCK_SESSION_ID=" + session_id})
                .size(),
            1u);

  // No token (nor its signature) and not the secret, in any field of any
  // entry the daemon made, natively or on stderr.
  auto everything = journald_->entries({pid_match});
  auto stream = streamEntries(daemon);
  everything.insert(everything.end(), stream.begin(), stream.end());
  EXPECT_GT(everything.size(), 8u);
  for (const std::string& s : secrets) {
    std::string signature = s.substr(s.rfind('.') + 1);
    for (const auto& e : everything) {
      for (const auto& [name, values] : e.fields) {
        for (const auto& v : values) {
          EXPECT_EQ(v.find(s), std::string::npos) << name << " holds a secret: " << v;
          if (signature.size() >= 16) {
            EXPECT_EQ(v.find(signature), std::string::npos) << name << " holds a signature: " << v;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace airlock::testing
