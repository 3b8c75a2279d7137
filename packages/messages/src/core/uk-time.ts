/**
 * GPES-I date-times are UK local wall time with no zone (`YYYY-MM-DDThh:mm:ss`, the `xs:dateTime` lexical form without
 * fraction or offset). The zone rules come from the runtime's time-zone database through `Intl.DateTimeFormat`, never
 * from hand-written DST rules.
 */

const UK_WALL_CLOCK = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/**
 * The Europe/London wall-clock time of `instant` (default: now) as `YYYY-MM-DDThh:mm:ss`, the form the encoders
 * expect in date-time fields such as `issueDateTime`. GMT in winter, BST (UTC+1) in summer.
 *
 * In the autumn hour that happens twice (01:00–01:59 on the last Sunday of October) two instants give the same
 * string: the format has no offset, as the schema requires.
 *
 * @throws RangeError when `instant` is an invalid `Date`.
 */
export function ukLocalDateTime(instant: Date = new Date()): string {
  if (Number.isNaN(instant.getTime())) throw new RangeError('ukLocalDateTime: invalid Date');
  const p: Record<string, string> = {};
  for (const part of UK_WALL_CLOCK.formatToParts(instant)) p[part.type] = part.value;
  const year = (p.year ?? '').padStart(4, '0');
  return `${year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}
