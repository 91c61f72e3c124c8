// Text from images and feeds on a terminal (issue 16, item 7): control bytes, invalid UTF-8,
// C1 controls and bidirectional overrides are shown as escapes, never passed through; NUL
// does not cut a message; escaping twice changes nothing.
#include <gtest/gtest.h>

#include "common/diagnostics.hpp"
#include "common/error.hpp"

namespace dagda {
namespace {

using namespace std::string_literals;

bool has_raw_control(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

TEST(TerminalSafe, ControlBytesBecomeVisibleEscapes) {
  EXPECT_EQ(terminal_safe("plain text, ÄÖÜ ✓"), "plain text, ÄÖÜ ✓");
  EXPECT_EQ(terminal_safe("\x1b[2J\x1b]0;title\x07"), "\\x1b[2J\\x1b]0;title\\x07");
  EXPECT_EQ(terminal_safe("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(terminal_safe("del\x7f"), "del\\x7f");
  EXPECT_EQ(terminal_safe("evil\0after"s), "evil\\x00after");
}

TEST(TerminalSafe, InvalidUtf8AndInvisibleControlsAreEscaped) {
  EXPECT_EQ(terminal_safe("\xa0raw"), "\\xa0raw");           // a lone continuation byte
  EXPECT_EQ(terminal_safe("\xc2\x9b" "31m"), "\\u{009b}31m");  // U+009B, CSI on some terminals
  EXPECT_EQ(terminal_safe("abc\u202Etxt.exe"), "abc\\u{202e}txt.exe");
  EXPECT_EQ(terminal_safe("\xe2\x82"), "\\xe2\\x82");  // truncated sequence
  EXPECT_EQ(terminal_safe("\xc0\xaf"), "\\xc0\\xaf");  // overlong '/'
  EXPECT_EQ(terminal_safe("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
}

TEST(TerminalSafe, EscapingTwiceChangesNothing) {
  std::string hostile;
  for (int c = 0; c < 256; ++c) hostile += static_cast<char>(c);
  hostile += "\u202E\u2066\xc2\x85 end";
  std::string once = terminal_safe(hostile);
  EXPECT_FALSE(has_raw_control(once));
  EXPECT_EQ(terminal_safe(once), once);
}

TEST(TerminalSafe, ErrorsAndWarningsRenderSafelyAndWhole) {
  Error e(ErrorCode::corrupt, "package evil\x1b[31mred\0cut-here has no version"s,
          {.file = "lib/apk/db/\x1b]0;x\x07installed", .line = 3});
  std::string r = e.render();
  EXPECT_FALSE(has_raw_control(r)) << r;
  EXPECT_NE(r.find("cut-here has no version"), std::string::npos) << r;
  Warning w{"apk.missing-version", "name \x1b[2J", {.file = "f\n"}};
  EXPECT_FALSE(has_raw_control(w.render())) << w.render();
  // Wrapping a rendered message (a warning made of an error) does not double the escapes.
  Error outer = Error(ErrorCode::io, e.render()).wrap("cannot read");
  EXPECT_NE(outer.render().find("evil\\x1b[31mred\\x00cut-here"), std::string::npos) << outer.render();
}

}  // namespace
}  // namespace dagda
