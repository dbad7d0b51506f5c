/** Option-schema fields several network plugins share. */
export function numClassesSchema(defaultValue: number) {
  return {
    type: 'integer',
    minimum: 2,
    default: defaultValue,
    description: 'Number of output classes (size of the last layer).',
  } as const;
}

export function inputSizeSchema(defaultValue: number, minimum: number) {
  return {
    type: 'integer',
    minimum,
    default: defaultValue,
    description: `Height and width of the square RGB input (at least ${minimum}).`,
  } as const;
}

export function dropoutSchema(defaultValue: number, where: string) {
  return {
    type: 'number',
    minimum: 0,
    maximum: 0.95,
    default: defaultValue,
    description: `Dropout rate ${where} (active only in training).`,
  } as const;
}
