/* eslint-disable @n8n/community-nodes/no-restricted-globals */
/**
 * Time and order in the Kingdee emulator: sleeps that close() can cancel, and per-session serialisation (requests
 * presenting the same session run one after another, as IIS queues them; docs/kingdee-webapi.md#emulator-choices).
 */

/** Thrown into pending work when the emulator closes; the request's socket is destroyed. */
export class EmulatorClosed extends Error {}

/** Sleeps that reject with EmulatorClosed once `close()` has been called. */
export class Sleeper {
	private closed = false;
	private readonly pending = new Set<{ timer: NodeJS.Timeout; reject: (error: Error) => void }>();

	readonly sleep = (ms: number): Promise<void> =>
		new Promise<void>((resolve, reject) => {
			if (this.closed) return reject(new EmulatorClosed());
			if (!(ms > 0)) return resolve();
			const entry = {
				timer: setTimeout(() => {
					this.pending.delete(entry);
					resolve();
				}, ms),
				reject,
			};
			this.pending.add(entry);
		});

	get isClosed(): boolean {
		return this.closed;
	}

	close(): void {
		this.closed = true;
		for (const entry of this.pending) {
			clearTimeout(entry.timer);
			entry.reject(new EmulatorClosed());
		}
		this.pending.clear();
	}
}

/**
 * Runs work per session one at a time (other sessions, and requests without one, concurrently) and reports the
 * highest concurrency seen per session and overall.
 */
export class SessionQueues {
	private readonly queues = new Map<string, Promise<void>>();
	private readonly activeBySession = new Map<string, number>();
	private activeOverall = 0;

	constructor(private readonly observe: (perSession: number, overall: number) => void) {}

	async run<T>(key: string | undefined, work: () => Promise<T>): Promise<T> {
		const release = key === undefined ? () => {} : await this.waitForTurn(key);
		this.activeOverall++;
		const active = key === undefined ? 0 : (this.activeBySession.get(key) ?? 0) + 1;
		if (key !== undefined) this.activeBySession.set(key, active);
		this.observe(active, this.activeOverall);
		try {
			return await work();
		} finally {
			this.activeOverall--;
			if (key !== undefined) {
				const left = (this.activeBySession.get(key) ?? 1) - 1;
				if (left === 0) this.activeBySession.delete(key);
				else this.activeBySession.set(key, left);
			}
			release();
		}
	}

	/** Waits until the session's earlier requests are done; returns the release of this one. */
	private async waitForTurn(key: string): Promise<() => void> {
		const previous = this.queues.get(key) ?? Promise.resolve();
		let finish = () => {};
		const mine = new Promise<void>((resolve) => (finish = resolve));
		const tail = previous.then(() => mine);
		this.queues.set(key, tail);
		await previous;
		return () => {
			finish();
			if (this.queues.get(key) === tail) this.queues.delete(key);
		};
	}
}
