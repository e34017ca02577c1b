package io.warren.protocol.method;

/** {@code tx.rollback} (90, 30); wire format in {@link MethodTable}. */
public record TxRollback() implements AmqpMethod {}
