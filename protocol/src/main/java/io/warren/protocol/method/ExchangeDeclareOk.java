package io.warren.protocol.method;

/** {@code exchange.declare-ok} (40, 11); wire format in {@link MethodTable}. */
public record ExchangeDeclareOk() implements AmqpMethod {}
