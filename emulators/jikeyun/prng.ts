/**
 * Small deterministic PRNG (mulberry32) so every emulator run with the same seed produces the same
 * shops, the same contextIds and the same sequence of random failures. Math.random cannot be seeded.
 */
export type Random = () => number;

export function createRandom(seed: number): Random {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * Derives an independent seed for one stream (e.g. "shop #17") so that record N is the same no matter
 * how many records were generated before it (addShops after startup stays deterministic).
 */
export function deriveSeed(seed: number, stream: string, index = 0): number {
	let hash = (seed ^ 0x811c9dc5) >>> 0;
	const text = `${stream}#${index}`;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	// FNV alone leaves names differing in the last character with correlated seeds: finish with an avalanche.
	hash ^= hash >>> 16;
	hash = Math.imul(hash, 0x85ebca6b) >>> 0;
	hash ^= hash >>> 13;
	hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
	hash ^= hash >>> 16;
	return hash >>> 0;
}

export function randomInt(random: Random, minInclusive: number, maxInclusive: number): number {
	return minInclusive + Math.floor(random() * (maxInclusive - minInclusive + 1));
}

export function pick<T>(random: Random, values: readonly T[]): T {
	return values[Math.floor(random() * values.length)];
}
