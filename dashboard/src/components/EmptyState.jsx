/** What a fresh install shows: the hub answers, the table is empty. */
export default function EmptyState() {
  return (
    <section className="card empty" data-testid="empty-state">
      <h2>No data yet</h2>
      <p>The hub is connected, but no VM has reported. Records appear here within a second of being stored.</p>
      <ol>
        <li>
          On this machine: <code>./vmpulse up</code> starts an agent, both ingest routes and this dashboard.
        </li>
        <li>
          On a VM: run <code>vmpulse-agent</code> with its push target set to your ingest URL (<code>/api/metrics</code>, bearer token required), or collect and
          replay samples with Locust (<code>locust/</code>, phases 1 and 2).
        </li>
      </ol>
    </section>
  );
}
