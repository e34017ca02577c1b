package io.warren.protocol.method;

/** {@code queue.bind-ok} (50, 21); wire format in {@link MethodTable}. */
public record QueueBindOk() implements AmqpMethod {}
