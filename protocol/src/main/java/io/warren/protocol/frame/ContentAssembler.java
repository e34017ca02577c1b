package io.warren.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.warren.protocol.AmqpException;
import io.warren.protocol.ReplyCode;
import io.warren.protocol.method.AmqpMethod;

/**
 * Joins a connection's inbound frames into commands, per channel: a method without content is a
 * command at once; a content-bearing method (basic.publish) waits for its content header and as
 * many body frames as the header's body size says. Pure: no Netty channel, one instance per
 * connection, used from one thread.
 *
 * <p>Protocol violations throw {@link AmqpException} connection errors, as RabbitMQ reports
 * them: 505 UNEXPECTED_FRAME for a content header or body frame with no content expected, a
 * method arriving while content is expected, or a header whose class differs from its method's;
 * 501 FRAME_ERROR for a body frame beyond the header's body size and for a body size over {@link
 * #HARD_MAX_BODY_SIZE}. After such an error the connection is finished: call {@link
 * #releaseAll()}.
 *
 * <p>A body larger than {@code maxBodySize} is refused as soon as its header arrives: {@link
 * AssemblyResult.ContentTooLarge}, and its body frames are dropped as they come. A channel the
 * front end is closing can be put in discard mode ({@link #discardChannel}), and is back to
 * normal after {@link #resetChannel}.
 *
 * <p>Ownership: {@link #accept} takes over the frame's buffer whatever the outcome (also when it
 * throws); the caller never releases a frame it passed in. Buffers of a returned {@link
 * AmqpCommand} belong to the caller. Partial content held for a channel is released by {@link
 * #resetChannel}, {@link #discardChannel} and {@link #releaseAll}.
 */
public final class ContentAssembler {
  /** Largest body accepted at all, RabbitMQ's hard limit (512 MiB). */
  public static final long HARD_MAX_BODY_SIZE = 512L * 1024 * 1024;

  private final long maxBodySize;
  private final ByteBufAllocator alloc;
  private final IntObjectMap<ChannelState> channels = new IntObjectHashMap<>();

  /** @param maxBodySize bodies larger than this give ContentTooLarge (at most the hard limit) */
  public ContentAssembler(long maxBodySize) {
    this(maxBodySize, ByteBufAllocator.DEFAULT);
  }

  /** @param alloc allocator for the composite buffers of multi-frame bodies */
  public ContentAssembler(long maxBodySize, ByteBufAllocator alloc) {
    if (maxBodySize < 0 || maxBodySize > HARD_MAX_BODY_SIZE) {
      throw new IllegalArgumentException("maxBodySize out of 0.." + HARD_MAX_BODY_SIZE);
    }
    this.maxBodySize = maxBodySize;
    this.alloc = alloc;
  }

  public long maxBodySize() {
    return maxBodySize;
  }

  private enum Mode {
    /** Between commands. */
    IDLE,
    /** A content method arrived; its header is next. */
    AWAIT_HEADER,
    /** Collecting body frames. */
    AWAIT_BODY,
    /** Dropping the body of a ContentTooLarge. */
    SKIP_BODY,
    /** The channel is being closed: content and content methods are dropped. */
    DISCARD
  }

  private static final class ChannelState {
    Mode mode = Mode.IDLE;
    AmqpMethod method;
    ByteBuf properties;
    long remaining;
    ByteBuf body;

    void clear() {
      ReferenceCountUtil.release(properties);
      ReferenceCountUtil.release(body);
      properties = null;
      body = null;
      method = null;
      remaining = 0;
    }
  }

  /**
   * Feeds one frame. Heartbeat frames are ignored ({@link AssemblyResult.Pending}).
   *
   * @return a complete {@link AmqpCommand}, {@link AssemblyResult.Pending}, or {@link
   *     AssemblyResult.ContentTooLarge}
   * @throws AmqpException a connection error (see the class comment); the frame is released
   */
  public AssemblyResult accept(Frame frame) {
    try {
      if (frame instanceof MethodFrame m) {
        return onMethod(m);
      } else if (frame instanceof ContentHeaderFrame h) {
        return onHeader(h);
      } else if (frame instanceof ContentBodyFrame b) {
        return onBody(b);
      }
      return AssemblyResult.Pending.INSTANCE;
    } catch (RuntimeException e) {
      ReferenceCountUtil.release(frame);
      throw e;
    }
  }

  private ChannelState state(int channel) {
    ChannelState s = channels.get(channel);
    if (s == null) {
      s = new ChannelState();
      channels.put(channel, s);
    }
    return s;
  }

  private AssemblyResult onMethod(MethodFrame frame) {
    ChannelState s = state(frame.channel());
    AmqpMethod method = frame.method();
    switch (s.mode) {
      case DISCARD:
        return method.hasContent() ? AssemblyResult.Pending.INSTANCE
            : new AmqpCommand(frame.channel(), method);
      case IDLE:
        break;
      default:
        String expected = s.mode == Mode.AWAIT_HEADER ? "header" : "body";
        s.clear();
        s.mode = Mode.IDLE;
        throw new AmqpException(ReplyCode.UNEXPECTED_FRAME, "expected content " + expected
            + " on channel " + frame.channel() + ", got method " + method.name(),
            method.classId(), method.methodId());
    }
    if (!method.hasContent()) {
      return new AmqpCommand(frame.channel(), method);
    }
    s.mode = Mode.AWAIT_HEADER;
    s.method = method;
    return AssemblyResult.Pending.INSTANCE;
  }

  private AssemblyResult onHeader(ContentHeaderFrame frame) {
    ChannelState s = state(frame.channel());
    if (s.mode == Mode.DISCARD) {
      frame.release();
      return AssemblyResult.Pending.INSTANCE;
    }
    if (s.mode != Mode.AWAIT_HEADER) {
      AmqpMethod pending = s.method;
      s.clear();
      s.mode = Mode.IDLE;
      throw unexpected("content header on channel " + frame.channel()
          + (pending == null ? " without a content-bearing method" : " while expecting body"),
          pending);
    }
    AmqpMethod method = s.method;
    if (frame.classId() != method.classId()) {
      s.clear();
      s.mode = Mode.IDLE;
      throw unexpected("expected content header for class " + method.classId()
          + ", got one for class " + frame.classId(), method);
    }
    long bodySize = frame.bodySize();
    if (bodySize > HARD_MAX_BODY_SIZE) {
      s.clear();
      s.mode = Mode.IDLE;
      throw new AmqpException(ReplyCode.FRAME_ERROR, "content body size " + bodySize
          + " exceeds maximum allowed size " + HARD_MAX_BODY_SIZE, method.classId(),
          method.methodId());
    }
    if (bodySize > maxBodySize) {
      frame.release();
      s.method = null;
      s.remaining = bodySize;
      s.mode = Mode.SKIP_BODY;
      return new AssemblyResult.ContentTooLarge(frame.channel(), method, bodySize, maxBodySize);
    }
    if (bodySize == 0) {
      s.method = null;
      s.mode = Mode.IDLE;
      return new AmqpCommand(frame.channel(), method, frame.properties(), Unpooled.EMPTY_BUFFER);
    }
    s.properties = frame.properties();
    s.remaining = bodySize;
    s.mode = Mode.AWAIT_BODY;
    return AssemblyResult.Pending.INSTANCE;
  }

  private AssemblyResult onBody(ContentBodyFrame frame) {
    ChannelState s = state(frame.channel());
    ByteBuf payload = frame.payload();
    int size = payload.readableBytes();
    switch (s.mode) {
      case DISCARD:
        payload.release();
        return AssemblyResult.Pending.INSTANCE;
      case SKIP_BODY:
        checkFits(s, size, null);
        payload.release();
        s.remaining -= size;
        if (s.remaining == 0) {
          s.mode = Mode.IDLE;
        }
        return AssemblyResult.Pending.INSTANCE;
      case AWAIT_BODY:
        break;
      default:
        AmqpMethod pending = s.method;
        s.clear();
        s.mode = Mode.IDLE;
        throw unexpected("content body on channel " + frame.channel()
            + (pending == null ? " without a content header" : " while expecting a header"),
            pending);
    }
    checkFits(s, size, s.method);
    s.remaining -= size;
    if (s.body == null) {
      s.body = payload;
    } else {
      CompositeByteBuf composite;
      if (s.body instanceof CompositeByteBuf c && c.maxNumComponents() == Integer.MAX_VALUE) {
        composite = c;
      } else {
        composite = alloc.compositeBuffer(Integer.MAX_VALUE);
        composite.addComponent(true, s.body);
        s.body = composite;
      }
      composite.addComponent(true, payload);
    }
    if (s.remaining > 0) {
      return AssemblyResult.Pending.INSTANCE;
    }
    AmqpCommand command = new AmqpCommand(frame.channel(), s.method, s.properties, s.body);
    s.properties = null;
    s.body = null;
    s.method = null;
    s.mode = Mode.IDLE;
    return command;
  }

  private static void checkFits(ChannelState s, int size, AmqpMethod method) {
    if (size > s.remaining) {
      long remaining = s.remaining;
      s.clear();
      s.mode = Mode.IDLE;
      throw new AmqpException(ReplyCode.FRAME_ERROR, "content body frame of " + size
          + " bytes exceeds remaining content size " + remaining,
          method == null ? 0 : method.classId(), method == null ? 0 : method.methodId());
    }
  }

  private static AmqpException unexpected(String text, AmqpMethod method) {
    return new AmqpException(ReplyCode.UNEXPECTED_FRAME, text,
        method == null ? 0 : method.classId(), method == null ? 0 : method.methodId());
  }

  /**
   * Puts a channel in discard mode, for a channel the front end is closing: partial content is
   * released, header and body frames and content-bearing methods are dropped, other methods
   * still come out as commands (so channel.close and channel.close-ok are seen).
   */
  public void discardChannel(int channel) {
    ChannelState s = state(channel);
    s.clear();
    s.mode = Mode.DISCARD;
  }

  /** Forgets a channel (closed, or reopened): releases partial content, leaves discard mode. */
  public void resetChannel(int channel) {
    ChannelState s = channels.remove(channel);
    if (s != null) {
      s.clear();
    }
  }

  /** Whether a channel is in the middle of a content-bearing command. */
  public boolean isMidContent(int channel) {
    ChannelState s = channels.get(channel);
    return s != null && (s.mode == Mode.AWAIT_HEADER || s.mode == Mode.AWAIT_BODY
        || s.mode == Mode.SKIP_BODY);
  }

  /** Releases everything held, for every channel (connection closed). */
  public void releaseAll() {
    for (ChannelState s : channels.values()) {
      s.clear();
    }
    channels.clear();
  }
}
