package io.warren.protocol.method;

/** {@code queue.unbind-ok} (50, 51); wire format in {@link MethodTable}. */
public record QueueUnbindOk() implements AmqpMethod {}
