package io.warren.protocol.method;

/** {@code connection.open} (10, 40); wire format in {@link MethodTable}. */
public record ConnectionOpen(String virtualHost) implements AmqpMethod {}
