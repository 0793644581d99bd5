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
          On a VM:{' '}
          <code>
            vmpulse-agent --push https://&lt;ingress&gt;/api/metrics --token-file &lt;file with the ingest token&gt;
          </code>
        </li>
        <li>
          Or replay collected samples with Locust (<code>locust/</code>, phase 2 posts them to the ingress).
        </li>
      </ol>
    </section>
  );
}
