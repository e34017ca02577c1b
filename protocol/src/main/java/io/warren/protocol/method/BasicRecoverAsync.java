package io.warren.protocol.method;

/** {@code basic.recover-async} (60, 100); wire format in {@link MethodTable}. */
public record BasicRecoverAsync(boolean requeue) implements AmqpMethod {}
