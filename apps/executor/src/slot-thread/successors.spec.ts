import { Successors } from './successors';

describe('Successors', () => {
  const b = { slotId: 'cpu-1/m/1/m_1', token: 'b1' };
  const c = { slotId: 'cpu-1/m/1/m_2', token: 'c1' };

  it('gives the successor named with the grant, once', () => {
    const successors = new Successors();
    successors.granted('a1', b);
    expect(successors.finish('a1')).toEqual(b);
    expect(successors.finish('a1')).toBeUndefined();
  });

  it('takes the latest word: a changed successor, or none', () => {
    const successors = new Successors();
    successors.granted('a1', b);
    successors.update('a1', c);
    expect(successors.finish('a1')).toEqual(c);
    successors.granted('a2', b);
    successors.update('a2', null);
    expect(successors.finish('a2')).toBeUndefined();
  });

  it('ignores a word about a payload that is not executing here: finished, or never granted', () => {
    const successors = new Successors();
    successors.granted('a1');
    expect(successors.finish('a1')).toBeUndefined();
    successors.update('a1', b);
    successors.update('never', b);
    expect(successors.finish('a1')).toBeUndefined();
    expect(successors.finish('never')).toBeUndefined();
  });

  it('keeps only the newest grants, so grants whose payload never ran here are forgotten', () => {
    const successors = new Successors(2);
    successors.granted('t1', b);
    successors.granted('t2', b);
    successors.granted('t3', c);
    expect(successors.finish('t1')).toBeUndefined();
    expect(successors.finish('t2')).toEqual(b);
    expect(successors.finish('t3')).toEqual(c);
  });
});
