// The few file operations the spool and the journal need to survive a SIGKILL or a
// power cut: whole writes, syncs of a file and of its directory (a rename is durable
// only once the directory is), and reads that refuse a symlink planted in the spool
// directory. Every open uses O_NOFOLLOW and O_CLOEXEC. Thread-safe (no state).
#pragma once

#include <cstddef>
#include <string>

#include "result.hpp"

namespace vmpulse::agent {

// Opens `path` with O_NOFOLLOW | O_CLOEXEC added to `flags`; throws std::runtime_error
// naming the path when it cannot.
int open_no_follow(const std::string& path, int flags, unsigned mode = 0600);

// write() until all of `text` is written (EINTR retried); throws std::runtime_error.
void write_all(int fd, const std::string& text, const std::string& path);

// fsync of a directory, so that the renames and creations in it survive a power cut;
// throws std::runtime_error.
void sync_directory(const std::string& directory);

// The whole regular file (not a symlink), at most `max_bytes`.
Result<std::string> read_file_no_follow(const std::string& path, std::size_t max_bytes);

}  // namespace vmpulse::agent
