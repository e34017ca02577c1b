package io.warren.raft;

import io.warren.storage.Keys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * The layer's framing of log entries and replies.
 *
 * <p>Entry: {@code [kind:1][origin:16][seq:8][payload]}. The origin is one submitting session (a
 * {@link GroupSubmitter} of one node process) and seq counts its entries from 0; the state machine
 * applies an origin's entries only in seq order and once each (see {@link Sessions}).
 *
 * <p>Reply: {@code [kind:1][body]}. Rejections travel inside a successful reply rather than as a
 * failed Ratis future (Ratis logs those as errors, and its gRPC service closes the client stream).
 */
final class Envelope {
  /** A command for the {@link GroupStateMachine}. */
  static final byte COMMAND = 1;
  /** A no-op entry; applying it proves every earlier entry is applied here. */
  static final byte BARRIER = 2;

  static final byte REPLY_OK = 0;
  static final byte REPLY_REJECTED = 1;
  /** Reply for an entry skipped on replay because the store already had it. */
  static final byte REPLY_REPLAYED = 2;
  /** The entry's seq was already applied for its origin: nothing done (the first reply was lost). */
  static final byte REPLY_DUPLICATE = 3;
  /** An earlier seq of the origin is missing: nothing done; body = the expected seq. */
  static final byte REPLY_OUT_OF_ORDER = 4;

  private static final int HEADER = 1 + 16 + 8;

  /** A parsed entry; {@code payload} is a read-only view of the entry's bytes. */
  record Entry(byte kind, UUID origin, long seq, ByteBuffer payload) {}

  private Envelope() {}

  /**
   * The entry: a header joined to {@code payload} without copying it (entries carry message bodies,
   * and every copy of them was garbage for the collector). The payload must not change afterwards.
   */
  static ByteString entry(byte kind, UUID origin, long seq, ByteBuffer payload) {
    byte[] header = new byte[HEADER];
    header[0] = kind;
    Keys.putLong(header, 1, origin.getMostSignificantBits());
    Keys.putLong(header, 9, origin.getLeastSignificantBits());
    Keys.putLong(header, 17, seq);
    return UnsafeByteOperations.unsafeWrap(header).concat(UnsafeByteOperations.unsafeWrap(payload.duplicate()));
  }

  /** Reads an entry; its payload is a view of {@code framed}, not a copy. */
  static Entry parseEntry(ByteString framed) {
    if (framed.size() < HEADER) {
      throw new IllegalArgumentException("log entry of " + framed.size() + " bytes is too short");
    }
    byte[] header = framed.substring(0, HEADER).toByteArray();
    return new Entry(
        header[0],
        new UUID(Keys.getLong(header, 1), Keys.getLong(header, 9)),
        Keys.getLong(header, 17),
        framed.substring(HEADER).asReadOnlyByteBuffer());
  }

  static byte[] ok(byte[] reply) {
    return prefixed(REPLY_OK, reply);
  }

  static byte[] rejected(String message) {
    return prefixed(REPLY_REJECTED, String.valueOf(message).getBytes(StandardCharsets.UTF_8));
  }

  static byte[] replayed() {
    return new byte[] {REPLY_REPLAYED};
  }

  static byte[] duplicate() {
    return new byte[] {REPLY_DUPLICATE};
  }

  static byte[] outOfOrder(long expected) {
    return prefixed(REPLY_OUT_OF_ORDER, Keys.ofLong(expected));
  }

  static byte kind(byte[] framed) {
    if (framed.length == 0) {
      throw new IllegalArgumentException("empty envelope");
    }
    return framed[0];
  }

  static byte[] body(byte[] framed) {
    return Arrays.copyOfRange(framed, 1, framed.length);
  }

  /** The expected seq carried by an {@link #REPLY_OUT_OF_ORDER} reply. */
  static long expectedSeq(byte[] framed) {
    return Keys.getLong(framed, 1);
  }

  private static byte[] prefixed(byte kind, byte[] payload) {
    byte[] out = new byte[payload.length + 1];
    out[0] = kind;
    System.arraycopy(payload, 0, out, 1, payload.length);
    return out;
  }
}
