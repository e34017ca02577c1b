package io.warren.protocol.method;

/** {@code exchange.unbind-ok} (40, 51); wire format in {@link MethodTable}. */
public record ExchangeUnbindOk() implements AmqpMethod {}
