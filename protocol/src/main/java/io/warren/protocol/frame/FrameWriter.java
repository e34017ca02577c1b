package io.warren.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.util.ReferenceCountUtil;
import io.warren.protocol.method.AmqpMethod;
import io.warren.protocol.method.MethodCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * Helpers for outbound frames: the protocol header, the frames of a content-bearing method, and
 * encoding a frame into a buffer (what {@link AmqpFrameEncoder} does, usable without a channel).
 */
public final class FrameWriter {
  private static final byte[] PROTOCOL_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

  private FrameWriter() {}

  /** A copy of the AMQP 0-9-1 protocol header, {@code AMQP 0 0 9 1}. */
  public static byte[] protocolHeaderBytes() {
    return PROTOCOL_HEADER.clone();
  }

  /** Appends the protocol header to {@code out}. */
  public static void writeProtocolHeader(ByteBuf out) {
    out.writeBytes(PROTOCOL_HEADER);
  }

  /**
   * Writes the protocol header to a channel (not flushed), e.g. to answer a {@link
   * ProtocolHeaderMismatch} before closing. {@link AmqpFrameEncoder} passes it through as bytes.
   */
  public static ChannelFuture writeProtocolHeader(ChannelOutboundInvoker out) {
    return out.write(Unpooled.wrappedBuffer(PROTOCOL_HEADER.clone()));
  }

  /**
   * The frames that carry a content-bearing method: the method frame, a content header frame and
   * body frames of at most frame-max - 8 bytes each (none for an empty body).
   *
   * <p>Ownership: takes over {@code properties} and {@code body} (the caller must not release
   * them); the returned header and body frames own retained slices of them, and whoever writes
   * or drops the frames releases them (the encoder does when it writes them).
   *
   * @param properties raw property flags and list, as in {@link ContentHeaderFrame#properties()}
   * @param frameMax the negotiated frame-max, 0 = no limit
   * @throws IllegalArgumentException if the method carries no content or frameMax is below
   *     {@link Frame#MIN_FRAME_MAX}; the buffers are released then
   */
  public static List<Frame> contentFrames(int channel, AmqpMethod method, ByteBuf properties,
      ByteBuf body, int frameMax) {
    try {
      if (!method.hasContent()) {
        throw new IllegalArgumentException(method.name() + " carries no content");
      }
      if (frameMax != 0 && frameMax < Frame.MIN_FRAME_MAX) {
        throw new IllegalArgumentException("frameMax below " + Frame.MIN_FRAME_MAX + ": " + frameMax);
      }
    } catch (RuntimeException e) {
      ReferenceCountUtil.release(properties);
      ReferenceCountUtil.release(body);
      throw e;
    }
    int bodySize = body.readableBytes();
    int maxChunk = frameMax == 0 ? Integer.MAX_VALUE : frameMax - Frame.OVERHEAD;
    List<Frame> frames = new ArrayList<>(2 + (bodySize + maxChunk - 1) / maxChunk);
    frames.add(new MethodFrame(channel, method));
    frames.add(new ContentHeaderFrame(channel, method.classId(), bodySize, properties));
    if (bodySize <= maxChunk) {
      if (bodySize > 0) {
        frames.add(new ContentBodyFrame(channel, body));
      } else {
        body.release();
      }
      return frames;
    }
    for (int offset = 0; offset < bodySize; offset += maxChunk) {
      int chunk = Math.min(maxChunk, bodySize - offset);
      frames.add(new ContentBodyFrame(channel, body.retainedSlice(body.readerIndex() + offset,
          chunk)));
    }
    body.release();
    return frames;
  }

  /**
   * Writes {@link #contentFrames} to a channel, without flushing. Ownership as there.
   *
   * @return the future of the last frame's write
   */
  public static ChannelFuture writeContent(ChannelOutboundInvoker out, int channel,
      AmqpMethod method, ByteBuf properties, ByteBuf body, int frameMax) {
    List<Frame> frames = contentFrames(channel, method, properties, body, frameMax);
    ChannelFuture last = null;
    for (Frame f : frames) {
      last = out.write(f);
    }
    return last;
  }

  /**
   * Appends one whole frame to {@code out}, copying any payload. Does not release {@code frame}.
   *
   * @throws IllegalArgumentException if a method argument does not fit its wire type; nothing is
   *     left written in {@code out} then
   */
  public static void encode(Frame frame, ByteBuf out) {
    int start = out.writerIndex();
    try {
      if (frame instanceof MethodFrame m) {
        writeHeader(out, Frame.TYPE_METHOD, m.channel());
        MethodCodec.encode(m.method(), out);
      } else if (frame instanceof ContentHeaderFrame h) {
        writeHeader(out, Frame.TYPE_HEADER, h.channel());
        writeContentHeaderFields(out, h);
        out.writeBytes(h.properties(), h.properties().readerIndex(),
            h.properties().readableBytes());
      } else if (frame instanceof ContentBodyFrame b) {
        writeHeader(out, Frame.TYPE_BODY, b.channel());
        out.writeBytes(b.payload(), b.payload().readerIndex(), b.payload().readableBytes());
      } else {
        writeHeader(out, Frame.TYPE_HEARTBEAT, 0);
      }
    } catch (RuntimeException e) {
      out.writerIndex(start);
      throw e;
    }
    out.setInt(start + 3, out.writerIndex() - start - 7);
    out.writeByte(Frame.FRAME_END);
  }

  static void writeContentHeaderFields(ByteBuf out, ContentHeaderFrame h) {
    out.writeShort(h.classId());
    out.writeShort(0); // weight
    out.writeLong(h.bodySize());
  }

  /** Type, channel and a size placeholder (the caller sets the size at offset 3). */
  static void writeHeader(ByteBuf out, int type, int channel) {
    out.writeByte(type);
    out.writeShort(channel);
    out.writeInt(0);
  }
}
