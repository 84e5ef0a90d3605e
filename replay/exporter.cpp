#include "exporter.h"

#include <cinttypes>
#include <cstdio>

#include "event_walk.h"
#include "json_text.h"
#include "text_extractor.h"
#include "utf8_assembler.h"

namespace airlock::replay {

namespace {

std::string seconds(uint64_t us, int digits) {
  char buf[48];
  if (digits == 6) {
    std::snprintf(buf, sizeof buf, "%" PRIu64 ".%06" PRIu64, us / 1'000'000, us % 1'000'000);
  } else {
    uint64_t ms = us / 1000;
    std::snprintf(buf, sizeof buf, "%" PRIu64 ".%03" PRIu64, ms / 1000, ms % 1000);
  }
  return buf;
}

// Header fields are bytes from the daemon; JSON needs valid UTF-8.
std::string utf8(std::string_view bytes) {
  Utf8Assembler a;
  return a.feed(bytes) + a.flush();
}

std::string title(const RecordingMetadata& m) {
  return utf8("airlock session " + m.sessionId + " (" + m.user + "@" + m.target + ")");
}

std::string headerV2(const RecordingReader& r) {
  const RecordingMetadata& m = r.metadata();
  std::string h = "{\"version\": 2, \"width\": " + std::to_string(m.cols) +
                  ", \"height\": " + std::to_string(m.rows) +
                  ", \"timestamp\": " + std::to_string(m.startTimeUnixUs / 1'000'000) +
                  ", \"duration\": " + seconds(r.durationUs(), 6) + ", \"command\": ";
  appendJsonString(h, utf8(joinCommand(m.argv)));
  h += ", \"title\": ";
  appendJsonString(h, title(m));
  if (!m.term.empty()) {
    h += ", \"env\": {\"TERM\": ";
    appendJsonString(h, utf8(m.term));
    h += "}";
  }
  return h + "}\n";
}

std::string headerV3(const RecordingReader& r) {
  const RecordingMetadata& m = r.metadata();
  std::string h = "{\"version\": 3, \"term\": {\"cols\": " + std::to_string(m.cols) +
                  ", \"rows\": " + std::to_string(m.rows);
  if (!m.term.empty()) {
    h += ", \"type\": ";
    appendJsonString(h, utf8(m.term));
  }
  h += "}, \"timestamp\": " + std::to_string(m.startTimeUnixUs / 1'000'000) + ", \"command\": ";
  appendJsonString(h, utf8(joinCommand(m.argv)));
  h += ", \"title\": ";
  appendJsonString(h, title(m));
  h += ", \"tags\": [\"airlock\"]}\n";
  return h;
}

// Writes asciicast events; `v3` selects intervals and the exit event.
class CastWriter {
 public:
  CastWriter(std::ostream& out, bool v3) : out_(out), v3_(v3) {}

  void onEvent(const Event& e) {
    switch (e.type) {
      case EventType::kOutput: write(e.timeUs, "o", output_.feed(e.data)); break;
      case EventType::kInput: write(e.timeUs, "i", input_.feed(e.data)); break;
      case EventType::kResize: write(e.timeUs, "r", e.data); break;
      case EventType::kMarker: write(e.timeUs, "m", e.data, true); break;
      case EventType::kExit:
        if (v3_) write(e.timeUs, "x", e.data, true);
        break;
      case EventType::kRedactedInput: break;
    }
  }

  void finish(uint64_t endUs) {
    write(endUs, "o", output_.flush());
    write(endUs, "i", input_.flush());
  }

 private:
  void write(uint64_t timeUs, const char* code, const std::string& data, bool evenEmpty = false) {
    if (data.empty() && !evenEmpty) return;  // All bytes held back for the next event.
    std::string line = "[" + (v3_ ? interval(timeUs) : seconds(timeUs, 6)) + ", \"" + code + "\", ";
    appendJsonString(line, data);
    line += "]\n";
    out_ << line;
  }

  // Milliseconds since the previous event, with the rounding error carried on.
  std::string interval(uint64_t timeUs) {
    int64_t exact = static_cast<int64_t>(timeUs - previousUs_) + errorUs_;
    int64_t rounded = (exact + 500) / 1000 * 1000;
    errorUs_ = exact - rounded;
    previousUs_ = timeUs;
    return seconds(static_cast<uint64_t>(rounded), 3);
  }

  std::ostream& out_;
  bool v3_;
  Utf8Assembler output_;
  Utf8Assembler input_;
  uint64_t previousUs_ = 0;
  int64_t errorUs_ = 0;
};

Result<void> exportText(const RecordingReader& reader, std::ostream& out) {
  TextExtractor text;
  bool endsInNewline = true;
  auto walked = forEachEvent(reader, 0, [&](const Event& e) {
    if (e.type != EventType::kOutput) return true;
    std::string t = text.feed(e.data);
    if (!t.empty()) endsInNewline = t.back() == '\n';
    out << t;
    return true;
  });
  if (walked && !endsInNewline) out << '\n';
  return walked;
}

}  // namespace

Result<ExportFormat> parseExportFormat(std::string_view name) {
  if (name == "asciicast-v2") return ExportFormat::kAsciicastV2;
  if (name == "asciicast-v3") return ExportFormat::kAsciicastV3;
  if (name == "txt") return ExportFormat::kTxt;
  return Error{"unknown export format '" + std::string(name) +
               "' (asciicast-v2, asciicast-v3 or txt)"};
}

std::string joinCommand(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    if (!out.empty()) out.push_back(' ');
    bool plain = !a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
                                                   "TUVWXYZ0123456789-_./=:,+@%") ==
                                   std::string::npos;
    if (plain) {
      out += a;
      continue;
    }
    out.push_back('\'');
    for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out.push_back('\'');
  }
  return out;
}

Result<void> exportRecording(const RecordingReader& reader, ExportFormat format,
                             std::ostream& out) {
  if (format == ExportFormat::kTxt) return exportText(reader, out);
  bool v3 = format == ExportFormat::kAsciicastV3;
  out << (v3 ? headerV3(reader) : headerV2(reader));
  CastWriter cast(out, v3);
  auto walked = forEachEvent(reader, 0, [&](const Event& e) {
    cast.onEvent(e);
    return true;
  });
  if (!walked) return walked;
  cast.finish(reader.durationUs());
  out.flush();
  if (!out) return Error{"cannot write the export"};
  return {};
}

}  // namespace airlock::replay
