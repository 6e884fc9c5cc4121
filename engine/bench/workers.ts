/** Worker rows of the benchmark; filled in by the runtime (issue 3). */
export async function benchWorkers(_runs: number): Promise<{ name: string; runs: number[] }[]> {
  return [];
}
