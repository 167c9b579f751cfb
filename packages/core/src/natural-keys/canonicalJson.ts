/** @internal The JSON replacer of natural key strings: bigints as decimal strings, bytes as base64. */
export function canonical(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value.toString();
  }
  if (value instanceof Uint8Array) {
    return Buffer.from(value).toString('base64');
  }
  // Buffer#toJSON runs before the replacer sees the value
  if (isBufferJson(value)) {
    return Buffer.from(value.data).toString('base64');
  }
  return value;
}

function isBufferJson(value: unknown): value is { type: 'Buffer'; data: number[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  );
}
