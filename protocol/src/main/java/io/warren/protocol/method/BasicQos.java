package io.warren.protocol.method;

/** {@code basic.qos} (60, 10); wire format in {@link MethodTable}. */
public record BasicQos(
    long prefetchSize,
    int prefetchCount,
    boolean global)
    implements AmqpMethod {}
