package io.warren.protocol.method;

/** {@code tx.commit} (90, 20); wire format in {@link MethodTable}. */
public record TxCommit() implements AmqpMethod {}
