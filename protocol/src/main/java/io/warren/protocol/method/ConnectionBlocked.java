package io.warren.protocol.method;

/** {@code connection.blocked} (10, 60); wire format in {@link MethodTable}. */
public record ConnectionBlocked(String reason) implements AmqpMethod {}
