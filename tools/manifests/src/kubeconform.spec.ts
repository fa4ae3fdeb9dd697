import { strictSchema } from './kubeconform';

describe('strictSchema', () => {
  it('closes objects with declared properties, recursively', () => {
    const schema = {
      type: 'object',
      properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } } },
    };
    expect(strictSchema(schema)).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        spec: { type: 'object', additionalProperties: false, properties: { replicas: { type: 'integer' } } },
      },
    });
  });

  it('leaves maps and preserve-unknown-fields objects open', () => {
    const labels = { type: 'object', additionalProperties: { type: 'string' } };
    const raw = { type: 'object', properties: { a: {} }, 'x-kubernetes-preserve-unknown-fields': true };
    expect(strictSchema(labels)).toEqual(labels);
    expect(strictSchema(raw)).toEqual(raw);
  });
});
