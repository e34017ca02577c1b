package io.warren.protocol.method;

import io.warren.protocol.types.FieldTable;

/** {@code exchange.declare} (40, 10); wire format in {@link MethodTable}. */
public record ExchangeDeclare(
    String exchange,
    String type,
    boolean passive,
    boolean durable,
    boolean autoDelete,
    boolean internal,
    boolean noWait,
    FieldTable arguments)
    implements AmqpMethod {}
