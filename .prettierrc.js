/**
 * Prettier, as n8n's node starter (n8n-io/n8n-nodes-starter) configures it, with two changes to match this repository:
 * lines wrap at 120 (the width the code and docs are written to; the starter uses 100), and JSON keeps its two-space
 * indent (how npm and n8n write package.json and exported workflows).
 *
 * `npm run format` applies it; docs and n8n's own files are left out in .prettierignore.
 */
module.exports = {
	/**
	 * https://prettier.io/docs/en/options.html#semicolons
	 */
	semi: true,

	/**
	 * https://prettier.io/docs/en/options.html#trailing-commas
	 */
	trailingComma: 'all',

	/**
	 * https://prettier.io/docs/en/options.html#bracket-spacing
	 */
	bracketSpacing: true,

	/**
	 * https://prettier.io/docs/en/options.html#tabs
	 */
	useTabs: true,

	/**
	 * https://prettier.io/docs/en/options.html#tab-width
	 */
	tabWidth: 2,

	/**
	 * https://prettier.io/docs/en/options.html#arrow-function-parentheses
	 */
	arrowParens: 'always',

	/**
	 * https://prettier.io/docs/en/options.html#quotes
	 */
	singleQuote: true,

	/**
	 * https://prettier.io/docs/en/options.html#quote-props
	 */
	quoteProps: 'as-needed',

	/**
	 * https://prettier.io/docs/en/options.html#end-of-line
	 */
	endOfLine: 'lf',

	/**
	 * https://prettier.io/docs/en/options.html#print-width
	 */
	printWidth: 120,

	overrides: [
		{
			files: ['*.json'],
			options: { useTabs: false },
		},
	],
};
