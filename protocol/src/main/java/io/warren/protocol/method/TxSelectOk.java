package io.warren.protocol.method;

/** {@code tx.select-ok} (90, 11); wire format in {@link MethodTable}. */
public record TxSelectOk() implements AmqpMethod {}
