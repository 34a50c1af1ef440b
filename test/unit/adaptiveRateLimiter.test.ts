import { AdaptiveRateLimiter, type RatePermit } from '../../nodes/common/rateLimiter';

/**
 * Virtual time: `sleep` parks the caller until `run` advances the clock to its wake-up time, so the
 * tests never wait for real and see exactly the waits the limiter asked for.
 */
class FakeClock {
	nowMs = 1_000_000;

	readonly sleeps: number[] = [];

	private timers: Array<{ atMs: number; wake: () => void }> = [];

	readonly now = () => this.nowMs;

	readonly sleep = async (ms: number) => {
		this.sleeps.push(ms);
		await new Promise<void>((wake) => this.timers.push({ atMs: this.nowMs + ms, wake }));
	};

	advance(ms: number) {
		this.nowMs += ms;
	}

	/** Runs `work` to completion, firing timers in time order whenever every caller is asleep. */
	async run<T>(work: Promise<T>): Promise<T> {
		let done = false;
		const finished = work.finally(() => {
			done = true;
		});
		for (;;) {
			// Let every resolved promise chain run before looking at the timers.
			for (let i = 0; i < 20; i++) await Promise.resolve();
			if (done) return await finished;
			this.timers.sort((a, b) => a.atMs - b.atMs);
			const next = this.timers.shift();
			if (!next) throw new Error('deadlock: nothing is running and no timer is pending');
			this.nowMs = Math.max(this.nowMs, next.atMs);
			next.wake();
		}
	}
}

function limiterWith(ceiling: number, clock = new FakeClock()) {
	return { clock, limiter: new AdaptiveRateLimiter({ ceiling }, clock) };
}

/** Acquires one slot after another (a sequential pager); returns the clock time of each grant. */
async function sequential(clock: FakeClock, limiter: AdaptiveRateLimiter, count: number) {
	const grants: Array<{ atMs: number; permit: RatePermit }> = [];
	await clock.run(
		(async () => {
			for (let i = 0; i < count; i++) grants.push({ permit: await limiter.acquire(), atMs: clock.nowMs });
		})(),
	);
	return grants;
}

const gaps = (grants: Array<{ atMs: number }>) => grants.slice(1).map((grant, i) => grant.atMs - grants[i].atMs);

describe('AdaptiveRateLimiter', () => {
	it('starts at the ceiling', async () => {
		const { clock, limiter } = limiterWith(4);
		expect(limiter.stats).toEqual({ ceiling: 4, currentRate: 4, lowestRate: 0, decreases: 0 });
		const grants = await sequential(clock, limiter, 5);
		expect(gaps(grants)).toEqual([250, 250, 250, 250]);
		expect(grants[0].permit.waitedMs).toBe(0);
	});

	it('spaces callers started in parallel at 1/rate and lets an idle caller through at once', async () => {
		const { clock, limiter } = limiterWith(4);
		const permits = await clock.run(Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]));
		expect(permits.map((permit) => permit.waitedMs)).toEqual([0, 250, 500]);
		clock.advance(2000);
		expect((await limiter.acquire()).waitedMs).toBe(0);
		expect(clock.sleeps).toEqual([250, 500]);
	});

	it('halves the rate on a throttle', async () => {
		const { clock, limiter } = limiterWith(4);
		const grants = await sequential(clock, limiter, 4);
		limiter.onThrottle(grants[3].permit);
		expect(limiter.stats).toMatchObject({ currentRate: 2, lowestRate: 2, decreases: 1 });
		const after = await sequential(clock, limiter, 2);
		// The first request after the throttle waits one new interval, the next one too.
		expect(after[0].atMs - grants[3].atMs).toBe(500);
		expect(gaps(after)[0]).toBeGreaterThanOrEqual(450);
	});

	it('halves what is really sent when that is below the ceiling', async () => {
		const { clock, limiter } = limiterWith(10);
		// The caller only manages one request per second (e.g. slow answers), far below the ceiling.
		const permits: RatePermit[] = [];
		for (let i = 0; i < 4; i++) {
			permits.push(await limiter.acquire());
			clock.advance(1000);
		}
		limiter.onThrottle(permits[3]);
		expect(limiter.stats.currentRate).toBe(0.5);
	});

	it('halves once for requests throttled together, and again for one admitted after the decrease', async () => {
		const { clock, limiter } = limiterWith(8);
		const burst = await clock.run(Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]));
		for (const permit of burst) limiter.onThrottle(permit);
		expect(limiter.stats).toMatchObject({ currentRate: 4, decreases: 1 });
		const [retry] = await sequential(clock, limiter, 1);
		const rateOfRetry = limiter.rateAt(clock.nowMs);
		limiter.onThrottle(retry.permit);
		expect(limiter.stats.decreases).toBe(2);
		expect(limiter.stats.currentRate).toBeCloseTo(rateOfRetry / 2, 6);
	});

	it('never goes below the floor', async () => {
		const { clock, limiter } = limiterWith(4);
		for (let i = 0; i < 12; i++) {
			const [grant] = await sequential(clock, limiter, 1);
			limiter.onThrottle(grant.permit);
		}
		expect(limiter.stats.decreases).toBe(12);
		expect(limiter.stats.lowestRate).toBe(0.5);
		expect(limiter.stats.currentRate).toBeGreaterThanOrEqual(0.5);
		const grants = await sequential(clock, limiter, 3);
		for (const gap of gaps(grants)) expect(gap).toBeLessThanOrEqual(2000);
	});

	it('keeps a ceiling below the floor as the lowest rate', async () => {
		const { clock, limiter } = limiterWith(0.2);
		const [grant] = await sequential(clock, limiter, 1);
		limiter.onThrottle(grant.permit);
		expect(limiter.stats).toMatchObject({ currentRate: 0.2, lowestRate: 0.2 });
	});

	it('recovers to the ceiling without a throttle, but never above it', async () => {
		const { clock, limiter } = limiterWith(10);
		const grants = await sequential(clock, limiter, 6);
		limiter.onThrottle(grants[5].permit);
		expect(limiter.stats.currentRate).toBe(5);
		const rates: number[] = [];
		for (let second = 0; second < 12; second++) {
			await sequential(clock, limiter, 3);
			clock.advance(1000);
			rates.push(limiter.stats.currentRate);
		}
		// Additive increase: the rate climbs step by step, it does not jump back.
		expect(rates[0]).toBeGreaterThan(5);
		expect(rates[0]).toBeLessThan(10);
		for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeGreaterThanOrEqual(rates[i - 1]);
		expect(rates[rates.length - 1]).toBe(10);
		for (const rate of rates) expect(rate).toBeLessThanOrEqual(10);
		const fast = await sequential(clock, limiter, 4);
		expect(gaps(fast)).toEqual([100, 100, 100]);
	});

	it('with a ceiling of 0 does not limit until the first throttle, then limits to half the rate seen', async () => {
		const { clock, limiter } = limiterWith(0);
		const grants: RatePermit[] = [];
		for (let i = 0; i < 8; i++) {
			grants.push(await limiter.acquire());
			clock.advance(50); // 20 requests per second
		}
		expect(clock.sleeps).toEqual([]);
		expect(limiter.stats).toEqual({ ceiling: 0, currentRate: 0, lowestRate: 0, decreases: 0 });
		limiter.onThrottle(grants[7]);
		expect(limiter.stats.currentRate).toBe(10);
		const after = await sequential(clock, limiter, 3);
		expect(clock.sleeps.length).toBeGreaterThan(0);
		for (const gap of gaps(after)) expect(gap).toBeGreaterThanOrEqual(90);
	});

	it('with a ceiling of 0 and a throttle on the very first request starts again at the floor', async () => {
		const { clock, limiter } = limiterWith(0);
		const [grant] = await sequential(clock, limiter, 1);
		limiter.onThrottle(grant.permit);
		expect(limiter.stats.currentRate).toBe(0.5);
	});

	it('re-queues parallel callers still waiting when the rate drops, keeping them spaced', async () => {
		const { clock, limiter } = limiterWith(10);
		const grantTimes: number[] = [];
		const startMs = clock.nowMs;
		const first = await limiter.acquire();
		const waiting = Promise.all(
			Array.from({ length: 4 }, async () => {
				await limiter.acquire();
				grantTimes.push(clock.nowMs);
			}),
		);
		// The request admitted first is throttled while the others wait for their 100 ms slots.
		clock.advance(10);
		limiter.onThrottle(first);
		await clock.run(waiting);
		expect(limiter.stats.decreases).toBe(1);
		// Spaced at the halved rate (5/s, creeping up slightly), not at the 100 ms planned before.
		expect(grantTimes).toHaveLength(4);
		for (const gap of gaps(grantTimes.map((atMs) => ({ atMs })))) expect(gap).toBeGreaterThanOrEqual(180);
		// The first of them goes one new interval (200 ms) after the throttle, not at its old slot (100 ms).
		expect(grantTimes[0] - startMs).toBeGreaterThanOrEqual(10 + 200);
	});
});
