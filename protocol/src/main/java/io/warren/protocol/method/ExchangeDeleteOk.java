package io.warren.protocol.method;

/** {@code exchange.delete-ok} (40, 21); wire format in {@link MethodTable}. */
public record ExchangeDeleteOk() implements AmqpMethod {}
