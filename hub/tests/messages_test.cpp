#include "messages.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "json_text.hpp"

using namespace vmpulse::hub;

namespace {
vmpulse::db::Row row(std::uint64_t id, std::string vm, std::string hora, std::string api = "cpp") {
  return {std::to_string(id),
          vm,
          "8000",
          "6000",
          "2000",
          "25.00",
          "12.50",
          "87.50",
          "1",
          "2",
          "0",
          "0",
          "3",
          hora,
          api};
}
StoredRecord record(std::uint64_t id, std::string vm, std::string hora, std::string api = "cpp") {
  return std::get<StoredRecord>(from_row(row(id, std::move(vm), std::move(hora), std::move(api))));
}
}  // namespace

TEST(Rows, EncodesTheRecordOnce) {
  const StoredRecord r = record(7, "web-1", "2026-11-26 10:00:01");
  EXPECT_EQ(
      r.json,
      R"({"id":7,"vm":"web-1","total_ram":8000,"ram_libre":6000,"uso_ram":2000,"porcentaje_ram":25.00,)"
      R"("porcentaje_cpu_uso":12.50,"porcentaje_cpu_libre":87.50,"procesos_corriendo":1,"procesos_durmiendo":2,)"
      R"("procesos_zombie":0,"procesos_parados":0,"total_procesos":3,"hora":"2026-11-26 10:00:01","api":"cpp"})");
}

TEST(Rows, RejectsWhatIsNotANumber) {
  auto bad = row(1, "a", "2026-11-26 10:00:01");
  bad[5] = "NaN";
  EXPECT_TRUE(std::holds_alternative<std::string>(from_row(bad)));
  bad = row(1, "a", "2026-11-26 10:00:01");
  bad[14] = std::nullopt;
  EXPECT_TRUE(std::holds_alternative<std::string>(from_row(bad)));
}

TEST(JsonText, EscapesStrings) {
  std::string out;
  append_json_string(out, "a\"b\\c\n\x01");
  EXPECT_EQ(out, R"("a\"b\\c\u000a\u0001")");
  EXPECT_TRUE(is_plain_number("-12.50"));
  EXPECT_FALSE(is_plain_number("1."));
  EXPECT_FALSE(is_plain_number("01"));
  EXPECT_FALSE(is_plain_number(""));
}

TEST(Messages, RecordsMessageIsValidJsonInIdOrder) {
  Split split;
  split.per_api["cpp"] = 2;
  const std::string text = encode_records(
      {record(1, "a", "2026-11-26 10:00:01"), record(2, "b", "2026-11-26 10:00:02")}, split);
  const auto json = nlohmann::json::parse(text);
  EXPECT_EQ(json["type"], "records");
  ASSERT_EQ(json["records"].size(), 2u);
  EXPECT_EQ(json["records"][1]["id"], 2);
  EXPECT_EQ(json["split"], nlohmann::json::parse(R"({"cpp":2,"nodejs":0,"total":2})"));
}

TEST(Messages, SnapshotCarriesLatestVmsSeriesAndSplit) {
  LiveState state;
  state.apply(record(1, "a", "2026-11-26 10:00:01"));
  state.apply(record(3, "a", "2026-11-26 10:00:00"));  // older hora: not the latest
  state.apply(record(2, "b", "2026-11-26 10:00:05", "nodejs"));
  Split split;
  split.per_api["nodejs"] = 1;
  split.per_api["cpp"] = 2;
  state.set_split(split);
  EXPECT_EQ(state.newest_vm(), "b");

  const auto json = nlohmann::json::parse(
      encode_snapshot(std::string("a"), 15, state, {record(1, "a", "2026-11-26 10:00:01")}));
  EXPECT_EQ(json["type"], "snapshot");
  EXPECT_EQ(json["vm"], "a");
  EXPECT_EQ(json["minutes"], 15);
  EXPECT_EQ(json["vms"][0],
            nlohmann::json::parse(R"({"vm":"a","last":"2026-11-26 10:00:01","rows":2})"));
  EXPECT_EQ(json["latest"]["a"]["id"], 1);
  EXPECT_EQ(json["latest"]["b"]["api"], "nodejs");
  EXPECT_EQ(json["series"].size(), 1u);
  EXPECT_EQ(json["split"]["total"], 3);
}

TEST(Messages, EmptySnapshotHasNullVm) {
  const auto json = nlohmann::json::parse(encode_snapshot(std::nullopt, 15, LiveState{}, {}));
  EXPECT_TRUE(json["vm"].is_null());
  EXPECT_TRUE(json["latest"].empty());
}

TEST(Messages, SplitAnswerHasShares) {
  Split split;
  split.per_api["cpp"] = 51;
  split.per_api["nodejs"] = 49;
  const auto json = nlohmann::json::parse(encode_split_answer(split));
  EXPECT_EQ(json["total"], 100);
  EXPECT_DOUBLE_EQ(json["shares"]["cpp"].get<double>(), 0.51);
  const auto empty = nlohmann::json::parse(encode_split_answer(Split{}));
  EXPECT_EQ(empty["shares"]["cpp"], 0);
}

TEST(Messages, ResyncAndPong) {
  EXPECT_EQ(nlohmann::json::parse(encode_resync("slow client"))["reason"], "slow client");
  EXPECT_EQ(nlohmann::json::parse(encode_pong())["type"], "pong");
}

// The 2, 4 and 10-byte headers of RFC 6455 5.2, at each length boundary.
TEST(Frames, HeaderLengthsAtEachBoundary) {
  struct Case {
    std::size_t size;
    std::size_t header;
  };
  for (const Case c : {Case{0, 2}, Case{1, 2}, Case{125, 2}, Case{126, 4}, Case{65535, 4},
                       Case{65536, 10}, Case{70000, 10}}) {
    const std::string payload(c.size, 'x');
    const std::string frame = frame_text(payload);
    ASSERT_EQ(frame.size(), c.header + c.size) << c.size;
    EXPECT_EQ(static_cast<unsigned char>(frame[0]), 0x81) << "FIN + text";
    const auto second = static_cast<unsigned char>(frame[1]);
    EXPECT_EQ(second & 0x80, 0) << "a server never masks";
    if (c.header == 2) {
      EXPECT_EQ(second, c.size);
    }
    if (c.header == 4) {
      EXPECT_EQ(second, 126);
      EXPECT_EQ(static_cast<unsigned char>(frame[2]) * 256u + static_cast<unsigned char>(frame[3]),
                c.size);
    }
    if (c.header == 10) {
      EXPECT_EQ(second, 127);
      std::uint64_t length = 0;
      for (std::size_t i = 2; i < 10; ++i)
        length = (length << 8) | static_cast<unsigned char>(frame[i]);
      EXPECT_EQ(length, c.size);
    }
    EXPECT_EQ(frame_payload(frame), payload) << c.size;
  }
}

TEST(Frames, PayloadOfWhatIsNotAServerTextFrameIsEmpty) {
  EXPECT_EQ(frame_payload(""), "");
  EXPECT_EQ(frame_payload("\x82\x01x"), "");                          // binary
  EXPECT_EQ(frame_payload(std::string("\x81\x81\0\0\0\0x", 7)), "");  // masked
  EXPECT_EQ(frame_payload("\x81\x05xx"), "");                         // truncated
  EXPECT_EQ(frame_payload("\x81\x02xyz"), "");                        // trailing bytes
  EXPECT_EQ(frame_payload("\x81\x03xyz"), "xyz");
}

TEST(Frames, MessagesAreWholeFrames) {
  const Message message = make_message(encode_pong());
  EXPECT_EQ(message->size(), encode_pong().size() + 2);
  EXPECT_EQ(frame_payload(*message), encode_pong());
}
