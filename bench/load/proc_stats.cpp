#include "proc_stats.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace airlock::bench {
namespace {

long readLong(const char* path) {
  std::ifstream in(path);
  long v = -1;
  if (!(in >> v)) return -1;
  return v;
}

// Fields 14 and 15 of /proc/PID/stat (utime, stime), after the `comm` in
// parentheses, which may contain spaces.
bool readCpu(pid_t pid, double& cpu_s, long& threads) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  size_t close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  // Field 3 (state) is the first token after the comm.
  for (int i = 3; i <= 20 && rest >> field; ++i) {
    if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
    if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
    if (i == 20) threads = std::strtol(field.c_str(), nullptr, 10);
  }
  cpu_s = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  return true;
}

void readSmapsRollup(pid_t pid, long& rss, long& pss) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
  std::string key;
  long value = 0;
  std::string unit;
  while (in >> key) {
    if (key == "Rss:" || key == "Pss:") {
      in >> value >> unit;
      (key == "Rss:" ? rss : pss) = value;
    } else {
      in.ignore(1 << 16, '\n');
    }
  }
}

long countFds(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/fd";
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return -1;
  long n = 0;
  while (dirent* e = readdir(dir)) n += e->d_name[0] != '.';
  closedir(dir);
  return n;
}

}  // namespace

ProcSample sampleProcess(pid_t pid) {
  ProcSample s;
  if (pid <= 0 || !readCpu(pid, s.cpu_s, s.threads)) return s;
  readSmapsRollup(pid, s.rss_kib, s.pss_kib);
  s.fds = countFds(pid);
  s.ok = true;
  return s;
}

double selfCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

std::array<double, 3> loadAverage() {
  std::array<double, 3> out{-1, -1, -1};
  double v[3];
  if (getloadavg(v, 3) == 3) out = {v[0], v[1], v[2]};
  return out;
}

long readPtyMax() { return readLong("/proc/sys/kernel/pty/max"); }
long readPtyNr() { return readLong("/proc/sys/kernel/pty/nr"); }

bool writePtyMax(long value) {
  std::ofstream out("/proc/sys/kernel/pty/max");
  out << value << '\n';
  out.flush();
  return static_cast<bool>(out) && readPtyMax() == value;
}

long raiseFileLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return -1;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  return static_cast<long>(lim.rlim_cur);
}

int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace airlock::bench
