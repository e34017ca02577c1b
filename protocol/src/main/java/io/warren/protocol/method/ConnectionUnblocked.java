package io.warren.protocol.method;

/** {@code connection.unblocked} (10, 61); wire format in {@link MethodTable}. */
public record ConnectionUnblocked() implements AmqpMethod {}
