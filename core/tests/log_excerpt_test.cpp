#include "vmpulse/log_excerpt.hpp"

#include <gtest/gtest.h>

namespace vmpulse {
namespace {

TEST(LogExcerpt, AnHtmlErrorPageBecomesOneShortLine) {
  const std::string page =
      "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad "
      "Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n"
      "<!-- a padding comment -->\r\n<!-- a padding comment -->\r\n<!-- a padding comment -->\r\n";
  const std::string line = log_excerpt(page);
  EXPECT_EQ(line.find_first_of("\r\n\t"), std::string::npos) << line;
  EXPECT_TRUE(line.starts_with("<html> <head><title>502 Bad Gateway</title></head> <body>"))
      << line;
  EXPECT_LE(line.size(), 120u + std::string("…").size());
  EXPECT_TRUE(line.ends_with("…")) << line;
}

TEST(LogExcerpt, ControlCharactersAndSpaceRunsBecomeOneSpace) {
  EXPECT_EQ(log_excerpt("  a\x1b[31m b\x7f\x01\n\n  c  "), "a [31m b c");
  EXPECT_EQ(log_excerpt(""), "");
  EXPECT_EQ(log_excerpt("\r\n\t "), "");
}

TEST(LogExcerpt, ShortTextIsKeptWhole) {
  const std::string json = R"({"error":"database_unavailable","detail":"retry later"})";
  EXPECT_EQ(log_excerpt(json), json);
  EXPECT_EQ(log_excerpt(std::string(120, 'x')), std::string(120, 'x'));
  EXPECT_EQ(log_excerpt(std::string(121, 'x')), std::string(120, 'x') + "…");
}

TEST(LogExcerpt, CutsOnACharacterBoundary) {
  // "é" is two bytes: a cut after 5 bytes of "aaaaé" would split it.
  EXPECT_EQ(log_excerpt("aaaaéé", 5), "aaaa…");
  EXPECT_EQ(log_excerpt("aaaaéé", 6), "aaaaé…");
  EXPECT_EQ(log_excerpt("a€€", 3), "a…");  // "€" is three bytes
  EXPECT_EQ(log_excerpt("a€€", 4), "a€…");
}

}  // namespace
}  // namespace vmpulse
