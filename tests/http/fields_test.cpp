// SPDX-License-Identifier: BSL-1.0
#include <reel/http/fields.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using reel::http::Fields;
using reel::http::is_field_value;
using reel::http::is_token;

TEST(Fields, AddFindCountAreCaseInsensitive) {
  Fields f;
  EXPECT_TRUE(f.empty());
  EXPECT_EQ(f.find("Accept"), std::nullopt);
  f.add("Accept", "application/json");
  f.add("X-Trace", "1");
  f.add("accept", "text/plain");
  EXPECT_EQ(f.size(), 3u);
  EXPECT_EQ(f.find("ACCEPT"), "application/json");
  EXPECT_EQ(f.count("aCcEpT"), 2u);
  EXPECT_EQ(f.count("x-trace"), 1u);
  EXPECT_EQ(f.count("missing"), 0u);
  EXPECT_EQ(f.find("X-Trac"), std::nullopt);
  EXPECT_EQ(f.find(""), std::nullopt);
}

TEST(Fields, IterationKeepsOrder) {
  Fields f;
  f.add("B", "2");
  f.add("A", "1");
  f.add("b", "3");
  std::vector<std::string> seen;
  for (const auto& [name, value] : f) seen.push_back(name + "=" + value);
  EXPECT_EQ(seen, (std::vector<std::string>{"B=2", "A=1", "b=3"}));
}

TEST(Fields, SetReplacesAllAtTheFirstPosition) {
  Fields f;
  f.add("A", "1");
  f.add("X", "old1");
  f.add("B", "2");
  f.add("x", "old2");
  f.set("X", "new");
  ASSERT_EQ(f.size(), 3u);
  std::vector<std::string> seen;
  for (const auto& field : f) seen.push_back(field.name + "=" + field.value);
  EXPECT_EQ(seen, (std::vector<std::string>{"A=1", "X=new", "B=2"}));
  f.set("C", "3");
  EXPECT_EQ(f.size(), 4u);
  EXPECT_EQ(f.find("c"), "3");
}

TEST(Fields, EraseAndClear) {
  Fields f;
  f.add("A", "1");
  f.add("a", "2");
  f.add("B", "3");
  EXPECT_EQ(f.erase("A"), 2u);
  EXPECT_EQ(f.erase("A"), 0u);
  EXPECT_EQ(f.size(), 1u);
  EXPECT_EQ(f.find("b"), "3");
  f.clear();
  EXPECT_TRUE(f.empty());
}

TEST(Fields, Equality) {
  Fields a;
  Fields b;
  a.add("A", "1");
  b.add("A", "1");
  EXPECT_EQ(a, b);
  b.add("B", "2");
  EXPECT_NE(a, b);
}

TEST(Fields, IsToken) {
  EXPECT_TRUE(is_token("GET"));
  EXPECT_TRUE(is_token("Content-Type"));
  EXPECT_TRUE(is_token("x!#$%&'*+-.^_`|~09azAZ"));
  EXPECT_FALSE(is_token(""));
  static constexpr char separators[] = " \t\r\n\"(),/:;<=>?@[\\]{}\x7f\x80\xff";
  for (const char c : std::string_view(separators, sizeof separators - 1)) {
    EXPECT_FALSE(is_token(std::string("A") + c)) << static_cast<int>(static_cast<unsigned char>(c));
  }
  EXPECT_FALSE(is_token(std::string_view("A\0", 2)));
  for (int c = 0; c < 0x20; ++c) EXPECT_FALSE(is_token(std::string(1, static_cast<char>(c))));
}

TEST(Fields, IsFieldValue) {
  EXPECT_TRUE(is_field_value(""));
  EXPECT_TRUE(is_field_value("Bearer abc.def"));
  EXPECT_TRUE(is_field_value("a\tb c"));
  EXPECT_TRUE(is_field_value("caf\xc3\xa9 \x80\xff"));
  EXPECT_TRUE(is_field_value("\"quoted\", (comment); q=0.5"));
  EXPECT_FALSE(is_field_value("a\rb"));
  EXPECT_FALSE(is_field_value("a\nb"));
  EXPECT_FALSE(is_field_value("a\r\nX-Injected: 1"));
  EXPECT_FALSE(is_field_value(std::string_view("a\0b", 3)));
  EXPECT_FALSE(is_field_value("a\x7f"));
  for (int c = 0; c < 0x20; ++c) {
    if (c != '\t') {
      EXPECT_FALSE(is_field_value(std::string(1, static_cast<char>(c)))) << c;
    }
  }
}

}  // namespace
