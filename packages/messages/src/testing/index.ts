/**
 * Test support: sample documents for every message kind, shipped with the package so a first decode needs no
 * hand-written XML. All are synthetic except `qr-v6.0-published`, NHS England's own test document.
 */
export { VERSION } from '../version.js';
export { readSampleMessage, type SampleMessage, sampleMessagePath, sampleMessages } from './samples.js';
