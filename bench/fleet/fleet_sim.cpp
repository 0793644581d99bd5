// vmpulse-fleet-sim: N simulated VMs, each taking 1 sample a second and pushing them in
// batches to a real ingest route the way an agent does (core's HttpClient, an
// Idempotency-Key per batch, the same key again on a retry; https:// verified against
// --ca-file, as an agent pushes through the ingress), on loopback only, for a
// bounded time. It counts every 201 and the rows each one said were stored, so that a
// bench can check the database holds exactly those rows (0 lost, 0 doubled).
//
// VM i sends its batch at the seconds where (second % batch) == (i % batch), so the
// requests are spread evenly over each batch interval. Thread j (of --connections)
// owns the VMs with i % connections == j and one keep-alive connection.
//
// Prints one line: RESULT key=value ... (bench/fleet/run.sh reads it). --latency-log FILE
// also writes each 201's send time (Unix ms) and latency (ms), one per line, so that a
// bench can cut the latencies into windows (bench/storage/retention.sh: while a
// partition is dropped, while rows are deleted).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "fleet_model.hpp"
#include "pusher.hpp"
#include "vmpulse/contract.hpp"
#include "vmpulse/flags.hpp"
#include "vmpulse/http_client.hpp"
#include "vmpulse/http_url.hpp"
#include "vmpulse/tls_context.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string url;
  std::string token;
  std::string prefix = "sim";
  std::size_t vms = 100;
  std::size_t seconds = 60;
  std::size_t batch = 10;
  std::size_t connections = 16;
  std::size_t top = 10;
  std::size_t labels = 0;   // etiquetas pairs per sample (issue 15), at most 16
  std::string latency_log;  // empty: none
  std::string ca_file;      // https:// only: the CA that signed the ingress's certificate
};

// VM `index`'s labels: `count` pairs of realistic length (env, role, zone, team, then
// l4…), the values varying with the index as a fleet's would.
vmpulse::Labels fleet_labels(std::size_t index, std::size_t count) {
  static const char* const kKeys[] = {"env", "role", "zona", "equipo"};
  static const char* const kValues[][3] = {{"production", "staging", "development"},
                                           {"database-primary", "web-frontend", "cache"},
                                           {"europe-west1-b", "us-central1-a", "asia-east1-c"},
                                           {"plataforma", "pagos", "datos"}};
  vmpulse::Labels labels;
  for (std::size_t i = 0; i < count; ++i) {
    if (i < 4) {
      labels.emplace_back(kKeys[i], kValues[i][(index + i) % 3]);
    } else {
      labels.emplace_back("l" + std::to_string(i), "value-" + std::to_string(index % 100));
    }
  }
  return labels;
}

struct ThreadTotals {
  std::uint64_t requests_ok = 0;           // answered 201
  std::uint64_t records_sent = 0;          // in batches answered 201
  std::uint64_t stored = 0;                // sum of the 201s' "stored"
  std::uint64_t replayed = 0;              // 201s marked replayed (an earlier try was stored)
  std::uint64_t retries = 0;               // transport errors, 5xx, 429: sent again
  std::uint64_t rejected = 0;              // any other answer: a bug in the simulator or the route
  std::uint64_t late_ticks = 0;            // a tick's batches started over a second late
  std::vector<float> latency_ms;           // of each 201, the try that got it
  std::vector<std::int64_t> sent_unix_ms;  // when that try was sent, for --latency-log
};

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "stored":N in a 201's body; -1 when missing.
long long stored_of(const std::string& body) {
  const auto at = body.find("\"stored\":");
  if (at == std::string::npos) {
    return -1;
  }
  return std::strtoll(body.c_str() + at + 9, nullptr, 10);
}

// Sends one batch until it is answered 201 or refused for good, or `give_up` passes.
void deliver(vmpulse::HttpClient& client, const Options& options, const std::string& vm,
             std::string body, std::size_t samples, Clock::time_point give_up,
             ThreadTotals& totals) {
  vmpulse::PostRequest request{std::move(body), options.token,
                               vmpulse::agent::new_idempotency_key(vm)};
  auto wait = std::chrono::milliseconds(100);
  while (true) {
    const auto sent = Clock::now();
    const auto sent_unix_ms = unix_ms_now();
    const auto answer = client.post(request);
    const auto* ok = std::get_if<vmpulse::HttpAnswer>(&answer);
    if (ok != nullptr && ok->status == 201) {
      totals.latency_ms.push_back(
          std::chrono::duration<float, std::milli>(Clock::now() - sent).count());
      totals.sent_unix_ms.push_back(sent_unix_ms);
      ++totals.requests_ok;
      totals.records_sent += samples;
      const long long stored = stored_of(ok->body);
      if (stored < 0) {
        std::cerr << "201 without stored: " << ok->body << "\n";
        ++totals.rejected;
      } else {
        totals.stored += static_cast<std::uint64_t>(stored);
      }
      totals.replayed += ok->body.find("\"replayed\":true") != std::string::npos ? 1 : 0;
      return;
    }
    const bool transient =
        ok == nullptr || ok->status >= 500 || ok->status == 429 || ok->status == 408;
    if (!transient || Clock::now() > give_up) {
      std::cerr << vm << ": "
                << (ok ? std::to_string(ok->status) + " " + ok->body
                       : std::get<std::string>(answer))
                << (transient ? " (gave up)" : "") << "\n";
      ++totals.rejected;
      return;
    }
    ++totals.retries;
    std::this_thread::sleep_for(wait);
    wait = std::min(wait * 2, std::chrono::milliseconds(5000));
  }
}

void run_thread(const Options& options, const vmpulse::HttpUrl& url, std::size_t thread,
                std::chrono::system_clock::time_point wall_start, Clock::time_point start,
                ThreadTotals& totals) {
  vmpulse::TlsFiles tls;
  tls.ca_file = options.ca_file;
  vmpulse::HttpClient client(url, std::chrono::seconds(10), tls, "vmpulse-fleet-sim");
  std::vector<std::size_t> mine;
  std::vector<std::string> names;
  for (std::size_t i = thread; i < options.vms; i += options.connections) {
    mine.push_back(i);
    names.push_back(vmpulse::fleet::vm_name(options.prefix, i, options.vms));
  }
  std::vector<std::uint64_t> next(mine.size(), 0);  // each VM's first second not yet sent
  const auto give_up = start + std::chrono::seconds(options.seconds + 120);
  std::string body;
  // Sends VM k's samples from next[k] through `last` (inclusive) as one batch.
  const auto send = [&](std::size_t k, std::uint64_t last) {
    body.clear();
    body += '[';
    for (std::uint64_t s = next[k]; s <= last; ++s) {
      if (s > next[k]) {
        body += ',';
      }
      vmpulse::Record record =
          vmpulse::fleet::sample(names[k], mine[k], s, wall_start, options.top);
      if (options.labels > 0) {
        record.etiquetas = fleet_labels(mine[k], options.labels);
      }
      vmpulse::append_json(body, record);
    }
    body += ']';
    deliver(client, options, names[k], body, last - next[k] + 1, give_up, totals);
    next[k] = last + 1;
  };
  for (std::uint64_t tick = 0; tick < options.seconds; ++tick) {
    // Second `tick`'s sample exists from start + tick; it is sent at the end of it.
    const auto due = start + std::chrono::seconds(tick + 1);
    std::this_thread::sleep_until(due);
    if (Clock::now() - due > std::chrono::seconds(1)) {
      ++totals.late_ticks;
    }
    for (std::size_t k = 0; k < mine.size(); ++k) {
      if (tick % options.batch == mine[k] % options.batch) {
        send(k, tick);
      }
    }
  }
  for (std::size_t k = 0; k < mine.size(); ++k) {
    if (next[k] < options.seconds) {
      send(k, options.seconds - 1);
    }
  }
}

// "SENT_UNIX_MS LATENCY_MS" per 201, in send order per thread (the reader sorts).
bool write_latency_log(const std::string& path, const std::vector<ThreadTotals>& totals) {
  std::ofstream out(path);
  for (const auto& t : totals) {
    for (std::size_t i = 0; i < t.latency_ms.size(); ++i) {
      out << t.sent_unix_ms[i] << ' ' << t.latency_ms[i] << '\n';
    }
  }
  out.close();
  if (!out) {
    std::cerr << "--latency-log: cannot write " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"vmpulse-fleet-sim: N simulated VMs pushing 1 sample/s each to an ingest route"};
  app.add_option("--url", options.url, "the ingest URL (http:// or https://), loopback only")
      ->required();
  app.add_option("--ca-file", options.ca_file,
                 "https:// only: PEM CA to verify the server with (required for https)");
  app.add_option("--vms", options.vms, "simulated VMs")->check(CLI::Range(1, 1000000));
  app.add_option("--seconds", options.seconds, "samples per VM (one a second)")
      ->check(CLI::Range(1, 86400));
  app.add_option("--batch", options.batch, "samples per request (each VM sends every BATCH s)")
      ->check(CLI::Range(std::size_t{1}, vmpulse::ingest_limits().max_batch));
  app.add_option("--connections", options.connections, "threads, one connection each")
      ->check(CLI::Range(1, 512));
  app.add_option("--top", options.top, "procesos_top entries per sample")->check(CLI::Range(0, 50));
  app.add_option("--prefix", options.prefix, "VM names are PREFIX-<index>");
  app.add_option("--labels", options.labels, "etiquetas pairs per sample (0: none)")
      ->check(CLI::Range(0, 16));
  app.add_option("--latency-log", options.latency_log,
                 "write each 201's send time (Unix ms) and latency (ms) to FILE");
  CLI11_PARSE(app, argc, argv);

  const auto token = vmpulse::flags::from_environment("VMPULSE_TOKEN");
  if (!token) {
    std::cerr << "VMPULSE_TOKEN is not set (the ingest token)\n";
    return 2;
  }
  options.token = *token;
  auto parsed = vmpulse::parse_http_url(options.url);
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    std::cerr << "--url: " << *error << "\n";
    return 2;
  }
  const auto url = std::get<vmpulse::HttpUrl>(parsed);
  if (!vmpulse::is_loopback_host(url.host)) {
    std::cerr << "--url: loopback only (this is a load generator)\n";
    return 2;
  }
  // Verified TLS like an agent's push, never an unchecked one.
  if (url.tls != !options.ca_file.empty()) {
    std::cerr << "--ca-file: needed with an https:// --url, and only then\n";
    return 2;
  }
  const std::string probe = vmpulse::fleet::vm_name(options.prefix, options.vms - 1, options.vms);
  if (!vmpulse::valid_vm_name(probe)) {
    std::cerr << "--prefix: " << probe << " is not a valid vm name\n";
    return 2;
  }
  options.connections = std::min(options.connections, options.vms);

  const auto wall_start =
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto start = Clock::now();
  std::vector<ThreadTotals> totals(options.connections);
  std::vector<std::thread> threads;
  for (std::size_t j = 0; j < options.connections; ++j) {
    threads.emplace_back(run_thread, std::cref(options), std::cref(url), j, wall_start, start,
                         std::ref(totals[j]));
  }
  for (auto& thread : threads) {
    thread.join();
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  const bool logged = options.latency_log.empty() || write_latency_log(options.latency_log, totals);
  ThreadTotals all;
  for (auto& t : totals) {
    all.requests_ok += t.requests_ok;
    all.records_sent += t.records_sent;
    all.stored += t.stored;
    all.replayed += t.replayed;
    all.retries += t.retries;
    all.rejected += t.rejected;
    all.late_ticks += t.late_ticks;
    all.latency_ms.insert(all.latency_ms.end(), t.latency_ms.begin(), t.latency_ms.end());
  }
  std::sort(all.latency_ms.begin(), all.latency_ms.end());
  const auto pct = [&](double p) {
    if (all.latency_ms.empty()) {
      return 0.0;
    }
    const auto at = static_cast<std::size_t>(p * static_cast<double>(all.latency_ms.size() - 1));
    return static_cast<double>(all.latency_ms[at]);
  };
  std::printf(
      "RESULT vms=%zu seconds=%zu batch=%zu connections=%zu expected=%llu requests_ok=%llu "
      "records_sent=%llu stored=%llu replayed=%llu retries=%llu rejected=%llu late_ticks=%llu "
      "elapsed_s=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
      options.vms, options.seconds, options.batch, options.connections,
      static_cast<unsigned long long>(options.vms) * options.seconds,
      static_cast<unsigned long long>(all.requests_ok),
      static_cast<unsigned long long>(all.records_sent),
      static_cast<unsigned long long>(all.stored), static_cast<unsigned long long>(all.replayed),
      static_cast<unsigned long long>(all.retries), static_cast<unsigned long long>(all.rejected),
      static_cast<unsigned long long>(all.late_ticks), elapsed, pct(0.50), pct(0.99),
      all.latency_ms.empty() ? 0.0 : static_cast<double>(all.latency_ms.back()));
  return logged && all.rejected == 0 && all.records_sent == options.vms * options.seconds ? 0 : 1;
}
