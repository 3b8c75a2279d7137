import type { FieldDecl, ParameterDecl } from '../spec/model.js';

/** Paths into a specification, XPath-like, the same whether the spec came from XML or TypeScript. */
export const ROOT = '/QuerySpecification';

const FIELD_ELEMENTS: Readonly<Record<FieldDecl['kind'], string>> = {
  patientAttribute: 'PatientAttribute',
  age: 'Age',
  registrationDate: 'RegistrationDate',
  date: 'Date',
  value: 'Value',
  dateArray: 'DateArray',
  valueArray: 'ValueArray',
  latestOf: 'LatestOf',
  earliestOf: 'EarliestOf',
};

/** The XML element name of a field kind. */
export function fieldElement(kind: FieldDecl['kind']): string {
  return FIELD_ELEMENTS[kind] ?? 'Field';
}

const PARAMETER_ELEMENTS: Readonly<Record<ParameterDecl['type'], string>> = {
  date: 'DateParameter',
  number: 'NumberParameter',
  text: 'TextParameter',
};

/** The XML element name of a parameter type. */
export function parameterElement(type: ParameterDecl['type']): string {
  return PARAMETER_ELEMENTS[type] ?? 'Parameter';
}

/** `[@attr="value"]`, with quotes in the value escaped. */
export function pred(attr: string, value: unknown): string {
  return `[@${attr}="${String(value).replace(/"/g, '&quot;')}"]`;
}
