/**
 * The e1000 receive path, as the network workloads model it: what each ring descriptor's
 * buffer costs, when a frame is copied out (copybreak), and the order in which the driver
 * refills its ring.
 *
 * Followed, by era:
 * - Linux 2.6.18: drivers/net/e1000/e1000_main.c, driver 7.1.9-k4 (its legacy, not
 *   packet-split, receive path). e1000_change_mtu sets rx_buffer_len to the smallest of
 *   256, 512, 1024, 2048, 4096, 8192, 16384 holding max_frame = mtu + 18, but 1522
 *   (MAXIMUM_ETHERNET_VLAN_SIZE) for a 1518- or 1522-byte max_frame. e1000_alloc_rx_buffers
 *   calls netdev_alloc_skb(netdev, rx_buffer_len + NET_IP_ALIGN) for every empty descriptor it
 *   passes. e1000_clean_rx_irq copies a frame whose length without FCS is below
 *   E1000_CB_LENGTH (256) into netdev_alloc_skb(length + NET_IP_ALIGN) and keeps the big
 *   buffer in the ring ("save the skb in buffer_info as good").
 * - Linux 6.6: drivers/net/ethernet/intel/e1000/e1000_main.c. With mtu <= 1500 a descriptor's
 *   buffer is netdev_alloc_frag(e1000_frag_len) = SKB_DATA_ALIGN(rx_buffer_len + NET_SKB_PAD +
 *   NET_IP_ALIGN) + SKB_DATA_ALIGN(sizeof(struct skb_shared_info)); a frame of at most
 *   `copybreak` bytes (module parameter, default 256, FCS included) is copied into
 *   napi_alloc_skb(length) and the buffer stays. With mtu > 1500 (e1000_configure_rx) the
 *   jumbo path gives every descriptor one page (alloc_page) and chains the pages of a longer
 *   frame; a one-page frame of at most `copybreak` bytes is copied into napi_alloc_skb(length - 4).
 * Both: refills happen every E1000_RX_BUFFER_WRITE (16) cleaned descriptors and at the end of
 * each poll (E1000_DESC_UNUSED, which keeps one descriptor empty), walking the ring from
 * next_to_use in ring order; the ring starts with E1000_DESC_UNUSED = ring - 1 buffers
 * (e1000_configure). A poll handles at most its NAPI budget: 64 (netdev->weight in 7.1.9-k4,
 * NAPI_POLL_WEIGHT in 6.6); we count whole frames against it.
 */
import type { NetOps } from './net-sim';
import { ETH_OVERHEAD, napiAllocSkbData, netdevAllocSkbData, skbDataAlign, type SkbEra } from './skb';

export const NAPI_BUDGET = 64;
export const E1000_RX_BUFFER_WRITE = 16;
const MAXIMUM_ETHERNET_VLAN_SIZE = 1522;
const ETH_FCS = 4;

/** What a ring descriptor's buffer costs and how frames use them, for one era and MTU. */
export interface RxPlan {
  readonly era: SkbEra;
  /** rx_buffer_len. */
  readonly bufferLen: number;
  /** Bytes asked of the allocator for one descriptor's buffer. */
  readonly descBytes: number;
  /** 6.6 jumbo path: one page per descriptor, long frames chain several. */
  readonly pageChain: boolean;
}

/** e1000_change_mtu's rx_buffer_len. */
export function rxBufferLen(mtu: number, era: SkbEra): number {
  const maxFrame = mtu + ETH_OVERHEAD;
  if (maxFrame === 1518 || maxFrame === MAXIMUM_ETHERNET_VLAN_SIZE) return MAXIMUM_ETHERNET_VLAN_SIZE;
  if (era.kernel === '6.6') return maxFrame <= 2048 ? 2048 : era.pageBytes;
  for (const len of [256, 512, 1024, 2048, 4096, 8192]) if (maxFrame <= len) return len;
  return 16384;
}

export function rxPlan(mtu: number, era: SkbEra): RxPlan {
  const bufferLen = rxBufferLen(mtu, era);
  if (era.kernel === '2.6.18') {
    return { era, bufferLen, descBytes: netdevAllocSkbData(bufferLen + era.netIpAlign, era), pageChain: false };
  }
  if (mtu > 1500) return { era, bufferLen, descBytes: era.pageBytes, pageChain: true };
  const headroom = era.netSkbPad + era.netIpAlign;
  return {
    era,
    bufferLen,
    descBytes: skbDataAlign(bufferLen + headroom, era) + skbDataAlign(era.shinfo, era),
    pageChain: false,
  };
}

/** Descriptors a frame of `frame` bytes (FCS included) fills. */
export function descsFor(frame: number, plan: RxPlan): number {
  return plan.pageChain ? Math.ceil(frame / plan.era.pageBytes) : 1;
}

/** Bytes of the copybreak copy of a frame, or 0 when the driver hands its buffer up. */
export function copybreakBytes(frame: number, copybreak: number, plan: RxPlan): number {
  const era = plan.era;
  if (era.kernel === '2.6.18') {
    const length = frame - ETH_FCS;
    return length < copybreak ? netdevAllocSkbData(length + era.netIpAlign, era) : 0;
  }
  if (frame > copybreak) return 0;
  if (!plan.pageChain) return napiAllocSkbData(frame, era);
  return descsFor(frame, plan) === 1 ? napiAllocSkbData(frame - ETH_FCS, era) : 0;
}

export interface RingState {
  bufs: Int32Array;
  ntc: number;
  ntu: number;
  cleaned: number;
  held: number;
}

/**
 * The receive ring: one allocation slot per descriptor (-1 = empty). Descriptors from
 * next_to_clean to next_to_use hold buffers the NIC may fill; `held` of them, from
 * next_to_clean on, carry frames the NIC wrote and the driver has not cleaned yet.
 */
export class RxRing {
  private bufs: Int32Array;
  private ntc = 0;
  private ntu = 0;
  private cleaned = 0;
  private held = 0;

  constructor(
    readonly size: number,
    private readonly plan: RxPlan,
    private readonly cpu: number,
    private readonly ops: NetOps,
  ) {
    this.bufs = new Int32Array(size).fill(-1);
  }

  /** e1000_configure: fill E1000_DESC_UNUSED descriptors. */
  start(): void {
    this.refill(this.unused());
  }

  /** E1000_DESC_UNUSED: descriptors the driver may refill (one always stays empty). */
  unused(): number {
    return (this.ntc > this.ntu ? 0 : this.size) + this.ntc - this.ntu - 1;
  }

  /** Descriptors with a buffer that the NIC has not written yet. */
  free(): number {
    return ((this.ntu - this.ntc + this.size) % this.size) - this.held;
  }

  /** The NIC writes a frame into `descs` descriptors; false (a dropped frame, rx_missed) when too few are free. */
  receive(descs: number): boolean {
    if (this.free() < descs) return false;
    this.held += descs;
    return true;
  }

  /**
   * The driver cleans the next `descs` descriptors of a frame. `keep`: copybreak copied the
   * frame, the buffer stays (recycled). Returns the slots handed up (empty when kept).
   */
  clean(descs: number, keep: boolean): number[] {
    const up: number[] = [];
    for (let k = 0; k < descs; k++) {
      if (!keep) {
        up.push(this.bufs[this.ntc]);
        this.bufs[this.ntc] = -1;
      }
      this.ntc = (this.ntc + 1) % this.size;
      this.held--;
      if (++this.cleaned >= E1000_RX_BUFFER_WRITE) {
        this.refill(this.cleaned);
        this.cleaned = 0;
      }
    }
    return up;
  }

  /** End of a poll: refill what the ring lacks. */
  endPoll(): void {
    this.cleaned = 0;
    const n = this.unused();
    if (n > 0) this.refill(n);
  }

  /** alloc_rx_buf(count): walk `count` descriptors from next_to_use, allocating for the empty ones. */
  private refill(count: number): void {
    for (let k = 0; k < count; k++) {
      if (this.bufs[this.ntu] < 0) this.bufs[this.ntu] = this.ops.alloc(this.cpu, this.plan.descBytes);
      this.ntu = (this.ntu + 1) % this.size;
    }
  }

  save(): RingState {
    return { bufs: this.bufs.slice(), ntc: this.ntc, ntu: this.ntu, cleaned: this.cleaned, held: this.held };
  }

  restore(s: RingState): void {
    this.bufs = s.bufs.slice();
    this.ntc = s.ntc;
    this.ntu = s.ntu;
    this.cleaned = s.cleaned;
    this.held = s.held;
  }
}
