package io.warren.protocol.method;

/** {@code exchange.bind-ok} (40, 31); wire format in {@link MethodTable}. */
public record ExchangeBindOk() implements AmqpMethod {}
