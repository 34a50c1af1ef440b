/** The range a whole-number setting must fall in (inclusive); no `max` means no upper bound. */
export interface WholeNumberRange {
	min: number;
	max?: number;
}

/**
 * Why `value` is not a whole number within `range`, worded the one way both nodes use
 * ("Page Size must be a whole number from 1 to 200, got 500"), or undefined when it is.
 * Pure, so protocol modules that know a method's cap word it the same way as the node.
 */
export function wholeNumberProblem(label: string, value: unknown, range: WholeNumberRange): string | undefined {
	const number = typeof value === 'number' ? value : Number(value);
	const inRange = number >= range.min && (range.max === undefined || number <= range.max);
	if (value !== null && value !== '' && Number.isInteger(number) && inRange) return undefined;
	const wanted = range.max === undefined ? `of at least ${range.min}` : `from ${range.min} to ${range.max}`;
	return `${label} must be a whole number ${wanted}, got ${String(value)}`;
}
