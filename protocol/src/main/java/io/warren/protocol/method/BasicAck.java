package io.warren.protocol.method;

/** {@code basic.ack} (60, 80); wire format in {@link MethodTable}. */
public record BasicAck(long deliveryTag, boolean multiple) implements AmqpMethod {}
