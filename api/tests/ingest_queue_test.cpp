#include "ingest_queue.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace vmpulse::api {
namespace {

using namespace std::chrono_literals;

// Shared between a test and the FakeWriter the queue owns.
struct WriterControl {
  std::mutex mutex;
  std::condition_variable changed;
  bool can_connect = true;
  bool hold = false;             // write() waits while true
  bool lose_connection = false;  // the next write() fails as if the connection dropped
  int connects = 0;
  int writes_started = 0;
  std::vector<std::size_t> group_items;  // items per write() call that returned

  void set(const std::function<void(WriterControl&)>& change) {
    {
      std::lock_guard lock(mutex);
      change(*this);
    }
    changed.notify_all();
  }
  bool wait_for(const std::function<bool(WriterControl&)>& what,
                std::chrono::milliseconds limit = 5s) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, limit, [&] { return what(*this); });
  }
};

class FakeWriter : public GroupWriter {
 public:
  explicit FakeWriter(std::shared_ptr<WriterControl> control) : control_(std::move(control)) {}

  bool ensure_connected() override {
    std::lock_guard lock(control_->mutex);
    if (connected_) {
      return true;
    }
    if (!control_->can_connect) {
      return false;
    }
    ++control_->connects;
    connected_ = true;
    control_->changed.notify_all();
    return true;
  }
  void disconnect() override { connected_ = false; }
  void ping() override {
    std::lock_guard lock(control_->mutex);
    if (!control_->can_connect) {
      throw WriteFailed("ping: gone", true);
    }
  }
  std::vector<ItemResult> write(std::span<const IngestItem* const> items) override {
    std::unique_lock lock(control_->mutex);
    ++control_->writes_started;
    control_->changed.notify_all();
    control_->changed.wait(lock, [&] { return !control_->hold; });
    if (control_->lose_connection) {
      control_->lose_connection = false;
      throw WriteFailed("connection lost during COMMIT", true);
    }
    control_->group_items.push_back(items.size());
    control_->changed.notify_all();
    std::vector<ItemResult> results;
    for (const IngestItem* item : items) {
      results.push_back({ItemResult::Status::stored, item->records.size()});
    }
    return results;
  }

 private:
  std::shared_ptr<WriterControl> control_;
  bool connected_ = false;
};

// Collects the answers the queue gives.
struct Answers {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<ItemResult> results;

  ItemDone done() {
    return [this](ItemResult r) {
      std::lock_guard lock(mutex);
      results.push_back(r);
      changed.notify_all();
    };
  }
  bool wait_count(std::size_t n, std::chrono::milliseconds limit = 5s) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, limit, [&] { return results.size() >= n; });
  }
  std::size_t count(ItemResult::Status status) {
    std::lock_guard lock(mutex);
    std::size_t n = 0;
    for (const auto& r : results) {
      n += r.status == status ? 1 : 0;
    }
    return n;
  }
};

IngestItem item_of(std::size_t records) {
  IngestItem item;
  item.records.resize(records);
  return item;
}

class IngestQueueTest : public ::testing::Test {
 protected:
  std::shared_ptr<WriterControl> control = std::make_shared<WriterControl>();
  Answers answers;
  std::unique_ptr<IngestQueue> queue;

  void start(IngestQueueOptions options = {}, unsigned writers = 1) {
    options.reconnect_interval = 20ms;
    std::vector<std::unique_ptr<GroupWriter>> list;
    for (unsigned i = 0; i < writers; ++i) {
      list.push_back(std::make_unique<FakeWriter>(control));
    }
    queue = std::make_unique<IngestQueue>(std::move(list), options);
    ASSERT_TRUE(wait_ready());
  }
  bool wait_ready() {
    for (int i = 0; i < 500; ++i) {
      if (queue->stats().connected_writers > 0) {
        return true;
      }
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }
  void TearDown() override {
    control->set([](WriterControl& c) { c.hold = false; });
    if (queue) {
      queue->stop();
    }
  }
};

TEST_F(IngestQueueTest, StoresAndAnswersAfterTheWrite) {
  start();
  EXPECT_EQ(queue->submit(item_of(3), answers.done()), IngestSink::Submit::accepted);
  ASSERT_TRUE(answers.wait_count(1));
  EXPECT_EQ(answers.results[0], (ItemResult{ItemResult::Status::stored, 3}));
  EXPECT_TRUE(queue->ready());
  EXPECT_EQ(queue->stats().records_committed, 3u);
}

TEST_F(IngestQueueTest, RequestsArrivingDuringACommitShareTheNextOne) {
  start();
  control->set([](WriterControl& c) { c.hold = true; });
  ASSERT_EQ(queue->submit(item_of(1), answers.done()), IngestSink::Submit::accepted);
  ASSERT_TRUE(control->wait_for([](WriterControl& c) { return c.writes_started == 1; }));
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(queue->submit(item_of(2), answers.done()), IngestSink::Submit::accepted);
  }
  control->set([](WriterControl& c) { c.hold = false; });
  ASSERT_TRUE(answers.wait_count(6));
  std::lock_guard lock(control->mutex);
  EXPECT_EQ(control->group_items, (std::vector<std::size_t>{1, 5}));
}

TEST_F(IngestQueueTest, GroupsStopAtTheRecordLimit) {
  IngestQueueOptions options;
  options.max_group_records = 3;
  start(options);
  control->set([](WriterControl& c) { c.hold = true; });
  ASSERT_EQ(queue->submit(item_of(1), answers.done()), IngestSink::Submit::accepted);
  ASSERT_TRUE(control->wait_for([](WriterControl& c) { return c.writes_started == 1; }));
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(queue->submit(item_of(1), answers.done()), IngestSink::Submit::accepted);
  }
  control->set([](WriterControl& c) { c.hold = false; });
  ASSERT_TRUE(answers.wait_count(6));
  std::lock_guard lock(control->mutex);
  EXPECT_EQ(control->group_items, (std::vector<std::size_t>{1, 3, 2}));
}

TEST_F(IngestQueueTest, FullQueueRefusesUntilItDrains) {
  IngestQueueOptions options;
  options.max_queued_records = 1000;
  start(options);
  control->set([](WriterControl& c) { c.hold = true; });
  ASSERT_EQ(queue->submit(item_of(1), answers.done()), IngestSink::Submit::accepted);
  ASSERT_TRUE(control->wait_for([](WriterControl& c) { return c.writes_started == 1; }));
  EXPECT_EQ(queue->submit(item_of(600), answers.done()), IngestSink::Submit::accepted);
  EXPECT_EQ(queue->submit(item_of(600), answers.done()), IngestSink::Submit::full);
  EXPECT_EQ(queue->submit(item_of(400), answers.done()), IngestSink::Submit::accepted);
  control->set([](WriterControl& c) { c.hold = false; });
  ASSERT_TRUE(answers.wait_count(3));
  EXPECT_EQ(queue->submit(item_of(1000), answers.done()), IngestSink::Submit::accepted);
  ASSERT_TRUE(answers.wait_count(4));
  EXPECT_EQ(answers.count(ItemResult::Status::stored), 4u);
}

TEST_F(IngestQueueTest, NoConnectionMeansUnavailableAtOnce) {
  control->can_connect = false;
  std::vector<std::unique_ptr<GroupWriter>> list;
  list.push_back(std::make_unique<FakeWriter>(control));
  queue = std::make_unique<IngestQueue>(std::move(list), IngestQueueOptions{});
  EXPECT_EQ(queue->submit(item_of(1), answers.done()), IngestSink::Submit::unavailable);
  EXPECT_FALSE(queue->ready());
}

TEST_F(IngestQueueTest, LostConnectionAnswers503ThenReconnects) {
  start();
  control->set([](WriterControl& c) {
    c.hold = true;
    c.lose_connection = true;
  });
  ASSERT_EQ(queue->submit(item_of(1), answers.done()), IngestSink::Submit::accepted);
  ASSERT_TRUE(control->wait_for([](WriterControl& c) { return c.writes_started == 1; }));
  // Queued behind the failing group: answered as soon as the last writer is down.
  ASSERT_EQ(queue->submit(item_of(1), answers.done()), IngestSink::Submit::accepted);
  control->set([](WriterControl& c) {
    c.can_connect = false;
    c.hold = false;
  });
  ASSERT_TRUE(answers.wait_count(2));
  EXPECT_EQ(answers.count(ItemResult::Status::unavailable), 2u);
  EXPECT_EQ(queue->submit(item_of(1), answers.done()), IngestSink::Submit::unavailable);

  control->set([](WriterControl& c) { c.can_connect = true; });
  ASSERT_TRUE(control->wait_for([](WriterControl& c) { return c.connects == 2; }));
  ASSERT_TRUE(wait_ready());
  EXPECT_EQ(queue->submit(item_of(4), answers.done()), IngestSink::Submit::accepted);
  ASSERT_TRUE(answers.wait_count(3));
  EXPECT_EQ(answers.results[2], (ItemResult{ItemResult::Status::stored, 4}));
}

TEST_F(IngestQueueTest, LostConnectionMakesIdleWritersCheckAtOnce) {
  IngestQueueOptions options;
  options.idle_ping_interval = 60s;  // only the lost connection can make them ping
  start(options, 2);
  ASSERT_TRUE(control->wait_for([](WriterControl& c) { return c.connects == 2; }));
  control->set([](WriterControl& c) {
    c.lose_connection = true;
    c.can_connect = false;
  });
  ASSERT_EQ(queue->submit(item_of(1), answers.done()), IngestSink::Submit::accepted);
  ASSERT_TRUE(answers.wait_count(1));
  bool down = false;
  for (int i = 0; i < 100 && !down; ++i) {
    down = queue->stats().connected_writers == 0;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(down) << "the idle writer did not notice";
  EXPECT_FALSE(queue->ready());
}

TEST_F(IngestQueueTest, HangingCommitIsAnswered503AfterTheTimeoutAndOnlyOnce) {
  IngestQueueOptions options;
  options.answer_timeout = 100ms;
  start(options);
  control->set([](WriterControl& c) { c.hold = true; });
  ASSERT_EQ(queue->submit(item_of(1), answers.done()), IngestSink::Submit::accepted);
  ASSERT_TRUE(answers.wait_count(1, 3s));
  EXPECT_EQ(answers.results[0].status, ItemResult::Status::unavailable);
  control->set([](WriterControl& c) { c.hold = false; });
  ASSERT_TRUE(control->wait_for([](WriterControl& c) { return c.group_items.size() == 1; }));
  std::this_thread::sleep_for(50ms);
  std::lock_guard lock(answers.mutex);
  EXPECT_EQ(answers.results.size(), 1u);
}

TEST_F(IngestQueueTest, StopStoresWhatIsQueuedThenRefuses) {
  start();
  control->set([](WriterControl& c) { c.hold = true; });
  ASSERT_EQ(queue->submit(item_of(1), answers.done()), IngestSink::Submit::accepted);
  ASSERT_TRUE(control->wait_for([](WriterControl& c) { return c.writes_started == 1; }));
  ASSERT_EQ(queue->submit(item_of(1), answers.done()), IngestSink::Submit::accepted);
  std::thread releaser([this] {
    std::this_thread::sleep_for(50ms);
    control->set([](WriterControl& c) { c.hold = false; });
  });
  queue->stop();
  releaser.join();
  EXPECT_EQ(answers.count(ItemResult::Status::stored), 2u);
  EXPECT_EQ(queue->submit(item_of(1), answers.done()), IngestSink::Submit::unavailable);
}

TEST_F(IngestQueueTest, SeveralWritersShareTheLoad) {
  start({}, 3);
  Answers many;
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(queue->submit(item_of(1), many.done()), IngestSink::Submit::accepted);
  }
  ASSERT_TRUE(many.wait_count(200));
  EXPECT_EQ(many.count(ItemResult::Status::stored), 200u);
  EXPECT_EQ(queue->stats().records_committed, 200u);
}

}  // namespace
}  // namespace vmpulse::api
