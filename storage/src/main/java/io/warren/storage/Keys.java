package io.warren.storage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Key building helpers. RocksDB orders keys by unsigned bytes, so numbers are written big-endian
 * with the sign bit flipped: then byte order equals numeric order for every {@code long},
 * negative ones included, and a key made of a prefix plus such numbers iterates in numeric order.
 */
public final class Keys {
  private static final HexFormat HEX = HexFormat.of();

  private Keys() {}

  /** 8 bytes whose unsigned byte order is the numeric order of {@code value}. */
  public static byte[] ofLong(long value) {
    byte[] out = new byte[Long.BYTES];
    putLong(out, 0, value);
    return out;
  }

  /** Writes the 8-byte ordered encoding of {@code value} at {@code offset}. */
  public static void putLong(byte[] target, int offset, long value) {
    long v = value ^ Long.MIN_VALUE;
    for (int i = Long.BYTES - 1; i >= 0; i--) {
      target[offset + i] = (byte) v;
      v >>>= 8;
    }
  }

  /** Reads a long written by {@link #putLong} / {@link #ofLong}. */
  public static long getLong(byte[] source, int offset) {
    if (source.length < offset + Long.BYTES) {
      throw new IllegalArgumentException(
          "need 8 bytes at offset " + offset + " but key has " + source.length);
    }
    long v = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      v = (v << 8) | (source[offset + i] & 0xFF);
    }
    return v ^ Long.MIN_VALUE;
  }

  /** The UTF-8 bytes of {@code s}. */
  public static byte[] ofString(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code prefix} followed by the ordered encoding of {@code value}. */
  public static byte[] withLong(byte[] prefix, long value) {
    byte[] out = Arrays.copyOf(prefix, prefix.length + Long.BYTES);
    putLong(out, prefix.length, value);
    return out;
  }

  /** The concatenation of the given parts. */
  public static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /**
   * The smallest key greater than every key starting with {@code prefix}, or null when there is
   * none (an empty prefix or one made only of 0xFF bytes).
   */
  public static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xFF) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return null;
  }

  static String toHex(byte[] key) {
    return key == null ? "-" : HEX.formatHex(key);
  }
}
