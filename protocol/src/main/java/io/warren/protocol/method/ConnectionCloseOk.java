package io.warren.protocol.method;

/** {@code connection.close-ok} (10, 51); wire format in {@link MethodTable}. */
public record ConnectionCloseOk() implements AmqpMethod {}
