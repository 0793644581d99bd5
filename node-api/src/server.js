'use strict';
// vmpulse node-api: ingest route 2 (docs/architecture.md). Reads the configuration, connects the
// pool, serves until SIGTERM/SIGINT, then stops accepting and drains.
const { loadConfig, ConfigError, USAGE } = require('./config');
const { loadContract } = require('./contract');
const { createStore } = require('./store');
const { createHandler } = require('./handler');
const { createApp } = require('./http-app');
const { createTokenSet } = require('./token-file');
const { createLog } = require('./log');
const { createMetrics } = require('./metrics');

const API_NAME = 'nodejs';

function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`node-api: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (config.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const log = createLog(config.logFormat, 'vmpulse-node-api');
  const contract = loadContract();
  // The `route` labels of the request counts come from the contract, as route 1's do.
  const metrics = createMetrics(contract.routeLabels(API_NAME));
  const store = createStore({ db: config.db, api: API_NAME, schema: contract.schema, log, metrics });
  metrics.setQueueDepth(store.queueDepth);
  const tokens = createTokenSet(config.tokens, config.tokenFile);
  const handle = createHandler({ contract, api: API_NAME, tokens, store, log });
  const app = createApp(handle, contract.limits.maxBodyBytes, log, {
    bodyBytesInFlight: config.bodyBytesInFlight,
    retryAfterSeconds: contract.limits.busyRetryAfterSeconds,
    metrics,
  });
  // A token rotation (./vmpulse token rotate) rewrites the file, then sends SIGHUP.
  process.on('SIGHUP', () => {
    try {
      log(`SIGHUP: ${tokens.reload()} ingest tokens accepted from ${config.tokenFile}`);
    } catch (err) {
      log(`SIGHUP: tokens not reloaded, the previous ones stay: ${err.message}`);
    }
  });

  const server = app.listen(config.listen.port, config.listen.host, () => {
    const { host, port, database } = config.db;
    const from = config.tokenFile ? ` from ${config.tokenFile} (SIGHUP reloads)` : '';
    log(
      `listening on ${config.listen.host}:${server.address().port}, database ${host}:${port}/${database}, ${tokens.size()} tokens${from}, ${config.bodyBytesInFlight} body bytes in flight at most`,
    );
  });
  // A slow client cannot hold a connection for long.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  server.on('error', (err) => {
    process.stderr.write(`node-api: cannot listen on ${config.listen.host}:${config.listen.port}: ${err.message}\n`);
    process.exit(2);
  });

  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing requests in flight`);
    setTimeout(() => process.exit(1), 10_000).unref();
    server.close(() => store.close().finally(() => process.exit(0)));
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main();
