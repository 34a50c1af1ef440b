import { contentHash, stableStringify } from '../../nodes/common/contentHash';
import { splitList } from '../../nodes/common/list';
import { parseJsonLossless } from '../../nodes/common/losslessJson';
import { collectPages } from '../../nodes/common/paginate';
import { createRedactor } from '../../nodes/common/redact';
import { backoffDelayMs, withRetry } from '../../nodes/common/retry';
import { settle } from '../../nodes/common/settle';

describe('parseJsonLossless', () => {
	it('keeps integers beyond 2^53 exact and leaves everything else alone', () => {
		const text =
			'{"id":1990412345678901234,"neg":-9007199254740993,"safe":9007199254740991,"float":1.5e3,' +
			'"inString":"x\\"1990412345678901234","list":[12345678901234567890,1],"dec":12345678901234567.5}';
		expect(parseJsonLossless(text)).toEqual({
			id: '1990412345678901234',
			neg: '-9007199254740993',
			safe: 9007199254740991,
			float: 1500,
			inString: 'x"1990412345678901234',
			list: ['12345678901234567890', 1],
			dec: Number('12345678901234567.5'),
		});
	});

	it('still rejects invalid JSON', () => {
		expect(() => parseJsonLossless('{"a":')).toThrow();
	});
});

describe('settle', () => {
	it('hands back the value of a call that resolves', async () => {
		expect(await settle(async () => ({ id: 7 }))).toEqual({ ok: true, value: { id: 7 } });
	});

	it('hands back the very error a call rejects with, instead of throwing', async () => {
		const refused = new Error('refused');
		const outcome = await settle(async () => {
			throw refused;
		});
		expect(outcome).toEqual({ ok: false, error: refused });
		expect(outcome.ok === false && outcome.error).toBe(refused);
	});

	it('also catches a synchronous throw and a rejection with a non-Error', async () => {
		expect(
			await settle(() => {
				throw new TypeError('not a function');
			}),
		).toEqual({ ok: false, error: new TypeError('not a function') });
		expect(await settle(() => Promise.reject('plain text'))).toEqual({ ok: false, error: 'plain text' });
	});

	it('keeps a resolved undefined apart from a failure', async () => {
		expect(await settle(async () => undefined)).toEqual({ ok: true, value: undefined });
	});
});

describe('withRetry', () => {
	const noSleep = async () => {};

	it('retries retryable failures until success, waiting with backoff before each retry', async () => {
		const waits: number[] = [];
		let calls = 0;
		const result = await withRetry(
			async () => {
				calls++;
				if (calls < 4) throw new Error('busy');
				return 'done';
			},
			{
				policy: { maxTries: 5, baseDelayMs: 100, maxDelayMs: 1000 },
				isRetryable: () => true,
				sleep: async (ms) => {
					waits.push(ms);
				},
				random: () => 0,
			},
		);
		expect(result).toBe('done');
		expect(calls).toBe(4);
		// Equal jitter with random() = 0: half of 100, 200, 400 ms.
		expect(waits).toEqual([50, 100, 200]);
	});

	it('fails at once on a permanent error and after maxTries on a transient one', async () => {
		let calls = 0;
		await expect(
			withRetry(
				async () => {
					calls++;
					throw new Error('bad sign');
				},
				{ policy: { maxTries: 5, baseDelayMs: 1, maxDelayMs: 1 }, isRetryable: () => false, sleep: noSleep },
			),
		).rejects.toThrow('bad sign');
		expect(calls).toBe(1);
		calls = 0;
		await expect(
			withRetry(
				async () => {
					calls++;
					throw new Error('busy');
				},
				{ policy: { maxTries: 3, baseDelayMs: 1, maxDelayMs: 1 }, isRetryable: () => true, sleep: noSleep },
			),
		).rejects.toThrow('busy');
		expect(calls).toBe(3);
	});

	it('backs off exponentially with jitter inside [half, full] of the capped delay', () => {
		const policy = { maxTries: 10, baseDelayMs: 500, maxDelayMs: 30_000 };
		expect(backoffDelayMs(1, policy, () => 0)).toBe(250);
		expect(backoffDelayMs(1, policy, () => 1)).toBe(500);
		expect(backoffDelayMs(4, policy, () => 1)).toBe(4000);
		expect(backoffDelayMs(20, policy, () => 0)).toBe(15_000);
		expect(backoffDelayMs(20, policy, () => 1)).toBe(30_000);
	});
});

describe('pagination', () => {
	const source =
		(total: number) =>
		async ({ pageIndex, pageSize }: { pageIndex: number; pageSize: number }) =>
			Array.from(
				{ length: Math.max(0, Math.min(pageSize, total - pageIndex * pageSize)) },
				(_, i) => pageIndex * pageSize + i,
			);

	it('reads every record and stops on the short page', async () => {
		const result = await collectPages({ fetchPage: source(123), pageSize: 50 });
		expect(result.records).toEqual(Array.from({ length: 123 }, (_, i) => i));
		expect(result.pages).toBe(3);
		expect(result.stopReason).toBe('shortPage');
	});

	it('stops on the empty page when the total is a multiple of the page size', async () => {
		const requested: number[] = [];
		const result = await collectPages({
			fetchPage: async (request) => {
				requested.push(request.pageIndex);
				return await source(100)(request);
			},
			pageSize: 50,
		});
		expect(result.records).toHaveLength(100);
		expect(result.stopReason).toBe('emptyPage');
		expect(requested).toEqual([0, 1, 2]);
	});

	it('honours the limit exactly without fetching further pages', async () => {
		const requested: number[] = [];
		const result = await collectPages({
			fetchPage: async (request) => {
				requested.push(request.pageIndex);
				return await source(1000)(request);
			},
			pageSize: 50,
			limit: 75,
		});
		expect(result.records).toHaveLength(75);
		expect(result.stopReason).toBe('limit');
		expect(requested).toEqual([0, 1]);
	});

	it('stops when an API ignores the page parameter and repeats a page', async () => {
		const result = await collectPages({ fetchPage: async () => [1, 2, 3], pageSize: 3 });
		expect(result.records).toEqual([1, 2, 3]);
		expect(result.stopReason).toBe('repeatedPage');
	});

	it('respects a 1-based start and a page cap', async () => {
		const requested: number[] = [];
		const result = await collectPages({
			fetchPage: async ({ pageIndex }) => {
				requested.push(pageIndex);
				return [pageIndex, pageIndex];
			},
			pageSize: 2,
			startIndex: 1,
			maxPages: 3,
		});
		expect(requested).toEqual([1, 2, 3]);
		expect(result).toEqual({ records: [1, 1, 2, 2, 3, 3], pages: 3, stopReason: 'maxPages' });
	});
});

describe('contentHash and redaction', () => {
	it('hashes content independently of key order', () => {
		expect(stableStringify({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
		expect(contentHash({ a: 1, b: 'x' })).toBe(contentHash({ b: 'x', a: 1 }));
		expect(contentHash({ a: 1, b: 'x' })).not.toBe(contentHash({ a: 1, b: 'y' }));
	});

	it('redacts every occurrence of each secret', () => {
		expect(createRedactor(['hunter22', 'abc', undefined])('pw=hunter22 again hunter22, key abc')).toBe(
			'pw=*** again ***, key abc',
		);
	});

	it('redacts a piece of a known value that a page cut short (a 14-character session-id prefix), but not 9 characters of it', () => {
		const sessionId = '2c6dfa6c-039b-4b65-b52f-898d3c7c522a';
		const redact = createRedactor([], [sessionId]);
		expect(redact(`Session state 2c6dfa6c-039b-… was not found`)).toBe('Session state ***… was not found');
		expect(redact('tail 898d3c7c522a echoed')).toBe('tail *** echoed');
		// Ten characters is the shortest piece removed; nine is ordinary text.
		expect(redact('id 2c6dfa6c-0 and 2c6dfa6c- here')).toBe('id *** and 2c6dfa6c- here');
	});

	it('reads the session ids at every call, so ids learned later are removed too', () => {
		const ids = new Set<string>();
		const redact = createRedactor(['Kd-Pass-2024!'], ids);
		ids.add('aaaabbbbccccdddd');
		expect(redact('pw Kd-Pass-2024! id aaaabbbbccccdddd')).toBe('pw *** id ***');
	});

	it("removes Jikeyun's sign= in form, JSON and header spelling, and nothing of a word merely ending in sign", () => {
		const redact = createRedactor([]);
		expect(redact('appkey=10000001&sign=9F86D081884C7D659A2FEAA0C55AD015&timestamp=2024')).toBe(
			'appkey=10000001&sign=***&timestamp=2024',
		);
		expect(redact('{"sign":"9F86D081884C7D659A2FEAA0C55AD015","method":"x"}')).toBe('{"sign":"***","method":"x"}');
		expect(redact('Sign: abcdef')).toBe('Sign: ***');
		expect(redact('LoginBySign=ok, design=flat')).toBe('LoginBySign=ok, design=flat');
	});
});

describe('splitList', () => {
	it('trims, drops empty entries and accepts arrays from expressions', () => {
		expect(splitList(' C001, C002 ,,C003 ')).toEqual(['C001', 'C002', 'C003']);
		expect(splitList(['A ', '', 12])).toEqual(['A', '12']);
		expect(splitList(undefined)).toEqual([]);
		expect(splitList('a;b\nc,d', /[,;\n]/)).toEqual(['a', 'b', 'c', 'd']);
		expect(splitList('a;b')).toEqual(['a;b']);
	});
});
