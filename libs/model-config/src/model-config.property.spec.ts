import { FlotillaError } from '@flotilla/contracts';
import fc from 'fast-check';
import { parseModelConfig, renderPbtxt } from './model-config-text';
import { MODEL_CONFIG_SCHEMA } from './model-config.schema';
import type { ModelConfig } from './model-config.types';
import { PbtxtParseError } from './pbtxt/parse-error';
import { messageArbitrary } from './pbtxt/testing/message-arbitrary';

const anyModelConfig = messageArbitrary(MODEL_CONFIG_SCHEMA) as unknown as fc.Arbitrary<ModelConfig>;

/** Parsing may succeed or fail, but a failure must be a PbtxtParseError and nothing else. */
function parsesOrFailsCleanly(text: string): void {
  try {
    parseModelConfig(text);
  } catch (error) {
    expect(error).toBeInstanceOf(PbtxtParseError);
    expect(error).toBeInstanceOf(FlotillaError);
    expect((error as PbtxtParseError).code).toBe('INVALID_ARG');
  }
}

/** Characters that make mutations likely to hit interesting parser paths. */
const pbtxtChar = fc.constantFrom(...'{}<>[]:,;-#"\'\\\n .0123456789xefnt_aAZ'.split(''));

const mutation = fc.record({
  at: fc.nat(),
  deleteCount: fc.nat({ max: 3 }),
  insert: fc.oneof(fc.string({ unit: pbtxtChar, maxLength: 3 }), fc.string({ maxLength: 2 })),
});

function mutate(text: string, mutations: { at: number; deleteCount: number; insert: string }[]): string {
  return mutations.reduce((current, { at, deleteCount, insert }) => {
    const position = at % (current.length + 1);
    return current.slice(0, position) + insert + current.slice(position + deleteCount);
  }, text);
}

describe('parseModelConfig properties', () => {
  it('reads back exactly what renderPbtxt wrote, for any config', () => {
    fc.assert(
      fc.property(anyModelConfig, (config) => {
        expect(parseModelConfig(renderPbtxt(config))).toEqual(config);
      }),
      { numRuns: 200 },
    );
  });

  it('only ever throws PbtxtParseError, for arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), parsesOrFailsCleanly), { numRuns: 300 });
    fc.assert(fc.property(fc.string({ unit: pbtxtChar, maxLength: 200 }), parsesOrFailsCleanly), { numRuns: 300 });
  });

  it('only ever throws PbtxtParseError, for mutations of valid configs', () => {
    fc.assert(
      fc.property(anyModelConfig, fc.array(mutation, { minLength: 1, maxLength: 4 }), (config, mutations) => {
        parsesOrFailsCleanly(mutate(renderPbtxt(config), mutations));
      }),
      { numRuns: 300 },
    );
  });
});
