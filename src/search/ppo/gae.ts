/**
 * Generalised advantage estimation for one finished episode (terminal after the last step):
 * delta_t = r_t + gamma * V_{t+1} - V_t (V_T = 0), A_t = sum_k (gamma * lambda)^k delta_{t+k},
 * and the value targets (returns) R_t = A_t + V_t.
 */
export function gae(
  rewards: readonly number[], values: readonly number[], gamma: number, lambda: number,
): { advantages: number[]; returns: number[] } {
  if (rewards.length !== values.length) {
    throw new RangeError(`gae needs one value per reward (got ${rewards.length} rewards, ${values.length} values)`);
  }
  const T = rewards.length;
  const advantages = new Array<number>(T).fill(0);
  let running = 0;
  for (let t = T - 1; t >= 0; t--) {
    const next = t + 1 < T ? values[t + 1]! : 0;
    const delta = rewards[t]! + gamma * next - values[t]!;
    running = delta + gamma * lambda * running;
    advantages[t] = running;
  }
  return { advantages, returns: advantages.map((a, t) => a + values[t]!) };
}
