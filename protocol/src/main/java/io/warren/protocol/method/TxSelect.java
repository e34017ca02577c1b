package io.warren.protocol.method;

/** {@code tx.select} (90, 10); wire format in {@link MethodTable}. */
public record TxSelect() implements AmqpMethod {}
