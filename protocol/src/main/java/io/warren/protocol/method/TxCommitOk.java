package io.warren.protocol.method;

/** {@code tx.commit-ok} (90, 21); wire format in {@link MethodTable}. */
public record TxCommitOk() implements AmqpMethod {}
