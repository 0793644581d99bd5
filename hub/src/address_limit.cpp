#include "address_limit.hpp"

#include <algorithm>

namespace vmpulse::hub {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::string client_address(std::string_view peer, std::optional<std::string_view> forwarded_for,
                           const std::vector<std::string>& trusted) {
  const bool from_proxy = std::find(trusted.begin(), trusted.end(), peer) != trusted.end();
  if (!from_proxy || !forwarded_for) {
    return std::string(peer);
  }
  const auto comma = forwarded_for->rfind(',');
  const std::string_view last =
      trim(comma == std::string_view::npos ? *forwarded_for : forwarded_for->substr(comma + 1));
  // Anything but an address (empty, a name, a header stuffed with junk) counts as the proxy.
  if (last.empty() || last.size() > 45 ||
      last.find_first_not_of("0123456789abcdefABCDEF.:") != std::string_view::npos) {
    return std::string(peer);
  }
  return std::string(last);
}

std::unique_ptr<AddressLimit::Lease> AddressLimit::acquire(
    const std::shared_ptr<AddressLimit>& limit, const std::string& address) {
  {
    std::lock_guard lock(limit->mutex_);
    std::size_t& held = limit->counts_[address];
    if (held >= limit->max_) {
      return nullptr;
    }
    ++held;
  }
  return std::make_unique<Lease>(limit, address);
}

std::size_t AddressLimit::count(const std::string& address) const {
  std::lock_guard lock(mutex_);
  const auto it = counts_.find(address);
  return it == counts_.end() ? 0 : it->second;
}

void AddressLimit::release(const std::string& address) {
  std::lock_guard lock(mutex_);
  const auto it = counts_.find(address);
  if (it != counts_.end() && --it->second == 0) {
    counts_.erase(it);
  }
}

}  // namespace vmpulse::hub
