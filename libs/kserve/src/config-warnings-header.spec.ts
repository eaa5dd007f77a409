import { CONFIG_WARNINGS_HEADER, configWarningsHeaders } from './config-warnings-header';

describe('configWarningsHeaders', () => {
  it('sends no header when there is nothing to warn about', () => {
    expect(configWarningsHeaders(undefined)).toEqual({});
    expect(configWarningsHeaders([])).toEqual({});
  });

  it('sends the warnings as a JSON array in plain ASCII that parses back to the same text', () => {
    const warnings = ["metric_tags 'équipe' is accepted but has no effect: there is no metrics endpoint to tag", 'a line\nbreak'];
    const headers = configWarningsHeaders(warnings);
    const value = headers[CONFIG_WARNINGS_HEADER];
    expect(value).toMatch(/^[\x20-\x7e]+$/);
    expect(value).toContain('\\u00e9quipe');
    expect(JSON.parse(value)).toEqual(warnings);
  });
});
