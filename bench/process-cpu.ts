/**
 * CPU time of processes on this machine, for benchmarks that share two cores between workers,
 * the S3 server, Redis and themselves: wall-clock rates move with whatever else runs, CPU
 * seconds per unit of work much less.
 */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/** Linux's USER_HZ: /proc reports CPU times in these ticks (100 on every mainstream build). */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds a live process (all its threads) has used, from /proc/<pid>/stat. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name (which may contain spaces): utime is field 14,
  // stime 15 in proc(5)'s numbering, i.e. 12th and 13th after the ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds the Redis server has used (INFO cpu: used_cpu_user + used_cpu_sys). */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return field('used_cpu_user') + field('used_cpu_sys');
}
