package io.warren.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.util.Objects;

/**
 * A content header frame. {@code properties} holds the raw property flags and property list
 * (decode with {@link io.warren.protocol.content.BasicProperties#decode}), usually a retained
 * slice of the input; the frame owns it, and releasing the frame releases it. Keeping the bytes
 * raw lets the broker forward them to consumers without re-encoding.
 */
public record ContentHeaderFrame(int channel, int classId, long bodySize, ByteBuf properties)
    implements Frame, ReferenceCounted {
  public ContentHeaderFrame {
    Objects.requireNonNull(properties, "properties");
  }

  @Override
  public int refCnt() {
    return properties.refCnt();
  }

  @Override
  public ContentHeaderFrame retain() {
    properties.retain();
    return this;
  }

  @Override
  public ContentHeaderFrame retain(int increment) {
    properties.retain(increment);
    return this;
  }

  @Override
  public ContentHeaderFrame touch() {
    properties.touch();
    return this;
  }

  @Override
  public ContentHeaderFrame touch(Object hint) {
    properties.touch(hint);
    return this;
  }

  @Override
  public boolean release() {
    return properties.release();
  }

  @Override
  public boolean release(int decrement) {
    return properties.release(decrement);
  }
}
