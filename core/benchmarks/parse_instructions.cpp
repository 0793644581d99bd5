// Route 1's per-record work on a body of 100 records, repeated a given number of times,
// for bench/core/run.sh to count instructions under callgrind: the count is the same
// whatever else the machine is doing, so version 2 against version 1 can be followed
// from change to change on a shared machine where times are not.
//   vmpulse_parse_instructions MODE REPEATS
// MODE: parse-v1, parse-v2 (parse_ingest_body with every contract check), stored-v2
// (procesos_top of each parsed v2 record in the stored form, as the routes write it),
// store-v2 (parse_ingest_body for storage, as route 1 reads: the agent's lists are kept
// as their text, so there is nothing to write).
// run.sh subtracts a run with 0 repeats, which leaves the setup out.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sample_records.hpp"
#include "vmpulse/contract.hpp"
#include "vmpulse/processes_json.hpp"
#include "vmpulse/record.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s parse-v1|parse-v2|stored-v2|store-v2 REPEATS\n", argv[0]);
    return 2;
  }
  const std::string_view mode = argv[1];
  char* end = nullptr;
  const long repeats = std::strtol(argv[2], &end, 10);
  if (mode != "parse-v1" && mode != "parse-v2" && mode != "stored-v2" && mode != "store-v2") {
    std::fprintf(stderr, "unknown mode \"%s\": parse-v1, parse-v2, stored-v2 or store-v2\n",
                 argv[1]);
    return 2;
  }
  if (end == argv[2] || *end != '\0' || repeats < 0 || repeats > 1'000'000) {
    std::fprintf(stderr, "REPEATS must be a whole number from 0 to 1000000, not \"%s\"\n", argv[2]);
    return 2;
  }
  const bool v2 = mode != "parse-v1";
  const vmpulse::Record record =
      v2 ? vmpulse::bench::sample_record_v2() : vmpulse::bench::sample_record();
  std::string body = "[";
  for (int i = 0; i < 100; ++i) {
    if (i > 0) {
      body += ',';
    }
    vmpulse::append_json(body, record);
  }
  body += ']';
  auto parsed = vmpulse::parse_ingest_body(body);
  if (!std::holds_alternative<std::vector<vmpulse::Record>>(parsed)) {
    std::fprintf(stderr, "the body was refused\n");
    return 1;
  }
  const auto& records = std::get<std::vector<vmpulse::Record>>(parsed);
  std::size_t total = 0;
  std::string out;
  for (long i = 0; i < repeats; ++i) {
    if (mode == "stored-v2") {
      for (const vmpulse::Record& each : records) {
        out.clear();
        vmpulse::append_processes_stored(out, *each.procesos_top);
        total += out.size();
      }
    } else {
      const auto again =
          vmpulse::parse_ingest_body(body, mode == "store-v2" ? vmpulse::ListReading::kStoredText
                                                              : vmpulse::ListReading::kEntries);
      total += std::get<std::vector<vmpulse::Record>>(again).size();
    }
  }
  std::printf("%zu\n", total);
  return 0;
}
