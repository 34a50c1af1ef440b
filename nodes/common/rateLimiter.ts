/**
 * Spaces calls at least 1/requestsPerSecond apart. Slots are reserved synchronously, so calls
 * started in parallel from one execution still queue behind each other.
 */
export class RateLimiter {
	private nextSlotMs = 0;

	private readonly intervalMs: number;

	constructor(
		requestsPerSecond: number,
		private readonly clock: { now: () => number; sleep: (ms: number) => Promise<void> },
	) {
		// 0 or less means "no client-side limit".
		this.intervalMs = requestsPerSecond > 0 ? 1000 / requestsPerSecond : 0;
	}

	/** Resolves when the caller may send its request. Returns how long it waited. */
	async acquire(): Promise<number> {
		if (this.intervalMs === 0) return 0;
		const now = this.clock.now();
		const slot = Math.max(now, this.nextSlotMs);
		this.nextSlotMs = slot + this.intervalMs;
		const waitMs = slot - now;
		if (waitMs > 0) await this.clock.sleep(waitMs);
		return waitMs;
	}
}
