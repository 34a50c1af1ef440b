import { jikeyunCredentialData } from '../../emulators/credentials';
import { startJikeyunEmulator, type JikeyunEmulator } from '../../emulators/jikeyun/server';
import { AdaptiveRateLimiter, type RatePermit } from '../../nodes/common/rateLimiter';
import { Jikeyun } from '../../nodes/Jikeyun/Jikeyun.node';
import { executeNode } from '../../testing/n8nHarness';

const node = new Jikeyun();

/** Calls the emulator admits in any one second; every client setting below sends faster than this. */
const GATEWAY_LIMIT = 4;
const PAGE_SIZE = 5;

describe('Jikeyun adaptive rate limit against a throttling gateway emulator', () => {
	let emulator: JikeyunEmulator;
	/** The rate each request was admitted at, and by which limiter, in order. */
	let grants: Array<{ limiter: AdaptiveRateLimiter; rate: number }>;

	beforeAll(async () => {
		emulator = await startJikeyunEmulator({ shopCount: 100, seed: 5 });
	});

	afterAll(async () => {
		await emulator.close();
	});

	beforeEach(() => {
		emulator.setFaults({});
		emulator.resetStats();
		grants = [];
		const acquire = AdaptiveRateLimiter.prototype.acquire;
		jest.spyOn(AdaptiveRateLimiter.prototype, 'acquire').mockImplementation(async function (
			this: AdaptiveRateLimiter,
		): Promise<RatePermit> {
			const permit = await acquire.call(this);
			grants.push({ limiter: this, rate: this.stats.currentRate });
			return permit;
		});
	});

	afterEach(() => {
		jest.restoreAllMocks();
	});

	it.each([
		{ ceiling: 20, throttleResponse: 'subCode' as const },
		{ ceiling: 0, throttleResponse: 'http429' as const },
	])(
		'ceiling $ceiling req/s, throttled with $throttleResponse: slows below the gateway limit and returns every shop once',
		async ({ ceiling, throttleResponse }) => {
			emulator.setFaults({ throttleAbovePerSecond: GATEWAY_LIMIT, throttleResponse });
			const { outputs, harness } = await executeNode(node, {
				parameters: {
					resource: 'salesChannel',
					operation: 'getAll',
					returnAll: true,
					options: { pageSize: PAGE_SIZE, requestsPerSecond: ceiling, maxTries: 20, maxRetryWaitSeconds: 1 },
				},
				credentials: { jikeyunApi: jikeyunCredentialData(emulator) },
			});

			// Every shop, exactly once, despite the refused calls.
			const visible = emulator.listShops().filter((shop) => !shop.isDelete && !shop.isBlockup);
			const codes = outputs[0].map((item) => item.json.channelCode as string);
			expect(codes).toHaveLength(visible.length);
			expect(new Set(codes)).toEqual(new Set(visible.map((shop) => shop.channelCode)));

			// The gateway did throttle, and each refused call was sent once more.
			const gateway = emulator.stats();
			expect(gateway.throttled).toBeGreaterThan(0);
			const pages = Math.floor(visible.length / PAGE_SIZE) + 1;
			// Every page twice: the read and its confirmation.
			expect(harness.requests).toHaveLength(2 * pages + gateway.throttled);

			// One limiter for the whole run, slowed down by the throttles to below what the gateway allows.
			const limiters = new Set(grants.map((grant) => grant.limiter));
			expect(limiters.size).toBe(1);
			const [limiter] = limiters;
			expect(grants).toHaveLength(harness.requests.length);
			const { decreases, lowestRate } = limiter.stats;
			expect(decreases).toBeGreaterThan(0);
			expect(decreases).toBeLessThanOrEqual(gateway.throttled);
			expect(lowestRate).toBeGreaterThan(0);
			expect(lowestRate).toBeLessThan(GATEWAY_LIMIT);

			const firstLimited = grants.findIndex((grant) => grant.rate > 0 && grant.rate < (ceiling || Infinity));
			expect(firstLimited).toBeGreaterThan(0);
			if (ceiling > 0) {
				// Until the first throttle at the ceiling, never above it.
				expect(grants.slice(0, firstLimited).every((grant) => grant.rate === ceiling)).toBe(true);
				expect(grants.every((grant) => grant.rate <= ceiling)).toBe(true);
			} else {
				// No limit until the first throttle; from then on a limit.
				expect(grants.slice(0, firstLimited).every((grant) => grant.rate === 0)).toBe(true);
				expect(grants.slice(firstLimited).every((grant) => grant.rate > 0)).toBe(true);
			}
		},
	);
});
