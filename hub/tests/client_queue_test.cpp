#include "client_queue.hpp"

#include <gtest/gtest.h>

using namespace vmpulse::hub;

namespace {
Message msg(std::string text) { return make_message(text); }
const Message resync = msg("resync");
// The payload of the next message (messages are whole WebSocket frames).
std::string next_text(ClientQueue& queue) {
  const Message message = queue.next();
  return message ? std::string(frame_payload(*message)) : "(none)";
}
}  // namespace

TEST(ClientQueue, UpdatesWaitForTheFirstSnapshot) {
  ClientQueue queue({4, 1024}, resync);
  EXPECT_FALSE(queue.push_update(msg("u0")).start_write);
  EXPECT_EQ(queue.queued_messages(), 0u);
  EXPECT_TRUE(queue.push_snapshot(msg("snap")).start_write);
  EXPECT_FALSE(queue.push_update(msg("u1")).start_write);  // a write is already running
  EXPECT_EQ(next_text(queue), "snap");
  EXPECT_EQ(next_text(queue), "u1");
  EXPECT_EQ(queue.next(), nullptr);
  EXPECT_TRUE(queue.push_update(msg("u2")).start_write);  // idle again
}

TEST(ClientQueue, OverflowDropsTheBacklogAndAsksForASnapshot) {
  ClientQueue queue({3, 1024}, resync);
  queue.push_snapshot(msg("snap"));
  EXPECT_EQ(next_text(queue), "snap");  // being written, the client is stuck
  queue.push_update(msg("u1"));
  queue.push_update(msg("u2"));
  queue.push_update(msg("u3"));
  const PushResult result = queue.push_update(msg("u4"));
  EXPECT_TRUE(result.need_snapshot);
  EXPECT_FALSE(result.start_write);
  EXPECT_EQ(queue.queued_messages(), 1u);
  EXPECT_TRUE(queue.awaiting_snapshot());
  EXPECT_FALSE(queue.push_update(msg("u5")).need_snapshot);  // dropped meanwhile
  queue.push_snapshot(msg("snap2"));
  EXPECT_EQ(next_text(queue), "resync");
  EXPECT_EQ(next_text(queue), "snap2");
  EXPECT_EQ(queue.next(), nullptr);
  EXPECT_EQ(queue.overflows(), 1u);
}

TEST(ClientQueue, ByteLimitCountsToo) {
  // Bytes on the wire: "12345" is a 7-byte frame (2 bytes of header).
  ClientQueue queue({100, 14}, resync);
  queue.push_snapshot(msg("s"));
  queue.next();
  queue.push_update(msg("12345"));
  EXPECT_FALSE(queue.push_update(msg("12345")).need_snapshot);
  EXPECT_TRUE(queue.push_update(msg("1")).need_snapshot);
}

TEST(ClientQueue, RepliesGoOutWhileASnapshotIsAwaited) {
  ClientQueue queue({1, 1024}, resync);
  EXPECT_TRUE(queue.push_reply(msg("pong")).start_write);
  EXPECT_TRUE(queue.awaiting_snapshot());
  EXPECT_EQ(next_text(queue), "pong");
}

TEST(ClientQueue, RepliesToAClientThatDoesNotReadStopAtTheLimit) {
  ClientQueue queue({3, 1024}, resync);
  for (int i = 0; i < 10'000; ++i) {
    queue.push_reply(msg("pong"));
  }
  EXPECT_EQ(queue.queued_messages(), 3u);
}

TEST(ClientQueue, SelectWaitsForTheNewSnapshot) {
  ClientQueue queue({4, 1024}, resync);
  queue.push_snapshot(msg("snap"));
  queue.await_snapshot();
  queue.push_update(msg("u"));
  EXPECT_EQ(queue.queued_messages(), 1u);
}

TEST(ClientQueue, AnUpdateSkipsTheQueueOnlyWhenNothingElseIsPending) {
  ClientQueue queue({4, 1024}, resync);
  EXPECT_FALSE(queue.can_write_now()) << "a new client waits for its snapshot";
  EXPECT_TRUE(queue.push_snapshot(msg("snap")).start_write);
  EXPECT_FALSE(queue.can_write_now()) << "the snapshot is queued";
  EXPECT_EQ(next_text(queue), "snap");
  EXPECT_FALSE(queue.can_write_now()) << "the snapshot is being written";
  EXPECT_EQ(next_text(queue), "(none)");
  EXPECT_TRUE(queue.can_write_now());
  // Written in part: the rest is being written, later updates queue behind it.
  queue.begin_write();
  EXPECT_FALSE(queue.can_write_now());
  EXPECT_FALSE(queue.push_update(msg("u1")).start_write);
  EXPECT_EQ(next_text(queue), "u1");
  EXPECT_EQ(next_text(queue), "(none)");
  EXPECT_TRUE(queue.can_write_now());
  queue.await_snapshot();  // select
  EXPECT_FALSE(queue.can_write_now());
}
