package io.warren.protocol.method;

/** {@code basic.qos-ok} (60, 11); wire format in {@link MethodTable}. */
public record BasicQosOk() implements AmqpMethod {}
