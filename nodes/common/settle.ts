/**
 * How pure modules act on a failed call: `settle` runs it and hands back its outcome, like one entry of
 * `Promise.allSettled`, so the code that decides (retry, classify, wrap, re-throw) runs after the call, outside any
 * `catch` block.
 *
 * Why not a plain try/catch: n8n's lint rule `require-node-api-error` refuses every `throw` inside a `catch` block that
 * is not a `NodeApiError`/`NodeOperationError`, in every `.ts` file under `nodes/`. Pure modules have no n8n imports
 * and throw their own errors, which the adapters turn into n8n errors with the item index. The rule cannot be turned
 * off for these folders, nor disabled inline (ARCHITECTURE.md#layers).
 */

/** The outcome of one call: the value it returned, or what it threw. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Runs `call` and returns its outcome; never throws (also not for a synchronous throw inside `call`). */
export async function settle<T>(call: () => T | Promise<T>): Promise<Settled<T>> {
	try {
		return { ok: true, value: await call() };
	} catch (error) {
		return { ok: false, error };
	}
}
