package io.warren.protocol.method;

/** {@code exchange.delete} (40, 20); wire format in {@link MethodTable}. */
public record ExchangeDelete(
    String exchange,
    boolean ifUnused,
    boolean noWait)
    implements AmqpMethod {}
