#include "disk_io_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "proc_file.hpp"
#include "text_fields.hpp"

namespace vmpulse::agent {

Result<std::size_t> parse_diskstats(std::string_view text, std::vector<DeviceCounters>& out) {
  std::size_t count = 0;
  std::size_t line_number = 0;
  while (!text.empty()) {
    std::string_view line = next_line(text);
    ++line_number;
    std::array<std::string_view, 10> words;
    std::size_t n = 0;
    while (n < words.size() && !(words[n] = next_word(line)).empty()) {
      ++n;
    }
    if (n == 0) {
      continue;  // blank line
    }
    const auto read = n == words.size() ? parse_counter(words[5]) : std::nullopt;
    const auto written = n == words.size() ? parse_counter(words[9]) : std::nullopt;
    if (!read || !written) {
      return fail("line " + std::to_string(line_number) +
                  " is not \"major minor name reads merged sectors ms writes merged sectors …\"");
    }
    if (count == out.size()) {
      out.emplace_back();
    }
    out[count].name.assign(words[2]);
    out[count].in = *read;
    out[count].out = *written;
    ++count;
  }
  out.resize(count);
  return count;
}

bool counted_disk_name(std::string_view name) {
  for (const std::string_view stacked : {"loop", "ram", "zram", "dm-", "md"}) {
    if (name.starts_with(stacked)) {
      return false;
    }
  }
  return !name.empty();
}

Result<std::optional<Throughput>> DiskIoReader::read(double seconds) {
  // diskstats has a line per device and partition: 64 KiB is thousands of them.
  text_.resize(std::size_t{64} * 1024);
  auto got = read_proc_file(AT_FDCWD, path_.c_str(), text_.data(), text_.size(), true);
  if (auto* failure = std::get_if<Failure>(&got)) {
    rates_.reset();
    return std::move(*failure);
  }
  auto parsed =
      parse_diskstats(std::string_view(text_.data(), std::get<std::size_t>(got)), devices_);
  if (auto* failure = std::get_if<Failure>(&parsed)) {
    rates_.reset();
    return Failure{path_ + ": " + failure->message, false};
  }
  const int block = ::open(block_path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (block < 0) {
    const int error = errno;
    rates_.reset();
    return Failure{"cannot tell disks from partitions: " + block_path_ + ": " + errno_text(error),
                   false};
  }
  std::erase_if(devices_, [block](DeviceCounters& device) {
    if (!counted_disk_name(device.name)) {
      return true;
    }
    // sysfs spells a '/' in a device name (cciss/c0d0) as '!'.
    std::replace(device.name.begin(), device.name.end(), '/', '!');
    return ::faccessat(block, device.name.c_str(), F_OK, 0) != 0;
  });
  ::close(block);
  return rates_.update(devices_, seconds);
}

}  // namespace vmpulse::agent
