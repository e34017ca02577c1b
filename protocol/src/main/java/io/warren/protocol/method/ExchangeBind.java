package io.warren.protocol.method;

import io.warren.protocol.types.FieldTable;

/** {@code exchange.bind} (40, 30); wire format in {@link MethodTable}. */
public record ExchangeBind(
    String destination,
    String source,
    String routingKey,
    boolean noWait,
    FieldTable arguments)
    implements AmqpMethod {}
