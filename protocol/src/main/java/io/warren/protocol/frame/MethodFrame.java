package io.warren.protocol.frame;

import io.warren.protocol.method.AmqpMethod;
import java.util.Objects;

/** A method frame, already decoded. */
public record MethodFrame(int channel, AmqpMethod method) implements Frame {
  public MethodFrame {
    Objects.requireNonNull(method, "method");
  }
}
