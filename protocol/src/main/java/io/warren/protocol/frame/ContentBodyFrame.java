package io.warren.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.util.Objects;

/**
 * A content body frame. The frame owns {@code payload} (usually a retained slice of the input);
 * releasing the frame releases it.
 */
public record ContentBodyFrame(int channel, ByteBuf payload) implements Frame, ReferenceCounted {
  public ContentBodyFrame {
    Objects.requireNonNull(payload, "payload");
  }

  @Override
  public int refCnt() {
    return payload.refCnt();
  }

  @Override
  public ContentBodyFrame retain() {
    payload.retain();
    return this;
  }

  @Override
  public ContentBodyFrame retain(int increment) {
    payload.retain(increment);
    return this;
  }

  @Override
  public ContentBodyFrame touch() {
    payload.touch();
    return this;
  }

  @Override
  public ContentBodyFrame touch(Object hint) {
    payload.touch(hint);
    return this;
  }

  @Override
  public boolean release() {
    return payload.release();
  }

  @Override
  public boolean release(int decrement) {
    return payload.release(decrement);
  }
}
