import { describe, expect, it } from 'vitest';
import { FIXWEST_1996, IMIX_ETH, IMIX_IP, TRANSIT_FDDI_1996 } from '../data/packet-sizes';
import { SPECWEB96_CLASSES, sampleWebSize } from '../data/web-sizes';
import { copybreakBytes, descsFor, rxBufferLen, rxPlan } from './rx-ring';
import {
  allocSkbData,
  frameOf,
  napiAllocSkbData,
  netdevAllocSkbData,
  samplePacketSize,
  skbDataBytes,
  skbEra,
} from './skb';

const X86_64 = skbEra('2.6.18-x86_64');
const I386 = skbEra('2.6.18-i386');
const L66 = skbEra('6.6-x86_64');

describe('skb sizes per era', () => {
  it('2.6.18: __alloc_skb asks SKB_DATA_ALIGN(size) + sizeof(skb_shared_info), dev_alloc_skb adds NET_SKB_PAD 16', () => {
    expect(allocSkbData(1540, X86_64)).toBe(1600 + 312);
    expect(netdevAllocSkbData(1524, X86_64)).toBe(1912); // docs/models.md section 4
    expect(netdevAllocSkbData(1524, I386)).toBe(1568 + 164);
    // The same as producer-consumer's formula.
    for (const len of [40, 576, 1500, 9000]) expect(netdevAllocSkbData(len, X86_64)).toBe(skbDataBytes(len));
    expect(netdevAllocSkbData(1500, I386)).toBe(skbDataBytes(1500, 32, 164));
  });

  it('6.6: SKB_HEAD_ALIGN (the shared info aligned too, 320 bytes), NET_SKB_PAD 64, napi_alloc_skb 1 KiB fragments', () => {
    expect(allocSkbData(100, L66)).toBe(128 + 320);
    expect(netdevAllocSkbData(100, L66)).toBe(192 + 320);
    expect(napiAllocSkbData(256, L66)).toBe(1024); // 256 + 64 <= SKB_WITH_OVERHEAD(1024) = 704
    expect(napiAllocSkbData(640, L66)).toBe(1024);
    expect(napiAllocSkbData(641, L66)).toBe(768 + 320);
    // 2.6.18 had no napi_alloc_skb: drivers used netdev_alloc_skb (with NET_IP_ALIGN).
    expect(napiAllocSkbData(100, X86_64)).toBe(netdevAllocSkbData(102, X86_64));
  });

  it('`line` overrides the era cache line (e.g. 128 for an x86_64 GENERIC_CPU kernel); unknown eras are named', () => {
    expect(allocSkbData(1540, skbEra('2.6.18-x86_64', 128))).toBe(1664 + 312);
    expect(() => skbEra('2.4')).toThrow("unknown skb era '2.4'; valid: 2.6.18-x86_64, 2.6.18-i386, 6.6-x86_64");
  });
});

describe('e1000 receive buffers (rx-ring.ts)', () => {
  it('rx_buffer_len: 1522 for MTU 1500, the next power of two up to 16384 on 2.6.18, 2048 or a page on 6.6', () => {
    expect(rxBufferLen(1500, X86_64)).toBe(1522);
    expect(rxBufferLen(1000, X86_64)).toBe(1024);
    expect(rxBufferLen(2000, X86_64)).toBe(2048);
    expect(rxBufferLen(4000, X86_64)).toBe(4096);
    expect(rxBufferLen(9000, X86_64)).toBe(16384);
    expect(rxBufferLen(1500, L66)).toBe(1522);
    expect(rxBufferLen(2000, L66)).toBe(2048);
    expect(rxBufferLen(9000, L66)).toBe(4096);
  });

  it('MTU 1500: 1912 bytes per descriptor on 2.6.18 x86_64, 1732 on i386, 1920 on 6.6', () => {
    expect(rxPlan(1500, X86_64).descBytes).toBe(1912);
    expect(rxPlan(1500, I386).descBytes).toBe(1732);
    expect(rxPlan(1500, L66).descBytes).toBe(1600 + 320);
    expect(descsFor(1518, rxPlan(1500, L66))).toBe(1);
  });

  it('jumbo frames: a 16760-byte (x86_64) or 16580-byte (i386) buffer per descriptor on 2.6.18; one page per descriptor on 6.6, three for a 9018-byte frame', () => {
    // netdev_alloc_skb(16384 + 2): SKB_DATA_ALIGN(16402) + shinfo, more than four pages.
    expect(rxPlan(9000, X86_64).descBytes).toBe(16448 + 312);
    expect(rxPlan(9000, X86_64).descBytes).toBeGreaterThan(4 * 4096);
    expect(rxPlan(9000, I386).descBytes).toBe(16416 + 164);
    expect(descsFor(9018, rxPlan(9000, X86_64))).toBe(1);
    const jumbo66 = rxPlan(9000, L66);
    expect(jumbo66.descBytes).toBe(4096);
    expect(descsFor(9018, jumbo66)).toBe(3);
    expect(descsFor(4096, jumbo66)).toBe(1);
    expect(descsFor(4097, jumbo66)).toBe(2);
  });

  it('copybreak: 2.6.18 copies a frame whose length without FCS is below the limit; 6.6 one of at most the limit, FCS included', () => {
    const p18 = rxPlan(1500, X86_64);
    expect(copybreakBytes(64, 256, p18)).toBe(128 + 312); // netdev_alloc_skb(60 + 2)
    expect(copybreakBytes(259, 256, p18)).toBe(netdevAllocSkbData(257, X86_64));
    expect(copybreakBytes(260, 256, p18)).toBe(0);
    expect(copybreakBytes(64, 0, p18)).toBe(0);
    const p66 = rxPlan(1500, L66);
    expect(copybreakBytes(256, 256, p66)).toBe(1024);
    expect(copybreakBytes(257, 256, p66)).toBe(0);
    expect(copybreakBytes(200, 256, rxPlan(9000, L66))).toBe(1024); // napi_alloc_skb(length - 4)
  });
});

describe('packet and response sizes', () => {
  it('frameOf: IP packets gain 18 bytes and are at least 64; frame tables are taken as they are; the MTU caps both', () => {
    expect(samplePacketSize(IMIX_IP, 0)).toBe(40);
    expect(frameOf(40, IMIX_IP, 1500)).toBe(64);
    expect(frameOf(576, IMIX_IP, 1500)).toBe(594);
    expect(frameOf(1500, FIXWEST_1996, 1500)).toBe(1518);
    expect(frameOf(594, IMIX_ETH, 1500)).toBe(594);
    expect(frameOf(1500, IMIX_IP, 576)).toBe(594);
  });

  it('fddi1996: its ten listed sizes by share, the rest uniform over 40..1500', () => {
    expect(samplePacketSize(TRANSIT_FDDI_1996, 0.1)).toBe(40);
    expect(samplePacketSize(TRANSIT_FDDI_1996, 0.4)).toBe(552);
    const listed = TRANSIT_FDDI_1996.shares.reduce((a, b) => a + b, 0);
    expect(listed).toBeCloseTo(0.787, 4);
    expect(samplePacketSize(TRANSIT_FDDI_1996, listed + 1e-9)).toBe(40);
    expect(samplePacketSize(TRANSIT_FDDI_1996, 0.999999999)).toBe(1500);
  });

  it('SPECweb96: 35/50/14/1% over four classes of nine sizes, 102 bytes to 921600', () => {
    expect(SPECWEB96_CLASSES.map((c) => c.share)).toEqual([0.35, 0.5, 0.14, 0.01]);
    expect(SPECWEB96_CLASSES[0].sizes.slice(0, 2)).toEqual([102, 204]);
    expect(SPECWEB96_CLASSES[1].sizes).toEqual([1024, 2048, 3072, 4096, 5120, 6144, 7168, 8192, 9216]);
    expect(SPECWEB96_CLASSES[3].sizes[8]).toBe(921600);
    expect(sampleWebSize(0)).toBe(102);
    expect(sampleWebSize(0.3499)).toBe(921);
    expect(sampleWebSize(0.35)).toBe(1024);
    expect(sampleWebSize(0.8501)).toBe(10240);
    expect(sampleWebSize(0.9999999)).toBe(921600);
  });
});
