/** The package version; checked against package.json by the test suite, and sent in the mex-ClientVersion header. */
export const VERSION = '1.0.0-beta.0';
