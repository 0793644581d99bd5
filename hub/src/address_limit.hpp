// A cap on WebSocket clients per client address, so one host cannot take every slot of
// --max-clients. Behind a proxy every peer is the proxy: the client's address is then
// the last X-Forwarded-For entry (the one the proxy appended), trusted only when the
// peer is a configured proxy (--trusted-proxy); otherwise a client could name any
// address it likes. client_address is pure; AddressLimit is thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vmpulse::hub {

// The address a connection counts against: `peer`, or the last X-Forwarded-For entry
// when `peer` is one of `trusted` and the header holds one.
std::string client_address(std::string_view peer, std::optional<std::string_view> forwarded_for,
                           const std::vector<std::string>& trusted);

class AddressLimit {
 public:
  // Holds one slot of an address until destroyed.
  class Lease {
   public:
    Lease(std::shared_ptr<AddressLimit> owner, std::string address)
        : owner_(std::move(owner)), address_(std::move(address)) {}
    ~Lease() { owner_->release(address_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

   private:
    std::shared_ptr<AddressLimit> owner_;
    std::string address_;
  };

  explicit AddressLimit(std::size_t max_per_address) : max_(max_per_address) {}

  // A slot for `address`, or null when it already holds max_per_address.
  static std::unique_ptr<Lease> acquire(const std::shared_ptr<AddressLimit>& limit,
                                        const std::string& address);
  std::size_t count(const std::string& address) const;

 private:
  void release(const std::string& address);

  std::size_t max_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> counts_;  // only addresses with a slot
};

}  // namespace vmpulse::hub
