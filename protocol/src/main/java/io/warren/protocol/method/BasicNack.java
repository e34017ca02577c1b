package io.warren.protocol.method;

/** {@code basic.nack} (60, 120); wire format in {@link MethodTable}. */
public record BasicNack(
    long deliveryTag,
    boolean multiple,
    boolean requeue)
    implements AmqpMethod {}
