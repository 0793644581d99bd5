// vmpulse-hub: pushes new rows from MySQL to every connected dashboard over WebSocket
// (/ws) and serves history, split counts and the VM list over HTTP (docs/hub.md).
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <ctime>

#include "alert_notifier.hpp"
#include "alert_service.hpp"
#include "cors.hpp"
#include "http_api.hpp"
#include "hub_options.hpp"
#include "poller.hpp"
#include "query_runner.hpp"
#include "retention.hpp"
#include "rollup.hpp"
#include "viewer_api.hpp"
#include "viewer_auth.hpp"
#include "vmpulse/detail/program.hpp"
#include "vmpulse/flags.hpp"
#include "vmpulse/http_metrics.hpp"
#include "vmpulse/http_server.hpp"
#include "vmpulse/process_metrics.hpp"
#include "ws_session.hpp"

namespace {

// The `route` label of the hub's request counts: a name per endpoint, never the path.
std::vector<vmpulse::http::MetricsRoute> hub_routes() {
  std::vector<vmpulse::http::MetricsRoute> routes;
  for (const char* name :
       {"history", "processes", "split", "vms", "stats", "session", "auth", "alerts"}) {
    routes.push_back({name, std::string("/api/") + name, false});
  }
  routes.push_back({"silences", "/api/silences", true});  // and /api/silences/ID
  for (const char* name : {"livez", "readyz", "metrics", "ws"}) {
    routes.push_back({name, std::string("/") + name, false});
  }
  return routes;
}

// Seconds since `when`, or since the hub started while it has not happened yet.
double seconds_since(std::chrono::steady_clock::time_point when,
                     std::chrono::steady_clock::time_point started) {
  const auto since = when == std::chrono::steady_clock::time_point{} ? started : when;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// The hub's own metrics (docs/hub.md, "Metrics"), read from the components' stats when
// scraped, so that nothing is added to the poller's or the sessions' paths.
void register_hub_metrics(vmpulse::metrics::Registry& registry, vmpulse::hub::Poller& poller,
                          vmpulse::hub::Rollup& rollup, vmpulse::hub::Retention& retention,
                          const std::shared_ptr<vmpulse::hub::WsContext>& ws_context) {
  const auto started = std::chrono::steady_clock::now();
  registry.gauge_function("vmpulse_hub_clients", "WebSocket clients connected.",
                          [ws_context] { return static_cast<double>(ws_context->clients.load()); });
  registry.counter_function("vmpulse_hub_rows_delivered_total",
                            "Rows the poller delivered to subscribed clients.",
                            [&poller] { return poller.stats().rows_delivered; });
  registry.gauge_function(
      "vmpulse_hub_poll_lag_seconds",
      "Seconds since the poller last read new rows successfully (grows while the database "
      "fails).",
      [&poller, started] { return seconds_since(poller.stats().last_poll, started); });
  registry.gauge_function(
      "vmpulse_hub_rollup_lag_seconds",
      "Seconds since the per-minute rollup last reached the poller's settled id.",
      [&rollup, started] { return seconds_since(rollup.stats().caught_up, started); });
  constexpr const char* kDbErrors = "Database operations that failed, by operation.";
  registry.counter_function("vmpulse_db_errors_total", kDbErrors,
                            [&poller] { return poller.stats().db_errors; }, {{"op", "poll"}});
  registry.counter_function("vmpulse_db_errors_total", kDbErrors,
                            [&rollup] { return rollup.stats().db_errors; }, {{"op", "rollup"}});
  registry.counter_function("vmpulse_db_errors_total", kDbErrors,
                            [&retention] { return retention.stats().db_errors; },
                            {{"op", "retention"}});
  registry.counter_function("vmpulse_hub_partitions_dropped_total",
                            "Expired day partitions this hub dropped (retention).",
                            [&retention] { return retention.stats().partitions_dropped; });
}

// Wires the poller, the background jobs (rollup, retention, alerts), the HTTP API and
// /ws on core's server, serves until SIGINT or SIGTERM, then stops them in order.
int run(const vmpulse::hub::HubOptions& options) {
  using namespace vmpulse;
  const std::shared_ptr<hub::ViewerAuth> viewers =
      options.open_reads ? hub::ViewerAuth::open_reads()
                         : hub::ViewerAuth::from_file(options.viewer_token_file);
  if (options.open_reads) {
    spdlog::warn("--reads open: no viewer check; only behind a proxy that checks viewers");
  }
  hub::Poller poller({.db = options.db,
                      .poll = options.poll,
                      .late_window = options.late_window,
                      .max_pending_snapshots = options.max_pending_snapshots,
                      .fleet_interval = options.fleet_interval});
  hub::QueryRunner queries(options.db, 256, options.statement_timeout);
  hub::Rollup rollup({.db = options.db}, [&poller] { return poller.settled_id(); });
  hub::Retention retention(
      {.db = options.db,
       .tiers = hub::retention_tiers(options.raw_days, options.minute_days, options.hour_days),
       .ahead = options.partitions_ahead,
       .interval = options.retention_every});
  // Notifications run only where a destination is set; every hub that has one takes
  // part, and the database lock picks the one that sends.
  std::unique_ptr<hub::AlertNotifier> notifier;
  if (!options.alert_destinations.empty()) {
    hub::NotifierOptions notify;
    notify.db = options.db;
    notify.destinations = options.alert_destinations;
    notify.alertmanager_resend = options.alertmanager_resend;
    notify.ca_file = options.alert_ca_file;
    notifier = std::make_unique<hub::AlertNotifier>(std::move(notify));
  }
  // Alerts only with a rules file; without, GET /api/alerts answers empty lists.
  std::unique_ptr<hub::AlertService> alerts;
  // The notifier sends as soon as the evaluator has committed a change.
  std::function<void()> wake;
  if (notifier) {
    wake = [n = notifier.get()] { n->wake(); };
  }
  if (options.alerts) {
    alerts = std::make_unique<hub::AlertService>(
        hub::AlertServiceOptions{.db = options.db, .rules = *options.alerts, .on_commit = wake},
        poller);
    poller.set_row_observer([service = alerts.get()](const std::vector<hub::StoredRecord>& rows) {
      service->observe(rows);
    });
    spdlog::info("alerts: {} rules from {}", options.alerts->rules.size(), options.alerts_file);
  }
  boost::asio::io_context io(static_cast<int>(options.threads));

  http::ServerOptions server_options;
  server_options.host = options.listen.host.empty() ? "0.0.0.0" : options.listen.host;
  server_options.port = options.listen.port;
  server_options.max_connections = options.max_clients + 256;  // room for HTTP requests
  server_options.server_name = "vmpulse-hub";
  server_options.single_thread = options.threads == 1;
  hub::WsOptions ws_options;
  ws_options.max_clients = options.max_clients;
  ws_options.queue.max_messages = options.queue_messages;
  ws_options.origins = options.origins;
  ws_options.idle_timeout = options.keepalive * 2;
  ws_options.max_per_address = options.max_per_address;
  ws_options.trusted_proxies = options.trusted_proxies;
  ws_options.viewers = viewers;
  auto ws_context =
      std::make_shared<hub::WsContext>(io, server_options.single_thread, poller, ws_options);
  if (ws_context->single_thread) {
    poller.set_fanout([ws_context](std::vector<hub::Delivery> update) {
      hub::fan_out(ws_context, std::move(update));
    });
  }
  auto stats = [&poller, &rollup, &retention, &notifier, ws_context, service = alerts.get()] {
    const hub::PollerStats p = poller.stats();
    const hub::RollupStats r = rollup.stats();
    const hub::RetentionStats k = retention.stats();
    const hub::AlertServiceStats a = service ? service->stats() : hub::AlertServiceStats{};
    const hub::NotifierStats n = notifier ? notifier->stats() : hub::NotifierStats{};
    return "{\"clients\":" + std::to_string(ws_context->clients.load()) +
           ",\"subscribers\":" + std::to_string(p.subscribers) +
           ",\"polls\":" + std::to_string(p.polls) +
           ",\"rows_delivered\":" + std::to_string(p.rows_delivered) +
           ",\"late_rows\":" + std::to_string(p.late_rows) +
           ",\"snapshot_queries\":" + std::to_string(p.snapshot_queries) +
           ",\"resyncs\":" + std::to_string(ws_context->resyncs.load()) +
           ",\"rollup_id\":" + std::to_string(r.rolled_id) +
           ",\"rollup_behind\":" + std::to_string(r.behind) +
           ",\"rollup_rows\":" + std::to_string(r.rows) +
           ",\"retention_runs\":" + std::to_string(k.runs) +
           ",\"retention_skipped\":" + std::to_string(k.skipped) +
           ",\"partitions_created\":" + std::to_string(k.partitions_created) +
           ",\"partitions_dropped\":" + std::to_string(k.partitions_dropped) +
           ",\"retention_rows_deleted\":" + std::to_string(k.rows_deleted) +
           ",\"alerts\":" + (service ? "true" : "false") +
           ",\"alert_evaluator\":" + (a.evaluator ? "true" : "false") +
           ",\"alert_transitions\":" + std::to_string(a.transitions) +
           ",\"alert_takeovers\":" + std::to_string(a.takeovers) +
           ",\"alerts_delivering\":" + (n.delivering ? "true" : "false") +
           ",\"alerts_sent\":" + std::to_string(n.sent) +
           ",\"alerts_failed\":" + std::to_string(n.failed) + "}";
  };
  auto now = [] { return static_cast<std::int64_t>(std::time(nullptr)); };
  const std::int64_t max_raw_seconds = options.max_raw_span.count() / 1000;
  auto registry = std::make_shared<metrics::Registry>();
  register_hub_metrics(*registry, poller, rollup, retention, ws_context);
  metrics::register_process_metrics(*registry);
  http::Server server(
      io, server_options,
      // GET /metrics needs no viewer (counts, not data, like /livez: docs/hub.md); CORS
      // on /api/* uses the same origin allow-list as /ws; every read needs a viewer.
      http::serve_metrics(
          registry,
          hub::with_cors(options.origins,
                         hub::with_viewer_auth(
                             viewers, now,
                             hub::HttpApi{poller, queries, now, stats, max_raw_seconds,
                                          hub::TierDays{options.raw_days, options.minute_days},
                                          alerts.get()}))));
  server.set_metrics(std::make_shared<http::HttpMetrics>(*registry, hub_routes()));
  server.set_upgrade_handler([ws_context](auto socket, auto request, auto) {
    hub::serve_websocket(std::move(socket), std::move(request), ws_context);
  });

  poller.start();
  queries.start();
  rollup.start();
  retention.start();
  if (alerts) {
    alerts->start();
  }
  if (notifier) {
    notifier->start();
  }
  server.start();
  spdlog::info("listening on {}:{} (poll {} ms, database {})", server_options.host, server.port(),
               options.poll.count(), options.db.redacted());
  // SIGHUP re-reads the viewer token file: a rotation without a restart.
  http::run_until_signal(
      io, options.threads, [&server] { server.stop(); },
      [&viewers] {
        if (auto problem = viewers->reload()) {
          spdlog::error("SIGHUP: the viewer tokens stay as they were: {}", *problem);
        } else if (!viewers->open()) {
          spdlog::info("SIGHUP: viewer tokens reloaded");
        }
      });
  if (notifier) {
    notifier->stop();
  }
  retention.stop();
  rollup.stop();
  queries.stop();
  poller.stop();
  if (alerts) {
    alerts->stop();  // after the poller: no row arrives while it writes what is queued
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace vmpulse;
  return detail::run_logged(
      "vmpulse-hub", argc, argv,
      [](const std::vector<std::string>& args) {
        auto parsed = detail::with_usage(
            "vmpulse-hub", hub::parse_hub_options(args, flags::from_environment), hub::hub_usage);
        if (const auto* options = std::get_if<hub::HubOptions>(&parsed)) {
          if (auto problem = hub::viewer_auth_problem(*options)) {
            return detail::Parsed<hub::HubOptions>(detail::refuse("vmpulse-hub", *problem));
          }
        }
        return parsed;
      },
      run);
}
