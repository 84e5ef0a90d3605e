#include <gtest/gtest.h>

#include "terminal_safe_filter.h"
#include "text_extractor.h"
#include "text_search.h"
#include "utf8_assembler.h"

namespace airlock::replay {
namespace {

TEST(TerminalSafeFilterTest, DropsQueriesTitleAndClipboardKeepsColours) {
  TerminalSafeFilter f;
  std::string in =
      "a\x1b[31mred\x1b[0m"          // SGR: kept.
      "\x1b]52;c;c2VjcmV0\x07"        // OSC 52 clipboard: dropped.
      "\x1b]0;pwned title\x1b\\"      // OSC 0 title: dropped.
      "\x1b[6n\x1b[c\x1b[>c\x1b[5n"   // DSR, DA1, DA2: dropped.
      "\x1b[>q\x1b[?25$p\x1b[14t"     // XTVERSION, DECRQM, window report: dropped.
      "\x1bP$qm\x1b\\"                // DECRQSS: dropped.
      "\x1b[?1000h\x1b[?25l"          // Mouse reporting dropped, cursor hide kept.
      "\x05"                          // ENQ: dropped.
      "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"  // Hyperlink: kept.
      "\x1b[2 q"                      // Cursor style: kept.
      "b";
  std::string out = f.filter(in);
  EXPECT_EQ(out,
            "a\x1b[31mred\x1b[0m\x1b[?25l\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\\x1b[2 qb");
  EXPECT_EQ(f.dropped(), 12u);
}

TEST(TerminalSafeFilterTest, SequencesSplitAcrossEventsAreStillDropped) {
  TerminalSafeFilter f;
  std::string out = f.filter("x\x1b]5");
  out += f.filter("2;c;AAAA");
  out += f.filter("\x07y\x1b[");
  out += f.filter("6n");
  out += f.filter("z");
  EXPECT_EQ(out, "xyz");
}

TEST(TextExtractorTest, StripsSequencesAndCarriageReturns) {
  TextExtractor t;
  std::string out = t.feed("\x1b[1;32mgreen\x1b[0m\r\nnext\x1b[");
  out += t.feed("K line\ttab\a\r\n");
  EXPECT_EQ(out, "green\nnext line\ttab\n");
}

TEST(TextSearchTest, FindsMatchesSpanningEventsWithTheTimeOfTheFirstByte) {
  TextSearcher s("password123", false);
  std::vector<SearchHit> hits;
  s.feed("echo pass", 100, hits);
  s.feed("\x1b[1mwo", 200, hits);  // An escape sequence inside the match is ignored.
  s.feed("rd1", 300, hits);
  s.feed("23 done; password123", 400, hits);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].timeUs, 100u);
  EXPECT_NE(hits[0].context.find("echo password123"), std::string::npos);
  EXPECT_EQ(hits[1].timeUs, 400u);
}

TEST(TextSearchTest, IgnoreCaseAndLongStreams) {
  TextSearcher s("NEEDLE", true);
  std::vector<SearchHit> hits;
  for (int i = 0; i < 2000; ++i) s.feed(std::string(100, 'h'), i, hits);
  s.feed("nee", 5000, hits);
  s.feed("dle", 5001, hits);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].timeUs, 5000u);
}

TEST(Utf8AssemblerTest, JoinsCharactersSplitAcrossChunks) {
  Utf8Assembler a;
  std::string euro = "\xE2\x82\xAC";  // U+20AC
  std::string emoji = "\xF0\x9F\x98\x80";
  EXPECT_EQ(a.feed("a" + euro.substr(0, 1)), "a");
  EXPECT_EQ(a.feed(euro.substr(1, 1)), "");
  EXPECT_EQ(a.feed(euro.substr(2) + emoji.substr(0, 2)), euro);
  EXPECT_EQ(a.feed(emoji.substr(2) + "b"), emoji + "b");
  EXPECT_EQ(a.flush(), "");
}

TEST(Utf8AssemblerTest, InvalidBytesBecomeReplacementCharacters) {
  Utf8Assembler a;
  EXPECT_EQ(a.feed("x\xFFy\xC0\x80z"), "x\xEF\xBF\xBDy\xEF\xBF\xBD\xEF\xBF\xBDz");
  EXPECT_EQ(a.feed("\xE2\x82"), "");
  EXPECT_EQ(a.feed("q"), "\xEF\xBF\xBDq");
  EXPECT_EQ(a.feed("\xE2"), "");
  EXPECT_EQ(a.flush(), "\xEF\xBF\xBD");
}

}  // namespace
}  // namespace airlock::replay
