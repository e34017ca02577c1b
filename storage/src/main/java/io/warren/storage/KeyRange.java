package io.warren.storage;

import java.util.Arrays;

/**
 * A range of keys in byte order (unsigned lexicographic, as RocksDB compares them):
 * {@code from} inclusive, {@code to} exclusive; a null bound is unbounded.
 */
public final class KeyRange {
  private static final KeyRange ALL = new KeyRange(null, null);

  private final byte[] from;
  private final byte[] to;

  private KeyRange(byte[] from, byte[] to) {
    this.from = from == null ? null : from.clone();
    this.to = to == null ? null : to.clone();
  }

  public static KeyRange all() {
    return ALL;
  }

  /** Keys {@code from <= key < to}. */
  public static KeyRange between(byte[] from, byte[] to) {
    return new KeyRange(from, to);
  }

  /** Keys {@code >= from}. */
  public static KeyRange atLeast(byte[] from) {
    return new KeyRange(from, null);
  }

  /** Keys {@code < to}. */
  public static KeyRange below(byte[] to) {
    return new KeyRange(null, to);
  }

  /** Keys that start with {@code prefix}. */
  public static KeyRange prefix(byte[] prefix) {
    return new KeyRange(prefix, Keys.prefixEnd(prefix));
  }

  /** Inclusive lower bound, or null. */
  public byte[] from() {
    return from == null ? null : from.clone();
  }

  /** Exclusive upper bound, or null. */
  public byte[] to() {
    return to == null ? null : to.clone();
  }

  public boolean contains(byte[] key) {
    return (from == null || Arrays.compareUnsigned(key, from) >= 0)
        && (to == null || Arrays.compareUnsigned(key, to) < 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyRange r && Arrays.equals(from, r.from) && Arrays.equals(to, r.to);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(from) + Arrays.hashCode(to);
  }

  @Override
  public String toString() {
    return "KeyRange[" + Keys.toHex(from) + ", " + Keys.toHex(to) + ")";
  }
}
