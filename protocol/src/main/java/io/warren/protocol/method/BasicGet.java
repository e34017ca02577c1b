package io.warren.protocol.method;

/** {@code basic.get} (60, 70); wire format in {@link MethodTable}. */
public record BasicGet(String queue, boolean noAck) implements AmqpMethod {}
