#include "spool.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace vmpulse::agent {
namespace {

namespace fs = std::filesystem;

// Built with += rather than "k" + to_string(i): GCC 12 at -O3 warns falsely about the
// latter (-Wrestrict, GCC bug 105329).
std::string key(int i) {
  std::string text = "k";
  text += std::to_string(i);
  return text;
}

std::string body(int i) {
  std::string text = "[";
  text += std::to_string(i);
  text += ']';
  return text;
}

class SpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = ::testing::TempDir() + "/agent-spool-" +
          ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::size_t files_on_disk() const {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(dir), fs::directory_iterator{}));
  }
  std::string dir;
};

TEST(BatchFile, RoundTrips) {
  const std::string text = encode_batch("vm:1:abc", R"([{"a":1}])", 1);
  auto batch = decode_batch("f.batch", text);
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->idempotency_key, "vm:1:abc");
  EXPECT_EQ(batch->body, R"([{"a":1}])");
  EXPECT_EQ(batch->samples, 1u);
}

TEST(BatchFile, RejectsWhatItDidNotWrite) {
  EXPECT_FALSE(decode_batch("f", "").has_value());
  EXPECT_FALSE(decode_batch("f", "vmpulse-batch 1 key 1").has_value());           // no body
  EXPECT_FALSE(decode_batch("f", "vmpulse-batch 1 key x\n[]").has_value());       // bad count
  EXPECT_FALSE(decode_batch("f", "vmpulse-batch 1 key 1\n[{\"a\"").has_value());  // cut short
  EXPECT_FALSE(decode_batch("f", "something else\n[]").has_value());
}

TEST_F(SpoolTest, OldestFirstAndRemoved) {
  Spool spool(dir, 10, 1 << 20);
  spool.add("k1", "[1]", 1);
  spool.add("k2", "[2]", 1);
  EXPECT_EQ(spool.batches(), 2u);
  auto first = spool.oldest();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->idempotency_key, "k1");
  spool.remove(first->file);
  EXPECT_EQ(spool.oldest()->idempotency_key, "k2");
  EXPECT_EQ(files_on_disk(), 1u);
}

TEST_F(SpoolTest, SurvivesARestartInOrder) {
  {
    Spool spool(dir, 10, 1 << 20);
    for (int i = 0; i < 5; ++i) {
      spool.add(key(i), body(i), 1);
    }
  }
  Spool again(dir, 10, 1 << 20);
  EXPECT_EQ(again.batches(), 5u);
  for (int i = 0; i < 5; ++i) {
    auto batch = again.oldest();
    ASSERT_TRUE(batch.has_value());
    EXPECT_EQ(batch->idempotency_key, key(i));
    again.remove(batch->file);
  }
  EXPECT_FALSE(again.oldest().has_value());
}

TEST_F(SpoolTest, DropsTheOldestBeyondTheCount) {
  Spool spool(dir, 3, 1 << 20);
  for (int i = 0; i < 5; ++i) {
    spool.add(key(i), "[0]", 1);
  }
  EXPECT_EQ(spool.batches(), 3u);
  EXPECT_EQ(spool.dropped_batches(), 2u);
  EXPECT_EQ(spool.oldest()->idempotency_key, "k2");
  EXPECT_EQ(files_on_disk(), 3u);
}

TEST_F(SpoolTest, DropsTheOldestBeyondTheBytes) {
  Spool spool(dir, 100, 100);
  const std::string body = "[" + std::string(40, '1') + "]";  // ~70 bytes a file with its header
  spool.add("a", body, 1);
  spool.add("b", body, 1);
  EXPECT_EQ(spool.batches(), 1u);
  EXPECT_EQ(spool.oldest()->idempotency_key, "b");
  EXPECT_LE(spool.bytes(), 100u);
}

TEST_F(SpoolTest, LeftoverTemporaryFilesAreRemovedAndCorruptBatchesDropped) {
  fs::create_directories(dir);
  std::ofstream(dir + "/000000000000001-000000.batch.tmp") << "half";
  std::ofstream(dir + "/000000000000002-000000.batch") << "garbage";
  std::ofstream(dir + "/README") << "not a batch";
  Spool spool(dir, 10, 1 << 20);
  EXPECT_FALSE(fs::exists(dir + "/000000000000001-000000.batch.tmp"));
  EXPECT_EQ(spool.batches(), 1u);
  spool.add("good", "[1]", 1);
  auto batch = spool.oldest();  // the garbage one is dropped on the way
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->idempotency_key, "good");
  EXPECT_EQ(spool.dropped_batches(), 1u);
}

TEST_F(SpoolTest, AnUnwritableDirectoryThrows) {
  fs::create_directories(dir);
  std::ofstream(dir + "/file") << "x";
  EXPECT_THROW(Spool(dir + "/file/sub", 10, 1 << 20), std::runtime_error);
}

}  // namespace
}  // namespace vmpulse::agent
