import { NodeOperationError, type INode } from 'n8n-workflow';
import { wholeNumberProblem, type WholeNumberRange } from '../common/wholeNumber';

/**
 * Where bad input was found: an item's index, or `'poll'` for a trigger's poll (which has no items).
 * The "Item N" rule (ARCHITECTURE.md#error-items): every error message of both nodes starts with "Item N: " (or
 * "Poll: "), then says what is wrong and, after a colon, what to do. The message is what n8n shows as the error's
 * title and the only text an error-output item is sure to carry, so it holds the whole story; no description repeats it.
 */
export type InputPlace = number | 'poll';

/** "Item 3" or "Poll": the prefix of every message about that place. */
export function placeName(place: InputPlace): string {
	return place === 'poll' ? 'Poll' : `Item ${place}`;
}

/** A parameter refused before any request: "Item N: <problem>: <fix>". */
export function inputError(node: INode, place: InputPlace, problem: string, fix: string): NodeOperationError {
	return new NodeOperationError(
		node,
		`${placeName(place)}: ${problem}: ${fix}`,
		place === 'poll' ? {} : { itemIndex: place },
	);
}

export interface WholeNumberRule extends WholeNumberRange {
	/** The field as the UI names it, e.g. "Page Size". */
	label: string;
	/** What to do, e.g. `set "Limit" to 1 or more, or turn on "Return All"`. */
	fix: string;
}

/** The one whole-number / limit reader of both nodes: `value` as a number, or an input error in the one wording. */
export function readWholeNumber(node: INode, place: InputPlace, value: unknown, rule: WholeNumberRule): number {
	const problem = wholeNumberProblem(rule.label, value, rule);
	if (problem !== undefined) throw inputError(node, place, problem, rule.fix);
	return Number(value);
}

/** The *Limit* of Return All + Limit, the same rule and words in every operation of both nodes. */
export function readLimit(node: INode, place: InputPlace, value: unknown): number {
	return readWholeNumber(node, place, value, {
		label: 'Limit',
		min: 1,
		fix: 'set "Limit" (e.g. 50) or turn on "Return All"',
	});
}
