/** Injected so node code can pass n8n-workflow's `sleep` and tests a fake clock. */
export interface RateLimiterClock {
	now: () => number;
	sleep: (ms: number) => Promise<void>;
}

export interface AdaptiveRateLimiterOptions {
	/** Maximum requests per second; 0 or less = no client-side limit until the server first throttles. */
	ceiling: number;
	/** A throttle never pushes the rate below this (requests per second); capped at the ceiling. */
	floor?: number;
	/**
	 * Rate regained per second without a throttle, as a fraction of the rate at which the server last
	 * throttled (before the first throttle: of the ceiling).
	 */
	recoveryPerSecond?: number;
}

export interface RateLimiterStats {
	/** Configured maximum in requests per second; 0 = none. */
	ceiling: number;
	/** Rate a request started now would be held to; 0 = unlimited. */
	currentRate: number;
	/** Lowest rate the limiter was pushed down to; 0 = it never limited. */
	lowestRate: number;
	/** How often a throttle lowered the rate. */
	decreases: number;
}

/** Handed out by `acquire`; pass it back to `onThrottle` if the request it admitted was throttled. */
export interface RatePermit {
	/** How long the caller waited for its slot (ms). */
	waitedMs: number;
	/** Rate decreases that had happened when the slot was granted. */
	epoch: number;
}

const DEFAULT_RATE_FLOOR = 0.5;
const DEFAULT_RECOVERY_PER_SECOND = 0.1;

/** Grants remembered to measure the rate actually sent (used when the limit is above it, or off). */
const OBSERVED_GRANTS = 8;

/**
 * Client-side rate limit that adapts to the server (AIMD). It starts at the ceiling; each throttle halves
 * the rate actually in use (never below the floor), and every second without a throttle adds back a tenth
 * of the rate the server last refused, up to the ceiling. Probing upwards in small steps relative to
 * that refused rate keeps a server whose real limit is far below the ceiling from being hit on every
 * other request, while a single passing throttle at full speed recovers within seconds.
 *
 * Slots are reserved synchronously, so calls started in parallel queue behind each other; a caller
 * that is still waiting when the rate drops queues again at the new rate.
 */
export class AdaptiveRateLimiter {
	private readonly ceiling: number;

	private readonly floor: number;

	private readonly recoveryPerSecond: number;

	/** Rate right after the last throttle, and when that was; Infinity = not limiting yet. */
	private baseRate: number;

	private baseAtMs = 0;

	/** Rate at which the server last throttled; the recovery step is a fraction of it. */
	private refusedRate: number;

	private lowestRate = Infinity;

	private decreases = 0;

	private nextSlotMs = 0;

	private readonly recentGrantsMs: number[] = [];

	constructor(
		options: AdaptiveRateLimiterOptions,
		private readonly clock: RateLimiterClock,
	) {
		this.ceiling = options.ceiling > 0 && Number.isFinite(options.ceiling) ? options.ceiling : Infinity;
		this.floor = Math.min(options.floor ?? DEFAULT_RATE_FLOOR, this.ceiling);
		this.recoveryPerSecond = options.recoveryPerSecond ?? DEFAULT_RECOVERY_PER_SECOND;
		this.baseRate = this.ceiling;
		this.refusedRate = this.ceiling;
	}

	/** The rate in force at `nowMs` (requests per second; Infinity = unlimited). */
	rateAt(nowMs: number): number {
		if (!Number.isFinite(this.baseRate)) return this.baseRate;
		const seconds = Math.max(0, nowMs - this.baseAtMs) / 1000;
		return Math.min(this.ceiling, this.baseRate + this.recoveryPerSecond * this.refusedRate * seconds);
	}

	/** Resolves when the caller may send its request. */
	async acquire(): Promise<RatePermit> {
		let waitedMs = 0;
		for (;;) {
			const epoch = this.decreases;
			const now = this.clock.now();
			const rate = this.rateAt(now);
			if (!Number.isFinite(rate)) return this.grant(now, waitedMs, epoch);
			const slot = Math.max(now, this.nextSlotMs);
			this.nextSlotMs = slot + 1000 / rate;
			const waitMs = slot - now;
			if (waitMs <= 0) return this.grant(now, waitedMs, epoch);
			await this.clock.sleep(waitMs);
			waitedMs += waitMs;
			// A slot planned for the old, faster rate is void once the server has throttled: queue again.
			if (this.decreases === epoch) return this.grant(this.clock.now(), waitedMs, epoch);
		}
	}

	/**
	 * The request admitted by `permit` was throttled: halve the rate. Requests admitted before an earlier
	 * decrease were sent at a rate already halved for, so their throttles do not halve it again.
	 */
	onThrottle(permit: RatePermit): void {
		if (permit.epoch !== this.decreases) return;
		const now = this.clock.now();
		const limit = this.rateAt(now);
		// With a limit above what the caller actually sends (or none), halving the limit would not slow
		// anything down: halve the rate observed instead. Nothing observed and no limit: start at the floor.
		const sending = Math.min(limit, this.observedRate() ?? (Number.isFinite(limit) ? limit : this.floor * 2));
		this.refusedRate = Math.max(this.floor, sending);
		this.baseRate = Math.max(this.floor, sending / 2);
		this.baseAtMs = now;
		this.lowestRate = Math.min(this.lowestRate, this.baseRate);
		this.nextSlotMs = now + 1000 / this.baseRate;
		this.decreases++;
	}

	get stats(): RateLimiterStats {
		const finiteOrZero = (rate: number) => (Number.isFinite(rate) ? rate : 0);
		return {
			ceiling: finiteOrZero(this.ceiling),
			currentRate: finiteOrZero(this.rateAt(this.clock.now())),
			lowestRate: finiteOrZero(this.lowestRate),
			decreases: this.decreases,
		};
	}

	private grant(nowMs: number, waitedMs: number, epoch: number): RatePermit {
		this.recentGrantsMs.push(nowMs);
		if (this.recentGrantsMs.length > OBSERVED_GRANTS) this.recentGrantsMs.shift();
		return { waitedMs, epoch };
	}

	/** Requests per second over the last few grants; undefined with fewer than two. */
	private observedRate(): number | undefined {
		const grants = this.recentGrantsMs;
		if (grants.length < 2) return undefined;
		// Grants in the same millisecond count as one millisecond apart, so a burst reads as very fast.
		const spanMs = Math.max(1, grants[grants.length - 1] - grants[0]);
		return ((grants.length - 1) * 1000) / spanMs;
	}
}
