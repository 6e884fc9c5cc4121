/**
 * The registry of generated workloads: name -> description, parameters (with
 * defaults and docs) and a factory. Parsed traces (op files, wee_alloc traces)
 * are not here: they take file text, see opfile.ts and trace-wee.ts.
 */
import { CHURN_DEFAULT_OPS, CHURN_PARAMS, createChurn } from './churn';
import { COMMON_PARAMS, type ParamSpecs, type ParamsInput } from './params';
import { NIC_RX_DEFAULT_OPS, NIC_RX_PARAMS, createNicRx } from './nic-rx';
import { PRODUCER_CONSUMER_DEFAULT_OPS, PRODUCER_CONSUMER_PARAMS, createProducerConsumer } from './producer-consumer';
import {
  SEED_EXAMPLE_PARAMS,
  SEED_FRAGMENTATION_PARAMS,
  SEED_STRESS_DEFAULT_OPS,
  SEED_STRESS_PARAMS,
  createSeedExample,
  createSeedFragmentation,
  createSeedStress,
} from './seed-workloads';
import { TCP_STREAM_DEFAULT_OPS, TCP_STREAM_PARAMS, createTcpStream } from './tcp-stream';
import type { Workload } from './types';
import { WEB_SERVER_DEFAULT_OPS, WEB_SERVER_PARAMS, createWebServer } from './web-server';

export { createChurn, type ChurnStream } from './churn';
export { createProducerConsumer } from './producer-consumer';
export { createNicRx, type NicRxStream } from './nic-rx';
export { createTcpStream, type TcpStream } from './tcp-stream';
export { createWebServer } from './web-server';
export { samplePacketSize, skbDataBytes } from './skb';
export {
  createSeedExample,
  createSeedFragmentation,
  createSeedStress,
  type FragFailure,
  type SeedFragmentationWorkload,
  SEED_2006_FAILURES,
  seedExampleOps,
} from './seed-workloads';
export { COMMON_PARAMS, describeParams, type ParamSpec, type ParamSpecs, type ParamsInput } from './params';

export interface WorkloadInfo {
  /** One or two sentences for CLI help and the UI picker. */
  readonly description: string;
  /** Workload-specific parameters (COMMON_PARAMS seed, cpus, ops apply to all). */
  readonly params: ParamSpecs;
  /** Length when `ops` is 0; 0 = the workload ends by itself (or never: give `ops`). */
  readonly defaultOps: number;
  /**
   * Its ops name CPUs across one stream (what one CPU allocates another frees), so a
   * free-running run must share one stream rather than run one instance per CPU.
   */
  readonly crossCpu?: boolean;
  create(params?: ParamsInput): Workload;
}

export const WORKLOADS: Readonly<Record<string, WorkloadInfo>> = {
  'seed-example': {
    description:
      "The seed's worked example (2 Aug 2006): alloc 120, 200, 70 bytes on CPU 0, then free the 120, the 70 and the 200. Six ops.",
    params: SEED_EXAMPLE_PARAMS,
    defaultOps: 6,
    create: createSeedExample,
  },
  'seed-fragmentation': {
    description:
      "The seed's fragmentation test (6 Aug 2006): random sizes 1..MAX, no frees; each failure halves MAX, down to minMax. Records every failure (op, bytes, MAX).",
    params: SEED_FRAGMENTATION_PARAMS,
    defaultOps: 0,
    create: createSeedFragmentation,
  },
  'seed-stress': {
    description:
      "The seed's stress test (4 Aug 2006): allocate random sizes until one fails or liveLimit are live, then free the oldest freeFraction of them; repeat.",
    params: SEED_STRESS_PARAMS,
    defaultOps: SEED_STRESS_DEFAULT_OPS,
    create: createSeedStress,
  },
  churn: {
    description:
      'Filling and draining periods that keep the live requested bytes oscillating around target * capacityBytes; frees pick a random live allocation.',
    params: CHURN_PARAMS,
    defaultOps: CHURN_DEFAULT_OPS,
    create: createChurn,
  },
  'producer-consumer': {
    description:
      'Network receive: CPU 0 allocates packet buffers (IMIX or measured sizes, as skb data by default), CPUs 1..n-1 free them once `inflight` are live.',
    params: PRODUCER_CONSUMER_PARAMS,
    defaultOps: PRODUCER_CONSUMER_DEFAULT_OPS,
    crossCpu: true,
    create: createProducerConsumer,
  },
  'nic-rx': {
    description:
      'A NIC receive ring (e1000 of Linux 2.6.18 or 6.6) refilled by NAPI polls on rxCpu; each packet is freed on the CPU its flow hashes to, or on rxCpu when that backlog is full. On 2.6.18 a jumbo MTU needs multi-page buffers.',
    params: NIC_RX_PARAMS,
    defaultOps: NIC_RX_DEFAULT_OPS,
    crossCpu: true,
    create: createNicRx,
  },
  'tcp-stream': {
    description:
      "A TCP socket's receive queue: skbs received on rxCpu stay live until the application on appCpu reads them; the sender keeps the queue within rcvbuf; short frames are copied by the driver's copybreak.",
    params: TCP_STREAM_PARAMS,
    defaultOps: TCP_STREAM_DEFAULT_OPS,
    crossCpu: true,
    create: createTcpStream,
  },
  'web-server': {
    description:
      "The seed's web server benchmark shape: keep-alive connections of short requests; a request arrives on rxCpu, its worker CPU frees it and allocates the response (SPECweb96 sizes), TX completion frees that on txCpu.",
    params: WEB_SERVER_PARAMS,
    defaultOps: WEB_SERVER_DEFAULT_OPS,
    crossCpu: true,
    create: createWebServer,
  },
};

export function workloadNames(): string[] {
  return Object.keys(WORKLOADS);
}

/**
 * Create a workload by name. Throws an Error naming the valid workloads for an
 * unknown name, and the valid parameters for an unknown parameter.
 */
export function createWorkload(name: string, params: ParamsInput = {}): Workload {
  const info = Object.hasOwn(WORKLOADS, name) ? WORKLOADS[name] : undefined;
  if (info === undefined) {
    throw new Error(`unknown workload '${name}'; valid workloads: ${workloadNames().join(', ')}`);
  }
  return info.create(params);
}

/** All parameter specs of a workload, common ones first. */
export function workloadParams(name: string): ParamSpecs {
  const info = Object.hasOwn(WORKLOADS, name) ? WORKLOADS[name] : undefined;
  if (info === undefined) throw new Error(`unknown workload '${name}'; valid workloads: ${workloadNames().join(', ')}`);
  return { ...COMMON_PARAMS, ...info.params };
}
