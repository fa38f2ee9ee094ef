// SPDX-License-Identifier: BSL-1.0
#include <reel/json.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using reel::json::Value;

TEST(Value, ReadsEveryKind) {
  Value v;
  ASSERT_FALSE(reel::json::read(R"({"n":null,"b":true,"i":-12,"d":1.50,"s":"x","a":[1,"2"],"o":{"k":{}}})", v));
  ASSERT_TRUE(v.is_object());
  EXPECT_TRUE(v.find("n")->is_null());
  EXPECT_EQ(*v.find("b")->if_bool(), true);
  EXPECT_EQ(v.find("i")->if_number()->to_int64(), -12);
  EXPECT_EQ(v.find("i")->if_number()->to_uint64(), std::nullopt);
  EXPECT_EQ(v.find("d")->if_number()->text, "1.50");
  EXPECT_EQ(v.find("d")->if_number()->to_double(), 1.5);
  EXPECT_EQ(v.find("d")->if_number()->to_int64(), std::nullopt);
  EXPECT_EQ(*v.find_string("s"), "x");
  ASSERT_EQ(v.find("a")->if_array()->size(), 2u);
  EXPECT_TRUE(v.find("o")->find("k")->is_object());
  EXPECT_EQ(v.find("missing"), nullptr);
  EXPECT_EQ(v.find("s")->find("x"), nullptr);
}

TEST(Value, NumbersAreLossless) {
  Value v;
  ASSERT_FALSE(reel::json::read("123456789012345678901234567890.123e-5", v));
  EXPECT_EQ(v.if_number()->text, "123456789012345678901234567890.123e-5");
  EXPECT_EQ(*reel::json::write_string(v), "123456789012345678901234567890.123e-5");
  ASSERT_FALSE(reel::json::read("1e999", v));
  EXPECT_EQ(v.if_number()->to_double(), std::nullopt);
}

TEST(Value, BuildAndWrite) {
  Value v = reel::json::Object{{"model", "wan-2.5"}, {"n", 2}, {"x", 0.5}, {"ok", true},
                               {"list", reel::json::Array{nullptr, "a"}}};
  EXPECT_EQ(*reel::json::write_string(v), R"({"model":"wan-2.5","n":2,"x":0.5,"ok":true,"list":[null,"a"]})");
  Value bad = reel::json::Number{"1.2.3"};
  EXPECT_FALSE(reel::json::write_string(bad));
}

TEST(Value, DuplicateKeysKeptAndFindReturnsLast) {
  Value v;
  ASSERT_FALSE(reel::json::read(R"({"a":1,"a":2})", v));
  EXPECT_EQ(v.if_object()->size(), 2u);
  EXPECT_EQ(v.find("a")->if_number()->text, "2");
}

TEST(Value, Equality) {
  Value a, b;
  ASSERT_FALSE(reel::json::read(R"([1,{"k":"v"}])", a));
  ASSERT_FALSE(reel::json::read(R"( [ 1 , { "k" : "v" } ] )", b));
  EXPECT_EQ(a, b);
  ASSERT_FALSE(reel::json::read(R"([1.0,{"k":"v"}])", b));
  EXPECT_FALSE(a == b);  // numbers compare by text
}

TEST(Value, AsAFieldForVaryingShapes) {
  struct Event {
    std::string type;
    Value data;
    std::optional<Value> extra;
  };
  auto r = reel::json::read_as<Event>(R"({"type":"t","data":[1,2]})");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->data.is_array());
  EXPECT_FALSE(r->extra.has_value());
  auto null_data = reel::json::read_as<Event>(R"({"type":"t","data":null,"extra":null})");
  ASSERT_TRUE(null_data);
  EXPECT_TRUE(null_data->data.is_null());
  EXPECT_FALSE(null_data->extra.has_value());
}

}  // namespace
