// airlock-replay verify: hash chain, sequence and signatures of recordings.
#include <CLI/CLI.hpp>
#include <iostream>

#include "airlock/recording_verifier.h"
#include "commands.h"
#include "recording_dir.h"

namespace airlock::replay::cli {

namespace {

struct VerifyArgs {
  std::vector<std::string> recordings;
  std::string keyPath;
};

int verifyOne(const std::string& path, const VerifyKey* key) {
  auto source = openFileSource(path);
  if (!source) {
    std::cout << path << ": INVALID\n  " << source.error().message << "\n";
    return kExitInvalid;
  }
  VerifyReport r = verifyRecording(**source, key);
  std::cout << path << ": " << verifyStatusName(r.status) << " (" << r.frames << " frames, "
            << r.checkpoints << " checkpoints, " << r.signedFrames << " frames signed, key id "
            << r.keyId << ")\n";
  for (const std::string& p : r.problems) std::cout << "  problem: " << p << "\n";
  for (const std::string& n : r.notes) std::cout << "  note: " << n << "\n";
  if (r.status == VerifyStatus::kInvalid) return kExitInvalid;
  if (!r.signaturesChecked) return kExitUnverified;
  return r.status == VerifyStatus::kValid ? kExitOk : kExitTruncated;
}

int runVerify(const GlobalOptions& global, const VerifyArgs& a) {
  std::optional<VerifyKey> key;
  if (!a.keyPath.empty()) {
    auto loaded = VerifyKey::loadPem(a.keyPath);
    if (!loaded) {
      std::cerr << "airlock-replay verify: " << loaded.error().message << "\n";
      return kExitUsage;
    }
    key.emplace(std::move(*loaded));
  }
  std::vector<std::string> paths;
  for (const std::string& r : a.recordings) {
    auto p = resolveRecording(global.dir, r);
    if (!p) {
      std::cerr << "airlock-replay verify: " << p.error().message << "\n";
      return kExitUsage;
    }
    paths.push_back(*p);
  }
  if (a.recordings.empty()) paths = listRecordings(global.dir);
  int worst = kExitOk;
  // Rank: invalid > unverified > truncated > ok.
  auto rank = [](int code) {
    return code == kExitInvalid ? 3 : code == kExitUnverified ? 2 : code == kExitTruncated ? 1 : 0;
  };
  for (const std::string& path : paths) {
    int code = verifyOne(path, key ? &*key : nullptr);
    if (rank(code) > rank(worst)) worst = code;
  }
  return worst;
}

}  // namespace

void addVerifyCommand(CLI::App& app, const GlobalOptions& global, int* exitCode) {
  auto a = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Check hash chain and signatures. Exit 0 valid, 1 invalid, 3 truncated-but-valid, "
      "4 signatures not checked (no --key)");
  cmd->add_option("recordings", a->recordings, "Files or session ids (default: all under --dir)");
  cmd->add_option("--key", a->keyPath, "Ed25519 public (or private) key PEM of the daemon");
  cmd->callback([&global, a, exitCode] { *exitCode = runVerify(global, *a); });
}

}  // namespace airlock::replay::cli
