import { expect } from 'chai';
import { dumpPythonYaml } from '../../src/tracking/python-yaml.js';
import { pythonFloatRepr } from '../../src/tracking/python-float.js';

// Expected texts were produced by PyYAML 6.0 with libyaml (CSafeDumper), the dumper MLflow uses:
// yaml.dump({'name': s}, default_flow_style=False, allow_unicode=True, sort_keys=True, Dumper=yaml.CSafeDumper)
const YAML_CASES: ReadonlyArray<readonly [string, string]> = [
  ['lenet', 'name: lenet\n'],
  ['', "name: ''\n"],
  ['lenet replay: #1', "name: 'lenet replay: #1'\n"],
  ['true', "name: 'true'\n"],
  ['123', "name: '123'\n"],
  ['1.5', "name: '1.5'\n"],
  ['null', "name: 'null'\n"],
  ['~', "name: '~'\n"],
  ["it's", "name: it's\n"],
  [' lead', "name: ' lead'\n"],
  ['trail ', "name: 'trail '\n"],
  ['a: b', "name: 'a: b'\n"],
  ['a #b', "name: 'a #b'\n"],
  ['- dash', "name: '- dash'\n"],
  ['tab\there', 'name: "tab\\there"\n'],
  ['line\nbreak', "name: 'line\n\n  break'\n"],
  ['émoji 😀', 'name: "émoji \\U0001F600"\n'],
  ['2024-01-01', "name: '2024-01-01'\n"],
  ['0x1F', "name: '0x1F'\n"],
  [`${'x'.repeat(30)} ${'y'.repeat(30)} ${'z'.repeat(30)}`, `name: ${'x'.repeat(30)} ${'y'.repeat(30)} ${'z'.repeat(30)}\n`],
  ['say "hi"', 'name: say "hi"\n'],
  ['@home', "name: '@home'\n"],
  ['!tag', "name: '!tag'\n"],
  ['back\\slash', 'name: back\\slash\n'],
  [`${'a'.repeat(40)} ${"b'c ".repeat(20)}`,
    `name: '${'a'.repeat(40)} b''c b''c b''c b''c b''c b''c b''c\n  b''c b''c b''c b''c b''c b''c b''c b''c b''c b''c b''c b''c b''c '\n`],
];

describe('tracking: Python-compatible formatting', () => {
  describe('dumpPythonYaml (libyaml scalar styles)', () => {
    for (const [value, expected] of YAML_CASES) {
      it(`writes ${JSON.stringify(value).slice(0, 40)} as PyYAML does`, () => {
        expect(dumpPythonYaml({ name: value })).to.equal(expected);
      });
    }
    it('sorts keys and writes ints, null and empty lists bare', () => {
      expect(dumpPythonYaml({ tags: [], b: 1700000000000, a: null })).to.equal('a: null\nb: 1700000000000\ntags: []\n');
    });
  });

  describe('pythonFloatRepr', () => {
    const cases: ReadonlyArray<readonly [number, string]> = [
      [0.5, '0.5'], [0, '0.0'], [-0, '-0.0'], [1, '1.0'], [1e-7, '1e-07'], [1e16, '1e+16'], [1e15, '1000000000000000.0'],
      [123456789012345, '123456789012345.0'], [0.1 + 0.2, '0.30000000000000004'], [1.5e300, '1.5e+300'], [5e-324, '5e-324'],
      [0.0001, '0.0001'], [0.00001, '1e-05'], [-2.5e-5, '-2.5e-05'], [1e22, '1e+22'], [3e21, '3e+21'],
      [2 ** 53, '9007199254740992.0'], [12345.678, '12345.678'], [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'],
    ];
    for (const [x, expected] of cases) it(`repr(${expected})`, () => expect(pythonFloatRepr(x)).to.equal(expected));
  });
});
