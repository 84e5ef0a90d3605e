#include "service/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

namespace airlock::metrics {
namespace {

size_t countOpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  size_t n = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n - 1;  // The directory stream's own fd.
}

// Fields 14, 15 (utime, stime) and 22 (starttime) of /proc/self/stat, in
// clock ticks; the command name (field 2) may hold spaces, so skip past ')'.
bool readStat(double& cpu_seconds, double& start_ticks) {
  std::ifstream in("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t paren = text.rfind(')');
  if (paren == std::string::npos) return false;
  std::istringstream fields(text.substr(paren + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
    if (i == 22) {
      start_ticks = std::stod(field);
      cpu_seconds = (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
      return true;
    }
  }
  return false;
}

double bootTimeSeconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  while (in >> key) {
    if (key == "btime") {
      double btime = 0;
      in >> btime;
      return btime;
    }
    in.ignore(1 << 16, '\n');
  }
  return 0;
}

double residentBytes() {
  std::ifstream in("/proc/self/statm");
  double size = 0, resident = 0;
  in >> size >> resident;
  return resident * static_cast<double>(sysconf(_SC_PAGESIZE));
}

}  // namespace

void addProcessMetrics(Registry& registry) {
  Counter& cpu = registry.counter("process_cpu_seconds_total", "User and system CPU time, seconds");
  Gauge& rss = registry.gauge("process_resident_memory_bytes", "Resident memory size, bytes");
  Gauge& fds = registry.gauge("process_open_fds", "Open file descriptors");
  Gauge& max_fds = registry.gauge("process_max_fds", "Limit of open file descriptors");
  Gauge& start = registry.gauge("process_start_time_seconds",
                                "Start time of the process since the epoch, seconds");
  double boot = bootTimeSeconds();
  registry.addCollector([&cpu, &rss, &fds, &max_fds, &start, boot] {
    double cpu_seconds = 0, start_ticks = 0;
    if (readStat(cpu_seconds, start_ticks)) {
      cpu.inc(cpu_seconds - cpu.value());  // A counter that mirrors the kernel's.
      start.set(boot + start_ticks / static_cast<double>(sysconf(_SC_CLK_TCK)));
    }
    rss.set(residentBytes());
    fds.set(static_cast<double>(countOpenFds()));
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) max_fds.set(static_cast<double>(limit.rlim_cur));
  });
}

}  // namespace airlock::metrics
