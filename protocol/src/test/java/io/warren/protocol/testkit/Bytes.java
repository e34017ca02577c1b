package io.warren.protocol.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;

/** Small helpers to get bytes in and out of buffers in tests. */
public final class Bytes {
  private Bytes() {}

  /** What {@code writer} writes, as an array (the temporary buffer is released). */
  public static byte[] written(Consumer<ByteBuf> writer) {
    ByteBuf buf = Unpooled.buffer();
    try {
      writer.accept(buf);
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  /** The readable bytes, without moving indexes. */
  public static byte[] of(ByteBuf buf) {
    return ByteBufUtil.getBytes(buf);
  }

  public static ByteBuf wrap(byte[] bytes) {
    return Unpooled.wrappedBuffer(bytes);
  }

  /** Builds the bytes of one frame. */
  public static byte[] frame(int type, int channel, byte[] payload) {
    return written(out -> {
      out.writeByte(type);
      out.writeShort(channel);
      out.writeInt(payload.length);
      out.writeBytes(payload);
      out.writeByte(0xCE);
    });
  }

  public static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] all = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }
}
