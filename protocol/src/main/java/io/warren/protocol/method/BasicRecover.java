package io.warren.protocol.method;

/** {@code basic.recover} (60, 110); wire format in {@link MethodTable}. */
public record BasicRecover(boolean requeue) implements AmqpMethod {}
