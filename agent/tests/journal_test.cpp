#include "journal.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "vmpulse/record.hpp"

namespace vmpulse::agent {
namespace {

namespace fs = std::filesystem;

std::string record_json(int i) {
  Record record;
  record.vm = "vm-1";
  record.hora = "2026-01-02 03:04:05";
  record.porcentaje_cpu_libre = 100;
  record.total_procesos = i;
  return to_json(record);
}

std::string key(int i) { return "vm-1:1700000000000:" + std::string(15, '0') + std::to_string(i); }

std::string sample_line(int i) { return journal_sample_line(key(i), record_json(i)); }

std::vector<const JournalSample*> pointers(const std::vector<JournalSample>& samples) {
  std::vector<const JournalSample*> out;
  for (const JournalSample& s : samples) {
    out.push_back(&s);
  }
  return out;
}

TEST(ReplayJournal, SamplesNeitherDeliveredNorSealedAreUnsentInOrder) {
  const std::string text =
      sample_line(1) + sample_line(2) + sample_line(3) + journal_delivered_line(key(2));
  const JournalReplay replay = replay_journal(text);
  ASSERT_EQ(replay.unsent.size(), 2u);
  EXPECT_EQ(replay.unsent[0], (JournalSample{key(1), record_json(1)}));
  EXPECT_EQ(replay.unsent[1].key, key(3));
  EXPECT_TRUE(replay.seals.empty());
  EXPECT_EQ(replay.skipped_lines, 0u);
}

TEST(ReplayJournal, SealedSamplesBelongToTheirBatchOnly) {
  const std::vector<JournalSample> sealed{{key(1), record_json(1)}, {key(2), record_json(2)}};
  const std::string text = sample_line(1) + sample_line(2) + sample_line(3) +
                           journal_seal_line("vm-1:1:batch", "0001-000001.batch", pointers(sealed));
  const JournalReplay replay = replay_journal(text);
  ASSERT_EQ(replay.seals.size(), 1u);
  EXPECT_EQ(replay.seals[0].batch_key, "vm-1:1:batch");
  EXPECT_EQ(replay.seals[0].file, "0001-000001.batch");
  EXPECT_EQ(replay.seals[0].samples, sealed);
  ASSERT_EQ(replay.unsent.size(), 1u);
  EXPECT_EQ(replay.unsent[0].key, key(3));
}

TEST(ReplayJournal, ATornLastLineIsSkipped) {
  std::string torn = sample_line(2);
  torn.resize(torn.size() / 2);
  const JournalReplay replay = replay_journal(sample_line(1) + torn);
  ASSERT_EQ(replay.unsent.size(), 1u);
  EXPECT_EQ(replay.unsent[0].key, key(1));
  EXPECT_EQ(replay.skipped_lines, 1u);
}

TEST(ReplayJournal, CorruptLinesAreSkippedAndTheRestKept) {
  const std::string text = sample_line(1) + "garbage\n" + std::string(8, '\0') + "\n" + "s " +
                           key(9) + " {\"not\":\"a record\"}\n" + "d bad key\n" +
                           "b k f 2 only-one\n" + sample_line(2);
  const JournalReplay replay = replay_journal(text);
  ASSERT_EQ(replay.unsent.size(), 2u);
  EXPECT_EQ(replay.unsent[1].key, key(2));
  EXPECT_EQ(replay.skipped_lines, 5u);
}

TEST(ReplayJournal, ASealOfSamplesThatWereNeverJournaledRebuildsNothing) {
  const std::vector<JournalSample> sealed{{key(1), record_json(1)}, {key(7), record_json(7)}};
  const JournalReplay replay =
      replay_journal(sample_line(1) + journal_seal_line("vm-1:1:b", "f.batch", pointers(sealed)));
  ASSERT_EQ(replay.seals.size(), 1u);
  EXPECT_TRUE(replay.seals[0].samples.empty());
  EXPECT_TRUE(replay.unsent.empty());  // sample 1 is in that batch: never sent again
}

TEST(BatchBody, OneSampleHasTheBytesOfItsLiveSend) {
  const std::vector<JournalSample> one{{key(1), record_json(1)}};
  EXPECT_EQ(batch_body(pointers(one)), "[" + record_json(1) + "]");
  const std::vector<JournalSample> two{{key(1), "{}"}, {key(2), "{\"a\":1}"}};
  EXPECT_EQ(batch_body(pointers(two)), R"([{},{"a":1}])");
}

class JournalFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = ::testing::TempDir() + "/agent-journal-" +
          ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string text() const {
    std::ifstream in(dir + "/samples.journal");
    std::stringstream out;
    out << in.rdbuf();
    return out.str();
  }
  std::string dir;
};

TEST_F(JournalFile, AppendsSurviveAReopen) {
  {
    Journal journal(dir);
    EXPECT_TRUE(journal.replayed().unsent.empty());
    journal.append(sample_line(1), true);
    journal.append(sample_line(2), true);
  }  // as after a SIGKILL: nothing was closed in order
  Journal again(dir);
  ASSERT_EQ(again.replayed().unsent.size(), 2u);
  EXPECT_EQ(again.replayed().unsent[1].key, key(2));
}

TEST_F(JournalFile, RewriteKeepsOnlyWhatItIsGivenAndAppendsGoOn) {
  Journal journal(dir);
  journal.append(sample_line(1), true);
  journal.append(sample_line(2), true);
  journal.rewrite({JournalSample{key(2), record_json(2)}});
  journal.append(sample_line(3), true);
  EXPECT_EQ(text(), sample_line(2) + sample_line(3));
  EXPECT_FALSE(fs::exists(dir + "/samples.journal.tmp"));
}

TEST_F(JournalFile, ClearEmptiesIt) {
  Journal journal(dir);
  journal.append(sample_line(1), true);
  journal.clear();
  EXPECT_EQ(journal.bytes(), 0u);
  journal.append(sample_line(2), true);
  EXPECT_EQ(text(), sample_line(2));
}

TEST_F(JournalFile, ASymlinkIsNotFollowed) {
  std::ofstream(dir + "/elsewhere") << sample_line(1);
  fs::create_symlink(dir + "/elsewhere", dir + "/samples.journal");
  Journal journal(dir);  // the link is dropped (logged), a new journal started
  EXPECT_TRUE(journal.replayed().unsent.empty());
  journal.append(sample_line(2), true);
  EXPECT_FALSE(fs::is_symlink(dir + "/samples.journal"));
  std::ifstream elsewhere(dir + "/elsewhere");
  std::stringstream untouched;
  untouched << elsewhere.rdbuf();
  EXPECT_EQ(untouched.str(), sample_line(1));
}

}  // namespace
}  // namespace vmpulse::agent
