package io.warren.protocol.types;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An AMQP long string: immutable bytes (not necessarily text) compared by value.
 * {@link #toString()} decodes them as UTF-8.
 */
public final class LongString {
  public static final LongString EMPTY = new LongString(new byte[0]);

  private final byte[] bytes;
  private int hash;

  private LongString(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The UTF-8 encoding of {@code text}. */
  public static LongString of(String text) {
    Objects.requireNonNull(text, "text");
    return text.isEmpty() ? EMPTY : new LongString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A copy of {@code bytes}: later changes to the array do not show. */
  public static LongString of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return bytes.length == 0 ? EMPTY : new LongString(bytes.clone());
  }

  /** Wraps an array the caller promises never to change again (decoders). */
  static LongString wrap(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new LongString(bytes);
  }

  /** A copy of the bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  /** The bytes without copying, for encoders in this module only. */
  byte[] unsafeBytes() {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof LongString other && Arrays.equals(bytes, other.bytes));
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(bytes);
      hash = h;
    }
    return h;
  }

  /** The bytes decoded as UTF-8 (malformed input replaced, as {@link String} does). */
  @Override
  public String toString() {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
