package io.warren.protocol.method;

import io.warren.protocol.types.FieldTable;

/** {@code exchange.unbind} (40, 40); wire format in {@link MethodTable}. */
public record ExchangeUnbind(
    String destination,
    String source,
    String routingKey,
    boolean noWait,
    FieldTable arguments)
    implements AmqpMethod {}
