package io.warren.protocol.method;

/** {@code basic.reject} (60, 90); wire format in {@link MethodTable}. */
public record BasicReject(long deliveryTag, boolean requeue) implements AmqpMethod {}
