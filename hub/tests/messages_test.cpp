#include "messages.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "record_rows.hpp"

using namespace vmpulse::hub;

namespace {
vmpulse::db::Row row(std::uint64_t id, std::string vm, std::string hora, std::string api = "cpp") {
  return test::record_row({{"id", std::to_string(id)},
                           {"vm", std::move(vm)},
                           {"total_ram", "8000"},
                           {"ram_libre", "6000"},
                           {"uso_ram", "2000"},
                           {"porcentaje_ram", "25.00"},
                           {"porcentaje_cpu_uso", "12.50"},
                           {"porcentaje_cpu_libre", "87.50"},
                           {"procesos_corriendo", "1"},
                           {"procesos_durmiendo", "2"},
                           {"procesos_zombie", "0"},
                           {"procesos_parados", "0"},
                           {"total_procesos", "3"},
                           {"hora", std::move(hora)},
                           {"api", std::move(api)}});
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
  bad[test::column_of("porcentaje_ram")] = "NaN";
  EXPECT_TRUE(std::holds_alternative<std::string>(from_row(bad)));
  bad = row(1, "a", "2026-11-26 10:00:01");
  bad[test::column_of("api")] = std::nullopt;
  EXPECT_TRUE(std::holds_alternative<std::string>(from_row(bad)));
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
  EXPECT_EQ(json["vms"][0], nlohmann::json::parse(R"({"vm":"a","last":"2026-11-26 10:00:01",)"
                                                  R"("rows":2,"porcentaje_cpu_uso":12.5,)"
                                                  R"("porcentaje_ram":25,"etiquetas":{}})"));
  // Only the chosen VM's record: the updates bring the others' (at 10,000 VMs every
  // VM's record made the snapshot 15.6 MB).
  EXPECT_EQ(json["latest"]["a"]["id"], 1);
  EXPECT_FALSE(json["latest"].contains("b"));
  EXPECT_EQ(
      nlohmann::json::parse(encode_snapshot(std::string("b"), 15, state, {}))["latest"]["b"]["api"],
      "nodejs");
  EXPECT_EQ(json["series"].size(), 1u);
  EXPECT_EQ(json["split"]["total"], 3);
}

TEST(Messages, VmsCarryCpuRamLoadAndDiskOfTheNewestRow) {
  LiveState state;
  // "a": its newest row has them; an older row's values do not count.
  auto older = row(1, "a", "2026-12-05 06:00:00");
  older[test::column_of("carga_1")] = "9.99";
  state.apply(std::get<StoredRecord>(from_row(older)));
  auto newest = row(2, "a", "2026-12-05 06:00:01");
  newest[test::column_of("carga_1")] = "0.52";
  newest[test::column_of("disco_total")] = "51200";
  newest[test::column_of("disco_libre")] = "20480";
  state.apply(std::get<StoredRecord>(from_row(newest)));
  // "b": a version 1 row, so none of them.
  state.apply(record(3, "b", "2026-12-05 06:00:02"));
  EXPECT_EQ(encode_vms(state),
            R"({"vms":[{"vm":"a","last":"2026-12-05 06:00:01","rows":2,"porcentaje_cpu_uso":12.50,)"
            R"("porcentaje_ram":25.00,"carga_1":0.52,"disco_total":51200,"disco_libre":20480,)"
            R"("etiquetas":{}},)"
            R"({"vm":"b","last":"2026-12-05 06:00:02","rows":1,"porcentaje_cpu_uso":12.50,)"
            R"("porcentaje_ram":25.00,"etiquetas":{}}]})");
  // The snapshot's list is the same.
  const auto json = nlohmann::json::parse(encode_snapshot(std::string("a"), 15, state, {}));
  EXPECT_EQ(json["vms"][0]["disco_libre"], 20480);
  EXPECT_FALSE(json["vms"][1].contains("carga_1"));
}

TEST(Messages, VmsCarryTheLabelsOfTheNewestRow) {
  LiveState state;
  auto older = row(1, "a", "2026-12-05 06:00:00");
  older[test::column_of("etiquetas")] = R"({"env":"dev"})";
  state.apply(std::get<StoredRecord>(from_row(older)));
  auto newest = row(2, "a", "2026-12-05 06:00:01");
  newest[test::column_of("etiquetas")] = R"({"env": "prod", "role": "db"})";
  state.apply(std::get<StoredRecord>(from_row(newest)));
  // A late row of "b" with labels, older than its newest (which has none).
  state.apply(record(4, "b", "2026-12-05 06:00:05"));
  auto late = row(3, "b", "2026-12-05 06:00:02");
  late[test::column_of("etiquetas")] = R"({"env":"prod"})";
  state.apply(std::get<StoredRecord>(from_row(late)));
  const auto vms = nlohmann::json::parse(encode_vms(state))["vms"];
  EXPECT_EQ(vms[0]["etiquetas"], nlohmann::json({{"env", "prod"}, {"role", "db"}}));
  EXPECT_EQ(vms[1]["etiquetas"], nlohmann::json::object());
  // The fleet message and the snapshot carry the same entries.
  const auto fleet = nlohmann::json::parse(encode_fleet(state, {"a"}));
  EXPECT_EQ(fleet["vms"][0]["etiquetas"]["role"], "db");
  const auto snapshot = nlohmann::json::parse(encode_snapshot(std::string("a"), 15, state, {}));
  EXPECT_EQ(snapshot["vms"][0]["etiquetas"]["env"], "prod");
}

TEST(Messages, SelectVmsKeepsTheEntriesWhoseLabelsHoldEveryPair) {
  LiveState state;
  const auto labelled = [&state](std::uint64_t id, const char* vm, const char* labels) {
    auto r = row(id, vm, "2026-12-05 06:00:00");
    if (labels != nullptr) {
      r[test::column_of("etiquetas")] = labels;
    }
    state.apply(std::get<StoredRecord>(from_row(r)));
  };
  labelled(1, "a", R"({"env":"prod","role":"db"})");
  labelled(2, "b", R"({"env":"prod","role":"web"})");
  labelled(3, "c", R"({"env":"dev","role":"db"})");
  labelled(4, "d", nullptr);
  const VmList list = encode_vm_list(state);
  EXPECT_EQ(list.json, encode_vms(state));
  const auto names = [&list](const LabelFilter& filter) {
    std::vector<std::string> out;
    const auto body = nlohmann::json::parse(select_vms(list, filter));
    for (const auto& entry : body["vms"]) {
      out.push_back(entry["vm"]);
    }
    return out;
  };
  using Names = std::vector<std::string>;
  EXPECT_EQ(names({}), (Names{"a", "b", "c", "d"}));
  EXPECT_EQ(names({{"env", "prod"}}), (Names{"a", "b"}));
  EXPECT_EQ(names({{"env", "prod"}, {"role", "db"}}), (Names{"a"}));
  EXPECT_EQ(names({{"role", "db"}, {"env", "prod"}}), (Names{"a"}));
  EXPECT_EQ(names({{"env", "staging"}}), Names{});
  EXPECT_EQ(names({{"env", "pro"}}), Names{});  // exact values, not prefixes
}

TEST(Messages, RecordsCarryTheVersionTwoFieldsAndProcessList) {
  auto v2 = row(4, "a", "2026-12-05 06:00:03");
  v2[test::column_of("porcentaje_cpu_robado")] = "1.25";
  v2[test::column_of("porcentaje_cpu_espera")] = "0.50";
  v2[test::column_of("procesos_top")] = R"([[42,"postgres","R",12.50,512.75]])";
  const auto json = nlohmann::json::parse(encode_records(
      {std::get<StoredRecord>(from_row(v2)), record(5, "b", "2026-12-05 06:00:03")}, Split{}));
  EXPECT_EQ(json["records"][0]["porcentaje_cpu_robado"], 1.25);
  EXPECT_EQ(json["records"][0]["procesos_top"][0]["nombre"], "postgres");
  EXPECT_EQ(json["records"][0]["procesos_top"][0]["ram_mib"], 512.75);
  EXPECT_EQ(json["records"][0]["procesos_top"][0]["estado"], "R");
  EXPECT_FALSE(json["records"][1].contains("procesos_top"));
  EXPECT_FALSE(json["records"][1].contains("porcentaje_cpu_robado"));
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
