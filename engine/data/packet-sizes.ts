/**
 * Packet size distributions for the network workloads.
 *
 * Numbers copied from ./packet-sizes.csv (transcribed there from the public pages in
 * its `source` column; see ./packet-sizes.SOURCE.txt). Each entry names its CSV
 * `dataset` and the source cited in that column.
 */

export interface PacketSizeDistribution {
  /** Name used by the `sizes` workload parameter. */
  readonly name: string;
  /** The CSV `dataset` this comes from. */
  readonly dataset: string;
  /** What a size counts (the CSV `unit` column). */
  readonly unit: string;
  /**
   * 'ip': IP packet bytes (an Ethernet frame adds its 14-byte header and 4-byte FCS and is at
   * least 64 bytes); 'frame': Ethernet frame bytes with the FCS already.
   */
  readonly wire: 'ip' | 'frame';
  readonly sizes: readonly number[];
  /** Packet shares, same order as `sizes` (need not sum to 1; see `rest`). */
  readonly shares: readonly number[];
  /**
   * Share not covered by `sizes` (1 - sum of shares) and the byte range it is
   * spread over, uniformly. An assumption of ours, not of the source: the source
   * only says the rest is spread over other sizes.
   */
  readonly rest?: { readonly lo: number; readonly hi: number };
  /** The CSV `source` column. */
  readonly source: string;
}

/** Simple IMIX, IPv4 packet bytes, 7:4:1 (avg 340.3 B). CSV dataset `simple_imix_ip`. */
export const IMIX_IP: PacketSizeDistribution = {
  name: 'imix',
  dataset: 'simple_imix_ip',
  unit: 'IPv4 packet bytes',
  wire: 'ip',
  sizes: [40, 576, 1500],
  shares: [7 / 12, 4 / 12, 1 / 12],
  source: "https://srivatsp.com/ostinato/ostinato-imix-traffic/ (cites Wikipedia 'Internet Mix')",
};

/** Simple IMIX as Ethernet frames incl. FCS: max(ip + 18, 64), 7:4:1 (avg 361.8 B). CSV dataset `simple_imix_eth`. */
export const IMIX_ETH: PacketSizeDistribution = {
  name: 'imix-eth',
  dataset: 'simple_imix_eth',
  unit: 'Ethernet frame bytes incl FCS',
  wire: 'frame',
  sizes: [64, 594, 1518],
  shares: [7 / 12, 4 / 12, 1 / 12],
  source: 'https://ostinato.org/blog/imix',
};

/**
 * FIX-West, 12 Feb 1996, 15-minute trace, IP packet bytes. CSV dataset `fixwest_1996`.
 * Only sizes above 1% were published (sum 0.7079); the remaining ~29% was "spread over
 * other sizes <= 1500": we spread it uniformly over 40..1500 bytes (our assumption).
 */
export const FIXWEST_1996: PacketSizeDistribution = {
  name: 'fixwest',
  dataset: 'fixwest_1996',
  unit: 'IP packet bytes',
  wire: 'ip',
  sizes: [40, 41, 44, 72, 185, 296, 552, 576, 1500],
  shares: [0.3055, 0.0151, 0.0304, 0.041, 0.0272, 0.0148, 0.2229, 0.0359, 0.0151],
  rest: { lo: 40, hi: 1500 },
  source: 'NANOG post by Kent England (lists.nanog.org archive msg WVRIXB53...) citing k claffy/J. Scharf',
};

/**
 * A transit FDDI ring, 6 Aug 1996, 12:00-13:00 EDT, IP packet bytes. CSV dataset
 * `transit_fddi_1996`. The stored copy lists the ten most frequent sizes only (sum 0.7870);
 * as for FIX-West we spread the remaining ~21% uniformly over 40..1500 bytes (our assumption).
 */
export const TRANSIT_FDDI_1996: PacketSizeDistribution = {
  name: 'fddi1996',
  dataset: 'transit_fddi_1996',
  unit: 'IP packet bytes',
  wire: 'ip',
  sizes: [40, 552, 576, 1500, 44, 41, 52, 60, 48, 72],
  shares: [0.364837, 0.192812, 0.0956957, 0.0484203, 0.0400251, 0.0248799, 0.00573903, 0.00505717, 0.00484214, 0.00467757],
  rest: { lo: 40, hi: 1500 },
  source: 'https://mailarchive.ietf.org/arch/msg/big-internet/yZeH53_3exUaTSonofbNyqw-O58/ (John Hawkinson)',
};

export const PACKET_SIZE_DISTRIBUTIONS: Readonly<Record<string, PacketSizeDistribution>> = {
  [IMIX_IP.name]: IMIX_IP,
  [IMIX_ETH.name]: IMIX_ETH,
  [FIXWEST_1996.name]: FIXWEST_1996,
  [TRANSIT_FDDI_1996.name]: TRANSIT_FDDI_1996,
};
