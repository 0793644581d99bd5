// Reading the small files of /proc without iostreams: procfs files report no size, so
// they are read with read() until EOF into a caller's buffer. Thread-safe (no state).
#pragma once

#include <cstddef>
#include <string>

#include "result.hpp"

namespace vmpulse::agent {

// Reads `path` (relative to `dirfd`, or AT_FDCWD) into buf[0..capacity) and returns the
// bytes read. A file larger than the buffer is an error only when `must_fit` is set;
// otherwise its beginning is returned (enough for /proc/stat's first line).
Result<std::size_t> read_proc_file(int dirfd, const char* path, char* buf, std::size_t capacity,
                                   bool must_fit);

// The whole file as a string (a kernel module's JSON), at most `max_bytes`.
Result<std::string> read_text_file(const std::string& path, std::size_t max_bytes);

}  // namespace vmpulse::agent
