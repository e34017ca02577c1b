package io.warren.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.warren.protocol.method.AmqpMethod;
import java.util.Objects;

/**
 * A complete command from {@link ContentAssembler}: a method and, for a content-bearing method,
 * its raw properties and body.
 *
 * <p>Ownership: the receiver owns {@code properties} and {@code body} and releases them when done
 * ({@link #release()} releases both). {@code body} is the frame payload itself for a one-frame
 * body, a {@link io.netty.buffer.CompositeByteBuf} of the payloads (no copy) for several, and an
 * empty buffer for an empty body.
 *
 * @param properties raw property flags and list (see {@link
 *     io.warren.protocol.content.BasicProperties#decode}); null for methods without content
 * @param body null for methods without content
 */
public record AmqpCommand(int channel, AmqpMethod method, ByteBuf properties, ByteBuf body)
    implements AssemblyResult {
  public AmqpCommand {
    Objects.requireNonNull(method, "method");
    if ((properties == null) != (body == null)) {
      throw new IllegalArgumentException("properties and body go together");
    }
  }

  /** A command without content. */
  public AmqpCommand(int channel, AmqpMethod method) {
    this(channel, method, null, null);
  }

  public boolean hasContent() {
    return body != null;
  }

  /** Releases properties and body, if any. */
  public void release() {
    if (properties != null) {
      properties.release();
    }
    if (body != null) {
      body.release();
    }
  }
}
