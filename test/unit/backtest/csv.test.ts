import { CsvInputError, parseCsv, parseTimestamp, splitCsvLine } from '../../../src/backtest/csv';

describe('backtest CSV reader', () => {
  it('reads space-separated stamps without a zone as UTC, and ISO stamps as written', () => {
    expect(parseTimestamp('2014-02-14 14:30:00')).toBe(Date.UTC(2014, 1, 14, 14, 30));
    expect(parseTimestamp('2014-02-14T14:30:00+01:00')).toBe(Date.UTC(2014, 1, 14, 13, 30));
    expect(parseTimestamp('2014-02-14T14:30:00')).toBe(Date.UTC(2014, 1, 14, 14, 30));
    expect(parseTimestamp('14/02/2014')).toBeNaN();
  });

  it('finds the timestamp, container and service columns wherever they are; every other column is a metric', () => {
    const t = parseCsv('cpu_pct,container,timestamp,service,mem_pct\n1,api-1,2014-02-14 00:00:00,api,2\n', 'in.csv');
    expect(t.metrics).toEqual(['cpu_pct', 'mem_pct']);
    expect(t.hasContainer).toBe(true);
    expect(t.rows).toEqual([{ file: 'in.csv', line: 2, rawTime: '2014-02-14 00:00:00', timeMs: Date.UTC(2014, 1, 14), container: 'api-1', service: 'api', values: [1, 2] }]);
  });

  it('keeps a quoted comma inside its field, and skips blank lines without losing a row', () => {
    expect(splitCsvLine('"a,b",c,"say ""hi"""')).toEqual(['a,b', 'c', 'say "hi"']);
    expect(splitCsvLine('"open,x')).toBeNull();
    const t = parseCsv('timestamp,container,v\r\n2014-02-14 00:00:00,"web,eu",1\r\n\r\n2014-02-14 00:05:00,"web,eu",2\r\n', 'in.csv');
    expect(t.rows.map((r) => [r.line, r.container, r.values[0]])).toEqual([[2, 'web,eu', 1], [4, 'web,eu', 2]]);
  });

  it.each([
    ['an empty file', '', 'in.csv:1: the file is empty'],
    ['a missing timestamp column', 'time,value\n', 'in.csv:1: no "timestamp" column (found: time, value)'],
    ['no metric column', 'timestamp,container\n', 'in.csv:1: no metric columns besides timestamp, container'],
    ['a duplicate column', 'timestamp,a,a\n', 'in.csv:1: column "a" appears twice'],
    ['a short row', 'timestamp,a,b\n2014-02-14 00:00:00,1\n', 'in.csv:2: expected 3 fields (timestamp,a,b), found 2'],
    ['a non-numeric value', 'timestamp,a\n2014-02-14 00:00:00,1\n2014-02-14 00:05:00,abc\n', 'in.csv:3: field "a": "abc" is not a number'],
    ['an empty value', 'timestamp,a\n2014-02-14 00:00:00,\n', 'in.csv:2: field "a": "" is not a number'],
    ['a bad timestamp', 'timestamp,a\nyesterday,1\n', 'in.csv:2: field "timestamp": "yesterday" is not an ISO-8601 timestamp'],
    ['an empty container', 'timestamp,container,a\n2014-02-14 00:00:00,,1\n', 'in.csv:2: field "container" is empty'],
    ['an unclosed quote', 'timestamp,container,a\n2014-02-14 00:00:00,"x,1\n', 'in.csv:2: unclosed quote'],
  ])('rejects %s, naming the file, the line and the field', (_what, text, message) => {
    expect(() => parseCsv(text, 'in.csv')).toThrow(message);
    expect(() => parseCsv(text, 'in.csv')).toThrow(CsvInputError);
  });

  it('accepts time going backwards: ordering is the feed’s business, not the reader’s', () => {
    const t = parseCsv('timestamp,a\n2014-02-14 01:00:00,1\n2014-02-14 00:00:00,2\n', 'in.csv');
    expect(t.rows.map((r) => r.values[0])).toEqual([1, 2]);
  });
});
