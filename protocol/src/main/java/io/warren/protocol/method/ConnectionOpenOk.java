package io.warren.protocol.method;

/** {@code connection.open-ok} (10, 41); wire format in {@link MethodTable}. */
public record ConnectionOpenOk() implements AmqpMethod {}
