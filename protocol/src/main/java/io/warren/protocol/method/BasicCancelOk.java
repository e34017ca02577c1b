package io.warren.protocol.method;

/** {@code basic.cancel-ok} (60, 31); wire format in {@link MethodTable}. */
public record BasicCancelOk(String consumerTag) implements AmqpMethod {}
