package io.warren.protocol.method;

/** {@code tx.rollback-ok} (90, 31); wire format in {@link MethodTable}. */
public record TxRollbackOk() implements AmqpMethod {}
