package io.warren.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.warren.protocol.testkit.Bytes;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Feeding bytes to a decoder and collecting what comes out, releasing everything. */
final class FrameTestSupport {
  private FrameTestSupport() {}

  static final byte[] HEADER = FrameWriter.protocolHeaderBytes();

  /** Bytes of frames as the encoder would write them. */
  static byte[] encode(Frame... frames) {
    return Bytes.written(out -> {
      for (Frame f : frames) {
        FrameWriter.encode(f, out);
      }
    });
  }

  /** A tracked (leak-detected) buffer holding a copy of the bytes. */
  static ByteBuf buffer(byte[] bytes, int from, int to) {
    return ByteBufAllocator.DEFAULT.buffer(Math.max(1, to - from)).writeBytes(bytes, from, to - from);
  }

  /** Writes each chunk into the channel; exceptions caught by the pipeline are rethrown. */
  static void feed(EmbeddedChannel ch, byte[] bytes, int... splits) {
    int from = 0;
    for (int split : splits) {
      ch.writeInbound(buffer(bytes, from, split));
      from = split;
    }
    ch.writeInbound(buffer(bytes, from, bytes.length));
    ch.checkException();
  }

  /** Everything the channel emitted, described as comparable values; releases the frames. */
  static List<Object> drain(EmbeddedChannel ch) {
    List<Object> out = new ArrayList<>();
    Object msg;
    while ((msg = ch.readInbound()) != null) {
      out.add(describe(msg));
      ReferenceCountUtil.release(msg);
    }
    return out;
  }

  static Object describe(Object msg) {
    if (msg instanceof ContentHeaderFrame h) {
      return "header ch=" + h.channel() + " class=" + h.classId() + " size=" + h.bodySize()
          + " props=" + hex(h.properties());
    } else if (msg instanceof ContentBodyFrame b) {
      return "body ch=" + b.channel() + " " + hex(b.payload());
    }
    return msg;
  }

  static String hex(ByteBuf buf) {
    return HexFormat.of().formatHex(ByteBufUtil.getBytes(buf));
  }

  /** Decodes a whole byte stream in one go with a fresh server-side decoder. */
  static List<Object> decodeAll(byte[] bytes, int frameMax, boolean expectHeader) {
    EmbeddedChannel ch = new EmbeddedChannel(new AmqpFrameDecoder(frameMax, expectHeader));
    try {
      feed(ch, bytes);
      return drain(ch);
    } finally {
      ch.finishAndReleaseAll();
    }
  }
}
