package io.warren.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.warren.protocol.AmqpException;
import io.warren.protocol.ReplyCode;
import io.warren.protocol.method.AmqpMethod;
import io.warren.protocol.method.MethodCodec;
import io.warren.protocol.types.LongString;
import java.util.List;

/**
 * Turns inbound bytes into protocol events and frames. Emits, in order:
 *
 * <ol>
 *   <li>{@link ProtocolHeaderReceived} or {@link ProtocolHeaderMismatch} for the first 8 bytes
 *       (unless constructed not to expect a header);
 *   <li>{@link MethodFrame} (method already decoded), {@link ContentHeaderFrame}, {@link
 *       ContentBodyFrame} (both own a retained slice of the input: the receiver releases them)
 *       and {@link HeartbeatFrame};
 *   <li>at most one {@link FrameError}, after which all input is ignored.
 * </ol>
 *
 * <p>No exception ever leaves this decoder: every problem becomes a FrameError. Codes follow
 * RabbitMQ: 501 FRAME_ERROR for framing (unknown frame type, bad frame end, frame larger than
 * frame-max, a heartbeat with a payload, a header frame too short to hold its fields) and for
 * method arguments that cannot be decoded; 502 SYNTAX_ERROR for an unknown field table value
 * type; 540 NOT_IMPLEMENTED for an unknown class or method id; 505 UNEXPECTED_FRAME for a
 * heartbeat on a channel other than 0 or a content header with a non-zero weight; 541
 * INTERNAL_ERROR if a bug throws.
 *
 * <p>Frame-max: like RabbitMQ, a payload of up to frame-max bytes is accepted (the spec's limit
 * is frame-max - 8, but many clients are off by those 8 bytes); a larger size is refused as soon
 * as the frame header arrives, before its payload is buffered. 0 means no limit.
 *
 * <p>Not thread safe; call {@link #setFrameMax} on the channel's event loop.
 */
public class AmqpFrameDecoder extends ByteToMessageDecoder {
  private static final byte[] PROTOCOL_HEADER = FrameWriter.protocolHeaderBytes();
  private static final int FRAME_HEADER_SIZE = 7;

  private enum State { PROTOCOL_HEADER, FRAMES, FAILED }

  private State state;
  private long maxPayload;

  /**
   * A decoder for the server side, expecting the protocol header first.
   *
   * @param frameMax the frame-max in force until tune (RabbitMQ uses 4096 before tune-ok), 0 =
   *     no limit
   */
  public AmqpFrameDecoder(int frameMax) {
    this(frameMax, true);
  }

  /** As {@link #AmqpFrameDecoder(int)}; {@code expectProtocolHeader} false starts with frames. */
  public AmqpFrameDecoder(int frameMax, boolean expectProtocolHeader) {
    setFrameMax(frameMax);
    state = expectProtocolHeader ? State.PROTOCOL_HEADER : State.FRAMES;
  }

  /** Sets the negotiated frame-max (after connection.tune-ok); 0 means no limit. */
  public void setFrameMax(int frameMax) {
    if (frameMax < 0) {
      throw new IllegalArgumentException("frameMax < 0: " + frameMax);
    }
    maxPayload = frameMax == 0 ? 0xFFFF_FFFFL : frameMax;
  }

  /** Whether the decoder gave up (after a FrameError or a protocol header mismatch). */
  public boolean isFailed() {
    return state == State.FAILED;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    try {
      switch (state) {
        case PROTOCOL_HEADER -> decodeProtocolHeader(in, out);
        case FRAMES -> decodeFrame(in, out);
        case FAILED -> in.skipBytes(in.readableBytes());
      }
    } catch (AmqpException e) {
      fail(in, out, FrameError.of(e, 0));
    } catch (RuntimeException e) {
      fail(in, out, new FrameError(ReplyCode.INTERNAL_ERROR.code(),
          "internal error decoding frame: " + e, 0, 0, 0));
    }
  }

  private void decodeProtocolHeader(ByteBuf in, List<Object> out) {
    int available = Math.min(in.readableBytes(), PROTOCOL_HEADER.length);
    int start = in.readerIndex();
    for (int i = 0; i < available; i++) {
      if (in.getByte(start + i) != PROTOCOL_HEADER[i]) {
        byte[] received = new byte[available];
        in.getBytes(start, received);
        in.skipBytes(in.readableBytes());
        state = State.FAILED;
        out.add(new ProtocolHeaderMismatch(LongString.of(received)));
        return;
      }
    }
    if (available == PROTOCOL_HEADER.length) {
      in.skipBytes(PROTOCOL_HEADER.length);
      state = State.FRAMES;
      out.add(ProtocolHeaderReceived.INSTANCE);
    }
  }

  private void decodeFrame(ByteBuf in, List<Object> out) {
    if (in.readableBytes() < FRAME_HEADER_SIZE) {
      return;
    }
    int start = in.readerIndex();
    int type = in.getUnsignedByte(start);
    int channel = in.getUnsignedShort(start + 1);
    long size = in.getUnsignedInt(start + 3);
    if (size > maxPayload) {
      fail(in, out, frameError(channel, "frame of type " + type + " too large: payload " + size
          + " bytes, frame-max allows " + maxPayload));
      return;
    }
    int payloadSize = (int) size;
    if (in.readableBytes() < FRAME_HEADER_SIZE + payloadSize + 1) {
      return;
    }
    int end = in.getUnsignedByte(start + FRAME_HEADER_SIZE + payloadSize);
    if (end != Frame.FRAME_END) {
      fail(in, out, frameError(channel, "invalid frame end marker 0x" + Integer.toHexString(end)
          + " (frame type " + type + ", payload " + payloadSize + " bytes)"));
      return;
    }
    switch (type) {
      case Frame.TYPE_METHOD -> {
        ByteBuf payload = in.slice(start + FRAME_HEADER_SIZE, payloadSize);
        AmqpMethod method;
        try {
          method = MethodCodec.decode(payload);
        } catch (AmqpException e) {
          fail(in, out, FrameError.of(e, channel));
          return;
        }
        in.skipBytes(FRAME_HEADER_SIZE + payloadSize + 1);
        out.add(new MethodFrame(channel, method));
      }
      case Frame.TYPE_HEADER -> {
        if (payloadSize < 14) { // class, weight, body size, property flags
          fail(in, out, frameError(channel, "content header frame too short: " + payloadSize
              + " bytes"));
          return;
        }
        int classId = in.getUnsignedShort(start + 7);
        int weight = in.getUnsignedShort(start + 9);
        long bodySize = in.getLong(start + 11);
        if (weight != 0) {
          fail(in, out, new FrameError(ReplyCode.UNEXPECTED_FRAME.code(),
              "content header weight must be 0, got " + weight, channel, 0, 0));
          return;
        }
        if (bodySize < 0) {
          fail(in, out, frameError(channel, "content body size out of range: "
              + Long.toUnsignedString(bodySize)));
          return;
        }
        in.skipBytes(FRAME_HEADER_SIZE + 12);
        ByteBuf properties = in.readRetainedSlice(payloadSize - 12);
        in.skipBytes(1);
        out.add(new ContentHeaderFrame(channel, classId, bodySize, properties));
      }
      case Frame.TYPE_BODY -> {
        in.skipBytes(FRAME_HEADER_SIZE);
        ByteBuf payload = in.readRetainedSlice(payloadSize);
        in.skipBytes(1);
        out.add(new ContentBodyFrame(channel, payload));
      }
      case Frame.TYPE_HEARTBEAT -> {
        if (payloadSize != 0) {
          fail(in, out, frameError(channel, "heartbeat frame with " + payloadSize
              + " bytes of payload"));
          return;
        }
        if (channel != 0) {
          fail(in, out, new FrameError(ReplyCode.UNEXPECTED_FRAME.code(),
              "heartbeat frame on channel " + channel, channel, 0, 0));
          return;
        }
        in.skipBytes(FRAME_HEADER_SIZE + 1);
        out.add(HeartbeatFrame.INSTANCE);
      }
      default -> fail(in, out, frameError(channel, "unknown frame type " + type));
    }
  }

  private static FrameError frameError(int channel, String text) {
    return new FrameError(ReplyCode.FRAME_ERROR.code(), text, channel, 0, 0);
  }

  private void fail(ByteBuf in, List<Object> out, FrameError error) {
    in.skipBytes(in.readableBytes());
    if (state != State.FAILED) {
      state = State.FAILED;
      out.add(error);
    }
  }
}
