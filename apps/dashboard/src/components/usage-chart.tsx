import type { Schema } from '@mailroom/client';

const HEIGHT = 160;
const BAR_GAP = 4;

/**
 * Messages sent and received per day as paired bars (SVG), with a table of the same numbers for screen
 * readers and for anyone who wants the exact values.
 */
export function UsageChart({ daily }: { daily: Schema<'UsageResponse'>['daily'] }) {
  const max = Math.max(1, ...daily.flatMap((d) => [d.messagesSent, d.messagesReceived]));
  const slot = 100 / daily.length;
  const bar = (slot - BAR_GAP * (100 / 700)) / 2;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 100 ${HEIGHT}`} preserveAspectRatio="none" className="chart-svg" aria-hidden="true">
        {[0.25, 0.5, 0.75, 1].map((f) => (
          <line
            key={f}
            x1="0"
            x2="100"
            y1={HEIGHT - f * (HEIGHT - 8)}
            y2={HEIGHT - f * (HEIGHT - 8)}
            className="chart-grid"
          />
        ))}
        {daily.map((d, i) => {
          const sent = (d.messagesSent / max) * (HEIGHT - 8);
          const received = (d.messagesReceived / max) * (HEIGHT - 8);
          const x = i * slot + (BAR_GAP * (100 / 700)) / 2;
          return (
            <g key={d.day}>
              <rect x={x} y={HEIGHT - sent} width={bar} height={sent} className="bar-sent" />
              <rect x={x + bar} y={HEIGHT - received} width={bar} height={received} className="bar-received" />
            </g>
          );
        })}
      </svg>
      <div className="chart-axis" aria-hidden="true">
        <span>{daily[0]?.day.slice(5)}</span>
        <span>max {max}</span>
        <span>{daily[daily.length - 1]?.day.slice(5)}</span>
      </div>
      <figcaption className="chart-legend">
        <span className="legend legend-sent">Sent</span>
        <span className="legend legend-received">Received</span>
      </figcaption>
      <details className="chart-table">
        <summary>Show the numbers</summary>
        <table className="table">
          <caption className="visually-hidden">Messages per day</caption>
          <thead>
            <tr>
              <th scope="col">Day (UTC)</th>
              <th scope="col">Sent</th>
              <th scope="col">Received</th>
            </tr>
          </thead>
          <tbody>
            {daily.map((d) => (
              <tr key={d.day}>
                <td>{d.day}</td>
                <td>{d.messagesSent}</td>
                <td>{d.messagesReceived}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
