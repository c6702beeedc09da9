// hubtray's own requests to a server (the Hub's HTTP checks, a kernels question, the culler's reads). A hub's proxy
// counts every request it carries as the server's activity, so its last_activity may be one of ours: a time within
// one of these requests (widened by the two clocks' difference) is not taken for the user's. Kept for a bounded
// span, since a hub takes its proxy's record in only every last_activity_interval (300 s by default).

/** How far the hub's clock and this computer's may be apart, and a request's own time on the way. */
export const OWN_TRAFFIC_MARGIN_MS = 5_000;
/** Requests older than this are forgotten: a hub's record this old is far past any idle question. */
const KEPT_MS = 60 * 60 * 1000;
/** At most this many are kept (a poll every few seconds for the kept span); the oldest go first. */
const MAX_KEPT = 2_000;

interface Span {
  from: number;
  to: number;
}

export class OwnTraffic {
  private readonly spans: Span[] = [];

  /** Runs one of hubtray's requests and remembers when it went. */
  async around<T>(request: () => Promise<T>): Promise<T> {
    const from = Date.now();
    try {
      return await request();
    } finally {
      this.remember(from, Date.now());
    }
  }

  remember(from: number, to: number): void {
    const last = this.spans.at(-1);
    // Requests that overlap (with the margin) are one span: a busy minute costs one entry, not one per request.
    if (last && from <= last.to + OWN_TRAFFIC_MARGIN_MS) last.to = Math.max(last.to, to);
    else this.spans.push({ from, to });
    const cutoff = to - KEPT_MS;
    while (this.spans.length > MAX_KEPT || (this.spans[0] && this.spans[0].to < cutoff)) this.spans.shift();
  }

  /** Whether a hub's recorded time may be one of hubtray's own requests. */
  explains(time: Date): boolean {
    const at = time.getTime();
    return this.spans.some((span) => at >= span.from - OWN_TRAFFIC_MARGIN_MS && at <= span.to + OWN_TRAFFIC_MARGIN_MS);
  }
}
