/** The package version; checked against package.json by the test suite, and printed by `gpes --version`. */
export const VERSION = '1.0.0-beta.0';
