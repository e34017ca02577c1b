package io.warren.protocol.frame;

/**
 * An AMQP frame. {@link ContentHeaderFrame} and {@link ContentBodyFrame} hold a {@link
 * io.netty.buffer.ByteBuf} and are reference counted: whoever receives one releases it (or passes
 * it on to someone who does).
 */
public sealed interface Frame
    permits MethodFrame, ContentHeaderFrame, ContentBodyFrame, HeartbeatFrame {
  int TYPE_METHOD = 1;
  int TYPE_HEADER = 2;
  int TYPE_BODY = 3;
  int TYPE_HEARTBEAT = 8;
  /** The octet that ends every frame. */
  int FRAME_END = 0xCE;
  /** Bytes a frame adds around its payload: type, channel, size, frame end. */
  int OVERHEAD = 8;
  /** The smallest frame-max a peer may ask for. */
  int MIN_FRAME_MAX = 4096;

  int channel();
}
