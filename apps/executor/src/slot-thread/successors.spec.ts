import { Successors } from './successors';

describe('Successors', () => {
  const b = { slotId: 'cpu-1/m/1/m_1', token: 'b1' };
  const c = { slotId: 'cpu-1/m/1/m_2', token: 'c1' };

  it('gives the successor named with the grant, once', () => {
    const successors = new Successors();
    successors.granted('a1', b);
    expect(successors.of('a1')).toEqual(b);
    expect(successors.finish('a1')).toEqual(b);
    expect(successors.finish('a1')).toBeUndefined();
  });

  it('takes the latest word: a changed successor, or none', () => {
    const successors = new Successors();
    successors.granted('a1', b);
    successors.name('a1', c);
    expect(successors.finish('a1')).toEqual(c);
    successors.granted('a2', b);
    successors.name('a2', null);
    expect(successors.finish('a2')).toBeUndefined();
  });

  it('keeps a successor named in advance when another slot hands the payload its grant, but not when the rate limiter grants it', () => {
    const successors = new Successors();
    successors.name('a1', b); // while a1 waits parked
    successors.granted('a1'); // handed over in process
    expect(successors.finish('a1')).toEqual(b);
    successors.name('a2', b);
    successors.granted('a2', null); // granted by the rate limiter, which predicts nothing now
    expect(successors.finish('a2')).toBeUndefined();
  });

  it('knows no successor for a payload granted without one', () => {
    const successors = new Successors();
    successors.granted('a1');
    expect(successors.of('a1')).toBeUndefined();
    expect(successors.finish('a1')).toBeUndefined();
  });

  it('keeps only the newest words, so those about payloads that never ran here are forgotten', () => {
    const successors = new Successors(2);
    successors.granted('t1', b);
    successors.granted('t2', b);
    successors.name('t3', c);
    expect(successors.finish('t1')).toBeUndefined();
    expect(successors.finish('t2')).toEqual(b);
    expect(successors.finish('t3')).toEqual(c);
  });
});
