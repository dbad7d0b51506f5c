/** Snapshots name the agent that wrote them, so a resume with another agent fails clearly. */
export function checkSnapshotAgent(json: unknown, agent: string): Record<string, unknown> {
  const found = typeof json === 'object' && json !== null ? (json as Record<string, unknown>).agent : undefined;
  if (found !== agent) {
    throw new Error(`the snapshot was written by agent ${JSON.stringify(found ?? 'unknown')}, not ${agent}`);
  }
  return json as Record<string, unknown>;
}
