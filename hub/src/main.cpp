// vmpulse-hub: pushes new rows from MySQL to every connected dashboard over WebSocket
// (/ws) and serves history, split counts and the VM list over HTTP (docs/hub.md).
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "alert_notifier.hpp"
#include "alert_service.hpp"
#include "cors.hpp"
#include "http_api.hpp"
#include "hub_options.hpp"
#include "poller.hpp"
#include "query_runner.hpp"
#include "rollup.hpp"
#include "viewer_api.hpp"
#include "viewer_auth.hpp"
#include "vmpulse/flags.hpp"
#include "vmpulse/http_server.hpp"
#include "vmpulse/log.hpp"
#include "ws_session.hpp"

int main(int argc, char** argv) {
  using namespace vmpulse;
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = hub::parse_hub_options(args, flags::from_environment);
  if (auto* problem = std::get_if<std::string>(&parsed)) {
    std::cerr << "vmpulse-hub: " << *problem << "\n";
    return 2;
  }
  const hub::HubOptions options = std::get<hub::HubOptions>(std::move(parsed));
  if (options.help) {
    std::cout << hub::hub_usage();
    return 0;
  }
  if (auto problem = hub::viewer_auth_problem(options)) {
    std::cerr << "vmpulse-hub: " << *problem << "\n";
    return 2;
  }
  init_logging("vmpulse-hub", options.log_level);

  try {
    const std::shared_ptr<hub::ViewerAuth> viewers =
        options.open_reads ? hub::ViewerAuth::open_reads()
                           : hub::ViewerAuth::from_file(options.viewer_token_file);
    if (options.open_reads) {
      spdlog::warn("--reads open: no viewer check; only behind a proxy that checks viewers");
    }
    hub::Poller poller({.db = options.db,
                        .poll = options.poll,
                        .late_window = options.late_window,
                        .max_pending_snapshots = options.max_pending_snapshots});
    hub::QueryRunner queries(options.db, 256, options.statement_timeout);
    hub::Rollup rollup({.db = options.db}, [&poller] { return poller.settled_id(); });
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
    hub::WsOptions ws_options;
    ws_options.max_clients = options.max_clients;
    ws_options.queue.max_messages = options.queue_messages;
    ws_options.origins = options.origins;
    ws_options.idle_timeout = options.keepalive * 2;
    ws_options.max_per_address = options.max_per_address;
    ws_options.trusted_proxies = options.trusted_proxies;
    ws_options.viewers = viewers;
    auto ws_context = std::make_shared<hub::WsContext>(io, options.threads, poller, ws_options);
    if (ws_context->single_thread) {
      poller.set_fanout(
          [ws_context](const hub::Message& update, hub::Poller::SubscriberList subscribers) {
            hub::fan_out(ws_context, update, std::move(subscribers));
          });
    }
    auto stats = [&poller, &rollup, &notifier, ws_context, service = alerts.get()] {
      const hub::PollerStats p = poller.stats();
      const hub::RollupStats r = rollup.stats();
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
    http::Server server(
        io, server_options,
        // CORS on /api/* uses the same origin allow-list as /ws; every read needs a viewer.
        hub::with_cors(options.origins,
                       hub::with_viewer_auth(viewers, now,
                                             hub::HttpApi{poller, queries, now, stats,
                                                          max_raw_seconds, alerts.get()})));
    server.set_upgrade_handler([ws_context](auto socket, auto request, auto) {
      hub::serve_websocket(std::move(socket), std::move(request), ws_context);
    });

    // SIGHUP re-reads the viewer token file: a rotation without a restart.
    boost::asio::signal_set hangup(io, SIGHUP);
    std::function<void()> await_hangup = [&] {
      hangup.async_wait([&](const boost::system::error_code& ec, int) {
        if (ec) {
          return;
        }
        if (auto problem = viewers->reload()) {
          spdlog::error("SIGHUP: the viewer tokens stay as they were: {}", *problem);
        } else if (!viewers->open()) {
          spdlog::info("SIGHUP: viewer tokens reloaded");
        }
        await_hangup();
      });
    };
    await_hangup();

    poller.start();
    queries.start();
    rollup.start();
    if (alerts) {
      alerts->start();
    }
    if (notifier) {
      notifier->start();
    }
    server.start();
    spdlog::info("listening on {}:{} (poll {} ms, database {})", server_options.host, server.port(),
                 options.poll.count(), options.db.redacted());
    http::run_until_signal(io, options.threads, [&] {
      server.stop();
      hangup.cancel();
    });
    if (notifier) {
      notifier->stop();
    }
    rollup.stop();
    queries.stop();
    poller.stop();
    if (alerts) {
      alerts->stop();  // after the poller: no row arrives while it writes what is queued
    }
  } catch (const std::exception& error) {
    spdlog::critical("{}", error.what());
    return 1;
  }
  return 0;
}
