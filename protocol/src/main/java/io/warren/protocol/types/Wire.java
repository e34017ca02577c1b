package io.warren.protocol.types;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.CharsetUtil;
import io.warren.protocol.AmqpException;
import java.nio.charset.StandardCharsets;

/**
 * Reading and writing AMQP's primitive wire types. Readers check bounds and throw {@link
 * AmqpException} (501 FRAME_ERROR, as RabbitMQ answers undecodable input) instead of Netty's
 * IndexOutOfBoundsException; writers throw IllegalArgumentException for values the wire format
 * cannot carry.
 */
public final class Wire {
  /** Longest short string, in bytes. */
  public static final int SHORT_STRING_MAX = 255;

  private Wire() {}

  public static void need(ByteBuf in, int bytes, String what) {
    if (in.readableBytes() < bytes) {
      throw AmqpException.frameError(
          "truncated " + what + ": need " + bytes + " bytes, have " + in.readableBytes());
    }
  }

  public static int readOctet(ByteBuf in) {
    need(in, 1, "octet");
    return in.readUnsignedByte();
  }

  public static int readShort(ByteBuf in) {
    need(in, 2, "short");
    return in.readUnsignedShort();
  }

  public static long readLong(ByteBuf in) {
    need(in, 4, "long");
    return in.readUnsignedInt();
  }

  public static long readLongLong(ByteBuf in) {
    need(in, 8, "longlong");
    return in.readLong();
  }

  /** A short string, which must be valid UTF-8 (RabbitMQ checks the same). */
  public static String readShortString(ByteBuf in) {
    need(in, 1, "short string");
    int len = in.getUnsignedByte(in.readerIndex());
    need(in, 1 + len, "short string");
    in.skipBytes(1);
    if (len == 0) {
      return "";
    }
    int start = in.readerIndex();
    if (!isAscii(in, start, len) && !ByteBufUtil.isText(in, start, len, CharsetUtil.UTF_8)) {
      throw AmqpException.frameError("malformed UTF-8 in short string");
    }
    String s = in.toString(start, len, StandardCharsets.UTF_8);
    in.skipBytes(len);
    return s;
  }

  private static boolean isAscii(ByteBuf in, int start, int len) {
    for (int i = start, end = start + len; i < end; i++) {
      if (in.getByte(i) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Encoded length of {@code s} as a short string's payload; throws if over 255 bytes. */
  public static int shortStringLength(String s) {
    int len = ByteBufUtil.utf8Bytes(s);
    if (len > SHORT_STRING_MAX) {
      throw new IllegalArgumentException(
          "short string too long: " + len + " bytes (max 255): "
              + s.substring(0, Math.min(s.length(), 40)) + "...");
    }
    return len;
  }

  public static void writeShortString(ByteBuf out, String s) {
    int len = shortStringLength(s);
    out.writeByte(len);
    if (len > 0) {
      ByteBufUtil.reserveAndWriteUtf8(out, s, len);
    }
  }

  public static LongString readLongString(ByteBuf in) {
    int len = readLengthPrefix(in, "long string");
    byte[] bytes = new byte[len];
    in.readBytes(bytes);
    return LongString.wrap(bytes);
  }

  public static void writeLongString(ByteBuf out, LongString s) {
    byte[] bytes = s.unsafeBytes();
    out.writeInt(bytes.length);
    out.writeBytes(bytes);
  }

  /**
   * Reads a 32-bit length and checks that many bytes follow; returns the length (not consumed).
   */
  static int readLengthPrefix(ByteBuf in, String what) {
    need(in, 4, what);
    long len = in.getUnsignedInt(in.readerIndex());
    if (len > in.readableBytes() - 4) {
      throw AmqpException.frameError(
          "truncated " + what + ": length " + len + ", have " + (in.readableBytes() - 4));
    }
    in.skipBytes(4);
    return (int) len;
  }
}
