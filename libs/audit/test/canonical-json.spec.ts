import { canonicalJson } from '@edoc/audit';

describe('canonicalJson', () => {
  it('gives the same text whatever order the keys were written in', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null], c: 'x' } })).toBe('{"a":{"c":"x","d":[true,null]},"b":1}');
    expect(canonicalJson({ a: { c: 'x', d: [true, null] }, b: 1 })).toBe(canonicalJson({ b: 1, a: { d: [true, null], c: 'x' } }));
  });

  it('orders keys by UTF-16 code units and keeps Vietnamese text as it is', () => {
    expect(canonicalJson({ 'Đ': 1, Z: 2, a: 3, 'Quyết định': 'Về việc' })).toBe('{"Quyết định":"Về việc","Z":2,"a":3,"Đ":1}');
  });

  it('leaves out undefined properties', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });

  it('refuses values whose text would not be stable, naming where they are', () => {
    expect(() => canonicalJson({ a: [1.5] })).toThrow('$.a[0] is 1.5');
    expect(() => canonicalJson({ when: new Date(0) })).toThrow('$.when is not a plain object');
    expect(() => canonicalJson({ big: 10n })).toThrow('$.big is a bigint');
  });
});
