/** Schema pieces both weight quantizers share: how activations are quantized when asked to. */
export const activationClipSchema = {
  type: 'number',
  exclusiveMinimum: 0,
  default: 1,
  description:
    'Activations are clamped to [0, activationClip] and uniformly quantized there (DoReFa/WRPN style; '
    + '1 as in the papers, 6 suits ReLU6 networks such as pretrained MobileNet). Used only when activations are quantized.',
} as const;
